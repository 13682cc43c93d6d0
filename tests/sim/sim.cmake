# tests/sim: the engine. zone_crossing.py checks the step at which a
# mobile unit loses and regains service at a deny zone against Shapely.
add_test(NAME sim_zone_crossing_shapely
  COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/zone_crossing.py
          $<TARGET_FILE:leonet_cli> ${PROJECT_SOURCE_DIR}/data
          ${CMAKE_CURRENT_BINARY_DIR}/zone_crossing)
set_tests_properties(sim_zone_crossing_shapely PROPERTIES TIMEOUT 300)
