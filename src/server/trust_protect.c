/*
 * trust_protect.c - the gates an operator's direct action meets when a
 * contract protects its target (docs/api-trust.md): suspending a
 * protected account, and zone uploads/deletes that would meet a
 * contract's scope. A gate answers 409 naming the contract and the kind
 * of change request needed (POST /v1/changes), and logs the attempt as
 * an "attempt" leaf of the audit log (ln_store_audit_append):
 *   {"action": "suspend"|"zones"|"kill", "targets": [...],
 *    "refused": "protected by contract X", "by": ACTOR, ...}
 *
 * Zones meet a scope when: a zone id (uploaded or deleted) is named in a
 * contract's scope.zones; a new deny zone covers the last position of a
 * protected terminal; a new deny zone meets a contract's region; the
 * change (any upload or delete, the whole zone set decided before and
 * after it) turns a protected terminal's last position from allowed to
 * denied (a removed or shrunk allow zone: found in review). The
 * region test is by vertices (a zone vertex in the region, or a region
 * vertex in the zone): LN-DEV: two areas that cross without either
 * holding a vertex of the other are missed (a full polygon intersection
 * is not in src/geo); the terminal test above still catches a deny zone
 * over a protected terminal.
 *
 * Also the part's small helpers (actor, attempt leaf, store errors) and
 * the check of a request's "zone" member (trust_zone_record).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leonet/geofence.h"
#include "server/core.h"
#include "server/trust_int.h"

void trust_actor(const srv_req *rq, char *buf, size_t n)
{
    if (!rq->auth) {
        snprintf(buf, n, "anonymous");
        return;
    }
    snprintf(buf, n, "%s:token:%lld", ln_role_name(rq->auth->role),
             (long long)rq->auth->cred);
}

int trust_json_has(const json_t *arr, const char *s)
{
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const char *v = json_string_value(json_array_get(arr, i));
        if (v && !strcmp(v, s))
            return 1;
    }
    return 0;
}

int trust_store_error(srv *s, srv_resp *rs, int rc, const char *what)
{
    const char *m = ln_store_errmsg(srv_store(s));
    switch (rc) {
    case LN_ENOTFOUND:
        return srv_error(rs, 404, what, "%s: not found", what);
    case LN_ECONFLICT:
        return srv_error(rs, 409, what, "%s: %s", what,
                         m && m[0] ? m : "conflicts with a stored record");
    case LN_ESTORE_FULL:
        return srv_error(rs, 503, NULL, "%s: the store is full", what);
    case LN_EUNSUPPORTED:
        return srv_error(rs, 503, NULL, "%s: this store has no contracts "
                                        "yet", what);
    default:
        return srv_error(rs, 503, NULL, "%s: the store failed (%s: %s)",
                         what, ln_strerror(rc), m ? m : "");
    }
}

int trust_log_attempt(srv *s, const srv_req *rq, const char *action,
                      json_t *targets, const char *refused, json_t *extra)
{
    char by[128];
    trust_actor(rq, by, sizeof by);
    json_t *o = json_pack("{s:s, s:o, s:s, s:s}", "action", action,
                          "targets", targets ? targets : json_array(),
                          "refused", refused, "by", by);
    if (o && extra)
        json_object_update(o, extra);
    json_decref(extra);
    char *t = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(o);
    int rc = t ? ln_store_audit_append(srv_store(s), t, strlen(t), NULL)
               : LN_ENOMEM;
    if (rc)
        srv__log(s, "warn", "trust: attempt not logged: %s",
                 ln_strerror(rc));
    free(t); /* jansson's: plain malloc outside an arena (arena.c) */
    return rc;
}

/* 409 for a gated action; logs it. Returns -1. */
static int refuse(srv *s, const srv_req *rq, srv_resp *rs, const char *what,
                  const char *target, const char *contract,
                  const char *kind, const char *why)
{
    char refused[256];
    snprintf(refused, sizeof refused, "protected by contract %s",
             contract);
    trust_log_attempt(s, rq, what, json_pack("[s]", target), refused,
                      json_pack("{s:s, s:s}", "contract", contract, "needs",
                                kind));
    srv_error(rs, 409, "contract",
              "%s: %s is protected by contract %s (%s): submit a change "
              "request of kind \"%s\" (POST /v1/changes)",
              what, target, contract, why, kind);
    return -1;
}

