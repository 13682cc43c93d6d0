/*
 * bench_cell.c - "leonet bench cell": point -> H3 cell per second.
 *
 *   leonet bench cell --res R [--points N] [--repeat K] [--threads N]
 *
 * Points: N (default 2,000,000) uniform on the sphere, from a fixed-seed
 * splitmix64 generator, in radians (ln_bench_points, seed 42). Each of K
 * runs (default 3) indexes them all with ln_cell_from_latlon on --threads
 * threads (global option; 0 or absent: all cores; --threads 1 gives the
 * per-core figure); the best run counts (ln_bench_best). A checksum of
 * the ids guards against dead code. Last line: "cells_per_s=<number>".
 * bench/cell/run.sh sets it side by side with h3-js.
 */
#include <omp.h>
#include <stdint.h>
#include <stdio.h>

#include "cli/cli.h"
#include "leonet/cell.h"

static const ln_opt_spec specs[] = {
    {"res", 1}, {"points", 1}, {"repeat", 1}, {NULL, 0},
};

static void usage(FILE *f)
{
    fprintf(f,
            "usage: leonet bench cell --res R [--points N] [--repeat K] "
            "[--threads N]\n"
            "Indexes N uniform random points (1..100000000, default 2e6)\n"
            "at resolution R (0..15), K times (1..100, default 3), the best\n"
            "run counting (--threads 1: one core; default all).\n"
            "Last line: cells_per_s=<number>.\n");
}

typedef struct run_ctx {
    const double *lat, *lon; /* rad */
    long n;
    int res, threads;
    uint64_t sum; /* checksum of the last run */
} run_ctx;

static void run(void *p)
{
    run_ctx *c = p;
    uint64_t s = 0;
    const double *lat = c->lat, *lon = c->lon;
    int res = c->res;
#pragma omp parallel for num_threads(c->threads) reduction(^ : s) \
    schedule(static)
    for (long i = 0; i < c->n; i++) {
        ln_cell h;
        ln_cell_from_latlon(lat[i], lon[i], res, &h);
        s ^= h + (uint64_t)i;
    }
    c->sum = s;
}

int ln_bench_cell(int argc, char **argv)
{
    ln_args a;
    int rc = ln_args_parse(argc, argv, specs, &a, "bench cell", usage);
    if (rc)
        return rc < 0 ? 0 : rc;
    const char *sres = ln_args_get(&a, specs, "res");
    if (!sres || a.npos) {
        fprintf(stderr, "leonet bench cell: %s (see leonet bench cell "
                "--help)\n", a.npos ? "unexpected argument"
                                     : "--res R (0..15) is required");
        return 2;
    }
    long res, n = 2000000, rep = 3;
    const char *sn = ln_args_get(&a, specs, "points");
    const char *sr = ln_args_get(&a, specs, "repeat");
    if (ln_args_long_in("bench cell", "res", sres, 0, 15, &res) ||
        (sn && ln_args_long_in("bench cell", "points", sn, 1, 100000000L,
                               &n)) ||
        (sr && ln_args_long_in("bench cell", "repeat", sr, 1, 100, &rep)))
        return 2;
    int threads = ln_cli_threads > 0 ? ln_cli_threads : ln_ncpu();
    double *lat, *lon;
    if (ln_bench_points((size_t)n, 42, NULL, &lat, &lon)) {
        fprintf(stderr, "leonet bench cell: out of memory\n");
        return 2;
    }
    ln_cell warm;
    ln_cell_from_latlon(0, 0, 0, &warm); /* builds the tables */
    run_ctx ctx = {lat, lon, n, (int)res, threads, 0};
    double best = ln_bench_best(rep, run, &ctx);
    uint64_t sum = ctx.sum;
    ln_free(lat);
    ln_free(lon);
    double rate = (double)n / best;
    printf("res=%ld points=%ld threads=%d best_s=%.4f checksum=%016llx\n",
           res, n, threads, best, (unsigned long long)sum);
    printf("per_core_cells_per_s=%.0f\n", rate / threads);
    printf("cells_per_s=%.0f\n", rate);
    return 0;
}
