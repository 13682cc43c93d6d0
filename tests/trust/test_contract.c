/*
 * test_contract.c - contracts and change requests: issue 15's attacks at
 * the library level, each refused with its own reason (the operator
 * alone; the same key twice to reach k; a key of a party not in the
 * contract; a replayed nonce; an expired request; a request bound to an
 * old head; an amendment signed only under the new contract; a tampered
 * signature), the ways that do take effect (both parties; an emergency
 * term; an amendment under both contracts), strict parsing of contracts
 * and requests, and canonical JSON against Python's json.dumps with
 * sorted keys and no spaces (equal to RFC 8785 for integer-only
 * documents with ASCII names).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "leonet/trust.h"

static ln_trust_key op, cu, cu2, court, outsider, newp;
static char kop[256], kcu[256], kcu2[256], kcourt[256], knew[256];
static unsigned char root9[32], root10[32];
static const char *nonce_used_b64 = "AAAAAAAAAAAAAAAAAAAAAA==";

#define NOW 1796000000.0 /* 2026-11-30 */

static void keys(void)
{
    unsigned char s[32];
    ln_trust_key *k[] = {&op, &cu, &cu2, &court, &outsider, &newp};
    const char *names[] = {"operator", "customer", "customer-2", "court",
                           "mallory", "newparty"};
    for (int i = 0; i < 6; i++) {
        memset(s, 'a' + i, sizeof s);
        assert_int_equal(ln_trust_key_from_seed(names[i], s, k[i]), 0);
    }
    ln_trust_key_format_public(&op, kop, sizeof kop);
    ln_trust_key_format_public(&cu, kcu, sizeof kcu);
    ln_trust_key_format_public(&cu2, kcu2, sizeof kcu2);
    ln_trust_key_format_public(&court, kcourt, sizeof kcourt);
    ln_trust_key_format_public(&newp, knew, sizeof knew);
    ln_trust_leaf_hash("nine", 4, root9);
    ln_trust_leaf_hash("ten", 3, root10);
}

/* The contract of the tests; extra is spliced into parties. */
static char *contract_json(const char *id, const char *extra_party,
                           const char *amend_rule)
{
    char *b = malloc(8192);
    snprintf(b, 8192,
             "{\"contract\":\"%s\",\n"
             " \"parties\":[{\"id\":\"operator\",\"keys\":[\"%s\"]},\n"
             "  {\"id\":\"customer\",\"keys\":[\"%s\",\"%s\"]},\n"
             "  {\"id\":\"court\",\"keys\":[\"%s\"]}%s],\n"
             " \"scope\":{\"accounts\":[\"defence\"],"
             "\"terminals\":[\"UT00000042\"],\"zones\":[\"ua-east\"]},\n"
             " \"term\":{\"from\":\"2026-01-01T00:00:00Z\","
             "\"until\":\"2027-01-01T00:00:00Z\"},\n"
             " \"thresholds\":[\n"
             "  {\"kind\":\"kill\",\"rule\":\"normal\",\"require\":["
             "{\"of\":[\"operator\"],\"k\":1},{\"of\":[\"customer\"],\"k\":1}]},\n"
             "  {\"kind\":\"kill\",\"rule\":\"court-order\",\"emergency\":true,"
             "\"require\":[{\"of\":[\"court\"],\"k\":1}]},\n"
             "  {\"kind\":\"suspend\",\"require\":[{\"of\":[\"operator\","
             "\"customer\"],\"k\":2}]},\n"
             "  {\"kind\":\"amend\",\"require\":[%s]}]}",
             id, kop, kcu, kcu2, kcourt, extra_party,
             amend_rule);
    return b;
}

static ln_trust_contract *contract(const char *json)
{
    ln_trust_contract *c;
    ln_diag d;
    ln_diag_clear(&d);
    int rc = ln_trust_contract_parse(json, strlen(json), &c, &d);
    if (rc) {
        char m[1400];
        fprintf(stderr, "%s\n", ln_diag_format(&d, m, sizeof m));
    }
    assert_int_equal(rc, 0);
    return c;
}

