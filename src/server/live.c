/*
 * live.c - the live map's routes (docs/live.md) and its hooks in the
 * daemon (srv_parts' row "live": init, fini, ingested):
 *
 *   GET /v1/map            the cells as activity.geojson (the same format
 *                          as `leonet run` writes, ln_activity_write_cells)
 *   GET /v1/map/windows    as activity-windows.geojson
 *   GET /v1/map/page       the page's data (docs/map.md, "Page data") in
 *                          the envelope, with the event id it holds
 *   GET /v1/map/events     Server-Sent Events: changed cells and window
 *                          totals at most once a second, "id:" lines,
 *                          Last-Event-ID replay, heartbeats
 *   GET /, GET /map        the activity page in live mode (open: the page
 *                          asks for a token; the data routes need one)
 *
 * Ranges. /v1/map, /v1/map/windows and /v1/map/page take ?day=YYYY-MM-DD
 * (a UTC day's span), or ?from=T (ISO 8601 UTC or Unix s, on a window
 * boundary) and ?windows=N; by default the newest span holding a report
 * (today's when none). ?window=N narrows to the range's window N, and
 * ?name=S names the files' "name" ("<S> activity"; default "leonetd").
 *
 * Who. Reading the map is "Activity map, View": operator and auditor.
 * A customer gets 403: a cell's counts add up every account's terminals
 * in it, so the fleet map would show other customers' terminals.
 *
 * Streams. A stream callback never blocks: it returns 0 when it has
 * nothing, the core parks the connection (no thread held), and the
 * ticker thread wakes the parked streams every second
 * (srv_stream_wake). A comment line (heartbeat) goes out after
 * LIVE_HEARTBEAT_S without an event. At most LIVE_SSE_MAX streams at
 * once (503 beyond).
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sys/socket.h>

#include <microhttpd.h>

#include "leonet/cell.h"
#include "server/live.h"
#include "server/srv_int.h"

#define LIVE_SSE_MAX 64         /* concurrent event streams */
#define LIVE_HEARTBEAT_S 15.0   /* a comment line when idle this long */
#define LIVE_NAME_MAX 100       /* ?name= bytes */
#define LIVE_REPLAY_MAX 1000000L /* stored reports counted at start
                                    (about 6 us each: 6 s at most) */
#define LIVE_PERM "Activity map, View"
#define LIVE_ROLES (SRV_ROLE(LN_ROLE_OPERATOR) | SRV_ROLE(LN_ROLE_AUDITOR))

typedef struct live {
    srv *s;
    live_map *m;
    pthread_t tick;
    int tick_up;
    pthread_mutex_t mu;       /* guards stop (with cv) */
    pthread_cond_t cv;
    int stop;
    atomic_int clients;       /* open event streams */
} live;

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static live *live_of(srv *s)
{
    void **slot = srv_slot(s, "live");
    return slot ? *slot : NULL;
}

/* ---- hooks ----------------------------------------------------------- */

/* Once a second: pending changes become events; parked streams wake. */
static void *ticker(void *arg)
{
    live *lv = arg;
    pthread_mutex_lock(&lv->mu);
    while (!lv->stop) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += 1;
        pthread_cond_timedwait(&lv->cv, &lv->mu, &ts);
        if (lv->stop)
            break;
        pthread_mutex_unlock(&lv->mu);
        live_map_flush(lv->m, 1.0);
        srv_stream_wake(lv->s);
        pthread_mutex_lock(&lv->mu);
    }
    pthread_mutex_unlock(&lv->mu);
    return NULL;
}

/* ---- the stored reports, counted again at start ------------------------ */

#define REPLAY_BATCH 4096

typedef struct replay {
    live_map *m;
    ln_st_report *buf;   /* REPLAY_BATCH */
    size_t n;
    long total;
} replay;

static int replay_one(void *user, int64_t pos, const ln_st_report *r)
{
    replay *p = user;
    (void)pos;
    p->buf[p->n++] = *r;
    p->total++;
    if (p->n == REPLAY_BATCH) {
        live_map_add(p->m, p->buf, NULL, p->n);
        p->n = 0;
    }
    return p->total >= LIVE_REPLAY_MAX;
}

