# The parties' command line against a daemon (issue 15): keys, contract
# signatures and registration, change requests made, submitted and signed
# with `leonet change` (tests/server/test_cli_change.py). Label "server".
add_test(NAME server_cli_change
         COMMAND /usr/bin/python3
                 ${PROJECT_SOURCE_DIR}/tests/server/test_cli_change.py
                 ${CMAKE_BINARY_DIR})
set_tests_properties(server_cli_change PROPERTIES LABELS server TIMEOUT 300)
