/*
 * capacity.c - gateway antennas, the slot scheduler and the capacity
 * share (link.h: ln_link_gateways, ln_link_capacity; slot_assign for
 * ln_link_serve).
 *
 * Antennas (docs/outputs.md): a satellite keeps the antenna it held while
 * it has users and that gateway still sees it; the others, most users
 * first, take the nearest visible gateway with a free antenna; with the
 * laser mesh (docs/network.md) every exit to the ground takes one too.
 * Terminals whose satellite got none are rehomed to the highest visible
 * satellite that has (rehome). Capacity: per satellite, its terminals
 * grouped by beam cell; each beam gets a time share min(1, beams/ncells)
 * of the beam capacity, the satellite at most its capacity.
 *
 * Order: the antenna queues and the slot scheduler are serial in a fixed
 * order (users, then index; beam cell, then index), so results do not
 * depend on the thread count; rehome and the per-satellite share run in
 * parallel, each writing only its own terminals' slots.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "link/link_int.h"

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* The sort key of satellite s in sat_order: most users first, ties to
 * the lower index (ascending uint64 order); by_load_sat gives s back. */
static inline uint64_t by_load(const ln_link *l, size_t s)
{
    return ((uint64_t)(UINT32_MAX - (uint32_t)l->sat_load[s]) << 32) |
           (uint64_t)s;
}

static inline size_t by_load_sat(uint64_t key)
{
    return (size_t)(key & UINT32_MAX);
}

static inline int sat_reaches(const ln_link *l, int s);

/* The gateway whose antenna satellite x holds (bent pipe, or as a mesh
 * exit), -1 none. */
static int held_gw(const ln_link *l, size_t x)
{
    if (l->sat_gw[x] >= 0)
        return l->sat_gwi[x * LN_GW_PER_SAT + l->sat_gw[x]];
    return l->sat_exit_gw[x];
}

/* The exit satellite of s's path over the mesh (s itself when it is
 * the exit). */
static size_t mesh_exit(const ln_link *l, size_t s)
{
    size_t x = s;
    for (size_t k = 0; k < l->nsat && l->mesh.next[x] >= 0; k++)
        x = (size_t)l->mesh.next[x];
    return x;
}

/* Gateway antennas of the laser mesh (link.isl; docs/network.md): every
 * exit to the ground takes an antenna. After the bent-pipe pass, the
 * satellites with users but no antenna of their own, most users first
 * (ties: lower index), use their shortest mesh path (to gateway g, exit
 * satellite x): when x already holds an antenna of g, the path shares
 * it; when x holds none and g has one free, x takes it; otherwise the
 * path is refused (x holds another gateway's antenna, or g's are all in
 * use) and the satellite's users are rehomed or get "no-gateway". The
 * path itself is the shortest one without regard to antennas: a longer
 * path to an exit with an antenna is not searched. Then mesh_ok marks
 * every satellite whose path's exit holds its gateway's antenna (these
 * may take rehomed users). */
static void mesh_exits(ln_link *l)
{
    size_t nq = 0;
    for (size_t s = 0; s < l->nsat; s++) {
        l->sat_exit_gw[s] = -1;
        if (l->sat_load[s] && l->sat_gw[s] < 0 && l->mesh.gw[s] >= 0)
            l->sat_order[nq++] = by_load(l, s);
    }
    qsort(l->sat_order, nq, sizeof *l->sat_order, cmp_u64);
    for (size_t q = 0; q < nq; q++) {
        size_t s = by_load_sat(l->sat_order[q]);
        size_t x = mesh_exit(l, s);
        int g = l->mesh.gw[s];
        if (held_gw(l, x) < 0 &&
            l->gw_used[g] < l->gw_antennas[g]) {
            l->gw_used[g]++;
            l->sat_exit_gw[x] = (int16_t)g;
        }
    }
    for (size_t s = 0; s < l->nsat; s++)
        l->mesh_ok[s] = (unsigned char)(l->mesh.gw[s] >= 0 &&
                                        held_gw(l, mesh_exit(l, s)) ==
                                            l->mesh.gw[s]);
}

/* Gateway antennas (docs/outputs.md): a satellite that held an antenna of
 * a gateway at the previous step keeps it while it has users and that
 * gateway still sees it (a dish tracks its satellite through the pass);
 * then the other satellites with users, most users first (ties: lower
 * index), take the nearest visible gateway with a free antenna. Returns
 * how many satellites with users reach no gateway (see rehome). */
