/*
 * sqlite_verify_tab.c - the second half of ln_store_audit_verify: each
 * leaf's record replayed into the state the log describes, then every
 * audited table compared with it, row by row, with the record builders
 * the writers use (sqlite_audit_rec.c). A row edited, added or deleted
 * behind the store's back is named with its table, key, field and the
 * leaf that last wrote it:
 *   accounts 'defence': suspended is 1 in the table, 0 in the log (leaf 17)
 *
 * State keys: plans, accounts, terminals by id; lines by number; zones by
 * "id@version"; zone_sets by version; tokens by rid; contracts by
 * "id@version"; changes by id; change_sigs by "change#n"; nonces by hex;
 * kills by "scope/id".
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_verify.h"

static const char *str(json_t *o, const char *f)
{
    const char *s = json_string_value(json_object_get(o, f));
    return s ? s : "";
}

static long long num(json_t *o, const char *f)
{
    return (long long)json_integer_value(json_object_get(o, f));
}

static void set_by(vx *v, const char *table, json_t *rec, const char *f)
{
    ln__sq_vset(v, table, str(rec, f), rec);
}

static void set_zones(vx *v, json_t *zs)
{
    char k[LN_ST_ID + 32];
    snprintf(k, sizeof k, "%lld", num(zs, "version"));
    json_t *row = json_pack("{sI}", "version", (json_int_t)num(zs, "version"));
    ln__sq_vset(v, "zone_sets", k, row);
    json_decref(row);
    size_t i;
    json_t *z;
    json_array_foreach(json_object_get(zs, "zones"), i, z) {
        snprintf(k, sizeof k, "%s@%lld", str(z, "id"), num(z, "version"));
        ln__sq_vset(v, "zones", k, z);
    }
}

static void set_contract(vx *v, json_t *c)
{
    char k[LN_ST_ID + 32];
    snprintf(k, sizeof k, "%s@%lld", str(c, "id"), num(c, "version"));
    ln__sq_vset(v, "contracts", k, c);
}

static void set_kill(vx *v, const char *scope, const char *id,
                     const char *change, int granted, int on)
{
    char k[LN_ST_ID + 32];
    snprintf(k, sizeof k, "%s/%s", scope, id);
    json_t *row = on ? ln__sq_rec_kill(scope, id, granted, change, 1) : NULL;
    ln__sq_vset(v, "kills", k, row);
    json_decref(row);
}

/* A copy of row of table at key with field set to val (stolen). */
static void patch(vx *v, const char *table, const char *key,
                  const char *field, json_t *val)
{
    json_t *row = json_deep_copy(ln__sq_vget(v, table, key));
    if (row) {
        json_object_set(row, field, val);
        ln__sq_vset(v, table, key, row);
    }
    json_decref(row);
    json_decref(val);
}

static void replay_effect(vx *v, const char *id, json_t *e)
{
    long long kind = num(e, "kind");
    json_t *accs = json_object_get(e, "accounts");
    json_t *terms = json_object_get(e, "terminals");
    size_t i;
    json_t *x;
    if (kind == LN_ST_EFFECT_KILL || kind == LN_ST_EFFECT_RESTORE) {
        int on = kind == LN_ST_EFFECT_KILL;
        json_array_foreach(accs, i, x)
            set_kill(v, "account", json_string_value(x), id, 1, on);
        json_array_foreach(terms, i, x)
            set_kill(v, "terminal", json_string_value(x), id, 1, on);
        if (!json_array_size(accs) && !json_array_size(terms))
            set_kill(v, "all", "", id, 1, on);
    } else if (kind == LN_ST_EFFECT_SUSPEND || kind == LN_ST_EFFECT_RESUME) {
        json_array_foreach(accs, i, x)
            patch(v, "accounts", json_string_value(x), "suspended",
                  json_integer(kind == LN_ST_EFFECT_SUSPEND));
    } else if (kind == LN_ST_EFFECT_ZONES) {
        set_zones(v, json_object_get(e, "zones"));
    } else if (kind == LN_ST_EFFECT_CONTRACT) {
        set_contract(v, json_object_get(e, "contract"));
    }
}

static void replay_verdict(vx *v, json_t *rec)
{
    const char *id = str(rec, "change");
    json_t *row = json_deep_copy(ln__sq_vget(v, "changes", id));
    if (row) {
        json_object_set(row, "state", json_object_get(rec, "state"));
        json_object_set(row, "reason", json_object_get(rec, "reason"));
        json_object_set(row, "detail", json_object_get(rec, "detail"));
        ln__sq_vset(v, "changes", id, row);
        json_decref(row);
    }
    const char *nonce = str(rec, "nonce");
    if (nonce[0] && num(rec, "state") != LN_ST_PENDING) {
        row = json_pack("{ss}", "change", id);
        ln__sq_vset(v, "nonces", nonce, row);
        json_decref(row);
    }
    json_t *e = json_object_get(rec, "effect");
    if (e && num(rec, "state") == LN_ST_GRANTED)
        replay_effect(v, id, e);
}

