/*
 * place.c - fixed terminals: where each one of a group goes.
 *
 * Exports ln__sim_place (the rule, on shapes in memory) and
 * ln__sim_place_group (a scenario group: reads its region, exclusion and
 * places files). The rule is stated in place.h and docs/scenario.md
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
#include "leonet/meter.h"
#include "sim/place.h"
#include "sim/sim_int.h"

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

/* Moves (lon, lat) by east/north km on the sphere (small offsets). */
static int excluded(const ln_zoneset *exclude, double lond, double latd)
{
    if (!exclude)
        return 0;
    ln_zone_decision d = ln_zoneset_decide_deg(exclude, lond, latd, NAN);
    return d.action == LN_ZONE_DENY && d.zone >= 0;
}

static int allowed(const ln_geo_shape *region, const ln_zoneset *exclude,
                   double lon, double lat)
{
    double lond = lon * LN_RAD2DEG, latd = lat * LN_RAD2DEG;
    return ln_geo_shape_contains_deg(region, lond, latd) &&
           !excluded(exclude, lond, latd);
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

int ln__sim_place(const ln_geo_shape *region, const ln_zoneset *exclude,
                  const ln_weight_point *pts, size_t npts,
                  double rural_share, uint64_t seed, size_t count,
                  double *lon_rad, double *lat_rad, int *from,
                  const char *group, const char *file, ln_diag *diag)
{
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
        if (!excluded(exclude, pts[i].lon_rad * LN_RAD2DEG,
                      pts[i].lat_rad * LN_RAD2DEG))
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
    ln_geo_shape_bbox(region, &lo0, &la0, &lo1, &la1);
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
                ln_geo_offset_km(&lon, &lat, e, n);
            }
            if (allowed(region, exclude, lon, lat)) {
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

static int load_places(const char *file, double sigma_1m,
                       ln_weight_point **out, size_t *n, ln_diag *diag)
{
    char *buf;
    size_t len;
    int rc = ln_read_file(file, 16 << 20, &buf, &len, diag);
    if (rc)
        return rc;
    rc = ln_sim_places_parse(buf, len, file, sigma_1m, out, n, diag);
    ln_free(buf);
    return rc;
}

static int load_region(const char *file, ln_geo_shape **out, ln_diag *diag)
{
    ln_geojson gj;
    int rc = ln_geojson_read(file, 0, &gj, diag);
    if (rc)
        return rc;
    size_t np = 0;
    for (size_t f = 0; f < gj.nfeatures; f++)
        np += gj.features[f].npolys;
    ln_geo_polygon *polys = ln_calloc(np ? np : 1, sizeof *polys);
    if (!polys) {
        ln_geojson_free(&gj);
        return LN_ENOMEM;
    }
    size_t k = 0;
    for (size_t f = 0; f < gj.nfeatures; f++)
        for (size_t p = 0; p < gj.features[f].npolys; p++)
            polys[k++] = gj.features[f].polys[p];
    rc = ln_geo_shape_new(polys, np, 0, out, diag);
    ln_free(polys);
    ln_geojson_free(&gj);
    return rc;
}

int ln__sim_place_group(const ln_scenario *sc, size_t g, size_t cnt,
                        double *lon_rad, double *lat_rad, ln_diag *diag)
{
    const ln_sc_group *gr = &sc->groups[g];
    ln_geo_shape *region = NULL;
    ln_zoneset *excl = NULL;
    ln_weight_point *pts = NULL;
    size_t npts = 0;
    int rc = load_region(gr->region, &region, diag);
    if (!rc && gr->exclude[0]) {
        rc = ln_zoneset_new(LN_ZONE_ALLOW, &excl);
        if (!rc)
            rc = ln_zoneset_load_geojson(excl, gr->exclude, 0, diag);
    }
    if (!rc && gr->places[0])
        rc = load_places(gr->places, gr->places_sigma_km, &pts, &npts, diag);
    if (!rc && gr->npoints) {
        ln_weight_point *np =
            ln_realloc(pts, (npts + gr->npoints) * sizeof *np);
        if (!np)
            rc = LN_ENOMEM;
        else {
            pts = np;
            memcpy(pts + npts, gr->points, gr->npoints * sizeof *pts);
            npts += gr->npoints;
        }
    }
    if (rc == LN_ENOMEM)
        ln_diag_set(diag, rc, sc->source, 0, 0, NULL, "out of memory");
    if (!rc)
        rc = ln__sim_place(region, excl, pts, npts, gr->rural_share,
                           gr->seed, cnt, lon_rad, lat_rad, NULL, gr->name,
                           sc->source, diag);
    ln_free(pts);
    ln_zoneset_free(excl);
    ln_geo_shape_free(region);
    return rc;
}
