/*
 * geojson.c - RFC 7946 GeoJSON reader for geofence zones.
 *
 * Accepts a FeatureCollection, a Feature, or a bare Polygon/MultiPolygon.
 * Each Feature must carry a Polygon or MultiPolygon; positions are
 * [lon, lat(, alt...)] in degrees (extra members ignored). Checks, each
 * reported with the member path (features[3].geometry.coordinates[0][2]):
 * types, numeric and in-range coordinates, rings closed and with at least
 * 4 positions. Bad JSON is reported with line and column from jansson,
 * which also caps nesting depth (2048), so deep arrays cannot overflow the
 * stack. Self-intersections are found later, by ln_geo_shape_new.
 *
 * Storage: the jansson tree stays alive (properties are borrowed from it);
 * coordinates are copied into one flat double array per feature.
 */
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leonet/geofence.h"

typedef struct feat_store {
    ln_geo_ring *rings;
    double *coords;
} feat_store;

typedef struct priv {
    json_t *root;
    feat_store *fs;
} priv;

void ln_geojson_free(ln_geojson *g)
{
    if (!g)
        return;
    priv *p = g->priv_;
    for (size_t i = 0; i < g->nfeatures; i++) {
        ln_free(g->features[i].id);
        ln_free(g->features[i].name);
        ln_free(g->features[i].polys);
        if (p && p->fs) {
            ln_free(p->fs[i].rings);
            ln_free(p->fs[i].coords);
        }
    }
    ln_free(g->features);
    if (p) {
        json_decref(p->root);
        ln_free(p->fs);
        ln_free(p);
    }
    memset(g, 0, sizeof *g);
}

typedef struct ctx {
    const char *fname;
    ln_diag *diag;
} ctx;

