# tests/net: the network area. The Hypatia test runs the python oracle
# (tests/net/fstate_oracle.py: networkx Floyd-Warshall, PyEphem) and needs
# the orbit area (SGP4) for positions.
if(TARGET test_net_hypatia)
  target_compile_definitions(test_net_hypatia PRIVATE
    LN_TEST_DIR="${PROJECT_SOURCE_DIR}/tests")
  set_tests_properties(net_hypatia PROPERTIES TIMEOUT 300)
endif()
# net_failures (test_failures.c) also runs the leonet binary (LN_CLI).
if(TARGET test_net_failures)
  add_dependencies(test_net_failures leonet_cli)
  set_tests_properties(net_failures PROPERTIES TIMEOUT 120)
endif()
if(TARGET test_net_incremental)
  set_tests_properties(net_incremental PROPERTIES TIMEOUT 300)
endif()
# net_insvc (test_insvc.c) runs the leonet binary (LN_CLI): the in-service
# rule in route, route --hypatia --export and propagate --summary.
if(TARGET test_net_insvc)
  add_dependencies(test_net_insvc leonet_cli)
endif()
