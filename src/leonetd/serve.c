/*
 * serve.c - leonetd serve: open the store, start the HTTP server, print
 * "leonetd: listening on http://ADDR:PORT" first on stdout, then wait for
 * SIGTERM or SIGINT: stop accepting, drain the requests in flight, stop,
 * close the store (which commits), exit 0.
 *
 * Settings: the defaults, then the --config file, then the flags (the
 * same names as the file's members, server.h).
 *
 * Before listening: the audit log's key (--log-key, DB.logkey) is set on
 * the store and the log is checked against the tables (logkey.c); a
 * mismatch exits 1 without serving.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "leonet/server.h"
#include "leonet/store.h"
#include "leonetd/ld_args.h"
#include "leonetd/ld_logkey.h"
#include "leonetd/leonetd.h"

enum {
    O_DB, O_LISTEN, O_CONFIG, O_THREADS, O_BODY, O_URL, O_CONN, O_TIMEOUT,
    O_RETENTION, O_WINDOW, O_RES, O_DATA, O_LOGJSON, O_ACCESS, O_BATCH,
    O_WORKERS, O_LOGKEY, O_ORIGIN, O_N
};

static const ld_opt opts[] = {
    {"db", 1},           {"listen", 1},    {"config", 1},
    {"threads", 1},      {"body-max", 1},  {"url-max", 1},
    {"conn-max", 1},     {"conn-timeout", 1}, {"retention", 1},
    {"window", 1},       {"map-res", 1},   {"data-dir", 1},
    {"log-json", 1},     {"access-log", 1}, {"batch-max", 1},
    {"workers", 1},      {"log-key", 1},   {"log-origin", 1},
    {NULL, 0}};

static void help(FILE *f)
{
    fprintf(f,
            "usage: leonetd serve --db PATH [--listen ADDR:PORT] "
            "[--config FILE] [options]\n\n"
            "  --db PATH          the store (SQLite file; leonetd seed makes "
            "it)\n"
            "  --listen ADDR:PORT  default 127.0.0.1:8080; port 0: any free "
            "port\n"
            "  --config FILE      JSON settings, the members named as these "
            "flags\n"
            "  --threads N        HTTP threads (0: one per core)\n"
            "  --body-max BYTES   request body cap (8388608), 413 beyond\n"
            "  --url-max BYTES    URL cap (8192), 414 beyond\n"
            "  --conn-max N       open connections at most (20000)\n"
            "  --conn-timeout S   idle or slow client dropped after S s "
            "(30)\n"
            "  --retention S      telemetry kept for the stream, s (28800)\n"
            "  --window S         live map window, s (900)\n"
            "  --map-res R        live map H3 resolution (3)\n"
            "  --data-dir DIR     leonet's data folder (the page template)\n"
            "  --log-json 0|1     JSON log lines (1) or plain text (0)\n"
            "  --access-log 0|1   a log line per request (1)\n"
            "  --batch-max N      reports or decisions in one batch "
            "(10000)\n"
            "  --workers N        threads running writes (POST) off the "
            "HTTP threads (0: 16)\n"
            "  --log-key FILE     the audit log's private key (default "
            "DB.logkey, made\n                     with DB.logkey.pub when "
            "absent)\n"
            "  --log-origin NAME  the checkpoint origin (leonetd/log)\n\n"
            "Before listening the audit log is checked against the database"
            " (leaves,\nroots, signatures, tables): on a mismatch "
            "'leonetd: the audit log does not\nmatch the database: ...' and "
            "exit 1, nothing served (docs/audit-ops.md).\n"
            "Prints 'leonetd: listening on http://ADDR:PORT' first on "
            "stdout; logs go\nto stderr. SIGTERM / SIGINT: stop accepting, "
            "drain, commit, exit 0.\n");
}

static int flag01(const char *opt, const char *v, int *out)
{
    if (!strcmp(v, "1") || !strcmp(v, "true"))
        *out = 1;
    else if (!strcmp(v, "0") || !strcmp(v, "false"))
        *out = 0;
    else {
        fprintf(stderr, "leonetd serve: --%s: expected 0 or 1, got '%s'\n",
                opt, v);
        return 2;
    }
    return 0;
}

static int num(const char **val, int k, long lo, long hi, long *out)
{
    if (!val[k])
        return 0;
    return ld_args_long("serve", opts[k].name, val[k], lo, hi, out);
}

static int apply_flags(const char **val, ln_server_config *c)
{
    long x;
    int rc = 0;
    if (val[O_LISTEN])
        c->listen = val[O_LISTEN];
    if (val[O_DATA])
        c->data_dir = val[O_DATA];
    if (val[O_ORIGIN])
        c->log_origin = val[O_ORIGIN];
#define NUM(k, lo, hi, field, type)                                        \
    if (!rc && val[k] && !(rc = num(val, k, lo, hi, &x)))                  \
        c->field = (type)x;
    NUM(O_THREADS, 0, 1024, threads, int)
    NUM(O_BODY, 1, 1000000000L, body_max, size_t)
    NUM(O_URL, 64, 1000000L, url_max, size_t)
    NUM(O_CONN, 1, 1000000L, conn_max, unsigned)
    NUM(O_TIMEOUT, 1, 86400, conn_timeout_s, unsigned)
    NUM(O_RETENTION, 0, 1000000000L, retention_s, double)
    NUM(O_WINDOW, 1, 86400, window_s, double)
    NUM(O_RES, 0, 15, map_res, int)
    NUM(O_BATCH, 1, 10000000L, batch_max, size_t)
    NUM(O_WORKERS, 0, 1024, workers, int)
#undef NUM
    if (!rc && val[O_LOGJSON])
        rc = flag01("log-json", val[O_LOGJSON], &c->log_json);
    if (!rc && val[O_ACCESS])
        rc = flag01("access-log", val[O_ACCESS], &c->access_log);
    return rc;
}

/* Blocks SIGTERM and SIGINT in every thread (the server's threads inherit
 * the mask) so that only sigwait sees them. */
