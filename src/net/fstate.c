/*
 * fstate.c - Hypatia's forwarding state for algorithm
 * "free_one_only_over_isls" (satgenpy, dynamic_state/fstate_calculation.py
 * calculate_fstate_shortest_path_without_gs_relaying), computed with one
 * multi-source Dijkstra per destination ground station instead of a
 * Floyd-Warshall over all satellite pairs, and from the second step on
 * incrementally from the previous step's shortest-path trees.
 *
 * Exports ln_net_fstate_new, ln_net_fstate_free, ln_net_fstate_compute,
 * ln_net_fstate_set_incremental, ln_net_fstate_counts_get,
 * ln_net_fstate_dist, ln_net_fstate_get, ln_net_fstate_write.
 *
 * Semantics (what satgenpy writes; docs/network.md):
 *   satellite s -> ground station g: the exit satellite b minimises
 *     dist(s, b) + GSL(b, g) over the satellites g sees (ties: smaller b).
 *     s == b: (nsat + g, nif(s) + 0, 0): down the one GSL interface.
 *     otherwise the first ISL neighbour in interface order minimising
 *     length + its distance: (n, if of s towards n, if of n towards s).
 *     nothing reachable: (-1, -1, -1).
 *   ground station g1 -> g2 (g1 != g2): the satellite a seen by g1 that
 *     minimises GSL(g1, a) + distance of a to g2 (ties: smaller a):
 *     (a, 0, nif(a) + 0); none: (-1, -1, -1).
 * A multi-source Dijkstra seeded with GSL(b, g) gives min_b [dist(s, b) +
 * GSL(b, g)] directly. Sums are formed in another order than networkx's
 * Floyd-Warshall, so two routes whose lengths differ by ~1e-12 relative
 * may be ranked differently; docs/network.md discusses it.
 *
 * Incremental computation. Dijkstra's distances D (doubles, sums formed
 * as d(parent) + length) are, bit for bit, any distances d that are real
 * route lengths (each d(v) is seed(v) or fl(d(parent) + w)) and that no
 * candidate seed(v) or fl(d(u) + w(u, v)) undercuts (proof in
 * docs/network.md: fl(a + w) >= a and is monotone in a). The previous
 * step's tree (par: the
 * half-edge towards each satellite's parent, -1 = own exit, -2 =
 * unreachable) gives real route lengths with the new lengths (upper
 * bounds; one pass in depth order, tst); one pass over the ISLs checks the
 * equations (no candidate below d(v)); where they fail, a label-correcting
 * repair from the violating satellites (ln__net_repair) restores them and
 * the check runs again. The same pass counts, for each satellite, the
 * candidates equal to d(v): exactly one everywhere means that Dijkstra's
 * exit rule and satgenpy's next-hop loop both pick the tree parent, so a
 * satellite's entry is a function of par alone (hent[par], the GSL entry,
 * or drop) and an unchanged tree leaves the entries as they are; more than
 * one (an exact tie, rare) sends the destination to a full Dijkstra.
 * Cost when the tree still holds: two sweeps of the 1584 satellites (the
 * check with SSE2 pairs on a fixed stride of 4 ISLs) instead of a
 * heap-ordered search; about 1.2 ms per step for 100 destinations against
 * 4-10 ms.
 *
 * Tables: satellite entries are kept per destination (cur[g * nsat + s]),
 * ground-station entries per source (cur[nsat * ngs + g1 * ngs + g2]);
 * dirty[] flags, in file order, the entries that changed since the last
 * write, so writing a diff costs O(table / 8 + changes).
 *
 * Parallelism: destinations are split across OpenMP threads (each with
 * its own work space; per-destination state is disjoint, dirty flags are
 * bytes); the table write is sequential.
 */
#include <math.h>
#include <string.h>

#include <omp.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "net/net_int.h"

enum { HOW_VERIFIED = 0, HOW_REPAIRED = 1, HOW_TIED = 2, HOW_FULL = 3 };

