/*
 * seed.c - `leonetd seed --db PATH [--scenario NAME|FILE] [--terminals N]`:
 * fills an empty store with a scenario's plans, accounts (one service line
 * each), terminals and zones, so that `leonet drive` of the same scenario
 * (and the same --terminals) reports for terminals leonetd knows.
 *
 * What is written (ids: docs/drive.md, the daemon's shared decisions):
 *   plans      the scenario's plans, by their id
 *   accounts   the scenario's accounts (their "id", name, plan), active
 *   lines      one per account: "SL-" + account id, active
 *   terminals  every terminal a run places (ln_sim_fleet_new: the engine's
 *              own placement and order), "UT" + 8-digit index, kit serial
 *              "KIT" + the same digits, on its account's line, at its
 *              position at the scenario's start (t_unix_s 0: no report
 *              yet; seq -1)
 *   zones      one record per zone as the run names it (setup.c's rule: a
 *              GeoJSON file's features each a zone, "ID/FEATURE" when the
 *              scenario's zone has an id and the file several features,
 *              "ID" for one); the body is the feature (GeoJSON, kind 0)
 *              with "id" and properties.name set, or the cell-list file's
 *              text (kind 1); all in one version of the zone set
 * Terminals go in chunks of SEED_CHUNK, one transaction each
 * (ln_store_put_terminals): 100,000 terminals are ten transactions, with
 * a progress line on a terminal (stderr).
 * A second seed is refused: a store that already holds an account is left
 * as it is (exit 2, "already seeded"); seed a new --db.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "leonet/geofence.h"
#include "leonet/sim.h"
#include "leonet/store.h"
#include "leonet/zone.h"
#include "leonetd/ld_logkey.h"
#include "leonetd/leonetd.h"

#define SEED_CHUNK 10000  /* terminals per transaction */

static void seed_help(FILE *f)
{
    fprintf(f,
"usage: leonetd seed --db PATH [--scenario NAME|FILE] [--terminals N]\n"
"                    [--log-key FILE] [--log-origin NAME]\n"
"\n"
"Loads a scenario's plans, accounts (one service line each: SL-<account>),\n"
"terminals (UT00000000.. in the simulator's order, at their starting\n"
"positions) and zones into an empty leonetd database (created if\n"
"absent). The scenario is the built-in 'ukraine-2022' by default.\n"
"--terminals N scales the terminal groups to N terminals in all, as\n"
"`leonet run --terminals N` and `leonet drive --terminals N` do: give\n"
"the drive the same N. A database that already holds accounts is\n"
"refused (seed a new one). docs/drive.md.\n"
"Every write is an audit log leaf signed with the log key (--log-key,\n"
"default DB.logkey beside the database, made with DB.logkey.pub when\n"
"absent; docs/audit-ops.md).\n"
"Exit status: 0 ok, 2 bad usage, scenario or an already seeded\n"
"database, 3 the store failed.\n");
}

/* Loads a built-in scenario by name, or a file. 0, or 2 (printed). */
static int load_scenario(const char *arg, ln_scenario **sc)
{
    ln_scenario_options so = {getenv("LEONET_DATA")};
    ln_diag d;
    char msg[1400];
    ln_diag_clear(&d);
    int rc = ln_scenario_open(arg, &so, sc, &d);
    if (rc) {
        fprintf(stderr, "leonetd seed: %s\n",
                ln_diag_format(&d, msg, sizeof msg));
        return 2;
    }
    return 0;
}

/* snprintf into a record's id field; -1 (printed) when it does not fit. */
static int put_id(char *dst, size_t n, const char *what, const char *fmt,
                  const char *a, const char *b)
{
    int k = snprintf(dst, n, fmt, a, b);
    if (k < 0 || (size_t)k >= n) {
        fprintf(stderr, "leonetd seed: %s id '", what);
        fprintf(stderr, fmt, a, b);
        fprintf(stderr, "' is longer than %zu characters\n", n - 1);
        return -1;
    }
    return 0;
}

static int store_err(ln_store *st, const char *what, int rc)
{
    (void)st;
    fprintf(stderr, "leonetd seed: cannot write the %s: %s\n", what,
            ln_strerror(rc));
    return 3;
}

