# test_orbit_frames uses ERFA (liberfa-dev) as its oracle for GMST.
# (PkgConfig::ERFA: found with the test dependencies, root CMakeLists.txt)
if(TARGET test_orbit_frames)
  target_link_libraries(test_orbit_frames PRIVATE PkgConfig::ERFA)
endif()