struct ln_net_fstate {
    const ln_net *n;
    int nthreads;
    int incremental;    /* 1: reuse the trees (default) */
    ln_net_work **work; /* nthreads */
    double *dist;       /* ngs * nsat: distance of s to g, km */
    int32_t *par;       /* ngs * nsat: tree of g (see the header) */
    struct tstep { int32_t x, e, p; } *tst; /* ngs * nsat: the tree of g
                           in depth order: node, par[x], parent node */
    uint8_t *have_tree; /* ngs: par of g is valid */
    uint8_t *have_ord;  /* ngs: tst of g is valid for par of g */
    uint8_t *synced;    /* ngs: cur of g is what par of g implies */
    ln_net_fentry *hent; /* nhalf: the entry of each half-edge */
    uint8_t *how;       /* ngs: HOW_* of the last compute */
    ln_net_fentry *cur;  /* nsat * ngs (g-major) + ngs * ngs */
    ln_net_fentry *prev; /* the same layout: the last table written */
    uint8_t *dirty;     /* nsat * ngs + ngs * ngs, file order */
    int have_prev;
    ln_net_fstate_counts counts;
    char *buf;          /* write buffer */
    size_t bufcap;
};

void ln_net_fstate_free(ln_net_fstate *f)
{
    if (!f)
        return;
    if (f->work)
        for (int i = 0; i < f->nthreads; i++)
            ln_net_work_free(f->work[i]);
    ln_free(f->work);
    ln_free(f->dist);
    ln_free(f->par);
    ln_free(f->tst);
    ln_free(f->have_tree);
    ln_free(f->have_ord);
    ln_free(f->synced);
    ln_free(f->hent);
    ln_free(f->how);
    ln_free(f->cur);
    ln_free(f->prev);
    ln_free(f->dirty);
    ln_free(f->buf);
    ln_free(f);
}

int ln_net_fstate_new(const ln_net *n, int nthreads, ln_net_fstate **out)
{
    *out = NULL;
    if (nthreads <= 0)
        nthreads = ln_ncpu();
    if (nthreads > 256)
        nthreads = 256;
    ln_net_fstate *f = ln_calloc(1, sizeof *f);
    if (!f)
        return LN_ENOMEM;
    f->n = n;
    f->nthreads = nthreads;
    f->incremental = 1;
    size_t ne = n->nsat * n->ngs + n->ngs * n->ngs;
    size_t nd = n->ngs * n->nsat;
    f->work = ln_calloc((size_t)nthreads, sizeof *f->work);
    f->dist = ln_malloc((nd ? nd : 1) * sizeof *f->dist);
    f->par = ln_malloc((nd ? nd : 1) * sizeof *f->par);
    f->tst = ln_malloc((nd ? nd : 1) * sizeof *f->tst);
    f->have_ord = ln_calloc(n->ngs ? n->ngs : 1, 1);
    f->synced = ln_calloc(n->ngs ? n->ngs : 1, 1);
    f->hent = ln_malloc((n->nhalf ? n->nhalf : 1) * sizeof *f->hent);
    f->have_tree = ln_calloc(n->ngs ? n->ngs : 1, 1);
    f->how = ln_calloc(n->ngs ? n->ngs : 1, 1);
    f->cur = ln_malloc((ne ? ne : 1) * sizeof *f->cur);
    f->prev = ln_malloc((ne ? ne : 1) * sizeof *f->prev);
    f->dirty = ln_calloc(ne ? ne : 1, 1);
    f->bufcap = (size_t)1 << 20;
    f->buf = ln_malloc(f->bufcap);
    if (!f->work || !f->dist || !f->par || !f->tst || !f->have_ord || !f->synced ||
        !f->hent || !f->have_tree || !f->how ||
        !f->cur || !f->prev || !f->dirty || !f->buf) {
        ln_net_fstate_free(f);
        return LN_ENOMEM;
    }
    for (size_t i = 0; i < ne; i++)
        f->cur[i].next = f->cur[i].my_if = f->cur[i].next_if = -1;
    for (size_t s = 0; s < n->nsat; s++)
        for (int32_t e = n->adj_off[s]; e < n->adj_off[s + 1]; e++) {
            int32_t i = n->adj_isl[e];
            ln_net_fentry *h = &f->hent[e];
            h->next = h->my_if = h->next_if = -1;
            if (i < 0)
                continue;
            h->next = n->adj_nbr[e];
            if ((int32_t)s == n->isls[i].a) {
                h->my_if = n->if_a[i];
                h->next_if = n->if_b[i];
            } else {
                h->my_if = n->if_b[i];
                h->next_if = n->if_a[i];
            }
        }
    for (int i = 0; i < nthreads; i++)
        if (ln_net_work_new(n, &f->work[i])) {
            ln_net_fstate_free(f);
            return LN_ENOMEM;
        }
    *out = f;
    return 0;
}

