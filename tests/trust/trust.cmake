# tests/trust: where the oracle scripts are (merkle_oracle.py).
foreach(t test_trust_merkle test_trust_note test_trust_contract)
  if(TARGET ${t})
    target_compile_definitions(${t} PRIVATE
      LN_TRUST_TEST_DIR="${PROJECT_SOURCE_DIR}/tests/trust")
  endif()
endforeach()
