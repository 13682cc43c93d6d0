/*
 * srv_int.h - what the parts of leonetd share: a request, an answer, the
 * route table, the caller's identity and the daemon's live state.
 *
 * Owners (one file set each; a part adds its own private header beside
 * this one, e.g. v2.h, billing.h, live.h):
 *   http.c route.c parts.c auth.c state.c metrics.c log.c config.c
 *     ingest.c authz.c                   the core (this header; its
 *                                        private core.h)
 *   v2_*.c                               /public/v2 (Starlink's subset)
 *   admin_*.c billing.c                  /v1 zones, accounts, usage,
 *                                        invoices
 *   live.c                               SSE and the live page
 *
 * Every answer, success or error, /public/v2 and /v1 alike, is Starlink's
 * ServiceResponse envelope: {"content", "errors": [{"memberNames",
 * "errorMessage"}], "warnings", "information", "isValid"}.
 */
#ifndef LN_SERVER_SRV_INT_H
#define LN_SERVER_SRV_INT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "leonet/policy.h"
#include "leonet/server.h"
#include "leonet/store.h"

typedef struct srv srv; /* the daemon: config, store, state, metrics */

/* Who is asking (from the bearer token). */
typedef struct srv_auth {
    int role;                  /* LN_ROLE_* */
    char account[LN_ST_ID];    /* customer: its account */
    char terminal[LN_ST_ID];   /* terminal: itself */
    int64_t cred;              /* the token's row id (stream cursor) */
} srv_auth;

typedef struct srv_req {
    const char *method;        /* "GET", "POST", ... */
    const char *path;          /* decoded path, no query */
    const char *param[4];      /* the route's {x} segments, in order */
    int nparam;
    const char *body;          /* NUL-terminated copy; body_len bytes */
    size_t body_len;
    const srv_auth *auth;      /* NULL on routes without a permission */
    void *conn;                /* libmicrohttpd's connection, NULL in
                                  process (srv_handle) */
    double t_unix_s;           /* when the request arrived */
    /* the query string, decoded (srv_query); at most SRV_QUERY_MAX */
    const char *qkey[16];
    const char *qval[16];
    int nquery;
    const struct srv_route *route; /* the matched route */
} srv_req;
#define SRV_QUERY_MAX 16

typedef struct srv_resp {
    int status;                /* HTTP status */
    char *body;                /* malloc'd, or NULL */
    size_t len;
    const char *content_type;  /* NULL = application/json */
    /* a streamed answer (SSE): the core calls stream(user, pos, buf, max)
     * on an HTTP thread (never block in it): > 0 bytes written, 0 nothing
     * now (the connection waits, without a thread, until srv_stream_wake
     * or at most 1 s, then asks again: send a heartbeat when due, end
     * when srv_stopping), < 0 the end; then stream_free(user) */
    long (*stream)(void *user, uint64_t pos, char *buf, size_t max);
    void (*stream_free)(void *user);
    void *stream_user;
} srv_resp;

typedef int (*srv_handler)(srv *s, const srv_req *rq, srv_resp *rs);

/* A route. Patterns are literal segments and {name} segments.
 * permission: Starlink's name ("Service lines, View"), or NULL for an
 * open route (/healthz, the page). roles: bit mask (1u << LN_ROLE_*) of
 * the roles that hold the permission; others get 403. Scope within a
 * role (a customer's own account) is the handler's check
 * (srv_scope_account, srv_scope_terminal). */
typedef struct srv_route {
    const char *method;
    const char *pattern;       /* "/public/v2/service-lines/{n}" */
    srv_handler fn;
    const char *permission;
    unsigned roles;
    int starlink;              /* 1: the same operation as Starlink's */
    const char *name;          /* metrics label, e.g. "v2_service_lines" */
} srv_route;

#define SRV_ROLE(r) (1u << (r))
#define SRV_ALL_ROLES 0xfu
#define SRV_READERS                                                      \
    (SRV_ROLE(LN_ROLE_OPERATOR) | SRV_ROLE(LN_ROLE_CUSTOMER) |           \
     SRV_ROLE(LN_ROLE_AUDITOR))

/* Each part's table, ended by a {NULL} row. */
extern const srv_route srv_routes_core[];   /* healthz, metrics, /v1
                                               telemetry, authorization */
extern const srv_route srv_routes_v2[];     /* /public/v2 */
extern const srv_route srv_routes_admin[];  /* /v1 zones, accounts, usage,
                                               invoices */
extern const srv_route srv_routes_live[];   /* /v1/map, the live page */

