/*
 * place.c - fixed terminals: where each one of a group goes.
 *
 * Exports ln_link_place (the rule, on a region shape and an exclusion
 * test given as a function, so that link needs no zone set: sim passes
 * its zones' deny test). The rule is stated in link.h and docs/scenario.md
 * ("Terminal placement"); in short: rejected draws pick a new weighted
 * point, points inside the exclusion get nothing, and a group that cannot
 * be placed is refused by name.
 *
 * Randomness: a counter-based stream (ln_hash64 of seed and draw number),
 * as in src/link/terminals.c, so a scenario gives the same terminals on
 * every machine; Gaussian offsets by Box-Muller, turned into degrees on
 * the sphere of mean radius (good to 0.5 % at these distances).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "leonet/geodesy.h"
#include "leonet/link.h"

typedef struct stream {
    uint64_t seed, n;
} stream;

static double unit(stream *s)
{
    return ln_hash_unit(s->seed ^ ln_hash64(++s->n));
}

static double gauss(stream *s)
{
    double u1 = unit(s), u2 = unit(s);
    if (u1 < 1e-300)
        u1 = 1e-300;
    return sqrt(-2.0 * log(u1)) * cos(LN_TWOPI * u2);
}

/* The exclusion test of a placement (NULL: nothing is excluded). */
typedef struct excl {
    ln_link_exclude_fn fn;
    void *user;
} excl;

static int excluded(const excl *x, double lat, double lon)
{
    return x->fn && x->fn(x->user, lat, lon);
}

static int allowed(const ln_geo_shape *region, const excl *x, double lat,
                   double lon)
{
    return ln_geo_shape_contains_deg(region, lat * LN_RAD2DEG,
                                     lon * LN_RAD2DEG) &&
           !excluded(x, lat, lon);
}

/* Index i with cum[i-1] <= u < cum[i] (cum ascending, cum[n-1] > u). */
static size_t pick(const double *cum, size_t n, double u)
{
    size_t lo = 0, hi = n - 1;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (u < cum[mid])
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

int ln_link_place(const ln_geo_shape *region, ln_link_exclude_fn exclude,
                  void *user, const ln_weight_point *pts, size_t npts,
                  double rural_share, uint64_t seed, size_t count,
                  double *lat_rad, double *lon_rad, int *from,
                  const char *group, const char *file, ln_diag *diag)
{
    const excl x = {exclude, user};
    if (!region)
        return ln_diag_set(diag, LN_EINVAL, file, 0, 0, NULL,
                           "terminals '%s': no region", group);
    for (size_t i = 0; i < npts; i++)
        if (!(pts[i].weight >= 0) || !(pts[i].sigma_km > 0))
            return ln_diag_set(diag, LN_EINVAL, file, 0, 0, NULL,
                               "terminals '%s': point %zu: weight must be "
                               ">= 0 and sigma > 0", group, i);
    /* cumulative weights; a point whose centre is excluded weighs 0 */
    double *cum = ln_malloc((npts ? npts : 1) * sizeof *cum);
    if (!cum)
        return ln_diag_set(diag, LN_ENOMEM, file, 0, 0, NULL,
                           "out of memory");
    double wsum = 0;
    for (size_t i = 0; i < npts; i++) {
        if (!excluded(&x, pts[i].lat_rad, pts[i].lon_rad))
            wsum += pts[i].weight;
        cum[i] = wsum;
    }
    int rc = 0;
    if (npts == 0)
        rural_share = 1.0;
    else if (!(wsum > 0) && rural_share < 1.0) {
        rc = ln_diag_set(diag, LN_ESCENARIO, file, 0, 0, NULL,
                         "terminals '%s': every weighted point with a "
                         "weight lies in the exclude zone (or all weights "
                         "are 0), so its clustered share (rural_share "
                         "%.3g < 1) cannot be placed",
                         group, rural_share);
        goto done;
    }
    double lo0, la0, lo1, la1;
    ln_geo_shape_bbox(region, &la0, &lo0, &la1, &lo1);
    double s0 = sin(la0 * LN_DEG2RAD), s1 = sin(la1 * LN_DEG2RAD);
    stream s = {ln_hash64(seed ^ 0x706c616365ull), 0};
    for (size_t k = 0; k < count; k++) {
        int rural = unit(&s) < rural_share;
        long d;
        for (d = 0; d < LN_PLACE_MAX_DRAWS; d++) {
            double lon, lat;
            int pi = -1;
            if (rural) {
                lon = (lo0 + (lo1 - lo0) * unit(&s)) * LN_DEG2RAD;
                /* uniform in area: uniform in sin(lat) */
                lat = asin(s0 + (s1 - s0) * unit(&s));
            } else {
                /* a new point by weight at every draw */
                size_t i = pick(cum, npts, unit(&s) * wsum);
                pi = (int)i;
                lon = pts[i].lon_rad;
                lat = pts[i].lat_rad;
                double e = gauss(&s) * pts[i].sigma_km;
                double n = gauss(&s) * pts[i].sigma_km;
                ln_geo_offset_km(&lat, &lon, e, n);
            }
            if (allowed(region, &x, lat, lon)) {
                lon_rad[k] = lon;
                lat_rad[k] = lat;
                if (from)
                    from[k] = pi;
                break;
            }
        }
        if (d == LN_PLACE_MAX_DRAWS) {
            rc = ln_diag_set(diag, LN_ESCENARIO, file, 0, 0, NULL,
                             "terminals '%s': terminal %zu of %zu (%s) "
                             "found no allowed position in %ld draws: the "
                             "region minus the exclude zone leaves "
                             "(almost) no land where the group draws",
                             group, k + 1, count,
                             rural ? "rural" : "clustered",
                             LN_PLACE_MAX_DRAWS);
            goto done;
        }
    }
done:
    ln_free(cum);
    return rc;
}

