/*
 * test_link.c - the link step (ln_link, link.h) and the elevation test
 * (geodesy.h ln_site_above) against hand-worked geometry.
 *
 * Geometry: sites on the equator (lat 0). At (0, 0) the ECEF position is
 * (a, 0, 0) with a = 6378.137 km, up = (1, 0, 0), north = (0, 0, 1), so a
 * target at range rho and elevation el due north (south) of the site is
 * (a + rho sin el, 0, +-rho cos el) exactly as written below. A satellite
 * straight above a site at longitude lon stands at (a + h)(cos lon,
 * sin lon, 0). The elevation of a satellite at height h seen from a
 * site at central angle g on a sphere of radius R is
 *   el = atan((cos g - R / (R + h)) / sin g):
 * h = 550, g = 12 deg: cos g = 0.97815, R / (R + h) = 0.92061 (R =
 * 6378.137), sin g = 0.20791: el = atan(0.2768) = 15.5 deg (between the
 * gateway mask, 10, and the terminal mask, 25); g = 2 deg: cos g =
 * 0.99939, sin g = 0.034899: el = atan(2.2586) = 66.1 deg (above both).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "leonet/cell.h"
#include "leonet/geodesy.h"
#include "leonet/link.h"

#define A_KM LN_WGS84_A_KM
#define NSMAX 4
#define NTMAX 8

/* A link world: satellites' ECEF positions, gateways, terminals. */
typedef struct world {
    double x[NSMAX], y[NSMAX], z[NSMAX];
    unsigned char usable[NSMAX];
    size_t nsat, nt, ngw;
    ln_site site[NTMAX], gw[2];
    int ant[2];
    ln_cell beam[NTMAX];
    unsigned char allowed[NTMAX];
    double demand[NTMAX];
    ln_link *l;
} world;

static void prep(ln_site *s, double lat_deg, double lon_deg)
{
    ln_geodetic g = {lat_deg * LN_DEG2RAD, lon_deg * LN_DEG2RAD, 0.0};
    ln_site_prepare(&g, s);
}

static void terminal(world *w, double lat_deg, double lon_deg)
{
    size_t i = w->nt++;
    prep(&w->site[i], lat_deg, lon_deg);
    assert_int_equal(ln_cell_from_latlon_deg(lat_deg, lon_deg, 5,
                                             &w->beam[i]),
                     0);
    w->allowed[i] = 1;
    w->demand[i] = 100;
}

/* The world's one gateway, at (0, 0), with its antennas. */
static void one_gateway(world *w, int antennas)
{
    w->ngw = 1;
    prep(&w->gw[0], 0, 0);
    w->ant[0] = antennas;
}

/* Satellite s at range rho (km) and elevation el (deg) from (0, 0), due
 * north (dir 1) or south (dir -1). */
static void sat_el(world *w, size_t s, double el_deg, double rho, int dir)
{
    double el = el_deg * LN_DEG2RAD;
    w->x[s] = A_KM + rho * sin(el);
    w->y[s] = 0;
    w->z[s] = dir * rho * cos(el);
    w->usable[s] = 1;
}

/* Satellite s at height h straight above (0, lon). */
static void sat_above(world *w, size_t s, double lon_deg, double h)
{
    double lon = lon_deg * LN_DEG2RAD;
    w->x[s] = (A_KM + h) * cos(lon);
    w->y[s] = (A_KM + h) * sin(lon);
    w->z[s] = 0;
    w->usable[s] = 1;
}

static void open_link(world *w, int beams_per_sat, double beam_mbps,
                      double sat_mbps)
{
    ln_link_config c = {
        .mask_rad = 25 * LN_DEG2RAD,
        .gw_mask_rad = 10 * LN_DEG2RAD,
        .beams_per_sat = beams_per_sat,
        .beam_capacity_mbps = beam_mbps,
        .sat_capacity_mbps = sat_mbps,
        .nthreads = 2,
        .nsat = w->nsat,
        .max_alt_km = 2000,
        .ngw = w->ngw,
        .gw_site = w->gw,
        .gw_antennas = w->ant,
        .nt = w->nt,
        .site = w->site,
        .beam = w->beam,
    };
    assert_int_equal(ln_link_new(&c, &w->l), 0);
}

/* One bent-pipe step: sky, areas, serve, gateways, capacity. */
static ln_link_results step(world *w)
{
    ln_link_sky(w->l, w->x, w->y, w->z, w->usable);
    ln_link_areas(w->l, NULL, 0);
    ln_link_serve(w->l, NULL, w->allowed, 0, NULL);
    ln_link_gateways(w->l, NULL, 0);
    ln_link_capacity(w->l, NULL, w->demand, NULL);
    return ln_link_results_of(w->l);
}

