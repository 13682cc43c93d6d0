/*
 * tally.c - sim's own tallies of a step (step 7 of docs/DESIGN.md, after
 * link has served every terminal): counters per account and per zone
 * (served, covered, congested, outage steps by reason, handovers, mesh
 * hops, bytes, the RTT histogram), the window's map counts per fixed
 * terminal, and the service lost/restored events; meter's ln_usage and
 * activity's ln_activity get the step's bytes and map cells from here.
 * Threads: the per-terminal pass runs in parallel into one set of integer
 * counters per thread (ln__acc), merged in thread order at the end
 * (ln__sim_acc_merge); events are pushed in a serial pass in terminal
 * order, so outputs are the same for any thread count. Events spill to a
 * temporary file every LN_EV_CHUNK records (memory stays flat).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "leonet/activity.h"
#include "sim/sim_int.h"

/* Adds terminal i's step to two slices (its account's and its zone's):
 * the values are worked out once. */
static void count2(ln__counters *c1, ln__counters *c2, const ln__engine *e,
                   size_t i, uint64_t bytes, uint64_t dbytes)
{
    unsigned cov = e->covered[i], ho = e->handover[i];
    int st = e->status[i];
    ln__counters *cs[2] = {c1, c2};
    if (st != LN_REASON_NONE) {
        for (int k = 0; k < 2; k++) {
            ln__counters *c = cs[k];
            c->terminal_steps++;
            c->covered_steps += cov;
            c->handovers += ho;
            c->outage_steps[st]++;
        }
        return;
    }
    int hops = e->term_hops[i];
    unsigned cong = e->rate_mbps[i] < e->demand_mbps[i] * (1 - 1e-9);
    long b = (long)(e->rtt_ms[i] / LN_LAT_BIN_MS);
    b = b < LN_LAT_BINS ? b : LN_LAT_BINS;
    for (int k = 0; k < 2; k++) {
        ln__counters *c = cs[k];
        c->terminal_steps++;
        c->covered_steps += cov;
        c->handovers += ho;
        c->served_steps++;
        if (hops > 0) {
            c->isl_steps++;
            c->isl_hops += (uint64_t)hops;
        }
        c->bytes += bytes;
        c->demand_bytes += dbytes;
        c->congested_steps += cong;
        c->lat_hist[b]++;
    }
}

/* Appends one event record (spilled every LN_EV_CHUNK; ranks other than
 * 0 keep theirs in memory: they send them to rank 0 after each step). */
static int push_rec(ln__engine *e, const ln__event *ev)
{
    if (e->nev == LN_EV_CHUNK && e->rank == 0) {
        /* spill to a temporary file: memory stays flat however long the
         * run (report.c reads them back in order) */
        if (!e->events_f && !(e->events_f = tmpfile()))
            return LN_EIO;
        if (fwrite(e->ev, sizeof *e->ev, e->nev, e->events_f) != e->nev)
            return LN_EIO;
        e->nev_spilled += e->nev;
        e->nev = 0;
    }
    if (e->nev == e->cap_ev) {
        size_t nc = e->cap_ev ? e->cap_ev * 2 : 4096;
        ln__event *ne = ln_realloc(e->ev, nc * sizeof *ne);
        if (!ne)
            return LN_ENOMEM;
        e->ev = ne;
        e->cap_ev = nc;
    }
    e->ev[e->nev++] = *ev;
    return 0;
}

static int push_event(ln__engine *e, double t, size_t i, int lost,
                      int reason, int zone)
{
    /* positions are rounded to 0.01 deg (~1 km) in events */
    ln__event ev = {
        t, (int32_t)i, (int8_t)lost, (int8_t)reason, (int32_t)zone,
        (float)(round(e->lat[i] * LN_RAD2DEG * 100) / 100),
        (float)(round(e->lon[i] * LN_RAD2DEG * 100) / 100)};
    return push_rec(e, &ev);
}

/* One thread's partial sums (see ln__engine.acc). */
typedef struct ln__acc {
    ln__counters *per_acct;  /* naccounts */
    ln__counters *per_zone;  /* nzones_total + 1 */
} ln__acc;

