/*
 * aggregate.c - ln_activity: the activity counts of a run per H3 cell and
 * time window, in memory; filled by the engine step by step (or from a
 * run's files: aggregate_io.c), merged across ranks, written and drawn.
 *
 * Exports: ln_activity_new, _free, _row, _add, _add_rows, _add_units,
 * _set_frame, _add_sats, _merge, _ncells, _cell, _get, _window_total.
 *
 * Representation: cells in order of first appearance (cells[row]), an
 * open-addressing hash table (linear probing, at most half full, a power
 * of two) from cell to row; rows never move, so a
 * caller may keep a terminal's row. Counts are [row * windows + w]
 * (ln_activity_counts, uint32, 16 bytes); the array grows by doubling
 * with the rows. Window totals are doubles (sums of integers: exact up
 * to 2^53 units). Sub-satellite points: one float array per window.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "activity/activity_int.h"

#define FRAME_MARGIN_DEG 20.0 /* the map area around the terminals */

/* Slot of a cell: Fibonacci hashing (Knuth, TAOCP 6.4), the high bits of
 * id * 2^64 / phi; H3 ids differ mostly in their low and middle bits. */
static size_t hslot(ln_cell c, size_t mask)
{
    return (size_t)((c * 0x9e3779b97f4a7c15ull) >> 32) & mask;
}

int ln_activity_new(const ln_activity_spec *spec, ln_activity **out)
{
    *out = NULL;
    if (!spec || spec->windows < 1 ||
        spec->windows > LN_ACTIVITY_MAX_WINDOWS ||
        !(spec->window_s > 0 && spec->window_s < 1e12) ||
        !isfinite(spec->start_unix_s) || !(spec->per_terminal > 0) ||
        spec->res < -1 || spec->res > 15)
        return LN_EINVAL;
    ln_activity *a = ln_calloc(1, sizeof *a);
    if (!a)
        return LN_ENOMEM;
    const char *nm = spec->name ? spec->name : "";
    a->name = ln_malloc(strlen(nm) + 1);
    if (!a->name) {
        ln_free(a);
        return LN_ENOMEM;
    }
    memcpy(a->name, nm, strlen(nm) + 1);
    a->res = spec->res;
    a->nwin = spec->windows;
    a->window_s = spec->window_s;
    a->start_unix_s = spec->start_unix_s;
    a->per_terminal = spec->per_terminal;
    a->frame[0] = a->frame[1] = INFINITY;
    a->frame[2] = a->frame[3] = -INFINITY;
    size_t nw = (size_t)a->nwin;
    a->tot = ln_calloc(3 * nw, sizeof *a->tot);
    a->sat = ln_calloc(nw, sizeof *a->sat);
    a->nsat = ln_calloc(nw, sizeof *a->nsat);
    if (!a->tot || !a->sat || !a->nsat) {
        ln_activity_free(a);
        return LN_ENOMEM;
    }
    *out = a;
    return 0;
}

void ln_activity_free(ln_activity *a)
{
    if (!a)
        return;
    for (long w = 0; a->sat && w < a->nwin; w++)
        ln_free(a->sat[w]);
    ln_free(a->sat);
    ln_free(a->nsat);
    ln_free(a->cells);
    ln_free(a->cw);
    ln_free(a->htab);
    ln_free(a->tot);
    ln_free(a->ts_mean);
    ln_free(a->name);
    ln_free(a);
}

/* Row of a cell, or -1. */
static long find_row(const ln_activity *a, ln_cell c)
{
    if (!a->hcap)
        return -1;
    size_t mask = a->hcap - 1;
    for (size_t h = hslot(c, mask);; h = (h + 1) & mask) {
        if (a->htab[h] < 0)
            return -1;
        if (a->cells[a->htab[h]] == c)
            return a->htab[h];
    }
}

