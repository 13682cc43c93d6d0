/*
 * drive_http.c - `leonet drive`'s HTTP side (drive.h): a pool of `inflight`
 * slots over one libcurl multi handle. Each slot keeps its easy handle,
 * and the multi handle its connection cache, so requests reuse keep-alive
 * connections (one per slot at most). A request that gets no answer
 * (connection refused or reset, timeout), a 5xx or a 429 is sent again
 * with the same body after 0.25 s, 0.5 s, 1 s, ... (at most 4 s between
 * tries) up to `retries` times: a telemetry batch keeps its sequence
 * numbers, so a retry of a batch the daemon did store is answered
 * "duplicate" and nothing is stored or billed twice. 401/403 and other
 * 4xx are final (retrying the same body cannot help).
 * Single-threaded: the caller's thread runs the transfers inside
 * drv_pool_post / pump / drain / call.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "cli/drive.h"
#include "leonet/core.h"

enum { SLOT_FREE = 0, SLOT_RUNNING = 1, SLOT_WAIT = 2 };

typedef struct slot {
    CURL *h;
    int state;               /* SLOT_* */
    char url[1200];
    char *body;              /* owned (NULL for a GET) */
    size_t len, nreports;
    int tries;               /* sends so far */
    double retry_at;         /* mono time of the next try (SLOT_WAIT) */
    int last_outcome;        /* of a finished drv_pool_call */
    char *resp;              /* answer body, NUL-terminated */
    size_t resp_len, resp_cap;
    char err[CURL_ERROR_SIZE];
} slot;

struct drv_pool {
    drv_pool_config c;
    CURLM *m;
    struct curl_slist *hdrs;
    slot *s;
    int n;                   /* slots */
    int busy;
    int stopped;
    uint64_t retried;
};

static void sleep_s(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    nanosleep(&ts, NULL);
}

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *user)
{
    slot *s = user;
    size_t n = size * nmemb;
    if (s->resp_len + n + 1 > s->resp_cap) {
        size_t nc = (s->resp_len + n + 1) * 2;
        char *r = realloc(s->resp, nc);
        if (!r)
            return 0; /* curl fails the transfer: retried */
        s->resp = r;
        s->resp_cap = nc;
    }
    memcpy(s->resp + s->resp_len, ptr, n);
    s->resp_len += n;
    s->resp[s->resp_len] = '\0';
    return n;
}

