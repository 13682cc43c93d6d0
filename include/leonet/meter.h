/*
 * meter.h - demand, usage and cost: how much each terminal wants to send,
 * what it got, and what each account pays.
 *
 * Demand model (documented in docs/outputs.md): a terminal of plan P is
 * "in use" in a step with probability duty(P) x diurnal(local hour), and
 * then asks for peak_mbps(P). diurnal() is a fixed 24-value profile of
 * residential broadband use (low 0.25 at 04-05 h, high 1.0 at 20-22 h),
 * evaluated at local solar time (UTC + lon/15 h). The draw is a hash of
 * (seed, terminal, step), so it is the same whatever the thread count.
 *
 * Cost model (the price the customer pays, "billed"): per terminal,
 * hardware_usd amortized over amortize_years, plus monthly_usd x 12, plus
 * usd_per_gb for traffic over included_gb a month (extrapolated from the
 * simulated span to a year). The overage is counted per terminal (each
 * terminal's own month against its own included_gb) or pooled (the
 * account's traffic against nterm x included_gb), as the plan says. A
 * terminal denied all run is billed its hardware and monthly fee and
 * delivers nothing. Annual figures are in US dollars per year.
 *
 * Cost to serve (the operator's side, ln_meter_cost_to_serve): the
 * satellites, gateway antennas and terminals the service uses, each
 * amortized over its life; satellites and antennas shared by use (the
 * fleet's delivered bits over the satellite's capacity) and, as an upper
 * bound, whole while they serve the fleet. docs/scenario.md gives every
 * default and its source.
 *
 * Usage accumulator (ln_usage, usage.c): the bytes each terminal got,
 * per day and over the whole period, folded per account and day, and the
 * satellites that served each account; from those, each account's price
 * and cost to serve under the models above. It is fed by the simulator
 * one step at a time now, and is meant to be fed by telemetry reports
 * later; it knows no step length: callers pass bytes, times and spans.
 */
#ifndef LEONET_METER_H
#define LEONET_METER_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "leonet/core.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ln_plan {
    char id[64];
    double hardware_usd;    /* price of one terminal kit */
    double amortize_years;  /* hardware written off over, years (> 0) */
    double monthly_usd;     /* service fee per terminal and month */
    double included_gb;     /* traffic included per terminal and month */
    double usd_per_gb;      /* price of traffic beyond included_gb */
    double peak_mbps;       /* demand while in use, Mbit/s */
    double duty;            /* share of busy-hour steps in use, 0..1 */
    int overage;            /* LN_OVERAGE_*: how included_gb is counted */
} ln_plan;

/* How a plan counts traffic beyond included_gb. */
enum {
    LN_OVERAGE_PER_TERMINAL = 0, /* each terminal against its own volume */
    LN_OVERAGE_POOLED = 1        /* the account's traffic against nterm x
                                    included_gb (one shared pool) */
};
/* "per_terminal", "pooled" */
const char *ln_meter_overage_name(int overage);

/* Diurnal profile value (0..1] at a local solar hour 0..24. */
double ln_meter_diurnal(double local_hour);

/* Demand of a terminal in a step, Mbit/s (0 when not in use).
 * Given: plan, seed, terminal index, step index, t_unix_s, lon_rad. */
/* The same in two parts, for the engine's hot loop: the terminal's key
 * (constant for a run) and the demand from it; the result is identical
 * to ln_meter_demand_mbps(plan, seed, terminal, ...). */
uint64_t ln_meter_terminal_key(uint64_t seed, uint64_t terminal);
double ln_meter_demand_keyed(const ln_plan *plan, uint64_t key,
                             uint64_t step, double t_unix_s, double lon_rad);
double ln_meter_demand_mbps(const ln_plan *plan, uint64_t seed,
                            uint64_t terminal, uint64_t step,
                            double t_unix_s, double lon_rad);

/* Annual cost of nterm terminals of a plan that moved `bytes` over
 * `span_s` seconds of simulation, USD/year. Split into its parts. */
typedef struct ln_cost {
    double hardware_usd_per_year;
    double service_usd_per_year;
    double traffic_usd_per_year;
    double total_usd_per_year;
} ln_cost;
ln_cost ln_meter_annual_cost(const ln_plan *plan, long nterm, double bytes,
                             double span_s);

