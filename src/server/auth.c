/*
 * auth.c - bearer tokens and scope.
 *
 * A token is "lnt_" + base64url (no padding) of 32 random bytes
 * (libsodium's randombytes_buf; leonetd token create). The store keeps
 * only SHA-256 of the whole token text, "lnt_" included. The first use
 * of a token reads it from the store; after that its hash -> srv_auth is
 * in an in-memory table (open addressing on the hash's first 8 bytes,
 * load <= 1/2, 80 bytes an entry), so the hot path never touches the DB.
 * Revoking a token through the API must call srv_auth_flush. Unknown
 * tokens are not cached (a store lookup by primary key each, ~10 us).
 *
 * Scope (docs/api.md, "Roles"): operator and auditor see every record; a
 * customer its own account's; a terminal itself. Another account's record
 * answers 404, as an id that does not exist.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "core.h"

#define TOKEN_MAX 128

static uint64_t key64(const unsigned char h[32])
{
    uint64_t k;
    memcpy(&k, h, sizeof k);
    return k;
}

static const srv_tok *tok_find(const srv *s, const unsigned char h[32])
{
    if (!s->tok_cap)
        return NULL;
    size_t m = s->tok_cap - 1;
    for (size_t i = key64(h) & m;; i = (i + 1) & m) {
        const srv_tok *t = &s->tok[i];
        if (!t->used)
            return NULL;
        if (!memcmp(t->hash, h, 32))
            return t;
    }
}

static int tok_insert(srv *s, const srv_tok *e)
{
    if (2 * (s->tok_n + 1) > s->tok_cap) {
        size_t nc = s->tok_cap ? 2 * s->tok_cap : 256;
        srv_tok *nt = ln_calloc(nc, sizeof *nt);
        if (!nt)
            return LN_ENOMEM;
        for (size_t i = 0; i < s->tok_cap; i++) {
            if (!s->tok[i].used)
                continue;
            size_t j = key64(s->tok[i].hash) & (nc - 1);
            while (nt[j].used)
                j = (j + 1) & (nc - 1);
            nt[j] = s->tok[i];
        }
        ln_free(s->tok);
        s->tok = nt;
        s->tok_cap = nc;
    }
    size_t m = s->tok_cap - 1;
    size_t i = key64(e->hash) & m;
    while (s->tok[i].used && memcmp(s->tok[i].hash, e->hash, 32))
        i = (i + 1) & m;
    if (!s->tok[i].used)
        s->tok_n++;
    s->tok[i] = *e;
    s->tok[i].used = 1;
    return 0;
}

/* The token text after "Bearer ", checked: "lnt_" and base64url. */
static const char *bearer(const char *h, size_t *len)
{
    if (!h || strncasecmp(h, "Bearer ", 7))
        return NULL;
    h += 7;
    while (*h == ' ')
        h++;
    size_t n = 0;
    while (h[n] && h[n] != ' ')
        n++;
    if (n < 5 || n > TOKEN_MAX || strncmp(h, "lnt_", 4))
        return NULL;
    for (size_t i = 4; i < n; i++)
        if (!isalnum((unsigned char)h[i]) && h[i] != '-' && h[i] != '_')
            return NULL;
    *len = n;
    return h;
}

int srv__authenticate(srv *s, const char *authorization, srv_auth *out)
{
    size_t n;
    const char *t = bearer(authorization, &n);
    if (!t)
        return LN_EAUTH;
    srv_tok e = {0};
    crypto_hash_sha256(e.hash, (const unsigned char *)t, n);
    pthread_rwlock_rdlock(&s->tok_lock);
    const srv_tok *c = tok_find(s, e.hash);
    if (c) {
        int revoked = c->revoked;
        *out = c->auth;
        pthread_rwlock_unlock(&s->tok_lock);
        return revoked ? LN_EAUTH : 0;
    }
    pthread_rwlock_unlock(&s->tok_lock);
    ln_st_token st;
    int rc = ln_store_find_token(s->st, e.hash, &st);
    if (rc == LN_ENOTFOUND)
        return LN_EAUTH;
    if (rc)
        return rc;
    e.auth.role = st.role;
    memcpy(e.auth.account, st.account, sizeof e.auth.account);
    memcpy(e.auth.terminal, st.terminal, sizeof e.auth.terminal);
    e.auth.cred = st.rid;
    e.revoked = st.revoked;
    if (st.role < 0 || st.role >= LN_ROLE_COUNT_)
        return LN_EAUTH;
    pthread_rwlock_wrlock(&s->tok_lock);
    tok_insert(s, &e); /* a full table only costs a lookup next time */
    pthread_rwlock_unlock(&s->tok_lock);
    *out = e.auth;
    return st.revoked ? LN_EAUTH : 0;
}

void srv_auth_flush(srv *s)
{
    pthread_rwlock_wrlock(&s->tok_lock);
    memset(s->tok, 0, s->tok_cap * sizeof *s->tok);
    s->tok_n = 0;
    pthread_rwlock_unlock(&s->tok_lock);
}

void srv__auth_free(srv *s)
{
    ln_free(s->tok);
    s->tok = NULL;
    s->tok_cap = s->tok_n = 0;
}

static int not_found(srv_resp *rs, const char *what, const char *id)
{
    srv_error(rs, 404, what, "no such %s: %s", what, id);
    return -1;
}

int srv_scope_account(srv *s, const srv_req *rq, srv_resp *rs,
                      const char *account)
{
    const srv_auth *a = rq->auth;
    if (!a || a->role == LN_ROLE_OPERATOR || a->role == LN_ROLE_AUDITOR)
        return 0;
    if (a->role == LN_ROLE_CUSTOMER)
        return strcmp(a->account, account) ? not_found(rs, "account",
                                                       account)
                                           : 0;
    char acc[LN_ST_ID];
    if (srv__terminal_account(s, a->terminal, acc) < 0 ||
        strcmp(acc, account))
        return not_found(rs, "account", account);
    return 0;
}

int srv_scope_terminal(srv *s, const srv_req *rq, srv_resp *rs,
                       const char *terminal)
{
    const srv_auth *a = rq->auth;
    if (!a || a->role == LN_ROLE_OPERATOR || a->role == LN_ROLE_AUDITOR)
        return 0;
    if (a->role == LN_ROLE_TERMINAL)
        return strcmp(a->terminal, terminal)
                   ? not_found(rs, "terminal", terminal)
                   : 0;
    char acc[LN_ST_ID];
    if (srv__terminal_account(s, terminal, acc) < 0 ||
        strcmp(acc, a->account))
        return not_found(rs, "terminal", terminal);
    return 0;
}
