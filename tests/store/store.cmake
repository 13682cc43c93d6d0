# tests/store: where the audit log's Python oracles are (audit_oracle.py,
# audit_tamper.py), run by test_store_audit and test_store_verify.
foreach(t test_store_audit test_store_verify test_store_scope)
  if(TARGET ${t})
    target_compile_definitions(${t} PRIVATE
      LN_STORE_TEST_DIR="${PROJECT_SOURCE_DIR}/tests/store")
    target_link_libraries(${t} PRIVATE PkgConfig::SODIUM)
  endif()
endforeach()
