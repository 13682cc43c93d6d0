/*
 * fuzz_srv.h - what the daemon's harnesses (fuzz_srv_*.c) share: one
 * leonetd state (srv_new) over a SQLite store in a mkdtemp folder under
 * /dev/shm (fsync is cheap there), seeded once with two accounts, their
 * service lines, four terminals, a deny zone and one token per role; a
 * request through srv_handle; and the oracle every answer must pass,
 * written from the documented contract (srv_int.h, docs/api.md), not
 * from the handlers:
 *   - a status in 200..599, never 5xx except 503 (store unavailable)
 *     and 500 never at all: hostile input is the client's fault (4xx);
 *   - a non-streamed answer with no content type of its own is
 *     Starlink's ServiceResponse envelope: a JSON object with
 *     "content", "errors" (array), "warnings", "information" and a
 *     boolean "isValid" that is false exactly when the status is >= 400,
 *     and then at least one error with a string "errorMessage";
 *   - valid UTF-8 (jansson refuses anything else on load).
 * Not a harness: fuzz/CMakeLists.txt builds only fuzz_*.c.
 */
#ifndef LN_FUZZ_SRV_H
#define LN_FUZZ_SRV_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "leonet/server.h"
#include "leonet/store.h"
#include "leonet/zone.h"
#include "server/srv_int.h"

/* Tokens, one per role (fixed texts: stored as SHA-256, as the daemon
 * does). The terminal token speaks for UT00000001 (account ACC-A). */
#define FZ_TOK_OPERATOR "Bearer lnt_fuzzOperatorTokenAAAAAAAAAAAAAAAAAAAAAAAAAA"
#define FZ_TOK_CUSTOMER "Bearer lnt_fuzzCustomerTokenAAAAAAAAAAAAAAAAAAAAAAAAAA"
#define FZ_TOK_TERMINAL "Bearer lnt_fuzzTerminalTokenAAAAAAAAAAAAAAAAAAAAAAAAAA"
#define FZ_TOK_AUDITOR "Bearer lnt_fuzzAuditorTokenAAAAAAAAAAAAAAAAAAAAAAAAAAA"

static srv *fz_srv;
static ln_store *fz_st;
static char fz_dir[64];

static void fz_die(const char *what)
{
    fprintf(stderr, "fuzz_srv: %s\n", what);
    abort();
}

static void fz_token(const char *bearer, int role, const char *acct,
                     const char *term)
{
    ln_st_token t;
    memset(&t, 0, sizeof t);
    const char *text = bearer + 7; /* after "Bearer " */
    crypto_hash_sha256(t.hash, (const unsigned char *)text, strlen(text));
    t.role = role;
    snprintf(t.account, sizeof t.account, "%s", acct);
    snprintf(t.terminal, sizeof t.terminal, "%s", term);
    t.created_unix_s = 1665273600;
    if (ln_store_put_token(fz_st, &t, NULL))
        fz_die("put_token");
}

static void fz_seed(void)
{
    ln_plan p;
    memset(&p, 0, sizeof p);
    snprintf(p.id, sizeof p.id, "residential");
    p.hardware_usd = 599, p.amortize_years = 3, p.monthly_usd = 110;
    p.included_gb = 1000, p.usd_per_gb = 1, p.peak_mbps = 100, p.duty = 0.2;
    if (ln_store_put_plan(fz_st, &p))
        fz_die("put_plan");
    static const char *acct[2] = {"ACC-A", "ACC-B"};
    for (int i = 0; i < 2; i++) {
        ln_st_account a;
        memset(&a, 0, sizeof a);
        snprintf(a.id, sizeof a.id, "%s", acct[i]);
        snprintf(a.name, sizeof a.name, "account %d", i);
        snprintf(a.plan, sizeof a.plan, "residential");
        a.suspended = i; /* ACC-B suspended: alert 95 */
        ln_st_line l;
        memset(&l, 0, sizeof l);
        snprintf(l.number, sizeof l.number, "SL-%s", acct[i]);
        snprintf(l.account, sizeof l.account, "%s", acct[i]);
        l.active = 1;
        if (ln_store_put_account(fz_st, &a) || ln_store_put_line(fz_st, &l))
            fz_die("put_account/line");
    }
    for (int i = 0; i < 4; i++) {
        ln_st_terminal t;
        memset(&t, 0, sizeof t);
        snprintf(t.id, sizeof t.id, "UT%08d", i);
        snprintf(t.kit_serial, sizeof t.kit_serial, "KIT%08d", i);
        snprintf(t.account, sizeof t.account, "%s", acct[i / 2]);
        snprintf(t.line, sizeof t.line, "SL-%s", acct[i / 2]);
        t.lat_deg = 48 + i, t.lon_deg = 35;
        t.seq = -1;
        if (ln_store_put_terminal(fz_st, &t))
            fz_die("put_terminal");
    }
    static const char feat[] =
        "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":"
        "\"Polygon\",\"coordinates\":[[[36,47],[38,47],[38,49],[36,49],"
        "[36,47]]]}}";
    ln_st_zone z;
    memset(&z, 0, sizeof z);
    snprintf(z.id, sizeof z.id, "box");
    z.kind = 0;
    z.action = LN_ZONE_DENY;
    z.priority = 10;
    z.valid_from_unix_s = -1.0 / 0.0;
    z.valid_until_unix_s = 1.0 / 0.0;
    z.body = (char *)feat;
    z.body_len = sizeof feat - 1;
    int64_t v;
    if (ln_store_put_zones(fz_st, &z, 1, &v))
        fz_die("put_zones");
    fz_token(FZ_TOK_OPERATOR, LN_ROLE_OPERATOR, "", "");
    fz_token(FZ_TOK_CUSTOMER, LN_ROLE_CUSTOMER, "ACC-A", "");
    fz_token(FZ_TOK_TERMINAL, LN_ROLE_TERMINAL, "ACC-A", "UT00000001");
    fz_token(FZ_TOK_AUDITOR, LN_ROLE_AUDITOR, "", "");
}

