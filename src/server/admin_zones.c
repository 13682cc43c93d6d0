/*
 * admin_zones.c - /v1/zones (docs/api-admin.md): the zone set in force,
 * as of a version, one zone with its history; an upload of GeoJSON
 * zones and a deletion, each stored as one new version of the set and
 * then read back by the daemon (srv_reload_zones), so the next decision
 * uses it.
 *
 * Upload. The body is a GeoJSON FeatureCollection, one zone a Feature
 * (properties id, name, action, priority, valid_from, valid_until, as
 * zone.h reads them). It is checked whole before anything is stored:
 * first by the same reader the daemon loads zones with
 * (ln_zoneset_load_buffer into a scratch set: JSON, geometry, zone
 * properties, ids unique in the upload), then for what the store needs
 * (every zone has an id, 1..63 path-safe characters). Any error answers
 * 400 naming the member path and its line and column, and the set in
 * force stays as it was (no version written). Each zone is stored as
 * its own Feature text; zones of the set not in the upload stay, unless
 * ?replace=true, which removes them in the same version.
 *
 * History. The store keeps every version; a zone's history is read by
 * asking for the set as of each of the last ADM_HISTORY_MAX versions
 * (one query each: bounded, and zone uploads are rare).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leonet/core.h"
#include "leonet/zone.h"
#include "server/admin.h"
#include "server/trust_int.h"

#define ADM_HISTORY_MAX 1000 /* versions a zone's history looks back */

/* 400 for a diagnostic of the zone reader, with line and column (found
 * from the member path when the reader gave only the path). */
static int bad_upload(srv_resp *rs, const srv_req *rq, const ln_diag *d)
{
    long line = d->line, col = d->col;
    if (line <= 0 && d->path[0])
        ln_json_locate(rq->body, rq->body_len, d->path, &line, &col);
    const char *member = d->path[0] ? d->path : "body";
    if (line > 0)
        return srv_error(rs, 400, member, "line %ld, column %ld: %s%s%s",
                         line, col, d->path, d->path[0] ? ": " : "",
                         d->msg);
    return srv_error(rs, 400, member, "%s%s%s", d->path,
                     d->path[0] ? ": " : "", d->msg);
}

/* 400 about a member of the upload, located in the body. */
static int bad_member(srv_resp *rs, const srv_req *rq, const char *path,
                      const char *msg)
{
    ln_diag d;
    ln_diag_clear(&d);
    snprintf(d.path, sizeof d.path, "%s", path);
    snprintf(d.msg, sizeof d.msg, "%s", msg);
    return bad_upload(rs, rq, &d);
}

/* 1 when id can be stored and named in a path: 1..63 printable ASCII
 * characters without space, '?', '%', '#' or backslash, and at most one '/'
 * between two non-empty parts (the engine names a zone of a scenario
 * file "<zone id>/<feature id>": /v1/zones/{id}/{sub} reaches it). */
static int id_safe(const char *id)
{
    size_t n = strlen(id);
    int slashes = 0;
    if (n == 0 || n >= LN_ST_ID || id[0] == '/' || id[n - 1] == '/')
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)id[i];
        if (c < 0x21 || c >= 0x7f || c == '?' || c == '%' || c == '#' ||
            c == '\\')
            return 0;
        slashes += c == '/';
    }
    return slashes <= 1 && !strstr(id, "/.") && strcmp(id, ".") &&
           strcmp(id, "..") && strncmp(id, "./", 2) && strncmp(id, "../", 3);
}

/* The zone id a path names: {id}, or {id}/{sub} for an id with a '/'.
 * 0, or 404 and -1 when it is too long. */
static int path_zone_id(const srv_req *rq, srv_resp *rs, char *id)
{
    int k = rq->nparam > 1
                ? snprintf(id, LN_ST_ID, "%s/%s", rq->param[0], rq->param[1])
                : snprintf(id, LN_ST_ID, "%s", rq->param[0]);
    if (k < 0 || k >= LN_ST_ID) {
        srv_error(rs, 404, "id", "no zone with an id this long");
        return -1;
    }
    return 0;
}

/* The compact text of a JSON value, ln_malloc'd, NUL-terminated. */
static char *dump(const json_t *v, size_t *len)
{
    size_t n = json_dumpb(v, NULL, 0, JSON_COMPACT);
    char *b = n ? ln_malloc(n + 1) : NULL;
    if (!b)
        return NULL;
    json_dumpb(v, b, n, JSON_COMPACT);
    b[n] = '\0';
    *len = n;
    return b;
}

static void free_bodies(ln_st_zone *z, size_t n)
{
    for (size_t i = 0; i < n; i++)
        ln_free(z[i].body);
    ln_free(z);
}

