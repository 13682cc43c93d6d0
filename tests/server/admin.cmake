# /v1 administration (admin): zones, accounts and plans, usage and
# invoices, each against a daemon on a small scenario
# (tests/server/test_admin_common.py). Label "server".
foreach(t zones accounts billing)
  add_test(NAME server_admin_${t}
           COMMAND /usr/bin/python3
                   ${PROJECT_SOURCE_DIR}/tests/server/test_admin_${t}.py
                   ${CMAKE_BINARY_DIR})
  set_tests_properties(server_admin_${t} PROPERTIES LABELS server
                       TIMEOUT 300)
endforeach()
