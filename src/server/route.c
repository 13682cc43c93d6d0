/*
 * route.c - one request through the daemon: the URL (caps, percent-
 * decoding, traversal), the route (literal and {x} segments), the token
 * and the role, the handler; and the answers every part builds
 * (srv_ok, srv_error, srv_raw, srv_body_object, srv_query).
 *
 * Paths. The raw URL is split at '?'; each path segment is percent-
 * decoded on its own, and a segment that is "." or "..", or that decodes
 * to one holding '/', '\\' or NUL, is refused (400): no route has such a
 * segment, and a handler that builds a name from a segment never sees
 * one. At most SRV_SEGS segments of at most LN_ST_ID - 1 bytes for a
 * {x} value.
 *
 * Actor. Around the handler the store's actor (ln_store_set_actor, per
 * thread) names the caller, "ROLE:token:ID" (the token's row id) or
 * "open", so the audit log says who made each change.
 *
 * Matching. Every route whose pattern matches the segments counts; the
 * one with the most literal segments wins ("/x/new" before "/x/{id}");
 * a path some route matches with another method is 405, none 404.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core.h"

#define SRV_SEGS 16

/* ---- answers ---------------------------------------------------------- */

static int envelope(srv_resp *rs, int status, json_t *content, json_t *errs)
{
    json_t *o = json_object();
    if (!o) {
        json_decref(content);
        json_decref(errs);
        return LN_ENOMEM;
    }
    int valid = json_array_size(errs) == 0;
    json_object_set_new(o, "content", content ? content : json_null());
    json_object_set_new(o, "errors", errs ? errs : json_array());
    json_object_set_new(o, "warnings", json_array());
    json_object_set_new(o, "information", json_array());
    json_object_set_new(o, "isValid", json_boolean(valid));
    char *b = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    if (!b)
        return LN_ENOMEM;
    ln_free(rs->body);
    rs->status = status;
    rs->body = b;
    rs->len = strlen(b);
    rs->content_type = NULL;
    return 0;
}

int srv_ok(srv_resp *rs, int status, json_t *content)
{
    return envelope(rs, status, content, NULL);
}

int srv_error(srv_resp *rs, int status, const char *member, const char *fmt,
              ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    json_t *e = json_object();
    json_t *names = json_array();
    if (member)
        json_array_append_new(names, json_string(member));
    /* a message cut inside a UTF-8 sequence: json_string refuses it */
    json_t *m = json_string(msg);
    json_object_set_new(e, "memberNames", names);
    json_object_set_new(e, "errorMessage", m ? m : json_string("error"));
    json_t *errs = json_array();
    json_array_append_new(errs, e);
    int rc = envelope(rs, status, NULL, errs);
    if (rc) { /* out of memory: a fixed answer */
        static const char fixed[] =
            "{\"content\":null,\"errors\":[{\"memberNames\":[],"
            "\"errorMessage\":\"out of memory\"}],\"warnings\":[],"
            "\"information\":[],\"isValid\":false}";
        ln_free(rs->body);
        rs->body = NULL;
        rs->status = 503;
        rs->len = sizeof fixed - 1;
        rs->body = ln_malloc(sizeof fixed);
        if (rs->body)
            memcpy(rs->body, fixed, sizeof fixed);
        else
            rs->len = 0;
    }
    return rc;
}

int srv_raw(srv_resp *rs, int status, const char *content_type, char *body,
            size_t len)
{
    ln_free(rs->body);
    rs->status = status;
    rs->body = body;
    rs->len = len;
    rs->content_type = content_type;
    return 0;
}

void srv_resp_free(srv_resp *rs)
{
    if (!rs)
        return;
    ln_free(rs->body);
    if (rs->stream_free)
        rs->stream_free(rs->stream_user);
    memset(rs, 0, sizeof *rs);
}

const char *srv_query(const srv_req *rq, const char *key)
{
    for (int i = 0; i < rq->nquery; i++)
        if (!strcmp(rq->qkey[i], key))
            return rq->qval[i];
    return NULL;
}

