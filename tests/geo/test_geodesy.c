/*
 * test_geodesy.c - WGS-84 geodesy against ERFA (linked to this test only,
 * see geodesy.cmake): eraGd2gc / eraGc2gd for geodetic <-> ECEF (1 mm),
 * eraHd2ae for look angles, eraSeps / eraPas for great-circle separation
 * and bearing; plus hand-checked topocentric cases (zenith, due north and
 * due east on the horizon, 45 deg south, equator and pole sites).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <cmocka.h>
#include <erfa.h>
#include <erfam.h> /* ERFA_WGS84 */

#include "leonet/geodesy.h"

#define MM 1e-6 /* 1 mm in km */

static unsigned rng_state = 2022u;
static double urand(void) /* 0..1 */
{
    rng_state = rng_state * 1664525u + 1013904223u;
    return (double)(rng_state >> 8) / (double)(1u << 24);
}

static double angdiff(double a, double b)
{
    return fabs(remainder(a - b, LN_TWOPI));
}

/* A grid over latitude (poles and equator included), longitude and height
 * from 10 km below the ellipsoid to beyond GEO, in both directions. */
static void test_geodetic_ecef_vs_erfa(void **state)
{
    (void)state;
    static const double hs[] = {-10.0, -0.1, 0.0, 0.35, 8.8, 100.0,
                                550.0, 1200.0, 20200.0, 35786.0, 42000.0};
    double max_fwd = 0.0, max_lat = 0.0, max_h = 0.0, max_rt = 0.0;
    double max_lat_hi = 0.0, max_truth = 0.0;
    int n = 0;
    for (int il = -90; il <= 90; il += 1) {
        for (int io = -180; io < 180; io += 15) {
            for (size_t ih = 0; ih < sizeof hs / sizeof hs[0]; ih++) {
                /* off-grid jitter, but keep the exact poles and equator */
                double lat_deg = il + ((il % 90) ? 0.37 * urand() : 0.0);
                ln_geodetic g = {lat_deg * LN_DEG2RAD,
                                 (io + 0.5 * urand()) * LN_DEG2RAD, hs[ih]};
                double r[3], xyz[3];
                ln_geodetic_to_ecef(&g, r);
                assert_int_equal(eraGd2gc(ERFA_WGS84, g.lon_rad, g.lat_rad,
                                          g.h_km * 1000.0, xyz),
                                 0);
                for (int k = 0; k < 3; k++)
                    max_fwd = fmax(max_fwd, fabs(r[k] - xyz[k] / 1000.0));

                /* inverse, against eraGc2gd on the same point */
                ln_geodetic back;
                assert_int_equal(ln_ecef_to_geodetic(r, &back), 0);
                double elong, phi, height;
                assert_int_equal(eraGc2gd(ERFA_WGS84, xyz, &elong, &phi,
                                          &height),
                                 0);
                double rr = hypot(r[0], r[1]) + fabs(r[2]);
                /* ERFA's eraGc2gd (Fukushima's method) is itself off by
                 * up to 1.5 mm in latitude at 20000-42000 km height (we
                 * agree with the generating latitude to 1e-15 rad there);
                 * the 1 mm bound is checked up to 1200 km */
                if (g.h_km <= 1200.0)
                    max_lat = fmax(max_lat, fabs(back.lat_rad - phi) * rr);
                else
                    max_lat_hi =
                        fmax(max_lat_hi, fabs(back.lat_rad - phi) * rr);
                max_truth = fmax(max_truth,
                                 fabs(back.lat_rad - g.lat_rad) * rr);
                max_truth = fmax(max_truth, fabs(back.h_km - g.h_km));
                max_h = fmax(max_h, fabs(back.h_km - height / 1000.0));
                if (fabs(lat_deg) < 90.0)
                    assert_true(angdiff(back.lon_rad, elong) * rr < MM);
                /* round trip to the point we started from */
                double r2[3];
                ln_geodetic_to_ecef(&back, r2);
                for (int k = 0; k < 3; k++)
                    max_rt = fmax(max_rt, fabs(r2[k] - r[k]));
                n++;
            }
        }
    }
    print_message("geodesy vs ERFA over %d points: gd2gc %.2e km, gc2gd "
                  "lat %.2e km (h <= 1200 km), %.2e km (h > 1200 km), h "
                  "%.2e km; vs the generating lat/h %.2e km; round trip "
                  "%.2e km\n",
                  n, max_fwd, max_lat, max_lat_hi, max_h, max_truth, max_rt);
    assert_true(max_fwd < MM);
    assert_true(max_lat < MM);
    assert_true(max_lat_hi < 2.0 * MM);
    assert_true(max_truth < 1e-3 * MM);
    assert_true(max_h < MM);
    assert_true(max_rt < MM);
}