/* Writes a member path (truncated to 255 characters). */
static void pathf(char *dst, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void pathf(char *dst, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(dst, 256, fmt, ap);
    va_end(ap);
}

static int bad(ctx *c, const char *path, const char *fmt, const char *a)
{
    return ln_diag_set(c->diag, LN_EGEOJSON, c->fname, 0, 0, path, fmt, a);
}

static const char *type_of(const json_t *o)
{
    const json_t *t = json_object_get(o, "type");
    return json_is_string(t) ? json_string_value(t) : NULL;
}

/* Checks one ring; counts its positions. */
static int check_ring(ctx *c, const json_t *ring, const char *path,
                      size_t *npos)
{
    char p2[256];
    if (!json_is_array(ring))
        return bad(c, path, "a linear ring must be an array of positions%s",
                   "");
    size_t n = json_array_size(ring);
    if (n < 4)
        return ln_diag_set(c->diag, LN_EGEOJSON, c->fname, 0, 0, path,
                           "a linear ring needs at least 4 positions, "
                           "this one has %zu", n);
    for (size_t k = 0; k < n; k++) {
        const json_t *pos = json_array_get(ring, k);
        pathf(p2, "%s[%zu]", path, k);
        if (!json_is_array(pos) || json_array_size(pos) < 2)
            return bad(c, p2, "a position must be an array [lon, lat]%s",
                       "");
        for (size_t m = 0; m < 2; m++) {
            const json_t *v = json_array_get(pos, m);
            pathf(p2, "%s[%zu][%zu]", path, k, m);
            if (!json_is_number(v))
                return bad(c, p2, "coordinate is not a number%s", "");
            double d = json_number_value(v);
            double lim = m == 0 ? 180.0 : 90.0;
            if (!isfinite(d) || d < -lim || d > lim)
                return ln_diag_set(c->diag, LN_EGEOJSON, c->fname, 0, 0, p2,
                                   "%s %g out of range [-%g, %g]",
                                   m == 0 ? "longitude" : "latitude", d, lim,
                                   lim);
        }
    }
    const json_t *a = json_array_get(ring, 0), *b = json_array_get(ring,
                                                                   n - 1);
    if (json_number_value(json_array_get(a, 0)) !=
            json_number_value(json_array_get(b, 0)) ||
        json_number_value(json_array_get(a, 1)) !=
            json_number_value(json_array_get(b, 1)))
        return bad(c, path, "linear ring is not closed (first and last "
                            "positions differ)%s", "");
    *npos += n;
    return 0;
}

static int check_polygon(ctx *c, const json_t *poly, const char *path,
                         size_t *nrings, size_t *npos)
{
    char p2[256];
    if (!json_is_array(poly))
        return bad(c, path, "polygon coordinates must be an array of "
                            "rings%s", "");
    if (json_array_size(poly) == 0)
        return bad(c, path, "polygon has no rings%s", "");
    for (size_t r = 0; r < json_array_size(poly); r++) {
        pathf(p2, "%s[%zu]", path, r);
        int rc = check_ring(c, json_array_get(poly, r), p2, npos);
        if (rc)
            return rc;
    }
    *nrings += json_array_size(poly);
    return 0;
}

/* Reads one geometry object into feature f. */
static int read_geometry(ctx *c, const json_t *g, const char *path,
                         ln_geojson_feature *f, feat_store *fs)
{
    char p2[256], pc[256];
    if (!json_is_object(g))
        return bad(c, path, "%s", json_is_null(g)
                                      ? "geometry is null: a zone needs an "
                                        "area"
                                      : "geometry must be an object");
    const char *t = type_of(g);
    pathf(p2, "%s%stype", path, *path ? "." : "");
    if (!t)
        return bad(c, p2, "missing or non-string geometry type%s", "");
    int multi;
    if (strcmp(t, "Polygon") == 0)
        multi = 0;
    else if (strcmp(t, "MultiPolygon") == 0)
        multi = 1;
    else
        return bad(c, p2, "geometry type '%s' is not supported (a zone "
                          "needs a Polygon or MultiPolygon)", t);
    const json_t *co = json_object_get(g, "coordinates");
    pathf(pc, "%s%scoordinates", path, *path ? "." : "");
    if (!json_is_array(co))
        return bad(c, pc, "missing or non-array coordinates%s", "");
    size_t np = multi ? json_array_size(co) : 1, nr = 0, npos = 0;
    if (multi && np == 0)
        return bad(c, pc, "MultiPolygon has no polygons%s", "");
    for (size_t p = 0; p < np; p++) {
        const json_t *poly = multi ? json_array_get(co, p) : co;
        if (multi)
            pathf(p2, "%s[%zu]", pc, p);
        else
            pathf(p2, "%s", pc);
        int rc = check_polygon(c, poly, p2, &nr, &npos);
        if (rc)
            return rc;
    }
    f->polys = ln_calloc(np, sizeof *f->polys);
    fs->rings = ln_calloc(nr, sizeof *fs->rings);
    fs->coords = ln_malloc(2 * npos * sizeof *fs->coords);
    if (!f->polys || !fs->rings || !fs->coords)
        return ln_diag_set(c->diag, LN_ENOMEM, c->fname, 0, 0, NULL,
                           "out of memory");
    f->npolys = np;
    f->multipolygon = multi;
    size_t ri = 0, ci = 0;
    for (size_t p = 0; p < np; p++) {
        const json_t *poly = multi ? json_array_get(co, p) : co;
        f->polys[p].rings = fs->rings + ri;
        f->polys[p].nrings = json_array_size(poly);
        for (size_t r = 0; r < json_array_size(poly); r++) {
            const json_t *ring = json_array_get(poly, r);
            fs->rings[ri].lonlat_deg = fs->coords + ci;
            fs->rings[ri].n = json_array_size(ring);
            for (size_t k = 0; k < json_array_size(ring); k++) {
                const json_t *pos = json_array_get(ring, k);
                fs->coords[ci++] = json_number_value(json_array_get(pos, 0));
                fs->coords[ci++] = json_number_value(json_array_get(pos, 1));
            }
            ri++;
        }
    }
    return 0;
}

static int read_feature(ctx *c, const json_t *ft, const char *path, long idx,
                        ln_geojson_feature *f, feat_store *fs)
{
    char p2[256];
    f->index = idx;
    if (!json_is_object(ft))
        return bad(c, path, "a Feature must be an object%s", "");
    const char *t = type_of(ft);
    pathf(p2, "%s%stype", path, *path ? "." : "");
    if (!t || strcmp(t, "Feature") != 0)
        return bad(c, p2, "expected type \"Feature\"%s", "");
    const json_t *props = json_object_get(ft, "properties");
    pathf(p2, "%s%sproperties", path, *path ? "." : "");
    if (props && !json_is_object(props) && !json_is_null(props))
        return bad(c, p2, "properties must be an object or null%s", "");
    f->properties = json_is_object(props) ? props : NULL;
    /* id: Feature id, else properties.id, else <file stem>:<index> */
    const json_t *id = json_object_get(ft, "id");
    if (!id || json_is_null(id))
        id = json_is_object(props) ? json_object_get(props, "id") : NULL;
    char buf[64];
    if (json_is_string(id)) {
        f->id = ln_strdup(json_string_value(id));
    } else if (json_is_integer(id)) {
        snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(id));
        f->id = ln_strdup(buf);
    } else if (json_is_real(id)) {
        snprintf(buf, sizeof buf, "%.17g", json_real_value(id));
        f->id = ln_strdup(buf);
    } else if (!id || json_is_null(id)) {
        char stem[200], gen[260];
        ln_geojson_id_stem(c->fname, stem, sizeof stem);
        snprintf(gen, sizeof gen, "%s:%ld", stem, idx);
        f->id = ln_strdup(gen);
        f->id_generated = 1;
    } else {
        pathf(p2, "%s%sid", path, *path ? "." : "");
        return bad(c, p2, "id must be a string or a number%s", "");
    }
    const json_t *nm = json_is_object(props) ? json_object_get(props, "name")
                                             : NULL;
    if (json_is_string(nm))
        f->name = ln_strdup(json_string_value(nm));
    if (!f->id || (json_is_string(nm) && !f->name))
        return ln_diag_set(c->diag, LN_ENOMEM, c->fname, 0, 0, NULL,
                           "out of memory");
    pathf(p2, "%s%sgeometry", path, *path ? "." : "");
    const json_t *g = json_object_get(ft, "geometry");
    if (!g)
        return bad(c, p2, "Feature has no geometry member%s", "");
    return read_geometry(c, g, p2, f, fs);
}

