/*
 * graph.c - the network graph: +Grid ISL rule, the handle (CSR adjacency
 * in interface order), per-step link state (ISL lengths, GSLs by range or
 * elevation) and failures (the failure file is in fail.c).
 *
 * Exports ln_net_plus_grid, ln_net_new, ln_net_free, ln_net_nsat,
 * ln_net_ngs, ln_net_isl_count, ln_net_set_gs, ln_net_update,
 * ln_net_errmsg, ln_net_gsl, ln_net_isl_km.
 *
 * Per step the cost is O(nisl) for the ISLs and, for the GSL range test
 * (squared distance against the squared range, a square root only for
 * links in range), O(candidates) most steps: each station keeps the
 * satellites within range + 100 km, rebuilt in O(ngs * nsat) once the
 * satellites have moved ~100 km (every ~130 steps of 100 ms in LEO); the
 * elevation rule tests every pair. Lists grow by doubling and are reused,
 * so a steady run allocates nothing.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/net_int.h"

/* ---- +Grid ---------------------------------------------------------- */

static int cmp_isl(const void *a, const void *b)
{
    const ln_net_isl *x = a, *y = b;
    if (x->a != y->a)
        return x->a < y->a ? -1 : 1;
    return (x->b > y->b) - (x->b < y->b);
}

int ln_net_plus_grid(const ln_net_grid *grids, size_t ngrids,
                     ln_net_isl **out, size_t *n)
{
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    for (size_t k = 0; k < ngrids; k++) {
        const ln_net_grid *g = &grids[k];
        if (g->planes < 1 || g->per_plane < 1 || g->first < 0 ||
            (int64_t)g->planes * g->per_plane > INT32_MAX - g->first)
            return LN_EINVAL;
        cap += 2 * (size_t)g->planes * (size_t)g->per_plane;
    }
    ln_net_isl *v = ln_malloc((cap ? cap : 1) * sizeof *v);
    ln_net_isl *sorted = ln_malloc((cap ? cap : 1) * sizeof *sorted);
    if (!v || !sorted) {
        ln_free(v);
        ln_free(sorted);
        return LN_ENOMEM;
    }
    size_t m = 0, ns = 0;
    for (size_t k = 0; k < ngrids; k++) {
        const ln_net_grid *g = &grids[k];
        int32_t P = g->planes, S = g->per_plane;
        int32_t po = ((g->plane_offset % P) + P) % P;
        int32_t ss = ((g->slot_shift % S) + S) % S;
        for (int32_t i = 0; i < P; i++)
            for (int32_t j = 0; j < S; j++) {
                int32_t sat = g->first + i * S + j;
                int32_t cand[2];
                int nc = 0;
                cand[nc++] = g->first + i * S + (j + 1) % S;
                if (g->plane_offset != 0)
                    cand[nc++] = g->first + ((i + po) % P) * S + (j + ss) % S;
                for (int c = 0; c < nc; c++) {
                    if (cand[c] == sat)
                        continue;
                    ln_net_isl e = {sat < cand[c] ? sat : cand[c],
                                    sat < cand[c] ? cand[c] : sat};
                    /* duplicates only arise for P or S < 3: linear check
                       against the (sorted) set built so far */
                    if (ns && bsearch(&e, sorted, ns, sizeof e, cmp_isl))
                        continue;
                    v[m++] = e;
                    /* insert into sorted */
                    size_t p = ns;
                    while (p > 0 && cmp_isl(&sorted[p - 1], &e) > 0) {
                        sorted[p] = sorted[p - 1];
                        p--;
                    }
                    sorted[p] = e;
                    ns++;
                }
            }
    }
    ln_free(sorted);
    *out = v;
    *n = m;
    return 0;
}

/* ---- the handle ----------------------------------------------------- */

void ln_net_free(ln_net *n)
{
    if (!n)
        return;
    ln_free(n->isls);
    ln_free(n->gs);
    ln_free(n->site);
    ln_free(n->adj_off);
    ln_free(n->adj_nbr);
    ln_free(n->adj_isl);
    ln_free(n->adj_rev);
    ln_free(n->nif);
    ln_free(n->if_a);
    ln_free(n->if_b);
    ln_free(n->isl_km);
    ln_free(n->adj_w);
    ln_free(n->sat_up);
    ln_free(n->gs_up);
    ln_free(n->gsl_off);
    ln_free(n->gsl_sat);
    ln_free(n->gsl_km);
    ln_free(n->cand_off);
    ln_free(n->cand_stale);
    ln_free(n->cand_sat);
    ln_free(n->px);
    ln_free(n->py);
    ln_free(n->pz);
    ln_free(n);
}

