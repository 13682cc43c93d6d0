/*
 * test_placement.c - where fixed terminals go (src/sim/place.c,
 * docs/scenario.md "Terminal placement"):
 * - a city inside a deny zone gets no terminals and its share goes to the
 *   other points in proportion to their weights (hand-computed shares,
 *   tolerance 4 binomial standard deviations);
 * - a zone whose coast stops short of the region's coast leaves a sliver
 *   that terminals fall in; the zone put on the region's coastline by
 *   scripts/data/coast_zones.py leaves none, and keeps its front line;
 * - a group that cannot be placed is refused, naming the group;
 * - the built-in day's fixed terminals, checked by Shapely
 *   (placement_check.py): none in the 2022-11-15 occupied area or the
 *   scenario's exclusion, none in Crimea, none within 25 km of Mariupol,
 *   fewer near Donetsk than near Kharkiv.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "leonet/geodesy.h"
#include "leonet/sim.h"
#include "sim/place.h"

#define SCRIPT LN_PROJECT_DATA "/../scripts/data/coast_zones.py"
#define CHECK LN_TEST_DATA "/../sim/placement_check.py"

/* A lon/lat box as a shape. */
static ln_geo_shape *box_shape(double lo0, double la0, double lo1,
                               double la1)
{
    double c[10] = {lo0, la0, lo1, la0, lo1, la1, lo0, la1, lo0, la0};
    ln_geo_ring r = {c, 5};
    ln_geo_polygon p = {&r, 1};
    ln_geo_shape *s = NULL;
    ln_diag d;
    assert_int_equal(ln_geo_shape_new(&p, 1, 0, &s, &d), 0);
    return s;
}

/* A zone set with one deny box. */
static ln_zoneset *deny_box(double lo0, double la0, double lo1, double la1)
{
    double c[10] = {lo0, la0, lo1, la0, lo1, la1, lo0, la1, lo0, la0};
    ln_geo_ring r = {c, 5};
    ln_geo_polygon p = {&r, 1};
    ln_zoneset *zs = NULL;
    ln_diag d;
    assert_int_equal(ln_zoneset_new(LN_ZONE_ALLOW, &zs), 0);
    assert_int_equal(ln_zoneset_add_polygons(zs, "occ", "occupied",
                                             LN_ZONE_DENY, 10, -INFINITY,
                                             INFINITY, &p, 1, 0, &d),
                     0);
    return zs;
}

static ln_weight_point wp(double lon_deg, double lat_deg, double w,
                          double sigma_km)
{
    return (ln_weight_point){lon_deg * LN_DEG2RAD, lat_deg * LN_DEG2RAD, w,
                             sigma_km};
}

