/*
 * test_hypatia.c - the Hypatia-compatible mode end to end: a small
 * Walker shell (24 x 12 at 550 km, Hypatia's phasing) and the 100 cities
 * written as a satgenpy static state, read back, run for 20 steps, and
 * compared with tests/net/fstate_oracle.py:
 *   1. byte for byte with satgenpy's algorithm (networkx Floyd-Warshall)
 *      on the same positions (leonet's, dumped);
 *   2. round-trip times of every ground-station pair against Hypatia's
 *      full model (PyEphem distances, as satgenpy's distance_tools) within
 *      1 %, when python3-ephem is installed.
 * The oracle needs /usr/bin/python3 with python3-networkx; without it the
 * comparison is skipped (the state round trip still runs).
 */
#include <math.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "leonet/net.h"

static char dir[] = "/tmp/ln_hypXXXXXX";

static void make_state(ln_hyp_state *st)
{
    memset(st, 0, sizeof *st);
    ln_shell sh = {550.0, 53.0 * LN_DEG2RAD, 24, 12, 12, 0.0};
    double epoch = ln_time_from_utc(2000, 1, 1, 0, 0, 0);
    assert_int_equal(ln_shells_to_elsets(&sh, 1, epoch, 1, &st->els,
                                         &st->nsat), 0);
    st->n_orbits = 24;
    st->n_sats_per_orbit = 12;
    ln_net_grid g = {0, 24, 12, 1, 0};
    assert_int_equal(ln_net_plus_grid(&g, 1, &st->isls, &st->nisl), 0);
    ln_diag d;
    assert_int_equal(ln_hyp_read_gs_file(LN_PROJECT_DATA
                                         "/net/ground_stations_top_100.txt",
                                         &st->gs, &st->ngs, &d), 0);
    assert_int_equal(st->ngs, 100);
    st->max_gsl_m = 2000000.0; /* sparse shell: a low elevation mask */
    st->max_isl_m = 5016591.2330984268;
}

static void test_roundtrip_and_oracle(void **state)
{
    (void)state;
    ln_hyp_state st, rd;
    make_state(&st);
    assert_non_null(mkdtemp(dir));
    ln_diag d;
    ln_diag_clear(&d);
    assert_int_equal(ln_hyp_write(dir, &st, &d), 0);
    assert_int_equal(ln_hyp_read(dir, &rd, &d), 0);
    assert_int_equal(rd.nsat, st.nsat);
    assert_int_equal(rd.ngs, 100);
    assert_int_equal(rd.nisl, st.nisl);
    assert_int_equal(rd.n_orbits, 24);
    assert_true(fabs(rd.max_gsl_m - 2000000.0) < 1e-6);
    assert_string_equal(rd.gs[3].name, "São-Paulo");
    assert_string_equal(rd.gs[3].lat_str, "-23.5475");
    assert_int_equal(rd.gs[3].has_ecef, 1);
    for (size_t i = 0; i < st.nisl; i++) {
        assert_int_equal(rd.isls[i].a, st.isls[i].a);
        assert_int_equal(rd.isls[i].b, st.isls[i].b);
    }
    /* TLE text keeps the elements to its printed precision */
    assert_true(fabs(rd.els[7].mo - st.els[7].mo) < 1e-5);

    char dump[512];
    snprintf(dump, sizeof dump, "%s/positions.txt", dir);
    FILE *df = fopen(dump, "w");
    assert_non_null(df);
    ln_hyp_stats sx;
    int rc = ln_hyp_run(&rd, 20, 1000, 1, dir, df, &sx, &d);
    fclose(df);
    if (rc) {
        char b[1200];
        fail_msg("ln_hyp_run: %s", ln_diag_format(&d, b, sizeof b));
    }
    assert_int_equal(sx.steps, 20);

    if (access("/usr/bin/python3", X_OK) != 0) {
        ln_hyp_free(&st);
        ln_hyp_free(&rd);
        skip();
    }
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 %s/net/fstate_oracle.py --state %s --dump %s "
             "--dyn %s/dynamic_state_1000ms_for_20s --ephem --steps 3 "
             "--rtt-tol 0.01",
             LN_TEST_DIR, dir, dump, dir);
    rc = system(cmd);
    ln_hyp_free(&st);
    ln_hyp_free(&rd);
    if (WIFEXITED(rc) && WEXITSTATUS(rc) == 77)
        skip();
    assert_int_equal(rc, 0);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

