/*
 * request.c - change requests (what parties sign) and the contract's
 * readable summary and scope tests.
 *
 * Exports: ln_trust_request_*, ln_trust_contract_describe,
 * ln_trust_contract_protects, ln_trust_contract_covers_deg.
 *
 * A request is a JSON object (docs/trust.md, "Change requests"):
 *   {"contract": ID, "kind": KIND, "target": {"accounts": [...],
 *    "terminals": [...], "zones": [...], "region": "GeoJSON text"},
 *    "head": {"size": N, "root": base64(32 bytes)},
 *    "expires": "YYYY-MM-DDTHH:MM:SSZ", "nonce": base64(16..64 bytes),
 *    "amendment": "CONTRACT JSON TEXT" (kind "amend" only),
 *    "zone": "GeoJSON Feature text" (kinds "zone-edit", "coverage" only:
 *            the zone the change puts),
 *    "note": "free text"}
 * A target region and an amendment are strings holding GeoJSON / contract
 * JSON text: canonical JSON has integers only, and they are signed as
 * the exact text.
 * Parties sign "leonet-change-request/v1\n" || canonical JSON of the whole
 * object (canon.c): the same request in any spelling has one message.
 */
#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leonet/zone.h"
#include "trust/trust_int.h"

struct ln_trust_request {
    char contract[128];
    int kind;                          /* LN_TRUST_* */
    char **accounts, **terminals, **zones; /* NULL-terminated or NULL */
    int has_region;
    uint64_t head_size;
    unsigned char head_root[32];
    double expires_unix_s;
    unsigned char nonce[64];
    size_t nnonce;
    ln_trust_contract *amend;          /* kind amend: the new contract */
    unsigned char *msg;                /* prefix || canonical JSON */
    size_t nmsg;
};

void ln_trust_request_free(ln_trust_request *r)
{
    if (!r)
        return;
    ln__trust_strlist_free(r->accounts);
    ln__trust_strlist_free(r->terminals);
    ln__trust_strlist_free(r->zones);
    ln_trust_contract_free(r->amend);
    free(r->msg);
    free(r);
}

static int parse_target(const json_t *t, ln_trust_request *r, const char *js,
                        size_t n, ln_diag *d)
{
    static const char *const lists[] = {"accounts", "terminals", "zones"};
    if (!json_is_object(t))
        return ln__trust_err(d, js, n, "target",
                             "expected an object {accounts, terminals, "
                             "zones, region}");
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)t, k, v) {
        if (strcmp(k, "accounts") && strcmp(k, "terminals") &&
            strcmp(k, "zones") && strcmp(k, "region")) {
            char p[200];
            snprintf(p, sizeof p, "target.%s", k);
            return ln__trust_err(d, js, n, p, "unknown member '%s'", k);
        }
    }
    char ***dst[3] = {&r->accounts, &r->terminals, &r->zones};
    for (int i = 0; i < 3; i++) {
        int rc = ln__trust_strlist(json_object_get(t, lists[i]), dst[i]);
        if (rc == LN_ENOMEM)
            return rc;
        if (rc) {
            char p[64];
            snprintf(p, sizeof p, "target.%s", lists[i]);
            return ln__trust_err(d, js, n, p,
                                 "expected an array of non-empty strings");
        }
    }
    /* GeoJSON has fractions, canonical JSON has none: the region is
     * carried as a string holding its GeoJSON text (signed as is) */
    const json_t *g = json_object_get(t, "region");
    if (g) {
        json_t *o = json_is_string(g)
                        ? json_loadb(json_string_value(g),
                                     json_string_length(g), 0, NULL)
                        : NULL;
        int ok = o && json_is_string(json_object_get(o, "type"));
        json_decref(o);
        if (!ok)
            return ln__trust_err(d, js, n, "target.region",
                                 "expected a string holding a GeoJSON "
                                 "object");
        r->has_region = 1;
    }
    return 0;
}

