/*
 * usage.c - the usage accumulator (meter.h, ln_usage): bytes per
 * terminal, account and day, the satellites serving each account, and
 * the price and cost to serve computed from them.
 *
 * Exports: ln_usage_new, _free, _ndays, _terminals, _day, _add,
 * _add_range, _serve, _day_bytes, _terminal_bytes, _account_bytes,
 * _over_gb, _over_gb_day, _annual_cost, _day_cost, _cost_to_serve,
 * _serving_sats_mean.
 *
 * Representation: each terminal has two integer counters, the bytes of
 * the current day and those of the days before; an add touches only its
 * terminal's day counter, so adds for disjoint terminals need no lock
 * and no per-thread copy, and the sums (integers) do not depend on how
 * the terminals were split. When the day changes (ln_usage_day) the day
 * is folded, serially and in terminal order: per account, its bytes
 * (uint64) and its overage (double: the sum of its terminals'
 * ln_meter_over_gb for per-terminal plans), then the day counters move
 * into the run counters. The current day is read from the terminals'
 * counters, with the same arithmetic as the fold. The terminals of each
 * account are kept in index order (a CSR list), so a per-account query
 * costs its terminals, not all of them.
 *
 * Cost: 28 bytes a terminal, 16 bytes an account and day, 4 bytes a
 * satellite; an add is one integer addition; a fold and a query of the
 * current day are linear in the terminals they read.
 */
#include <math.h>
#include <string.h>

#include "leonet/meter.h"
#include "leonet/policy.h"

struct ln_usage {
    size_t nterm, nacct, nsat;
    long ndays;
    double start_unix_s;
    ln_plan *plan;            /* [account] a copy of its plan */
    int *acct;                /* [terminal] account */
    size_t *acct_start;       /* nacct + 1: CSR into acct_term */
    size_t *acct_term;        /* terminals of each account, index order */
    uint64_t *term_run;       /* [terminal] bytes of the days before day */
    uint64_t *term_day;       /* [terminal] bytes of day `day` */
    uint64_t *day_bytes;      /* [day][account] folded days' bytes */
    double *day_over_gb;      /* [day][account] folded days' GB a month
                                 beyond included_gb (plan's rule) */
    long day;                 /* the day term_day counts, 0..ndays-1 */
    int *nsrv;                /* [sat] scratch: terminals served */
    double *sat_steps;        /* [account] its share of serving
                                 satellites, summed over steps */
    uint64_t serving_sat_steps; /* satellites serving >= 1 terminal,
                                   summed over steps */
    long nsteps;              /* ln_usage_serve calls */
    double step_s;            /* dt_s of the first of them, s */
    ln_cts_model cts;
    double sat_capacity_mbps;
};

