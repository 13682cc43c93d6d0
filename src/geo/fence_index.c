/*
 * fence_index.c - the grid index of a geofence shape: build, point query,
 * self-intersection scan.
 *
 * Build (O(E + cells)): every edge is rasterized into the fine cells whose
 * closed rectangle, grown by a margin of 1e-6 cell, it meets; those are the
 * boundary cells. The inside/outside status of every grid corner comes
 * from one crossing-number sweep per grid line: an edge straddling the
 * line y = y_j flips the status of all corners left of its crossing.
 * Corners and query points are perturbed to (x + e, y + e'), e' << e
 * (Simulation of Simplicity), so no vertex ever lies on a ray or a grid
 * line and the exact predicates of fence_predicates.c decide every case.
 *
 * Query: a point in an inside/outside cell is answered by the table. In a
 * boundary cell (ix, iy) the status is that of the cell's lower-right
 * corner C = (x_{ix+1}, y_iy), flipped once per edge of the cell crossing
 * the path P -> R = (x_{ix+1}, py) -> C. The path stays within the grown
 * cell, so the cell's edge list is complete for it. A point exactly on an
 * edge is inside (geofence.h boundary rule).
 *
 * Memory: 4 bytes per coarse cell, 68 bytes per refined coarse cell, 8 bytes
 * per boundary cell, 4 bytes per (cell, edge) pair, 32 bytes per edge.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "geo/fence_int.h"

#define FB LN__FENCE_FB
#define LOGFB LN__FENCE_LOG_FB

static inline double gx(const ln_geo_shape *s, uint32_t i)
{
    return s->x0 + (double)i * s->hx;
}
static inline double gy(const ln_geo_shape *s, uint32_t j)
{
    return s->y0 + (double)j * s->hy;
}

/* ---- query ----------------------------------------------------------- */

int ln__fence_boundary_test(const ln_geo_shape *s, uint32_t k, uint32_t ix,
                            uint32_t iy, double px, double py)
{
    const ln__fence_bcell *bc = &s->bcells[k];
    const uint32_t *el = s->elist + bc->start;
    uint32_t n = bc->ncorner >> 1;
    int in = (int)(bc->ncorner & 1);
    double x1 = gx(s, ix + 1), y0 = gy(s, iy);
    for (uint32_t i = 0; i < n; i++) {
        const ln__fence_edge *e = &s->edges[el[i]];
        int sty = (e->ay > py) != (e->by > py);
        int stx = (e->ax > x1) != (e->bx > x1);
        if (sty) {
            int o = ln__fence_orient(e->ax, e->ay, e->bx, e->by, px, py);
            if (o == 0)
                return 1; /* on the edge */
            int sp = o;
            int sr = ln__fence_side(e, x1, py);
            if (sp != sr)
                in ^= 1;
            if (stx) {
                int sc = ln__fence_side(e, x1, y0);
                if (sc != sr)
                    in ^= 1;
            }
        } else {
            if (ln__fence_on_edge(e, px, py))
                return 1;
            if (stx) {
                int sc = ln__fence_side(e, x1, y0);
                int sr = ln__fence_side(e, x1, py);
                if (sc != sr)
                    in ^= 1;
            }
        }
    }
    return in;
}

int ln__fence_contains_raw(const ln_geo_shape *s, double x, double y)
{
    double fx = (x - s->x0) * s->ihx;
    double fy = (y - s->y0) * s->ihy;
    if (!(fx >= 0.0 && fx < s->fxmax && fy >= 0.0 && fy < s->fymax))
        return 0;
    uint32_t ix = (uint32_t)fx, iy = (uint32_t)fy;
    uint32_t c = s->coarse[(iy >> LOGFB) * s->ncx + (ix >> LOGFB)];
    if (c < 2)
        return (int)c;
    uint32_t v = s->fine[((size_t)(c - 2) << (2 * LOGFB)) +
                         ((iy & (FB - 1)) << LOGFB) + (ix & (FB - 1))];
    if (v < 2)
        return (int)v;
    return ln__fence_boundary_test(s, s->bbase[c - 2] + v - 2, ix, iy, x, y);
}

