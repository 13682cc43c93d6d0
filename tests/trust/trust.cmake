# tests/trust: where the oracle scripts are (merkle_oracle.py).
foreach(t test_trust_merkle test_trust_note test_trust_contract)
  if(TARGET ${t})
    target_compile_definitions(${t} PRIVATE
      LN_TRUST_TEST_DIR="${PROJECT_SOURCE_DIR}/tests/trust")
  endif()
endforeach()
# The trust verbs end to end (leonet key/sign/contract/audit/witness).
add_test(NAME trust_cli
         COMMAND /usr/bin/python3 ${PROJECT_SOURCE_DIR}/tests/trust/cli_trust.py
                 $<TARGET_FILE:leonet_cli>)
set_tests_properties(trust_cli PROPERTIES LABELS trust)
# leonet audit verify URL and leonet witness --url against daemons
# (tests/server/lnd.py; the audit part).
if(TARGET leonetd)
  add_test(NAME trust_cli_audit_witness
           COMMAND /usr/bin/python3
                   ${PROJECT_SOURCE_DIR}/tests/trust/cli_audit_witness.py
                   ${CMAKE_BINARY_DIR})
  set_tests_properties(trust_cli_audit_witness PROPERTIES
                       LABELS "trust;server" TIMEOUT 300)
endif()