/* Seconds in a month: a twelfth of a Julian year (2,629,800 s). */
#define LN_MONTH_S (365.25 * 86400.0 / 12.0)

/* GB a month beyond the included volume of one terminal that used
 * gb_month GB a month: max(0, gb_month - included_gb). */
double ln_meter_over_gb(const ln_plan *plan, double gb_month);

/* The annual cost of nterm terminals whose traffic beyond the included
 * volume is over_gb_month GB a month in all (the sum of the terminals'
 * ln_meter_over_gb for a per-terminal plan; max(0, sum - nterm x
 * included_gb) for a pooled one). */
ln_cost ln_meter_annual_cost_over(const ln_plan *plan, long nterm,
                                  double over_gb_month);

/* The pooled GB a month beyond the included volume of nterm terminals
 * that moved `bytes` over span_s seconds: nterm x ln_meter_over_gb of
 * their mean month (0 when span_s <= 0 or nterm <= 0). Then
 * ln_meter_annual_cost(plan, nterm, bytes, span_s) is
 * ln_meter_annual_cost_over(plan, nterm, this). */
double ln_meter_pooled_over_gb(const ln_plan *plan, long nterm, double bytes,
                               double span_s);

/* The annual overage, USD/year, of n terminals of a plan that used
 * gb_month[k] GB a month each (terminals denied all run: 0), counted as
 * plan->overage says. */
double ln_meter_overage_usd_per_year(const ln_plan *plan,
                                     const double *gb_month, size_t n);

/* Parameters of the cost to serve (scenario member "cost_to_serve"). */
typedef struct ln_cts_model {
    double sat_build_usd;        /* one satellite, built */
    double launch_usd;           /* one launch */
    double sats_per_launch;      /* satellites per launch, >= 1 */
    double sat_life_years;       /* design life, > 0 */
    double gw_antenna_capex_usd; /* one gateway antenna, installed */
    double gw_antenna_life_years; /* > 0 */
    double gw_antenna_opex_usd_per_year;
    double terminal_cost_usd;    /* one terminal kit, to the operator;
                                    amortized over the plan's
                                    amortize_years */
} ln_cts_model;

/* The built-in defaults (docs/scenario.md gives their sources). */
void ln_meter_cts_defaults(ln_cts_model *m);

/* The cost to serve one account (or a fleet), USD/year. */
typedef struct ln_cts {
    double sats_used;            /* satellites' capacity used, in whole
                                    satellites busy all the time */
    double sats_in_view;         /* satellites serving it, mean per step
                                    (whole satellites) */
    double satellites_usd_per_year;       /* by use */
    double gateways_usd_per_year;         /* by use */
    double terminals_usd_per_year;        /* operator's terminal cost */
    double terminal_subsidy_usd_per_year; /* that minus the price charged */
    double total_usd_per_year;            /* the three above */
    double satellites_in_view_usd_per_year; /* whole satellites while
                                               they serve (upper bound) */
    double gateways_in_view_usd_per_year;   /* one antenna each */
    double total_in_view_usd_per_year;
} ln_cts;

/* ln_meter_cost_to_serve
 * Given:    m               the model
 *           plan            the account's plan (amortize_years,
 *                           hardware_usd), NULL for no terminals
 *           nterm           its terminals
 *           bytes           delivered over the span
 *           sat_steps       sum over steps of the satellites serving it
 *                           (a satellite serving n terminals of which k
 *                           are the account's counts k/n)
 *           step_s, span_s  step and simulated span, s (> 0)
 *           sat_capacity_mbps  one satellite's capacity, Mbit/s (> 0)
 * Returned: the cost to serve, extrapolated from the span to a year.
 * Notes:    by use, a satellite costs (bits delivered / capacity) of its
 *           time; one gateway antenna carries one satellite's feeder link
 *           (the engine gives each satellite one), so it is shared the
 *           same way. */
ln_cts ln_meter_cost_to_serve(const ln_cts_model *m, const ln_plan *plan,
                              long nterm, double bytes, double sat_steps,
                              double step_s, double span_s,
                              double sat_capacity_mbps);

/* ---- usage accumulator (usage.c) ------------------------------------ */

typedef struct ln_usage ln_usage;

