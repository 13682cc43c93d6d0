# The daemon's trust part (issue 15): contracts, change requests, the kill
# switch and the gates, against a `leonetd seed-min` daemon, signatures
# made in Python (python3-cryptography), the audit table read with
# sqlite3 (tests/server/test_trust_common.py). Label "server".
foreach(t attacks gates review)
  add_test(NAME server_trust_${t}
           COMMAND /usr/bin/python3
                   ${PROJECT_SOURCE_DIR}/tests/server/test_trust_${t}.py
                   ${CMAKE_BINARY_DIR})
  set_tests_properties(server_trust_${t} PROPERTIES LABELS server
                       TIMEOUT 300)
endforeach()