void ln_net_fstate_set_incremental(ln_net_fstate *f, int on)
{
    f->incremental = on != 0;
}

void ln_net_fstate_counts_get(const ln_net_fstate *f,
                              ln_net_fstate_counts *out)
{
    *out = f->counts;
}

const double *ln_net_fstate_dist(const ln_net_fstate *f, int32_t dst_gs)
{
    if (dst_gs < 0 || (size_t)dst_gs >= f->n->ngs)
        return NULL;
    return f->dist + (size_t)dst_gs * f->n->nsat;
}

/* ---- one destination ------------------------------------------------- */

static const ln_net_fentry DROP = {-1, -1, -1};

/* Stores entry e of satellite s in g's column, flagging a change. */
static inline void put(ln_net_fstate *f, size_t g, size_t s,
                       ln_net_fentry *col, const ln_net_fentry *e)
{
    ln_net_fentry *c = &col[s];
    if (c->next != e->next || c->my_if != e->my_if ||
        c->next_if != e->next_if) {
        *c = *e;
        f->dirty[s * f->n->ngs + g] = 1;
    }
}

static inline ln_net_fentry gsl_entry(const ln_net *n, size_t s, size_t g)
{
    /* down the one GSL interface: nif(s) + gid_to_sat_gsl_if_idx (0) */
    ln_net_fentry e = {(int32_t)(n->nsat + g), n->nif[s], 0};
    return e;
}

/* From scratch: Dijkstra, then the entries exactly as satgenpy's loops
 * (exit by w->root, next hop by the first strict minimum); par is set
 * from the result for the next step (any tight predecessor will do). */
static void dest_full(ln_net_fstate *f, ln_net_work *w, size_t g)
{
    const ln_net *n = f->n;
    const int32_t *off = n->adj_off, *nbr = n->adj_nbr;
    const double *aw = n->adj_w;
    size_t nsat = n->nsat;
    double *d = f->dist + g * nsat;
    int32_t *par = f->par + g * nsat;
    ln_net_fentry *col = f->cur + g * nsat;
    ln__net_dijkstra(n, w);
    for (size_t s = 0; s < nsat; s++) {
        double ds = w->d[s];
        d[s] = ds;
        int32_t bi = -1;
        double bd = INFINITY;
        for (int32_t k = off[s]; k < off[s + 1]; k++) {
            double v = aw[k] + w->d[nbr[k]];
            if (v < bd) {
                bd = v;
                bi = k;
            }
        }
        if (!(ds < INFINITY)) {
            put(f, g, s, col, &DROP);
            par[s] = -2;
            continue;
        }
        par[s] = w->seed[s] == ds ? -1 : bi;
        if (w->root[s] == (int32_t)s) {
            ln_net_fentry e = gsl_entry(n, s, g);
            put(f, g, s, col, &e);
        } else {
            put(f, g, s, col, &f->hent[bi]);
        }
    }
    f->have_ord[g] = 0;
    f->synced[g] = 0;
}

