/*
 * mpi.c - the MPI ranks of `leonet run` (issue 16; sim_mpi.h): world
 * setup, the blocks, and the exchanges the engine and link ask for, on
 * MPI_COMM_WORLD. Compiled only when CMake finds MPI (LN_MPI).
 *
 * Every exchange moves elements of one size as an MPI contiguous type of
 * that many bytes (counts stay below 2^31 up to 2^31 terminals), in rank
 * order: rank r's elements are its block's, so the result is in terminal
 * order. Collectives only (no point-to-point): every rank calls the same
 * ones in the same order, which the engine guarantees by deciding every
 * branch around them from values all ranks share (the step, the slot, the
 * gateways' loads, the agreed failure). A rank that dies makes mpirun end
 * the job (OpenMPI kills the others and says which rank exited); a rank
 * that fails cleanly (out of memory, events' file) tells the others at
 * the step's agreement and all stop with its message.
 * Memory: counts and displacements (2 ints a rank) and the types cache.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <mpi.h>

#include "leonet/core.h"
#include "sim/sim_mpi.h"

#define NTYPES 8

struct ln__mpi {
    int rank, size;
    int inited;              /* MPI_Init was called here */
    int *cnt, *dsp;          /* [size] scratch: counts, displacements */
    size_t tsize[NTYPES];    /* cached contiguous types by element size */
    MPI_Datatype type[NTYPES];
    int ntypes;
    double bytes;            /* sent + received so far */
    size_t nt;               /* terminals: the gathers' blocks */
};

static int under_mpirun(void)
{
    return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMI_SIZE") ||
           getenv("PMIX_RANK");
}

ln__mpi *ln__sim_mpi_open(int *rc)
{
    *rc = 0;
    int inited = 0;
    MPI_Initialized(&inited);
    if (!inited && !under_mpirun())
        return NULL;
    ln__mpi *m = ln_calloc(1, sizeof *m);
    if (!m) {
        *rc = LN_ENOMEM;
        return NULL;
    }
    if (!inited) {
        int prov;
        /* the rank's OpenMP threads never call MPI: FUNNELED */
        if (MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &prov) !=
            MPI_SUCCESS) {
            ln_free(m);
            *rc = LN_EIO;
            return NULL;
        }
        m->inited = 1;
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &m->rank);
    MPI_Comm_size(MPI_COMM_WORLD, &m->size);
    m->cnt = ln_calloc((size_t)m->size, sizeof *m->cnt);
    m->dsp = ln_calloc((size_t)m->size, sizeof *m->dsp);
    if (!m->cnt || !m->dsp) {
        *rc = LN_ENOMEM;
        ln__sim_mpi_close(m, 1);
        return NULL;
    }
    return m;
}

void ln__sim_mpi_close(ln__mpi *m, int failed)
{
    if (!m)
        return;
    for (int k = 0; k < m->ntypes; k++)
        MPI_Type_free(&m->type[k]);
    (void)failed; /* failures are agreed before: every rank finalizes */
    if (m->inited)
        MPI_Finalize();
    ln_free(m->cnt);
    ln_free(m->dsp);
    ln_free(m);
}

int ln__sim_mpi_rank(const ln__mpi *m)
{
    return m ? m->rank : 0;
}

int ln__sim_mpi_size(const ln__mpi *m)
{
    return m ? m->size : 1;
}

static void block_of(int r, int size, size_t n, size_t *lo, size_t *hi)
{
    /* n r / N without overflow for n < 2^32 ranks x terminals */
    *lo = (size_t)((unsigned long long)n * (unsigned)r / (unsigned)size);
    *hi = (size_t)((unsigned long long)n * (unsigned)(r + 1) /
                   (unsigned)size);
}

void ln__sim_mpi_block(const ln__mpi *m, size_t n, size_t *lo, size_t *hi)
{
    block_of(m->rank, m->size, n, lo, hi);
}

/* The contiguous type of `size` bytes (cached). */
static MPI_Datatype type_of(ln__mpi *m, size_t size)
{
    for (int k = 0; k < m->ntypes; k++)
        if (m->tsize[k] == size)
            return m->type[k];
    MPI_Datatype t;
    MPI_Type_contiguous((int)size, MPI_BYTE, &t);
    MPI_Type_commit(&t);
    if (m->ntypes < NTYPES) {
        m->tsize[m->ntypes] = size;
        m->type[m->ntypes++] = t;
    }
    return t; /* LN-DEV: a 9th size would leak its type; there are 5 */
}

/* counts and displacements (elements from base) of every rank's part of
 * [a, b); returns this rank's count */
static int parts(ln__mpi *m, size_t nt, size_t a, size_t b)
{
    for (int r = 0; r < m->size; r++) {
        size_t lo, hi;
        block_of(r, m->size, nt, &lo, &hi);
        if (lo < a)
            lo = a;
        if (hi > b)
            hi = b;
        m->cnt[r] = hi > lo ? (int)(hi - lo) : 0;
        m->dsp[r] = hi > lo ? (int)lo : 0;
    }
    return m->cnt[m->rank];
}