static ln_trust_request *request(const char *kind, const char *target,
                                 uint64_t size, const unsigned char *root,
                                 const char *expires, const char *nonce,
                                 const char *amendment)
{
    char r64[64], *b = malloc(16384), *am = NULL;
    if (amendment) {
        json_t *sj = json_string(amendment);
        am = json_dumps(sj, JSON_ENCODE_ANY);
        json_decref(sj);
    }
    ln_trust_b64_encode(root, 32, r64, sizeof r64);
    snprintf(b, 16384,
             "{\"contract\":\"defence-2026\",\"kind\":\"%s\",\"target\":%s,"
             "\"head\":{\"size\":%llu,\"root\":\"%s\"},\"expires\":\"%s\","
             "\"nonce\":\"%s\"%s%s}",
             kind, target, (unsigned long long)size, r64, expires, nonce,
             am ? ",\"amendment\":" : "", am ? am : "");
    free(am);
    ln_trust_request *r;
    ln_diag d;
    ln_diag_clear(&d);
    int rc = ln_trust_request_parse(b, strlen(b), &r, &d);
    if (rc) {
        char m[1400];
        fprintf(stderr, "%s\n", ln_diag_format(&d, m, sizeof m));
    }
    assert_int_equal(rc, 0);
    free(b);
    return r;
}

static ln_trust_request *kill_req(void)
{
    return request("kill", "{\"accounts\":[\"defence\"]}", 10, root10,
                   "2026-12-01T00:00:00Z", "MDEyMzQ1Njc4OWFiY2RlZg==", NULL);
}

static void sign(const ln_trust_key *k, const ln_trust_request *r,
                 ln_trust_sigline *s)
{
    char line[256];
    ln_diag d;
    assert_int_equal(ln_trust_request_sign(k, r, line, sizeof line), 0);
    assert_int_equal(ln_trust_sigline_parse(line, strlen(line) - 1, s, &d),
                     0);
}

static int used(void *ctx, const unsigned char *n, size_t len)
{
    (void)ctx;
    unsigned char u[64];
    size_t nu;
    ln_trust_b64_decode(nonce_used_b64, strlen(nonce_used_b64), u, sizeof u,
                        &nu);
    return len == nu && memcmp(n, u, len) == 0;
}

static ln_trust_env env_now(void)
{
    ln_trust_env e = {NOW, 10, {0}, used, NULL};
    memcpy(e.head_root, root10, 32);
    return e;
}

static ln_trust_verdict eval(const ln_trust_contract *c,
                             const ln_trust_request *r,
                             const ln_trust_sigline *s, size_t n)
{
    ln_trust_verdict v;
    ln_trust_env e = env_now();
    assert_int_equal(ln_trust_evaluate(c, r, s, n, &e, &v), 0);
    fprintf(stderr, "  -> %s: %s\n",
            v.effect ? "takes effect" : ln_trust_reason_name(v.reason),
            v.detail);
    return v;
}

