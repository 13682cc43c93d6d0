/*
 * step.c - the network advanced to one time step: the constellation
 * propagated and put in ECEF by orbit's one stepping loop (ln_orbit_step),
 * then the links of the step (ln_net_update). leonet route's time series
 * and Hypatia's dynamic state (hypatia_run.c) step through it; the
 * engine's laser mesh (mesh.c) takes the engine's own ln_orbit_step
 * positions, since link's gateway visibility runs between the two.
 *
 * Exports ln_net_advance (net.h).
 */
#include "leonet/net.h"

int ln_net_advance(ln_net *n, const ln_orbit *o, const ln_orbit_at *at,
                   const ln_net_fail *fail, int nthreads, ln_pv_soa *pv,
                   double *orbit_s)
{
    double t0 = orbit_s ? ln_time_mono_s() : 0.0;
    ln_orbit_step(o, at, NULL, pv, NULL, nthreads);
    if (orbit_s)
        *orbit_s = ln_time_mono_s() - t0;
    return ln_net_update(n, pv->x, pv->y, pv->z, fail);
}