int ln_usage_new(const ln_usage_config *cfg, ln_usage **out)
{
    *out = NULL;
    if (!(cfg->span_s > 0))
        return LN_EINVAL;
    for (size_t a = 0; a < cfg->naccounts; a++)
        if (cfg->account_plan[a] < 0 ||
            (size_t)cfg->account_plan[a] >= cfg->nplans)
            return LN_EINVAL;
    for (size_t i = 0; i < cfg->nterminals; i++)
        if (cfg->terminal_account[i] < 0 ||
            (size_t)cfg->terminal_account[i] >= cfg->naccounts)
            return LN_EINVAL;
    ln_usage *u = ln_calloc(1, sizeof *u);
    if (!u)
        return LN_ENOMEM;
    u->nterm = cfg->nterminals;
    u->nacct = cfg->naccounts;
    u->nsat = cfg->nsats;
    u->start_unix_s = cfg->start_unix_s;
    u->ndays = (long)ceil(cfg->span_s / 86400.0 - 1e-9);
    if (u->ndays < 1)
        u->ndays = 1;
    u->cts = cfg->cts;
    u->sat_capacity_mbps = cfg->sat_capacity_mbps;
    size_t nt = u->nterm ? u->nterm : 1, na = u->nacct ? u->nacct : 1;
    size_t nd = (size_t)u->ndays;
    u->plan = ln_calloc(na, sizeof *u->plan);
    u->acct = ln_calloc(nt, sizeof *u->acct);
    u->acct_start = ln_calloc(na + 1, sizeof *u->acct_start);
    u->acct_term = ln_calloc(nt, sizeof *u->acct_term);
    u->term_run = ln_calloc(nt, sizeof *u->term_run);
    u->term_day = ln_calloc(nt, sizeof *u->term_day);
    u->day_bytes = ln_calloc(nd * na, sizeof *u->day_bytes);
    u->day_over_gb = ln_calloc(nd * na, sizeof *u->day_over_gb);
    u->nsrv = ln_calloc(u->nsat ? u->nsat : 1, sizeof *u->nsrv);
    u->sat_steps = ln_calloc(na, sizeof *u->sat_steps);
    if (!u->plan || !u->acct || !u->acct_start || !u->acct_term ||
        !u->term_run || !u->term_day || !u->day_bytes || !u->day_over_gb ||
        !u->nsrv || !u->sat_steps) {
        ln_usage_free(u);
        return LN_ENOMEM;
    }
    for (size_t a = 0; a < u->nacct; a++)
        u->plan[a] = cfg->plans[cfg->account_plan[a]];
    /* counting sort of the terminals by account: index order within */
    for (size_t i = 0; i < u->nterm; i++) {
        u->acct[i] = cfg->terminal_account[i];
        u->acct_start[u->acct[i] + 1]++;
    }
    for (size_t a = 0; a < u->nacct; a++)
        u->acct_start[a + 1] += u->acct_start[a];
    for (size_t i = 0; i < u->nterm; i++)
        u->acct_term[u->acct_start[u->acct[i]]++] = i;
    for (size_t a = u->nacct; a > 0; a--)
        u->acct_start[a] = u->acct_start[a - 1];
    u->acct_start[0] = 0;
    *out = u;
    return LN_OK;
}

void ln_usage_free(ln_usage *u)
{
    if (!u)
        return;
    ln_free(u->plan);
    ln_free(u->acct);
    ln_free(u->acct_start);
    ln_free(u->acct_term);
    ln_free(u->term_run);
    ln_free(u->term_day);
    ln_free(u->day_bytes);
    ln_free(u->day_over_gb);
    ln_free(u->nsrv);
    ln_free(u->sat_steps);
    ln_free(u);
}

long ln_usage_ndays(const ln_usage *u)
{
    return u->ndays;
}

long ln_usage_terminals(const ln_usage *u, int account)
{
    if (account < 0)
        return (long)u->nterm;
    return (long)(u->acct_start[account + 1] - u->acct_start[account]);
}

/* ---- counting ------------------------------------------------------------ */

/* Bytes of account a's terminals in the current day. */
static uint64_t cur_day_bytes(const ln_usage *u, size_t a)
{
    uint64_t sum = 0;
    for (size_t k = u->acct_start[a]; k < u->acct_start[a + 1]; k++)
        sum += u->term_day[u->acct_term[k]];
    return sum;
}

/* The sum of account a's terminals' ln_meter_over_gb, each terminal's
 * bytes (the day's, or the period's) over span_s seconds. */
static double terminals_over_gb(const ln_usage *u, size_t a, int whole,
                                double span_s)
{
    const ln_plan *p = &u->plan[a];
    double over = 0;
    if (!(span_s > 0))
        return 0;
    for (size_t k = u->acct_start[a]; k < u->acct_start[a + 1]; k++) {
        size_t i = u->acct_term[k];
        uint64_t b = whole ? u->term_run[i] + u->term_day[i] : u->term_day[i];
        over += ln_meter_over_gb(p, (double)b / 1e9 * LN_MONTH_S / span_s);
    }
    return over;
}

/* GB a month beyond the included volume of account a in the current day
 * (the plan's rule). */
static double cur_day_over_gb(const ln_usage *u, size_t a)
{
    const ln_plan *p = &u->plan[a];
    if (p->overage == LN_OVERAGE_PER_TERMINAL)
        return terminals_over_gb(u, a, 0, 86400.0);
    /* usage.csv's arithmetic: the day's GB, and back to bytes */
    double gb = (double)cur_day_bytes(u, a) / 1e9;
    return ln_meter_pooled_over_gb(p, ln_usage_terminals(u, (int)a),
                                   gb * 1e9, 86400.0);
}