int ln__sq_replay_leaf(vx *v, const char *type, json_t *rec)
{
    char k[2 * LN_ST_ID + 32];
    size_t i;
    json_t *x;
    if (!strcmp(type, "plan")) {
        set_by(v, "plans", rec, "id");
    } else if (!strcmp(type, "account")) {
        set_by(v, "accounts", rec, "id");
    } else if (!strcmp(type, "line")) {
        set_by(v, "lines", rec, "number");
    } else if (!strcmp(type, "terminals")) {
        json_array_foreach(json_object_get(rec, "terminals"), i, x)
            set_by(v, "terminals", x, "id");
    } else if (!strcmp(type, "zones")) {
        set_zones(v, rec);
    } else if (!strcmp(type, "token")) {
        snprintf(k, sizeof k, "%lld", num(rec, "rid"));
        ln__sq_vset(v, "tokens", k, rec);
    } else if (!strcmp(type, "token-revoke")) {
        snprintf(k, sizeof k, "%lld", num(rec, "rid"));
        patch(v, "tokens", k, "revoked", json_integer(1));
    } else if (!strcmp(type, "contract")) {
        set_contract(v, rec);
    } else if (!strcmp(type, "change")) {
        set_by(v, "changes", rec, "id");
    } else if (!strcmp(type, "signature")) {
        snprintf(k, sizeof k, "%s#%lld", str(rec, "change"), num(rec, "n"));
        ln__sq_vset(v, "change_sigs", k, rec);
    } else if (!strcmp(type, "verdict")) {
        replay_verdict(v, rec);
    } else if (!strcmp(type, "kill")) {
        set_kill(v, str(rec, "scope"), str(rec, "id"), str(rec, "change"),
                 (int)num(rec, "granted"), (int)num(rec, "on"));
    } else if (strcmp(type, "attempt")) {
        return ln__sq_vfail(v, "audit: leaf %llu: unknown type '%s'",
                            (unsigned long long)v->leaf, type);
    }
    return LN_OK;
}

/* ---- the tables --------------------------------------------------------- */

static double col_real(sqlite3_stmt *q, int i)
{
    return sqlite3_column_type(q, i) == SQLITE_NULL
               ? NAN : sqlite3_column_double(q, i);
}

static const char *col_str(sqlite3_stmt *q, int i)
{
    const char *s = (const char *)sqlite3_column_text(q, i);
    return s ? s : "";
}

/* Each builds the row's record and its state key. */
typedef json_t *(*row_fn)(sqlite3_stmt *q, char *key, size_t cap);

static json_t *row_plan(sqlite3_stmt *q, char *key, size_t cap)
{
    ln_plan p;
    memset(&p, 0, sizeof p);
    snprintf(p.id, sizeof p.id, "%s", col_str(q, 0));
    p.hardware_usd = col_real(q, 1);
    p.amortize_years = col_real(q, 2);
    p.monthly_usd = col_real(q, 3);
    p.included_gb = col_real(q, 4);
    p.usd_per_gb = col_real(q, 5);
    p.peak_mbps = col_real(q, 6);
    p.duty = col_real(q, 7);
    p.overage = sqlite3_column_int(q, 8);
    snprintf(key, cap, "%s", col_str(q, 0));
    return ln__sq_rec_plan(&p);
}

static json_t *row_account(sqlite3_stmt *q, char *key, size_t cap)
{
    ln_st_account a;
    memset(&a, 0, sizeof a);
    snprintf(a.id, sizeof a.id, "%s", col_str(q, 0));
    snprintf(a.name, sizeof a.name, "%s", col_str(q, 1));
    snprintf(a.plan, sizeof a.plan, "%s", col_str(q, 2));
    a.suspended = sqlite3_column_int(q, 3);
    snprintf(key, cap, "%s", col_str(q, 0));
    return ln__sq_rec_account(&a);
}

static json_t *row_line(sqlite3_stmt *q, char *key, size_t cap)
{
    ln_st_line l;
    memset(&l, 0, sizeof l);
    snprintf(l.number, sizeof l.number, "%s", col_str(q, 0));
    snprintf(l.account, sizeof l.account, "%s", col_str(q, 1));
    snprintf(l.nickname, sizeof l.nickname, "%s", col_str(q, 2));
    l.active = sqlite3_column_int(q, 3);
    snprintf(key, cap, "%s", col_str(q, 0));
    return ln__sq_rec_line(&l);
}

