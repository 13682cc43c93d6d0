/*
 * test_frames.c - GMST (IAU-82) and TEME -> ECEF against outside
 * references: ERFA's eraGmst82 (linked to this test only, see
 * frames.cmake) and Vallado's worked example (Vallado, Crawford, Hujsak,
 * Kelso 2006, "Revisiting Spacetrack Report #3", AIAA 2006-6753, and
 * Fundamentals of Astrodynamics and Applications, example 3-15):
 *   2004-04-06 07:51:28.386009 UTC, UT1 - UTC = -0.4399619 s,
 *   xp = -0.140682", yp = 0.333309",
 *   r_TEME = ( 5094.18016210,  6127.64465950, 6380.34453270) km
 *   v_TEME = (   -4.746131487,    0.785818041,    5.531931288) km/s
 *   r_PEF  = (-1033.47503130,  7901.30558560, 6380.34453270) km
 *   v_PEF  = (   -3.2256327470,  -2.8724425110,   5.5319312880) km/s
 *   r_ITRF = (-1033.4793830,   7901.2952754,  6380.3565958) km
 *   v_ITRF = (   -3.225636520,   -2.872451450,    5.531924446) km/s
 * Our ECEF is PEF (polar motion ignored): it is compared with r_PEF at the
 * UT1 instant, and with r_ITRF at the UTC instant with a tolerance that
 * covers what we leave out (0.44 s of Earth rotation ~ 0.26 km, polar
 * motion ~ 16 m).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>
#include <erfa.h>

#include "leonet/orbit.h"

static const double R_TEME[3] = {5094.18016210, 6127.64465950,
                                 6380.34453270};
static const double V_TEME[3] = {-4.746131487, 0.785818041, 5.531931288};
static const double R_PEF[3] = {-1033.47503130, 7901.30558560,
                                6380.34453270};
static const double V_PEF[3] = {-3.2256327470, -2.8724425110,
                                5.5319312880};
static const double R_ITRF[3] = {-1033.4793830, 7901.2952754, 6380.3565958};
static const double V_ITRF[3] = {-3.225636520, -2.872451450, 5.531924446};
#define DUT1_S (-0.4399619)

static double t_example_utc(void)
{
    return ln_time_from_utc(2004, 4, 6, 7, 51, 28.386009);
}

static double dist3(const double a[3], const double b[3])
{
    return sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) +
                (a[2] - b[2]) * (a[2] - b[2]));
}

static void check_vec(const char *what, const double got[3],
                      const double want[3], double tol)
{
    double d = dist3(got, want);
    if (!(d <= tol)) {
        print_error("%s: got (%.9f %.9f %.9f) want (%.9f %.9f %.9f) "
                    "|diff| %.3e > %.1e\n",
                    what, got[0], got[1], got[2], want[0], want[1], want[2],
                    d, tol);
        fail();
    }
}

/* GMST against ERFA over 1957..2056 with both ways of splitting the date. */
static void test_gmst82_vs_erfa(void **state)
{
    (void)state;
    double maxd = 0.0;
    unsigned seed = 12345u;
    for (int i = 0; i < 20000; i++) {
        seed = seed * 1103515245u + 12345u;
        double u = (double)(seed >> 8) / (double)(1u << 24);
        seed = seed * 1103515245u + 12345u;
        double f = (double)(seed >> 8) / (double)(1u << 24);
        double jd1 = floor(2435839.5 + u * 36500.0) + 0.5; /* midnight */
        double jd2 = f;
        double want = eraGmst82(jd1, jd2);
        double got = ln_gmst82(jd1, jd2);
        assert_true(got >= 0.0 && got < LN_TWOPI);
        double d = fabs(remainder(got - want, LN_TWOPI));
        if (d > maxd)
            maxd = d;
        /* the other split: the whole date in one part */
        got = ln_gmst82(jd1 + jd2, 0.0);
        want = eraGmst82(jd1 + jd2, 0.0);
        d = fabs(remainder(got - want, LN_TWOPI));
        if (d > maxd)
            maxd = d;
    }
    print_message("gmst82 vs eraGmst82: max |diff| %.3e rad over 40000 "
                  "dates\n", maxd);
    assert_true(maxd < 1e-12);

    /* J2000.0: GMST = 18h 41m 50.54841s = 280.46061837 deg (Aoki 1982) */
    double g = ln_gmst82(2451545.0, 0.0);
    assert_true(fabs(g - 280.46061837 * LN_DEG2RAD) < 1e-9);
}

/* Vallado's example: TEME -> PEF at the UT1 instant. Vallado's programs
 * hold the UT1 Julian date in one double (2453101.827406783, resolution
 * 4.7e-10 day = 40 us, i.e. up to 1.2e-5 km here): at that same instant
 * we agree to rounding; at the exact instant to within that resolution. */
