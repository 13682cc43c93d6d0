/*
 * scenario_trust.c - the scenario members "contracts", "change_requests"
 * and "audit" (docs/scenario.md "Contracts and change requests"), read
 * with the trust library's parsers (sim_trust.h).
 *
 * A contract or a request is given inline (a JSON object) or as {"file":
 * NAME} (found as every data file: ln_data_path). An error inside one
 * names the scenario member with the document's own member path
 * ("contracts[0].thresholds[1].require[0]") and its line:column: in the
 * scenario file for an inline document, in the named file otherwise.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "leonet/trust.h"
#include "sim/sim_trust.h"

/* A trust parser's diag (path and message) as a scenario error: inline
 * documents are located in the scenario text under base, files in file. */
static int doc_err(const ln__sim_doc *c, const char *base, const char *file,
                   const ln_diag *d)
{
    char p[600];
    if (d->path[0])
        snprintf(p, sizeof p, "%s.%s", base, d->path);
    else
        snprintf(p, sizeof p, "%s", base);
    if (!file)
        return ln__sim_err(c, p, "%s", d->msg);
    ln_diag_set(c->diag, LN_ESCENARIO, file, d->line, d->col, p,
                "%s (in the file named by %s)", d->msg, base);
    return LN_ESCENARIO;
}

/* The document of member v at path: its text (malloc'd) and, for a
 * {"file": NAME} reference, the resolved file name in file (else ""). */
static int doc_text(const ln__sim_doc *c, json_t *v, const char *path,
                    char **text, size_t *n, char *file, size_t nfile)
{
    static const char *const fk[] = {"file", NULL};
    file[0] = '\0';
    *text = NULL;
    if (!json_is_object(v))
        return ln__sim_err(c, path, "expected a JSON object or {\"file\": "
                                    "NAME}");
    if (json_object_size(v) == 1 && json_object_get(v, "file")) {
        int rc = ln__sim_keys(c, v, path, fk);
        if (!rc)
            rc = ln__sim_file(c, v, "file", path, 1, file, nfile);
        if (rc)
            return rc;
        if (ln_read_file(file, 1u << 20, text, n, c->diag)) {
            char pf[600];
            ln__sim_join(pf, sizeof pf, path, "file");
            return ln__sim_err(c, pf, "cannot read '%s'", file);
        }
        return 0;
    }
    *text = json_dumps(v, JSON_COMPACT);
    if (!*text)
        return LN_ENOMEM;
    *n = strlen(*text);
    return 0;
}

/* Term and keys of a parsed contract, read again from its JSON (the trust
 * library keeps them private): what setup and the signer list need. */
static int contract_extra(ln__sc_contract *k, const char *text, size_t n)
{
    json_t *v = json_loadb(text, n, 0, NULL);
    if (!v)
        return LN_ENOMEM;
    json_t *term = json_object_get(v, "term"), *parties, *p;
    k->from_unix_s = -INFINITY;
    k->until_unix_s = INFINITY;
    const char *f = json_string_value(json_object_get(term, "from"));
    const char *u = json_string_value(json_object_get(term, "until"));
    if (f)
        ln_time_parse_iso(f, &k->from_unix_s);
    if (u)
        ln_time_parse_iso(u, &k->until_unix_s);
    json_t *scope = json_object_get(v, "scope");
    k->by_place = json_object_get(scope, "region") != NULL ||
                  json_object_get(scope, "zones") != NULL;
    parties = json_object_get(v, "parties");
    size_t i, nk = 0;
    json_array_foreach(parties, i, p)
        nk += json_array_size(json_object_get(p, "keys"));
    k->pub = ln_calloc(nk ? nk : 1, sizeof *k->pub);
    k->party = ln_calloc(nk ? nk : 1, sizeof *k->party);
    int rc = k->pub && k->party ? 0 : LN_ENOMEM;
    json_array_foreach(parties, i, p) {
        size_t j;
        json_t *s;
        json_array_foreach(json_object_get(p, "keys"), j, s) {
            ln_trust_key key;
            ln_diag d;
            if (rc || ln_trust_key_parse(json_string_value(s),
                                         json_string_length(s), &key, &d))
                continue;
            memcpy(k->pub[k->nkeys], key.pub, 32);
            snprintf(k->party[k->nkeys], sizeof k->party[0], "%s",
                     json_string_value(json_object_get(p, "id")));
            k->nkeys++;
        }
    }
    json_decref(v);
    return rc;
}

