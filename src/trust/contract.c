/*
 * contract.c - contract documents: parties and their Ed25519 keys, the
 * protected scope, the term and the threshold rules (docs/trust.md,
 * "Contracts").
 *
 * Exports: ln_trust_contract_*, ln_trust_kind_name; the area's
 * ln__trust_contract_from_json, ln__trust_kind, ln__trust_strlist*,
 * ln__trust_err.
 *
 * Strict: every member is known and typed, every party id and every key
 * occurs once in the whole contract (a key listed twice, in one party or
 * two, is refused: one key is one signer), every party a rule names
 * exists, 1 <= k <= what the clause can count. The region is a GeoJSON
 * geometry, Feature or FeatureCollection loaded as a zone set.
 */
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leonet/zone.h"
#include "trust/trust_int.h"

static const char *const kinds[LN_TRUST_KIND_COUNT_] = {
    "kill", "suspend", "zone-edit", "coverage", "amend"};

const char *ln_trust_kind_name(int kind)
{
    return kind >= 0 && kind < LN_TRUST_KIND_COUNT_ ? kinds[kind] : "";
}

int ln__trust_kind(const char *name)
{
    for (int i = 0; i < LN_TRUST_KIND_COUNT_; i++)
        if (strcmp(name, kinds[i]) == 0)
            return i;
    return -1;
}

int ln__trust_err(ln_diag *d, const char *text, size_t n, const char *path,
                  const char *fmt, ...)
{
    char msg[sizeof d->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ln_diag_set(d, LN_EPARSE, NULL, 0, 0, path, "%s", msg);
    if (text)
        ln_json_locate(text, n, path, &d->line, &d->col);
    return LN_EPARSE;
}

void ln__trust_strlist_free(char **l)
{
    if (!l)
        return;
    for (char **p = l; *p; p++)
        free(*p);
    free(l);
}

int ln__trust_strlist(const json_t *a, char ***out)
{
    *out = NULL;
    if (!a)
        return 0;
    if (!json_is_array(a))
        return LN__TRUST_NOT_LIST;
    size_t n = json_array_size(a);
    char **l = calloc(n + 1, sizeof *l);
    if (!l)
        return LN_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        const json_t *s = json_array_get(a, i);
        if (!json_is_string(s) || json_string_length(s) == 0 ||
            strlen(json_string_value(s)) != json_string_length(s) ||
            !(l[i] = strdup(json_string_value(s)))) {
            ln__trust_strlist_free(l);
            return json_is_string(s) && json_string_length(s) > 0 &&
                           strlen(json_string_value(s)) ==
                               json_string_length(s)
                       ? LN_ENOMEM
                       : LN__TRUST_BAD_ITEM - (int)i;
        }
    }
    *out = l;
    return 0;
}

void ln_trust_contract_free(ln_trust_contract *c)
{
    if (!c)
        return;
    ln__trust_strlist_free(c->accounts);
    ln__trust_strlist_free(c->terminals);
    ln__trust_strlist_free(c->zones);
    ln_zoneset_free(c->region);
    free(c);
}

const char *ln_trust_contract_id(const ln_trust_contract *c)
{
    return c->id;
}

/* The members of o must all be in allowed (NULL-terminated). */
static int only(const json_t *o, const char *const *allowed, const char *t,
                size_t n, const char *path, ln_diag *d)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)o, k, v) {
        int ok = 0;
        for (const char *const *a = allowed; *a; a++)
            ok |= strcmp(*a, k) == 0;
        if (!ok) {
            char p[256];
            snprintf(p, sizeof p, "%s%s%s", path, *path ? "." : "", k);
            return ln__trust_err(d, t, n, p, "unknown member '%s'", k);
        }
    }
    return 0;
}

typedef struct ctx {
    const char *text;
    size_t n;
    const char *base; /* member path prefix */
    ln_diag *d;
    char p[256];      /* scratch path */
} ctx;