/* Exact poles and the equator by hand: on the axis h = |z| - b. */
static void test_geodetic_special_points(void **state)
{
    (void)state;
    const double b = LN_WGS84_A_KM * (1.0 - LN_WGS84_F);
    ln_geodetic g;
    double r[3] = {0.0, 0.0, b + 550.0};
    assert_int_equal(ln_ecef_to_geodetic(r, &g), 0);
    assert_true(fabs(g.lat_rad - LN_PI / 2) < 1e-15);
    assert_true(fabs(g.h_km - 550.0) < 1e-9);
    r[2] = -(b - 3.0);
    assert_int_equal(ln_ecef_to_geodetic(r, &g), 0);
    assert_true(fabs(g.lat_rad + LN_PI / 2) < 1e-15);
    assert_true(fabs(g.h_km + 3.0) < 1e-9);
    /* 1 mm off the axis */
    r[0] = 1e-6;
    r[2] = b + 10.0;
    assert_int_equal(ln_ecef_to_geodetic(r, &g), 0);
    assert_true(fabs(g.h_km - 10.0) < 1e-9);
    /* equator */
    double re[3] = {0.0, -(LN_WGS84_A_KM + 1.5), 0.0};
    assert_int_equal(ln_ecef_to_geodetic(re, &g), 0);
    assert_true(g.lat_rad == 0.0);
    assert_true(fabs(g.lon_rad + LN_PI / 2) < 1e-15);
    assert_true(fabs(g.h_km - 1.5) < 1e-12);
    /* the centre and NaN are refused */
    double rc[3] = {0.0, 0.0, 0.0};
    assert_int_equal(ln_ecef_to_geodetic(rc, &g), LN_EINVAL);
    double rn[3] = {NAN, 0.0, 0.0};
    assert_int_equal(ln_ecef_to_geodetic(rn, &g), LN_EINVAL);
}

