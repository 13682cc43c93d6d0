/*
 * test_audit.c - the store's audit log (store.h "the audit log"): one
 * leaf per audited write (counted in the file with plain SQL), the root
 * and the checkpoint's signature recomputed by Python (hashlib,
 * python3-cryptography: tests/store/audit_oracle.py), proofs for every
 * index and size of a 40-leaf log, atomicity under a full disk, reopen,
 * the schema migration, contracts/changes/kill switches read back.
 */
#include <math.h>
#include <pthread.h>
#include <sys/wait.h>

#include "audit_test.h"
#include "store/store_int.h"

static void open_signed(tdb *t, ln_trust_key *k)
{
    tdb_open(t);
    log_key(k);
    assert_int_equal(ln_store_set_log_key(t->st, k, "leonet.test/log"), 0);
}

static void test_every_write_one_leaf(void **state)
{
    (void)state;
    tdb t;
    ln_trust_key k;
    open_signed(&t, &k);
    ln_store_set_actor(t.st, "operator:token:1");
    every_write(&t, 1);
    /* the actor is in the entries, and the oracle recomputes the root
     * from the entries and checks the last checkpoint's signature */
    assert_int_equal(raw_int(t.path, "SELECT count(*) FROM audit WHERE "
                             "CAST(entry AS TEXT) LIKE "
                             "'{\"by\":\"operator:token:1\",%'"),
                     (long long)head_size(t.st));
    uint64_t n;
    unsigned char root[32];
    assert_int_equal(ln_store_audit_head(t.st, &n, root), 0);
    char hex[65], pub[65], args[1024];
    sodium_bin2hex(hex, sizeof hex, root, 32);
    sodium_bin2hex(pub, sizeof pub, k.pub, 32);
    snprintf(args, sizeof args, "%s %llu %s %s leonet-test-log", t.path,
             (unsigned long long)n, hex, pub);
    assert_int_equal(py("audit_oracle.py", args), 0);
    /* the note the store gives is the same checkpoint, signed */
    char *note = NULL;
    size_t nn = 0;
    assert_int_equal(ln_store_audit_checkpoint(t.st, 0, &note, &nn), 0);
    ln_trust_note nt;
    ln_diag d;
    assert_int_equal(ln_trust_note_parse(note, nn, &nt, &d), 0);
    size_t ok = 0;
    assert_int_equal(ln_trust_note_verify(&nt, &k, 1, &ok, NULL, &d), 0);
    ln_trust_checkpoint cp;
    assert_int_equal(ln_trust_checkpoint_parse(nt.text, nt.ntext, &cp, &d),
                     0);
    assert_int_equal(cp.size, n);
    assert_memory_equal(cp.root, root, 32);
    ln_trust_note_clear(&nt);
    free(note);
    tdb_close(&t);
}

/* A witness's cosignature stored for the latest checkpoint, once however
 * often it is added; the note the store gives then carries it, and
 * Python (tests/trust/cosig_check.py, python3-cryptography) verifies it. */
static void test_cosignatures(void **state)
{
    (void)state;
    tdb t;
    ln_trust_key k, w;
    open_signed(&t, &k);
    every_write(&t, 1);
    char *note = NULL;
    size_t nn = 0;
    assert_int_equal(ln_store_audit_checkpoint(t.st, 0, &note, &nn), 0);
    ln_trust_note nt;
    ln_diag d;
    assert_int_equal(ln_trust_note_parse(note, nn, &nt, &d), 0);
    free(note);
    assert_int_equal(ln_trust_key_generate("witness.example", &w), 0);
    char line[256];
    assert_int_equal(ln_trust_cosign(&w, nt.text, nt.ntext, 1700000000,
                                     line, sizeof line), 0);
    for (int i = 0; i < 2; i++)
        assert_int_equal(ln_store_audit_add_cosignatures(t.st, nt.text,
                                                         nt.ntext, line,
                                                         strlen(line)), 0);
    assert_int_equal(ln_store_audit_add_cosignatures(t.st, nt.text,
                                                     nt.ntext, "junk\n", 5),
                     LN_EINVAL);
    assert_int_equal(ln_store_audit_add_cosignatures(t.st, "x\n1\nAA==\n",
                                                     10, line, strlen(line)),
                     LN_ENOTFOUND);
    assert_int_equal(ln_store_audit_checkpoint(t.st, 0, &note, &nn), 0);
    const char *at = strstr(note, line);
    assert_non_null(at);
    assert_null(strstr(at + 1, line)); /* once */
    char path[400], vkey[256], args[1024];
    snprintf(path, sizeof path, "%s/note", t.dir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(note, 1, nn, f), nn);
    fclose(f);
    assert_int_equal(ln_trust_key_format_public(&w, vkey, sizeof vkey), 0);
    snprintf(args, sizeof args, "'%s' '%s'", vkey, path);
    assert_int_equal(py("../trust/cosig_check.py", args), 0);
    free(note);
    ln_trust_note_clear(&nt);
    tdb_close(&t);
}

