/*
 * satindex.c - a lat/lon grid of sub-satellite points, rebuilt each step,
 * that finds the satellites above an elevation mask from a ground site.
 *
 * Build: a counting sort of the satellites by grid cell (two passes, no
 * allocation); positions are copied in cell order (structure of arrays)
 * so that a query streams through memory.
 * Query: the cells within the coverage half-angle psi of the site, where
 *   psi = acos(Re cos(mask) / (Re + h_max)) - mask
 * is the Earth central angle from a site to the farthest satellite at
 * altitude h_max still seen at the mask, plus a margin for the geocentric
 * vs geodetic latitude difference (< 0.2 deg) and the Earth's flattening.
 * The longitude half-width of each latitude band is precomputed. Each
 * candidate is tested exactly by geodesy.h's ln_site_above (the library's
 * one elevation test: no square root far from the mask); those above get
 * their sin(elevation) from ln_site_sin_el.
 */
#include <math.h>
#include <string.h>

#include "leonet/link.h"

#define NLAT 90 /* 180 / LN_SATINDEX_CELL_DEG */
#define NLON 180 /* 360 / LN_SATINDEX_CELL_DEG */
#define NCELL (NLAT * NLON)

struct ln_satindex {
    size_t cap;
    const double *x, *y, *z; /* borrowed for the step */
    int *cell_of;            /* per satellite, -1 = left out */
    int *start;              /* NCELL + 1 offsets into items */
    int *items;              /* satellite indices by cell */
    double *cx, *cy, *cz;    /* positions in items order */
    double psi_rad;          /* query half-angle incl. margin */
    int half_bins[NLAT];     /* lon bins each side per band (-1 = all) */
};

int ln_satindex_new(size_t nsat, double max_alt_km, double min_mask_rad,
                    ln_satindex **out)
{
    *out = NULL;
    if (!(max_alt_km > 0) || min_mask_rad < 0 || min_mask_rad >= LN_PI / 2)
        return LN_EINVAL;
    ln_satindex *ix = ln_calloc(1, sizeof *ix);
    if (!ix)
        return LN_ENOMEM;
    size_t n = nsat ? nsat : 1;
    ix->cap = nsat;
    ix->cell_of = ln_malloc(n * sizeof *ix->cell_of);
    ix->items = ln_malloc(n * sizeof *ix->items);
    ix->cx = ln_malloc(n * sizeof *ix->cx);
    ix->cy = ln_malloc(n * sizeof *ix->cy);
    ix->cz = ln_malloc(n * sizeof *ix->cz);
    ix->start = ln_calloc(NCELL + 1, sizeof *ix->start);
    if (!ix->cell_of || !ix->items || !ix->start || !ix->cx || !ix->cy ||
        !ix->cz) {
        ln_satindex_free(ix);
        return LN_ENOMEM;
    }
    /* polar radius is the smallest: use it for the widest angle */
    double re = LN_WGS84_A_KM * (1.0 - LN_WGS84_F);
    double psi = acos(re * cos(min_mask_rad) / (re + max_alt_km)) -
                 min_mask_rad;
    ix->psi_rad = psi + 0.5 * LN_DEG2RAD;
    double psid = ix->psi_rad * LN_RAD2DEG;
    for (int b = 0; b < NLAT; b++) {
        /* the band's latitude nearest the pole decides the width; a site
         * in a neighbouring band sees at most psi further */
        double lo = -90.0 + b * LN_SATINDEX_CELL_DEG;
        double hi = lo + LN_SATINDEX_CELL_DEG;
        double pole = fmax(fabs(lo), fabs(hi));
        ix->half_bins[b] = -1;
        if (pole + psid < 89.0) {
            double s = sin(ix->psi_rad) / cos(pole * LN_DEG2RAD);
            if (s < 1.0) {
                double half = asin(s) * LN_RAD2DEG;
                ix->half_bins[b] =
                    (int)ceil(half / LN_SATINDEX_CELL_DEG) + 1;
                if (2 * ix->half_bins[b] + 1 >= NLON)
                    ix->half_bins[b] = -1;
            }
        }
    }
    *out = ix;
    return LN_OK;
}

