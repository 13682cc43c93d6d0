/*
 * engine.c - the time-stepped simulation (`leonet run`): ln_sim_run is
 * setup (setup.c), the output set, the step loop (progress, cancel), the
 * finish (sim's counters merged, outputs written by report.c, the map
 * rendered by activity, the set committed) and the run's stats.
 * sim_step is one simulated time step, docs/DESIGN.md's data path, each
 * step one call into the area that owns it:
 *   1 propagate  orbit: ln_orbit_step (batch SGP4, TEME -> ECEF)
 *   2 sky        link: ln_link_sky (sky index, visible gateways);
 *                net: ln_mesh_reach (which satellites reach a gateway)
 *   3 move_decide policy: ln_policy_advance, ln_policy_decide per
 *                terminal (mobile ones moved first: link's
 *                ln_track_position); link: ln_link_track
 *   4 serve      link: ln_link_areas, ln_link_serve (serving satellite,
 *                handover, slots); its hooks set each terminal's status
 *                and meter's demand here, net's ln_mesh_route runs beside
 *   5 gateways   link: ln_link_gateways (antennas, then mesh exits)
 *   6 capacity   link: ln_link_capacity (satellite and beam shares)
 *   7 tally      activity: ln_activity_add_sats at a window's start; then
 *                ln__sim_account_step (tally.c): meter's ln_usage, the
 *                map counts, sim's counters per account and zone, events
 * Threads: step 3's loop over terminals is parallel here (each writes
 * only its own slots); the areas thread their own loops (ln_orbit_step,
 * link's); tally.c's counters are per-thread integers merged in thread
 * order, its events a serial pass in terminal order, so outputs are
 * identical for any thread count. ln_sim_options.phases times each step
 * (lap) and prints the sums on stderr.
 * Memory: everything is allocated in setup; the loop allocates only when a
 * mobile terminal enters a map cell never seen before, once a window for
 * the map's sub-satellite points, and for events.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <omp.h>

#include "leonet/activity.h"
#include "sim/observe.h"
#include "sim/sim_int.h"
#include "sim/sim_trust.h"

/* ln_sim_run's step loop stopped by ln_cancel_requested (reported as
 * LN_EIO "interrupted") */
#define LN_ECANCELED_ (-1000)

/* ---- one step ---------------------------------------------------------- */

/* Which zone's area holds a point (for per-zone statistics): the deciding
 * zone of the decision, whatever its action. */
static void decide(const ln__engine *e, size_t i, double t,
                   ln_policy_decision *d)
{
    unsigned fl = e->tflags ? e->tflags[i] : 0;
    *d = ln_policy_decide_terminal(e->pol, e->acct[i], fl, e->lat[i],
                                   e->lon[i], t);
}

/* Step 1 (orbit): every satellite in service at t, batch SGP4, TEME ->
 * ECEF into e->pv; e->usable flags those that propagated. */
static void propagate(ln__engine *e, double t)
{
    const ln_orbit_at at = {.t_unix_s = t};
    ln_orbit_step(e->orbit, &at, e->in_service, &e->pv, e->usable,
                  e->nthreads);
}

/* Step 2 (link, net): link's sky index and each satellite's visible
 * gateways; with the mesh, which satellites reach a gateway (sat_ok). */
static void sky(ln__engine *e)
{
    ln_link_sky(e->link, e->pv.x, e->pv.y, e->pv.z, e->usable);
    if (e->sc->isl) {
        ln_mesh_reach(e->mesh, &e->pv, e->usable, e->sat_ngw);
        memcpy(e->sat_ok, ln_mesh_outputs(e->mesh)->sat_ok, e->nsat);
    }
}

/* Step 3 for one terminal: move it (mobile) and decide; writes only
 * terminal i's slots. */
