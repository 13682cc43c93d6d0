/*
 * test_walker.c - Walker-delta shells and the Gen1 preset.
 *
 * References: the shell table of SpaceX's Gen1 filings (counts,
 * altitudes, inclinations: 4408 satellites); Hypatia's generator rule
 * (snkas/hypatia satgenpy/satgen/tles/generate_tles_from_scratch.py with
 * phase_diff: RAAN = orbit * 360 / P, mean anomaly = n * 360 / S plus
 * 360 / (2 S) on odd orbits); and hand geometry on the states that SGP4
 * (ln_sgp4_propagate, checked against Vallado elsewhere) gives at epoch:
 * the satellites of one plane share its orbit normal, whose tilt is the
 * inclination and whose node is the plane's RAAN; radius ~ 6378.135 km +
 * altitude; in-plane spacing 360 / S; the offset between planes per F.
 * Osculating J2 short-period terms move these by ~0.05 deg and a few km,
 * hence the tolerances.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "leonet/orbit.h"

#define RE72 6378.135
#define XPDOTP (1440.0 / (2.0 * LN_PI))

/* Gen1 as filed: altitude km, inclination deg, planes, per plane. */
static const struct {
    double alt, incl;
    int p, s;
} FILED[] = {{550, 53.0, 72, 22},
             {540, 53.2, 72, 22},
             {570, 70.0, 36, 20},
             {560, 97.6, 6, 58},
             {560, 97.6, 4, 43}};

static double angdiff(double a, double b)
{
    return fabs(remainder(a - b, LN_TWOPI));
}

static void test_gen1_table(void **state)
{
    (void)state;
    const ln_shell *sh;
    size_t n = ln_shells_gen1(&sh);
    assert_int_equal(n, 5);
    int total = 0;
    for (size_t k = 0; k < n; k++) {
        assert_true(sh[k].alt_km == FILED[k].alt);
        assert_true(fabs(sh[k].incl_rad - FILED[k].incl * LN_DEG2RAD) <
                    1e-15);
        assert_int_equal(sh[k].planes, FILED[k].p);
        assert_int_equal(sh[k].per_plane, FILED[k].s);
        assert_true(sh[k].phasing >= 0 && sh[k].phasing < sh[k].planes);
        total += sh[k].planes * sh[k].per_plane;
    }
    assert_int_equal(total, 4408);
}

/* Elements: counts, names, numbers, epoch, and Hypatia's layout. */
static void test_gen1_elements(void **state)
{
    (void)state;
    const ln_shell *sh;
    size_t nsh = ln_shells_gen1(&sh);
    double t0 = ln_time_from_utc(2022, 10, 9, 12, 0, 0.0);
    ln_elset *e;
    size_t n;
    assert_int_equal(ln_shells_to_elsets(sh, nsh, t0, 90000, &e, &n), 0);
    assert_int_equal(n, 4408);
    size_t i = 0;
    for (size_t k = 0; k < nsh; k++) {
        int P = FILED[k].p, S = FILED[k].s;
        for (int p = 0; p < P; p++) {
            for (int s = 0; s < S; s++, i++) {
                char want[64];
                snprintf(want, sizeof want, "SHELL%zu-P%d-S%d", k, p, s);
                assert_string_equal(e[i].name, want);
                assert_int_equal(e[i].norad, 90000 + i);
                assert_true(e[i].epoch_unix_s == t0);
                assert_int_equal(e[i].epochyr, 2022);
                /* 2022-10-09 is day 282; 12:00 is .5 */
                assert_true(fabs(e[i].epochdays - 282.5) < 1e-9);
                assert_true(fabs(e[i].epoch_jd1 + e[i].epoch_jd2 -
                                 2459862.0) < 1e-9);
                assert_true(e[i].ecco < 1e-6 && e[i].bstar == 0.0);
                assert_true(fabs(e[i].inclo - FILED[k].incl * LN_DEG2RAD) <
                            1e-15);
                /* Kepler's third law with WGS-72 mu */
                double a = RE72 + FILED[k].alt;
                double n_rev_day = 86400.0 / (LN_TWOPI *
                                              sqrt(a * a * a / 398600.8));
                assert_true(fabs(e[i].no_kozai * XPDOTP - n_rev_day) < 1e-9);
                /* Hypatia's rule, for the shells where F = P/2 */
                if (sh[k].phasing * 2 == P && sh[k].raan0_rad == 0.0) {
                    double raan = p * 360.0 / P;
                    double ma = s * 360.0 / S + ((p % 2) ? 360.0 / (2 * S)
                                                          : 0.0);
                    assert_true(angdiff(e[i].nodeo, raan * LN_DEG2RAD) <
                                1e-12);
                    assert_true(angdiff(e[i].mo + e[i].argpo,
                                        ma * LN_DEG2RAD) < 1e-12);
                }
            }
        }
    }
    /* every set is writable as a TLE and reads back */
    for (i = 0; i < n; i += 97) {
        char l1[70], l2[70];
        assert_int_equal(ln_tle_format(&e[i], l1, l2), 0);
        ln_elset b;
        assert_int_equal(ln_tle_parse_lines(e[i].name, l1, l2, 0, &b, NULL),
                         0);
        assert_string_equal(b.name, e[i].name);
        assert_true(fabs(b.epoch_unix_s - t0) < 1e-3);
        assert_true(fabs(b.no_kozai - e[i].no_kozai) * XPDOTP < 1e-8);
    }
    ln_free(e);
}

