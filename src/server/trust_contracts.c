/*
 * trust_contracts.c - contracts over HTTP and the log's head
 * (docs/api-trust.md):
 *   GET  /v1/contracts, /v1/contracts/{id}   the latest version of each
 *        (a customer: those whose scope names its account; 404 else)
 *   POST /v1/contracts  {"contract": DOCUMENT, "signatures": [LINE...]}
 *   GET  /v1/head       {"size", "root"}: what a change request binds to
 *
 * A new contract takes effect only when every party signed
 * "leonet-contract/v1\n" || canonical JSON of the document
 * (ln_trust_canonical): each line is tried against every key of every
 * party (a line's name and key id are not trusted), and each party needs
 * one line that verifies under one of its keys. DOCUMENT is the object,
 * or a string holding its JSON text; either way the canonical text is
 * what is signed and stored (numbers as RFC 8785 writes them: an object
 * read by jansson and written with 17 digits gives back the same doubles,
 * hence the same canonical text).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/core.h"
#include "server/trust_int.h"

#define CONTRACT_SIGS_MAX 64

int trust_doc_names_account(const json_t *doc, const char *account)
{
    return trust_json_has(
        json_object_get(json_object_get(doc, "scope"), "accounts"), account);
}

int trust_sig_party(const json_t *doc, const ln_trust_sigline *sl,
                    const unsigned char *msg, size_t n, char *key,
                    size_t nkey)
{
    const json_t *parties = json_object_get(doc, "parties");
    if (sl->nsig != 64)
        return -1;
    for (size_t i = 0; i < json_array_size(parties); i++) {
        const json_t *keys = json_object_get(json_array_get(parties, i),
                                             "keys");
        for (size_t j = 0; j < json_array_size(keys); j++) {
            const char *t = json_string_value(json_array_get(keys, j));
            ln_trust_key k;
            ln_diag d;
            if (!t || ln_trust_key_parse(t, strlen(t), &k, &d))
                continue;
            if (!ln_trust_verify(k.pub, msg, n, sl->sig)) {
                snprintf(key, nkey, "%s", k.name);
                return (int)i;
            }
        }
    }
    return -1;
}

/* The contract as answered: its document's members and the store's. */
static json_t *contract_json(const ln_st_contract *c)
{
    json_t *o = json_loadb(c->json, c->len, 0, NULL);
    char t[40];
    if (!o)
        return json_null();
    json_object_set_new(o, "version", json_integer(c->version));
    json_object_set_new(o, "created",
                        json_string(ln_time_format_iso(c->created_unix_s, 0,
                                                       t, sizeof t)));
    json_object_set_new(o, "change", c->change[0] ? json_string(c->change)
                                                  : json_null());
    return o;
}

/* 1 when the caller may see the contract (a customer: its account). */
static int visible(const srv_req *rq, const ln_st_contract *c)
{
    if (!rq->auth || rq->auth->role != LN_ROLE_CUSTOMER)
        return 1;
    json_t *doc = json_loadb(c->json, c->len, 0, NULL);
    int r = trust_doc_names_account(doc, rq->auth->account);
    json_decref(doc);
    return r;
}

typedef struct list_ctx {
    const srv_req *rq;
    json_t *arr;
} list_ctx;

static int on_contract(void *user, const ln_st_contract *c)
{
    list_ctx *x = user;
    if (visible(x->rq, c))
        json_array_append_new(x->arr, contract_json(c));
    return 0;
}

int trust_h_contracts_get(srv *s, const srv_req *rq, srv_resp *rs)
{
    list_ctx x = {rq, json_array()};
    int rc = ln_store_list_contracts(srv_store(s), on_contract, &x);
    if (rc == LN_EUNSUPPORTED)
        rc = 0; /* a store without contracts: none */
    if (rc) {
        json_decref(x.arr);
        return trust_store_error(s, rs, rc, "contracts");
    }
    return srv_ok(rs, 200, json_pack("{s:o}", "contracts", x.arr));
}

