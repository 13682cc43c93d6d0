/*
 * test_geofence_geos.c - the geofence decision against GEOS (the oracle).
 *
 * For each zone file of data/geo: GEOS reads the same GeoJSON with its own
 * reader and prepares the geometry; uniform random points around Ukraine
 * (lon 21..41, lat 43.5..53.5) are decided by leonet (batch API) and by
 * GEOSPreparedIntersects (boundary counts as inside, as in leonet). A
 * disagreement fails unless the point lies within 1e-9 deg of the
 * geometry's boundary (GEOSDistance to the boundary), where the geofence
 * follows its own documented rule.
 *
 * Hand-built zones (holes, touching squares, a vertex on the test
 * latitude, a part of Crimea's coast) are compared on a lattice of points
 * that includes vertices and edge points exactly: no exclusion there,
 * since both sides count the boundary as inside.
 *
 * Usage: test_geo_geofence_geos [FILE.geojson NPOINTS]; without
 * arguments every file with 200,000 points (the ctests per file with 10
 * million points are registered by geofence.cmake, label slow).
 */
#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <geos_c.h>

#include "leonet/geofence.h"
#include "leonet/zone.h"

static const char *g_file;
static long g_npoints = 200000;

static void geos_msg(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    if (fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        fclose(f);
        return NULL;
    }
    b[n] = '\0';
    fclose(f);
    return b;
}

static uint64_t rng = 0x5eed;
static double urand(void)
{
    uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return (double)((z ^ (z >> 31)) >> 11) * 0x1.0p-53;
}

/* Compares leonet and GEOS on n points; returns the number of real
 * disagreements (excluded near-boundary ones are counted in *near). */
static long compare(GEOSContextHandle_t h, const char *json, long n,
                    const double *lat, const double *lon, double tol,
                    long *near, long *inside)
{
    GEOSGeoJSONReader *rd = GEOSGeoJSONReader_create_r(h);
    GEOSGeometry *g = GEOSGeoJSONReader_readGeometry_r(h, rd, json);
    assert_non_null(g);
    if (GEOSGeomTypeId_r(h, g) == GEOS_GEOMETRYCOLLECTION) {
        /* a FeatureCollection: its features' union is the zone area */
        GEOSGeometry *u = GEOSGetNumGeometries_r(h, g) == 1
                              ? GEOSGeom_clone_r(h, GEOSGetGeometryN_r(h, g, 0))
                              : GEOSUnaryUnion_r(h, g);
        assert_non_null(u);
        GEOSGeom_destroy_r(h, g);
        g = u;
    }
    const GEOSPreparedGeometry *pg = GEOSPrepare_r(h, g);
    GEOSGeometry *bd = GEOSBoundary_r(h, g);
    ln_zoneset *zs;
    assert_int_equal(ln_zoneset_new(LN_ZONE_ALLOW, &zs), 0);
    ln_diag d;
    ln_diag_clear(&d);
    int rc = ln_zoneset_load_buffer(zs, json, strlen(json), "t", 0, &d);
    if (rc) {
        char b[1200];
        fprintf(stderr, "load: %s\n", ln_diag_format(&d, b, sizeof b));
    }
    assert_int_equal(rc, 0);
    ln_zone_decision *dec = malloc((size_t)n * sizeof *dec);
    ln_zoneset_decide_batch_deg(zs, (size_t)n, lat, lon, NULL, NAN, dec, 0);
    long bad = 0;
    *near = 0;
    *inside = 0;
    for (long i = 0; i < n; i++) {
        GEOSGeometry *p = GEOSGeom_createPointFromXY_r(h, lon[i], lat[i]);
        int want = GEOSPreparedIntersects_r(h, pg, p) == 1;
        int got = dec[i].action == LN_ZONE_DENY;
        *inside += want;
        if (want != got) {
            double dist = INFINITY;
            GEOSDistance_r(h, p, bd, &dist);
            if (dist < tol) {
                (*near)++;
            } else {
                if (bad < 10)
                    fprintf(stderr, "mismatch: lon %.17g lat %.17g geos %d "
                            "leonet %d (%.3g deg from the boundary)\n",
                            lon[i], lat[i], want, got, dist);
                bad++;
            }
        }
        GEOSGeom_destroy_r(h, p);
        if (bad > 1000)
            break;
    }
    free(dec);
    ln_zoneset_free(zs);
    GEOSGeom_destroy_r(h, bd);
    GEOSPreparedGeom_destroy_r(h, pg);
    GEOSGeom_destroy_r(h, g);
    GEOSGeoJSONReader_destroy_r(h, rd);
    return bad;
}

