/*
 * test_cost.c - billed, delivered and the cost to serve through
 * ln_sim_run, on the equatorial ring of test_handover.c, and the
 * scenario's refusals of hostile plan and cost members.
 *
 * Ring: 24 satellites at 550 km, inclination 0: every point of the
 * equator always has a satellite above 25 deg (test_handover.c), and a
 * terminal next to its gateway is served at every step.
 *
 * Demand made certain: duty 1 and local solar hour 20.5 to 20.75 (lon
 * -52.5 deg at 00:00-00:15 UTC), where the diurnal profile is 1.0
 * (meter.c: 1.00 at 20 h and 21 h): in use with probability 1, so each
 * served step carries peak_mbps = 10 Mbit/s x 15 s = 18,750,000 bytes.
 * The capacities (20 Mbit/s a satellite and a beam) are above what is
 * asked: nothing is congested.
 *
 * Three terminals of one account, 900 s (60 steps), month = 2,629,800 s:
 *  - A at (0, -52.5): served 60 steps, 1.125 GB, 1.125 x 2629800 / 900 =
 *    3287.25 GB a month;
 *  - B at (0, -52.45), in a deny zone from 00:05:07: served at t = 0 ..
 *    300 s, 21 steps, 0.39375 GB, 1150.5375 GB a month;
 *  - C at (0, -52.55), in a deny zone all run: served 0 steps, 0 GB.
 * Plan: included 2000 GB, $1/GB, hardware $1,200 over 1 year, $100 a
 * month: fees 3 x 1200 + 3 x 100 x 12 = $7,200 a year.
 *  - per terminal: 3287.25 - 2000 = 1287.25 GB a month beyond ->
 *    $15,447 a year; billed $22,647;
 *  - pooled: 4437.7875 GB of 6000: $0; billed $7,200.
 *  - delivered: 1.51875 GB; 81 of 180 terminal-steps served = 0.45;
 *    0.3375 terminal-hours; value 0.45 x billed.
 *
 * Cost to serve, terminal A alone: one satellite serves it at every
 * step, so 1 satellite in view; it uses 10 of 20 Mbit/s: 0.5 satellite.
 * Satellite ($1M + $50M / 50) / 5 y = $400,000 a year; antenna $100,000
 * / 10 y + $5,000 = $15,000; terminal $1,300 over 1 year ($100 above its
 * $1,200 price). By use 0.5 x 400,000 + 0.5 x 15,000 + 1,300 =
 * $208,800; in view 400,000 + 15,000 + 1,300 = $416,300; compared with
 * a public figure of $1,000,000: 0.2088.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "leonet/sim.h"
#include "sim_test.h"

static double num(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    if (!v || !json_is_number(v))
        fail_msg("no number '%s'", k);
    return json_number_value(v);
}

static void near(double a, double b, double tol)
{
    if (!(fabs(a - b) <= tol))
        fail_msg("%.9g is not %.9g (+- %g)", a, b, tol);
}

/* A deny zone: a square of 0.02 deg around (0, lon), as GeoJSON in dir;
 * its absolute path in out. */
static void zone_file(const char *dir, const char *name, double lon,
                      char *out, size_t n)
{
    char cwd[400];
    assert_non_null(getcwd(cwd, sizeof cwd));
    mkdir(dir, 0755);
    snprintf(out, n, "%s/%s/%s.geojson", cwd, dir, name);
    FILE *f = fopen(out, "w");
    assert_non_null(f);
    fprintf(f,
            "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":"
            "\"Feature\",\"properties\":{},\"geometry\":{\"type\":"
            "\"Polygon\",\"coordinates\":[[[%.2f,-0.01],[%.2f,-0.01],"
            "[%.2f,0.01],[%.2f,0.01],[%.2f,-0.01]]]}}]}",
            lon - 0.01, lon + 0.01, lon + 0.01, lon - 0.01, lon - 0.01);
    fclose(f);
}

#define RING                                                              \
    "\"start\":\"2022-10-09T00:00:00Z\",\"duration_s\":900,\"step_s\":15," \
    "\"constellation\":{\"shells\":[{\"alt_km\":550,\"incl_deg\":0,"      \
    "\"planes\":1,\"per_plane\":24,\"phasing\":0,\"raan0_deg\":0}]},"     \
    "\"link\":{\"sat_capacity_gbps\":0.02,\"beam_capacity_gbps\":0.02},"   \
    "\"gateways\":[{\"name\":\"gw\",\"lat\":0,\"lon\":-52.5,"              \
    "\"antennas\":4}],"

#define UNIT(lon)                                                        \
    "{\"kind\":\"mobile\",\"count\":1,\"account\":\"a\",\"spread_km\":0," \
    "\"tracks\":[{\"waypoints\":[{\"lat\":0,\"lon\":" lon ",\"t_s\":0}]}]}"

