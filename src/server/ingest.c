/*
 * ingest.c - POST /v1/telemetry: a terminal's (or the operator's) batch
 * of reports, decided, metered and stored durably; idempotent by
 * (terminal, seq).
 *
 * Steps: parse the whole batch (every member checked: an unknown member,
 * a wrong type or a value out of range refuses the batch with 400 naming
 * "reports[i].member" and its line and column); check scope (a terminal
 * token reports for itself only: 403 for the batch); decide each report
 * at its own time and position (srv_decide); meter (billed_bytes =
 * bytes_down + bytes_up when allowed and the link is ok, else 0: a
 * terminal without a satellite is an outage, not a denial, and is not
 * billed either); one ln_store_ingest (group commit: 2xx only once the
 * batch is durable; 503 on a full disk, nothing of it stored); then the
 * parts' ingest hooks. A report already stored answers "duplicate" and is
 * neither stored nor billed again.
 *
 * Report members: terminal (string), seq (integer >= 0), t (ISO 8601 UTC
 * string or Unix seconds), lat, lon (degrees), alt_m, bytes_down,
 * bytes_up (integers >= 0), latency_ms, link ("ok", "no-satellite",
 * "no-gateway"); alt_m, bytes_*, latency_ms and link may be left out
 * (0, 0, 0, "ok").
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "core.h"

/* 1 Jan 1970 .. 1 Jan 2200 */
#define T_MAX 7258118400.0
/* a report's time at most this far ahead of the daemon's clock (a report
 * dated in the future would stand as the terminal's last position until
 * then: found in review) */
#define T_AHEAD_MAX 600.0

typedef struct perr {
    char member[96];
    char msg[160];
} perr;

static int fail(perr *e, const char *member, long i, const char *msg)
{
    if (i >= 0)
        snprintf(e->member, sizeof e->member, "reports[%ld]%s%s", i,
                 member[0] ? "." : "", member);
    else
        snprintf(e->member, sizeof e->member, "%s", member);
    snprintf(e->msg, sizeof e->msg, "%s", msg);
    return -1;
}

static int get_num(json_t *v, const char *k, long i, double lo, double hi,
                   int required, double *out, perr *e)
{
    if (!v) {
        if (required)
            return fail(e, k, i, "required");
        return 0;
    }
    if (!json_is_number(v))
        return fail(e, k, i, "expected a number");
    double x = json_number_value(v);
    if (!(x >= lo && x <= hi))
        return fail(e, k, i, "out of range");
    *out = x;
    return 0;
}

static int get_u64(json_t *v, const char *k, long i, uint64_t *out, perr *e)
{
    if (!v)
        return 0;
    if (!json_is_integer(v))
        return fail(e, k, i, "expected an integer");
    if (json_integer_value(v) < 0)
        return fail(e, k, i, "must be >= 0");
    *out = (uint64_t)json_integer_value(v);
    return 0;
}

static int get_time(json_t *v, long i, double now, double *t, perr *e)
{
    if (!v)
        return fail(e, "t", i, "required");
    if (json_is_string(v)) {
        if (ln_time_parse_iso(json_string_value(v), t))
            return fail(e, "t", i, "expected ISO 8601 UTC, "
                                   "e.g. 2022-10-09T00:00:15Z");
    } else if (json_is_number(v)) {
        *t = json_number_value(v);
    } else {
        return fail(e, "t", i, "expected a string or a number");
    }
    if (!(*t >= 0 && *t < T_MAX))
        return fail(e, "t", i, "out of range");
    if (now > 0 && *t > now + T_AHEAD_MAX)
        return fail(e, "t", i, "more than 10 minutes ahead of the "
                               "daemon's clock");
    return 0;
}

static int get_link(json_t *v, long i, int *link, perr *e)
{
    *link = LN_LINK_OK;
    if (!v)
        return 0;
    const char *s = json_string_value(v);
    if (!s)
        return fail(e, "link", i, "expected a string");
    if (!strcmp(s, "ok"))
        *link = LN_LINK_OK;
    else if (!strcmp(s, "no-satellite"))
        *link = LN_LINK_NO_SAT;
    else if (!strcmp(s, "no-gateway"))
        *link = LN_LINK_NO_GW;
    else
        return fail(e, "link", i,
                    "expected \"ok\", \"no-satellite\" or \"no-gateway\"");
    return 0;
}

