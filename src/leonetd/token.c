/*
 * token.c - leonetd token create: a bearer token for a role, printed once
 * on stdout ("lnt_" + base64url without padding of 32 bytes from
 * libsodium's randombytes_buf); the store keeps its SHA-256 only
 * (docs/api.md, "Tokens"). The account (customer) or terminal (terminal)
 * must exist.
 *
 * Also the hidden `leonetd seed-min --db PATH [--terminals N] [--zone
 * ID=FILE]...`: a few accounts and N (12) terminals written through the
 * store's API, for the core's tests (the real seed is `leonetd seed`).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "leonet/store.h"
#include "leonet/zone.h"
#include "leonetd/ld_args.h"
#include "leonetd/ld_logkey.h"
#include "leonetd/leonetd.h"

enum { T_DB, T_ROLE, T_ACCOUNT, T_TERMINAL, T_LOGKEY, T_ORIGIN, T_N };

static const ld_opt topts[] = {
    {"db", 1},      {"role", 1},    {"account", 1}, {"terminal", 1},
    {"log-key", 1}, {"log-origin", 1}, {NULL, 0}};

static void help(FILE *f)
{
    fprintf(f,
            "usage: leonetd token create --db PATH --role ROLE "
            "[--account ID] [--terminal ID]\n"
            "                    [--log-key FILE] [--log-origin NAME]\n\n"
            "  ROLE  operator (everything), customer (--account: its own "
            "records),\n"
            "        terminal (--terminal: reports for itself), auditor "
            "(reads everything)\n\n"
            "Prints the new token alone on stdout, once: the store keeps "
            "only its SHA-256.\nThe token is an audited change: signed "
            "with the log key (--log-key,\ndefault DB.logkey, made when "
            "absent; docs/audit-ops.md).\n");
}

static int check(const char **val, int role, ln_store *st)
{
    ln_st_account a;
    ln_st_terminal t;
    if (role == LN_ROLE_CUSTOMER &&
        (!val[T_ACCOUNT] || ln_store_get_account(st, val[T_ACCOUNT], &a))) {
        fprintf(stderr, "leonetd token create: --account: %s\n",
                val[T_ACCOUNT] ? "no such account" :
                                 "required for the customer role");
        return 2;
    }
    if (role == LN_ROLE_TERMINAL &&
        (!val[T_TERMINAL] ||
         ln_store_get_terminal(st, val[T_TERMINAL], &t))) {
        fprintf(stderr, "leonetd token create: --terminal: %s\n",
                val[T_TERMINAL] ? "no such terminal" :
                                  "required for the terminal role");
        return 2;
    }
    if ((role != LN_ROLE_CUSTOMER && val[T_ACCOUNT]) ||
        (role != LN_ROLE_TERMINAL && val[T_TERMINAL])) {
        fprintf(stderr, "leonetd token create: --account is for the "
                "customer role, --terminal for the terminal role\n");
        return 2;
    }
    return 0;
}

static int create(const char **val, int role)
{
    ln_store *st = NULL;
    ln_diag d;
    char msg[1024];
    if (ln_store_open(val[T_DB], &st, &d)) {
        fprintf(stderr, "leonetd token create: %s\n",
                ln_diag_format(&d, msg, sizeof msg));
        return 3;
    }
    int rc = check(val, role, st);
    if (!rc)
        rc = ld_log_key("token create", st, val[T_DB], val[T_LOGKEY],
                        val[T_ORIGIN], NULL);
    if (rc) {
        ln_store_close(st);
        return rc;
    }
    unsigned char raw[32];
    char b64[64], tok[80];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(b64, sizeof b64, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    snprintf(tok, sizeof tok, "lnt_%s", b64);
    ln_st_token t;
    memset(&t, 0, sizeof t);
    crypto_hash_sha256(t.hash, (const unsigned char *)tok, strlen(tok));
    t.role = role;
    if (val[T_ACCOUNT])
        snprintf(t.account, sizeof t.account, "%s", val[T_ACCOUNT]);
    if (val[T_TERMINAL])
        snprintf(t.terminal, sizeof t.terminal, "%s", val[T_TERMINAL]);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    t.created_unix_s = (double)ts.tv_sec;
    ln_store_set_actor(st, "leonetd token create");
    rc = ln_store_put_token(st, &t, NULL);
    ln_store_close(st);
    if (rc) {
        fprintf(stderr, "leonetd token create: storing the token: %s\n",
                ln_strerror(rc));
        return 3;
    }
    printf("%s\n", tok);
    sodium_memzero(raw, sizeof raw);
    return 0;
}

int ld_token_main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "create")) {
        if (argc >= 2 && (!strcmp(argv[1], "-h") ||
                          !strcmp(argv[1], "--help"))) {
            help(stdout);
            return 0;
        }
        fprintf(stderr, "leonetd token: expected 'create' (see leonetd "
                "token --help)\n");
        return 2;
    }
    const char *val[T_N];
    int rc = ld_args_parse(argc - 1, argv + 1, "token create", topts, val,
                           help);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (!val[T_DB] || !val[T_ROLE]) {
        fprintf(stderr, "leonetd token create: --db and --role are "
                "required\n");
        return 2;
    }
    int role = ln_role_parse(val[T_ROLE]);
    if (role < 0) {
        fprintf(stderr, "leonetd token create: --role: expected operator, "
                "customer, terminal or auditor, got '%s'\n", val[T_ROLE]);
        return 2;
    }
    if (sodium_init() < 0) {
        fprintf(stderr, "leonetd token create: libsodium failed to start\n");
        return 3;
    }
    return create(val, role);
}

/* ---- seed-min ---------------------------------------------------------- */