void ln__sim_mpi_set_n(ln__mpi *m, size_t nt)
{
    m->nt = nt;
}

void ln__sim_mpi_gather(void *mv, void *base, size_t size, size_t a,
                        size_t b)
{
    ln__mpi *m = mv;
    if (m->size == 1)
        return;
    parts(m, m->nt, a, b);
    MPI_Datatype t = type_of(m, size);
    double tot = 0;
    for (int r = 0; r < m->size; r++)
        tot += m->cnt[r];
    m->bytes += (tot - m->cnt[m->rank]) * (double)size +
                (double)m->cnt[m->rank] * size * (m->size - 1);
    MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, base, m->cnt, m->dsp,
                   t, MPI_COMM_WORLD);
}

void ln__sim_mpi_gather_root(ln__mpi *m, void *base, size_t size, size_t a,
                             size_t b)
{
    if (m->size == 1)
        return;
    int mine = parts(m, m->nt, a, b);
    MPI_Datatype t = type_of(m, size);
    char *p = (char *)base + (size_t)m->dsp[m->rank] * size;
    if (m->rank == 0) {
        double tot = 0;
        for (int r = 1; r < m->size; r++)
            tot += m->cnt[r];
        m->bytes += tot * (double)size;
        MPI_Gatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, base, m->cnt, m->dsp,
                    t, 0, MPI_COMM_WORLD);
    } else {
        m->bytes += (double)mine * size;
        MPI_Gatherv(p, mine, t, NULL, NULL, NULL, t, 0, MPI_COMM_WORLD);
    }
}

void ln__sim_mpi_sum_root_u64(ln__mpi *m, uint64_t *a, size_t n)
{
    if (m->size == 1 || n == 0)
        return;
    m->bytes += (double)n * 8;
    for (size_t off = 0; off < n; off += INT_MAX / 2) {
        int k = (int)(n - off < INT_MAX / 2 ? n - off : INT_MAX / 2);
        if (m->rank == 0)
            MPI_Reduce(MPI_IN_PLACE, a + off, k, MPI_UINT64_T, MPI_SUM, 0,
                       MPI_COMM_WORLD);
        else
            MPI_Reduce(a + off, NULL, k, MPI_UINT64_T, MPI_SUM, 0,
                       MPI_COMM_WORLD);
    }
}

void ln__sim_mpi_sum_root_u32(ln__mpi *m, uint32_t *a, size_t n)
{
    if (m->size == 1 || n == 0)
        return;
    m->bytes += (double)n * 4;
    for (size_t off = 0; off < n; off += INT_MAX / 2) {
        int k = (int)(n - off < INT_MAX / 2 ? n - off : INT_MAX / 2);
        if (m->rank == 0)
            MPI_Reduce(MPI_IN_PLACE, a + off, k, MPI_UINT32_T, MPI_SUM, 0,
                       MPI_COMM_WORLD);
        else
            MPI_Reduce(a + off, NULL, k, MPI_UINT32_T, MPI_SUM, 0,
                       MPI_COMM_WORLD);
    }
}

int ln__sim_mpi_bytes_root(ln__mpi *m, const void *buf, size_t nbytes,
                           void **out, size_t *outn)
{
    *out = NULL;
    *outn = 0;
    int mine = (int)nbytes; /* a step's events of one rank: < 2 GiB */
    MPI_Gather(&mine, 1, MPI_INT, m->cnt, 1, MPI_INT, 0, MPI_COMM_WORLD);
    int rc = 0;
    char *all = NULL;
    long long tot = 0;
    if (m->rank == 0) {
        for (int r = 0; r < m->size; r++) {
            m->dsp[r] = (int)tot;
            tot += m->cnt[r];
        }
        if (tot > INT_MAX)
            rc = LN_ENOMEM;
        else if (!(all = ln_malloc(tot ? (size_t)tot : 1)))
            rc = LN_ENOMEM;
    }
    MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (rc)
        return rc;
    m->bytes += (double)(m->rank == 0 ? tot - mine : mine);
    MPI_Gatherv(buf, mine, MPI_BYTE, all, m->cnt, m->dsp, MPI_BYTE, 0,
                MPI_COMM_WORLD);
    *out = all;
    *outn = (size_t)tot;
    return 0;
}

int ln__sim_mpi_agree(ln__mpi *m, int rc, int *who)
{
    *who = m->rank;
    if (m->size == 1)
        return rc;
    MPI_Allgather(&rc, 1, MPI_INT, m->cnt, 1, MPI_INT, MPI_COMM_WORLD);
    for (int r = 0; r < m->size; r++)
        if (m->cnt[r]) {
            *who = r;
            return m->cnt[r];
        }
    return 0;
}

double ln__sim_mpi_bytes(const ln__mpi *m)
{
    return m ? m->bytes : 0;
}