static void test_bad_state(void **state)
{
    (void)state;
    char bad[] = "/tmp/ln_hypbadXXXXXX";
    assert_non_null(mkdtemp(bad));
    ln_hyp_state st;
    make_state(&st);
    ln_diag d;
    assert_int_equal(ln_hyp_write(bad, &st, &d), 0);
    ln_hyp_free(&st);
    char p[512];
    snprintf(p, sizeof p, "%s/isls.txt", bad);
    FILE *f = fopen(p, "w");
    fputs("0 1\n3 2\n", f);
    fclose(f);
    ln_hyp_state rd;
    assert_int_equal(ln_hyp_read(bad, &rd, &d), LN_EPARSE);
    assert_int_equal(d.line, 2);
    assert_non_null(strstr(d.file, "isls.txt"));
    /* a NUL byte: refused at its line and column (the line splitting
     * would have taken it for the end of the file) */
    f = fopen(p, "wb");
    fwrite("0 1\n2\0 3\n", 1, 10, f);
    fclose(f);
    assert_int_equal(ln_hyp_read(bad, &rd, &d), LN_EPARSE);
    assert_int_equal(d.line, 2);
    assert_int_equal(d.col, 2);
    assert_non_null(strstr(d.msg, "NUL"));
    /* a repeated ISL (satgenpy read_isls.py: "Duplicate ISL"): refused
     * at the line that repeats it (line 5: line 3 is empty), not later
     * by the network without a line */
    f = fopen(p, "w");
    fputs("0 1\n1 2\n\n2 3\n1 2\n0 1\n", f);
    fclose(f);
    ln_diag_clear(&d);
    assert_int_equal(ln_hyp_read(bad, &rd, &d), LN_EPARSE);
    assert_int_equal(d.line, 5);
    assert_non_null(strstr(d.file, "isls.txt"));
    assert_non_null(strstr(d.msg, "duplicate ISL: (1, 2)"));
    f = fopen(p, "w");
    fputs("0 1\n", f);
    fclose(f);
    /* a run whose time in ns would overflow 64 bits, or that would
     * write 2 x 10^8 files: refused before any file */
    ln_hyp_state ok;
    make_state(&ok);
    static const long dur[3] = {LONG_MAX, 315576001L, 100001L};
    static const long stp[3] = {1000, 1000, 1};
    for (int i = 0; i < 3; i++) {
        ln_diag_clear(&d);
        assert_int_equal(ln_hyp_run(&ok, dur[i], stp[i], 1, bad, NULL, NULL,
                                    &d), LN_EINVAL);
        assert_non_null(strstr(d.msg, "10 million steps"));
    }
    ln_hyp_free(&ok);
    /* tles.txt header: integers that fit */
    static const char *const heads[] = {"99999999999 12\n", "24 nan\n",
                                        "0 12\n", "24\n"};
    snprintf(p, sizeof p, "%s/tles.txt", bad);
    char *tles = NULL;
    size_t tl;
    assert_int_equal(ln_read_file(p, 1 << 24, &tles, &tl, &d), 0);
    const char *rest = strchr(tles, '\n') + 1;
    for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++) {
        f = fopen(p, "w");
        fputs(heads[i], f);
        fputs(rest, f);
        fclose(f);
        assert_int_equal(ln_hyp_read(bad, &rd, &d), LN_EPARSE);
        assert_int_equal(d.line, 1);
    }
    f = fopen(p, "w");
    fputs(tles, f);
    fclose(f);
    ln_free(tles);
    /* ground stations: NaN, infinity, an elevation of 1e300 m */
    static const char *const gs[] = {
        "0,A,nan,30.0,0.0\n", "0,A,50.0,inf,0.0\n", "0,A,50.0,30.0,1e300\n",
        "0,A,50.0,30.0,1e999\n"};
    snprintf(p, sizeof p, "%s/ground_stations.txt", bad);
    for (size_t i = 0; i < sizeof gs / sizeof gs[0]; i++) {
        f = fopen(p, "w");
        fputs(gs[i], f);
        fclose(f);
        assert_int_equal(ln_hyp_read(bad, &rd, &d), LN_EPARSE);
        assert_int_equal(d.line, 1);
        assert_non_null(strstr(d.file, "ground_stations.txt"));
    }
    snprintf(p, sizeof p, "rm -rf %s", bad);
    assert_int_equal(system(p), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip_and_oracle),
        cmocka_unit_test(test_bad_state),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
