/*
 * test_records.c - round trips of the store's reference records (plans,
 * accounts, lines, terminals, tokens, zones, cursors), lists with paging,
 * role names, the address forms. Every value compared is the one put.
 */
#include <math.h>

#include "store_test.h"

static void test_roles_and_addresses(void **state)
{
    (void)state;
    assert_string_equal(ln_role_name(LN_ROLE_OPERATOR), "operator");
    assert_string_equal(ln_role_name(LN_ROLE_AUDITOR), "auditor");
    assert_int_equal(ln_role_parse("customer"), LN_ROLE_CUSTOMER);
    assert_int_equal(ln_role_parse("terminal"), LN_ROLE_TERMINAL);
    assert_int_equal(ln_role_parse("root"), -1);
    assert_int_equal(ln_role_parse(NULL), -1);
    ln_store *st = NULL;
    ln_diag d;
    assert_int_equal(ln_store_open("postgresql://x/y", &st, &d), LN_EINVAL);
    assert_non_null(strstr(d.msg, "postgresql://x/y"));
    assert_null(st);
    assert_int_equal(ln_store_open("sqlite:", &st, &d), LN_EINVAL);
    /* "sqlite:PATH" and PATH are the same file */
    tdb t;
    tdb_open(&t);
    ln_st_account a = {.id = "ACC-1", .name = "One", .plan = "P"};
    assert_int_equal(ln_store_put_account(t.st, &a), 0);
    ln_store_close(t.st);
    char addr[320];
    snprintf(addr, sizeof addr, "sqlite:%s", t.path);
    assert_int_equal(ln_store_open(addr, &t.st, &d), 0);
    ln_st_account b;
    assert_int_equal(ln_store_get_account(t.st, "ACC-1", &b), 0);
    assert_string_equal(b.name, "One");
    tdb_close(&t);
}

static void test_plan_account_line(void **state)
{
    (void)state;
    tdb t;
    tdb_open(&t);
    ln_plan p = {.id = "business", .hardware_usd = 2500,
                 .amortize_years = 3, .monthly_usd = 500, .included_gb = 1000,
                 .usd_per_gb = 2.5, .peak_mbps = 220, .duty = 0.35,
                 .overage = LN_OVERAGE_POOLED};
    assert_int_equal(ln_store_put_plan(t.st, &p), 0);
    ln_plan q;
    assert_int_equal(ln_store_get_plan(t.st, "business", &q), 0);
    assert_memory_equal(&p, &q, sizeof p);
    assert_int_equal(ln_store_get_plan(t.st, "nope", &q), LN_ENOTFOUND);

    ln_st_account a = {.id = "ACC-7", .name = "Seven", .plan = "business",
                       .suspended = 1};
    assert_int_equal(ln_store_put_account(t.st, &a), 0);
    ln_st_account b;
    assert_int_equal(ln_store_get_account(t.st, "ACC-7", &b), 0);
    assert_memory_equal(&a, &b, sizeof a);
    a.suspended = 0; /* a put replaces */
    assert_int_equal(ln_store_put_account(t.st, &a), 0);
    assert_int_equal(ln_store_get_account(t.st, "ACC-7", &b), 0);
    assert_int_equal(b.suspended, 0);

    ln_st_line l = {.number = "SL-ACC-7", .account = "ACC-7",
                    .nickname = "boat", .active = 1};
    assert_int_equal(ln_store_put_line(t.st, &l), 0);
    ln_st_line m;
    assert_int_equal(ln_store_get_line(t.st, "SL-ACC-7", &m), 0);
    assert_memory_equal(&l, &m, sizeof l);
    assert_int_equal(ln_store_get_line(t.st, "SL-x", &m), LN_ENOTFOUND);
    assert_int_equal(ln_store_put_account(t.st, &(ln_st_account){.id = ""}),
                     LN_EINVAL);
    tdb_close(&t);
}

typedef struct seen {
    char ids[16][LN_ST_ID];
    int n;
    int stop_after;
} seen;

static int see_terminal(void *u, const ln_st_terminal *t)
{
    seen *s = u;
    snprintf(s->ids[s->n++], LN_ST_ID, "%s", t->id);
    return s->stop_after && s->n >= s->stop_after;
}