static int hash_rebuild(ln_activity *a, size_t cap)
{
    long *nt = ln_malloc(cap * sizeof *nt);
    if (!nt)
        return LN_ENOMEM;
    for (size_t k = 0; k < cap; k++)
        nt[k] = -1;
    for (size_t r = 0; r < a->ncells; r++) {
        size_t h = hslot(a->cells[r], cap - 1);
        while (nt[h] >= 0)
            h = (h + 1) & (cap - 1);
        nt[h] = (long)r;
    }
    ln_free(a->htab);
    a->htab = nt;
    a->hcap = cap;
    return 0;
}

int ln_activity_row(ln_activity *a, ln_cell c, long *row)
{
    long r = find_row(a, c);
    if (r >= 0) {
        *row = r;
        return 0;
    }
    if (a->ncells == a->cap_cells) {
        size_t nc = a->cap_cells ? a->cap_cells * 2 : 1024;
        ln_cell *ncl = ln_realloc(a->cells, nc * sizeof *ncl);
        if (!ncl)
            return LN_ENOMEM;
        a->cells = ncl;
        ln_activity_counts *ncw =
            ln_realloc(a->cw, nc * (size_t)a->nwin * sizeof *ncw);
        if (!ncw)
            return LN_ENOMEM;
        a->cw = ncw;
        a->cap_cells = nc;
    }
    if (2 * (a->ncells + 1) > a->hcap &&
        hash_rebuild(a, a->hcap ? 2 * a->hcap : 4096))
        return LN_ENOMEM;
    r = (long)a->ncells++;
    a->cells[r] = c;
    memset(a->cw + (size_t)r * (size_t)a->nwin, 0,
           (size_t)a->nwin * sizeof *a->cw);
    size_t mask = a->hcap - 1;
    size_t h = hslot(c, mask);
    while (a->htab[h] >= 0)
        h = (h + 1) & mask;
    a->htab[h] = r;
    *row = r;
    return 0;
}

static void add_at(ln_activity *a, long r, long w, const ln_activity_counts *n)
{
    ln_activity_counts *cw = &a->cw[(size_t)r * (size_t)a->nwin + (size_t)w];
    cw->active += n->active;
    cw->denied += n->denied;
    cw->outage += n->outage;
    cw->present += n->present;
    double *t = a->tot + 3 * (size_t)w;
    t[0] += n->active;
    t[1] += n->denied;
    t[2] += n->outage;
}

int ln_activity_add(ln_activity *a, ln_cell c, long w,
                    const ln_activity_counts *n)
{
    if (w < 0 || w >= a->nwin)
        return LN_EINVAL;
    long r;
    int rc = ln_activity_row(a, c, &r);
    if (rc)
        return rc;
    add_at(a, r, w, n);
    return 0;
}

void ln_activity_add_rows(ln_activity *a, long w, size_t n, const long *row,
                          const uint32_t *active, const uint32_t *denied,
                          const uint32_t *outage)
{
    if (w < 0 || w >= a->nwin)
        return;
    for (size_t i = 0; i < n; i++) {
        uint32_t ac = active[i], de = denied[i], ou = outage[i];
        if (!(ac | de | ou))
            continue;
        ln_activity_counts c = {ac, de, ou, ac + de + ou};
        add_at(a, row[i], w, &c);
    }
}

int ln_activity_add_units(ln_activity *a, long w, size_t n, const int *idx,
                          const ln_cell *cell, const uint8_t *kind)
{
    if (w < 0 || w >= a->nwin)
        return LN_EINVAL;
    for (size_t m = 0; m < n; m++) {
        size_t i = (size_t)idx[m];
        long r;
        int rc = ln_activity_row(a, cell[i], &r);
        if (rc)
            return rc;
        ln_activity_counts c = {kind[m] == LN_ACTIVITY_ACTIVE,
                                kind[m] == LN_ACTIVITY_DENIED,
                                kind[m] == LN_ACTIVITY_OUTAGE, 1};
        add_at(a, r, w, &c);
    }
    return 0;
}

