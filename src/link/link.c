/*
 * link.c - the link handle (link.h: ln_link_new, ln_link_free,
 * ln_link_sky, ln_link_gateways_visible, ln_link_results_of,
 * ln_link_terminal_bytes): setup,
 * and per step each satellite's visible gateways.
 *
 * Gateways per satellite: the LN_GW_PER_SAT nearest (slant range, ties
 * to the lower gateway index) above the gateway mask, by geodesy.h's
 * ln_site_above; a satellite reaches the ground by bent pipe when it has
 * one (bent_ok). Memory: per satellite LN_GW_PER_SAT (int16 + float);
 * per terminal ~60 bytes (+ LN_SCHED_K int32 with the slot scheduler);
 * the candidate areas (serve.c). Everything is allocated here, but new
 * candidate areas (ln_link_track).
 */
#include <math.h>
#include <string.h>

#include "link/link_int.h"

#define ALLOC(p, n)                                                    \
    do {                                                               \
        size_t n_ = (size_t)(n);                                       \
        (p) = ln_calloc(n_ ? n_ : 1, sizeof *(p));                     \
        if (!(p))                                                      \
            return LN_ENOMEM;                                          \
    } while (0)

static int alloc_all(ln_link *l, const ln_link_config *cfg)
{
    size_t ns = cfg->nsat, nt = cfg->nt;
    ALLOC(l->bent_ok, ns);
    ALLOC(l->gw, cfg->ngw);
    ALLOC(l->gw_antennas, cfg->ngw);
    ALLOC(l->gw_used, cfg->ngw);
    ALLOC(l->sat_ngw, ns);
    ALLOC(l->sat_gwi, ns * LN_GW_PER_SAT);
    ALLOC(l->sat_gwkm, ns * LN_GW_PER_SAT);
    ALLOC(l->sat_gw, ns);
    ALLOC(l->sat_load, ns);
    ALLOC(l->sat_prev_gw, ns);
    ALLOC(l->sat_order, ns);
    ALLOC(l->sat_exit_gw, ns);
    ALLOC(l->mesh_ok, ns);
    ALLOC(l->term_reg, nt);
    ALLOC(l->serving, nt);
    ALLOC(l->srv0, nt);
    ALLOC(l->witness, nt);
    ALLOC(l->outcome, nt);
    ALLOC(l->was_ok, nt);
    ALLOC(l->covered, nt);
    ALLOC(l->handover, nt);
    ALLOC(l->rate_mbps, nt);
    ALLOC(l->rtt_ms, nt);
    ALLOC(l->hops, nt);
    ALLOC(l->by_sat_start, ns + 1);
    ALLOC(l->by_sat, nt);
    ALLOC(l->beam_tmp, nt);
    if (cfg->slot_scheduler) {
        ALLOC(l->cand, nt * LN_SCHED_K);
        ALLOC(l->slot_used, ns);
        ALLOC(l->slot_last, ns);
        ALLOC(l->slot_order, nt);
    }
    return 0;
}

int ln_link_new(const ln_link_config *cfg, ln_link **out)
{
    *out = NULL;
    if (!cfg || cfg->nthreads < 1 || cfg->beams_per_sat < 1 ||
        !(cfg->mask_rad >= 0) || !(cfg->gw_mask_rad >= 0) ||
        (cfg->nt && (!cfg->site || !cfg->beam)) ||
        (cfg->ngw && (!cfg->gw_site || !cfg->gw_antennas)) ||
        cfg->nsat > INT32_MAX || cfg->nt > INT32_MAX ||
        cfg->ngw > INT16_MAX ||
        (cfg->part && (cfg->part_first > cfg->nt ||
                             cfg->part_count > cfg->nt - cfg->part_first)))
        return LN_EINVAL;
    ln_link *l = ln_calloc(1, sizeof *l);
    if (!l)
        return LN_ENOMEM;
    l->mask_rad = cfg->mask_rad;
    l->sin_mask = sin(cfg->mask_rad);
    l->sin_gw_mask = sin(cfg->gw_mask_rad);
    l->slot_sched = cfg->slot_scheduler;
    l->beams_per_sat = cfg->beams_per_sat;
    l->beam_capacity_mbps = cfg->beam_capacity_mbps;
    l->sat_capacity_mbps = cfg->sat_capacity_mbps;
    l->nthreads = cfg->nthreads;
    l->nsat = cfg->nsat;
    l->ngw = cfg->ngw;
    l->nt = cfg->nt;
    l->site = cfg->site;
    l->beam = cfg->beam;
    l->lo = cfg->part ? cfg->part_first : 0;
    l->hi = cfg->part ? cfg->part_first + cfg->part_count : cfg->nt;
    if (cfg->part)
        l->part = *cfg->part;
    l->reg_k = cfg->nsat < 1024 ? (int)cfg->nsat : 1024;
    if (l->reg_k < 1)
        l->reg_k = 1;
    int rc = alloc_all(l, cfg);
    if (!rc)
        rc = ln_satindex_new(cfg->nsat, cfg->max_alt_km, cfg->mask_rad,
                             &l->ix);
    if (rc) {
        ln_link_free(l);
        return rc;
    }
    if (cfg->ngw) {
        memcpy(l->gw, cfg->gw_site, cfg->ngw * sizeof *l->gw);
        memcpy(l->gw_antennas, cfg->gw_antennas,
               cfg->ngw * sizeof *l->gw_antennas);
    }
    for (size_t s = 0; s < l->nsat; s++) {
        l->sat_prev_gw[s] = -1;
        l->sat_exit_gw[s] = -1;
    }
    for (size_t i = 0; i < l->nt; i++) {
        l->serving[i] = -1;
        l->witness[i] = -1;
        l->outcome[i] = LN_LINK_NO_SAT;
        l->hops[i] = -1;
        if (i < l->lo || i >= l->hi)
            continue; /* another part's: no candidate area here */
        long r = ln__link_region_of(l, l->beam[i],
                                    i > l->lo ? l->term_reg[i - 1] : -1);
        if (r < 0) {
            ln_link_free(l);
            return LN_ENOMEM;
        }
        l->term_reg[i] = (int)r;
    }
    l->sat_ok = l->bent_ok;
    *out = l;
    return 0;
}