void ln_geojson_feature_path(const ln_geojson_feature *f, const char *sub,
                             char *out, size_t n)
{
    if (!f->multipolygon && strncmp(sub, "[0]", 3) == 0)
        sub += 3;
    snprintf(out, n, "features[%ld].geometry.coordinates%s", f->index, sub);
}

void ln_geojson_id_stem(const char *fname, char *out, size_t n)
{
    const char *b = fname ? strrchr(fname, '/') : NULL;
    b = b ? b + 1 : fname;
    if (!b || !*b) {
        snprintf(out, n, "zones");
        return;
    }
    const char *dot = strrchr(b, '.');
    int len = dot && dot != b ? (int)(dot - b) : (int)strlen(b);
    snprintf(out, n, "%.*s", len, b);
}

typedef struct id_ref {
    const char *id;
    size_t i;
} id_ref;

static int cmp_id_ref(const void *a, const void *b)
{
    const id_ref *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    if (c)
        return c;
    return x->i < y->i ? -1 : x->i > y->i;
}

int ln_geojson_check_ids(const ln_geojson *g, const char *fname,
                         ln_diag *diag)
{
    if (g->nfeatures < 2)
        return 0;
    id_ref *r = ln_malloc(g->nfeatures * sizeof *r);
    if (!r)
        return ln_diag_set(diag, LN_ENOMEM, fname, 0, 0, NULL,
                           "out of memory");
    for (size_t i = 0; i < g->nfeatures; i++)
        r[i] = (id_ref){g->features[i].id, i};
    qsort(r, g->nfeatures, sizeof *r, cmp_id_ref);
    int rc = 0;
    for (size_t k = 1; k < g->nfeatures && !rc; k++) {
        if (strcmp(r[k - 1].id, r[k].id) != 0)
            continue;
        const ln_geojson_feature *f = &g->features[r[k].i];
        char path[64];
        snprintf(path, sizeof path, "features[%ld]", f->index);
        rc = ln_diag_set(diag, LN_EGEOJSON, fname, 0, 0, path,
                         "zone id '%s' is also the id of features[%ld] "
                         "(ids must be unique)", f->id,
                         g->features[r[k - 1].i].index);
    }
    ln_free(r);
    return rc;
}