void ln_satindex_free(ln_satindex *ix)
{
    if (!ix)
        return;
    ln_free(ix->cell_of);
    ln_free(ix->items);
    ln_free(ix->start);
    ln_free(ix->cx);
    ln_free(ix->cy);
    ln_free(ix->cz);
    ln_free(ix);
}

static int lat_band(double lat_deg)
{
    int b = (int)floor((lat_deg + 90.0) / LN_SATINDEX_CELL_DEG);
    return b < 0 ? 0 : b >= NLAT ? NLAT - 1 : b;
}

static int lon_bin(double lon_deg)
{
    int b = (int)floor((lon_deg + 180.0) / LN_SATINDEX_CELL_DEG);
    b %= NLON;
    return b < 0 ? b + NLON : b;
}

void ln_satindex_build(ln_satindex *ix, const double *x, const double *y,
                       const double *z, const unsigned char *usable,
                       size_t n)
{
    ln_satindex_build_mt(ix, x, y, z, usable, n, 1);
}

void ln_satindex_build_mt(ln_satindex *ix, const double *x, const double *y,
                          const double *z, const unsigned char *usable,
                          size_t n, int nthreads)
{
    if (n > ix->cap)
        n = ix->cap;
    ix->x = x;
    ix->y = y;
    ix->z = z;
    memset(ix->start, 0, (NCELL + 1) * sizeof *ix->start);
    /* each satellite's cell (the costly part: two atan2) in parallel,
     * then the counts in order */
    long nl = (long)n;
#pragma omp parallel for schedule(static) num_threads(nthreads) \
    if (nthreads > 1 && nl >= 1024)
    for (long il = 0; il < nl; il++) {
        size_t i = (size_t)il;
        if ((usable && !usable[i]) || !isfinite(x[i])) {
            ix->cell_of[i] = -1;
            continue;
        }
        double lat = atan2(z[i], hypot(x[i], y[i])) * LN_RAD2DEG;
        double lon = atan2(y[i], x[i]) * LN_RAD2DEG;
        ix->cell_of[i] = lat_band(lat) * NLON + lon_bin(lon);
    }
    for (size_t i = 0; i < n; i++)
        if (ix->cell_of[i] >= 0)
            ix->start[ix->cell_of[i] + 1]++;
    for (int c = 0; c < NCELL; c++)
        ix->start[c + 1] += ix->start[c];
    /* fill in ascending satellite order; start[c] is used as a cursor and
     * restored after */
    for (size_t i = 0; i < n; i++) {
        int c = ix->cell_of[i];
        if (c >= 0) {
            int k = ix->start[c]++;
            ix->items[k] = (int)i;
            ix->cx[k] = x[i];
            ix->cy[k] = y[i];
            ix->cz[k] = z[i];
        }
    }
    for (int c = NCELL; c > 0; c--)
        ix->start[c] = ix->start[c - 1];
    ix->start[0] = 0;
}

double ln_satindex_sin_el(const ln_satindex *ix, const ln_site *site, int i)
{
    double r[3] = {ix->x[i], ix->y[i], ix->z[i]};
    return ln_site_sin_elevation(site, r);
}

/* Visits the candidate cells of a site; calls the body for each
 * satellite above the mask. stop_at_first: return after one. */