int trust_h_contract_get(srv *s, const srv_req *rq, srv_resp *rs)
{
    ln_st_contract c;
    memset(&c, 0, sizeof c);
    int rc = ln_store_get_contract(srv_store(s), rq->param[0], 0, &c);
    if (rc == LN_ENOTFOUND || rc == LN_EUNSUPPORTED ||
        (!rc && !visible(rq, &c))) {
        ln_st_contract_clear(&c);
        return srv_error(rs, 404, "id", "no contract '%s'", rq->param[0]);
    }
    if (rc)
        return trust_store_error(s, rs, rc, "contract");
    json_t *o = contract_json(&c);
    ln_st_contract_clear(&c);
    return srv_ok(rs, 200, o);
}

int trust_h_head(srv *s, const srv_req *rq, srv_resp *rs)
{
    uint64_t size = 0;
    unsigned char root[32];
    char b64[64];
    (void)rq;
    int rc = ln_store_audit_head(srv_store(s), &size, root);
    if (rc)
        return trust_store_error(s, rs, rc, "head");
    ln_trust_b64_encode(root, 32, b64, sizeof b64);
    return srv_ok(rs, 200, json_pack("{s:I, s:s}", "size", (json_int_t)size,
                                     "root", b64));
}

/* The canonical text of the body's "contract": 0, or 400 and -1. */
static int canonical(srv_resp *rs, const json_t *m, char **out, size_t *n)
{
    if (!json_is_object(m) && !json_is_string(m)) {
        srv_error(rs, 400, "contract", "contract: required, the document "
                                       "(an object, or a string holding "
                                       "its JSON text)");
        return -1;
    }
    char *text = json_is_string(m) ? NULL : json_dumps(m, JSON_COMPACT);
    const char *src = json_is_string(m) ? json_string_value(m) : text;
    size_t len = json_is_string(m) ? json_string_length(m)
                                   : (text ? strlen(text) : 0);
    ln_diag d;
    ln_diag_clear(&d);
    int rc = src ? ln_trust_canonical(src, len, out, n, &d) : LN_ENOMEM;
    free(text);
    if (rc) {
        srv_error(rs, 400, "contract", "contract%s%s: %s (no canonical "
                  "JSON for parties to sign)", d.path[0] ? "." : "", d.path,
                  d.msg);
        return -1;
    }
    return 0;
}

/* Every party of doc signed msg with one of its keys: 0, or 400 and -1. */
static int all_signed(srv_resp *rs, const json_t *doc, const json_t *sigs,
                      const unsigned char *msg, size_t n)
{
    const json_t *parties = json_object_get(doc, "parties");
    size_t np = json_array_size(parties);
    unsigned char seen[64] = {0};
    if (!json_is_array(sigs) || json_array_size(sigs) > CONTRACT_SIGS_MAX) {
        srv_error(rs, 400, "signatures", "signatures: an array of at most "
                  "%d signature lines", CONTRACT_SIGS_MAX);
        return -1;
    }
    for (size_t i = 0; i < json_array_size(sigs); i++) {
        const json_t *l = json_array_get(sigs, i);
        ln_trust_sigline sl;
        ln_diag d;
        char key[LN_TRUST_NAME_MAX];
        size_t ln = json_string_length(l);
        const char *t = json_string_value(l);
        while (t && ln && (t[ln - 1] == '\n' || t[ln - 1] == '\r'))
            ln--;
        if (!t || ln_trust_sigline_parse(t, ln, &sl, &d)) {
            srv_error(rs, 400, "signatures", "signatures[%zu]: %s", i,
                      t ? d.msg : "expected a string");
            return -1;
        }
        int p = trust_sig_party(doc, &sl, msg, n, key, sizeof key);
        if (p < 0) {
            srv_error(rs, 400, "signatures", "signatures[%zu] (%s): "
                      "verifies under no key of the contract's parties",
                      i, sl.name);
            return -1;
        }
        if (p < 64)
            seen[p] = 1;
    }
    for (size_t p = 0; p < np && p < 64; p++)
        if (!seen[p]) {
            srv_error(rs, 400, "signatures", "party '%s' has not signed: "
                      "every party signs a new contract",
                      json_string_value(json_object_get(
                          json_array_get(parties, p), "id")));
            return -1;
        }
    return 0;
}

