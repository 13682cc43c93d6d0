/*
 * sqlite_audit_rec.c - the audit log's records (docs/audit.md): for each
 * audited row, a JSON object of every audited field. The writer puts it
 * in the row's leaf; ln_store_audit_verify (sqlite_verify.c) builds the
 * same object from the table's row and compares, so the two can never
 * disagree on what a field looks like.
 *
 * Canonical JSON (ln_trust_canonical) has integers only: a double is
 * written as text: an integral value below 2^53 as an integer ("500"),
 * any other as the shortest %g text that reads back to the same double
 * ("0.1", "1700000000.5", "1e+300"), NaN and infinities as null (SQLite keeps NaN as
 * NULL; a zone's open validity is +-inf).
 */
#include <jansson.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>

#include "store/sqlite_int.h"

void ln__sq_sha_hex(const void *p, size_t n, char hex[65])
{
    unsigned char h[32];
    crypto_hash_sha256(h, p, n);
    sodium_bin2hex(hex, 65, h, 32);
}

json_t *ln__sq_json_real(double v)
{
    if (!isfinite(v))
        return json_null();
    char b[40];
    if (v == floor(v) && fabs(v) < 9007199254740992.0) { /* 2^53 */
        snprintf(b, sizeof b, "%.0f", v == 0 ? 0.0 : v); /* no "-0" */
        return json_string(b);
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(b, sizeof b, "%.*g", prec, v);
        if (strtod(b, NULL) == v)
            break;
    }
    return json_string(b);
}

/* Sets name to v (stolen), tolerating NULL values (out of memory is
 * found by the caller's canonical step failing). */
static void put(json_t *o, const char *name, json_t *v)
{
    if (o && v)
        json_object_set_new(o, name, v);
    else
        json_decref(v);
}

json_t *ln__sq_rec_plan(const ln_plan *p)
{
    json_t *o = json_object();
    put(o, "id", json_string(p->id));
    put(o, "hardware_usd", ln__sq_json_real(p->hardware_usd));
    put(o, "amortize_years", ln__sq_json_real(p->amortize_years));
    put(o, "monthly_usd", ln__sq_json_real(p->monthly_usd));
    put(o, "included_gb", ln__sq_json_real(p->included_gb));
    put(o, "usd_per_gb", ln__sq_json_real(p->usd_per_gb));
    put(o, "peak_mbps", ln__sq_json_real(p->peak_mbps));
    put(o, "duty", ln__sq_json_real(p->duty));
    put(o, "overage", json_integer(p->overage));
    return o;
}

json_t *ln__sq_rec_account(const ln_st_account *a)
{
    json_t *o = json_object();
    put(o, "id", json_string(a->id));
    put(o, "name", json_string(a->name));
    put(o, "plan", json_string(a->plan));
    put(o, "suspended", json_integer(a->suspended));
    return o;
}

json_t *ln__sq_rec_line(const ln_st_line *l)
{
    json_t *o = json_object();
    put(o, "number", json_string(l->number));
    put(o, "account", json_string(l->account));
    put(o, "nickname", json_string(l->nickname));
    put(o, "active", json_integer(l->active));
    return o;
}

/* Positions and the last report are telemetry: not audited. */
json_t *ln__sq_rec_terminal(const ln_st_terminal *t)
{
    json_t *o = json_object();
    put(o, "id", json_string(t->id));
    put(o, "kit_serial", json_string(t->kit_serial));
    put(o, "account", json_string(t->account));
    put(o, "line", json_string(t->line));
    return o;
}

json_t *ln__sq_rec_zone(const ln_st_zone *z, int64_t version)
{
    char hex[65];
    ln__sq_sha_hex(z->body ? z->body : "", z->body ? z->body_len : 0, hex);
    json_t *o = json_object();
    put(o, "id", json_string(z->id));
    put(o, "version", json_integer(version));
    put(o, "kind", json_integer(z->kind));
    put(o, "action", json_integer(z->action));
    put(o, "priority", json_integer(z->priority));
    put(o, "deleted", json_integer(z->deleted ? 1 : 0));
    put(o, "valid_from", ln__sq_json_real(z->valid_from_unix_s));
    put(o, "valid_until", ln__sq_json_real(z->valid_until_unix_s));
    put(o, "body_sha256", json_string(hex));
    return o;
}

/* The hash's first 16 hex digits: enough to tell tokens apart, too few
 * to help guess a secret. */
json_t *ln__sq_rec_token(const ln_st_token *t)
{
    char hex[65];
    sodium_bin2hex(hex, sizeof hex, t->hash, 32);
    hex[16] = 0;
    json_t *o = json_object();
    put(o, "rid", json_integer(t->rid));
    put(o, "role", json_integer(t->role));
    put(o, "account", json_string(t->account));
    put(o, "terminal", json_string(t->terminal));
    put(o, "revoked", json_integer(t->revoked ? 1 : 0));
    put(o, "hash16", json_string(hex));
    return o;
}

json_t *ln__sq_rec_kill(const char *scope, const char *id, int granted,
                        const char *change, int on)
{
    json_t *o = json_object();
    put(o, "scope", json_string(scope));
    put(o, "id", json_string(id));
    put(o, "granted", json_integer(granted ? 1 : 0));
    put(o, "change", json_string(change ? change : ""));
    put(o, "on", json_integer(on ? 1 : 0));
    return o;
}

json_t *ln__sq_rec_contract(const char *id, int64_t version,
                            const char *change, const void *json, size_t n)
{
    char hex[65];
    ln__sq_sha_hex(json, n, hex);
    json_t *o = json_object();
    put(o, "id", json_string(id));
    put(o, "version", json_integer(version));
    put(o, "change", json_string(change));
    put(o, "sha256", json_string(hex));
    return o;
}

/* The document by its hash; signatures are rows of their own. */
json_t *ln__sq_rec_change(const ln_st_change *c)
{
    char hex[65];
    ln__sq_sha_hex(c->json, c->len, hex);
    json_t *o = json_object();
    put(o, "id", json_string(c->id));
    put(o, "contract", json_string(c->contract));
    put(o, "kind", json_integer(c->kind));
    put(o, "sha256", json_string(hex));
    put(o, "state", json_integer(c->state));
    put(o, "reason", json_integer(c->reason));
    put(o, "detail", json_string(c->detail));
    return o;
}
