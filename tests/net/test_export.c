/*
 * test_export.c - `leonet route --hypatia DIR --export`: the static state
 * for Hypatia's ns-3 part, read back with satgenpy's checks
 * (ln_hyp_read), with figures worked out by hand:
 *   - Starlink 550 shell: 72 planes x 22, +Grid: 2 ISLs per satellite,
 *     3,168; 100 ground stations (Hypatia's top-100 cities);
 *   - max_isl_length_m = 2 sqrt((R + 550 km)^2 - (R + 80 km)^2), R =
 *     6378.135 km (Hypatia's rule: the link may not dip below 80 km):
 *     5,016,591.2 m, the value of Hypatia's own Starlink-550 scripts;
 *   - max_gsl_length_m: the slant range to a satellite 550 km up seen at
 *     25 deg elevation; from the triangle centre-site-satellite (law of
 *     cosines, r^2 = R^2 + d^2 + 2 R d sin(el)): 1,123,418 m;
 *   - the state runs: `route --hypatia` on it writes the t = 0 table;
 *   - element sets of different epochs are refused (satgenpy requires one
 *     epoch in tles.txt).
 */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "leonet/net.h"

static int sh(const char *cmd)
{
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_export_starlink550(void **state)
{
    (void)state;
    char dir[] = "/tmp/ln_export_XXXXXX", cmd[1024];
    assert_non_null(mkdtemp(dir));
    snprintf(cmd, sizeof cmd,
             "%s route --hypatia %s/st --export --shells starlink550 "
             "2>/dev/null",
             LN_CLI, dir);
    assert_int_equal(sh(cmd), 0);
    char st_dir[128];
    snprintf(st_dir, sizeof st_dir, "%s/st", dir);
    ln_hyp_state st;
    ln_diag d;
    int rc = ln_hyp_read(st_dir, &st, &d);
    if (rc)
        print_error("%s\n", d.msg);
    assert_int_equal(rc, 0);
    assert_int_equal(st.nsat, 72 * 22);
    assert_int_equal(st.n_orbits, 72);
    assert_int_equal(st.n_sats_per_orbit, 22);
    assert_int_equal(st.nisl, 2 * 72 * 22);
    assert_int_equal(st.ngs, 100);
    /* every satellite has exactly 4 ISL ends (+Grid) */
    int deg[72 * 22] = {0};
    for (size_t k = 0; k < st.nisl; k++) {
        deg[st.isls[k].a]++;
        deg[st.isls[k].b]++;
    }
    for (int s = 0; s < 72 * 22; s++)
        assert_int_equal(deg[s], 4);
    const double R = 6378135.0, r = R + 550e3, g = R + 80e3;
    assert_true(fabs(st.max_isl_m - 2.0 * sqrt(r * r - g * g)) < 1e-3);
    assert_true(fabs(st.max_isl_m - 5016591.2) < 0.1);
    const double el = 25.0 * 3.14159265358979323846 / 180.0;
    double dd = -R * sin(el) + sqrt(R * R * sin(el) * sin(el) + r * r - R * R);
    assert_true(fabs(st.max_gsl_m - dd) < 1.0);
    assert_true(fabs(st.max_gsl_m - 1123418.0) < 1.0);
    ln_hyp_free(&st);
    /* it runs: one step of 1 s writes the full table at t = 0 */
    snprintf(cmd, sizeof cmd,
             "%s --threads 1 route --hypatia %s --duration 1 --step-ms 1000 "
             "2>/dev/null && test -s %s/dynamic_state_1000ms_for_1s/"
             "fstate_0.txt",
             LN_CLI, st_dir, st_dir);
    assert_int_equal(sh(cmd), 0);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(sh(cmd), 0);
}

static void test_export_refuses_mixed_epochs(void **state)
{
    (void)state;
    char dir[] = "/tmp/ln_export_XXXXXX", cmd[1024];
    assert_non_null(mkdtemp(dir));
    /* six real sets of 2022-10-09, of different epochs */
    snprintf(cmd, sizeof cmd,
             "head -18 %s/tle/starlink_2022-10-09.tle > %s/six.tle && "
             "%s route --hypatia %s/st --export --tle %s/six.tle --grid 2x3 "
             "--all-objects "
             "2>%s/err",
             LN_PROJECT_DATA, dir, LN_CLI, dir, dir, dir);
    assert_int_equal(sh(cmd), 2);
    snprintf(cmd, sizeof cmd, "grep -q 'one epoch' %s/err", dir);
    assert_int_equal(sh(cmd), 0);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(sh(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_export_starlink550),
        cmocka_unit_test(test_export_refuses_mixed_epochs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
