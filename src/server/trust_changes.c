/*
 * trust_changes.c - change requests over HTTP (docs/api-trust.md):
 *   POST /v1/changes                  submit a request document
 *   POST /v1/changes/{id}/signatures  one signature line (text/plain) or
 *                                     {"signature": LINE}
 *   GET  /v1/changes[?state=], /v1/changes/{id}
 *
 * Each submission and each new signature is evaluated at once
 * (ln_trust_evaluate): the contract's latest version from the store, the
 * request, every signature line stored for it, and the environment: now,
 * the nonces used (ln_store_nonce_used) and the log's head. The head:
 * at submission the request must be bound to the log's CURRENT head
 * (else refused, final: stale-head); every audited write moves the head
 * (the submission itself first), so later evaluations use the head the
 * request was accepted with. A verdict is stored with
 * ln_store_decide_change: pending while signatures are missing (reasons
 * threshold-not-met, unknown-key, duplicate-key, bad-signature, the
 * amendment's two), refused and final for the others (expired,
 * stale-head, replayed-nonce, out-of-term, kind-not-covered,
 * out-of-scope), granted with its effect in the same transaction:
 *   kill       the kill switch on for target.accounts / .terminals
 *   suspend    target.accounts suspended
 *   zone-edit, coverage   the request's "zone" (one GeoJSON Feature,
 *              checked as an upload is) as a new zone set version
 *   amend      the amendment as the contract's next version
 * then the daemon re-reads what the decision uses (trust_refresh, and
 * srv_reload_zones for zones). Only a granted change marks its nonce
 * used, so a later request with that nonce is refused replayed-nonce.
 *
 * A pending change past its expiry is refused (expired) by the next
 * submission or signature (sweep_expired), or by its own next signature.
 *
 * Writes of the part are serialized by the state's mu: the head read at
 * submission and the put that follows it are not interleaved with
 * another change's.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "server/core.h"
#include "server/trust_int.h"

#define SIGLINE_MAX 512 /* one signature line's bytes */

static int kind_of(const char *name)
{
    for (int k = 0; name && k < LN_TRUST_KIND_COUNT_; k++)
        if (!strcmp(ln_trust_kind_name(k), name))
            return k;
    return -1;
}

static const char *state_name(int st)
{
    return st == LN_ST_GRANTED ? "granted"
           : st == LN_ST_REFUSED ? "refused" : "pending";
}

/* Reasons no signature can fix: the change is refused, final. */
static int final_reason(int reason)
{
    switch (reason) {
    case LN_TRUST_WRONG_CONTRACT:
    case LN_TRUST_OUT_OF_TERM:
    case LN_TRUST_EXPIRED:
    case LN_TRUST_STALE_HEAD:
    case LN_TRUST_REPLAY:
    case LN_TRUST_NOT_COVERED:
    case LN_TRUST_OUT_OF_SCOPE:
        return 1;
    default:
        return 0;
    }
}

static int nonce_used(void *ctx, const unsigned char *nonce, size_t n)
{
    int r = ln_store_nonce_used(ctx, nonce, n);
    return r > 0; /* an error: the decision's own nonce check still holds */
}

static json_t *time_json(double t)
{
    char b[40];
    return t > 0 ? json_string(ln_time_format_iso(t, 3, b, sizeof b))
                 : json_null();
}

/* The signers of valid lines: [{"party", "key"}], once each. */
static json_t *signers(const ln_st_change *c, const json_t *cdoc,
                       const json_t *adoc, const ln_trust_request *r)
{
    json_t *out = json_array();
    size_t n;
    const unsigned char *msg = ln_trust_request_message(r, &n);
    for (size_t i = 0; i < c->nsigs; i++) {
        ln_trust_sigline sl;
        ln_diag d;
        char key[LN_TRUST_NAME_MAX];
        if (ln_trust_sigline_parse(c->sigs[i], strlen(c->sigs[i]), &sl, &d))
            continue;
        const json_t *doc = cdoc;
        int p = doc ? trust_sig_party(doc, &sl, msg, n, key, sizeof key) : -1;
        if (p < 0 && adoc)
            p = trust_sig_party(doc = adoc, &sl, msg, n, key, sizeof key);
        if (p < 0)
            continue;
        const char *party = json_string_value(json_object_get(
            json_array_get(json_object_get(doc, "parties"), (size_t)p),
            "id"));
        int dup = 0;
        for (size_t j = 0; j < json_array_size(out) && !dup; j++) {
            json_t *o = json_array_get(out, j);
            dup = !strcmp(json_string_value(json_object_get(o, "key")), key) &&
                  !strcmp(json_string_value(json_object_get(o, "party")),
                          party ? party : "");
        }
        if (!dup)
            json_array_append_new(out, json_pack("{s:s, s:s}", "party",
                                                 party ? party : "", "key",
                                                 key));
    }
    return out;
}