static json_t *row_terminal(sqlite3_stmt *q, char *key, size_t cap)
{
    ln_st_terminal t;
    memset(&t, 0, sizeof t);
    snprintf(t.id, sizeof t.id, "%s", col_str(q, 0));
    snprintf(t.kit_serial, sizeof t.kit_serial, "%s", col_str(q, 1));
    snprintf(t.account, sizeof t.account, "%s", col_str(q, 2));
    snprintf(t.line, sizeof t.line, "%s", col_str(q, 3));
    snprintf(key, cap, "%s", col_str(q, 0));
    return ln__sq_rec_terminal(&t);
}

static json_t *row_zone(sqlite3_stmt *q, char *key, size_t cap)
{
    ln_st_zone z;
    memset(&z, 0, sizeof z);
    snprintf(z.id, sizeof z.id, "%s", col_str(q, 0));
    int64_t ver = sqlite3_column_int64(q, 1);
    z.kind = sqlite3_column_int(q, 2);
    z.action = sqlite3_column_int(q, 3);
    z.priority = sqlite3_column_int(q, 4);
    z.deleted = sqlite3_column_int(q, 5);
    z.valid_from_unix_s = col_real(q, 6);
    z.valid_until_unix_s = col_real(q, 7);
    z.body = (char *)sqlite3_column_blob(q, 8);
    z.body_len = (size_t)sqlite3_column_bytes(q, 8);
    snprintf(key, cap, "%s@%lld", z.id, (long long)ver);
    return ln__sq_rec_zone(&z, ver);
}

static json_t *row_zone_set(sqlite3_stmt *q, char *key, size_t cap)
{
    snprintf(key, cap, "%lld", (long long)sqlite3_column_int64(q, 0));
    return json_pack("{sI}", "version",
                     (json_int_t)sqlite3_column_int64(q, 0));
}

static json_t *row_token(sqlite3_stmt *q, char *key, size_t cap)
{
    ln_st_token t;
    memset(&t, 0, sizeof t);
    t.rid = sqlite3_column_int64(q, 0);
    if (sqlite3_column_bytes(q, 1) == 32)
        memcpy(t.hash, sqlite3_column_blob(q, 1), 32);
    t.role = sqlite3_column_int(q, 2);
    snprintf(t.account, sizeof t.account, "%s", col_str(q, 3));
    snprintf(t.terminal, sizeof t.terminal, "%s", col_str(q, 4));
    t.revoked = sqlite3_column_int(q, 5);
    snprintf(key, cap, "%lld", (long long)t.rid);
    return ln__sq_rec_token(&t);
}

static json_t *row_contract(sqlite3_stmt *q, char *key, size_t cap)
{
    snprintf(key, cap, "%s@%lld", col_str(q, 0),
             (long long)sqlite3_column_int64(q, 1));
    const void *j = sqlite3_column_blob(q, 2);
    return ln__sq_rec_contract(col_str(q, 0), sqlite3_column_int64(q, 1),
                               col_str(q, 3), j ? j : "",
                               (size_t)sqlite3_column_bytes(q, 2));
}

static json_t *row_change(sqlite3_stmt *q, char *key, size_t cap)
{
    ln_st_change c;
    memset(&c, 0, sizeof c);
    snprintf(c.id, sizeof c.id, "%s", col_str(q, 0));
    snprintf(c.contract, sizeof c.contract, "%s", col_str(q, 1));
    c.kind = sqlite3_column_int(q, 2);
    c.json = (char *)sqlite3_column_blob(q, 3);
    c.len = (size_t)sqlite3_column_bytes(q, 3);
    if (!c.json)
        c.json = (char *)"";
    c.state = sqlite3_column_int(q, 4);
    c.reason = sqlite3_column_int(q, 5);
    snprintf(c.detail, sizeof c.detail, "%s", col_str(q, 6));
    snprintf(key, cap, "%s", c.id);
    return ln__sq_rec_change(&c);
}

static json_t *row_sig(sqlite3_stmt *q, char *key, size_t cap)
{
    snprintf(key, cap, "%s#%lld", col_str(q, 0),
             (long long)sqlite3_column_int64(q, 1));
    return json_pack("{sssIss}", "change", col_str(q, 0), "n",
                     (json_int_t)sqlite3_column_int64(q, 1), "line",
                     col_str(q, 2));
}

