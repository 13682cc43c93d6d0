/*
 * bench_geofence.c - "leonet bench geofence": decisions per second of a
 * zone set on uniform random points over the zones' bounding box.
 *
 *   leonet bench geofence --zones FILE[,FILE2...] [--points N]
 *                         [--threads N] [--repeat R]
 *
 * Points: N (default 10,000,000) uniform in the bounding box of all zones,
 * from a fixed-seed splitmix64 generator, in radians (the engine's unit;
 * ln_bench_points, seed 20221115). Each of R runs (default 3) decides
 * them all with ln_zoneset_decide_batch; the best run counts
 * (ln_bench_best). Threads: the global --threads N (0 or absent: all
 * cores). Prints the index figures, then, as its last line,
 * "decisions_per_s=<number>".
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "leonet/geofence.h"
#include "leonet/zone.h"

static const ln_opt_spec specs[] = {
    {"zones", 1}, {"points", 1}, {"repeat", 1}, {NULL, 0},
};

static void usage(FILE *f)
{
    fprintf(f,
            "usage: leonet bench geofence --zones FILE[,FILE2...] "
            "[--points N] [--threads N]\n"
            "                             [--repeat R]\n"
            "Decides N uniform random points (1..100000000, default 1e7)\n"
            "over the zones' bounding box, R times (1..100, default 3), the\n"
            "best run counting. Last line: decisions_per_s=<number>.\n");
}

typedef struct run_ctx {
    const ln_zoneset *zs;
    size_t n;
    const double *lon, *lat; /* rad */
    ln_zone_decision *dec;   /* OUT */
} run_ctx;

static void run(void *p)
{
    run_ctx *c = p;
    ln_zoneset_decide_batch(c->zs, c->n, c->lat, c->lon, NULL, NAN, c->dec,
                            ln_cli_threads);
}

int ln_bench_geofence(int argc, char **argv)
{
    ln_args a;
    int rc = ln_args_parse(argc, argv, specs, &a, "bench geofence", usage);
    if (rc)
        return rc < 0 ? 0 : rc;
    const char *zones = ln_args_get(&a, specs, "zones");
    if (!zones || a.npos) {
        fprintf(stderr, "leonet bench geofence: %s (see leonet bench "
                "geofence --help)\n", a.npos ? "unexpected argument"
                                              : "--zones FILE is required");
        return 2;
    }
    long n = 10000000, rep = 3;
    const char *sn = ln_args_get(&a, specs, "points");
    const char *sr = ln_args_get(&a, specs, "repeat");
    if ((sn && ln_args_long_in("bench geofence", "points", sn, 1,
                               100000000L, &n)) ||
        (sr && ln_args_long_in("bench geofence", "repeat", sr, 1, 100, &rep)))
        return 2;
    ln_zoneset *zs;
    rc = ln_cli_load_zones("bench geofence", zones, LN_ZONE_ALLOW, 0, &zs);
    if (rc)
        return rc;
    if (ln_zoneset_count(zs) == 0) {
        fprintf(stderr, "leonet bench geofence: %s: no zones\n", zones);
        ln_zoneset_free(zs);
        return 2;
    }
    double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
    for (size_t i = 0; i < ln_zoneset_count(zs); i++) {
        double a0, b0, a1, b1;
        ln_geo_shape_bbox(ln_zoneset_zone(zs, i)->shape, &b0, &a0, &b1, &a1);
        x0 = fmin(x0, a0);
        y0 = fmin(y0, b0);
        x1 = fmax(x1, a1);
        y1 = fmax(y1, b1);
    }
    ln_geo_index_stats st;
    ln_zoneset_stats(zs, &st);
    double *lon = NULL, *lat = NULL;
    const double box[4] = {x0, y0, x1, y1};
    ln_zone_decision *dec = ln_malloc((size_t)n * sizeof *dec);
    if (!dec || ln_bench_points((size_t)n, 20221115, box, &lat, &lon)) {
        fprintf(stderr, "leonet bench geofence: out of memory\n");
        rc = 2;
        goto out;
    }
    run_ctx ctx = {zs, (size_t)n, lon, lat, dec};
    double best = ln_bench_best(rep, run, &ctx);
    long denied = 0;
    for (long i = 0; i < n; i++)
        denied += dec[i].action == LN_ZONE_DENY;
    printf("zones=%zu vertices=%zu edges=%zu\n", ln_zoneset_count(zs),
           st.vertices, st.edges);
    printf("index_build_ms=%.3f index_bytes=%zu fine_cells=%ld "
           "boundary_cells=%ld\n",
           st.build_s * 1e3, st.bytes, st.fine_cells, st.boundary_cells);
    printf("points=%ld threads=%d denied=%ld best_of=%ld time_s=%.4f\n", n,
           ln_cli_threads, denied, rep, best);
    printf("decisions_per_s=%.0f\n", (double)n / best);
out:
    ln_free(lon);
    ln_free(lat);
    ln_free(dec);
    ln_zoneset_free(zs);
    return rc;
}
