/*
 * live_map.c - leonetd's live activity map: spans of windows counted
 * from ingested reports, the cells changed since the last event, and the
 * ring of events clients replay after a reconnection (live.h says what
 * is counted and how much memory it takes).
 *
 * Changed cells: each span keeps one byte per cell and window (set when
 * the cell's counts in that window change, cleared by the flush) and the
 * map a list of the (span, row, window) set, so a flush costs what
 * changed, not the map's size. An event carries absolute values (the
 * cell's means in that window, the window's totals), so applying one
 * twice, or one older than the data a client holds, is harmless.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "leonet/cell.h"
#include "leonet/link.h"
#include "leonet/policy.h"
#include "server/live.h"

typedef struct span {
    long k;              /* start = k * span_s */
    ln_activity *a;      /* NULL: slot free */
    uint8_t *dirty;      /* [row * nwin + w]: changed since the flush */
    size_t dirty_rows;   /* rows dirty has room for */
    long latest;         /* newest window with a report, -1 none */
} span;

typedef struct dirt {
    long k, row, w;      /* span, row, window */
} dirt;

typedef struct event {
    uint64_t n;          /* its number */
    char *text;          /* SSE text, malloc'd */
    size_t len;
} event;

struct live_map {
    pthread_mutex_t mu;
    pthread_cond_t cv;      /* broadcast: a new event, or stop */
    double window_s, span_s, per_terminal;
    long nwin;              /* windows per span */
    int res;
    span sp[LIVE_SPANS];    /* guarded by mu (all below too) */
    dirt *dl;
    size_t ndl, cap_dl;
    event ring[LIVE_EVENTS];/* event n at ring[n % LIVE_EVENTS] */
    uint64_t first, last;   /* kept: first..last (none: last < first) */
    size_t ring_bytes;
    double last_flush;      /* monotonic s */
    uint64_t boot;          /* Unix ms at creation */
    int stopped;
    live_map_stats st;
};

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

int live_map_new(double window_s, double step_s, int res,
                 live_map **out)
{
    *out = NULL;
    if (!(window_s > 0) || window_s > 86400 * 7 || !(step_s > 0) ||
        step_s > window_s || res < 0 || res > LN_CELL_MAX_RES)
        return LN_EINVAL;
    live_map *m = ln_calloc(1, sizeof *m);
    if (!m)
        return LN_ENOMEM;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&m->cv, &ca);
    pthread_condattr_destroy(&ca);
    pthread_mutex_init(&m->mu, NULL);
    m->window_s = window_s;
    m->nwin = (long)ceil(86400.0 / window_s - 1e-9);
    m->span_s = window_s * (double)m->nwin;
    m->per_terminal = window_s / step_s;
    m->res = res;
    m->first = 1;
    m->last = 0;
    m->last_flush = -1e9;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    m->boot = (uint64_t)ts.tv_sec * 1000u + (uint64_t)(ts.tv_nsec / 1000000);
    *out = m;
    return 0;
}

void live_map_free(live_map *m)
{
    if (!m)
        return;
    for (int s = 0; s < LIVE_SPANS; s++) {
        ln_activity_free(m->sp[s].a);
        ln_free(m->sp[s].dirty);
    }
    for (int e = 0; e < LIVE_EVENTS; e++)
        ln_free(m->ring[e].text);
    ln_free(m->dl);
    pthread_mutex_destroy(&m->mu);
    pthread_cond_destroy(&m->cv);
    ln_free(m);
}

double live_map_window_s(const live_map *m) { return m->window_s; }
long live_map_span_windows(const live_map *m) { return m->nwin; }
double live_map_span_s(const live_map *m) { return m->span_s; }

/* The status tally.c counts: the daemon's refusal when it refused, else
 * the terminal's link state. */
static int status_of(const ln_st_report *r)
{
    if (r->reason != LN_REASON_NONE && r->reason != LN_REASON_NO_SAT &&
        r->reason != LN_REASON_NO_GW)
        return r->reason;
    if (r->link == LN_LINK_NO_SAT)
        return LN_REASON_NO_SAT;
    if (r->link == LN_LINK_NO_GW)
        return LN_REASON_NO_GW;
    return r->reason;
}

