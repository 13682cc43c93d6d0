# tests/server/core.cmake: the daemon's core (http, route, auth, state,
# ingest, authz, metrics, config, leonetd's verbs), driven over HTTP by
# Python scripts (tests/server/lnd.py) against a daemon on port 0 with a
# temporary store seeded by the hidden `leonetd seed-min`.
foreach(t roles zone ingest ops)
  add_test(NAME server_core_${t}
           COMMAND /usr/bin/python3
                   ${PROJECT_SOURCE_DIR}/tests/server/test_core_${t}.py
                   ${CMAKE_BINARY_DIR})
  set_tests_properties(server_core_${t} PROPERTIES LABELS "server"
                       TIMEOUT 300)
endforeach()
add_test(NAME server_core_cli
         COMMAND /usr/bin/python3 ${PROJECT_SOURCE_DIR}/tests/server/test_core_cli.py
                 ${CMAKE_BINARY_DIR} ${PROJECT_VERSION})
set_tests_properties(server_core_cli PROPERTIES LABELS "server" TIMEOUT 300)
