/*
 * sqlite_zones.c - the SQLite driver's zones: one version of the set per
 * ln_store_put_zones (a row of zone_sets), one row per zone and version
 * (zones, key (id, version)). The set in force as of version V is, for
 * each zone id, its row with the highest version <= V, left out when
 * that row deletes the zone. Bodies are kept as uploaded (BLOB).
 */
#include <jansson.h>
#include <math.h>
#include <string.h>
#include <time.h>

#include "store/sqlite_int.h"

/* The rows of a new zone set version in the writer's open transaction
 * (wmu held); *rec gets the audit record {"version", "zones": [...]}
 * (NULL on error). Used by put_zones and by a granted zone change
 * (sqlite_trust.c). */
int ln__sq_put_zones_tx(sq *s, const ln_st_zone *z, size_t n,
                        int64_t *version, json_t **rec)
{
    *rec = NULL;
    *version = 0;
    sqlite3_stmt *q = ln__sq_stmt(s->w, SQ_NEW_ZONESET);
    if (!q)
        return LN_ESTORE;
    sqlite3_bind_double(q, 1, (double)time(NULL));
    int rc = ln__sq_step_write(s, q, "new zone set");
    int64_t v = rc ? 0 : sqlite3_last_insert_rowid(s->w->db);
    json_t *arr = json_array();
    if (!rc && !arr)
        rc = ln__store_err(LN_ENOMEM, "store: out of memory");
    for (size_t i = 0; !rc && i < n; i++) {
        if (!(q = ln__sq_stmt(s->w, SQ_PUT_ZONE))) {
            rc = LN_ESTORE;
            break;
        }
        sqlite3_bind_text(q, 1, z[i].id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(q, 2, v);
        sqlite3_bind_int(q, 3, z[i].kind);
        sqlite3_bind_int(q, 4, z[i].action);
        sqlite3_bind_int(q, 5, z[i].priority);
        sqlite3_bind_int(q, 6, z[i].deleted ? 1 : 0);
        sqlite3_bind_double(q, 7, z[i].valid_from_unix_s);
        sqlite3_bind_double(q, 8, z[i].valid_until_unix_s);
        sqlite3_bind_blob64(q, 9, z[i].body ? z[i].body : "",
                            z[i].body_len, SQLITE_STATIC);
        rc = ln__sq_step_write(s, q, "put zone");
        if (rc == LN_ECONFLICT)
            rc = ln__store_err(LN_ECONFLICT, "store: zone '%s' twice in "
                               "one version", z[i].id);
        if (!rc && json_array_append_new(arr, ln__sq_rec_zone(&z[i], v)))
            rc = ln__store_err(LN_ENOMEM, "store: out of memory");
    }
    json_t *o = rc ? NULL : json_object();
    if (!rc && (!o || json_object_set_new(o, "version", json_integer(v)) ||
                json_object_set(o, "zones", arr)))
        rc = ln__store_err(LN_ENOMEM, "store: out of memory");
    json_decref(arr);
    if (rc) {
        json_decref(o);
        return rc;
    }
    *rec = o;
    *version = v;
    return LN_OK;
}

int ln__sq_put_zones(void *impl, const ln_st_zone *z, size_t n,
                     int64_t *version)
{
    sq *s = impl;
    pthread_mutex_lock(&s->wmu);
    json_t *rec = NULL;
    int64_t v = 0;
    int rc = ln__sq_begin(s);
    if (!rc)
        rc = ln__sq_put_zones_tx(s, z, n, &v, &rec);
    if (!rc)
        rc = ln__sq_audit_leaf(s, "zones", rec);
    rc = ln__sq_audit_end(s, rc);
    pthread_mutex_unlock(&s->wmu);
    *version = rc ? 0 : v;
    return rc;
}

static int64_t col64(sqlite3_stmt *q, int i) { return sqlite3_column_int64(q, i); }

/* The version in force as of as_of (0: the latest) into *v. */
static int zone_version(sq_conn *c, int64_t as_of, int64_t *v)
{
    sqlite3_stmt *q = ln__sq_stmt(c, as_of ? SQ_HAS_ZONESET : SQ_MAX_ZONESET);
    if (!q)
        return LN_ESTORE;
    if (as_of)
        sqlite3_bind_int64(q, 1, as_of);
    int r = sqlite3_step(q);
    int rc = LN_OK;
    if (r == SQLITE_ROW)
        *v = as_of ? as_of : col64(q, 0);
    else if (r == SQLITE_DONE)
        rc = ln__store_err(LN_ENOTFOUND, "store: no zone set version %lld",
                           (long long)as_of);
    else
        rc = ln__sq_fail(c, r, "zone version");
    sqlite3_reset(q);
    return rc;
}

/* Appends the row of q to *out (grown by doubling). */
static int zone_row(sqlite3_stmt *q, ln_st_zone **out, size_t *n,
                    size_t *cap)
{
    if (*n == *cap) {
        size_t nc = *cap ? 2 * *cap : 16;
        ln_st_zone *g = ln_realloc(*out, nc * sizeof *g);
        if (!g)
            return LN_ENOMEM;
        *out = g;
        *cap = nc;
    }
    ln_st_zone *z = &(*out)[*n];
    memset(z, 0, sizeof *z);
    ln__sq_text(q, 0, z->id, sizeof z->id);
    z->version = col64(q, 1);
    z->kind = sqlite3_column_int(q, 2);
    z->action = sqlite3_column_int(q, 3);
    z->priority = sqlite3_column_int(q, 4);
    z->deleted = sqlite3_column_int(q, 5);
    z->valid_from_unix_s = sqlite3_column_type(q, 6) == SQLITE_NULL
                               ? -INFINITY : sqlite3_column_double(q, 6);
    z->valid_until_unix_s = sqlite3_column_type(q, 7) == SQLITE_NULL
                                ? INFINITY : sqlite3_column_double(q, 7);
    size_t len = (size_t)sqlite3_column_bytes(q, 8);
    const void *b = sqlite3_column_blob(q, 8);
    z->body = ln_malloc(len + 1); /* NUL-terminated for the parsers */
    if (!z->body)
        return LN_ENOMEM;
    if (len)
        memcpy(z->body, b, len);
    z->body[len] = 0;
    z->body_len = len;
    (*n)++;
    return LN_OK;
}

int ln__sq_get_zones(void *impl, int64_t as_of, ln_st_zone **out, size_t *n,
                     int64_t *version)
{
    sq *s = impl;
    sq_conn *c = ln__sq_reader(s);
    if (!c)
        return LN_ESTORE;
    int rc = sqlite3_exec(c->db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK
                 ? LN_OK : ln__sq_fail(c, sqlite3_errcode(c->db), "begin");
    int64_t v = 0;
    if (!rc)
        rc = zone_version(c, as_of, &v);
    sqlite3_stmt *q = rc ? NULL : ln__sq_stmt(c, SQ_GET_ZONES);
    size_t cap = 0;
    if (q) {
        sqlite3_bind_int64(q, 1, v);
        int r;
        while (!rc && (r = sqlite3_step(q)) == SQLITE_ROW)
            rc = zone_row(q, out, n, &cap);
        if (!rc && r != SQLITE_DONE)
            rc = ln__sq_fail(c, r, "get zones");
        sqlite3_reset(q);
    } else if (!rc) {
        rc = LN_ESTORE;
    }
    sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL);
    ln__sq_put_reader(s, c);
    if (rc) {
        ln_st_zones_free(*out, *n);
        *out = NULL;
        *n = 0;
        v = 0;
    }
    *version = v;
    return rc;
}
