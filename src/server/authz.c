/*
 * authz.c - the authorization decision over HTTP, the daemon's hot path:
 *   GET  /v1/terminals/{id}/authorization[?lat=&lon=&t=]
 *   POST /v1/authorization  {"requests": [{"terminal", "lat", "lon",
 *                            "t"}]}  (lat/lon/t optional as in GET)
 * Allowed, or denied with the reason (ln_reason_name), the deciding zone
 * and Starlink's alert code and name. Without lat/lon the terminal's last
 * report (or the seed's placement) is decided; without t, now.
 *
 * The GET answer is written with snprintf into one buffer (no jansson, no
 * DB, one allocation: the body libmicrohttpd sends and frees).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

#define ONE_MAX 1024 /* one decision's JSON, bytes (ids <= 63 escaped) */

/* Appends one decision object at b + *p. */
static void put_decision(char *b, size_t cap, size_t *p, const char *term,
                         const srv_decision *d)
{
    char ts[40];
    *p += (size_t)snprintf(b + *p, cap - *p, "{\"terminal\":");
    srv__json_str(b, cap, p, term);
    *p += (size_t)snprintf(b + *p, cap - *p, ",\"account\":");
    srv__json_str(b, cap, p, d->account);
    *p += (size_t)snprintf(b + *p, cap - *p,
                           ",\"allowed\":%s,\"reason\":\"%s\",\"zone\":",
                           d->d.allowed ? "true" : "false",
                           ln_reason_name(d->d.reason));
    if (d->zone_id[0])
        srv__json_str(b, cap, p, d->zone_id);
    else
        *p += (size_t)snprintf(b + *p, cap - *p, "null");
    *p += (size_t)snprintf(
        b + *p, cap - *p,
        ",\"alert\":%d,\"alertName\":\"%s\",\"lat\":%.7f,\"lon\":%.7f,"
        "\"t\":\"%s\"}",
        d->alert, srv_alert_name(d->alert), d->lat_deg, d->lon_deg,
        ln_time_format_iso(d->t_unix_s, 3, ts, sizeof ts));
}

static const char env_head[] = "{\"content\":";
static const char env_tail[] = ",\"errors\":[],\"warnings\":[],"
                               "\"information\":[],\"isValid\":true}";

/* A number from the query; 1 absent, 0 ok, -1 bad. */
static int qnum(const srv_req *rq, const char *k, double lo, double hi,
                double *out)
{
    const char *v = srv_query(rq, k);
    if (!v)
        return 1;
    char *end;
    double x = strtod(v, &end);
    if (end == v || *end || !(x >= lo && x <= hi))
        return -1;
    *out = x;
    return 0;
}

static int qtime(const srv_req *rq, double *t)
{
    const char *v = srv_query(rq, "t");
    *t = rq->t_unix_s;
    if (!v)
        return 0;
    if (!ln_time_parse_iso(v, t))
        return 0;
    char *end;
    double x = strtod(v, &end);
    if (end == v || *end || !(x >= 0 && x < 7258118400.0))
        return -1;
    *t = x;
    return 0;
}

int srv__h_authz_one(srv *s, const srv_req *rq, srv_resp *rs)
{
    const char *id = rq->param[0];
    if (srv_scope_terminal(s, rq, rs, id))
        return 0;
    double lat = NAN, lon = NAN, t;
    int a = qnum(rq, "lat", -90, 90, &lat);
    int o = qnum(rq, "lon", -180, 180, &lon);
    if (a < 0)
        return srv_error(rs, 400, "lat", "lat: a number in [-90, 90]");
    if (o < 0)
        return srv_error(rs, 400, "lon", "lon: a number in [-180, 180]");
    if (a != o)
        return srv_error(rs, 400, a ? "lat" : "lon",
                         "lat and lon go together");
    if (qtime(rq, &t))
        return srv_error(rs, 400, "t",
                         "t: ISO 8601 UTC or Unix seconds");
    srv_decision d;
    int rc = srv_decide(s, id, lat, lon, t, &d);
    if (rc == LN_EINVAL)
        return srv_error(rs, 400, "lat", "the terminal has no known "
                                         "position yet: give lat and lon");
    if (rc)
        return srv_error(rs, 404, "terminal", "no such terminal: %s", id);
    size_t cap = ONE_MAX + sizeof env_head + sizeof env_tail, p = 0;
    char *b = ln_malloc(cap);
    if (!b)
        return srv_error(rs, 503, NULL, "out of memory");
    memcpy(b, env_head, sizeof env_head - 1);
    p = sizeof env_head - 1;
    put_decision(b, cap, &p, id, &d);
    memcpy(b + p, env_tail, sizeof env_tail);
    return srv_raw(rs, 200, NULL, b, p + sizeof env_tail - 1);
}

