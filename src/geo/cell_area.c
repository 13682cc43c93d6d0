/*
 * cell_area.c - areas made of H3 cells: polygon -> cells (polyfill),
 * cells -> outline polygons, and cell-id list files.
 *
 * Polyfill: the cells whose centres are inside the polygon (even-odd,
 * edges straight in lon/lat, as H3's polygonToCells with centre
 * containment). Candidates come from a lat/lon lattice over the bounding
 * box (grown by two cells), finer than half the smallest cell's inradius
 * at that resolution, so that every cell meeting the box is hit; each
 * distinct cell is then kept if its centre is inside.
 *
 * Outline: every cell contributes its outline edges (counter-clockwise);
 * an edge whose reverse also occurs is interior and dropped; the rest are
 * chained into rings. Vertices shared by neighbouring cells are computed
 * by each cell separately, so they are merged when within 1e-9 rad.
 * Rings with positive area in (lon, lat) are outer rings, the others are
 * holes, each given to the smallest outer ring that contains it.
 * Limits: outlines crossing the antimeridian or around a pole are not
 * unwrapped (the zones of this project are far from both).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "geo/cell_int.h"

/* ---- polyfill ------------------------------------------------------------- */

static int ring_contains(const ln_cell_ring *r, double lat, double lon)
{
    int in = 0;
    for (size_t i = 0, j = r->n - 1; i < r->n; j = i++) {
        double yi = r->lat_rad[i], yj = r->lat_rad[j];
        double xi = r->lon_rad[i], xj = r->lon_rad[j];
        if ((yi > lat) != (yj > lat) &&
            lon < (xj - xi) * (lat - yi) / (yj - yi) + xi)
            in = !in;
    }
    return in;
}

static int poly_contains(const ln_cell_poly *p, double lat, double lon)
{
    int in = 0;
    for (size_t r = 0; r < p->nrings; r++)
        if (p->rings[r].n >= 3 && ring_contains(&p->rings[r], lat, lon))
            in = !in;
    return in;
}

static int cmp_cell(const void *a, const void *b)
{
    ln_cell x = *(const ln_cell *)a, y = *(const ln_cell *)b;
    return x < y ? -1 : x > y;
}

int ln_cell_polyfill(const ln_cell_poly *poly, int res, ln_cell **out,
                     size_t *n)
{
    *out = NULL;
    *n = 0;
    if (res < 0 || res > LN_CELL_MAX_RES)
        return LN_ERANGE;
    if (!poly || poly->nrings < 1 || poly->rings[0].n < 3)
        return LN_EINVAL;
    double la0 = INFINITY, la1 = -INFINITY, lo0 = INFINITY, lo1 = -INFINITY;
    for (size_t r = 0; r < poly->nrings; r++)
        for (size_t i = 0; i < poly->rings[r].n; i++) {
            double la = poly->rings[r].lat_rad[i];
            double lo = poly->rings[r].lon_rad[i];
            if (!isfinite(la) || !isfinite(lo) || fabs(la) > LN_PI / 2 ||
                fabs(lo) > LN_PI)
                return LN_EINVAL;
            la0 = fmin(la0, la);
            la1 = fmax(la1, la);
            lo0 = fmin(lo0, lo);
            lo1 = fmax(lo1, lo);
        }
    if (lo1 - lo0 > LN_PI)
        return LN_EUNSUPPORTED; /* antimeridian: not unwrapped */
    /* edge of an average res-r hexagon: res 0 ~ 1108 km / 6371 km */
    double edge = 0.1739;
    for (int r = 0; r < res; r++)
        edge /= LN__CELL_SQRT7;
    double step = 0.25 * edge; /* < half the smallest inradius */
    la0 = fmax(la0 - 2 * edge, -LN_PI / 2);
    la1 = fmin(la1 + 2 * edge, LN_PI / 2);
    double coslat = cos(fmax(fabs(la0), fabs(la1)));
    double lpad = 2 * edge / fmax(coslat, 1e-3);
    lo0 -= lpad;
    lo1 += lpad;
    double nla = ceil((la1 - la0) / step) + 1;
    if (nla * ((lo1 - lo0) / step + 1) / fmax(coslat, 1e-3) > 2e9)
        return LN_ETOOBIG;
    size_t cap = 1024, cnt = 0;
    ln_cell *c = ln_malloc(cap * sizeof *c);
    if (!c)
        return LN_ENOMEM;
    ln_cell last = 0;
    for (long i = 0; i < (long)nla; i++) {
        double la = fmin(la0 + i * step, la1);
        double cl = cos(la);
        double lstep = step / fmax(cl, 1e-6);
        if (lstep > LN_PI / 8)
            lstep = LN_PI / 8;
        long nlo = (long)ceil((lo1 - lo0) / lstep) + 1;
        for (long j = 0; j < nlo; j++) {
            double lo = fmin(lo0 + j * lstep, lo1);
            ln_cell h;
            if (ln_cell_from_latlon(la, lo, res, &h) || h == last)
                continue;
            last = h;
            if (cnt == cap) {
                if (cap >= ((size_t)1 << 28)) {
                    ln_free(c);
                    return LN_ETOOBIG;
                }
                ln_cell *nc = ln_realloc(c, 2 * cap * sizeof *c);
                if (!nc) {
                    ln_free(c);
                    return LN_ENOMEM;
                }
                c = nc;
                cap *= 2;
            }
            c[cnt++] = h;
        }
        /* keep the candidate list short: dedupe every so often */
        if (cnt > 4096 && (i % 16 == 15 || i == (long)nla - 1)) {
            qsort(c, cnt, sizeof *c, cmp_cell);
            size_t m = 0;
            for (size_t k = 0; k < cnt; k++)
                if (m == 0 || c[k] != c[m - 1])
                    c[m++] = c[k];
            cnt = m;
        }
    }
    qsort(c, cnt, sizeof *c, cmp_cell);
    size_t w = 0;
    for (size_t k = 0; k < cnt; k++) {
        if (k && c[k] == c[k - 1])
            continue;
        double la, lo;
        ln_cell_center(c[k], &la, &lo);
        if (poly_contains(poly, la, lo))
            c[w++] = c[k];
    }
    *out = c;
    *n = w;
    return LN_OK;
}