int ln__sim_acc_alloc(ln__engine *e, ln_diag *diag)
{
    const ln_scenario *sc = e->sc;
    ALLOC(e->acc, e->nthreads);
    for (int t = 0; t < e->nthreads; t++) {
        ALLOC(e->acc[t].per_acct, sc->naccounts);
        ALLOC(e->acc[t].per_zone, e->nzones_total + 1);
    }
    return 0;
}

static void counters_add(ln__counters *d, const ln__counters *s)
{
    d->terminal_steps += s->terminal_steps;
    d->covered_steps += s->covered_steps;
    d->served_steps += s->served_steps;
    d->congested_steps += s->congested_steps;
    for (int r = 0; r < LN_REASON_COUNT_; r++)
        d->outage_steps[r] += s->outage_steps[r];
    d->handovers += s->handovers;
    d->isl_steps += s->isl_steps;
    d->isl_hops += s->isl_hops;
    d->bytes += s->bytes;
    d->demand_bytes += s->demand_bytes;
    for (int b = 0; b <= LN_LAT_BINS; b++)
        d->lat_hist[b] += s->lat_hist[b];
}

/* Adds every thread's partial sums into the engine's totals. */
void ln__sim_acc_merge(ln__engine *e)
{
    const ln_scenario *sc = e->sc;
    for (int t = 0; t < e->nthreads && e->acc; t++) {
        const ln__acc *a = &e->acc[t];
        /* every terminal-step is in exactly one account: the total is
         * their sum */
        for (size_t k = 0; k < sc->naccounts; k++)
            counters_add(&e->total, &a->per_acct[k]);
        for (size_t k = 0; k < sc->naccounts; k++)
            counters_add(&e->per_acct[k], &a->per_acct[k]);
        for (size_t z = 0; z <= e->nzones_total; z++)
            counters_add(&e->per_zone[z], &a->per_zone[z]);
    }
}

void ln__sim_acc_free(ln__engine *e)
{
    for (int t = 0; t < e->nthreads && e->acc; t++) {
        ln_free(e->acc[t].per_acct);
        ln_free(e->acc[t].per_zone);
    }
    ln_free(e->acc);
    e->acc = NULL;
}

/* Adds the fixed terminals' counts of window w to the map (mobile ones
 * count nothing here) and clears them. */
void ln__sim_flush_window(ln__engine *e, long w)
{
    if (w < 0)
        return;
    if (e->mpi) { /* every rank's terminals' counts, to rank 0 */
        ln__sim_mpi_sum_root_u32(e->mpi, e->tw_active, e->nt);
        ln__sim_mpi_sum_root_u32(e->mpi, e->tw_denied, e->nt);
        ln__sim_mpi_sum_root_u32(e->mpi, e->tw_outage, e->nt);
    }
    if (e->rank == 0)
        ln_activity_add_rows(e->act, w, e->nt, e->cell_row, e->tw_active,
                             e->tw_denied, e->tw_outage);
    memset(e->tw_active, 0, e->nt * sizeof *e->tw_active);
    memset(e->tw_denied, 0, e->nt * sizeof *e->tw_denied);
    memset(e->tw_outage, 0, e->nt * sizeof *e->tw_outage);
}

static int events_step(ln__engine *e, double t);
static int gather_events(ln__engine *e);

/* Step 7. Counters and usage in parallel (per-thread integer sums); the
 * map cells, window totals and events in a serial pass in terminal order
 * (events are written in that order). */