static int max_pos(void *user, int64_t pos, const ln_st_report *r)
{
    int64_t *m = user;
    (void)r;
    if (pos > *m)
        *m = pos;
    return 0;
}

/* Counts the reports the store keeps, the newest LIVE_REPLAY_MAX at most
 * (by position: from each terminal's latest report's highest position
 * back; a cap on the start's time), so a restart keeps the map of what
 * is still stored (retention_s). No event is made of them. */
static void replay_store(srv *s, live_map *m)
{
    replay p = {m, ln_malloc(REPLAY_BATCH * sizeof(ln_st_report)), 0, 0};
    if (!p.buf)
        return;
    int64_t top = 0, last = 0;
    ln_store_latest_reports(srv_store(s), NULL, max_pos, &top);
    int64_t after = top > LIVE_REPLAY_MAX ? top - LIVE_REPLAY_MAX : 0;
    while (p.total < LIVE_REPLAY_MAX) {
        long before = p.total;
        if (ln_store_reports(srv_store(s), NULL, after, 100000, replay_one,
                             &p, &last) ||
            p.total == before)
            break;
        after = last;
    }
    if (p.n)
        live_map_add(m, p.buf, NULL, p.n);
    ln_free(p.buf);
    live_map_settle(m);
}

int srv_live_init(srv *s)
{
    const ln_server_config *cfg = srv_config(s);
    double window_s = cfg->window_s > 0 ? cfg->window_s : 900;
    int res = cfg->map_res >= 0 && cfg->map_res <= LN_CELL_MAX_RES
                  ? cfg->map_res
                  : 5;
    live *lv = ln_calloc(1, sizeof *lv);
    if (!lv)
        return LN_ENOMEM;
    lv->s = s;
    int rc = live_map_new(window_s, LIVE_STEP_S < window_s ? LIVE_STEP_S
                                                            : window_s,
                          res, &lv->m);
    if (rc) {
        ln_free(lv);
        return rc;
    }
    replay_store(s, lv->m);
    pthread_mutex_init(&lv->mu, NULL);
    pthread_cond_init(&lv->cv, NULL);
    atomic_init(&lv->clients, 0);
    if (pthread_create(&lv->tick, NULL, ticker, lv) == 0)
        lv->tick_up = 1;
    *srv_slot(s, "live") = lv;
    return 0;
}

void srv_live_fini(srv *s)
{
    void **slot = srv_slot(s, "live");
    live *lv = slot ? *slot : NULL;
    if (!lv)
        return;
    pthread_mutex_lock(&lv->mu);
    lv->stop = 1;
    pthread_cond_broadcast(&lv->cv);
    pthread_mutex_unlock(&lv->mu);
    live_map_stop(lv->m);
    if (lv->tick_up)
        pthread_join(lv->tick, NULL);
    live_map_free(lv->m);
    pthread_mutex_destroy(&lv->mu);
    pthread_cond_destroy(&lv->cv);
    ln_free(lv);
    *slot = NULL;
}

void srv_live_reports(srv *s, const ln_st_report *r, const uint8_t *is_new,
                      size_t n)
{
    live *lv = live_of(s);
    if (lv)
        live_map_add(lv->m, r, is_new, n);
}

/* ---- ranges ---------------------------------------------------------- */

/* A whole decimal number in [lo, hi], or -1 with an answer. */
static int query_long(const srv_req *rq, srv_resp *rs, const char *key,
                      long lo, long hi, long *out)
{
    const char *v = srv_query(rq, key);
    if (!v)
        return 0;
    char *e;
    errno = 0;
    long x = strtol(v, &e, 10);
    if (!*v || *e || errno || x < lo || x > hi) {
        srv_error(rs, 400, key, "%s: want a whole number in %ld..%ld",
                  key, lo, hi);
        return -1;
    }
    *out = x;
    return 1;
}