/* Plans, accounts and their service lines. 0, 2 or 3 (printed). */
static int seed_accounts(ln_store *st, const ln_scenario *sc)
{
    int rc;
    for (size_t p = 0; p < sc->nplans; p++)
        if ((rc = ln_store_put_plan(st, &sc->plans[p])))
            return store_err(st, "plans", rc);
    for (size_t a = 0; a < sc->naccounts; a++) {
        const ln_sc_account *sa = &sc->accounts[a];
        ln_st_account ac;
        memset(&ac, 0, sizeof ac);
        ln_st_line ln;
        memset(&ln, 0, sizeof ln);
        if (put_id(ac.id, sizeof ac.id, "account", "%s%s", sa->id, "") ||
            put_id(ln.number, sizeof ln.number, "service line", "SL-%s%s",
                   sa->id, ""))
            return 2;
        snprintf(ac.name, sizeof ac.name, "%s", sa->name);
        snprintf(ac.plan, sizeof ac.plan, "%s", sc->plans[sa->plan].id);
        snprintf(ln.account, sizeof ln.account, "%s", ac.id);
        snprintf(ln.nickname, sizeof ln.nickname, "%s", sa->name);
        ln.active = 1;
        if ((rc = ln_store_put_account(st, &ac)))
            return store_err(st, "accounts", rc);
        if ((rc = ln_store_put_line(st, &ln)))
            return store_err(st, "service lines", rc);
    }
    return 0;
}

/* Every terminal of the fleet, SEED_CHUNK per transaction. */
static int seed_terminals(ln_store *st, const ln_scenario *sc,
                          const ln_sim_fleet *f)
{
    ln_st_terminal *t = calloc(SEED_CHUNK, sizeof *t);
    if (!t) {
        fprintf(stderr, "leonetd seed: out of memory\n");
        return 3;
    }
    int tty = isatty(STDERR_FILENO);
    for (size_t at = 0; at < f->n; at += SEED_CHUNK) {
        size_t n = f->n - at < SEED_CHUNK ? f->n - at : SEED_CHUNK;
        for (size_t k = 0; k < n; k++) {
            size_t i = at + k;
            ln_st_terminal *r = &t[k];
            const char *acct = sc->accounts[f->account[i]].id;
            memset(r, 0, sizeof *r);
            snprintf(r->id, sizeof r->id, "UT%08zu", i);
            snprintf(r->kit_serial, sizeof r->kit_serial, "KIT%08zu", i);
            snprintf(r->account, sizeof r->account, "%s", acct);
            /* fits: seed_accounts checked every line number */
            if (snprintf(r->line, sizeof r->line, "SL-%s", acct) < 0)
                r->line[0] = '\0';
            r->lat_deg = f->lat_rad[i] * LN_RAD2DEG;
            r->lon_deg = f->lon_rad[i] * LN_RAD2DEG;
            r->t_unix_s = 0; /* no report yet: the seed's placement */
            r->seq = -1;
        }
        int rc = ln_store_put_terminals(st, t, n);
        if (rc) {
            free(t);
            if (tty)
                fputc('\n', stderr);
            return store_err(st, "terminals", rc);
        }
        if (tty)
            fprintf(stderr, "\rleonetd seed: terminals %zu/%zu", at + n,
                    f->n);
    }
    if (tty && f->n)
        fputc('\n', stderr);
    free(t);
    return 0;
}

/* ---- zones -------------------------------------------------------------- */

typedef struct zone_list {
    ln_st_zone *z;
    size_t n, cap;
} zone_list;

static void zones_free(zone_list *zl)
{
    for (size_t k = 0; k < zl->n; k++)
        free(zl->z[k].body);
    free(zl->z);
}

/* Appends a record (body taken over). 0, or 2/3 (printed). */
static int zone_add(zone_list *zl, const ln_sc_zone *sz, const char *id,
                    int kind, char *body, size_t len)
{
    if (zl->n == zl->cap) {
        size_t nc = zl->cap ? 2 * zl->cap : 16;
        ln_st_zone *nz = realloc(zl->z, nc * sizeof *nz);
        if (!nz) {
            free(body);
            fprintf(stderr, "leonetd seed: out of memory\n");
            return 3;
        }
        zl->z = nz;
        zl->cap = nc;
    }
    ln_st_zone *z = &zl->z[zl->n];
    memset(z, 0, sizeof *z);
    if (put_id(z->id, sizeof z->id, "zone", "%s%s", id, "")) {
        free(body);
        return 2;
    }
    z->kind = kind;
    z->action = sz->action;
    z->priority = sz->priority;
    z->valid_from_unix_s = sz->valid_from_unix_s;
    z->valid_until_unix_s = sz->valid_until_unix_s;
    z->body = body;
    z->body_len = len;
    zl->n++;
    return 0;
}

/* The JSON object of feature `index` of a GeoJSON document (a
 * FeatureCollection, a Feature, or a bare geometry wrapped as one), as a
 * new reference. */