static int see_account(void *u, const ln_st_account *a)
{
    seen *s = u;
    snprintf(s->ids[s->n++], LN_ST_ID, "%s", a->id);
    return 0;
}

static int see_line(void *u, const ln_st_line *l)
{
    seen *s = u;
    snprintf(s->ids[s->n++], LN_ST_ID, "%s", l->number);
    return 0;
}

static int see_plan(void *u, const ln_plan *p)
{
    seen *s = u;
    snprintf(s->ids[s->n++], LN_ST_ID, "%s", p->id);
    return 0;
}

static void test_terminals_and_lists(void **state)
{
    (void)state;
    tdb t;
    tdb_open(&t);
    ln_st_terminal ts[5];
    memset(ts, 0, sizeof ts);
    for (int i = 0; i < 5; i++) {
        /* put out of order: lists come back in id order */
        int k = (i * 3) % 5;
        snprintf(ts[i].id, LN_ST_ID, "UT%08d", k);
        snprintf(ts[i].kit_serial, LN_ST_ID, "KIT%08d", k);
        snprintf(ts[i].account, LN_ST_ID, "ACC-%d", k % 2);
        snprintf(ts[i].line, LN_ST_ID, "SL-ACC-%d", k % 2);
        ts[i].lat_deg = 10.0 + k;
        ts[i].lon_deg = -20.0 - k;
        ts[i].seq = -1;
    }
    ts[4].lat_deg = NAN; /* no fix: kept */
    assert_int_equal(ln_store_put_terminals(t.st, ts, 5), 0);
    ln_st_terminal g;
    assert_int_equal(ln_store_get_terminal(t.st, ts[1].id, &g), 0);
    assert_memory_equal(&g, &ts[1], sizeof g);
    assert_int_equal(ln_store_get_terminal(t.st, ts[4].id, &g), 0);
    assert_true(isnan(g.lat_deg));
    assert_int_equal(g.seq, -1);

    seen s = {0};
    long total = -1;
    assert_int_equal(ln_store_list_terminals(t.st, NULL, 1, 2, see_terminal,
                                             &s, &total), 0);
    assert_int_equal(total, 5);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.ids[0], "UT00000001");
    assert_string_equal(s.ids[1], "UT00000002");
    memset(&s, 0, sizeof s);
    /* ACC-1 has terminals 1 and 3 */
    assert_int_equal(ln_store_list_terminals(t.st, "ACC-1", 0, 0,
                                             see_terminal, &s, &total), 0);
    assert_int_equal(total, 2);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.ids[1], "UT00000003");
    memset(&s, 0, sizeof s);
    s.stop_after = 1;
    assert_int_equal(ln_store_list_terminals(t.st, NULL, 0, 0, see_terminal,
                                             &s, NULL), 0);
    assert_int_equal(s.n, 1);
    total = -1; /* count only */
    assert_int_equal(ln_store_list_terminals(t.st, "ACC-0", 0, 0, NULL, NULL,
                                             &total), 0);
    assert_int_equal(total, 3);

    for (int i = 3; i >= 1; i--) {
        ln_st_account a = {.plan = "p"};
        snprintf(a.id, LN_ST_ID, "ACC-%d", i);
        assert_int_equal(ln_store_put_account(t.st, &a), 0);
        ln_st_line l = {.active = 1};
        snprintf(l.number, LN_ST_ID, "SL-%d", i);
        snprintf(l.account, LN_ST_ID, "ACC-%d", i % 2);
        assert_int_equal(ln_store_put_line(t.st, &l), 0);
        ln_plan p = {.amortize_years = 1};
        snprintf(p.id, LN_ST_ID, "plan-%d", i);
        assert_int_equal(ln_store_put_plan(t.st, &p), 0);
    }
    memset(&s, 0, sizeof s);
    assert_int_equal(ln_store_list_accounts(t.st, 0, 0, see_account, &s,
                                            &total), 0);
    assert_int_equal(total, 3);
    assert_string_equal(s.ids[0], "ACC-1");
    assert_string_equal(s.ids[2], "ACC-3");
    memset(&s, 0, sizeof s);
    assert_int_equal(ln_store_list_lines(t.st, "ACC-1", 0, 0, see_line, &s,
                                         &total), 0);
    assert_int_equal(total, 2); /* SL-1, SL-3 */
    assert_string_equal(s.ids[1], "SL-3");
    memset(&s, 0, sizeof s);
    assert_int_equal(ln_store_list_plans(t.st, see_plan, &s), 0);
    assert_int_equal(s.n, 3);
    assert_string_equal(s.ids[0], "plan-1");
    assert_int_equal(ln_store_list_accounts(t.st, -1, 0, see_account, &s,
                                            NULL), LN_EINVAL);
    tdb_close(&t);
}

