/*
 * sqlite_ref.c - the SQLite driver's reference data: plans, accounts,
 * service lines, terminals, tokens (store.h). A put replaces the record
 * with the same key; a get of a missing key is LN_ENOTFOUND. Writes run
 * on the writer connection (sq.wmu held), each one its own durable
 * transaction with its audit leaf (sqlite_audit.c); reads on a pooled
 * reader.
 */
#include <jansson.h>
#include <math.h>
#include <string.h>

#include "store/sqlite_int.h"

/* REAL column i: NAN for NULL (SQLite stores NaN as NULL). */
static double col_real(sqlite3_stmt *q, int i)
{
    return sqlite3_column_type(q, i) == SQLITE_NULL
               ? NAN : sqlite3_column_double(q, i);
}

static int bind_real(sqlite3_stmt *q, int i, double v)
{
    return isnan(v) ? sqlite3_bind_null(q, i) : sqlite3_bind_double(q, i, v);
}

/* Steps a bound write statement of the writer to its end. */
static int write_step(sq *s, sqlite3_stmt *q, const char *what)
{
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    return rc == SQLITE_DONE ? LN_OK : ln__sq_fail(s->w, rc, what);
}

/* ---- plans ---------------------------------------------------------- */

static void bind_plan(sqlite3_stmt *q, const ln_plan *p)
{
    ln__sq_bind_text(q, 1, p->id);
    bind_real(q, 2, p->hardware_usd);
    bind_real(q, 3, p->amortize_years);
    bind_real(q, 4, p->monthly_usd);
    bind_real(q, 5, p->included_gb);
    bind_real(q, 6, p->usd_per_gb);
    bind_real(q, 7, p->peak_mbps);
    bind_real(q, 8, p->duty);
    sqlite3_bind_int(q, 9, p->overage);
}

static void row_plan(sqlite3_stmt *q, ln_plan *p)
{
    memset(p, 0, sizeof *p);
    ln__sq_text(q, 0, p->id, sizeof p->id);
    p->hardware_usd = col_real(q, 1);
    p->amortize_years = col_real(q, 2);
    p->monthly_usd = col_real(q, 3);
    p->included_gb = col_real(q, 4);
    p->usd_per_gb = col_real(q, 5);
    p->peak_mbps = col_real(q, 6);
    p->duty = col_real(q, 7);
    p->overage = sqlite3_column_int(q, 8);
}

int ln__sq_put_plan(void *impl, const ln_plan *p)
{
    sq *s = impl;
    pthread_mutex_lock(&s->wmu);
    int rc = ln__sq_begin(s);
    sqlite3_stmt *q = rc ? NULL : ln__sq_stmt(s->w, SQ_PUT_PLAN);
    if (!rc && !q)
        rc = LN_ESTORE;
    if (q) {
        bind_plan(q, p);
        rc = write_step(s, q, "put plan");
    }
    if (!rc)
        rc = ln__sq_audit_leaf(s, "plan", ln__sq_rec_plan(p));
    rc = ln__sq_audit_end(s, rc);
    pthread_mutex_unlock(&s->wmu);
    return rc;
}

/* Runs reader statement id with key bound to ?1; one row -> row(q, out). */
static int get_one(sq *s, int id, const char *key,
                   void (*row)(sqlite3_stmt *, void *), void *out,
                   const char *what)
{
    sq_conn *c = ln__sq_reader(s);
    if (!c)
        return LN_ESTORE;
    sqlite3_stmt *q = ln__sq_stmt(c, id);
    int rc = LN_ESTORE;
    if (q) {
        ln__sq_bind_text(q, 1, key);
        int r = sqlite3_step(q);
        if (r == SQLITE_ROW) {
            row(q, out);
            rc = LN_OK;
        } else if (r == SQLITE_DONE) {
            rc = ln__store_err(LN_ENOTFOUND, "store: %s '%s': not found",
                               what, key);
        } else {
            rc = ln__sq_fail(c, r, what);
        }
    }
    ln__sq_put_reader(s, c);
    return rc;
}

static void row_plan_v(sqlite3_stmt *q, void *o) { row_plan(q, o); }

int ln__sq_get_plan(void *impl, const char *id, ln_plan *out)
{
    return get_one(impl, SQ_GET_PLAN, id, row_plan_v, out, "plan");
}

/* Runs a listing: count (with ?1 = account) into *total when asked, then
 * each row of list (?1 offset, ?2 limit, ?3 account) through each(). */
