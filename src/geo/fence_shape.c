/*
 * fence_shape.c - geofence shapes: polygons to edges (validation,
 * antimeridian unwrapping), containment with and without the index.
 *
 * A ring's longitudes are unwrapped: an edge whose longitude changes by
 * more than 180 deg is taken to cross the antimeridian, and the following
 * vertices are shifted by -+360 (integer offsets, so rings that do not
 * cross keep their coordinates bit for bit). A crossing ring is then
 * shifted so that it starts east of -180; its longitudes may exceed 180.
 * Queries bring the longitude into the window [minx, minx + 360) and also
 * try lon + 360 when the shape extends that far.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "geo/fence_int.h"

void ln_geo_shape_free(ln_geo_shape *s)
{
    if (!s)
        return;
    ln_free(s->edges);
    ln_free(s->edge_ring);
    ln_free(s->rings);
    ln_free(s->coarse);
    ln_free(s->coarse16);
    ln_free(s->fine);
    ln_free(s->bbase);
    ln_free(s->bcells);
    ln_free(s->elist);
    ln_free(s);
}

static int add_ring(ln_geo_shape *s, const ln_geo_ring *r, uint32_t pi,
                    uint32_t ri, size_t *cap, ln_diag *diag)
{
    char path[64];
    snprintf(path, sizeof path, "[%u][%u]", pi, ri);
    size_t n = r->n;
    const double *c = r->lonlat_deg;
    if (n > 1 && c[0] == c[2 * (n - 1)] && c[1] == c[2 * (n - 1) + 1])
        n--; /* closing position */
    if (n < 3)
        return ln_diag_set(diag, LN_EGEOM, NULL, 0, 0, path,
                           "polygon %u ring %u has fewer than 3 distinct "
                           "positions", pi, ri);
    for (size_t i = 0; i < n; i++) {
        double lon = c[2 * i], lat = c[2 * i + 1];
        if (!isfinite(lon) || !isfinite(lat) || lon < -180.0 ||
            lon > 180.0 || lat < -90.0 || lat > 90.0)
            return ln_diag_set(diag, LN_EGEOM, NULL, 0, 0, path,
                               "polygon %u ring %u position %zu: "
                               "(%g, %g) is not a lon/lat in degrees",
                               pi, ri, i, lon, lat);
    }
    /* unwrap */
    double *ux = ln_malloc((n + 1) * sizeof *ux);
    if (!ux)
        return LN_ENOMEM;
    double off = 0.0;
    int crossed = 0;
    for (size_t i = 0; i <= n; i++) {
        double lon = c[2 * (i % n)];
        if (i > 0) {
            double d = lon + off - ux[i - 1];
            if (d > 180.0) {
                off -= 360.0;
                crossed = 1;
            } else if (d < -180.0) {
                off += 360.0;
                crossed = 1;
            }
        }
        ux[i] = lon + off;
    }
    if (off != 0.0) {
        ln_free(ux);
        return ln_diag_set(diag, LN_EGEOM, NULL, 0, 0, path,
                           "polygon %u ring %u encircles a pole "
                           "(not supported)", pi, ri);
    }
    if (crossed) {
        double mn = ux[0];
        for (size_t i = 1; i < n; i++)
            mn = fmin(mn, ux[i]);
        if (mn < -180.0)
            for (size_t i = 0; i <= n; i++)
                ux[i] += 360.0;
    }
    /* distinct positions */
    size_t distinct = 0;
    for (size_t i = 0; i < n; i++) {
        size_t j = (i + 1) % n;
        if (ux[i] != ux[j] || c[2 * i + 1] != c[2 * j + 1])
            distinct++;
    }
    if (distinct < 3) {
        ln_free(ux);
        return ln_diag_set(diag, LN_EGEOM, NULL, 0, 0, path,
                           "polygon %u ring %u has fewer than 3 distinct "
                           "positions", pi, ri);
    }
    if (s->nedges + distinct > *cap) {
        size_t nc = (*cap ? *cap * 2 : 256);
        while (nc < s->nedges + distinct)
            nc *= 2;
        ln__fence_edge *ne = ln_realloc(s->edges, nc * sizeof *ne);
        if (!ne) {
            ln_free(ux);
            return LN_ENOMEM;
        }
        s->edges = ne;
        uint32_t *nr = ln_realloc(s->edge_ring, nc * sizeof *nr);
        if (!nr) {
            ln_free(ux);
            return LN_ENOMEM;
        }
        s->edge_ring = nr;
        *cap = nc;
    }
    uint32_t rid = (uint32_t)s->nrings;
    s->rings[rid].poly = pi;
    s->rings[rid].ring = ri;
    s->rings[rid].first_edge = (uint32_t)s->nedges;
    s->nrings++;
    for (size_t i = 0; i < n; i++) {
        size_t j = i + 1; /* ux[n] = ux[0] */
        double ay = c[2 * i + 1], by = c[2 * (j % n) + 1];
        if (ux[i] == ux[j] && ay == by)
            continue;
        ln__fence_edge *e = &s->edges[s->nedges];
        e->ax = ux[i];
        e->ay = ay;
        e->bx = ux[j];
        e->by = by;
        s->edge_ring[s->nedges++] = rid;
        s->minx = fmin(s->minx, ux[i]);
        s->maxx = fmax(s->maxx, ux[i]);
        s->miny = fmin(s->miny, ay);
        s->maxy = fmax(s->maxy, ay);
    }
    s->nvert += n;
    ln_free(ux);
    return 0;
}