static void block_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGINT);
    pthread_sigmask(SIG_BLOCK, set, NULL);
    signal(SIGPIPE, SIG_IGN);
}

static int run(const char *db, const char *keypath, ln_server_config *cfg)
{
    ln_diag d;
    char msg[1024];
    ln_store *st = NULL;
    sigset_t set;
    block_signals(&set);
    int rc = ln_store_open(db, &st, &d);
    if (rc) {
        fprintf(stderr, "leonetd serve: %s\n",
                ln_diag_format(&d, msg, sizeof msg));
        return 3;
    }
    /* the key before any write; the check before any request */
    ln_trust_key key;
    rc = ld_log_key("serve", st, db, keypath, cfg->log_origin, &key);
    if (!rc)
        rc = ld_log_check(st, &key);
    if (!rc)
        ln_trust_key_format_public(&key, cfg->log_pub, sizeof cfg->log_pub);
    memset(&key, 0, sizeof key);
    if (rc) {
        ln_store_close(st);
        return rc;
    }
    ln_server *sv = NULL;
    rc = ln_server_start(st, cfg, &sv, &d);
    if (rc) {
        fprintf(stderr, "leonetd serve: %s\n",
                ln_diag_format(&d, msg, sizeof msg));
        ln_store_close(st);
        return rc == LN_EINVAL ? 2 : 3;
    }
    char host[64];
    const char *colon = strrchr(cfg->listen, ':');
    snprintf(host, sizeof host, "%.*s", (int)(colon - cfg->listen),
             cfg->listen);
    printf("leonetd: listening on http://%s:%d\n", host,
           ln_server_port(sv));
    fflush(stdout);
    int sig = 0;
    sigwait(&set, &sig);
    fprintf(stderr, "{\"level\":\"info\",\"msg\":\"signal %d: stopping "
            "(drain, commit, close)\"}\n", sig);
    ln_server_stop(sv);
    ln_store_close(st);
    fprintf(stderr, "{\"level\":\"info\",\"msg\":\"stopped\"}\n");
    return 0;
}

int ld_serve_main(int argc, char **argv)
{
    const char *val[O_N];
    int rc = ld_args_parse(argc, argv, "serve", opts, val, help);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (!val[O_DB]) {
        fprintf(stderr, "leonetd serve: --db PATH is required\n");
        return 2;
    }
    static ln_server_config cfg; /* its strings live for the process */
    ln_server_config_init(&cfg);
    if (val[O_CONFIG]) {
        ln_diag d;
        char msg[1024];
        if (ln_server_config_load(&cfg, val[O_CONFIG], &d)) {
            fprintf(stderr, "leonetd serve: %s\n",
                    ln_diag_format(&d, msg, sizeof msg));
            return 2;
        }
    }
    if ((rc = apply_flags(val, &cfg)))
        return rc;
    return run(val[O_DB], val[O_LOGKEY], &cfg);
}
