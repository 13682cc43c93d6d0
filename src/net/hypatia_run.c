/*
 * hypatia_run.c - the Hypatia-compatible dynamic state generator: for each
 * time step, satellite positions (SGP4, TEME -> ECEF), the graph, the
 * forwarding state of "free_one_only_over_isls", and satgenpy's files
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

int ln_hyp_run_opt(const ln_hyp_state *st, long duration_s, long step_ms,
                   int nthreads, const char *outdir, FILE *pos_dump,
                   const ln_hyp_opts *opts, ln_hyp_stats *stats,
                   ln_diag *diag)
{
    ln_hyp_stats sx;
    memset(&sx, 0, sizeof sx);
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
    if (nthreads <= 0)
        nthreads = ln_ncpu();
    double t0 = ln_time_mono_s(), c0 = ln_time_cpu_s();
    char dir[1100];
    snprintf(dir, sizeof dir, "%s/dynamic_state_%ldms_for_%lds", outdir,
             step_ms, duration_s);
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        return ln_diag_set(diag, LN_EIO, dir, 0, 0, NULL, "cannot create: %s",
                           strerror(errno));

    int rc = 0;
    ln_net *net = NULL;
    ln_orbit *o = NULL;
    ln_net_fstate *fs = NULL;
    double *gs = ln_malloc((st->ngs ? st->ngs : 1) * 3 * sizeof *gs);
    double *buf = ln_malloc(6 * st->nsat * sizeof *buf);
    int *err = ln_malloc(st->nsat * sizeof *err);
    if (!gs || !buf || !err) {
        rc = LN_ENOMEM;
        goto done;
    }
    for (size_t g = 0; g < st->ngs; g++)
        ln_hyp_gs_ecef_km(&st->gs[g], &gs[3 * g]);
    ln_net_config cfg = {
        .gsl_rule = LN_NET_GSL_RANGE,
        .max_gsl_km = st->max_gsl_m / 1000.0,
        .max_isl_km = st->max_isl_m / 1000.0,
        .isl_too_long_is_error = 1,
    };
    if ((rc = ln_net_new(st->nsat, st->isls, st->nisl, st->ngs, gs, &cfg,
                         &net))) {
        ln_diag_set(diag, rc, NULL, 0, 0, NULL, "cannot build the network");
        goto done;
    }
    if ((rc = ln_orbit_new(st->els, st->nsat, &o))) {
        ln_diag_set(diag, rc, NULL, 0, 0, NULL, "cannot set up SGP4");
        goto done;
    }
    if ((rc = ln_net_fstate_new(net, nthreads, &fs)))
        goto done;
    if (opts && opts->full_dijkstra)
        ln_net_fstate_set_incremental(fs, 0);
    ln_pv_soa pv = {buf, buf + st->nsat, buf + 2 * st->nsat,
                    buf + 3 * st->nsat, buf + 4 * st->nsat,
                    buf + 5 * st->nsat, err};
    const long long step_ns = (long long)step_ms * 1000000LL;
    const long long end_ns = (long long)duration_s * 1000000000LL;
    const double epoch = st->els[0].epoch_unix_s;
    for (long long t_ns = 0; t_ns < end_ns; t_ns += step_ns) {
        double ta = ln_time_mono_s();
        /* one thread: 1584 satellites take ~0.06 ms, less than the cost
           of waking a team (and much less on a busy machine) */
        ln_orbit_propagate_tsince(o, (double)t_ns / 60e9, &pv,
                                  st->nsat < 20000 ? 1 : nthreads);
        ln_teme_to_ecef_soa(epoch + (double)t_ns / 1e9, &pv, st->nsat);
        double tb = ln_time_mono_s();
        rc = ln_net_update(net, pv.x, pv.y, pv.z, NULL);
        if (rc) {
            ln_diag_set(diag, rc, NULL, 0, 0, NULL, "t=%lld ns: %s", t_ns,
                        ln_net_errmsg(net));
            goto done;
        }
        double tc = ln_time_mono_s(), cc = ln_time_cpu_s();
        ln_net_fstate_compute(fs);
        double td = ln_time_mono_s();
        sx.route_cpu_s += ln_time_cpu_s() - cc;
        if (pos_dump) {
            fprintf(pos_dump, "T %lld\n", t_ns);
            for (size_t i = 0; i < st->nsat; i++)
                fprintf(pos_dump, "S %zu %.17g %.17g %.17g\n", i, pv.x[i],
                        pv.y[i], pv.z[i]);
            for (size_t g = 0; g < st->ngs; g++)
                fprintf(pos_dump, "G %zu %.17g %.17g %.17g\n", g, gs[3 * g],
                        gs[3 * g + 1], gs[3 * g + 2]);
        }
        char path[1200];
        snprintf(path, sizeof path, "%s/fstate_%lld.txt", dir, t_ns);
        FILE *f = fopen(path, "w");
        if (!f) {
            rc = ln_diag_set(diag, LN_EIO, path, 0, 0, NULL,
                             "cannot create: %s", strerror(errno));
            goto done;
        }
        long lines = ln_net_fstate_write(fs, f, t_ns == 0);
        int bad = lines < 0 || ferror(f);
        bad |= fclose(f) != 0;
        if (bad) {
            rc = ln_diag_set(diag, LN_EIO, path, 0, 0, NULL, "write failed");
            goto done;
        }
        if ((rc = write_bandwidth(dir, t_ns, st, net, diag)))
            goto done;
        double te = ln_time_mono_s();
        sx.steps++;
        sx.lines += lines;
        sx.propagate_s += tb - ta;
        sx.graph_s += tc - tb;
        sx.route_s += td - tc;
        sx.write_s += te - td;
    }
done:
    sx.total_s = ln_time_mono_s() - t0;
    sx.cpu_s = ln_time_cpu_s() - c0;
    if (fs)
        ln_net_fstate_counts_get(fs, &sx.counts);
    if (stats)
        *stats = sx;
    ln_net_fstate_free(fs);
    ln_orbit_free(o);
    ln_net_free(net);
    ln_free(gs);
    ln_free(buf);
    ln_free(err);
    return rc;
}
