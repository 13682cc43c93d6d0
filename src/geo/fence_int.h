/*
 * fence_int.h - private to src/geo: the polygon shape, its grid index and
 * the exact predicates behind the geofence (geofence.h).
 *
 * Representation. A shape is a bag of directed edges (ax, ay) -> (bx, by)
 * in degrees, the rings of all its polygons together; the area is read
 * with the even-odd rule, which equals the union for polygons with
 * disjoint interiors. The index is a fine uniform grid of nfx x nfy cells
 * of hx x hy degrees, stored in two levels: a coarse grid of FB x FB fine
 * cells per coarse cell, whose entry is 0 (outside), 1 (inside) or 2 + b
 * for a fine block b of FB*FB one-byte entries (64 bytes, one cache line),
 * each again 0, 1 or 2 + k for boundary cell bbase[b] + k (an edge list
 * and the status of the cell's lower-right corner).
 */
#ifndef LN_GEO_FENCE_INT_H
#define LN_GEO_FENCE_INT_H

#include <stdint.h>

#include "leonet/geofence.h"

#define LN__FENCE_LOG_FB 3
#define LN__FENCE_FB (1 << LN__FENCE_LOG_FB) /* fine cells per coarse, axis */

typedef struct ln__fence_edge {
    double ax, ay, bx, by; /* degrees; a != b */
} ln__fence_edge;

typedef struct ln__fence_ring {
    uint32_t poly;       /* polygon index in the input */
    uint32_t ring;       /* ring index in the polygon (0 = exterior) */
    uint32_t first_edge; /* edges [first_edge, next ring's first_edge) */
} ln__fence_ring;

typedef struct ln__fence_bcell {
    uint32_t start; /* first entry in elist */
    uint32_t ncorner; /* (count << 1) | status of the lower-right corner */
} ln__fence_bcell;

struct ln_geo_shape {
    ln__fence_edge *edges;
    uint32_t *edge_ring; /* ring of each edge (diagnostics) */
    size_t nedges;
    ln__fence_ring *rings;
    size_t nrings;
    size_t nvert;
    double minx, miny, maxx, maxy; /* bbox, deg (minx may be < -180 never;
                                      maxx may exceed 180 when unwrapped) */
    /* index */
    double x0, y0;       /* grid origin, deg */
    double hx, hy;       /* fine cell size, deg */
    double ihx, ihy;     /* 1/hx, 1/hy */
    double fxmax, fymax; /* nfx, nfy as doubles */
    uint32_t nfx, nfy;   /* fine cells per axis (multiples of FB) */
    uint32_t ncx, ncy;   /* coarse cells per axis */
    double wrap_a, wrap_b; /* lon <= wrap_a or >= wrap_b: needs the
                              antimeridian path (maxx - 360, minx + 360) */
    uint32_t *coarse;    /* ncx*ncy: 0 out, 1 in, 2 + block */
    uint16_t *coarse16;  /* the same in 16 bits when nblocks < 65534 (half
                            the cache footprint for the batch kernel), or
                            NULL */
    uint8_t *fine;       /* nblocks * FB*FB: 0 out, 1 in, 2 + k, boundary
                            cell bbase[block] + k */
    uint32_t *bbase;     /* first boundary cell of each block */
    uint32_t nblocks;
    ln__fence_bcell *bcells;
    uint32_t nbcells;
    uint32_t *elist;     /* edge indices of all boundary cells */
    size_t nelist;
    ln_geo_index_stats st;
};

/* Sign (-1, 0, 1) of orient(a, b, s) = (bx-ax)(sy-ay) - (by-ay)(sx-ax),
 * exact (filtered, exact fallback). Positive: s left of a->b. Assumes no
 * underflow in products (coordinates are degrees). */
int ln__fence_orient(double ax, double ay, double bx, double by, double sx,
                     double sy);

/* Side of the perturbed point (sx + e, sy + e'), 0 < e' << e << 1, of the
 * edge's line: never 0 for a != b (Simulation of Simplicity). */
static inline int ln__fence_side(const ln__fence_edge *e, double sx,
                                 double sy)
{
    int o = ln__fence_orient(e->ax, e->ay, e->bx, e->by, sx, sy);
    if (o)
        return o;
    if (e->by != e->ay)
        return e->by > e->ay ? -1 : 1;
    return e->bx > e->ax ? 1 : -1;
}

/* 1 if s lies on the closed segment e (exact). */
int ln__fence_on_edge(const ln__fence_edge *e, double sx, double sy);

/* Builds the index of s (edges set). 0 or LN_ENOMEM. */
int ln__fence_index_build(ln_geo_shape *s);
/* Counts proper crossings and collinear overlaps between edges (once per
 * shared boundary cell); when any, diag describes the first. */
long ln__fence_self_check(const ln_geo_shape *s, ln_diag *diag,
                          const char *where);
/* Containment for a point already in the shape's longitude window. */
int ln__fence_contains_raw(const ln_geo_shape *s, double x, double y);
/* Boundary-cell test: boundary cell k, fine cell (ix, iy), point. */
int ln__fence_boundary_test(const ln_geo_shape *s, uint32_t k, uint32_t ix,
                            uint32_t iy, double px, double py);

#endif