static const char *at(ctx *x, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static const char *at(ctx *x, const char *fmt, ...)
{
    char s[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s, sizeof s, fmt, ap);
    va_end(ap);
    snprintf(x->p, sizeof x->p, "%s%s%s", x->base, *x->base ? "." : "", s);
    return x->p;
}

static int party_index(const ln_trust_contract *c, const char *id)
{
    for (int i = 0; i < c->nparty; i++)
        if (strcmp(c->party[i], id) == 0)
            return i;
    return -1;
}

static int parse_parties(ctx *x, const json_t *a, ln_trust_contract *c)
{
    static const char *const mem[] = {"id", "keys", "name", NULL};
    if (!json_is_array(a) || json_array_size(a) == 0)
        return ln__trust_err(x->d, x->text, x->n, at(x, "parties"),
                             "expected a non-empty array of parties");
    if (json_array_size(a) > LN__TRUST_MAX_PARTIES)
        return ln__trust_err(x->d, x->text, x->n, at(x, "parties"),
                             "more than %d parties", LN__TRUST_MAX_PARTIES);
    for (size_t i = 0; i < json_array_size(a); i++) {
        const json_t *p = json_array_get(a, i), *id, *keys;
        if (!json_is_object(p))
            return ln__trust_err(x->d, x->text, x->n,
                                 at(x, "parties[%zu]", i),
                                 "expected an object {id, keys}");
        if (only(p, mem, x->text, x->n, at(x, "parties[%zu]", i), x->d))
            return LN_EPARSE;
        id = json_object_get(p, "id");
        if (!json_is_string(id) || json_string_length(id) == 0 ||
            json_string_length(id) >= sizeof c->party[0])
            return ln__trust_err(x->d, x->text, x->n,
                                 at(x, "parties[%zu].id", i),
                                 "expected a string of 1..63 bytes");
        if (party_index(c, json_string_value(id)) >= 0)
            return ln__trust_err(x->d, x->text, x->n,
                                 at(x, "parties[%zu].id", i),
                                 "party '%s' listed twice",
                                 json_string_value(id));
        snprintf(c->party[c->nparty], sizeof c->party[0], "%s",
                 json_string_value(id));
        keys = json_object_get(p, "keys");
        if (!json_is_array(keys) || json_array_size(keys) == 0)
            return ln__trust_err(x->d, x->text, x->n,
                                 at(x, "parties[%zu].keys", i),
                                 "expected a non-empty array of public keys "
                                 "(NAME+ID+BASE64)");
        for (size_t j = 0; j < json_array_size(keys); j++) {
            const json_t *k = json_array_get(keys, j);
            const char *kp = at(x, "parties[%zu].keys[%zu]", i, j);
            ln_diag kd;
            ln_diag_clear(&kd);
            if (c->nkey == LN__TRUST_MAX_KEYS)
                return ln__trust_err(x->d, x->text, x->n, kp,
                                     "more than %d keys",
                                     LN__TRUST_MAX_KEYS);
            ln_trust_key *key = &c->key[c->nkey];
            if (!json_is_string(k) ||
                ln_trust_key_parse(json_string_value(k),
                                   json_string_length(k), key, &kd) ||
                key->has_secret)
                return ln__trust_err(x->d, x->text, x->n, kp, "%s",
                                     json_is_string(k) && !kd.msg[0]
                                         ? "a private key in a contract"
                                         : kd.msg[0] ? kd.msg
                                                     : "expected a string");
            for (int m = 0; m < c->nkey; m++)
                if (memcmp(c->key[m].pub, key->pub, 32) == 0)
                    return ln__trust_err(x->d, x->text, x->n, kp,
                                         "key already listed for party "
                                         "'%s': one key is one signer",
                                         c->party[c->key_party[m]]);
            c->key_party[c->nkey++] = c->nparty;
        }
        c->nparty++;
    }
    return 0;
}

static int parse_scope(ctx *x, const json_t *s, ln_trust_contract *c)
{
    static const char *const mem[] = {"accounts", "terminals", "zones",
                                      "region", NULL};
    if (!json_is_object(s))
        return ln__trust_err(x->d, x->text, x->n, at(x, "scope"),
                             "expected an object");
    if (only(s, mem, x->text, x->n, at(x, "scope"), x->d))
        return LN_EPARSE;
    char ***lists[3] = {&c->accounts, &c->terminals, &c->zones};
    for (int i = 0; i < 3; i++) {
        int rc = ln__trust_strlist(json_object_get(s, mem[i]), lists[i]);
        if (rc == LN_ENOMEM)
            return rc;
        if (rc)
            return ln__trust_err(x->d, x->text, x->n,
                                 rc == LN__TRUST_NOT_LIST
                                     ? at(x, "scope.%s", mem[i])
                                     : at(x, "scope.%s[%d]", mem[i],
                                          LN__TRUST_BAD_ITEM - rc),
                                 "expected an array of non-empty strings");
    }
    const json_t *r = json_object_get(s, "region");
    if (r) {
        char *g = json_dumps(r, JSON_COMPACT);
        ln_diag gd;
        ln_diag_clear(&gd);
        int rc = g ? ln_zoneset_new(LN_ZONE_ALLOW, &c->region) : LN_ENOMEM;
        if (!rc)
            rc = ln_zoneset_load_buffer(c->region, g, strlen(g), "region", 0,
                                        &gd);
        free(g);
        if (rc == LN_ENOMEM)
            return rc;
        if (rc)
            return ln__trust_err(x->d, x->text, x->n, at(x, "scope.region"),
                                 "not a GeoJSON area: %s", gd.msg);
    }
    if (!c->accounts && !c->terminals && !c->zones && !c->region)
        return ln__trust_err(x->d, x->text, x->n, at(x, "scope"),
                             "protects nothing: name accounts, terminals, "
                             "zones or a region");
    return 0;
}

static int parse_time(ctx *x, const json_t *t, const char *name, double *out)
{
    const json_t *v = json_object_get(t, name);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v) || ln_time_parse_iso(json_string_value(v), out))
        return ln__trust_err(x->d, x->text, x->n, at(x, "term.%s", name),
                             "expected an ISO 8601 UTC time "
                             "(YYYY-MM-DDTHH:MM:SSZ) or null");
    return 0;
}