static void terminal_move_decide(ln__engine *e, size_t i, double t,
                                 int refresh_fixed)
{
    const ln_scenario *sc = e->sc;
    if (e->track[i] >= 0) {
        const ln_sc_track *tr = &sc->groups[e->group[i]].tracks[e->track[i]];
        ln_track lt = {tr->n, tr->lat_rad, tr->lon_rad, tr->t_unix_s};
        ln_track_position(&lt, t, e->shift_s[i], e->east_km[i],
                          e->north_km[i], &e->lat[i], &e->lon[i]);
        ln_geodetic g = {e->lat[i], e->lon[i], 0.0};
        ln_site_prepare(&g, &e->site[i]);
        ln_cell_from_latlon(e->lat[i], e->lon[i], sc->map_res, &e->cell[i]);
        if (sc->beam_res == sc->map_res)
            e->beam[i] = e->cell[i];
        else
            ln_cell_from_latlon(e->lat[i], e->lon[i], sc->beam_res,
                                &e->beam[i]);
        if (e->tflags_moving)
            e->tflags[i] = (unsigned char)ln__sim_trust_flags(e, i, t);
        decide(e, i, t, &e->dec[i]);
    } else if (refresh_fixed) {
        decide(e, i, t, &e->dec[i]);
    }
    e->allowed[i] = (unsigned char)e->dec[i].allowed; /* link's input */
}

/* The engine's part of steps 4 and 6 inside link's loops
 * (ln_link_hooks). */
typedef struct link_step {
    ln__engine *e;
    double t_unix_s;
    long step;
} link_step;

/* ln_link_hooks' each: terminal i's status this step, the policy's
 * reason when denied, else link's outcome (the same values: policy.h);
 * the zones it counts in; its demand (meter's model) when served. */
static void terminal_linked(void *user, size_t i, int outcome)
{
    const link_step *ls = user;
    ln__engine *e = ls->e;
    const ln_scenario *sc = e->sc;
    const ln_policy_decision *d = &e->dec[i];
    e->zone_at[i] = d->zone;
    e->demand_mbps[i] = 0;
    if (!d->allowed) {
        e->status[i] = (int8_t)d->reason;
        e->deny_zone[i] = d->reason == LN_REASON_ZONE ? (int32_t)d->zone : -1;
        return;
    }
    e->status[i] = (int8_t)outcome;
    e->deny_zone[i] = -1;
    if (outcome == LN_LINK_OK)
        e->demand_mbps[i] = ln_meter_demand_keyed(
            &sc->plans[sc->accounts[e->acct[i]].plan], e->dkey[i],
            (uint64_t)ls->step, ls->t_unix_s, e->lon[i]);
}

/* ln_link_hooks' side: the mesh's shortest paths (net's ln_mesh_route). */
static void isl_route_side(void *user)
{
    const link_step *ls = user;
    ln_mesh_route(ls->e->mesh);
}

/* Zone validity boundaries: fixed terminals are re-decided when the time
 * crosses one, or when a policy event applies. */
static double next_zone_change(const ln__engine *e, double t)
{
    double best = INFINITY;
    for (size_t z = 0; z < e->nzones_total; z++) {
        const ln_zone_info *zi = ln_zoneset_zone(e->zones, z);
        if (zi->valid_from_unix_s > t && zi->valid_from_unix_s < best)
            best = zi->valid_from_unix_s;
        if (zi->valid_until_unix_s > t && zi->valid_until_unix_s < best)
            best = zi->valid_until_unix_s;
    }
    return best;
}

/* The sub-satellite points of window w (when it has none yet). */
static int record_subsat(ln__engine *e, long w)
{
    return ln_activity_add_sats(e->act, w, e->nsat, e->pv.x, e->pv.y,
                                e->pv.z, e->usable);
}

/* The map's pictures and page, drawn from the run's aggregate into the
 * output set. */
