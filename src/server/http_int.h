/*
 * http_int.h - what http.c and http_work.c share: a request's context and
 * the pool that runs writes and parks streams.
 *
 * Writes. A POST waits on the store's group commit (an fsync, ms). Run on
 * the HTTP thread it would stall every other connection of that thread,
 * so once its body is in, the connection is suspended and the request
 * goes to a queue served by cfg.workers threads; the worker answers it
 * (srv__dispatch), then resumes the connection, whose thread sends the
 * answer. Many writes in flight at once also make bigger group commits.
 *
 * Streams. A part's stream function returns 0 when it has nothing to send
 * yet: the connection is parked (suspended) until srv_stream_wake, or at
 * most SRV_PARK_S, when the function is asked again (a heartbeat, or the
 * end once srv_stopping).
 */
#ifndef LN_SERVER_HTTP_INT_H
#define LN_SERVER_HTTP_INT_H

#include <microhttpd.h>
#include <pthread.h>

#include "core.h"

#define SRV_PARK_S 1.0

typedef struct rctx rctx;
struct rctx {
    char *url;                 /* raw URI */
    char *body;
    size_t len, cap;
    int too_big;
    int started;               /* the first call (headers) was seen */
    int state;                 /* 0 new, 1 queued to a worker, 2 answered */
    int streaming;
    int parked;                /* on the park list (guarded by park_mu) */
    const char *method, *auth; /* libmicrohttpd's, live for the request */
    struct MHD_Connection *conn;
    srv_resp resp;             /* the worker's answer (state 2) */
    rctx *next, *prev;         /* queue or park list */
};

typedef struct srv_work {
    srv *s;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    rctx *head, *tail;         /* jobs (guarded by mu) */
    int quit;
    pthread_t *th;
    int nth;
    pthread_mutex_t park_mu;
    rctx *parked;              /* parked streams (guarded by park_mu) */
    pthread_t waker;
    int waker_up;
    pthread_cond_t park_cv;    /* the waker's tick (with park_mu) */
    int park_quit;
} srv_work;

int srv__work_start(srv *s, srv_work **out);
/* Stops the workers (after the drain) and the waker; resumes every
 * parked connection first (streams end: srv_stopping). */
void srv__work_unpark_all(srv_work *w);
void srv__work_stop(srv_work *w);
void srv__work_push(srv_work *w, rctx *x);
/* Parks x (its connection suspended); 0, or -1 when stopping. Called
 * from the stream's content reader. */
int srv__work_park(srv_work *w, rctx *x);
void srv__work_unpark(srv_work *w, rctx *x); /* completion: off the list */

/* The deadline on receiving a request (http_guard.c): a connection still
 * receiving its request deadline_s after it began is shut down. */
typedef struct srv_guard srv_guard;
srv_guard *srv__guard_new(double deadline_s); /* NULL: out of memory */
void srv__guard_free(srv_guard *g);           /* after MHD_stop_daemon */
/* MHD_OPTION_NOTIFY_CONNECTION's callback (cls: the guard). */
void srv__guard_notify(void *cls, struct MHD_Connection *c,
                       void **socket_context,
                       enum MHD_ConnectionNotificationCode code);
/* on 1: the request is in and being answered; 0: it ended. */
void srv__guard_answering(struct MHD_Connection *c, int on);

#endif
