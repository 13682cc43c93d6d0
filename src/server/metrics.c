/*
 * metrics.c - counters and GET /metrics (Prometheus text format 0.0.4),
 * GET /healthz.
 *
 * Series:
 *   leonetd_requests_total{route,method,code}      by status class 2xx..
 *   leonetd_request_seconds{route,method,code} histogram  handler time (the
 *                                                  socket's is the client's)
 *   leonetd_decisions_total{reason}                every srv_decide
 *   leonetd_reports_total{result}                  stored/duplicate/rejected
 *   leonetd_ingest_lag_seconds histogram           arrival - report time
 *   leonetd_store_commits_total, _rows_total, _failed_total,
 *   leonetd_store_commit_seconds_sum, _max         ln_store_get_stats
 *   leonetd_terminals, leonetd_accounts, leonetd_zones, leonetd_up_seconds
 * Counters are relaxed atomics: a scrape sees each one whole, not all of
 * them at one instant.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core.h"

static const double lat_bounds[SRV_LAT_BUCKETS - 1] = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
    0.025,  0.05,    0.1,    0.25,  0.5,    1.0};
static const double lag_bounds[SRV_LAG_BUCKETS - 1] = {
    0.1, 0.5, 1, 2, 5, 15, 30, 60, 300, 900, 3600};

#define RLX memory_order_relaxed

void srv__count_request(srv *s, long route, int status, double secs)
{
    if (!s->m.route)
        return;
    srv_rstat *r = &s->m.route[route >= 0 ? (size_t)route : s->nroutes];
    int c = status / 100 - 1;
    if (c < 0 || c > 4)
        c = 4;
    int b = 0;
    while (b < SRV_LAT_BUCKETS - 1 && secs > lat_bounds[b])
        b++;
    atomic_fetch_add_explicit(&r->n[c], 1, RLX);
    atomic_fetch_add_explicit(&r->bucket[c][b], 1, RLX);
    atomic_fetch_add_explicit(&r->us_sum[c], (uint64_t)(secs * 1e6), RLX);
}

void srv__count_decision(srv *s, int reason)
{
    if (reason >= 0 && reason < LN_REASON_COUNT_)
        atomic_fetch_add_explicit(&s->m.decisions[reason], 1, RLX);
}

void srv__count_lag(srv *s, double lag_s)
{
    if (!(lag_s >= 0))
        lag_s = 0;
    int b = 0;
    while (b < SRV_LAG_BUCKETS - 1 && lag_s > lag_bounds[b])
        b++;
    atomic_fetch_add_explicit(&s->m.lag_bucket[b], 1, RLX);
    atomic_fetch_add_explicit(&s->m.lag_ms_sum, (uint64_t)(lag_s * 1e3),
                              RLX);
    atomic_fetch_add_explicit(&s->m.lag_n, 1, RLX);
}

/* A growing text buffer (ln_malloc'd). */
typedef struct tbuf {
    char *p;
    size_t n, cap;
    int err;
} tbuf;

static void put(tbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void put(tbuf *b, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        size_t room = b->cap - b->n;
        int k = vsnprintf(b->p ? b->p + b->n : NULL, room, fmt, ap);
        va_end(ap);
        if (k < 0) {
            b->err = 1;
            return;
        }
        if ((size_t)k < room) {
            b->n += (size_t)k;
            return;
        }
        if (ln_grow((void **)&b->p, &b->cap, b->n + (size_t)k + 1, 1)) {
            b->err = 1;
            return;
        }
    }
}

static const char *const cls[5] = {"1xx", "2xx", "3xx", "4xx", "5xx"};

