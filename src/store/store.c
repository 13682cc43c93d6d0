/*
 * store.c - the public side of store.h: argument checks, the driver
 * picked by the address, role names, the per-thread last message.
 *
 * Drivers (store_int.h): "sqlite:PATH" or a plain PATH -> SQLite
 * (sqlite.c). A later PostgreSQL driver is one more row of `drivers`.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

struct ln_store {
    const ln__store_driver *drv;
    void *impl; /* the driver's state */
};

static const struct {
    const char *prefix; /* "sqlite:" */
    const ln__store_driver *drv;
} drivers[] = {
    {"sqlite:", &ln__store_sqlite},
};

static _Thread_local char errmsg[512];

int ln__store_err(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(errmsg, sizeof errmsg, fmt, ap);
    va_end(ap);
    return code;
}

const char *ln_store_errmsg(const ln_store *st)
{
    (void)st;
    return errmsg;
}

long ln__store_day(double t_unix_s)
{
    return (long)floor(t_unix_s / 86400.0);
}

static const char *const role_names[LN_ROLE_COUNT_] = {
    "operator", "customer", "terminal", "auditor"};

const char *ln_role_name(int role)
{
    return role >= 0 && role < LN_ROLE_COUNT_ ? role_names[role] : "unknown";
}

int ln_role_parse(const char *name)
{
    for (int i = 0; name && i < LN_ROLE_COUNT_; i++)
        if (!strcmp(name, role_names[i]))
            return i;
    return -1;
}

int ln_store_open(const char *addr, ln_store **out, ln_diag *diag)
{
    ln_diag dummy;
    if (!diag)
        diag = &dummy;
    ln_diag_clear(diag);
    if (!out)
        return ln_diag_set(diag, LN_EINVAL, NULL, 0, 0, NULL, "no handle");
    *out = NULL;
    if (!addr || !*addr)
        return ln_diag_set(diag, LN_EINVAL, NULL, 0, 0, "store",
                           "empty store address");
    const ln__store_driver *drv = NULL;
    const char *path = addr;
    for (size_t i = 0; i < sizeof drivers / sizeof drivers[0]; i++) {
        size_t k = strlen(drivers[i].prefix);
        if (!strncmp(addr, drivers[i].prefix, k)) {
            drv = drivers[i].drv;
            path = addr + k;
        }
    }
    if (!drv) {
        /* "scheme://..." that no driver takes; anything else is a path */
        const char *c = strstr(addr, "://");
        if (c && strcspn(addr, "/") > (size_t)(c - addr))
            return ln_diag_set(diag, LN_EINVAL, NULL, 0, 0, "store",
                               "%s: no store driver for this scheme "
                               "(sqlite:PATH or a file path)", addr);
        drv = &ln__store_sqlite;
    }
    if (!*path)
        return ln_diag_set(diag, LN_EINVAL, NULL, 0, 0, "store",
                           "%s: empty database path", addr);
    ln_store *st = ln_calloc(1, sizeof *st);
    if (!st)
        return ln_diag_set(diag, LN_ENOMEM, NULL, 0, 0, NULL,
                           "out of memory");
    st->drv = drv;
    int rc = drv->open(path, &st->impl, diag);
    if (rc) {
        ln_free(st);
        return rc;
    }
    *out = st;
    return LN_OK;
}

void ln_store_close(ln_store *st)
{
    if (!st)
        return;
    st->drv->close(st->impl);
    ln_free(st);
}

int ln_store_schema_version(const ln_store *st)
{
    return st ? st->drv->schema_version(st->impl) : 0;
}

