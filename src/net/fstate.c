/*
 * fstate.c - Hypatia's forwarding state for algorithm
 * "free_one_only_over_isls" (satgenpy, dynamic_state/fstate_calculation.py
 * calculate_fstate_shortest_path_without_gs_relaying), computed with one
 * multi-source Dijkstra per destination ground station instead of a
 * Floyd-Warshall over all satellite pairs.
 *
 * Exports ln_net_fstate_new, ln_net_fstate_free, ln_net_fstate_compute,
 * ln_net_fstate_get, ln_net_fstate_write.
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
 * Parallelism: destinations are split across OpenMP threads (each with
 * its own work space); the table write is sequential.
 */
#include <math.h>
#include <string.h>

#include <omp.h>

#include "net/net_int.h"

struct ln_net_fstate {
    const ln_net *n;
    int nthreads;
    ln_net_work **work; /* nthreads */
    double *dist;       /* ngs * nsat: distance of s to g, km */
    ln_net_fentry *cur, *prev; /* nsat * ngs + ngs * ngs */
    int have_prev;
    int written;        /* 1: the last table computed is now in prev */
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
    ln_free(f->cur);
    ln_free(f->prev);
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
    size_t ne = n->nsat * n->ngs + n->ngs * n->ngs;
    f->work = ln_calloc((size_t)nthreads, sizeof *f->work);
    size_t nd = n->ngs * n->nsat;
    f->dist = ln_malloc((nd ? nd : 1) * sizeof *f->dist);
    f->cur = ln_malloc((ne ? ne : 1) * sizeof *f->cur);
    f->prev = ln_malloc((ne ? ne : 1) * sizeof *f->prev);
    f->bufcap = (size_t)1 << 20;
    f->buf = ln_malloc(f->bufcap);
    if (!f->work || !f->dist || !f->cur || !f->prev || !f->buf) {
        ln_net_fstate_free(f);
        return LN_ENOMEM;
    }
    for (int i = 0; i < nthreads; i++)
        if (ln_net_work_new(n, &f->work[i])) {
            ln_net_fstate_free(f);
            return LN_ENOMEM;
        }
    *out = f;
    return 0;
}

static void one_destination(ln_net_fstate *f, ln_net_work *w, size_t g)
{
    const ln_net *n = f->n;
    size_t ngs = n->ngs;
    ln_net_to_gs(n, w, g, f->dist + g * n->nsat, NULL, NULL);
    int32_t gnode = (int32_t)(n->nsat + g);
    for (size_t s = 0; s < n->nsat; s++) {
        ln_net_fentry *e = &f->cur[s * ngs + g];
        if (!(w->d[s] < INFINITY)) {
            e->next = e->my_if = e->next_if = -1;
        } else if (w->root[s] == (int32_t)s) {
            e->next = gnode;
            e->my_if = n->nif[s]; /* + gid_to_sat_gsl_if_idx = 0 */
            e->next_if = 0;
        } else {
            /* first neighbour in interface order with the least
               (length + its distance): Hypatia's strict '<' loop */
            int32_t best = -1, bisl = -1;
            double bd = INFINITY;
            for (int32_t k = n->adj_off[s]; k < n->adj_off[s + 1]; k++) {
                double v = n->adj_w[k] + w->d[n->adj_nbr[k]];
                if (v < bd) {
                    bd = v;
                    best = n->adj_nbr[k];
                    bisl = n->adj_isl[k];
                }
            }
            e->next = best;
            if ((int32_t)s == n->isls[bisl].a) {
                e->my_if = n->if_a[bisl];
                e->next_if = n->if_b[bisl];
            } else {
                e->my_if = n->if_b[bisl];
                e->next_if = n->if_a[bisl];
            }
        }
    }
}

static void one_source_gs(ln_net_fstate *f, size_t g1)
{
    const ln_net *n = f->n;
    size_t ngs = n->ngs;
    ln_net_fentry *row = f->cur + n->nsat * ngs + g1 * ngs;
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
        if (best < 0) {
            row[g2].next = row[g2].my_if = row[g2].next_if = -1;
        } else {
            row[g2].next = best;
            row[g2].my_if = 0;
            row[g2].next_if = n->nif[best];
        }
    }
}

void ln_net_fstate_compute(ln_net_fstate *f)
{
    long ngs = (long)f->n->ngs;
    f->written = 0;
    if (f->nthreads <= 1) {
        for (long g = 0; g < ngs; g++)
            one_destination(f, f->work[0], (size_t)g);
        for (long g = 0; g < ngs; g++)
            one_source_gs(f, (size_t)g);
        return;
    }
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

const ln_net_fentry *ln_net_fstate_get(const ln_net_fstate *f, int32_t node,
                                       int32_t dst_gs)
{
    const ln_net *n = f->n;
    const ln_net_fentry *t = f->written ? f->prev : f->cur;
    if (dst_gs < 0 || (size_t)dst_gs >= n->ngs || node < 0)
        return NULL;
    if ((size_t)node < n->nsat)
        return &t[(size_t)node * n->ngs + (size_t)dst_gs];
    size_t g1 = (size_t)node - n->nsat;
    if (g1 >= n->ngs || g1 == (size_t)dst_gs)
        return NULL;
    return &t[n->nsat * n->ngs + g1 * n->ngs + (size_t)dst_gs];
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

static int same(const ln_net_fentry *a, const ln_net_fentry *b)
{
    return a->next == b->next && a->my_if == b->my_if &&
           a->next_if == b->next_if;
}

long ln_net_fstate_write(ln_net_fstate *f, FILE *out, int full)
{
    const ln_net *n = f->n;
    size_t nsat = n->nsat, ngs = n->ngs, len = 0;
    long lines = 0;
    int all = full || !f->have_prev;
    for (size_t s = 0; s < nsat; s++)
        for (size_t g = 0; g < ngs; g++) {
            size_t i = s * ngs + g;
            if (all || !same(&f->cur[i], &f->prev[i])) {
                if (emit(f, out, &len, (long)s, (long)(nsat + g),
                         &f->cur[i]))
                    return LN_EIO;
                lines++;
            }
        }
    for (size_t g1 = 0; g1 < ngs; g1++)
        for (size_t g2 = 0; g2 < ngs; g2++) {
            if (g1 == g2)
                continue;
            size_t i = nsat * ngs + g1 * ngs + g2;
            if (all || !same(&f->cur[i], &f->prev[i])) {
                if (emit(f, out, &len, (long)(nsat + g1), (long)(nsat + g2),
                         &f->cur[i]))
                    return LN_EIO;
                lines++;
            }
        }
    if (len && fwrite(f->buf, 1, len, out) != len)
        return LN_EIO;
    ln_net_fentry *t = f->prev;
    f->prev = f->cur;
    f->cur = t;
    f->have_prev = 1;
    f->written = 1;
    return lines;
}