/* ---- outline ------------------------------------------------------------- */

typedef struct vtx {
    double lat, lon;
} vtx;

typedef struct edge {
    int a, b;   /* vertex ids */
    int used;
} edge;

typedef struct vmap {
    int64_t *key;   /* quantised lat, lon packed; one slot per vertex */
    int *id;
    size_t mask;
    vtx *v;
    size_t nv, capv;
} vmap;

#define QUANT 1e9 /* 1e-9 rad bins */

static size_t hkey(int64_t a, int64_t b)
{
    uint64_t x = (uint64_t)a * UINT64_C(0x9e3779b97f4a7c15) ^
                 (uint64_t)b * UINT64_C(0xc2b2ae3d27d4eb4f);
    return (size_t)(x ^ (x >> 31));
}

/* Finds a vertex within a bin of (lat, lon), or adds it. -1 on ENOMEM. */
static int vmap_get(vmap *m, double lat, double lon)
{
    int64_t qa = (int64_t)llround(lat * QUANT), qo = (int64_t)llround(lon * QUANT);
    for (int da = -1; da <= 1; da++)
        for (int dq = -1; dq <= 1; dq++) {
            size_t i = hkey(qa + da, qo + dq) & m->mask;
            while (m->id[i] >= 0) {
                if (m->key[2 * i] == qa + da && m->key[2 * i + 1] == qo + dq) {
                    const vtx *v = &m->v[m->id[i]];
                    if (fabs(v->lat - lat) < 1e-9 && fabs(v->lon - lon) < 1e-9)
                        return m->id[i];
                }
                i = (i + 1) & m->mask;
            }
        }
    if (m->nv == m->capv)
        return -1; /* sized by the caller */
    size_t i = hkey(qa, qo) & m->mask;
    while (m->id[i] >= 0)
        i = (i + 1) & m->mask;
    m->key[2 * i] = qa;
    m->key[2 * i + 1] = qo;
    m->id[i] = (int)m->nv;
    m->v[m->nv].lat = lat;
    m->v[m->nv].lon = lon;
    return (int)m->nv++;
}

/* Signed area in (lon, lat), rad^2: > 0 counter-clockwise. Each edge's
 * longitude step is taken the short way round (remainder), so a ring
 * across the antimeridian keeps its orientation (its raw step of ~2 pi
 * made an outer ring look like a hole, and the cell's outline vanished);
 * the step of any other edge is unchanged, to the bit. */