#define NEED(c)                                                            \
    do {                                                                   \
        if (!(c))                                                          \
            return ln__store_err(LN_EINVAL, "store: %s: bad argument (%s)",\
                                 __func__, #c);                            \
    } while (0)

int ln_store_put_plan(ln_store *st, const ln_plan *p)
{
    NEED(st && p && p->id[0]);
    return st->drv->put_plan(st->impl, p);
}

int ln_store_get_plan(ln_store *st, const char *id, ln_plan *out)
{
    NEED(st && id && out);
    return st->drv->get_plan(st->impl, id, out);
}

int ln_store_put_account(ln_store *st, const ln_st_account *a)
{
    NEED(st && a && a->id[0]);
    return st->drv->put_account(st->impl, a);
}

int ln_store_get_account(ln_store *st, const char *id, ln_st_account *out)
{
    NEED(st && id && out);
    return st->drv->get_account(st->impl, id, out);
}

int ln_store_put_line(ln_store *st, const ln_st_line *l)
{
    NEED(st && l && l->number[0]);
    return st->drv->put_line(st->impl, l);
}

int ln_store_get_line(ln_store *st, const char *number, ln_st_line *out)
{
    NEED(st && number && out);
    return st->drv->get_line(st->impl, number, out);
}

int ln_store_put_terminal(ln_store *st, const ln_st_terminal *t)
{
    NEED(st && t && t->id[0]);
    return st->drv->put_terminals(st->impl, t, 1);
}

int ln_store_put_terminals(ln_store *st, const ln_st_terminal *t, size_t n)
{
    NEED(st && (t || !n));
    for (size_t i = 0; i < n; i++)
        if (!t[i].id[0])
            return ln__store_err(LN_EINVAL, "store: terminal %zu: empty id",
                                 i);
    return n ? st->drv->put_terminals(st->impl, t, n) : LN_OK;
}

int ln_store_get_terminal(ln_store *st, const char *id, ln_st_terminal *out)
{
    NEED(st && id && out);
    return st->drv->get_terminal(st->impl, id, out);
}

int ln_store_list_accounts(ln_store *st, long offset, long limit,
                           ln_st_account_cb cb, void *user, long *total)
{
    NEED(st && offset >= 0 && limit >= 0);
    return st->drv->list_accounts(st->impl, offset, limit, cb, user, total);
}

int ln_store_list_lines(ln_store *st, const char *account, long offset,
                        long limit, ln_st_line_cb cb, void *user, long *total)
{
    NEED(st && offset >= 0 && limit >= 0);
    return st->drv->list_lines(st->impl, account, offset, limit, cb, user,
                               total);
}

int ln_store_list_terminals(ln_store *st, const char *account, long offset,
                            long limit, ln_st_terminal_cb cb, void *user,
                            long *total)
{
    NEED(st && offset >= 0 && limit >= 0);
    return st->drv->list_terminals(st->impl, account, offset, limit, cb,
                                   user, total);
}

int ln_store_list_plans(ln_store *st, ln_st_plan_cb cb, void *user)
{
    NEED(st && cb);
    return st->drv->list_plans(st->impl, cb, user);
}

int ln_store_put_zones(ln_store *st, const ln_st_zone *z, size_t n,
                       int64_t *version)
{
    NEED(st && (z || !n));
    for (size_t i = 0; i < n; i++)
        if (!z[i].id[0] || (!z[i].body && z[i].body_len))
            return ln__store_err(LN_EINVAL, "store: zone %zu: empty id or "
                                 "no body", i);
    int64_t v = 0;
    int rc = st->drv->put_zones(st->impl, z, n, &v);
    if (version)
        *version = rc ? 0 : v;
    return rc;
}

int ln_store_get_zones(ln_store *st, int64_t as_of_version, ln_st_zone **out,
                       size_t *n, int64_t *version)
{
    NEED(st && out && n && as_of_version >= 0);
    *out = NULL;
    *n = 0;
    int64_t v = 0;
    int rc = st->drv->get_zones(st->impl, as_of_version, out, n, &v);
    if (version)
        *version = v;
    return rc;
}

void ln_st_zones_free(ln_st_zone *z, size_t n)
{
    if (!z)
        return;
    for (size_t i = 0; i < n; i++)
        ln_free(z[i].body);
    ln_free(z);
}

int ln_store_put_token(ln_store *st, const ln_st_token *t, int64_t *rid)
{
    NEED(st && t && t->role >= 0 && t->role < LN_ROLE_COUNT_);
    int64_t r = 0;
    int rc = st->drv->put_token(st->impl, t, &r);
    if (rid)
        *rid = rc ? 0 : r;
    return rc;
}

int ln_store_find_token(ln_store *st, const unsigned char hash[32],
                        ln_st_token *out)
{
    NEED(st && hash && out);
    return st->drv->find_token(st->impl, hash, out);
}

int ln_store_revoke_token(ln_store *st, int64_t rid)
{
    NEED(st);
    return st->drv->revoke_token(st->impl, rid);
}

int ln_store_ingest(ln_store *st, const ln_st_report *r, size_t n,
                    uint8_t *is_new)
{
    NEED(st && (n == 0 || (r && is_new)));
    for (size_t i = 0; i < n; i++)
        if (!r[i].terminal[0] || !(fabs(r[i].t_unix_s) < 1e11))
            return ln__store_err(LN_EINVAL, "store: report %zu: empty "
                                 "terminal, or time not finite or beyond "
                                 "+-1e11 s (year 5138)", i);
    if (!n)
        return LN_OK;
    return st->drv->ingest(st->impl, r, n, is_new);
}

int ln_store_usage(ln_store *st, const char *account, long from_day,
                   long to_day, ln_st_usage_cb cb, void *user)
{
    NEED(st && cb);
    return st->drv->usage(st->impl, account, from_day, to_day, cb, user);
}

int ln_store_reports(ln_store *st, const char *account, int64_t after,
                     long max, ln_st_report_cb cb, void *user, int64_t *last)
{
    NEED(st && cb && max >= 0 && after >= 0);
    int64_t l = after;
    int rc = st->drv->reports(st->impl, account, after, max, cb, user, &l);
    if (last)
        *last = l;
    return rc;
}

int ln_store_latest_reports(ln_store *st, const char *account,
                            ln_st_report_cb cb, void *user)
{
    NEED(st && cb);
    return st->drv->latest_reports(st->impl, account, cb, user);
}

int ln_store_get_cursor(ln_store *st, int64_t cred, int64_t *pos)
{
    NEED(st && pos);
    *pos = 0;
    return st->drv->get_cursor(st->impl, cred, pos);
}

int ln_store_set_cursor(ln_store *st, int64_t cred, int64_t pos)
{
    NEED(st && pos >= 0);
    return st->drv->set_cursor(st->impl, cred, pos);
}

int ln_store_expire_reports(ln_store *st, double before_unix_s,
                            long *deleted)
{
    NEED(st && !isnan(before_unix_s));
    long d = 0;
    int rc = st->drv->expire_reports(st->impl, before_unix_s, &d);
    if (deleted)
        *deleted = d;
    return rc;
}

int ln_store_checkpoint(ln_store *st)
{
    NEED(st);
    return st->drv->checkpoint(st->impl);
}

void ln_store_get_stats(ln_store *st, ln_store_stats *out)
{
    if (!out)
        return;
    memset(out, 0, sizeof *out);
    if (st)
        st->drv->get_stats(st->impl, out);
}

int ln__store_exec_writer(ln_store *st, const char *sql)
{
    NEED(st && sql);
    return st->drv->exec_writer(st->impl, sql);
}

/* ---- issue 15: the audit log, contracts, changes, kill switches -------
 * A driver without these (a NULL slot) answers LN_EUNSUPPORTED. */
#define HAVE(slot)                                                       \
    do {                                                                 \
        if (!st->drv->slot)                                              \
            return ln__store_err(LN_EUNSUPPORTED,                        \
                                 "the %s store has no " #slot,           \
                                 st->drv->name);                         \
    } while (0)

void ln_store_set_actor(ln_store *st, const char *who)
{
    if (st && st->drv->set_actor)
        st->drv->set_actor(st->impl, who ? who : "");
}

int ln_store_set_log_key(ln_store *st, const struct ln_trust_key *key,
                         const char *origin)
{
    NEED(st && (!key || (origin && origin[0])));
    HAVE(set_log_key);
    return st->drv->set_log_key(st->impl, key, origin);
}

int ln_store_audit_head(ln_store *st, uint64_t *size, unsigned char root[32])
{
    NEED(st && size && root);
    HAVE(audit_head);
    return st->drv->audit_head(st->impl, size, root);
}

int ln_store_audit_entries(ln_store *st, uint64_t from, uint64_t to,
                           ln_st_audit_cb cb, void *user)
{
    NEED(st && cb);
    if (from > to)
        return ln__store_err(LN_ERANGE, "audit entries: from > to");
    HAVE(audit_entries);
    return st->drv->audit_entries(st->impl, from, to, cb, user);
}

int ln_store_audit_inclusion(ln_store *st, uint64_t index, uint64_t size,
                             unsigned char path[][32], size_t *npath)
{
    NEED(st && path && npath);
    HAVE(audit_inclusion);
    return st->drv->audit_inclusion(st->impl, index, size, path, npath);
}

int ln_store_audit_consistency(ln_store *st, uint64_t m, uint64_t n,
                               unsigned char path[][32], size_t *npath)
{
    NEED(st && path && npath);
    HAVE(audit_consistency);
    return st->drv->audit_consistency(st->impl, m, n, path, npath);
}

int ln_store_audit_checkpoint(ln_store *st, uint64_t size, char **note,
                              size_t *n)
{
    NEED(st && note && n);
    *note = NULL;
    *n = 0;
    HAVE(audit_checkpoint);
    return st->drv->audit_checkpoint(st->impl, size, note, n);
}

int ln_store_audit_add_cosignatures(ln_store *st, const char *text,
                                    size_t ntext, const char *lines,
                                    size_t nlines)
{
    NEED(st && text && ntext && lines && nlines);
    HAVE(audit_add_cosignatures);
    return st->drv->audit_add_cosignatures(st->impl, text, ntext, lines,
                                           nlines);
}

int ln_store_audit_append(ln_store *st, const char *record, size_t n,
                          uint64_t *index)
{
    NEED(st && record);
    HAVE(audit_append);
    return st->drv->audit_append(st->impl, record, n, index);
}

int ln_store_audit_verify(ln_store *st, const unsigned char pub[32],
                          uint64_t *size, ln_diag *diag)
{
    NEED(st);
    HAVE(audit_verify);
    return st->drv->audit_verify(st->impl, pub, size, diag);
}

void ln_st_contract_clear(ln_st_contract *c)
{
    if (c) {
        free(c->json);
        c->json = NULL;
        c->len = 0;
    }
}

void ln_st_change_clear(ln_st_change *c)
{
    if (c) {
        free(c->json);
        c->json = NULL;
        c->len = 0;
    }
}

int ln_store_put_contract(ln_store *st, const ln_st_contract *c,
                          int64_t *version)
{
    NEED(st && c && c->id[0] && c->json);
    HAVE(put_contract);
    return st->drv->put_contract(st->impl, c, version);
}

int ln_store_get_contract(ln_store *st, const char *id, int64_t version,
                          ln_st_contract *out)
{
    NEED(st && id && out && version >= 0);
    HAVE(get_contract);
    return st->drv->get_contract(st->impl, id, version, out);
}

int ln_store_list_contracts(ln_store *st, ln_st_contract_cb cb, void *user)
{
    NEED(st && cb);
    HAVE(list_contracts);
    return st->drv->list_contracts(st->impl, cb, user);
}

int ln_store_put_change(ln_store *st, const ln_st_change *c)
{
    NEED(st && c && c->id[0] && c->json);
    HAVE(put_change);
    return st->drv->put_change(st->impl, c);
}

int ln_store_add_change_signature(ln_store *st, const char *id,
                                  const char *line)
{
    NEED(st && id && line && line[0]);
    HAVE(add_change_signature);
    return st->drv->add_change_signature(st->impl, id, line);
}

int ln_store_get_change(ln_store *st, const char *id, ln_st_change *out)
{
    NEED(st && id && out);
    HAVE(get_change);
    return st->drv->get_change(st->impl, id, out);
}

int ln_store_list_changes(ln_store *st, int state, ln_st_change_cb cb,
                          void *user)
{
    NEED(st && cb && state >= -1 && state <= LN_ST_REFUSED);
    HAVE(list_changes);
    return st->drv->list_changes(st->impl, state, cb, user);
}

int ln_store_decide_change(ln_store *st, const char *id, int state,
                           int reason, const char *detail,
                           const unsigned char *nonce, size_t nnonce,
                           const ln_st_effect *effect)
{
    NEED(st && id && state >= LN_ST_PENDING && state <= LN_ST_REFUSED);
    HAVE(decide_change);
    return st->drv->decide_change(st->impl, id, state, reason,
                                  detail ? detail : "", nonce, nnonce,
                                  effect);
}

int ln_store_nonce_used(ln_store *st, const unsigned char *nonce, size_t n)
{
    NEED(st && nonce && n);
    HAVE(nonce_used);
    return st->drv->nonce_used(st->impl, nonce, n);
}

int ln_store_set_kill(ln_store *st, const ln_st_kill *k, int on)
{
    NEED(st && k && k->scope[0]);
    HAVE(set_kill);
    return st->drv->set_kill(st->impl, k, on);
}

int ln_store_list_kills(ln_store *st, ln_st_kill_cb cb, void *user)
{
    NEED(st && cb);
    HAVE(list_kills);
    return st->drv->list_kills(st->impl, cb, user);
}