static int list_rows(sq *s, int count_id, int list_id, const char *account,
                     long offset, long limit,
                     int (*each)(sqlite3_stmt *, void *, void *),
                     void *cb, void *user, long *total, const char *what)
{
    sq_conn *c = ln__sq_reader(s);
    if (!c)
        return LN_ESTORE;
    int rc = LN_OK, r;
    /* one read transaction: the count and the page agree */
    if (sqlite3_exec(c->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
        rc = ln__sq_fail(c, sqlite3_errcode(c->db), what);
        ln__sq_put_reader(s, c);
        return rc;
    }
    sqlite3_stmt *q = NULL;
    if (total && count_id >= 0) {
        q = ln__sq_stmt(c, count_id);
        if (!q) {
            rc = LN_ESTORE;
        } else {
            ln__sq_bind_text(q, 1, account);
            r = sqlite3_step(q);
            if (r == SQLITE_ROW)
                *total = (long)sqlite3_column_int64(q, 0);
            else
                rc = ln__sq_fail(c, r, what);
            sqlite3_reset(q);
        }
    }
    if (!rc && cb) {
        q = ln__sq_stmt(c, list_id);
        if (!q)
            rc = LN_ESTORE;
        if (q && list_id != SQ_LIST_PLANS) {
            sqlite3_bind_int64(q, 1, offset);
            sqlite3_bind_int64(q, 2, limit > 0 ? limit : -1);
            ln__sq_bind_text(q, 3, account);
        }
        while (q && (r = sqlite3_step(q)) == SQLITE_ROW)
            if (each(q, cb, user))
                break;
        if (q && r != SQLITE_ROW && r != SQLITE_DONE)
            rc = ln__sq_fail(c, r, what);
        if (q)
            sqlite3_reset(q);
    }
    sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL);
    ln__sq_put_reader(s, c);
    return rc;
}

static int each_plan(sqlite3_stmt *q, void *cb, void *user)
{
    ln_plan p;
    row_plan(q, &p);
    return (*(ln_st_plan_cb *)cb)(user, &p);
}

int ln__sq_list_plans(void *impl, ln_st_plan_cb cb, void *user)
{
    return list_rows(impl, -1, SQ_LIST_PLANS, NULL, 0, 0, each_plan, &cb,
                     user, NULL, "list plans");
}

/* ---- accounts ------------------------------------------------------- */

int ln__sq_put_account(void *impl, const ln_st_account *a)
{
    sq *s = impl;
    pthread_mutex_lock(&s->wmu);
    int rc = ln__sq_begin(s);
    sqlite3_stmt *q = rc ? NULL : ln__sq_stmt(s->w, SQ_PUT_ACCOUNT);
    if (!rc && !q)
        rc = LN_ESTORE;
    if (q) {
        ln__sq_bind_text(q, 1, a->id);
        ln__sq_bind_text(q, 2, a->name);
        ln__sq_bind_text(q, 3, a->plan);
        sqlite3_bind_int(q, 4, a->suspended);
        rc = write_step(s, q, "put account");
    }
    if (!rc)
        rc = ln__sq_audit_leaf(s, "account", ln__sq_rec_account(a));
    rc = ln__sq_audit_end(s, rc);
    pthread_mutex_unlock(&s->wmu);
    return rc;
}

static void row_account(sqlite3_stmt *q, void *o)
{
    ln_st_account *a = o;
    memset(a, 0, sizeof *a);
    ln__sq_text(q, 0, a->id, sizeof a->id);
    ln__sq_text(q, 1, a->name, sizeof a->name);
    ln__sq_text(q, 2, a->plan, sizeof a->plan);
    a->suspended = sqlite3_column_int(q, 3);
}

int ln__sq_get_account(void *impl, const char *id, ln_st_account *out)
{
    return get_one(impl, SQ_GET_ACCOUNT, id, row_account, out, "account");
}

static int each_account(sqlite3_stmt *q, void *cb, void *user)
{
    ln_st_account a;
    row_account(q, &a);
    return (*(ln_st_account_cb *)cb)(user, &a);
}

int ln__sq_list_accounts(void *impl, long offset, long limit,
                         ln_st_account_cb cb, void *user, long *total)
{
    return list_rows(impl, SQ_COUNT_ACCOUNTS, SQ_LIST_ACCOUNTS, NULL, offset,
                     limit, each_account, cb ? &cb : NULL, user, total,
                     "list accounts");
}

/* ---- service lines -------------------------------------------------- */

int ln__sq_put_line(void *impl, const ln_st_line *l)
{
    sq *s = impl;
    pthread_mutex_lock(&s->wmu);
    int rc = ln__sq_begin(s);
    sqlite3_stmt *q = rc ? NULL : ln__sq_stmt(s->w, SQ_PUT_LINE);
    if (!rc && !q)
        rc = LN_ESTORE;
    if (q) {
        ln__sq_bind_text(q, 1, l->number);
        ln__sq_bind_text(q, 2, l->account);
        ln__sq_bind_text(q, 3, l->nickname);
        sqlite3_bind_int(q, 4, l->active);
        rc = write_step(s, q, "put line");
    }
    if (!rc)
        rc = ln__sq_audit_leaf(s, "line", ln__sq_rec_line(l));
    rc = ln__sq_audit_end(s, rc);
    pthread_mutex_unlock(&s->wmu);
    return rc;
}

