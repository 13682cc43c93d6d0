/*
 * test_observe.c - the step observer (ln_sim_options.observe) and the
 * fleet (ln_sim_fleet_new), which feed leonetd (leonet drive, leonetd
 * seed): over a short run of the built-in day (1 h, 300 terminals), the
 * observer's sums equal what the run wrote (summary.json's served
 * terminal-hours, terminal-steps per account and zone minutes, usage.csv's
 * delivered GB per account); every step is seen once, in order, at
 * start + k * step_s (worked by hand: 240 steps of 15 s from
 * 2022-10-09T00:00:00Z = 1665273600); the fleet is the run's terminals in
 * its order; an observer that fails stops the run and nothing is written.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <jansson.h>

#include "leonet/policy.h"
#include "leonet/sim.h"
#include "test_util.h"

#define NT 300
#define NSTEPS 240   /* 3600 s / 15 s */
#define T0 1665273600.0 /* 2022-10-09T00:00:00Z */

typedef struct sums {
    long steps_seen;
    long next_step;
    int bad_time;
    uint64_t served;            /* terminal-steps with status NONE */
    uint64_t zone_steps;        /* status ZONE */
    uint64_t acct_steps[8];
    uint64_t acct_bytes[8];
    int bytes_when_not_served;  /* a terminal not served with bytes */
    int deny_zone_bad;          /* ZONE without a zone, or one with */
    double lat0[NT], lon0[NT];  /* step 0's positions */
    int acct0[NT];
    long stop_at;               /* > 0: return LN_ENET at this step */
} sums;

static int observe(void *user, const ln_sim_step_view *v)
{
    sums *s = user;
    if (v->step != s->next_step || v->nsteps != NSTEPS || v->nt != NT)
        s->bad_time = 1;
    if (v->t_unix_s != T0 + 15.0 * (double)v->step || v->step_s != 15.0)
        s->bad_time = 1;
    s->next_step = v->step + 1;
    s->steps_seen++;
    for (size_t i = 0; i < v->nt; i++) {
        int a = v->account[i];
        assert_true(a >= 0 && a < 8);
        s->acct_steps[a]++;
        s->acct_bytes[a] += v->bytes[i];
        if (v->status[i] == LN_REASON_NONE)
            s->served++;
        else if (v->bytes[i])
            s->bytes_when_not_served = 1;
        if (v->status[i] == LN_REASON_ZONE) {
            s->zone_steps++;
            if (v->deny_zone[i] < 0 || v->allowed[i])
                s->deny_zone_bad = 1;
        } else if (v->deny_zone[i] >= 0) {
            s->deny_zone_bad = 1;
        }
        if (v->step == 0) {
            s->lat0[i] = v->lat_rad[i];
            s->lon0[i] = v->lon_rad[i];
            s->acct0[i] = a;
        }
    }
    if (s->stop_at > 0 && v->step == s->stop_at)
        return LN_ENET;
    return 0;
}

/* |a - b| <= tol (cmocka 1.1 has no assert_double_equal) */
static void near(double a, double b, double tol)
{
    if (!(a - b <= tol && b - a <= tol))
        print_error("%.9f != %.9f (tol %g)\n", a, b, tol);
    assert_true(a - b <= tol && b - a <= tol);
}

static ln_scenario *builtin(void)
{
    const char *text = ln_scenario_builtin("ukraine-2022");
    assert_non_null(text);
    ln_scenario *sc = NULL;
    ln_diag d;
    int rc = ln_scenario_parse(text, strlen(text), "built-in", &sc, &d);
    if (rc)
        print_error("%s\n", d.msg);
    assert_int_equal(rc, 0);
    return sc;
}

static void opts(ln_sim_options *o, const char *dir, sums *s)
{
    memset(o, 0, sizeof *o);
    o->nthreads = 2;
    o->out_dir = dir;
    o->quiet = 1;
    o->write_outputs = 1;
    o->max_terminals = NT;
    o->duration_s = 3600;
    o->observe = observe;
    o->observe_user = s;
}

/* usage.csv's delivered_gb of an account (the run's one day). */
static double usage_gb(const char *csv, const char *account)
{
    char key[80];
    snprintf(key, sizeof key, "2022-10-09,%s,", account);
    const char *p = strstr(csv, key);
    assert_non_null(p);
    /* day,account,plan,terminals,delivered_gb,cost_usd */
    for (int f = 0; f < 4; f++) {
        p = strchr(p, ',');
        assert_non_null(p);
        p++;
    }
    return strtod(p, NULL);
}