static int render_map(ln__engine *e, ln_outset *os, ln_diag *diag)
{
    ln_activity_options ao;
    ln_activity_options_init(&ao);
    ao.quiet = 1;
    ao.frames = e->opt.frames;
    ao.animate = e->opt.animate;
    ao.outset = os;
    ao.data_dir = e->opt.data_dir;
    return ln_activity_render(e->act, ln_outset_stage(os), &ao, diag);
}

/* ---- the step ---------------------------------------------------------- */

/* What the calls of one step share (built by step_begin; not copied:
 * hooks points at ls). */
typedef struct step_at {
    long k;                  /* step index, 0 .. nsteps - 1 */
    double t_unix_s;         /* s since the Unix epoch */
    int slot;                /* a slot starts (link.scheduler "slot";
                                slots start at the scenario's start) */
    ln_link_mesh mesh;       /* net's mesh results for link */
    const ln_link_mesh *mp;  /* &mesh with link.isl, else NULL */
    link_step ls;            /* the engine's part inside link's loops */
    ln_link_hooks hooks;
} step_at;

/* The step loop's own state: zone validity and the phase clock. */
typedef struct loop_state {
    double zone_change_unix_s; /* next zone validity boundary (s since
                                  the Unix epoch; -inf before the first
                                  step) */
    int phases;              /* ln_sim_options.phases: time the steps */
    double tp;               /* wall clock of the last lap, s */
    double ph[7];            /* wall time per step of the data path, s */
} loop_state;

static void step_begin(ln__engine *e, long k, step_at *s)
{
    const ln_scenario *sc = e->sc;
    s->k = k;
    s->t_unix_s = sc->start_unix_s + k * sc->step_s;
    s->slot = sc->scheduler == LN_SCHED_SLOT && k % e->slot_steps == 0;
    s->mesh = (ln_link_mesh){e->sat_ok, e->mesh_next, e->mesh_gw,
                             e->mesh_km, e->mesh_hops};
    s->mp = sc->isl ? &s->mesh : NULL;
    s->ls = (link_step){e, s->t_unix_s, k};
    s->hooks = (ln_link_hooks){sc->isl ? isl_route_side : NULL,
                               terminal_linked, &s->ls};
}

/* The phase clock: lap(lp, p) adds the wall time since the last lap to
 * step p's sum (nothing unless lp->phases). */
static void lap(loop_state *lp, int p)
{
    if (!lp->phases)
        return;
    double t = ln_time_mono_s();
    if (p >= 0)
        lp->ph[p] += t - lp->tp;
    lp->tp = t;
}

/* Step 3 (link, policy): fixed terminals are decided again only when the
 * policy (kill switch, account events) or a zone's validity changes;
 * mobile ones move and are decided at every step, in parallel (each
 * writes only its own slots); link then learns the candidate areas of
 * the terminals that moved. */
static int move_decide(ln__engine *e, const step_at *s, loop_state *lp)
{
    int refresh = s->k == 0;
    if (ln_policy_advance(e->pol, s->t_unix_s) > 0)
        refresh = 1;
    if (s->t_unix_s >= lp->zone_change_unix_s) {
        refresh = 1;
        lp->zone_change_unix_s = next_zone_change(e, s->t_unix_s);
    }
    long lo = (long)e->lo, hi = (long)e->hi, nmob = (long)e->nmobile;
    long mlo = (long)e->mob_lo, mhi = (long)e->mob_hi;
    double t = s->t_unix_s;
    if (refresh) {
#pragma omp parallel for schedule(dynamic, 512) num_threads(e->nthreads)
        for (long i = lo; i < hi; i++)
            terminal_move_decide(e, (size_t)i, t, 1);
    }
    /* every mobile terminal moves on every rank (the capacity share reads
     * all beams; rank 0 maps all cells): those not refreshed above */
    if (!refresh || mlo > 0 || mhi < nmob) {
#pragma omp parallel for schedule(dynamic, 8) num_threads(e->nthreads)
        for (long m = 0; m < nmob; m++)
            if (!refresh || m < mlo || m >= mhi)
                terminal_move_decide(e, (size_t)e->mobile[m], t, 0);
    }
    return ln_link_track(e->link, e->mobile + mlo, (size_t)(mhi - mlo));
}