static void test_tokens(void **state)
{
    (void)state;
    tdb t;
    tdb_open(&t);
    ln_st_token a = {.role = LN_ROLE_CUSTOMER, .account = "ACC-1",
                     .created_unix_s = 1665273600.0};
    ln_st_token b = {.role = LN_ROLE_TERMINAL, .account = "ACC-1",
                     .terminal = "UT00000042", .created_unix_s = 1.5};
    for (int i = 0; i < 32; i++) {
        a.hash[i] = (unsigned char)i;
        b.hash[i] = (unsigned char)(255 - i);
    }
    int64_t ra = 0, rb = 0;
    assert_int_equal(ln_store_put_token(t.st, &a, &ra), 0);
    assert_int_equal(ln_store_put_token(t.st, &b, &rb), 0);
    assert_true(ra > 0 && rb > 0 && ra != rb);
    assert_int_equal(ln_store_put_token(t.st, &a, NULL), LN_ECONFLICT);
    ln_st_token f;
    assert_int_equal(ln_store_find_token(t.st, b.hash, &f), 0);
    assert_int_equal(f.rid, rb);
    assert_int_equal(f.role, LN_ROLE_TERMINAL);
    assert_string_equal(f.terminal, "UT00000042");
    assert_string_equal(f.account, "ACC-1");
    assert_memory_equal(f.hash, b.hash, 32);
    assert_true(f.created_unix_s == 1.5);
    assert_int_equal(f.revoked, 0);
    unsigned char none[32] = {7};
    assert_int_equal(ln_store_find_token(t.st, none, &f), LN_ENOTFOUND);
    assert_int_equal(ln_store_revoke_token(t.st, ra), 0);
    assert_int_equal(ln_store_find_token(t.st, a.hash, &f), 0);
    assert_int_equal(f.revoked, 1);
    assert_int_equal(ln_store_find_token(t.st, b.hash, &f), 0);
    assert_int_equal(f.revoked, 0);
    assert_int_equal(ln_store_revoke_token(t.st, 999), LN_ENOTFOUND);
    /* stored hashed only: the file holds the 32 bytes, nothing else */
    assert_int_equal(raw_int(t.path, "SELECT count(*) FROM tokens WHERE "
                                     "length(hash)=32"), 2);
    tdb_close(&t);
}

static ln_st_zone zone(const char *id, int action, int prio, int deleted,
                       const char *body)
{
    ln_st_zone z;
    memset(&z, 0, sizeof z);
    snprintf(z.id, sizeof z.id, "%s", id);
    z.action = action;
    z.priority = prio;
    z.deleted = deleted;
    z.valid_from_unix_s = -INFINITY;
    z.valid_until_unix_s = INFINITY;
    z.body = (char *)body;
    z.body_len = strlen(body);
    return z;
}

