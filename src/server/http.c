/*
 * http.c - leonetd's HTTP server (server.h): libmicrohttpd with an epoll
 * thread pool (one thread per core by default, cfg.threads), keep-alive,
 * and the limits of ln_server_config: body_max (413, checked on
 * Content-Length before reading and again while reading a chunked body),
 * url_max (414), conn_max, conn_timeout_s (idle clients, by
 * libmicrohttpd; and slow ones: a request must arrive whole within it,
 * http_guard.c), a per-connection memory pool of
 * url_max + 8 KiB (headers beyond it: libmicrohttpd's own 4xx; the pool
 * is zeroed between requests, so it is kept small). The
 * open-file limit is raised to its hard maximum at start so 10,000 idle
 * connections fit.
 *
 * One request: libmicrohttpd hands the raw URI to uri_log (before any
 * decoding: route.c decodes each segment itself, so an encoded '/' stays
 * one), the body arrives in pieces into a buffer of at most body_max,
 * then srv__dispatch answers it.
 *
 * Writes (POST ...) run on worker threads, streams park without a thread
 * (http_int.h, http_work.c).
 *
 * Stop (ln_server_stop): quiesce (the listening socket closes: no new
 * connection), end the streams, wait until the requests in flight are
 * answered, stop the workers and the threads, free the state.
 * The caller closes the store afterwards, which commits.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "http_int.h"

struct ln_server {
    srv *s;
    struct MHD_Daemon *d;
    srv_work *w;
    srv_guard *g;
    int port;
};

static void *uri_log(void *cls, const char *uri, struct MHD_Connection *c)
{
    srv *s = cls;
    rctx *x = ln_calloc(1, sizeof *x);
    if (!x)
        return NULL;
    x->url = ln_strdup(uri ? uri : "/");
    x->conn = c;
    /* The query is ours (route.c parses it from x->url); libmicrohttpd
     * would split it again into its per-connection pool, and a short URL
     * of many parameters (400 x "k=v") exhausts that pool and leaves the
     * connection hanging until the timeout (libmicrohttpd 0.9.75). The
     * URI it hands over lies in its own, writable, read buffer and it
     * splits the arguments after this call: blanking the query there
     * leaves it nothing to split. tests/server/test_faults_input.py
     * checks the behaviour. */
    char *q = uri ? strchr(uri, '?') : NULL;
    if (q)
        memset(q, 0, strlen(q));
    atomic_fetch_add(&s->inflight, 1);
    return x;
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
    srv *s = cls;
    rctx *x = *con_cls;
    (void)toe;
    srv__guard_answering(c, 0);
    if (!x)
        return;
    if (x->parked)
        srv__work_unpark(s->work, x);
    if (x->streaming)
        atomic_fetch_sub(&s->streaming, 1);
    atomic_fetch_sub(&s->inflight, 1);
    srv_resp_free(&x->resp);
    ln_free(x->url);
    ln_free(x->body);
    ln_free(x);
    *con_cls = NULL;
}

typedef struct stream_ad {
    long (*fn)(void *, uint64_t, char *, size_t);
    void (*fr)(void *);
    void *user;
    srv *s;
    rctx *x;
} stream_ad;

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    stream_ad *a = cls;
    if (srv_stopping(a->s))
        return MHD_CONTENT_READER_END_OF_STREAM;
    long n = a->fn(a->user, pos, buf, max);
    if (n < 0)
        return MHD_CONTENT_READER_END_OF_STREAM;
    if (n == 0 && (!a->s->work || srv__work_park(a->s->work, a->x)))
        return MHD_CONTENT_READER_END_OF_STREAM;
    return (ssize_t)n;
}

static void stream_free(void *cls)
{
    stream_ad *a = cls;
    if (a->fr)
        a->fr(a->user);
    ln_free(a);
}

static struct MHD_Response *make_response(srv_resp *rs, rctx *x, srv *s)
{
    struct MHD_Response *r;
    if (rs->stream) {
        stream_ad *a = ln_malloc(sizeof *a);
        if (!a)
            return NULL;
        *a = (stream_ad){rs->stream, rs->stream_free, rs->stream_user, s, x};
        r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16 << 10,
                                              stream_read, a, stream_free);
        if (!r) {
            ln_free(a);
            return NULL;
        }
        rs->stream = NULL;
        rs->stream_free = NULL;
        x->streaming = 1;
        atomic_fetch_add(&s->streaming, 1);
    } else {
        r = MHD_create_response_from_buffer(rs->len, rs->body,
                                            MHD_RESPMEM_MUST_FREE);
        if (!r)
            return NULL;
        rs->body = NULL;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
                            rs->content_type ? rs->content_type
                                             : "application/json");
    if (rs->status == 401)
        MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
                                "Bearer");
    return r;
}

