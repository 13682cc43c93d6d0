/*
 * test_ingest.c - ln_store_ingest: idempotency by (terminal, seq) checked
 * in the file with the plain sqlite3 API, usage per UTC day at day
 * boundaries worked by hand, the terminal's last position, reports after
 * a position with paging, the latest report per terminal, retention.
 */
#include <math.h>

#include "store/sqlite_int.h"
#include "store_test.h"

/* 2022-10-09T00:00:00Z = 19274 days x 86400 s (19274 = 52 years of
 * 365 days + 13 leap days (1972..2020) + 273 days to 10 Oct 1..9) */
#define OCT9 1665273600.0

static void put_terminal(ln_store *st, const char *id, const char *acc)
{
    ln_st_terminal t;
    memset(&t, 0, sizeof t);
    snprintf(t.id, sizeof t.id, "%s", id);
    snprintf(t.account, sizeof t.account, "%s", acc);
    t.lat_deg = 1.0;
    t.lon_deg = 2.0;
    t.seq = -1;
    assert_int_equal(ln_store_put_terminal(st, &t), 0);
}

static void test_idempotent(void **state)
{
    (void)state;
    tdb t;
    tdb_open(&t);
    put_terminal(t.st, "UT00000001", "ACC-1");
    ln_st_report r[3] = {rep("UT00000001", "ACC-1", 1, OCT9 + 15, 1000),
                         rep("UT00000001", "ACC-1", 2, OCT9 + 30, 2000),
                         rep("UT00000001", "ACC-1", 1, OCT9 + 15, 1000)};
    uint8_t nw[3];
    assert_int_equal(ln_store_ingest(t.st, r, 3, nw), 0);
    assert_int_equal(nw[0], 1);
    assert_int_equal(nw[1], 1);
    assert_int_equal(nw[2], 0); /* the same (terminal, seq) in one batch */
    /* the whole batch again: nothing new, usage not doubled */
    assert_int_equal(ln_store_ingest(t.st, r, 2, nw), 0);
    assert_int_equal(nw[0], 0);
    assert_int_equal(nw[1], 0);
    assert_int_equal(raw_int(t.path, "SELECT count(*) FROM reports"), 2);
    assert_int_equal(ln_store_checkpoint(t.st), 0);
    assert_int_equal(raw_int(t.path, "SELECT sum(bytes) FROM usage"), 3000);
    assert_int_equal(raw_int(t.path, "SELECT sum(reports) FROM usage"), 2);
    assert_int_equal(raw_int(t.path, "SELECT seq FROM terminals"), 2);
    /* a report of another terminal with the same seq is new */
    ln_st_report o = rep("UT00000002", "ACC-1", 1, OCT9 + 15, 5);
    assert_int_equal(ln_store_ingest(t.st, &o, 1, nw), 0);
    assert_int_equal(nw[0], 1);
    ln_store_close(t.st); /* close folds too */
    ln_diag d;
    assert_int_equal(ln_store_open(t.path, &t.st, &d), 0);
    assert_int_equal(raw_int(t.path, "SELECT sum(bytes) FROM usage"), 3005);
    /* and after the reopen, the same reports are still duplicates */
    assert_int_equal(ln_store_ingest(t.st, r, 3, nw), 0);
    assert_int_equal(nw[0] + nw[1] + nw[2], 0);
    assert_int_equal(ln_store_ingest(t.st, &o, 1, nw), 0);
    assert_int_equal(nw[0], 0);
    ln_store_stats s;
    ln_store_get_stats(t.st, &s);
    assert_int_equal(s.rows, 0); /* since this open */
    assert_int_equal(s.commits, 2);
    assert_int_equal(s.failed, 0);
    assert_int_equal(raw_int(t.path, "SELECT count(*) FROM reports"), 3);
    /* bad input: nothing stored */
    o.terminal[0] = 0;
    assert_int_equal(ln_store_ingest(t.st, &o, 1, nw), LN_EINVAL);
    o = rep("UT00000003", "ACC-1", 1, 1e300, 5);
    assert_int_equal(ln_store_ingest(t.st, &o, 1, nw), LN_EINVAL);
    o.t_unix_s = NAN;
    assert_int_equal(ln_store_ingest(t.st, &o, 1, nw), LN_EINVAL);
    tdb_close(&t);
}

typedef struct urows {
    ln_st_usage u[16];
    int n;
} urows;

static int take_usage(void *user, const ln_st_usage *u)
{
    urows *r = user;
    r->u[r->n++] = *u;
    return 0;
}