/* ---- holes: inside their exterior ring, not inside each other --------
 * The self-check has already refused crossing and overlapping edges, so a
 * hole lies inside its exterior ring or not at all; a vertex may still
 * touch another ring (OGC allows a touch at a point), so every vertex of
 * every hole is tested, and a vertex on a boundary decides nothing.
 * Test 1: each hole vertex against the exterior ring's edges. Test 2:
 * each hole vertex against the edges of the polygon's other holes (even-
 * odd: with holes that are not nested every vertex is outside all of
 * them). Both are one sweep: the vertices sorted by latitude, each edge
 * visits the vertices within its latitude span, so the cost is about the
 * vertices times the edges crossing a parallel, not vertices x edges
 * (about 20 ms of the 0.09 s that loading ukraine_osm_geomaps_10m, with
 * its 12,599 holes, takes). */

typedef struct hpt {
    double x, y;
    uint32_t ring;  /* ring index in s->rings */
    uint32_t edge;  /* edge starting at this vertex */
    uint8_t odd;    /* parity of the crossings to the east */
    uint8_t on;     /* on an edge of the tested rings */
} hpt;

static int cmp_hpt(const void *a, const void *b)
{
    double p = ((const hpt *)a)->y, q = ((const hpt *)b)->y;
    return p < q ? -1 : p > q;
}

/* Parity and boundary flags of the points (sorted by y) against the edges
 * [e0, e1), skipping the edges of a point's own ring. */
static void sweep(const ln_geo_shape *s, size_t e0, size_t e1, hpt *pt,
                  size_t n)
{
    for (size_t i = 0; i < n; i++)
        pt[i].odd = pt[i].on = 0;
    for (size_t k = e0; k < e1; k++) {
        const ln__fence_edge *e = &s->edges[k];
        uint32_t ring = s->edge_ring[k];
        double ylo = fmin(e->ay, e->by), yhi = fmax(e->ay, e->by);
        double xhi = fmax(e->ax, e->bx);
        size_t lo = 0, hi = n; /* first point with y >= ylo */
        while (lo < hi) {
            size_t m = lo + (hi - lo) / 2;
            if (pt[m].y < ylo)
                lo = m + 1;
            else
                hi = m;
        }
        for (size_t i = lo; i < n && pt[i].y <= yhi; i++) {
            hpt *p = &pt[i];
            if (p->ring == ring || p->x > xhi)
                continue;
            if (ln__fence_on_edge(e, p->x, p->y))
                p->on = 1;
            else if ((e->ay > p->y) != (e->by > p->y) &&
                     (ln__fence_side(e, p->x, p->y) > 0) == (e->by > e->ay))
                p->odd ^= 1;
        }
    }
}