static void put_route(tbuf *b, const char *name, const char *method,
                      const srv_rstat *r)
{
    for (int c = 0; c < 5; c++) {
        uint64_t n = atomic_load_explicit(&r->n[c], RLX);
        if (!n)
            continue;
        put(b,
            "leonetd_requests_total{route=\"%s\",method=\"%s\","
            "code=\"%s\"} %llu\n",
            name, method, cls[c], (unsigned long long)n);
        uint64_t cum = 0;
        for (int k = 0; k < SRV_LAT_BUCKETS; k++) {
            cum += atomic_load_explicit(&r->bucket[c][k], RLX);
            if (k < SRV_LAT_BUCKETS - 1)
                put(b,
                    "leonetd_request_seconds_bucket{route=\"%s\",method="
                    "\"%s\",code=\"%s\",le=\"%g\"} %llu\n",
                    name, method, cls[c], lat_bounds[k],
                    (unsigned long long)cum);
            else
                put(b,
                    "leonetd_request_seconds_bucket{route=\"%s\",method="
                    "\"%s\",code=\"%s\",le=\"+Inf\"} %llu\n",
                    name, method, cls[c], (unsigned long long)cum);
        }
        put(b,
            "leonetd_request_seconds_sum{route=\"%s\",method=\"%s\","
            "code=\"%s\"} %.6f\n",
            name, method, cls[c],
            1e-6 * (double)atomic_load_explicit(&r->us_sum[c], RLX));
        put(b,
            "leonetd_request_seconds_count{route=\"%s\",method=\"%s\","
            "code=\"%s\"} %llu\n",
            name, method, cls[c], (unsigned long long)cum);
    }
}

static void put_requests(srv *s, tbuf *b)
{
    put(b, "# HELP leonetd_requests_total Requests answered, by route and "
           "status class.\n# TYPE leonetd_requests_total counter\n");
    put(b, "# HELP leonetd_request_seconds Time from the request to its "
           "answer in the daemon.\n# TYPE leonetd_request_seconds "
           "histogram\n");
    for (size_t i = 0; i < s->nroutes; i++) {
        /* (name, method) is unique (srv__routes_init) */
        put_route(b, s->routes[i]->name, s->routes[i]->method,
                  &s->m.route[i]);
    }
    put_route(b, "unmatched", "", &s->m.route[s->nroutes]);
}

static void put_ingest(srv *s, tbuf *b)
{
    put(b, "# HELP leonetd_decisions_total Authorization decisions, by "
           "reason.\n# TYPE leonetd_decisions_total counter\n");
    for (int r = 0; r < LN_REASON_COUNT_; r++)
        put(b, "leonetd_decisions_total{reason=\"%s\"} %llu\n",
            r ? ln_reason_name(r) : "allowed",
            (unsigned long long)atomic_load_explicit(&s->m.decisions[r],
                                                     RLX));
    put(b, "# HELP leonetd_reports_total Telemetry reports, by result.\n"
           "# TYPE leonetd_reports_total counter\n"
           "leonetd_reports_total{result=\"stored\"} %llu\n"
           "leonetd_reports_total{result=\"duplicate\"} %llu\n"
           "leonetd_reports_total{result=\"rejected\"} %llu\n",
        (unsigned long long)atomic_load_explicit(&s->m.reports_new, RLX),
        (unsigned long long)atomic_load_explicit(&s->m.reports_dup, RLX),
        (unsigned long long)atomic_load_explicit(&s->m.reports_rejected,
                                                 RLX));
    put(b, "# HELP leonetd_ingest_lag_seconds Arrival time minus the "
           "report's time.\n# TYPE leonetd_ingest_lag_seconds histogram\n");
    uint64_t cum = 0;
    for (int k = 0; k < SRV_LAG_BUCKETS; k++) {
        cum += atomic_load_explicit(&s->m.lag_bucket[k], RLX);
        if (k < SRV_LAG_BUCKETS - 1)
            put(b, "leonetd_ingest_lag_seconds_bucket{le=\"%g\"} %llu\n",
                lag_bounds[k], (unsigned long long)cum);
        else
            put(b, "leonetd_ingest_lag_seconds_bucket{le=\"+Inf\"} %llu\n",
                (unsigned long long)cum);
    }
    put(b, "leonetd_ingest_lag_seconds_sum %.3f\n"
           "leonetd_ingest_lag_seconds_count %llu\n",
        1e-3 * (double)atomic_load_explicit(&s->m.lag_ms_sum, RLX),
        (unsigned long long)cum);
}

