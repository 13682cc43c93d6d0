/*
 * sqlite_trust.c - the SQLite driver's contracts, change requests, used
 * nonces and kill switches (store.h "contracts, change requests, kill
 * switches"; docs/audit.md has the records).
 *
 * Tables (migration 6): contracts(id, version, json, created, change),
 * changes(id, contract, kind, json, state, reason, detail, created,
 * decided, ord: submission order), change_sigs(change, n, line) in the
 * order added, nonces(nonce, change, t), kills(scope, id, granted,
 * change, t).
 *
 * Every write is one transaction with its one audit leaf (sqlite_audit.c):
 * "contract", "change", "signature", "kill", and ln_store_decide_change's
 * "verdict", which records the evaluation, the nonce and the effect
 * applied with it (kill switches, suspensions, a zone set version, the
 * contract's next version).
 *
 * Documents are returned in malloc'd buffers (ln_st_contract_clear and
 * ln_st_change_clear free() them), NUL-terminated.
 */
#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/sqlite_int.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static char *dup_blob(const void *p, size_t n)
{
    char *b = malloc(n + 1);
    if (b) {
        if (n)
            memcpy(b, p, n);
        b[n] = 0;
    }
    return b;
}

/* ---- contracts -------------------------------------------------------- */

/* Inserts the next version of contract id (writer, transaction open). */
static int contract_tx(sq *s, const char *id, const char *json, size_t n,
                       double created, const char *change, int64_t *version,
                       json_t **rec)
{
    int rc = ln__sq_contract_clash(s, id, json, n);
    if (rc)
        return rc;
    sqlite3_stmt *q = ln__sq_stmt(s->w, SQ_CON_PUT);
    if (!q)
        return LN_ESTORE;
    sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_blob64(q, 2, json, n, SQLITE_STATIC);
    sqlite3_bind_double(q, 3, created);
    sqlite3_bind_text(q, 4, change, -1, SQLITE_STATIC);
    int r = sqlite3_step(q);
    int64_t v = r == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
    if (r == SQLITE_ROW)
        r = sqlite3_step(q);
    sqlite3_reset(q);
    if (r != SQLITE_DONE)
        return ln__sq_fail(s->w, r, "put contract");
    *version = v;
    *rec = ln__sq_rec_contract(id, v, change, json, n);
    return LN_OK;
}

int ln__sq_put_contract(void *impl, const ln_st_contract *c,
                        int64_t *version)
{
    sq *s = impl;
    json_t *rec = NULL;
    int64_t v = 0;
    pthread_mutex_lock(&s->wmu);
    int rc = ln__sq_begin(s);
    if (!rc)
        rc = contract_tx(s, c->id, c->json, c->len,
                         c->created_unix_s > 0 ? c->created_unix_s : now_s(),
                         c->change, &v, &rec);
    if (!rc)
        rc = ln__sq_audit_leaf(s, "contract", rec);
    rc = ln__sq_audit_end(s, rc);
    pthread_mutex_unlock(&s->wmu);
    if (version)
        *version = rc ? 0 : v;
    return rc;
}

static int row_contract(sqlite3_stmt *q, ln_st_contract *c)
{
    memset(c, 0, sizeof *c);
    ln__sq_text(q, 0, c->id, sizeof c->id);
    c->version = sqlite3_column_int64(q, 1);
    c->len = (size_t)sqlite3_column_bytes(q, 2);
    c->json = dup_blob(sqlite3_column_blob(q, 2), c->len);
    c->created_unix_s = sqlite3_column_double(q, 3);
    ln__sq_text(q, 4, c->change, sizeof c->change);
    return c->json ? LN_OK
                   : ln__store_err(LN_ENOMEM, "store: out of memory");
}

int ln__sq_get_contract(void *impl, const char *id, int64_t version,
                        ln_st_contract *out)
{
    sq *s = impl;
    memset(out, 0, sizeof *out);
    sq_conn *c = ln__sq_reader(s);
    if (!c)
        return LN_ESTORE;
    sqlite3_stmt *q = ln__sq_stmt(c, version ? SQ_CON_GET : SQ_CON_LAST);
    int rc = q ? LN_OK : LN_ESTORE;
    if (q) {
        sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
        if (version)
            sqlite3_bind_int64(q, 2, version);
        int r = sqlite3_step(q);
        if (r == SQLITE_ROW)
            rc = row_contract(q, out);
        else if (r == SQLITE_DONE)
            rc = ln__store_err(LN_ENOTFOUND, "store: contract '%s' "
                               "version %lld: not found", id,
                               (long long)version);
        else
            rc = ln__sq_fail(c, r, "get contract");
        sqlite3_reset(q);
    }
    ln__sq_put_reader(s, c);
    return rc;
}