static int parse_head(const json_t *h, ln_trust_request *r, const char *js,
                      size_t n, ln_diag *d)
{
    const json_t *sz = json_object_get(h, "size"),
                 *root = json_object_get(h, "root");
    size_t got;
    if (!json_is_object(h) || json_object_size(h) != 2 ||
        !json_is_integer(sz) || json_integer_value(sz) < 0)
        return ln__trust_err(d, js, n, "head",
                             "expected {\"size\": N >= 0, \"root\": "
                             "base64(32 bytes)}");
    r->head_size = (uint64_t)json_integer_value(sz);
    unsigned char b[64];
    if (!json_is_string(root) ||
        ln_trust_b64_decode(json_string_value(root),
                            json_string_length(root), b, sizeof b, &got) ||
        got != 32)
        return ln__trust_err(d, js, n, "head.root",
                             "expected base64 of 32 bytes (the log's root "
                             "hash)");
    memcpy(r->head_root, b, 32);
    return 0;
}

/* The optional "zone": a string holding one GeoJSON Feature's text (the
 * zone a zone-edit or coverage change puts, properties id, action,
 * priority as the daemon's zone upload reads them), for those two kinds
 * only. Its geometry is checked by whoever applies it (the daemon checks
 * it as an upload); here only its shape. */
static int parse_zone(const json_t *z, int kind, const char *js, size_t n,
                      ln_diag *d)
{
    if (!z)
        return 0;
    if (kind != LN_TRUST_ZONE && kind != LN_TRUST_COVERAGE)
        return ln__trust_err(d, js, n, "zone",
                             "only kinds \"zone-edit\" and \"coverage\" "
                             "carry a zone");
    json_t *o = json_is_string(z) ? json_loadb(json_string_value(z),
                                               json_string_length(z), 0,
                                               NULL)
                                  : NULL;
    const char *t = json_string_value(json_object_get(o, "type"));
    int ok = t && !strcmp(t, "Feature") &&
             json_is_object(json_object_get(o, "geometry"));
    json_decref(o);
    if (!ok)
        return ln__trust_err(d, js, n, "zone",
                             "expected a string holding one GeoJSON Feature "
                             "(properties id, action, priority)");
    return 0;
}

static int parse_fields(const json_t *v, ln_trust_request *r, const char *js,
                        size_t n, ln_diag *d)
{
    static const char *const mem[] = {"contract", "kind", "target", "head",
                                      "expires", "nonce", "amendment",
                                      "zone", "note", NULL};
    const char *k;
    json_t *m;
    json_object_foreach((json_t *)v, k, m) {
        int ok = 0;
        for (const char *const *a = mem; *a; a++)
            ok |= !strcmp(*a, k);
        if (!ok)
            return ln__trust_err(d, js, n, k, "unknown member '%s'", k);
    }
    const json_t *c = json_object_get(v, "contract"),
                 *kind = json_object_get(v, "kind"),
                 *ex = json_object_get(v, "expires"),
                 *no = json_object_get(v, "nonce"),
                 *am = json_object_get(v, "amendment"),
                 *note = json_object_get(v, "note");
    if (!json_is_string(c) || json_string_length(c) == 0 ||
        json_string_length(c) >= sizeof r->contract)
        return ln__trust_err(d, js, n, "contract",
                             "expected the contract's id (1..127 bytes)");
    snprintf(r->contract, sizeof r->contract, "%s", json_string_value(c));
    r->kind = json_is_string(kind) ? ln__trust_kind(json_string_value(kind))
                                   : -1;
    if (r->kind < 0)
        return ln__trust_err(d, js, n, "kind",
                             "expected one of kill, suspend, zone-edit, "
                             "coverage, amend");
    if (note && !json_is_string(note))
        return ln__trust_err(d, js, n, "note", "expected a string");
    int rc = parse_target(json_object_get(v, "target"), r, js, n, d);
    if (!rc)
        rc = parse_head(json_object_get(v, "head"), r, js, n, d);
    if (rc)
        return rc;
    if (!json_is_string(ex) ||
        ln_time_parse_iso(json_string_value(ex), &r->expires_unix_s))
        return ln__trust_err(d, js, n, "expires",
                             "expected an ISO 8601 UTC time "
                             "(YYYY-MM-DDTHH:MM:SSZ)");
    if (!json_is_string(no) ||
        ln_trust_b64_decode(json_string_value(no), json_string_length(no),
                            r->nonce, sizeof r->nonce, &r->nnonce) ||
        r->nnonce < 16)
        return ln__trust_err(d, js, n, "nonce",
                             "expected base64 of 16..64 random bytes");
    rc = parse_zone(json_object_get(v, "zone"), r->kind, js, n, d);
    if (rc)
        return rc;
    if ((r->kind == LN_TRUST_AMEND) != (am != NULL))
        return ln__trust_err(d, js, n, am ? "amendment" : "kind",
                             "kind \"amend\" and an \"amendment\" (the new "
                             "contract) go together");
    if (!am)
        return 0;
    /* the new contract as a string holding its JSON text (its region has
     * fractions, which canonical JSON refuses); errors name its own
     * line/col, prefixed "amendment" */
    if (!json_is_string(am))
        return ln__trust_err(d, js, n, "amendment",
                             "expected a string holding the new contract's "
                             "JSON text");
    rc = ln_trust_contract_parse(json_string_value(am),
                                 json_string_length(am), &r->amend, d);
    if (rc == LN_EPARSE) {
        char p[sizeof d->path];
        snprintf(p, sizeof p, "%s", d->path);
        snprintf(d->path, sizeof d->path, "amendment: %.200s", p);
    }
    /* an amendment is the next version of the request's own contract:
     * another id would let one contract's parties rewrite another's */
    if (!rc && strcmp(ln_trust_contract_id(r->amend), r->contract))
        return ln__trust_err(d, js, n, "amendment",
                             "the amendment is contract '%.120s', the "
                             "request's contract is '%.120s': an amendment "
                             "changes its own contract only",
                             ln_trust_contract_id(r->amend), r->contract);
    return rc;
}

