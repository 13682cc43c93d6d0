# Geofence tests: GEOS (libgeos_c, test-only) is the oracle of
# test_geo_geofence_geos; one slow ctest per zone file with 10 million
# random points (docs/geofence.md).
# PkgConfig::GEOS (geos.pc of libgeos-dev) is found, or its absence
# reported, by the root CMakeLists.txt with the other test dependencies.
if(TARGET test_geo_geofence_geos)
  target_link_libraries(test_geo_geofence_geos PRIVATE PkgConfig::GEOS)
  file(GLOB _gf_files CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/data/geo/*.geojson)
  foreach(f ${_gf_files})
    get_filename_component(n ${f} NAME_WE)
    add_test(NAME geo_geofence_geos_10M_${n}
             COMMAND test_geo_geofence_geos ${f} 10000000)
    set_tests_properties(geo_geofence_geos_10M_${n} PROPERTIES LABELS slow)
  endforeach()
endif()
# The zone set lives in src/policy (which links geo): tests of zones
# under tests/geo link it too.
foreach(t test_geo_geofence_geos test_geo_geojson)
  if(TARGET ${t} AND TARGET leonet_policy)
    target_link_libraries(${t} PRIVATE leonet_policy)
  endif()
endforeach()
# The 100 MB document case (20 s, ~2 GB under jansson) runs only in the
# slow ctest; the default one skips it.
if(TARGET test_geo_geojson)
  set_tests_properties(geo_geojson PROPERTIES ENVIRONMENT LN_SKIP_BIG=1)
  add_test(NAME geo_geojson_100mb COMMAND test_geo_geojson)
  set_tests_properties(geo_geojson_100mb PROPERTIES LABELS slow)
endif()
# Which rings and holes each zone reader accepts (geofence, cell
# --polyfill, route --jam), against Shapely's Polygon.is_valid.
add_test(NAME geo_ring_validity_shapely
  COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/ring_validity.py
          $<TARGET_FILE:leonet_cli> ${CMAKE_CURRENT_BINARY_DIR}/ring_validity)
# (leonet run draws the activity map with cairo: fontconfig's leak)
set_tests_properties(geo_ring_validity_shapely PROPERTIES ENVIRONMENT
  "LSAN_OPTIONS=suppressions=${PROJECT_SOURCE_DIR}/tests/activity/lsan.supp")
