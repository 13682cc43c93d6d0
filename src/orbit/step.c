/*
 * step.c - one time step of a whole constellation: every satellite
 * propagated (SGP4/SDP4, TEME), rotated to ECEF, and flagged usable. The
 * one stepping loop of the library: the engine (leonet run) calls it
 * directly, and the network's ln_net_advance (leonet route, Hypatia's
 * dynamic state) calls it before updating the links.
 *
 * Exports ln_orbit_step (orbit.h).
 *
 * Cost: ln_orbit_propagate (threads across satellites) plus O(nsat) for
 * the frame rotation and the flags; allocates nothing.
 */
#include "leonet/orbit.h"

long ln_orbit_step(const ln_orbit *o, const ln_orbit_at *at,
                   const unsigned char *in_service, ln_pv_soa *pv,
                   unsigned char *usable, int nthreads)
{
    size_t n = ln_orbit_count(o);
    long bad = at->use_tsince
                   ? ln_orbit_propagate_tsince(o, at->tsince_min, pv, nthreads)
                   : ln_orbit_propagate(o, at->t_unix_s, pv, nthreads);
    ln_teme_to_ecef_soa(at->t_unix_s, pv, n);
    if (usable)
        for (size_t s = 0; s < n; s++)
            usable[s] = (unsigned char)((!in_service || in_service[s]) &&
                                        pv->err[s] == 0);
    return bad;
}
