/*
 * hypatia_run.c - the Hypatia-compatible dynamic state generator: for each
 * time step, satellite positions and the graph (ln_net_advance: SGP4,
 * TEME -> ECEF, links), the forwarding state of
 * "free_one_only_over_isls", and satgenpy's files
 * dynamic_state_<MS>ms_for_<S>s/{fstate,gsl_if_bandwidth}_<t_ns>.txt.
 *
 * Exports ln_hyp_run, ln_hyp_run_opt.
 *
 * Time: steps at t = 0, step, 2 step, ... while t < duration (satgenpy's
 * range(0, end, step) run on one thread). Satellite positions at tsince =
 * t minutes after the common TLE epoch, ECEF at epoch + t (UTC). The
 * ground-station positions are those of ln_hyp_gs_ecef_km. Files are the
 * same as satgenpy's with one thread: fstate_0 holds the full table, later
 * files the entries that changed; gsl_if_bandwidth_0 lists every node,
 * later ones are empty (satgenpy opens them and writes nothing).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "net/net_int.h"


static int write_bandwidth(const char *dir, long long t_ns,
                           const ln_hyp_state *st, const ln_net *net,
                           ln_diag *diag)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/gsl_if_bandwidth_%lld.txt", dir, t_ns);
    FILE *f = fopen(path, "w");
    if (!f)
        return ln_diag_set(diag, LN_EIO, path, 0, 0, NULL, "cannot create: %s",
                           strerror(errno));
    if (t_ns == 0) {
        for (size_t i = 0; i < st->nsat; i++)
            fprintf(f, "%zu,%d,%f\n", i, ln_net_isl_count(net, (int32_t)i),
                    st->gsl_bw[i]);
        for (size_t g = 0; g < st->ngs; g++)
            fprintf(f, "%zu,%d,%f\n", st->nsat + g, 0,
                    st->gsl_bw[st->nsat + g]);
    }
    int bad = ferror(f);
    bad |= fclose(f) != 0;
    return bad ? ln_diag_set(diag, LN_EIO, path, 0, 0, NULL, "write failed")
               : 0;
}

int ln_hyp_run(const ln_hyp_state *st, long duration_s, long step_ms,
               int nthreads, const char *outdir, FILE *pos_dump,
               ln_hyp_stats *stats, ln_diag *diag)
{
    return ln_hyp_run_opt(st, duration_s, step_ms, nthreads, outdir,
                          pos_dump, NULL, stats, diag);
}

/* Checks the run's size; 0 or LN_EINVAL with diag. */
static int check_run(const ln_hyp_state *st, long duration_s, long step_ms,
                     ln_diag *diag)
{
    if (duration_s <= 0 || step_ms <= 0 || st->nsat == 0)
        return ln_diag_set(diag, LN_EINVAL, NULL, 0, 0, NULL,
                           "duration and step must be positive and the "
                           "constellation non-empty");
    /* t_ns = k * step_ns < duration_s * 1e9 must fit in 64 bits, and the
     * run writes two files a step: at most 10 years, 10 million steps */
    if (duration_s > 315576000L || step_ms > 86400000L ||
        (double)duration_s * 1000.0 / (double)step_ms > 1e7)
        return ln_diag_set(diag, LN_EINVAL, NULL, 0, 0, NULL,
                           "duration %ld s at steps of %ld ms: at most "
                           "315576000 s (10 years), a step of at most "
                           "86400000 ms and 10 million steps", duration_s,
                           step_ms);
    return 0;
}

/* What a run holds: the network, SGP4, the forwarding state, the ground
 * stations' and the satellites' positions. */
typedef struct hyp_run {
    const ln_hyp_state *st;
    const char *dir;    /* dynamic_state_<MS>ms_for_<S>s */
    FILE *pos_dump;
    ln_net *net;
    ln_orbit *o;
    ln_net_fstate *fs;
    double *gs;         /* 3 * ngs, ECEF km */
    double *buf;        /* 6 * nsat: pv's arrays */
    int *err;           /* nsat */
    ln_pv_soa pv;
} hyp_run;

static int run_open(hyp_run *r, int nthreads, const ln_hyp_opts *opts,
                    ln_diag *diag)
{
    const ln_hyp_state *st = r->st;
    r->gs = ln_malloc((st->ngs ? st->ngs : 1) * 3 * sizeof *r->gs);
    r->buf = ln_malloc(6 * st->nsat * sizeof *r->buf);
    r->err = ln_malloc(st->nsat * sizeof *r->err);
    if (!r->gs || !r->buf || !r->err)
        return LN_ENOMEM;
    for (size_t g = 0; g < st->ngs; g++)
        ln_hyp_gs_ecef_km(&st->gs[g], &r->gs[3 * g]);
    ln_net_config cfg = {
        .gsl_rule = LN_NET_GSL_RANGE,
        .max_gsl_km = st->max_gsl_m / 1000.0,
        .max_isl_km = st->max_isl_m / 1000.0,
        .isl_too_long_is_error = 1,
    };
    int rc = ln_net_new(st->nsat, st->isls, st->nisl, st->ngs, r->gs, &cfg,
                        &r->net);
    if (rc)
        return ln_diag_set(diag, rc, NULL, 0, 0, NULL,
                           "cannot build the network");
    if ((rc = ln_orbit_new(st->els, st->nsat, &r->o)))
        return ln_diag_set(diag, rc, NULL, 0, 0, NULL, "cannot set up SGP4");
    if ((rc = ln_net_fstate_new(r->net, nthreads, &r->fs)))
        return rc;
    if (opts && opts->full_dijkstra)
        ln_net_fstate_set_incremental(r->fs, 0);
    size_t n = st->nsat;
    r->pv = (ln_pv_soa){r->buf,         r->buf + n,     r->buf + 2 * n,
                        r->buf + 3 * n, r->buf + 4 * n, r->buf + 5 * n,
                        r->err};
    return 0;
}

