/*
 * store_test.h - helpers of the store's tests: a fresh database under a
 * mkdtemp folder, reports made by hand, and the plain sqlite3 API to
 * read the file behind the store's back.
 */
#ifndef LN_STORE_TEST_H
#define LN_STORE_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "leonet/store.h"
#include "leonet/zone.h"
#include "leonet/policy.h"
#include "leonet/link.h"

typedef struct tdb {
    char dir[256];
    char path[300];
    ln_store *st;
} tdb;

static inline void tdb_open(tdb *t)
{
    snprintf(t->dir, sizeof t->dir, "/tmp/ln_store_XXXXXX");
    assert_non_null(mkdtemp(t->dir));
    snprintf(t->path, sizeof t->path, "%s/leonetd.db", t->dir);
    ln_diag d;
    int rc = ln_store_open(t->path, &t->st, &d);
    if (rc)
        fprintf(stderr, "open: %s\n", d.msg);
    assert_int_equal(rc, 0);
}

static inline void tdb_close(tdb *t)
{
    char cmd[400];
    ln_store_close(t->st);
    t->st = NULL;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", t->dir);
    assert_int_equal(system(cmd), 0);
}

/* A report of terminal term, sequence seq at t, of account acc. */
static inline ln_st_report rep(const char *term, const char *acc,
                               int64_t seq, double t, uint64_t billed)
{
    ln_st_report r;
    memset(&r, 0, sizeof r);
    snprintf(r.terminal, sizeof r.terminal, "%s", term);
    snprintf(r.account, sizeof r.account, "%s", acc);
    r.seq = seq;
    r.t_unix_s = t;
    r.lat_deg = 48.0 + (double)seq / 1000.0;
    r.lon_deg = 37.5;
    r.alt_m = 12.0;
    r.bytes_down = billed * 3 / 4;
    r.bytes_up = billed - billed * 3 / 4;
    r.latency_ms = 31.5;
    r.billed_bytes = billed;
    return r;
}

/* One integer from SQL run on the file directly (not through the store). */
static inline long long raw_int(const char *path, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
    long long v = -1;
    if (sqlite3_step(q) == SQLITE_ROW)
        v = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    sqlite3_close(db);
    return v;
}

/* Runs SQL on the file directly; asserts it works. */
static inline void raw_exec(const char *path, const char *sql)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    char *err = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &err);
    if (rc)
        fprintf(stderr, "%s: %s\n", sql, err);
    sqlite3_free(err);
    sqlite3_close(db);
    assert_int_equal(rc, SQLITE_OK);
}

#endif