static int hole_error(const ln_geo_shape *s, const hpt *p, const char *what,
                      ln_diag *diag)
{
    const ln__fence_ring *h = &s->rings[p->ring];
    char path[64];
    snprintf(path, sizeof path, "[%u][%u]", h->poly, h->ring);
    return ln_diag_set(diag, LN_EGEOM, NULL, 0, 0, path,
                       "polygon %u ring %u (a hole) lies %s, near lon "
                       "%.9f lat %.9f (vertex %u)", h->poly, h->ring, what,
                       s->edges[p->edge].ax, s->edges[p->edge].ay,
                       p->edge - h->first_edge);
}

static int check_holes(const ln_geo_shape *s, ln_diag *diag)
{
    size_t r0 = 0;
    while (r0 < s->nrings) {
        size_t r1 = r0 + 1; /* rings [r0, r1): one polygon, r0 exterior */
        while (r1 < s->nrings && s->rings[r1].poly == s->rings[r0].poly)
            r1++;
        size_t h0 = s->rings[r0].first_edge;
        size_t h1 = s->rings[r0 + 1 < r1 ? r0 + 1 : r0].first_edge;
        size_t h2 = r1 < s->nrings ? s->rings[r1].first_edge : s->nedges;
        if (r1 - r0 < 2) {
            r0 = r1;
            continue;
        }
        /* exterior's longitude window (it may be unwrapped past 180) */
        double x0 = INFINITY, x1 = -INFINITY;
        for (size_t k = h0; k < h1; k++) {
            x0 = fmin(x0, s->edges[k].ax);
            x1 = fmax(x1, s->edges[k].ax);
        }
        size_t n = h2 - h1;
        hpt *pt = ln_malloc(n * sizeof *pt);
        if (!pt)
            return LN_ENOMEM;
        for (size_t k = h1; k < h2; k++) {
            hpt *p = &pt[k - h1];
            p->x = s->edges[k].ax;
            p->y = s->edges[k].ay;
            if (p->x < x0 && p->x + 360.0 <= x1)
                p->x += 360.0;
            else if (p->x > x1 && p->x - 360.0 >= x0)
                p->x -= 360.0;
            p->ring = s->edge_ring[k];
            p->edge = (uint32_t)k;
        }
        qsort(pt, n, sizeof *pt, cmp_hpt);
        int rc = 0;
        sweep(s, h0, h1, pt, n);
        for (size_t i = 0; i < n && !rc; i++)
            if (!pt[i].on && !pt[i].odd)
                rc = hole_error(s, &pt[i], "outside its exterior ring",
                                diag);
        if (!rc && r1 - r0 > 2) {
            sweep(s, h1, h2, pt, n);
            for (size_t i = 0; i < n && !rc; i++)
                if (!pt[i].on && pt[i].odd)
                    rc = hole_error(s, &pt[i], "inside another hole "
                                    "(nested holes)", diag);
        }
        ln_free(pt);
        if (rc)
            return rc;
        r0 = r1;
    }
    return 0;
}

