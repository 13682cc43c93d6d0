/*
 * eval.c - does a change request take effect under a contract, and if
 * not, why: the one decision of the trust area (as ln_policy_decide is
 * policy's).
 *
 * Exports: ln_trust_evaluate, ln_trust_reason_name.
 *
 * Reasons, in the order they are checked (trust.h, ln_trust_reason):
 * the contract named, its term, the request's expiry, the log head it is
 * bound to, its nonce, a threshold for its kind, its scope; then the
 * signatures. Each signature line is tried against every public key of
 * the contract (never trusting its name or key id, which only pick the
 * "bad-signature" message); a key counts once however often it signed.
 * A rule is met when every clause is: "parties" clauses count parties of
 * "of" with at least one valid key, "keys" clauses count distinct keys of
 * those parties. Any rule of the kind may be met (an emergency path is
 * such a rule, flagged in the verdict). An amendment must meet an "amend"
 * rule of the old contract with keys of the old one, and one of the new
 * contract with keys of the new one.
 * Cost: nsigs * nkeys Ed25519 verifications (about 50 us each).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "trust/trust_int.h"

static const char *const reasons[LN_TRUST_REASON_COUNT_] = {
    "", "wrong-contract", "out-of-term", "expired", "stale-head",
    "replayed-nonce", "kind-not-covered", "out-of-scope", "bad-signature",
    "unknown-key", "duplicate-key", "threshold-not-met",
    "old-contract-threshold-not-met", "new-contract-threshold-not-met"};

const char *ln_trust_reason_name(int reason)
{
    return reason >= 0 && reason < LN_TRUST_REASON_COUNT_ ? reasons[reason]
                                                          : "";
}

/* Which keys of c signed the message. */
typedef struct tally {
    unsigned char ok[LN__TRUST_MAX_KEYS]; /* times key i verified */
    int dup;     /* a key verified twice */
    int bad;     /* a line names a key of c (name, id) and fails */
    int nomatch; /* lines that verify under no key of c */
    char badname[LN_TRUST_NAME_MAX];
} tally;

static void count(const ln_trust_contract *c, const unsigned char *msg,
                  size_t n, const ln_trust_sigline *s, size_t ns, tally *t)
{
    memset(t, 0, sizeof *t);
    for (size_t i = 0; i < ns; i++) {
        int hit = -1, named = 0;
        for (int k = 0; k < c->nkey && hit < 0; k++) {
            if (s[i].nsig == 64 &&
                ln_trust_verify(c->key[k].pub, msg, n, s[i].sig) == 0)
                hit = k;
            else if (!strcmp(s[i].name, c->key[k].name) &&
                     s[i].id == ln_trust_key_id(c->key[k].name,
                                                LN_TRUST_SIG_ED25519,
                                                c->key[k].pub))
                named = 1;
        }
        if (hit >= 0) {
            if (t->ok[hit]++)
                t->dup = 1;
        } else if (named) {
            t->bad = 1;
            snprintf(t->badname, sizeof t->badname, "%s", s[i].name);
        } else {
            t->nomatch++;
        }
    }
}

static int clause_met(const ln_trust_contract *c, const ln__trust_clause *q,
                      const tally *t)
{
    int got = 0;
    uint32_t seen = 0;
    for (int k = 0; k < c->nkey; k++) {
        int p = c->key_party[k];
        if (!t->ok[k] || !(q->parties >> p & 1))
            continue;
        if (q->count_keys)
            got++;
        else if (!(seen >> p & 1))
            got++, seen |= UINT32_C(1) << p;
    }
    return got >= q->k;
}

/* First rule of kind met, or -1; *any: the contract has a rule for it. */
static int rule_met(const ln_trust_contract *c, int kind, const tally *t,
                    int *any)
{
    *any = 0;
    for (int i = 0; i < c->nrule; i++) {
        const ln__trust_rule *r = &c->rule[i];
        if (r->kind != kind)
            continue;
        *any = 1;
        int ok = 1;
        for (int j = 0; j < r->nclause && ok; j++)
            ok = clause_met(c, &r->clause[j], t);
        if (ok)
            return i;
    }
    return -1;
}

