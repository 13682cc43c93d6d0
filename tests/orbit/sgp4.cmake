# SGP4 oracle tests: skip (77) when /usr/bin/python3 lacks python3-sgp4.
if(TEST orbit_sgp4_python)
  set_tests_properties(orbit_sgp4_python PROPERTIES SKIP_RETURN_CODE 77)
endif()