/* Every audited write's leaf without a key: no checkpoint stored. */
static void test_unsigned(void **state)
{
    (void)state;
    tdb t;
    tdb_open(&t);
    every_write(&t, 0);
    char *note = NULL;
    size_t nn;
    assert_int_equal(ln_store_audit_checkpoint(t.st, 0, &note, &nn),
                     LN_ENOTFOUND);
    tdb_close(&t);
}

typedef struct ents {
    unsigned char leaf[64][32];
    uint64_t n;
} ents;

static int take(void *user, uint64_t i, const unsigned char *e, size_t n)
{
    ents *x = user;
    assert_int_equal(i, x->n);
    ln_trust_leaf_hash(e, n, x->leaf[x->n++]);
    return 0;
}

/* A stored checkpoint's root, read from the file with plain SQL. */
static void ck_root(const char *path, uint64_t size, unsigned char r[32])
{
    sqlite3 *db;
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT root FROM "
                                        "audit_checkpoints WHERE size=?1",
                                        -1, &q, NULL), SQLITE_OK);
    sqlite3_bind_int64(q, 1, (sqlite3_int64)size);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_int_equal(sqlite3_column_bytes(q, 0), 32);
    memcpy(r, sqlite3_column_blob(q, 0), 32);
    sqlite3_finalize(q);
    sqlite3_close(db);
}

static void test_proofs_40(void **state)
{
    (void)state;
    tdb t;
    ln_trust_key k;
    open_signed(&t, &k);
    for (int i = 0; i < 40; i++) {
        char rec[64];
        snprintf(rec, sizeof rec, "{\"i\":%d}", i);
        uint64_t at = 99;
        assert_int_equal(ln_store_audit_append(t.st, rec, strlen(rec), &at),
                         0);
        assert_int_equal(at, (uint64_t)i);
    }
    ents e = {.n = 0};
    assert_int_equal(ln_store_audit_entries(t.st, 0, 40, take, &e), 0);
    assert_int_equal(e.n, 40);
    assert_int_equal(ln_store_audit_entries(t.st, 0, 41, take, &e),
                     LN_ERANGE);
    unsigned char root[41][32], p[LN_TRUST_MAX_PATH][32];
    for (uint64_t n = 1; n <= 40; n++)
        ck_root(t.path, n, root[n]);
    size_t np;
    for (uint64_t n = 1; n <= 40; n++) {
        for (uint64_t i = 0; i < n; i++) {
            assert_int_equal(ln_store_audit_inclusion(t.st, i, n, p, &np), 0);
            assert_int_equal(ln_trust_verify_inclusion(i, n, e.leaf[i],
                                 (const unsigned char (*)[32])p, np,
                                 root[n]), 0);
        }
        for (uint64_t m = 1; m <= n; m++) {
            assert_int_equal(ln_store_audit_consistency(t.st, m, n, p, &np),
                             0);
            assert_int_equal(ln_trust_verify_consistency(m, n, root[m],
                                 root[n], (const unsigned char (*)[32])p,
                                 np), 0);
        }
    }
    assert_int_equal(ln_store_audit_inclusion(t.st, 40, 40, p, &np),
                     LN_ERANGE);
    assert_int_equal(ln_store_audit_consistency(t.st, 3, 41, p, &np),
                     LN_ERANGE);
    /* the same after a reopen: the tree is rebuilt from the table */
    uint64_t n0, n1;
    unsigned char r0[32], r1[32];
    assert_int_equal(ln_store_audit_head(t.st, &n0, r0), 0);
    ln_store_close(t.st);
    ln_diag d;
    assert_int_equal(ln_store_open(t.path, &t.st, &d), 0);
    assert_int_equal(ln_store_audit_head(t.st, &n1, r1), 0);
    assert_int_equal(n1, n0);
    assert_memory_equal(r1, r0, 32);
    assert_memory_equal(r1, root[40], 32);
    assert_int_equal(ln_store_audit_inclusion(t.st, 17, 33, p, &np), 0);
    assert_int_equal(ln_trust_verify_inclusion(17, 33, e.leaf[17],
                         (const unsigned char (*)[32])p, np, root[33]), 0);
    /* a bad record: LN_EPARSE, nothing appended */
    assert_int_equal(ln_store_audit_append(t.st, "[1]", 3, NULL), LN_EPARSE);
    assert_int_equal(ln_store_audit_append(t.st, "{\"x\":1,\"x\":2}", 13,
                                           NULL),
                     LN_EPARSE); /* a name twice: no canonical form */
    assert_int_equal(head_size(t.st), 40);
    tdb_close(&t);
}

