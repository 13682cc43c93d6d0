/*
 * fence_batch.c - many points against one geofence shape.
 *
 * The scalar query (fence_index.c) branches on the cell type after each
 * table load, and with points scattered over the map those branches are
 * unpredictable and serialize the cache misses. Here a chunk of points
 * goes through each level in turn: pass A reads the coarse table for every
 * point (no branch), compacting the indices of points in refined blocks;
 * pass B reads the fine blocks for those; pass C runs the exact boundary
 * test for the few points in boundary cells; pass W redoes, through the
 * general path, the rare points that need antimeridian handling.
 */
#include "geo/fence_int.h"

#define FB LN__FENCE_FB
#define LOGFB LN__FENCE_LOG_FB
#define CH 256

static inline __attribute__((always_inline)) void
many(const ln_geo_shape *s, size_t n, const double *lat_deg,
     const double *lon_deg, const uint32_t *idx, uint8_t *out, const int c16)
{
    uint32_t code[CH], pos[CH];
    uint16_t l2[CH], l3[CH], lw[CH];
    const uint32_t *coarse = s->coarse;
    const uint16_t *coarse16 = s->coarse16;
    const uint8_t *fine = s->fine;
    for (size_t base = 0; base < n; base += CH) {
        size_t m = n - base < CH ? n - base : CH;
        size_t n2 = 0, n3 = 0, nw = 0;
        uint8_t *o = out + base;
        for (size_t k = 0; k < m; k++) {
            size_t p = idx ? idx[base + k] : base + k;
            double x = lon_deg[p], y = lat_deg[p];
            double fx = (x - s->x0) * s->ihx, fy = (y - s->y0) * s->ihy;
            int ok = (fx >= 0.0) & (fx < s->fxmax) & (fy >= 0.0) &
                     (fy < s->fymax);
            int wrap = (x <= s->wrap_a) | (x >= s->wrap_b);
            fx = ok ? fx : 0.0;
            fy = ok ? fy : 0.0;
            uint32_t ix = (uint32_t)fx, iy = (uint32_t)fy;
            size_t ci = (iy >> LOGFB) * s->ncx + (ix >> LOGFB);
            uint32_t c = c16 ? coarse16[ci] : coarse[ci];
            c = ok ? c : 0;
            code[k] = c;
            pos[k] = ix | iy << 16;
            o[k] = (uint8_t)(c == 1);
            l2[n2] = (uint16_t)k;
            n2 += c >= 2;
            lw[nw] = (uint16_t)k;
            nw += (size_t)wrap;
        }
        for (size_t q = 0; q < n2; q++) {
            size_t k = l2[q];
            uint32_t ix = pos[k] & 0xffff, iy = pos[k] >> 16;
            uint32_t b = code[k] - 2;
            uint32_t v = fine[((size_t)b << (2 * LOGFB)) +
                              ((iy & (FB - 1)) << LOGFB) + (ix & (FB - 1))];
            o[k] = (uint8_t)(v == 1);
            code[k] = s->bbase[b] + v - 2; /* boundary cell when v >= 2 */
            l3[n3] = (uint16_t)k;
            n3 += v >= 2;
        }
        for (size_t q = 0; q < n3; q++) {
            size_t k = l3[q];
            size_t p = idx ? idx[base + k] : base + k;
            o[k] = (uint8_t)ln__fence_boundary_test(
                s, code[k], pos[k] & 0xffff, pos[k] >> 16, lon_deg[p],
                lat_deg[p]);
        }
        for (size_t q = 0; q < nw; q++) {
            size_t k = lw[q];
            size_t p = idx ? idx[base + k] : base + k;
            o[k] = (uint8_t)ln_geo_shape_contains_deg(s, lat_deg[p],
                                                      lon_deg[p]);
        }
    }
}

void ln_geo_shape_contains_many_deg(const ln_geo_shape *s, size_t n,
                                    const double *lat_deg,
                                    const double *lon_deg,
                                    const uint32_t *idx, uint8_t *out)
{
    if (s->coarse16)
        many(s, n, lat_deg, lon_deg, idx, out, 1);
    else
        many(s, n, lat_deg, lon_deg, idx, out, 0);
}