static long assign_gateways(ln_link *l)
{
    memset(l->gw_used, 0, l->ngw * sizeof *l->gw_used);
    for (size_t i = 0; i < l->nt; i++)
        if (l->outcome[i] == LN_LINK_OK)
            l->sat_load[l->serving[i]]++;
    size_t nq = 0;
    for (size_t s = 0; s < l->nsat; s++) {
        if (!l->sat_load[s])
            continue;
        const int16_t *gi = l->sat_gwi + s * LN_GW_PER_SAT;
        int pg = l->sat_prev_gw[s];
        for (int k = 0; pg >= 0 && k < l->sat_ngw[s]; k++)
            if (gi[k] == pg && l->gw_used[pg] < l->gw_antennas[pg]) {
                l->gw_used[pg]++;
                l->sat_gw[s] = k; /* position in the sat's list */
                break;
            }
        if (l->sat_gw[s] < 0 && l->sat_ngw[s] > 0)
            l->sat_order[nq++] = by_load(l, s);
    }
    qsort(l->sat_order, nq, sizeof *l->sat_order, cmp_u64);
    for (size_t q = 0; q < nq; q++) {
        size_t s = by_load_sat(l->sat_order[q]);
        const int16_t *gi = l->sat_gwi + s * LN_GW_PER_SAT;
        for (int k = 0; k < l->sat_ngw[s]; k++) {
            int g = gi[k];
            if (l->gw_used[g] < l->gw_antennas[g]) {
                l->gw_used[g]++;
                l->sat_gw[s] = k;
                break;
            }
        }
    }
    if (l->has_mesh)
        mesh_exits(l);
    long stranded = 0;
    for (size_t s = 0; s < l->nsat; s++) {
        l->sat_prev_gw[s] =
            (int16_t)(l->sat_gw[s] >= 0
                          ? l->sat_gwi[s * LN_GW_PER_SAT + l->sat_gw[s]]
                          : -1);
        stranded += l->sat_load[s] && !sat_reaches(l, (int)s);
    }
    return stranded;
}

/* 1 if satellite s gets its users' traffic to a gateway this step: an
 * antenna (bent pipe) or, with link.isl, a path over the mesh whose exit
 * holds an antenna of its gateway (mesh_exits). */
static inline int sat_reaches(const ln_link *l, int s)
{
    return l->sat_gw[s] >= 0 || (l->has_mesh && l->mesh_ok[s]);
}

/* rehome's search over terminal i's candidate area (serve.c: the
 * satellites any site of the area could see this step, ascending index,
 * positions copied): the visible satellite that reaches a gateway with
 * the highest elevation, ties to the lower index, or -1; the same
 * satellite as ln_satindex_visible's list gives (the same test,
 * ln_site_above, and the same sin_el on the same coordinates), found
 * without visiting the index's cells and testing only the satellites
 * that reach a gateway (few, when antennas are short). -2 when the
 * list holds more than 512 satellites (the index's list is cut at 512:
 * the caller asks it, as before). */
static int rehome_area(const ln_link *l, size_t i)
{
    int r = l->term_reg[i];
    int n = l->reg_n[r];
    if (n > 512)
        return -2;
    size_t k = (size_t)l->reg_k;
    const int *it = l->reg_items + (size_t)r * k;
    const double *px = l->reg_pos + (size_t)r * 3 * k, *py = px + k,
                 *pz = py + k;
    const ln_site *site = &l->site[i];
    int best = -1;
    double bse = -2;
    for (int j = 0; j < n; j++) {
        if (!sat_reaches(l, it[j]))
            continue;
        const double q[3] = {px[j], py[j], pz[j]};
        if (!ln_site_above(site, q, l->sin_mask))
            continue;
        double se = ln_site_sin_el(site, q);
        if (se > bse) {
            bse = se;
            best = it[j];
        }
    }
    return best;
}

/* A served terminal whose satellite got no gateway (no free antenna, no
 * mesh path) moves to the visible satellite with the highest elevation
 * that has one (ties: lower index); with none, share_capacity makes it
 * "no-gateway". Writes only terminal i's slots. */
static void rehome(ln_link *l, size_t i, int slot)
{
    if (l->outcome[i] != LN_LINK_OK || sat_reaches(l, l->serving[i]))
        return;
    if (slot) {
        /* at a slot the terminal's candidates are its highest satellites
         * that may reach a gateway (sat_ok, which sat_reaches implies):
         * the first of them that reaches one is the highest of all */
        const int32_t *c = l->cand + i * LN_SCHED_K;
        for (int k = 0; k < LN_SCHED_K && c[k] >= 0; k++)
            if (sat_reaches(l, c[k])) {
                int p = l->srv0[i];
                l->serving[i] = c[k];
                l->handover[i] = (unsigned char)(p >= 0 && c[k] != p &&
                                                 l->was_ok[i]);
                return;
            }
    }
    int best = rehome_area(l, i);
    if (best == -2) { /* a long candidate list: ask the index */
        int idx[512];
        double se[512];
        size_t nv = ln_satindex_visible(l->ix, &l->site[i], l->sin_mask, idx,
                                        se, 512);
        if (nv > 512)
            nv = 512;
        best = -1;
        double bse = -2;
        for (size_t k = 0; k < nv; k++)
            if (se[k] > bse && sat_reaches(l, idx[k])) {
                bse = se[k];
                best = idx[k];
            }
    }
    if (best < 0)
        return;
    int p = l->srv0[i];
    l->serving[i] = best;
    l->handover[i] = (unsigned char)(p >= 0 && best != p &&
                                     l->was_ok[i]);
}

