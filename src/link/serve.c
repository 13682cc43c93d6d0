/*
 * serve.c - each terminal's serving satellite (link.h: ln_link_track,
 * ln_link_areas, ln_link_serve): keep the serving satellite while it is
 * above the mask and reaches a gateway, else hand over to the best one
 * (highest elevation among those that reach a gateway; ties to the lower
 * satellite index); with the slot scheduler, at each slot every terminal
 * ranks its LN_SCHED_K best (search_top) for slot_assign (capacity.c).
 *
 * Candidate areas: terminals are grouped by the H3 res-3 parent of their
 * beam cell; per step each area gets, from the satellite index, the
 * satellites any site in it could see (ln_satindex_near), with their
 * positions copied contiguously, and the list is pruned of those that
 * cannot be any terminal's best (prune_region). A terminal then scans
 * its area's short list with geodesy.h's elevation test written out as a
 * vector loop. Memory: per area 4 reg_k doubles x 2 + 3 ints; areas grow
 * by doubling (only ln_link_track and ln_link_new add areas).
 *
 * Threads: the per-terminal loop and the per-area loop run in parallel;
 * each iteration writes only its own terminal's or area's slots.
 */
#include <math.h>
#include <string.h>

#include "link/link_int.h"

/* ---- candidate areas ---------------------------------------------------- */

/* Reallocates array p to count elements (p unchanged on failure): 0 or
 * -1. Needs a `void *grow_tmp` in scope. */
#define GROW(p, count)                                                     \
    ((grow_tmp = ln_realloc((p), (count) * sizeof *(p))) != NULL           \
         ? ((p) = grow_tmp, 0)                                             \
         : -1)

/* Index of the area holding a cell (added when new); -1 out of memory.
 * hint: an area to try first (the terminal's current one, or the previous
 * terminal's: fixed terminals come sorted by cell), or -1 (link_int.h). */
long ln__link_region_of(ln_link *l, ln_cell c, long hint)
{
    ln_cell p;
    int res = ln_cell_res(c) < LN_REG_RES ? ln_cell_res(c) : LN_REG_RES;
    if (ln_cell_parent(c, res, &p))
        return -1;
    if (hint >= 0 && (size_t)hint < l->nreg && l->reg_cell[hint] == p)
        return hint;
    for (size_t r = 0; r < l->nreg; r++)
        if (l->reg_cell[r] == p)
            return (long)r;
    if (l->nreg == l->cap_reg) {
        size_t nc = l->cap_reg ? 2 * l->cap_reg : 64;
        size_t k = (size_t)l->reg_k;
        void *grow_tmp;
        /* every array grows to nc areas; one that fails keeps its block */
        if (GROW(l->reg_cell, nc) ||
            GROW(l->reg_lat, nc) ||
            GROW(l->reg_lon, nc) ||
            GROW(l->reg_margin, nc) ||
            GROW(l->reg_n, nc) ||
            GROW(l->reg_nb, nc) ||
            GROW(l->reg_site, nc) ||
            GROW(l->reg_items, nc * k) ||
            GROW(l->reg_items_b, nc * k) ||
            GROW(l->reg_elc, nc * k) ||
            GROW(l->reg_pos, nc * 3 * k) ||
            GROW(l->reg_pos_b, nc * 3 * k))
            return -1;
        l->cap_reg = nc;
    }
    size_t r = l->nreg++;
    l->reg_cell[r] = p;
    ln_cell_center(p, &l->reg_lat[r], &l->reg_lon[r]);
    /* radius: farthest boundary vertex, plus 10 %; H3 cells are convex
     * enough on the sphere that this bounds every point inside */
    ln_cell_boundary bd;
    double m = 0;
    if (!ln_cell_boundary_of(p, &bd))
        for (int v = 0; v < bd.n; v++) {
            double d2 = ln_geo_distance_km(l->reg_lat[r], l->reg_lon[r],
                                           bd.lat_rad[v], bd.lon_rad[v]) /
                        LN_EARTH_MEAN_R_KM;
            if (d2 > m)
                m = d2;
        }
    l->reg_margin[r] = m * 1.1 + 0.2 * LN_DEG2RAD;
    l->reg_n[r] = 0;
    l->reg_nb[r] = -1;
    ln_geodetic gc = {l->reg_lat[r], l->reg_lon[r], 0.0};
    ln_site_prepare(&gc, &l->reg_site[r]);
    return (long)r;
}