/* |k - n p| within 4 binomial standard deviations. */
static void assert_share(long k, long n, double p)
{
    double sd = sqrt(n * p * (1 - p));
    if (fabs(k - n * p) > 4 * sd)
        fail_msg("%ld of %ld, expected %.1f +- %.1f (4 sd)", k, n, n * p,
                 4 * sd);
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
    ln_zoneset *zs = deny_box(0, 0, 4, 4);
    ln_weight_point pts[4] = {wp(2, 2, 5, 20), wp(7, 2, 1, 20),
                              wp(7, 7, 2, 20), wp(4.001, 2, 2, 20)};
    enum { N = 20000 };
    double *lon = malloc(N * sizeof *lon), *lat = malloc(N * sizeof *lat);
    int *from = malloc(N * sizeof *from);
    ln_diag d;
    assert_int_equal(ln__sim_place(reg, zs, pts, 4, 0.0, 7, N, lon, lat,
                                   from, "g", "t.json", &d),
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
    assert_int_equal(ln__sim_place(reg, zs, pts, 4, 0.0, 7, N, lon2, lat2,
                                   NULL, "g", "t.json", &d),
                     0);
    assert_memory_equal(lon, lon2, N * sizeof *lon);
    assert_memory_equal(lat, lat2, N * sizeof *lat);
    free(lon2);
    free(lat2);
    /* rural: uniform over the allowed land (area shares on the sphere:
     * the zone is sin(4 deg) * 4 / (sin(10 deg) * 10) of the box) */
    assert_int_equal(ln__sim_place(reg, zs, pts, 4, 1.0, 8, N, lon, lat,
                                   from, "g", "t.json", &d),
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
    ln_zoneset_free(zs);
    ln_geo_shape_free(reg);
}

/* A group that cannot be placed is refused by name. */
static void test_unplaceable(void **state)
{
    (void)state;
    ln_geo_shape *reg = box_shape(0, 0, 1, 1);
    ln_zoneset *all = deny_box(-1, -1, 2, 2);
    ln_weight_point p = wp(0.5, 0.5, 1, 10);
    double lon[4], lat[4];
    ln_diag d;
    /* every point in the zone, nothing rural */
    assert_int_equal(ln__sim_place(reg, all, &p, 1, 0.0, 1, 4, lon, lat,
                                   NULL, "front", "s.json", &d),
                     LN_ESCENARIO);
    assert_non_null(strstr(d.msg, "terminals 'front'"));
    assert_non_null(strstr(d.msg, "exclude"));
    /* rural, but the zone covers the whole region: bounded draws */
    assert_int_equal(ln__sim_place(reg, all, NULL, 0, 0.0, 1, 4, lon, lat,
                                   NULL, "rural", "s.json", &d),
                     LN_ESCENARIO);
    assert_non_null(strstr(d.msg, "terminals 'rural': terminal 1 of 4"));
    assert_non_null(strstr(d.msg, "100000 draws"));
    assert_string_equal(d.file, "s.json");
    /* a point in the sea, 60 sigma away from the region: clustered draws
     * never land, refused after the bound */
    ln_weight_point sea = wp(5, 5, 1, 1);
    ln_zoneset *none = deny_box(20, 20, 21, 21);
    assert_int_equal(ln__sim_place(reg, none, &sea, 1, 0.0, 1, 4, lon, lat,
                                   NULL, "sea", "s.json", &d),
                     LN_ESCENARIO);
    assert_non_null(strstr(d.msg, "terminals 'sea'"));
    assert_non_null(strstr(d.msg, "clustered"));
    ln_zoneset_free(none);
    ln_zoneset_free(all);
    ln_geo_shape_free(reg);
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

/* Region (land) 30..31 E, 50..51 N. The occupied zone covers 30.5..30.98
 * E and runs past the region north and south (as DeepState's polygons run
 * into the sea), but its "coast" stops 0.02 deg (1.4 km) short of the
 * region's east coast: a sliver 30.98..31 E that is land for the region
 * and outside the zone. Uniform terminals (rural_share 1) fall in it at
 * the rate 0.02 / 0.52 of the allowed area; on the zone put on the
 * region's coastline (scripts/data/coast_zones.py) none does, and the
 * front line (30.5 E) is where it was. */
static void test_coast_sliver(void **state)
{
    (void)state;
    char dir[] = "/tmp/ln-placement-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char rp[256], zp[256], op[256], cmd[1024];
    snprintf(rp, sizeof rp, "%s/region.geojson", dir);
    snprintf(zp, sizeof zp, "%s/zone.geojson", dir);
    snprintf(op, sizeof op, "%s/zone_coast.geojson", dir);
    write_text(rp, "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":"
                   "\"Feature\",\"properties\":{},\"geometry\":{\"type\":"
                   "\"Polygon\",\"coordinates\":[[[30,50],[31,50],[31,51],"
                   "[30,51],[30,50]]]}}]}");
    write_text(zp, "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":"
                   "\"Feature\",\"properties\":{\"name\":\"occ\"},"
                   "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
                   "[[[30.5,49.9],[30.98,49.9],[30.98,51.1],[30.5,51.1],"
                   "[30.5,49.9]]]}}]}");
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 %s --region %s --zone %s --out %s >/dev/null",
             SCRIPT, rp, zp, op);
    assert_int_equal(system(cmd), 0);

    ln_geo_shape *reg = box_shape(30, 50, 31, 51);
    ln_zoneset *raw = NULL, *coast = NULL;
    ln_diag d;
    assert_int_equal(ln_zoneset_new(LN_ZONE_ALLOW, &raw), 0);
    assert_int_equal(ln_zoneset_load_geojson(raw, zp, 0, &d), 0);
    assert_int_equal(ln_zoneset_new(LN_ZONE_ALLOW, &coast), 0);
    assert_int_equal(ln_zoneset_load_geojson(coast, op, 0, &d), 0);
    enum { N = 5000 };
    static double lon[N], lat[N];
    long n_sliver = 0;
    assert_int_equal(ln__sim_place(reg, raw, NULL, 0, 1.0, 3, N, lon, lat,
                                   NULL, "g", "t.json", &d),
                     0);
    for (int i = 0; i < N; i++)
        n_sliver += lon[i] * LN_RAD2DEG > 30.98;
    /* the case has the problem: 0.02 / 0.52 of the allowed area */
    assert_share(n_sliver, N, 0.02 / 0.52);
    assert_int_equal(ln__sim_place(reg, coast, NULL, 0, 1.0, 3, N, lon, lat,
                                   NULL, "g", "t.json", &d),
                     0);
    long west = 0;
    for (int i = 0; i < N; i++) {
        double lo = lon[i] * LN_RAD2DEG;
        assert_true(lo < 30.5); /* nothing in the sliver, nor the zone */
        west += lo < 30.5;
    }
    assert_int_equal(west, N);
    /* the front line stays: free land 0.01 deg west of it is allowed, the
     * sliver is denied */
    ln_zone_decision z = ln_zoneset_decide_deg(coast, 30.49, 50.5, NAN);
    assert_true(z.zone < 0);
    z = ln_zoneset_decide_deg(coast, 30.99, 50.5, NAN);
    assert_true(z.zone >= 0 && z.action == LN_ZONE_DENY);
    ln_zoneset_free(raw);
    ln_zoneset_free(coast);
    ln_geo_shape_free(reg);
    remove(rp);
    remove(zp);
    remove(op);
    rmdir(dir);
}

/* The built-in day's fixed terminals, checked against the data files by
 * Shapely (placement_check.py). */
static void test_builtin_day(void **state)
{
    (void)state;
    const char *text = ln_scenario_builtin("ukraine-2022");
    assert_non_null(text);
    ln_scenario *sc;
    ln_diag d;
    assert_int_equal(ln_scenario_parse(text, strlen(text), NULL, &sc, &d), 0);
    char csv[] = "/tmp/ln-placement-day-XXXXXX";
    int fd = mkstemp(csv);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    fprintf(f, "group,lon,lat\n");
    long total = 0;
    for (size_t g = 0; g < sc->ngroups; g++) {
        const ln_sc_group *gr = &sc->groups[g];
        if (gr->kind != LN_TG_FIXED)
            continue;
        size_t n = (size_t)gr->count;
        double *lon = malloc(n * sizeof *lon), *lat = malloc(n * sizeof *lat);
        if (ln__sim_place_group(sc, g, n, lon, lat, &d))
            fail_msg("%s", d.msg);
        for (size_t i = 0; i < n; i++)
            fprintf(f, "%s,%.7f,%.7f\n", gr->name, lon[i] * LN_RAD2DEG,
                    lat[i] * LN_RAD2DEG);
        total += (long)n;
        free(lon);
        free(lat);
    }
    assert_int_equal(fclose(f), 0);
    assert_int_equal(total, 20000);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s %s %s", CHECK, csv,
             LN_PROJECT_DATA);
    assert_int_equal(system(cmd), 0);
    remove(csv);
    ln_scenario_free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deny_city_goes_elsewhere),
        cmocka_unit_test(test_unplaceable),
        cmocka_unit_test(test_coast_sliver),
        cmocka_unit_test(test_builtin_day),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
