# tests/net: the network area. The Hypatia test runs the python oracle
# (tests/net/fstate_oracle.py: networkx Floyd-Warshall, PyEphem) and needs
# the orbit area (SGP4) for positions.
if(TARGET test_net_hypatia)
  target_compile_definitions(test_net_hypatia PRIVATE
    LN_TEST_DIR="${PROJECT_SOURCE_DIR}/tests")
  set_tests_properties(net_hypatia PROPERTIES TIMEOUT 300)
endif()