static void test_attacks(void **state)
{
    (void)state;
    keys();
    char *js = contract_json("defence-2026", "",
                             "{\"of\":[\"operator\",\"customer\"],\"k\":2}");
    ln_trust_contract *c = contract(js);
    ln_trust_request *r = kill_req();
    ln_trust_sigline s[4];
    ln_trust_verdict v;

    /* both parties: takes effect under the normal rule */
    sign(&op, r, &s[0]);
    sign(&cu2, r, &s[1]);
    v = eval(c, r, s, 2);
    assert_true(v.effect);
    assert_int_equal(v.nsigners, 2);
    assert_false(v.emergency);

    /* the operator alone */
    v = eval(c, r, s, 1);
    assert_false(v.effect);
    assert_int_equal(v.reason, LN_TRUST_THRESHOLD);
    assert_string_equal(ln_trust_reason_name(v.reason), "threshold-not-met");

    /* the same key listed twice to reach k */
    sign(&op, r, &s[1]);
    v = eval(c, r, s, 2);
    assert_int_equal(v.reason, LN_TRUST_DUPLICATE_KEY);
    assert_int_equal(v.nsigners, 1);

    /* a key of a party not in the contract, named as the customer */
    ln_trust_key fake = outsider;
    strcpy(fake.name, "customer");
    sign(&fake, r, &s[1]);
    v = eval(c, r, s, 2);
    assert_int_equal(v.reason, LN_TRUST_UNKNOWN_KEY);

    /* a tampered signature: the customer's line from another request */
    ln_trust_request *other =
        request("kill", "{\"accounts\":[\"defence\"]}", 10, root10,
                "2026-12-01T00:00:00Z", "ZmVkY2JhOTg3NjU0MzIxMA==", NULL);
    sign(&cu, other, &s[1]);
    v = eval(c, r, s, 2);
    assert_int_equal(v.reason, LN_TRUST_BAD_SIGNATURE);

    /* the emergency term: the court alone */
    sign(&court, r, &s[0]);
    v = eval(c, r, s, 1);
    assert_true(v.effect);
    assert_true(v.emergency);

    /* a replayed approval: the nonce was used */
    ln_trust_request *rp =
        request("kill", "{\"accounts\":[\"defence\"]}", 10, root10,
                "2026-12-01T00:00:00Z", nonce_used_b64, NULL);
    sign(&op, rp, &s[0]);
    sign(&cu, rp, &s[1]);
    v = eval(c, rp, s, 2);
    assert_int_equal(v.reason, LN_TRUST_REPLAY);

    /* an expired request */
    ln_trust_request *ex =
        request("kill", "{\"accounts\":[\"defence\"]}", 10, root10,
                "2026-11-29T00:00:00Z", "MDEyMzQ1Njc4OWFiY2RlZg==", NULL);
    sign(&op, ex, &s[0]);
    sign(&cu, ex, &s[1]);
    v = eval(c, ex, s, 2);
    assert_int_equal(v.reason, LN_TRUST_EXPIRED);

    /* a request bound to an old head */
    ln_trust_request *old =
        request("kill", "{\"accounts\":[\"defence\"]}", 9, root9,
                "2026-12-01T00:00:00Z", "MDEyMzQ1Njc4OWFiY2RlZg==", NULL);
    sign(&op, old, &s[0]);
    sign(&cu, old, &s[1]);
    v = eval(c, old, s, 2);
    assert_int_equal(v.reason, LN_TRUST_STALE_HEAD);
    /* same size, another root (a forked head) */
    ln_trust_request *fork =
        request("kill", "{\"accounts\":[\"defence\"]}", 10, root9,
                "2026-12-01T00:00:00Z", "MDEyMzQ1Njc4OWFiY2RlZg==", NULL);
    v = eval(c, fork, NULL, 0);
    assert_int_equal(v.reason, LN_TRUST_STALE_HEAD);

    /* out of scope, not covered */
    ln_trust_request *os =
        request("kill", "{\"accounts\":[\"farmers\"]}", 10, root10,
                "2026-12-01T00:00:00Z", "MDEyMzQ1Njc4OWFiY2RlZg==", NULL);
    v = eval(c, os, NULL, 0);
    assert_int_equal(v.reason, LN_TRUST_OUT_OF_SCOPE);
    ln_trust_request *nc =
        request("coverage", "{\"zones\":[\"ua-east\"]}", 10, root10,
                "2026-12-01T00:00:00Z", "MDEyMzQ1Njc4OWFiY2RlZg==", NULL);
    v = eval(c, nc, NULL, 0);
    assert_int_equal(v.reason, LN_TRUST_NOT_COVERED);

    /* another contract, and out of term */
    char *js2 = contract_json("other", "", "{\"of\":[\"operator\"],\"k\":1}");
    ln_trust_contract *c2 = contract(js2);
    v = eval(c2, r, NULL, 0);
    assert_int_equal(v.reason, LN_TRUST_WRONG_CONTRACT);
    ln_trust_env e = env_now();
    e.now_unix_s = 1800000000.0; /* 2027-01-15 */
    assert_int_equal(ln_trust_evaluate(c, r, NULL, 0, &e, &v), 0);
    assert_int_equal(v.reason, LN_TRUST_OUT_OF_TERM);

    ln_trust_request *all[] = {r, other, rp, ex, old, fork, os, nc};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        ln_trust_request_free(all[i]);
    ln_trust_contract_free(c);
    ln_trust_contract_free(c2);
    free(js);
    free(js2);
}