json_t *srv_body_object(const srv_req *rq, srv_resp *rs)
{
    json_error_t err;
    if (!rq->body || rq->body_len == 0) {
        srv_error(rs, 400, "body", "a JSON object is required");
        return NULL;
    }
    json_t *o = json_loadb(rq->body, rq->body_len, JSON_REJECT_DUPLICATES,
                           &err);
    if (!o) {
        srv_error(rs, 400, "body", "line %d column %d: %s", err.line,
                  err.column, err.text);
        return NULL;
    }
    if (!json_is_object(o)) {
        json_decref(o);
        srv_error(rs, 400, "body", "line 1 column 1: expected a JSON object");
        return NULL;
    }
    return o;
}

int srv__json_str(char *buf, size_t n, size_t *pos, const char *s)
{
    size_t p = *pos;
    if (p + 2 > n)
        return -1;
    buf[p++] = '"';
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (p + 7 > n)
            return -1;
        if (c == '"' || c == '\\') {
            buf[p++] = '\\';
            buf[p++] = (char)c;
        } else if (c < 0x20) {
            p += (size_t)snprintf(buf + p, n - p, "\\u%04x", c);
        } else {
            buf[p++] = (char)c;
        }
    }
    if (p + 2 > n)
        return -1;
    buf[p++] = '"';
    buf[p] = 0;
    *pos = p;
    return 0;
}

/* ---- URLs ------------------------------------------------------------- */

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Percent-decodes [s, s+n) into out (NUL-terminated; '+' as space when
 * plus); -1 on a bad escape or a decoded NUL. Returns the length. */
static long pct_decode(const char *s, size_t n, char *out, int plus)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '%') {
            int h, l;
            if (i + 2 >= n || (h = hexval(s[i + 1])) < 0 ||
                (l = hexval(s[i + 2])) < 0)
                return -1;
            c = (char)(h * 16 + l);
            if (c == 0)
                return -1;
            i += 2;
        } else if (c == '+' && plus) {
            c = ' ';
        }
        out[o++] = c;
    }
    out[o] = 0;
    return (long)o;
}

/* The parsed URL: segments and query pairs point into buf. */
typedef struct url_parts {
    char *buf;
    const char *seg[SRV_SEGS];
    int nseg;
    char *path;                /* decoded path, "/a/b" */
} url_parts;

static int parse_path(const char *p, size_t plen, url_parts *u,
                      srv_resp *rs)
{
    char *w = u->buf;
    if (plen == 0 || p[0] != '/')
        return srv_error(rs, 400, "path", "the path must start with '/'"),
               -1;
    size_t i = 1;
    while (i <= plen) {
        size_t j = i;
        while (j < plen && p[j] != '/')
            j++;
        if (j == i && j == plen)
            break; /* trailing '/' */
        if (u->nseg == SRV_SEGS)
            return srv_error(rs, 404, "path", "no such path"), -1;
        long n = pct_decode(p + i, j - i, w, 0);
        if (n < 0 || strchr(w, '/') || strchr(w, '\\') || !strcmp(w, ".") ||
            !strcmp(w, ".."))
            return srv_error(rs, 400, "path",
                             "path segment %d is not allowed (traversal, "
                             "an encoded '/', '\\\\' or NUL, or a bad "
                             "escape)", u->nseg + 1),
                   -1;
        u->seg[u->nseg++] = w;
        w += n + 1;
        i = j + 1;
    }
    /* the decoded path, for logs and handlers */
    u->path = w;
    *w = 0;
    for (int k = 0; k < u->nseg; k++) {
        *w++ = '/';
        size_t l = strlen(u->seg[k]);
        memcpy(w, u->seg[k], l);
        w += l;
    }
    if (u->nseg == 0)
        *w++ = '/';
    *w = 0;
    return 0;
}

static int parse_query(const char *q, size_t qlen, char *w, srv_req *rq,
                       srv_resp *rs)
{
    size_t i = 0;
    while (i < qlen) {
        size_t j = i;
        while (j < qlen && q[j] != '&')
            j++;
        if (j > i) {
            size_t e = i;
            while (e < j && q[e] != '=')
                e++;
            if (rq->nquery == SRV_QUERY_MAX)
                return srv_error(rs, 400, "query",
                                 "more than %d query parameters",
                                 SRV_QUERY_MAX),
                       -1;
            long kl = pct_decode(q + i, e - i, w, 1);
            if (kl < 0)
                return srv_error(rs, 400, "query", "bad escape in the query"),
                       -1;
            rq->qkey[rq->nquery] = w;
            w += kl + 1;
            long vl = e < j ? pct_decode(q + e + 1, j - e - 1, w, 1)
                            : (*w = 0, 0);
            if (vl < 0)
                return srv_error(rs, 400, "query", "bad escape in the query"),
                       -1;
            rq->qval[rq->nquery++] = w;
            w += vl + 1;
        }
        i = j + 1;
    }
    return 0;
}

