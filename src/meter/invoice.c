/*
 * invoice.c - a month's invoice of an account from its plan and its
 * terminals' traffic (meter.h, "invoices"). The overage is the cost
 * model's: ln_meter_over_gb per terminal, ln_meter_pooled_over_gb over
 * one month for a pooled plan; nothing here counts it a second way.
 */
#include <math.h>
#include <stddef.h>

#include "leonet/meter.h"

double ln_meter_round_cents(double usd)
{
    return round(usd * 100.0) / 100.0;
}

static int plan_ok(const ln_plan *p)
{
    return isfinite(p->monthly_usd) && p->monthly_usd >= 0 &&
           isfinite(p->included_gb) && p->included_gb >= 0 &&
           isfinite(p->usd_per_gb) && p->usd_per_gb >= 0;
}

int ln_meter_invoice(const ln_plan *plan, const uint64_t *bytes,
                     size_t nterm, ln_invoice *out)
{
    if (!plan || !out || (nterm > 0 && !bytes) || !plan_ok(plan))
        return LN_EINVAL;
    uint64_t sum = 0;
    double over = 0;
    for (size_t k = 0; k < nterm; k++) {
        sum += bytes[k];
        if (plan->overage != LN_OVERAGE_POOLED)
            over += ln_meter_over_gb(plan, (double)bytes[k] / 1e9);
    }
    /* pooled: the month's bytes over one month's span, so the cost
     * model's extrapolation factor is exactly 1 */
    if (plan->overage == LN_OVERAGE_POOLED)
        over = ln_meter_pooled_over_gb(plan, (long)nterm, (double)sum,
                                       LN_MONTH_S);
    out->nterm = (long)nterm;
    out->gb = (double)sum / 1e9;
    out->included_gb = (double)nterm * plan->included_gb;
    out->over_gb = over;
    out->service_usd = ln_meter_round_cents((double)nterm * plan->monthly_usd);
    out->overage_usd = ln_meter_round_cents(over * plan->usd_per_gb);
    out->total_usd = ln_meter_round_cents(out->service_usd + out->overage_usd);
    return 0;
}