static void row_line(sqlite3_stmt *q, void *o)
{
    ln_st_line *l = o;
    memset(l, 0, sizeof *l);
    ln__sq_text(q, 0, l->number, sizeof l->number);
    ln__sq_text(q, 1, l->account, sizeof l->account);
    ln__sq_text(q, 2, l->nickname, sizeof l->nickname);
    l->active = sqlite3_column_int(q, 3);
}

int ln__sq_get_line(void *impl, const char *number, ln_st_line *out)
{
    return get_one(impl, SQ_GET_LINE, number, row_line, out, "line");
}

static int each_line(sqlite3_stmt *q, void *cb, void *user)
{
    ln_st_line l;
    row_line(q, &l);
    return (*(ln_st_line_cb *)cb)(user, &l);
}

int ln__sq_list_lines(void *impl, const char *account, long offset,
                      long limit, ln_st_line_cb cb, void *user, long *total)
{
    return list_rows(impl, SQ_COUNT_LINES, SQ_LIST_LINES, account, offset,
                     limit, each_line, cb ? &cb : NULL, user, total,
                     "list lines");
}

/* ---- terminals ------------------------------------------------------ */

int ln__sq_put_terminals(void *impl, const ln_st_terminal *t, size_t n)
{
    sq *s = impl;
    pthread_mutex_lock(&s->wmu);
    int rc = ln__sq_begin(s);
    json_t *arr = json_array();
    if (!rc && !arr)
        rc = ln__store_err(LN_ENOMEM, "store: out of memory");
    for (size_t i = 0; !rc && i < n; i++) {
        sqlite3_stmt *q = ln__sq_stmt(s->w, SQ_PUT_TERMINAL);
        if (!q) {
            rc = LN_ESTORE;
            break;
        }
        ln__sq_bind_text(q, 1, t[i].id);
        ln__sq_bind_text(q, 2, t[i].kit_serial);
        ln__sq_bind_text(q, 3, t[i].account);
        ln__sq_bind_text(q, 4, t[i].line);
        bind_real(q, 5, t[i].lat_deg);
        bind_real(q, 6, t[i].lon_deg);
        bind_real(q, 7, t[i].t_unix_s);
        sqlite3_bind_int64(q, 8, t[i].seq);
        rc = write_step(s, q, "put terminal");
        if (!rc && json_array_append_new(arr, ln__sq_rec_terminal(&t[i])))
            rc = ln__store_err(LN_ENOMEM, "store: out of memory");
    }
    json_t *rec = json_object();
    if (!rc && (!rec || json_object_set(rec, "terminals", arr)))
        rc = ln__store_err(LN_ENOMEM, "store: out of memory");
    json_decref(arr);
    if (!rc)
        rc = ln__sq_audit_leaf(s, "terminals", json_incref(rec));
    json_decref(rec);
    rc = ln__sq_audit_end(s, rc);
    pthread_mutex_unlock(&s->wmu);
    return rc;
}

/* A terminal's latest report from memory when newer than the table's. */
static void overlay(sq *s, ln_st_terminal *t)
{
    pthread_mutex_lock(&s->smu);
    const sq_term *m = ln__sq_term_find(s, t->id);
    if (m && m->seq > t->seq) {
        t->seq = m->seq;
        t->lat_deg = m->lat_deg;
        t->lon_deg = m->lon_deg;
        t->t_unix_s = m->t_unix_s;
    }
    pthread_mutex_unlock(&s->smu);
}

static void row_terminal(sqlite3_stmt *q, void *o)
{
    ln_st_terminal *t = o;
    memset(t, 0, sizeof *t);
    ln__sq_text(q, 0, t->id, sizeof t->id);
    ln__sq_text(q, 1, t->kit_serial, sizeof t->kit_serial);
    ln__sq_text(q, 2, t->account, sizeof t->account);
    ln__sq_text(q, 3, t->line, sizeof t->line);
    t->lat_deg = col_real(q, 4);
    t->lon_deg = col_real(q, 5);
    t->t_unix_s = col_real(q, 6);
    t->seq = sqlite3_column_int64(q, 7);
}

int ln__sq_get_terminal(void *impl, const char *id, ln_st_terminal *out)
{
    int rc = ln__sq_ready(impl);
    if (rc)
        return rc;
    rc = get_one(impl, SQ_GET_TERMINAL, id, row_terminal, out,
                     "terminal");
    if (!rc)
        overlay(impl, out);
    return rc;
}

