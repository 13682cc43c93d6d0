/*
 * zone.c - zone sets and the geofence decision (zone.h).
 *
 * A zone is a geo shape (with its grid index) plus id, name, action,
 * priority and a validity window [from, until) in Unix seconds. The set
 * keeps an order of evaluation: priority descending, deny before allow at
 * equal priority, then order of addition; the first zone (in that order)
 * that is valid at t and contains the point decides. The default action
 * applies when none does. Decisions only read the set, so any number of
 * threads may decide at once; adding zones needs exclusive access.
 */
#include <jansson.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "leonet/zone.h"

typedef struct zone {
    ln_zone_info info;
    char *id, *name, *source;
    ln_geo_shape *shape;
    double miny, maxy; /* quick latitude reject, deg */
    long feature;      /* index in its GeoJSON file, -1 if not from one */
} zone;

struct ln_zoneset {
    zone *z;
    size_t n, cap;
    uint32_t *order; /* evaluation order, n entries */
    int default_action;
    uint64_t version;
};

const char *ln_zone_action_name(int action)
{
    return action == LN_ZONE_DENY ? "deny" : "allow";
}

int ln_zoneset_new(int default_action, ln_zoneset **out)
{
    *out = NULL;
    if (default_action != LN_ZONE_ALLOW && default_action != LN_ZONE_DENY)
        return LN_EINVAL;
    ln_zoneset *zs = ln_calloc(1, sizeof *zs);
    if (!zs)
        return LN_ENOMEM;
    zs->default_action = default_action;
    *out = zs;
    return 0;
}

static void zone_clear(zone *z)
{
    ln_free(z->id);
    ln_free(z->name);
    ln_free(z->source);
    ln_geo_shape_free(z->shape);
}

void ln_zoneset_free(ln_zoneset *zs)
{
    if (!zs)
        return;
    for (size_t i = 0; i < zs->n; i++)
        zone_clear(&zs->z[i]);
    ln_free(zs->z);
    ln_free(zs->order);
    ln_free(zs);
}

size_t ln_zoneset_count(const ln_zoneset *zs)
{
    return zs->n;
}

const ln_zone_info *ln_zoneset_zone(const ln_zoneset *zs, size_t i)
{
    return i < zs->n ? &zs->z[i].info : NULL;
}

uint64_t ln_zoneset_version(const ln_zoneset *zs)
{
    return zs->version;
}

void ln_zoneset_stats(const ln_zoneset *zs, ln_geo_index_stats *st)
{
    memset(st, 0, sizeof *st);
    size_t bedges = 0;
    for (size_t i = 0; i < zs->n; i++) {
        ln_geo_index_stats s;
        ln_geo_shape_stats(zs->z[i].shape, &s);
        st->build_s += s.build_s;
        st->bytes += s.bytes;
        st->vertices += s.vertices;
        st->edges += s.edges;
        st->coarse_cells += s.coarse_cells;
        st->fine_cells += s.fine_cells;
        st->fine_blocks += s.fine_blocks;
        st->boundary_cells += s.boundary_cells;
        st->self_intersections += s.self_intersections;
        bedges += (size_t)(s.edges_per_bcell * (double)s.boundary_cells +
                           0.5);
    }
    st->edges_per_bcell = st->boundary_cells
                              ? (double)bedges / (double)st->boundary_cells
                              : 0.0;
}

/* evaluation order: priority desc, deny first, index asc */
static int before(const zone *a, uint32_t ia, const zone *b, uint32_t ib)
{
    if (a->info.priority != b->info.priority)
        return a->info.priority > b->info.priority;
    if (a->info.action != b->info.action)
        return a->info.action == LN_ZONE_DENY;
    return ia < ib;
}

static int reserve(ln_zoneset *zs, size_t extra)
{
    if (zs->n + extra <= zs->cap)
        return 0;
    size_t nc = zs->cap ? zs->cap : 8;
    while (nc < zs->n + extra)
        nc *= 2;
    zone *nz = ln_realloc(zs->z, nc * sizeof *nz);
    if (!nz)
        return LN_ENOMEM;
    zs->z = nz;
    uint32_t *no = ln_realloc(zs->order, nc * sizeof *no);
    if (!no)
        return LN_ENOMEM;
    zs->order = no;
    zs->cap = nc;
    return 0;
}

