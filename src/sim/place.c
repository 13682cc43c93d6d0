/*
 * place.c - a scenario group's fixed terminals: reads the group's region,
 * exclusion zones and places files, and places the terminals by link's
 * rule (ln_link_place, src/link/place.c), with the exclusion zones' deny
 * test as its exclusion.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "leonet/geodesy.h"
#include "sim/place.h"
#include "sim/sim_int.h"

/* ln_link_exclude_fn over a zone set: inside one of its deny zones. */
static int zone_denies(void *user, double lat_rad, double lon_rad)
{
    const ln_zoneset *z = user;
    ln_zone_decision d = ln_zoneset_decide_deg(z, lat_rad * LN_RAD2DEG,
                                               lon_rad * LN_RAD2DEG, NAN);
    return d.action == LN_ZONE_DENY && d.zone >= 0;
}

int ln__sim_place(const ln_geo_shape *region, const ln_zoneset *exclude,
                  const ln_weight_point *pts, size_t npts,
                  double rural_share, uint64_t seed, size_t count,
                  double *lat_rad, double *lon_rad, int *from,
                  const char *group, const char *file, ln_diag *diag)
{
    return ln_link_place(region, exclude ? zone_denies : NULL,
                         (void *)exclude, pts, npts, rural_share, seed,
                         count, lat_rad, lon_rad, from, group, file, diag);
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
                        double *lat_rad, double *lon_rad, ln_diag *diag)
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
                           gr->seed, cnt, lat_rad, lon_rad, NULL, gr->name,
                           sc->source, diag);
    ln_free(pts);
    ln_zoneset_free(excl);
    ln_geo_shape_free(region);
    return rc;
}