/* The span of index k, made when absent (the oldest is dropped when all
 * slots are taken, unless k is older than all). NULL: too old, or out of
 * memory. Under mu. */
static span *span_get(live_map *m, long k)
{
    int free_s = -1, old = -1;
    for (int s = 0; s < LIVE_SPANS; s++) {
        if (!m->sp[s].a) {
            if (free_s < 0)
                free_s = s;
            continue;
        }
        if (m->sp[s].k == k)
            return &m->sp[s];
        if (old < 0 || m->sp[s].k < m->sp[old].k)
            old = s;
    }
    if (free_s < 0) {
        if (k < m->sp[old].k)
            return NULL;
        free_s = old;
        ln_activity_free(m->sp[old].a);
        ln_free(m->sp[old].dirty);
        memset(&m->sp[old], 0, sizeof m->sp[old]);
    }
    ln_activity_spec spec = {"leonetd", m->res, m->nwin, m->window_s,
                             (double)k * m->span_s, m->per_terminal};
    span *p = &m->sp[free_s];
    if (ln_activity_new(&spec, &p->a))
        return NULL;
    p->k = k;
    p->latest = -1;
    return p;
}

/* Marks (span, row, w) changed. Under mu. 0 or LN_ENOMEM. */
static int mark(live_map *m, span *p, long row, long w)
{
    if ((size_t)row >= p->dirty_rows) {
        size_t nr = p->dirty_rows ? p->dirty_rows * 2 : 64;
        while (nr <= (size_t)row)
            nr *= 2;
        uint8_t *nd = ln_realloc(p->dirty, nr * (size_t)m->nwin);
        if (!nd)
            return LN_ENOMEM;
        memset(nd + p->dirty_rows * (size_t)m->nwin, 0,
               (nr - p->dirty_rows) * (size_t)m->nwin);
        p->dirty = nd;
        p->dirty_rows = nr;
    }
    uint8_t *d = &p->dirty[(size_t)row * (size_t)m->nwin + (size_t)w];
    if (*d)
        return 0;
    if (m->ndl == m->cap_dl) {
        size_t nc = m->cap_dl ? m->cap_dl * 2 : 1024;
        dirt *nl = ln_realloc(m->dl, nc * sizeof *nl);
        if (!nl)
            return LN_ENOMEM;
        m->dl = nl;
        m->cap_dl = nc;
    }
    m->dl[m->ndl++] = (dirt){p->k, row, w};
    *d = 1;
    return 0;
}

/* A report ready to count: cell, span, window, kind. */
typedef struct pend {
    ln_cell c;
    long k, w;
    int kind;
} pend;

#define ADD_CHUNK 256

void live_map_add(live_map *m, const ln_st_report *r, const uint8_t *is_new,
                  size_t n)
{
    for (size_t i0 = 0; i0 < n; i0 += ADD_CHUNK) {
        pend p[ADD_CHUNK];
        size_t np = 0, end = i0 + ADD_CHUNK < n ? i0 + ADD_CHUNK : n;
        uint64_t bad = 0, ahead = 0;
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        double t_max = (double)ts.tv_sec + LIVE_AHEAD_S;
        /* cells outside the lock: the costly part */
        for (size_t i = i0; i < end; i++) {
            if (is_new && !is_new[i])
                continue;
            double t = r[i].t_unix_s;
            ln_cell c;
            if (!isfinite(t) || fabs(t) > 1e11 ||
                ln_cell_from_latlon_deg(r[i].lat_deg, r[i].lon_deg, m->res,
                                        &c)) {
                bad++;
                continue;
            }
            if (t > t_max) { /* a clock error: would push out real days */
                ahead++;
                continue;
            }
            long k = (long)floor(t / m->span_s);
            long w = (long)floor((t - (double)k * m->span_s) / m->window_s);
            w = w < 0 ? 0 : w >= m->nwin ? m->nwin - 1 : w;
            p[np++] = (pend){c, k, w, ln_activity_kind(status_of(&r[i]))};
        }
        pthread_mutex_lock(&m->mu);
        m->st.bad += bad;
        m->st.dropped += ahead;
        for (size_t j = 0; j < np; j++) {
            span *s = span_get(m, p[j].k);
            long row;
            if (!s || ln_activity_row(s->a, p[j].c, &row)) {
                m->st.dropped++;
                continue;
            }
            ln_activity_counts add = {p[j].kind == LN_ACTIVITY_ACTIVE,
                                      p[j].kind == LN_ACTIVITY_DENIED,
                                      p[j].kind == LN_ACTIVITY_OUTAGE, 1};
            if (ln_activity_add(s->a, p[j].c, p[j].w, &add)) {
                m->st.dropped++;
                continue;
            }
            (void)mark(m, s, row, p[j].w); /* no memory: no event for it */
            if (p[j].w > s->latest)
                s->latest = p[j].w;
            m->st.counted++;
        }
        pthread_mutex_unlock(&m->mu);
    }
}