enum { M_TERMINAL, M_SEQ, M_T, M_LAT, M_LON, M_ALT, M_DOWN, M_UP, M_LATENCY,
       M_LINK, M_COUNT };

/* A report member's index, -1 when unknown: one strcmp after a switch on
 * the first byte (this runs ten times a report). */
static int member_id(const char *k)
{
    switch (k[0]) {
    case 't':
        return !k[1] ? M_T : !strcmp(k, "terminal") ? M_TERMINAL : -1;
    case 's':
        return !strcmp(k, "seq") ? M_SEQ : -1;
    case 'l':
        return !strcmp(k, "lat")          ? M_LAT
               : !strcmp(k, "lon")        ? M_LON
               : !strcmp(k, "link")       ? M_LINK
               : !strcmp(k, "latency_ms") ? M_LATENCY
                                          : -1;
    case 'a':
        return !strcmp(k, "alt_m") ? M_ALT : -1;
    case 'b':
        return !strcmp(k, "bytes_down") ? M_DOWN
               : !strcmp(k, "bytes_up") ? M_UP
                                        : -1;
    default:
        return -1;
    }
}

static int parse_one(json_t *o, long i, double now, ln_st_report *r,
                     perr *e)
{
    if (!json_is_object(o))
        return fail(e, "", i, "expected an object");
    /* one pass over the members in their order (the first unknown one is
     * named); jansson refused duplicates already */
    json_t *m[M_COUNT] = {0};
    const char *k;
    json_t *v;
    json_object_foreach(o, k, v) {
        int id = member_id(k);
        if (id < 0)
            return fail(e, k, i, "unknown member");
        m[id] = v;
    }
    memset(r, 0, sizeof *r);
    const char *term = json_string_value(m[M_TERMINAL]);
    if (!term)
        return fail(e, "terminal", i, "required: a string");
    size_t tl = json_string_length(m[M_TERMINAL]);
    if (!tl || tl >= LN_ST_ID || strlen(term) != tl)
        return fail(e, "terminal", i, "1 to 63 bytes");
    memcpy(r->terminal, term, tl + 1);
    json_t *sq = m[M_SEQ];
    if (!json_is_integer(sq) || json_integer_value(sq) < 0)
        return fail(e, "seq", i, "required: an integer >= 0");
    r->seq = json_integer_value(sq);
    int rc = get_time(m[M_T], i, now, &r->t_unix_s, e);
    if (!rc)
        rc = get_num(m[M_LAT], "lat", i, -90, 90, 1, &r->lat_deg, e);
    if (!rc)
        rc = get_num(m[M_LON], "lon", i, -180, 180, 1, &r->lon_deg, e);
    if (!rc)
        rc = get_num(m[M_ALT], "alt_m", i, -1e5, 1e7, 0, &r->alt_m, e);
    if (!rc)
        rc = get_num(m[M_LATENCY], "latency_ms", i, 0, 1e7, 0,
                     &r->latency_ms, e);
    if (!rc)
        rc = get_u64(m[M_DOWN], "bytes_down", i, &r->bytes_down, e);
    if (!rc)
        rc = get_u64(m[M_UP], "bytes_up", i, &r->bytes_up, e);
    if (!rc)
        rc = get_link(m[M_LINK], i, &r->link, e);
    return rc;
}

/* Parses the batch into *out (ln_malloc'd, *n reports). */
static int parse_batch(srv *s, json_t *root, double now, ln_st_report **out,
                       size_t *n, perr *e, int *status)
{
    const char *k;
    json_t *v;
    *status = 400;
    json_object_foreach(root, k, v) {
        if (strcmp(k, "reports"))
            return fail(e, k, -1, "unknown member");
    }
    json_t *a = json_object_get(root, "reports");
    if (!json_is_array(a))
        return fail(e, "reports", -1, "required: an array");
    size_t m = json_array_size(a);
    if (m > s->cfg.batch_max) {
        *status = 413;
        char msg[80];
        snprintf(msg, sizeof msg, "more than %zu reports in one batch",
                 s->cfg.batch_max);
        return fail(e, "reports", -1, msg);
    }
    ln_st_report *r = ln_malloc((m ? m : 1) * sizeof *r);
    if (!r) {
        *status = 503;
        return fail(e, "", -1, "out of memory");
    }
    for (size_t i = 0; i < m; i++)
        if (parse_one(json_array_get(a, i), (long)i, now, &r[i], e)) {
            ln_free(r);
            return -1;
        }
    *out = r;
    *n = m;
    return 0;
}

