/*
 * meter_acc.c - the engine's metering beyond the per-account counters:
 * per-terminal usage (for plans whose overage is counted per terminal)
 * and the satellites serving the fleet (for the cost to serve).
 *
 * Exports (sim_int.h): ln__sim_meter_alloc, _free, _day, _step,
 * ln__sim_over_gb_day, ln__sim_over_gb_run.
 *
 * Per-terminal bytes are integers added by the thread that owns the
 * terminal in account_step; everything here runs serially in terminal
 * order, so the sums do not depend on the thread count.
 */
#include "sim_int.h"

#include "leonet/core.h"

int ln__sim_meter_alloc(ln__engine *e)
{
    size_t nt = e->nt ? e->nt : 1, ns = e->nsat ? e->nsat : 1;
    size_t na = e->sc->naccounts ? e->sc->naccounts : 1;
    size_t nd = e->ndays > 0 ? (size_t)e->ndays : 1;
    e->term_bytes = ln_calloc(nt, sizeof *e->term_bytes);
    e->term_day_bytes = ln_calloc(nt, sizeof *e->term_day_bytes);
    e->over_gb_day = ln_calloc(nd * na, sizeof *e->over_gb_day);
    e->sat_nsrv = ln_calloc(ns, sizeof *e->sat_nsrv);
    e->acct_sat_steps = ln_calloc(na, sizeof *e->acct_sat_steps);
    e->meter_day = 0;
    e->serving_sat_steps = 0;
    if (!e->term_bytes || !e->term_day_bytes || !e->over_gb_day ||
        !e->sat_nsrv || !e->acct_sat_steps)
        return LN_ENOMEM;
    return 0;
}

void ln__sim_meter_free(ln__engine *e)
{
    ln_free(e->term_bytes);
    ln_free(e->term_day_bytes);
    ln_free(e->over_gb_day);
    ln_free(e->sat_nsrv);
    ln_free(e->acct_sat_steps);
    e->term_bytes = e->term_day_bytes = NULL;
    e->over_gb_day = e->acct_sat_steps = NULL;
    e->sat_nsrv = NULL;
}

/* GB a month beyond included_gb of the terminals of account a, from
 * per-terminal byte counts over span_s seconds. */
static double over_gb(const ln__engine *e, const uint64_t *bytes, size_t a,
                      double span_s)
{
    const ln_plan *p = &e->sc->plans[e->sc->accounts[a].plan];
    double over = 0;
    if (!(span_s > 0))
        return 0;
    for (size_t i = 0; i < e->nt; i++)
        if ((size_t)e->acct[i] == a)
            over += ln_meter_over_gb(p, (double)bytes[i] / 1e9 *
                                            LN_MONTH_S / span_s);
    return over;
}

void ln__sim_meter_day(ln__engine *e, long day)
{
    if (day == e->meter_day || !e->term_day_bytes)
        return;
    size_t na = e->sc->naccounts;
    for (size_t a = 0; a < na; a++)
        e->over_gb_day[(size_t)e->meter_day * na + a] =
            over_gb(e, e->term_day_bytes, a, 86400.0);
    for (size_t i = 0; i < e->nt; i++)
        e->term_day_bytes[i] = 0;
    e->meter_day = day;
}

double ln__sim_over_gb_day(const ln__engine *e, long d, size_t a)
{
    if (d == e->meter_day)
        return over_gb(e, e->term_day_bytes, a, 86400.0);
    return e->over_gb_day[(size_t)d * e->sc->naccounts + a];
}

double ln__sim_over_gb_run(const ln__engine *e, size_t a)
{
    return over_gb(e, e->term_bytes, a, e->nsteps * e->sc->step_s);
}

void ln__sim_meter_step(ln__engine *e)
{
    int *n = e->sat_nsrv;
    for (size_t i = 0; i < e->nt; i++)
        if (e->status[i] == LN_REASON_NONE && e->serving[i] >= 0)
            n[e->serving[i]]++;
    for (size_t s = 0; s < e->nsat; s++)
        e->serving_sat_steps += n[s] > 0;
    for (size_t i = 0; i < e->nt; i++)
        if (e->status[i] == LN_REASON_NONE && e->serving[i] >= 0)
            e->acct_sat_steps[e->acct[i]] += 1.0 / n[e->serving[i]];
    for (size_t s = 0; s < e->nsat; s++)
        n[s] = 0;
}