static json_t *run_three(const char *overage, const char *dir)
{
    char zb[512], zc[512], text[4096];
    zone_file(dir, "b", -52.45, zb, sizeof zb);
    zone_file(dir, "c", -52.55, zc, sizeof zc);
    snprintf(text, sizeof text,
             "{\"name\":\"three\"," RING
             "\"zones\":[{\"file\":\"%s\",\"id\":\"zb\","
             "\"valid_from\":\"2022-10-09T00:05:07Z\"},"
             "{\"file\":\"%s\",\"id\":\"zc\"}],"
             "\"plans\":[{\"id\":\"p\",\"hardware_usd\":1200,"
             "\"amortize_years\":1,\"monthly_usd\":100,\"included_gb\":2000,"
             "\"usd_per_gb\":1,\"overage\":\"%s\",\"peak_mbps\":10,"
             "\"duty\":1}],"
             "\"accounts\":[{\"id\":\"a\",\"plan\":\"p\"}],"
             "\"terminals\":[" UNIT("-52.5") "," UNIT("-52.45") ","
             UNIT("-52.55") "]}",
             zb, zc, overage);
    return sim_run_text(text, 2, dir);
}

static void test_three_terminals(void **state)
{
    (void)state;
    json_t *s = run_three("per_terminal", "sim-cost-pt");
    json_t *a = json_object_get(json_object_get(s, "accounts"), "a");
    assert_non_null(a);
    assert_int_equal((int)num(a, "terminal_steps"), 180);
    near(num(a, "availability"), 0.45, 1e-6);
    near(num(a, "delivered_gb"), 1.51875, 1e-6);
    assert_string_equal(json_string_value(json_object_get(a, "overage")),
                        "per_terminal");
    near(num(json_object_get(a, "annual_cost_parts_usd"), "traffic"), 15447,
         1e-6);
    near(num(a, "billed_usd_per_year"), 22647, 1e-6);
    near(num(a, "annual_cost_usd"), 22647, 1e-6);
    json_t *d = json_object_get(a, "delivered");
    near(num(d, "gb"), 1.51875, 1e-6);
    near(num(d, "served_terminal_hours"), 0.3375, 1e-6);
    near(num(d, "served_share"), 0.45, 1e-6);
    near(num(d, "value_usd_per_year"), 0.45 * 22647, 1e-3);
    json_decref(s);

    s = run_three("pooled", "sim-cost-po");
    a = json_object_get(json_object_get(s, "accounts"), "a");
    assert_string_equal(json_string_value(json_object_get(a, "overage")),
                        "pooled");
    near(num(json_object_get(a, "annual_cost_parts_usd"), "traffic"), 0, 0);
    near(num(a, "billed_usd_per_year"), 7200, 1e-6);
    near(num(json_object_get(a, "delivered"), "value_usd_per_year"),
         0.45 * 7200, 1e-3);
    json_decref(s);
}

static void test_cost_to_serve_one_terminal(void **state)
{
    (void)state;
    const char *text =
        "{\"name\":\"one\"," RING
        "\"plans\":[{\"id\":\"p\",\"hardware_usd\":1200,"
        "\"amortize_years\":1,\"monthly_usd\":100,\"peak_mbps\":10,"
        "\"duty\":1}],"
        "\"accounts\":[{\"id\":\"a\",\"plan\":\"p\"}],"
        "\"terminals\":[" UNIT("-52.5") "],"
        "\"compare\":{\"annual_cost_usd\":1000000},"
        "\"cost_to_serve\":{\"sat_build_usd\":1000000,"
        "\"launch_usd\":50000000,\"sats_per_launch\":50,"
        "\"sat_life_years\":5,\"gw_antenna_capex_usd\":100000,"
        "\"gw_antenna_life_years\":10,"
        "\"gw_antenna_opex_usd_per_year\":5000,"
        "\"terminal_cost_usd\":1300,\"source\":{\"sat_build_usd\":\"test\"}}}";
    json_t *s = sim_run_text(text, 1, "sim-cost-one");
    json_t *a = json_object_get(json_object_get(s, "accounts"), "a");
    near(num(a, "availability"), 1.0, 0);
    json_t *c = json_object_get(a, "cost_to_serve");
    assert_non_null(c);
    near(num(c, "satellites_used"), 0.5, 1e-6);
    near(num(c, "satellites_in_view"), 1.0, 1e-6);
    near(num(c, "satellites_usd_per_year"), 200000, 1e-3);
    near(num(c, "gateways_usd_per_year"), 7500, 1e-3);
    near(num(c, "terminals_usd_per_year"), 1300, 1e-6);
    near(num(c, "terminal_subsidy_usd_per_year"), 100, 1e-6);
    near(num(c, "total_usd_per_year"), 208800, 1e-3);
    near(num(c, "total_in_view_usd_per_year"), 416300, 1e-3);
    near(num(c, "ratio_to_public_figure"), 0.2088, 1e-6);
    json_t *t = json_object_get(s, "cost_to_serve");
    assert_non_null(t);
    near(num(t, "serving_satellites_mean"), 1.0, 0);
    near(num(t, "total_usd_per_year"), 208800, 1e-3);
    /* price: 1200 + 1200 a year, no overage (none included: 1e12 GB) */
    near(num(t, "price_usd_per_year"), 2400, 1e-6);
    json_decref(s);
}

/* ---- hostile members ----------------------------------------------------- */