/* Checks what the store needs of feature i (the scratch set's zone i)
 * and fills its record: 0, or 400 and -1. */
static int zone_record(srv_resp *rs, const srv_req *rq, json_t *feat,
                       size_t i, const ln_zone_info *zi, ln_st_zone *z)
{
    char path[64];
    json_t *props = json_object_get(feat, "properties");
    if (!json_object_get(feat, "id") &&
        !json_object_get(json_is_object(props) ? props : NULL, "id")) {
        snprintf(path, sizeof path, "features[%zu]", i);
        bad_member(rs, rq, path,
                   "a zone needs an id (properties.id or the Feature's id)");
        return -1;
    }
    if (!id_safe(zi->id)) {
        snprintf(path, sizeof path, "features[%zu].properties.id", i);
        bad_member(rs, rq, path,
                   "id must be 1 to 63 printable ASCII characters without "
                   "space, '?', '%', '#' or '\\', and at most one '/' "
                   "between two parts");
        return -1;
    }
    memset(z, 0, sizeof *z);
    snprintf(z->id, sizeof z->id, "%s", zi->id);
    z->kind = 0;
    z->action = zi->action;
    z->priority = zi->priority;
    z->valid_from_unix_s = zi->valid_from_unix_s;
    z->valid_until_unix_s = zi->valid_until_unix_s;
    z->body = dump(feat, &z->body_len);
    if (!z->body) {
        srv_error(rs, 500, NULL, "out of memory");
        return -1;
    }
    return 0;
}

/* The zones of the upload as store records (n of them), then, with
 * replace, a deletion record for every zone in force not uploaded:
 * 0, or an answer and -1. */
static int add_replaced(srv *s, srv_resp *rs, ln_st_zone **zp, size_t *np)
{
    ln_st_zone *cur = NULL;
    size_t ncur = 0;
    int64_t v = 0;
    int rc = ln_store_get_zones(srv_store(s), 0, &cur, &ncur, &v);
    if (rc) {
        adm_store_error(rs, rc, "zones");
        return -1;
    }
    ln_st_zone *z = ln_realloc(*zp, (*np + ncur + 1) * sizeof *z);
    if (!z) {
        ln_st_zones_free(cur, ncur);
        srv_error(rs, 500, NULL, "out of memory");
        return -1;
    }
    *zp = z;
    size_t n = *np;
    for (size_t k = 0; k < ncur; k++) {
        int kept = 0;
        for (size_t i = 0; i < *np && !kept; i++)
            kept = strcmp(z[i].id, cur[k].id) == 0;
        if (kept)
            continue;
        z[n] = cur[k];
        z[n].deleted = 1;
        z[n].body = ln_strdup(""); /* a removal carries no geometry */
        z[n].body_len = 0;
        if (!z[n].body) {
            *np = n;
            ln_st_zones_free(cur, ncur);
            srv_error(rs, 500, NULL, "out of memory");
            return -1;
        }
        n++;
    }
    *np = n;
    ln_st_zones_free(cur, ncur);
    return 0;
}

static json_t *zone_summary(const ln_st_zone *z, const char *name)
{
    json_t *o = json_pack(
        "{s:s, s:s, s:s, s:i, s:o, s:o, s:I}", "id", z->id, "kind",
        z->kind == 1 ? "cells" : "geojson", "action",
        ln_zone_action_name(z->action), "priority", z->priority,
        "valid_from", adm_time_json(z->valid_from_unix_s), "valid_until",
        adm_time_json(z->valid_until_unix_s), "version",
        (json_int_t)z->version);
    if (o)
        json_object_set_new(o, "name", name ? json_string(name)
                                            : json_null());
    return o;
}

/* The zone's Feature as stored (NULL for a cell list or bad text). */
static json_t *zone_feature(const ln_st_zone *z)
{
    if (z->kind != 0 || !z->body)
        return NULL;
    return json_loadb(z->body, z->body_len, 0, NULL);
}

static json_t *zone_json(const ln_st_zone *z)
{
    json_t *f = zone_feature(z);
    json_t *p = f ? json_object_get(f, "properties") : NULL;
    json_t *nm = p ? json_object_get(p, "name") : NULL;
    json_t *o = zone_summary(z, json_is_string(nm) ? json_string_value(nm)
                                                   : NULL);
    json_decref(f);
    return o;
}

