# harden's tests: leonetd under hostile input and faults
# (tests/server/test_faults_*.py, docs/faults.md). Label "faults" (with
# "server"): in every `ctest -LE 'bench|slow'` run, the release one
# included; each takes under a minute.
if(TARGET leonetd)
  foreach(t input conn kill disk)
    add_test(NAME server_faults_${t}
             COMMAND /usr/bin/python3
                     ${PROJECT_SOURCE_DIR}/tests/server/test_faults_${t}.py
                     ${CMAKE_BINARY_DIR})
    set_tests_properties(server_faults_${t} PROPERTIES
                         LABELS "server;faults" TIMEOUT 120)
  endforeach()
  # 10,000 connections: not beside another test that opens many
  set_tests_properties(server_faults_conn PROPERTIES RUN_SERIAL TRUE)
endif()
