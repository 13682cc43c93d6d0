/*
 * bench_propagate.c - "leonet bench propagate": times the batch SGP4
 * propagation of a whole constellation (ln_orbit_propagate) over N
 * one-minute steps and prints, as its last line,
 * "propagations_per_s=<number>" (satellites x steps / wall time).
 *
 * Inputs: a TLE file (--tle) or a built-in Walker preset (--shells gen1,
 * epoch 2022-10-09T00:00:00Z). Start time: --start ISO-8601, else the
 * median epoch of the sets, rounded down to the minute. Threads: the
 * global --threads N (0 or absent: all cores). The kernel is the one
 * ln_orbit_kernel() reports (LN_SIMD=scalar|avx2|avx512 forces a lower
 * one). One untimed step warms caches and the thread pool first. Besides
 * the wall-clock rate it prints the rate per CPU-second of the process,
 * which shows the per-core speed even when other jobs share the cores.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "leonet/orbit.h"

static const ln_opt_spec specs[] = {
    {"tle", 1}, {"shells", 1}, {"minutes", 1}, {"start", 1}, {NULL, 0},
};

static void usage(FILE *f)
{
    fprintf(f,
            "usage: leonet bench propagate (--tle FILE | --shells gen1) "
            "[--minutes N]\n"
            "                              [--start ISO8601] [--threads N]"
            "\n\n"
            "Times ln_orbit_propagate of every satellite over N one-minute "
            "steps\n"
            "(1..10000000, default 1440) from --start (ISO 8601 UTC, "
            "1900..2199;\ndefault: the median epoch, to the minute).\n"
            "Last line: propagations_per_s=<satellites x steps / second>.\n"
            "LN_SIMD=scalar|avx2|avx512 forces a lower SIMD kernel.\n");
}


static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median epoch of the sets, Unix s, rounded down to the minute. */
static double median_epoch(const ln_elset *els, size_t n)
{
    double *t = ln_malloc(n * sizeof *t), m;

    if (t == NULL)
        return els[0].epoch_unix_s;
    for (size_t i = 0; i < n; i++)
        t[i] = els[i].epoch_unix_s;
    qsort(t, n, sizeof *t, cmp_double);
    m = t[n / 2];
    ln_free(t);
    return floor(m / 60.0) * 60.0;
}

int ln_bench_propagate(int argc, char **argv)
{
    const char *verb = "bench propagate";
    ln_args a;
    const char *tle, *shells, *v;
    long minutes = 1440;
    double t0 = NAN, t_start, c_start, el, cpu;
    ln_elset *els = NULL;
    size_t n = 0;
    ln_orbit *o = NULL;
    ln_pv_soa pv;
    double *mem = NULL;
    long nfail = 0;
    int rc, nthreads, ret = 2;
    char buf[64];

    rc = ln_args_parse(argc, argv, specs, &a, verb, usage);
    if (rc != 0)
        return rc < 0 ? 0 : rc;
    tle = ln_args_get(&a, specs, "tle");
    shells = ln_args_get(&a, specs, "shells");
    if ((tle == NULL) == (shells == NULL) || a.npos != 0) {
        fprintf(stderr, "leonet %s: %s (see leonet %s --help)\n", verb,
                a.npos ? "unexpected argument"
                       : "give one of --tle FILE, --shells gen1", verb);
        return 2;
    }
    v = ln_args_get(&a, specs, "minutes");
    if (v != NULL &&
        ln_args_long_in(verb, "minutes", v, 1, 10000000, &minutes) != 0)
        return 2;
    v = ln_args_get(&a, specs, "start");
    if (v != NULL && ln_args_time(verb, "start", v, &t0))
        return 2;

    if (tle != NULL) {
        ln_diag d;

        rc = ln_tle_read_file(tle, 0, &els, &n, &d);
        if (rc != 0) {
            char msg[1200];
            fprintf(stderr, "leonet %s: %s\n", verb,
                    ln_diag_format(&d, msg, sizeof msg));
            return 2;
        }
    } else {
        const ln_shell *sh;
        size_t nsh;

        if (strcmp(shells, "gen1") != 0) {
            fprintf(stderr, "leonet %s: --shells: unknown preset '%s' "
                    "(known: gen1)\n", verb, shells);
            return 2;
        }
        nsh = ln_shells_gen1(&sh);
        rc = ln_shells_to_elsets(sh, nsh,
                                 ln_time_from_utc(2022, 10, 9, 0, 0, 0.0),
                                 90000, &els, &n);
        if (rc != 0) {
            fprintf(stderr, "leonet %s: shells: %s\n", verb,
                    ln_strerror(rc));
            return 2;
        }
    }
    if (n == 0) {
        fprintf(stderr, "leonet %s: no element sets\n", verb);
        goto done;
    }
    if (isnan(t0))
        t0 = median_epoch(els, n);

    rc = ln_orbit_new(els, n, &o);
    mem = ln_malloc(6 * n * sizeof *mem);
    pv.err = ln_malloc(n * sizeof *pv.err);
    if (rc != 0 || mem == NULL || pv.err == NULL) {
        fprintf(stderr, "leonet %s: %s\n", verb,
                ln_strerror(rc != 0 ? rc : LN_ENOMEM));
        ln_free(pv.err);
        goto done;
    }
    pv.x = mem;
    pv.y = mem + n;
    pv.z = mem + 2 * n;
    pv.vx = mem + 3 * n;
    pv.vy = mem + 4 * n;
    pv.vz = mem + 5 * n;
    nthreads = ln_cli_threads > 0 ? ln_cli_threads : ln_ncpu();

    ln_orbit_propagate(o, t0, &pv, nthreads); /* warm-up, untimed */
    t_start = ln_time_mono_s();
    c_start = ln_time_cpu_s();
    for (long m = 0; m < minutes; m++) {
        long f = ln_orbit_propagate(o, t0 + 60.0 * (double)m, &pv, nthreads);
        if (f > 0)
            nfail += f;
    }
    el = ln_time_mono_s() - t_start;
    cpu = ln_time_cpu_s() - c_start;

    printf("satellites: %zu (%s)\n", n, tle != NULL ? tle : "shells gen1");
    printf("kernel: %s, threads: %d\n", ln_orbit_kernel(), nthreads);
    printf("steps: %ld x 60 s from %s\n", minutes,
           ln_time_format_iso(t0, 0, buf, sizeof buf));
    printf("failed propagations: %ld\n", nfail);
    printf("time: %.6f s, %.2f ns per propagation, %.2f M/s per thread\n",
           el, el * 1e9 / ((double)n * (double)minutes),
           (double)n * (double)minutes / el / 1e6 / nthreads);
    /* CPU time of all threads: per-core throughput even on a loaded
     * machine (threads waiting at a barrier may spin and count too) */
    printf("cpu time: %.6f s, %.2f M propagations per cpu-second\n", cpu,
           (double)n * (double)minutes / cpu / 1e6);
    printf("propagations_per_s=%.0f\n", (double)n * (double)minutes / el);
    ln_free(pv.err);
    ret = 0;
done:
    ln_orbit_free(o);
    ln_free(mem);
    ln_free(els);
    return ret;
}