int srv_trust_gate_suspend(srv *s, const srv_req *rq, srv_resp *rs,
                           const char *account)
{
    trust_state *T = trust_get(s);
    if (!T)
        return 0;
    char cid[LN_ST_ID] = "";
    pthread_rwlock_rdlock(&T->lk);
    for (size_t i = 0; i < T->ncon && !cid[0]; i++)
        if (ln_trust_contract_protects(T->con[i].c, account, NULL, NULL))
            snprintf(cid, sizeof cid, "%s", T->con[i].id);
    pthread_rwlock_unlock(&T->lk);
    if (!cid[0])
        return 0;
    return refuse(s, rq, rs, "suspend", account, cid, "suspend",
                  "its scope names the account");
}

/* ---- zones -------------------------------------------------------------- */

typedef int (*vertex_fn)(void *user, double lat_deg, double lon_deg);

/* Calls fn on every [lon, lat] position of a GeoJSON value; stops at a
 * non-zero answer, which it returns. */
static int vertices(const json_t *v, vertex_fn fn, void *user, int depth)
{
    if (depth > 32)
        return 0;
    if (json_is_array(v)) {
        if (json_array_size(v) >= 2 && json_is_number(json_array_get(v, 0)))
            return fn(user, json_number_value(json_array_get(v, 1)),
                      json_number_value(json_array_get(v, 0)));
        for (size_t i = 0; i < json_array_size(v); i++) {
            int r = vertices(json_array_get(v, i), fn, user, depth + 1);
            if (r)
                return r;
        }
        return 0;
    }
    static const char *const mem[] = {"coordinates", "geometry",
                                      "geometries", "features", NULL};
    for (const char *const *m = mem; json_is_object(v) && *m; m++) {
        int r = vertices(json_object_get(v, *m), fn, user, depth + 1);
        if (r)
            return r;
    }
    return 0;
}

static int in_region(void *user, double lat, double lon)
{
    return ln_trust_contract_covers_deg(user, lat, lon);
}

static int in_set(void *user, double lat, double lon)
{
    return ln_zoneset_decide_deg(user, lat, lon, NAN).action == LN_ZONE_DENY;
}

/* The zone's area as a deny set (NULL when it has none). */
static ln_zoneset *zone_set(const ln_st_zone *z)
{
    ln_zoneset *zs = NULL;
    ln_geojson gj;
    ln_diag d;
    if (z->kind != 0 || ln_zoneset_new(LN_ZONE_ALLOW, &zs))
        return zs;
    if (ln_geojson_parse(z->body, z->body_len, z->id, 0, &gj, &d))
        return zs;
    for (size_t f = 0; f < gj.nfeatures; f++)
        if (gj.features[f].npolys)
            ln_zoneset_add_polygons(zs, z->id, NULL, LN_ZONE_DENY, 0,
                                    -INFINITY, INFINITY, gj.features[f].polys,
                                    gj.features[f].npolys, 0, &d);
    ln_geojson_free(&gj);
    return zs;
}

/* A protected terminal whose last position zs denies: its id, or "",
 * and its protection position (plat/plon). */
static void protected_under(srv *s, const ln_zoneset *zs, char out[LN_ST_ID],
                            double *plat, double *plon)
{
    out[0] = 0;
    pthread_rwlock_rdlock(&s->lock);
    for (size_t i = 0; i < s->tab.nterm && !out[0]; i++) {
        srv_term *t = &s->tab.term[i];
        if (!(atomic_load(&t->tflags) & SRV_T_PROTECTED))
            continue;
        pthread_mutex_t *mu = &s->pos_mu[i % SRV_POS_STRIPES];
        pthread_mutex_lock(mu);
        double lat = t->lat_deg, lon = t->lon_deg;
        *plat = t->plat_deg, *plon = t->plon_deg;
        pthread_mutex_unlock(mu);
        if (isfinite(lat) && isfinite(lon) && in_set((void *)zs, lat, lon))
            memcpy(out, t->id, LN_ST_ID);
    }
    pthread_rwlock_unlock(&s->lock);
}

/* The contract a deny zone meets (its region by vertices), or NULL. */
static const trust_con *region_met(const trust_state *T, const ln_st_zone *z,
                                   ln_zoneset *zs)
{
    json_t *g = json_loadb(z->body, z->body_len, 0, NULL);
    const trust_con *hit = NULL;
    for (size_t i = 0; i < T->ncon && !hit; i++) {
        const json_t *reg =
            json_object_get(json_object_get(T->con[i].doc, "scope"),
                            "region");
        if (!reg)
            continue;
        if (vertices(g, in_region, T->con[i].c, 0) ||
            (zs && vertices(reg, in_set, zs, 0)))
            hit = &T->con[i];
    }
    json_decref(g);
    return hit;
}