/* Distances along the previous tree with the new lengths and seeds. With
 * a valid depth order: one pass. Else a walk up to a node already done and
 * back down, which also records an order. Returns -1 if par has a cycle
 * (cannot happen for a tree built here; guards bad state). */
static int tree_distances(ln_net_fstate *f, ln_net_work *w, size_t g)
{
    const ln_net *n = f->n;
    const int32_t *nbr = n->adj_nbr;
    const double *aw = n->adj_w, *seed = w->seed;
    size_t nsat = n->nsat;
    double *d = f->dist + g * nsat;
    const int32_t *par = f->par + g * nsat;
    struct tstep *tst = f->tst + g * nsat;
    if (f->have_ord[g]) {
        for (size_t i = 0; i < nsat; i++) {
            struct tstep t = tst[i];
            if (t.e >= 0)
                d[t.x] = d[t.p] + aw[t.e]; /* Dijkstra's order: du + we */
            else
                d[t.x] = t.e == -1 ? seed[t.x] : INFINITY;
        }
        return 0;
    }
    uint8_t *done = w->done;
    int32_t *stk = w->stk, *ord = w->ord;
    size_t no = 0;
    memset(done, 0, nsat);
    for (size_t v = 0; v < nsat; v++) {
        if (done[v])
            continue;
        size_t top = 0;
        int32_t u = (int32_t)v;
        while (!done[u] && par[u] >= 0) {
            if (top == nsat)
                return -1;
            stk[top++] = u;
            u = nbr[par[u]];
        }
        if (!done[u]) {
            d[u] = par[u] == -1 ? seed[u] : INFINITY;
            done[u] = 1;
            ord[no++] = u;
        }
        while (top) {
            int32_t x = stk[--top];
            int32_t e = par[x];
            d[x] = d[nbr[e]] + aw[e];
            done[x] = 1;
            ord[no++] = x;
        }
    }
    /* Sort by depth (counting sort): in the walk order each node depends
       on the one just computed (a store-to-load chain per node in the
       one-pass loop above); in depth order neighbours are independent. */
    int32_t *depth = w->stk, *cnt = w->tmp;
    int32_t maxd = 0;
    for (size_t i = 0; i < nsat; i++) {
        int32_t x = ord[i], e = par[x];
        depth[x] = e >= 0 ? depth[nbr[e]] + 1 : 0;
        if (depth[x] > maxd)
            maxd = depth[x];
    }
    memset(cnt, 0, ((size_t)maxd + 2) * sizeof *cnt);
    for (size_t x = 0; x < nsat; x++)
        cnt[depth[x] + 1]++;
    for (int32_t k = 1; k <= maxd; k++)
        cnt[k] += cnt[k - 1];
    for (size_t x = 0; x < nsat; x++) {
        struct tstep *t = &tst[cnt[depth[x]]++];
        t->x = (int32_t)x;
        t->e = par[x];
        t->p = par[x] >= 0 ? nbr[par[x]] : -1;
    }
    f->have_ord[g] = 1;
    return 0;
}

/* One check pass over every satellite (see the header); K = 4: fixed
 * stride 4 (+Grid), K = 0: any adjacency. Lowers violating satellites to
 * their best candidate, lists them in w->stk and returns their count;
 * returns -1 on an exact tie; with 0 the entries are stored and par is
 * final. */
