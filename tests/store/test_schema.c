/*
 * test_schema.c - schema versions: a new file gets the build's version; a
 * file at a newer user_version is refused with LN_ESTORE and left as it
 * was; an older one (a migration undone by hand with plain SQL) is
 * migrated; a file that is not a database is refused.
 */
#include <fcntl.h>

#include "store_test.h"

static void test_new_file(void **state)
{
    (void)state;
    tdb t;
    tdb_open(&t);
    int v = ln_store_schema_version(t.st);
    assert_true(v >= 3);
    assert_int_equal(raw_int(t.path, "PRAGMA user_version"), v);
    assert_int_equal(raw_int(t.path, "SELECT count(*) FROM sqlite_schema "
                                     "WHERE name='reports'"), 1);
    /* WAL, checked in the file's header: bytes 18 and 19 are 2 */
    FILE *f = fopen(t.path, "rb");
    assert_non_null(f);
    unsigned char h[20];
    assert_int_equal(fread(h, 1, 20, f), 20);
    fclose(f);
    assert_int_equal(h[18], 2);
    assert_int_equal(h[19], 2);
    tdb_close(&t);
}

static void test_newer_refused(void **state)
{
    (void)state;
    tdb t;
    tdb_open(&t);
    int v = ln_store_schema_version(t.st);
    ln_store_close(t.st);
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA user_version=%d", v + 1);
    raw_exec(t.path, sql);
    ln_diag d;
    t.st = NULL;
    assert_int_equal(ln_store_open(t.path, &t.st, &d), LN_ESTORE);
    assert_null(t.st);
    assert_non_null(strstr(d.msg, "newer"));
    assert_string_equal(d.file, t.path);
    assert_int_equal(raw_int(t.path, "PRAGMA user_version"), v + 1);
    tdb_close(&t);
}

/* A file as the store's schema version 2 wrote it (the first version:
 * reports with UNIQUE(terminal, seq), usage and terminals updated per
 * report), with two reports of UT1 (seqs 1, 2) and one of UT2 (seq 5),
 * made with plain SQL. */
static const char v2_file[] =
    "CREATE TABLE plans(id TEXT PRIMARY KEY, hardware_usd REAL,"
    " amortize_years REAL, monthly_usd REAL, included_gb REAL,"
    " usd_per_gb REAL, peak_mbps REAL, duty REAL, overage INTEGER);"
    "CREATE TABLE accounts(id TEXT PRIMARY KEY, name TEXT NOT NULL,"
    " plan TEXT NOT NULL, suspended INTEGER NOT NULL);"
    "CREATE TABLE lines(number TEXT PRIMARY KEY, account TEXT NOT NULL,"
    " nickname TEXT NOT NULL, active INTEGER NOT NULL);"
    "CREATE TABLE terminals(id TEXT PRIMARY KEY, kit_serial TEXT NOT NULL,"
    " account TEXT NOT NULL, line TEXT NOT NULL, lat REAL, lon REAL,"
    " t REAL, seq INTEGER NOT NULL);"
    "CREATE TABLE zone_sets(version INTEGER PRIMARY KEY, t REAL NOT NULL);"
    "CREATE TABLE zones(id TEXT NOT NULL, version INTEGER NOT NULL,"
    " kind INTEGER NOT NULL, action INTEGER NOT NULL,"
    " priority INTEGER NOT NULL, deleted INTEGER NOT NULL,"
    " valid_from REAL, valid_until REAL, body BLOB,"
    " PRIMARY KEY(id, version)) WITHOUT ROWID;"
    "CREATE TABLE tokens(rid INTEGER PRIMARY KEY, hash BLOB NOT NULL UNIQUE,"
    " role INTEGER NOT NULL, account TEXT NOT NULL, terminal TEXT NOT NULL,"
    " created REAL NOT NULL, revoked INTEGER NOT NULL);"
    "CREATE TABLE reports(pos INTEGER PRIMARY KEY, terminal TEXT NOT NULL,"
    " seq INTEGER NOT NULL, t REAL NOT NULL, lat REAL, lon REAL, alt REAL,"
    " bytes_down INTEGER, bytes_up INTEGER, latency REAL, link INTEGER,"
    " reason INTEGER, alert INTEGER, billed INTEGER, account TEXT NOT NULL,"
    " UNIQUE(terminal, seq));"
    "CREATE TABLE usage(account TEXT NOT NULL, terminal TEXT NOT NULL,"
    " day INTEGER NOT NULL, bytes INTEGER NOT NULL, reports INTEGER NOT NULL,"
    " denied INTEGER NOT NULL, PRIMARY KEY(account, terminal, day))"
    " WITHOUT ROWID;"
    "CREATE TABLE cursors(cred INTEGER PRIMARY KEY, pos INTEGER NOT NULL);"
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value INTEGER) WITHOUT ROWID;"
    "INSERT INTO accounts VALUES('ACC-1','kept','p',0);"
    "INSERT INTO terminals VALUES('UT1','K1','ACC-1','',48.0,37.0,"
    " 1665273630,2);"
    "INSERT INTO reports VALUES(1,'UT1',1,1665273615,0,0,0,0,0,0,0,0,0,100,"
    " 'ACC-1');"
    "INSERT INTO reports VALUES(2,'UT2',5,1665273615,0,0,0,0,0,0,0,0,0,7,"
    " 'ACC-1');"
    "INSERT INTO reports VALUES(3,'UT1',2,1665273630,48.0,37.0,0,0,0,0,0,0,"
    " 0,200,'ACC-1');"
    "INSERT INTO usage VALUES('ACC-1','UT1',19274,300,2,0);"
    "INSERT INTO usage VALUES('ACC-1','UT2',19274,7,1,0);"
    "PRAGMA user_version=2;";