static json_t *change_json(srv *s, const ln_st_change *c)
{
    json_t *rdoc = json_loadb(c->json, c->len, 0, NULL);
    ln_trust_request *r = NULL;
    ln_diag d;
    json_t *sig = json_array();
    for (size_t i = 0; i < c->nsigs; i++)
        json_array_append_new(sig, json_string(c->sigs[i]));
    json_t *who = NULL;
    if (!ln_trust_request_parse(c->json, c->len, &r, &d)) {
        ln_st_contract k;
        memset(&k, 0, sizeof k);
        json_t *cdoc = ln_store_get_contract(srv_store(s), c->contract, 0,
                                             &k)
                           ? NULL
                           : json_loadb(k.json, k.len, 0, NULL);
        const char *am = json_string_value(json_object_get(rdoc,
                                                           "amendment"));
        json_t *adoc = am ? json_loads(am, 0, NULL) : NULL;
        who = signers(c, cdoc, adoc, r);
        json_decref(cdoc);
        json_decref(adoc);
        ln_st_contract_clear(&k);
        ln_trust_request_free(r);
    }
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, "
                     "s:o}",
                     "id", c->id, "contract", c->contract, "kind",
                     ln_trust_kind_name(c->kind), "state",
                     state_name(c->state), "reason",
                     ln_trust_reason_name(c->reason), "detail", c->detail,
                     "signers", who ? who : json_array(), "signatures", sig,
                     "created", time_json(c->created_unix_s), "decided",
                     time_json(c->decided_unix_s), "request",
                     rdoc ? rdoc : json_null());
}

/* 1 when a customer may see the change: its contract's scope names the
 * account (a party's change), or its target names the account or one of
 * its terminals. */
static int visible(srv *s, const srv_req *rq, const ln_st_change *c)
{
    if (!rq->auth || rq->auth->role != LN_ROLE_CUSTOMER)
        return 1;
    const char *me = rq->auth->account;
    ln_st_contract k;
    memset(&k, 0, sizeof k);
    json_t *cdoc = ln_store_get_contract(srv_store(s), c->contract, 0, &k)
                       ? NULL
                       : json_loadb(k.json, k.len, 0, NULL);
    int r = cdoc && trust_doc_names_account(cdoc, me);
    json_decref(cdoc);
    ln_st_contract_clear(&k);
    json_t *doc = json_loadb(c->json, c->len, 0, NULL);
    const json_t *t = json_object_get(doc, "target");
    r = r || trust_json_has(json_object_get(t, "accounts"), me);
    const json_t *ts = json_object_get(t, "terminals");
    for (size_t i = 0; !r && i < json_array_size(ts); i++) {
        char a[LN_ST_ID];
        const char *id = json_string_value(json_array_get(ts, i));
        r = id && !srv__terminal_account(s, id, a) && !strcmp(a, me);
    }
    json_decref(doc);
    return r;
}

/* ---- effects ------------------------------------------------------------ */

typedef struct effect_buf {
    ln_st_effect e;
    char (*acc)[LN_ST_ID];
    char (*term)[LN_ST_ID];
    ln_st_zone zone;
} effect_buf;

static int id_list(const json_t *a, char (**out)[LN_ST_ID], size_t *n)
{
    *n = 0;
    *out = ln_calloc(json_array_size(a) + 1, LN_ST_ID);
    if (!*out)
        return LN_ENOMEM;
    for (size_t i = 0; i < json_array_size(a); i++) {
        const char *id = json_string_value(json_array_get(a, i));
        if (id && strlen(id) < LN_ST_ID)
            snprintf((*out)[(*n)++], LN_ST_ID, "%s", id);
    }
    return 0;
}