typedef struct term_cb {
    sq *s;
    ln_st_terminal_cb cb;
} term_cb;

static int each_terminal(sqlite3_stmt *q, void *cb, void *user)
{
    term_cb *tc = cb;
    ln_st_terminal t;
    row_terminal(q, &t);
    overlay(tc->s, &t);
    return tc->cb(user, &t);
}

int ln__sq_list_terminals(void *impl, const char *account, long offset,
                          long limit, ln_st_terminal_cb cb, void *user,
                          long *total)
{
    term_cb tc = {impl, cb};
    int rc = ln__sq_ready(impl);
    if (rc)
        return rc;
    return list_rows(impl, SQ_COUNT_TERMINALS, SQ_LIST_TERMINALS, account,
                     offset, limit, each_terminal, cb ? &tc : NULL, user,
                     total, "list terminals");
}

/* ---- tokens --------------------------------------------------------- */

int ln__sq_put_token(void *impl, const ln_st_token *t, int64_t *rid)
{
    sq *s = impl;
    pthread_mutex_lock(&s->wmu);
    int rc = ln__sq_begin(s);
    sqlite3_stmt *q = rc ? NULL : ln__sq_stmt(s->w, SQ_PUT_TOKEN);
    if (!rc && !q)
        rc = LN_ESTORE;
    if (q) {
        sqlite3_bind_blob(q, 1, t->hash, 32, SQLITE_STATIC);
        sqlite3_bind_int(q, 2, t->role);
        ln__sq_bind_text(q, 3, t->account);
        ln__sq_bind_text(q, 4, t->terminal);
        sqlite3_bind_double(q, 5, t->created_unix_s);
        sqlite3_bind_int(q, 6, t->revoked);
        rc = write_step(s, q, "put token");
    }
    ln_st_token rec = *t;
    rec.rid = rc ? 0 : sqlite3_last_insert_rowid(s->w->db);
    if (!rc)
        rc = ln__sq_audit_leaf(s, "token", ln__sq_rec_token(&rec));
    rc = ln__sq_audit_end(s, rc);
    pthread_mutex_unlock(&s->wmu);
    *rid = rc ? 0 : rec.rid;
    return rc;
}

static void row_token(sqlite3_stmt *q, void *o)
{
    ln_st_token *t = o;
    memset(t, 0, sizeof *t);
    t->rid = sqlite3_column_int64(q, 0);
    const void *h = sqlite3_column_blob(q, 1);
    if (h && sqlite3_column_bytes(q, 1) == 32)
        memcpy(t->hash, h, 32);
    t->role = sqlite3_column_int(q, 2);
    ln__sq_text(q, 3, t->account, sizeof t->account);
    ln__sq_text(q, 4, t->terminal, sizeof t->terminal);
    t->created_unix_s = sqlite3_column_double(q, 5);
    t->revoked = sqlite3_column_int(q, 6);
}

int ln__sq_find_token(void *impl, const unsigned char hash[32],
                      ln_st_token *out)
{
    sq *s = impl;
    sq_conn *c = ln__sq_reader(s);
    if (!c)
        return LN_ESTORE;
    sqlite3_stmt *q = ln__sq_stmt(c, SQ_FIND_TOKEN);
    int rc = LN_ESTORE;
    if (q) {
        sqlite3_bind_blob(q, 1, hash, 32, SQLITE_STATIC);
        int r = sqlite3_step(q);
        if (r == SQLITE_ROW) {
            row_token(q, out);
            rc = LN_OK;
        } else {
            rc = r == SQLITE_DONE
                     ? ln__store_err(LN_ENOTFOUND, "store: no such token")
                     : ln__sq_fail(c, r, "find token");
        }
    }
    ln__sq_put_reader(s, c);
    return rc;
}

int ln__sq_revoke_token(void *impl, int64_t rid)
{
    sq *s = impl;
    pthread_mutex_lock(&s->wmu);
    int rc = ln__sq_begin(s);
    sqlite3_stmt *q = rc ? NULL : ln__sq_stmt(s->w, SQ_REVOKE_TOKEN);
    if (!rc && !q)
        rc = LN_ESTORE;
    if (q) {
        sqlite3_bind_int64(q, 1, rid);
        rc = write_step(s, q, "revoke token");
        if (!rc && sqlite3_changes(s->w->db) == 0)
            rc = ln__store_err(LN_ENOTFOUND, "store: no token %lld",
                               (long long)rid);
    }
    json_t *rec = json_object();
    if (rec)
        json_object_set_new(rec, "rid", json_integer(rid));
    if (!rc)
        rc = ln__sq_audit_leaf(s, "token-revoke", json_incref(rec));
    json_decref(rec);
    rc = ln__sq_audit_end(s, rc);
    pthread_mutex_unlock(&s->wmu);
    return rc;
}
