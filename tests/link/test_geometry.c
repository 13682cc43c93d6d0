/*
 * test_geometry.c - hand-checked visibility geometry of the satellite
 * index: a satellite straight overhead (zenith) and satellites exactly at
 * the elevation mask, on the equator and at 45 deg N.
 *
 * The reference positions are built here by hand from the textbook
 * WGS-84 formulas, not with leonet's geodesy:
 *   N = a / sqrt(1 - e^2 sin^2 phi),
 *   site = ((N + h) cos phi cos lam, (N + h) cos phi sin lam,
 *           (N (1 - e^2) + h) sin phi),
 *   up = (cos phi cos lam, cos phi sin lam, sin phi)       (ellipsoid normal)
 *   north = (-sin phi cos lam, -sin phi sin lam, cos phi).
 * A satellite at elevation E and azimuth 0 at slant range rho is
 * site + rho (cos E north + sin E up): its sin(elevation) is sin E exactly
 * (up this is a unit vector orthogonal to north). The index must find it
 * when the mask is a hair below E and must not when it is a hair above.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "leonet/geodesy.h"
#include "leonet/link.h"

#define WGS84_A 6378.137
#define WGS84_F (1.0 / 298.257223563)
#define DEG (3.14159265358979323846 / 180.0)

typedef struct hand_site {
    double r[3], up[3], north[3];
} hand_site;

static hand_site by_hand(double lat_deg, double lon_deg, double h_km)
{
    double e2 = WGS84_F * (2.0 - WGS84_F);
    double p = lat_deg * DEG, l = lon_deg * DEG;
    double n = WGS84_A / sqrt(1.0 - e2 * sin(p) * sin(p));
    hand_site s;
    s.r[0] = (n + h_km) * cos(p) * cos(l);
    s.r[1] = (n + h_km) * cos(p) * sin(l);
    s.r[2] = (n * (1.0 - e2) + h_km) * sin(p);
    s.up[0] = cos(p) * cos(l);
    s.up[1] = cos(p) * sin(l);
    s.up[2] = sin(p);
    s.north[0] = -sin(p) * cos(l);
    s.north[1] = -sin(p) * sin(l);
    s.north[2] = cos(p);
    return s;
}

/* A satellite seen from s at elevation el_deg (azimuth 0), rho km away. */
static void place(const hand_site *s, double el_deg, double rho, double *x,
                  double *y, double *z)
{
    double ce = cos(el_deg * DEG), se = sin(el_deg * DEG);
    *x = s->r[0] + rho * (ce * s->north[0] + se * s->up[0]);
    *y = s->r[1] + rho * (ce * s->north[1] + se * s->up[1]);
    *z = s->r[2] + rho * (ce * s->north[2] + se * s->up[2]);
}

static ln_site site_of(double lat_deg, double lon_deg)
{
    ln_geodetic g = {lat_deg * DEG, lon_deg * DEG, 0.0};
    ln_site s;
    ln_site_prepare(&g, &s);
    return s;
}

/* Zenith on the equator: the satellite 550 km above (6928.137, 0, 0) km;
 * the site itself is (a, 0, 0), so the slant range is 550 km and
 * sin(elevation) is 1 exactly. At 45 deg N the ellipsoid normal is not
 * the radius: a satellite along the normal is at zenith, one along the
 * radius is not (the angle between them is the 0.19 deg difference of
 * geodetic and geocentric latitude). */
