/*
 * server.h - leonetd, the live control plane: an HTTP/JSON API
 * (libmicrohttpd, jansson) over a store (store.h), deciding with the same
 * ln_policy as `leonet run`, metering with ln_usage's rules, drawing the
 * same activity map, live (docs/api.md, docs/api/leonetd.yaml).
 */
#ifndef LEONET_SERVER_H
#define LEONET_SERVER_H

#include <stddef.h>

#include "leonet/core.h"
#include "leonet/store.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ln_server_config {
    const char *listen;        /* "ADDR:PORT", e.g. "127.0.0.1:8080" */
    int threads;               /* HTTP worker threads, 0 = cores */
    size_t body_max;           /* request body cap, bytes */
    size_t url_max;            /* request line + query cap, bytes */
    unsigned conn_max;         /* open connections at most */
    unsigned conn_timeout_s;   /* idle / slow client timeout, s */
    double retention_s;        /* telemetry kept for the stream, s */
    double window_s;           /* live map window, s (as leonet run's) */
    int map_res;               /* live map H3 resolution */
    const char *data_dir;      /* leonet's data folder (page template,
                                  outlines), NULL = the build's */
    int log_json;              /* 1: one JSON object per log line */
} ln_server_config;

/* Defaults: 127.0.0.1:8080, cores, 8 MiB body, 8 KiB URL, 20000
 * connections, 30 s, 8 h retention, the built-in scenario's map. */
void ln_server_config_init(ln_server_config *c /* OUT */);
/* Reads a config file (JSON, the same member names as the flags) over
 * c; diag names the file, line and member on error. */
int ln_server_config_load(ln_server_config *c, const char *path,
                          ln_diag *diag);

typedef struct ln_server ln_server;

/* ln_server_start
 * Given:    st    an open store (borrowed; outlives the server)
 *           cfg   the configuration
 * Returned: out   a running server (its own threads)
 *           diag  on error (address in use, a store that will not load)
 * Status:   0, LN_EIO, LN_EINVAL, LN_ENOMEM */
int ln_server_start(ln_store *st, const ln_server_config *cfg,
                    ln_server **out /* OUT */, ln_diag *diag);
/* The port it listens on (when cfg->listen asked for port 0). */
int ln_server_port(const ln_server *s);
/* Graceful stop: stop accepting, finish requests in flight, commit,
 * close. NULL ok. */
void ln_server_stop(ln_server *s);

#ifdef __cplusplus
}
#endif
#endif
