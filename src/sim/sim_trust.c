/*
 * sim_trust.c - the run's side of a scenario's contracts (sim_trust.h):
 * the simulator's audit log, the decision of each timed change request,
 * the protected terminals, and the outputs (events.csv rows, summary.json
 * "changes" and "audit", audit.log).
 *
 * The log (RFC 9162 via trust's ln_trust_log, every leaf kept): leaves
 * 0..k-1 are the contracts' canonical JSON in scenario order, then one
 * leaf per decided change request, at its time, in time order: the
 * canonical JSON of {"type":"change","t":ISO,"contract":ID,"request":
 * DOC,"signatures":[LINES],"verdict":{...}}. A request is decided with
 * ln_trust_evaluate at its own time against the log head of that moment
 * (so a request is bound to the head after the leaves before it), the
 * nonces of granted requests of the run counting as used. Everything is
 * decided at setup from the scenario alone: the same on every MPI rank
 * and thread count. A granted kill or suspend becomes a policy event with
 * LN_POLICY_GRANTED for its target accounts; other kinds are logged and
 * have no effect in the simulator.
 *
 * Protection (LN_POLICY_PROTECTED per terminal) is resolved from the
 * contracts in force at the run's start: the terminal's account id, its
 * id "UT" + 8-digit index (as leonetd seed names it), the id of the zone
 * that holds it, its position in the region. Mobile terminals are
 * resolved again at each move when a contract in force names zones or a
 * region.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "sim/sim_int.h"
#include "sim/sim_trust.h"

static int nonce_used(void *ctx, const unsigned char *nonce, size_t n)
{
    const struct ln_sc_trust *t = ctx;
    for (size_t i = 0; i < t->nchanges; i++) {
        const ln__sc_change *c = &t->changes[i];
        if (c->decided && c->v.effect && c->nnonce == n &&
            memcmp(c->nonce, nonce, n) == 0)
            return 1;
    }
    return 0;
}

static int add_leaf(struct ln_sc_trust *t, ln_trust_log *lg, const char *b,
                    size_t n)
{
    size_t k = t->nleaves;
    char **l = ln_realloc(t->leaf, (k + 1) * sizeof *l);
    if (!l)
        return LN_ENOMEM;
    t->leaf = l;
    size_t *nl = ln_realloc(t->nleaf, (k + 1) * sizeof *nl);
    if (!nl)
        return LN_ENOMEM;
    t->nleaf = nl;
    if (!(t->leaf[k] = ln_malloc(n + 1)))
        return LN_ENOMEM;
    memcpy(t->leaf[k], b, n);
    t->leaf[k][n] = '\0';
    t->nleaf[k] = n;
    t->nleaves++;
    unsigned char h[32];
    ln_trust_leaf_hash(b, n, h);
    return ln_trust_log_append(lg, h);
}

/* The parties whose key made a valid signature over the request: each
 * line tried against each key of the contract (never the claimed name). */
static json_t *signers(const ln__sc_contract *k, const ln__sc_change *ch)
{
    json_t *a = json_array();
    size_t nm;
    const unsigned char *msg = ln_trust_request_message(ch->r, &nm);
    for (size_t j = 0; j < k->nkeys; j++) {
        int ok = 0;
        for (size_t s = 0; s < ch->nsigs && !ok; s++)
            ok = ch->sigs[s].nsig == 64 &&
                 ln_trust_verify(k->pub[j], msg, nm, ch->sigs[s].sig) == 0;
        int seen = 0;
        for (size_t q = 0; q < json_array_size(a); q++)
            seen |= !strcmp(json_string_value(json_array_get(a, q)),
                            k->party[j]);
        if (ok && !seen)
            json_array_append_new(a, json_string(k->party[j]));
    }
    return a;
}

static json_t *verdict_json(const ln__sc_change *ch)
{
    json_t *v = json_object();
    json_object_set_new(v, "effect", json_string(ch->v.effect ? "granted"
                                                              : "refused"));
    json_object_set_new(v, "reason",
                        json_string(ch->v.effect
                                        ? ""
                                        : ln_trust_reason_name(ch->v.reason)));
    json_object_set_new(v, "detail", json_string(ch->v.detail));
    json_object_set_new(v, "emergency", json_boolean(ch->v.emergency));
    json_object_set_new(v, "signers", json_incref(ch->signers));
    return v;
}