static void put_store(srv *s, tbuf *b, double now)
{
    ln_store_stats st;
    memset(&st, 0, sizeof st);
    ln_store_get_stats(s->st, &st);
    put(b, "# HELP leonetd_store_commits_total Durable commits.\n"
           "# TYPE leonetd_store_commits_total counter\n"
           "leonetd_store_commits_total %llu\n"
           "# TYPE leonetd_store_rows_total counter\n"
           "leonetd_store_rows_total %llu\n"
           "# TYPE leonetd_store_failed_total counter\n"
           "leonetd_store_failed_total %llu\n"
           "# HELP leonetd_store_commit_seconds_sum Time spent in commits.\n"
           "# TYPE leonetd_store_commit_seconds_sum counter\n"
           "leonetd_store_commit_seconds_sum %.6f\n"
           "# HELP leonetd_store_commit_seconds_max Longest commit.\n"
           "# TYPE leonetd_store_commit_seconds_max gauge\n"
           "leonetd_store_commit_seconds_max %.6f\n",
        (unsigned long long)st.commits, (unsigned long long)st.rows,
        (unsigned long long)st.failed, st.commit_s_sum, st.commit_s_max);
    pthread_rwlock_rdlock(&s->lock);
    size_t nt = s->tab.nterm, na = s->tab.nacct;
    size_t nz = ln_zoneset_count(s->zs);
    pthread_rwlock_unlock(&s->lock);
    put(b, "# TYPE leonetd_terminals gauge\nleonetd_terminals %zu\n"
           "# TYPE leonetd_accounts gauge\nleonetd_accounts %zu\n"
           "# TYPE leonetd_zones gauge\nleonetd_zones %zu\n"
           "# TYPE leonetd_up_seconds gauge\nleonetd_up_seconds %.3f\n",
        nt, na, nz, now - s->started_unix_s);
}

static int h_metrics(srv *s, const srv_req *rq, srv_resp *rs)
{
    tbuf b = {0};
    put_requests(s, &b);
    put_ingest(s, &b);
    put_store(s, &b, rq->t_unix_s);
    if (b.err) {
        ln_free(b.p);
        return srv_error(rs, 503, NULL, "out of memory");
    }
    return srv_raw(rs, 200, "text/plain; version=0.0.4; charset=utf-8", b.p,
                   b.n);
}

static int h_healthz(srv *s, const srv_req *rq, srv_resp *rs)
{
    (void)rq;
    json_t *o = json_object();
    pthread_rwlock_rdlock(&s->lock);
    json_object_set_new(o, "terminals", json_integer((json_int_t)s->tab.nterm));
    json_object_set_new(o, "accounts", json_integer((json_int_t)s->tab.nacct));
    json_object_set_new(o, "zones",
                        json_integer((json_int_t)ln_zoneset_count(s->zs)));
    json_object_set_new(o, "zonesVersion", json_integer(s->zones_version));
    pthread_rwlock_unlock(&s->lock);
    json_object_set_new(o, "status", json_string("ok"));
    json_object_set_new(o, "schemaVersion",
                        json_integer(ln_store_schema_version(s->st)));
    return srv_ok(rs, 200, o);
}

/* the core's routes: this file's, ingest.c's and authz.c's handlers */
const srv_route srv_routes_core[] = {
    {"GET", "/healthz", h_healthz, NULL, 0, 0, "healthz"},
    {"GET", "/metrics", h_metrics, "Metrics, View",
     SRV_ROLE(LN_ROLE_OPERATOR) | SRV_ROLE(LN_ROLE_AUDITOR), 0, "metrics"},
    {"POST", "/v1/telemetry", srv__h_telemetry, "Device telemetry, Edit",
     SRV_ROLE(LN_ROLE_OPERATOR) | SRV_ROLE(LN_ROLE_TERMINAL), 0,
     "v1_telemetry"},
    {"GET", "/v1/terminals/{id}/authorization", srv__h_authz_one,
     "Device management, View", SRV_ALL_ROLES, 0, "v1_authorization"},
    {"POST", "/v1/authorization", srv__h_authz_batch,
     "Device management, View", SRV_ALL_ROLES, 0, "v1_authorization_batch"},
    {NULL, NULL, NULL, NULL, 0, 0, NULL}};