static double ring_area(const ln_cell_ring *r)
{
    double a = 0;
    for (size_t i = 0, j = r->n - 1; i < r->n; j = i++)
        a += remainder(r->lon_rad[j] - r->lon_rad[i], LN_TWOPI) *
             (r->lat_rad[j] + r->lat_rad[i]);
    return a / 2;
}

void ln_cell_polys_free(ln_cell_poly *polys, size_t npolys)
{
    if (!polys)
        return;
    for (size_t p = 0; p < npolys; p++) {
        for (size_t r = 0; r < polys[p].nrings; r++) {
            ln_free(polys[p].rings[r].lat_rad);
            ln_free(polys[p].rings[r].lon_rad);
        }
        ln_free(polys[p].rings);
    }
    ln_free(polys);
}

static int cmp_edge(const void *a, const void *b)
{
    const edge *x = a, *y = b;
    if (x->a != y->a)
        return x->a < y->a ? -1 : 1;
    return (x->b > y->b) - (x->b < y->b);
}

/* index of the first edge starting at vertex a, or -1 */
static long find_from(const edge *e, size_t ne, int a)
{
    size_t lo = 0, hi = ne;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (e[mid].a < a)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < ne && e[lo].a == a ? (long)lo : -1;
}

static int find_edge(const edge *e, size_t ne, int a, int b)
{
    long i = find_from(e, ne, a);
    if (i < 0)
        return 0;
    for (; (size_t)i < ne && e[i].a == a; i++)
        if (e[i].b == b)
            return 1;
    return 0;
}

/* The directed edges of the outlines of the distinct cells of the sorted
 * sorted[0..n) into e[0..*ne), their vertices merged in m. 0 or
 * LN_ECELL. */
static int cell_edges(const ln_cell *sorted, size_t n, vmap *m, edge *e,
                      size_t *ne)
{
    for (size_t i = 0; i < n; i++) {
        if (i && sorted[i] == sorted[i - 1])
            continue;
        ln_cell_boundary b;
        int st = ln_cell_boundary_of(sorted[i], &b);
        if (st)
            return st;
        int ids[LN_CELL_MAX_VERTS];
        for (int k = 0; k < b.n; k++)
            ids[k] = vmap_get(m, b.lat_rad[k], b.lon_rad[k]);
        for (int k = 0; k < b.n; k++)
            e[(*ne)++] = (edge){ids[k], ids[(k + 1) % b.n], 0};
    }
    return 0;
}

/* Follows the unused boundary edges from keep[s] (marking them used)
 * until the ring closes: its vertices into *la_out, *lo_out (ln_malloc'd)
 * and *len_out. 0 or LN_ENOMEM. */
static int trace_ring(edge *keep, size_t nk, const vmap *m, size_t s,
                      double **la_out, double **lo_out, size_t *len_out)
{
    size_t len = 0, capr = 64;
    double *la = ln_malloc(capr * sizeof *la);
    double *lo = ln_malloc(capr * sizeof *lo);
    if (!la || !lo) {
        ln_free(la);
        ln_free(lo);
        return LN_ENOMEM;
    }
    long cur = (long)s;
    while (cur >= 0 && !keep[cur].used) {
        keep[cur].used = 1;
        if (len == capr) {
            capr *= 2;
            double *a2 = ln_realloc(la, capr * sizeof *la);
            if (a2)
                la = a2;
            double *o2 = ln_realloc(lo, capr * sizeof *lo);
            if (o2)
                lo = o2;
            if (!a2 || !o2) {
                ln_free(la);
                ln_free(lo);
                return LN_ENOMEM;
            }
        }
        la[len] = m->v[keep[cur].a].lat;
        lo[len] = m->v[keep[cur].a].lon;
        len++;
        /* next: an unused edge from our end vertex (at a vertex shared
         * by two rings, any one closes a valid ring) */
        long nx = find_from(keep, nk, keep[cur].b);
        while (nx >= 0 && (size_t)nx < nk && keep[nx].a == keep[cur].b &&
               keep[nx].used)
            nx++;
        cur = (nx >= 0 && (size_t)nx < nk && keep[nx].a == keep[cur].b)
                  ? nx
                  : -1;
    }
    *la_out = la;
    *lo_out = lo;
    *len_out = len;
    return 0;
}

/* Chains the boundary edges keep[0..nk) into rings: *rings_out,
 * *nrings_out, also on LN_ENOMEM (the rings made so far, for the caller
 * to free). 0 or LN_ENOMEM. */