static void test_amendment(void **state)
{
    (void)state;
    keys();
    char *js = contract_json("defence-2026", "",
                             "{\"of\":[\"operator\",\"customer\"],\"k\":2}");
    ln_trust_contract *c = contract(js);
    /* the new contract adds a party that must sign amendments */
    char party[512];
    snprintf(party, sizeof party, ",{\"id\":\"newparty\",\"keys\":[\"%s\"]}",
             knew);
    char *nj = contract_json("defence-2026", party,
                             "{\"of\":[\"newparty\"],\"k\":1}");
    ln_trust_request *r = request("amend", "{}", 10, root10,
                                  "2026-12-01T00:00:00Z",
                                  "MDEyMzQ1Njc4OWFiY2RlZg==", nj);
    assert_non_null(ln_trust_request_amendment(r));
    ln_trust_sigline s[3];
    ln_trust_verdict v;
    /* signed only under the new contract */
    sign(&newp, r, &s[0]);
    v = eval(c, r, s, 1);
    assert_int_equal(v.reason, LN_TRUST_AMEND_OLD);
    /* signed only under the old one */
    sign(&op, r, &s[0]);
    sign(&cu, r, &s[1]);
    v = eval(c, r, s, 2);
    assert_int_equal(v.reason, LN_TRUST_AMEND_NEW);
    /* both */
    sign(&newp, r, &s[2]);
    v = eval(c, r, s, 3);
    assert_true(v.effect);
    ln_trust_request_free(r);
    ln_trust_contract_free(c);
    free(js);
    free(nj);
}

/* An amendment under contract X whose new document names contract Y:
 * refused at parsing (found in review: the parties of any contract could
 * rewrite another contract, the store writing Y's next version). */
static void test_amendment_other_contract(void **state)
{
    (void)state;
    keys();
    char *nj = contract_json("someone-else", "",
                             "{\"of\":[\"operator\"],\"k\":1}");
    json_t *sj = json_string(nj);
    char *am = json_dumps(sj, JSON_ENCODE_ANY);
    json_decref(sj);
    char r64[64], b[16384];
    ln_trust_b64_encode(root10, 32, r64, sizeof r64);
    snprintf(b, sizeof b,
             "{\"contract\":\"defence-2026\",\"kind\":\"amend\","
             "\"target\":{},\"head\":{\"size\":10,\"root\":\"%s\"},"
             "\"expires\":\"2026-12-01T00:00:00Z\",\"nonce\":"
             "\"MDEyMzQ1Njc4OWFiY2RlZg==\",\"amendment\":%s}", r64, am);
    ln_trust_request *r = NULL;
    ln_diag d;
    ln_diag_clear(&d);
    assert_int_equal(ln_trust_request_parse(b, strlen(b), &r, &d), LN_EPARSE);
    assert_null(r);
    fprintf(stderr, "  %s: %s\n", d.path, d.msg);
    assert_non_null(strstr(d.path, "amendment"));
    assert_non_null(strstr(d.msg, "someone-else"));
    assert_non_null(strstr(d.msg, "defence-2026"));
    free(am);
    free(nj);
}