/* A write that fails for a full disk stores neither its change nor its
 * leaf nor a checkpoint; the head in memory stays; once there is room
 * the same write lands whole. */
static void test_atomic_full(void **state)
{
    (void)state;
    tdb t;
    ln_trust_key k;
    open_signed(&t, &k);
    every_write(&t, 1);
    uint64_t n0, n1;
    unsigned char r0[32], r1[32];
    assert_int_equal(ln_store_audit_head(t.st, &n0, r0), 0);
    long long pages = raw_int(t.path, "PRAGMA page_count");
    enum { N = 2000 };
    static ln_st_terminal tm[N];
    for (int i = 0; i < N; i++) {
        memset(&tm[i], 0, sizeof tm[i]);
        snprintf(tm[i].id, sizeof tm[i].id, "UTX%05d-with-a-long-id", i);
        snprintf(tm[i].kit_serial, sizeof tm[i].kit_serial, "KIT%05d", i);
        snprintf(tm[i].account, sizeof tm[i].account, "farm");
        tm[i].seq = -1;
    }
    char sql[96];
    snprintf(sql, sizeof sql, "PRAGMA max_page_count=%lld", pages + 2);
    assert_int_equal(ln__store_exec_writer(t.st, sql), 0);
    assert_int_equal(ln_store_put_terminals(t.st, tm, N), LN_ESTORE_FULL);
    assert_int_equal(ln_store_audit_head(t.st, &n1, r1), 0);
    assert_int_equal(n1, n0);
    assert_memory_equal(r1, r0, 32);
    assert_int_equal(raw_int(t.path, "SELECT count(*) FROM terminals WHERE "
                             "id LIKE 'UTX%'"), 0);
    assert_int_equal(raw_int(t.path, "SELECT count(*) FROM audit"),
                     (long long)n0);
    assert_int_equal(raw_int(t.path, "SELECT max(size) FROM "
                             "audit_checkpoints"), (long long)n0);
    /* a small write may still fit; the big one gets room and lands */
    assert_int_equal(ln__store_exec_writer(t.st, "PRAGMA max_page_count="
                                           "1073741823"), 0);
    assert_int_equal(ln_store_put_terminals(t.st, tm, N), 0);
    assert_int_equal(ln_store_audit_head(t.st, &n1, r1), 0);
    assert_int_equal(n1, n0 + 1);
    unsigned char ck[32];
    ck_root(t.path, n1, ck);
    assert_memory_equal(ck, r1, 32);
    assert_int_equal(raw_int(t.path, "SELECT count(*) FROM terminals WHERE "
                             "id LIKE 'UTX%'"), N);
    tdb_close(&t);
}