double live_map_latest_span(live_map *m, double now_unix_s)
{
    pthread_mutex_lock(&m->mu);
    long best = LONG_MIN;
    for (int s = 0; s < LIVE_SPANS; s++)
        if (m->sp[s].a && m->sp[s].latest >= 0 && m->sp[s].k > best)
            best = m->sp[s].k;
    pthread_mutex_unlock(&m->mu);
    if (best == LONG_MIN)
        best = (long)floor(now_unix_s / m->span_s);
    return (double)best * m->span_s;
}

static void id_of(const live_map *m, uint64_t n, char *buf)
{
    snprintf(buf, LIVE_ID_LEN, "%" PRIx64 "-%" PRIu64, m->boot, n);
}

int live_map_range(live_map *m, double from_unix_s, long nwin,
                   const char *name, ln_activity **out, char *event_id,
                   long *latest)
{
    *out = NULL;
    double q = from_unix_s / m->window_s;
    if (!isfinite(q) || fabs(q - round(q)) > 1e-9 || nwin < 1 ||
        nwin > LN_ACTIVITY_MAX_WINDOWS)
        return LN_EINVAL;
    ln_activity_spec spec = {name, m->res, nwin, m->window_s, from_unix_s,
                             m->per_terminal};
    ln_activity *a;
    int rc = ln_activity_new(&spec, &a);
    if (rc)
        return rc;
    long g0 = (long)round(q), lat = -1;
    pthread_mutex_lock(&m->mu);
    /* a whole span (the page's and the files' usual range): one merge, a
     * copy of the counts row by row (measured for 3,000 cells: the lock
     * is held 16 ms instead of 34 ms with a lookup per cell and window) */
    int done = 0;
    for (int s = 0; s < LIVE_SPANS && nwin == m->nwin && !done; s++)
        if (m->sp[s].a && m->sp[s].k * m->nwin == g0) {
            rc = ln_activity_merge(a, m->sp[s].a);
            lat = m->sp[s].latest;
            done = 1;
        }
    for (int s = 0; s < LIVE_SPANS && !rc && !done; s++) {
        const span *p = &m->sp[s];
        if (!p->a)
            continue;
        long sg = p->k * m->nwin - g0; /* its window 0 in the range */
        if (sg + m->nwin <= 0 || sg >= nwin)
            continue;
        size_t nc = ln_activity_ncells(p->a);
        for (size_t r = 0; r < nc && !rc; r++) {
            ln_cell c = ln_activity_cell(p->a, r);
            for (long w = 0; w < m->nwin && !rc; w++) {
                long g = sg + w;
                if (g < 0 || g >= nwin)
                    continue;
                ln_activity_counts n = ln_activity_get(p->a, c, w);
                if (!n.present && !n.active && !n.denied && !n.outage)
                    continue;
                rc = ln_activity_add(a, c, g, &n);
                if (g > lat)
                    lat = g;
            }
        }
    }
    if (event_id)
        id_of(m, m->last, event_id);
    pthread_mutex_unlock(&m->mu);
    if (rc) {
        ln_activity_free(a);
        return rc;
    }
    if (latest)
        *latest = lat;
    *out = a;
    return 0;
}

/* ---- events ---------------------------------------------------------- */

static void put_mean(FILE *f, double units, double per_terminal)
{
    fprintf(f, "%.2f", units / per_terminal);
}

/* One event of span p's changed cells (entries of dl with k = p->k),
 * as SSE text. Under mu. */
