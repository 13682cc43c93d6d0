/*
 * test_full.c - a full disk: the writer's file may not grow (PRAGMA
 * max_page_count at its present size), a batch that needs new pages
 * fails with LN_ESTORE_FULL, nothing of it is in the file (read with the
 * plain sqlite3 API), reads go on, and once there is room again the same
 * batch is stored whole.
 */
#include "store/store_int.h"
#include "store_test.h"

#define N 5000

/* Sums every usage row given into *user. */
static int one_usage(void *user, const ln_st_usage *u)
{
    ln_st_usage *sum = user;
    sum->bytes += u->bytes;
    sum->reports += u->reports;
    return 0;
}

static void test_disk_full(void **state)
{
    (void)state;
    tdb t;
    tdb_open(&t);
    ln_st_report one = rep("UT0", "ACC-1", 0, 1665273600.0, 1);
    uint8_t nw[N];
    assert_int_equal(ln_store_ingest(t.st, &one, 1, nw), 0);
    long long pages = raw_int(t.path, "PRAGMA page_count");
    assert_true(pages > 0);
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA max_page_count=%lld", pages);
    assert_int_equal(ln__store_exec_writer(t.st, sql), 0);

    static ln_st_report r[N];
    for (int i = 0; i < N; i++) {
        char id[16];
        snprintf(id, sizeof id, "UT%d", i);
        r[i] = rep(id, "ACC-1", 1, 1665273600.0 + i, 100);
    }
    memset(nw, 7, sizeof nw);
    assert_int_equal(ln_store_ingest(t.st, r, N, nw), LN_ESTORE_FULL);
    for (int i = 0; i < N; i++)
        assert_int_equal(nw[i], 0);
    assert_non_null(strstr(ln_store_errmsg(t.st), "full"));
    assert_int_equal(raw_int(t.path, "SELECT count(*) FROM reports"), 1);
    ln_store_stats s;
    ln_store_get_stats(t.st, &s);
    assert_int_equal(s.failed, 1);
    /* reads go on, and see nothing of the batch */
    ln_st_usage u = {.bytes = 0};
    assert_int_equal(ln_store_usage(t.st, NULL, 0, 100000, one_usage, &u), 0);
    assert_int_equal(u.bytes, 1);
    assert_int_equal(u.reports, 1);
    int64_t last = 0;
    assert_int_equal(ln_store_get_cursor(t.st, 1, &last), 0);
    ln_st_account a;
    assert_int_equal(ln_store_get_account(t.st, "x", &a), LN_ENOTFOUND);
    /* room again: the same batch, whole */
    assert_int_equal(ln__store_exec_writer(t.st, "PRAGMA max_page_count="
                                                 "1073741823"), 0);
    assert_int_equal(ln_store_ingest(t.st, r, N, nw), 0);
    for (int i = 0; i < N; i++)
        assert_int_equal(nw[i], 1);
    assert_int_equal(raw_int(t.path, "SELECT count(*) FROM reports"), N + 1);
    assert_int_equal(ln_store_checkpoint(t.st), 0);
    assert_int_equal(raw_int(t.path, "SELECT sum(bytes) FROM usage"),
                     N * 100 + 1);
    /* a full disk during a checkpoint: refused, kept in memory, written
     * once there is room */
    ln_st_report more[50];
    for (int i = 0; i < 50; i++)
        more[i] = rep("UT0", "ACC-1", 10 + i, 1665273600.0, 2);
    assert_int_equal(ln_store_ingest(t.st, more, 50, nw), 0);
    pages = raw_int(t.path, "PRAGMA page_count");
    snprintf(sql, sizeof sql, "PRAGMA max_page_count=%lld", pages);
    assert_int_equal(ln__store_exec_writer(t.st, sql), 0);
    int rc = ln_store_checkpoint(t.st);
    assert_true(rc == LN_ESTORE_FULL || rc == 0);
    memset(&u, 0, sizeof u);
    assert_int_equal(ln_store_usage(t.st, "ACC-1", 0, 100000, one_usage, &u),
                     0);
    assert_int_equal(u.bytes, N * 100 + 1 + 100);
    assert_int_equal(ln__store_exec_writer(t.st, "PRAGMA max_page_count="
                                                 "1073741823"), 0);
    assert_int_equal(ln_store_checkpoint(t.st), 0);
    assert_int_equal(raw_int(t.path, "SELECT sum(bytes) FROM usage"),
                     N * 100 + 1 + 100);
    /* positions: no hole left by the failed group */
    assert_int_equal(raw_int(t.path, "SELECT max(pos)-min(pos)+1 FROM "
                                     "reports"), N + 51);
    tdb_close(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_disk_full),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