#define BASE_HEAD                                                          \
    "{\"name\":\"h\",\"start\":\"2022-10-09T00:00:00Z\",\"duration_s\":60," \
    "\"constellation\":{\"shells\":[{\"alt_km\":550,\"incl_deg\":0,"      \
    "\"planes\":1,\"per_plane\":24}]},"                                 \
    "\"gateways\":[{\"name\":\"g\",\"lat\":0,\"lon\":0}],"                 \
    "\"plans\":[{\"id\":\"p\",\"hardware_usd\":1,\"monthly_usd\":1,"       \
    "\"peak_mbps\":1%s}],\"accounts\":[{\"id\":\"a\",\"plan\":\"p\"}],"    \
    "\"terminals\":[{\"kind\":\"mobile\",\"count\":1,\"account\":\"a\","   \
    "\"tracks\":[{\"waypoints\":[{\"lat\":50,\"lon\":30,\"t_s\":0}]}]}]%s}"

static void test_hostile(void **state)
{
    (void)state;
    static const struct {
        const char *plan, *root, *path, *msg;
    } c[] = {
        {",\"overage\":\"sometimes\"", "", "plans[0].overage",
         "per_terminal or pooled"},
        {",\"overage\":1", "", "plans[0].overage", "expected a string"},
        {",\"overage\":\"\"", "", "plans[0].overage", "not an overage"},
        {",\"overage\":\"POOLED\"", "", "plans[0].overage", "not an overage"},
        {"", ",\"cost_to_serve\":[]", "cost_to_serve", "expected an object"},
        {"", ",\"cost_to_serve\":{\"sat_life_years\":0}",
         "cost_to_serve.sat_life_years", "out of range"},
        {"", ",\"cost_to_serve\":{\"sats_per_launch\":0.5}",
         "cost_to_serve.sats_per_launch", "out of range"},
        {"", ",\"cost_to_serve\":{\"launch_usd\":-1}",
         "cost_to_serve.launch_usd", "out of range"},
        {"", ",\"cost_to_serve\":{\"sat_build_usd\":1e300}",
         "cost_to_serve.sat_build_usd", "out of range"},
        {"", ",\"cost_to_serve\":{\"gw_antenna_life_years\":1000}",
         "cost_to_serve.gw_antenna_life_years", "out of range"},
        {"", ",\"cost_to_serve\":{\"gw_antenna_opex_usd_per_year\":\"5\"}",
         "cost_to_serve.gw_antenna_opex_usd_per_year", "expected a number"},
        {"", ",\"cost_to_serve\":{\"terminal_cost_usd\":-0.01}",
         "cost_to_serve.terminal_cost_usd", "out of range"},
        {"", ",\"cost_to_serve\":{\"gw_antenna_capex_usd\":true}",
         "cost_to_serve.gw_antenna_capex_usd", "expected a number"},
        {"", ",\"cost_to_serve\":{\"bogus\":1}", "cost_to_serve.bogus",
         "unknown member"},
        {"", ",\"cost_to_serve\":{\"source\":{\"launch_usd\":62}}",
         "cost_to_serve.source.launch_usd", "expected a string"},
        {"", ",\"cost_to_serve\":{\"source\":3}", "cost_to_serve.source",
         "expected a string"},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        char text[2048];
        snprintf(text, sizeof text, BASE_HEAD, c[i].plan, c[i].root);
        ln_scenario *sc = NULL;
        ln_diag d;
        memset(&d, 0, sizeof d);
        int rc = ln_scenario_parse(text, strlen(text), NULL, &sc, &d);
        if (rc == 0 || strcmp(d.path, c[i].path) != 0 ||
            !strstr(d.msg, c[i].msg))
            fail_msg("case %zu: rc %d path '%s' msg '%s'", i, rc, d.path,
                     d.msg);
        assert_null(sc);
    }
    /* and the accepted forms, with their defaults */
    char text[2048];
    snprintf(text, sizeof text, BASE_HEAD, ",\"overage\":\"pooled\"",
             ",\"cost_to_serve\":{\"launch_usd\":0,\"source\":\"x\"}");
    ln_scenario *sc = NULL;
    ln_diag d;
    int rc = ln_scenario_parse(text, strlen(text), NULL, &sc, &d);
    if (rc)
        fail_msg("%s: %s", d.path, d.msg);
    assert_int_equal(sc->plans[0].overage, LN_OVERAGE_POOLED);
    assert_true(sc->cts.launch_usd == 0);
    assert_true(sc->cts.sat_build_usd == 200e3);
    assert_true(sc->cts.sat_life_years == 5);
    ln_scenario_free(sc);
    snprintf(text, sizeof text, BASE_HEAD, "", "");
    assert_int_equal(ln_scenario_parse(text, strlen(text), NULL, &sc, &d), 0);
    assert_int_equal(sc->plans[0].overage, LN_OVERAGE_PER_TERMINAL);
    assert_true(sc->cts.terminal_cost_usd == 1300);
    ln_scenario_free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_three_terminals),
        cmocka_unit_test(test_cost_to_serve_one_terminal),
        cmocka_unit_test(test_hostile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