static void run_close(hyp_run *r)
{
    ln_net_fstate_free(r->fs);
    ln_orbit_free(r->o);
    ln_net_free(r->net);
    ln_free(r->gs);
    ln_free(r->buf);
    ln_free(r->err);
}

static void dump_positions(const hyp_run *r, long long t_ns)
{
    FILE *f = r->pos_dump;
    fprintf(f, "T %lld\n", t_ns);
    for (size_t i = 0; i < r->st->nsat; i++)
        fprintf(f, "S %zu %.17g %.17g %.17g\n", i, r->pv.x[i], r->pv.y[i],
                r->pv.z[i]);
    for (size_t g = 0; g < r->st->ngs; g++)
        fprintf(f, "G %zu %.17g %.17g %.17g\n", g, r->gs[3 * g],
                r->gs[3 * g + 1], r->gs[3 * g + 2]);
}

/* Writes fstate_<t_ns>.txt; the lines written or LN_EIO (diag). */
static long write_fstate(const hyp_run *r, long long t_ns, ln_diag *diag)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/fstate_%lld.txt", r->dir, t_ns);
    FILE *f = fopen(path, "w");
    if (!f)
        return ln_diag_set(diag, LN_EIO, path, 0, 0, NULL,
                           "cannot create: %s", strerror(errno));
    long lines = ln_net_fstate_write(r->fs, f, t_ns == 0);
    int bad = lines < 0 || ferror(f);
    bad |= fclose(f) != 0;
    if (bad)
        return ln_diag_set(diag, LN_EIO, path, 0, 0, NULL, "write failed");
    return lines;
}

/* One step at t_ns: positions, graph, forwarding state, files. */
static int run_step(hyp_run *r, long long t_ns, int nthreads,
                    ln_hyp_stats *sx, ln_diag *diag)
{
    const ln_hyp_state *st = r->st;
    double ta = ln_time_mono_s(), orbit_s;
    /* Hypatia's clock: t minutes after the common TLE epoch, ECEF at
     * epoch + t; one SGP4 thread: 1584 satellites take ~0.06 ms, less
     * than the cost of waking a team (and much less on a busy machine) */
    const ln_orbit_at at = {st->els[0].epoch_unix_s + (double)t_ns / 1e9, 1,
                            (double)t_ns / 60e9};
    int rc = ln_net_advance(r->net, r->o, &at, NULL,
                            st->nsat < 20000 ? 1 : nthreads, &r->pv,
                            &orbit_s);
    if (rc)
        return ln_diag_set(diag, rc, NULL, 0, 0, NULL, "t=%lld ns: %s", t_ns,
                           ln_net_errmsg(r->net));
    double tc = ln_time_mono_s(), cc = ln_time_cpu_s();
    ln_net_fstate_compute(r->fs);
    double td = ln_time_mono_s();
    sx->route_cpu_s += ln_time_cpu_s() - cc;
    if (r->pos_dump)
        dump_positions(r, t_ns);
    long lines = write_fstate(r, t_ns, diag);
    if (lines < 0)
        return (int)lines;
    if ((rc = write_bandwidth(r->dir, t_ns, st, r->net, diag)))
        return rc;
    double te = ln_time_mono_s();
    sx->steps++;
    sx->lines += lines;
    sx->propagate_s += orbit_s;
    sx->graph_s += tc - ta - orbit_s;
    sx->route_s += td - tc;
    sx->write_s += te - td;
    return 0;
}

int ln_hyp_run_opt(const ln_hyp_state *st, long duration_s, long step_ms,
                   int nthreads, const char *outdir, FILE *pos_dump,
                   const ln_hyp_opts *opts, ln_hyp_stats *stats,
                   ln_diag *diag)
{
    ln_hyp_stats sx;
    memset(&sx, 0, sizeof sx);
    int rc = check_run(st, duration_s, step_ms, diag);
    if (rc)
        return rc;
    if (nthreads <= 0)
        nthreads = ln_ncpu();
    double t0 = ln_time_mono_s(), c0 = ln_time_cpu_s();
    char dir[1100];
    snprintf(dir, sizeof dir, "%s/dynamic_state_%ldms_for_%lds", outdir,
             step_ms, duration_s);
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        return ln_diag_set(diag, LN_EIO, dir, 0, 0, NULL, "cannot create: %s",
                           strerror(errno));
    hyp_run r;
    memset(&r, 0, sizeof r);
    r.st = st;
    r.dir = dir;
    r.pos_dump = pos_dump;
    rc = run_open(&r, nthreads, opts, diag);
    const long long step_ns = (long long)step_ms * 1000000LL;
    const long long end_ns = (long long)duration_s * 1000000000LL;
    for (long long t_ns = 0; t_ns < end_ns && !rc; t_ns += step_ns)
        rc = run_step(&r, t_ns, nthreads, &sx, diag);
    sx.total_s = ln_time_mono_s() - t0;
    sx.cpu_s = ln_time_cpu_s() - c0;
    if (r.fs)
        ln_net_fstate_counts_get(r.fs, &sx.counts);
    if (stats)
        *stats = sx;
    run_close(&r);
    return rc;
}
