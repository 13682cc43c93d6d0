/*
 * bench_store.c - ln_store_ingest rows/s beside raw SQLite inserting the
 * same rows (the peer), both durable (WAL, synchronous=FULL) on the same
 * disk, in the same run.
 *
 *   bench_store DIR [NTERM [ROUNDS [BATCH]]]   (defaults 100000 20 1000)
 *
 * NTERM terminals are registered first; then ROUNDS rounds in which every
 * terminal reports once (seq = round), the terminals of a round in a
 * shuffled order, cut into BATCH-report batches. Runs:
 *   peer   one thread, raw SQLite: the reports table alone (pos rowid,
 *          UNIQUE(terminal, seq)), one transaction per batch
 *   append the same, no index (what SQLite does at best here)
 *   store1 ln_store_ingest from 1 thread
 *   store2 ln_store_ingest from 2 threads (group commit)
 *   store8, store16  from 8 and 16 threads (leonetd's write workers: 16)
 * Each on a fresh file in DIR. Prints rows/s and the ratio to the peer.
 * Built by bench/store/run.sh; never part of the tests.
 */
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "leonet/store.h"

static long nterm = 100000, rounds = 20, batch = 1000;
static ln_st_report *reps; /* nterm * rounds, in ingest order */
static long nrep;
static atomic_long next_batch;
static ln_store *st;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* CPU seconds (user + system) of the process so far: on a shared
 * machine the wall clock depends on the others, this much less. */