/* ---- answers (route.c) --------------------------------------------- */
/* The envelope with content (stolen; NULL = null), isValid true. */
int srv_ok(srv_resp *rs, int status, json_t *content);
/* The envelope with one error, isValid false; member may be NULL. */
int srv_error(srv_resp *rs, int status, const char *member,
              const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
/* A body that is not the envelope (text/plain metrics, HTML, SSE). */
int srv_raw(srv_resp *rs, int status, const char *content_type,
            char *body, size_t len);
/* A query-string value, or NULL. */
const char *srv_query(const srv_req *rq, const char *key);

/* ---- bodies (route.c): parse with line/column errors ------------------ */
/* Parses rq's body as a JSON object; on error answers 400 with the line,
 * column and message and returns NULL. Rejects bad UTF-8 and duplicate
 * members. */
json_t *srv_body_object(const srv_req *rq, srv_resp *rs);

/* ---- scope (auth.c) ------------------------------------------------ */
/* 0 when the caller may see/act on this account / terminal; otherwise
 * answers 404 (a customer or terminal is not told another account's
 * records exist: the same answer as for an id that does not exist) and
 * returns -1. */
int srv_scope_account(srv *s, const srv_req *rq, srv_resp *rs,
                      const char *account);
int srv_scope_terminal(srv *s, const srv_req *rq, srv_resp *rs,
                       const char *terminal);

/* Forgets every cached token (auth.c): call after revoking one, so the
 * next request with it reads the store again. */
void srv_auth_flush(srv *s);

/* ---- the daemon (state.c) ------------------------------------------ */
ln_store *srv_store(srv *s);
/* 1 once the daemon is stopping (SIGTERM): a streamed answer ends. */
int srv_stopping(srv *s);
/* Asks every waiting stream for data now (live.c, after new reports).
 * Any thread; no-op without an HTTP server. */
void srv_stream_wake(srv *s);
const ln_server_config *srv_config(const srv *s);
/* Re-reads zones / accounts from the store after a change, so the next
 * decision uses them (admin's zone upload, suspend/resume). */
int srv_reload_zones(srv *s);
int srv_reload_accounts(srv *s);

/* The decision for a terminal at a position and time: the same
 * ln_policy_decide as `leonet run`, and its Starlink alert code
 * (srv_alert_code). lat_deg or lon_deg NaN: the terminal's last reported
 * position (or its placement). LN_ENOTFOUND for an unknown terminal,
 * LN_EINVAL when NaN was given and the terminal has no position yet.
 * Counts the decision in /metrics. No allocation, no DB. */
typedef struct srv_decision {
    ln_policy_decision d;      /* d.zone_id points at zone_id below (or is
                                  NULL): copy the struct, not the pointer */
    int alert;                 /* Starlink alert code, 0 when allowed */
    char zone_id[LN_ST_ID];    /* the deciding zone's id, "" none */
    char account[LN_ST_ID];    /* the terminal's account */
    double lat_deg, lon_deg, t_unix_s; /* the position decided */
} srv_decision;
int srv_decide(srv *s, const char *terminal, double lat_deg,
               double lon_deg, double t_unix_s, srv_decision *out);
/* Starlink's alert code and name for a reason: ZONE 89
 * disabled_cell_is_disabled, SUSPENDED 95 disabled_account_disabled,
 * KILL 95, NO_SAT/NO_GW 0 (link state, not authorization). */
int srv_alert_code(int reason);
const char *srv_alert_name(int code);

/* ---- parts (parts.c) ------------------------------------------------
 * Each part of the daemon is one row of srv_parts[] (parts.c): its route
 * table and its hooks, any of them NULL. A part adds its ONE row there;
 * the core calls
 *   init(s)      once in srv_new, in table order (after the core's state
 *                is loaded); non-zero fails the start
 *   fini(s)      once in srv_free, in reverse order
 *   ingested(s, r, is_new, n)  after every durable ingest (the reports as
 *                stored, is_new[i] = 1 for those stored now), on the HTTP
 *                thread that ingested: keep it short, never block.
 * A part keeps its state in its slot (srv_slot). */
typedef struct srv_part {
    const char *name;                   /* "core", "v2", "admin", "live" */
    const srv_route *routes;            /* ended by a {NULL} row, or NULL */
    int (*init)(srv *s);
    void (*fini)(srv *s);
    void (*ingested)(srv *s, const ln_st_report *r, const uint8_t *is_new,
                     size_t n);
} srv_part;
extern const srv_part srv_parts[];      /* ended by a {NULL} row */

/* The part's own pointer in s (NULL until it sets it). NULL when no part
 * has this name. */
void **srv_slot(srv *s, const char *part);

/* Live hooks (live.c): its srv_parts row names it as `ingested`. */
void srv_live_reports(srv *s, const ln_st_report *r, const uint8_t *is_new,
                      size_t n);

/* ---- without a socket (route.c, state.c) ------------------------------
 * srv_new makes the daemon's state over an open store (borrowed) without
 * listening: tests and the fuzz harnesses call srv_handle on it. */
int srv_new(ln_store *st, const ln_server_config *cfg, srv **out /* OUT */,
            ln_diag *diag);
void srv_free(srv *s);
/* srv_handle
 * Given:    method, url     "GET", "/v1/x?a=b" (raw: percent-encoded)
 *           authorization   the Authorization header or NULL
 *           body, len       the request body (any bytes; copied)
 * Returned: out             the answer (srv_resp_free)
 * Status:   0 (out holds the answer, error answers included), LN_ENOMEM
 * Notes:    route, auth, caps (body_max: 413, url_max: 414), handler:
 *           what the HTTP server does for one request. A streamed answer
 *           (out->stream) is the caller's to drain. */
int srv_handle(srv *s, const char *method, const char *url,
               const char *authorization, const char *body, size_t len,
               srv_resp *out /* OUT */);
void srv_resp_free(srv_resp *rs);

#endif