static int answer_parse_error(const srv_req *rq, srv_resp *rs, int status,
                              const perr *e)
{
    long line = 0, col = 0;
    if (e->member[0] &&
        !ln_json_locate(rq->body, rq->body_len, e->member, &line, &col))
        return srv_error(rs, status, e->member, "line %ld column %ld: %s",
                         line, col, e->msg);
    return srv_error(rs, status, e->member[0] ? e->member : NULL, "%s",
                     e->msg);
}

/* Scope and decision for every report; -1 when it answered. */
static int decide_all(srv *s, const srv_req *rq, srv_resp *rs,
                      ln_st_report *r, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (rq->auth->role == LN_ROLE_TERMINAL &&
            strcmp(r[i].terminal, rq->auth->terminal))
            return srv_error(rs, 403, "reports[].terminal",
                             "reports[%zu].terminal: a terminal token "
                             "reports for its own terminal only", i),
                   -1;
        srv_decision d;
        if (srv_decide(s, r[i].terminal, r[i].lat_deg, r[i].lon_deg,
                       r[i].t_unix_s, &d))
            return srv_error(rs, 404, "reports[].terminal",
                             "reports[%zu].terminal: no such terminal: %s",
                             i, r[i].terminal),
                   -1;
        int ok = d.d.allowed && r[i].link == LN_LINK_OK;
        r[i].reason = d.d.allowed ? (r[i].link == LN_LINK_OK
                                         ? LN_REASON_NONE
                                         : r[i].link)
                                  : d.d.reason;
        r[i].alert = d.alert;
        r[i].billed_bytes = ok ? r[i].bytes_down + r[i].bytes_up : 0;
        memcpy(r[i].account, d.account, sizeof r[i].account);
    }
    return 0;
}

/* The answer's pieces appended by hand: snprintf's format parsing was
 * ~4 % of the CPU per report. */
static char *put(char *d, const char *s)
{
    size_t n = strlen(s);
    memcpy(d, s, n);
    return d + n;
}

static char *put_i64(char *d, long long v)
{
    char t[24];
    int k = 0;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v
                                 : (unsigned long long)v;
    if (v < 0)
        *d++ = '-';
    do
        t[k++] = (char)('0' + u % 10);
    while (u /= 10);
    while (k)
        *d++ = t[--k];
    return d;
}

static char *put_u64(char *d, uint64_t v)
{
    char t[24];
    int k = 0;
    do
        t[k++] = (char)('0' + v % 10);
    while (v /= 10);
    while (k)
        *d++ = t[--k];
    return d;
}

static int answer(srv_resp *rs, const ln_st_report *r, const uint8_t *is_new,
                  size_t n)
{
    /* a result is < 640 bytes: a terminal id of 63 bytes escaped is at
     * most 380, the names are short (ln_reason_name, srv_alert_name) */
    size_t cap = 256 + n * 640, p = 0, nnew = 0;
    char *b = ln_malloc(cap);
    if (!b)
        return srv_error(rs, 503, NULL, "out of memory");
    for (size_t i = 0; i < n; i++)
        nnew += is_new[i];
    p += (size_t)snprintf(b + p, cap - p,
                          "{\"content\":{\"stored\":%zu,\"duplicates\":%zu,"
                          "\"results\":[",
                          nnew, n - nnew);
    for (size_t i = 0; i < n; i++) {
        int allowed = r[i].reason == LN_REASON_NONE ||
                      r[i].reason == LN_REASON_NO_SAT ||
                      r[i].reason == LN_REASON_NO_GW;
        char *d = put(b + p, i ? ",{\"terminal\":" : "{\"terminal\":");
        p = (size_t)(d - b);
        srv__json_str(b, cap, &p, r[i].terminal);
        d = put(b + p, ",\"seq\":");
        d = put_i64(d, (long long)r[i].seq);
        d = put(d, is_new[i] ? ",\"result\":\"stored\",\"allowed\":"
                             : ",\"result\":\"duplicate\",\"allowed\":");
        d = put(d, allowed ? "true,\"reason\":\"" : "false,\"reason\":\"");
        d = put(d, ln_reason_name(r[i].reason));
        d = put(d, "\",\"alert\":");
        d = put_i64(d, r[i].alert);
        d = put(d, ",\"alertName\":\"");
        d = put(d, srv_alert_name(r[i].alert));
        d = put(d, "\",\"billedBytes\":");
        d = put_u64(d, is_new[i] ? r[i].billed_bytes : 0);
        *d++ = '}';
        p = (size_t)(d - b);
    }
    p += (size_t)snprintf(b + p, cap - p,
                          "]},\"errors\":[],\"warnings\":[],"
                          "\"information\":[],\"isValid\":true}");
    return srv_raw(rs, 200, NULL, b, p);
}