static void prepare_site(ln_net *n, size_t g)
{
    ln_geodetic geo;
    if (ln_ecef_to_geodetic(&n->gs[3 * g], &geo) != 0)
        geo.lat_rad = geo.lon_rad = geo.h_km = 0.0;
    ln_site_prepare(&geo, &n->site[g]);
    /* keep the exact given position (the geodetic round trip is exact to
       well below a millimetre, but the caller's numbers rule) */
    memcpy(n->site[g].r_ecef, &n->gs[3 * g], 3 * sizeof(double));
}

/* ln_net_new's argument checks: 0, LN_EINVAL or LN_ENOMEM. */
static int check_new(size_t nsat, const ln_net_isl *isls, size_t nisl,
                     size_t ngs, const double *gs_ecef_km,
                     const ln_net_config *cfg)
{
    if (!cfg || nsat >= (size_t)INT32_MAX || nisl >= (size_t)INT32_MAX / 2 ||
        ngs >= (size_t)INT32_MAX || (ngs && !gs_ecef_km) ||
        (nisl && !isls))
        return LN_EINVAL;
    if (cfg->gsl_rule != LN_NET_GSL_RANGE && cfg->gsl_rule != LN_NET_GSL_ELEV)
        return LN_EINVAL;
    if (cfg->gsl_rule == LN_NET_GSL_RANGE && !(cfg->max_gsl_km >= 0.0))
        return LN_EINVAL;
    if (cfg->gsl_rule == LN_NET_GSL_ELEV &&
        !(fabs(cfg->min_elev_rad) <= LN_PI / 2))
        return LN_EINVAL;
    for (size_t i = 0; i < nisl; i++)
        if (isls[i].a < 0 || isls[i].a >= isls[i].b ||
            (size_t)isls[i].b >= nsat)
            return LN_EINVAL;
    /* duplicates */
    if (nisl > 1) {
        ln_net_isl *tmp = ln_malloc(nisl * sizeof *tmp);
        if (!tmp)
            return LN_ENOMEM;
        memcpy(tmp, isls, nisl * sizeof *tmp);
        qsort(tmp, nisl, sizeof *tmp, cmp_isl);
        int dup = 0;
        for (size_t i = 1; i < nisl && !dup; i++)
            dup = cmp_isl(&tmp[i - 1], &tmp[i]) == 0;
        ln_free(tmp);
        if (dup)
            return LN_EINVAL;
    }
    return 0;
}

