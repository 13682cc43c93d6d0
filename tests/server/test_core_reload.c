/*
 * test_core_reload.c - zone and account changes take effect for the next
 * decision, while other threads decide (srv_reload_zones /
 * srv_reload_accounts swap the tables under the readers; the ASan build
 * catches a reader left with freed tables). Expected answers are the
 * rules: inside a deny zone 89, a suspended account 95, else allowed; a
 * cell zone (kind 1) holds the point of its own cell.
 */
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "leonet/cell.h"
#include "server/srv_int.h"
#include "srv_fix.h"

#define SQUARE                                                           \
    "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":"    \
    "\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}}"

typedef struct fix {
    srv_fix x; /* first: srv_fix_* take it */
    volatile int stop;
    long decided;
} fix;

static int setup(void **state)
{
    fix *f = calloc(1, sizeof *f);
    srv_fix_open(&f->x);
    ln_st_terminal t;
    memset(&t, 0, sizeof t);
    strcpy(t.id, "UT1");
    strcpy(t.account, "acc");
    t.seq = -1;
    assert_int_equal(ln_store_put_terminal(f->x.st, &t), 0);
    ln_server_config c;
    ln_server_config_init(&c);
    srv_fix_start(&f->x, &c);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fix *f = *state;
    srv_fix_close(&f->x);
    free(f);
    return 0;
}

static void *decider(void *arg)
{
    fix *f = arg;
    srv_decision d;
    while (!f->stop) {
        assert_int_equal(srv_decide(f->x.s, "UT1", 0.5, 0.5, 0, &d), 0);
        /* whatever the moment, an answer of the rules */
        assert_true(d.d.allowed ? d.alert == 0
                                : (d.alert == 89 || d.alert == 95));
        if (d.alert == 89)
            assert_string_equal(d.zone_id, "sq");
        __atomic_fetch_add(&f->decided, 1, __ATOMIC_RELAXED);
    }
    return NULL;
}

static void put_zone(fix *f, const char *id, int kind, const char *body,
                     int deleted)
{
    ln_st_zone z;
    memset(&z, 0, sizeof z);
    snprintf(z.id, sizeof z.id, "%s", id);
    z.kind = kind;
    z.action = LN_ZONE_DENY;
    z.deleted = deleted;
    z.valid_from_unix_s = -INFINITY;
    z.valid_until_unix_s = INFINITY;
    z.body = (char *)body;
    z.body_len = strlen(body);
    int64_t v;
    assert_int_equal(ln_store_put_zones(f->x.st, &z, 1, &v), 0);
    assert_int_equal(srv_reload_zones(f->x.s), 0);
}

static void set_suspended(fix *f, int on)
{
    ln_st_account a;
    assert_int_equal(ln_store_get_account(f->x.st, "acc", &a), 0);
    a.suspended = on;
    assert_int_equal(ln_store_put_account(f->x.st, &a), 0);
    assert_int_equal(srv_reload_accounts(f->x.s), 0);
}

static int alert_at(fix *f, double lat, double lon)
{
    srv_decision d;
    assert_int_equal(srv_decide(f->x.s, "UT1", lat, lon, 0, &d), 0);
    return d.alert;
}

static void test_reload(void **state)
{
    fix *f = *state;
    pthread_t th[2];
    assert_int_equal(alert_at(f, 0.5, 0.5), 0);
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&th[i], NULL, decider, f), 0);
    for (int round = 0; round < 10; round++) {
        put_zone(f, "sq", 0, SQUARE, 0);
        assert_int_equal(alert_at(f, 0.5, 0.5), 89);
        assert_int_equal(alert_at(f, 2.5, 2.5), 0);
        set_suspended(f, 1);
        assert_int_equal(alert_at(f, 2.5, 2.5), 95);
        assert_int_equal(alert_at(f, 0.5, 0.5), 95); /* suspension first */
        set_suspended(f, 0);
        put_zone(f, "sq", 0, SQUARE, 1); /* deleted */
        assert_int_equal(alert_at(f, 0.5, 0.5), 0);
    }
    f->stop = 1;
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    assert_true(f->decided > 0);
    /* a cell zone: the point's own resolution-5 cell */
    ln_cell c;
    char id[32], body[64];
    assert_int_equal(ln_cell_from_latlon_deg(48.0, 37.8, 5, &c), 0);
    snprintf(body, sizeof body, "# test\n%s\n",
             ln_cell_to_string(c, id, sizeof id));
    put_zone(f, "cells", 1, body, 0);
    assert_int_equal(alert_at(f, 48.0, 37.8), 89);
    assert_int_equal(alert_at(f, 50.45, 30.52), 0);
    /* an unknown terminal */
    srv_decision d;
    assert_int_equal(srv_decide(f->x.s, "UT2", 1, 1, 0, &d), LN_ENOTFOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_reload, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