/* Step 4 (link, net beside): each area's candidate satellites, then each
 * terminal's serving satellite (handover, or the slot scheduler); the
 * hooks set its status and demand as it is linked while one thread
 * computes the mesh's shortest paths (the others need only sat_ok). */
static void serve(ln__engine *e, step_at *s)
{
    ln_link_areas(e->link, s->mp, s->slot);
    ln_link_serve(e->link, s->mp, e->allowed, s->slot, &s->hooks);
}

/* Step 7 (activity, meter, sim's counters): the window's sub-satellite
 * points at its first step, then the tallies (tally.c). rc: an earlier
 * step's failure, which skips the tallies. */
static int tally(ln__engine *e, const step_at *s, int rc)
{
    const ln_scenario *sc = e->sc;
    long w = (long)((s->t_unix_s - sc->start_unix_s) / sc->window_s +
                    1e-9);
    if (!rc && e->rank == 0 && w < e->nwin &&
        fabs(sc->start_unix_s + w * sc->window_s - s->t_unix_s) <
            0.5 * sc->step_s)
        rc = record_subsat(e, w);
    if (rc && !e->mpi)
        return rc;
    /* ranks: the tallies exchange with the others even after a failure
     * here (the step's agreement stops all of them after it) */
    int rc2 = ln__sim_account_step(e, s->t_unix_s);
    return rc ? rc : rc2;
}

/* One simulated time step k: the data path of docs/DESIGN.md, one call
 * into the area that owns each step. 0, or the first failure. */
static int sim_step(ln__engine *e, long k, loop_state *lp)
{
    step_at s;
    step_begin(e, k, &s);
    lap(lp, -1);
    /* 1 orbit: propagate every satellite to t, to ECEF */
    propagate(e, s.t_unix_s);
    lap(lp, 0);
    /* 2 link: sky index, visible gateways; net: mesh reach */
    sky(e);
    lap(lp, 1);
    /* 3 link, policy: move mobile terminals, authorize each terminal */
    int rc = move_decide(e, &s, lp);
    lap(lp, 2);
    /* 4 link: serving satellite or handover (status, demand: hooks) */
    serve(e, &s);
    lap(lp, 3);
    /* 5 link: gateway antennas (bent pipe, then mesh exits) */
    ln_link_gateways(e->link, s.mp, s.slot);
    lap(lp, 4);
    /* 6 link: satellite and beam capacity shared among terminals (the
     * demands of every rank's terminals) */
    if (e->mpi)
        ln__sim_mpi_gather(e->mpi, e->demand_mbps, sizeof *e->demand_mbps,
                           0, e->nt);
    ln_link_capacity(e->link, s.mp, e->demand_mbps, &s.hooks);
    lap(lp, 5);
    /* 7 activity, meter, counters: map, usage, counters, events */
    rc = tally(e, &s, rc);
    lap(lp, 6);
    return rc;
}

/* ---- the run ------------------------------------------------------------ */

static void print_phases(const loop_state *lp)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    fprintf(stderr,
            "phases (s): propagate %.3f sky %.3f move+decide %.3f "
            "serve %.3f gateways %.3f capacity %.3f tally %.3f; "
            "max RSS at the end of the loop %ld KB\n",
            lp->ph[0], lp->ph[1], lp->ph[2], lp->ph[3], lp->ph[4],
            lp->ph[5], lp->ph[6], (long)ru.ru_maxrss);
}

/* After the loop: the run's outputs into the output set os (staged, then
 * committed together, or aborted). */