/* Bound on how much higher a satellite can stand for a terminal of area
 * r than for the area's centre: the direction to it turns by at most
 * asin(delta / rho) for a site moved by a chord delta, rho the range from
 * the centre; the local vertical turns by at most the central angle (1 %
 * more for the ellipsoid's normals); all in rad, with 1e-6 to spare. */
static double el_slack(const ln_link *l, long r, double rho_km)
{
    double alpha = l->reg_margin[r];
    double delta = alpha * 6400.0; /* >= the chord to any terminal */
    if (!(delta < rho_km))
        return INFINITY;
    return asin(delta / rho_km) + 1.01 * alpha + 1e-6;
}

/* The candidates of area r that can still be some terminal's best: let
 * T be the usable satellite (sat_ok) highest above the centre; when it is
 * above the mask for every terminal of the area (its elevation at the
 * centre minus the slack), every terminal's best stands at least that
 * high, so a candidate whose elevation at the centre plus its slack is
 * below cannot be the best, nor tie with it. The kept list stays in
 * index order, so ties go to the lower index as before. */
static void prune_region(ln_link *l, long r, int kth)
{
    size_t k = (size_t)l->reg_k;
    int n = l->reg_n[r];
    l->reg_nb[r] = -1;
    if (n > (int)k || n == 0)
        return;
    const int *it = l->reg_items + (size_t)r * k;
    const double *px = l->reg_pos + (size_t)r * 3 * k, *py = px + k,
                 *pz = py + k;
    const ln_site *c = &l->reg_site[r];
    double *elc = l->reg_elc + (size_t)r * k;
    /* the guaranteed lower bound of the best (of the kth best: the slot
     * scheduler ranks LN_SCHED_K candidates, and a candidate below the
     * kth best of every terminal cannot be among them) */
    double lo = -INFINITY;
    double los[LN_SCHED_K]; /* the kth highest bounds, highest first */
    int nlo = 0;
    for (int j = 0; j < n; j++) {
        double d[3] = {px[j] - c->r_ecef[0], py[j] - c->r_ecef[1],
                       pz[j] - c->r_ecef[2]};
        double rho = sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
        double se = (d[0] * c->up[0] + d[1] * c->up[1] + d[2] * c->up[2]) /
                    rho;
        double el = asin(se > 1 ? 1 : se < -1 ? -1 : se);
        double sl = el_slack(l, r, rho);
        elc[j] = el + sl; /* kept: the highest it can stand */
        if (!l->sat_ok[it[j]])
            continue;
        if (kth == 1) {
            if (el - sl > lo)
                lo = el - sl;
            continue;
        }
        double v = el - sl;
        int p = nlo < kth ? nlo : kth - 1;
        if (nlo >= kth && v <= los[p])
            continue;
        while (p > 0 && los[p - 1] < v) {
            los[p] = los[p - 1];
            p--;
        }
        los[p] = v;
        if (nlo < kth)
            nlo++;
    }
    if (kth > 1 && nlo == kth)
        lo = los[kth - 1];
    if (!(lo > l->mask_rad + 1e-6))
        return;
    int *ib = l->reg_items_b + (size_t)r * k;
    double *bx = l->reg_pos_b + (size_t)r * 3 * k, *by = bx + k,
           *bz = by + k;
    int m = 0;
    for (int j = 0; j < n; j++) {
        if (!l->sat_ok[it[j]] || elc[j] < lo)
            continue;
        ib[m] = it[j];
        bx[m] = px[j];
        by[m] = py[j];
        bz[m] = pz[j];
        m++;
    }
    l->reg_nb[r] = m;
}

/* kth: prune for the kth best (1: search(); LN_SCHED_K: search_top()) */
static void regions_step(ln_link *l, int kth)
{
    long nr = (long)l->nreg;
    size_t k = (size_t)l->reg_k;
#pragma omp parallel for schedule(dynamic, 1) num_threads(l->nthreads)
    for (long r = 0; r < nr; r++) {
        int *it = l->reg_items + (size_t)r * k;
        int n = (int)ln_satindex_near(l->ix, l->reg_lat[r], l->reg_lon[r],
                                      l->reg_margin[r], it, k);
        l->reg_n[r] = n;
        /* positions in list order, for the terminals' vector pre-test */
        double *px = l->reg_pos + (size_t)r * 3 * k, *py = px + k,
               *pz = py + k;
        for (int j = 0; j < n && j < (int)k; j++) {
            px[j] = l->x[it[j]];
            py[j] = l->y[it[j]];
            pz[j] = l->z[it[j]];
        }
        prune_region(l, r, kth);
    }
}