static void test_observer_totals(void **state)
{
    (void)state;
    char dir[] = "/tmp/ln-observe-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char out[128];
    snprintf(out, sizeof out, "%s/run", dir);
    ln_scenario *sc = builtin();
    sums *s = calloc(1, sizeof *s);
    assert_non_null(s);
    ln_sim_options o;
    opts(&o, out, s);
    ln_diag d;
    int rc = ln_sim_run(sc, &o, NULL, &d);
    if (rc)
        print_error("%s\n", d.msg);
    assert_int_equal(rc, 0);
    assert_int_equal(s->steps_seen, NSTEPS);
    assert_false(s->bad_time);
    assert_false(s->bytes_when_not_served);
    assert_false(s->deny_zone_bad);
    char p[256];
    snprintf(p, sizeof p, "%s/summary.json", out);
    json_error_t je;
    json_t *sum = json_load_file(p, 0, &je);
    assert_non_null(sum);
    json_t *total = json_object_get(sum, "total");
    /* served terminal-hours: served steps x 15 s */
    double hours = json_number_value(json_object_get(
        json_object_get(json_object_get(sum, "cost_to_serve"), "delivered"),
        "served_terminal_hours"));
    assert_true(s->served > 0);
    near(hours, (double)s->served * 15.0 / 3600.0, 1e-6);
    double zone_min = json_number_value(json_object_get(
        json_object_get(total, "outage_minutes"), "zone"));
    assert_true(s->zone_steps > 0); /* the built-in day has denials */
    near(zone_min, (double)s->zone_steps * 0.25, 1e-6);
    snprintf(p, sizeof p, "%s/usage.csv", out);
    char *csv = slurp(p);
    assert_non_null(csv);
    json_t *accts = json_object_get(sum, "accounts");
    for (size_t a = 0; a < sc->naccounts; a++) {
        const char *id = sc->accounts[a].id;
        json_t *ja = json_object_get(accts, id);
        assert_non_null(ja);
        assert_int_equal((uint64_t)json_integer_value(
                             json_object_get(ja, "terminal_steps")),
                         s->acct_steps[a]);
        /* usage.csv: GB (1e9 bytes) to 6 decimals */
        near(usage_gb(csv, id),
                            (double)s->acct_bytes[a] / 1e9, 5e-7);
    }
    ln_free(csv);
    json_decref(sum);
    /* the fleet: the run's terminals, in its order, at the start */
    ln_sim_fleet *f = NULL;
    o.observe = NULL;
    rc = ln_sim_fleet_new(sc, &o, &f, &d);
    assert_int_equal(rc, 0);
    assert_int_equal(f->n, NT);
    for (size_t i = 0; i < NT; i++) {
        assert_int_equal(f->account[i], s->acct0[i]);
        assert_int_equal(f->account[i], sc->groups[f->group[i]].account);
        assert_int_equal(f->kind[i], sc->groups[f->group[i]].kind);
        if (f->kind[i] == LN_TG_FIXED) { /* mobile ones moved at step 0? */
            assert_true(f->lat_rad[i] == s->lat0[i]);
            assert_true(f->lon_rad[i] == s->lon0[i]);
        }
    }
    ln_sim_fleet_free(f);
    ln_sim_fleet_free(NULL);
    free(s);
    ln_scenario_free(sc);
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* An observer that fails at step 10 stops the run with its code; the
 * output folder is not made. */
static void test_observer_stops(void **state)
{
    (void)state;
    char dir[] = "/tmp/ln-observe-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char out[128];
    snprintf(out, sizeof out, "%s/run", dir);
    ln_scenario *sc = builtin();
    sums *s = calloc(1, sizeof *s);
    assert_non_null(s);
    s->stop_at = 10;
    ln_sim_options o;
    opts(&o, out, s);
    ln_diag d;
    int rc = ln_sim_run(sc, &o, NULL, &d);
    assert_int_equal(rc, LN_ENET);
    assert_int_equal(s->steps_seen, 11);
    struct stat sb;
    char p[256];
    snprintf(p, sizeof p, "%s/summary.json", out);
    assert_int_not_equal(stat(p, &sb), 0);
    free(s);
    ln_scenario_free(sc);
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_observer_totals),
        cmocka_unit_test(test_observer_stops),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
