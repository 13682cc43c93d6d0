# tests/sim: the engine. zone_crossing.py checks the step at which a
# mobile unit loses and regains service at a deny zone against Shapely.
add_test(NAME sim_zone_crossing_shapely
  COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/zone_crossing.py
          $<TARGET_FILE:leonet_cli> ${PROJECT_SOURCE_DIR}/data
          ${CMAKE_CURRENT_BINARY_DIR}/zone_crossing)
set_tests_properties(sim_zone_crossing_shapely PROPERTIES TIMEOUT 300)
# sim_outputs (test_outputs.c) runs the leonet binary (LN_CLI) for the
# SIGTERM and --output-is-a-file cases: build it first.
if(TARGET test_sim_outputs)
  add_dependencies(test_sim_outputs leonet_cli)
  set_tests_properties(sim_outputs PROPERTIES TIMEOUT 300)
endif()
# activity-windows.geojson read by GDAL (an outside reader; gdal-bin is a
# test dependency, not a build one: LN_OGR2OGR, LN_OGRINFO, LN_GDALINFO are
# found, or their absence reported, in the root CMakeLists.txt):
# converted to GeoPackage, its time fields must be DateTime for QGIS's
# temporal controller.
add_test(NAME sim_windows_gdal
  COMMAND sh -c "rm -rf sim-windows-gdal && $<TARGET_FILE:leonet_cli> run --duration 3600 --terminals 300 --quiet --output sim-windows-gdal && ${LN_OGR2OGR} -f GPKG sim-windows-gdal/w.gpkg sim-windows-gdal/activity-windows.geojson && ${LN_OGRINFO} -so -al sim-windows-gdal/w.gpkg > sim-windows-gdal/info.txt && grep -q 'time: DateTime' sim-windows-gdal/info.txt && grep -q 'time_end: DateTime' sim-windows-gdal/info.txt && grep -q 'active: Real' sim-windows-gdal/info.txt && ${LN_GDALINFO} sim-windows-gdal/activity.png | grep -q 'ID\\[\"EPSG\",4326\\]'"
  WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
set_tests_properties(sim_windows_gdal PROPERTIES TIMEOUT 120)
# The engine's runs draw the map with cairo, which loads fontconfig;
# fontconfig leaks a little once per process (tests/activity/lsan.supp).
foreach(t sim_sim sim_outputs sim_zone_crossing_shapely sim_windows_gdal
          sim_handover sim_isl sim_sched)
  if(TEST ${t})
    set_tests_properties(${t} PROPERTIES ENVIRONMENT
      "LSAN_OPTIONS=suppressions=${PROJECT_SOURCE_DIR}/tests/activity/lsan.supp")
  endif()
endforeach()