/* The change's leaf: canonical JSON of its record. */
static int change_leaf(struct ln_sc_trust *t, ln_trust_log *lg,
                       const ln__sc_change *ch)
{
    char b[40];
    json_t *o = json_object(), *sg = json_array();
    for (size_t s = 0; s < ch->nsigs; s++)
        json_array_append_new(sg, json_string(ch->sigtext[s]));
    json_object_set_new(o, "type", json_string("change"));
    json_object_set_new(o, "t", json_string(ln_time_format_iso(
                                    ch->t_unix_s, 0, b, sizeof b)));
    json_object_set_new(o, "contract", json_string(ch->contract));
    json_object_set_new(o, "request", json_incref(ch->doc));
    json_object_set_new(o, "signatures", sg);
    json_object_set_new(o, "verdict", verdict_json(ch));
    char *txt = json_dumps(o, JSON_COMPACT), *canon = NULL;
    json_decref(o);
    size_t nc;
    ln_diag d;
    int rc = txt ? ln_trust_canonical(txt, strlen(txt), &canon, &nc, &d)
                 : LN_ENOMEM;
    free(txt);
    if (!rc)
        rc = add_leaf(t, lg, canon, nc);
    free(canon);
    return rc;
}

/* Decides change ch at its time against the log lg. */
static int decide_change(ln__engine *e, ln_trust_log *lg, ln__sc_change *ch)
{
    struct ln_sc_trust *t = e->sc->trust;
    ch->contract_ix = 0;
    for (size_t k = 0; k < t->ncontracts; k++)
        if (!strcmp(ln_trust_contract_id(t->contracts[k].c), ch->contract))
            ch->contract_ix = (int)k;
    const ln__sc_contract *k = &t->contracts[ch->contract_ix];
    ln_trust_env env = {.now_unix_s = ch->t_unix_s,
                        .head_size = ln_trust_log_size(lg),
                        .nonce_used = nonce_used,
                        .ctx = t};
    int rc = ln_trust_log_root(lg, env.head_size, env.head_root);
    if (!rc)
        rc = ln_trust_evaluate(k->c, ch->r, ch->sigs, ch->nsigs, &env,
                               &ch->v);
    if (rc)
        return rc;
    json_decref(ch->signers);
    if (!(ch->signers = signers(k, ch)))
        return LN_ENOMEM;
    if ((rc = change_leaf(t, lg, ch)))
        return rc;
    ch->decided = 1;
    int act = !strcmp(ch->kind, "kill")      ? LN_POLICY_KILL
              : !strcmp(ch->kind, "suspend") ? LN_POLICY_SUSPEND
                                             : -1;
    for (size_t a = 0; ch->v.effect && act >= 0 && a < ch->naccounts; a++)
        if ((rc = ln_policy_add_event_flags(e->pol, ch->t_unix_s,
                                            ch->accounts[a], act,
                                            LN_POLICY_GRANTED)))
            return rc;
    return 0;
}

static int in_force(const ln__sc_contract *k, double t)
{
    return k->from_unix_s <= t && t < k->until_unix_s;
}

unsigned ln__sim_trust_flags(const ln__engine *e, size_t i, double t)
{
    const struct ln_sc_trust *tr = e->sc->trust;
    char tid[32];
    snprintf(tid, sizeof tid, "UT%08zu", i);
    ln_zone_decision z = ln_zoneset_decide(e->zones, e->lat[i], e->lon[i], t);
    const char *zid = z.zone >= 0 ? ln_zoneset_zone(e->zones,
                                                    (size_t)z.zone)->id
                                  : NULL;
    const char *acc = e->sc->accounts[e->acct[i]].id;
    for (size_t k = 0; k < tr->ncontracts; k++) {
        const ln__sc_contract *c = &tr->contracts[k];
        if (!in_force(c, e->sc->start_unix_s))
            continue;
        if (ln_trust_contract_protects(c->c, acc, tid, zid) ||
            ln_trust_contract_covers_deg(c->c, e->lat[i] * LN_RAD2DEG,
                                         e->lon[i] * LN_RAD2DEG))
            return LN_POLICY_PROTECTED;
    }
    return 0;
}