static int sum_usage(void *user, const ln_st_usage *u)
{
    *(uint64_t *)user += u->bytes;
    return 0;
}

static void test_older_migrated(void **state)
{
    (void)state;
    tdb t;
    snprintf(t.dir, sizeof t.dir, "/tmp/ln_store_XXXXXX");
    assert_non_null(mkdtemp(t.dir));
    snprintf(t.path, sizeof t.path, "%s/v2.db", t.dir);
    raw_exec(t.path, v2_file);
    ln_diag d;
    assert_int_equal(ln_store_open(t.path, &t.st, &d), 0);
    int v = ln_store_schema_version(t.st);
    assert_true(v >= 3);
    assert_int_equal(raw_int(t.path, "PRAGMA user_version"), v);
    ln_st_account b;
    assert_int_equal(ln_store_get_account(t.st, "ACC-1", &b), 0);
    assert_string_equal(b.name, "kept");
    /* the old reports stay duplicates; usage is not counted twice */
    ln_st_report r[3] = {rep("UT1", "ACC-1", 1, 1665273615, 100),
                         rep("UT2", "ACC-1", 5, 1665273615, 7),
                         rep("UT1", "ACC-1", 3, 1665273645, 400)};
    uint8_t nw[3];
    assert_int_equal(ln_store_ingest(t.st, r, 3, nw), 0);
    assert_int_equal(nw[0], 0);
    assert_int_equal(nw[1], 0);
    assert_int_equal(nw[2], 1);
    uint64_t sum = 0;
    assert_int_equal(ln_store_usage(t.st, NULL, 0, 100000, sum_usage, &sum),
                     0);
    assert_int_equal(sum, 707);
    ln_st_terminal term;
    assert_int_equal(ln_store_get_terminal(t.st, "UT1", &term), 0);
    assert_int_equal(term.seq, 3);
    assert_int_equal(raw_int(t.path, "SELECT count(*) FROM reports"), 4);
    assert_int_equal(raw_int(t.path, "SELECT count(*) FROM seqranges"), 2);
    tdb_close(&t);
}

static void test_not_a_database(void **state)
{
    (void)state;
    tdb t;
    tdb_open(&t);
    ln_store_close(t.st);
    t.st = NULL;
    char p[320];
    snprintf(p, sizeof p, "%s/junk.db", t.dir);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    for (int i = 0; i < 4096; i++)
        fputc('x', f);
    fclose(f);
    ln_diag d;
    ln_store *st = NULL;
    assert_int_equal(ln_store_open(p, &st, &d), LN_ESTORE);
    assert_null(st);
    assert_non_null(strstr(d.file, "junk.db"));
    /* no WAL for an in-memory database */
    assert_int_equal(ln_store_open("sqlite::memory:", &st, &d),
                     LN_EUNSUPPORTED);
    assert_non_null(strstr(d.msg, "WAL"));
    /* a folder that does not exist */
    snprintf(p, sizeof p, "%s/no/such/dir/x.db", t.dir);
    assert_int_equal(ln_store_open(p, &st, &d), LN_EIO);
    tdb_close(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_file),
        cmocka_unit_test(test_newer_refused),
        cmocka_unit_test(test_older_migrated),
        cmocka_unit_test(test_not_a_database),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