static json_t *row_nonce(sqlite3_stmt *q, char *key, size_t cap)
{
    size_t n = (size_t)sqlite3_column_bytes(q, 0);
    const unsigned char *b = sqlite3_column_blob(q, 0);
    key[0] = 0;
    if (b && 2 * n < cap)
        sodium_bin2hex(key, cap, b, n);
    return json_pack("{ss}", "change", col_str(q, 1));
}

static json_t *row_kill(sqlite3_stmt *q, char *key, size_t cap)
{
    snprintf(key, cap, "%s/%s", col_str(q, 0), col_str(q, 1));
    return ln__sq_rec_kill(col_str(q, 0), col_str(q, 1),
                           sqlite3_column_int(q, 2), col_str(q, 3), 1);
}

static const struct vtab {
    const char *name, *sql;
    row_fn row;
} tabs[] = {
    {"plans", "SELECT " SQ_PLAN_COLS " FROM plans", row_plan},
    {"accounts", "SELECT id,name,plan,suspended FROM accounts", row_account},
    {"lines", "SELECT number,account,nickname,active FROM lines", row_line},
    {"terminals", "SELECT id,kit_serial,account,line FROM terminals",
     row_terminal},
    {"zone_sets", "SELECT version FROM zone_sets", row_zone_set},
    {"zones", "SELECT id,version,kind,action,priority,deleted,valid_from,"
              "valid_until,body FROM zones", row_zone},
    {"tokens", "SELECT rid,hash,role,account,terminal,revoked FROM tokens",
     row_token},
    {"contracts", "SELECT id,version,json,change FROM contracts",
     row_contract},
    {"changes", "SELECT id,contract,kind,json,state,reason,detail FROM "
                "changes", row_change},
    {"change_sigs", "SELECT change,n,line FROM change_sigs", row_sig},
    {"nonces", "SELECT nonce,change FROM nonces", row_nonce},
    {"kills", "SELECT scope,id,granted,change FROM kills", row_kill},
};

static char *show(json_t *x)
{
    return x ? json_dumps(x, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
}

/* The first field where the table's row and the log's differ. */
static int differ(vx *v, const char *table, const char *key, json_t *tab,
                  json_t *log, long long leaf)
{
    const char *f = NULL;
    json_t *x;
    json_object_foreach(tab, f, x) {
        if (!json_equal(x, json_object_get(log, f)))
            break;
    }
    if (!f) {
        json_object_foreach(log, f, x) {
            if (!json_object_get(tab, f))
                break;
        }
    }
    char *a = show(json_object_get(tab, f ? f : ""));
    char *b = show(json_object_get(log, f ? f : ""));
    int rc = ln__sq_vfail(v, "%s '%s': %s is %s in the table, %s in the "
                          "log (leaf %lld)", table, key, f ? f : "a field",
                          a ? a : "absent", b ? b : "absent", leaf);
    free(a);
    free(b);
    return rc;
}

static int one_table(vx *v, const struct vtab *t)
{
    json_t *want = json_object_get(v->st, t->name);
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(v->c->db, t->sql, -1, &q, NULL) != SQLITE_OK)
        return ln__sq_fail(v->c, sqlite3_errcode(v->c->db), t->name);
    int r, rc = LN_OK;
    char key[2 * LN_ST_ID + 600];
    while (!rc && (r = sqlite3_step(q)) == SQLITE_ROW) {
        json_t *row = t->row(q, key, sizeof key);
        json_t *e = json_object_get(want, key);
        json_t *log = json_object_get(e, "row");
        long long leaf = num(e, "leaf");
        if (!row)
            rc = ln__store_err(LN_ENOMEM, "store: out of memory");
        else if (!log)
            rc = ln__sq_vfail(v, "%s '%s': in the table, not in the log "
                              "(a row added behind the store's back)",
                              t->name, key);
        else if (!json_equal(row, log))
            rc = differ(v, t->name, key, row, log, leaf);
        else
            json_object_del(want, key);
        json_decref(row);
    }
    if (!rc && r != SQLITE_DONE)
        rc = ln__sq_fail(v->c, r, t->name);
    sqlite3_finalize(q);
    const char *k;
    json_t *e;
    json_object_foreach(want, k, e) {
        if (rc)
            break;
        rc = ln__sq_vfail(v, "%s '%s': in the log (leaf %lld), not in the "
                          "table (a row deleted behind the store's back)",
                          t->name, k, num(e, "leaf"));
    }
    return rc;
}

int ln__sq_verify_tables(vx *v)
{
    int rc = LN_OK;
    for (size_t i = 0; !rc && i < sizeof tabs / sizeof tabs[0]; i++)
        rc = one_table(v, &tabs[i]);
    return rc;
}
