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
 * Cost model: per terminal, hardware_usd amortized over amortize_years,
 * plus monthly_usd x 12, plus usd_per_gb for traffic over included_gb a
 * month (extrapolated from the simulated span to a year). annual figures
 * are in US dollars per year.
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
} ln_plan;

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

/* A 64-bit mixing hash (splitmix64 finalizer) and a uniform [0,1) double
 * from it: the simulator's deterministic randomness. */
uint64_t ln_hash64(uint64_t x);
double ln_hash_unit(uint64_t x);

#ifdef __cplusplus
}
#endif
#endif
