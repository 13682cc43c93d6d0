/*
 * test_insvc.c - constellation.in_service in scenarios: "rule" (the
 * default: docs/scenario.md, "Satellites in service"), "all", and the
 * refused min_alt_km.
 *
 * Expected counts on data/tle/starlink_2022-10-09.tle (its 3,125 sets
 * named STARLINK, data/tle/README.md) come from tests/orbit/
 * insvc_counts.py, the rule written again in Python from the text: 2,651
 * in service (1,457 + 1,002 + 51 + 141 by shell).
 */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim/sim_test.h"

#define SC(cons)                                                            \
    "{\"name\":\"t\",\"start\":\"2022-10-09T00:00:00Z\","                  \
    "\"duration_s\":60,\"step_s\":60,"                                     \
    "\"constellation\":{\"tle\":\"tle/starlink_2022-10-09.tle\","          \
    "\"name_prefix\":\"STARLINK\"" cons "},"                               \
    "\"gateways\":[{\"name\":\"g\",\"lat\":50,\"lon\":20}],"               \
    "\"plans\":[{\"id\":\"p\",\"hardware_usd\":1,\"monthly_usd\":1,"       \
    "\"peak_mbps\":1}],"                                                   \
    "\"accounts\":[{\"id\":\"a\",\"plan\":\"p\"}],"                        \
    "\"terminals\":[{\"kind\":\"mobile\",\"count\":1,\"account\":\"a\","   \
    "\"tracks\":[{\"waypoints\":[{\"lat\":50,\"lon\":30,\"t_s\":0}]}]}]}"

static long in_service(const char *text)
{
    char dir[] = "/tmp/ln_insvc_sim_XXXXXX", cmd[128];
    assert_non_null(mkdtemp(dir));
    json_t *j = sim_run_text(text, 1, dir);
    long n = (long)json_integer_value(
        json_object_get(json_object_get(j, "run"), "satellites_in_service"));
    json_decref(j);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
    return n;
}

static void test_rule_and_all(void **state)
{
    (void)state;
    assert_int_equal(in_service(SC("")), 2651);
    assert_int_equal(in_service(SC(",\"in_service\":\"rule\"")), 2651);
    assert_int_equal(in_service(SC(",\"in_service\":\"all\"")), 3125);
}

static void test_refused(void **state)
{
    (void)state;
    static const struct {
        const char *text, *path, *msg;
    } c[] = {
        {SC(",\"min_alt_km\":500"), "constellation.min_alt_km",
         "in_service"},
        {SC(",\"in_service\":\"some\""), "constellation.in_service",
         "\"rule\" or \"all\""},
        {SC(",\"in_service\":1"), "constellation.in_service",
         "expected a string"},
        {SC(",\"in_service\":\"\""), "constellation.in_service",
         "\"rule\" or \"all\""},
        {SC(",\"in_service\":\"RULE\""), "constellation.in_service",
         "\"rule\" or \"all\""},
        {SC(",\"in_service\":\"rule-and-more-than-fifteen\""),
         "constellation.in_service", "longer than"},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        ln_scenario *sc = NULL;
        ln_diag d;
        ln_diag_clear(&d);
        int rc = ln_scenario_parse(c[i].text, strlen(c[i].text), "s.json",
                                   &sc, &d);
        if (rc != LN_ESCENARIO || strcmp(d.path, c[i].path) != 0 ||
            !strstr(d.msg, c[i].msg))
            print_error("case %zu: rc %d path '%s' msg '%s'\n", i, rc,
                        d.path, d.msg);
        assert_int_equal(rc, LN_ESCENARIO);
        assert_string_equal(d.path, c[i].path);
        assert_non_null(strstr(d.msg, c[i].msg));
        ln_scenario_free(sc);
    }
}

/* Only debris (name_prefix FALCON: 25 sets): none in service, a clear
 * error at setup naming constellation.in_service; "all" runs them. */
static void test_none_in_service(void **state)
{
    (void)state;
    static const char text[] =
        "{\"name\":\"t\",\"start\":\"2022-10-09T00:00:00Z\","
        "\"duration_s\":60,\"step_s\":60,"
        "\"constellation\":{\"tle\":\"tle/starlink_2022-10-09.tle\","
        "\"name_prefix\":\"FALCON\"},"
        "\"gateways\":[{\"name\":\"g\",\"lat\":50,\"lon\":20}],"
        "\"plans\":[{\"id\":\"p\",\"hardware_usd\":1,\"monthly_usd\":1,"
        "\"peak_mbps\":1}],\"accounts\":[{\"id\":\"a\",\"plan\":\"p\"}],"
        "\"terminals\":[{\"kind\":\"mobile\",\"count\":1,\"account\":"
        "\"a\",\"tracks\":[{\"waypoints\":[{\"lat\":50,\"lon\":30,"
        "\"t_s\":0}]}]}]}";
    ln_scenario *sc;
    ln_diag d;
    ln_diag_clear(&d);
    assert_int_equal(ln_scenario_parse(text, strlen(text), NULL, &sc, &d), 0);
    char dir[] = "/tmp/ln_insvc_sim_XXXXXX", cmd[128];
    assert_non_null(mkdtemp(dir));
    ln_sim_options o = {0};
    o.nthreads = 1;
    o.out_dir = dir;
    o.quiet = 1;
    o.write_outputs = 1;
    assert_int_equal(ln_sim_run(sc, &o, NULL, &d), LN_ESCENARIO);
    assert_string_equal(d.path, "constellation.in_service");
    assert_non_null(strstr(d.msg, "none of the 25 satellites"));
    ln_scenario_free(sc);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rule_and_all),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_none_in_service),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