/* three accounts (the built-in scenario's ids; "donated" suspended), a
 * service line each, nterm terminals UT00000000.. round-robin over them,
 * placed near Kyiv (50.45 N, 30.52 E) */
static int seed_refs(ln_store *st, long nterm)
{
    static const char *const acc[3] = {"defence", "civil", "donated"};
    ln_plan p;
    memset(&p, 0, sizeof p);
    snprintf(p.id, sizeof p.id, "residential");
    p.hardware_usd = 599;
    p.amortize_years = 3;
    p.monthly_usd = 110;
    p.peak_mbps = 10;
    p.duty = 0.4;
    int rc = ln_store_put_plan(st, &p);
    for (int i = 0; i < 3 && !rc; i++) {
        ln_st_account a;
        ln_st_line l;
        memset(&a, 0, sizeof a);
        memset(&l, 0, sizeof l);
        snprintf(a.id, sizeof a.id, "%s", acc[i]);
        snprintf(a.name, sizeof a.name, "account %s", acc[i]);
        snprintf(a.plan, sizeof a.plan, "residential");
        a.suspended = i == 2;
        snprintf(l.number, sizeof l.number, "SL-%s", acc[i]);
        snprintf(l.account, sizeof l.account, "%s", acc[i]);
        l.active = 1;
        rc = ln_store_put_account(st, &a);
        if (!rc)
            rc = ln_store_put_line(st, &l);
    }
    ln_st_terminal *t = ln_calloc((size_t)nterm, sizeof *t);
    if (!t)
        return LN_ENOMEM;
    for (long i = 0; i < nterm; i++) {
        snprintf(t[i].id, sizeof t[i].id, "UT%08ld", i);
        snprintf(t[i].kit_serial, sizeof t[i].kit_serial, "KIT%08ld", i);
        snprintf(t[i].account, sizeof t[i].account, "%s", acc[i % 3]);
        snprintf(t[i].line, sizeof t[i].line, "SL-%s", acc[i % 3]);
        t[i].lat_deg = 50.45;
        t[i].lon_deg = 30.52;
        t[i].seq = -1;
    }
    if (!rc)
        rc = ln_store_put_terminals(st, t, (size_t)nterm);
    ln_free(t);
    return rc;
}

static int seed_zone(ln_store *st, const char *spec)
{
    const char *eq = strchr(spec, '=');
    if (!eq || eq == spec || (size_t)(eq - spec) >= LN_ST_ID) {
        fprintf(stderr, "leonetd seed-min: --zone: expected ID=FILE\n");
        return 2;
    }
    ln_st_zone z;
    memset(&z, 0, sizeof z);
    snprintf(z.id, sizeof z.id, "%.*s", (int)(eq - spec), spec);
    ln_diag d;
    char msg[1024];
    if (ln_read_file(eq + 1, (size_t)64 << 20, &z.body, &z.body_len, &d)) {
        fprintf(stderr, "leonetd seed-min: %s\n",
                ln_diag_format(&d, msg, sizeof msg));
        return 2;
    }
    z.kind = 0;
    z.action = LN_ZONE_DENY;
    z.priority = 10;
    z.valid_from_unix_s = -INFINITY;
    z.valid_until_unix_s = INFINITY;
    int64_t ver;
    int rc = ln_store_put_zones(st, &z, 1, &ver);
    ln_free(z.body);
    if (rc)
        fprintf(stderr, "leonetd seed-min: zone %s: %s\n", z.id,
                ln_strerror(rc));
    return rc ? 3 : 0;
}

int ld_seed_min_main(int argc, char **argv)
{
    const char *db = NULL;
    ln_store *st = NULL;
    ln_diag d;
    char msg[1024];
    int i = 1;
    long nterm = 12;
    if (argc >= 3 && !strcmp(argv[1], "--db")) {
        db = argv[2];
        i = 3;
    }
    if (i + 1 < argc && !strcmp(argv[i], "--terminals")) {
        if (ld_args_long("seed-min", "terminals", argv[i + 1], 12,
                         10000000L, &nterm))
            return 2;
        i += 2;
    }
    if (!db) {
        fprintf(stderr, "usage: leonetd seed-min --db PATH [--terminals "
                "N] [--zone ID=FILE]...\n");
        return 2;
    }
    if (ln_store_open(db, &st, &d)) {
        fprintf(stderr, "leonetd seed-min: %s\n",
                ln_diag_format(&d, msg, sizeof msg));
        return 3;
    }
    int rc = ld_log_key("seed-min", st, db, NULL, NULL, NULL);
    if (!rc) {
        ln_store_set_actor(st, "leonetd seed-min");
        rc = seed_refs(st, nterm) ? 3 : 0;
    }
    for (; !rc && i + 1 < argc; i += 2)
        rc = strcmp(argv[i], "--zone") ? 2 : seed_zone(st, argv[i + 1]);
    if (!rc && i < argc)
        rc = 2;
    ln_store_close(st);
    if (rc)
        fprintf(stderr, "leonetd seed-min: failed (%d)\n", rc);
    return rc;
}
