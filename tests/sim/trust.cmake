# tests/sim: contracts and change requests in `leonet run` (issue 15):
# the built-in refused kill and the granted one, policy_events against a
# protected account, signatures and the audit log checked in Python
# (python3-cryptography, hashlib), bad members located.
add_test(NAME sim_trust_contracts
  COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/trust_sim.py
          $<TARGET_FILE:leonet_cli> ${PROJECT_SOURCE_DIR}/data
          ${CMAKE_CURRENT_BINARY_DIR}/trust_sim)
set_tests_properties(sim_trust_contracts PROPERTIES TIMEOUT 300
  LABELS trust
  ENVIRONMENT "LSAN_OPTIONS=suppressions=${PROJECT_SOURCE_DIR}/tests/activity/lsan.supp")