static enum MHD_Result send_resp(struct MHD_Connection *c, srv *s, rctx *x,
                                 srv_resp *rs)
{
    struct MHD_Response *r = make_response(rs, x, s);
    int status = rs->status;
    srv_resp_free(rs);
    if (!r)
        return MHD_NO;
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result too_big(struct MHD_Connection *c, srv *s, rctx *x,
                               const char *method)
{
    srv_resp rs = {0};
    srv_error(&rs, 413, "body", "the body is over %zu bytes",
              s->cfg.body_max);
    srv__count_request(s, -1, 413, 0);
    srv__log_request(s, method, x->url, "unmatched", 413, 0, rs.len);
    return send_resp(c, s, x, &rs);
}

static int append(rctx *x, const char *data, size_t n, size_t max)
{
    if (x->too_big || x->len + n > max) {
        x->too_big = 1;
        return 0;
    }
    if (x->len + n + 1 > x->cap) {
        size_t nc = x->cap ? x->cap : 4096;
        while (nc < x->len + n + 1)
            nc *= 2;
        char *nb = ln_realloc(x->body, nc);
        if (!nb)
            return -1;
        x->body = nb;
        x->cap = nc;
    }
    memcpy(x->body + x->len, data, n);
    x->len += n;
    x->body[x->len] = 0;
    return 0;
}

/* reads run here; writes (anything but GET / HEAD) go to a worker */
static enum MHD_Result answer(struct MHD_Connection *c, srv *s, rctx *x,
                              const char *method)
{
    const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                   "Authorization");
    if (s->work && strcmp(method, "GET") && strcmp(method, "HEAD")) {
        x->method = method;
        x->auth = auth;
        x->state = 1;
        MHD_suspend_connection(c);
        srv__work_push(s->work, x);
        return MHD_YES;
    }
    srv_resp rs;
    srv__dispatch(s, method, x->url, auth, x->body ? x->body : "", x->len,
                  c, &rs);
    return send_resp(c, s, x, &rs);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
                                  const char *url, const char *method,
                                  const char *version,
                                  const char *upload_data,
                                  size_t *upload_size, void **con_cls)
{
    srv *s = cls;
    rctx *x = *con_cls;
    (void)url;
    (void)version;
    if (!x)
        return MHD_NO; /* out of memory in uri_log: close */
    if (x->state == 2) { /* a worker answered */
        srv_resp rs = x->resp;
        memset(&x->resp, 0, sizeof x->resp);
        x->state = 3;
        return send_resp(c, s, x, &rs);
    }
    if (x->state)
        return MHD_YES;
    if (!x->started) { /* the headers are in */
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                     "Content-Length");
        x->started = 1;
        unsigned long long n = cl ? strtoull(cl, NULL, 10) : 0;
        if (n > s->cfg.body_max)
            return too_big(c, s, x, method);
        /* the body's buffer sized once from Content-Length, up to 1 MB
         * (a 170 kB batch was 7 reallocs and their copies; a larger
         * announced body grows as it arrives, so that a client that
         * announces much and sends little does not cost memory) */
        if (n && n <= (1u << 20) && !x->body &&
            (x->body = ln_malloc((size_t)n + 1)))
            x->cap = (size_t)n + 1;
        return MHD_YES;
    }
    if (*upload_size) {
        if (append(x, upload_data, *upload_size, s->cfg.body_max))
            return MHD_NO;
        *upload_size = 0;
        return MHD_YES;
    }
    srv__guard_answering(c, 1); /* received: the deadline stops */
    if (x->too_big)
        return too_big(c, s, x, method);
    return answer(c, s, x, method);
}

/* "ADDR:PORT" (IPv4, or "localhost") or "[ADDR6]:PORT" (IPv6) -> sa;
 * *v6 = 1 for IPv6. */
static int parse_listen(const char *l, struct sockaddr_storage *sa, int *v6)
{
    const char *colon = l ? strrchr(l, ':') : NULL;
    char host[64];
    if (!colon || (size_t)(colon - l) >= sizeof host)
        return -1;
    memcpy(host, l, (size_t)(colon - l));
    host[colon - l] = 0;
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (end == colon + 1 || *end || port < 0 || port > 65535)
        return -1;
    memset(sa, 0, sizeof *sa);
    size_t hn = strlen(host);
    *v6 = hn >= 2 && host[0] == '[' && host[hn - 1] == ']';
    if (*v6) {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)sa;
        host[hn - 1] = 0;
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons((uint16_t)port);
        return inet_pton(AF_INET6, host + 1, &s6->sin6_addr) == 1 ? 0 : -1;
    }
    struct sockaddr_in *s4 = (struct sockaddr_in *)sa;
    s4->sin_family = AF_INET;
    s4->sin_port = htons((uint16_t)port);
    if (!strcmp(host, "localhost"))
        snprintf(host, sizeof host, "127.0.0.1");
    return inet_pton(AF_INET, host, &s4->sin_addr) == 1 ? 0 : -1;
}