static int parse_contracts(const ln__sim_doc *c, json_t *a,
                           struct ln_sc_trust *t)
{
    size_t n = json_array_size(a);
    t->contracts = ln_calloc(n ? n : 1, sizeof *t->contracts);
    if (!t->contracts)
        return LN_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        char p[64], file[LN_PATH_MAX];
        ln__sim_join_idx(p, sizeof p, "contracts", i);
        ln__sc_contract *k = &t->contracts[t->ncontracts];
        char *text;
        size_t len;
        ln_diag d;
        ln_diag_clear(&d);
        int rc = doc_text(c, json_array_get(a, i), p, &text, &len, file,
                          sizeof file);
        if (rc)
            return rc;
        rc = ln_trust_contract_parse(text, len, &k->c, &d);
        if (!rc)
            rc = ln_trust_canonical(text, len, &k->canon, &k->ncanon, &d);
        if (rc == LN_EPARSE)
            rc = doc_err(c, p, file[0] ? file : NULL, &d);
        if (!rc)
            rc = contract_extra(k, text, len);
        free(text);
        if (rc)
            return rc;
        t->ncontracts++;
        for (size_t j = 0; j < i; j++)
            if (!strcmp(ln_trust_contract_id(t->contracts[j].c),
                        ln_trust_contract_id(k->c)))
                return ln__sim_err(c, p, "contract id '%s' is also the id "
                                         "of contracts[%zu]",
                                   ln_trust_contract_id(k->c), j);
    }
    return 0;
}

static int find_account(const ln_scenario *s, const char *id)
{
    for (size_t a = 0; a < s->naccounts; a++)
        if (strcmp(s->accounts[a].id, id) == 0)
            return (int)a;
    return -1;
}

/* What the simulator reads from a parsed request's document: the
 * contract it names, its kind, target accounts and nonce. */
static int request_fields(const ln__sim_doc *c, const char *p,
                          ln__sc_change *ch, const ln_scenario *s,
                          const char *file, const char *text, size_t len)
{
    json_t *d = ch->doc;
    snprintf(ch->contract, sizeof ch->contract, "%s",
             json_string_value(json_object_get(d, "contract")));
    snprintf(ch->kind, sizeof ch->kind, "%s",
             json_string_value(json_object_get(d, "kind")));
    const char *nonce = json_string_value(json_object_get(d, "nonce"));
    if (nonce && ln_trust_b64_decode(nonce, strlen(nonce), ch->nonce,
                                     sizeof ch->nonce, &ch->nnonce))
        ch->nnonce = 0;
    json_t *acc = json_object_get(json_object_get(d, "target"), "accounts");
    ch->targets = acc;
    size_t na = json_array_size(acc), i;
    json_t *v;
    ch->accounts = ln_calloc(na ? na : 1, sizeof *ch->accounts);
    if (!ch->accounts)
        return LN_ENOMEM;
    json_array_foreach(acc, i, v) {
        int a = find_account(s, json_string_value(v));
        if (a < 0) {
            char pa[600], in[64];
            snprintf(pa, sizeof pa, "%s.request.target.accounts[%zu]", p, i);
            if (!file || !file[0])
                return ln__sim_err(c, pa, "no account with id '%s' in the "
                                          "scenario",
                                   json_string_value(v));
            /* a request in its own file: located there (found in review) */
            long line = 0, col = 0;
            snprintf(in, sizeof in, "target.accounts[%zu]", i);
            ln_json_locate(text, len, in, &line, &col);
            ln_diag_set(c->diag, LN_ESCENARIO, file, line, col, pa,
                        "no account with id '%s' in the scenario (in the "
                        "file named by %s.request)",
                        json_string_value(v), p);
            return LN_ESCENARIO;
        }
        ch->accounts[ch->naccounts++] = a;
    }
    return 0;
}