static void test_contract_errors(void **state)
{
    (void)state;
    keys();
    char dup[512], buf[16384];
    snprintf(dup, sizeof dup, ",{\"id\":\"twin\",\"keys\":[\"%s\"]}", kop);
    char *cases[] = {
        contract_json("defence-2026", dup, "{\"of\":[\"operator\"],\"k\":1}"),
        contract_json("defence-2026", "", "{\"of\":[\"nobody\"],\"k\":1}"),
        contract_json("defence-2026", "", "{\"of\":[\"operator\"],\"k\":2}"),
        contract_json("defence-2026", "", "{\"of\":[\"operator\"],\"k\":0}"),
        contract_json("defence-2026", "",
                      "{\"of\":[\"operator\"],\"k\":1,\"x\":1}"),
        contract_json("", "", "{\"of\":[\"operator\"],\"k\":1}"),
        contract_json("defence-2026", ",{\"id\":\"operator\",\"keys\":[]}",
                      "{\"of\":[\"operator\"],\"k\":1}"),
    };
    const char *want[] = {"key already listed", "not a party",
                          "from 1 to 1", "from 1 to 1", "unknown member",
                          "contract's id", "listed twice"};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ln_trust_contract *c;
        ln_diag d;
        ln_diag_clear(&d);
        assert_int_equal(ln_trust_contract_parse(cases[i], strlen(cases[i]),
                                                 &c, &d), LN_EPARSE);
        char m[1400];
        fprintf(stderr, "  %s\n", ln_diag_format(&d, m, sizeof m));
        assert_non_null(strstr(d.msg, want[i]));
        assert_true(d.line > 0);
        free(cases[i]);
    }
    /* a private key where a public one belongs, a bad region, no scope */
    char priv[256];
    ln_trust_key_format_private(&op, priv, sizeof priv);
    const char *tmpl[] = {
        "{\"contract\":\"x\",\"parties\":[{\"id\":\"a\",\"keys\":[\"%s\"]}],"
        "\"scope\":{\"accounts\":[\"a\"]},\"thresholds\":[{\"kind\":\"kill\","
        "\"require\":[{\"of\":[\"a\"],\"k\":1}]}]}",
        "{\"contract\":\"x\",\"parties\":[{\"id\":\"a\",\"keys\":[\"%s\"]}],"
        "\"scope\":{\"region\":{\"type\":\"Polygon\",\"coordinates\":[[[0,0],"
        "[1,0]]]}},\"thresholds\":[{\"kind\":\"kill\","
        "\"require\":[{\"of\":[\"a\"],\"k\":1}]}]}",
        "{\"contract\":\"x\",\"parties\":[{\"id\":\"a\",\"keys\":[\"%s\"]}],"
        "\"scope\":{},\"thresholds\":[{\"kind\":\"kill\","
        "\"require\":[{\"of\":[\"a\"],\"k\":1}]}]}",
        "{\"contract\":\"x\",\"parties\":[{\"id\":\"a\",\"keys\":[\"%s\"]}],"
        "\"scope\":{\"accounts\":[\"a\"]},\"thresholds\":[{\"kind\":\"nuke\","
        "\"require\":[{\"of\":[\"a\"],\"k\":1}]}]}",
    };
    const char *kk[] = {priv, kop, kop, kop};
    const char *w2[] = {"private key", "GeoJSON", "protects nothing",
                        "kind"};
    for (size_t i = 0; i < 4; i++) {
        ln_trust_contract *c;
        ln_diag d;
        ln_diag_clear(&d);
        snprintf(buf, sizeof buf, tmpl[i], kk[i]);
        assert_int_equal(ln_trust_contract_parse(buf, strlen(buf), &c, &d),
                         LN_EPARSE);
        assert_non_null(strstr(d.msg, w2[i]));
    }
    /* a region that is valid, and a point in it */
    snprintf(buf, sizeof buf,
             "{\"contract\":\"x\",\"parties\":[{\"id\":\"a\",\"keys\":"
             "[\"%s\"]}],\"scope\":{\"region\":{\"type\":\"Polygon\","
             "\"coordinates\":[[[30,45],[40,45],[40,52],[30,52],[30,45]]]}},"
             "\"thresholds\":[{\"kind\":\"coverage\",\"require\":[{\"of\":"
             "[\"a\"],\"k\":1}]}]}", kop);
    ln_trust_contract *c = contract(buf);
    assert_true(ln_trust_contract_covers_deg(c, 48.0, 37.5));
    assert_false(ln_trust_contract_covers_deg(c, 10.0, 37.5));
    char sum[4096];
    assert_int_equal(ln_trust_contract_describe(c, sum, sizeof sum), 0);
    assert_non_null(strstr(sum, "region"));
    ln_trust_contract_free(c);
}

