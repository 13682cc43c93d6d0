/*
 * test_placement.c - link's placement rule (ln_link_place,
 * src/link/place.c; docs/scenario.md "Terminal placement"):
 * - a city inside an excluded area gets no terminals and its share goes
 *   to the other points in proportion to their weights (hand-computed
 *   shares, tolerance 4 binomial standard deviations);
 * - a group that cannot be placed is refused, naming the group.
 * The scenario-level cases (zone files, the built-in day) are in
 * tests/sim/test_placement.c.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "leonet/geodesy.h"
#include "placement_util.h"
#include "leonet/link.h"

/* An excluded lon/lat box (closed, as a zone holds its boundary). */
typedef struct box {
    double lo0, la0, lo1, la1; /* deg */
} box;

static int in_box(void *user, double lat_rad, double lon_rad)
{
    const box *b = user;
    double lo = lon_rad * LN_RAD2DEG, la = lat_rad * LN_RAD2DEG;
    return lo >= b->lo0 && lo <= b->lo1 && la >= b->la0 && la <= b->la1;
}

static ln_weight_point wp(double lat_deg, double lon_deg, double w,
                          double sigma_km)
{
    return (ln_weight_point){lat_deg * LN_DEG2RAD, lon_deg * LN_DEG2RAD, w,
                             sigma_km};
}

/* Region 0..10 E, 0..10 N; deny box 0..4 E, 0..4 N holds city A (weight
 * 5). B (weight 1) and C (weight 2) lie far from every edge (sigma 20 km,
 * 0.18 deg; 8 sigma from the nearest edge): every draw around them is
 * allowed. D (weight 2) sits 0.001 deg (0.111 km) east of the zone's
 * east edge, in allowed land: a draw around it is allowed when its east
 * offset exceeds -0.111 km, probability a_D = Phi(0.111/20) = 0.50222
 * (the offset's longitude is exactly east_km / (R cos lat) and the edge
 * is a meridian). Rule: A weighs 0; B, C, D keep w a: shares
 * 1 : 2 : 1.00444, i.e. 0.24972, 0.49945, 0.25083. With the old rule
 * (retry 200 times around the same point) D would keep 2/5 = 0.4 and its
 * rejected half would pile up on the zone's edge. */