static int put_new(srv *s, srv_resp *rs, const char *canon, size_t n,
                   const json_t *sigs)
{
    size_t np = strlen(LN_TRUST_CONTRACT_PREFIX);
    unsigned char *msg = ln_malloc(np + n);
    ln_trust_contract *tc = NULL;
    ln_diag d;
    ln_diag_clear(&d);
    if (!msg)
        return srv_error(rs, 503, NULL, "out of memory");
    memcpy(msg, LN_TRUST_CONTRACT_PREFIX, np);
    memcpy(msg + np, canon, n);
    json_t *doc = json_loadb(canon, n, 0, NULL);
    int rc = ln_trust_contract_parse(canon, n, &tc, &d);
    if (rc) {
        srv_error(rs, 400, "contract", "contract%s%s: %s",
                  d.path[0] ? "." : "", d.path, d.msg);
    } else if (!all_signed(rs, doc, sigs, msg, np + n)) {
        ln_st_contract c;
        memset(&c, 0, sizeof c);
        snprintf(c.id, sizeof c.id, "%s", ln_trust_contract_id(tc));
        trust_state *T = trust_get(s);
        pthread_mutex_lock(&T->mu);
        ln_st_contract old;
        memset(&old, 0, sizeof old);
        int g = strlen(ln_trust_contract_id(tc)) >= LN_ST_ID
                    ? LN_EINVAL
                    : ln_store_get_contract(srv_store(s), c.id, 0, &old);
        ln_st_contract_clear(&old);
        int64_t v = 0;
        c.json = (char *)canon;
        c.len = n;
        if (g == LN_EINVAL)
            srv_error(rs, 400, "contract", "contract: an id of at most %d "
                      "bytes", LN_ST_ID - 1);
        else if (!g)
            srv_error(rs, 409, "contract", "contract '%s' exists: change "
                      "it with a change request of kind \"amend\"", c.id);
        else if (g != LN_ENOTFOUND)
            trust_store_error(s, rs, g, "contract");
        else if ((g = ln_store_put_contract(srv_store(s), &c, &v)))
            trust_store_error(s, rs, g, "contract");
        else {
            trust_refresh(s);
            ln_st_contract got;
            memset(&got, 0, sizeof got);
            if (!ln_store_get_contract(srv_store(s), c.id, v, &got))
                srv_ok(rs, 201, contract_json(&got));
            else
                srv_ok(rs, 201, json_pack("{s:s, s:I}", "contract", c.id,
                                          "version", (json_int_t)v));
            ln_st_contract_clear(&got);
        }
        pthread_mutex_unlock(&T->mu);
    }
    ln_trust_contract_free(tc);
    json_decref(doc);
    ln_free(msg);
    return 0;
}

int trust_h_contracts_post(srv *s, const srv_req *rq, srv_resp *rs)
{
    json_t *root = srv_body_object(rq, rs);
    if (!root)
        return 0;
    const char *k;
    json_t *v;
    json_object_foreach(root, k, v) {
        if (strcmp(k, "contract") && strcmp(k, "signatures")) {
            srv_error(rs, 400, k, "%s: unknown member (contract, "
                      "signatures)", k);
            json_decref(root);
            return 0;
        }
    }
    char *canon = NULL;
    size_t n = 0;
    if (!canonical(rs, json_object_get(root, "contract"), &canon, &n))
        put_new(s, rs, canon, n, json_object_get(root, "signatures"));
    free(canon);
    json_decref(root);
    return 0;
}