int ln_net_new(size_t nsat, const ln_net_isl *isls, size_t nisl, size_t ngs,
               const double *gs_ecef_km, const ln_net_config *cfg,
               ln_net **out)
{
    *out = NULL;
    int rc = check_new(nsat, isls, nisl, ngs, gs_ecef_km, cfg);
    if (rc)
        return rc;
    ln_net *n = ln_calloc(1, sizeof *n);
    if (!n)
        return LN_ENOMEM;
    n->nsat = nsat;
    n->ngs = ngs;
    n->nisl = nisl;
    n->cfg = *cfg;
    size_t s1 = nsat ? nsat : 1, g1 = ngs ? ngs : 1, i1 = nisl ? nisl : 1;
    n->isls = ln_malloc(i1 * sizeof *n->isls);
    n->gs = ln_malloc(3 * g1 * sizeof *n->gs);
    n->nif = ln_calloc(s1, sizeof *n->nif);
    n->if_a = ln_malloc(i1 * sizeof *n->if_a);
    n->if_b = ln_malloc(i1 * sizeof *n->if_b);
    if (!n->nif || !n->if_a || !n->if_b) {
        ln_net_free(n);
        return LN_ENOMEM;
    }
    /* interfaces in list order (Hypatia's sat_neighbor_to_if) */
    int32_t maxdeg = 0;
    for (size_t i = 0; i < nisl; i++) {
        n->if_a[i] = n->nif[isls[i].a]++;
        n->if_b[i] = n->nif[isls[i].b]++;
    }
    for (size_t s = 0; s < nsat; s++)
        if (n->nif[s] > maxdeg)
            maxdeg = n->nif[s];
    /* fixed stride when it wastes little (+Grid: every satellite has 4) */
    if (maxdeg > 0 && (size_t)maxdeg * nsat <= 2 * nisl + 2 * nsat)
        n->stride = maxdeg;
    n->nhalf = n->stride ? (size_t)n->stride * nsat : 2 * nisl;
    size_t h1 = n->nhalf ? n->nhalf : 1;
    n->adj_off = ln_calloc(nsat + 1, sizeof *n->adj_off);
    n->adj_nbr = ln_malloc(h1 * sizeof *n->adj_nbr);
    n->adj_isl = ln_malloc(h1 * sizeof *n->adj_isl);
    n->adj_rev = ln_malloc(h1 * sizeof *n->adj_rev);
    n->isl_km = ln_malloc(i1 * sizeof *n->isl_km);
    n->adj_w = ln_malloc(h1 * sizeof *n->adj_w);
    n->sat_up = ln_calloc(s1, 1);
    n->gs_up = ln_calloc(g1, 1);
    n->gsl_off = ln_calloc(ngs + 1, sizeof *n->gsl_off);
    n->gsl_cap = 16 * g1;
    n->gsl_sat = ln_malloc(n->gsl_cap * sizeof *n->gsl_sat);
    n->gsl_km = ln_malloc(n->gsl_cap * sizeof *n->gsl_km);
    n->cand_off = ln_calloc(ngs + 1, sizeof *n->cand_off);
    n->cand_stale = ln_calloc(g1, 1);
    n->px = ln_malloc(s1 * sizeof *n->px);
    n->py = ln_malloc(s1 * sizeof *n->py);
    n->pz = ln_malloc(s1 * sizeof *n->pz);
    if (cfg->gsl_rule == LN_NET_GSL_ELEV)
        n->site = ln_malloc(g1 * sizeof *n->site);
    if (!n->isls || !n->gs || !n->adj_off || !n->adj_nbr || !n->adj_isl ||
        !n->adj_rev ||
        !n->nif || !n->if_a || !n->if_b || !n->isl_km || !n->adj_w ||
        !n->sat_up || !n->gs_up || !n->gsl_off || !n->gsl_sat ||
        !n->gsl_km || !n->cand_off || !n->cand_stale || !n->px || !n->py || !n->pz ||
        (cfg->gsl_rule == LN_NET_GSL_ELEV && !n->site)) {
        ln_net_free(n);
        return LN_ENOMEM;
    }
    if (nisl)
        memcpy(n->isls, isls, nisl * sizeof *isls);
    if (ngs)
        memcpy(n->gs, gs_ecef_km, 3 * ngs * sizeof *n->gs);
    if (n->site)
        for (size_t g = 0; g < ngs; g++)
            prepare_site(n, g);
    for (size_t s = 0; s < nsat; s++)
        n->adj_off[s + 1] =
            n->adj_off[s] + (n->stride ? n->stride : n->nif[s]);
    /* padding half-edges (fixed stride): self-loops of infinite length,
       never chosen and never relaxing */
    for (size_t s = 0; s < nsat; s++)
        for (int32_t e = n->adj_off[s] + n->nif[s]; e < n->adj_off[s + 1];
             e++) {
            n->adj_nbr[e] = (int32_t)s;
            n->adj_isl[e] = -1;
            n->adj_rev[e] = e;
        }
    for (size_t i = 0; i < nisl; i++) {
        int32_t pa = n->adj_off[isls[i].a] + n->if_a[i];
        int32_t pb = n->adj_off[isls[i].b] + n->if_b[i];
        n->adj_nbr[pa] = isls[i].b;
        n->adj_isl[pa] = (int32_t)i;
        n->adj_nbr[pb] = isls[i].a;
        n->adj_isl[pb] = (int32_t)i;
        n->adj_rev[pa] = pb;
        n->adj_rev[pb] = pa;
    }
    for (size_t i = 0; i < n->nhalf; i++)
        n->adj_w[i] = INFINITY;
    for (size_t i = 0; i < nisl; i++)
        n->isl_km[i] = INFINITY;
    *out = n;
    return 0;
}

size_t ln_net_nsat(const ln_net *n) { return n->nsat; }
size_t ln_net_ngs(const ln_net *n) { return n->ngs; }

int ln_net_isl_count(const ln_net *n, int32_t s)
{
    return (s >= 0 && (size_t)s < n->nsat) ? n->nif[s] : 0;
}