static int no(ln_trust_verdict *v, int reason, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int no(ln_trust_verdict *v, int reason, const char *fmt, ...)
{
    va_list ap;
    v->effect = 0;
    v->reason = reason;
    v->rule = -1;
    v->emergency = 0;
    va_start(ap, fmt);
    vsnprintf(v->detail, sizeof v->detail, fmt, ap);
    va_end(ap);
    return 0;
}

/* Who signed, for messages: "operator, customer" or "nobody". */
static void signers(const ln_trust_contract *c, const tally *t, char *buf,
                    size_t cap)
{
    size_t n = 0;
    buf[0] = '\0';
    for (int p = 0; p < c->nparty; p++) {
        int any = 0;
        for (int k = 0; k < c->nkey; k++)
            any |= c->key_party[k] == p && t->ok[k];
        if (any)
            n += (size_t)snprintf(buf + n, n < cap ? cap - n : 0, "%s%s",
                                  n ? ", " : "", c->party[p]);
    }
    if (!n)
        snprintf(buf, cap, "nobody");
}

/* The signature checks of one contract: 0 met (rule index in *rule), or
 * the verdict filled with the reason (unmet: own reason given). */
static int judge(const ln_trust_contract *c, int kind, const tally *t,
                 int unmet, const char *which, ln_trust_verdict *v,
                 int *rule)
{
    int any;
    char who[256];
    *rule = rule_met(c, kind, t, &any);
    if (!any) {
        no(v, LN_TRUST_NOT_COVERED, "%s contract '%s' has no threshold for "
           "'%s'", which, c->id, ln_trust_kind_name(kind));
        return -1;
    }
    if (*rule >= 0)
        return 0;
    signers(c, t, who, sizeof who);
    if (t->bad)
        no(v, LN_TRUST_BAD_SIGNATURE, "the signature by '%s' does not "
           "verify over this request; valid signatures from: %s",
           t->badname, who);
    else if (t->nomatch)
        no(v, LN_TRUST_UNKNOWN_KEY, "%d signature(s) by keys that are not "
           "in %s contract '%s' do not count; valid signatures from: %s",
           t->nomatch, which, c->id, who);
    else if (t->dup)
        no(v, LN_TRUST_DUPLICATE_KEY, "the same key signed more than once "
           "and counts once; valid signatures from: %s", who);
    else
        no(v, unmet, "no '%s' rule of %s contract '%s' is met; valid "
           "signatures from: %s", ln_trust_kind_name(kind), which, c->id,
           who);
    return -1;
}

static int preconditions(const ln_trust_contract *c, const ln_trust_request *r,
                         const ln_trust_env *env, ln_trust_verdict *v)
{
    double exp_s;
    uint64_t size;
    const unsigned char *root, *nonce;
    size_t nn;
    ln__trust_req_binding(r, &exp_s, &size, &root, &nonce, &nn);
    if (strcmp(ln__trust_req_contract(r), c->id) != 0)
        return no(v, LN_TRUST_WRONG_CONTRACT, "the request names contract "
                  "'%s', not '%s'", ln__trust_req_contract(r), c->id), -1;
    if (!(env->now_unix_s >= c->from_unix_s &&
          env->now_unix_s < c->until_unix_s))
        return no(v, LN_TRUST_OUT_OF_TERM, "contract '%s' is not in force "
                  "at this time", c->id), -1;
    if (!(env->now_unix_s < exp_s))
        return no(v, LN_TRUST_EXPIRED, "the request expired %.0f s ago",
                  env->now_unix_s - exp_s), -1;
    if (size != env->head_size || memcmp(root, env->head_root, 32) != 0)
        return no(v, LN_TRUST_STALE_HEAD, "the request is bound to log head "
                  "%llu, the log is at %llu%s", (unsigned long long)size,
                  (unsigned long long)env->head_size,
                  size == env->head_size ? " with another root hash" : ""),
               -1;
    if (env->nonce_used && env->nonce_used(env->ctx, nonce, nn))
        return no(v, LN_TRUST_REPLAY, "the request's nonce was used "
                  "already: a replay"), -1;
    if (!ln__trust_in_scope(c, r))
        return no(v, LN_TRUST_OUT_OF_SCOPE, "the request targets nothing "
                  "that contract '%s' protects", c->id), -1;
    return 0;
}

int ln_trust_evaluate(const ln_trust_contract *c, const ln_trust_request *r,
                      const ln_trust_sigline *sigs, size_t nsigs,
                      const ln_trust_env *env, ln_trust_verdict *v)
{
    memset(v, 0, sizeof *v);
    v->rule = -1;
    if (!c || !r || !env || (nsigs && !sigs))
        return LN_EINVAL;
    if (ln__trust_init())
        return LN_EINVAL;
    if (preconditions(c, r, env, v))
        return 0;
    size_t n;
    const unsigned char *msg = ln_trust_request_message(r, &n);
    int kind = ln__trust_req_kind(r), rule, rule2;
    tally t;
    count(c, msg, n, sigs, nsigs, &t);
    for (int k = 0; k < c->nkey; k++)
        v->nsigners += t.ok[k] != 0;
    const ln_trust_contract *nc = ln_trust_request_amendment(r);
    if (nc) {
        /* keys of the new contract are not unknown to the old one's
         * check: they are the new contract's signers */
        tally tn;
        count(nc, msg, n, sigs, nsigs, &tn);
        t.nomatch = 0;
        for (size_t i = 0; i < nsigs; i++) {
            tally one, one2;
            count(c, msg, n, &sigs[i], 1, &one);
            count(nc, msg, n, &sigs[i], 1, &one2);
            t.nomatch += one.nomatch && one2.nomatch && !one.bad &&
                         !one2.bad;
        }
        tn.nomatch = t.nomatch;
        if (judge(c, LN_TRUST_AMEND, &t, LN_TRUST_AMEND_OLD, "the old", v,
                  &rule) ||
            judge(nc, LN_TRUST_AMEND, &tn, LN_TRUST_AMEND_NEW, "the new", v,
                  &rule2))
            return 0;
    } else if (judge(c, kind, &t, LN_TRUST_THRESHOLD, "the", v, &rule)) {
        return 0;
    }
    v->effect = 1;
    v->reason = LN_TRUST_OK;
    v->rule = rule;
    v->emergency = c->rule[rule].emergency;
    snprintf(v->detail, sizeof v->detail, "rule '%s' of '%s' is met%s",
             c->rule[rule].name, ln_trust_kind_name(kind),
             v->emergency ? " (an emergency term)" : "");
    return 0;
}