static void test_usage_days(void **state)
{
    (void)state;
    tdb t;
    tdb_open(&t);
    ln_st_report r[6] = {
        rep("UT1", "ACC-1", 1, OCT9 - 0.5, 100),      /* day 19273 */
        rep("UT1", "ACC-1", 2, OCT9, 200),            /* day 19274 */
        rep("UT1", "ACC-1", 3, OCT9 + 86399.5, 400),  /* day 19274 */
        rep("UT1", "ACC-1", 4, OCT9 + 86400, 800),    /* day 19275 */
        rep("UT2", "ACC-2", 1, OCT9 + 10, 0),         /* day 19274 */
        rep("UT3", "ACC-1", 1, -0.5, 7),              /* day -1 */
    };
    r[4].reason = LN_REASON_ZONE; /* denied: billed 0, one denial */
    r[4].alert = 89;
    uint8_t nw[6];
    assert_int_equal(ln_store_ingest(t.st, r, 6, nw), 0);
    urows u = {0};
    assert_int_equal(ln_store_usage(t.st, "ACC-1", 19273, 19275, take_usage,
                                    &u), 0);
    assert_int_equal(u.n, 3);
    assert_string_equal(u.u[0].terminal, "UT1");
    assert_int_equal(u.u[0].day, 19273);
    assert_int_equal(u.u[0].bytes, 100);
    assert_int_equal(u.u[1].day, 19274);
    assert_int_equal(u.u[1].bytes, 600);
    assert_int_equal(u.u[1].reports, 2);
    assert_int_equal(u.u[1].denied, 0);
    assert_int_equal(u.u[2].day, 19275);
    assert_int_equal(u.u[2].bytes, 800);
    memset(&u, 0, sizeof u);
    assert_int_equal(ln_store_usage(t.st, NULL, 19274, 19274, take_usage,
                                    &u), 0);
    assert_int_equal(u.n, 2);
    assert_string_equal(u.u[1].account, "ACC-2");
    assert_int_equal(u.u[1].reports, 1);
    assert_int_equal(u.u[1].denied, 1);
    assert_int_equal(u.u[1].bytes, 0);
    memset(&u, 0, sizeof u);
    assert_int_equal(ln_store_usage(t.st, "ACC-1", -1, -1, take_usage, &u),
                     0);
    assert_int_equal(u.n, 1);
    assert_string_equal(u.u[0].terminal, "UT3");
    /* the same in the file itself */
    assert_int_equal(ln_store_checkpoint(t.st), 0);
    assert_int_equal(raw_int(t.path, "SELECT bytes FROM usage WHERE "
                                     "terminal='UT1' AND day=19274"), 600);
    tdb_close(&t);
}

static void test_terminal_moves_forward(void **state)
{
    (void)state;
    tdb t;
    tdb_open(&t);
    put_terminal(t.st, "UT7", "ACC-1");
    ln_st_report a = rep("UT7", "ACC-1", 5, OCT9 + 75, 1);
    ln_st_report b = rep("UT7", "ACC-1", 3, OCT9 + 45, 1); /* late, older */
    uint8_t nw;
    assert_int_equal(ln_store_ingest(t.st, &a, 1, &nw), 0);
    assert_int_equal(ln_store_ingest(t.st, &b, 1, &nw), 0);
    assert_int_equal(nw, 1);
    ln_st_terminal g;
    assert_int_equal(ln_store_get_terminal(t.st, "UT7", &g), 0);
    assert_int_equal(g.seq, 5);
    assert_true(g.t_unix_s == OCT9 + 75);
    assert_true(g.lat_deg == a.lat_deg);
    assert_true(g.lon_deg == 37.5);
    tdb_close(&t);
}

typedef struct rrows {
    int64_t pos[64];
    ln_st_report r[64];
    int n;
} rrows;

static int take_report(void *user, int64_t pos, const ln_st_report *r)
{
    rrows *x = user;
    x->pos[x->n] = pos;
    x->r[x->n++] = *r;
    return 0;
}