void ln_net_set_gs(ln_net *n, size_t g, const double r[3])
{
    if (g >= n->ngs)
        return;
    memcpy(&n->gs[3 * g], r, 3 * sizeof(double));
    n->cand_stale[g] = 1;
    if (n->site)
        prepare_site(n, g);
}

const char *ln_net_errmsg(const ln_net *n) { return n->errmsg; }

size_t ln_net_gsl(const ln_net *n, size_t g, const int32_t **sats,
                  const double **km)
{
    if (g >= n->ngs) {
        *sats = NULL;
        *km = NULL;
        return 0;
    }
    *sats = n->gsl_sat + n->gsl_off[g];
    *km = n->gsl_km + n->gsl_off[g];
    return (size_t)(n->gsl_off[g + 1] - n->gsl_off[g]);
}

double ln_net_isl_km(const ln_net *n, size_t i)
{
    return i < n->nisl ? n->isl_km[i] : INFINITY;
}

static int gsl_grow(ln_net *n, size_t need)
{
    size_t cap = n->gsl_cap;
    while (cap < need)
        cap *= 2;
    int32_t *s = ln_realloc(n->gsl_sat, cap * sizeof *s);
    if (!s)
        return LN_ENOMEM;
    n->gsl_sat = s;
    double *k = ln_realloc(n->gsl_km, cap * sizeof *k);
    if (!k)
        return LN_ENOMEM;
    n->gsl_km = k;
    n->gsl_cap = cap;
    return 0;
}

/* Keeps the GSL candidate lists valid for positions x, y, z (range
 * rule). The largest displacement of any satellite since the previous
 * update is added to moved_km; once the sum nears the margin (or a
 * position is not finite) the lists are rebuilt; a station moved by
 * ln_net_set_gs tests every satellite until then. A satellite left out was farther than max + margin from the
 * station and has moved less than the margin since (triangle inequality;
 * 1 km of the margin is kept against rounding), so it is out of range.
 * Returns 0 or LN_ENOMEM (then the caller tests every satellite). */
static int update_candidates(ln_net *n, const double *x, const double *y,
                             const double *z)
{
    const double margin = LN__NET_CAND_MARGIN_KM;
    if (n->cand_ok) {
        double m2 = 0.0;
        int bad = 0;
        for (size_t s = 0; s < n->nsat; s++) {
            double dx = x[s] - n->px[s], dy = y[s] - n->py[s],
                   dz = z[s] - n->pz[s];
            double d2 = dx * dx + dy * dy + dz * dz;
            if (d2 > m2)
                m2 = d2;
            bad |= !isfinite(d2);
        }
        n->moved_km += sqrt(m2);
        if (bad || !(n->moved_km < margin - 1.0))
            n->cand_ok = 0;
    }
    memcpy(n->px, x, n->nsat * sizeof *x);
    memcpy(n->py, y, n->nsat * sizeof *y);
    memcpy(n->pz, z, n->nsat * sizeof *z);
    if (n->cand_ok)
        return 0;
    double r = n->cfg.max_gsl_km + margin, r2 = r * r;
    size_t m = 0;
    for (size_t g = 0; g < n->ngs; g++) {
        n->cand_off[g] = (int32_t)m;
        if (m + n->nsat > n->cand_cap) {
            size_t cap = n->cand_cap ? n->cand_cap : 64 * n->ngs;
            while (cap < m + n->nsat)
                cap *= 2;
            int32_t *c = ln_realloc(n->cand_sat, cap * sizeof *c);
            if (!c)
                return LN_ENOMEM;
            n->cand_sat = c;
            n->cand_cap = cap;
        }
        const double gx = n->gs[3 * g], gy = n->gs[3 * g + 1],
                     gz = n->gs[3 * g + 2];
        for (size_t s = 0; s < n->nsat; s++) {
            double dx = x[s] - gx, dy = y[s] - gy, dz = z[s] - gz;
            double d2 = dx * dx + dy * dy + dz * dz;
            if (d2 <= r2 || !isfinite(d2))
                n->cand_sat[m++] = (int32_t)s;
        }
    }
    n->cand_off[n->ngs] = (int32_t)m;
    memset(n->cand_stale, 0, n->ngs);
    for (size_t s = 0; s < n->nsat; s++)
        if (!isfinite(x[s]) || !isfinite(y[s]) || !isfinite(z[s]))
            return 0; /* rebuild next time as well */
    n->moved_km = 0.0;
    n->cand_ok = 1;
    return 0;
}

