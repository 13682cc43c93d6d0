/*
 * meter.c - demand model, deterministic randomness and the cost model
 * (meter.h).
 */
#include <math.h>
#include <string.h>

#include "leonet/meter.h"

/* Share of the peak-hour use per local hour, shaped after published
 * residential broadband diurnal curves (e.g. Sandvine's Global Internet
 * Phenomena reports: a trough around 04-05 h at about a quarter of the
 * evening peak at 20-22 h). Hour h covers [h, h+1); linear in between. */
static const double diurnal[24] = {
    0.55, 0.42, 0.33, 0.28, 0.25, 0.25, 0.30, 0.40, 0.52, 0.60, 0.64, 0.67,
    0.70, 0.70, 0.70, 0.72, 0.76, 0.82, 0.89, 0.95, 1.00, 1.00, 0.93, 0.75};

double ln_meter_diurnal(double h)
{
    h = fmod(h, 24.0);
    if (h < 0)
        h += 24.0;
    int i = (int)h;
    if (i > 23)
        i = 23;
    double f = h - i;
    return diurnal[i] * (1.0 - f) + diurnal[(i + 1) % 24] * f;
}

uint64_t ln_meter_terminal_key(uint64_t seed, uint64_t terminal)
{
    return ln_hash64(seed ^ ln_hash64(terminal * 0x100000001b3ull));
}

double ln_meter_demand_keyed(const ln_plan *plan, uint64_t key,
                             uint64_t step, double t_unix_s, double lon_rad)
{
    double u = ln_hash_unit(key ^ step);
    /* p = duty x diurnal <= duty (diurnal <= 1): when u >= duty the
     * answer is 0 without the diurnal profile */
    if (!(u < plan->duty))
        return 0.0;
    double hour = fmod(t_unix_s / 3600.0 + lon_rad * (12.0 / LN_PI), 24.0);
    double p = plan->duty * ln_meter_diurnal(hour);
    return u < p ? plan->peak_mbps : 0.0;
}

double ln_meter_demand_mbps(const ln_plan *plan, uint64_t seed,
                            uint64_t terminal, uint64_t step,
                            double t_unix_s, double lon_rad)
{
    return ln_meter_demand_keyed(plan, ln_meter_terminal_key(seed, terminal),
                                 step, t_unix_s, lon_rad);
}

const char *ln_meter_overage_name(int overage)
{
    return overage == LN_OVERAGE_POOLED ? "pooled" : "per_terminal";
}

double ln_meter_over_gb(const ln_plan *plan, double gb_month)
{
    double over = gb_month - plan->included_gb;
    return over > 0 ? over : 0.0;
}

ln_cost ln_meter_annual_cost_over(const ln_plan *plan, long nterm,
                                  double over_gb_month)
{
    ln_cost c = {0, 0, 0, 0};
    double years = plan->amortize_years > 0 ? plan->amortize_years : 1.0;
    c.hardware_usd_per_year = nterm * plan->hardware_usd / years;
    c.service_usd_per_year = nterm * plan->monthly_usd * 12.0;
    if (over_gb_month > 0)
        c.traffic_usd_per_year = over_gb_month * plan->usd_per_gb * 12.0;
    c.total_usd_per_year = c.hardware_usd_per_year + c.service_usd_per_year +
                           c.traffic_usd_per_year;
    return c;
}

double ln_meter_pooled_over_gb(const ln_plan *plan, long nterm, double bytes,
                               double span_s)
{
    if (!(span_s > 0 && nterm > 0))
        return 0;
    /* the traffic per terminal and month, extrapolated from the span:
     * one pool */
    double gb_month = bytes / 1e9 / nterm * LN_MONTH_S / span_s;
    return nterm * ln_meter_over_gb(plan, gb_month);
}

ln_cost ln_meter_annual_cost(const ln_plan *plan, long nterm, double bytes,
                             double span_s)
{
    return ln_meter_annual_cost_over(
        plan, nterm, ln_meter_pooled_over_gb(plan, nterm, bytes, span_s));
}

double ln_meter_overage_usd_per_year(const ln_plan *plan,
                                     const double *gb_month, size_t n)
{
    double over = 0;
    if (plan->overage == LN_OVERAGE_POOLED) {
        double sum = 0;
        for (size_t k = 0; k < n; k++)
            sum += gb_month[k];
        over = n ? n * ln_meter_over_gb(plan, sum / n) : 0;
    } else {
        for (size_t k = 0; k < n; k++)
            over += ln_meter_over_gb(plan, gb_month[k]);
    }
    return over * plan->usd_per_gb * 12.0;
}

void ln_meter_cts_defaults(ln_cts_model *m)
{
    /* sources and dates: docs/scenario.md, "Cost to serve" */
    m->sat_build_usd = 200e3;       /* estimate: Quilty Space, v1 */
    m->launch_usd = 62e6;           /* Falcon 9 list price */
    m->sats_per_launch = 53;        /* v1.5 launches */
    m->sat_life_years = 5;          /* design life */
    m->gw_antenna_capex_usd = 250e3; /* leonet estimate */
    m->gw_antenna_life_years = 10;  /* leonet estimate */
    m->gw_antenna_opex_usd_per_year = 25e3; /* leonet estimate */
    m->terminal_cost_usd = 1300;    /* Shotwell, April 2021 */
}

ln_cts ln_meter_cost_to_serve(const ln_cts_model *m, const ln_plan *plan,
                              long nterm, double bytes, double sat_steps,
                              double step_s, double span_s,
                              double sat_capacity_mbps)
{
    ln_cts c;
    memset(&c, 0, sizeof c);
    double sat_year = (m->sat_build_usd +
                       m->launch_usd / m->sats_per_launch) /
                      m->sat_life_years;
    double ant_year = m->gw_antenna_capex_usd / m->gw_antenna_life_years +
                      m->gw_antenna_opex_usd_per_year;
    if (span_s > 0 && sat_capacity_mbps > 0) {
        /* satellite-seconds of capacity used over the span's seconds */
        c.sats_used = bytes * 8.0 / (sat_capacity_mbps * 1e6) / span_s;
        c.sats_in_view = sat_steps * step_s / span_s;
    }
    c.satellites_usd_per_year = c.sats_used * sat_year;
    c.gateways_usd_per_year = c.sats_used * ant_year;
    c.satellites_in_view_usd_per_year = c.sats_in_view * sat_year;
    c.gateways_in_view_usd_per_year = c.sats_in_view * ant_year;
    if (plan) {
        double years = plan->amortize_years > 0 ? plan->amortize_years : 1.0;
        c.terminals_usd_per_year = nterm * m->terminal_cost_usd / years;
        c.terminal_subsidy_usd_per_year =
            nterm * (m->terminal_cost_usd - plan->hardware_usd) / years;
    }
    c.total_usd_per_year = c.satellites_usd_per_year +
                           c.gateways_usd_per_year + c.terminals_usd_per_year;
    c.total_in_view_usd_per_year = c.satellites_in_view_usd_per_year +
                                   c.gateways_in_view_usd_per_year +
                                   c.terminals_usd_per_year;
    return c;
}