static void test_zones(void **state)
{
    (void)state;
    tdb t;
    tdb_open(&t);
    ln_st_zone *z;
    size_t n;
    int64_t v = -1;
    assert_int_equal(ln_store_get_zones(t.st, 0, &z, &n, &v), 0);
    assert_int_equal(n, 0);
    assert_int_equal(v, 0);
    /* version 1: a and b */
    ln_st_zone v1[2] = {zone("b", LN_ZONE_DENY, 5, 0, "{\"b\":1}"),
                        zone("a", LN_ZONE_ALLOW, 1, 0, "{\"a\":1}")};
    v1[0].valid_from_unix_s = 1665273600.0;
    v1[0].kind = 1;
    assert_int_equal(ln_store_put_zones(t.st, v1, 2, &v), 0);
    assert_int_equal(v, 1);
    /* version 2: a changed, b deleted, c new */
    ln_st_zone v2[3] = {zone("a", LN_ZONE_DENY, 2, 0, "{\"a\":2}"),
                        zone("b", 0, 0, 1, ""),
                        zone("c", LN_ZONE_DENY, 9, 0, "{\"c\":2}")};
    assert_int_equal(ln_store_put_zones(t.st, v2, 3, &v), 0);
    assert_int_equal(v, 2);
    /* version 3: only c changes */
    ln_st_zone v3[1] = {zone("c", LN_ZONE_ALLOW, 9, 0, "{\"c\":3}")};
    assert_int_equal(ln_store_put_zones(t.st, v3, 1, &v), 0);
    assert_int_equal(v, 3);

    assert_int_equal(ln_store_get_zones(t.st, 0, &z, &n, &v), 0);
    assert_int_equal(v, 3);
    assert_int_equal(n, 2); /* a@2, c@3 */
    assert_string_equal(z[0].id, "a");
    assert_int_equal(z[0].version, 2);
    assert_string_equal(z[0].body, "{\"a\":2}");
    assert_string_equal(z[1].id, "c");
    assert_int_equal(z[1].version, 3);
    assert_int_equal(z[1].action, LN_ZONE_ALLOW);
    assert_int_equal(z[1].body_len, 7);
    ln_st_zones_free(z, n);

    assert_int_equal(ln_store_get_zones(t.st, 1, &z, &n, &v), 0);
    assert_int_equal(v, 1);
    assert_int_equal(n, 2); /* b@1, a@1: in the order they were put, not
                               by id (priority ties go by that order) */
    assert_string_equal(z[1].body, "{\"a\":1}");
    assert_string_equal(z[0].id, "b");
    assert_int_equal(z[0].kind, 1);
    assert_int_equal(z[0].priority, 5);
    assert_true(z[0].valid_from_unix_s == 1665273600.0);
    assert_true(isinf(z[0].valid_until_unix_s) && z[0].valid_until_unix_s > 0);
    assert_true(isinf(z[1].valid_from_unix_s) && z[1].valid_from_unix_s < 0);
    ln_st_zones_free(z, n);

    assert_int_equal(ln_store_get_zones(t.st, 2, &z, &n, &v), 0);
    assert_int_equal(n, 2); /* a@2, c@2 */
    assert_string_equal(z[1].body, "{\"c\":2}");
    ln_st_zones_free(z, n);
    assert_int_equal(ln_store_get_zones(t.st, 4, &z, &n, &v), LN_ENOTFOUND);
    assert_null(z);
    /* an id twice in one version: refused, nothing written */
    ln_st_zone dup[2] = {zone("d", 0, 0, 0, "x"), zone("d", 0, 0, 0, "y")};
    assert_int_equal(ln_store_put_zones(t.st, dup, 2, &v), LN_ECONFLICT);
    assert_int_equal(v, 0);
    assert_int_equal(ln_store_get_zones(t.st, 0, &z, &n, &v), 0);
    assert_int_equal(v, 3);
    ln_st_zones_free(z, n);
    tdb_close(&t);
}

static void test_cursors(void **state)
{
    (void)state;
    tdb t;
    tdb_open(&t);
    int64_t pos = -1;
    assert_int_equal(ln_store_get_cursor(t.st, 5, &pos), 0);
    assert_int_equal(pos, 0);
    assert_int_equal(ln_store_set_cursor(t.st, 5, 1234), 0);
    assert_int_equal(ln_store_set_cursor(t.st, 6, 7), 0);
    assert_int_equal(ln_store_set_cursor(t.st, 5, 1300), 0);
    assert_int_equal(ln_store_get_cursor(t.st, 5, &pos), 0);
    assert_int_equal(pos, 1300);
    assert_int_equal(ln_store_set_cursor(t.st, 5, -1), LN_EINVAL);
    ln_store_close(t.st); /* durable: still there after a reopen */
    ln_diag d;
    assert_int_equal(ln_store_open(t.path, &t.st, &d), 0);
    assert_int_equal(ln_store_get_cursor(t.st, 6, &pos), 0);
    assert_int_equal(pos, 7);
    assert_int_equal(raw_int(t.path, "SELECT pos FROM cursors WHERE cred=5"),
                     1300);
    tdb_close(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roles_and_addresses),
        cmocka_unit_test(test_plan_account_line),
        cmocka_unit_test(test_terminals_and_lists),
        cmocka_unit_test(test_tokens),
        cmocka_unit_test(test_zones),
        cmocka_unit_test(test_cursors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
