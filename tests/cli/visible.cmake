# tests/cli/test_visible.c: `leonet visible` (LN_CLI) against
# tests/cli/visible_oracle.py (python3-sgp4 + numpy), hostile inputs.
if(TARGET test_cli_visible)
  add_dependencies(test_cli_visible leonet_cli)
  target_compile_definitions(test_cli_visible PRIVATE
    LN_TEST_DIR="${PROJECT_SOURCE_DIR}/tests/cli")
  set_tests_properties(cli_visible PROPERTIES TIMEOUT 300)
endif()