static int effect_of(const json_t *rdoc, int kind, effect_buf *b,
                     ln_diag *d)
{
    const json_t *t = json_object_get(rdoc, "target");
    memset(b, 0, sizeof *b);
    int rc = 0;
    switch (kind) {
    case LN_TRUST_KILL:
    case LN_TRUST_SUSPEND:
        b->e.kind = kind == LN_TRUST_KILL ? LN_ST_EFFECT_KILL
                                          : LN_ST_EFFECT_SUSPEND;
        rc = id_list(json_object_get(t, "accounts"), &b->acc,
                     &b->e.naccounts);
        if (!rc && kind == LN_TRUST_KILL)
            rc = id_list(json_object_get(t, "terminals"), &b->term,
                         &b->e.nterminals);
        b->e.accounts = (const char(*)[LN_ST_ID])b->acc;
        b->e.terminals = (const char(*)[LN_ST_ID])b->term;
        return rc;
    case LN_TRUST_ZONE:
    case LN_TRUST_COVERAGE: {
        const json_t *z = json_object_get(rdoc, "zone");
        if (!json_is_string(z))
            return ln_diag_set(d, LN_EPARSE, NULL, 0, 0, "zone",
                               "a request of kind %s carries the zone to "
                               "put: \"zone\", a string holding one GeoJSON "
                               "Feature", ln_trust_kind_name(kind));
        rc = trust_zone_record(json_string_value(z), json_string_length(z),
                               &b->zone, d);
        b->e.kind = LN_ST_EFFECT_ZONES;
        b->e.zones = &b->zone;
        b->e.nzones = rc ? 0 : 1;
        return rc;
    }
    case LN_TRUST_AMEND:
        b->e.kind = LN_ST_EFFECT_CONTRACT;
        b->e.contract_json =
            json_string_value(json_object_get(rdoc, "amendment"));
        b->e.contract_len =
            json_string_length(json_object_get(rdoc, "amendment"));
        return 0;
    default:
        return LN_EINVAL;
    }
}

static void effect_free(effect_buf *b)
{
    ln_free(b->acc);
    ln_free(b->term);
    free(b->zone.body); /* jansson's json_dumps */
}

/* ---- evaluation and decision --------------------------------------------- */

typedef struct ev {
    ln_st_change c;            /* the stored change (with its lines) */
    ln_trust_request *r;
    json_t *rdoc;
} ev;

static void ev_clear(ev *e)
{
    ln_st_change_clear(&e->c);
    ln_trust_request_free(e->r);
    json_decref(e->rdoc);
    memset(e, 0, sizeof *e);
}

/* Evaluates e (head: hs/hr, the log's head read before the submission's
 * put, or NULL: the request's own) and stores the verdict with its effect. 0, or LN_E* (the answer then
 * says why). */