static double cpu_s(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (double)u.ru_utime.tv_sec + 1e-6 * (double)u.ru_utime.tv_usec +
           (double)u.ru_stime.tv_sec + 1e-6 * (double)u.ru_stime.tv_usec;
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void make_reports(void)
{
    nrep = nterm * rounds;
    reps = calloc((size_t)nrep, sizeof *reps);
    long *perm = malloc((size_t)nterm * sizeof *perm);
    if (!reps || !perm)
        exit(1);
    for (long i = 0; i < nterm; i++)
        perm[i] = i;
    for (long r = 0; r < rounds; r++) {
        for (long i = nterm - 1; i > 0; i--) {
            long j = (long)(next_rand() % (uint64_t)(i + 1)), x = perm[i];
            perm[i] = perm[j];
            perm[j] = x;
        }
        for (long i = 0; i < nterm; i++) {
            ln_st_report *p = &reps[r * nterm + i];
            long k = perm[i];
            snprintf(p->terminal, sizeof p->terminal, "UT%08ld", k);
            snprintf(p->account, sizeof p->account, "ACC-%ld", k % 500);
            p->seq = r;
            p->t_unix_s = 1665273600.0 + 15.0 * (double)r + (double)(k % 15);
            p->lat_deg = -60.0 + (double)(k % 120000) / 1000.0;
            p->lon_deg = -180.0 + (double)(k % 360000) / 1000.0;
            p->bytes_down = 1000000 + (uint64_t)k;
            p->bytes_up = 100000;
            p->billed_bytes = p->bytes_down + p->bytes_up;
            p->latency_ms = 31.5;
        }
    }
    free(perm);
}

static void fail(const char *what, int rc)
{
    fprintf(stderr, "bench_store: %s: %d %s\n", what, rc,
            st ? ln_store_errmsg(st) : "");
    exit(1);
}

static void *worker(void *arg)
{
    (void)arg;
    uint8_t *nw = malloc((size_t)batch);
    for (;;) {
        long b = atomic_fetch_add(&next_batch, 1);
        long from = b * batch;
        if (from >= nrep)
            break;
        long n = nrep - from < batch ? nrep - from : batch;
        int rc = ln_store_ingest(st, reps + from, (size_t)n, nw);
        if (rc)
            fail("ingest", rc);
    }
    free(nw);
    return NULL;
}

static double run_store(const char *dir, int nthreads)
{
    char path[512];
    snprintf(path, sizeof path, "%s/store%d.db", dir, nthreads);
    remove(path);
    ln_diag d;
    int rc = ln_store_open(path, &st, &d);
    if (rc)
        fail(d.msg, rc);
    ln_st_terminal *t = calloc((size_t)nterm, sizeof *t);
    for (long k = 0; k < nterm; k++) {
        snprintf(t[k].id, sizeof t[k].id, "UT%08ld", k);
        snprintf(t[k].account, sizeof t[k].account, "ACC-%ld", k % 500);
        t[k].seq = -1;
    }
    if ((rc = ln_store_put_terminals(st, t, (size_t)nterm)))
        fail("terminals", rc);
    free(t);
    atomic_store(&next_batch, 0);
    double t0 = now_s(), c0 = cpu_s();
    pthread_t th[16];
    if (nthreads > 16)
        nthreads = 16;
    for (int i = 0; i < nthreads; i++)
        pthread_create(&th[i], NULL, worker, NULL);
    for (int i = 0; i < nthreads; i++)
        pthread_join(th[i], NULL);
    ln_store_stats s;
    ln_store_get_stats(st, &s);
    /* closing folds the state and checkpoints the WAL: part of the cost
     * of a sustained rate, so timed (the fold shown apart) */
    double f0 = now_s(), fc0 = cpu_s();
    if ((rc = ln_store_checkpoint(st)))
        fail("checkpoint", rc);
    double fold_s = now_s() - f0, fold_cpu = cpu_s() - fc0;
    ln_store_close(st);
    st = NULL;
    double dt = now_s() - t0, dc = cpu_s() - c0;
    printf("store%-2d %9.0f rows/s  (%ld rows, %.2f s, %.2f us CPU/row, "
           "last fold %.2f s %.2f s CPU, %llu commits, mean %.2f ms, "
           "max %.2f ms)\n", nthreads,
           (double)nrep / dt, nrep, dt, 1e6 * dc / (double)nrep, fold_s,
           fold_cpu,
           (unsigned long long)s.commits,
           1e3 * s.commit_s_sum / (double)(s.commits ? s.commits : 1),
           1e3 * s.commit_s_max);
    return (double)nrep / dt;
}

static void sql(sqlite3 *db, const char *q)
{
    char *e = NULL;
    if (sqlite3_exec(db, q, NULL, NULL, &e) != SQLITE_OK) {
        fprintf(stderr, "bench_store: %s: %s\n", q, e);
        exit(1);
    }
}

static double peer_rows(const char *dir, int unique);

/* The peer: raw SQLite, the reports table with UNIQUE(terminal, seq) (the
 * obvious design: INSERT OR IGNORE per report). */
static double run_peer(const char *dir) { return peer_rows(dir, 1); }
/* The floor: the same rows appended to a table with no index at all. */
static double run_peer_append(const char *dir) { return peer_rows(dir, 0); }

static double peer_rows(const char *dir, int unique)
{
    char path[512];
    snprintf(path, sizeof path, "%s/peer%d.db", dir, unique);
    remove(path);
    sqlite3 *db;
    if (sqlite3_open(path, &db) != SQLITE_OK)
        fail("peer open", 0);
    sql(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
            "CREATE TABLE reports(pos INTEGER PRIMARY KEY, terminal TEXT "
            "NOT NULL, seq INTEGER NOT NULL, t REAL NOT NULL, lat REAL, lon "
            "REAL, alt REAL, bytes_down INTEGER, bytes_up INTEGER, latency "
            "REAL, link INTEGER, reason INTEGER, alert INTEGER, billed "
            "INTEGER, account TEXT NOT NULL)");
    if (unique)
        sql(db, "CREATE UNIQUE INDEX reports_key ON reports(terminal, seq)");
    sqlite3_stmt *q;
    sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO reports VALUES(?1,?2,?3,"
                           "?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15)",
                       -1, &q, NULL);
    double t0 = now_s(), c0 = cpu_s();
    for (long from = 0; from < nrep; from += batch) {
        sql(db, "BEGIN");
        for (long i = from; i < from + batch && i < nrep; i++) {
            const ln_st_report *r = &reps[i];
            sqlite3_bind_int64(q, 1, i + 1);
            sqlite3_bind_text(q, 2, r->terminal, -1, SQLITE_STATIC);
            sqlite3_bind_int64(q, 3, r->seq);
            sqlite3_bind_double(q, 4, r->t_unix_s);
            sqlite3_bind_double(q, 5, r->lat_deg);
            sqlite3_bind_double(q, 6, r->lon_deg);
            sqlite3_bind_double(q, 7, r->alt_m);
            sqlite3_bind_int64(q, 8, (sqlite3_int64)r->bytes_down);
            sqlite3_bind_int64(q, 9, (sqlite3_int64)r->bytes_up);
            sqlite3_bind_double(q, 10, r->latency_ms);
            sqlite3_bind_int(q, 11, r->link);
            sqlite3_bind_int(q, 12, r->reason);
            sqlite3_bind_int(q, 13, r->alert);
            sqlite3_bind_int64(q, 14, (sqlite3_int64)r->billed_bytes);
            sqlite3_bind_text(q, 15, r->account, -1, SQLITE_STATIC);
            if (sqlite3_step(q) != SQLITE_DONE)
                fail("peer insert", 0);
            sqlite3_reset(q);
        }
        sql(db, "COMMIT");
    }
    sqlite3_finalize(q);
    sqlite3_close(db); /* the final checkpoint: timed, as for the store */
    double dt = now_s() - t0, dc = cpu_s() - c0;
    printf("%-7s %9.0f rows/s  (%.2f s, %.2f us CPU/row; raw SQLite, "
           "reports %s)\n", unique ? "peer" : "append", (double)nrep / dt,
           dt, 1e6 * dc / (double)nrep,
           unique ? "with UNIQUE(terminal, seq)" : "with no index");
    return (double)nrep / dt;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_store DIR [NTERM [ROUNDS [BATCH]]]\n");
        return 2;
    }
    if (argc > 2)
        nterm = atol(argv[2]);
    if (argc > 3)
        rounds = atol(argv[3]);
    if (argc > 4)
        batch = atol(argv[4]);
    if (nterm < 1 || rounds < 1 || batch < 1)
        return 2;
    make_reports();
    printf("bench_store: %ld terminals x %ld rounds = %ld reports, batches "
           "of %ld, SQLite %s\n", nterm, rounds, nrep, batch,
           sqlite3_libversion());
    const char *only = getenv("LN_BENCH_ONLY"); /* "store": no peer */
    double peer = only && !strcmp(only, "store") ? 1 : run_peer(argv[1]);
    double peer2 = only && !strcmp(only, "store") ? 1 : run_peer_append(argv[1]);
    /* LN_BENCH_THREADS=1 runs store1 alone (profiling) */
    const char *th = getenv("LN_BENCH_THREADS");
    double s1 = run_store(argv[1], 1);
    double s2 = th ? 1 : run_store(argv[1], 2);
    double s8 = th ? 1 : run_store(argv[1], 8);
    double s16 = th ? 1 : run_store(argv[1], 16);
    printf("ratio to peer (UNIQUE): store1 %.2f, store2 %.2f, store8 %.2f, "
           "store16 %.2f\n", s1 / peer, s2 / peer, s8 / peer, s16 / peer);
    printf("ratio to peer-append:   store1 %.2f, store2 %.2f, store8 %.2f, "
           "store16 %.2f\n", s1 / peer2, s2 / peer2, s8 / peer2,
           s16 / peer2);
    free(reps);
    return 0;
}