/* ---- matching --------------------------------------------------------- */

/* Literal segments matched, or -1 when the pattern does not match. */
static int match(const char *pat, const url_parts *u, srv_req *rq)
{
    int lit = 0, k = 0, np = 0;
    const char *p = pat;
    while (*p == '/')
        p++;
    while (*p) {
        const char *e = strchr(p, '/');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        if (k == u->nseg)
            return -1;
        if (p[0] == '{') {
            if (strlen(u->seg[k]) >= LN_ST_ID || !u->seg[k][0])
                return -1;
            if (rq && np < 4)
                rq->param[np] = u->seg[k];
            np++;
        } else {
            if (strlen(u->seg[k]) != l || memcmp(p, u->seg[k], l))
                return -1;
            lit++;
        }
        k++;
        p += l;
        while (*p == '/')
            p++;
    }
    if (k != u->nseg)
        return -1;
    if (rq)
        rq->nparam = np < 4 ? np : 4;
    return lit;
}

/* The route index, or -1 (404) / -2 (405). */
static long find_route(srv *s, const char *method, const url_parts *u)
{
    long best = -1;
    int best_lit = -1, path_ok = 0;
    for (size_t i = 0; i < s->nroutes; i++) {
        int lit = match(s->routes[i]->pattern, u, NULL);
        if (lit < 0)
            continue;
        path_ok = 1;
        if (strcmp(s->routes[i]->method, method))
            continue;
        if (lit > best_lit) {
            best_lit = lit;
            best = (long)i;
        }
    }
    if (best < 0)
        return path_ok ? -2 : -1;
    return best;
}

int srv__routes_init(srv *s, ln_diag *diag)
{
    size_t n = 0;
    for (const srv_part *p = srv_parts; p->name; p++)
        for (const srv_route *r = p->routes; r && r->method; r++)
            n++;
    s->routes = ln_calloc(n ? n : 1, sizeof *s->routes);
    s->m.route = ln_calloc(n + 1, sizeof *s->m.route);
    if (!s->routes || !s->m.route)
        return ln_diag_set(diag, LN_ENOMEM, NULL, 0, 0, NULL,
                           "out of memory");
    for (const srv_part *p = srv_parts; p->name; p++)
        for (const srv_route *r = p->routes; r && r->method; r++)
            s->routes[s->nroutes++] = r;
    /* two routes claiming one operation, or one metrics name with one
     * method (the series route x method): a build error caught at start
     * (the tests start the daemon) */
    for (size_t i = 0; i < s->nroutes; i++)
        for (size_t j = 0; j < i; j++) {
            const srv_route *a = s->routes[i], *b = s->routes[j];
            if (!strcmp(a->method, b->method) &&
                (!strcmp(a->pattern, b->pattern) ||
                 (a->name && b->name && !strcmp(a->name, b->name))))
                return ln_diag_set(diag, LN_EINVAL, NULL, 0, 0, NULL,
                                   "routes: %s %s (%s) and %s %s (%s) "
                                   "clash: one operation, or one name "
                                   "and method, twice", a->method, a->pattern,
                                   a->name ? a->name : "", b->method,
                                   b->pattern, b->name ? b->name : "");
            if (!a->name || !a->fn)
                return ln_diag_set(diag, LN_EINVAL, NULL, 0, 0, NULL,
                                   "routes: %s %s has no %s", a->method,
                                   a->pattern, a->fn ? "name" : "handler");
        }
    return 0;
}

/* ---- the pipeline ----------------------------------------------------- */

