# tests/sim/test_mpi*: issue 16. `leonet scenario gen` (test_mpi_gen.sh:
# the presets' shells against the published numbers, the file parses and
# runs); the MPI runs (test_mpi.sh, only in an MPI build).
add_test(NAME sim_mpi_gen
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/test_mpi_gen.sh
          $<TARGET_FILE:leonet_cli>)
set_tests_properties(sim_mpi_gen PROPERTIES TIMEOUT 300
  ENVIRONMENT "LSAN_OPTIONS=suppressions=${PROJECT_SOURCE_DIR}/tests/activity/lsan.supp")