static void after(srv *s, const srv_req *rq, const ln_st_report *r,
                  const uint8_t *is_new, size_t n)
{
    size_t nnew = 0;
    for (size_t i = 0; i < n; i++) {
        nnew += is_new[i];
        if (is_new[i])
            srv__count_lag(s, rq->t_unix_s - r[i].t_unix_s);
    }
    atomic_fetch_add_explicit(&s->m.reports_new, nnew, memory_order_relaxed);
    atomic_fetch_add_explicit(&s->m.reports_dup, n - nnew,
                              memory_order_relaxed);
    srv__note_positions(s, r, is_new, n,
                        rq->auth && rq->auth->role == LN_ROLE_TERMINAL);
    for (const srv_part *p = srv_parts; p->name; p++)
        if (p->ingested)
            p->ingested(s, r, is_new, n);
}

/* The body parsed inside this thread's arena (arena.c): everything
 * jansson allocates here is released by json_decref before
 * srv_arena_end, and the errors are answered after it (srv_error's
 * json_dumps must not land in the arena). */
static int parse_body(srv *s, const srv_req *rq, srv_resp *rs,
                      ln_st_report **r, size_t *n)
{
    if (!rq->body || rq->body_len == 0)
        return srv_error(rs, 400, "body", "a JSON object is required"), -1;
    json_error_t err;
    perr e;
    int status = 400, rc = -1;
    srv_arena_begin();
    json_t *root = json_loadb(rq->body, rq->body_len, JSON_REJECT_DUPLICATES,
                              &err);
    int obj = root && json_is_object(root);
    if (obj)
        rc = parse_batch(s, root, rq->t_unix_s, r, n, &e, &status);
    json_decref(root);
    srv_arena_end();
    if (!root)
        return srv_error(rs, 400, "body", "line %d column %d: %s", err.line,
                         err.column, err.text),
               -1;
    if (!obj)
        return srv_error(rs, 400, "body",
                         "line 1 column 1: expected a JSON object"),
               -1;
    if (rc) {
        atomic_fetch_add_explicit(&s->m.reports_rejected, 1,
                                  memory_order_relaxed);
        answer_parse_error(rq, rs, status, &e);
    }
    return rc;
}

int srv__h_telemetry(srv *s, const srv_req *rq, srv_resp *rs)
{
    ln_st_report *r = NULL;
    size_t n = 0;
    if (parse_body(s, rq, rs, &r, &n))
        return 0;
    int rc;
    uint8_t *is_new = ln_calloc(n ? n : 1, 1);
    if (!is_new) {
        ln_free(r);
        return srv_error(rs, 503, NULL, "out of memory");
    }
    if (!decide_all(s, rq, rs, r, n)) {
        rc = n ? ln_store_ingest(s->st, r, n, is_new) : 0;
        if (rc == LN_ESTORE_FULL)
            srv_error(rs, 503, NULL, "the store is full: nothing of this "
                                     "batch was stored; retry later");
        else if (rc)
            srv_error(rs, 503, NULL, "the store failed (%s): nothing of "
                                     "this batch was stored; retry later",
                      ln_strerror(rc));
        else {
            after(s, rq, r, is_new, n);
            answer(rs, r, is_new, n);
        }
    }
    ln_free(is_new);
    ln_free(r);
    return 0;
}