int ln_trust_request_parse(const char *js, size_t n, ln_trust_request **out,
                           ln_diag *d)
{
    json_error_t je;
    *out = NULL;
    json_t *v = json_loadb(js, n, JSON_REJECT_DUPLICATES, &je);
    if (!v)
        return ln_diag_set(d, LN_EPARSE, NULL, je.line, je.column, NULL,
                           "%s", je.text);
    ln_trust_request *r = calloc(1, sizeof *r);
    int rc = r ? 0 : LN_ENOMEM;
    if (!rc && !json_is_object(v))
        rc = ln_diag_set(d, LN_EPARSE, NULL, 1, 1, NULL,
                         "a change request is a JSON object");
    if (!rc)
        rc = parse_fields(v, r, js, n, d);
    if (!rc) {
        ln__trust_buf b = {0};
        char path[256] = "";
        ln__trust_put(&b, LN__TRUST_REQ_PREFIX,
                      strlen(LN__TRUST_REQ_PREFIX));
        rc = ln__trust_canon(v, &b, path, sizeof path, d);
        if (!rc && b.oom)
            rc = LN_ENOMEM;
        if (rc == LN_EPARSE)
            ln_json_locate(js, n, d->path, &d->line, &d->col);
        r->msg = (unsigned char *)b.p;
        r->nmsg = b.n;
    }
    json_decref(v);
    if (rc) {
        ln_trust_request_free(r);
        return rc;
    }
    *out = r;
    return 0;
}

const unsigned char *ln_trust_request_message(const ln_trust_request *r,
                                              size_t *n)
{
    *n = r->nmsg;
    return r->msg;
}

void ln_trust_request_head(const ln_trust_request *r, uint64_t *size,
                           unsigned char root[32], double *expires_unix_s)
{
    *size = r->head_size;
    memcpy(root, r->head_root, 32);
    *expires_unix_s = r->expires_unix_s;
}

const ln_trust_contract *ln_trust_request_amendment(const ln_trust_request *r)
{
    return r->amend;
}

int ln_trust_request_sign(const ln_trust_key *k, const ln_trust_request *r,
                          char *buf, size_t cap)
{
    return ln_trust_sign_line(k, r->msg, r->nmsg, buf, cap);
}

/* ---- accessors used by eval.c ------------------------------------------ */

const char *ln__trust_req_contract(const ln_trust_request *r)
{
    return r->contract;
}
int ln__trust_req_kind(const ln_trust_request *r)
{
    return r->kind;
}

static int in_list(char **l, const char *s)
{
    for (; l && s && *l; l++)
        if (strcmp(*l, s) == 0)
            return 1;
    return 0;
}

int ln_trust_contract_protects(const ln_trust_contract *c, const char *account,
                               const char *terminal, const char *zone)
{
    return in_list(c->accounts, account) || in_list(c->terminals, terminal) ||
           in_list(c->zones, zone);
}

int ln_trust_contract_covers_deg(const ln_trust_contract *c, double lat_deg,
                                 double lon_deg)
{
    if (!c->region)
        return 0;
    return ln_zoneset_decide_deg(c->region, lat_deg, lon_deg, 0.0 / 0.0)
               .action == LN_ZONE_DENY;
}

