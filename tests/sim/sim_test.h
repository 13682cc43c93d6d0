/*
 * sim_test.h - shared by the engine tests: run a scenario (given as JSON
 * text or parsed) into a directory, compare two runs' outputs, and the
 * ECEF positions of a hand-built shell for the geometry checks.
 */
#ifndef LN_SIM_TEST_H
#define LN_SIM_TEST_H

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leonet/geodesy.h"
#include "leonet/orbit.h"
#include "leonet/sim.h"
#include "test_util.h"

/* The number at j.a (.b (.c)) (b, c may be NULL); fails the test when it
 * is missing or not a number. */
static inline double sim_num(json_t *j, const char *a, const char *b,
                             const char *c)
{
    json_t *x = json_object_get(j, a);
    if (b)
        x = json_object_get(x, b);
    if (c)
        x = json_object_get(x, c);
    assert_non_null(x);
    assert_true(json_is_number(x));
    return json_number_value(x);
}

/* Runs sc on `threads` threads into dir (outputs written) and frees it;
 * max_terminals / duration_s > 0 scale the run down (ln_sim_options);
 * st (may be NULL) gets the run's stats. Fails the test on any error,
 * printing the diagnostic. */
static inline void sim_run_scenario(ln_scenario *sc, int threads,
                                    const char *dir, long max_terminals,
                                    double duration_s, ln_sim_stats *st)
{
    ln_diag d;
    ln_sim_options o = {0};
    o.nthreads = threads;
    o.out_dir = dir;
    o.quiet = 1;
    o.write_outputs = 1;
    o.max_terminals = max_terminals;
    o.duration_s = duration_s;
    int rc = ln_sim_run(sc, &o, st, &d);
    if (rc)
        print_error("%s\n", d.msg);
    assert_int_equal(rc, 0);
    ln_scenario_free(sc);
}

/* Asserts that two runs wrote the same summary.json, events.csv,
 * usage.csv and activity.geojson, byte for byte. */
static inline void sim_assert_same_outputs(const char *dir_a,
                                           const char *dir_b)
{
    const char *files[] = {"summary.json", "events.csv", "usage.csv",
                           "activity.geojson"};
    for (int k = 0; k < 4; k++) {
        char a[256], b[256];
        snprintf(a, sizeof a, "%s/%s", dir_a, files[k]);
        snprintf(b, sizeof b, "%s/%s", dir_b, files[k]);
        char *x = slurp(a), *y = slurp(b);
        assert_non_null(x);
        assert_non_null(y);
        assert_string_equal(x, y);
        ln_free(x);
        ln_free(y);
    }
}

/* r[s] = ECEF position (km) at t_unix of satellite s of the n of shell
 * sh, by ln_orbit (catalogue numbers from 90001). */
static inline void sim_shell_ecef(const ln_shell *sh, double t_unix,
                                  size_t n, double (*r)[3])
{
    ln_elset *els;
    size_t got;
    assert_int_equal(ln_shells_to_elsets(sh, 1, t_unix, 90001, &els, &got),
                     0);
    assert_int_equal(got, n);
    ln_orbit *o;
    assert_int_equal(ln_orbit_new(els, n, &o), 0);
    double *buf = malloc(6 * n * sizeof *buf);
    int *err = malloc(n * sizeof *err);
    assert_non_null(buf);
    assert_non_null(err);
    ln_pv_soa pv = {buf,         buf + n,     buf + 2 * n,
                    buf + 3 * n, buf + 4 * n, buf + 5 * n, err};
    assert_int_equal(ln_orbit_propagate(o, t_unix, &pv, 1), 0);
    ln_teme_to_ecef_soa(t_unix, &pv, n);
    for (size_t s = 0; s < n; s++) {
        r[s][0] = pv.x[s];
        r[s][1] = pv.y[s];
        r[s][2] = pv.z[s];
    }
    free(buf);
    free(err);
    ln_orbit_free(o);
    ln_free(els);
}

/* Elevation (deg) of the ECEF point sat seen from g. */
static inline double sim_elev_deg(const ln_geodetic *g, const double *sat)
{
    ln_site s;
    ln_site_prepare(g, &s);
    return asin(ln_site_sin_elevation(&s, sat)) * LN_RAD2DEG;
}

/* Parses text, runs it on `threads` threads into dir (outputs written),
 * returns the parsed summary.json (json_decref it); fails the test on
 * any error, printing the diagnostic. */
static inline json_t *sim_run_text(const char *text, int threads,
                                   const char *dir)
{
    ln_scenario *sc;
    ln_diag d;
    int rc = ln_scenario_parse(text, strlen(text), NULL, &sc, &d);
    if (rc)
        print_error("%s: %s\n", d.path, d.msg);
    assert_int_equal(rc, 0);
    sim_run_scenario(sc, threads, dir, 0, 0, NULL);
    char p[512];
    snprintf(p, sizeof p, "%s/summary.json", dir);
    json_error_t je;
    json_t *j = json_load_file(p, 0, &je);
    if (!j)
        print_error("%s: %s\n", p, je.text);
    assert_non_null(j);
    return j;
}

#endif
