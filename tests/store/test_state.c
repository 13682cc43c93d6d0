/*
 * test_state.c - what the store keeps in memory between folds: seqs out
 * of order and with gaps stay exact across checkpoints and reopens; a
 * process that dies without closing (no fold) leaves a file from which
 * the next open rebuilds usage, the terminals' latest reports and the
 * stored seqs (counted here by hand and in the file with plain SQL).
 */
#include <sys/wait.h>

#include "store/sqlite_int.h"
#include "store_test.h"

#define T0 1665273600.0 /* 2022-10-09T00:00:00Z, day 19274 */

static int add_usage(void *user, const ln_st_usage *u)
{
    ln_st_usage *sum = user;
    sum->bytes += u->bytes;
    sum->reports += u->reports;
    sum->denied += u->denied;
    return 0;
}

static void ingest_seqs(ln_store *st, const char *term, const int *seq,
                        int n, uint8_t *nw)
{
    ln_st_report r[16];
    for (int i = 0; i < n; i++)
        r[i] = rep(term, "ACC-1", seq[i], T0 + 15.0 * seq[i], 10);
    assert_int_equal(ln_store_ingest(st, r, (size_t)n, nw), 0);
}

static void test_gaps_and_order(void **state)
{
    (void)state;
    tdb t;
    tdb_open(&t);
    uint8_t nw[16];
    const int a[] = {5, 1, 3, 9, 3, 7};
    ingest_seqs(t.st, "UT1", a, 6, nw);
    const uint8_t want_a[] = {1, 1, 1, 1, 0, 1};
    assert_memory_equal(nw, want_a, 6);
    /* fill the gaps: 2, 4, 6, 8 new; 1..9 then one range */
    const int b[] = {2, 4, 6, 8, 5, 9, 1};
    ingest_seqs(t.st, "UT1", b, 7, nw);
    const uint8_t want_b[] = {1, 1, 1, 1, 0, 0, 0};
    assert_memory_equal(nw, want_b, 7);
    assert_int_equal(ln_store_checkpoint(t.st), 0);
    assert_int_equal(raw_int(t.path, "SELECT count(*) FROM seqranges"), 1);
    assert_int_equal(raw_int(t.path, "SELECT hi - lo FROM seqranges"), 8);
    /* negative and huge seqs, after a reopen (ranges read back) */
    ln_store_close(t.st);
    ln_diag d;
    assert_int_equal(ln_store_open(t.path, &t.st, &d), 0);
    const int c[] = {0, -3, 10, 9, 12, 11, 2000000000};
    ingest_seqs(t.st, "UT1", c, 7, nw);
    const uint8_t want_c[] = {1, 1, 1, 0, 1, 1, 1};
    assert_memory_equal(nw, want_c, 7);
    assert_int_equal(raw_int(t.path, "SELECT count(*) FROM reports"), 15);
    /* in the file: [-3, -3], [0, 12], [2e9, 2e9] */
    assert_int_equal(ln_store_checkpoint(t.st), 0);
    assert_int_equal(raw_int(t.path, "SELECT count(*) FROM seqranges"), 3);
    assert_int_equal(raw_int(t.path, "SELECT hi FROM seqranges WHERE lo=0"),
                     12);
    /* grows up only (one upsert), then read back after a reopen */
    const int e[] = {13, 14};
    ingest_seqs(t.st, "UT2", e, 2, nw);
    ingest_seqs(t.st, "UT2", e, 1, nw);
    assert_int_equal(ln_store_checkpoint(t.st), 0);
    const int f[] = {15};
    ingest_seqs(t.st, "UT2", f, 1, nw);
    assert_int_equal(ln_store_checkpoint(t.st), 0);
    assert_int_equal(raw_int(t.path, "SELECT count(*) FROM seqranges WHERE "
                                     "terminal='UT2'"), 1);
    assert_int_equal(raw_int(t.path, "SELECT hi FROM seqranges WHERE "
                                     "terminal='UT2' AND lo=13"), 15);
    ln_store_close(t.st);
    assert_int_equal(ln_store_open(t.path, &t.st, &d), 0);
    const int g2[] = {12, 13, 14, 15, 16};
    ingest_seqs(t.st, "UT2", g2, 5, nw);
    const uint8_t want_g[] = {1, 0, 0, 0, 1};
    assert_memory_equal(nw, want_g, 5);
    ln_st_usage u = {.day = 0};
    assert_int_equal(ln_store_usage(t.st, NULL, 0, 1000000, add_usage, &u),
                     0);
    assert_int_equal(u.reports, 20);
    assert_int_equal(u.bytes, 200);
    tdb_close(&t);
}

