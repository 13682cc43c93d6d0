/*
 * test_isl.c - the engine's laser mesh (scenario link.isl), checked by
 * hand on one plane of 24 satellites (550 km, 60 deg, +Grid ring):
 * a terminal right under satellite 0 and a gateway right under satellite
 * 3 (45 deg further along the orbit). Neighbours 15 deg apart are at about
 * 10 deg elevation, below the 25 deg masks, so satellite 0 sees no
 * gateway and only satellite 3 does.
 *   - isl off: the terminal's step is an outage "no-gateway";
 *   - isl on: it is served over 0 -> 1 -> 2 -> 3 (3 ISL hops) and down,
 *     with RTT = 2 (|T - r0| + |r1 - r0| + |r2 - r1| + |r3 - r2| +
 *     |G - r3|) / c, the lengths summed here from the positions;
 *   - the same shell given as a TLE file: the ISLs are rebuilt from the
 *     orbits (RAAN and argument of latitude) and the path is the same.
 * Positions come from ln_orbit (checked against python-sgp4 in the orbit
 * tests); the geometry checks (elevations) are asserted here too.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "leonet/geodesy.h"
#include "leonet/orbit.h"
#include "leonet/sim.h"
#include "sim_test.h"

#define START_ISO "2022-10-09T00:00:00Z"
#define START_UNIX 1665273600.0 /* 2022-10-09T00:00:00Z */

static double r[24][3];           /* ECEF km at the start */
static ln_geodetic sub0, sub3;    /* sub-satellite points of 0 and 3 */

static double dist(const double *a, const double *b)
{
    double d0 = a[0] - b[0], d1 = a[1] - b[1], d2 = a[2] - b[2];
    return sqrt(d0 * d0 + d1 * d1 + d2 * d2);
}

static const ln_shell shell = {550.0, 60.0 * LN_DEG2RAD, 1, 24, 0, 0.0};

static void positions(void)
{
    sim_shell_ecef(&shell, START_UNIX, 24, r);
    ln_ecef_to_geodetic(r[0], &sub0);
    ln_ecef_to_geodetic(r[3], &sub3);
    sub0.h_km = sub3.h_km = 0;
}

/* Writes the element sets of a shell as a TLE file. */
static void write_tle(const ln_shell *sh, const char *path)
{
    ln_elset *els;
    size_t n;
    assert_int_equal(ln_shells_to_elsets(sh, 1, START_UNIX, 90001, &els, &n),
                     0);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    for (size_t s = 0; s < n; s++) {
        char l1[80], l2[80];
        assert_int_equal(ln_tle_format(&els[s], l1, l2), 0);
        fprintf(f, "%s\n%s\n%s\n", els[s].name, l1, l2);
    }
    fclose(f);
    ln_free(els);
}

/* Runs one 15 s step; returns the summary (json_decref it). */
static json_t *run(int isl, int tle, const char *dir)
{
    char text[4096];
    char cons[1200], cwd[1024];
    if (tle) {
        assert_non_null(getcwd(cwd, sizeof cwd));
        /* not a Gen1 shell: "all" keeps its satellites in service */
        snprintf(cons, sizeof cons, "{\"tle\":\"%s/isl-shell.tle\","
                 "\"in_service\":\"all\"}", cwd);
    } else
        snprintf(cons, sizeof cons,
                 "{\"shells\":[{\"alt_km\":550,\"incl_deg\":60,\"planes\":1,"
                 "\"per_plane\":24,\"phasing\":0,\"raan0_deg\":0}]}");
    snprintf(text, sizeof text,
             "{\"name\":\"isl\",\"start\":\"" START_ISO "\","
             "\"duration_s\":15,\"step_s\":15,\"constellation\":%s,"
             "\"link\":{\"isl\":%s},"
             "\"gateways\":[{\"name\":\"G\",\"lat\":%.12f,\"lon\":%.12f,"
             "\"antennas\":4}],"
             "\"plans\":[{\"id\":\"p\",\"hardware_usd\":1,\"monthly_usd\":1,"
             "\"peak_mbps\":1}],\"accounts\":[{\"id\":\"a\",\"plan\":\"p\"}],"
             "\"terminals\":[{\"kind\":\"mobile\",\"count\":1,"
             "\"account\":\"a\",\"spread_km\":0,\"tracks\":[{\"waypoints\":["
             "{\"lat\":%.12f,\"lon\":%.12f,\"t_s\":0}]}]}]}",
             cons, isl ? "true" : "false", sub3.lat_rad * LN_RAD2DEG,
             sub3.lon_rad * LN_RAD2DEG, sub0.lat_rad * LN_RAD2DEG,
             sub0.lon_rad * LN_RAD2DEG);
    return sim_run_text(text, 2, dir);
}

static void test_geometry(void **state)
{
    (void)state;
    positions();
    /* terminal: satellite 0 at the zenith, 1 and 23 below the mask */
    assert_true(sim_elev_deg(&sub0, r[0]) > 89.99);
    assert_true(sim_elev_deg(&sub0, r[1]) < 25 &&
                sim_elev_deg(&sub0, r[23]) < 25);
    /* gateway: only satellite 3 above its mask */
    for (int s = 0; s < 24; s++)
        if (s != 3)
            assert_true(sim_elev_deg(&sub3, r[s]) < 25);
    assert_true(sim_elev_deg(&sub3, r[3]) > 89.99);
    /* ISLs along the ring are short enough (< 5016 km) */
    assert_true(dist(r[0], r[1]) < 2000);
}