static int upload(srv *s, const srv_req *rq, srv_resp *rs, json_t *root,
                  const ln_zoneset *zs)
{
    const char *type = json_string_value(json_object_get(root, "type"));
    json_t *feats = json_object_get(root, "features");
    size_t n = json_array_size(feats);
    if (!type || strcmp(type, "FeatureCollection") != 0)
        return bad_member(rs, rq, "type", "the upload must be a GeoJSON "
                                          "FeatureCollection");
    if (n == 0 || n != ln_zoneset_count(zs))
        return bad_member(rs, rq, "features",
                          "a FeatureCollection of at least one zone");
    ln_st_zone *z = ln_calloc(n, sizeof *z);
    if (!z)
        return srv_error(rs, 500, NULL, "out of memory");
    size_t made = 0;
    for (; made < n; made++)
        if (zone_record(rs, rq, json_array_get(feats, made), made,
                        ln_zoneset_zone(zs, made), &z[made]))
            break;
    const char *rep = srv_query(rq, "replace");
    int replace = rep && (strcmp(rep, "true") == 0 || strcmp(rep, "1") == 0);
    if (made < n || (replace && add_replaced(s, rs, &z, &made)) ||
        srv_trust_gate_zones(s, rq, rs, z, made)) { /* issue 15: 409 */
        free_bodies(z, made);
        return 0;
    }
    int64_t version = 0;
    int rc = ln_store_put_zones(srv_store(s), z, made, &version);
    if (rc) {
        free_bodies(z, made);
        return adm_store_error(rs, rc, "zones");
    }
    json_t *list = json_array();
    for (size_t i = 0; i < made; i++) {
        z[i].version = version;
        if (!z[i].deleted)
            json_array_append_new(list, zone_json(&z[i]));
    }
    free_bodies(z, made);
    rc = srv_reload_zones(s);
    if (rc) {
        json_decref(list);
        return srv_error(rs, 500, NULL, "zones stored as version %lld, but "
                         "the daemon could not load them: %s",
                         (long long)version, ln_strerror(rc));
    }
    return srv_ok(rs, 201, json_pack("{s:I, s:o}", "version",
                                     (json_int_t)version, "zones", list));
}

int adm_zones_post(srv *s, const srv_req *rq, srv_resp *rs)
{
    ln_zoneset *zs = NULL;
    if (ln_zoneset_new(LN_ZONE_ALLOW, &zs))
        return srv_error(rs, 500, NULL, "out of memory");
    ln_diag d;
    ln_diag_clear(&d);
    int rc = ln_zoneset_load_buffer(zs, rq->body ? rq->body : "",
                                    rq->body ? rq->body_len : 0, NULL, 0,
                                    &d);
    if (rc) {
        ln_zoneset_free(zs);
        return bad_upload(rs, rq, &d);
    }
    json_t *root = json_loadb(rq->body, rq->body_len, 0, NULL);
    rc = root ? upload(s, rq, rs, root, zs)
              : srv_error(rs, 400, "body", "not JSON");
    json_decref(root);
    ln_zoneset_free(zs);
    return rc;
}

/* ?version=N: 0 (N or 0 for the latest), or 400 and -1. */
static int query_version(const srv_req *rq, srv_resp *rs, int64_t *v)
{
    const char *q = srv_query(rq, "version");
    *v = 0;
    if (!q)
        return 0;
    char *end;
    long long x = strtoll(q, &end, 10);
    if (!*q || *end || x < 1) {
        srv_error(rs, 400, "version", "version must be an integer from 1");
        return -1;
    }
    *v = x;
    return 0;
}

int adm_zones_get(srv *s, const srv_req *rq, srv_resp *rs)
{
    int64_t want;
    if (query_version(rq, rs, &want))
        return 0;
    ln_st_zone *z = NULL;
    size_t n = 0;
    int64_t v = 0;
    int rc = ln_store_get_zones(srv_store(s), want, &z, &n, &v);
    if (rc == 0 && want > 0 && v < want) {
        ln_st_zones_free(z, n);
        rc = LN_ENOTFOUND;
    }
    if (rc == LN_ENOTFOUND)
        return srv_error(rs, 404, "version", "no zone set version %lld",
                         (long long)want);
    if (rc)
        return adm_store_error(rs, rc, "zones");
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, zone_json(&z[i]));
    ln_st_zones_free(z, n);
    return srv_ok(rs, 200, json_pack("{s:I, s:o}", "version",
                                     (json_int_t)v, "zones", list));
}

/* The zone's record in the set as of version v (0 latest): 1 found (*out
 * gets a copy whose body the caller frees with ln_free), 0 not, < 0
 * a store error. *latest gets the set's version. */