drv_pool *drv_pool_new(const drv_pool_config *c)
{
    drv_pool *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->c = *c;
    p->n = c->inflight > 0 ? c->inflight : 1;
    p->s = calloc((size_t)p->n, sizeof *p->s);
    p->m = curl_multi_init();
    p->hdrs = curl_slist_append(NULL, "Content-Type: application/json");
    if (p->hdrs)
        p->hdrs = curl_slist_append(p->hdrs, "Expect:"); /* no 100-continue
                                                            round trip */
    if (c->token && p->hdrs) {
        char auth[1100];
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", c->token);
        struct curl_slist *h = curl_slist_append(p->hdrs, auth);
        p->hdrs = h;
    }
    if (!p->s || !p->m || !p->hdrs) {
        drv_pool_free(p);
        return NULL;
    }
    curl_multi_setopt(p->m, CURLMOPT_MAX_HOST_CONNECTIONS, (long)p->n);
    for (int k = 0; k < p->n; k++) {
        slot *s = &p->s[k];
        if (!(s->h = curl_easy_init())) {
            drv_pool_free(p);
            return NULL;
        }
        curl_easy_setopt(s->h, CURLOPT_WRITEFUNCTION, on_data);
        curl_easy_setopt(s->h, CURLOPT_WRITEDATA, s);
        curl_easy_setopt(s->h, CURLOPT_ERRORBUFFER, s->err);
        curl_easy_setopt(s->h, CURLOPT_HTTPHEADER, p->hdrs);
        curl_easy_setopt(s->h, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(s->h, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
        curl_easy_setopt(s->h, CURLOPT_TIMEOUT_MS,
                         (long)(c->timeout_s * 1000));
        curl_easy_setopt(s->h, CURLOPT_TCP_KEEPALIVE, 1L);
        curl_easy_setopt(s->h, CURLOPT_PRIVATE, s);
    }
    return p;
}

void drv_pool_free(drv_pool *p)
{
    if (!p)
        return;
    for (int k = 0; p->s && k < p->n; k++) {
        slot *s = &p->s[k];
        if (s->h) {
            if (s->state == SLOT_RUNNING)
                curl_multi_remove_handle(p->m, s->h);
            curl_easy_cleanup(s->h);
        }
        free(s->body);
        free(s->resp);
    }
    free(p->s);
    if (p->m)
        curl_multi_cleanup(p->m);
    curl_slist_free_all(p->hdrs);
    free(p);
}

/* (Re)sends slot s's request. */
static void send_slot(drv_pool *p, slot *s)
{
    s->resp_len = 0;
    if (s->resp)
        s->resp[0] = '\0';
    s->err[0] = '\0';
    curl_easy_setopt(s->h, CURLOPT_URL, s->url);
    if (s->body) {
        curl_easy_setopt(s->h, CURLOPT_POST, 1L);
        curl_easy_setopt(s->h, CURLOPT_POSTFIELDS, s->body);
        curl_easy_setopt(s->h, CURLOPT_POSTFIELDSIZE_LARGE,
                         (curl_off_t)s->len);
    } else {
        curl_easy_setopt(s->h, CURLOPT_HTTPGET, 1L);
    }
    s->tries++;
    s->state = SLOT_RUNNING;
    curl_multi_add_handle(p->m, s->h);
}

/* A transfer of slot s ended with curl's result cr: retry it, or end it
 * (the callback, the slot freed). */
static void finished(drv_pool *p, slot *s, CURLcode cr)
{
    long status = 0;
    curl_multi_remove_handle(p->m, s->h);
    if (cr == CURLE_OK)
        curl_easy_getinfo(s->h, CURLINFO_RESPONSE_CODE, &status);
    int outcome;
    if (cr == CURLE_OK && status >= 200 && status < 300)
        outcome = DRV_OK;
    else if (status == 401 || status == 403)
        outcome = DRV_AUTH;
    else if (cr == CURLE_OK && status >= 400 && status < 500 && status != 429)
        outcome = DRV_REJECT;
    else
        outcome = DRV_GONE; /* no answer, 5xx, 429: retried first */
    if (outcome == DRV_GONE && s->tries <= p->c.retries) {
        double back = 0.25;
        for (int k = 1; k < s->tries && back < 4.0; k++)
            back *= 2;
        s->retry_at = ln_time_mono_s() + (back < 4.0 ? back : 4.0);
        s->state = SLOT_WAIT;
        p->retried++;
        return;
    }
    const char *err = cr == CURLE_OK ? ""
                      : s->err[0]    ? s->err
                                     : curl_easy_strerror(cr);
    drv_done d = {outcome, status, s->nreports,
                  s->resp ? s->resp : "", s->resp_len, err};
    if (outcome != DRV_OK)
        p->stopped = 1;
    s->last_outcome = outcome;
    if (p->c.done)
        p->c.done(p->c.user, &d);
    free(s->body);
    s->body = NULL;
    s->state = SLOT_FREE;
    p->busy--;
}

void drv_pool_pump(drv_pool *p, double wait_s)
{
    double now = ln_time_mono_s();
    double next = now + wait_s;
    for (int k = 0; k < p->n; k++) {
        slot *s = &p->s[k];
        if (s->state == SLOT_WAIT && s->retry_at <= now)
            send_slot(p, s);
        else if (s->state == SLOT_WAIT && s->retry_at < next)
            next = s->retry_at;
    }
    int running = 0;
    curl_multi_perform(p->m, &running);
    if (wait_s > 0 && running) {
        int ms = (int)((next - now) * 1000);
        curl_multi_poll(p->m, NULL, 0, ms > 0 ? ms : 0, NULL);
        curl_multi_perform(p->m, &running);
    } else if (wait_s > 0 && next > now) {
        sleep_s(next - now);
    }
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(p->m, &left))) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        slot *s = NULL;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&s);
        if (s)
            finished(p, s, msg->data.result);
    }
}

/* A free slot (pumping until one is), or NULL when stopped. */
static slot *free_slot(drv_pool *p)
{
    for (;;) {
        if (p->stopped)
            return NULL;
        for (int k = 0; k < p->n; k++)
            if (p->s[k].state == SLOT_FREE)
                return &p->s[k];
        drv_pool_pump(p, 0.05);
    }
}

static slot *start(drv_pool *p, const char *path, char *body, size_t len,
                   size_t nreports)
{
    slot *s = free_slot(p);
    if (!s) {
        free(body);
        return NULL;
    }
    snprintf(s->url, sizeof s->url, "%s%s", p->c.base_url, path);
    s->body = body;
    s->len = len;
    s->nreports = nreports;
    s->tries = 0;
    s->last_outcome = -1;
    p->busy++;
    send_slot(p, s);
    return s;
}

int drv_pool_post(drv_pool *p, const char *path, char *body, size_t len,
                  size_t nreports)
{
    return start(p, path, body, len, nreports) ? 0 : -1;
}

void drv_pool_drain(drv_pool *p)
{
    while (p->busy > 0)
        drv_pool_pump(p, 0.05);
}

void drv_pool_set_retries(drv_pool *p, int retries)
{
    p->c.retries = retries;
}

int drv_pool_busy(const drv_pool *p)
{
    return p->busy;
}

uint64_t drv_pool_retried(const drv_pool *p)
{
    return p->retried;
}

int drv_pool_stopped(const drv_pool *p)
{
    return p->stopped;
}

int drv_pool_call(drv_pool *p, const char *method, const char *path,
                  const char *body)
{
    drv_pool_drain(p);
    char *b = NULL;
    size_t len = 0;
    if (strcmp(method, "POST") == 0) {
        len = body ? strlen(body) : 0;
        b = malloc(len + 1);
        if (!b)
            return DRV_GONE;
        memcpy(b, body ? body : "", len + 1);
    }
    slot *s = start(p, path, b, len, 0);
    if (!s)
        return DRV_GONE;
    while (s->state != SLOT_FREE)
        drv_pool_pump(p, 0.05);
    return s->last_outcome;
}
