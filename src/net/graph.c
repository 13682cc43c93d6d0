/*
 * graph.c - the network graph: +Grid ISL rule, the handle (CSR adjacency
 * in interface order), per-step link state (ISL lengths, GSLs by range or
 * elevation), failures and the failure file.
 *
 * Exports ln_net_plus_grid, ln_net_new, ln_net_free, ln_net_nsat,
 * ln_net_ngs, ln_net_isl_count, ln_net_set_gs, ln_net_update,
 * ln_net_errmsg, ln_net_gsl, ln_net_isl_km, ln_net_fail_read.
 *
 * Per step the cost is O(nisl) for the ISLs and O(ngs * nsat) for the
 * GSL test (squared distance against the squared range, a square root only
 * for links in range). GSL lists grow by doubling and are reused, so a
 * steady run allocates nothing.
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

int ln_net_new(size_t nsat, const ln_net_isl *isls, size_t nisl, size_t ngs,
               const double *gs_ecef_km, const ln_net_config *cfg,
               ln_net **out)
{
    *out = NULL;
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
    n->adj_off = ln_calloc(nsat + 1, sizeof *n->adj_off);
    n->adj_nbr = ln_malloc(2 * i1 * sizeof *n->adj_nbr);
    n->adj_isl = ln_malloc(2 * i1 * sizeof *n->adj_isl);
    n->nif = ln_calloc(s1, sizeof *n->nif);
    n->if_a = ln_malloc(i1 * sizeof *n->if_a);
    n->if_b = ln_malloc(i1 * sizeof *n->if_b);
    n->isl_km = ln_malloc(i1 * sizeof *n->isl_km);
    n->adj_w = ln_malloc(2 * i1 * sizeof *n->adj_w);
    n->sat_up = ln_calloc(s1, 1);
    n->gs_up = ln_calloc(g1, 1);
    n->gsl_off = ln_calloc(ngs + 1, sizeof *n->gsl_off);
    n->gsl_cap = 16 * g1;
    n->gsl_sat = ln_malloc(n->gsl_cap * sizeof *n->gsl_sat);
    n->gsl_km = ln_malloc(n->gsl_cap * sizeof *n->gsl_km);
    if (cfg->gsl_rule == LN_NET_GSL_ELEV)
        n->site = ln_malloc(g1 * sizeof *n->site);
    if (!n->isls || !n->gs || !n->adj_off || !n->adj_nbr || !n->adj_isl ||
        !n->nif || !n->if_a || !n->if_b || !n->isl_km || !n->adj_w ||
        !n->sat_up || !n->gs_up || !n->gsl_off || !n->gsl_sat ||
        !n->gsl_km || (cfg->gsl_rule == LN_NET_GSL_ELEV && !n->site)) {
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
    /* interfaces in list order (Hypatia's sat_neighbor_to_if) */
    for (size_t i = 0; i < nisl; i++) {
        n->if_a[i] = n->nif[isls[i].a]++;
        n->if_b[i] = n->nif[isls[i].b]++;
    }
    for (size_t s = 0; s < nsat; s++)
        n->adj_off[s + 1] = n->adj_off[s] + n->nif[s];
    for (size_t i = 0; i < nisl; i++) {
        int32_t pa = n->adj_off[isls[i].a] + n->if_a[i];
        int32_t pb = n->adj_off[isls[i].b] + n->if_b[i];
        n->adj_nbr[pa] = isls[i].b;
        n->adj_isl[pa] = (int32_t)i;
        n->adj_nbr[pb] = isls[i].a;
        n->adj_isl[pb] = (int32_t)i;
    }
    for (size_t i = 0; i < 2 * nisl; i++)
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
            for (size_t s = 0; s < n->nsat; s++) {
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
            const double *up = n->site[g].up;
            for (size_t s = 0; s < n->nsat; s++) {
                double dx = x[s] - gx, dy = y[s] - gy, dz = z[s] - gz;
                double dot = dx * up[0] + dy * up[1] + dz * up[2];
                if (dot < 0.0 && sinm >= 0.0)
                    continue;
                double d = sqrt(dx * dx + dy * dy + dz * dz);
                if (dot >= sinm * d && n->sat_up[s]) {
                    os[m] = (int32_t)s;
                    ok[m++] = d;
                }
            }
        }
    }
    n->gsl_off[n->ngs] = (int32_t)m;
    return rc;
}

/* ---- failure file --------------------------------------------------- */

int ln_net_fail_read(const char *path, size_t nsat, size_t ngs,
                     const ln_net_isl *isls, size_t nisl, uint8_t *sat_down,
                     uint8_t *gs_down, uint8_t *isl_cut, ln_diag *diag)
{
    char *buf;
    size_t len;
    int rc = ln_read_file(path, (size_t)64 << 20, &buf, &len, diag);
    if (rc)
        return rc;
    long lineno = 0;
    rc = 0;
    char *next = buf;
    while (next && *next && !rc) {
        char *line = next;
        char *nl = strchr(line, '\n');
        next = nl ? nl + 1 : NULL;
        if (nl)
            *nl = '\0';
        lineno++;
        char *h = strchr(line, '#');
        if (h)
            *h = '\0';
        char kind[16];
        long a = -1, b = -1;
        int k = sscanf(line, "%15s %ld %ld", kind, &a, &b);
        if (k <= 0)
            continue;
        if (k >= 2 && strcmp(kind, "sat") == 0 && sat_down && a >= 0 &&
            (size_t)a < nsat) {
            sat_down[a] = 1;
        } else if (k >= 2 && strcmp(kind, "gs") == 0 && gs_down && a >= 0 &&
                   (size_t)a < ngs) {
            gs_down[a] = 1;
        } else if (k == 3 && strcmp(kind, "isl") == 0 && isl_cut) {
            long lo = a < b ? a : b, hi = a < b ? b : a;
            size_t i = 0;
            while (i < nisl && !(isls[i].a == lo && isls[i].b == hi))
                i++;
            if (i == nisl)
                rc = ln_diag_set(diag, LN_EPARSE, path, lineno, 1, NULL,
                                 "no ISL between %ld and %ld", a, b);
            else
                isl_cut[i] = 1;
        } else {
            rc = ln_diag_set(diag, LN_EPARSE, path, lineno, 1, NULL,
                             "expected 'sat I', 'gs I' or 'isl A B' with "
                             "indices in range");
        }
    }
    ln_free(buf);
    return rc;
}