static void test_deny_city_goes_elsewhere(void **state)
{
    (void)state;
    ln_geo_shape *reg = box_shape(0, 0, 10, 10);
    box zs = {0, 0, 4, 4};
    ln_weight_point pts[4] = {wp(2, 2, 5, 20), wp(2, 7, 1, 20),
                              wp(7, 7, 2, 20), wp(2, 4.001, 2, 20)};
    enum { N = 20000 };
    double *lon = malloc(N * sizeof *lon), *lat = malloc(N * sizeof *lat);
    int *from = malloc(N * sizeof *from);
    ln_diag d;
    assert_int_equal(ln_link_place(reg, in_box, &zs, pts, 4, 0.0, 7, N, lat,
                                   lon, from, "g", "t.json", &d),
                     0);
    long cnt[4] = {0};
    for (int i = 0; i < N; i++) {
        assert_true(from[i] >= 1 && from[i] <= 3);
        cnt[from[i]]++;
        double lo = lon[i] * LN_RAD2DEG, la = lat[i] * LN_RAD2DEG;
        assert_false(lo <= 4 && la <= 4); /* never in the zone */
    }
    double aD = 0.5 * erfc(-(0.001 * LN_DEG2RAD * LN_EARTH_MEAN_R_KM / 20.0) /
                           sqrt(2.0));
    assert_true(fabs(aD - 0.50222) < 1e-4);
    double tot = 1 + 2 + 2 * aD;
    assert_int_equal(cnt[0], 0);
    assert_share(cnt[1], N, 1 / tot);
    assert_share(cnt[2], N, 2 / tot);
    assert_share(cnt[3], N, 2 * aD / tot);
    /* no pile-up on the edge: within 0.05 deg east of it, D's density
     * alone (its Gaussian, 0.111..5.67 km east of the centre) */
    long edge = 0;
    for (int i = 0; i < N; i++)
        if (lon[i] * LN_RAD2DEG < 4.05 && fabs(lat[i] * LN_RAD2DEG - 2) < 1)
            edge++;
    double cos2 = cos(2 * LN_DEG2RAD);
    double km = (4.05 - 4.001) * LN_DEG2RAD * LN_EARTH_MEAN_R_KM * cos2;
    double pe = 0.5 * erfc(-(km / 20.0) / sqrt(2.0)) - (1 - aD);
    assert_share(edge, N, 2 * pe / tot);
    /* deterministic for a seed */
    double *lon2 = malloc(N * sizeof *lon2), *lat2 = malloc(N * sizeof *lat2);
    assert_int_equal(ln_link_place(reg, in_box, &zs, pts, 4, 0.0, 7, N, lat2,
                                   lon2, NULL, "g", "t.json", &d),
                     0);
    assert_memory_equal(lon, lon2, N * sizeof *lon);
    assert_memory_equal(lat, lat2, N * sizeof *lat);
    free(lon2);
    free(lat2);
    /* rural: uniform over the allowed land (area shares on the sphere:
     * the zone is sin(4 deg) * 4 / (sin(10 deg) * 10) of the box) */
    assert_int_equal(ln_link_place(reg, in_box, &zs, pts, 4, 1.0, 8, N, lat,
                                   lon, from, "g", "t.json", &d),
                     0);
    long west = 0; /* 0..4 E, 4..10 N: allowed */
    for (int i = 0; i < N; i++) {
        assert_int_equal(from[i], -1);
        if (lon[i] * LN_RAD2DEG < 4)
            west++;
    }
    double az = 4 * sin(4 * LN_DEG2RAD), ab = 10 * sin(10 * LN_DEG2RAD);
    assert_share(west, N, (4 * sin(10 * LN_DEG2RAD) - az) / (ab - az));
    free(lon);
    free(lat);
    free(from);
    ln_geo_shape_free(reg);
}

/* A group that cannot be placed is refused by name. */
static void test_unplaceable(void **state)
{
    (void)state;
    ln_geo_shape *reg = box_shape(0, 0, 1, 1);
    box all = {-1, -1, 2, 2};
    ln_weight_point p = wp(0.5, 0.5, 1, 10);
    double lon[4], lat[4];
    ln_diag d;
    /* every point in the zone, nothing rural */
    assert_int_equal(ln_link_place(reg, in_box, &all, &p, 1, 0.0, 1, 4, lat,
                                   lon, NULL, "front", "s.json", &d),
                     LN_ESCENARIO);
    assert_non_null(strstr(d.msg, "terminals 'front'"));
    assert_non_null(strstr(d.msg, "exclude"));
    /* rural, but the zone covers the whole region: bounded draws */
    assert_int_equal(ln_link_place(reg, in_box, &all, NULL, 0, 0.0, 1, 4, lat,
                                   lon, NULL, "rural", "s.json", &d),
                     LN_ESCENARIO);
    assert_non_null(strstr(d.msg, "terminals 'rural': terminal 1 of 4"));
    assert_non_null(strstr(d.msg, "100000 draws"));
    assert_string_equal(d.file, "s.json");
    /* a point in the sea, 60 sigma away from the region: clustered draws
     * never land, refused after the bound */
    ln_weight_point sea = wp(5, 5, 1, 1);
    box none = {20, 20, 21, 21};
    assert_int_equal(ln_link_place(reg, in_box, &none, &sea, 1, 0.0, 1, 4, lat,
                                   lon, NULL, "sea", "s.json", &d),
                     LN_ESCENARIO);
    assert_non_null(strstr(d.msg, "terminals 'sea'"));
    assert_non_null(strstr(d.msg, "clustered"));
    ln_geo_shape_free(reg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deny_city_goes_elsewhere),
        cmocka_unit_test(test_unplaceable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