static long day_of(const ln_usage *u, double t_unix_s)
{
    long d = (long)((t_unix_s - u->start_unix_s) / 86400.0);
    if (d >= u->ndays)
        d = u->ndays - 1;
    return d < 0 ? 0 : d;
}

void ln_usage_day(ln_usage *u, double t_unix_s)
{
    long d = day_of(u, t_unix_s);
    if (d <= u->day)
        return;
    size_t row = (size_t)u->day * u->nacct;
    for (size_t a = 0; a < u->nacct; a++) {
        u->day_bytes[row + a] = cur_day_bytes(u, a);
        u->day_over_gb[row + a] = cur_day_over_gb(u, a);
    }
    for (size_t i = 0; i < u->nterm; i++) {
        u->term_run[i] += u->term_day[i];
        u->term_day[i] = 0;
    }
    u->day = d;
}

void ln_usage_add(ln_usage *u, size_t terminal, uint64_t bytes)
{
    u->term_day[terminal] += bytes;
}

void ln_usage_add_range(ln_usage *u, size_t first, size_t n,
                        const uint64_t *bytes)
{
    uint64_t *restrict d = u->term_day + first;
    for (size_t k = 0; k < n; k++)
        d[k] += bytes[k];
}

void ln_usage_serve(ln_usage *u, const int *sat, const int8_t *reason,
                    double dt_s)
{
    if (u->nsteps == 0)
        u->step_s = dt_s;
    /* 1.0 for the usual step of the first's length: the shares below
     * are then exactly 1/n */
    double w = dt_s / u->step_s;
    int *n = u->nsrv;
    for (size_t i = 0; i < u->nterm; i++)
        if (reason[i] == LN_REASON_NONE && sat[i] >= 0)
            n[sat[i]]++;
    for (size_t s = 0; s < u->nsat; s++)
        u->serving_sat_steps += n[s] > 0;
    for (size_t i = 0; i < u->nterm; i++)
        if (reason[i] == LN_REASON_NONE && sat[i] >= 0)
            u->sat_steps[u->acct[i]] += w / n[sat[i]];
    for (size_t s = 0; s < u->nsat; s++)
        n[s] = 0;
    u->nsteps++;
}

/* ---- queries ------------------------------------------------------------- */

uint64_t ln_usage_day_bytes(const ln_usage *u, long day, int account)
{
    if (day < 0 || day >= u->ndays)
        return 0;
    uint64_t sum = 0;
    for (size_t a = 0; a < u->nacct; a++) {
        if (account >= 0 && (size_t)account != a)
            continue;
        sum += day == u->day ? cur_day_bytes(u, a)
                             : u->day_bytes[(size_t)day * u->nacct + a];
    }
    return sum;
}

uint64_t ln_usage_terminal_bytes(const ln_usage *u, size_t terminal)
{
    return u->term_run[terminal] + u->term_day[terminal];
}

uint64_t ln_usage_account_bytes(const ln_usage *u, int account)
{
    uint64_t sum = 0;
    for (size_t a = 0; a < u->nacct; a++) {
        if (account >= 0 && (size_t)account != a)
            continue;
        for (size_t k = u->acct_start[a]; k < u->acct_start[a + 1]; k++)
            sum += ln_usage_terminal_bytes(u, u->acct_term[k]);
    }
    return sum;
}

/* GB a month beyond the included volume of account a over the period so
 * far, delivered in span_s seconds (the plan's rule). */
static double run_over_gb(const ln_usage *u, size_t a, double span_s)
{
    const ln_plan *p = &u->plan[a];
    if (p->overage == LN_OVERAGE_PER_TERMINAL)
        return terminals_over_gb(u, a, 1, span_s);
    return ln_meter_pooled_over_gb(p, ln_usage_terminals(u, (int)a),
                                   (double)ln_usage_account_bytes(u, (int)a),
                                   span_s);
}