static void fz_rm_dir(void)
{
    if (fz_srv)
        srv_free(fz_srv);
    fz_srv = NULL;
    ln_store_close(fz_st);
    fz_st = NULL;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", fz_dir);
    if (system(cmd) != 0)
        fprintf(stderr, "fuzz_srv: could not remove %s\n", fz_dir);
}

/* Once per process: the store, the seed, the daemon's state. */
static void fz_init(void)
{
    if (fz_srv)
        return;
    if (sodium_init() < 0)
        fz_die("sodium_init");
    snprintf(fz_dir, sizeof fz_dir, "/dev/shm/fuzz_srv.XXXXXX");
    if (!mkdtemp(fz_dir)) {
        snprintf(fz_dir, sizeof fz_dir, "/tmp/fuzz_srv.XXXXXX");
        if (!mkdtemp(fz_dir))
            fz_die("mkdtemp");
    }
    char path[128];
    snprintf(path, sizeof path, "%s/leonet.db", fz_dir);
    ln_diag d;
    ln_diag_clear(&d);
    if (ln_store_open(path, &fz_st, &d))
        fz_die("ln_store_open");
    fz_seed();
    ln_server_config c;
    ln_server_config_init(&c);
    c.threads = 1;
    c.body_max = 1 << 20;
    c.url_max = 8192;
    if (srv_new(fz_st, &c, &fz_srv, &d)) {
        fprintf(stderr, "fuzz_srv: srv_new: %s\n", d.msg);
        abort();
    }
    atexit(fz_rm_dir);
}

/* The oracle (see the top of this file). */
static void fz_check(const srv_resp *rs)
{
    if (rs->status < 200 || rs->status > 599 || rs->status == 500 ||
        (rs->status >= 500 && rs->status != 503)) {
        fprintf(stderr, "fuzz_srv: status %d: %.*s\n", rs->status,
                (int)(rs->len < 2000 ? rs->len : 2000),
                rs->body ? rs->body : "");
        abort();
    }
    if (rs->stream || rs->content_type)
        return;
    if (!rs->body)
        fz_die("answer without a body");
    json_error_t e;
    json_t *j = json_loadb(rs->body, rs->len, JSON_REJECT_DUPLICATES, &e);
    if (!j || !json_is_object(j))
        fz_die("answer is not a JSON object");
    json_t *ok = json_object_get(j, "isValid");
    json_t *errs = json_object_get(j, "errors");
    if (!json_is_boolean(ok) || !json_is_array(errs) ||
        !json_object_get(j, "warnings") ||
        !json_object_get(j, "information") || !json_object_get(j, "content"))
        fz_die("answer is not the ServiceResponse envelope");
    if (json_is_true(ok) != (rs->status < 400))
        fz_die("isValid disagrees with the status");
    if (rs->status >= 400) {
        json_t *e0 = json_array_get(errs, 0);
        if (!e0 || !json_is_string(json_object_get(e0, "errorMessage")) ||
            !json_string_length(json_object_get(e0, "errorMessage")))
            fz_die("error answer without an errorMessage");
    }
    json_decref(j);
}

/* One request through the daemon's pipeline, checked. */
static void fz_request(const char *method, const char *url,
                       const char *auth, const char *body, size_t len)
{
    srv_resp rs;
    memset(&rs, 0, sizeof rs);
    if (srv_handle(fz_srv, method, url, auth, body, len, &rs)) {
        srv_resp_free(&rs);
        return; /* LN_ENOMEM */
    }
    static int verbose = -1;
    if (verbose < 0)
        verbose = getenv("LN_FUZZ_VERBOSE") != NULL;
    if (verbose) /* LN_FUZZ_VERBOSE=1: each answer on stderr */
        fprintf(stderr, "%s %s -> %d %.*s\n", method, url, rs.status,
                (int)(rs.len < 300 ? rs.len : 300), rs.body ? rs.body : "");
    fz_check(&rs); /* a streamed answer (SSE) is not drained: it
                    * waits for events */
    srv_resp_free(&rs);
}

/* The role's Authorization header for selector byte b. */
static const char *fz_auth(uint8_t b)
{
    static const char *const a[4] = {FZ_TOK_OPERATOR, FZ_TOK_CUSTOMER,
                                     FZ_TOK_TERMINAL, FZ_TOK_AUDITOR};
    return a[b & 3];
}

#endif