static void test_zenith(void **state)
{
    (void)state;
    hand_site h = by_hand(0, 0, 0);
    assert_true(fabs(h.r[0] - WGS84_A) < 1e-12);
    double x[3], y[3], z[3];
    x[0] = WGS84_A + 550.0, y[0] = 0, z[0] = 0;
    hand_site h45 = by_hand(45, 30, 0);
    place(&h45, 90.0, 550.0, &x[1], &y[1], &z[1]);
    /* along the geocentric radius through the 45 deg N site */
    double rr = sqrt(h45.r[0] * h45.r[0] + h45.r[1] * h45.r[1] +
                     h45.r[2] * h45.r[2]);
    x[2] = h45.r[0] * (rr + 550.0) / rr;
    y[2] = h45.r[1] * (rr + 550.0) / rr;
    z[2] = h45.r[2] * (rr + 550.0) / rr;

    ln_satindex *ix;
    assert_int_equal(ln_satindex_new(3, 600.0, 10.0 * DEG, &ix), 0);
    ln_satindex_build(ix, x, y, z, NULL, 3);
    ln_site s0 = site_of(0, 0), s45 = site_of(45, 30);
    assert_true(fabs(ln_satindex_sin_el(ix, &s0, 0) - 1.0) < 1e-15);
    assert_true(fabs(ln_satindex_sin_el(ix, &s45, 1) - 1.0) < 1e-15);
    /* geocentric vs geodetic latitude at 45 deg: 0.1924 deg (textbook:
     * tan(psi) = (1 - e^2) tan(phi)); the satellite on the radius is
     * seen along the radius, off the zenith by exactly that angle */
    double el2 = asin(ln_satindex_sin_el(ix, &s45, 2)) / DEG;
    double psi = atan((1.0 - WGS84_F * (2.0 - WGS84_F)) * tan(45.0 * DEG));
    assert_true(fabs(el2 - (90.0 - (45.0 - psi / DEG))) < 1e-9);
    assert_true(fabs(el2 - (90.0 - 0.1924)) < 1e-4);
    int idx[4];
    double se[4];
    assert_int_equal(ln_satindex_visible(ix, &s0, sin(89.999 * DEG), idx,
                                         se, 4),
                     1);
    assert_int_equal(idx[0], 0);
    assert_int_equal(ln_satindex_visible(ix, &s45, sin(89.999 * DEG), idx,
                                         se, 4),
                     1);
    assert_int_equal(idx[0], 1);
    ln_satindex_free(ix);
}

/* Exactly at the 25 deg mask, at three places and three slant ranges
 * (the 550 km shell seen at 25 deg is about 1,120 km away). */
static void test_at_mask(void **state)
{
    (void)state;
    const double where[][2] = {{0, 0}, {45, 30}, {-60, -120}};
    const double rho[] = {900.0, 1123.0, 1300.0};
    for (int w = 0; w < 3; w++) {
        hand_site h = by_hand(where[w][0], where[w][1], 0);
        ln_site s = site_of(where[w][0], where[w][1]);
        double x[3], y[3], z[3];
        for (int k = 0; k < 3; k++)
            place(&h, 25.0, rho[k], &x[k], &y[k], &z[k]);
        ln_satindex *ix;
        assert_int_equal(ln_satindex_new(3, 1200.0, 20.0 * DEG, &ix), 0);
        ln_satindex_build(ix, x, y, z, NULL, 3);
        double m = sin(25.0 * DEG);
        for (int k = 0; k < 3; k++)
            assert_true(fabs(ln_satindex_sin_el(ix, &s, k) - m) < 1e-12);
        int idx[4];
        double se[4];
        /* a hair below the mask: all three; a hair above: none */
        assert_int_equal(ln_satindex_visible(ix, &s, m - 1e-9, idx, se, 4),
                         3);
        for (int k = 0; k < 3; k++) {
            assert_int_equal(idx[k], k);
            assert_true(fabs(se[k] - m) < 1e-12);
        }
        assert_int_equal(ln_satindex_visible(ix, &s, m + 1e-9, idx, se, 4),
                         0);
        assert_int_equal(ln_satindex_any_visible(ix, &s, m - 1e-9), 1);
        assert_int_equal(ln_satindex_any_visible(ix, &s, m + 1e-9), 0);
        /* the shared candidate list of the site's area holds them all */
        int cand[64];
        size_t nc = ln_satindex_near(ix, s.geo.lat_rad, s.geo.lon_rad, 0.0,
                                     cand, 64);
        assert_int_equal(nc, 3);
        ln_satindex_free(ix);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zenith),
        cmocka_unit_test(test_at_mask),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