/* ---- serving satellite ------------------------------------------------ */

/* sin(elevation) of satellite s from terminal i (geodesy.h's
 * ln_site_sin_el, inline for the hot loop). */
static inline double sin_el(const ln_link *l, size_t i, int s)
{
    const double r[3] = {l->x[s], l->y[s], l->z[s]};
    return ln_site_sin_el(&l->site[i], r);
}

/* sin_el(l, i, s) >= sin_m: geodesy.h's ln_site_above. */
static inline int above(const ln_link *l, size_t i, int s, double sin_m)
{
    const double r[3] = {l->x[s], l->y[s], l->z[s]};
    return ln_site_above(&l->site[i], r, sin_m);
}

/* Area r's candidate list (its satellites and their positions, x then y
 * then z, each reg_k apart): the pruned one (regions_step) when
 * pruned_ok and the area has one, else the full one. Returns its length
 * (area r holds no more than reg_k: the overflow is asked of the index). */
static inline int region_list(const ln_link *l, int r, int pruned_ok,
                              const int **items, const double **pos)
{
    size_t off = (size_t)r * (size_t)l->reg_k;
    if (pruned_ok && l->reg_nb[r] >= 0) {
        *items = l->reg_items_b + off;
        *pos = l->reg_pos_b + 3 * off;
        return l->reg_nb[r];
    }
    *items = l->reg_items + off;
    *pos = l->reg_pos + 3 * off;
    return l->reg_n[r];
}

/* The branch-free first pass of the elevation test (search's and
 * search_top's) over n <= 1024 positions (ECEF, km; x, y and z arrays):
 * du2v[k] = du |du| with du the site-to-satellite vector's component
 * along site's up (< 0 when below the horizon), d2v[k] its length
 * squared (km^2). Vector code. */
static inline void up_and_range(const ln_site *site, const double *px,
                                const double *py, const double *pz, int n,
                                double *restrict du2v, double *restrict d2v)
{
    const double sx = site->r_ecef[0], sy = site->r_ecef[1],
                 sz = site->r_ecef[2];
    const double ux = site->up[0], uy = site->up[1], uz = site->up[2];
#pragma omp simd
    for (int k = 0; k < n; k++) {
        double dx = px[k] - sx, dy = py[k] - sy, dz = pz[k] - sz;
        double du = dx * ux + dy * uy + dz * uz;
        du2v[k] = du * fabs(du);
        d2v[k] = dx * dx + dy * dy + dz * dz;
    }
}

/* The satellites above the mask from terminal i, out of its area's
 * candidate list (or the whole index when the list overflowed). Returns
 * the best one that reaches a gateway (highest elevation, ties to the
 * lower index) or -1; *any: whether any satellite is above the mask.
 * first_only: stop at the first visible one (coverage of denied
 * terminals); it is returned in *witness. */