/* A child ingests and dies without closing; the parent opens the file. */
static void test_crash_replay(void **state)
{
    (void)state;
    tdb t;
    tdb_open(&t);
    ln_st_terminal term = {.id = "UT9", .account = "ACC-1", .seq = -1};
    assert_int_equal(ln_store_put_terminal(t.st, &term), 0);
    ln_store_close(t.st);
    t.st = NULL;
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        ln_store *st;
        ln_diag d;
        if (ln_store_open(t.path, &st, &d))
            _exit(2);
        ln_st_report r[3] = {rep("UT9", "ACC-1", 1, T0, 100),
                             rep("UT9", "ACC-1", 2, T0 + 86400, 200),
                             rep("UT8", "ACC-2", 1, T0, 5)};
        r[2].reason = LN_REASON_SUSPENDED;
        r[2].billed_bytes = 0;
        uint8_t nw[3];
        if (ln_store_ingest(st, r, 3, nw) || !nw[0] || !nw[1] || !nw[2])
            _exit(3);
        _exit(0); /* no close: nothing folded */
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    /* the file: the reports, nothing folded */
    assert_int_equal(raw_int(t.path, "SELECT count(*) FROM reports"), 3);
    assert_int_equal(raw_int(t.path, "SELECT count(*) FROM usage"), 0);
    ln_diag d;
    assert_int_equal(ln_store_open(t.path, &t.st, &d), 0);
    ln_st_usage u = {.day = 0};
    assert_int_equal(ln_store_usage(t.st, "ACC-1", 19274, 19274, add_usage,
                                    &u), 0);
    assert_int_equal(u.bytes, 100);
    memset(&u, 0, sizeof u);
    assert_int_equal(ln_store_usage(t.st, "ACC-2", 0, 100000, add_usage, &u),
                     0);
    assert_int_equal(u.reports, 1);
    assert_int_equal(u.denied, 1);
    assert_int_equal(u.bytes, 0);
    ln_st_terminal g;
    assert_int_equal(ln_store_get_terminal(t.st, "UT9", &g), 0);
    assert_int_equal(g.seq, 2);
    assert_true(g.t_unix_s == T0 + 86400);
    ln_st_report again = rep("UT9", "ACC-1", 2, T0 + 86400, 200);
    uint8_t nw;
    assert_int_equal(ln_store_ingest(t.st, &again, 1, &nw), 0);
    assert_int_equal(nw, 0);
    ln_store_close(t.st); /* folds */
    t.st = NULL;
    assert_int_equal(raw_int(t.path, "SELECT sum(bytes) FROM usage"), 300);
    assert_int_equal(raw_int(t.path, "SELECT seq FROM terminals WHERE "
                                     "id='UT9'"), 2);
    assert_int_equal(raw_int(t.path, "SELECT last_pos FROM terminals WHERE "
                                     "id='UT9'"),
                     raw_int(t.path, "SELECT pos FROM reports WHERE "
                                     "terminal='UT9' AND seq=2"));
    assert_int_equal(ln_store_open(t.path, &t.st, &d), 0);
    tdb_close(&t);
}

static uint64_t usage_bytes(ln_store *st)
{
    ln_st_usage u = {.day = 0};
    assert_int_equal(ln_store_usage(st, NULL, 0, 1000000, add_usage, &u), 0);
    return u.bytes;
}

/* A second handle (as a second process would: `leonetd token create`, a
 * report tool) follows the one that ingests, across its folds. */
