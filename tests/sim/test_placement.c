/*
 * test_placement.c - where a scenario's fixed terminals go
 * (src/sim/place.c over link's rule, docs/scenario.md "Terminal
 * placement"; the rule's own cases are in tests/link/test_placement.c):
 * - a zone whose coast stops short of the region's coast leaves a sliver
 *   that terminals fall in; the zone put on the region's coastline by
 *   scripts/data/coast_zones.py leaves none, and keeps its front line;
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
#include "placement_util.h"
#include "leonet/sim.h"
#include "sim/place.h"

#define SCRIPT LN_PROJECT_DATA "/../scripts/data/coast_zones.py"
#define CHECK LN_TEST_DATA "/../sim/placement_check.py"

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

    ln_geo_shape *reg = box_shape(50, 30, 51, 31);
    ln_zoneset *raw = NULL, *coast = NULL;
    ln_diag d;
    assert_int_equal(ln_zoneset_new(LN_ZONE_ALLOW, &raw), 0);
    assert_int_equal(ln_zoneset_load_geojson(raw, zp, 0, &d), 0);
    assert_int_equal(ln_zoneset_new(LN_ZONE_ALLOW, &coast), 0);
    assert_int_equal(ln_zoneset_load_geojson(coast, op, 0, &d), 0);
    enum { N = 5000 };
    static double lon[N], lat[N];
    long n_sliver = 0;
    assert_int_equal(ln__sim_place(reg, raw, NULL, 0, 1.0, 3, N, lat, lon,
                                   NULL, "g", "t.json", &d),
                     0);
    for (int i = 0; i < N; i++)
        n_sliver += lon[i] * LN_RAD2DEG > 30.98;
    /* the case has the problem: 0.02 / 0.52 of the allowed area */
    assert_share(n_sliver, N, 0.02 / 0.52);
    assert_int_equal(ln__sim_place(reg, coast, NULL, 0, 1.0, 3, N, lat, lon,
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
    ln_zone_decision z = ln_zoneset_decide_deg(coast, 50.5, 30.49, NAN);
    assert_true(z.zone < 0);
    z = ln_zoneset_decide_deg(coast, 50.5, 30.99, NAN);
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
        if (ln__sim_place_group(sc, g, n, lat, lon, &d))
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
        cmocka_unit_test(test_coast_sliver),
        cmocka_unit_test(test_builtin_day),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
