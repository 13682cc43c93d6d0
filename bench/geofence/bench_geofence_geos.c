/*
 * bench_geofence_geos.c - leonet's geofence index against GEOS prepared
 * geometry, one run, same points, single thread.
 *
 * For each zone file given: N uniform random points (fixed seed) over
 * Ukraine's bounding box (lon 22.0..40.3, lat 44.3..52.4); times
 *   leonet   ln_zoneset_decide_batch (radians, 1 thread), best of R runs
 *   scalar   ln_zoneset_decide (one call per point), best of R runs
 *   geos     GEOSPreparedIntersects_r per point (point built before
 *            timing), best of R runs over the first N/10 points
 * and checks that answers agree (except within 1e-9 deg of an edge).
 * One line per case: "name n ns/op M/s", then the ratio and index
 * figures. Usage: bench_geofence_geos [-n N] [-r R] FILE.geojson...
 */
#include <geos_c.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "leonet/geofence.h"
#include "leonet/zone.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static uint64_t seed = 20220831;
static double urand(void)
{
    uint64_t z = (seed += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return (double)((z ^ (z >> 31)) >> 11) * 0x1.0p-53;
}

static void quiet(const char *fmt, ...)
{
    (void)fmt;
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
    size_t r = fread(b, 1, (size_t)n, f);
    b[r] = '\0';
    fclose(f);
    return b;
}

int main(int argc, char **argv)
{
    long n = 10000000, reps = 3;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i += 2) {
        if (i + 1 >= argc)
            return 2;
        if (strcmp(argv[i], "-n") == 0)
            n = atol(argv[i + 1]);
        else if (strcmp(argv[i], "-r") == 0)
            reps = atol(argv[i + 1]);
    }
    double *lon = malloc((size_t)n * sizeof *lon);
    double *lat = malloc((size_t)n * sizeof *lat);
    double *lonr = malloc((size_t)n * sizeof *lonr);
    double *latr = malloc((size_t)n * sizeof *latr);
    ln_zone_decision *dec = malloc((size_t)n * sizeof *dec);
    for (long k = 0; k < n; k++) {
        lon[k] = 22.0 + 18.3 * urand();
        lat[k] = 44.3 + 8.1 * urand();
        lonr[k] = lon[k] * LN_DEG2RAD;
        latr[k] = lat[k] * LN_DEG2RAD;
    }
    GEOSContextHandle_t h = GEOS_init_r();
    GEOSContext_setErrorHandler_r(h, quiet);
    for (; i < argc; i++) {
        const char *file = argv[i];
        const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
        char *json = slurp(file);
        ln_zoneset *zs;
        ln_diag d;
        ln_zoneset_new(LN_ZONE_ALLOW, &zs);
        if (!json || ln_zoneset_load_buffer(zs, json, strlen(json), file, 0,
                                            &d)) {
            fprintf(stderr, "cannot load %s\n", file);
            return 1;
        }
        ln_geo_index_stats st;
        ln_zoneset_stats(zs, &st);
        double best = INFINITY;
        for (long r = 0; r < reps; r++) {
            double t = now_s();
            ln_zoneset_decide_batch(zs, (size_t)n, latr, lonr, NULL, NAN,
                                    dec, 1);
            t = now_s() - t;
            best = fmin(best, t);
        }
        double ln_rate = (double)n / best;
        long ns = n / 10;
        double sbest = INFINITY;
        long sdeny = 0;
        for (long r = 0; r < reps; r++) {
            double t = now_s();
            long c = 0;
            for (long k = 0; k < ns; k++)
                c += ln_zoneset_decide(zs, latr[k], lonr[k], NAN).action;
            t = now_s() - t;
            sbest = fmin(sbest, t);
            sdeny = c;
        }
        /* GEOS */
        double tg0 = now_s();
        GEOSGeoJSONReader *rd = GEOSGeoJSONReader_create_r(h);
        GEOSGeometry *g = GEOSGeoJSONReader_readGeometry_r(h, rd, json);
        if (GEOSGeomTypeId_r(h, g) == GEOS_GEOMETRYCOLLECTION) {
            GEOSGeometry *u = GEOSUnaryUnion_r(h, g);
            GEOSGeom_destroy_r(h, g);
            g = u;
        }
        const GEOSPreparedGeometry *pg = GEOSPrepare_r(h, g);
        GEOSGeometry **pts = malloc((size_t)ns * sizeof *pts);
        for (long k = 0; k < ns; k++)
            pts[k] = GEOSGeom_createPointFromXY_r(h, lon[k], lat[k]);
        (void)GEOSPreparedIntersects_r(h, pg, pts[0]); /* builds index */
        double tg_build = now_s() - tg0;
        double gbest = INFINITY;
        long mism = 0;
        GEOSGeometry *bd = GEOSBoundary_r(h, g);
        for (long r = 0; r < reps; r++) {
            double t = now_s();
            long c = 0;
            for (long k = 0; k < ns; k++)
                c += GEOSPreparedIntersects_r(h, pg, pts[k]) == 1;
            t = now_s() - t;
            gbest = fmin(gbest, t);
            (void)c;
        }
        for (long k = 0; k < ns; k++) {
            int want = GEOSPreparedIntersects_r(h, pg, pts[k]) == 1;
            if (want != (dec[k].action == LN_ZONE_DENY)) {
                double dist;
                GEOSDistance_r(h, pts[k], bd, &dist);
                mism += dist >= 1e-9;
            }
        }
        double g_rate = (double)ns / gbest;
        printf("%s: vertices=%zu edges=%zu index_build_ms=%.2f "
               "index_bytes=%zu fine_cells=%ld boundary_cells=%ld "
               "edges_per_boundary_cell=%.2f\n",
               base, st.vertices, st.edges, st.build_s * 1e3, st.bytes,
               st.fine_cells, st.boundary_cells, st.edges_per_bcell);
        printf("  leonet_batch  %ld %.2f ns/op %.1f M/s\n", n, 1e9 / ln_rate,
               ln_rate / 1e6);
        printf("  leonet_scalar %ld %.2f ns/op %.1f M/s (denied %ld)\n", ns,
               1e9 * sbest / (double)ns, (double)ns / sbest / 1e6, sdeny);
        printf("  geos_prepared %ld %.2f ns/op %.1f M/s (prepare+first "
               "query %.1f ms)\n", ns, 1e9 / g_rate, g_rate / 1e6,
               tg_build * 1e3);
        printf("  ratio_batch_to_geos=%.1f ratio_scalar_to_geos=%.1f "
               "disagreements=%ld\n", ln_rate / g_rate,
               ((double)ns / sbest) / g_rate, mism);
        for (long k = 0; k < ns; k++)
            GEOSGeom_destroy_r(h, pts[k]);
        free(pts);
        GEOSGeom_destroy_r(h, bd);
        GEOSPreparedGeom_destroy_r(h, pg);
        GEOSGeom_destroy_r(h, g);
        GEOSGeoJSONReader_destroy_r(h, rd);
        ln_zoneset_free(zs);
        free(json);
    }
    GEOS_finish_r(h);
    free(lon);
    free(lat);
    free(lonr);
    free(latr);
    free(dec);
    return 0;
}
