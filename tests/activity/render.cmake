# test_activity_render draws text with cairo, which loads fontconfig;
# fontconfig leaks a little once per process (tests/activity/lsan.supp),
# which a sanitizer build (LN_SANITIZE) would otherwise report.
if(TEST activity_render)
  set_tests_properties(activity_render PROPERTIES ENVIRONMENT
    "LSAN_OPTIONS=suppressions=${PROJECT_SOURCE_DIR}/tests/activity/lsan.supp")
endif()