/* What an accumulator meters; everything is copied by ln_usage_new. */
typedef struct ln_usage_config {
    const ln_plan *plans;         /* nplans */
    size_t nplans;
    const int *account_plan;      /* [account] index into plans */
    size_t naccounts;
    const int *terminal_account;  /* [terminal] index into accounts */
    size_t nterminals;
    size_t nsats;                 /* satellite indices 0..nsats-1 (for
                                     the serving counts; 0: none) */
    double start_unix_s;          /* day 0 begins here (UTC) */
    double span_s;                /* period metered, s (> 0): it has
                                     ceil(span_s / 86400) days (at least
                                     1); later times count in the last */
    ln_cts_model cts;             /* cost to serve */
    double sat_capacity_mbps;     /* one satellite's capacity, Mbit/s */
} ln_usage_config;

/* ln_usage_new
 * Given:    cfg   plans, accounts, the terminal -> account map, the
 *                 period and the cost to serve's parameters
 * Returned: out   an accumulator with every count 0, day 0 current
 * Status:   0, LN_EINVAL (a plan or account index out of range, or
 *           span_s not > 0), LN_ENOMEM
 * Memory:   28 bytes a terminal (run and day counters, its account, the
 *           accounts' lists of terminals), 16 bytes an account and day,
 *           4 bytes a satellite */
int ln_usage_new(const ln_usage_config *cfg, ln_usage **out /* OUT */);
void ln_usage_free(ln_usage *u);

/* Days of the period (>= 1), terminals of an account (account -1: all). */
long ln_usage_ndays(const ln_usage *u);
long ln_usage_terminals(const ln_usage *u, int account);

/* ln_usage_day
 * Given:    t_unix_s  the time of the bytes to be added next (UTC)
 * Notes:    when t_unix_s falls in a later day than the current one, the
 *           current day is folded: its bytes and its overage per account
 *           are kept, the terminals' day counters restart at 0. An earlier
 *           time changes nothing (late bytes count in the current day).
 *           Not thread-safe: call it between adds, never beside them. */
void ln_usage_day(ln_usage *u, double t_unix_s);

/* ln_meter_bytes
 * Given:    rate_mbps  a terminal's delivered rate, Mbit/s (>= 0)
 *           dt_s       how long it was delivered, s (>= 0)
 * Returned: the bytes delivered: rate_mbps x 1e6 / 8 x dt_s rounded to
 *           the nearest integer, halves up (what ln_usage_add takes).
 * Notes:    llround's value without the library call below 2^52 (where
 *           x - trunc(x) is exact); inline for the engine's loop over
 *           terminals. */
static inline uint64_t ln_meter_bytes(double rate_mbps, double dt_s)
{
    double x = rate_mbps * 1e6 / 8 * dt_s;
    if (!(x >= 0 && x < 4503599627370496.0))
        return (uint64_t)llround(x);
    uint64_t r = (uint64_t)x;
    return r + (x - (double)r >= 0.5);
}

/* ln_usage_add / ln_usage_add_range
 * Given:    terminal       index (< nterminals)
 *           bytes          delivered to it, in the current day
 *           first, n       terminals first..first+n-1; bytes[k] is for
 *                          terminal first + k
 * Notes:    integer sums: the totals do not depend on the order of the
 *           adds. Calls for disjoint terminal ranges may run in parallel
 *           (each writes only its own terminals' counters). */
void ln_usage_add(ln_usage *u, size_t terminal, uint64_t bytes);
void ln_usage_add_range(ln_usage *u, size_t first, size_t n,
                        const uint64_t *bytes);

/* ln_usage_serve
 * Given:    sat     [terminal] serving satellite (< nsats), -1 none
 *           reason  [terminal] LN_REASON_* (policy.h): a terminal is
 *                   served when reason is LN_REASON_NONE and sat >= 0
 *           dt_s    length of this step, s (> 0)
 * Notes:    one call a step, for every terminal: counts the satellites
 *           serving at least one terminal, and for each account its
 *           share of them (a satellite serving n terminals counts 1/n for
 *           each), in terminal order. A step of another length than the
 *           first one counts dt_s / (first dt_s) steps. Not thread-safe. */
void ln_usage_serve(ln_usage *u, const int *sat, const int8_t *reason,
                    double dt_s);