static int parse_clause(ctx *x, const json_t *q, ln_trust_contract *c,
                        ln__trust_clause *cl, const char *path)
{
    static const char *const mem[] = {"of", "k", "count", NULL};
    char p[320];
    snprintf(p, sizeof p, "%s", path);
    if (!json_is_object(q))
        return ln__trust_err(x->d, x->text, x->n, p,
                             "expected {\"of\": [parties], \"k\": K}");
    if (only(q, mem, x->text, x->n, p, x->d))
        return LN_EPARSE;
    const json_t *of = json_object_get(q, "of"), *k = json_object_get(q, "k"),
                 *cnt = json_object_get(q, "count");
    if (!json_is_array(of) || json_array_size(of) == 0)
        return ln__trust_err(x->d, x->text, x->n, p,
                             "\"of\" must be a non-empty array of party "
                             "ids");
    int nkeys = 0;
    for (size_t i = 0; i < json_array_size(of); i++) {
        const json_t *s = json_array_get(of, i);
        int pi = json_is_string(s) ? party_index(c, json_string_value(s)) : -1;
        if (pi < 0)
            return ln__trust_err(x->d, x->text, x->n, p,
                                 "\"of\"[%zu]: not a party of the contract",
                                 i);
        cl->parties |= UINT32_C(1) << pi;
        for (int j = 0; j < c->nkey; j++)
            nkeys += c->key_party[j] == pi;
    }
    cl->count_keys = 0;
    if (cnt && !(json_is_string(cnt) &&
                 (!strcmp(json_string_value(cnt), "parties") ||
                  (cl->count_keys = !strcmp(json_string_value(cnt),
                                            "keys")))))
        return ln__trust_err(x->d, x->text, x->n, p,
                             "\"count\" must be \"parties\" or \"keys\"");
    int n = 0;
    for (int i = 0; i < 32; i++)
        n += (int)(cl->parties >> i & 1);
    int max = cl->count_keys ? nkeys : n;
    if (!json_is_integer(k) || json_integer_value(k) < 1 ||
        json_integer_value(k) > max)
        return ln__trust_err(x->d, x->text, x->n, p,
                             "\"k\" must be an integer from 1 to %d (the "
                             "%s it names)", max,
                             cl->count_keys ? "keys of the parties"
                                            : "parties");
    cl->k = (int)json_integer_value(k);
    return 0;
}