/* Hand-checked look angles: offsets along the site's own local axes. */
static void test_topocentric_hand(void **state)
{
    (void)state;
    ln_geodetic site = {48.5 * LN_DEG2RAD, 35.0 * LN_DEG2RAD, 0.2};
    ln_site s;
    ln_site_prepare(&site, &s);
    /* the local axes are orthonormal */
    double dots[6] = {
        s.up[0] * s.east[0] + s.up[1] * s.east[1] + s.up[2] * s.east[2],
        s.up[0] * s.north[0] + s.up[1] * s.north[1] + s.up[2] * s.north[2],
        s.east[0] * s.north[0] + s.east[1] * s.north[1] +
            s.east[2] * s.north[2],
        s.up[0] * s.up[0] + s.up[1] * s.up[1] + s.up[2] * s.up[2] - 1.0,
        s.east[0] * s.east[0] + s.east[1] * s.east[1] - 1.0,
        s.north[0] * s.north[0] + s.north[1] * s.north[1] +
            s.north[2] * s.north[2] - 1.0};
    for (int k = 0; k < 6; k++)
        assert_true(fabs(dots[k]) < 1e-15);
    /* north x east = -up (right-handed east, north, up) */
    assert_true(fabs(s.east[1] * s.north[2] - s.east[2] * s.north[1] -
                     s.up[0]) < 1e-15);

    struct {
        double e, n, u;          /* offset, km, in local axes */
        double az_deg, el_deg;   /* expected */
    } cases[] = {
        {0, 0, 550, -1, 90},     /* zenith (azimuth undefined) */
        {0, 1000, 0, 0, 0},      /* due north on the horizon */
        {1000, 0, 0, 90, 0},     /* due east on the horizon */
        {0, -100, 100, 180, 45}, /* south, 45 deg up */
        {-300, 0, -300, 270, -45},
        {10, 10, 0, 45, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double r[3], v[3];
        for (int k = 0; k < 3; k++)
            r[k] = s.r_ecef[k] + cases[i].e * s.east[k] +
                   cases[i].n * s.north[k] + cases[i].u * s.up[k];
        /* moving straight away from the site at 7 km/s */
        double rho = sqrt(cases[i].e * cases[i].e + cases[i].n * cases[i].n +
                          cases[i].u * cases[i].u);
        for (int k = 0; k < 3; k++)
            v[k] = 7.0 * (r[k] - s.r_ecef[k]) / rho;
        ln_topo t;
        ln_topocentric(&site, r, v, &t);
        assert_true(fabs(t.el_rad - cases[i].el_deg * LN_DEG2RAD) < 1e-9);
        if (cases[i].az_deg >= 0)
            assert_true(angdiff(t.az_rad, cases[i].az_deg * LN_DEG2RAD) <
                        1e-9);
        assert_true(t.az_rad >= 0.0 && t.az_rad < LN_TWOPI);
        assert_true(fabs(t.range_km - rho) < 1e-9);
        assert_true(fabs(t.range_rate_km_s - 7.0) < 1e-12);
        /* the fast forms agree */
        assert_true(fabs(ln_site_sin_elevation(&s, r) - sin(t.el_rad)) <
                    1e-12);
        assert_true(fabs(ln_site_elevation(&s, r) - t.el_rad) < 1e-12);
        ln_topo t2;
        ln_site_look(&s, r, NULL, &t2);
        assert_true(t2.el_rad == t.el_rad && t2.az_rad == t.az_rad);
        assert_true(isnan(t2.range_rate_km_s));
    }

    /* equator / prime meridian site: ECEF axes are the local axes */
    ln_geodetic eq = {0.0, 0.0, 0.0};
    ln_topo t;
    double up[3] = {7000.0, 0.0, 0.0};
    ln_topocentric(&eq, up, NULL, &t);
    assert_true(fabs(t.el_rad - LN_PI / 2) < 1e-12);
    assert_true(fabs(t.range_km - (7000.0 - LN_WGS84_A_KM)) < 1e-9);
    double east[3] = {LN_WGS84_A_KM, 1000.0, 0.0};
    double vel[3] = {0.0, 0.0, 7.5}; /* crossing the line of sight */
    ln_topocentric(&eq, east, vel, &t);
    assert_true(fabs(t.el_rad) < 1e-12);
    assert_true(fabs(t.az_rad - LN_PI / 2) < 1e-12);
    assert_true(fabs(t.range_rate_km_s) < 1e-12);
    double north[3] = {LN_WGS84_A_KM, 0.0, 500.0};
    ln_topocentric(&eq, north, NULL, &t);
    assert_true(angdiff(t.az_rad, 0.0) < 1e-12 && fabs(t.el_rad) < 1e-12);

    /* north pole site: a satellite over the pole is at the zenith; one
     * over the equator at lon 0 is due "north" along meridian 0, i.e.
     * azimuth 180 (south, towards it) and below the horizon */
    ln_geodetic np = {LN_PI / 2, 0.0, 0.0};
    const double b = LN_WGS84_A_KM * (1.0 - LN_WGS84_F);
    double over[3] = {0.0, 0.0, b + 550.0};
    ln_topocentric(&np, over, NULL, &t);
    assert_true(fabs(t.el_rad - LN_PI / 2) < 1e-12);
    assert_true(fabs(t.range_km - 550.0) < 1e-9);
    double eqsat[3] = {LN_WGS84_A_KM + 550.0, 0.0, 0.0};
    ln_topocentric(&np, eqsat, NULL, &t);
    assert_true(angdiff(t.az_rad, LN_PI) < 1e-12);
    assert_true(t.el_rad < 0.0);
    /* the target at the site itself */
    ln_site sp;
    ln_site_prepare(&np, &sp);
    ln_topocentric(&np, sp.r_ecef, NULL, &t);
    assert_true(t.range_km == 0.0 && t.el_rad == LN_PI / 2);
}

/* Look angles of random targets against ERFA's eraHd2ae: the direction
 * from the site as hour angle and declination in the Earth-fixed frame,
 * seen by an observer at geodetic latitude phi. */
static void test_topocentric_vs_erfa(void **state)
{
    (void)state;
    double maxd = 0.0;
    for (int i = 0; i < 20000; i++) {
        ln_geodetic site = {(urand() * 179.0 - 89.5) * LN_DEG2RAD,
                            (urand() * 360.0 - 180.0) * LN_DEG2RAD,
                            urand() * 3.0};
        ln_geodetic tg = {(urand() * 180.0 - 90.0) * LN_DEG2RAD,
                          (urand() * 360.0 - 180.0) * LN_DEG2RAD,
                          300.0 + urand() * 1500.0};
        double r[3];
        ln_geodetic_to_ecef(&tg, r);
        ln_topo t;
        ln_topocentric(&site, r, NULL, &t);
        ln_site s;
        ln_site_prepare(&site, &s);
        double d[3] = {r[0] - s.r_ecef[0], r[1] - s.r_ecef[1],
                       r[2] - s.r_ecef[2]};
        double ha = site.lon_rad - atan2(d[1], d[0]);
        double dec = atan2(d[2], hypot(d[0], d[1]));
        double az, el;
        eraHd2ae(ha, dec, site.lat_rad, &az, &el);
        double de = fabs(t.el_rad - el);
        double da = angdiff(t.az_rad, az) * cos(el); /* on the sky */
        maxd = fmax(maxd, fmax(de, da));
        assert_true(fabs(ln_site_elevation(&s, r) - el) < 1e-11);
    }
    print_message("look angles vs eraHd2ae: max %.2e rad\n", maxd);
    assert_true(maxd < 1e-11);
}

/* Haversine distance and initial bearing against eraSeps and eraPas on
 * the sphere, plus hand values. */
static void test_distance_bearing(void **state)
{
    (void)state;
    const double R = LN_EARTH_MEAN_R_KM;
    assert_true(fabs(ln_geo_distance_km(0, 0, 0, 1) - R) < 1e-9);
    assert_true(fabs(ln_geo_distance_km(0, 0.3, LN_PI / 2, 2.0) -
                     R * LN_PI / 2) < 1e-9);
    assert_true(fabs(ln_geo_distance_km(0.4, 0.1, -0.4, 0.1 + LN_PI) -
                     R * LN_PI) < 1e-9);
    assert_true(ln_geo_distance_km(0.4, 0.1, 0.4, 0.1) == 0.0);
    /* Kyiv (50.4501, 30.5234) - Kharkiv (49.9935, 36.2304): ~ 409 km */
    double dk = ln_geo_distance_km(50.4501 * LN_DEG2RAD, 30.5234 * LN_DEG2RAD,
                                   49.9935 * LN_DEG2RAD,
                                   36.2304 * LN_DEG2RAD);
    assert_true(dk > 405.0 && dk < 413.0);
    /* due east along the equator: 90 deg; due north: 0; due south: 180 */
    assert_true(fabs(ln_geo_bearing_rad(0, 0, 0, 0.1) - LN_PI / 2) < 1e-12);
    assert_true(ln_geo_bearing_rad(0.1, 0.2, 0.3, 0.2) == 0.0);
    assert_true(fabs(ln_geo_bearing_rad(0.3, 0.2, 0.1, 0.2) - LN_PI) <
                1e-12);
    assert_true(fabs(ln_geo_bearing_rad(0, 0.1, 0, 0) - 1.5 * LN_PI) < 1e-12);

    double maxd = 0.0, maxb = 0.0;
    for (int i = 0; i < 20000; i++) {
        double la1 = (urand() * 180.0 - 90.0) * LN_DEG2RAD;
        double lo1 = (urand() * 360.0 - 180.0) * LN_DEG2RAD;
        double la2, lo2;
        if (i % 2) { /* nearby points: haversine's strength */
            la2 = la1 + (urand() - 0.5) * 1e-3;
            lo2 = lo1 + (urand() - 0.5) * 1e-3;
            if (fabs(la2) > LN_PI / 2)
                la2 = la1;
        } else {
            la2 = (urand() * 180.0 - 90.0) * LN_DEG2RAD;
            lo2 = (urand() * 360.0 - 180.0) * LN_DEG2RAD;
        }
        double d = ln_geo_distance_km(la1, lo1, la2, lo2);
        double want = eraSeps(lo1, la1, lo2, la2) * R;
        maxd = fmax(maxd, fabs(d - want));
        double bb = ln_geo_bearing_rad(la1, lo1, la2, lo2);
        assert_true(bb >= 0.0 && bb < LN_TWOPI);
        double pa = eraPas(lo1, la1, lo2, la2);
        maxb = fmax(maxb, angdiff(bb, pa) * d / R); /* as a distance */
    }
    print_message("haversine vs eraSeps: max %.2e km; bearing vs eraPas: "
                  "max %.2e rad (scaled by separation)\n", maxd, maxb);
    assert_true(maxd < 1e-9);
    assert_true(maxb < 1e-12);
}

/* 20 km north from 89.95 N 0 E: 5.5598 km to the pole (0.05 deg of
 * 111.1951 km, R = 6371.0088 km), then 14.4402 km down the 180 deg
 * meridian: 89.87014 N, 180 E (by hand; the same south of the south pole
 * and on a meridian other than 0). */
static void test_offset_over_pole(void **state)
{
    (void)state;
    const double d = LN_PI / 180.0;
    double lat = 89.95 * d, lon = 0.0;
    ln_geo_offset_km(&lat, &lon, 0.0, 20.0);
    assert_true(fabs(lat / d - 89.870135) < 1e-5);
    assert_true(fabs(fabs(lon / d) - 180.0) < 1e-9);
    lat = -89.95 * d;
    lon = 30.0 * d;
    ln_geo_offset_km(&lat, &lon, 0.0, -20.0);
    assert_true(fabs(lat / d + 89.870135) < 1e-5);
    assert_true(fabs(lon / d + 150.0) < 1e-9);
    /* away from the poles: unchanged rule (lat only) */
    lat = 50.0 * d;
    lon = 30.0 * d;
    ln_geo_offset_km(&lat, &lon, 0.0, 111.1950802335329);
    assert_true(fabs(lat / d - 51.0) < 1e-9);
    assert_true(fabs(lon / d - 30.0) < 1e-12);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_geodetic_ecef_vs_erfa),
        cmocka_unit_test(test_geodetic_special_points),
        cmocka_unit_test(test_topocentric_hand),
        cmocka_unit_test(test_topocentric_vs_erfa),
        cmocka_unit_test(test_distance_bearing),
        cmocka_unit_test(test_offset_over_pole),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