/* Index of the zone with this id, or -1 (linear: one add at a time). */
static long find_id(const ln_zoneset *zs, const char *id)
{
    for (size_t i = 0; i < zs->n; i++)
        if (strcmp(zs->z[i].id, id) == 0)
            return (long)i;
    return -1;
}

/* "features[3] of a.geojson", or "zone 'x'" for one added otherwise. */
static void where_from(const zone *z, char *out, size_t n)
{
    if (z->feature >= 0)
        snprintf(out, n, "features[%ld] of %s", z->feature,
                 z->source ? z->source : "a GeoJSON buffer");
    else if (z->source)
        snprintf(out, n, "a zone from %s", z->source);
    else
        snprintf(out, n, "a zone added earlier");
}

typedef struct id_ref {
    const char *id;
    long k; /* >= 0: zone k of the set; < 0: feature -k-1 of the file */
} id_ref;

static int cmp_id_ref(const void *a, const void *b)
{
    const id_ref *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    if (c)
        return c;
    return x->k < y->k ? 1 : x->k > y->k ? -1 : 0;
}

/* Refuses a feature of g whose id is already a zone of the set (the file's
 * own duplicates: ln_geojson_check_ids). Sorts the ids: O(n log n). */
static int ids_free(const ln_zoneset *zs, const ln_geojson *g,
                    const char *name, ln_diag *diag)
{
    size_t n = zs->n + g->nfeatures;
    if (!zs->n || !g->nfeatures)
        return 0;
    id_ref *r = ln_malloc(n * sizeof *r);
    if (!r)
        return ln_diag_set(diag, LN_ENOMEM, name, 0, 0, NULL,
                           "out of memory");
    for (size_t i = 0; i < zs->n; i++)
        r[i] = (id_ref){zs->z[i].id, (long)i};
    for (size_t i = 0; i < g->nfeatures; i++)
        r[zs->n + i] = (id_ref){g->features[i].id, -(long)i - 1};
    qsort(r, n, sizeof *r, cmp_id_ref);
    int rc = 0;
    for (size_t k = 1; k < n && !rc; k++) {
        /* equal ids sort set zones (k >= 0) first */
        if (r[k].k >= 0 || r[k - 1].k < 0 ||
            strcmp(r[k].id, r[k - 1].id) != 0)
            continue;
        char path[64], w[1100];
        long fi = -r[k].k - 1;
        snprintf(path, sizeof path, "features[%ld]", fi);
        where_from(&zs->z[r[k - 1].k], w, sizeof w);
        rc = ln_diag_set(diag, LN_EZONE, name, 0, 0, path,
                         "zone id '%s' is already used by %s (ids must be "
                         "unique across files; give an \"id\")", r[k].id,
                         w);
    }
    ln_free(r);
    return rc;
}

/* Appends z (taking ownership; space reserved) and re-sorts the order. */
static void append(ln_zoneset *zs, zone *z)
{
    uint32_t i = (uint32_t)zs->n;
    zs->z[i] = *z;
    zs->z[i].info.id = z->id;
    zs->z[i].info.name = z->name;
    zs->z[i].info.source = z->source;
    zs->z[i].info.shape = z->shape;
    double x0, x1;
    ln_geo_shape_bbox(z->shape, &zs->z[i].miny, &x0, &zs->z[i].maxy, &x1);
    zs->n++;
    /* insertion into the order */
    size_t k = zs->n - 1;
    while (k > 0 && before(&zs->z[i], i, &zs->z[zs->order[k - 1]],
                           zs->order[k - 1])) {
        zs->order[k] = zs->order[k - 1];
        k--;
    }
    zs->order[k] = i;
    zs->version++;
}