static int evaluate(srv *s, const srv_req *rq, ev *e, const uint64_t *hs,
                    const unsigned char *hr, srv_resp *rs)
{
    ln_store *st = srv_store(s);
    ln_st_contract k;
    memset(&k, 0, sizeof k);
    int rc = ln_store_get_contract(st, e->c.contract, 0, &k);
    ln_trust_contract *tc = NULL;
    ln_diag d;
    if (!rc && ln_trust_contract_parse(k.json, k.len, &tc, &d))
        rc = LN_ESTORE;
    ln_st_contract_clear(&k);
    if (rc)
        return trust_store_error(s, rs, rc, "contract"), rc;
    ln_trust_env env = {rq->t_unix_s, 0, {0}, nonce_used, st};
    double exp;
    ln_trust_request_head(e->r, &env.head_size, env.head_root, &exp);
    if (hs) { /* at submission: the log's head before it */
        env.head_size = *hs;
        memcpy(env.head_root, hr, 32);
    }
    ln_trust_sigline *sl = ln_calloc(e->c.nsigs + 1, sizeof *sl);
    size_t ns = 0;
    for (size_t i = 0; sl && i < e->c.nsigs; i++)
        ns += !ln_trust_sigline_parse(e->c.sigs[i], strlen(e->c.sigs[i]),
                                      &sl[ns], &d);
    ln_trust_verdict v;
    memset(&v, 0, sizeof v);
    rc = sl ? ln_trust_evaluate(tc, e->r, sl, ns, &env, &v) : LN_ENOMEM;
    ln_free(sl);
    ln_trust_contract_free(tc);
    if (rc)
        return srv_error(rs, 503, NULL, "evaluation failed: %s",
                         ln_strerror(rc)), rc;
    if (v.reason == LN_TRUST_STALE_HEAD) {
        size_t l = strlen(v.detail);
        snprintf(v.detail + l, sizeof v.detail - l,
                 " (fetch /v1/head and sign a request bound to it)");
    }
    int state = v.effect ? LN_ST_GRANTED
                : final_reason(v.reason) ? LN_ST_REFUSED : LN_ST_PENDING;
    char term[LN_ST_ID], other[LN_ST_ID];
    if (state == LN_ST_GRANTED &&
        (e->c.kind == LN_TRUST_KILL || e->c.kind == LN_TRUST_SUSPEND) &&
        trust_other_region(s, e->c.contract,
                           json_object_get(e->rdoc, "target"), term,
                           other)) { /* the store checks names only */
        state = LN_ST_REFUSED;
        v.reason = LN_TRUST_OUT_OF_SCOPE;
        snprintf(v.detail, sizeof v.detail,
                 "terminal %s is protected by contract %s (its region or "
                 "zones): a change to it is a request under that contract",
                 term, other);
    }
    effect_buf b;
    memset(&b, 0, sizeof b);
    if (state == LN_ST_GRANTED &&
        (rc = effect_of(e->rdoc, e->c.kind, &b, &d))) {
        effect_free(&b);
        return srv_error(rs, 400, "zone", "%s", d.msg), rc;
    }
    const unsigned char *nonce = NULL;
    unsigned char raw[64];
    size_t nn = 0;
    if (state == LN_ST_GRANTED) { /* the request's nonce, burnt */
        const char *nb = json_string_value(json_object_get(e->rdoc,
                                                           "nonce"));
        if (nb && !ln_trust_b64_decode(nb, strlen(nb), raw, sizeof raw, &nn))
            nonce = raw;
    }
    rc = ln_store_decide_change(st, e->c.id, state, v.reason, v.detail,
                                nonce, nn, state == LN_ST_GRANTED ? &b.e
                                                                  : NULL);
    if (rc == LN_EFORBIDDEN && state == LN_ST_GRANTED) {
        /* one contract per target (the store's word): a final refusal */
        char msg[sizeof v.detail];
        const char *m = ln_store_errmsg(st);
        snprintf(msg, sizeof msg, "%s", m && m[0] ? m : "the change meets "
                 "another contract's scope");
        state = LN_ST_REFUSED;
        rc = ln_store_decide_change(st, e->c.id, LN_ST_REFUSED,
                                    LN_TRUST_OUT_OF_SCOPE, msg, NULL, 0,
                                    NULL);
    } else if (rc == LN_ECONFLICT && state == LN_ST_GRANTED && nonce &&
               ln_store_nonce_used(st, nonce, nn) == 1) { /* raced */
        state = LN_ST_REFUSED;
        rc = ln_store_decide_change(st, e->c.id, LN_ST_REFUSED,
                                    LN_TRUST_REPLAY,
                                    "the nonce was used meanwhile by "
                                    "another granted change",
                                    NULL, 0, NULL);
    }
    int zones = b.e.kind == LN_ST_EFFECT_ZONES;
    effect_free(&b);
    if (rc)
        return trust_store_error(s, rs, rc, "change"), rc;
    if (state == LN_ST_GRANTED) {
        if (e->c.kind == LN_TRUST_SUSPEND)
            trust_mark_granted(s, json_object_get(json_object_get(e->rdoc,
                                                                  "target"),
                                                  "accounts"));
        trust_refresh(s);
        if (zones)
            srv_reload_zones(s);
    }
    return 0;
}