/* ln_site_above against targets 1e-7 rad above and below a mask, far
 * above and below the horizon, and a negative mask (exact test). */
static void test_above_mask(void **state)
{
    (void)state;
    ln_site s;
    prep(&s, 0, 0);
    const double m = 25 * LN_DEG2RAD, sm = sin(m);
    double r[3];
    double els[] = {m + 1e-7, m - 1e-7, 80 * LN_DEG2RAD, -5 * LN_DEG2RAD,
                    m + 1e-12};
    int want[] = {1, 0, 1, 0, 1};
    for (int k = 0; k < 5; k++) {
        r[0] = A_KM + 1000 * sin(els[k]);
        r[1] = 0;
        r[2] = 1000 * cos(els[k]);
        assert_int_equal(ln_site_above(&s, r, sm), want[k]);
        /* the same answer as the exact comparison */
        assert_int_equal(ln_site_sin_elevation(&s, r) >= sm, want[k]);
        assert_true(fabs(ln_site_sin_el(&s, r) - sin(els[k])) < 1e-12);
    }
    /* a negative mask: -5 deg is above -10 deg, -15 is not */
    r[0] = A_KM + 1000 * sin(-5 * LN_DEG2RAD);
    r[2] = 1000 * cos(-5 * LN_DEG2RAD);
    assert_int_equal(ln_site_above(&s, r, sin(-10 * LN_DEG2RAD)), 1);
    r[0] = A_KM + 1000 * sin(-15 * LN_DEG2RAD);
    r[2] = 1000 * cos(-15 * LN_DEG2RAD);
    assert_int_equal(ln_site_above(&s, r, sin(-10 * LN_DEG2RAD)), 0);
}

/* The highest satellite serves; one just below the mask does not; the
 * gateway at the terminal's own place: RTT = 4 rho / c. */
static void test_serve_highest(void **state)
{
    (void)state;
    world w = {0};
    w.nsat = 3;
    sat_el(&w, 0, 40, 1000, 1);
    sat_el(&w, 1, 60, 1000, -1);
    sat_el(&w, 2, 25 - 1e-5, 1000, 1); /* just below the mask */
    one_gateway(&w, 4);
    terminal(&w, 0, 0);
    open_link(&w, 8, 1000, 10000);
    ln_link_results r = step(&w);
    assert_int_equal(r.serving[0], 1);
    assert_int_equal(r.outcome[0], LN_LINK_OK);
    assert_int_equal(r.covered[0], 1);
    assert_int_equal(r.handover[0], 0);
    assert_int_equal(r.hops[0], 0);
    assert_true(fabs(r.rate_mbps[0] - 100) < 1e-9);
    assert_true(fabs(r.rtt_ms[0] - 4000.0 / LN_C_KM_S * 1e3) < 1e-4);
    /* only the one below the mask: no satellite */
    w.usable[0] = w.usable[1] = 0;
    r = step(&w);
    assert_int_equal(r.serving[0], -1);
    assert_int_equal(r.outcome[0], LN_LINK_NO_SAT);
    assert_int_equal(r.covered[0], 0);
    assert_true(r.rate_mbps[0] == 0);
    /* just above it: served */
    sat_el(&w, 2, 25 + 1e-5, 1000, 1);
    r = step(&w);
    assert_int_equal(r.serving[0], 2);
    assert_int_equal(r.outcome[0], LN_LINK_OK);
    /* denied by the caller: coverage only */
    w.allowed[0] = 0;
    r = step(&w);
    assert_int_equal(r.serving[0], -1);
    assert_int_equal(r.outcome[0], LN_LINK_DENIED);
    assert_int_equal(r.covered[0], 1);
    ln_link_free(w.l);
}

/* Sticky: the serving satellite is kept while above the mask, even when
 * another rises higher; when it sets, the terminal hands over. */
static void test_handover_when_setting(void **state)
{
    (void)state;
    world w = {0};
    w.nsat = 2;
    sat_el(&w, 0, 60, 1000, 1);
    sat_el(&w, 1, 40, 1000, -1);
    one_gateway(&w, 4);
    terminal(&w, 0, 0);
    open_link(&w, 8, 1000, 10000);
    ln_link_results r = step(&w);
    assert_int_equal(r.serving[0], 0);
    assert_int_equal(r.handover[0], 0); /* the first: not a handover */
    sat_el(&w, 0, 30, 1000, 1);
    sat_el(&w, 1, 70, 1000, -1);
    r = step(&w);
    assert_int_equal(r.serving[0], 0); /* kept: still above 25 */
    assert_int_equal(r.handover[0], 0);
    sat_el(&w, 0, 20, 1000, 1); /* sets below the mask */
    r = step(&w);
    assert_int_equal(r.serving[0], 1);
    assert_int_equal(r.handover[0], 1);
    assert_int_equal(r.outcome[0], LN_LINK_OK);
    ln_link_free(w.l);
}

