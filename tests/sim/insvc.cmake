# sim_insvc (test_insvc.c) runs the engine, which draws the map with cairo:
# fontconfig's once-per-process leak is suppressed as for the other engine
# tests (tests/activity/lsan.supp; sim.cmake lists those).
if(TEST sim_insvc)
  set_tests_properties(sim_insvc PROPERTIES ENVIRONMENT
    "LSAN_OPTIONS=suppressions=${PROJECT_SOURCE_DIR}/tests/activity/lsan.supp")
endif()