static inline __attribute__((always_inline)) long
check_pass(ln_net_fstate *f, ln_net_work *w, size_t g, const int K)
{
    const ln_net *n = f->n;
    const int32_t *off = n->adj_off, *nbr = n->adj_nbr;
    const double *aw = n->adj_w, *seed = w->seed;
    size_t nsat = n->nsat;
    double *d = f->dist + g * nsat;
    int32_t *par = f->par + g * nsat;
    ln_net_fentry *col = f->cur + g * nsat;
    long nv = 0;
    for (size_t s = 0; s < nsat; s++) {
        double ds = d[s], sd = seed[s];
        int32_t bi = -1;
        int ntight, viol;
        if (K == 4) {
            const int32_t *nb = nbr + 4 * s;
            const double *ww = aw + 4 * s;
#ifdef __SSE2__
            /* the four candidates in two SSE2 pairs, w + d(neighbour) */
            __m128d v = _mm_set1_pd(ds);
            __m128d c01 = _mm_add_pd(
                _mm_loadu_pd(ww),
                _mm_loadh_pd(_mm_load_sd(&d[nb[0]]), &d[nb[1]]));
            __m128d c23 = _mm_add_pd(
                _mm_loadu_pd(ww + 2),
                _mm_loadh_pd(_mm_load_sd(&d[nb[2]]), &d[nb[3]]));
            int lt = _mm_movemask_pd(_mm_cmplt_pd(c01, v)) |
                     _mm_movemask_pd(_mm_cmplt_pd(c23, v));
            int eq = _mm_movemask_pd(_mm_cmpeq_pd(c01, v)) |
                     _mm_movemask_pd(_mm_cmpeq_pd(c23, v)) << 2;
            static const int8_t bits[16] = {0, 1, 1, 2, 1, 2, 2, 3,
                                            1, 2, 2, 3, 2, 3, 3, 4};
            viol = lt | (sd < ds);
            ntight = (sd == ds) + bits[eq];
#else
            double c0 = ww[0] + d[nb[0]], c1 = ww[1] + d[nb[1]];
            double c2 = ww[2] + d[nb[2]], c3 = ww[3] + d[nb[3]];
            viol = (sd < ds) | (c0 < ds) | (c1 < ds) | (c2 < ds) | (c3 < ds);
            ntight = (sd == ds) + (c0 == ds) + (c1 == ds) + (c2 == ds) +
                     (c3 == ds);
#endif
            if (!viol && ntight == 1 && ds < INFINITY)
                continue; /* the common case: certified, par unchanged */
        } else {
            double bv = INFINITY;
            ntight = sd == ds;
            for (int32_t k = off[s]; k < off[s + 1]; k++) {
                double c = aw[k] + d[nbr[k]];
                if (c < bv) {
                    bv = c;
                    bi = k;
                }
                ntight += c == ds;
            }
            viol = sd < ds || bv < ds;
        }
        if (viol) {
            /* lower s to its best candidate (first strict minimum) */
            double bv = INFINITY;
            for (int32_t k = off[s]; k < off[s + 1]; k++) {
                double c = aw[k] + d[nbr[k]];
                if (c < bv) {
                    bv = c;
                    bi = k;
                }
            }
            d[s] = sd <= bv ? sd : bv;
            par[s] = sd <= bv ? -1 : bi;
            w->stk[nv++] = (int32_t)s;
            continue;
        }
        if (nv)
            continue; /* a repair follows */
        /* Entries are a function of par (ISL half-edge, own exit, or
           unreachable) and par only changes here for a satellite that
           became unreachable: with one tight candidate, it is the seed
           (par -1 already, d came from it) or the parent's ISL (par ==
           bi already). */
        if (!(ds < INFINITY)) {
            if (par[s] != -2) {
                par[s] = -2;
                put(f, g, s, col, &DROP);
                f->have_ord[g] = 0; /* tst holds the old parent */
            }
        } else if (ntight != 1) {
            return -1;
        }
        (void)bi;
    }
    return nv;
}

/* Stores the entries that par implies (after a repair, or when the
 * entries came from a full Dijkstra whose tie rule may differ from par). */
static void entries_from_par(ln_net_fstate *f, size_t g)
{
    const ln_net *n = f->n;
    size_t nsat = n->nsat;
    const int32_t *par = f->par + g * nsat;
    ln_net_fentry *col = f->cur + g * nsat;
    for (size_t s = 0; s < nsat; s++) {
        int32_t e = par[s];
        if (e >= 0) {
            put(f, g, s, col, &f->hent[e]);
        } else if (e == -1) {
            ln_net_fentry x = gsl_entry(n, s, g);
            put(f, g, s, col, &x);
        } else {
            put(f, g, s, col, &DROP);
        }
    }
}