static void raise_nofile(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

static struct MHD_Daemon *start_mhd(srv *s, srv_guard *g,
                                     struct sockaddr_storage *sa, int v6)
{
    const ln_server_config *cfg = &s->cfg;
    unsigned threads = cfg->threads > 0 ? (unsigned)cfg->threads
                                        : (unsigned)ln_ncpu();
    /* libmicrohttpd zeroes the pool between requests: keep it small */
    size_t mem = cfg->url_max + (8 << 10);
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
                     MHD_USE_ITC | MHD_USE_TURBO | MHD_ALLOW_SUSPEND_RESUME |
                     (v6 ? MHD_USE_IPv6 : 0);
    return MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR, sa,
        MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_CONNECTION_LIMIT,
        cfg->conn_max, MHD_OPTION_CONNECTION_TIMEOUT, cfg->conn_timeout_s,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, mem,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, 4096, MHD_OPTION_URI_LOG_CALLBACK,
        uri_log, s, MHD_OPTION_NOTIFY_COMPLETED, completed, s,
        MHD_OPTION_NOTIFY_CONNECTION, srv__guard_notify, g, MHD_OPTION_END);
}

int ln_server_start(ln_store *st, const ln_server_config *cfg,
                    ln_server **out, ln_diag *diag)
{
    *out = NULL;
    struct sockaddr_storage sa;
    int v6 = 0;
    if (parse_listen(cfg->listen, &sa, &v6))
        return ln_diag_set(diag, LN_EINVAL, NULL, 0, 0, "listen",
                           "'%s': expected ADDR:PORT (IPv4) or "
                           "[ADDR]:PORT (IPv6)",
                           cfg->listen ? cfg->listen : "");
    raise_nofile();
    ln_server *v = ln_calloc(1, sizeof *v);
    if (!v)
        return ln_diag_set(diag, LN_ENOMEM, NULL, 0, 0, NULL,
                           "out of memory");
    int rc = srv_new(st, cfg, &v->s, diag);
    if (rc) {
        ln_free(v);
        return rc;
    }
    if ((rc = srv__work_start(v->s, &v->w))) {
        srv_free(v->s);
        ln_free(v);
        return ln_diag_set(diag, rc, NULL, 0, 0, NULL,
                           "cannot start the worker threads");
    }
    v->s->work = v->w;
    /* a request must arrive whole within conn_timeout_s (slowloris) */
    v->g = srv__guard_new((double)cfg->conn_timeout_s);
    v->d = v->g ? start_mhd(v->s, v->g, &sa, v6) : NULL;
    if (!v->d) {
        int e = v->g ? errno : ENOMEM;
        srv__guard_free(v->g);
        srv__work_stop(v->w);
        srv_free(v->s);
        ln_free(v);
        return ln_diag_set(diag, LN_EIO, NULL, 0, 0, "listen",
                           "cannot listen on %s: %s", cfg->listen,
                           strerror(e));
    }
    const union MHD_DaemonInfo *i =
        MHD_get_daemon_info(v->d, MHD_DAEMON_INFO_BIND_PORT);
    v->port = i ? (int)i->port
                : ntohs(v6 ? ((struct sockaddr_in6 *)&sa)->sin6_port
                           : ((struct sockaddr_in *)&sa)->sin_port);
    *out = v;
    return 0;
}

int ln_server_port(const ln_server *s) { return s ? s->port : -1; }

void ln_server_stop(ln_server *v)
{
    if (!v)
        return;
    atomic_store(&v->s->stopping, 1);
    /* quiesced, the socket is ours: closing it refuses new connections
     * at once (open, the kernel would still queue them) */
    MHD_socket l = MHD_quiesce_daemon(v->d);
    if (l != MHD_INVALID_SOCKET)
        close(l);
    srv__work_unpark_all(v->w); /* streams end */
    /* drain: at most conn_timeout_s for the requests in flight */
    double t0 = ln_time_mono_s();
    while (atomic_load(&v->s->inflight) > 0 &&
           ln_time_mono_s() - t0 < (double)v->s->cfg.conn_timeout_s) {
        struct timespec ts = {0, 5000000};
        nanosleep(&ts, NULL);
    }
    /* the workers finish their queue (and resume those connections)
     * before the threads stop: no connection stays suspended */
    srv__work_stop(v->w);
    v->s->work = NULL;
    MHD_stop_daemon(v->d);
    srv__guard_free(v->g); /* every connection closed: the list is empty */
    srv_free(v->s);
    ln_free(v);
}
