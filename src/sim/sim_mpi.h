/*
 * sim_mpi.h - private to sim: the MPI ranks of `leonet run` (issue 16;
 * src/sim/mpi/mpi.c, compiled only when CMake finds MPI: LN_MPI).
 *
 * Under mpirun (OMPI_COMM_WORLD_SIZE, PMI_SIZE or PMIX_RANK set) the
 * engine runs as one part of MPI_COMM_WORLD: rank r links the terminals
 * lo..hi-1 (contiguous blocks in the engine's terminal order, nt r / N ..
 * nt (r + 1) / N); every rank propagates the whole constellation itself.
 * Couplings are exchanged in rank order, which is terminal order, so the
 * results are those of one process (docs/scaling.md):
 *   gather       an array's blocks to every rank (MPI_Allgatherv in
 *                place: link's ln_link_part, the demands)
 *   gather_root  the same to rank 0 only (statuses, bytes of a step)
 *   sum_root     integer sums to rank 0 (counters, map counts)
 *   bytes_root   variable-length records to rank 0, in rank order (a
 *                step's events)
 *   agree        whether any rank failed (MPI_Allreduce MAX), once a step
 * Without LN_MPI the functions are stubs and ln__sim_mpi_open gives NULL:
 * one process, the engine unchanged. Memory: per rank the engine of a
 * whole run (every terminal's static data) plus its gather buffers.
 */
#ifndef LN_SIM_MPI_H
#define LN_SIM_MPI_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "leonet/core.h"

typedef struct ln__mpi ln__mpi;

#ifdef LN_MPI
/* NULL when not started by mpirun (one process); else the world (MPI
 * initialized here when needed). *rc: 0, or LN_EIO when MPI failed. */
ln__mpi *ln__sim_mpi_open(int *rc);
/* MPI_Finalize when it was initialized here (after a failure on any
 * rank: MPI_Abort, so that no rank waits for one that left). */
void ln__sim_mpi_close(ln__mpi *m, int failed);
int ln__sim_mpi_rank(const ln__mpi *m);
int ln__sim_mpi_size(const ln__mpi *m);
/* The terminal count the gathers split (once, after setup placed them). */
void ln__sim_mpi_set_n(ln__mpi *m, size_t nt);
/* This rank's block of n items: [*lo, *hi). */
void ln__sim_mpi_block(const ln__mpi *m, size_t n, size_t *lo, size_t *hi);
void ln__sim_mpi_gather(void *m, void *base, size_t size, size_t a,
                        size_t b);
void ln__sim_mpi_gather_root(ln__mpi *m, void *base, size_t size, size_t a,
                             size_t b);
/* n uint64 or uint32 summed into rank 0's a (the others' a unchanged) */
void ln__sim_mpi_sum_root_u64(ln__mpi *m, uint64_t *a, size_t n);
void ln__sim_mpi_sum_root_u32(ln__mpi *m, uint32_t *a, size_t n);
/* Every rank's nbytes at buf to rank 0: *out (ln_malloc'd, rank order),
 * *outn bytes; NULL on the others. 0 or LN_ENOMEM (then on every rank:
 * the count is agreed). */
int ln__sim_mpi_bytes_root(ln__mpi *m, const void *buf, size_t nbytes,
                           void **out, size_t *outn);
/* The first failure of any rank (rank order): 0 when none failed;
 * *who its rank. */
int ln__sim_mpi_agree(ln__mpi *m, int rc, int *who);
/* Bytes this rank sent and received in the exchanges so far. */
double ln__sim_mpi_bytes(const ln__mpi *m);
#else
/* Without MPI: one process; started by mpirun with more than one rank,
 * LN_EINVAL (each rank would run everything). */
static inline ln__mpi *ln__sim_mpi_open(int *rc)
{
    const char *n = getenv("OMPI_COMM_WORLD_SIZE");
    if (!n)
        n = getenv("PMI_SIZE");
    *rc = n && strcmp(n, "1") != 0 ? LN_EINVAL : 0;
    return NULL;
}
static inline void ln__sim_mpi_close(ln__mpi *m, int failed)
{
    (void)m;
    (void)failed;
}
static inline int ln__sim_mpi_rank(const ln__mpi *m)
{
    (void)m;
    return 0;
}
static inline int ln__sim_mpi_size(const ln__mpi *m)
{
    (void)m;
    return 1;
}
static inline void ln__sim_mpi_set_n(ln__mpi *m, size_t nt)
{
    (void)m, (void)nt;
}
static inline void ln__sim_mpi_block(const ln__mpi *m, size_t n, size_t *lo,
                                     size_t *hi)
{
    (void)m;
    *lo = 0;
    *hi = n;
}
static inline void ln__sim_mpi_gather(void *m, void *base, size_t size,
                                      size_t a, size_t b)
{
    (void)m, (void)base, (void)size, (void)a, (void)b;
}
static inline void ln__sim_mpi_gather_root(ln__mpi *m, void *base,
                                           size_t size, size_t a, size_t b)
{
    (void)m, (void)base, (void)size, (void)a, (void)b;
}
static inline void ln__sim_mpi_sum_root_u64(ln__mpi *m, uint64_t *a,
                                            size_t n)
{
    (void)m, (void)a, (void)n;
}
static inline void ln__sim_mpi_sum_root_u32(ln__mpi *m, uint32_t *a,
                                            size_t n)
{
    (void)m, (void)a, (void)n;
}
static inline int ln__sim_mpi_bytes_root(ln__mpi *m, const void *buf,
                                         size_t nbytes, void **out,
                                         size_t *outn)
{
    (void)m, (void)buf, (void)nbytes;
    *out = NULL;
    *outn = 0;
    return 0;
}
static inline int ln__sim_mpi_agree(ln__mpi *m, int rc, int *who)
{
    (void)m;
    *who = 0;
    return rc;
}
static inline double ln__sim_mpi_bytes(const ln__mpi *m)
{
    (void)m;
    return 0;
}
#endif

#endif