/* One antenna, two satellites with users: the one with more users takes
 * it; a terminal of the other that sees the first moves to it (rehome);
 * one that does not gets "no-gateway". Gateway at (0, 0), 1 antenna;
 * S0 above (0, 0), S1 above (0, lon). */
static void antenna_case(double lon_deg, int rehomed)
{
    world w = {0};
    w.nsat = 2;
    sat_above(&w, 0, 0, 550);
    sat_above(&w, 1, lon_deg, 550);
    one_gateway(&w, 1);
    terminal(&w, 0, 0);
    terminal(&w, 0, 0.01);
    terminal(&w, 0, lon_deg);
    open_link(&w, 8, 1000, 10000);
    ln_link_results r = step(&w);
    assert_int_equal(r.serving[0], 0);
    assert_int_equal(r.serving[1], 0);
    assert_int_equal(r.outcome[0], LN_LINK_OK);
    assert_int_equal(r.outcome[1], LN_LINK_OK);
    if (rehomed) {
        assert_int_equal(r.serving[2], 0);
        assert_int_equal(r.outcome[2], LN_LINK_OK);
    } else {
        assert_int_equal(r.serving[2], 1);
        assert_int_equal(r.outcome[2], LN_LINK_NO_GW);
        assert_true(r.rate_mbps[2] == 0);
        assert_int_equal(r.hops[2], -1);
    }
    ln_link_free(w.l);
}

static void test_antenna_limit(void **state)
{
    (void)state;
    antenna_case(2, 1);   /* S0 at ~66 deg from (0, 2): rehomed */
    antenna_case(12, 0);  /* S0 at 15.5 deg from (0, 12): no-gateway */
}

/* Four terminals in four beam cells on one satellite, 100 Mb/s each:
 * beams_per_sat 2 gives each beam 2/4 of 100 Mb/s (50 each); a satellite
 * cap of 120 then scales the 200 granted by 0.6 (30 each); with 4 beams
 * and room, each gets its 100. */
static void capacity_case(int beams, double sat_mbps, double want)
{
    world w = {0};
    w.nsat = 1;
    sat_above(&w, 0, 0, 550);
    one_gateway(&w, 1);
    for (int k = 0; k < 4; k++)
        terminal(&w, 0.3 * k, 0);
    for (int k = 1; k < 4; k++)
        assert_true(w.beam[k] != w.beam[k - 1]);
    open_link(&w, beams, 100, sat_mbps);
    ln_link_results r = step(&w);
    for (int k = 0; k < 4; k++) {
        assert_int_equal(r.outcome[k], LN_LINK_OK);
        if (fabs(r.rate_mbps[k] - want) > 1e-9)
            fail_msg("terminal %d: rate %.12g, want %.12g", k,
                     r.rate_mbps[k], want);
    }
    ln_link_free(w.l);
}

static void test_capacity_share(void **state)
{
    (void)state;
    capacity_case(2, 10000, 50);
    capacity_case(2, 120, 30);
    capacity_case(4, 10000, 100);
}

/* The visible gateways of a satellite, nearest first: straight above
 * gateway 1 (550 km), then gateway 0, 2 deg away (farther). */
static void test_gateways_visible(void **state)
{
    (void)state;
    world w = {0};
    w.nsat = 1;
    sat_above(&w, 0, 2, 550);
    w.ngw = 2;
    prep(&w.gw[0], 0, 0);
    prep(&w.gw[1], 0, 2);
    w.ant[0] = w.ant[1] = 1;
    terminal(&w, 0, 2);
    open_link(&w, 8, 1000, 10000);
    step(&w);
    ln_link_gwvis v = ln_link_gateways_visible(w.l);
    assert_int_equal(v.stride, LN_GW_PER_SAT);
    assert_int_equal(v.n[0], 2);
    assert_int_equal(v.gi[0], 1);
    assert_int_equal(v.gi[1], 0);
    assert_true(fabs(v.km[0] - 550) < 1e-3);
    assert_true(v.km[1] > 550);
    ln_link_free(w.l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_above_mask),
        cmocka_unit_test(test_serve_highest),
        cmocka_unit_test(test_handover_when_setting),
        cmocka_unit_test(test_antenna_limit),
        cmocka_unit_test(test_capacity_share),
        cmocka_unit_test(test_gateways_visible),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