static void test_request_errors(void **state)
{
    (void)state;
    const char *base = "{\"contract\":\"c\",\"kind\":\"kill\",\"target\":{},"
                       "\"head\":{\"size\":1,\"root\":\"CsUYapGGPo4dkMgIAUq"
                       "om/Xajj7h2fB2MPA3j2jxq2I=\"},\"expires\":\"2026-12-"
                       "01T00:00:00Z\",\"nonce\":\"MDEyMzQ1Njc4OWFiY2RlZg==\"";
    const char *tails[] = {",\"x\":1.5}", ",\"kind\":\"kill\"}", ",\"y\":1}",
                           ",\"note\":5}", ",\"amendment\":\"{}\"}", "",
                           ",\"note\":\"big\",\"z\":1e3}"};
    const char *want[] = {"unknown member", "duplicate", "unknown member",
                          "string", "go together", "", "unknown member"};
    char buf[2048];
    for (size_t i = 0; i < sizeof tails / sizeof tails[0]; i++) {
        ln_trust_request *r;
        ln_diag d;
        ln_diag_clear(&d);
        snprintf(buf, sizeof buf, "%s%s", base, tails[i]);
        assert_int_equal(ln_trust_request_parse(buf, strlen(buf), &r, &d),
                         LN_EPARSE);
        fprintf(stderr, "  %s: %s\n", d.path, d.msg);
        assert_non_null(strstr(d.msg, want[i]));
    }
    const char *badnonce = "{\"contract\":\"c\",\"kind\":\"kill\",\"target\":{},"
                           "\"head\":{\"size\":1,\"root\":\"CsUYapGGPo4dkMgIAUq"
                           "om/Xajj7h2fB2MPA3j2jxq2I=\"},\"expires\":\"2026-12-"
                           "01T00:00:00Z\",\"nonce\":\"AAAA\"}";
    ln_trust_request *r;
    ln_diag d;
    assert_int_equal(ln_trust_request_parse(badnonce, strlen(badnonce), &r,
                                            &d), LN_EPARSE);
    assert_string_equal(d.path, "nonce");
    /* a list member given as a string (found by fuzz_trust_request: the
     * "not a list" code once equalled LN_ENOMEM) */
    const char *notlist = "{\"contract\":\"c\",\"kind\":\"kill\",\"target\":"
                          "{\"accounts\":\"defence\"}}";
    ln_diag_clear(&d);
    assert_int_equal(ln_trust_request_parse(notlist, strlen(notlist), &r,
                                            &d), LN_EPARSE);
    assert_string_equal(d.path, "target.accounts");
}

/* The optional "zone" member (a GeoJSON Feature's text): zone-edit and
 * coverage only, a string holding a Feature, and signed (part of the
 * message: another zone text is another message). */
static ln_trust_request *zreq(const char *kind, const char *zone_member,
                              ln_diag *d, int *rc)
{
    char js[2048];
    snprintf(js, sizeof js,
             "{\"contract\":\"c\",\"kind\":\"%s\",\"target\":{\"zones\":"
             "[\"ua-east\"]},\"head\":{\"size\":0,\"root\":"
             "\"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\"},"
             "\"expires\":\"2026-12-01T00:00:00Z\",\"nonce\":"
             "\"MDEyMzQ1Njc4OWFiY2RlZg==\"%s}",
             kind, zone_member);
    ln_trust_request *r = NULL;
    *rc = ln_trust_request_parse(js, strlen(js), &r, d);
    return r;
}

static void test_request_zone(void **state)
{
    (void)state;
    ln_diag d;
    int rc;
    const char *f1 = ",\"zone\":\"{\\\"type\\\":\\\"Feature\\\",\\\"properties"
                     "\\\":{\\\"id\\\":\\\"z\\\",\\\"action\\\":\\\"deny\\\"},"
                     "\\\"geometry\\\":{\\\"type\\\":\\\"Point\\\","
                     "\\\"coordinates\\\":[30,50]}}\"";
    const char *f2 = ",\"zone\":\"{\\\"type\\\":\\\"Feature\\\",\\\"properties"
                     "\\\":{\\\"id\\\":\\\"z\\\",\\\"action\\\":\\\"allow\\\"},"
                     "\\\"geometry\\\":{\\\"type\\\":\\\"Point\\\","
                     "\\\"coordinates\\\":[30,50]}}\"";
    ln_trust_request *a = zreq("zone-edit", f1, &d, &rc);
    assert_int_equal(rc, 0);
    ln_trust_request *b = zreq("coverage", f2, &d, &rc);
    assert_int_equal(rc, 0);
    ln_trust_request *c = zreq("coverage", f1, &d, &rc);
    assert_int_equal(rc, 0);
    size_t nb, nc;
    const unsigned char *mb = ln_trust_request_message(b, &nb);
    const unsigned char *mc = ln_trust_request_message(c, &nc);
    /* the zone is signed: other text, other message */
    assert_true(nb != nc || memcmp(mb, mc, nb) != 0);
    assert_non_null(strstr((const char *)mc, "\"zone\":\"{"));
    ln_trust_request_free(a);
    ln_trust_request_free(b);
    ln_trust_request_free(c);
    /* other kinds carry no zone */
    assert_null(zreq("kill", f1, &d, &rc));
    assert_int_equal(rc, LN_EPARSE);
    assert_string_equal(d.path, "zone");
    /* not a string, not a Feature */
    assert_null(zreq("zone-edit", ",\"zone\":{\"type\":\"Feature\"}", &d,
                     &rc));
    assert_int_equal(rc, LN_EPARSE);
    assert_null(zreq("zone-edit",
                     ",\"zone\":\"{\\\"type\\\":\\\"Polygon\\\"}\"", &d,
                     &rc));
    assert_int_equal(rc, LN_EPARSE);
    assert_non_null(strstr(d.msg, "Feature"));
}

