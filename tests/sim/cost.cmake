# tests/sim/test_cost.c runs the engine with its outputs, so it draws the
# map with cairo, which loads fontconfig; fontconfig leaks a little once
# per process (tests/activity/lsan.supp).
if(TEST sim_cost)
  set_tests_properties(sim_cost PROPERTIES ENVIRONMENT
    "LSAN_OPTIONS=suppressions=${PROJECT_SOURCE_DIR}/tests/activity/lsan.supp")
endif()
