/*
 * server.h - leonetd, the live control plane: an HTTP/JSON API
 * (libmicrohttpd, jansson) over a store (store.h), deciding with the same
 * ln_policy as `leonet run`, metering with ln_usage's rules, drawing the
 * same activity map, live (docs/api.md, docs/api/leonetd.yaml).
 */
#ifndef LEONET_SERVER_H
#define LEONET_SERVER_H

#include <stddef.h>
#include <stdio.h>

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
    int log_json;              /* 1: one JSON object per log line, 0:
                                  plain text */
    int access_log;            /* 1: a line per request; 0: only errors
                                  (5xx) and events */
    size_t batch_max;          /* reports / decisions in one batch */
    int workers;               /* threads that run writes (POST, which
                                  wait on the store's commit) off the HTTP
                                  threads; 0 = 16 */
    const char *log_origin;    /* the audit log's checkpoint origin
                                  (config "log-origin"; NULL: leonetd's
                                  default "leonetd/log") */
    char log_pub[256];         /* the log's public key text (leonetd serve
                                  sets it from the log key; "" none):
                                  GET /v1/audit/key */
    char witness_keys[4096];   /* witnesses' public key texts, one a line
                                  (config "witness-keys": a list; "" none):
                                  POST /v1/audit/cosignatures */
    char strings_[1024];       /* where ln_server_config_load keeps the
                                  strings it read (listen, data_dir,
                                  log_origin) */
} ln_server_config;

/* Defaults: 127.0.0.1:8080, cores, 8 MiB body, 8 KiB URL, 20000
 * connections, 30 s, 8 h retention, the built-in scenario's map (900 s
 * windows, resolution 5), JSON logs with a line per request, 10,000
 * reports in a batch. */
void ln_server_config_init(ln_server_config *c /* OUT */);
/* Reads a config file (JSON, the same member names as the flags:
 * "listen", "threads", "body-max", "url-max", "conn-max",
 * "conn-timeout", "retention", "window", "map-res", "data-dir",
 * "log-json", "access-log", "batch-max", "workers", "log-origin",
 * "witness-keys": a list of public key texts) over c; diag names
 * the file, line and member on error (an unknown member or a wrong type is an
 * error). Strings read live in c (c->strings_). Status: 0, LN_EIO,
 * LN_EPARSE, LN_EINVAL, LN_ETOOBIG. */
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

/* Prints every route of every part, one JSON object a line: {"method",
 * "pattern", "permission" (null: open), "roles": [names], "starlink",
 * "name"} (leonetd routes; the tests try each with every role).
 * Returns 0 or LN_EIO. */
int ln_server_routes(FILE *f);

#ifdef __cplusplus
}
#endif
#endif