void ln_activity_set_frame(ln_activity *a, size_t n, const double *lat_rad,
                           const double *lon_rad)
{
    double *f = a->frame; /* lon0, lat0, lon1, lat1, deg */
    for (size_t i = 0; i < n; i++) {
        f[0] = fmin(f[0], lon_rad[i] * LN_RAD2DEG - FRAME_MARGIN_DEG);
        f[2] = fmax(f[2], lon_rad[i] * LN_RAD2DEG + FRAME_MARGIN_DEG);
        f[1] = fmin(f[1], lat_rad[i] * LN_RAD2DEG - FRAME_MARGIN_DEG);
        f[3] = fmax(f[3], lat_rad[i] * LN_RAD2DEG + FRAME_MARGIN_DEG);
    }
}

int ln_activity_add_sats(ln_activity *a, long w, size_t n, const double *x,
                         const double *y, const double *z,
                         const unsigned char *usable)
{
    if (w < 0 || w >= a->nwin)
        return LN_EINVAL;
    if (a->nsat[w])
        return 0;
    float *o = ln_malloc((n ? n : 1) * 2 * sizeof *o);
    if (!o)
        return LN_ENOMEM;
    const double *f = a->frame;
    int k = 0;
    for (size_t s = 0; s < n; s++) {
        if (!usable[s])
            continue;
        double lat = atan2(z[s], hypot(x[s], y[s])) * LN_RAD2DEG;
        double lon = atan2(y[s], x[s]) * LN_RAD2DEG;
        if (lat < f[1] || lat > f[3] || lon < f[0] || lon > f[2])
            continue;
        o[2 * k] = (float)(round(lat * 100) / 100);
        o[2 * k + 1] = (float)(round(lon * 100) / 100);
        k++;
    }
    ln_free(a->sat[w]);
    a->sat[w] = o;
    a->nsat[w] = k;
    return 0;
}

int ln_activity_merge(ln_activity *dst, const ln_activity *src)
{
    if (dst->nwin != src->nwin || dst->window_s != src->window_s ||
        dst->start_unix_s != src->start_unix_s || dst->res != src->res ||
        dst->per_terminal != src->per_terminal)
        return LN_EINVAL;
    for (size_t r = 0; r < src->ncells; r++) {
        long dr;
        int rc = ln_activity_row(dst, src->cells[r], &dr);
        if (rc)
            return rc;
        for (long w = 0; w < src->nwin; w++)
            add_at(dst, dr, w, &src->cw[r * (size_t)src->nwin + (size_t)w]);
    }
    for (long w = 0; w < src->nwin; w++) {
        if (dst->nsat[w] || !src->nsat[w])
            continue;
        size_t nb = (size_t)src->nsat[w] * 2 * sizeof(float);
        float *o = ln_malloc(nb);
        if (!o)
            return LN_ENOMEM;
        memcpy(o, src->sat[w], nb);
        ln_free(dst->sat[w]);
        dst->sat[w] = o;
        dst->nsat[w] = src->nsat[w];
    }
    dst->frame[0] = fmin(dst->frame[0], src->frame[0]);
    dst->frame[1] = fmin(dst->frame[1], src->frame[1]);
    dst->frame[2] = fmax(dst->frame[2], src->frame[2]);
    dst->frame[3] = fmax(dst->frame[3], src->frame[3]);
    return 0;
}

size_t ln_activity_ncells(const ln_activity *a)
{
    return a->ncells;
}

ln_cell ln_activity_cell(const ln_activity *a, size_t r)
{
    return r < a->ncells ? a->cells[r] : 0;
}

ln_activity_counts ln_activity_get(const ln_activity *a, ln_cell c, long w)
{
    ln_activity_counts z = {0, 0, 0, 0};
    long r = find_row(a, c);
    if (r < 0 || w < 0 || w >= a->nwin)
        return z;
    return a->cw[(size_t)r * (size_t)a->nwin + (size_t)w];
}

void ln_activity_window_total(const ln_activity *a, long w, double tot[3])
{
    for (int k = 0; k < 3; k++)
        tot[k] = w >= 0 && w < a->nwin ? a->tot[3 * (size_t)w + k] : 0;
}