static void test_isl_off_no_gateway(void **state)
{
    (void)state;
    json_t *j = run(0, 0, "isl-out-off");
    assert_float_equal(sim_num(j, "total", "availability", NULL), 0, 1e-12);
    assert_float_equal(sim_num(j, "total", "coverage", NULL), 1, 1e-12);
    assert_float_equal(sim_num(j, "total", "outage_minutes", "no-gateway"),
                       0.25, 1e-9);
    json_decref(j);
    /* and the event names the reason */
    FILE *f = fopen("isl-out-off/events.csv", "r");
    assert_non_null(f);
    char line[512];
    int found = 0;
    while (fgets(line, sizeof line, f))
        found |= strstr(line, ",lost,no-gateway,") != NULL;
    fclose(f);
    assert_true(found);
}

static void check_served_over_3_hops(json_t *j)
{
    ln_geodetic t = sub0, g = sub3;
    double T[3], G[3];
    ln_geodetic_to_ecef(&t, T);
    ln_geodetic_to_ecef(&g, G);
    double km = dist(T, r[0]) + dist(r[0], r[1]) + dist(r[1], r[2]) +
                dist(r[2], r[3]) + dist(r[3], G);
    double rtt = 2 * km / LN_C_KM_S * 1e3;
    assert_float_equal(sim_num(j, "total", "availability", NULL), 1, 1e-12);
    assert_float_equal(sim_num(j, "total", "via_isl", "served_share"), 1,
                       1e-12);
    assert_float_equal(sim_num(j, "total", "via_isl", "hops_mean"), 3, 1e-12);
    /* the histogram has 0.1 ms bins and reports the bin centre */
    double p50 = sim_num(j, "total", "rtt_to_gateway_ms", "p50");
    print_message("RTT by hand %.4f ms, engine bin centre %.2f ms\n", rtt,
                  p50);
    assert_true(fabs(p50 - rtt) <= 0.05 + 1e-9);
    /* the other way round the ring (21 hops) would be far longer */
    assert_true(rtt < 50);
}

static void test_isl_on_three_hops(void **state)
{
    (void)state;
    json_t *j = run(1, 0, "isl-out-on");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(j, "run"),
                                          "isl_rule")),
        "plus-grid");
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(j, "run"), "isls")),
                     24);
    check_served_over_3_hops(j);
    json_decref(j);
}

static void test_isl_on_rebuilt_from_tle(void **state)
{
    (void)state;
    write_tle(&shell, "isl-shell.tle");
    json_t *j = run(1, 1, "isl-out-tle");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(j, "run"),
                                          "isl_rule")),
        "plus-grid-from-orbits");
    /* one plane of 24: the rebuilt rule gives the same ring */
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(j, "run"), "isls")),
                     24);
    check_served_over_3_hops(j);
    json_decref(j);
}

/* A Walker shell of 6 planes x 12 (phasing 1: 5 deg between neighbours
 * of adjacent planes, slots 30 deg apart): rebuilt from its TLEs, the
 * rule must find the same 6 x 12 x 2 = 144 links as +Grid. */
static void test_rebuilt_equals_plus_grid(void **state)
{
    (void)state;
    const ln_shell w = {550.0, 53.2 * LN_DEG2RAD, 6, 12, 1, 0.0};
    write_tle(&w, "isl-walker.tle");
    char cwd[1024], text[2048];
    assert_non_null(getcwd(cwd, sizeof cwd));
    const char *variants[2] = {
        "{\"shells\":[{\"alt_km\":550,\"incl_deg\":53.2,\"planes\":6,"
        "\"per_plane\":12,\"phasing\":1,\"raan0_deg\":0}]}",
        NULL};
    char tle[1200];
    snprintf(tle, sizeof tle, "{\"tle\":\"%s/isl-walker.tle\","
             "\"in_service\":\"all\"}", cwd);
    variants[1] = tle;
    for (int v = 0; v < 2; v++) {
        snprintf(text, sizeof text,
                 "{\"name\":\"w\",\"start\":\"" START_ISO "\","
                 "\"duration_s\":15,\"constellation\":%s,"
                 "\"link\":{\"isl\":true},"
                 "\"gateways\":[{\"name\":\"G\",\"lat\":50,\"lon\":20,"
                 "\"antennas\":4}],"
                 "\"plans\":[{\"id\":\"p\",\"hardware_usd\":1,"
                 "\"monthly_usd\":1,\"peak_mbps\":1}],"
                 "\"accounts\":[{\"id\":\"a\",\"plan\":\"p\"}],"
                 "\"terminals\":[{\"kind\":\"mobile\",\"count\":1,"
                 "\"account\":\"a\",\"tracks\":[{\"waypoints\":["
                 "{\"lat\":45,\"lon\":30,\"t_s\":0}]}]}]}",
                 variants[v]);
        json_t *j = sim_run_text(text, 1, "isl-out-walker");
        json_t *run = json_object_get(j, "run");
        assert_string_equal(json_string_value(json_object_get(run,
                                                              "isl_rule")),
                            v ? "plus-grid-from-orbits" : "plus-grid");
        assert_int_equal(json_integer_value(json_object_get(run, "isls")),
                         144);
        json_decref(j);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_geometry),
        cmocka_unit_test(test_isl_off_no_gateway),
        cmocka_unit_test(test_isl_on_three_hops),
        cmocka_unit_test(test_isl_on_rebuilt_from_tle),
        cmocka_unit_test(test_rebuilt_equals_plus_grid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