static int parse_sigs(const ln__sim_doc *c, json_t *e, const char *p,
                      ln__sc_change *ch)
{
    json_t *sg;
    int rc = ln__sim_arr(c, e, "signatures", p, 1, &sg);
    if (rc)
        return rc;
    size_t n = json_array_size(sg);
    if (n > LN_TRUST_NOTE_MAX_SIGS) {
        char ps[600];
        ln__sim_join(ps, sizeof ps, p, "signatures");
        return ln__sim_err(c, ps, "more than %d signatures",
                           LN_TRUST_NOTE_MAX_SIGS);
    }
    ch->sigs = ln_calloc(n ? n : 1, sizeof *ch->sigs);
    ch->sigtext = ln_calloc(n + 1, sizeof *ch->sigtext);
    if (!ch->sigs || !ch->sigtext)
        return LN_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        char ps[600];
        snprintf(ps, sizeof ps, "%s.signatures[%zu]", p, i);
        json_t *v = json_array_get(sg, i);
        ln_diag d;
        ln_diag_clear(&d);
        if (!json_is_string(v))
            return ln__sim_err(c, ps, "expected a signature line "
                                      "\"\xE2\x80\x94 NAME BASE64\"");
        const char *line = json_string_value(v);
        size_t len = json_string_length(v);
        if (len && line[len - 1] == '\n')
            len--; /* as `leonet sign` prints it */
        if (ln_trust_sigline_parse(line, len, &ch->sigs[i], &d))
            return ln__sim_err(c, ps, "%s", d.msg);
        ch->sigtext[i] = ln_malloc(len + 1);
        if (!ch->sigtext[i])
            return LN_ENOMEM;
        memcpy(ch->sigtext[i], line, len);
        ch->sigtext[i][len] = '\0';
        ch->nsigs++;
    }
    return 0;
}

static int parse_changes(const ln__sim_doc *c, json_t *a, ln_scenario *s)
{
    struct ln_sc_trust *t = s->trust;
    size_t n = json_array_size(a);
    t->changes = ln_calloc(n ? n : 1, sizeof *t->changes);
    if (!t->changes)
        return LN_ENOMEM;
    if (n && !t->ncontracts)
        return ln__sim_err(c, "change_requests", "change requests need a "
                                                 "contract (\"contracts\")");
    for (size_t i = 0; i < n; i++) {
        static const char *const keys[] = {"t", "request", "signatures",
                                           "note", NULL};
        char p[64], pr[80], file[LN_PATH_MAX];
        ln__sim_join_idx(p, sizeof p, "change_requests", i);
        ln__sim_join(pr, sizeof pr, p, "request");
        json_t *e = json_array_get(a, i), *rq;
        ln__sc_change *ch = &t->changes[t->nchanges];
        if (!json_is_object(e))
            return ln__sim_err(c, p, "expected an object {t, request, "
                                     "signatures}");
        int rc = ln__sim_keys(c, e, p, keys);
        if (!rc)
            rc = ln__sim_time(c, e, "t", p, 1, 0, &ch->t_unix_s);
        if (!rc)
            rc = ln__sim_obj(c, e, "request", p, 1, &rq);
        t->nchanges++;
        if (rc)
            return rc;
        if (i && ch->t_unix_s < t->changes[i - 1].t_unix_s) {
            char pt[80];
            ln__sim_join(pt, sizeof pt, p, "t");
            return ln__sim_err(c, pt, "change requests must be in time "
                                      "order");
        }
        char *text;
        size_t len;
        ln_diag d;
        ln_diag_clear(&d);
        if ((rc = doc_text(c, rq, pr, &text, &len, file, sizeof file)))
            return rc;
        rc = ln_trust_request_parse(text, len, &ch->r, &d);
        if (rc == LN_EPARSE)
            rc = doc_err(c, pr, file[0] ? file : NULL, &d);
        if (!rc && !(ch->doc = json_loadb(text, len, 0, NULL)))
            rc = LN_ENOMEM;
        if (!rc)
            rc = request_fields(c, p, ch, s, file, text, len);
        free(text);
        if (!rc)
            rc = parse_sigs(c, e, p, ch);
        if (rc)
            return rc;
    }
    return 0;
}

