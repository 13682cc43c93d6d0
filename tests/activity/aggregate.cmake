# activity_aggregate (test_aggregate.c) runs the leonet binary (LN_CLI) on
# a hand-built scenario (9 runs of an hour each, ~2 s in a release build):
# build the binary first.
if(TARGET test_activity_aggregate)
  add_dependencies(test_activity_aggregate leonet_cli)
  set_tests_properties(activity_aggregate PROPERTIES TIMEOUT 300
    ENVIRONMENT "LSAN_OPTIONS=suppressions=${PROJECT_SOURCE_DIR}/tests/activity/lsan.supp")
endif()