int ln__sq_list_contracts(void *impl, ln_st_contract_cb cb, void *user)
{
    sq *s = impl;
    sq_conn *c = ln__sq_reader(s);
    if (!c)
        return LN_ESTORE;
    sqlite3_stmt *q = ln__sq_stmt(c, SQ_CON_LIST);
    int rc = q ? LN_OK : LN_ESTORE, r = SQLITE_DONE;
    while (q && !rc && (r = sqlite3_step(q)) == SQLITE_ROW) {
        ln_st_contract k;
        rc = row_contract(q, &k);
        int stop = rc ? 0 : cb(user, &k);
        ln_st_contract_clear(&k);
        if (stop)
            break;
    }
    if (q && !rc && r != SQLITE_ROW && r != SQLITE_DONE)
        rc = ln__sq_fail(c, r, "list contracts");
    if (q)
        sqlite3_reset(q);
    ln__sq_put_reader(s, c);
    return rc;
}

/* ---- change requests -------------------------------------------------- */

int ln__sq_put_change(void *impl, const ln_st_change *c)
{
    sq *s = impl;
    ln_st_change pending = *c;
    pending.state = LN_ST_PENDING;
    json_t *rec = ln__sq_rec_change(&pending);
    pthread_mutex_lock(&s->wmu);
    int rc = ln__sq_begin(s);
    sqlite3_stmt *q = rc ? NULL : ln__sq_stmt(s->w, SQ_CHG_PUT);
    if (!rc && !q)
        rc = LN_ESTORE;
    if (q) {
        sqlite3_bind_text(q, 1, c->id, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 2, c->contract, -1, SQLITE_STATIC);
        sqlite3_bind_int(q, 3, c->kind);
        sqlite3_bind_blob64(q, 4, c->json, c->len, SQLITE_STATIC);
        sqlite3_bind_int(q, 5, c->reason);
        sqlite3_bind_text(q, 6, c->detail, -1, SQLITE_STATIC);
        sqlite3_bind_double(q, 7, c->created_unix_s > 0 ? c->created_unix_s
                                                        : now_s());
        rc = ln__sq_step_write(s, q, "put change");
        if (rc == LN_ECONFLICT)
            rc = ln__store_err(LN_ECONFLICT, "store: change '%s' is "
                               "stored already", c->id);
    }
    if (!rc)
        rc = ln__sq_audit_leaf(s, "change", json_incref(rec));
    rc = ln__sq_audit_end(s, rc);
    pthread_mutex_unlock(&s->wmu);
    json_decref(rec);
    return rc;
}

/* The state of change id (writer, transaction open): LN_ENOTFOUND. */
static int change_state(sq *s, const char *id, int *state)
{
    sqlite3_stmt *q = ln__sq_stmt(s->w, SQ_CHG_STATE);
    if (!q)
        return LN_ESTORE;
    sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
    int r = sqlite3_step(q);
    int rc = LN_OK;
    if (r == SQLITE_ROW)
        *state = sqlite3_column_int(q, 0);
    else if (r == SQLITE_DONE)
        rc = ln__store_err(LN_ENOTFOUND, "store: no change '%s'", id);
    else
        rc = ln__sq_fail(s->w, r, "change state");
    sqlite3_reset(q);
    return rc;
}

/* Appends line as signature n of change id (transaction open). */
static int add_sig_tx(sq *s, const char *id, const char *line, int64_t *n)
{
    int state = 0;
    int rc = change_state(s, id, &state);
    if (!rc && state != LN_ST_PENDING)
        rc = ln__store_err(LN_EINVAL, "store: change '%s' is decided: no "
                           "more signatures", id);
    sqlite3_stmt *q = rc ? NULL : ln__sq_stmt(s->w, SQ_SIG_COUNT);
    if (!rc && !q)
        rc = LN_ESTORE;
    if (q) {
        sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 2, line, -1, SQLITE_STATIC);
        int r = sqlite3_step(q);
        if (r != SQLITE_ROW)
            rc = ln__sq_fail(s->w, r, "count signatures");
        else if (sqlite3_column_int64(q, 1) > 0)
            rc = ln__store_err(LN_ECONFLICT, "store: change '%s' has this "
                               "signature line already", id);
        else if ((*n = sqlite3_column_int64(q, 0)) >= LN_ST_SIGS_MAX)
            rc = ln__store_err(LN_ERANGE, "store: change '%s' has %d "
                               "signatures, the most kept", id,
                               LN_ST_SIGS_MAX);
        sqlite3_reset(q);
    }
    if (!rc && strlen(line) >= sizeof ((ln_st_change *)0)->sigs[0])
        rc = ln__store_err(LN_EINVAL, "store: signature line longer than "
                           "%zu bytes", sizeof ((ln_st_change *)0)->sigs[0]);
    q = rc ? NULL : ln__sq_stmt(s->w, SQ_SIG_PUT);
    if (!rc && !q)
        rc = LN_ESTORE;
    if (q) {
        sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(q, 2, *n);
        sqlite3_bind_text(q, 3, line, -1, SQLITE_STATIC);
        rc = ln__sq_step_write(s, q, "add signature");
    }
    return rc;
}