double ln_usage_over_gb(const ln_usage *u, int account, double span_s)
{
    double sum = 0;
    for (size_t a = 0; a < u->nacct; a++)
        if (account < 0 || (size_t)account == a)
            sum += run_over_gb(u, a, span_s);
    return sum;
}

static double day_over_gb(const ln_usage *u, long day, size_t a)
{
    if (day == u->day)
        return cur_day_over_gb(u, a);
    return u->day_over_gb[(size_t)day * u->nacct + a];
}

double ln_usage_over_gb_day(const ln_usage *u, long day, int account)
{
    double sum = 0;
    if (day < 0 || day >= u->ndays)
        return 0;
    for (size_t a = 0; a < u->nacct; a++)
        if (account < 0 || (size_t)account == a)
            sum += day_over_gb(u, day, a);
    return sum;
}

static void cost_add(ln_cost *sum, const ln_cost *c)
{
    sum->hardware_usd_per_year += c->hardware_usd_per_year;
    sum->service_usd_per_year += c->service_usd_per_year;
    sum->traffic_usd_per_year += c->traffic_usd_per_year;
    sum->total_usd_per_year += c->total_usd_per_year;
}

/* The annual cost of account (-1: all), summed in account order, with
 * the volume beyond the included one of day (day < 0: of the run, span_s
 * long). Per-terminal plans: each terminal's own month (terminals denied
 * all run count 0 GB); pooled: the account's average. A day's cost is its
 * share of the annual fees, plus its traffic beyond the included volume
 * (pro rata). */
static ln_cost accounts_cost(const ln_usage *u, int account, long day,
                             double span_s)
{
    ln_cost sum = {0, 0, 0, 0};
    for (size_t a = 0; a < u->nacct; a++) {
        if (account >= 0 && (size_t)account != a)
            continue;
        ln_cost c = ln_meter_annual_cost_over(
            &u->plan[a], ln_usage_terminals(u, (int)a),
            day >= 0 ? day_over_gb(u, day, a) : run_over_gb(u, a, span_s));
        cost_add(&sum, &c);
    }
    return sum;
}

double ln_usage_annual_cost(const ln_usage *u, int account, double span_s,
                            ln_cost *parts)
{
    ln_cost sum = accounts_cost(u, account, -1, span_s);
    if (parts)
        *parts = sum;
    return sum.total_usd_per_year;
}

ln_cost ln_usage_day_cost(const ln_usage *u, long day, int account)
{
    if (day < 0 || day >= u->ndays)
        return (ln_cost){0, 0, 0, 0};
    return accounts_cost(u, account, day, 0);
}

ln_cts ln_usage_cost_to_serve(const ln_usage *u, int account, double span_s)
{
    ln_cts sum;
    memset(&sum, 0, sizeof sum);
    for (size_t a = 0; a < u->nacct; a++) {
        if (account >= 0 && (size_t)account != a)
            continue;
        ln_cts c = ln_meter_cost_to_serve(
            &u->cts, &u->plan[a], ln_usage_terminals(u, (int)a),
            (double)ln_usage_account_bytes(u, (int)a), u->sat_steps[a],
            u->step_s, span_s, u->sat_capacity_mbps);
        sum.sats_used += c.sats_used;
        sum.sats_in_view += c.sats_in_view;
        sum.satellites_usd_per_year += c.satellites_usd_per_year;
        sum.gateways_usd_per_year += c.gateways_usd_per_year;
        sum.terminals_usd_per_year += c.terminals_usd_per_year;
        sum.terminal_subsidy_usd_per_year += c.terminal_subsidy_usd_per_year;
        sum.total_usd_per_year += c.total_usd_per_year;
        sum.satellites_in_view_usd_per_year +=
            c.satellites_in_view_usd_per_year;
        sum.gateways_in_view_usd_per_year += c.gateways_in_view_usd_per_year;
        sum.total_in_view_usd_per_year += c.total_in_view_usd_per_year;
    }
    return sum;
}

double ln_usage_serving_sats_mean(const ln_usage *u)
{
    return u->nsteps > 0
               ? (double)u->serving_sat_steps / (double)u->nsteps
               : 0;
}
