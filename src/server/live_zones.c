/*
 * live_zones.c - the zones in force as one GeoJSON FeatureCollection for
 * the live page (live_zones_text, live.h): a GeoJSON zone's features as
 * uploaded (a FeatureCollection, a Feature or a geometry), each with
 * the zone's id and action and its own name (else the zone's id); a
 * cell-list zone (one H3 id a line) as a MultiPolygon of its cells'
 * outlines. A body that does not parse is left out of the page (the
 * daemon's decisions do not read this text).
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "leonet/cell.h"
#include "leonet/zone.h"
#include "server/live.h"
#include "server/srv_int.h"

/* A MultiPolygon of cells' outlines, or NULL when none has one. */
static json_t *cells_geometry(const ln_cell *cells, size_t n)
{
    json_t *polys = json_array();
    for (size_t i = 0; i < n; i++) {
        ln_cell_boundary b;
        if (ln_cell_boundary_of(cells[i], &b))
            continue;
        json_t *ring = json_array();
        for (int k = 0; k <= b.n; k++) {
            int j = k % b.n; /* closed: the first vertex again */
            json_array_append_new(
                ring, json_pack("[f,f]", b.lon_rad[j] * LN_RAD2DEG,
                                b.lat_rad[j] * LN_RAD2DEG));
        }
        json_array_append_new(polys, json_pack("[o]", ring));
    }
    if (!json_array_size(polys)) {
        json_decref(polys);
        return NULL;
    }
    return json_pack("{s:s,s:o}", "type", "MultiPolygon", "coordinates",
                     polys);
}

/* Appends the page's Feature of geometry g (stolen) for zone z. */
static void add_feature(json_t *out, const ln_st_zone *z, json_t *g,
                        json_t *name)
{
    if (!json_is_object(g)) {
        json_decref(g);
        return;
    }
    json_t *nm = json_is_string(name) ? json_incref(name)
                                      : json_string(z->id);
    json_array_append_new(
        out, json_pack("{s:s,s:s,s:o,s:{s:s,s:o,s:s}}", "type", "Feature",
                       "id", z->id, "geometry", g, "properties", "id", z->id,
                       "name", nm, "action",
                       z->action == LN_ZONE_ALLOW ? "allow" : "deny"));
}

static json_t *name_of(json_t *feature)
{
    return json_object_get(json_object_get(feature, "properties"), "name");
}

/* Appends the page's Features of one stored zone: a GeoJSON body (a
 * FeatureCollection, a Feature or a bare geometry) or a cell list. */
static void zone_features(json_t *out, const ln_st_zone *z)
{
    if (z->kind == 1) {
        ln_cell *cells = NULL;
        size_t n = 0;
        ln_diag d;
        if (!ln_cell_parse_list(z->body, z->body_len, z->id, &cells, &n, &d))
            add_feature(out, z, cells_geometry(cells, n), NULL);
        ln_free(cells);
        return;
    }
    json_t *body = json_loadb(z->body, z->body_len, 0, NULL);
    const char *type = json_string_value(json_object_get(body, "type"));
    if (type && !strcmp(type, "FeatureCollection")) {
        size_t i;
        json_t *f;
        json_array_foreach(json_object_get(body, "features"), i, f)
            add_feature(out, z, json_incref(json_object_get(f, "geometry")),
                        name_of(f));
    } else if (type && !strcmp(type, "Feature")) {
        add_feature(out, z, json_incref(json_object_get(body, "geometry")),
                    name_of(body));
    } else if (type) {
        add_feature(out, z, json_incref(body), NULL);
    }
    json_decref(body);
}

int live_zones_text(srv *s, char **text, size_t *len)
{
    *text = NULL;
    *len = 0;
    ln_st_zone *z = NULL;
    size_t n = 0;
    int64_t version;
    int rc = ln_store_get_zones(srv_store(s), 0, &z, &n, &version);
    if (rc)
        return rc;
    json_t *feats = json_array();
    for (size_t i = 0; i < n; i++) {
        if (z[i].deleted)
            continue;
        zone_features(feats, &z[i]);
    }
    ln_st_zones_free(z, n);
    json_t *fc = json_pack("{s:s,s:o}", "type", "FeatureCollection",
                           "features", feats);
    char *t = fc ? json_dumps(fc, JSON_COMPACT) : NULL;
    json_decref(fc);
    if (!t)
        return LN_ENOMEM;
    *text = t;
    *len = strlen(t);
    return 0;
}