/* Geometry of the propagated states at epoch. */
static void test_gen1_geometry(void **state)
{
    (void)state;
    const ln_shell *sh;
    size_t nsh = ln_shells_gen1(&sh);
    ln_elset *e;
    size_t n;
    assert_int_equal(ln_shells_to_elsets(sh, nsh, 1665316800.0, 1, &e, &n),
                     0);
    double max_dr = 0, max_di = 0, max_draan = 0, max_du = 0, max_dphase = 0;
    size_t i0 = 0;
    for (size_t k = 0; k < nsh; k++) {
        int P = sh[k].planes, S = sh[k].per_plane, F = sh[k].phasing;
        double T = (double)P * S;
        double *u = malloc(sizeof(double) * (size_t)(P * S));
        double *node = malloc(sizeof(double) * (size_t)P);
        assert_non_null(u);
        assert_non_null(node);
        for (int p = 0; p < P; p++) {
            double hsum[3] = {0, 0, 0};
            for (int s = 0; s < S; s++) {
                const ln_elset *x = &e[i0 + (size_t)(p * S + s)];
                ln_sgp4 *g;
                double r[3], v[3];
                assert_int_equal(ln_sgp4_new(x, &g), 0);
                assert_int_equal(ln_sgp4_propagate(g, 0.0, r, v), 0);
                ln_sgp4_free(g);
                double rr = sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2]);
                max_dr = fmax(max_dr, fabs(rr - (RE72 + sh[k].alt_km)));
                double h[3] = {r[1] * v[2] - r[2] * v[1],
                               r[2] * v[0] - r[0] * v[2],
                               r[0] * v[1] - r[1] * v[0]};
                double hn = sqrt(h[0] * h[0] + h[1] * h[1] + h[2] * h[2]);
                for (int c = 0; c < 3; c++)
                    hsum[c] += h[c] / hn;
                /* inclination and node of this satellite's own orbit */
                double inc = acos(h[2] / hn);
                double om = atan2(h[0], -h[1]);
                max_di = fmax(max_di, fabs(inc - sh[k].incl_rad));
                double want_om = sh[k].raan0_rad + LN_TWOPI * p / P;
                max_draan = fmax(max_draan, angdiff(om, want_om));
                /* argument of latitude: angle from the node in the plane */
                double nx = cos(om), ny = sin(om);
                double cu = r[0] * nx + r[1] * ny;
                double su = r[2] / sin(inc);
                u[p * S + s] = atan2(su, cu);
            }
            /* one plane: the mean normal has the shell's tilt */
            double hn = sqrt(hsum[0] * hsum[0] + hsum[1] * hsum[1] +
                             hsum[2] * hsum[2]);
            max_di = fmax(max_di, fabs(acos(hsum[2] / hn) - sh[k].incl_rad));
            node[p] = atan2(hsum[0], -hsum[1]);
            /* in-plane spacing 360 / S */
            for (int s = 0; s < S; s++) {
                double du = u[p * S + (s + 1) % S] - u[p * S + s];
                max_du = fmax(max_du, angdiff(du, LN_TWOPI / S));
            }
        }
        /* planes 360 / P apart; satellite s of plane p+1 leads satellite s
         * of plane p by Walker's F * 360 / T, modulo whole slots */
        for (int p = 0; p + 1 < P; p++) {
            max_draan = fmax(max_draan, angdiff(node[p + 1] - node[p],
                                                LN_TWOPI / P));
            for (int s = 0; s < S; s++) {
                double d = u[(p + 1) * S + s] - u[p * S + s];
                double want = LN_TWOPI * F / T;
                double slot = LN_TWOPI / S;
                double m = remainder(d - want, slot);
                max_dphase = fmax(max_dphase, fabs(m));
            }
        }
        free(u);
        free(node);
        i0 += (size_t)(P * S);
    }
    ln_free(e);
    print_message("geometry at epoch: |r - (Re + alt)| %.2f km, incl %.4f "
                  "deg, RAAN %.4f deg, in-plane spacing %.4f deg, phasing "
                  "%.4f deg\n",
                  max_dr, max_di * LN_RAD2DEG, max_draan * LN_RAD2DEG,
                  max_du * LN_RAD2DEG, max_dphase * LN_RAD2DEG);
    assert_true(max_dr < 15.0);
    assert_true(max_di < 0.05 * LN_DEG2RAD);
    assert_true(max_draan < 0.05 * LN_DEG2RAD);
    assert_true(max_du < 0.1 * LN_DEG2RAD);
    assert_true(max_dphase < 0.1 * LN_DEG2RAD);
}