static int parse_audit(const ln__sim_doc *c, json_t *root,
                       struct ln_sc_trust *t)
{
    static const char *const keys[] = {"origin", "key", NULL};
    json_t *o;
    int rc = ln__sim_obj(c, root, "audit", "", 0, &o);
    if (rc || !o)
        return rc;
    if ((rc = ln__sim_keys(c, o, "audit", keys)) ||
        (rc = ln__sim_str(c, o, "origin", "audit", 1, NULL, t->origin,
                          sizeof t->origin)) ||
        (rc = ln__sim_file(c, o, "key", "audit", 1, t->key, sizeof t->key)))
        return rc;
    char *text;
    size_t n;
    ln_trust_key k;
    ln_diag d;
    ln_diag_clear(&d);
    if (ln_read_file(t->key, 4096, &text, &n, c->diag))
        return ln__sim_err(c, "audit.key", "cannot read '%s'", t->key);
    rc = ln_trust_key_parse(text, n, &k, &d);
    ln_free(text);
    if (rc || !k.has_secret)
        return ln__sim_err(c, "audit.key", "'%s': %s", t->key,
                           rc ? d.msg : "a public key: the log signs with "
                                        "its private key");
    /* a checkpoint's origin line: no newline, not empty */
    if (strchr(t->origin, '\n') || !t->origin[0])
        return ln__sim_err(c, "audit.origin", "one non-empty line");
    return 0;
}

int ln__sim_parse_trust(const ln__sim_doc *c, json_t *root, ln_scenario *s)
{
    json_t *ca, *ra;
    int rc;
    if ((rc = ln__sim_arr(c, root, "contracts", "", 0, &ca)) ||
        (rc = ln__sim_arr(c, root, "change_requests", "", 0, &ra)))
        return rc;
    if (!ca && !ra && !json_object_get(root, "audit"))
        return 0;
    s->trust = ln_calloc(1, sizeof *s->trust);
    if (!s->trust)
        return LN_ENOMEM;
    if (ca && (rc = parse_contracts(c, ca, s->trust)))
        return rc;
    if (ra && (rc = parse_changes(c, ra, s)))
        return rc;
    return parse_audit(c, root, s->trust);
}

void ln__sim_trust_free(struct ln_sc_trust *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->ncontracts; i++) {
        ln_trust_contract_free(t->contracts[i].c);
        free(t->contracts[i].canon);
        ln_free(t->contracts[i].pub);
        ln_free(t->contracts[i].party);
    }
    for (size_t i = 0; i < t->nchanges; i++) {
        ln__sc_change *ch = &t->changes[i];
        ln_trust_request_free(ch->r);
        json_decref(ch->doc);
        json_decref(ch->signers);
        for (size_t k = 0; ch->sigtext && ch->sigtext[k]; k++)
            ln_free(ch->sigtext[k]);
        ln_free(ch->sigtext);
        ln_free(ch->sigs);
        ln_free(ch->accounts);
    }
    for (size_t i = 0; i < t->nleaves; i++)
        ln_free(t->leaf[i]);
    ln_free(t->leaf);
    ln_free(t->nleaf);
    ln_free(t->contracts);
    ln_free(t->changes);
    ln_free(t);
}