static int check_role(srv *s, const srv_route *r, const char *authorization,
                      srv_auth *auth, srv_resp *rs)
{
    int rc = srv__authenticate(s, authorization, auth);
    if (rc == LN_EAUTH)
        return srv_error(rs, 401, "Authorization",
                         "a valid bearer token is required"),
               -1;
    if (rc)
        return srv_error(rs, 503, NULL, "the store failed: %s",
                         ln_strerror(rc)),
               -1;
    if (!(r->roles & SRV_ROLE(auth->role)))
        return srv_error(rs, 403, NULL,
                         "the %s role does not hold the permission: %s",
                         ln_role_name(auth->role), r->permission),
               -1;
    return 0;
}

static int run(srv *s, const char *method, const char *url,
               const char *authorization, srv_req *rq, srv_resp *rs,
               long *route)
{
    size_t ulen = strlen(url);
    if (ulen > s->cfg.url_max)
        return srv_error(rs, 414, "url", "the URL is over %zu bytes",
                         s->cfg.url_max);
    if (rq->body_len > s->cfg.body_max)
        return srv_error(rs, 413, "body", "the body is over %zu bytes",
                         s->cfg.body_max);
    const char *qm = strchr(url, '?');
    size_t plen = qm ? (size_t)(qm - url) : ulen;
    url_parts u = {0};
    char small[1024]; /* most URLs: no allocation */
    size_t need = 3 * ulen + 80;
    u.buf = need <= sizeof small ? small : ln_malloc(need);
    if (!u.buf)
        return srv_error(rs, 503, NULL, "out of memory");
    int rc = parse_path(url, plen, &u, rs);
    if (!rc && qm)
        rc = parse_query(qm + 1, ulen - plen - 1, u.buf + 2 * ulen + 4, rq,
                         rs);
    if (rc) {
        if (u.buf != small)
            ln_free(u.buf);
        return 0;
    }
    rq->path = u.path;
    long ri = find_route(s, method, &u);
    *route = ri;
    if (ri == -1) {
        srv_error(rs, 404, "path", "no such path: %s", u.path);
    } else if (ri == -2) {
        srv_error(rs, 405, "method", "%s is not allowed on %s", method,
                  u.path);
    } else {
        const srv_route *r = s->routes[ri];
        srv_auth auth;
        match(r->pattern, &u, rq);
        rq->route = r;
        if (!r->permission || !check_role(s, r, authorization, &auth, rs)) {
            rq->auth = r->permission ? &auth : NULL;
            /* who the audit log names for this request's writes (this
             * thread's, cleared after): "ROLE:token:ID" or "open" */
            char who[64];
            if (r->permission)
                snprintf(who, sizeof who, "%s:token:%lld",
                         ln_role_name(auth.role), (long long)auth.cred);
            ln_store_set_actor(s->st, r->permission ? who : "open");
            r->fn(s, rq, rs);
            ln_store_set_actor(s->st, NULL);
            if (!rs->body && !rs->stream)
                srv_error(rs, 500, NULL, "the handler gave no answer");
        }
    }
    if (u.buf != small)
        ln_free(u.buf);
    return 0;
}

int srv__dispatch(srv *s, const char *method, const char *url,
                  const char *authorization, const char *body, size_t len,
                  void *conn, srv_resp *out)
{
    double t0 = ln_time_mono_s();
    memset(out, 0, sizeof *out);
    srv_req rq = {0};
    rq.method = method;
    rq.path = url;
    rq.body = body;
    rq.body_len = len;
    rq.conn = conn;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    rq.t_unix_s = (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
    long route = -1;
    run(s, method, url, authorization, &rq, out, &route);
    if (!out->body && !out->stream)
        srv_error(out, 503, NULL, "out of memory");
    double dt = ln_time_mono_s() - t0;
    srv__count_request(s, route, out->status, dt);
    srv__log_request(s, method, url,
                     route >= 0 ? s->routes[route]->name : "unmatched",
                     out->status, dt, out->len);
    return 0;
}

int srv_handle(srv *s, const char *method, const char *url,
               const char *authorization, const char *body, size_t len,
               srv_resp *out)
{
    memset(out, 0, sizeof *out);
    char *copy = ln_malloc(len + 1);
    if (!copy)
        return LN_ENOMEM;
    if (len)
        memcpy(copy, body, len);
    copy[len] = 0;
    int rc = srv__dispatch(s, method, url, authorization, copy, len, NULL,
                           out);
    ln_free(copy);
    return rc;
}