int ln__sim_trust_setup(ln__engine *e, ln_diag *diag)
{
    struct ln_sc_trust *t = e->sc->trust;
    if (!t)
        return 0;
    ln_trust_log *lg;
    int rc = ln_trust_log_new(0, NULL, NULL, &lg);
    if (rc)
        return ln_diag_set(diag, rc, NULL, 0, 0, NULL, "audit log: %s",
                           ln_strerror(rc));
    for (size_t i = 0; i < t->nleaves; i++) /* a previous setup's */
        ln_free(t->leaf[i]);
    t->nleaves = 0;
    for (size_t k = 0; k < t->ncontracts && !rc; k++)
        rc = add_leaf(t, lg, t->contracts[k].canon, t->contracts[k].ncanon);
    double end = e->sc->start_unix_s + e->nsteps * e->sc->step_s;
    for (size_t i = 0; i < t->nchanges && !rc; i++) {
        t->changes[i].decided = 0;
        if (t->changes[i].t_unix_s < end)
            rc = decide_change(e, lg, &t->changes[i]);
    }
    if (!rc)
        rc = ln_trust_log_root(lg, ln_trust_log_size(lg), t->root);
    ln_trust_log_free(lg);
    if (rc)
        return ln_diag_set(diag, rc, NULL, 0, 0, "change_requests",
                           "audit log: %s", ln_strerror(rc));
    ALLOC(e->tflags, e->nt);
    for (size_t k = 0; k < t->ncontracts; k++)
        e->tflags_moving |= t->contracts[k].by_place &&
                            in_force(&t->contracts[k], e->sc->start_unix_s);
    for (size_t i = 0; i < e->nt; i++)
        e->tflags[i] = (unsigned char)ln__sim_trust_flags(
            e, i, e->sc->start_unix_s);
    return 0;
}

/* ---- outputs ------------------------------------------------------------ */

void ln__sim_trust_summary(const ln__engine *e, json_t *root)
{
    const struct ln_sc_trust *t = e->sc->trust;
    if (!t)
        return;
    json_t *a = json_array();
    char b[40], r64[64];
    for (size_t i = 0; i < t->nchanges; i++) {
        const ln__sc_change *ch = &t->changes[i];
        if (!ch->decided)
            continue;
        json_t *o = json_object();
        json_object_set_new(o, "t", json_string(ln_time_format_iso(
                                        ch->t_unix_s, 0, b, sizeof b)));
        json_object_set_new(o, "contract", json_string(ch->contract));
        json_object_set_new(o, "kind", json_string(ch->kind));
        json_object_set_new(o, "targets", ch->targets
                                              ? json_deep_copy(ch->targets)
                                              : json_array());
        json_object_set_new(o, "effect", json_string(ch->v.effect
                                                         ? "granted"
                                                         : "refused"));
        json_object_set_new(o, "reason",
                            json_string(ln_trust_reason_name(ch->v.reason)));
        json_object_set_new(o, "detail", json_string(ch->v.detail));
        json_object_set_new(o, "signers", json_deep_copy(ch->signers));
        json_array_append_new(a, o);
    }
    json_object_set_new(root, "changes", a);
    json_t *au = json_object();
    ln_trust_b64_encode(t->root, 32, r64, sizeof r64);
    json_object_set_new(au, "size", json_integer((json_int_t)t->nleaves));
    json_object_set_new(au, "root", json_string(r64));
    json_object_set_new(root, "audit", au);
}

/* "a b" of a JSON array of strings into buf */
static void join(const json_t *a, char *buf, size_t n, const char *sep)
{
    size_t at = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < json_array_size(a) && at < n; i++)
        at += (size_t)snprintf(buf + at, n - at, "%s%s", i ? sep : "",
                               json_string_value(json_array_get(a, i)));
}