static json_t *feature_at(json_t *root, long index)
{
    const char *type = json_string_value(json_object_get(root, "type"));
    if (type && strcmp(type, "FeatureCollection") == 0)
        return json_copy(
            json_array_get(json_object_get(root, "features"), (size_t)index));
    if (type && strcmp(type, "Feature") == 0)
        return json_copy(root);
    return json_pack("{s:s, s:O, s:{}}", "type", "Feature", "geometry", root,
                     "properties");
}

/* The zones of a GeoJSON file: one record per feature, named as the
 * engine names them (setup.c's load_zones). */
static int zones_geojson(zone_list *zl, const ln_sc_zone *sz, size_t zi)
{
    ln_geojson gj;
    ln_diag d;
    char msg[1400];
    ln_diag_clear(&d);
    int rc = ln_geojson_read(sz->file, 0, &gj, &d);
    json_error_t je;
    json_t *root = rc ? NULL : json_load_file(sz->file, 0, &je);
    if (rc || !root) {
        if (!rc)
            fprintf(stderr, "leonetd seed: zones[%zu]: %s:%d:%d: %s\n", zi,
                    sz->file, je.line, je.column, je.text);
        else
            fprintf(stderr, "leonetd seed: zones[%zu]: %s\n", zi,
                    ln_diag_format(&d, msg, sizeof msg));
        ln_geojson_free(&gj);
        return 2;
    }
    for (size_t f = 0; f < gj.nfeatures && !rc; f++) {
        const ln_geojson_feature *ft = &gj.features[f];
        char id[LN_NAME_MAX * 2 + 2];
        if (sz->id[0] && gj.nfeatures == 1)
            snprintf(id, sizeof id, "%s", sz->id);
        else if (sz->id[0])
            snprintf(id, sizeof id, "%s/%s", sz->id, ft->id);
        else
            snprintf(id, sizeof id, "%s", ft->id);
        const char *name = sz->name[0] ? sz->name : ft->name;
        json_t *fo = feature_at(root, ft->index);
        json_t *props = fo ? json_object_get(fo, "properties") : NULL;
        if (fo && !json_is_object(props)) {
            props = json_object();
            json_object_set_new(fo, "properties", props);
        }
        char *body = NULL;
        if (fo && props &&
            !json_object_set_new(fo, "id", json_string(id)) &&
            (!name || !json_object_set_new(props, "name",
                                           json_string(name))))
            body = json_dumps(fo, JSON_COMPACT | JSON_REAL_PRECISION(17));
        json_decref(fo);
        if (!body) {
            fprintf(stderr, "leonetd seed: zones[%zu]: feature %ld of %s: "
                    "cannot write it as JSON\n", zi, ft->index, sz->file);
            rc = 3;
            break;
        }
        rc = zone_add(zl, sz, id, 0, body, strlen(body));
    }
    json_decref(root);
    ln_geojson_free(&gj);
    return rc;
}

/* Every zone of the scenario as one new version of the zone set. */
static int seed_zones(ln_store *st, const ln_scenario *sc, size_t *nzones,
                      int64_t *version)
{
    zone_list zl = {0};
    int rc = 0;
    for (size_t i = 0; i < sc->nzones && !rc; i++) {
        const ln_sc_zone *sz = &sc->zones[i];
        if (!sz->is_cells) {
            rc = zones_geojson(&zl, sz, i);
            continue;
        }
        char *text;
        size_t len;
        ln_diag d;
        char msg[1400];
        if (ln_read_file(sz->file, (size_t)64 << 20, &text, &len, &d)) {
            fprintf(stderr, "leonetd seed: zones[%zu]: %s\n", i,
                    ln_diag_format(&d, msg, sizeof msg));
            rc = 2;
            break;
        }
        char *body = malloc(len + 1);
        if (body) {
            memcpy(body, text, len);
            body[len] = '\0';
        }
        ln_free(text);
        rc = body ? zone_add(&zl, sz, sz->id, 1, body, len) : 3;
    }
    *nzones = zl.n;
    *version = 0;
    if (!rc && zl.n && (rc = ln_store_put_zones(st, zl.z, zl.n, version)))
        rc = store_err(st, "zones", rc);
    zones_free(&zl);
    return rc;
}

/* ---- the verb ----------------------------------------------------------- */

typedef struct seed_args {
    const char *db, *scenario;
    long terminals;          /* 0 = as the scenario says */
    const char *log_key, *log_origin; /* NULL: DB.logkey, leonetd/log */
} seed_args;