int ln_zoneset_add_polygons(ln_zoneset *zs, const char *id, const char *name,
                            int action, int priority,
                            double valid_from_unix_s,
                            double valid_until_unix_s,
                            const ln_geo_polygon *polys, size_t npolys,
                            int flags, ln_diag *diag)
{
    if (!id || (action != LN_ZONE_ALLOW && action != LN_ZONE_DENY) ||
        isnan(valid_from_unix_s) || isnan(valid_until_unix_s) ||
        !(valid_until_unix_s > valid_from_unix_s))
        return ln_diag_set(diag, LN_EINVAL, NULL, 0, 0, NULL,
                           "zone '%s': bad id, action or validity window",
                           id ? id : "(null)");
    long dup = find_id(zs, id);
    if (dup >= 0) {
        char w[1100];
        where_from(&zs->z[dup], w, sizeof w);
        return ln_diag_set(diag, LN_EZONE, NULL, 0, 0, NULL,
                           "zone id '%s' is already used by %s (ids must "
                           "be unique)", id, w);
    }
    if (reserve(zs, 1))
        return ln_diag_set(diag, LN_ENOMEM, NULL, 0, 0, NULL,
                           "out of memory");
    zone z;
    memset(&z, 0, sizeof z);
    z.feature = -1;
    int rc = ln_geo_shape_new(polys, npolys, flags, &z.shape, diag);
    if (rc)
        return rc;
    z.id = ln_strdup(id);
    z.name = name ? ln_strdup(name) : NULL;
    if (!z.id || (name && !z.name)) {
        zone_clear(&z);
        return ln_diag_set(diag, LN_ENOMEM, NULL, 0, 0, NULL,
                           "out of memory");
    }
    z.info.action = action;
    z.info.priority = priority;
    z.info.valid_from_unix_s = valid_from_unix_s;
    z.info.valid_until_unix_s = valid_until_unix_s;
    append(zs, &z);
    return 0;
}

/* ---- GeoJSON zones ------------------------------------------------------ */

static int zone_props(const ln_geojson_feature *f, const char *fname,
                      zone *z, ln_diag *diag)
{
    const json_t *p = f->properties;
    char path[128];
    z->info.action = LN_ZONE_DENY;
    z->info.priority = 0;
    z->info.valid_from_unix_s = -INFINITY;
    z->info.valid_until_unix_s = INFINITY;
    if (!p)
        return 0;
    const json_t *a = json_object_get(p, "action");
    snprintf(path, sizeof path, "features[%ld].properties.action", f->index);
    if (a && !json_is_null(a)) {
        const char *s = json_is_string(a) ? json_string_value(a) : NULL;
        if (s && strcmp(s, "deny") == 0)
            z->info.action = LN_ZONE_DENY;
        else if (s && strcmp(s, "allow") == 0)
            z->info.action = LN_ZONE_ALLOW;
        else
            return ln_diag_set(diag, LN_EZONE, fname, 0, 0, path,
                               "action must be \"deny\" or \"allow\"");
    }
    const json_t *pr = json_object_get(p, "priority");
    snprintf(path, sizeof path, "features[%ld].properties.priority",
             f->index);
    if (pr && !json_is_null(pr)) {
        double v = json_is_number(pr) ? json_number_value(pr) : NAN;
        if (!(v == floor(v) && fabs(v) <= 1e9))
            return ln_diag_set(diag, LN_EZONE, fname, 0, 0, path,
                               "priority must be an integer within "
                               "+-1e9");
        z->info.priority = (int)v;
    }
    static const char *const keys[2] = {"valid_from", "valid_until"};
    for (int k = 0; k < 2; k++) {
        const json_t *v = json_object_get(p, keys[k]);
        snprintf(path, sizeof path, "features[%ld].properties.%s", f->index,
                 keys[k]);
        if (!v || json_is_null(v))
            continue;
        double t;
        if (!json_is_string(v) ||
            ln_time_parse_iso(json_string_value(v), &t) != 0)
            return ln_diag_set(diag, LN_EZONE, fname, 0, 0, path,
                               "expected an ISO 8601 UTC time "
                               "(YYYY-MM-DDTHH:MM:SSZ) or null");
        if (k == 0)
            z->info.valid_from_unix_s = t;
        else
            z->info.valid_until_unix_s = t;
    }
    if (!(z->info.valid_until_unix_s > z->info.valid_from_unix_s)) {
        snprintf(path, sizeof path, "features[%ld].properties", f->index);
        return ln_diag_set(diag, LN_EZONE, fname, 0, 0, path,
                           "valid_until is not after valid_from");
    }
    return 0;
}

