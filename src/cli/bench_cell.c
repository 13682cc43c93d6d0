/*
 * bench_cell.c - "leonet bench cell": point -> H3 cell per second.
 *
 *   leonet bench cell --res R [--points N] [--repeat K] [--threads N]
 *
 * Points: N (default 2,000,000) uniform on the sphere, from a fixed-seed
 * splitmix64 generator, in radians. Each of K runs (default 3) indexes
 * them all with ln_cell_from_latlon on --threads threads (global option;
 * 0 or absent: all cores; --threads 1 gives the per-core figure); the
 * best run counts. A checksum of the ids guards against dead code. Last
 * line: "cells_per_s=<number>". bench/cell/run.sh sets it side by side
 * with h3-js.
 */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cli/cli.h"
#include "leonet/cell.h"

static const ln_opt_spec specs[] = {
    {"res", 1}, {"points", 1}, {"repeat", 1}, {"help", 0}, {NULL, 0},
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

int ln_bench_cell(int argc, char **argv)
{
    ln_args a;
    if (ln_args_parse(argc, argv, specs, &a, "bench cell"))
        return 2;
    const char *sres = ln_args_get(&a, specs, "res");
    if (ln_args_get(&a, specs, "help") || !sres) {
        fprintf(sres ? stdout : stderr,
                "usage: leonet bench cell --res R [--points N] [--repeat K] "
                "[--threads N]\nIndexes N (default 2e6) uniform random "
                "points (--threads 1: one core; default all).\n"
                "Last line: cells_per_s=<number>.\n");
        return sres ? 0 : 2;
    }
    long res, n = 2000000, rep = 3;
    const char *sn = ln_args_get(&a, specs, "points");
    const char *sr = ln_args_get(&a, specs, "repeat");
    if (ln_args_long("bench cell", "res", sres, &res) || res < 0 || res > 15 ||
        (sn && (ln_args_long("bench cell", "points", sn, &n) || n < 1 ||
                n > 1000000000L)) ||
        (sr && (ln_args_long("bench cell", "repeat", sr, &rep) || rep < 1 ||
                rep > 100)))
        return 2;
    int threads = ln_cli_threads > 0 ? ln_cli_threads : ln_ncpu();
    double *lat = malloc((size_t)n * sizeof *lat);
    double *lon = malloc((size_t)n * sizeof *lon);
    if (!lat || !lon) {
        fprintf(stderr, "leonet bench cell: out of memory\n");
        free(lat);
        free(lon);
        return 2;
    }
    uint64_t seed = 42;
    for (long i = 0; i < n; i++) {
        double u = (double)(splitmix(&seed) >> 11) / 9007199254740992.0;
        double v = (double)(splitmix(&seed) >> 11) / 9007199254740992.0;
        lat[i] = asin(2 * u - 1);
        lon[i] = LN_TWOPI * v - LN_PI;
    }
    ln_cell warm;
    ln_cell_from_latlon(0, 0, 0, &warm); /* builds the tables */
    double best = INFINITY;
    uint64_t sum = 0;
    for (long r = 0; r < rep; r++) {
        uint64_t s = 0;
        double t0 = now_s();
#pragma omp parallel for num_threads(threads) reduction(^ : s) schedule(static)
        for (long i = 0; i < n; i++) {
            ln_cell c;
            ln_cell_from_latlon(lat[i], lon[i], (int)res, &c);
            s ^= c + (uint64_t)i;
        }
        double dt = now_s() - t0;
        if (dt < best)
            best = dt;
        sum = s;
    }
    free(lat);
    free(lon);
    double rate = (double)n / best;
    printf("res=%ld points=%ld threads=%d best_s=%.4f checksum=%016llx\n",
           res, n, threads, best, (unsigned long long)sum);
    printf("per_core_cells_per_s=%.0f\n", rate / threads);
    printf("cells_per_s=%.0f\n", rate);
    return 0;
}