typedef struct range {
    double from;    /* Unix s, a window boundary */
    long nwin;      /* windows */
    char name[LIVE_NAME_MAX + 1];
} range;

/* The range a request asks for (file comment, "Ranges"); -1 when it is
 * bad (answered 400 naming the parameter). */
static int range_of(live *lv, const srv_req *rq, srv_resp *rs, range *g)
{
    live_map *m = lv->m;
    double ws = live_map_window_s(m);
    long span = live_map_span_windows(m);
    const char *day = srv_query(rq, "day"), *from = srv_query(rq, "from");
    const char *name = srv_query(rq, "name");
    g->nwin = span;
    snprintf(g->name, sizeof g->name, "leonetd");
    if (name) {
        if (!*name || strlen(name) > LIVE_NAME_MAX)
            return srv_error(rs, 400, "name", "name: want 1 to %d bytes",
                             LIVE_NAME_MAX), -1;
        snprintf(g->name, sizeof g->name, "%s", name);
    }
    if (day && from)
        return srv_error(rs, 400, "day", "give day or from, not both"), -1;
    if (day) {
        int y, mo, d;
        char tail;
        if (sscanf(day, "%4d-%2d-%2d%c", &y, &mo, &d, &tail) != 3 ||
            strlen(day) != 10 || y < 1970 || y > 2999 || mo < 1 ||
            mo > 12 || d < 1 || d > 31)
            return srv_error(rs, 400, "day",
                             "day '%.40s': want YYYY-MM-DD (UTC)", day), -1;
        g->from = ln_time_from_utc(y, mo, d, 0, 0, 0);
    } else if (from) {
        char *e;
        errno = 0;
        double t = strtod(from, &e);
        if (!*from || *e || errno || !isfinite(t)) {
            if (ln_time_parse_iso(from, &t))
                return srv_error(rs, 400, "from",
                                 "from '%.40s': want an ISO 8601 UTC time "
                                 "or Unix seconds", from), -1;
        }
        g->from = t;
    } else {
        g->from = live_map_latest_span(m, rq->t_unix_s);
    }
    double q = g->from / ws;
    if (!isfinite(q) || fabs(q - round(q)) > 1e-6 || fabs(g->from) > 1e11)
        return srv_error(rs, 400, day ? "day" : "from",
                         "%s is not on a window boundary (windows of %g s "
                         "from 1970-01-01T00:00:00Z)", day ? "day" : "from",
                         ws), -1;
    g->from = round(q) * ws;
    int k = query_long(rq, rs, "windows", 1, span * LIVE_SPANS, &g->nwin);
    if (k < 0)
        return -1;
    long w;
    k = query_long(rq, rs, "window", 0, g->nwin - 1, &w);
    if (k < 0)
        return -1;
    if (k) {
        g->from += (double)w * ws;
        g->nwin = 1;
    }
    return 0;
}

/* ---- /v1/map, /v1/map/windows ----------------------------------------- */

static int map_files(srv *s, const srv_req *rq, srv_resp *rs, int windows)
{
    live *lv = live_of(s);
    if (!lv)
        return srv_error(rs, 503, NULL, "the live map is not running");
    range g;
    if (range_of(lv, rq, rs, &g))
        return 0;
    ln_activity *a;
    int rc = live_map_range(lv->m, g.from, g.nwin, g.name, &a, NULL, NULL);
    if (rc)
        return srv_error(rs, rc == LN_ENOMEM ? 503 : 400, NULL,
                         "the map: %s", ln_strerror(rc));
    char *body = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&body, &len);
    if (!f) {
        ln_activity_free(a);
        return srv_error(rs, 503, NULL, "out of memory");
    }
    rc = windows ? ln_activity_write_windows(a, f)
                 : ln_activity_write_cells(a, f);
    ln_activity_free(a);
    if (fclose(f) || rc) {
        free(body);
        return srv_error(rs, 503, NULL, "out of memory");
    }
    return srv_raw(rs, 200, "application/geo+json", body, len);
}

static int h_map(srv *s, const srv_req *rq, srv_resp *rs)
{
    return map_files(s, rq, rs, 0);
}

