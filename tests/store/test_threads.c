/*
 * test_threads.c - 8 threads ingest overlapping batches at once (each
 * thread all of 12,000 reports, from its own starting point, in batches
 * of 150): every report is new for exactly one caller, the file holds
 * each once and the usage sums are those of the reports, counted in the
 * file with plain SQL. Readers run alongside.
 */
#include <pthread.h>

#include "store/sqlite_int.h"
#include "store_test.h"

#define NT 8
#define NTERM 60
#define NSEQ 200
#define NR (NTERM * NSEQ)
#define BATCH 150

static ln_st_report reps[NR];
static uint8_t got[NT][NR];
static ln_store *st;

typedef struct arg {
    int k;
    int rc;
} arg;

static int count(void *user, const ln_st_usage *u)
{
    *(uint64_t *)user += u->reports;
    return 0;
}

static void *worker(void *p)
{
    arg *a = p;
    uint8_t nw[BATCH];
    ln_st_report b[BATCH];
    for (int start = 0; start < NR; start += BATCH) {
        int base = (start + a->k * 1531) % NR;
        for (int i = 0; i < BATCH; i++)
            b[i] = reps[(base + i) % NR];
        int rc = ln_store_ingest(st, b, BATCH, nw);
        if (rc) {
            a->rc = rc;
            return NULL;
        }
        for (int i = 0; i < BATCH; i++)
            got[a->k][(base + i) % NR] += nw[i];
        /* a read between writes: goes on while others commit */
        int64_t pos;
        if ((rc = ln_store_get_cursor(st, a->k, &pos)) != 0) {
            a->rc = rc;
            return NULL;
        }
        ln_st_terminal g;
        uint64_t n = 0;
        if ((rc = ln_store_get_terminal(st, reps[base].terminal, &g)) ||
            (rc = ln_store_usage(st, "ACC-1", 0, 100000, count, &n))) {
            a->rc = rc;
            return NULL;
        }
    }
    return NULL;
}

static void test_overlapping(void **state)
{
    (void)state;
    /* folds every ~1,000 reports: during the run, beside the readers */
    ln__sq_fold_rows = 1000;
    ln__sq_fold_per_term = 0;
    tdb t;
    tdb_open(&t);
    st = t.st;
    for (int i = 0; i < NR; i++) {
        char id[16];
        snprintf(id, sizeof id, "UT%08d", i % NTERM);
        reps[i] = rep(id, i % NTERM < 30 ? "ACC-1" : "ACC-2", i / NTERM,
                      1665273600.0 + 15.0 * (i / NTERM), (uint64_t)(i % 97));
    }
    for (int i = 0; i < NTERM; i++) {
        ln_st_terminal term = {.seq = -1};
        memcpy(term.id, reps[i].terminal, sizeof term.id);
        memcpy(term.account, reps[i].account, sizeof term.account);
        assert_int_equal(ln_store_put_terminal(st, &term), 0);
    }
    pthread_t th[NT];
    arg a[NT];
    for (int k = 0; k < NT; k++) {
        a[k] = (arg){.k = k};
        assert_int_equal(pthread_create(&th[k], NULL, worker, &a[k]), 0);
    }
    for (int k = 0; k < NT; k++)
        pthread_join(th[k], NULL);
    for (int k = 0; k < NT; k++)
        assert_int_equal(a[k].rc, 0);
    long long want = 0;
    for (int i = 0; i < NR; i++) {
        int n = 0;
        for (int k = 0; k < NT; k++)
            n += got[k][i];
        assert_int_equal(n, 1);
        want += (long long)(i % 97);
    }
    assert_int_equal(raw_int(t.path, "SELECT count(*) FROM reports"), NR);
    assert_int_equal(raw_int(t.path, "SELECT count(DISTINCT pos) FROM "
                                     "reports"), NR);
    /* folded during the run already: most of the usage is in the file */
    assert_true(raw_int(t.path, "SELECT sum(reports) FROM usage") >= NR / 2);
    assert_int_equal(ln_store_checkpoint(t.st), 0);
    assert_int_equal(raw_int(t.path, "SELECT sum(bytes) FROM usage"), want);
    assert_int_equal(raw_int(t.path, "SELECT sum(reports) FROM usage"), NR);
    ln_st_terminal g;
    assert_int_equal(ln_store_get_terminal(t.st, "UT00000007", &g), 0);
    assert_int_equal(g.seq, NSEQ - 1);
    ln_store_stats s;
    ln_store_get_stats(t.st, &s);
    assert_int_equal(s.rows, NR);
    assert_true(s.commits >= 1 && s.commits <= (uint64_t)NT * NR / BATCH);
    tdb_close(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_overlapping),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