int ln_geojson_parse(const char *buf, size_t len, const char *fname,
                     int flags, ln_geojson *out, ln_diag *diag)
{
    (void)flags;
    if (buf && ln_text_bom(buf, len)) {
        buf += 3;
        len -= 3;
    }
    ctx c = {fname, diag};
    memset(out, 0, sizeof *out);
    long nl, nc;
    if (ln_text_nul(buf, len, &nl, &nc))
        return ln_diag_set(diag, LN_EGEOJSON, fname, nl, nc, NULL,
                           "a NUL byte: GeoJSON is JSON text");
    json_error_t err;
    json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &err);
    if (!root)
        return ln_diag_set(diag, LN_EGEOJSON, fname, err.line > 0 ? err.line
                                                                  : 0,
                           err.column > 0 ? err.column : 0, NULL,
                           "invalid JSON: %s", err.text);
    priv *p = ln_calloc(1, sizeof *p);
    if (!p) {
        json_decref(root);
        return ln_diag_set(diag, LN_ENOMEM, fname, 0, 0, NULL,
                           "out of memory");
    }
    p->root = root;
    out->priv_ = p;
    int rc = 0;
    if (!json_is_object(root)) {
        rc = bad(&c, "", "the document must be a GeoJSON object%s", "");
        goto done;
    }
    const char *t = type_of(root);
    if (!t) {
        rc = bad(&c, "type", "missing or non-string \"type\"%s", "");
        goto done;
    }
    const json_t *feats = NULL;
    size_t n = 1;
    if (strcmp(t, "FeatureCollection") == 0) {
        feats = json_object_get(root, "features");
        if (!json_is_array(feats)) {
            rc = bad(&c, "features", "missing or non-array features%s", "");
            goto done;
        }
        n = json_array_size(feats);
    } else if (strcmp(t, "Feature") != 0 && strcmp(t, "Polygon") != 0 &&
               strcmp(t, "MultiPolygon") != 0) {
        rc = bad(&c, "type", "type '%s' is not supported (FeatureCollection"
                             ", Feature, Polygon or MultiPolygon)", t);
        goto done;
    }
    out->features = ln_calloc(n ? n : 1, sizeof *out->features);
    p->fs = ln_calloc(n ? n : 1, sizeof *p->fs);
    if (!out->features || !p->fs) {
        rc = ln_diag_set(diag, LN_ENOMEM, fname, 0, 0, NULL,
                         "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n && !rc; i++) {
        ln_geojson_feature *f = &out->features[i];
        out->nfeatures = i + 1;
        if (feats) {
            char path[256];
            pathf(path, "features[%zu]", i);
            rc = read_feature(&c, json_array_get(feats, i), path, (long)i, f,
                              &p->fs[i]);
        } else if (strcmp(t, "Feature") == 0) {
            rc = read_feature(&c, root, "", 0, f, &p->fs[i]);
        } else {
            char stem[200], gen[260];
            ln_geojson_id_stem(fname, stem, sizeof stem);
            snprintf(gen, sizeof gen, "%s:0", stem);
            f->id = ln_strdup(gen);
            f->id_generated = 1;
            if (!f->id)
                rc = ln_diag_set(diag, LN_ENOMEM, fname, 0, 0, NULL,
                                 "out of memory");
            else
                rc = read_geometry(&c, root, "", f, &p->fs[i]);
        }
    }
done:
    if (rc)
        ln_geojson_free(out);
    return rc;
}

int ln_geojson_read(const char *path, int flags, ln_geojson *out,
                    ln_diag *diag)
{
    char *buf;
    size_t len;
    memset(out, 0, sizeof *out);
    int rc = ln_read_file(path, LN_GEOJSON_MAX_BYTES, &buf, &len, diag);
    if (rc)
        return rc;
    rc = ln_geojson_parse(buf, len, path, flags, out, diag);
    ln_free(buf);
    return rc;
}