static int count_kill(void *user, const ln_st_kill *k)
{
    (*(int *)user)++;
    if (!strcmp(k->id, "defence")) {
        assert_string_equal(k->scope, "account");
        assert_int_equal(k->granted, 1);
        assert_string_equal(k->change, "chg-0001");
    }
    return 0;
}

static void test_contracts_changes(void **state)
{
    (void)state;
    tdb t;
    tdb_open(&t);
    every_write(&t, 0);
    ln_st_contract c;
    assert_int_equal(ln_store_get_contract(t.st, "defence-1", 0, &c), 0);
    assert_int_equal(c.version, 1);
    assert_int_equal(c.len, sizeof contract_doc - 1);
    assert_string_equal(c.json, contract_doc);
    ln_st_contract_clear(&c);
    ln_st_change ch;
    assert_int_equal(ln_store_get_change(t.st, "chg-0001", &ch), 0);
    assert_int_equal(ch.state, LN_ST_GRANTED);
    assert_int_equal(ch.nsigs, 1);
    assert_string_equal(ch.json, change_doc);
    assert_true(ch.decided_unix_s > 0);
    ln_st_change_clear(&ch);
    /* decided: no second decision, no more signatures */
    assert_int_equal(ln_store_decide_change(t.st, "chg-0001", LN_ST_REFUSED,
                                            3, "x", NULL, 0, NULL),
                     LN_EINVAL);
    assert_int_equal(ln_store_add_change_signature(t.st, "chg-0001", "l"),
                     LN_EINVAL);
    assert_int_equal(ln_store_nonce_used(t.st, (const unsigned char *)"n1",
                                         2), 1);
    assert_int_equal(ln_store_nonce_used(t.st, (const unsigned char *)"n2",
                                         2), 0);
    /* a second change with the used nonce: LN_ECONFLICT, nothing written */
    ln_st_change c2 = {.id = "chg-0002", .contract = "defence-1",
                       .kind = LN_TRUST_SUSPEND, .json = (char *)change_doc,
                       .len = sizeof change_doc - 1};
    assert_int_equal(ln_store_put_change(t.st, &c2), 0);
    assert_int_equal(ln_store_put_change(t.st, &c2), LN_ECONFLICT);
    assert_int_equal(ln_store_add_change_signature(t.st, "chg-0002", "a"), 0);
    assert_int_equal(ln_store_add_change_signature(t.st, "chg-0002", "a"),
                     LN_ECONFLICT);
    uint64_t n = head_size(t.st);
    const char accs[1][LN_ST_ID] = {"farm"};
    ln_st_effect e = {.kind = LN_ST_EFFECT_SUSPEND, .accounts = accs,
                      .naccounts = 1};
    assert_int_equal(ln_store_decide_change(t.st, "chg-0002", LN_ST_GRANTED,
                                            0, "", (const unsigned char *)
                                            "n1", 2, &e), LN_ECONFLICT);
    assert_int_equal(head_size(t.st), n);
    ln_st_account a;
    assert_int_equal(ln_store_get_account(t.st, "farm", &a), 0);
    assert_int_equal(a.suspended, 0);
    /* an evaluation while pending, then the grant with a fresh nonce */
    assert_int_equal(ln_store_decide_change(t.st, "chg-0002", LN_ST_PENDING,
                                            11, "1 of 2", NULL, 0, NULL), 0);
    assert_int_equal(ln_store_decide_change(t.st, "chg-0002", LN_ST_GRANTED,
                                            0, "", (const unsigned char *)
                                            "n2", 2, &e), 0);
    assert_int_equal(head_size(t.st), n + 2);
    assert_int_equal(ln_store_get_account(t.st, "farm", &a), 0);
    assert_int_equal(a.suspended, 1);
    int nk = 0;
    assert_int_equal(ln_store_list_kills(t.st, count_kill, &nk), 0);
    assert_int_equal(nk, 2);
    /* an amendment: the contract's next version, with the change's id */
    ln_st_change c3 = {.id = "chg-0003", .contract = "defence-1",
                       .kind = LN_TRUST_AMEND, .json = (char *)change_doc,
                       .len = sizeof change_doc - 1};
    assert_int_equal(ln_store_put_change(t.st, &c3), 0);
    ln_st_effect am = {.kind = LN_ST_EFFECT_CONTRACT,
                       .contract_json = contract_doc,
                       .contract_len = sizeof contract_doc - 1};
    assert_int_equal(ln_store_decide_change(t.st, "chg-0003", LN_ST_GRANTED,
                                            0, "", (const unsigned char *)
                                            "n3", 2, &am), 0);
    assert_int_equal(ln_store_get_contract(t.st, "defence-1", 0, &c), 0);
    assert_int_equal(c.version, 2);
    assert_string_equal(c.change, "chg-0003");
    ln_st_contract_clear(&c);
    tdb_close(&t);
}