static int finish(ln__engine *e, ln_outset *os, ln_diag *diag)
{
    int rc = ln__sim_write_outputs(e, os, diag);
    if (!rc)
        rc = render_map(e, os, diag);
    if (!rc && ln_cancel_requested())
        rc = ln_diag_set(diag, LN_EIO, ln_outset_dir(os), 0, 0, NULL,
                         "interrupted by a signal: no output written");
    if (rc) {
        ln_outset_abort(os);
    } else {
        static const char *const all[] = {"*", NULL};
        rc = ln_outset_commit(os, all, diag);
    }
    return rc;
}

static void fill_stats(const ln__engine *e, ln_sim_stats *st)
{
    const ln_scenario *sc = e->sc;
    st->satellites = (long)e->nsat;
    st->in_service = e->n_in_service;
    st->terminals = (long)e->nt;
    st->steps = e->nsteps;
    st->terminal_steps = (double)e->nt * (double)e->nsteps;
    st->wall_s = e->wall_s;
    st->availability = e->total.terminal_steps
                           ? (double)e->total.served_steps /
                                 (double)e->total.terminal_steps
                           : 0;
    st->annual_cost_usd =
        ln_usage_annual_cost(e->usage, -1, e->nsteps * sc->step_s, NULL);
}

/* Ranks: every rank's counters and first zone denials to rank 0 (its
 * own are merged already: ln__sim_acc_merge). */
static void ranks_collect(ln__engine *e)
{
    _Static_assert(sizeof(ln__counters) % sizeof(uint64_t) == 0,
                   "ln__counters is uint64 only");
    if (!e->mpi)
        return;
    size_t w = sizeof(ln__counters) / sizeof(uint64_t);
    ln__sim_mpi_sum_root_u64(e->mpi, (uint64_t *)&e->total, w);
    ln__sim_mpi_sum_root_u64(e->mpi, (uint64_t *)e->per_acct,
                             w * e->sc->naccounts);
    ln__sim_mpi_sum_root_u64(e->mpi, (uint64_t *)e->per_zone,
                             w * (e->nzones_total + 1));
    ln__sim_mpi_gather_root(e->mpi, e->ever_denied_zone,
                            sizeof *e->ever_denied_zone, 0, e->nt);
}

/* Ranks: the first failure of any rank (rank order) for all of them; a
 * failure of another rank is named in diag. */
static int ranks_agree(ln__engine *e, int rc, ln_diag *diag, int *other)
{
    if (!e->mpi)
        return rc;
    int who;
    int all = ln__sim_mpi_agree(e->mpi, rc, &who);
    *other = all && who != e->rank;
    if (*other)
        ln_diag_set(diag, all == LN_ECANCELED_ ? LN_EIO : all, NULL, 0, 0,
                    NULL, "MPI rank %d of %d failed (%s): this rank stops "
                    "too, no output written", who,
                    ln__sim_mpi_size(e->mpi),
                    all == LN_ECANCELED_ ? "interrupted" : ln_strerror(all));
    return all;
}

/* Setup (setup.c), agreed among ranks, and the output set (rank 0). */
static int run_open(ln__engine *e, ln_outset **os, ln_diag *diag)
{
    int other;
    int rc = ln__sim_setup(e, diag);
    rc = ranks_agree(e, rc, diag, &other);
    if (!rc && e->opt.write_outputs && e->rank == 0) {
        const char *dir = e->opt.out_dir ? e->opt.out_dir : e->sc->out_dir;
        rc = ln_outset_open(dir, os, diag);
    }
    return ranks_agree(e, rc, diag, &other);
}

/* The step loop, with progress and cancel (agreed among ranks every
 * step). */
