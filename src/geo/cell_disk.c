/*
 * cell_disk.c - neighbours and grid disks ("k-rings") of H3 cells.
 *
 * Two cells are neighbours when they share an edge; the grid distance is
 * the number of such steps, and the disk of radius k is every cell within
 * k steps, as H3's gridDisk returns it. Neighbours are found on the
 * sphere rather than by IJK arithmetic: for each edge of the cell's
 * outline, the cell containing a point just past the middle of the edge
 * (pushed perpendicular to it by a tenth of the cell's inradius). This
 * works the same across icosahedron faces and around pentagons, where
 * the IJK frames of neighbouring cells disagree; the cost (an outline and
 * six point look-ups per cell) is fine for zones and maps.
 */
#include <math.h>
#include <string.h>

#include "geo/cell_int.h"

static void unit(double v[3])
{
    double n = sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
    v[0] /= n;
    v[1] /= n;
    v[2] /= n;
}

int ln_cell_neighbors(ln_cell c, ln_cell out[6], int *n)
{
    *n = 0;
    ln_cell_boundary b;
    double clat, clon;
    int st = ln_cell_boundary_of(c, &b);
    if (st)
        return st;
    ln_cell_center(c, &clat, &clon);
    int res = ln__cell_get_res(c);
    double C[3], V[LN_CELL_MAX_VERTS][3], len[LN_CELL_MAX_VERTS], lmax = 0;
    ln__geo_to_vec3(clat, clon, C);
    for (int i = 0; i < b.n; i++)
        ln__geo_to_vec3(b.lat_rad[i], b.lon_rad[i], V[i]);
    for (int i = 0; i < b.n; i++) {
        const double *A = V[i], *B = V[(i + 1) % b.n];
        double d[3] = {A[0] - B[0], A[1] - B[1], A[2] - B[2]};
        len[i] = sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
        if (len[i] > lmax)
            lmax = len[i];
    }
    for (int i = 0; i < b.n; i++) {
        /* a piece of an edge split at a face edge may be tiny; the other
         * piece of the same edge then finds the neighbour */
        if (len[i] < 0.25 * lmax)
            continue;
        const double *A = V[i], *B = V[(i + 1) % b.n];
        double m[3] = {A[0] + B[0], A[1] + B[1], A[2] + B[2]};
        unit(m);
        double nrm[3] = {A[1] * B[2] - A[2] * B[1], A[2] * B[0] - A[0] * B[2],
                         A[0] * B[1] - A[1] * B[0]};
        unit(nrm);
        if (nrm[0] * C[0] + nrm[1] * C[1] + nrm[2] * C[2] > 0) {
            nrm[0] = -nrm[0]; /* point outward */
            nrm[1] = -nrm[1];
            nrm[2] = -nrm[2];
        }
        double dm[3] = {m[0] - C[0], m[1] - C[1], m[2] - C[2]};
        double delta = 0.1 * sqrt(dm[0] * dm[0] + dm[1] * dm[1] +
                                  dm[2] * dm[2]);
        double p[3] = {m[0] + delta * nrm[0], m[1] + delta * nrm[1],
                       m[2] + delta * nrm[2]};
        unit(p);
        ln_cell nb;
        double plat = asin(p[2] > 1 ? 1 : p[2] < -1 ? -1 : p[2]);
        double plon = atan2(p[1], p[0]);
        if (ln_cell_from_latlon(plat, plon, res, &nb))
            continue;
        int dup = nb == c;
        for (int k = 0; k < *n && !dup; k++)
            dup = out[k] == nb;
        if (!dup && *n < 6)
            out[(*n)++] = nb;
    }
    return LN_OK;
}

/* ---- a small open-addressing set of cells -------------------------------- */

typedef struct cellset {
    ln_cell *slot;
    size_t mask;
} cellset;

static size_t mix(ln_cell c)
{
    uint64_t x = c * UINT64_C(0x9e3779b97f4a7c15);
    return (size_t)(x ^ (x >> 29));
}

/* 1 if added, 0 if present */
static int set_add(cellset *s, ln_cell c)
{
    size_t i = mix(c) & s->mask;
    while (s->slot[i]) {
        if (s->slot[i] == c)
            return 0;
        i = (i + 1) & s->mask;
    }
    s->slot[i] = c;
    return 1;
}

int ln_cell_disk(ln_cell c, int k, ln_cell *out, int *dist, size_t cap,
                 size_t *n)
{
    *n = 0;
    if (!ln_cell_is_valid(c))
        return LN_ECELL;
    if (k < 0)
        return LN_EINVAL;
    uint64_t need = 3 * (uint64_t)k * (uint64_t)(k + 1) + 1;
    size_t sz = 16;
    while (sz < 2 * need)
        sz *= 2;
    cellset s = {ln_calloc(sz, sizeof(ln_cell)), sz - 1};
    if (!s.slot)
        return LN_ENOMEM;
    int st = LN_OK;
    size_t cnt = 0, ring_start = 0;
    if (cap < 1) {
        st = LN_ETOOBIG;
        goto done;
    }
    set_add(&s, c);
    out[cnt] = c;
    if (dist)
        dist[cnt] = 0;
    cnt++;
    for (int d = 1; d <= k; d++) {
        size_t ring_end = cnt;
        for (size_t i = ring_start; i < ring_end; i++) {
            ln_cell nb[6];
            int nn;
            st = ln_cell_neighbors(out[i], nb, &nn);
            if (st)
                goto done;
            for (int j = 0; j < nn; j++) {
                if (!set_add(&s, nb[j]))
                    continue;
                if (cnt >= need) {
                    st = LN_ECELL; /* more cells than a disk can hold */
                    goto done;
                }
                if (cnt >= cap) {
                    st = LN_ETOOBIG;
                    goto done;
                }
                out[cnt] = nb[j];
                if (dist)
                    dist[cnt] = d;
                cnt++;
            }
        }
        ring_start = ring_end;
    }
done:
    ln_free(s.slot);
    *n = cnt;
    return st;
}
