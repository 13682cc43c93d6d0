/*
 * audit_test.h - helpers of the audit log's tests (test_audit*.c): a log
 * key from a fixed seed, one of every audited write, the Python oracles
 * (tests/store/audit_oracle.py, audit_tamper.py) run on the file.
 */
#ifndef LN_AUDIT_TEST_H
#define LN_AUDIT_TEST_H

#include <sodium.h>

#include "leonet/trust.h"
#include "store_test.h"

#ifndef LN_STORE_TEST_DIR
#define LN_STORE_TEST_DIR "tests/store"
#endif

/* The log key: RFC 8032 test 1's secret key as seed. */
static inline void log_key(ln_trust_key *k)
{
    unsigned char seed[32];
    assert_int_equal(sodium_hex2bin(seed, 32,
        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
        64, NULL, NULL, NULL), 0);
    assert_int_equal(ln_trust_key_from_seed("leonet-test-log", seed, k), 0);
}

static inline uint64_t head_size(ln_store *st)
{
    uint64_t n = 0;
    unsigned char r[32];
    assert_int_equal(ln_store_audit_head(st, &n, r), 0);
    return n;
}

/* Runs `python3 SCRIPT args` (tests/store); its exit status. */
static inline int py(const char *script, const char *args)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s/%s %s", LN_STORE_TEST_DIR,
             script, args);
    int rc = system(cmd);
    return rc == -1 ? -1 : WEXITSTATUS(rc);
}

static const char contract_doc[] =
    "{\"contract\":\"defence-1\",\"parties\":[],\"region\":[37.5,48.25]}";
static const char change_doc[] =
    "{\"change\":\"kill\",\"contract\":\"defence-1\",\"nonce\":\"AAEC\"}";

/* One of every audited write, each checked to add exactly one leaf (the
 * audit table counted with plain SQL) and, when signed, one checkpoint. */
static inline void every_write(tdb *t, int signed_)
{
    long long n0 = raw_int(t->path, "SELECT count(*) FROM audit");
    long long c0 = raw_int(t->path,
                           "SELECT count(*) FROM audit_checkpoints");
    long long k = 0;
#define ONE(call)                                                           \
    do {                                                                    \
        assert_int_equal((call), 0);                                        \
        k++;                                                                \
        assert_int_equal(raw_int(t->path, "SELECT count(*) FROM audit"),    \
                         n0 + k);                                           \
        assert_int_equal(raw_int(t->path, "SELECT count(*) FROM "           \
                                 "audit_checkpoints"),                      \
                         c0 + (signed_ ? k : 0));                           \
        assert_int_equal(head_size(t->st), (uint64_t)(n0 + k));             \
    } while (0)
    ln_plan p = {.id = "mil", .monthly_usd = 500, .usd_per_gb = 0.1,
                 .duty = 0.35, .peak_mbps = NAN};
    ONE(ln_store_put_plan(t->st, &p));
    ln_st_account a = {.id = "defence", .name = "Defence", .plan = "mil"};
    ONE(ln_store_put_account(t->st, &a));
    ln_st_account b = {.id = "farm", .name = "Farm", .plan = "mil"};
    ONE(ln_store_put_account(t->st, &b));
    ln_st_line l = {.number = "SL-1", .account = "defence",
                    .nickname = "hq", .active = 1};
    ONE(ln_store_put_line(t->st, &l));
    ln_st_terminal tm[3] = {
        {.id = "UT1", .kit_serial = "K1", .account = "defence",
         .line = "SL-1", .lat_deg = 48.1, .lon_deg = 37.5, .seq = -1},
        {.id = "UT2", .kit_serial = "K2", .account = "defence",
         .lat_deg = 48.2, .lon_deg = 37.6, .seq = -1},
        {.id = "UT3", .kit_serial = "K3", .account = "farm",
         .lat_deg = NAN, .lon_deg = NAN, .seq = -1}};
    ONE(ln_store_put_terminals(t->st, tm, 3));
    ONE(ln_store_put_terminal(t->st, &tm[0]));
    char body[] = "{\"type\":\"Feature\"}";
    ln_st_zone z[2] = {
        {.id = "front", .kind = 0, .action = 1, .priority = 5,
         .valid_from_unix_s = -INFINITY, .valid_until_unix_s = INFINITY,
         .body = body, .body_len = sizeof body - 1},
        {.id = "sea", .kind = 0, .action = 0, .priority = 1,
         .valid_from_unix_s = 1700000000.5, .valid_until_unix_s = INFINITY,
         .body = body, .body_len = sizeof body - 1}};
    int64_t v = 0;
    ONE(ln_store_put_zones(t->st, z, 2, &v));
    ln_st_token tk = {.role = LN_ROLE_CUSTOMER, .account = "defence",
                      .created_unix_s = 1700000000};
    memset(tk.hash, 0xab, 32);
    int64_t rid = 0;
    ONE(ln_store_put_token(t->st, &tk, &rid));
    ONE(ln_store_revoke_token(t->st, rid));
    ln_st_contract c = {.id = "defence-1", .json = (char *)contract_doc,
                        .len = sizeof contract_doc - 1};
    ONE(ln_store_put_contract(t->st, &c, &v));
    ln_st_change ch = {.id = "chg-0001", .contract = "defence-1",
                       .kind = LN_TRUST_KILL, .json = (char *)change_doc,
                       .len = sizeof change_doc - 1};
    ONE(ln_store_put_change(t->st, &ch));
    ONE(ln_store_add_change_signature(t->st, "chg-0001", "\xe2\x80\x94 op "
                                      "AAAA"));
    const char accs[1][LN_ST_ID] = {"defence"};
    ln_st_effect e = {.kind = LN_ST_EFFECT_KILL, .accounts = accs,
                      .naccounts = 1};
    ONE(ln_store_decide_change(t->st, "chg-0001", LN_ST_GRANTED, 0, "",
                               (const unsigned char *)"n1", 2, &e));
    ln_st_kill kl = {.scope = "terminal", .id = "UT3"};
    ONE(ln_store_set_kill(t->st, &kl, 1));
    static const char att[] = "{\"attempt\":\"kill\",\"by\":\"operator\"}";
    ONE(ln_store_audit_append(t->st, att, sizeof att - 1, NULL));
#undef ONE
}

#endif