static int dest_incremental(ln_net_fstate *f, ln_net_work *w, size_t g)
{
    const ln_net *n = f->n;
    if (tree_distances(f, w, g))
        return -1;
    int how = HOW_VERIFIED;
    for (int round = 0; round < 3; round++) {
        long nv = n->stride == 4 ? check_pass(f, w, g, 4)
                                 : check_pass(f, w, g, 0);
        if (nv < 0)
            return -1;
        if (nv == 0) {
            if (how == HOW_REPAIRED || !f->synced[g])
                entries_from_par(f, g);
            f->synced[g] = 1;
            return how;
        }
        ln__net_repair(n, w, f->dist + g * n->nsat, f->par + g * n->nsat,
                       w->stk, (size_t)nv);
        f->have_ord[g] = 0;
        how = HOW_REPAIRED;
    }
    return -1; /* the repair left a violation: cannot happen */
}

static void one_destination(ln_net_fstate *f, ln_net_work *w, size_t g)
{
    const ln_net *n = f->n;
    ln__net_seed_gs(n, w, g, 1);
    int how = -1;
    if (f->incremental && f->have_tree[g]) {
        how = dest_incremental(f, w, g);
        if (how < 0) {
            dest_full(f, w, g);
            how = HOW_TIED;
        }
    } else {
        dest_full(f, w, g);
        how = HOW_FULL;
    }
    ln__net_seed_gs(n, w, g, 0);
    f->have_tree[g] = 1;
    f->how[g] = (uint8_t)how;
}

static void one_source_gs(ln_net_fstate *f, size_t g1)
{
    const ln_net *n = f->n;
    size_t ngs = n->ngs, base = n->nsat * ngs + g1 * ngs;
    ln_net_fentry *row = f->cur + base;
    int32_t k0 = n->gsl_off[g1], k1 = n->gsl_off[g1 + 1];
    for (size_t g2 = 0; g2 < ngs; g2++) {
        if (g2 == g1)
            continue;
        const double *d = f->dist + g2 * n->nsat;
        int32_t best = -1;
        double bd = INFINITY;
        for (int32_t k = k0; k < k1; k++) {
            int32_t a = n->gsl_sat[k];
            double v = n->gsl_km[k] + d[a];
            if (v < bd) { /* increasing a: ties keep the smaller */
                bd = v;
                best = a;
            }
        }
        ln_net_fentry e = DROP;
        if (best >= 0) {
            e.next = best;
            e.my_if = 0;
            e.next_if = n->nif[best];
        }
        if (memcmp(&row[g2], &e, sizeof e) != 0) {
            row[g2] = e;
            f->dirty[base + g2] = 1;
        }
    }
}

void ln_net_fstate_compute(ln_net_fstate *f)
{
    long ngs = (long)f->n->ngs;
    if (f->nthreads <= 1) {
        for (long g = 0; g < ngs; g++)
            one_destination(f, f->work[0], (size_t)g);
        for (long g = 0; g < ngs; g++)
            one_source_gs(f, (size_t)g);
    } else {
#pragma omp parallel num_threads(f->nthreads)
        {
            ln_net_work *w = f->work[omp_get_thread_num()];
#pragma omp for schedule(dynamic, 2)
            for (long g = 0; g < ngs; g++)
                one_destination(f, w, (size_t)g);
#pragma omp for schedule(dynamic, 4)
            for (long g = 0; g < ngs; g++)
                one_source_gs(f, (size_t)g);
        }
    }
    for (long g = 0; g < ngs; g++) {
        switch (f->how[g]) {
        case HOW_VERIFIED: f->counts.verified++; break;
        case HOW_REPAIRED: f->counts.repaired++; break;
        case HOW_TIED: f->counts.tied++; break;
        default: f->counts.full++; break;
        }
    }
}