size_t ln_link_terminal_bytes(int slot_scheduler)
{
    const ln_link *l = NULL;
    size_t b = sizeof *l->term_reg + sizeof *l->serving + sizeof *l->srv0 +
               sizeof *l->witness + sizeof *l->outcome + sizeof *l->was_ok +
               sizeof *l->covered + sizeof *l->handover +
               sizeof *l->rate_mbps + sizeof *l->rtt_ms + sizeof *l->hops +
               sizeof *l->by_sat + sizeof *l->beam_tmp;
    if (slot_scheduler)
        b += LN_SCHED_K * sizeof *l->cand + sizeof *l->slot_order;
    return b;
}

void ln_link_free(ln_link *l)
{
    if (!l)
        return;
    ln_satindex_free(l->ix);
    void *arrs[] = {
        l->bent_ok, l->gw, l->gw_antennas, l->gw_used, l->sat_ngw,
        l->sat_gwi, l->sat_gwkm, l->sat_gw, l->sat_load, l->sat_prev_gw,
        l->sat_order, l->sat_exit_gw, l->mesh_ok, l->reg_cell, l->reg_lat,
        l->reg_lon, l->reg_margin, l->reg_n, l->reg_items, l->reg_pos,
        l->reg_nb, l->reg_items_b, l->reg_pos_b, l->reg_site, l->reg_elc,
        l->term_reg, l->serving, l->srv0, l->witness, l->outcome,
        l->was_ok, l->covered, l->handover, l->rate_mbps, l->rtt_ms,
        l->hops, l->by_sat_start, l->by_sat, l->beam_tmp, l->cand,
        l->slot_used, l->slot_last, l->slot_order};
    for (size_t k = 0; k < sizeof arrs / sizeof arrs[0]; k++)
        ln_free(arrs[k]);
    ln_free(l);
}

void ln_link_sky(ln_link *l, const double *x, const double *y,
                 const double *z, const unsigned char *usable)
{
    l->x = x;
    l->y = y;
    l->z = z;
    l->usable = usable;
    ln_satindex_build_mt(l->ix, x, y, z, usable, l->nsat, l->nthreads);
    const double sin_gm = l->sin_gw_mask;
    long ns = (long)l->nsat;
#pragma omp parallel for schedule(dynamic, 64) num_threads(l->nthreads)
    for (long s = 0; s < ns; s++) {
        int n = 0;
        l->sat_gw[s] = -1;
        l->sat_load[s] = 0;
        if (!l->usable[s]) {
            l->sat_ngw[s] = 0;
            l->bent_ok[s] = 0;
            continue;
        }
        double r[3] = {l->x[s], l->y[s], l->z[s]};
        int16_t *gi = l->sat_gwi + (size_t)s * LN_GW_PER_SAT;
        float *gk = l->sat_gwkm + (size_t)s * LN_GW_PER_SAT;
        for (size_t g = 0; g < l->ngw; g++) {
            if (!ln_site_above(&l->gw[g], r, sin_gm))
                continue;
            double d[3] = {r[0] - l->gw[g].r_ecef[0],
                           r[1] - l->gw[g].r_ecef[1],
                           r[2] - l->gw[g].r_ecef[2]};
            float km = (float)sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
            /* insertion by slant range, ties by gateway order */
            int p = n < LN_GW_PER_SAT ? n : LN_GW_PER_SAT - 1;
            if (n >= LN_GW_PER_SAT && km >= gk[p])
                continue;
            while (p > 0 && gk[p - 1] > km) {
                gi[p] = gi[p - 1];
                gk[p] = gk[p - 1];
                p--;
            }
            gi[p] = (int16_t)g;
            gk[p] = km;
            if (n < LN_GW_PER_SAT)
                n++;
        }
        l->sat_ngw[s] = (int8_t)n;
        l->bent_ok[s] = n > 0;
    }
}

ln_link_gwvis ln_link_gateways_visible(const ln_link *l)
{
    return (ln_link_gwvis){l->sat_ngw, l->sat_gwi, l->sat_gwkm,
                           LN_GW_PER_SAT};
}

ln_link_results ln_link_results_of(const ln_link *l)
{
    return (ln_link_results){l->serving,   l->outcome, l->covered,
                             l->handover,  l->rate_mbps, l->rtt_ms,
                             l->hops};
}