static int h_map_windows(srv *s, const srv_req *rq, srv_resp *rs)
{
    return map_files(s, rq, rs, 1);
}

/* ---- /v1/map/page ------------------------------------------------------ */

static int h_map_page(srv *s, const srv_req *rq, srv_resp *rs)
{
    live *lv = live_of(s);
    if (!lv)
        return srv_error(rs, 503, NULL, "the live map is not running");
    range g;
    if (range_of(lv, rq, rs, &g))
        return 0;
    ln_activity *a;
    char id[LIVE_ID_LEN];
    long latest;
    int rc = live_map_range(lv->m, g.from, g.nwin, g.name, &a, id, &latest);
    if (rc)
        return srv_error(rs, rc == LN_ENOMEM ? 503 : 400, NULL,
                         "the map: %s", ln_strerror(rc));
    char *zones = NULL, *body = NULL;
    size_t zlen = 0, len = 0;
    live_zones_text(s, &zones, &zlen); /* none drawn when it fails */
    FILE *f = open_memstream(&body, &len);
    if (!f) {
        ln_activity_free(a);
        free(zones);
        return srv_error(rs, 503, NULL, "out of memory");
    }
    /* the envelope, written around the page's data (ServiceResponse) */
    fprintf(f, "{\"content\":{\"eventId\":\"%s\",\"latest\":%ld,"
            "\"page\":", id, latest);
    ln_activity_options opt;
    ln_activity_options_init(&opt);
    opt.data_dir = srv_config(s)->data_dir;
    opt.quiet = 1;
    ln_diag diag = {0};
    rc = ln_activity_write_page_data(a, zones, zlen, &opt, f, &diag);
    fputs("},\"errors\":[],\"warnings\":[],\"information\":[],"
          "\"isValid\":true}", f);
    ln_activity_free(a);
    free(zones);
    if (fclose(f) || rc) {
        free(body);
        return srv_error(rs, 503, NULL, "the page's data: %s",
                         rc ? diag.msg : "out of memory");
    }
    return srv_raw(rs, 200, "application/json", body, len);
}

/* ---- the page ---------------------------------------------------------- */

static int h_page(srv *s, const srv_req *rq, srv_resp *rs)
{
    (void)rq;
    char *body = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&body, &len);
    if (!f)
        return srv_error(rs, 503, NULL, "out of memory");
    ln_activity_options opt;
    ln_activity_options_init(&opt);
    opt.data_dir = srv_config(s)->data_dir;
    ln_diag diag = {0};
    int rc = ln_activity_write_live_page(&opt, f, &diag);
    if (fclose(f) || rc) {
        free(body);
        return srv_error(rs, 503, NULL, "the page: %s",
                         rc ? diag.msg : "out of memory");
    }
    return srv_raw(rs, 200, "text/html; charset=utf-8", body, len);
}

/* ---- /v1/map/events ---------------------------------------------------- */

typedef struct sse {
    live *lv;
    uint64_t next;        /* number of the next event to send */
    char *buf;            /* text being sent (ln_malloc'd), off..len left */
    size_t len, off;
    double last_send;     /* monotonic s */
    int started, reset;
    int fd;               /* the client's socket (libmicrohttpd's), -1 */
} sse;

/* 1 when the client closed its end (an idle stream would learn it only
 * when a heartbeat fails): a peek at the socket, never a read. */
static int sse_gone(const sse *e)
{
    if (e->fd < 0)
        return 0;
    char c;
    ssize_t n = recv(e->fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK &&
                      errno != EINTR);
}

static int sse_set(sse *e, const char *text)
{
    size_t n = strlen(text);
    ln_free(e->buf);
    e->buf = ln_malloc(n + 1);
    if (!e->buf)
        return -1;
    memcpy(e->buf, text, n + 1);
    e->len = n;
    e->off = 0;
    return 0;
}