const ln_net_fentry *ln_net_fstate_get(const ln_net_fstate *f, int32_t node,
                                       int32_t dst_gs)
{
    const ln_net *n = f->n;
    if (dst_gs < 0 || (size_t)dst_gs >= n->ngs || node < 0)
        return NULL;
    if ((size_t)node < n->nsat)
        return &f->cur[(size_t)dst_gs * n->nsat + (size_t)node];
    size_t g1 = (size_t)node - n->nsat;
    if (g1 >= n->ngs || g1 == (size_t)dst_gs)
        return NULL;
    return &f->cur[n->nsat * n->ngs + g1 * n->ngs + (size_t)dst_gs];
}

/* ---- writing ---------------------------------------------------------- */

static char *put_int(char *p, long v)
{
    char t[24];
    int k = 0;
    unsigned long u = v < 0 ? (unsigned long)(-v) : (unsigned long)v;
    if (v < 0)
        *p++ = '-';
    do {
        t[k++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    while (k)
        *p++ = t[--k];
    return p;
}

static int emit(ln_net_fstate *f, FILE *out, size_t *len, long cur,
                long dst, const ln_net_fentry *e)
{
    if (*len + 80 > f->bufcap) {
        if (fwrite(f->buf, 1, *len, out) != *len)
            return LN_EIO;
        *len = 0;
    }
    char *p = f->buf + *len;
    p = put_int(p, cur);
    *p++ = ',';
    p = put_int(p, dst);
    *p++ = ',';
    p = put_int(p, e->next);
    *p++ = ',';
    p = put_int(p, e->my_if);
    *p++ = ',';
    p = put_int(p, e->next_if);
    *p++ = '\n';
    *len = (size_t)(p - f->buf);
    return 0;
}

/* Entry index (table layout) of file position i. */
static inline size_t slot_of(const ln_net *n, size_t i)
{
    size_t ns = n->nsat * n->ngs;
    if (i >= ns)
        return i;
    return (i % n->ngs) * n->nsat + i / n->ngs;
}

/* Node ids of file position i. */
static inline void ids_of(const ln_net *n, size_t i, long *cur, long *dst)
{
    size_t ns = n->nsat * n->ngs;
    if (i < ns) {
        *cur = (long)(i / n->ngs);
        *dst = (long)(n->nsat + i % n->ngs);
    } else {
        *cur = (long)(n->nsat + (i - ns) / n->ngs);
        *dst = (long)(n->nsat + (i - ns) % n->ngs);
    }
}

long ln_net_fstate_write(ln_net_fstate *f, FILE *out, int full)
{
    const ln_net *n = f->n;
    size_t ns = n->nsat * n->ngs, ne = ns + n->ngs * n->ngs, len = 0;
    long lines = 0;
    long cur, dst;
    if (full || !f->have_prev) {
        for (size_t i = 0; i < ne; i++) {
            ids_of(n, i, &cur, &dst);
            if (cur == dst)
                continue;
            size_t k = slot_of(n, i);
            if (emit(f, out, &len, cur, dst, &f->cur[k]))
                return LN_EIO;
            lines++;
        }
        memcpy(f->prev, f->cur, ne * sizeof *f->cur);
        memset(f->dirty, 0, ne);
    } else {
        for (size_t i = 0; i < ne; i++) {
            if ((i & 7) == 0 && i + 8 <= ne) {
                uint64_t word;
                memcpy(&word, f->dirty + i, 8);
                if (!word) {
                    i += 7;
                    continue;
                }
            }
            if (!f->dirty[i])
                continue;
            f->dirty[i] = 0;
            size_t k = slot_of(n, i);
            if (memcmp(&f->cur[k], &f->prev[k], sizeof f->cur[k]) == 0)
                continue;
            f->prev[k] = f->cur[k];
            ids_of(n, i, &cur, &dst);
            if (emit(f, out, &len, cur, dst, &f->cur[k]))
                return LN_EIO;
            lines++;
        }
    }
    if (len && fwrite(f->buf, 1, len, out) != len)
        return LN_EIO;
    f->have_prev = 1;
    return lines;
}