static int chain_rings(edge *keep, size_t nk, const vmap *m,
                       ln_cell_ring **rings_out, size_t *nrings_out)
{
    size_t caprings = 16, nrings = 0;
    ln_cell_ring *rings = ln_calloc(caprings, sizeof *rings);
    int st = rings ? 0 : LN_ENOMEM;
    for (size_t s = 0; s < nk && !st; s++) {
        if (keep[s].used)
            continue;
        double *la, *lo;
        size_t len;
        if ((st = trace_ring(keep, nk, m, s, &la, &lo, &len)))
            break;
        if (nrings == caprings) {
            ln_cell_ring *nr = ln_realloc(rings, 2 * caprings * sizeof *nr);
            if (!nr) {
                ln_free(la);
                ln_free(lo);
                st = LN_ENOMEM;
                break;
            }
            rings = nr;
            caprings *= 2;
        }
        rings[nrings++] = (ln_cell_ring){la, lo, len};
    }
    *rings_out = rings;
    *nrings_out = nrings;
    return st;
}

/* Groups rings[0..nrings) into polygons: each counter-clockwise ring is
 * an outer ring, each clockwise one a hole of the smallest outer ring
 * that contains it. On success the rings belong to *polys (holes with no
 * outer ring are freed); on LN_ENOMEM they stay the caller's. */
static int nest_holes(ln_cell_ring *rings, size_t nrings,
                      ln_cell_poly **polys, size_t *npolys)
{
    size_t nouter = 0;
    for (size_t r = 0; r < nrings; r++)
        nouter += ring_area(&rings[r]) > 0;
    ln_cell_poly *P = ln_calloc(nouter ? nouter : 1, sizeof *P);
    size_t *slot = ln_calloc(nrings ? nrings : 1, sizeof *slot);
    size_t *cnt = ln_calloc(nouter ? nouter : 1, sizeof *cnt);
    if (!P || !slot || !cnt) {
        ln_free(P);
        ln_free(slot);
        ln_free(cnt);
        return LN_ENOMEM;
    }
    size_t po = 0;
    for (size_t r = 0; r < nrings; r++)
        if (ring_area(&rings[r]) > 0) {
            slot[r] = po;
            cnt[po++] = 1;
        }
    for (size_t r = 0; r < nrings; r++) {
        if (ring_area(&rings[r]) > 0)
            continue;
        double best = INFINITY;
        size_t bo = 0;
        for (size_t o = 0; o < nrings; o++) {
            double a = ring_area(&rings[o]);
            if (a > 0 && a < best &&
                ring_contains(&rings[o], rings[r].lat_rad[0] * 0.5 +
                                             rings[r].lat_rad[1] * 0.5,
                              rings[r].lon_rad[0] * 0.5 +
                                  rings[r].lon_rad[1] * 0.5)) {
                best = a;
                bo = slot[o];
            }
        }
        slot[r] = bo;
        cnt[bo]++;
    }
    int fail = 0;
    for (size_t p = 0; p < nouter; p++) {
        P[p].rings = ln_calloc(cnt[p], sizeof(ln_cell_ring));
        fail |= !P[p].rings;
    }
    if (fail) {
        for (size_t p = 0; p < nouter; p++)
            ln_free(P[p].rings);
        ln_free(P);
        ln_free(slot);
        ln_free(cnt);
        return LN_ENOMEM;
    }
    for (size_t r = 0; r < nrings; r++)
        if (ring_area(&rings[r]) > 0) {
            P[slot[r]].rings[0] = rings[r];
            P[slot[r]].nrings = 1;
        }
    for (size_t r = 0; r < nrings; r++)
        if (ring_area(&rings[r]) <= 0 && nouter)
            P[slot[r]].rings[P[slot[r]].nrings++] = rings[r];
        else if (ring_area(&rings[r]) <= 0) {
            ln_free(rings[r].lat_rad);
            ln_free(rings[r].lon_rad);
        }
    ln_free(slot);
    ln_free(cnt);
    *polys = P;
    *npolys = nouter;
    return 0;
}