static int find_zone(ln_store *st, const char *id, int64_t v,
                     ln_st_zone *out, int64_t *latest)
{
    ln_st_zone *z = NULL;
    size_t n = 0;
    int rc = ln_store_get_zones(st, v, &z, &n, latest);
    if (rc)
        return rc;
    int found = 0;
    for (size_t i = 0; i < n && !found; i++) {
        if (strcmp(z[i].id, id) != 0)
            continue;
        *out = z[i];
        out->body = NULL;
        if (z[i].body) {
            out->body = ln_malloc(z[i].body_len + 1);
            if (!out->body) {
                ln_st_zones_free(z, n);
                return LN_ENOMEM;
            }
            memcpy(out->body, z[i].body, z[i].body_len);
            out->body[z[i].body_len] = '\0';
        }
        found = 1;
    }
    ln_st_zones_free(z, n);
    return found;
}

/* The zone's versions, oldest first: where it was written and where it
 * was removed, within the last ADM_HISTORY_MAX versions of the set. */
static int history(ln_store *st, const char *id, int64_t latest,
                   json_t *out)
{
    int64_t first = latest > ADM_HISTORY_MAX ? latest - ADM_HISTORY_MAX + 1
                                             : 1;
    int64_t seen = -1; /* version of the record in force before, -1 none */
    for (int64_t v = first; v <= latest; v++) {
        ln_st_zone z;
        int64_t vv;
        int f = find_zone(st, id, v, &z, &vv);
        if (f < 0)
            return f;
        if (f) {
            ln_free(z.body);
            if (z.version != seen) {
                json_t *e = zone_summary(&z, NULL);
                json_object_del(e, "name");
                json_object_set_new(e, "deleted", json_false());
                json_array_append_new(out, e);
            }
            seen = z.version;
        } else if (seen >= 0) {
            json_array_append_new(out, json_pack("{s:s, s:I, s:b}", "id",
                                                 id, "version",
                                                 (json_int_t)v, "deleted",
                                                 1));
            seen = -1;
        }
    }
    return 0;
}

int adm_zone_get(srv *s, const srv_req *rq, srv_resp *rs)
{
    char id[LN_ST_ID];
    if (path_zone_id(rq, rs, id))
        return 0;
    ln_store *st = srv_store(s);
    ln_st_zone z;
    int64_t latest = 0;
    int f = find_zone(st, id, 0, &z, &latest);
    if (f < 0)
        return adm_store_error(rs, f, "zone");
    json_t *hist = json_array();
    int rc = history(st, id, latest, hist);
    if (rc) {
        json_decref(hist);
        if (f)
            ln_free(z.body);
        return adm_store_error(rs, rc, "zone history");
    }
    if (!f && json_array_size(hist) == 0) {
        json_decref(hist);
        return srv_error(rs, 404, "id", "no zone '%s'", id);
    }
    json_t *o;
    if (f) {
        o = zone_json(&z);
        json_t *feat = zone_feature(&z);
        json_object_set_new(o, "feature", feat ? feat : json_null());
        if (z.kind == 1)
            json_object_set_new(o, "cells", json_stringn(z.body ? z.body : "",
                                                         z.body_len));
        ln_free(z.body);
    } else {
        o = json_pack("{s:s, s:n}", "id", id, "feature");
    }
    json_object_set_new(o, "in_force", json_boolean(f));
    json_object_set_new(o, "set_version", json_integer(latest));
    json_object_set_new(o, "history", hist);
    return srv_ok(rs, 200, o);
}

int adm_zone_delete(srv *s, const srv_req *rq, srv_resp *rs)
{
    char id[LN_ST_ID];
    if (path_zone_id(rq, rs, id))
        return 0;
    ln_store *st = srv_store(s);
    ln_st_zone z;
    int64_t latest = 0;
    int f = find_zone(st, id, 0, &z, &latest);
    if (f < 0)
        return adm_store_error(rs, f, "zone");
    if (!f)
        return srv_error(rs, 404, "id", "no zone '%s' in force", id);
    ln_free(z.body);
    z.body = ln_strdup(""); /* a removal carries no geometry */
    z.body_len = 0;
    z.deleted = 1;
    if (z.body && srv_trust_gate_zones(s, rq, rs, &z, 1)) { /* 409 */
        ln_free(z.body);
        return 0;
    }
    int64_t version = 0;
    int rc = z.body ? ln_store_put_zones(st, &z, 1, &version) : LN_ENOMEM;
    ln_free(z.body);
    if (rc)
        return adm_store_error(rs, rc, "zone");
    rc = srv_reload_zones(s);
    if (rc)
        return srv_error(rs, 500, NULL, "zone deleted in version %lld, but "
                         "the daemon could not reload the zones: %s",
                         (long long)version, ln_strerror(rc));
    return srv_ok(rs, 200, json_pack("{s:s, s:I, s:b}", "id", id, "version",
                                     (json_int_t)version, "deleted", 1));
}
