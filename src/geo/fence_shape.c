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

int ln_geo_shape_contains_deg(const ln_geo_shape *s, double lon_deg,
                              double lat_deg)
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

int ln_geo_shape_contains_slow_deg(const ln_geo_shape *s, double lon_deg,
                                   double lat_deg)
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

void ln_geo_shape_bbox(const ln_geo_shape *s, double *lon_min,
                       double *lat_min, double *lon_max, double *lat_max)
{
    *lon_min = s->minx;
    *lat_min = s->miny;
    *lon_max = s->maxx;
    *lat_max = s->maxy;
}
