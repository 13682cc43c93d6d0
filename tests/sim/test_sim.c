/*
 * test_sim.c - the engine end to end: scenario validation errors (path and
 * line), determinism across thread counts, and a mobile terminal that
 * crosses into the 2022-08-31 occupied zone losing service with reason
 * zone:<id> and regaining it when it comes back out.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "leonet/sim.h"
#include "sim_test.h"

static void test_validation(void **state)
{
    (void)state;
    ln_scenario *sc;
    ln_diag d;
    const char *base = ln_scenario_builtin("ukraine-2022");
    assert_non_null(base);
    /* unknown member: named with its line */
    char *bad = malloc(strlen(base) + 64);
    const char *p = strstr(base, "\"step_s\"");
    assert_non_null(p);
    sprintf(bad, "%.*s\"stepp_s\": 1,\n  %s", (int)(p - base), base, p);
    assert_int_equal(ln_scenario_parse(bad, strlen(bad), "x.json", &sc, &d),
                     LN_ESCENARIO);
    assert_string_equal(d.path, "stepp_s");
    assert_true(d.line > 1);
    /* reference to a missing account */
    strcpy(bad, base);
    char *q = strstr(bad, "\"account\": \"civil\"");
    assert_non_null(q);
    memcpy(q, "\"account\": \"civiX\"", 18);
    assert_int_equal(ln_scenario_parse(bad, strlen(bad), "x.json", &sc, &d),
                     LN_ESCENARIO);
    assert_string_equal(d.path, "terminals[0].account");
    assert_true(d.line > 1 && d.col > 1);
    free(bad);
    /* bad JSON: line and column */
    const char *j = "{\n \"name\": ,\n}";
    assert_int_equal(ln_scenario_parse(j, strlen(j), "j.json", &sc, &d),
                     LN_ESCENARIO);
    assert_int_equal(d.line, 2);
    /* the built-in one is valid */
    assert_int_equal(ln_scenario_parse(base, strlen(base), NULL, &sc, &d), 0);
    ln_scenario_free(sc);
}

static void run_small(int threads, const char *dir)
{
    ln_scenario *sc;
    ln_diag d;
    const char *base = ln_scenario_builtin("ukraine-2022");
    assert_int_equal(ln_scenario_parse(base, strlen(base), NULL, &sc, &d), 0);
    ln_sim_stats st;
    sim_run_scenario(sc, threads, dir, 600, 1800, &st);
    assert_true(st.terminals >= 590 && st.terminals <= 610);
}

static void test_determinism(void **state)
{
    (void)state;
    run_small(1, "sim-out-1");
    run_small(2, "sim-out-2");
    sim_assert_same_outputs("sim-out-1", "sim-out-2");
}

/* One unit on the Sloviansk-Lyman road (in and out of the 2022-08-31
 * zone, by the zone file: Sloviansk outside, Lyman inside). */
static void test_zone_crossing(void **state)
{
    (void)state;
    const char *sc_text =
        "{\"name\":\"crossing\",\"start\":\"2022-10-09T00:00:00Z\","
        "\"duration_s\":21600,\"step_s\":60,"
        "\"constellation\":{\"tle\":\"tle/starlink_2022-10-09.tle\","
        "\"name_prefix\":\"STARLINK\"},"
        "\"gateways\":[{\"name\":\"Wola\",\"lat\":51.86,\"lon\":20.92,"
        "\"antennas\":100},{\"name\":\"Kaunas\",\"lat\":54.88,"
        "\"lon\":23.84,\"antennas\":100}],"
        "\"zones\":[{\"file\":\"geo/occupied_deepstate_20220831.geojson\","
        "\"id\":\"occ\",\"action\":\"deny\",\"priority\":1}],"
        "\"plans\":[{\"id\":\"p\",\"hardware_usd\":1,\"monthly_usd\":1,"
        "\"peak_mbps\":1}],\"accounts\":[{\"id\":\"a\",\"plan\":\"p\"}],"
        "\"terminals\":[{\"kind\":\"mobile\",\"count\":1,\"account\":\"a\","
        "\"spread_km\":0,\"tracks\":[{\"waypoints\":["
        "{\"lat\":48.85,\"lon\":37.60,\"t_s\":0},"
        "{\"lat\":48.99,\"lon\":37.80,\"t_s\":7200},"
        "{\"lat\":48.85,\"lon\":37.60,\"t_s\":14400}]}]}]}";
    ln_scenario *sc;
    ln_diag d;
    assert_int_equal(ln_scenario_parse(sc_text, strlen(sc_text), NULL, &sc,
                                       &d),
                     0);
    sim_run_scenario(sc, 1, "sim-out-cross", 0, 0, NULL);
    char *ev = slurp("sim-out-cross/events.csv");
    assert_non_null(ev);
    char *lost = strstr(ev, ",lost,zone:occ,");
    assert_non_null(lost);
    /* the restored event names the zone as the lost one does */
    char *back = strstr(lost, ",restored,zone:occ,");
    assert_non_null(back);
    ln_free(ev);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_validation),
        cmocka_unit_test(test_determinism),
        cmocka_unit_test(test_zone_crossing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
