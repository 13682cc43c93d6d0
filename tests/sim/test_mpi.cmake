# tests/sim/test_mpi*: issue 16. `leonet scenario gen` (test_mpi_gen.sh:
# the presets' shells against the published numbers, the file parses and
# runs); the MPI runs (test_mpi.sh, only in an MPI build).
add_test(NAME sim_mpi_gen
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/test_mpi_gen.sh
          $<TARGET_FILE:leonet_cli>)
set_tests_properties(sim_mpi_gen PROPERTIES TIMEOUT 300
  ENVIRONMENT "LSAN_OPTIONS=suppressions=${PROJECT_SOURCE_DIR}/tests/activity/lsan.supp")
# The MPI runs (an MPI build only): byte-identical outputs for N = 1..4
# ranks, 0 terminals, more ranks than terminals, a rank that dies. Label
# "slow": in `make test-release`, not in the sanitizer run (OpenMPI's
# own allocations at MPI_Init are reported by LeakSanitizer as leaks).
if(LN_MPI_FOUND AND LN_MPIEXEC)
  add_test(NAME sim_mpi_ranks
    COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/test_mpi.sh
            $<TARGET_FILE:leonet_cli> ${LN_MPIEXEC})
  set_tests_properties(sim_mpi_ranks PROPERTIES TIMEOUT 900
    LABELS "slow;mpi" RUN_SERIAL TRUE
    ENVIRONMENT "OMPI_MCA_rmaps_base_oversubscribe=1")
endif()