int ln__sq_add_change_signature(void *impl, const char *id,
                                const char *line)
{
    sq *s = impl;
    int64_t n = 0;
    pthread_mutex_lock(&s->wmu);
    int rc = ln__sq_begin(s);
    if (!rc)
        rc = add_sig_tx(s, id, line, &n);
    if (!rc) {
        json_t *rec = json_object();
        if (rec) {
            json_object_set_new(rec, "change", json_string(id));
            json_object_set_new(rec, "n", json_integer(n));
            json_object_set_new(rec, "line", json_string(line));
        }
        rc = ln__sq_audit_leaf(s, "signature", rec);
    }
    rc = ln__sq_audit_end(s, rc);
    pthread_mutex_unlock(&s->wmu);
    return rc;
}

/* A change's row (CHG_GET's columns) and its signatures (on c). */
static int row_change(sq_conn *c, sqlite3_stmt *q, ln_st_change *out)
{
    memset(out, 0, sizeof *out);
    ln__sq_text(q, 0, out->id, sizeof out->id);
    ln__sq_text(q, 1, out->contract, sizeof out->contract);
    out->kind = sqlite3_column_int(q, 2);
    out->len = (size_t)sqlite3_column_bytes(q, 3);
    out->json = dup_blob(sqlite3_column_blob(q, 3), out->len);
    out->state = sqlite3_column_int(q, 4);
    out->reason = sqlite3_column_int(q, 5);
    ln__sq_text(q, 6, out->detail, sizeof out->detail);
    out->created_unix_s = sqlite3_column_double(q, 7);
    out->decided_unix_s = sqlite3_column_double(q, 8);
    if (!out->json)
        return ln__store_err(LN_ENOMEM, "store: out of memory");
    sqlite3_stmt *g = ln__sq_stmt(c, SQ_SIG_GET);
    if (!g)
        return LN_ESTORE;
    sqlite3_bind_text(g, 1, out->id, -1, SQLITE_TRANSIENT);
    int r;
    while ((r = sqlite3_step(g)) == SQLITE_ROW && out->nsigs < LN_ST_SIGS_MAX)
        ln__sq_text(g, 0, out->sigs[out->nsigs++], sizeof out->sigs[0]);
    int rc = r == SQLITE_ROW || r == SQLITE_DONE
                 ? LN_OK : ln__sq_fail(c, r, "read signatures");
    sqlite3_reset(g);
    return rc;
}

int ln__sq_get_change(void *impl, const char *id, ln_st_change *out)
{
    sq *s = impl;
    memset(out, 0, sizeof *out);
    sq_conn *c = ln__sq_reader(s);
    if (!c)
        return LN_ESTORE;
    int rc = sqlite3_exec(c->db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK
                 ? LN_OK : ln__sq_fail(c, sqlite3_errcode(c->db), "begin");
    sqlite3_stmt *q = rc ? NULL : ln__sq_stmt(c, SQ_CHG_GET);
    if (!rc && !q)
        rc = LN_ESTORE;
    if (q) {
        sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
        int r = sqlite3_step(q);
        if (r == SQLITE_ROW)
            rc = row_change(c, q, out);
        else if (r == SQLITE_DONE)
            rc = ln__store_err(LN_ENOTFOUND, "store: no change '%s'", id);
        else
            rc = ln__sq_fail(c, r, "get change");
        sqlite3_reset(q);
    }
    sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL);
    ln__sq_put_reader(s, c);
    if (rc)
        ln_st_change_clear(out);
    return rc;
}

int ln__sq_list_changes(void *impl, int state, ln_st_change_cb cb,
                        void *user)
{
    sq *s = impl;
    sq_conn *c = ln__sq_reader(s);
    if (!c)
        return LN_ESTORE;
    int rc = sqlite3_exec(c->db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK
                 ? LN_OK : ln__sq_fail(c, sqlite3_errcode(c->db), "begin");
    sqlite3_stmt *q = rc ? NULL : ln__sq_stmt(c, SQ_CHG_LIST);
    if (!rc && !q)
        rc = LN_ESTORE;
    int r = SQLITE_DONE;
    if (q)
        sqlite3_bind_int(q, 1, state);
    ln_st_change *ch = q ? malloc(sizeof *ch) : NULL;
    if (q && !ch)
        rc = ln__store_err(LN_ENOMEM, "store: out of memory");
    while (!rc && (r = sqlite3_step(q)) == SQLITE_ROW) {
        rc = row_change(c, q, ch);
        int stop = rc ? 0 : cb(user, ch);
        ln_st_change_clear(ch);
        if (stop)
            break;
    }
    if (q && !rc && r != SQLITE_ROW && r != SQLITE_DONE)
        rc = ln__sq_fail(c, r, "list changes");
    if (q)
        sqlite3_reset(q);
    free(ch);
    sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL);
    ln__sq_put_reader(s, c);
    return rc;
}