static void test_reports_paging(void **state)
{
    (void)state;
    tdb t;
    tdb_open(&t);
    put_terminal(t.st, "UTa", "ACC-1");
    put_terminal(t.st, "UTb", "ACC-2");
    ln_st_report r[10];
    uint8_t nw[10];
    for (int i = 0; i < 10; i++)
        r[i] = rep(i % 2 ? "UTb" : "UTa", i % 2 ? "ACC-2" : "ACC-1", i / 2,
                   OCT9 + 15 * i, (uint64_t)i);
    r[3].link = LN_LINK_NO_SAT;
    r[3].reason = LN_REASON_KILL;
    r[3].alert = 95;
    assert_int_equal(ln_store_ingest(t.st, r, 4, nw), 0);
    assert_int_equal(ln_store_ingest(t.st, r + 4, 6, nw), 0);
    rrows x = {0};
    int64_t last = -1;
    assert_int_equal(ln_store_reports(t.st, NULL, 0, 4, take_report, &x,
                                      &last), 0);
    assert_int_equal(x.n, 4);
    assert_int_equal(last, x.pos[3]);
    for (int i = 0; i < 4; i++)
        assert_memory_equal(&x.r[i], &r[i], sizeof r[i]);
    for (int i = 1; i < 4; i++)
        assert_true(x.pos[i] > x.pos[i - 1]);
    int64_t page2 = last;
    memset(&x, 0, sizeof x);
    assert_int_equal(ln_store_reports(t.st, NULL, page2, 4, take_report, &x,
                                      &last), 0);
    assert_int_equal(x.n, 4);
    assert_int_equal(x.r[0].seq, 2);
    assert_true(x.pos[0] > page2);
    memset(&x, 0, sizeof x);
    assert_int_equal(ln_store_reports(t.st, NULL, last, 4, take_report, &x,
                                      &last), 0);
    assert_int_equal(x.n, 2);
    int64_t end = last;
    memset(&x, 0, sizeof x);
    assert_int_equal(ln_store_reports(t.st, NULL, end, 4, take_report, &x,
                                      &last), 0);
    assert_int_equal(x.n, 0);
    assert_int_equal(last, end);
    /* one account's: UTb's five reports, in order */
    memset(&x, 0, sizeof x);
    assert_int_equal(ln_store_reports(t.st, "ACC-2", 0, 0, take_report, &x,
                                      &last), 0);
    assert_int_equal(x.n, 5);
    for (int i = 0; i < 5; i++)
        assert_int_equal(x.r[i].seq, i);
    assert_int_equal(x.r[1].alert, 95);
    /* the latest of each terminal */
    memset(&x, 0, sizeof x);
    assert_int_equal(ln_store_latest_reports(t.st, NULL, take_report, &x), 0);
    assert_int_equal(x.n, 2);
    assert_string_equal(x.r[0].terminal, "UTa");
    assert_int_equal(x.r[0].seq, 4);
    assert_int_equal(x.r[1].seq, 4);
    memset(&x, 0, sizeof x);
    assert_int_equal(ln_store_latest_reports(t.st, "ACC-2", take_report, &x),
                     0);
    assert_int_equal(x.n, 1);
    assert_string_equal(x.r[0].terminal, "UTb");
    tdb_close(&t);
}

static void test_retention(void **state)
{
    (void)state;
    ln__sq_expire_chunk = 3; /* several transactions */
    tdb t;
    tdb_open(&t);
    ln_st_report r[4] = {rep("UT1", "A", 1, OCT9 - 86400, 10),
                         rep("UT1", "A", 2, OCT9 - 1, 20),
                         rep("UT1", "A", 3, OCT9, 40),
                         rep("UT1", "A", 4, OCT9 + 1, 80)};
    uint8_t nw[8];
    assert_int_equal(ln_store_ingest(t.st, r, 4, nw), 0);
    /* late ones, out of time order: positions 5..8 */
    ln_st_report late[4] = {rep("UT2", "A", 1, OCT9 - 5, 1),
                            rep("UT2", "A", 2, OCT9 + 5, 1),
                            rep("UT2", "A", 3, OCT9 - 7, 1),
                            rep("UT2", "A", 4, OCT9 + 7, 1)};
    assert_int_equal(ln_store_ingest(t.st, late, 4, nw), 0);
    long del = -1;
    assert_int_equal(ln_store_expire_reports(t.st, OCT9, &del), 0);
    assert_int_equal(del, 4);
    assert_int_equal(raw_int(t.path, "SELECT count(*) FROM reports"), 4);
    assert_int_equal(raw_int(t.path, "SELECT min(seq) FROM reports WHERE "
                                     "terminal='UT1'"), 3);
    assert_int_equal(raw_int(t.path, "SELECT count(*) FROM reports WHERE "
                                     "t<1665273600"), 0);
    assert_int_equal(ln_store_expire_reports(t.st, OCT9 + 2, &del), 0);
    assert_int_equal(del, 2); /* UT1 seqs 3 and 4 */
    /* usage stays */
    assert_int_equal(raw_int(t.path, "SELECT sum(bytes) FROM usage"), 154);
    /* the same reports again stay duplicates once expired: which seqs
     * were stored outlives the reports (a late retry is not billed) */
    assert_int_equal(ln_store_ingest(t.st, r, 4, nw), 0);
    assert_int_equal(nw[0] + nw[1] + nw[2] + nw[3], 0);
    /* positions never go back: expire everything, then ingest */
    int64_t last = 0;
    rrows x = {0};
    assert_int_equal(ln_store_reports(t.st, NULL, 0, 0, take_report, &x,
                                      &last), 0);
    assert_int_equal(x.n, 2);
    assert_int_equal(ln_store_expire_reports(t.st, OCT9 * 2, &del), 0);
    assert_int_equal(del, 2);
    ln__sq_expire_chunk = 65536;
    ln_store_close(t.st);
    ln_diag d;
    assert_int_equal(ln_store_open(t.path, &t.st, &d), 0);
    ln_st_report n5 = rep("UT1", "A", 5, OCT9 + 2, 1);
    assert_int_equal(ln_store_ingest(t.st, &n5, 1, nw), 0);
    memset(&x, 0, sizeof x);
    assert_int_equal(ln_store_reports(t.st, NULL, 0, 0, take_report, &x,
                                      NULL), 0);
    assert_int_equal(x.n, 1);
    assert_true(x.pos[0] > last);
    tdb_close(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_idempotent),
        cmocka_unit_test(test_usage_days),
        cmocka_unit_test(test_terminal_moves_forward),
        cmocka_unit_test(test_reports_paging),
        cmocka_unit_test(test_retention),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
