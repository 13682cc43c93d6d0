# test_geo_geodesy uses ERFA (liberfa-dev) as its oracle for WGS-84
# geodetic <-> ECEF, look angles (eraHd2ae), separations and bearings.
# (PkgConfig::ERFA: found with the test dependencies, root CMakeLists.txt)
if(TARGET test_geo_geodesy)
  target_link_libraries(test_geo_geodesy PRIVATE PkgConfig::ERFA)
endif()