int ln_net_update(ln_net *n, const double *x, const double *y,
                  const double *z, const ln_net_fail *fail)
{
    n->errmsg[0] = '\0';
    for (size_t s = 0; s < n->nsat; s++)
        n->sat_up[s] = isfinite(x[s]) && isfinite(y[s]) && isfinite(z[s]) &&
                       !(fail && fail->sat_down && fail->sat_down[s]);
    for (size_t g = 0; g < n->ngs; g++)
        n->gs_up[g] = !(fail && fail->gs_down && fail->gs_down[g]);
    /* ISLs */
    double maxi = n->cfg.max_isl_km;
    int rc = 0;
    for (size_t i = 0; i < n->nisl; i++) {
        int32_t a = n->isls[i].a, b = n->isls[i].b;
        double km = INFINITY;
        if (n->sat_up[a] && n->sat_up[b] &&
            !(fail && fail->isl_cut && fail->isl_cut[i])) {
            double dx = x[a] - x[b], dy = y[a] - y[b], dz = z[a] - z[b];
            km = sqrt(dx * dx + dy * dy + dz * dz);
            if (maxi > 0.0 && km > maxi) {
                if (n->cfg.isl_too_long_is_error && rc == 0) {
                    snprintf(n->errmsg, sizeof n->errmsg,
                             "ISL %d-%d is %.3f km long, more than the "
                             "maximum %.3f km",
                             a, b, km, maxi);
                    rc = LN_ENET;
                }
                km = INFINITY;
            }
        }
        n->isl_km[i] = km;
        n->adj_w[n->adj_off[a] + n->if_a[i]] = km;
        n->adj_w[n->adj_off[b] + n->if_b[i]] = km;
    }
    /* GSLs */
    size_t m = 0;
    double maxg = n->cfg.max_gsl_km, maxg2 = maxg * maxg;
    double sinm = sin(n->cfg.min_elev_rad);
    int cand = n->cfg.gsl_rule == LN_NET_GSL_RANGE &&
               update_candidates(n, x, y, z) == 0 && n->cand_ok;
    for (size_t g = 0; g < n->ngs; g++) {
        n->gsl_off[g] = (int32_t)m;
        if (!n->gs_up[g])
            continue;
        if (m + n->nsat > n->gsl_cap && gsl_grow(n, m + n->nsat)) {
            for (size_t h = g; h < n->ngs; h++)
                n->gsl_off[h + 1] = (int32_t)m;
            snprintf(n->errmsg, sizeof n->errmsg, "out of memory");
            return LN_ENOMEM;
        }
        const double gx = n->gs[3 * g], gy = n->gs[3 * g + 1],
                     gz = n->gs[3 * g + 2];
        int32_t *os = n->gsl_sat;
        double *ok = n->gsl_km;
        if (n->cfg.gsl_rule == LN_NET_GSL_RANGE) {
            int use = cand && !n->cand_stale[g];
            size_t nc = use ? (size_t)(n->cand_off[g + 1] - n->cand_off[g])
                            : n->nsat;
            const int32_t *cs = use ? n->cand_sat + n->cand_off[g] : NULL;
            for (size_t i = 0; i < nc; i++) {
                size_t s = cs ? (size_t)cs[i] : i;
                double dz = z[s] - gz;
                if (dz * dz > maxg2)
                    continue;
                double dx = x[s] - gx, dy = y[s] - gy;
                double d2 = dx * dx + dy * dy + dz * dz;
                if (d2 <= maxg2 && n->sat_up[s]) {
                    double d = sqrt(d2);
                    if (d <= maxg) { /* the rule is on the length */
                        os[m] = (int32_t)s;
                        ok[m++] = d;
                    }
                }
            }
        } else {
            /* geodesy.h's ln_site_above, the library's elevation test
             * (the site's r_ecef is gs[g], as set up) */
            const ln_site *site = &n->site[g];
            for (size_t s = 0; s < n->nsat; s++) {
                const double r[3] = {x[s], y[s], z[s]};
                if (!n->sat_up[s] || !ln_site_above(site, r, sinm))
                    continue;
                double dx = x[s] - gx, dy = y[s] - gy, dz = z[s] - gz;
                os[m] = (int32_t)s;
                ok[m++] = sqrt(dx * dx + dy * dy + dz * dz);
            }
        }
    }
    n->gsl_off[n->ngs] = (int32_t)m;
    return rc;
}
