# The audit part (docs/api-trust.md "The audit routes", docs/audit-ops.md):
# routes and oracles, proofs of a 20-leaf log, tampered databases refused
# at start. Label "server".
foreach(t log proofs tamper)
  add_test(NAME server_audit_${t}
           COMMAND /usr/bin/python3
                   ${PROJECT_SOURCE_DIR}/tests/server/test_audit_${t}.py
                   ${CMAKE_BINARY_DIR})
  set_tests_properties(server_audit_${t} PROPERTIES LABELS server
                       TIMEOUT 300)
endforeach()