/* 1 when the request's target touches the contract's scope. A target
 * region is taken as touching any contract region (the geometric test,
 * which terminals lie where, is the daemon's: conservative here). */
int ln__trust_in_scope(const ln_trust_contract *c, const ln_trust_request *r)
{
    if (r->kind == LN_TRUST_AMEND)
        return 1;
    for (char **p = r->accounts; p && *p; p++)
        if (in_list(c->accounts, *p))
            return 1;
    for (char **p = r->terminals; p && *p; p++)
        if (in_list(c->terminals, *p))
            return 1;
    for (char **p = r->zones; p && *p; p++)
        if (in_list(c->zones, *p))
            return 1;
    return r->has_region && c->region;
}

/* Expiry, head and nonce, for eval.c. */
void ln__trust_req_binding(const ln_trust_request *r, double *expires,
                           uint64_t *size, const unsigned char **root,
                           const unsigned char **nonce, size_t *nnonce)
{
    *expires = r->expires_unix_s;
    *size = r->head_size;
    *root = r->head_root;
    *nonce = r->nonce;
    *nnonce = r->nnonce;
}

static void put_list(ln__trust_buf *b, const char *what, char **l)
{
    if (!l)
        return;
    ln__trust_put(b, "  ", 2);
    ln__trust_put(b, what, strlen(what));
    ln__trust_put(b, ":", 1);
    for (; *l; l++) {
        ln__trust_put(b, " ", 1);
        ln__trust_put(b, *l, strlen(*l));
    }
    ln__trust_put(b, "\n", 1);
}

static void putf(ln__trust_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void putf(ln__trust_buf *b, const char *fmt, ...)
{
    char s[512];
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(s, sizeof s, fmt, ap);
    va_end(ap);
    if (w > 0)
        ln__trust_put(b, s, (size_t)w < sizeof s ? (size_t)w : sizeof s - 1);
}

int ln_trust_contract_describe(const ln_trust_contract *c, char *buf,
                               size_t cap)
{
    ln__trust_buf b = {0};
    char t0[40], t1[40], pk[256];
    putf(&b, "contract %s\nparties:\n", c->id);
    for (int i = 0; i < c->nparty; i++) {
        putf(&b, "  %s\n", c->party[i]);
        for (int j = 0; j < c->nkey; j++)
            if (c->key_party[j] == i &&
                !ln_trust_key_format_public(&c->key[j], pk, sizeof pk))
                putf(&b, "    key %s\n", pk);
    }
    ln__trust_put(&b, "scope:\n", 7);
    put_list(&b, "accounts", c->accounts);
    put_list(&b, "terminals", c->terminals);
    put_list(&b, "zones", c->zones);
    if (c->region)
        putf(&b, "  region: a GeoJSON area\n");
    putf(&b, "term: %s .. %s\n",
         c->from_unix_s > -1e300
             ? ln_time_format_iso(c->from_unix_s, 0, t0, sizeof t0) : "open",
         c->until_unix_s < 1e300
             ? ln_time_format_iso(c->until_unix_s, 0, t1, sizeof t1)
             : "open");
    ln__trust_put(&b, "thresholds:\n", 12);
    for (int i = 0; i < c->nrule; i++) {
        const ln__trust_rule *r = &c->rule[i];
        putf(&b, "  %s (rule %s%s):", ln_trust_kind_name(r->kind), r->name,
             r->emergency ? ", emergency" : "");
        for (int j = 0; j < r->nclause; j++) {
            putf(&b, "%s %d of %s{", j ? " AND" : "", r->clause[j].k,
                 r->clause[j].count_keys ? "the keys of " : "");
            int first = 1;
            for (int p = 0; p < c->nparty; p++)
                if (r->clause[j].parties >> p & 1) {
                    putf(&b, "%s%s", first ? "" : ", ", c->party[p]);
                    first = 0;
                }
            ln__trust_put(&b, "}", 1);
        }
        ln__trust_put(&b, "\n", 1);
    }
    int rc = b.oom ? LN_ENOMEM : 0;
    if (!rc && b.n >= cap)
        rc = LN_ERANGE;
    if (!rc)
        memcpy(buf, b.p, b.n + 1);
    free(b.p);
    return rc;
}