/* Reads change id into e (request parsed): 0, or an answer and -1. */
static int load_change(srv *s, const srv_req *rq, srv_resp *rs,
                       const char *id, ev *e)
{
    memset(e, 0, sizeof *e);
    int rc = ln_store_get_change(srv_store(s), id, &e->c);
    ln_diag d;
    if (rc == LN_ENOTFOUND || rc == LN_EUNSUPPORTED ||
        (!rc && !visible(s, rq, &e->c))) {
        ev_clear(e);
        srv_error(rs, 404, "id", "no change '%s'", id);
        return -1;
    }
    if (rc || ln_trust_request_parse(e->c.json, e->c.len, &e->r, &d) ||
        !(e->rdoc = json_loadb(e->c.json, e->c.len, 0, NULL))) {
        ev_clear(e);
        trust_store_error(s, rs, rc ? rc : LN_ESTORE, "change");
        return -1;
    }
    return 0;
}

static int answer_change(srv *s, srv_resp *rs, int status, const char *id)
{
    ln_st_change c;
    memset(&c, 0, sizeof c);
    int rc = ln_store_get_change(srv_store(s), id, &c);
    if (rc)
        return trust_store_error(s, rs, rc, "change");
    json_t *o = change_json(s, &c);
    ln_st_change_clear(&c);
    return srv_ok(rs, status, o);
}

/* ---- expiry while pending ----------------------------------------------
 * A pending change past its expiry is refused (final, expired) by the
 * next write of the part: a submission or a signature sweeps them, at
 * most SWEEP_MAX each time. */
#define SWEEP_MAX 256

typedef struct sweep_ctx {
    double now;
    char (*id)[LN_ST_ID];
    char (*when)[40];
    size_t n;
} sweep_ctx;

static int on_pending(void *user, const ln_st_change *c)
{
    sweep_ctx *x = user;
    json_t *doc = json_loadb(c->json, c->len, 0, NULL);
    const char *ex = json_string_value(json_object_get(doc, "expires"));
    double t;
    if (ex && !ln_time_parse_iso(ex, &t) && x->now >= t) {
        snprintf(x->id[x->n], LN_ST_ID, "%s", c->id);
        snprintf(x->when[x->n], 40, "%s", ex);
        x->n++;
    }
    json_decref(doc);
    return x->n >= SWEEP_MAX;
}

static void sweep_expired(srv *s, double now)
{
    sweep_ctx x = {now, ln_calloc(SWEEP_MAX, LN_ST_ID),
                   ln_calloc(SWEEP_MAX, 40), 0};
    if (x.id && x.when &&
        !ln_store_list_changes(srv_store(s), LN_ST_PENDING, on_pending, &x))
        for (size_t i = 0; i < x.n; i++) {
            char d[128];
            snprintf(d, sizeof d, "expired while pending (at %s)",
                     x.when[i]);
            ln_store_decide_change(srv_store(s), x.id[i], LN_ST_REFUSED,
                                   LN_TRUST_EXPIRED, d, NULL, 0, NULL);
        }
    ln_free(x.id);
    ln_free(x.when);
}

/* ---- submission ----------------------------------------------------------- */

/* Parses and checks the body into e (not stored): 0, or 400/404 and -1. */
static int parse_submission(const srv_req *rq, srv_resp *rs, ev *e)
{
    ln_diag d;
    ln_diag_clear(&d);
    memset(e, 0, sizeof *e);
    int rc = ln_trust_request_parse(rq->body ? rq->body : "",
                                    rq->body ? rq->body_len : 0, &e->r, &d);
    if (rc) {
        long line = d.line, col = d.col;
        if (line <= 0 && d.path[0] && rq->body)
            ln_json_locate(rq->body, rq->body_len, d.path, &line, &col);
        srv_error(rs, 400, d.path[0] ? d.path : "body",
                  "line %ld, column %ld: %s%s%s", line, col, d.path,
                  d.path[0] ? ": " : "", d.msg);
        return -1;
    }
    e->rdoc = json_loadb(rq->body, rq->body_len, 0, NULL);
    e->c.kind = kind_of(json_string_value(json_object_get(e->rdoc, "kind")));
    const char *cid = json_string_value(json_object_get(e->rdoc, "contract"));
    effect_buf b;
    if ((e->c.kind == LN_TRUST_ZONE || e->c.kind == LN_TRUST_COVERAGE) &&
        (rc = effect_of(e->rdoc, e->c.kind, &b, &d))) {
        effect_free(&b);
        srv_error(rs, 400, "zone", "zone: %s", d.msg);
        return -1;
    }
    if (e->c.kind == LN_TRUST_ZONE || e->c.kind == LN_TRUST_COVERAGE)
        effect_free(&b);
    if (!cid || strlen(cid) >= LN_ST_ID) {
        srv_error(rs, 404, "contract", "no contract '%.100s'",
                  cid ? cid : "");
        return -1;
    }
    snprintf(e->c.contract, sizeof e->c.contract, "%s", cid);
    return 0;
}