static int run_steps(ln__engine *e, ln_diag *diag)
{
    ln_progress *pg = e->opt.quiet || e->rank
                          ? NULL
                          : ln_progress_new("leonet run",
                                            (uint64_t)e->nsteps);
    double t0 = ln_time_mono_s();
    loop_state lp = {.zone_change_unix_s = -INFINITY,
                     .phases = e->opt.phases};
    int rc = 0, other = 0;
    for (long k = 0; k < e->nsteps && !rc; k++) {
        if (ln_cancel_requested() && !e->mpi) {
            rc = LN_ECANCELED_;
            break;
        }
        rc = sim_step(e, k, &lp);
        if (!rc && e->opt.observe) /* leonet drive (observe.c); with MPI
                                      ranks, each sees its own block */
            rc = ln__sim_observe(e, k);
        if (e->mpi)
            rc = ranks_agree(e, rc ? rc
                                : ln_cancel_requested() ? LN_ECANCELED_
                                                        : 0,
                             diag, &other);
        ln_progress_update(pg, (uint64_t)k + 1);
    }
    if (lp.phases && e->rank == 0)
        print_phases(&lp);
    e->wall_s = ln_time_mono_s() - t0;
    ln__sim_flush_window(e, e->cur_win);
    ln__sim_acc_merge(e);
    ranks_collect(e);
    if (lp.phases && e->mpi && e->rank == 0)
        fprintf(stderr, "mpi: %d ranks, rank 0 exchanged %.0f bytes (%.1f "
                "per step, %.2f per terminal-step)\n",
                ln__sim_mpi_size(e->mpi), ln__sim_mpi_bytes(e->mpi),
                ln__sim_mpi_bytes(e->mpi) / (e->nsteps ? e->nsteps : 1),
                ln__sim_mpi_bytes(e->mpi) /
                    fmax(1.0, (double)e->nsteps * (double)e->nt));
    ln_progress_free(pg);
    if (rc && !other)
        ln_diag_set(diag, rc == LN_ECANCELED_ ? LN_EIO : rc, NULL, 0, 0,
                    NULL, "%s",
                    rc == LN_ECANCELED_
                        ? "interrupted by a signal: no output written"
                    : rc == LN_EIO ? "cannot write the events' temporary file"
                                   : ln_strerror(rc));
    return rc;
}

int ln_sim_run(const ln_scenario *sc, const ln_sim_options *opt,
               ln_sim_stats *st, ln_diag *diag)
{
    ln__engine e;
    memset(&e, 0, sizeof e);
    e.sc = sc;
    if (opt)
        e.opt = *opt;
    else
        e.opt.write_outputs = 1;
    e.nthreads = e.opt.nthreads > 0 ? e.opt.nthreads : ln_ncpu();
    ln_diag_clear(diag);
    /* MPI ranks (under mpirun, in an MPI build): this rank's part */
    int rc;
    e.mpi = ln__sim_mpi_open(&rc);
    if (rc)
        return ln_diag_set(diag, rc, NULL, 0, 0, NULL, "%s",
                           rc == LN_EINVAL
                               ? "started by mpirun with several ranks, but "
                                 "this leonet was built without MPI: run it "
                                 "alone, or rebuild it with MPI "
                                 "(libopenmpi-dev; docs/scaling.md)"
                               : "MPI could not start");
    e.rank = ln__sim_mpi_rank(e.mpi);
    /* setup (setup.c) and the output set */
    ln_outset *os = NULL;
    rc = run_open(&e, &os, diag);
    if (!rc)
        rc = run_steps(&e, diag);
    if (rc) {
        ln_outset_abort(os);
        ln__sim_engine_free(&e);
        ln__sim_mpi_close(e.mpi, 1);
        return rc == LN_ECANCELED_ ? LN_EIO : rc;
    }
    /* finish: outputs, the map, commit; the summary; stats (rank 0) */
    if (os)
        rc = finish(&e, os, diag);
    if (!rc && !e.opt.quiet && e.rank == 0)
        ln__sim_print_summary(&e, stdout);
    if (st) {
        fill_stats(&e, st);
        st->mpi_ranks = ln__sim_mpi_size(e.mpi);
        st->mpi_rank = e.rank;
        st->mpi_bytes = ln__sim_mpi_bytes(e.mpi);
    }
    ln__sim_engine_free(&e);
    ln__sim_mpi_close(e.mpi, rc != 0);
    return rc;
}