static int event_text(live_map *m, const span *p, uint64_t n, char **text,
                      size_t *len)
{
    FILE *f = open_memstream(text, len);
    uint8_t *wd = ln_calloc((size_t)m->nwin, 1);
    if (!f || !wd) {
        if (f)
            fclose(f);
        ln_free(wd);
        return LN_ENOMEM;
    }
    char id[LIVE_ID_LEN];
    id_of(m, n, id);
    fprintf(f, "id: %s\nevent: cells\ndata: {\"start\":%.3f,"
            "\"window_s\":%.3f,\"nwin\":%ld,\"latest\":%ld,\"cells\":[",
            id, (double)p->k * m->span_s, m->window_s, m->nwin, p->latest);
    int first = 1;
    for (size_t e = 0; e < m->ndl; e++) {
        const dirt *d = &m->dl[e];
        if (d->k != p->k)
            continue;
        ln_cell c = ln_activity_cell(p->a, (size_t)d->row);
        ln_activity_counts v = ln_activity_get(p->a, c, d->w);
        char sid[LN_CELL_STRLEN];
        snprintf(sid, sizeof sid, "%015" PRIx64, (uint64_t)c);
        fprintf(f, "%s[\"%s\",%ld,", first ? "" : ",", sid, d->w);
        put_mean(f, v.active, m->per_terminal);
        fputc(',', f);
        put_mean(f, v.denied, m->per_terminal);
        fputc(',', f);
        put_mean(f, v.outage, m->per_terminal);
        fputs(",[", f);
        ln_cell_boundary b;
        if (!ln_cell_boundary_of(c, &b))
            for (int k = 0; k < b.n; k++)
                fprintf(f, "%s%.4f,%.4f", k ? "," : "",
                        b.lon_rad[k] * LN_RAD2DEG, b.lat_rad[k] * LN_RAD2DEG);
        fputs("]]", f);
        first = 0;
        wd[d->w] = 1;
    }
    fputs("],\"totals\":[", f);
    first = 1;
    for (long w = 0; w < m->nwin; w++) {
        if (!wd[w])
            continue;
        double tot[3];
        ln_activity_window_total(p->a, w, tot);
        fprintf(f, "%s[%ld,", first ? "" : ",", w);
        put_mean(f, tot[0], m->per_terminal);
        fputc(',', f);
        put_mean(f, tot[1], m->per_terminal);
        fputc(',', f);
        put_mean(f, tot[2], m->per_terminal);
        fputc(']', f);
        first = 0;
    }
    fputs("]}\n\n", f);
    ln_free(wd);
    return fclose(f) ? LN_ENOMEM : 0;
}

/* Appends an event to the ring, dropping the oldest past the caps. */
static void ring_push(live_map *m, char *text, size_t len)
{
    uint64_t n = ++m->last;
    while (m->first < n &&
           (n - m->first >= LIVE_EVENTS ||
            m->ring_bytes + len > LIVE_EVENT_BYTES)) {
        event *o = &m->ring[m->first % LIVE_EVENTS];
        m->ring_bytes -= o->len;
        free(o->text); /* open_memstream's buffer */
        o->text = NULL;
        m->first++;
    }
    event *e = &m->ring[n % LIVE_EVENTS];
    *e = (event){n, text, len};
    m->ring_bytes += len;
    m->st.events++;
}

/* Clears the changed flags and list. Under mu. */
static void clear_changes(live_map *m)
{
    for (size_t e = 0; e < m->ndl; e++) {
        const dirt *d = &m->dl[e];
        for (int s = 0; s < LIVE_SPANS; s++)
            if (m->sp[s].a && m->sp[s].k == d->k)
                m->sp[s].dirty[(size_t)d->row * (size_t)m->nwin +
                               (size_t)d->w] = 0;
    }
    m->ndl = 0;
}