static int gate_one(srv *s, const srv_req *rq, srv_resp *rs,
                    trust_state *T, const ln_st_zone *z)
{
    char cid[LN_ST_ID] = "", why[160] = "", term[LN_ST_ID];
    pthread_rwlock_rdlock(&T->lk);
    for (size_t i = 0; i < T->ncon && !cid[0]; i++)
        if (ln_trust_contract_protects(T->con[i].c, NULL, NULL, z->id)) {
            snprintf(cid, sizeof cid, "%s", T->con[i].id);
            snprintf(why, sizeof why, "its scope names the zone");
        }
    if (!cid[0] && !z->deleted && z->action == LN_ZONE_DENY) {
        ln_zoneset *zs = zone_set(z);
        double plat = NAN, plon = NAN;
        protected_under(s, zs, term, &plat, &plon);
        const trust_con *c = NULL;
        if (term[0]) { /* the contract protecting it, by id or position */
            char acct[LN_ST_ID] = "";
            srv__terminal_account(s, term, acct);
            c = trust_protector(T, acct, term, plat, plon);
            snprintf(why, sizeof why, "the deny zone covers protected "
                                      "terminal %s", term);
        } else if ((c = region_met(T, z, zs)))
            snprintf(why, sizeof why, "the deny zone meets its region");
        if (c)
            snprintf(cid, sizeof cid, "%s", c->id);
        else if (term[0]) /* protected a moment ago: not expected */
            snprintf(cid, sizeof cid, "?");
        ln_zoneset_free(zs);
    }
    pthread_rwlock_unlock(&T->lk);
    if (!cid[0])
        return 0;
    return refuse(s, rq, rs, z->deleted ? "zone-delete" : "zones", z->id,
                  cid, "zone-edit", why);
}

/* The zone sets before and after the change z[0..n) (the stored set
 * with z's ids replaced by z). */
static int zone_sets(srv *s, const ln_st_zone *z, size_t n,
                     ln_zoneset **before, ln_zoneset **after)
{
    ln_st_zone *cur = NULL;
    size_t nc = 0, k = 0;
    int64_t v = 0;
    ln_diag d;
    *before = *after = NULL;
    int rc = ln_store_get_zones(srv_store(s), 0, &cur, &nc, &v);
    ln_st_zone *all = rc ? NULL : ln_calloc(nc + n + 1, sizeof *all);
    if (!rc && !all)
        rc = LN_ENOMEM;
    for (size_t i = 0; !rc && i < nc; i++) {
        int replaced = 0;
        for (size_t j = 0; j < n && !replaced; j++)
            replaced = !strcmp(cur[i].id, z[j].id);
        if (!replaced)
            all[k++] = cur[i]; /* shallow: cur owns the bodies */
    }
    for (size_t j = 0; !rc && j < n; j++)
        all[k++] = z[j];
    if (!rc)
        rc = srv__zones_build(cur, nc, before, &d);
    if (!rc)
        rc = srv__zones_build(all, k, after, &d);
    ln_free(all);
    ln_st_zones_free(cur, nc);
    if (rc) {
        ln_zoneset_free(*before);
        ln_zoneset_free(*after);
        *before = *after = NULL;
    }
    return rc;
}

/* A protected terminal whose last position the zone set before allows
 * and after denies: its id into out (with its position), or "". */
static void flipped(srv *s, const ln_zoneset *before, const ln_zoneset *after,
                    double t, char out[LN_ST_ID], double *lat, double *lon)
{
    out[0] = 0;
    pthread_rwlock_rdlock(&s->lock);
    for (size_t i = 0; i < s->tab.nterm && !out[0]; i++) {
        srv_term *tm = &s->tab.term[i];
        if (!(atomic_load(&tm->tflags) & SRV_T_PROTECTED))
            continue;
        pthread_mutex_t *mu = &s->pos_mu[i % SRV_POS_STRIPES];
        pthread_mutex_lock(mu);
        double la = tm->lat_deg, lo = tm->lon_deg;
        double pla = tm->plat_deg, plo = tm->plon_deg;
        pthread_mutex_unlock(mu);
        if (!isfinite(la) || !isfinite(lo))
            continue;
        if (ln_zoneset_decide_deg(before, la, lo, t).action ==
                LN_ZONE_ALLOW &&
            ln_zoneset_decide_deg(after, la, lo, t).action == LN_ZONE_DENY) {
            memcpy(out, tm->id, LN_ST_ID);
            *lat = pla, *lon = plo; /* where its protection is decided */
        }
    }
    pthread_rwlock_unlock(&s->lock);
}

