# tests/cli: the leonet binary (LN_CLI) over tables of hostile cases,
# /dev/full outputs and -h/-V for every verb. The test compares -V with
# CMake's project version, the one place it comes from.
if(TARGET test_cli_cli)
  add_dependencies(test_cli_cli leonet_cli)
  target_compile_definitions(test_cli_cli PRIVATE
                             LN_VERSION="${PROJECT_VERSION}")
  # 'leonet run' draws its map with cairo, whose fontconfig leaks a little
  # once per process (the activity tests' suppressions)
  set_tests_properties(cli_cli PROPERTIES TIMEOUT 300 ENVIRONMENT
    "LSAN_OPTIONS=suppressions=${PROJECT_SOURCE_DIR}/tests/activity/lsan.supp")
endif()