static void test_teme_to_ecef_vallado_pef(void **state)
{
    (void)state;
    double r[3], v[3];
    volatile double jd_one_double = 2453101.5 + 0.32740678295;
    double t_vallado = (jd_one_double - LN_JD_UNIX) * LN_SEC_PER_DAY;
    ln_teme_to_ecef(t_vallado, R_TEME, V_TEME, r, v);
    print_message("PEF (one-double JD): |dr| %.3e km, |dv| %.3e km/s\n",
                  dist3(r, R_PEF), dist3(v, V_PEF));
    /* published to 1e-8 km / 1e-10 km/s. The example's velocity uses
     * omega * (1 - LOD/86400) with LOD = 1.5563 ms; we take LOD = 0, which
     * moves v by 7.29e-5 * 1.8e-8 rad/s * 7968 km = 1.05e-8 km/s. */
    check_vec("r_pef", r, R_PEF, 2e-7);
    check_vec("v_pef", v, V_PEF, 1.2e-8);
    {
        const double dw = 7.29211514670698e-05 * 0.0015563 / 86400.0;
        double vl[3] = {v[0] - dw * r[1], v[1] + dw * r[0], v[2]};
        print_message("PEF with the example's LOD: |dv| %.3e km/s\n",
                      dist3(vl, V_PEF));
        /* v_TEME is published to 1e-9 km/s */
        check_vec("v_pef with LOD", vl, V_PEF, 1.5e-9);
    }

    double t_ut1 = t_example_utc() + DUT1_S;
    ln_teme_to_ecef(t_ut1, R_TEME, V_TEME, r, v);
    print_message("PEF (exact UT1): |dr| %.3e km, |dv| %.3e km/s\n",
                  dist3(r, R_PEF), dist3(v, V_PEF));
    check_vec("r_pef exact", r, R_PEF, 1.2e-5);
    check_vec("v_pef exact", v, V_PEF, 2e-8);
    /* z unchanged by a rotation about z */
    assert_true(r[2] == R_TEME[2] && v[2] == V_TEME[2]);

    /* the ITRF values, with what we ignore: at the UT1 instant only polar
     * motion differs (0.33" * 6380 km ~ 10 m, 0.14" * 7900 km ~ 5 m) */
    check_vec("r_itrf (polar motion ignored)", r, R_ITRF, 0.025);
    check_vec("v_itrf (polar motion ignored)", v, V_ITRF, 2e-5);
    /* at the UTC instant (UT1 = UTC, as SGP4 users do), 0.44 s of Earth
     * rotation: 7.29e-5 rad/s * 0.44 s * 7968 km = 0.256 km */
    ln_teme_to_ecef(t_example_utc(), R_TEME, V_TEME, r, v);
    double d = dist3(r, R_PEF);
    print_message("UT1=UTC: |dr| vs PEF %.4f km (expect ~0.256)\n", d);
    assert_true(fabs(d - 7.29211514670698e-05 * 0.4399619 *
                             hypot(R_PEF[0], R_PEF[1])) < 1e-5);
    check_vec("r_itrf at UTC", r, R_ITRF, 0.3);
}

/* The velocity term: finite difference of the position map along a
 * straight TEME path gives the ECEF velocity. The rate implied by GMST
 * (7.2921158553e-5 rad/s) and Vallado's 7.29211514670698e-5 rad/s differ
 * by 7e-12 rad/s, i.e. 6e-8 km/s at 8000 km. */
static void test_teme_to_ecef_velocity(void **state)
{
    (void)state;
    /* whole seconds: t0 +- dt are exact doubles */
    double t0 = ln_time_from_utc(2022, 10, 9, 11, 30, 20.0);
    const double dt = 1.0; /* s */
    double rp[3], rm[3], rt[3], r[3], v[3], fd[3];
    for (int k = 0; k < 3; k++)
        rt[k] = R_TEME[k] + V_TEME[k] * dt;
    ln_teme_to_ecef(t0 + dt, rt, NULL, rp, NULL);
    for (int k = 0; k < 3; k++)
        rt[k] = R_TEME[k] - V_TEME[k] * dt;
    ln_teme_to_ecef(t0 - dt, rt, NULL, rm, NULL);
    for (int k = 0; k < 3; k++)
        fd[k] = (rp[k] - rm[k]) / (2.0 * dt);
    ln_teme_to_ecef(t0, R_TEME, V_TEME, r, v);
    check_vec("v_ecef vs finite difference", v, fd, 2e-7);
    /* |v| in ECEF: speed changes, radius does not */
    assert_true(fabs(hypot(hypot(r[0], r[1]), r[2]) -
                     hypot(hypot(R_TEME[0], R_TEME[1]), R_TEME[2])) < 1e-9);
}

/* The SoA form equals the scalar form; NaN rows stay NaN. */
static void test_teme_to_ecef_soa(void **state)
{
    (void)state;
    enum { N = 37 };
    double x[N], y[N], z[N], vx[N], vy[N], vz[N];
    int err[N] = {0};
    double t = ln_time_from_utc(2022, 2, 24, 3, 0, 0.0);
    for (int i = 0; i < N; i++) {
        double a = i * 0.3;
        x[i] = 6900.0 * cos(a);
        y[i] = 6900.0 * sin(a);
        z[i] = 100.0 * i;
        vx[i] = -7.5 * sin(a);
        vy[i] = 7.5 * cos(a);
        vz[i] = 0.01 * i;
    }
    x[5] = y[5] = z[5] = vx[5] = vy[5] = vz[5] = NAN;
    ln_pv_soa pv = {x, y, z, vx, vy, vz, err};
    double in[N][6];
    for (int i = 0; i < N; i++) {
        in[i][0] = x[i], in[i][1] = y[i], in[i][2] = z[i];
        in[i][3] = vx[i], in[i][4] = vy[i], in[i][5] = vz[i];
    }
    ln_teme_to_ecef_soa(t, &pv, N);
    for (int i = 0; i < N; i++) {
        double r[3], v[3];
        ln_teme_to_ecef(t, in[i], in[i] + 3, r, v);
        if (i == 5) {
            assert_true(isnan(x[i]) && isnan(vy[i]));
            continue;
        }
        assert_true(r[0] == x[i] && r[1] == y[i] && r[2] == z[i]);
        assert_true(v[0] == vx[i] && v[1] == vy[i] && v[2] == vz[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gmst82_vs_erfa),
        cmocka_unit_test(test_teme_to_ecef_vallado_pef),
        cmocka_unit_test(test_teme_to_ecef_velocity),
        cmocka_unit_test(test_teme_to_ecef_soa),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