static void test_canonical(void **state)
{
    (void)state;
    /* the same request spelled two ways has one message */
    const char *a = "{\"contract\":\"c\",\"kind\":\"kill\",\"target\":{\"accounts\":"
                    "[\"d\"]},\"head\":{\"size\":1,\"root\":\"CsUYapGGPo4dkMgIA"
                    "Uqom/Xajj7h2fB2MPA3j2jxq2I=\"},\"expires\":\"2026-12-01T00"
                    ":00:00Z\",\"nonce\":\"MDEyMzQ1Njc4OWFiY2RlZg==\"}";
    const char *b = "{ \"nonce\" : \"MDEyMzQ1Njc4OWFiY2RlZg==\",\n \"head\": "
                    "{\"root\":\"CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\""
                    ", \"size\": 1}, \"expires\":\"2026-12-01T00:00:00Z\",\n"
                    " \"target\" : {\"accounts\" : [ \"d\" ]}, \"kind\":\"kill\""
                    ", \"contract\":\"c\" }";
    ln_trust_request *ra, *rb;
    ln_diag d;
    assert_int_equal(ln_trust_request_parse(a, strlen(a), &ra, &d), 0);
    assert_int_equal(ln_trust_request_parse(b, strlen(b), &rb, &d), 0);
    size_t na, nb;
    const unsigned char *ma = ln_trust_request_message(ra, &na);
    const unsigned char *mb = ln_trust_request_message(rb, &nb);
    assert_int_equal(na, nb);
    assert_memory_equal(ma, mb, na);
    ln_trust_request_free(ra);
    ln_trust_request_free(rb);
    /* against Python: json.dumps(sort_keys, no spaces, ensure_ascii off) */
    const char *docs[] = {
        ("{\"b\":[1,-2,{\"z\":null,\"a\":true}],\"a\":\"x\\u0001\\n\\\"\\\\/"
         "\\u00e9\\u20ac\\ud83d\\ude00\\u007f\",\"c\":false,\"A\":-0}"),
        "[]", "{}", "\"\\t\\b\\f\\r\"", "9007199254740991",
    };
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        char *out, cmd[1024], py[4096];
        size_t n;
        assert_int_equal(ln_trust_canonical(docs[i], strlen(docs[i]), &out,
                                            &n, &d), 0);
        char dir[] = "/tmp/ln_trust_canonXXXXXX", path[64];
        assert_non_null(mkdtemp(dir));
        snprintf(path, sizeof path, "%s/doc.json", dir);
        FILE *f = fopen(path, "w");
        fputs(docs[i], f);
        fclose(f);
        snprintf(cmd, sizeof cmd,
                 "/usr/bin/python3 -c 'import json,sys; sys.stdout.buffer."
                 "write(json.dumps(json.load(open(sys.argv[1])),sort_keys="
                 "True,separators=(\",\",\":\"),ensure_ascii=False).encode())'"
                 " %s", path);
        FILE *p = popen(cmd, "r");
        size_t got = fread(py, 1, sizeof py - 1, p);
        py[got] = '\0';
        assert_int_equal(pclose(p), 0);
        unlink(path);
        rmdir(dir);
        assert_string_equal(out, py);
        free(out);
    }
    const char *bad[] = {"{\"a\":1,\"a\":2}",
                         "[1,", "\"\\u0000\""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *out;
        size_t n;
        assert_int_equal(ln_trust_canonical(bad[i], strlen(bad[i]), &out, &n,
                                            &d), LN_EPARSE);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_attacks),
        cmocka_unit_test(test_amendment),
        cmocka_unit_test(test_amendment_other_contract),
        cmocka_unit_test(test_contract_errors),
        cmocka_unit_test(test_request_errors),
        cmocka_unit_test(test_canonical),
        cmocka_unit_test(test_request_zone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
