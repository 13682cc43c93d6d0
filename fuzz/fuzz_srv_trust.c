/*
 * fuzz_srv_trust.c - libFuzzer harness for the trust part's bodies
 * (docs/api-trust.md) through srv_handle on a seeded store (fuzz_srv.h):
 * POST /v1/changes (change request documents, their "zone" and
 * "amendment" strings), POST /v1/changes/{id}/signatures (signature
 * lines, text or {"signature"}), POST /v1/contracts ({"contract",
 * "signatures"}) and POST /v1/kill.
 * Setup, once: a contract over account ACC-A signed by its two parties
 * (keys from fixed seeds, signed here with ln_trust_canonical and
 * ln_trust_sign, as a client does), and one pending change bound to the
 * head at that time, whose id the signature route is given.
 * Input: a selector byte (bits 0-1 the caller's role; bits 2-3 the
 * route: changes, signatures, contracts, kill; bit 4: a decision of a
 * terminal of ACC-A follows, so that a switch or a granted change is
 * used at once), then the body. Every answer must pass fz_check.
 */
#include "fuzz_srv.h"
#include "leonet/trust.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char fz_change[64] = "chg-0000000000000000";

static void make_key(const char *name, unsigned char b, ln_trust_key *k,
                     char *pub, size_t n)
{
    unsigned char seed[32];
    memset(seed, b, sizeof seed);
    if (ln_trust_key_from_seed(name, seed, k) ||
        ln_trust_key_format_public(k, pub, n))
        fz_die("key");
}

/* "— NAME base64(id || sig)" over prefix || text, JSON-quoted into out */
static void sig_line(const ln_trust_key *k, const char *prefix,
                     const char *text, size_t n, char *out, size_t cap)
{
    size_t np = strlen(prefix);
    unsigned char *msg = malloc(np + n), sig[64], b[68];
    char b64[128];
    if (!msg)
        fz_die("oom");
    memcpy(msg, prefix, np);
    memcpy(msg + np, text, n);
    if (ln_trust_sign(k, msg, np + n, sig))
        fz_die("sign");
    free(msg);
    uint32_t id = ln_trust_key_id(k->name, LN_TRUST_SIG_ED25519, k->pub);
    b[0] = (unsigned char)(id >> 24), b[1] = (unsigned char)(id >> 16);
    b[2] = (unsigned char)(id >> 8), b[3] = (unsigned char)id;
    memcpy(b + 4, sig, 64);
    ln_trust_b64_encode(b, sizeof b, b64, sizeof b64);
    snprintf(out, cap, "\"\xe2\x80\x94 %s %s\"", k->name, b64);
}

static srv_resp call(const char *method, const char *url, const char *body)
{
    srv_resp rs;
    memset(&rs, 0, sizeof rs);
    if (srv_handle(fz_srv, method, url, FZ_TOK_OPERATOR, body,
                   body ? strlen(body) : 0, &rs))
        fz_die("srv_handle");
    return rs;
}

static void fz_trust_setup(void)
{
    static int done;
    if (done++)
        return;
    ln_trust_key op, cu;
    char kop[256], kcu[256], doc[2048], s1[256], s2[256], body[4096];
    make_key("operator", 1, &op, kop, sizeof kop);
    make_key("customer", 2, &cu, kcu, sizeof kcu);
    snprintf(doc, sizeof doc,
             "{\"contract\":\"fz\",\"parties\":[{\"id\":\"operator\","
             "\"keys\":[\"%s\"]},{\"id\":\"customer\",\"keys\":[\"%s\"]}],"
             "\"scope\":{\"accounts\":[\"ACC-A\"]},\"thresholds\":["
             "{\"kind\":\"kill\",\"require\":[{\"of\":[\"operator\"],"
             "\"k\":1},{\"of\":[\"customer\"],\"k\":1}]}]}",
             kop, kcu);
    char *canon = NULL;
    size_t n = 0;
    ln_diag d;
    if (ln_trust_canonical(doc, strlen(doc), &canon, &n, &d))
        fz_die("canonical");
    sig_line(&op, "leonet-contract/v1\n", canon, n, s1, sizeof s1);
    sig_line(&cu, "leonet-contract/v1\n", canon, n, s2, sizeof s2);
    free(canon);
    snprintf(body, sizeof body, "{\"contract\":%s,\"signatures\":[%s,%s]}",
             doc, s1, s2);
    srv_resp rs = call("POST", "/v1/contracts", body);
    srv_resp_free(&rs);
    rs = call("GET", "/v1/head", NULL);
    json_t *h = rs.body ? json_loadb(rs.body, rs.len, 0, NULL) : NULL;
    json_t *c = json_object_get(h, "content");
    snprintf(body, sizeof body,
             "{\"contract\":\"fz\",\"kind\":\"kill\",\"target\":"
             "{\"accounts\":[\"ACC-A\"]},\"head\":{\"size\":%lld,\"root\":"
             "\"%s\"},\"expires\":\"2099-01-01T00:00:00Z\",\"nonce\":"
             "\"MDEyMzQ1Njc4OWFiY2RlZg==\"}",
             (long long)json_integer_value(json_object_get(c, "size")),
             json_string_value(json_object_get(c, "root"))
                 ? json_string_value(json_object_get(c, "root"))
                 : "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
    json_decref(h);
    srv_resp_free(&rs);
    rs = call("POST", "/v1/changes", body);
    h = rs.body ? json_loadb(rs.body, rs.len, 0, NULL) : NULL;
    const char *id = json_string_value(
        json_object_get(json_object_get(h, "content"), "id"));
    if (id)
        snprintf(fz_change, sizeof fz_change, "%s", id);
    json_decref(h);
    srv_resp_free(&rs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    fz_init();
    fz_trust_setup();
    const char *body = (const char *)data + 1;
    char url[128];
    switch (data[0] >> 2 & 3) {
    case 0:
        fz_request("POST", "/v1/changes", fz_auth(data[0]), body, size - 1);
        break;
    case 1:
        snprintf(url, sizeof url, "/v1/changes/%s/signatures", fz_change);
        fz_request("POST", url, fz_auth(data[0]), body, size - 1);
        break;
    case 2:
        fz_request("POST", "/v1/contracts", fz_auth(data[0]), body,
                   size - 1);
        break;
    default:
        fz_request("POST", "/v1/kill", fz_auth(data[0]), body, size - 1);
        break;
    }
    if (data[0] & 16)
        fz_request("GET", "/v1/terminals/UT00000000/authorization",
                   FZ_TOK_OPERATOR, NULL, 0);
    return 0;
}
