# tests/server, the drive's part (owner: drive): `leonet drive` and
# `leonetd seed` (docs/drive.md).
# server_drive_client: leonet drive against a stand-in daemon (retries with
# the same seqs, the suspension's order, a wrong token, a daemon gone).
add_test(NAME server_drive_client
  COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/test_drive_client.py
          $<TARGET_FILE:leonet_cli> ${PROJECT_SOURCE_DIR})
set_tests_properties(server_drive_client PROPERTIES TIMEOUT 600
  LABELS "server;drive")
# server_drive_equal: a driven hour equals `leonet run`'s (usage per
# account, denials by reason and zone, map cells); needs leonetd with the
# store, /v1/telemetry, /metrics, /v1/accounts/{id}/usage and /v1/map.
add_test(NAME server_drive_equal
  COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/test_drive_equal.py
          ${CMAKE_BINARY_DIR} ${PROJECT_SOURCE_DIR})
set_tests_properties(server_drive_equal PROPERTIES TIMEOUT 900
  LABELS "server;drive")
# server_drive_seed: leonetd seed read back with Python's sqlite3.
add_test(NAME server_drive_seed
  COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/test_drive_seed.py
          ${CMAKE_BINARY_DIR} ${PROJECT_SOURCE_DIR})
set_tests_properties(server_drive_seed PROPERTIES TIMEOUT 300
  LABELS "server;drive")