static int parse_rules(ctx *x, const json_t *a, ln_trust_contract *c)
{
    static const char *const mem[] = {"kind", "rule", "emergency", "require",
                                      NULL};
    if (!json_is_array(a) || json_array_size(a) == 0 ||
        json_array_size(a) > LN__TRUST_MAX_RULES)
        return ln__trust_err(x->d, x->text, x->n, at(x, "thresholds"),
                             "expected an array of 1..%d rules",
                             LN__TRUST_MAX_RULES);
    for (size_t i = 0; i < json_array_size(a); i++) {
        const json_t *r = json_array_get(a, i);
        ln__trust_rule *ru = &c->rule[c->nrule];
        char rp[256];
        snprintf(rp, sizeof rp, "%s", at(x, "thresholds[%zu]", i));
        if (!json_is_object(r))
            return ln__trust_err(x->d, x->text, x->n, rp,
                                 "expected an object");
        if (only(r, mem, x->text, x->n, rp, x->d))
            return LN_EPARSE;
        const json_t *kind = json_object_get(r, "kind"),
                     *name = json_object_get(r, "rule"),
                     *em = json_object_get(r, "emergency"),
                     *req = json_object_get(r, "require");
        ru->kind = json_is_string(kind)
                       ? ln__trust_kind(json_string_value(kind)) : -1;
        if (ru->kind < 0)
            return ln__trust_err(x->d, x->text, x->n, rp,
                                 "\"kind\" must be one of kill, suspend, "
                                 "zone-edit, coverage, amend");
        if (name && (!json_is_string(name) ||
                     json_string_length(name) >= sizeof ru->name))
            return ln__trust_err(x->d, x->text, x->n, rp,
                                 "\"rule\" must be a name under 64 bytes");
        snprintf(ru->name, sizeof ru->name, "%s",
                 name ? json_string_value(name) : "default");
        if (em && !json_is_boolean(em))
            return ln__trust_err(x->d, x->text, x->n, rp,
                                 "\"emergency\" must be true or false");
        ru->emergency = em && json_is_true(em);
        if (!json_is_array(req) || json_array_size(req) == 0 ||
            json_array_size(req) > LN__TRUST_MAX_CLAUSES)
            return ln__trust_err(x->d, x->text, x->n, rp,
                                 "\"require\" must be an array of 1..%d "
                                 "clauses", LN__TRUST_MAX_CLAUSES);
        for (size_t j = 0; j < json_array_size(req); j++) {
            char cp[320];
            snprintf(cp, sizeof cp, "%s.require[%zu]", rp, j);
            if (parse_clause(x, json_array_get(req, j), c,
                             &ru->clause[ru->nclause++], cp))
                return LN_EPARSE;
        }
        c->nrule++;
    }
    return 0;
}

int ln__trust_contract_from_json(const json_t *root, const char *text,
                                 size_t n, const char *base,
                                 ln_trust_contract **out, ln_diag *d)
{
    static const char *const mem[] = {"contract", "parties", "scope", "term",
                                      "thresholds", "note", NULL};
    static const char *const tmem[] = {"from", "until", NULL};
    ctx x = {text, n, base, d, ""};
    *out = NULL;
    if (!json_is_object(root))
        return ln__trust_err(d, text, n, base, "a contract is an object");
    if (only(root, mem, text, n, base, d))
        return LN_EPARSE;
    ln_trust_contract *c = calloc(1, sizeof *c);
    if (!c)
        return LN_ENOMEM;
    c->from_unix_s = -INFINITY;
    c->until_unix_s = INFINITY;
    const json_t *id = json_object_get(root, "contract"),
                 *term = json_object_get(root, "term");
    int rc = 0;
    if (!json_is_string(id) || json_string_length(id) == 0 ||
        json_string_length(id) >= sizeof c->id)
        rc = ln__trust_err(d, text, n, at(&x, "contract"),
                           "expected the contract's id (1..127 bytes)");
    if (!rc) {
        snprintf(c->id, sizeof c->id, "%s", json_string_value(id));
        rc = parse_parties(&x, json_object_get(root, "parties"), c);
    }
    if (!rc)
        rc = parse_scope(&x, json_object_get(root, "scope"), c);
    if (!rc && term && (!json_is_object(term) ||
                        only(term, tmem, text, n, at(&x, "term"), d)))
        rc = json_is_object(term)
                 ? LN_EPARSE
                 : ln__trust_err(d, text, n, at(&x, "term"),
                                 "expected {\"from\": T, \"until\": T}");
    if (!rc && term)
        rc = parse_time(&x, term, "from", &c->from_unix_s);
    if (!rc && term)
        rc = parse_time(&x, term, "until", &c->until_unix_s);
    if (!rc && !(c->from_unix_s < c->until_unix_s))
        rc = ln__trust_err(d, text, n, at(&x, "term"),
                           "\"from\" must come before \"until\"");
    if (!rc)
        rc = parse_rules(&x, json_object_get(root, "thresholds"), c);
    if (rc) {
        ln_trust_contract_free(c);
        return rc;
    }
    *out = c;
    return 0;
}

int ln_trust_contract_parse(const char *json, size_t n,
                            ln_trust_contract **out, ln_diag *d)
{
    json_error_t je;
    *out = NULL;
    json_t *v = json_loadb(json, n, JSON_REJECT_DUPLICATES, &je);
    if (!v)
        return ln_diag_set(d, LN_EPARSE, NULL, je.line, je.column, NULL,
                           "%s", je.text);
    int rc = ln__trust_contract_from_json(v, json, n, "", out, d);
    json_decref(v);
    return rc;
}