int ln__sim_trust_rows(const ln__engine *e, FILE *f, double upto,
                       size_t *next)
{
    const struct ln_sc_trust *t = e->sc->trust;
    if (!t)
        return 0;
    for (; *next < t->nchanges && t->changes[*next].t_unix_s <= upto;
         (*next)++) {
        const ln__sc_change *ch = &t->changes[*next];
        if (!ch->decided)
            continue;
        char b[40], acc[512], who[512], why[1200];
        join(ch->targets, acc, sizeof acc, " ");
        join(ch->signers, who, sizeof who, " ");
        snprintf(why, sizeof why, "%s%scontract %s; %s; signed by %s",
                 ch->v.effect ? "" : ln_trust_reason_name(ch->v.reason),
                 ch->v.effect ? "" : ": ", ch->contract, ch->kind,
                 who[0] ? who : "no party");
        fputs(ln_time_format_iso(ch->t_unix_s, 0, b, sizeof b), f);
        fputs(",,", f);
        ln_csv_put(f, acc);
        fputs(ch->v.effect ? ",change-granted," : ",change-refused,", f);
        ln_csv_put(f, why);
        fputs(",,\n", f);
    }
    return 0;
}

void ln__sim_trust_print(const ln__engine *e, FILE *f)
{
    const struct ln_sc_trust *t = e->sc->trust;
    for (size_t i = 0; t && i < t->nchanges; i++) {
        const ln__sc_change *ch = &t->changes[i];
        if (!ch->decided)
            continue;
        char b[40], acc[512], who[512];
        join(ch->targets, acc, sizeof acc, " ");
        join(ch->signers, who, sizeof who, " ");
        fprintf(f, "  change %s %s %s (contract %s), signed by %s: %s%s%s\n",
                ln_time_format_iso(ch->t_unix_s, 0, b, sizeof b), ch->kind,
                acc[0] ? acc : "-", ch->contract, who[0] ? who : "no party",
                ch->v.effect ? "granted" : "refused, ",
                ch->v.effect ? "" : ln_trust_reason_name(ch->v.reason),
                ch->v.effect ? (ch->v.emergency ? " (emergency term)" : "")
                             : "");
    }
}

int ln__sim_trust_write_log(const ln__engine *e, ln_outset *os, ln_diag *diag)
{
    const struct ln_sc_trust *t = e->sc->trust;
    if (!t || !t->origin[0])
        return 0;
    char *kt, b64[1600], line[256], text[512];
    size_t nk;
    ln_trust_key key;
    ln_diag d;
    int rc = ln_read_file(t->key, 4096, &kt, &nk, diag);
    if (rc)
        return rc;
    rc = ln_trust_key_parse(kt, nk, &key, &d);
    sodium_memzero(kt, nk); /* the secret key's text */
    ln_free(kt);
    if (rc)
        return ln_diag_set(diag, LN_ESCENARIO, t->key, 0, 0, "audit.key",
                           "%s", d.msg);
    ln_trust_checkpoint cp = {.size = t->nleaves};
    snprintf(cp.origin, sizeof cp.origin, "%s", t->origin);
    memcpy(cp.root, t->root, 32);
    if (!(rc = ln_trust_checkpoint_format(&cp, text, sizeof text)))
        rc = ln_trust_note_sign(&key, text, strlen(text), line, sizeof line);
    sodium_memzero(&key, sizeof key);
    if (rc)
        return ln_diag_set(diag, rc, NULL, 0, 0, "audit", "checkpoint: %s",
                           ln_strerror(rc));
    FILE *f = ln_outset_fopen(os, "audit.log", diag);
    if (!f)
        return LN_EIO;
    fputs("leonet-log v1\n", f);
    for (size_t i = 0; i < t->nleaves && !rc; i++) {
        size_t cap = (t->nleaf[i] + 2) / 3 * 4 + 1;
        char *enc = ln_malloc(cap);
        if (!enc) {
            rc = LN_ENOMEM;
            break;
        }
        ln_trust_b64_encode((const unsigned char *)t->leaf[i], t->nleaf[i],
                            enc, cap);
        fprintf(f, "leaf %s\n", enc);
        ln_free(enc);
    }
    char note[1024];
    snprintf(note, sizeof note, "%s\n%s", text, line);
    ln_trust_b64_encode((const unsigned char *)note, strlen(note), b64,
                        sizeof b64);
    fprintf(f, "checkpoint %s\n", b64);
    int rc2 = ln_outset_fclose(os, f, "audit.log", diag);
    return rc ? ln_diag_set(diag, rc, NULL, 0, 0, NULL, "audit.log: %s",
                            ln_strerror(rc))
              : rc2;
}