static int search(const ln_link *l, size_t i, double sin_m, int *any,
                  int first_only, int *witness)
{
    const ln_site *site = &l->site[i];
    int r = l->term_reg[i];
    int n = l->reg_n[r];
    int best = -1;
    double bse = -2;
    *any = 0;
    if (n > l->reg_k) { /* overflow: ask the index directly */
        int idx[512];
        double se[512];
        size_t nv = ln_satindex_visible(l->ix, site, sin_m, idx, se, 512);
        if (nv > 512)
            nv = 512;
        *any = nv > 0;
        if (first_only) {
            *witness = nv ? idx[0] : -1;
            return -1;
        }
        for (size_t k = 0; k < nv; k++)
            if (l->sat_ok[idx[k]] && se[k] > bse) {
                bse = se[k];
                best = idx[k];
            }
        return best;
    }
    const int *c;
    const double *px;
    /* the pruned list: its first entry above the mask is certain */
    n = region_list(l, r, !first_only, &c, &px);
    const double *py = px + l->reg_k, *pz = py + l->reg_k;
    /* ln_site_above's test (geodesy.h: its two margins decide most
     * candidates without square root or division, as the exact test
     * would), written out over the area's contiguous positions: the
     * first pass is branch-free (vector code) and keeps the candidates
     * that may be above the mask. The same margin against the best so
     * far skips candidates that cannot beat it. Only the undecided ones
     * (near the mask, or near the best) are computed with sin_el() and
     * compared exactly. The mask is >= 0 (the scenario's rule). */
    const double s2lo = sin_m * sin_m * (1 - LN_ABOVE_MARGIN);
    const double s2hi = sin_m * sin_m * (1 + LN_ABOVE_MARGIN);
    double du2v[1024], d2v[1024];
    int keep[1024];
    int m = 0;
    up_and_range(site, px, py, pz, n, du2v, d2v);
    for (int k = 0; k < n; k++) {
        keep[m] = k;
        m += du2v[k] >= s2lo * d2v[k];
    }
    double b2lo = 0; /* bse^2 (1 - 1e-9) once there is a best */
    for (int j = 0; j < m; j++) {
        int k = keep[j];
        int sidx = c[k];
        double du2 = du2v[k], d2 = d2v[k];
        double se = -2; /* not computed yet */
        if (du2 <= s2hi * d2) {
            se = sin_el(l, i, sidx);
            if (se < sin_m)
                continue;
        }
        *any = 1;
        if (first_only) {
            *witness = sidx;
            return -1;
        }
        if (!l->sat_ok[sidx] || (best >= 0 && du2 < b2lo * d2))
            continue;
        if (se == -2)
            se = sin_el(l, i, sidx);
        if (se > bse) {
            bse = se;
            best = sidx;
            b2lo = bse * bse * (1 - LN_ABOVE_MARGIN);
        }
    }
    if (first_only)
        *witness = -1;
    return best;
}

/* Inserts satellite sidx with sin(elevation) se into the top list
 * c/cse of *m entries (at most LN_SCHED_K): highest first, ties to the
 * lower index. */
static inline void top_insert(int32_t *c, double *cse, int *m, int sidx,
                              double se)
{
    int p = *m < LN_SCHED_K ? *m : LN_SCHED_K - 1;
    if (*m >= LN_SCHED_K &&
        (se < cse[p] || (se == cse[p] && sidx > c[p])))
        return;
    while (p > 0 && (cse[p - 1] < se || (cse[p - 1] == se &&
                                          c[p - 1] > sidx))) {
        c[p] = c[p - 1];
        cse[p] = cse[p - 1];
        p--;
    }
    c[p] = sidx;
    cse[p] = se;
    if (*m < LN_SCHED_K)
        (*m)++;
}

/* The slot scheduler's candidates of terminal i: the LN_SCHED_K highest
 * satellites above the mask that reach a gateway (sat_ok), highest first,
 * ties to the lower index, into l->cand (padded with -1); the first is
 * search()'s best. At a slot the area's list is pruned for the
 * LN_SCHED_K best (regions_step). Returns the first or -1; *any as in
 * search(). */
static int search_top(ln_link *l, size_t i, double sin_m, int *any)
{
    int32_t *c = l->cand + i * LN_SCHED_K;
    double cse[LN_SCHED_K];
    int m = 0;
    int r = l->term_reg[i];
    int n = l->reg_n[r];
    *any = 0;
    if (n > l->reg_k) { /* overflow: ask the index directly */
        int idx[512];
        double se[512];
        size_t nv = ln_satindex_visible(l->ix, &l->site[i], sin_m, idx, se,
                                        512);
        if (nv > 512)
            nv = 512;
        *any = nv > 0;
        for (size_t k = 0; k < nv; k++)
            if (l->sat_ok[idx[k]])
                top_insert(c, cse, &m, idx[k], se[k]);
    } else {
        /* search()'s pre-tests, then the rank by q = du^2 / d.d (sin^2 of
         * the elevation: the same order, without a square root) */
        const int *it;
        const double *px;
        /* pruned for the LN_SCHED_K best (regions_step) */
        n = region_list(l, r, 1, &it, &px);
        const double *py = px + l->reg_k, *pz = py + l->reg_k;
        const double s2lo = sin_m * sin_m * (1 - LN_ABOVE_MARGIN);
        const double s2hi = sin_m * sin_m * (1 + LN_ABOVE_MARGIN);
        double du2v[1024], d2v[1024];
        up_and_range(&l->site[i], px, py, pz, n, du2v, d2v);
        for (int k = 0; k < n; k++) {
            double du2 = du2v[k], d2 = d2v[k];
            if (du2 < s2lo * d2)
                continue;
            if (du2 <= s2hi * d2 && sin_el(l, i, it[k]) < sin_m)
                continue;
            *any = 1;
            if (l->sat_ok[it[k]])
                top_insert(c, cse, &m, it[k], du2 / d2);
        }
    }
    for (int k = m; k < LN_SCHED_K; k++)
        c[k] = -1;
    return m ? c[0] : -1;
}

