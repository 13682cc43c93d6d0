/*
 * drive.h - private to `leonet drive` (cmd_drive.c, drive_http.c): a
 * small pool of HTTP transfers to one leonetd over libcurl's multi
 * interface (keep-alive connections, a few requests in flight), with
 * retries of failed or 5xx requests with the same body.
 */
#ifndef LN_CLI_DRIVE_H
#define LN_CLI_DRIVE_H

#include <stddef.h>
#include <stdint.h>

/* How a request ended for good (after its retries). */
enum {
    DRV_OK = 0,       /* a 2xx */
    DRV_AUTH = 1,     /* 401 or 403: the token */
    DRV_REJECT = 2,   /* another 4xx: the daemon refused the body */
    DRV_GONE = 3      /* no answer, or 5xx, after every retry */
};

typedef struct drv_pool drv_pool;

/* What the pool reports back for each request that ended. */
typedef struct drv_done {
    int outcome;             /* DRV_* */
    long status;             /* HTTP status, 0 when none */
    size_t nreports;         /* the request's reports (0: not telemetry) */
    const char *body;        /* the answer's body (NUL-terminated), valid
                                during the callback */
    size_t body_len;
    const char *error;       /* curl's message when no answer, else "" */
} drv_done;
typedef void (*drv_done_cb)(void *user, const drv_done *d);

typedef struct drv_pool_config {
    const char *base_url;    /* "http://host:port", no trailing '/' */
    const char *token;       /* bearer token, or NULL */
    int inflight;            /* requests at once, >= 1 */
    int retries;             /* tries after the first, >= 0 */
    double timeout_s;        /* per request */
    drv_done_cb done;        /* called for each request that ended */
    void *user;
} drv_pool_config;

/* NULL on out of memory. */
drv_pool *drv_pool_new(const drv_pool_config *c);
void drv_pool_free(drv_pool *p);
/* Queues POST path with body (taken over: free()d by the pool), waiting
 * first for a free slot. nreports is handed back in drv_done. 0, or -1
 * when the pool has stopped (a request ended other than DRV_OK). */
int drv_pool_post(drv_pool *p, const char *path, char *body, size_t len,
                  size_t nreports);
/* Runs transfers for up to wait_s seconds (0: what is ready now). */
void drv_pool_pump(drv_pool *p, double wait_s);
/* Waits for every queued request to end. */
void drv_pool_drain(drv_pool *p);
/* Sets the tries after the first for the requests started from now. */
void drv_pool_set_retries(drv_pool *p, int retries);
/* Requests in flight or waiting for a retry. */
int drv_pool_busy(const drv_pool *p);
/* Requests retried so far. */
uint64_t drv_pool_retried(const drv_pool *p);
/* 1 once a request ended other than DRV_OK (the pool takes no more). */
int drv_pool_stopped(const drv_pool *p);

/* One blocking GET or POST (the daemon's health, a policy event), with
 * the pool's retries; the answer is handed to the callback. Returns the
 * outcome (DRV_*). */
int drv_pool_call(drv_pool *p, const char *method, const char *path,
                  const char *body);

#endif
