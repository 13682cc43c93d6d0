/*
 * test_insvc.c - the in-service rule (ln_elset_service) on hand-built
 * element sets.
 *
 * Each set is made from an altitude, an inclination and a name: mean
 * motion n = sqrt(mu / a^3) with a = 6378.135 km + altitude and mu =
 * 398600.8 km^3/s^2 (SGP4's WGS-72, the constants ln_elset_alt_km uses),
 * so the expected class follows by hand from the rule of docs/scenario.md:
 * name starts STARLINK/SHELL (or none), ecc < 0.01, inclination within
 * 0.1 deg of a shell, altitude from 5 km under to 10 km over it. Shells:
 * 550/53.0, 540/53.2, 570/70.0, 560/97.6 (SpaceX's Gen1 filings).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "leonet/orbit.h"

static ln_elset mk(const char *name, double alt_km, double incl_deg,
                   double ecc)
{
    ln_elset e;
    memset(&e, 0, sizeof e);
    snprintf(e.name, sizeof e.name, "%s", name);
    double a = 6378.135 + alt_km;
    e.no_kozai = sqrt(398600.8 / (a * a * a)) * 60.0; /* rad/min */
    e.inclo = incl_deg * LN_DEG2RAD;
    e.ecco = ecc;
    return e;
}

static const struct {
    const char *name;
    double alt, incl, ecc;
    int want;
} CASES[] = {
    /* raising from the 350 km insertion orbit, 53.2 deg */
    {"STARLINK-4500", 350.0, 53.2, 1e-4, LN_SVC_BELOW},
    /* shell 2 on station; shell 1 on station at its usual 547 km */
    {"STARLINK-2000", 540.0, 53.2, 1e-4, LN_SVC_IN},
    {"STARLINK-1000", 550.0, 53.0, 1e-4, LN_SVC_IN},
    {"STARLINK-1001", 547.0, 53.05, 1e-4, LN_SVC_IN},
    /* the band's edges: 550 - 5 = 545, 550 + 10 = 560 */
    {"STARLINK-1002", 545.5, 53.0, 1e-4, LN_SVC_IN},
    {"STARLINK-1003", 544.4, 53.0, 1e-4, LN_SVC_BELOW},
    {"STARLINK-1004", 559.5, 53.0, 1e-4, LN_SVC_IN},
    {"STARLINK-1005", 561.0, 53.0, 1e-4, LN_SVC_ABOVE},
    /* 540 km is shell 2's altitude but 53.0 deg is shell 1's plane */
    {"STARLINK-1006", 540.0, 53.0, 1e-4, LN_SVC_BELOW},
    /* debris and others at a working orbit are not satellites */
    {"FALCON 9 DEB", 550.0, 53.0, 1e-4, LN_SVC_NOT_SATELLITE},
    {"BLUEWALKER-3", 550.0, 53.0, 1e-4, LN_SVC_NOT_SATELLITE},
    /* wrong inclination: no shell at 45 or at 53.35 deg */
    {"STARLINK-9999", 550.0, 45.0, 1e-4, LN_SVC_OFF_SHELL},
    {"STARLINK-9998", 540.0, 53.35, 1e-4, LN_SVC_OFF_SHELL},
    /* eccentric (shells are circular) */
    {"STARLINK-9997", 550.0, 53.0, 0.02, LN_SVC_OFF_SHELL},
    /* polar and 70 deg shells; no name: judged by the orbit */
    {"STARLINK-3060", 577.0, 70.0, 1e-4, LN_SVC_IN},
    {"STARLINK-3061", 565.5, 97.66, 1e-4, LN_SVC_IN},
    {"", 550.0, 53.0, 1e-4, LN_SVC_IN},
    {"", 300.0, 97.6, 1e-4, LN_SVC_BELOW},
    {"SHELL0-P0-S0", 570.0, 70.0, 1e-7, LN_SVC_IN},
};

static void test_table(void **state)
{
    (void)state;
    int bad = 0;
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        ln_elset e = mk(CASES[i].name, CASES[i].alt, CASES[i].incl,
                        CASES[i].ecc);
        int got = ln_elset_service(&e, NULL, 0);
        if (got != CASES[i].want) {
            printf("case %zu '%s' %.1f km %.2f deg: want %s got %s\n", i,
                   CASES[i].name, CASES[i].alt, CASES[i].incl,
                   ln_svc_name(CASES[i].want), ln_svc_name(got));
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

/* A caller's shell table replaces Gen1's. */
static void test_own_shells(void **state)
{
    (void)state;
    ln_shell sh = {1200.0, 87.9 * LN_DEG2RAD, 18, 40, 0, 0.0};
    ln_elset e = mk("SHELL0-P1-S2", 1200.0, 87.9, 1e-7);
    assert_int_equal(ln_elset_service(&e, &sh, 1), LN_SVC_IN);
    assert_int_equal(ln_elset_service(&e, NULL, 0), LN_SVC_OFF_SHELL);
    ln_elset f = mk("STARLINK-1", 550.0, 53.0, 1e-4);
    assert_int_equal(ln_elset_service(&f, &sh, 1), LN_SVC_OFF_SHELL);
    /* the Walker sets of the Gen1 preset are all in service */
    const ln_shell *g;
    size_t ng = ln_shells_gen1(&g);
    ln_elset *els;
    size_t n;
    assert_int_equal(ln_shells_to_elsets(g, ng, 1665273600.0, 1, &els, &n),
                     0);
    size_t in = 0;
    for (size_t i = 0; i < n; i++)
        in += ln_elset_service(&els[i], g, ng) == LN_SVC_IN;
    assert_int_equal(in, 4408);
    ln_free(els);
}

/* No mean motion: not in service, never a crash. */
static void test_degenerate(void **state)
{
    (void)state;
    ln_elset e = mk("STARLINK-1", 550.0, 53.0, 1e-4);
    e.no_kozai = 0.0;
    assert_int_equal(ln_elset_service(&e, NULL, 0), LN_SVC_OFF_SHELL);
    e = mk("STARLINK-1", 550.0, 53.0, NAN);
    assert_int_equal(ln_elset_service(&e, NULL, 0), LN_SVC_OFF_SHELL);
    assert_string_equal(ln_svc_name(LN_SVC_IN), "in service");
    assert_string_equal(ln_svc_name(42), "?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_own_shells),
        cmocka_unit_test(test_degenerate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
