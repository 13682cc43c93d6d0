/*
 * jam.c - jamming regions: ground stations (user terminals and gateways)
 * inside a polygon lose their ground links.
 *
 * Exports ln_net_jam_parse, ln_net_jam_read, ln_net_jam_free,
 * ln_net_jam_count, ln_net_jam_contains_deg, ln_net_jam_apply.
 *
 * A jam file is GeoJSON (RFC 7946: Polygon, MultiPolygon, Feature,
 * FeatureCollection; read by geo's ln_geojson_parse); each feature is one
 * region, active on [valid_from, valid_until) when its properties give
 * those ISO 8601 UTC times (absent or null: open), so regions can switch
 * on and off in time. Each region is a geo shape with its grid index, so a
 * point costs one or two table look-ups per region; a point on a polygon
 * edge is inside (geofence.h's boundary rule). Ground-station positions
 * are converted ECEF -> WGS-84 geodetic once per call.
 */
#include <math.h>
#include <string.h>

#include <jansson.h>

#include "leonet/geofence.h"
#include "net/net_int.h"

typedef struct region {
    ln_geo_shape *shape;
    double from_s, until_s; /* active on [from, until), Unix s */
} region;

struct ln_net_jam {
    region *r;
    size_t n;
};

void ln_net_jam_free(ln_net_jam *j)
{
    if (!j)
        return;
    for (size_t i = 0; i < j->n; i++)
        ln_geo_shape_free(j->r[i].shape);
    ln_free(j->r);
    ln_free(j);
}

static int window(const ln_geojson_feature *f, const char *fname,
                  region *r, ln_diag *diag)
{
    static const char *const keys[2] = {"valid_from", "valid_until"};
    const json_t *p = f->properties;
    char path[128];
    r->from_s = -INFINITY;
    r->until_s = INFINITY;
    for (int k = 0; p && k < 2; k++) {
        const json_t *v = json_object_get(p, keys[k]);
        if (!v || json_is_null(v))
            continue;
        double t;
        snprintf(path, sizeof path, "features[%ld].properties.%s", f->index,
                 keys[k]);
        if (!json_is_string(v) ||
            ln_time_parse_iso(json_string_value(v), &t) != 0)
            return ln_diag_set(diag, LN_EGEOJSON, fname, 0, 0, path,
                               "expected an ISO 8601 UTC time "
                               "(YYYY-MM-DDTHH:MM:SSZ) or null");
        if (k == 0)
            r->from_s = t;
        else
            r->until_s = t;
    }
    if (!(r->until_s > r->from_s)) {
        snprintf(path, sizeof path, "features[%ld].properties", f->index);
        return ln_diag_set(diag, LN_EGEOJSON, fname, 0, 0, path,
                           "valid_until is not after valid_from");
    }
    return 0;
}

int ln_net_jam_parse(const char *buf, size_t len, const char *name,
                     ln_net_jam **out, ln_diag *diag)
{
    *out = NULL;
    ln_geojson g;
    int rc = ln_geojson_parse(buf, len, name, 0, &g, diag);
    if (!rc)
        rc = ln_geojson_check_ids(&g, name, diag);
    if (rc) {
        ln_geojson_free(&g);
        return rc;
    }
    ln_net_jam *j = ln_calloc(1, sizeof *j);
    if (j)
        j->r = ln_calloc(g.nfeatures ? g.nfeatures : 1, sizeof *j->r);
    if (!j || !j->r) {
        ln_net_jam_free(j);
        ln_geojson_free(&g);
        return ln_diag_set(diag, LN_ENOMEM, name, 0, 0, NULL,
                           "out of memory");
    }
    for (size_t i = 0; i < g.nfeatures && !rc; i++) {
        const ln_geojson_feature *f = &g.features[i];
        region *r = &j->r[j->n];
        rc = window(f, name, r, diag);
        if (!rc) {
            ln_diag d2;
            ln_diag_clear(&d2);
            rc = ln_geo_shape_new(f->polys, f->npolys, 0, &r->shape, &d2);
            if (rc) {
                char path[1024];
                ln_geojson_feature_path(f, d2.path, path, sizeof path);
                ln_diag_set(diag, rc, name, 0, 0, path, "feature %ld: %s",
                            f->index, d2.msg);
            }
        }
        if (!rc)
            j->n++;
    }
    ln_geojson_free(&g);
    if (rc) {
        ln_net_jam_free(j);
        return rc;
    }
    *out = j;
    return 0;
}

int ln_net_jam_read(const char *path, ln_net_jam **out, ln_diag *diag)
{
    char *buf;
    size_t len;
    *out = NULL;
    int rc = ln_read_file(path, LN_GEOJSON_MAX_BYTES, &buf, &len, diag);
    if (rc)
        return rc;
    rc = ln_net_jam_parse(buf, len, path, out, diag);
    ln_free(buf);
    return rc;
}

size_t ln_net_jam_count(const ln_net_jam *j) { return j ? j->n : 0; }

int ln_net_jam_contains_deg(const ln_net_jam *j, double lat_deg,
                            double lon_deg, double t_unix_s)
{
    if (!j)
        return 0;
    for (size_t i = 0; i < j->n; i++) {
        const region *r = &j->r[i];
        if (!isnan(t_unix_s) &&
            !(t_unix_s >= r->from_s && t_unix_s < r->until_s))
            continue;
        if (ln_geo_shape_contains_deg(r->shape, lat_deg, lon_deg))
            return 1;
    }
    return 0;
}

size_t ln_net_jam_apply(const ln_net *n, const ln_net_jam *j,
                        double t_unix_s, uint8_t *gs_down)
{
    size_t k = 0;
    if (!j || !gs_down)
        return 0;
    for (size_t g = 0; g < n->ngs; g++) {
        ln_geodetic geo;
        if (ln_ecef_to_geodetic(&n->gs[3 * g], &geo) != 0)
            continue;
        if (ln_net_jam_contains_deg(j, geo.lat_rad * LN_RAD2DEG,
                                    geo.lon_rad * LN_RAD2DEG, t_unix_s)) {
            gs_down[g] = 1;
            k++;
        }
    }
    return k;
}
