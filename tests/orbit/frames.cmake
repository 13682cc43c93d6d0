# test_orbit_frames uses ERFA (liberfa-dev) as its oracle for GMST.
if(NOT TARGET PkgConfig::ERFA)
  pkg_check_modules(ERFA REQUIRED IMPORTED_TARGET erfa)
endif()
if(TARGET test_orbit_frames)
  target_link_libraries(test_orbit_frames PRIVATE PkgConfig::ERFA)
endif()