/* A schema-2 file (test_schema.c's kind) migrates to 6 with an empty
 * log. */
static void test_migrated_empty_log(void **state)
{
    (void)state;
    tdb t;
    snprintf(t.dir, sizeof t.dir, "/tmp/ln_store_XXXXXX");
    assert_non_null(mkdtemp(t.dir));
    snprintf(t.path, sizeof t.path, "%s/v5.db", t.dir);
    raw_exec(t.path,
             "CREATE TABLE plans(id TEXT PRIMARY KEY, hardware_usd REAL,"
             " amortize_years REAL, monthly_usd REAL, included_gb REAL,"
             " usd_per_gb REAL, peak_mbps REAL, duty REAL, overage INTEGER);"
             "CREATE TABLE accounts(id TEXT PRIMARY KEY, name TEXT NOT NULL,"
             " plan TEXT NOT NULL, suspended INTEGER NOT NULL);"
             "CREATE TABLE lines(number TEXT PRIMARY KEY, account TEXT NOT "
             "NULL, nickname TEXT NOT NULL, active INTEGER NOT NULL);"
             "CREATE TABLE terminals(id TEXT PRIMARY KEY, kit_serial TEXT "
             "NOT NULL, account TEXT NOT NULL, line TEXT NOT NULL, lat REAL,"
             " lon REAL, t REAL, seq INTEGER NOT NULL);"
             "CREATE TABLE zone_sets(version INTEGER PRIMARY KEY, t REAL NOT "
             "NULL);"
             "CREATE TABLE zones(id TEXT NOT NULL, version INTEGER NOT NULL,"
             " kind INTEGER NOT NULL, action INTEGER NOT NULL,"
             " priority INTEGER NOT NULL, deleted INTEGER NOT NULL,"
             " valid_from REAL, valid_until REAL, body BLOB,"
             " PRIMARY KEY(id, version)) WITHOUT ROWID;"
             "CREATE TABLE tokens(rid INTEGER PRIMARY KEY, hash BLOB NOT NULL"
             " UNIQUE, role INTEGER NOT NULL, account TEXT NOT NULL,"
             " terminal TEXT NOT NULL, created REAL NOT NULL,"
             " revoked INTEGER NOT NULL);"
             "CREATE TABLE reports(pos INTEGER PRIMARY KEY, terminal TEXT NOT"
             " NULL, seq INTEGER NOT NULL, t REAL NOT NULL, lat REAL, lon "
             "REAL, alt REAL, bytes_down INTEGER, bytes_up INTEGER, latency "
             "REAL, link INTEGER, reason INTEGER, alert INTEGER, billed "
             "INTEGER, account TEXT NOT NULL, UNIQUE(terminal, seq));"
             "CREATE TABLE usage(account TEXT NOT NULL, terminal TEXT NOT "
             "NULL, day INTEGER NOT NULL, bytes INTEGER NOT NULL, reports "
             "INTEGER NOT NULL, denied INTEGER NOT NULL, PRIMARY KEY(account,"
             " terminal, day)) WITHOUT ROWID;"
             "CREATE TABLE cursors(cred INTEGER PRIMARY KEY, pos INTEGER NOT "
             "NULL);"
             "CREATE TABLE meta(key TEXT PRIMARY KEY, value INTEGER) WITHOUT "
             "ROWID;"
             "PRAGMA user_version=2;");
    ln_diag d;
    assert_int_equal(ln_store_open(t.path, &t.st, &d), 0);
    assert_int_equal(ln_store_schema_version(t.st), 6);
    assert_int_equal(raw_int(t.path, "PRAGMA user_version"), 6);
    assert_int_equal(raw_int(t.path, "SELECT count(*) FROM audit"), 0);
    uint64_t n = 9;
    unsigned char r[32], empty[32];
    assert_int_equal(ln_store_audit_head(t.st, &n, r), 0);
    assert_int_equal(n, 0);
    crypto_hash_sha256(empty, (const unsigned char *)"", 0);
    assert_memory_equal(r, empty, 32);
    ln_st_account a = {.id = "new", .name = "N", .plan = "p"};
    assert_int_equal(ln_store_put_account(t.st, &a), 0);
    assert_int_equal(head_size(t.st), 1);
    tdb_close(&t);
}