int ln_zoneset_load_buffer(ln_zoneset *zs, const char *buf, size_t len,
                           const char *name, int flags, ln_diag *diag)
{
    ln_geojson g;
    int rc = ln_geojson_parse(buf, len, name, flags, &g, diag);
    if (!rc)
        rc = ln_geojson_check_ids(&g, name, diag);
    if (!rc)
        rc = ids_free(zs, &g, name, diag);
    if (rc) {
        ln_geojson_free(&g);
        return rc;
    }
    zone *nz = ln_calloc(g.nfeatures ? g.nfeatures : 1, sizeof *nz);
    if (!nz || reserve(zs, g.nfeatures)) {
        ln_free(nz);
        ln_geojson_free(&g);
        return ln_diag_set(diag, LN_ENOMEM, name, 0, 0, NULL,
                           "out of memory");
    }
    size_t made = 0;
    for (size_t i = 0; i < g.nfeatures && !rc; i++) {
        const ln_geojson_feature *f = &g.features[i];
        zone *z = &nz[i];
        rc = zone_props(f, name, z, diag);
        if (rc)
            break;
        ln_diag d2;
        ln_diag_clear(&d2);
        rc = ln_geo_shape_new(f->polys, f->npolys, flags, &z->shape, &d2);
        if (rc) {
            char path[1024];
            ln_geojson_feature_path(f, d2.path, path, sizeof path);
            ln_diag_set(diag, rc, name, 0, 0, path, "feature %ld: %s",
                        f->index, d2.msg);
            break;
        }
        made = i + 1;
        z->feature = f->index;
        z->id = ln_strdup(f->id);
        z->name = f->name ? ln_strdup(f->name) : NULL;
        z->source = name ? ln_strdup(name) : NULL;
        if (!z->id || (f->name && !z->name) || (name && !z->source))
            rc = ln_diag_set(diag, LN_ENOMEM, name, 0, 0, NULL,
                             "out of memory");
    }
    if (rc) {
        for (size_t i = 0; i < made; i++)
            zone_clear(&nz[i]);
    } else {
        for (size_t i = 0; i < g.nfeatures; i++)
            append(zs, &nz[i]);
    }
    ln_free(nz);
    ln_geojson_free(&g);
    return rc;
}

int ln_zoneset_load_geojson(ln_zoneset *zs, const char *path, int flags,
                            ln_diag *diag)
{
    char *buf;
    size_t len;
    int rc = ln_read_file(path, LN_GEOJSON_MAX_BYTES, &buf, &len, diag);
    if (rc)
        return rc;
    rc = ln_zoneset_load_buffer(zs, buf, len, path, flags, diag);
    ln_free(buf);
    return rc;
}

/* ---- decisions ---------------------------------------------------------- */

ln_zone_decision ln_zoneset_decide_deg(const ln_zoneset *zs, double lat_deg,
                                       double lon_deg, double t_unix_s)
{
    int any_t = isnan(t_unix_s);
    for (size_t k = 0; k < zs->n; k++) {
        const zone *z = &zs->z[zs->order[k]];
        if (!(lat_deg >= z->miny && lat_deg <= z->maxy))
            continue;
        if (!any_t && !(t_unix_s >= z->info.valid_from_unix_s &&
                        t_unix_s < z->info.valid_until_unix_s))
            continue;
        if (ln_geo_shape_contains_deg(z->shape, lat_deg, lon_deg)) {
            ln_zone_decision d = {z->info.action, (int)zs->order[k], z->id};
            return d;
        }
    }
    ln_zone_decision d = {zs->default_action, -1, NULL};
    return d;
}

ln_zone_decision ln_zoneset_decide(const ln_zoneset *zs, double lat_rad,
                                   double lon_rad, double t_unix_s)
{
    return ln_zoneset_decide_deg(zs, lat_rad * LN_RAD2DEG,
                                 lon_rad * LN_RAD2DEG, t_unix_s);
}

#define CHUNK 2048

/* Decides points [0, n) of one chunk, zone by zone (the order of
 * evaluation), so each zone's grid is scanned by the batch kernel. */
