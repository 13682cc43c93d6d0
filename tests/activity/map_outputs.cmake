# activity_map_outputs (test_map_outputs.c) runs the leonet binary (LN_CLI):
# a dozen one-hour runs and maps, ~20 s in a release build.
if(TARGET test_activity_map_outputs)
  add_dependencies(test_activity_map_outputs leonet_cli)
  set_tests_properties(activity_map_outputs PROPERTIES TIMEOUT 600
    ENVIRONMENT "LSAN_OPTIONS=suppressions=${PROJECT_SOURCE_DIR}/tests/activity/lsan.supp")
endif()
