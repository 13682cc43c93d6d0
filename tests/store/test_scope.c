/*
 * test_scope.c - one contract per protected target (found in review,
 * issue 15): a second contract naming what the first protects is
 * refused (LN_ECONFLICT), an amendment widening a contract into another's
 * scope too, a granted effect of a change under one contract on another
 * contract's targets is refused (LN_EFORBIDDEN), an amendment naming
 * another contract is refused (LN_EINVAL); each refusal writes nothing
 * (the audit table and the kills and contracts tables counted with plain
 * SQL on the file).
 */
#include <math.h>
#include <sys/wait.h>

#include "audit_test.h"

static const char doc_a[] =
    "{\"contract\":\"A\",\"scope\":{\"accounts\":[\"defence\"]}}";

static void put(tdb *t, const char *id, const char *doc, int want)
{
    ln_st_contract c = {.json = (char *)doc, .len = strlen(doc)};
    snprintf(c.id, sizeof c.id, "%s", id);
    int64_t v = 0;
    long long n = raw_int(t->path, "SELECT count(*) FROM audit");
    assert_int_equal(ln_store_put_contract(t->st, &c, &v), want);
    if (want)
        assert_int_equal(raw_int(t->path, "SELECT count(*) FROM audit"), n);
}

static void change(tdb *t, const char *id, const char *contract)
{
    ln_st_change ch = {.kind = LN_TRUST_KILL, .json = (char *)change_doc,
                       .len = sizeof change_doc - 1};
    snprintf(ch.id, sizeof ch.id, "%s", id);
    snprintf(ch.contract, sizeof ch.contract, "%s", contract);
    assert_int_equal(ln_store_put_change(t->st, &ch), 0);
}

static int grant(tdb *t, const char *id, const ln_st_effect *e)
{
    long long n = raw_int(t->path, "SELECT count(*) FROM audit");
    long long k = raw_int(t->path, "SELECT count(*) FROM kills");
    int rc = ln_store_decide_change(t->st, id, LN_ST_GRANTED, 0, "",
                                    (const unsigned char *)id, strlen(id),
                                    e);
    if (rc) {
        assert_int_equal(raw_int(t->path, "SELECT count(*) FROM audit"), n);
        assert_int_equal(raw_int(t->path, "SELECT count(*) FROM kills"), k);
        char q[160];
        snprintf(q, sizeof q, "SELECT state FROM changes WHERE id='%s'", id);
        assert_int_equal(raw_int(t->path, q), LN_ST_PENDING);
    }
    return rc;
}

static void test_second_contract(void **state)
{
    (void)state;
    tdb t;
    tdb_open(&t);
    every_write(&t, 0); /* accounts defence (UT1, UT2), farm (UT3) */
    put(&t, "A", doc_a, 0);
    /* the operator's own contract over the defence account, its terminal,
     * or an account of the same terminal: refused */
    put(&t, "B", "{\"contract\":\"B\",\"scope\":{\"accounts\":[\"farm\","
                 "\"defence\"]}}", LN_ECONFLICT);
    fprintf(stderr, "  %s\n", ln_store_errmsg(t.st));
    assert_non_null(strstr(ln_store_errmsg(t.st), "'A'"));
    put(&t, "B", "{\"contract\":\"B\",\"scope\":{\"terminals\":[\"UT2\"]}}",
        LN_ECONFLICT);
    assert_non_null(strstr(ln_store_errmsg(t.st), "UT2"));
    put(&t, "C", "{\"contract\":\"C\",\"scope\":{\"terminals\":[\"UT1\"]}}",
        LN_ECONFLICT);
    assert_int_equal(raw_int(t.path, "SELECT count(*) FROM contracts WHERE "
                                     "id IN ('B','C')"), 0);
    /* a contract of its own scope: fine */
    put(&t, "B", "{\"contract\":\"B\",\"scope\":{\"accounts\":[\"farm\"]}}",
        0);
    /* a change under B granting a kill on A's account or terminal: refused,
     * nothing written, still pending */
    change(&t, "chg-b1", "B");
    const char acc[2][LN_ST_ID] = {"farm", "defence"};
    ln_st_effect e = {.kind = LN_ST_EFFECT_KILL, .accounts = acc,
                      .naccounts = 2};
    assert_int_equal(grant(&t, "chg-b1", &e), LN_EFORBIDDEN);
    fprintf(stderr, "  %s\n", ln_store_errmsg(t.st));
    const char term[1][LN_ST_ID] = {"UT2"};
    ln_st_effect et = {.kind = LN_ST_EFFECT_KILL, .terminals = term,
                       .nterminals = 1};
    assert_int_equal(grant(&t, "chg-b1", &et), LN_EFORBIDDEN);
    ln_st_effect es = {.kind = LN_ST_EFFECT_SUSPEND, .accounts = acc + 1,
                       .naccounts = 1};
    assert_int_equal(grant(&t, "chg-b1", &es), LN_EFORBIDDEN);
    assert_int_equal(raw_int(t.path, "SELECT suspended FROM accounts WHERE "
                                     "id='defence'"), 0);
    /* B's own target: granted */
    ln_st_effect ef = {.kind = LN_ST_EFFECT_KILL, .accounts = acc,
                       .naccounts = 1};
    assert_int_equal(grant(&t, "chg-b1", &ef), 0);
    /* an amendment of B widening it over defence: refused */
    static const char wide[] = "{\"contract\":\"B\",\"scope\":{\"accounts\":"
                               "[\"farm\",\"defence\"]}}";
    change(&t, "chg-b2", "B");
    ln_st_effect am = {.kind = LN_ST_EFFECT_CONTRACT, .contract_json = wide,
                       .contract_len = sizeof wide - 1};
    assert_int_equal(grant(&t, "chg-b2", &am), LN_EFORBIDDEN);
    assert_non_null(strstr(ln_store_errmsg(t.st), "'A'"));
    /* an amendment under B naming A: refused, A unchanged */
    static const char other[] = "{\"contract\":\"A\",\"scope\":{\"accounts\":"
                                "[\"defence\"]}}";
    ln_st_effect ao = {.kind = LN_ST_EFFECT_CONTRACT, .contract_json = other,
                       .contract_len = sizeof other - 1};
    assert_int_equal(grant(&t, "chg-b2", &ao), LN_EINVAL);
    assert_int_equal(raw_int(t.path, "SELECT max(version) FROM contracts "
                                     "WHERE id='A'"), 1);
    assert_int_equal(raw_int(t.path, "SELECT max(version) FROM contracts "
                                     "WHERE id='B'"), 1);
    /* a kill under A listing no target (a zone or region only) is the
     * "all" switch: it would reach B's terminals too, refused */
    change(&t, "chg-a0", "A");
    ln_st_effect all = {.kind = LN_ST_EFFECT_KILL};
    assert_int_equal(grant(&t, "chg-a0", &all), LN_EFORBIDDEN);
    assert_int_equal(raw_int(t.path, "SELECT count(*) FROM kills WHERE "
                                     "scope='all'"), 0);
    /* A's own change on its own account: granted */
    change(&t, "chg-a1", "A");
    ln_st_effect ea = {.kind = LN_ST_EFFECT_KILL, .accounts = acc + 1,
                       .naccounts = 1};
    assert_int_equal(grant(&t, "chg-a1", &ea), 0);
    assert_int_equal(raw_int(t.path, "SELECT count(*) FROM kills WHERE "
                                     "id='defence' AND granted=1 AND "
                                     "change='chg-a1'"), 1);
    tdb_close(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_second_contract),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