/* Writers from 4 threads beside 2 threads taking proofs at the head:
 * every write gets its own leaf, every proof verifies, and the log
 * verifies at the end. */
typedef struct thr {
    ln_store *st;
    int id;
} thr;

static void *writer(void *p)
{
    thr *t = p;
    char who[32];
    snprintf(who, sizeof who, "writer %d", t->id);
    ln_store_set_actor(t->st, who);
    for (int i = 0; i < 40; i++) {
        ln_st_account a = {.plan = "p", .suspended = i & 1};
        snprintf(a.id, sizeof a.id, "ACC-%d-%d", t->id, i);
        snprintf(a.name, sizeof a.name, "%s", who);
        if (ln_store_put_account(t->st, &a))
            return (void *)1;
    }
    return NULL;
}

static int leaf_of(void *user, uint64_t i, const unsigned char *e, size_t n)
{
    (void)i;
    ln_trust_leaf_hash(e, n, user);
    return 0;
}

static void *prover(void *p)
{
    thr *t = p;
    unsigned char path[LN_TRUST_MAX_PATH][32], root[32], leaf[32];
    for (int i = 0; i < 200; i++) {
        uint64_t n;
        size_t np;
        if (ln_store_audit_head(t->st, &n, root))
            return (void *)1;
        if (n < 2)
            continue;
        uint64_t idx = (uint64_t)(i * 7919) % n;
        if (ln_store_audit_entries(t->st, idx, idx + 1, leaf_of, leaf) ||
            ln_store_audit_inclusion(t->st, idx, n, path, &np) ||
            ln_trust_verify_inclusion(idx, n, leaf,
                                      (const unsigned char (*)[32])path, np,
                                      root))
            return (void *)2;
    }
    return NULL;
}

static void test_threads(void **state)
{
    (void)state;
    tdb t;
    ln_trust_key k;
    open_signed(&t, &k);
    pthread_t th[6];
    thr a[6];
    for (int i = 0; i < 6; i++) {
        a[i] = (thr){t.st, i};
        assert_int_equal(pthread_create(&th[i], NULL,
                                        i < 4 ? writer : prover, &a[i]), 0);
    }
    for (int i = 0; i < 6; i++) {
        void *r;
        pthread_join(th[i], &r);
        assert_null(r);
    }
    assert_int_equal(head_size(t.st), 160);
    assert_int_equal(raw_int(t.path, "SELECT count(*) FROM audit WHERE "
                             "CAST(entry AS TEXT) LIKE "
                             "'{\"by\":\"writer 3\",%'"), 40);
    ln_diag d;
    assert_int_equal(ln_store_audit_verify(t.st, k.pub, NULL, &d), 0);
    tdb_close(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_write_one_leaf),
        cmocka_unit_test(test_unsigned),
        cmocka_unit_test(test_cosignatures),
        cmocka_unit_test(test_proofs_40),
        cmocka_unit_test(test_atomic_full),
        cmocka_unit_test(test_contracts_changes),
        cmocka_unit_test(test_migrated_empty_log),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