/* ---- build ----------------------------------------------------------- */

typedef struct u64vec {
    uint64_t *v;
    size_t n, cap;
} u64vec;

static int vpush(u64vec *a, uint64_t x)
{
    if (a->n == a->cap) {
        size_t nc = a->cap ? a->cap * 2 : 1024;
        uint64_t *nv = ln_realloc(a->v, nc * sizeof *nv);
        if (!nv)
            return LN_ENOMEM;
        a->v = nv;
        a->cap = nc;
    }
    a->v[a->n++] = x;
    return 0;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static long clampl(double v, long lo, long hi)
{
    if (!(v >= (double)lo))
        return lo;
    if (v >= (double)hi)
        return hi;
    return (long)floor(v);
}

/* Cell key: coarse cell id * FB*FB + position in the block. */
static uint32_t cell_key(const ln_geo_shape *s, uint32_t ix, uint32_t iy)
{
    uint32_t cc = (iy >> LOGFB) * s->ncx + (ix >> LOGFB);
    return (cc << (2 * LOGFB)) | ((iy & (FB - 1)) << LOGFB) |
           (ix & (FB - 1));
}

static int rasterize(const ln_geo_shape *s, u64vec *pairs)
{
    double dx = 1e-6 * s->hx, dy = 1e-6 * s->hy;
    for (size_t k = 0; k < s->nedges; k++) {
        const ln__fence_edge *e = &s->edges[k];
        double ylo = fmin(e->ay, e->by), yhi = fmax(e->ay, e->by);
        long j0 = clampl((ylo - dy - s->y0) * s->ihy, 0, (long)s->nfy - 1);
        long j1 = clampl((yhi + dy - s->y0) * s->ihy, 0, (long)s->nfy - 1);
        for (long j = j0; j <= j1; j++) {
            double sy0 = fmax(gy(s, (uint32_t)j) - dy, ylo);
            double sy1 = fmin(gy(s, (uint32_t)j + 1) + dy, yhi);
            double xa, xb;
            if (e->ay == e->by || sy0 > sy1) {
                xa = e->ax;
                xb = e->bx;
            } else {
                double r = (e->bx - e->ax) / (e->by - e->ay);
                xa = e->ax + (sy0 - e->ay) * r;
                xb = e->ax + (sy1 - e->ay) * r;
            }
            double xl = fmax(fmin(xa, xb), fmin(e->ax, e->bx)) - dx;
            double xh = fmin(fmax(xa, xb), fmax(e->ax, e->bx)) + dx;
            long i0 = clampl((xl - s->x0) * s->ihx, 0, (long)s->nfx - 1);
            long i1 = clampl((xh - s->x0) * s->ihx, 0, (long)s->nfx - 1);
            for (long i = i0; i <= i1; i++) {
                uint64_t key = cell_key(s, (uint32_t)i, (uint32_t)j);
                if (vpush(pairs, key << 32 | (uint64_t)k))
                    return LN_ENOMEM;
            }
        }
    }
    qsort(pairs->v, pairs->n, sizeof *pairs->v, cmp_u64);
    return 0;
}

/* Is the crossing of e with the line y = y_j right of corner i? */
static int crosses_right(const ln_geo_shape *s, const ln__fence_edge *e,
                         uint32_t i, double y)
{
    return (ln__fence_side(e, gx(s, i), y) > 0) == (e->by > e->ay);
}

/* Corner status bytes, (nfx+1) x (nfy+1), row-major by j. */
static int corner_status(const ln_geo_shape *s, uint8_t **out)
{
    size_t w = (size_t)s->nfx + 1, h = (size_t)s->nfy + 1;
    u64vec fl = {0};
    *out = NULL;
    for (size_t k = 0; k < s->nedges; k++) {
        const ln__fence_edge *e = &s->edges[k];
        if (e->ay == e->by)
            continue;
        double ylo = fmin(e->ay, e->by), yhi = fmax(e->ay, e->by);
        long j0 = clampl((ylo - s->y0) * s->ihy - 1, 0, (long)s->nfy);
        long j1 = clampl((yhi - s->y0) * s->ihy + 1, 0, (long)s->nfy);
        for (long j = j0; j <= j1; j++) {
            double y = gy(s, (uint32_t)j);
            if ((e->ay > y) == (e->by > y))
                continue;
            /* largest corner index with the crossing to its right */
            double xi = e->ax + (y - e->ay) * (e->bx - e->ax) /
                                    (e->by - e->ay);
            long kk = clampl((xi - s->x0) * s->ihx, 0, (long)s->nfx);
            while (kk >= 0 && !crosses_right(s, e, (uint32_t)kk, y))
                kk--;
            while (kk + 1 <= (long)s->nfx &&
                   crosses_right(s, e, (uint32_t)kk + 1, y))
                kk++;
            if (kk < 0)
                continue;
            if (vpush(&fl, (uint64_t)j << 32 | (uint64_t)kk)) {
                ln_free(fl.v);
                return LN_ENOMEM;
            }
        }
    }
    uint8_t *c = ln_calloc(w * h, 1);
    if (!c) {
        ln_free(fl.v);
        return LN_ENOMEM;
    }
    /* toggles: corner i of row j flips once per crossing index >= i */
    for (size_t q = 0; q < fl.n; q++) {
        size_t j = (size_t)(fl.v[q] >> 32), kk = (size_t)(uint32_t)fl.v[q];
        c[j * w + kk] ^= 1;
    }
    for (size_t j = 0; j < h; j++) {
        uint8_t acc = 0;
        for (size_t i = w; i-- > 0;) {
            acc ^= c[j * w + i];
            c[j * w + i] = acc;
        }
    }
    ln_free(fl.v);
    *out = c;
    return 0;
}


/* Fine cells per edge of the grids built from now on (a tuning knob for
 * experiments, ln_geo_set_cells_per_edge); process-wide. */
static double cells_per_edge = 64.0;

void ln_geo_set_cells_per_edge(double k)
{
    cells_per_edge = k >= 1.0 && k <= 4096.0 ? k : 64.0;
}

static void grid_dims(ln_geo_shape *s)
{
    double w = s->maxx - s->minx, h = s->maxy - s->miny;
    double k = cells_per_edge;
    double target = k * (double)s->nedges;
    if (target < 262144.0)
        target = 262144.0;
    if (target > 4194304.0)
        target = 4194304.0;
    double c = sqrt(w * h / target);
    double big = fmax(w, h);
    if (!(c >= big / 4096.0))
        c = big / 4096.0; /* <= 4112 fine cells per axis (16-bit) */
    if (!(c >= 1e-9))
        c = 1e-9;
    s->ncx = (uint32_t)ceil((w / c + 2.0) / FB);
    s->ncy = (uint32_t)ceil((h / c + 2.0) / FB);
    s->nfx = s->ncx * FB;
    s->nfy = s->ncy * FB;
    s->hx = s->hy = c;
    s->x0 = s->minx - ((double)s->nfx * c - w) / 2.0;
    s->y0 = s->miny - ((double)s->nfy * c - h) / 2.0;
    s->ihx = 1.0 / s->hx;
    s->ihy = 1.0 / s->hy;
    s->fxmax = (double)s->nfx;
    s->fymax = (double)s->nfy;
    s->wrap_a = s->maxx - 360.0;
    s->wrap_b = s->minx + 360.0;
}

int ln__fence_index_build(ln_geo_shape *s)
{
    double t0 = ln_time_mono_s();
    u64vec pairs = {0};
    uint8_t *corner = NULL;
    int rc = LN_ENOMEM;
    grid_dims(s);
    if (rasterize(s, &pairs))
        goto out;
    if (corner_status(s, &corner))
        goto out;
    size_t ncc = (size_t)s->ncx * s->ncy, w = (size_t)s->nfx + 1;
    s->coarse = ln_malloc(ncc * sizeof *s->coarse);
    /* count blocks and boundary cells */
    uint32_t nblocks = 0, nb = 0;
    for (size_t q = 0; q < pairs.n; q++) {
        uint32_t key = (uint32_t)(pairs.v[q] >> 32);
        if (q == 0 || key != (uint32_t)(pairs.v[q - 1] >> 32)) {
            nb++;
            if (q == 0 || (key >> (2 * LOGFB)) !=
                              (uint32_t)(pairs.v[q - 1] >> 32 >> (2 * LOGFB)))
                nblocks++;
        }
    }
    s->fine = ln_malloc(((size_t)nblocks << (2 * LOGFB)) * sizeof *s->fine +
                        1);
    s->bbase = ln_malloc((size_t)nblocks * sizeof *s->bbase + 1);
    s->bcells = ln_malloc((size_t)nb * sizeof *s->bcells + 1);
    s->elist = ln_malloc(pairs.n * sizeof *s->elist + 1);
    if (!s->coarse || !s->fine || !s->bbase || !s->bcells || !s->elist)
        goto out;
    s->nblocks = nblocks;
    s->nbcells = nb;
    s->nelist = pairs.n;
    size_t q = 0;
    uint32_t bi = 0, ki = 0;
    for (uint32_t cy = 0; cy < s->ncy; cy++) {
        for (uint32_t cx = 0; cx < s->ncx; cx++) {
            uint32_t cc = cy * s->ncx + cx;
            uint32_t ix0 = cx * FB, iy0 = cy * FB;
            if (q >= pairs.n ||
                (uint32_t)(pairs.v[q] >> 32 >> (2 * LOGFB)) != cc) {
                s->coarse[cc] = corner[(size_t)iy0 * w + ix0 + 1];
                continue;
            }
            uint8_t *blk = s->fine + ((size_t)bi << (2 * LOGFB));
            s->bbase[bi] = ki;
            s->coarse[cc] = 2 + bi++;
            for (uint32_t l = 0; l < FB * FB; l++) {
                uint32_t ix = ix0 + (l & (FB - 1)), iy = iy0 + (l >> LOGFB);
                uint8_t cs = corner[(size_t)iy * w + ix + 1];
                uint32_t key = (cc << (2 * LOGFB)) | l;
                if (q < pairs.n && (uint32_t)(pairs.v[q] >> 32) == key) {
                    uint32_t start = (uint32_t)q;
                    while (q < pairs.n &&
                           (uint32_t)(pairs.v[q] >> 32) == key) {
                        s->elist[q] = (uint32_t)pairs.v[q];
                        q++;
                    }
                    s->bcells[ki].start = start;
                    s->bcells[ki].ncorner = ((uint32_t)q - start) << 1 | cs;
                    blk[l] = (uint8_t)(2 + ki++ - s->bbase[bi - 1]);
                } else {
                    blk[l] = cs;
                }
            }
        }
    }
    if (nblocks < 65534) {
        s->coarse16 = ln_malloc(ncc * sizeof *s->coarse16);
        if (!s->coarse16)
            goto out;
        for (size_t i = 0; i < ncc; i++)
            s->coarse16[i] = (uint16_t)s->coarse[i];
    }
    rc = 0;
    ln_geo_index_stats *st = &s->st;
    st->build_s = ln_time_mono_s() - t0;
    st->edges = s->nedges;
    st->vertices = s->nvert;
    st->coarse_cells = (long)ncc;
    st->fine_cells = (long)s->nfx * (long)s->nfy;
    st->fine_blocks = (long)nblocks;
    st->boundary_cells = (long)nb;
    st->edges_per_bcell = nb ? (double)pairs.n / nb : 0.0;
    st->bytes = sizeof *s + s->nedges * (sizeof *s->edges + 4) +
                s->nrings * sizeof *s->rings + ncc * 4 +
                (s->coarse16 ? ncc * 2 : 0) +
                ((size_t)nblocks << (2 * LOGFB)) + (size_t)nblocks * 4 +
                (size_t)nb * 8 +
                pairs.n * 4;
out:
    ln_free(pairs.v);
    ln_free(corner);
    return rc;
}

/* ---- self-intersections ------------------------------------------------ */

/* 1: proper crossing, 2: collinear overlap longer than a point, 0: none */
static int seg_conflict(const ln__fence_edge *p, const ln__fence_edge *r)
{
    /* consecutive edges of a ring: only a fold back can conflict */
    if ((p->bx == r->ax && p->by == r->ay) ||
        (p->ax == r->bx && p->ay == r->by)) {
        const ln__fence_edge *u = p->bx == r->ax && p->by == r->ay ? p : r;
        const ln__fence_edge *w = u == p ? r : p;
        /* u ends where w starts: folds back iff w.b is on u's line and
         * the direction reverses */
        if (ln__fence_orient(u->ax, u->ay, u->bx, u->by, w->bx, w->by))
            return 0;
        double d = (u->bx - u->ax) * (w->bx - w->ax) +
                   (u->by - u->ay) * (w->by - w->ay);
        return d < 0 ? 2 : 0;
    }
    int o1 = ln__fence_orient(p->ax, p->ay, p->bx, p->by, r->ax, r->ay);
    int o2 = ln__fence_orient(p->ax, p->ay, p->bx, p->by, r->bx, r->by);
    if (o1 * o2 > 0)
        return 0;
    if (o1 == 0 && o2 == 0) {
        /* collinear: overlap of the projections on the main axis */
        int useX = fabs(p->bx - p->ax) >= fabs(p->by - p->ay);
        double a0 = useX ? p->ax : p->ay, a1 = useX ? p->bx : p->by;
        double b0 = useX ? r->ax : r->ay, b1 = useX ? r->bx : r->by;
        double lo = fmax(fmin(a0, a1), fmin(b0, b1));
        double hi = fmin(fmax(a0, a1), fmax(b0, b1));
        return hi > lo ? 2 : 0;
    }
    int o3 = ln__fence_orient(r->ax, r->ay, r->bx, r->by, p->ax, p->ay);
    int o4 = ln__fence_orient(r->ax, r->ay, r->bx, r->by, p->bx, p->by);
    if (o1 * o2 < 0 && o3 * o4 < 0)
        return 1;
    return 0;
}

long ln__fence_self_check(const ln_geo_shape *s, ln_diag *diag,
                          const char *where)
{
    long found = 0;
    for (uint32_t k = 0; k < s->nbcells; k++) {
        const uint32_t *el = s->elist + s->bcells[k].start;
        uint32_t n = s->bcells[k].ncorner >> 1;
        for (uint32_t a = 0; a < n; a++) {
            for (uint32_t b = a + 1; b < n; b++) {
                const ln__fence_edge *p = &s->edges[el[a]];
                const ln__fence_edge *r = &s->edges[el[b]];
                int how = seg_conflict(p, r);
                if (!how)
                    continue;
                /* polygons sharing an edge (adjacent grid cells, touching
                 * parts) have disjoint interiors: allowed */
                if (how == 2 && s->rings[s->edge_ring[el[a]]].poly !=
                                    s->rings[s->edge_ring[el[b]]].poly)
                    continue;
                /* a pair sharing several cells is counted in each */
                found++;
                if (found > 1)
                    continue;
                const ln__fence_ring *ra = &s->rings[s->edge_ring[el[a]]];
                const ln__fence_ring *rb = &s->rings[s->edge_ring[el[b]]];
                double px = p->ax, py = p->ay;
                if (how == 1) {
                    double d = (p->bx - p->ax) * (r->by - r->ay) -
                               (p->by - p->ay) * (r->bx - r->ax);
                    double t = ((r->ax - p->ax) * (r->by - r->ay) -
                                (r->ay - p->ay) * (r->bx - r->ax)) / d;
                    px = p->ax + t * (p->bx - p->ax);
                    py = p->ay + t * (p->by - p->ay);
                }
                char path[64];
                snprintf(path, sizeof path, "[%u][%u]", ra->poly, ra->ring);
                ln_diag_set(diag, LN_EGEOM, NULL, 0, 0, path,
                            "%s%spolygon %u ring %u edge %u %s polygon %u "
                            "ring %u edge %u near lon %.9f lat %.9f "
                            "(self-intersection; use the even-odd repair "
                            "to accept)",
                            where ? where : "", where ? ": " : "", ra->poly,
                            ra->ring, el[a] - ra->first_edge,
                            how == 1 ? "crosses" : "overlaps", rb->poly,
                            rb->ring, el[b] - rb->first_edge, px, py);
            }
        }
    }
    return found;
}