/* The contract exists and, for a customer, names its account. */
static int contract_visible(srv *s, const srv_req *rq, srv_resp *rs,
                            const char *id)
{
    ln_st_contract k;
    memset(&k, 0, sizeof k);
    int rc = ln_store_get_contract(srv_store(s), id, 0, &k);
    int ok = !rc;
    if (ok && rq->auth && rq->auth->role == LN_ROLE_CUSTOMER) {
        json_t *doc = json_loadb(k.json, k.len, 0, NULL);
        ok = trust_doc_names_account(doc, rq->auth->account);
        json_decref(doc);
    }
    ln_st_contract_clear(&k);
    if (!ok && rc && rc != LN_ENOTFOUND && rc != LN_EUNSUPPORTED)
        return trust_store_error(s, rs, rc, "contract"), -1;
    if (!ok)
        return srv_error(rs, 404, "contract", "no contract '%s'", id), -1;
    return 0;
}

static void change_id(const ln_trust_request *r, char id[LN_ST_ID])
{
    size_t n;
    const unsigned char *m = ln_trust_request_message(r, &n);
    unsigned char h[32];
    crypto_hash_sha256(h, m, n);
    int p = snprintf(id, LN_ST_ID, "chg-");
    for (int i = 0; i < 8; i++)
        p += snprintf(id + p, (size_t)(LN_ST_ID - p), "%02x", h[i]);
}

int trust_h_changes_post(srv *s, const srv_req *rq, srv_resp *rs)
{
    ev e;
    if (parse_submission(rq, rs, &e)) {
        ev_clear(&e);
        return 0;
    }
    trust_state *T = trust_get(s);
    pthread_mutex_lock(&T->mu);
    sweep_expired(s, rq->t_unix_s);
    if (contract_visible(s, rq, rs, e.c.contract))
        goto out;
    change_id(e.r, e.c.id);
    e.c.json = (char *)rq->body;
    e.c.len = rq->body_len;
    e.c.state = LN_ST_PENDING;
    e.c.created_unix_s = rq->t_unix_s;
    /* the head the request must be bound to: before the put moves it */
    uint64_t hs;
    unsigned char hr[32];
    int rc = ln_store_audit_head(srv_store(s), &hs, hr);
    if (!rc)
        rc = ln_store_put_change(srv_store(s), &e.c);
    e.c.json = NULL;
    if (rc == LN_ECONFLICT) {
        srv_error(rs, 409, "id", "change %s was submitted already: add "
                  "signatures at /v1/changes/%s/signatures", e.c.id,
                  e.c.id);
        goto out;
    }
    if (rc) {
        trust_store_error(s, rs, rc, "change");
        goto out;
    }
    char id[LN_ST_ID];
    snprintf(id, sizeof id, "%s", e.c.id);
    ev_clear(&e);
    if (load_change(s, rq, rs, id, &e))
        goto out;
    if (!evaluate(s, rq, &e, &hs, hr, rs))
        answer_change(s, rs, 201, id);
out:
    pthread_mutex_unlock(&T->mu);
    ev_clear(&e);
    return 0;
}

/* ---- signatures ------------------------------------------------------- */