/* One request of the batch: 0, or -1 with the member and message. */
static int batch_item(srv *s, const srv_req *rq, json_t *it, size_t i,
                      char *b, size_t cap, size_t *p, srv_resp *rs)
{
    const char *k;
    json_t *v;
    if (!json_is_object(it))
        return srv_error(rs, 400, "requests[]", "requests[%zu]: expected "
                                                "an object", i), -1;
    json_object_foreach(it, k, v) {
        if (strcmp(k, "terminal") && strcmp(k, "lat") && strcmp(k, "lon") &&
            strcmp(k, "t"))
            return srv_error(rs, 400, "requests[]",
                             "requests[%zu].%s: unknown member", i, k), -1;
    }
    const char *id = json_string_value(json_object_get(it, "terminal"));
    json_t *jl = json_object_get(it, "lat"), *jo = json_object_get(it, "lon");
    json_t *jt = json_object_get(it, "t");
    double lat = NAN, lon = NAN, t = rq->t_unix_s;
    if (!id || strlen(id) >= LN_ST_ID)
        return srv_error(rs, 400, "requests[].terminal",
                         "requests[%zu].terminal: required, a string", i),
               -1;
    if ((jl && !json_is_number(jl)) || (jo && !json_is_number(jo)) ||
        !jl != !jo)
        return srv_error(rs, 400, "requests[].lat",
                         "requests[%zu]: lat and lon: numbers, together",
                         i), -1;
    if (jl) {
        lat = json_number_value(jl);
        lon = json_number_value(jo);
        if (!(fabs(lat) <= 90 && fabs(lon) <= 180))
            return srv_error(rs, 400, "requests[].lat",
                             "requests[%zu]: lat/lon out of range", i), -1;
    }
    if (jt && json_is_number(jt))
        t = json_number_value(jt);
    else if (jt && (!json_is_string(jt) ||
                    ln_time_parse_iso(json_string_value(jt), &t)))
        return srv_error(rs, 400, "requests[].t",
                         "requests[%zu].t: ISO 8601 UTC or Unix seconds",
                         i), -1;
    srv_decision d;
    srv_resp scratch = {0};
    int rc = srv_scope_terminal(s, rq, &scratch, id) ? LN_ENOTFOUND
             : srv_decide(s, id, lat, lon, t, &d);
    srv_resp_free(&scratch);
    if (rc) {
        *p += (size_t)snprintf(b + *p, cap - *p, "{\"terminal\":");
        srv__json_str(b, cap, p, id);
        *p += (size_t)snprintf(b + *p, cap - *p, ",\"error\":\"%s\"}",
                               rc == LN_EINVAL ? "no known position: give "
                                                 "lat and lon"
                                               : "no such terminal");
        return 0;
    }
    put_decision(b, cap, p, id, &d);
    return 0;
}

int srv__h_authz_batch(srv *s, const srv_req *rq, srv_resp *rs)
{
    json_t *root = srv_body_object(rq, rs);
    if (!root)
        return 0;
    const char *k;
    json_t *v, *a = json_object_get(root, "requests");
    json_object_foreach(root, k, v) {
        if (strcmp(k, "requests")) {
            srv_error(rs, 400, k, "unknown member"); /* k lives in root */
            json_decref(root);
            return 0;
        }
    }
    if (!json_is_array(a)) {
        json_decref(root);
        return srv_error(rs, 400, "requests", "required: an array");
    }
    size_t n = json_array_size(a);
    if (n > s->cfg.batch_max) {
        json_decref(root);
        return srv_error(rs, 413, "requests", "more than %zu requests",
                         s->cfg.batch_max);
    }
    size_t cap = 64 + sizeof env_head + sizeof env_tail + n * (ONE_MAX + 2);
    size_t p = 0;
    char *b = ln_malloc(cap);
    if (!b) {
        json_decref(root);
        return srv_error(rs, 503, NULL, "out of memory");
    }
    p += (size_t)snprintf(b, cap, "%s{\"results\":[", env_head);
    for (size_t i = 0; i < n; i++) {
        if (i)
            b[p++] = ',';
        if (batch_item(s, rq, json_array_get(a, i), i, b, cap, &p, rs)) {
            ln_free(b);
            json_decref(root);
            return 0;
        }
    }
    json_decref(root);
    p += (size_t)snprintf(b + p, cap - p, "]}%s", env_tail);
    return srv_raw(rs, 200, NULL, b, p);
}