static size_t query(const ln_satindex *ix, const ln_site *site,
                    double sin_mask, int *idx, double *sin_el, size_t max,
                    int stop_at_first)
{
    double lat = site->geo.lat_rad * LN_RAD2DEG;
    double lon = site->geo.lon_rad * LN_RAD2DEG;
    double psi = ix->psi_rad * LN_RAD2DEG;
    int b0 = lat_band(lat - psi), b1 = lat_band(lat + psi);
    int lb = lon_bin(lon);
    size_t cnt = 0;
    for (int b = b0; b <= b1; b++) {
        int h = ix->half_bins[b];
        int nb = h < 0 ? NLON : 2 * h + 1;
        int first = h < 0 ? 0 : lb - h;
        for (int k = 0; k < nb; k++) {
            int lbk = (first + k) % NLON;
            if (lbk < 0)
                lbk += NLON;
            int c = b * NLON + lbk;
            for (int j = ix->start[c]; j < ix->start[c + 1]; j++) {
                const double r[3] = {ix->cx[j], ix->cy[j], ix->cz[j]};
                if (!ln_site_above(site, r, sin_mask))
                    continue;
                if (stop_at_first)
                    return 1;
                double se = ln_site_sin_el(site, r);
                int s = ix->items[j];
                if (cnt < max) {
                    /* insertion in ascending satellite index */
                    size_t p = cnt;
                    while (p > 0 && idx[p - 1] > s) {
                        idx[p] = idx[p - 1];
                        sin_el[p] = sin_el[p - 1];
                        p--;
                    }
                    idx[p] = s;
                    sin_el[p] = se;
                }
                cnt++;
            }
        }
    }
    return cnt;
}

size_t ln_satindex_near(const ln_satindex *ix, double lat_rad,
                        double lon_rad, double extra_rad, int *idx,
                        size_t max)
{
    /* candidates of any site within extra_rad of (lat, lon): satellites
     * whose geocentric direction is within psi + extra of it */
    double ang = ix->psi_rad + extra_rad;
    double ca = cos(ang);
    double u[3] = {cos(lat_rad) * cos(lon_rad), cos(lat_rad) * sin(lon_rad),
                   sin(lat_rad)};
    double angd = ang * LN_RAD2DEG;
    double lat = lat_rad * LN_RAD2DEG, lon = lon_rad * LN_RAD2DEG;
    int b0 = lat_band(lat - angd), b1 = lat_band(lat + angd);
    int lb = lon_bin(lon);
    size_t cnt = 0;
    for (int b = b0; b <= b1; b++) {
        double lo = -90.0 + b * LN_SATINDEX_CELL_DEG;
        double hi = lo + LN_SATINDEX_CELL_DEG;
        double pole = fmax(fabs(lo), fabs(hi));
        int h = -1;
        if (pole + angd < 89.0) {
            double sn = sin(ang) / cos(pole * LN_DEG2RAD);
            if (sn < 1.0) {
                h = (int)ceil(asin(sn) * LN_RAD2DEG / LN_SATINDEX_CELL_DEG) +
                    1;
                if (2 * h + 1 >= NLON)
                    h = -1;
            }
        }
        int nb = h < 0 ? NLON : 2 * h + 1;
        int first = h < 0 ? 0 : lb - h;
        for (int k = 0; k < nb; k++) {
            int lbk = (first + k) % NLON;
            if (lbk < 0)
                lbk += NLON;
            int c = b * NLON + lbk;
            for (int j = ix->start[c]; j < ix->start[c + 1]; j++) {
                double x = ix->cx[j], y = ix->cy[j], z = ix->cz[j];
                double d = x * u[0] + y * u[1] + z * u[2];
                if (d < ca * sqrt(x * x + y * y + z * z))
                    continue;
                int s = ix->items[j];
                if (cnt < max) {
                    size_t p = cnt;
                    while (p > 0 && idx[p - 1] > s) {
                        idx[p] = idx[p - 1];
                        p--;
                    }
                    idx[p] = s;
                }
                cnt++;
            }
        }
    }
    return cnt;
}

size_t ln_satindex_visible(const ln_satindex *ix, const ln_site *site,
                           double sin_mask, int *idx, double *sin_el,
                           size_t max)
{
    return query(ix, site, sin_mask, idx, sin_el, max, 0);
}

int ln_satindex_any_visible(const ln_satindex *ix, const ln_site *site,
                            double sin_mask)
{
    return query(ix, site, sin_mask, NULL, NULL, 0, 1) > 0;
}
