/*
 * observe.c - the step observer (ln_sim_options.observe): after each step
 * ln_sim_run hands it a read-only view of the engine's per-terminal
 * arrays (sim.h, ln_sim_step_view). Nothing is copied: the view points
 * at the engine's own arrays, so an observer costs what it does itself
 * and a run without one costs one test per step (engine.c).
 */
#include "sim/observe.h"

int ln__sim_observe(const ln__engine *e, long k)
{
    const ln_scenario *sc = e->sc;
    /* the step's time as step_begin (engine.c) computes it */
    const ln_sim_step_view v = {
        .step = k,
        .nsteps = e->nsteps,
        .t_unix_s = sc->start_unix_s + k * sc->step_s,
        .step_s = sc->step_s,
        .nt = e->nt,
        .lat_rad = e->lat,
        .lon_rad = e->lon,
        .account = e->acct,
        .allowed = e->allowed,
        .status = e->status,
        .deny_zone = e->deny_zone,
        .covered = e->covered,
        .bytes = e->step_bytes,
        .rtt_ms = e->rtt_ms,
    };
    return e->opt.observe(e->opt.observe_user, &v);
}