int ln__sq_nonce_used(void *impl, const unsigned char *nonce, size_t n)
{
    sq *s = impl;
    sq_conn *c = ln__sq_reader(s);
    if (!c)
        return LN_ESTORE;
    sqlite3_stmt *q = ln__sq_stmt(c, SQ_NONCE_USED);
    int rc = LN_ESTORE;
    if (q) {
        sqlite3_bind_blob64(q, 1, nonce, n, SQLITE_STATIC);
        int r = sqlite3_step(q);
        rc = r == SQLITE_ROW    ? 1
             : r == SQLITE_DONE ? 0
                                : ln__sq_fail(c, r, "nonce");
        sqlite3_reset(q);
    }
    ln__sq_put_reader(s, c);
    return rc;
}

/* ---- kill switches ------------------------------------------------------ */

/* One kill row on (put) or off (deleted), transaction open. */
static int kill_tx(sq *s, const char *scope, const char *id, int granted,
                   const char *change, double t, int on)
{
    sqlite3_stmt *q = ln__sq_stmt(s->w, on ? SQ_KILL_PUT : SQ_KILL_DEL);
    if (!q)
        return LN_ESTORE;
    sqlite3_bind_text(q, 1, scope, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, id, -1, SQLITE_STATIC);
    if (on) {
        sqlite3_bind_int(q, 3, granted ? 1 : 0);
        sqlite3_bind_text(q, 4, change, -1, SQLITE_STATIC);
        sqlite3_bind_double(q, 5, t);
    }
    return ln__sq_step_write(s, q, "kill switch");
}

static int scope_ok(const char *scope, const char *id)
{
    if (!strcmp(scope, "all"))
        return !id[0];
    return (!strcmp(scope, "account") || !strcmp(scope, "terminal")) && id[0];
}

int ln__sq_set_kill(void *impl, const ln_st_kill *k, int on)
{
    sq *s = impl;
    if (!scope_ok(k->scope, k->id))
        return ln__store_err(LN_EINVAL, "store: kill switch scope '%s' id "
                             "'%s': scope is all (no id), account or "
                             "terminal (an id)", k->scope, k->id);
    pthread_mutex_lock(&s->wmu);
    int rc = ln__sq_begin(s);
    if (!rc)
        rc = kill_tx(s, k->scope, k->id, k->granted, k->change,
                     k->t_unix_s > 0 ? k->t_unix_s : now_s(), on);
    if (!rc)
        rc = ln__sq_audit_leaf(s, "kill", ln__sq_rec_kill(k->scope, k->id,
                                                          k->granted,
                                                          k->change, on));
    rc = ln__sq_audit_end(s, rc);
    pthread_mutex_unlock(&s->wmu);
    return rc;
}

int ln__sq_list_kills(void *impl, ln_st_kill_cb cb, void *user)
{
    sq *s = impl;
    sq_conn *c = ln__sq_reader(s);
    if (!c)
        return LN_ESTORE;
    sqlite3_stmt *q = ln__sq_stmt(c, SQ_KILL_LIST);
    int rc = q ? LN_OK : LN_ESTORE, r = SQLITE_DONE;
    while (q && (r = sqlite3_step(q)) == SQLITE_ROW) {
        ln_st_kill k;
        memset(&k, 0, sizeof k);
        ln__sq_text(q, 0, k.scope, sizeof k.scope);
        ln__sq_text(q, 1, k.id, sizeof k.id);
        k.granted = sqlite3_column_int(q, 2);
        ln__sq_text(q, 3, k.change, sizeof k.change);
        k.t_unix_s = sqlite3_column_double(q, 4);
        if (cb(user, &k))
            break;
    }
    if (q && r != SQLITE_ROW && r != SQLITE_DONE)
        rc = ln__sq_fail(c, r, "list kill switches");
    if (q)
        sqlite3_reset(q);
    ln__sq_put_reader(s, c);
    return rc;
}

/* ---- decisions: sqlite_trust_decide.c ------------------------------------ */

int ln__sq_contract_tx(sq *s, const char *id, const char *json, size_t n,
                       const char *change, int64_t *version, json_t **rec)
{
    return contract_tx(s, id, json, n, now_s(), change, version, rec);
}

int ln__sq_kill_tx(sq *s, const char *scope, const char *id,
                   const char *change, int on)
{
    return kill_tx(s, scope, id, 1, change, now_s(), on);
}

int ln__sq_change_state(sq *s, const char *id, int *state)
{
    return change_state(s, id, state);
}
