/*
 * meter.c - demand model, deterministic randomness and the cost model
 * (meter.h).
 */
#include <math.h>

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

uint64_t ln_hash64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

double ln_hash_unit(uint64_t x)
{
    return (double)(ln_hash64(x) >> 11) * (1.0 / 9007199254740992.0);
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

ln_cost ln_meter_annual_cost(const ln_plan *plan, long nterm, double bytes,
                             double span_s)
{
    ln_cost c = {0, 0, 0, 0};
    const double year_s = 365.25 * 86400.0;
    double years = plan->amortize_years > 0 ? plan->amortize_years : 1.0;
    c.hardware_usd_per_year = nterm * plan->hardware_usd / years;
    c.service_usd_per_year = nterm * plan->monthly_usd * 12.0;
    if (span_s > 0 && nterm > 0) {
        /* traffic per terminal and month, extrapolated from the span */
        double gb_month = bytes / 1e9 / nterm * (year_s / 12.0) / span_s;
        double over = gb_month - plan->included_gb;
        if (over > 0)
            c.traffic_usd_per_year = nterm * over * plan->usd_per_gb * 12.0;
    }
    c.total_usd_per_year = c.hardware_usd_per_year + c.service_usd_per_year +
                           c.traffic_usd_per_year;
    return c;
}
