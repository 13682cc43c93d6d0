/*
 * http_work.c - the write workers and the stream parking of the HTTP
 * server (http_int.h).
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "http_int.h"

static void *worker(void *arg)
{
    srv_work *w = arg;
    for (;;) {
        pthread_mutex_lock(&w->mu);
        while (!w->head && !w->quit)
            pthread_cond_wait(&w->cv, &w->mu);
        rctx *x = w->head;
        if (!x) {
            pthread_mutex_unlock(&w->mu);
            return NULL;
        }
        w->head = x->next;
        if (!w->head)
            w->tail = NULL;
        pthread_mutex_unlock(&w->mu);
        x->next = NULL;
        srv__dispatch(w->s, x->method, x->url, x->auth,
                      x->body ? x->body : "", x->len, x->conn, &x->resp);
        x->state = 2;
        MHD_resume_connection(x->conn);
    }
}

void srv__work_push(srv_work *w, rctx *x)
{
    pthread_mutex_lock(&w->mu);
    x->next = NULL;
    if (w->tail)
        w->tail->next = x;
    else
        w->head = x;
    w->tail = x;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

/* resumes every parked connection (park_mu held) */
static void unpark_locked(srv_work *w)
{
    rctx *x = w->parked;
    w->parked = NULL;
    while (x) {
        rctx *n = x->next;
        x->parked = 0;
        x->next = x->prev = NULL;
        MHD_resume_connection(x->conn);
        x = n;
    }
}

static void *waker(void *arg)
{
    srv_work *w = arg;
    pthread_mutex_lock(&w->park_mu);
    while (!w->park_quit) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += (time_t)SRV_PARK_S;
        pthread_cond_timedwait(&w->park_cv, &w->park_mu, &ts);
        unpark_locked(w);
    }
    pthread_mutex_unlock(&w->park_mu);
    return NULL;
}

int srv__work_park(srv_work *w, rctx *x)
{
    pthread_mutex_lock(&w->park_mu);
    if (w->park_quit || srv_stopping(w->s)) {
        pthread_mutex_unlock(&w->park_mu);
        return -1;
    }
    MHD_suspend_connection(x->conn);
    x->parked = 1;
    x->prev = NULL;
    x->next = w->parked;
    if (w->parked)
        w->parked->prev = x;
    w->parked = x;
    pthread_mutex_unlock(&w->park_mu);
    return 0;
}

void srv__work_unpark(srv_work *w, rctx *x)
{
    pthread_mutex_lock(&w->park_mu);
    if (x->parked) {
        if (x->prev)
            x->prev->next = x->next;
        else
            w->parked = x->next;
        if (x->next)
            x->next->prev = x->prev;
        x->parked = 0;
        x->next = x->prev = NULL;
    }
    pthread_mutex_unlock(&w->park_mu);
}

void srv_stream_wake(srv *s)
{
    srv_work *w = s->work;
    if (!w)
        return;
    pthread_mutex_lock(&w->park_mu);
    unpark_locked(w);
    pthread_mutex_unlock(&w->park_mu);
}

void srv__work_unpark_all(srv_work *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->park_mu);
    w->park_quit = 1;
    unpark_locked(w);
    pthread_cond_signal(&w->park_cv);
    pthread_mutex_unlock(&w->park_mu);
}

int srv__work_start(srv *s, srv_work **out)
{
    srv_work *w = ln_calloc(1, sizeof *w);
    if (!w)
        return LN_ENOMEM;
    w->s = s;
    int n = s->cfg.workers > 0 ? s->cfg.workers : 16;
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    pthread_mutex_init(&w->park_mu, NULL);
    pthread_cond_init(&w->park_cv, NULL);
    w->th = ln_calloc((size_t)n, sizeof *w->th);
    if (!w->th) {
        srv__work_stop(w);
        return LN_ENOMEM;
    }
    for (int i = 0; i < n; i++) {
        if (pthread_create(&w->th[i], NULL, worker, w)) {
            srv__work_stop(w);
            return LN_ENOMEM;
        }
        w->nth++;
    }
    if (pthread_create(&w->waker, NULL, waker, w)) {
        srv__work_stop(w);
        return LN_ENOMEM;
    }
    w->waker_up = 1;
    *out = w;
    return 0;
}

void srv__work_stop(srv_work *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->mu);
    w->quit = 1;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    for (int i = 0; i < w->nth; i++)
        pthread_join(w->th[i], NULL);
    srv__work_unpark_all(w);
    if (w->waker_up)
        pthread_join(w->waker, NULL);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv);
    pthread_mutex_destroy(&w->park_mu);
    pthread_cond_destroy(&w->park_cv);
    ln_free(w->th);
    ln_free(w);
}
