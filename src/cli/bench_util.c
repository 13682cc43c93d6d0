/*
 * bench_util.c - the parts the "leonet bench" sub-verbs share: random
 * test points from a fixed seed, and a best-of-K wall-clock timing loop.
 *
 * Exports (cli.h): ln_bench_points, ln_bench_best.
 *
 * Points come from splitmix64 (Steele, Lea, Flood, "Fast splittable
 * pseudorandom number generators", 2014): two draws per point, each the
 * top 53 bits as a double in [0, 1). On the sphere they are uniform by
 * area (lat = asin(2u - 1)); in a box, uniform in (lon, lat). A given
 * seed and count always give the same points, so figures from different
 * runs and builds compare.
 */
#include <math.h>
#include <stdint.h>
#include <time.h>

#include "cli/cli.h"
#include "leonet/core.h"


static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

int ln_bench_points(size_t n, unsigned long long seed0,
                    const double *box_deg, double **lat_rad, double **lon_rad)
{
    uint64_t seed = (uint64_t)seed0;
    double *la = ln_malloc(n * sizeof *la);
    double *lo = ln_malloc(n * sizeof *lo);
    if (!la || !lo) {
        ln_free(la);
        ln_free(lo);
        *lat_rad = *lon_rad = NULL;
        return LN_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        double u = (double)(splitmix(&seed) >> 11) * 0x1.0p-53;
        double v = (double)(splitmix(&seed) >> 11) * 0x1.0p-53;
        if (box_deg) {
            lo[i] = (box_deg[0] + u * (box_deg[2] - box_deg[0])) * LN_DEG2RAD;
            la[i] = (box_deg[1] + v * (box_deg[3] - box_deg[1])) * LN_DEG2RAD;
        } else {
            la[i] = asin(2 * u - 1);
            lo[i] = LN_TWOPI * v - LN_PI;
        }
    }
    *lat_rad = la;
    *lon_rad = lo;
    return LN_OK;
}

double ln_bench_best(long repeat, void (*run)(void *ctx), void *ctx)
{
    double best = INFINITY;
    for (long r = 0; r < repeat; r++) {
        double t = ln_time_mono_s();
        run(ctx);
        t = ln_time_mono_s() - t;
        if (t < best)
            best = t;
    }
    return best;
}
