# tests/sim/test_observe.c (owner: drive): its runs draw the map with
# cairo, which loads fontconfig, which leaks a little once per process
# (tests/activity/lsan.supp).
if(TEST sim_observe)
  set_tests_properties(sim_observe PROPERTIES ENVIRONMENT
    "LSAN_OPTIONS=suppressions=${PROJECT_SOURCE_DIR}/tests/activity/lsan.supp")
endif()
