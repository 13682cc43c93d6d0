/*
 * srv_fix.h - the in-process daemon the cmocka tests of tests/server
 * start from (no socket): a temporary folder, a store in it holding plan
 * "basic" and account "acc", and, by srv_fix_start, the daemon's state
 * over it. Each test adds its own terminals and tokens in between.
 */
#ifndef LN_TESTS_SRV_FIX_H
#define LN_TESTS_SRV_FIX_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/srv_int.h"

typedef struct srv_fix {
    char dir[256];
    ln_store *st;
    srv *s;
} srv_fix;

/* The folder and the store with plan "basic" and account "acc". */
static inline void srv_fix_open(srv_fix *f)
{
    snprintf(f->dir, sizeof f->dir, "/tmp/ln_srv_XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    char path[300];
    snprintf(path, sizeof path, "%s/d.db", f->dir);
    ln_diag d;
    assert_int_equal(ln_store_open(path, &f->st, &d), 0);
    ln_plan p;
    memset(&p, 0, sizeof p);
    strcpy(p.id, "basic");
    p.amortize_years = 1;
    assert_int_equal(ln_store_put_plan(f->st, &p), 0);
    ln_st_account a;
    memset(&a, 0, sizeof a);
    strcpy(a.id, "acc");
    strcpy(a.plan, "basic");
    assert_int_equal(ln_store_put_account(f->st, &a), 0);
}

/* The daemon's state over the store, with cfg (the access log off). */
static inline void srv_fix_start(srv_fix *f, ln_server_config *cfg)
{
    ln_diag d;
    cfg->access_log = 0;
    assert_int_equal(srv_new(f->st, cfg, &f->s, &d), 0);
}

static inline void srv_fix_close(srv_fix *f)
{
    char cmd[300];
    srv_free(f->s);
    ln_store_close(f->st);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    assert_int_equal(system(cmd), 0);
}

#endif