int ln_cell_outline(const ln_cell *cells, size_t n, ln_cell_poly **polys,
                    size_t *npolys)
{
    *polys = NULL;
    *npolys = 0;
    int st = LN_ENOMEM;
    size_t maxv = n * LN_CELL_MAX_VERTS + 1, hs = 16;
    while (hs < 4 * maxv)
        hs *= 2;
    vmap m = {ln_malloc(2 * hs * sizeof(int64_t)), ln_malloc(hs * sizeof(int)),
              hs - 1, ln_malloc(maxv * sizeof(vtx)), 0, maxv};
    edge *e = ln_malloc(maxv * sizeof *e), *keep = NULL;
    ln_cell *sorted = ln_malloc((n + 1) * sizeof *sorted);
    ln_cell_ring *rings = NULL;
    size_t nrings = 0, ne = 0, nk = 0;
    if (!m.key || !m.id || !m.v || !e || !sorted)
        goto out;
    memset(m.id, 0xff, hs * sizeof(int));
    memcpy(sorted, cells, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, cmp_cell);
    if ((st = cell_edges(sorted, n, &m, e, &ne)))
        goto out;
    qsort(e, ne, sizeof *e, cmp_edge);
    st = LN_ENOMEM;
    keep = ln_malloc((ne + 1) * sizeof *keep);
    if (!keep)
        goto out;
    /* the boundary: edges whose reverse no other cell has */
    for (size_t i = 0; i < ne; i++)
        if (!find_edge(e, ne, e[i].b, e[i].a))
            keep[nk++] = e[i];
    if ((st = chain_rings(keep, nk, &m, &rings, &nrings)) ||
        (st = nest_holes(rings, nrings, polys, npolys)))
        goto out;
    ln_free(rings);
    rings = NULL;
    nrings = 0;
out:
    for (size_t r = 0; r < nrings; r++) {
        ln_free(rings[r].lat_rad);
        ln_free(rings[r].lon_rad);
    }
    ln_free(rings);
    ln_free(keep);
    ln_free(e);
    ln_free(sorted);
    ln_free(m.key);
    ln_free(m.id);
    ln_free(m.v);
    return st;
}

/* ---- cell-id lists ---------------------------------------------------------- */

int ln_cell_parse_list(const char *buf, size_t len, const char *name,
                       ln_cell **cells, size_t *n, ln_diag *diag)
{
    *cells = NULL;
    *n = 0;
    long zl, zc;
    if (ln_text_nul(buf, len, &zl, &zc))
        return ln_diag_set(diag, LN_EPARSE, name, zl, zc, NULL,
                           "a NUL byte (a cell list is text)");
    size_t cap = 256, cnt = 0;
    ln_cell *c = ln_malloc(cap * sizeof *c);
    if (!c)
        return ln_diag_set(diag, LN_ENOMEM, name, 0, 0, NULL, "out of memory");
    long line = 0;
    size_t i = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && buf[j] != '\n')
            j++;
        line++;
        size_t a = i, b = j;
        while (a < b && (buf[a] == ' ' || buf[a] == '\t'))
            a++;
        while (b > a && (buf[b - 1] == '\r' || buf[b - 1] == ' ' ||
                         buf[b - 1] == '\t'))
            b--;
        i = j + 1;
        if (a == b || buf[a] == '#')
            continue;
        char tok[32];
        if (b - a >= sizeof tok) {
            ln_free(c);
            return ln_diag_set(diag, LN_EPARSE, name, line, 1, NULL,
                               "not a cell id (too long)");
        }
        memcpy(tok, buf + a, b - a);
        tok[b - a] = 0;
        ln_cell h;
        int st = ln_cell_from_string(tok, &h);
        if (st) {
            ln_free(c);
            return ln_diag_set(diag, st, name, line, 1, NULL,
                               st == LN_EPARSE ? "'%s' is not hexadecimal"
                                               : "'%s' is not a valid cell",
                               tok);
        }
        if (cnt == cap) {
            ln_cell *nc = ln_realloc(c, 2 * cap * sizeof *c);
            if (!nc) {
                ln_free(c);
                return ln_diag_set(diag, LN_ENOMEM, name, line, 0, NULL,
                                   "out of memory");
            }
            c = nc;
            cap *= 2;
        }
        c[cnt++] = h;
    }
    *cells = c;
    *n = cnt;
    return LN_OK;
}

int ln_cell_read_file(const char *path, ln_cell **cells, size_t *n,
                      ln_diag *diag)
{
    char *buf;
    size_t len;
    *cells = NULL;
    *n = 0;
    int st = ln_read_file(path, (size_t)1 << 30, &buf, &len, diag);
    if (st)
        return st;
    st = ln_cell_parse_list(buf, len, path, cells, n, diag);
    ln_free(buf);
    return st;
}