static void test_follower(void **state)
{
    (void)state;
    tdb t;
    tdb_open(&t);
    ln_store *b;
    ln_diag d;
    assert_int_equal(ln_store_open(t.path, &b, &d), 0);
    uint8_t nw[16];
    const int s1[] = {1, 2, 3};
    ingest_seqs(t.st, "UT1", s1, 3, nw); /* 10 bytes each */
    assert_int_equal(usage_bytes(b), 30);
    assert_int_equal(ln_store_checkpoint(t.st), 0); /* a's fold */
    assert_int_equal(usage_bytes(b), 30);
    const int s2[] = {4, 5};
    ingest_seqs(t.st, "UT1", s2, 2, nw);
    assert_int_equal(usage_bytes(b), 50);
    assert_int_equal(usage_bytes(t.st), 50);
    ln_st_token tok = {.role = LN_ROLE_AUDITOR};
    tok.hash[0] = 1;
    assert_int_equal(ln_store_put_token(b, &tok, NULL), 0);
    ln_store_close(b); /* b ingested nothing: folds nothing */
    assert_int_equal(usage_bytes(t.st), 50);
    ln_store_close(t.st);
    t.st = NULL;
    assert_int_equal(raw_int(t.path, "SELECT sum(bytes) FROM usage"), 50);
    assert_int_equal(ln_store_open(t.path, &t.st, &d), 0);
    assert_int_equal(usage_bytes(t.st), 50);
    tdb_close(&t);
}

/* A process that folded some shards (small thresholds: a step after
 * each group) dies; the next open replays only what its shards had not
 * folded: every sum exact, every report still a duplicate. */
static void test_partial_fold_crash(void **state)
{
    (void)state;
    tdb t;
    tdb_open(&t);
    ln_store_close(t.st);
    t.st = NULL;
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        ln__sq_fold_rows = 40;
        ln__sq_fold_use = 1u << 20;
        ln__sq_fold_per_term = 0;
        ln_store *st;
        ln_diag d;
        if (ln_store_open(t.path, &st, &d))
            _exit(2);
        for (int b = 0; b < 10; b++) {
            ln_st_report r[50];
            uint8_t nw[50];
            for (int i = 0; i < 50; i++) {
                char id[16];
                snprintf(id, sizeof id, "UT%d", i);
                r[i] = rep(id, "ACC-1", b, T0 + 15.0 * b, (uint64_t)(i + 1));
            }
            if (ln_store_ingest(st, r, 50, nw))
                _exit(3);
        }
        _exit(raw_int(t.path, "SELECT count(*) FROM usage") > 0 ? 0 : 4);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    /* some shards folded, not all */
    long long folded = raw_int(t.path, "SELECT sum(reports) FROM usage");
    assert_true(folded > 0 && folded < 500);
    ln_diag d;
    assert_int_equal(ln_store_open(t.path, &t.st, &d), 0);
    ln_st_usage u = {.day = 0};
    assert_int_equal(ln_store_usage(t.st, NULL, 0, 1000000, add_usage, &u),
                     0);
    assert_int_equal(u.reports, 500);
    assert_int_equal(u.bytes, 10 * (50 * 51 / 2));
    ln_st_report again[50];
    uint8_t nw[50];
    for (int i = 0; i < 50; i++) {
        char id[16];
        snprintf(id, sizeof id, "UT%d", i);
        again[i] = rep(id, "ACC-1", i % 10, T0, 1);
    }
    assert_int_equal(ln_store_ingest(t.st, again, 50, nw), 0);
    for (int i = 0; i < 50; i++)
        assert_int_equal(nw[i], 0);
    ln_st_terminal g;
    ln_st_report last = rep("UT7", "ACC-1", 10, T0 + 150, 1000);
    assert_int_equal(ln_store_ingest(t.st, &last, 1, nw), 0);
    assert_int_equal(nw[0], 1);
    ln_store_close(t.st);
    t.st = NULL;
    assert_int_equal(raw_int(t.path, "SELECT sum(reports) FROM usage"), 501);
    assert_int_equal(raw_int(t.path, "SELECT sum(bytes) FROM usage"),
                     10 * (50 * 51 / 2) + 1000);
    assert_int_equal(raw_int(t.path, "SELECT count(*) FROM seqranges"), 50);
    assert_int_equal(raw_int(t.path, "SELECT sum(hi - lo + 1) FROM "
                                     "seqranges"), 501);
    assert_int_equal(ln_store_open(t.path, &t.st, &d), 0);
    (void)g;
    tdb_close(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gaps_and_order),
        cmocka_unit_test(test_crash_replay),
        cmocka_unit_test(test_follower),
        cmocka_unit_test(test_partial_fold_crash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