static void decide_chunk(const ln_zoneset *zs, size_t n, const double *lat,
                         const double *lon, const double *t, double t0,
                         ln_zone_decision *out, double scale)
{
    double xd[CHUNK], yd[CHUNK];
    uint32_t und[CHUNK], tst[CHUNK], keep[CHUNK];
    uint8_t in[CHUNK];
    size_t nu = n;
    for (size_t i = 0; i < n; i++) {
        xd[i] = lon[i] * scale;
        yd[i] = lat[i] * scale;
        und[i] = (uint32_t)i;
        out[i].action = zs->default_action;
        out[i].zone = -1;
        out[i].zone_id = NULL;
    }
    for (size_t k = 0; k < zs->n && nu > 0; k++) {
        const zone *z = &zs->z[zs->order[k]];
        double f = z->info.valid_from_unix_s, u = z->info.valid_until_unix_s;
        size_t nt = 0, nk = 0;
        if (!t) {
            if (!isnan(t0) && !(t0 >= f && t0 < u))
                continue;
        } else {
            for (size_t q = 0; q < nu; q++) {
                double tq = t[und[q]];
                if (isnan(tq) || (tq >= f && tq < u))
                    tst[nt++] = und[q];
                else
                    keep[nk++] = und[q];
            }
        }
        const uint32_t *list = t ? tst : und;
        size_t nl = t ? nt : nu;
        ln_geo_shape_contains_many_deg(z->shape, nl, yd, xd, list, in);
        for (size_t q = 0; q < nl; q++) {
            if (in[q]) {
                ln_zone_decision *d = &out[list[q]];
                d->action = z->info.action;
                d->zone = (int)zs->order[k];
                d->zone_id = z->id;
            } else {
                keep[nk++] = list[q];
            }
        }
        memcpy(und, keep, nk * sizeof *und);
        nu = nk;
    }
}

static void batch(const ln_zoneset *zs, size_t n, const double *lat,
                  const double *lon, const double *t, double t0,
                  ln_zone_decision *out, int nthreads, double scale)
{
    if (nthreads <= 0)
        nthreads = omp_get_max_threads();
    if (n < 4 * CHUNK)
        nthreads = 1;
    long nch = (long)((n + CHUNK - 1) / CHUNK);
#pragma omp parallel for num_threads(nthreads) schedule(static)
    for (long c = 0; c < nch; c++) {
        size_t i0 = (size_t)c * CHUNK;
        size_t m = n - i0 < CHUNK ? n - i0 : CHUNK;
        decide_chunk(zs, m, lat + i0, lon + i0, t ? t + i0 : NULL, t0,
                     out + i0, scale);
    }
}

void ln_zoneset_decide_batch(const ln_zoneset *zs, size_t n,
                             const double *lat_rad, const double *lon_rad,
                             const double *t_unix_s, double t0_unix_s,
                             ln_zone_decision *out, int nthreads)
{
    batch(zs, n, lat_rad, lon_rad, t_unix_s, t0_unix_s, out, nthreads,
          LN_RAD2DEG);
}

void ln_zoneset_decide_batch_deg(const ln_zoneset *zs, size_t n,
                                 const double *lat_deg,
                                 const double *lon_deg,
                                 const double *t_unix_s, double t0_unix_s,
                                 ln_zone_decision *out, int nthreads)
{
    batch(zs, n, lat_deg, lon_deg, t_unix_s, t0_unix_s, out, nthreads, 1.0);
}

int ln_zoneset_diff(const ln_zoneset *before_zs, const ln_zoneset *after_zs,
                    size_t n, const double *lat_deg, const double *lon_deg,
                    double t_unix_s, size_t **changed, size_t *nchanged)
{
    *changed = NULL;
    *nchanged = 0;
    size_t cap = 0;
    for (size_t i = 0; i < n; i++) {
        ln_zone_decision a = ln_zoneset_decide_deg(before_zs, lat_deg[i],
                                                   lon_deg[i], t_unix_s);
        ln_zone_decision b = ln_zoneset_decide_deg(after_zs, lat_deg[i],
                                                   lon_deg[i], t_unix_s);
        int same = a.action == b.action &&
                   ((!a.zone_id && !b.zone_id) ||
                    (a.zone_id && b.zone_id &&
                     strcmp(a.zone_id, b.zone_id) == 0));
        if (same)
            continue;
        if (*nchanged == cap) {
            size_t nc = cap ? cap * 2 : 256;
            size_t *nv = ln_realloc(*changed, nc * sizeof *nv);
            if (!nv) {
                ln_free(*changed);
                *changed = NULL;
                *nchanged = 0;
                return LN_ENOMEM;
            }
            *changed = nv;
            cap = nc;
        }
        (*changed)[(*nchanged)++] = i;
    }
    return 0;
}
