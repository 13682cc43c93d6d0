/*
 * fleet.c - ln_sim_fleet_new: the terminals a run places, in the engine's
 * order, without running a step (leonetd seed, leonet drive).
 * How: the engine's own setup (setup.c: ln__sim_setup), then a copy of
 * the placed positions, accounts and groups, then the engine is freed.
 * So the placement and order are ln_sim_run's by construction, at the
 * cost of a setup (the constellation read and link's index: about a
 * second for the built-in day; memory as ln_sim_estimate says).
 */
#include <string.h>

#include "sim/sim_int.h"

void ln_sim_fleet_free(ln_sim_fleet *f)
{
    if (!f)
        return;
    ln_free(f->lat_rad);
    ln_free(f->lon_rad);
    ln_free(f->account);
    ln_free(f->group);
    ln_free(f->kind);
    ln_free(f);
}

/* The fleet's arrays from a set-up engine. */
static int copy_fleet(const ln__engine *e, ln_sim_fleet *f, ln_diag *diag)
{
    size_t n = e->nt;
    f->n = n;
    ALLOC(f->lat_rad, n);
    ALLOC(f->lon_rad, n);
    ALLOC(f->account, n);
    ALLOC(f->group, n);
    ALLOC(f->kind, n);
    if (n) {
        memcpy(f->lat_rad, e->lat, n * sizeof *f->lat_rad);
        memcpy(f->lon_rad, e->lon, n * sizeof *f->lon_rad);
        memcpy(f->account, e->acct, n * sizeof *f->account);
        memcpy(f->group, e->group, n * sizeof *f->group);
    }
    for (size_t i = 0; i < n; i++)
        f->kind[i] = (int8_t)(e->track[i] >= 0 ? LN_TG_MOBILE : LN_TG_FIXED);
    return 0;
}

int ln_sim_fleet_new(const ln_scenario *sc, const ln_sim_options *opt,
                     ln_sim_fleet **out, ln_diag *diag)
{
    *out = NULL;
    ln_diag_clear(diag);
    ln__engine e;
    memset(&e, 0, sizeof e);
    e.sc = sc;
    if (opt)
        e.opt = *opt;
    e.opt.observe = NULL;
    e.nthreads = e.opt.nthreads > 0 ? e.opt.nthreads : ln_ncpu();
    int rc = ln__sim_setup(&e, diag);
    ln_sim_fleet *f = NULL;
    if (!rc) {
        f = ln_calloc(1, sizeof *f);
        if (!f)
            rc = ln_diag_set(diag, LN_ENOMEM, NULL, 0, 0, NULL,
                             "out of memory");
    }
    if (!rc)
        rc = copy_fleet(&e, f, diag);
    ln__sim_engine_free(&e);
    if (rc) {
        ln_sim_fleet_free(f);
        return rc;
    }
    *out = f;
    return 0;
}