/* The line of the body: text/plain, or {"signature": LINE}. */
static int body_line(const srv_req *rq, srv_resp *rs, char *out, size_t cap)
{
    const char *b = rq->body ? rq->body : "";
    size_t n = rq->body ? rq->body_len : 0;
    json_t *o = NULL;
    if (n && b[0] == '{') {
        if (!(o = srv_body_object(rq, rs)))
            return -1;
        const json_t *v = json_object_get(o, "signature");
        if (!json_is_string(v) || json_object_size(o) != 1) {
            json_decref(o);
            return srv_error(rs, 400, "signature", "expected {\"signature\":"
                             " \"— NAME base64\"}"), -1;
        }
        b = json_string_value(v);
        n = json_string_length(v);
    }
    while (n && (b[n - 1] == '\n' || b[n - 1] == '\r'))
        n--;
    if (n == 0 || n >= cap) {
        json_decref(o);
        return srv_error(rs, 400, "signature", "one signature line, at most "
                         "%zu bytes", cap - 1), -1;
    }
    memcpy(out, b, n);
    out[n] = 0;
    json_decref(o);
    return 0;
}

int trust_h_signatures_post(srv *s, const srv_req *rq, srv_resp *rs)
{
    char line[SIGLINE_MAX];
    ln_trust_sigline sl;
    ln_diag d;
    if (body_line(rq, rs, line, sizeof line))
        return 0;
    if (ln_trust_sigline_parse(line, strlen(line), &sl, &d) ||
        strlen(line) >= sizeof ((ln_st_change *)0)->sigs[0])
        return srv_error(rs, 400, "signature", "signature: %s",
                         d.msg[0] ? d.msg : "too long");
    trust_state *T = trust_get(s);
    ev e;
    pthread_mutex_lock(&T->mu);
    sweep_expired(s, rq->t_unix_s);
    if (load_change(s, rq, rs, rq->param[0], &e))
        goto out;
    if (e.c.state != LN_ST_PENDING) {
        srv_error(rs, 409, "id", "change %s is %s: it takes no more "
                  "signatures", e.c.id, state_name(e.c.state));
        goto out;
    }
    int rc = ln_store_add_change_signature(srv_store(s), e.c.id, line);
    if (rc == LN_ECONFLICT || rc == LN_ERANGE || rc == LN_EINVAL) {
        srv_error(rs, 409, "signature", "%s",
                  rc == LN_ECONFLICT ? "this signature line is there "
                                       "already"
                  : rc == LN_ERANGE ? "too many signatures"
                                    : "the change is not pending");
        goto out;
    }
    if (rc) {
        trust_store_error(s, rs, rc, "signature");
        goto out;
    }
    char id[LN_ST_ID];
    snprintf(id, sizeof id, "%s", e.c.id);
    ev_clear(&e);
    if (!load_change(s, rq, rs, id, &e) && !evaluate(s, rq, &e, NULL, NULL, rs))
        answer_change(s, rs, 200, id);
out:
    pthread_mutex_unlock(&T->mu);
    ev_clear(&e);
    return 0;
}

/* ---- reads ---------------------------------------------------------------- */

typedef struct list_ctx {
    srv *s;
    const srv_req *rq;
    json_t *arr;
} list_ctx;

static int on_change(void *user, const ln_st_change *c)
{
    list_ctx *x = user;
    if (visible(x->s, x->rq, c))
        json_array_append_new(x->arr, change_json(x->s, c));
    return 0;
}

int trust_h_changes_get(srv *s, const srv_req *rq, srv_resp *rs)
{
    const char *q = srv_query(rq, "state");
    int st = -1;
    if (q && !strcmp(q, "pending"))
        st = LN_ST_PENDING;
    else if (q && !strcmp(q, "granted"))
        st = LN_ST_GRANTED;
    else if (q && !strcmp(q, "refused"))
        st = LN_ST_REFUSED;
    else if (q)
        return srv_error(rs, 400, "state", "state: pending, granted or "
                                           "refused");
    list_ctx x = {s, rq, json_array()};
    int rc = ln_store_list_changes(srv_store(s), st, on_change, &x);
    if (rc == LN_EUNSUPPORTED)
        rc = 0;
    if (rc) {
        json_decref(x.arr);
        return trust_store_error(s, rs, rc, "changes");
    }
    return srv_ok(rs, 200, json_pack("{s:o}", "changes", x.arr));
}

int trust_h_change_get(srv *s, const srv_req *rq, srv_resp *rs)
{
    ev e;
    if (load_change(s, rq, rs, rq->param[0], &e))
        return 0;
    json_t *o = change_json(s, &e.c);
    ev_clear(&e);
    return srv_ok(rs, 200, o);
}