static long sse_read(void *user, uint64_t pos, char *buf, size_t max)
{
    sse *e = user;
    live *lv = e->lv;
    (void)pos;
    for (;;) {
        if (e->off < e->len) {
            size_t n = e->len - e->off < max ? e->len - e->off : max;
            memcpy(buf, e->buf + e->off, n);
            e->off += n;
            e->last_send = mono_s();
            return (long)n;
        }
        if (srv_stopping(lv->s))
            return -1;
        if (!e->started) {
            /* the client's retry delay; a reset when its Last-Event-ID
             * is not this run's or no longer kept */
            e->started = 1;
            if (sse_set(e, "retry: 2000\n: leonetd live map\n\n"))
                return -1;
            if (e->reset) {
                char *t;
                size_t n;
                if (live_map_reset_event(lv->m, &t, &n))
                    return -1;
                char *nb = ln_realloc(e->buf, e->len + n + 1);
                if (!nb) {
                    ln_free(t);
                    return -1;
                }
                memcpy(nb + e->len, t, n + 1);
                e->buf = nb;
                e->len += n;
                ln_free(t);
            }
            continue;
        }
        char *t;
        size_t n;
        int rc = live_map_next(lv->m, &e->next, 0, &t, &n);
        if (rc < 0)
            return -1;
        if (rc == 1) {
            ln_free(e->buf);
            e->buf = t;
            e->len = n;
            e->off = 0;
            continue;
        }
        if (sse_gone(e))
            return -1;
        if (mono_s() - e->last_send >= LIVE_HEARTBEAT_S) {
            if (sse_set(e, ": heartbeat\n\n"))
                return -1;
            continue;
        }
        return 0; /* parked until srv_stream_wake */
    }
}

static void sse_free(void *user)
{
    sse *e = user;
    atomic_fetch_sub(&e->lv->clients, 1);
    ln_free(e->buf);
    ln_free(e);
}

static int h_map_events(srv *s, const srv_req *rq, srv_resp *rs)
{
    live *lv = live_of(s);
    if (!lv)
        return srv_error(rs, 503, NULL, "the live map is not running");
    const int cap = LIVE_SSE_MAX;
    if (atomic_fetch_add(&lv->clients, 1) >= cap) {
        atomic_fetch_sub(&lv->clients, 1);
        return srv_error(rs, 503, NULL,
                         "%d live map streams are open already: try "
                         "again later", cap);
    }
    sse *e = ln_calloc(1, sizeof *e);
    if (!e) {
        atomic_fetch_sub(&lv->clients, 1);
        return srv_error(rs, 503, NULL, "out of memory");
    }
    e->lv = lv;
    e->last_send = mono_s();
    e->fd = -1;
    const char *last = srv_query(rq, "lastEventId");
    if (rq->conn) {
        const char *h = MHD_lookup_connection_value(
            rq->conn, MHD_HEADER_KIND, "Last-Event-ID");
        if (h)
            last = h;
        const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
            rq->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        if (ci)
            e->fd = ci->connect_fd;
    }
    live_map_cursor(lv->m, last, &e->next, &e->reset);
    rs->status = 200;
    rs->content_type = "text/event-stream";
    rs->stream = sse_read;
    rs->stream_free = sse_free;
    rs->stream_user = e;
    return 0;
}

const srv_route srv_routes_live[] = {
    {"GET", "/v1/map", h_map, LIVE_PERM, LIVE_ROLES, 0, "v1_map"},
    {"GET", "/v1/map/windows", h_map_windows, LIVE_PERM, LIVE_ROLES, 0,
     "v1_map_windows"},
    {"GET", "/v1/map/page", h_map_page, LIVE_PERM, LIVE_ROLES, 0,
     "v1_map_page"},
    {"GET", "/v1/map/events", h_map_events, LIVE_PERM, LIVE_ROLES, 0,
     "v1_map_events"},
    {"GET", "/", h_page, NULL, SRV_ALL_ROLES, 0, "live_page_root"},
    {"GET", "/map", h_page, NULL, SRV_ALL_ROLES, 0, "live_page"},
    {NULL, NULL, NULL, NULL, 0, 0, NULL}};