static int cmp_beam_key(const void *a, const void *b)
{
    const ln__link_beam_key *x = a, *y = b;
    if (x->beam != y->beam)
        return x->beam < y->beam ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

/* Orders a satellite's terminals by beam cell, then terminal index. The
 * list comes in index order and fixed terminals are numbered by beam cell,
 * so it is sorted but for the mobile terminals at its end: those are
 * sorted apart and merged in (a total order: the result is the same as
 * sorting the whole list). */
static void sort_by_beam(const ln_link *l, int *a, int n,
                         ln__link_beam_key *tmp)
{
    int k0 = 1;
    while (k0 < n && l->beam[a[k0 - 1]] <= l->beam[a[k0]])
        k0++;
    if (k0 >= n)
        return; /* the list is in index order: ties are already right */
    /* sort the tail a[k0..n) (insertion when short), then merge it
     * backwards into the sorted prefix a[0..k0) */
    int m = n - k0;
    for (int k = 0; k < m; k++) {
        ln__link_beam_key x = {l->beam[a[k0 + k]], a[k0 + k]};
        if (m > 16) {
            tmp[k] = x;
            continue;
        }
        int j = k;
        while (j > 0 && cmp_beam_key(&tmp[j - 1], &x) > 0) {
            tmp[j] = tmp[j - 1];
            j--;
        }
        tmp[j] = x;
    }
    if (m > 16)
        qsort(tmp, (size_t)m, sizeof *tmp, cmp_beam_key);
    int p = k0 - 1, q = m - 1, o = n - 1;
    while (q >= 0) {
        if (p >= 0) {
            ln__link_beam_key kp = {l->beam[a[p]], a[p]};
            if (cmp_beam_key(&kp, &tmp[q]) > 0) {
                a[o--] = a[p--];
                continue;
            }
        }
        a[o--] = tmp[q--].i;
    }
}

/* The slot scheduler's choice (docs/scenario.md, "Scheduler"), serial:
 * the served terminals in order of beam cell, then index; each takes the
 * highest of its candidates (search_top) that already serves its beam
 * cell or has a beam slot left (beams_per_sat beam cells per satellite);
 * when all are full, the highest (its beams are then time-shared, as in
 * share_capacity). The order is fixed, so the result does not depend on
 * the thread count. */
void ln__link_slot_assign(ln_link *l)
{
    int n = 0;
    for (size_t i = 0; i < l->nt; i++)
        if (l->outcome[i] == LN_LINK_OK)
            l->slot_order[n++] = (int)i;
    sort_by_beam(l, l->slot_order, n, l->beam_tmp);
    memset(l->slot_used, 0, l->nsat * sizeof *l->slot_used);
    memset(l->slot_last, 0, l->nsat * sizeof *l->slot_last); /* 0: no H3
                                                                   cell */
    const int cap = l->beams_per_sat;
    for (int k = 0; k < n; k++) {
        size_t i = (size_t)l->slot_order[k];
        const int32_t *c = l->cand + i * LN_SCHED_K;
        ln_cell b = l->beam[i];
        int pick = c[0];
        for (int j = 0; j < LN_SCHED_K && c[j] >= 0; j++)
            if (l->slot_last[c[j]] == b || l->slot_used[c[j]] < cap) {
                pick = c[j];
                break;
            }
        if (l->slot_last[pick] != b) {
            l->slot_used[pick]++;
            l->slot_last[pick] = b;
        }
        if (pick == l->serving[i])
            continue;
        int p = l->srv0[i];
        l->serving[i] = pick;
        l->handover[i] = (unsigned char)(p >= 0 && pick != p &&
                                         l->was_ok[i]);
    }
}

/* Capacity: per satellite, terminals grouped by beam cell; each beam gets
 * a time share min(1, beams/ncells) of beam_capacity, the satellite at
 * most sat_capacity; a terminal gets its demand scaled by its beam's
 * grant. */
static void share_capacity(ln_link *l, const double *demand_mbps,
                           const ln_link_hooks *h)
{
    int *start = l->by_sat_start;
    memset(start, 0, (l->nsat + 1) * sizeof *start);
    for (size_t i = 0; i < l->nt; i++)
        if (l->outcome[i] == LN_LINK_OK)
            start[l->serving[i] + 1]++;
    for (size_t s = 0; s < l->nsat; s++)
        start[s + 1] += start[s];
    for (size_t i = 0; i < l->nt; i++)
        if (l->outcome[i] == LN_LINK_OK)
            l->by_sat[start[l->serving[i]]++] = (int)i;
    for (size_t s = l->nsat; s > 0; s--)
        start[s] = start[s - 1];
    start[0] = 0;
    long ns = (long)l->nsat;
#pragma omp parallel for schedule(dynamic, 16) num_threads(l->nthreads)
    for (long s = 0; s < ns; s++) {
        int *a = l->by_sat + start[s];
        int n = start[s + 1] - start[s];
        if (!n)
            continue;
        /* bent pipe first (an assigned gateway antenna), else the laser
         * mesh (link.isl), else no gateway */
        int hops = 0;
        double gw_km = 0;
        if (l->sat_gw[s] >= 0)
            gw_km = l->sat_gwkm[(size_t)s * LN_GW_PER_SAT + l->sat_gw[s]];
        else if (l->has_mesh && l->mesh_ok[s]) {
            gw_km = l->mesh.km[s];
            hops = l->mesh.hops[s];
        } else {
            for (int k = 0; k < n; k++) {
                if ((size_t)a[k] < l->lo || (size_t)a[k] >= l->hi)
                    continue; /* another part's terminal */
                l->outcome[a[k]] = LN_LINK_NO_GW;
                if (h->each)
                    h->each(h->user, (size_t)a[k], LN_LINK_NO_GW);
            }
            continue;
        }
        sort_by_beam(l, a, n, l->beam_tmp + start[s]);
        int ncells = 0;
        for (int k = 0; k < n; k++)
            if (k == 0 || l->beam[a[k]] != l->beam[a[k - 1]])
                ncells++;
        double share = ncells > l->beams_per_sat
                           ? (double)l->beams_per_sat / ncells
                           : 1.0;
        double bcap = l->beam_capacity_mbps * share;
        /* first pass: grant per beam; second: satellite cap */
        double granted_sum = 0;
        for (int k = 0; k < n;) {
            int j = k;
            double dsum = 0;
            while (j < n && l->beam[a[j]] == l->beam[a[k]])
                dsum += demand_mbps[a[j++]];
            granted_sum += dsum < bcap ? dsum : bcap;
            k = j;
        }
        double sat_scale = granted_sum > l->sat_capacity_mbps
                               ? l->sat_capacity_mbps / granted_sum
                               : 1.0;
        double r[3] = {l->x[s], l->y[s], l->z[s]};
        for (int k = 0; k < n;) {
            int j = k;
            double dsum = 0;
            while (j < n && l->beam[a[j]] == l->beam[a[k]])
                dsum += demand_mbps[a[j++]];
            double g = (dsum < bcap ? dsum : bcap) * sat_scale;
            double f = dsum > 0 ? g / dsum : 1.0;
            for (int m = k; m < j; m++) {
                int i = a[m];
                if ((size_t)i < l->lo || (size_t)i >= l->hi)
                    continue; /* another part's terminal */
                l->rate_mbps[i] = demand_mbps[i] * f;
                const double *q = l->site[i].r_ecef;
                double dv[3] = {r[0] - q[0], r[1] - q[1], r[2] - q[2]};
                double up_km = sqrt(dv[0] * dv[0] + dv[1] * dv[1] +
                                    dv[2] * dv[2]);
                l->rtt_ms[i] = (float)(2.0 * (up_km + gw_km) / LN_C_KM_S *
                                       1e3);
                l->hops[i] = (int8_t)(hops < 127 ? hops : 127);
            }
            k = j;
        }
    }
}

void ln_link_gateways(ln_link *l, const ln_link_mesh *mesh, int slot)
{
    ln__link_use_mesh(l, mesh);
    long lo = (long)l->lo, hi = (long)l->hi;
    if (assign_gateways(l) > 0) {
#pragma omp parallel for schedule(dynamic, 1024) num_threads(l->nthreads)
        for (long i = lo; i < hi; i++)
            rehome(l, (size_t)i, slot);
        /* parts: the rehomed terminals' satellites (capacity) */
        ln__link_gather(l, l->serving, sizeof *l->serving, 0, l->nt);
    }
}

void ln_link_capacity(ln_link *l, const ln_link_mesh *mesh,
                      const double *demand_mbps, const ln_link_hooks *hooks)
{
    ln__link_use_mesh(l, mesh);
    const ln_link_hooks h = hooks ? *hooks : (ln_link_hooks){0};
    share_capacity(l, demand_mbps, &h);
}