static void test_errors(void **state)
{
    (void)state;
    ln_shell sh = {550.0, 0.9, 10, 10, 3, 0.0};
    ln_elset *e = NULL;
    size_t n = 0;
    sh.phasing = 10; /* F must be < P */
    assert_int_equal(ln_shells_to_elsets(&sh, 1, 0.0, 1, &e, &n), LN_EINVAL);
    sh.phasing = 3;
    sh.per_plane = 0;
    assert_int_equal(ln_shells_to_elsets(&sh, 1, 0.0, 1, &e, &n), LN_EINVAL);
    sh.per_plane = 10;
    sh.incl_rad = -0.1;
    assert_int_equal(ln_shells_to_elsets(&sh, 1, 0.0, 1, &e, &n), LN_EINVAL);
    sh.incl_rad = 0.9;
    /* numbers beyond Alpha-5's Z9999 */
    assert_int_equal(ln_shells_to_elsets(&sh, 1, 0.0, 339950, &e, &n),
                     LN_ERANGE);
    assert_int_equal(ln_shells_to_elsets(&sh, 1, 0.0, 339900, &e, &n), 0);
    assert_int_equal(n, 100);
    assert_int_equal(e[99].norad, 339999);
    ln_free(e);
    /* an epoch a TLE cannot carry */
    assert_int_equal(ln_shells_to_elsets(&sh, 1, ln_time_from_utc(2060, 1, 1,
                                                                  0, 0, 0),
                                         1, &e, &n),
                     LN_ERANGE);
    /* nothing to do */
    assert_int_equal(ln_shells_to_elsets(&sh, 0, 0.0, 1, &e, &n), 0);
    assert_int_equal(n, 0);
    assert_null(e);
    /* allocation failure */
    ln_alloc_fail_after(1);
    assert_int_equal(ln_shells_to_elsets(&sh, 1, 0.0, 1, &e, &n),
                     LN_ENOMEM);
    ln_alloc_fail_after(0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gen1_table),
        cmocka_unit_test(test_gen1_elements),
        cmocka_unit_test(test_gen1_geometry),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