/* 0 go on, -1 help printed (exit 0), 2 bad usage (printed). */
static int parse_args(int argc, char **argv, seed_args *a)
{
    static const struct option lo[] = {
        {"db", required_argument, NULL, 'd'},
        {"scenario", required_argument, NULL, 's'},
        {"terminals", required_argument, NULL, 'n'},
        {"log-key", required_argument, NULL, 'k'},
        {"log-origin", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    *a = (seed_args){NULL, "ukraine-2022", 0, NULL, NULL};
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "+h", lo, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'd': a->db = optarg; break;
        case 's': a->scenario = optarg; break;
        case 'k': a->log_key = optarg; break;
        case 'o': a->log_origin = optarg; break;
        case 'n':
            a->terminals = strtol(optarg, &end, 10);
            if (end == optarg || *end || a->terminals < 1 ||
                a->terminals > 100000000L) {
                fprintf(stderr, "leonetd seed: --terminals: expected a "
                        "whole number 1..100000000, got '%s'\n", optarg);
                return 2;
            }
            break;
        case 'h': seed_help(stdout); return -1;
        default:
            fprintf(stderr, "leonetd seed: unknown option or missing value "
                    "'%s' (see leonetd seed --help)\n", argv[optind - 1]);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "leonetd seed: unexpected argument '%s' (see "
                "leonetd seed --help)\n", argv[optind]);
        return 2;
    }
    if (!a->db) {
        fprintf(stderr, "leonetd seed: --db PATH is required (see leonetd "
                "seed --help)\n");
        return 2;
    }
    return 0;
}

static int count_cb(void *user, const ln_st_account *ac)
{
    (void)user;
    (void)ac;
    return 1;
}

/* Opens the store and refuses one that holds accounts. 0, 2 or 3. */
static int open_empty(const char *db, ln_store **st)
{
    ln_diag d;
    char msg[1400];
    ln_diag_clear(&d);
    int rc = ln_store_open(db, st, &d);
    if (rc) {
        fprintf(stderr, "leonetd seed: %s\n",
                d.msg[0] ? ln_diag_format(&d, msg, sizeof msg)
                         : ln_strerror(rc));
        return rc == LN_EINVAL ? 2 : 3;
    }
    long total = 0;
    rc = ln_store_list_accounts(*st, 0, 1, count_cb, NULL, &total);
    if (rc) {
        fprintf(stderr, "leonetd seed: %s: cannot read the accounts: %s\n",
                db, ln_strerror(rc));
        return 3;
    }
    if (total > 0) {
        fprintf(stderr, "leonetd seed: %s is already seeded (%ld account%s); "
                "nothing written: seed a new database (another --db)\n",
                db, total, total == 1 ? "" : "s");
        return 2;
    }
    return 0;
}

int ld_seed_main(int argc, char **argv)
{
    seed_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc)
        return rc < 0 ? 0 : rc;
    ln_scenario *sc = NULL;
    if ((rc = load_scenario(a.scenario, &sc)))
        return rc;
    /* the run's placement (the engine's setup), before the store is
     * touched: a scenario that cannot run writes nothing */
    ln_sim_options o = {0};
    o.max_terminals = a.terminals;
    o.data_dir = getenv("LEONET_DATA");
    ln_sim_fleet *f = NULL;
    ln_diag d;
    char msg[1400];
    rc = ln_sim_fleet_new(sc, &o, &f, &d);
    if (rc) {
        fprintf(stderr, "leonetd seed: %s\n",
                ln_diag_format(&d, msg, sizeof msg));
        ln_scenario_free(sc);
        return rc == LN_ENOMEM ? 3 : 2;
    }
    if (sc->default_action == LN_ZONE_DENY)
        fprintf(stderr, "leonetd seed: warning: the scenario denies where no "
                "zone applies (default_action deny); leonetd allows there "
                "(its zone set has no default action), so its decisions "
                "outside every zone differ from the run's\n");
    ln_store *st = NULL;
    size_t nz = 0;
    int64_t ver = 0;
    double t0 = ln_time_mono_s();
    rc = open_empty(a.db, &st);
    if (!rc)
        rc = ld_log_key("seed", st, a.db, a.log_key, a.log_origin, NULL);
    ln_store_set_actor(st, "leonetd seed");
    if (!rc)
        rc = seed_accounts(st, sc);
    if (!rc)
        rc = seed_zones(st, sc, &nz, &ver);
    if (!rc)
        rc = seed_terminals(st, sc, f);
    if (!rc)
        printf("leonetd seed: %s: scenario '%s': %zu plans, %zu accounts, "
               "%zu service lines, %zu terminals, %zu zones (zone set "
               "version %lld) in %.1f s\n", a.db, sc->name, sc->nplans,
               sc->naccounts, sc->naccounts, f->n, nz, (long long)ver,
               ln_time_mono_s() - t0);
    ln_store_close(st);
    ln_sim_fleet_free(f);
    ln_scenario_free(sc);
    return rc;
}