/* The whole change decided for every protected terminal (found in
 * review: removing or shrinking an allow zone under a deny zone denies
 * as surely as a new deny zone): one that the change turns from allowed
 * to denied gates it. */
static int gate_flip(srv *s, const srv_req *rq, srv_resp *rs,
                     trust_state *T, const ln_st_zone *z, size_t n)
{
    ln_zoneset *before, *after;
    int rc = zone_sets(s, z, n, &before, &after);
    if (rc)
        return trust_store_error(s, rs, rc, "zones"), -1;
    char term[LN_ST_ID], cid[LN_ST_ID] = "", acct[LN_ST_ID] = "";
    double lat = NAN, lon = NAN;
    flipped(s, before, after, rq->t_unix_s, term, &lat, &lon);
    ln_zoneset_free(before);
    ln_zoneset_free(after);
    if (!term[0])
        return 0;
    srv__terminal_account(s, term, acct);
    pthread_rwlock_rdlock(&T->lk);
    const trust_con *c = trust_protector(T, acct, term, lat, lon);
    snprintf(cid, sizeof cid, "%s", c ? c->id : "?");
    pthread_rwlock_unlock(&T->lk);
    char why[160];
    snprintf(why, sizeof why, "the change denies protected terminal %s, "
                              "allowed before it", term);
    return refuse(s, rq, rs, n == 1 && z[0].deleted ? "zone-delete"
                                                   : "zones",
                  z[0].id, cid, "zone-edit", why);
}

int srv_trust_gate_zones(srv *s, const srv_req *rq, srv_resp *rs,
                         const ln_st_zone *z, size_t n)
{
    trust_state *T = trust_get(s);
    if (!T)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (gate_one(s, rq, rs, T, &z[i]))
            return -1;
    return n ? gate_flip(s, rq, rs, T, z, n) : 0;
}

/* ---- a request's "zone" member ------------------------------------------ */

int trust_zone_record(const char *text, size_t n, ln_st_zone *z,
                      ln_diag *diag)
{
    memset(z, 0, sizeof *z);
    ln_zoneset *zs = NULL;
    int rc = ln_zoneset_new(LN_ZONE_ALLOW, &zs);
    if (!rc)
        rc = ln_zoneset_load_buffer(zs, text, n, "zone", 0, diag);
    json_t *f = rc ? NULL : json_loadb(text, n, 0, NULL);
    const char *type = json_string_value(json_object_get(f, "type"));
    if (!rc && (!type || strcmp(type, "Feature") ||
                ln_zoneset_count(zs) != 1))
        rc = ln_diag_set(diag, LN_EPARSE, NULL, 0, 0, "zone",
                         "expected one GeoJSON Feature (properties id, "
                         "action, priority)");
    const ln_zone_info *zi = rc ? NULL : ln_zoneset_zone(zs, 0);
    if (zi && (!zi->id || !zi->id[0] || strlen(zi->id) >= LN_ST_ID ||
               strchr(zi->id, ' ') || strchr(zi->id, '?') ||
               strchr(zi->id, '%') || strchr(zi->id, '#')))
        rc = ln_diag_set(diag, LN_EPARSE, NULL, 0, 0, "zone.properties.id",
                         "a zone id of 1..63 characters (no space, '?', "
                         "'%%', '#')");
    if (!rc) {
        snprintf(z->id, sizeof z->id, "%s", zi->id);
        z->action = zi->action;
        z->priority = zi->priority;
        z->valid_from_unix_s = zi->valid_from_unix_s;
        z->valid_until_unix_s = zi->valid_until_unix_s;
        z->body = json_dumps(f, JSON_COMPACT); /* free() it */
        z->body_len = z->body ? strlen(z->body) : 0;
        if (!z->body)
            rc = LN_ENOMEM;
    }
    json_decref(f);
    ln_zoneset_free(zs);
    return rc;
}
