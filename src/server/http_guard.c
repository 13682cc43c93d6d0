/*
 * http_guard.c - the deadline on receiving a request (slowloris).
 *
 * libmicrohttpd's connection timeout counts idle time only: a client that
 * sends one byte a second is never idle and would hold its connection
 * (and a slot of conn_max) for ever. The guard keeps every open
 * connection on a list (MHD_OPTION_NOTIFY_CONNECTION) with the time its
 * current request began to arrive (the connection's start, then the end
 * of its previous request); a sweeper thread shuts down, twice a second,
 * every connection still receiving a request after deadline_s. While a
 * request is being answered (a worker, a stream) the connection is not
 * receiving and is left alone. An idle keep-alive connection counts as
 * receiving: it is cut at the same deadline as libmicrohttpd's idle
 * timeout would cut it.
 *
 * shutdown(2), not close: the descriptor stays libmicrohttpd's, which
 * then sees the end of the stream and closes the connection itself; a
 * connection leaves the list (NOTIFY_CLOSED) before its descriptor is
 * closed, under the list's lock, so the sweeper never touches a
 * descriptor that was reused.
 *
 * Memory: 48 bytes per open connection; the sweep is O(connections)
 * (10,000 idle connections: well under a millisecond).
 */
#include <stdatomic.h>
#include <sys/socket.h>
#include <time.h>

#include <microhttpd.h>

#include "http_int.h"

typedef struct gconn {
    MHD_socket fd;
    atomic_llong since_ms;     /* when the current request began */
    atomic_int answering;      /* 1: received, being answered */
    struct gconn *prev, *next;
} gconn;

struct srv_guard {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    gconn *head;
    long long deadline_ms;
    int stop;
    pthread_t th;
    atomic_ullong cut;         /* connections cut (metrics, tests) */
};

static long long now_ms(void) { return (long long)(ln_time_mono_s() * 1e3); }

static void *sweep(void *arg)
{
    srv_guard *g = arg;
    pthread_mutex_lock(&g->mu);
    while (!g->stop) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 500000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&g->cv, &g->mu, &ts);
        long long t = now_ms();
        for (gconn *c = g->head; c && !g->stop; c = c->next)
            if (!atomic_load(&c->answering) &&
                t - atomic_load(&c->since_ms) > g->deadline_ms) {
                shutdown(c->fd, SHUT_RDWR);
                atomic_store(&c->since_ms, t); /* once per deadline */
                atomic_fetch_add(&g->cut, 1);
            }
    }
    pthread_mutex_unlock(&g->mu);
    return NULL;
}

srv_guard *srv__guard_new(double deadline_s)
{
    srv_guard *g = ln_calloc(1, sizeof *g);
    if (!g)
        return NULL;
    pthread_mutex_init(&g->mu, NULL);
    pthread_cond_init(&g->cv, NULL);
    g->deadline_ms = (long long)(deadline_s * 1e3);
    if (pthread_create(&g->th, NULL, sweep, g)) {
        pthread_cond_destroy(&g->cv);
        pthread_mutex_destroy(&g->mu);
        ln_free(g);
        return NULL;
    }
    return g;
}

void srv__guard_free(srv_guard *g)
{
    if (!g)
        return;
    pthread_mutex_lock(&g->mu);
    g->stop = 1;
    pthread_cond_signal(&g->cv);
    pthread_mutex_unlock(&g->mu);
    pthread_join(g->th, NULL);
    for (gconn *c = g->head, *n; c; c = n) { /* left by a failed start */
        n = c->next;
        ln_free(c);
    }
    pthread_cond_destroy(&g->cv);
    pthread_mutex_destroy(&g->mu);
    ln_free(g);
}

void srv__guard_notify(void *cls, struct MHD_Connection *c,
                       void **socket_context,
                       enum MHD_ConnectionNotificationCode code)
{
    srv_guard *g = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *i =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        gconn *n = i ? ln_calloc(1, sizeof *n) : NULL;
        *socket_context = n;
        if (!n)
            return; /* not guarded: libmicrohttpd's idle timeout only */
        n->fd = i->connect_fd;
        atomic_store(&n->since_ms, now_ms());
        pthread_mutex_lock(&g->mu);
        n->next = g->head;
        if (g->head)
            g->head->prev = n;
        g->head = n;
        pthread_mutex_unlock(&g->mu);
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED && *socket_context) {
        gconn *n = *socket_context;
        pthread_mutex_lock(&g->mu);
        if (n->prev)
            n->prev->next = n->next;
        else
            g->head = n->next;
        if (n->next)
            n->next->prev = n->prev;
        pthread_mutex_unlock(&g->mu);
        ln_free(n);
        *socket_context = NULL;
    }
}

void srv__guard_answering(struct MHD_Connection *c, int on)
{
    const union MHD_ConnectionInfo *i =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    gconn *n = i ? i->socket_context : NULL;
    if (!n)
        return;
    if (!on) /* the request ended: the next one begins to arrive now */
        atomic_store(&n->since_ms, now_ms());
    atomic_store(&n->answering, on);
}