int ln__sim_account_step(ln__engine *e, double t)
{
    const ln_scenario *sc = e->sc;
    long win = (long)((t - sc->start_unix_s) / sc->window_s);
    if (win >= e->nwin)
        win = e->nwin - 1;
    if (win != e->cur_win) {
        ln__sim_flush_window(e, e->cur_win);
        e->cur_win = win;
    }
    long lo = (long)e->lo, hi = (long)e->hi;
    ln_usage_day(e->usage, t);
#pragma omp parallel num_threads(e->nthreads)
    {
        int th = omp_get_thread_num();
        ln__acc *ac = &e->acc[th < e->nthreads ? th : 0];
#pragma omp for schedule(dynamic, 1024)
        for (long il = lo; il < hi; il++) {
            size_t i = (size_t)il;
            uint64_t bytes = 0, dbytes = 0;
            if (e->status[i] == LN_REASON_NONE) {
                bytes = ln_meter_bytes(e->rate_mbps[i], sc->step_s);
                dbytes = ln_meter_bytes(e->demand_mbps[i], sc->step_s);
            }
            int a = e->acct[i];
            int z = e->zone_at[i];
            count2(&ac->per_acct[a],
                   &ac->per_zone[z >= 0 ? (size_t)z : e->nzones_total], e, i,
                   bytes, dbytes);
            e->step_bytes[i] = bytes;
            if (e->track[i] < 0) { /* map counts of the window */
                int kind = ln_activity_kind(e->status[i]);
                if (kind == LN_ACTIVITY_ACTIVE)
                    e->tw_active[i]++;
                else if (kind == LN_ACTIVITY_OUTAGE)
                    e->tw_outage[i]++;
                else
                    e->tw_denied[i]++;
            }
            if (e->status[i] == LN_REASON_ZONE && e->deny_zone[i] >= 0 &&
                !e->ever_denied_zone[i])
                e->ever_denied_zone[i] = e->deny_zone[i] + 1;
        }
    }
    int rc = events_step(e, t);
    if (e->mpi) {
        /* rank 0 meters and maps every terminal: their bytes and
         * statuses (the serving satellites are every rank's already) */
        ln__sim_mpi_gather_root(e->mpi, e->step_bytes, sizeof *e->step_bytes,
                                0, e->nt);
        ln__sim_mpi_gather_root(e->mpi, e->status, sizeof *e->status, 0,
                                e->nt);
        int rc2 = gather_events(e);
        if (!rc)
            rc = rc2;
        if (e->rank != 0)
            return rc;
    }
    ln_usage_add_range(e->usage, 0, e->nt, e->step_bytes);
    ln_usage_serve(e->usage, e->serving, e->status, sc->step_s);
    /* mobile terminals on the map: their cell may be new */
    for (size_t m = 0; m < e->nmobile; m++) {
        e->map_kind[m] = (uint8_t)ln_activity_kind(e->status[e->mobile[m]]);
    }
    if (ln_activity_add_units(e->act, win, e->nmobile, e->mobile, e->cell,
                              e->map_kind))
        return LN_ENOMEM;
    return rc;
}

/* Ranks: every other rank's events of the step to rank 0, appended in
 * rank order (= terminal order: the single process's order); the others
 * empty their buffer. */
static int gather_events(ln__engine *e)
{
    void *all;
    size_t n;
    int rc = ln__sim_mpi_bytes_root(e->mpi, e->ev,
                                    e->rank ? e->nev * sizeof *e->ev : 0,
                                    &all, &n);
    if (e->rank)
        e->nev = 0;
    if (rc || !all)
        return rc;
    const ln__event *ev = all;
    for (size_t k = 0; k < n / sizeof *ev && !rc; k++)
        rc = push_rec(e, &ev[k]);
    ln_free(all);
    return rc;
}

/* The service lost/restored events of this rank's terminals at t, in
 * terminal order. */
static int events_step(ln__engine *e, double t)
{
    for (size_t i = e->lo; i < e->hi; i++) {
        int st = e->status[i];
        /* events: transitions between served and an outage reason */
        int prev = e->prev_status[i];
        if (prev >= 0 && prev != st) {
            int rc = 0;
            if (prev == LN_REASON_NONE)
                rc = push_event(e, t, i, 1, st, e->deny_zone[i]);
            else if (st == LN_REASON_NONE)
                rc = push_event(e, t, i, 0, prev, e->out_zone[i]);
            else { /* reason changed while out: end one, start another */
                rc = push_event(e, t, i, 0, prev, e->out_zone[i]);
                if (!rc)
                    rc = push_event(e, t, i, 1, st, e->deny_zone[i]);
            }
            if (rc)
                return rc;
        } else if (prev < 0 && st != LN_REASON_NONE) {
            /* out of service from the start: one "lost" at t0 */
            int rc = push_event(e, t, i, 1, st, e->deny_zone[i]);
            if (rc)
                return rc;
        }
        /* the zone a later "restored" names: that of the loss */
        if (st != LN_REASON_NONE && (prev != st || prev < 0))
            e->out_zone[i] = e->deny_zone[i];
        e->prev_status[i] = (int8_t)st;
    }
    return 0;
}
