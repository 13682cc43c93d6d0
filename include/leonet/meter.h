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
 */
#ifndef LEONET_METER_H
#define LEONET_METER_H

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

#ifdef __cplusplus
}
#endif
#endif
