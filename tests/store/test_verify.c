/*
 * test_verify.c - ln_store_audit_verify, the start check: an untampered
 * store verifies (with and without the log's key; after telemetry moved
 * the terminals; after a reopen); each edit made behind the store's back
 * with Python's sqlite3 (tests/store/audit_tamper.py) between close and
 * open is found, and the message names the table and key, or the leaf,
 * or the checkpoint.
 */
#include <math.h>
#include <sys/wait.h>

#include "audit_test.h"

/* A signed store holding one of every audited write, then one more
 * account (leaf 15, the last). */
static void build(tdb *t, ln_trust_key *k)
{
    tdb_open(t);
    log_key(k);
    assert_int_equal(ln_store_set_log_key(t->st, k, "leonet.test/log"), 0);
    every_write(t, 1);
    ln_st_account a = {.id = "late", .name = "Late", .plan = "mil"};
    assert_int_equal(ln_store_put_account(t->st, &a), 0);
}

static void test_untampered(void **state)
{
    (void)state;
    tdb t;
    ln_trust_key k, other;
    build(&t, &k);
    /* telemetry moves terminals; it is not audited and changes nothing */
    ln_st_report r[2] = {rep("UT1", "defence", 1, 1700000000, 10),
                         rep("UT3", "farm", 1, 1700000000, 10)};
    uint8_t nw[2];
    assert_int_equal(ln_store_ingest(t.st, r, 2, nw), 0);
    assert_int_equal(ln_store_checkpoint(t.st), 0);
    ln_diag d;
    uint64_t n = 0;
    int rc = ln_store_audit_verify(t.st, k.pub, &n, &d);
    if (rc)
        fprintf(stderr, "verify: %s\n", d.msg);
    assert_int_equal(rc, 0);
    assert_int_equal(n, 16);
    assert_int_equal(ln_store_audit_verify(t.st, NULL, NULL, &d), 0);
    /* another key: every checkpoint's signature fails */
    assert_int_equal(ln_trust_key_generate("leonet-test-log", &other), 0);
    assert_int_equal(ln_store_audit_verify(t.st, other.pub, &n, &d),
                     LN_ETRUST);
    assert_non_null(strstr(d.msg, "checkpoint of size 1:"));
    assert_non_null(strstr(d.msg, "signature"));
    /* reopened: the same */
    ln_store_close(t.st);
    assert_int_equal(ln_store_open(t.path, &t.st, &d), 0);
    assert_int_equal(ln_store_audit_verify(t.st, k.pub, &n, &d), 0);
    assert_int_equal(n, 16);
    tdb_close(&t);
}

typedef struct tcase {
    const char *what;
    const char *want[3]; /* substrings of the message */
} tcase;

static const tcase cases[] = {
    {"account-suspended", {"accounts 'defence': suspended is 1 in the "
                           "table, 0 in the log (leaf 1)"}},
    {"account-name", {"accounts 'defence': name is \"Offence\" in the "
                      "table, \"Defence\" in the log (leaf 1)"}},
    {"token-insert", {"tokens '2'", "not in the log"}},
    {"token-unrevoke", {"tokens '1': revoked is 0 in the table, 1 in the "
                        "log (leaf 8)"}},
    {"zones-delete", {"zones 'sea@1'", "leaf 6", "not in the table"}},
    {"terminal-account", {"terminals 'UT2': account is \"farm\" in the "
                          "table, \"defence\" in the log (leaf 4)"}},
    {"audit-delete", {"leaf 3 is missing"}},
    {"audit-truncate", {"accounts 'late'", "not in the log"}},
    {"checkpoint-root", {"checkpoint of size 16", "root"}},
    {"kill-insert", {"kills 'account/farm'", "not in the log"}},
    {"kill-delete", {"kills 'account/defence'", "leaf 12",
                     "not in the table"}},
    {"change-state", {"changes 'chg-0001': state is 2 in the table, 1 in "
                      "the log (leaf 12)"}},
    {"nonce-delete", {"nonces '6e31'", "not in the table"}},
    {"contract-json", {"contracts 'defence-1@1': sha256 is"}},
    {"plan-price", {"plans 'mil': monthly_usd is \"499.99\" in the table, "
                    "\"500\" in the log (leaf 0)"}},
    {"entry-edit", {"leaf 1: the stored leaf hash is not the hash of its "
                    "entry"}},
    {"entry-edit-rehash", {"checkpoint of size 2: its root is not the root "
                           "of the first 2 leaves"}},
};

static void test_tampered(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const tcase *c = &cases[i];
        tdb t;
        ln_trust_key k;
        build(&t, &k);
        ln_store_close(t.st);
        t.st = NULL;
        char args[512];
        snprintf(args, sizeof args, "%s %s", t.path, c->what);
        assert_int_equal(py("audit_tamper.py", args), 0);
        ln_diag d;
        int rc = ln_store_open(t.path, &t.st, &d);
        if (rc)
            fprintf(stderr, "%s: open: %s\n", c->what, d.msg);
        assert_int_equal(rc, 0);
        memset(&d, 0, sizeof d);
        rc = ln_store_audit_verify(t.st, k.pub, NULL, &d);
        fprintf(stderr, "%-18s -> %s\n", c->what, d.msg);
        assert_int_equal(rc, LN_ETRUST);
        for (int j = 0; j < 3 && c->want[j]; j++)
            if (!strstr(d.msg, c->want[j]))
                fail_msg("%s: \"%s\" not in \"%s\"", c->what, c->want[j],
                         d.msg);
        tdb_close(&t);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_untampered),
        cmocka_unit_test(test_tampered),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
