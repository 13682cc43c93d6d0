/*
 * bench_trust.c - the audit log at scale: appends/s, inclusion and
 * consistency proofs generated and verified per second at N leaves
 * (default 10 million), and a contract decision's cost.
 *
 *   bench_trust [N [SHIFT...]]      (defaults 10000000, shifts 8 4)
 *
 * The leaf source stands in for the store: leaf i's hash is computed on
 * demand (SHA-256 of 8 bytes of i, about what reading 32 bytes from a
 * page cache costs) so memory holds only the log's cache (32 * N /
 * 2^(SHIFT-1) bytes). Appends include hashing the leaf. Proofs: 20,000
 * at random (fixed seed) indices / sizes of the full tree. Contract:
 * ln_trust_contract_protects (what an authorization decision would ask)
 * and ln_trust_evaluate of a kill request with 2 signatures.
 * Built by bench/trust/run.sh; never part of the tests.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "leonet/trust.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int src(void *ctx, uint64_t i, unsigned char out[32])
{
    (void)ctx;
    unsigned char b[8];
    for (int k = 0; k < 8; k++)
        b[k] = (unsigned char)(i >> (8 * k));
    ln_trust_leaf_hash(b, 8, out);
    return 0;
}

static uint64_t rng = 0x9E3779B97F4A7C15u;
static uint64_t next(void)
{
    uint64_t z = (rng += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

#define NPROOF 20000

static void proofs(ln_trust_log *lg, uint64_t n)
{
    static unsigned char p[NPROOF][LN_TRUST_MAX_PATH][32];
    static size_t np[NPROOF];
    static uint64_t idx[NPROOF];
    unsigned char root[32], leaf[32], r1[32];
    ln_trust_log_root(lg, n, root);
    double t0 = now();
    for (int i = 0; i < NPROOF; i++) {
        idx[i] = next() % n;
        ln_trust_log_inclusion(lg, idx[i], n, p[i], &np[i]);
    }
    double t1 = now();
    int bad = 0;
    for (int i = 0; i < NPROOF; i++) {
        src(NULL, idx[i], leaf);
        bad += ln_trust_verify_inclusion(idx[i], n, leaf,
                                         (const unsigned char(*)[32])p[i],
                                         np[i], root) != 0;
    }
    double t2 = now();
    printf("  inclusion:   generate %9.0f /s, verify %9.0f /s (%d bad)\n",
           NPROOF / (t1 - t0), NPROOF / (t2 - t1), bad);
    for (int i = 0; i < NPROOF; i++)
        idx[i] = 1 + next() % (n - 1);
    t0 = now();
    for (int i = 0; i < NPROOF; i++)
        ln_trust_log_consistency(lg, idx[i], n, p[i], &np[i]);
    t1 = now();
    double troot = 0;
    bad = 0;
    for (int i = 0; i < NPROOF; i++) {
        double a = now();
        ln_trust_log_root(lg, idx[i], r1);
        troot += now() - a;
        bad += ln_trust_verify_consistency(idx[i], n, r1, root,
                                           (const unsigned char(*)[32])p[i],
                                           np[i]) != 0;
    }
    t2 = now();
    printf("  consistency: generate %9.0f /s, verify %9.0f /s (%d bad; "
           "old roots %.0f /s)\n", NPROOF / (t1 - t0),
           NPROOF / (t2 - t1 - troot), bad, NPROOF / troot);
}

static void contract_cost(void)
{
    ln_trust_key op, cu;
    unsigned char s1[32] = {1}, s2[32] = {2};
    char k1[256], k2[256], js[4096], req[2048], l1[256], l2[256];
    ln_trust_key_from_seed("operator", s1, &op);
    ln_trust_key_from_seed("customer", s2, &cu);
    ln_trust_key_format_public(&op, k1, sizeof k1);
    ln_trust_key_format_public(&cu, k2, sizeof k2);
    snprintf(js, sizeof js,
             "{\"contract\":\"c\",\"parties\":[{\"id\":\"operator\",\"keys\":"
             "[\"%s\"]},{\"id\":\"customer\",\"keys\":[\"%s\"]}],\"scope\":"
             "{\"accounts\":[\"a1\",\"a2\",\"defence\"]},\"thresholds\":[{"
             "\"kind\":\"kill\",\"require\":[{\"of\":[\"operator\"],\"k\":1},"
             "{\"of\":[\"customer\"],\"k\":1}]}]}", k1, k2);
    snprintf(req, sizeof req,
             "{\"contract\":\"c\",\"kind\":\"kill\",\"target\":{\"accounts\":"
             "[\"defence\"]},\"head\":{\"size\":1,\"root\":\"CsUYapGGPo4dkMgI"
             "AUqom/Xajj7h2fB2MPA3j2jxq2I=\"},\"expires\":\"2100-01-01T00:00"
             ":00Z\",\"nonce\":\"MDEyMzQ1Njc4OWFiY2RlZg==\"}");
    ln_trust_contract *c;
    ln_trust_request *r;
    ln_diag d;
    if (ln_trust_contract_parse(js, strlen(js), &c, &d) ||
        ln_trust_request_parse(req, strlen(req), &r, &d))
        abort();
    ln_trust_sigline sg[2];
    ln_trust_request_sign(&op, r, l1, sizeof l1);
    ln_trust_request_sign(&cu, r, l2, sizeof l2);
    ln_trust_sigline_parse(l1, strlen(l1) - 1, &sg[0], &d);
    ln_trust_sigline_parse(l2, strlen(l2) - 1, &sg[1], &d);
    ln_trust_env env = {1.8e9, 1, {0}, NULL, NULL};
    ln_trust_b64_decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=", 44,
                        env.head_root, 32, &(size_t){0});
    int hits = 0;
    double t0 = now();
    for (int i = 0; i < 10000000; i++)
        hits += ln_trust_contract_protects(c, (i & 1) ? "defence" : "farm",
                                           NULL, NULL);
    double t1 = now();
    ln_trust_verdict v;
    int ok = 0;
    for (int i = 0; i < 2000; i++) {
        ln_trust_evaluate(c, r, sg, 2, &env, &v);
        ok += v.effect;
    }
    double t2 = now();
    printf("contract: protects %.1f ns/call (%d hits); evaluate (2 "
           "signatures, 2 keys) %.1f us/request (%d took effect)\n",
           (t1 - t0) / 1e7 * 1e9, hits, (t2 - t1) / 2000 * 1e6, ok);
    ln_trust_request_free(r);
    ln_trust_contract_free(c);
}

int main(int argc, char **argv)
{
    uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 10000000;
    unsigned shifts[8] = {8, 4};
    int ns = 2;
    if (argc > 2) {
        ns = 0;
        for (int i = 2; i < argc && ns < 8; i++)
            shifts[ns++] = (unsigned)atoi(argv[i]);
    }
    for (int s = 0; s < ns; s++) {
        ln_trust_log *lg;
        if (ln_trust_log_new(shifts[s], src, NULL, &lg))
            return 2;
        unsigned char h[32];
        double t0 = now();
        for (uint64_t i = 0; i < n; i++) {
            src(NULL, i, h);
            if (ln_trust_log_append(lg, h))
                return 2;
        }
        double t1 = now();
        printf("%llu leaves, cache_shift %u (cache %.1f MB): append %.0f "
               "/s\n", (unsigned long long)n, shifts[s],
               32.0 * (double)n / (double)(1u << shifts[s]) * 2 / 1e6,
               (double)n / (t1 - t0));
        proofs(lg, n);
        ln_trust_log_free(lg);
    }
    contract_cost();
    return 0;
}