/* Step 5 for one terminal; writes only terminal i's slots. slot: a slot
 * boundary of the slot scheduler (every allowed terminal is assigned
 * afresh: its candidates here, the choice in slot_assign). */
static void terminal_link(ln_link *l, size_t i, int slot)
{
    l->handover[i] = 0;
    l->rate_mbps[i] = 0;
    l->rtt_ms[i] = 0;
    l->hops[i] = -1;
    l->was_ok[i] = l->outcome[i] == LN_LINK_OK;
    const double sin_m = l->sin_mask;
    int prev = l->serving[i];
    l->srv0[i] = prev;
    if (!l->allowed[i]) {
        /* coverage only: the last satellite seen is a cheap witness */
        int w = l->witness[i], any;
        int cov = w >= 0 && l->usable[w] &&
                  above(l, i, w, sin_m);
        if (!cov) {
            search(l, i, sin_m, &any, 1, &l->witness[i]);
            cov = any;
        }
        l->covered[i] = (unsigned char)cov;
        l->outcome[i] = LN_LINK_DENIED;
        l->serving[i] = -1;
        return;
    }
    int keep = !slot && prev >= 0 && l->sat_ok[prev] &&
               above(l, i, prev, sin_m);
    int best = prev, any_visible = keep;
    if (slot)
        best = search_top(l, i, sin_m, &any_visible);
    else if (!keep)
        best = search(l, i, sin_m, &any_visible, 0, NULL);
    l->covered[i] = (unsigned char)any_visible;
    /* a handover: the satellite changes (when it is not kept, search
     * cannot return it: it failed sat_ok or the mask) */
    if (best >= 0 && best != prev && prev >= 0 && l->was_ok[i])
        l->handover[i] = 1;
    if (best < 0) {
        l->outcome[i] = any_visible ? LN_LINK_NO_GW : LN_LINK_NO_SAT;
        l->serving[i] = -1;
        return;
    }
    l->serving[i] = best;
    l->outcome[i] = LN_LINK_OK;
}

int ln_link_track(ln_link *l, const int *idx, size_t n)
{
    for (size_t m = 0; m < n; m++) {
        int i = idx[m];
        long nr = ln__link_region_of(l, l->beam[i], l->term_reg[i]);
        if (nr < 0)
            return LN_ENOMEM;
        l->term_reg[i] = (int)nr;
    }
    return 0;
}

void ln_link_areas(ln_link *l, const ln_link_mesh *mesh, int slot)
{
    ln__link_use_mesh(l, mesh);
    regions_step(l, slot ? LN_SCHED_K : 1);
}

void ln_link_serve(ln_link *l, const ln_link_mesh *mesh,
                   const unsigned char *allowed, int slot,
                   const ln_link_hooks *hooks)
{
    ln__link_use_mesh(l, mesh);
    l->allowed = allowed;
    long lo = (long)l->lo, hi = (long)l->hi;
    const ln_link_hooks h = hooks ? *hooks : (ln_link_hooks){0};
    /* a side job (the engine's mesh routing) runs on one thread while
     * the others link terminals (which only need the reach flags) */
#pragma omp parallel num_threads(l->nthreads)
    {
        if (h.side) {
#pragma omp single nowait
            h.side(h.user);
        }
#pragma omp for schedule(dynamic, 256)
        for (long i = lo; i < hi; i++) {
            terminal_link(l, (size_t)i, slot);
            if (h.each)
                h.each(h.user, (size_t)i, l->outcome[i]);
        }
    }
    /* parts: the outcomes of all (gateway loads, capacity), and the
     * serving satellites (at a slot the scheduler sets them for all
     * from every part's candidates) */
    ln__link_gather(l, l->outcome, sizeof *l->outcome, 0, l->nt);
    if (slot)
        ln__link_gather(l, l->cand, LN_SCHED_K * sizeof *l->cand, 0, l->nt);
    else
        ln__link_gather(l, l->serving, sizeof *l->serving, 0, l->nt);
    if (slot)
        ln__link_slot_assign(l);
}