static void run_file(const char *path, long n)
{
    char *json = slurp(path);
    assert_non_null(json);
    GEOSContextHandle_t h = GEOS_init_r();
    GEOSContext_setErrorHandler_r(h, geos_msg);
    double *lon = malloc((size_t)n * sizeof *lon);
    double *lat = malloc((size_t)n * sizeof *lat);
    for (long i = 0; i < n; i++) {
        lon[i] = 21.0 + 20.0 * urand();
        lat[i] = 43.5 + 10.0 * urand();
    }
    long near, in;
    long bad = compare(h, json, n, lat, lon, 1e-9, &near, &in);
    printf("%s: %ld points, %ld inside, %ld within 1e-9 deg of an edge "
           "(excluded), %ld disagreements\n", path, n, in, near, bad);
    assert_int_equal(bad, 0);
    free(lon);
    free(lat);
    free(json);
    GEOS_finish_r(h);
}

static void test_data_files(void **state)
{
    (void)state;
    if (g_file) {
        run_file(g_file, g_npoints);
        return;
    }
    const char *dir = LN_PROJECT_DATA "/geo";
    DIR *dp = opendir(dir);
    assert_non_null(dp);
    struct dirent *de;
    int nf = 0;
    while ((de = readdir(dp))) {
        size_t l = strlen(de->d_name);
        if (l < 8 || strcmp(de->d_name + l - 8, ".geojson") != 0)
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        run_file(path, strstr(de->d_name, "osm") ? g_npoints / 4
                                                  : g_npoints);
        nf++;
    }
    closedir(dp);
    assert_true(nf >= 8);
}

/* Hand-built zones on a 0.25-deg lattice: exact vertices and edges. */
static void test_handbuilt_lattice(void **state)
{
    (void)state;
    static const char *const cases[] = {
        /* square with a square hole */
        "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[4,0],[4,4],[0,4],"
        "[0,0]],[[1,1],[1,3],[3,3],[3,1],[1,1]]]}",
        /* two squares touching along an edge, and a third at a corner */
        "{\"type\":\"MultiPolygon\",\"coordinates\":[[[[0,0],[2,0],[2,2],"
        "[0,2],[0,0]]],[[[2,0],[4,0],[4,2],[2,2],[2,0]]],[[[4,2],[5,2],"
        "[5,3],[4,3],[4,2]]]]}",
        /* vertices exactly on lattice latitudes, spikes and diagonals */
        "{\"type\":\"Polygon\",\"coordinates\":[[[0,1],[1,0],[2,1],[3,0],"
        "[4,1],[4,2],[3,3],[2,2],[1,3],[0,2],[0,1]]]}",
        /* a hole touching the shell at one vertex (valid) */
        "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[4,0],[4,4],[0,4],"
        "[0,0]],[[0,0],[2,1],[1,2],[0,0]]]}",
    };
    GEOSContextHandle_t h = GEOS_init_r();
    GEOSContext_setErrorHandler_r(h, geos_msg);
    long n = 0;
    double lon[41 * 41], lat[41 * 41];
    for (int i = 0; i <= 24; i++)
        for (int j = 0; j <= 24; j++) {
            lon[n] = -0.5 + 0.25 * i;
            lat[n] = -0.5 + 0.25 * j;
            n++;
        }
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        long near, in;
        long bad = compare(h, cases[c], n, lat, lon, 0.0, &near, &in);
        printf("hand-built case %zu: %ld lattice points, %ld inside, %ld "
               "disagreements\n", c, n, in, bad);
        assert_int_equal(bad, 0);
    }
    GEOS_finish_r(h);
}

int main(int argc, char **argv)
{
    if (argc >= 3) {
        g_file = argv[1];
        g_npoints = atol(argv[2]);
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_data_files),
        cmocka_unit_test(test_handbuilt_lattice),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