/* Bytes delivered: to an account (-1: all) in a day (0..ndays-1), to a
 * terminal over the period so far, to an account (-1: all) over it. */
uint64_t ln_usage_day_bytes(const ln_usage *u, long day, int account);
uint64_t ln_usage_terminal_bytes(const ln_usage *u, size_t terminal);
uint64_t ln_usage_account_bytes(const ln_usage *u, int account);

/* ln_usage_over_gb / ln_usage_over_gb_day
 * Given:    account  index, -1 for the sum over accounts
 *           span_s   the span the bytes so far were delivered in, s
 *           day      0..ndays-1 (a day's bytes count over 86,400 s)
 * Returned: GB a month beyond the included volume, extrapolated to a
 *           month, counted as the account's plan says: per_terminal, the
 *           sum of each terminal's ln_meter_over_gb (in terminal order);
 *           pooled, ln_meter_pooled_over_gb of the account's bytes. */
double ln_usage_over_gb(const ln_usage *u, int account, double span_s);
double ln_usage_over_gb_day(const ln_usage *u, long day, int account);

/* ln_usage_annual_cost
 * Given:    account  index, -1 for the sum over accounts (in order)
 *           span_s   the span the bytes so far were delivered in, s
 * Returned: the price billed, USD/year (ln_meter_annual_cost_over with
 *           ln_usage_over_gb); parts (may be NULL) split it. */
double ln_usage_annual_cost(const ln_usage *u, int account, double span_s,
                            ln_cost *parts /* OUT, may be NULL */);

/* The price at the rate of one day's traffic, USD/year (usage.csv's cost
 * of the day is its total / 365.25); account -1 sums the accounts. */
ln_cost ln_usage_day_cost(const ln_usage *u, long day, int account);

/* ln_usage_cost_to_serve
 * Given:    account  index, -1 for the sum over accounts (in order)
 *           span_s   the span metered so far, s (> 0)
 * Returned: ln_meter_cost_to_serve of the account's terminals, bytes and
 *           serving-satellite steps (the step of the first
 *           ln_usage_serve). */
ln_cts ln_usage_cost_to_serve(const ln_usage *u, int account,
                              double span_s);

/* Satellites serving at least one terminal, mean over the
 * ln_usage_serve calls (0 before the first). */
double ln_usage_serving_sats_mean(const ln_usage *u);

/* ---- invoices (invoice.c) ------------------------------------------- */

/* A month's invoice of an account: the plan's monthly fee for each
 * terminal, and its traffic beyond the included volume counted as the
 * plan says (per terminal: the sum of each terminal's ln_meter_over_gb;
 * pooled: ln_meter_pooled_over_gb of the account's bytes over one month,
 * that is max(0, sum - nterm x included_gb)) at usd_per_gb. 1 GB = 1e9
 * bytes. Amounts are US dollars rounded to the cent (halves away from
 * zero); the total is the sum of the two rounded amounts. */
typedef struct ln_invoice {
    long nterm;              /* terminals billed the monthly fee */
    double gb;               /* traffic of the month, GB */
    double included_gb;      /* nterm x plan included_gb, GB */
    double over_gb;          /* traffic billed beyond it, GB */
    double service_usd;      /* nterm x monthly_usd, USD */
    double overage_usd;      /* over_gb x usd_per_gb, USD */
    double total_usd;        /* service_usd + overage_usd, USD */
} ln_invoice;

/* ln_meter_invoice
 * Given:    plan    the account's plan (monthly_usd, included_gb,
 *                   usd_per_gb, overage)
 *           bytes   nterm terminals' traffic in the month, bytes (a
 *                   terminal with none: 0; NULL when nterm is 0)
 *           nterm   terminals billed
 * Returned: out     the invoice
 * Status:   0, LN_EINVAL (plan or out NULL, bytes NULL with nterm > 0, a
 *           negative or non-finite price or volume in the plan) */
int ln_meter_invoice(const ln_plan *plan, const uint64_t *bytes,
                     size_t nterm, ln_invoice *out /* OUT */);

/* Rounds US dollars to the cent, halves away from zero. */
double ln_meter_round_cents(double usd);

#ifdef __cplusplus
}
#endif
#endif