int ln_geo_shape_new(const ln_geo_polygon *polys, size_t npolys, int flags,
                     ln_geo_shape **out, ln_diag *diag)
{
    *out = NULL;
    if (!polys && npolys)
        return LN_EINVAL;
    size_t nr = 0;
    for (size_t p = 0; p < npolys; p++) {
        if (polys[p].nrings == 0 || !polys[p].rings)
            return ln_diag_set(diag, LN_EGEOM, NULL, 0, 0, NULL,
                               "polygon %zu has no rings", p);
        nr += polys[p].nrings;
    }
    if (nr == 0)
        return ln_diag_set(diag, LN_EGEOM, NULL, 0, 0, NULL,
                           "empty geometry");
    if (nr > UINT32_MAX / 2)
        return ln_diag_set(diag, LN_ETOOBIG, NULL, 0, 0, NULL,
                           "too many rings");
    ln_geo_shape *s = ln_calloc(1, sizeof *s);
    if (!s)
        return LN_ENOMEM;
    s->rings = ln_malloc(nr * sizeof *s->rings);
    if (!s->rings) {
        ln_free(s);
        return LN_ENOMEM;
    }
    s->minx = s->miny = INFINITY;
    s->maxx = s->maxy = -INFINITY;
    size_t cap = 0;
    int rc = 0;
    for (size_t p = 0; p < npolys && !rc; p++)
        for (size_t r = 0; r < polys[p].nrings && !rc; r++) {
            if (!polys[p].rings[r].lonlat_deg && polys[p].rings[r].n)
                rc = LN_EINVAL;
            else
                rc = add_ring(s, &polys[p].rings[r], (uint32_t)p,
                              (uint32_t)r, &cap, diag);
        }
    if (!rc && s->nedges > UINT32_MAX / 4)
        rc = ln_diag_set(diag, LN_ETOOBIG, NULL, 0, 0, NULL,
                         "too many edges");
    if (!rc)
        rc = ln__fence_index_build(s);
    if (!rc && !(flags & LN_GEO_NO_SELFCHECK)) {
        ln_diag tmp;
        ln_diag_clear(&tmp);
        long n = ln__fence_self_check(s, &tmp, NULL);
        s->st.self_intersections = n;
        if (n && !(flags & LN_GEO_REPAIR_EVENODD)) {
            if (diag)
                *diag = tmp;
            rc = LN_EGEOM;
        }
    }
    if (!rc && !(flags & (LN_GEO_NO_SELFCHECK | LN_GEO_REPAIR_EVENODD)))
        rc = check_holes(s, diag);
    if (rc) {
        if (rc == LN_ENOMEM)
            ln_diag_set(diag, LN_ENOMEM, NULL, 0, 0, NULL, "out of memory");
        ln_geo_shape_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

/* Brings lon into [minx, minx + 360); returns the number of candidate
 * longitudes (1 or 2) in xs. */
static int lon_candidates(const ln_geo_shape *s, double x, double xs[2])
{
    double w = s->minx;
    if (x < w) {
        x += 360.0;
        if (x < w)
            x = w + fmod(fmod(x - w, 360.0) + 360.0, 360.0);
    } else if (x >= w + 360.0) {
        x -= 360.0;
        if (x >= w + 360.0)
            x = w + fmod(x - w, 360.0);
    }
    xs[0] = x;
    if (x + 360.0 <= s->maxx) {
        xs[1] = x + 360.0;
        return 2;
    }
    return 1;
}

int ln_geo_shape_contains_deg(const ln_geo_shape *s, double lat_deg,
                              double lon_deg)
{
    if (!(lat_deg >= s->miny && lat_deg <= s->maxy) || !isfinite(lon_deg))
        return 0;
    if (lon_deg >= s->minx && lon_deg < s->minx + 360.0 &&
        lon_deg + 360.0 > s->maxx)
        return ln__fence_contains_raw(s, lon_deg, lat_deg);
    double xs[2];
    int n = lon_candidates(s, lon_deg, xs);
    for (int i = 0; i < n; i++)
        if (ln__fence_contains_raw(s, xs[i], lat_deg))
            return 1;
    return 0;
}

static int slow_raw(const ln_geo_shape *s, double px, double py)
{
    int in = 0;
    for (size_t k = 0; k < s->nedges; k++) {
        const ln__fence_edge *e = &s->edges[k];
        if (ln__fence_on_edge(e, px, py))
            return 1;
        if ((e->ay > py) != (e->by > py) &&
            (ln__fence_side(e, px, py) > 0) == (e->by > e->ay))
            in ^= 1;
    }
    return in;
}

int ln_geo_shape_contains_slow_deg(const ln_geo_shape *s, double lat_deg,
                                   double lon_deg)
{
    if (!isfinite(lon_deg) || !isfinite(lat_deg))
        return 0;
    double xs[2];
    int n = lon_candidates(s, lon_deg, xs);
    for (int i = 0; i < n; i++)
        if (slow_raw(s, xs[i], lat_deg))
            return 1;
    return 0;
}

void ln_geo_shape_stats(const ln_geo_shape *s, ln_geo_index_stats *st)
{
    *st = s->st;
}

void ln_geo_shape_bbox(const ln_geo_shape *s, double *lat_min,
                       double *lon_min, double *lat_max, double *lon_max)
{
    *lon_min = s->minx;
    *lat_min = s->miny;
    *lon_max = s->maxx;
    *lat_max = s->maxy;
}
