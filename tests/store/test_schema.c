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
    assert_true(v >= 2);
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

static void test_older_migrated(void **state)
{
    (void)state;
    tdb t;
    tdb_open(&t);
    int v = ln_store_schema_version(t.st);
    ln_st_account a = {.id = "ACC-1", .name = "kept", .plan = "p"};
    assert_int_equal(ln_store_put_account(t.st, &a), 0);
    ln_store_close(t.st);
    /* back to version 1: migration 2 (the meta table) undone */
    raw_exec(t.path, "DROP TABLE meta; PRAGMA user_version=1");
    ln_diag d;
    assert_int_equal(ln_store_open(t.path, &t.st, &d), 0);
    assert_int_equal(ln_store_schema_version(t.st), v);
    assert_int_equal(raw_int(t.path, "PRAGMA user_version"), v);
    assert_int_equal(raw_int(t.path, "SELECT count(*) FROM sqlite_schema "
                                     "WHERE name='meta'"), 1);
    ln_st_account b;
    assert_int_equal(ln_store_get_account(t.st, "ACC-1", &b), 0);
    assert_string_equal(b.name, "kept");
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