/* live_map_flush under mu. */
static int flush_locked(live_map *m, double min_interval_s)
{
    double now = mono_s();
    if (!m->ndl || now - m->last_flush < min_interval_s)
        return 0;
    int made = 0;
    for (int s = 0; s < LIVE_SPANS; s++) {
        span *p = &m->sp[s];
        if (!p->a)
            continue;
        int any = 0;
        for (size_t e = 0; e < m->ndl && !any; e++)
            any = m->dl[e].k == p->k;
        if (!any)
            continue;
        char *text = NULL;
        size_t len = 0;
        if (event_text(m, p, m->last + 1, &text, &len)) {
            free(text);
            continue; /* no memory: the next flush tries again */
        }
        ring_push(m, text, len);
        made++;
    }
    clear_changes(m);
    m->last_flush = now;
    if (made)
        pthread_cond_broadcast(&m->cv);
    return made;
}

int live_map_flush(live_map *m, double min_interval_s)
{
    pthread_mutex_lock(&m->mu);
    int made = flush_locked(m, min_interval_s);
    pthread_mutex_unlock(&m->mu);
    return made;
}

void live_map_settle(live_map *m)
{
    pthread_mutex_lock(&m->mu);
    clear_changes(m);
    pthread_mutex_unlock(&m->mu);
}

void live_map_cursor(live_map *m, const char *last_id, uint64_t *next,
                     int *reset)
{
    pthread_mutex_lock(&m->mu);
    *next = m->last + 1;
    *reset = 0;
    if (last_id && last_id[0]) {
        uint64_t b, n;
        char tail;
        if (sscanf(last_id, "%" SCNx64 "-%" SCNu64 "%c", &b, &n, &tail) ==
                2 &&
            b == m->boot && n + 1 >= m->first && n <= m->last)
            *next = n + 1;
        else
            *reset = 1;
    }
    pthread_mutex_unlock(&m->mu);
}

static int reset_locked(live_map *m, char **text, size_t *len)
{
    char id[LIVE_ID_LEN];
    id_of(m, m->last, id);
    char buf[160];
    int k = snprintf(buf, sizeof buf,
                     "id: %s\nevent: reset\ndata: {\"reload\":"
                     "\"/v1/map/page\"}\n\n", id);
    *text = ln_malloc((size_t)k + 1);
    if (!*text)
        return LN_ENOMEM;
    memcpy(*text, buf, (size_t)k + 1);
    *len = (size_t)k;
    return 0;
}

int live_map_reset_event(live_map *m, char **text, size_t *len)
{
    pthread_mutex_lock(&m->mu);
    int rc = reset_locked(m, text, len);
    pthread_mutex_unlock(&m->mu);
    return rc;
}

int live_map_next(live_map *m, uint64_t *next, double wait_s, char **text,
                  size_t *len)
{
    double deadline = mono_s() + wait_s;
    int rc = 0;
    pthread_mutex_lock(&m->mu);
    for (;;) {
        flush_locked(m, 1.0);
        if (*next < m->first && m->first <= m->last) {
            /* fell behind the ring: reload */
            rc = reset_locked(m, text, len);
            *next = m->last + 1;
            rc = rc ? rc : 1;
            break;
        }
        if (*next <= m->last) {
            const event *e = &m->ring[*next % LIVE_EVENTS];
            *text = ln_malloc(e->len + 1);
            if (!*text) {
                rc = LN_ENOMEM;
                break;
            }
            memcpy(*text, e->text, e->len + 1);
            *len = e->len;
            (*next)++;
            rc = 1;
            break;
        }
        double now = mono_s();
        if (m->stopped || now >= deadline)
            break;
        /* wake at the deadline, or when pending changes are due */
        double wake = deadline;
        if (m->ndl && m->last_flush + 1.0 < wake)
            wake = m->last_flush + 1.0;
        if (wake < now + 0.01)
            wake = now + 0.01;
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        double dt = wake - now;
        ts.tv_sec += (time_t)dt;
        ts.tv_nsec += (long)((dt - floor(dt)) * 1e9);
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&m->cv, &m->mu, &ts);
    }
    pthread_mutex_unlock(&m->mu);
    return rc;
}

void live_map_stop(live_map *m)
{
    pthread_mutex_lock(&m->mu);
    m->stopped = 1;
    pthread_cond_broadcast(&m->cv);
    pthread_mutex_unlock(&m->mu);
}

void live_map_get_stats(live_map *m, live_map_stats *out)
{
    pthread_mutex_lock(&m->mu);
    *out = m->st;
    pthread_mutex_unlock(&m->mu);
}
