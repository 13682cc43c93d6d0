/*
 * test_merkle.c - the Merkle log against outside values: the RFC 6962
 * test leaves' roots as published with the reference implementation
 * (certificate-transparency's merkle_tree tests, the empty tree and 1..8
 * leaves), and every root, inclusion proof and consistency proof of trees
 * of 1..64 leaves against merkle_oracle.py (an independent Python
 * implementation of RFC 9162's recursive definitions, hashlib). Every
 * proof verifies; mutated proofs (a flipped bit in any hash, a wrong
 * index, a wrong size, a truncated or extended path, a wrong root) fail.
 * Both leaf-hash sources: all leaf hashes in memory (cache_shift 0) and a
 * callback with only subtrees of 8 and more cached (cache_shift 3).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "leonet/trust.h"

#define TOP 64

static const unsigned char rfc_leaves[8][16] = {
    {0}, {0x00}, {0x10}, {0x20, 0x21}, {0x30, 0x31}, {0x40, 0x41, 0x42, 0x43},
    {0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57},
    {0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b,
     0x6c, 0x6d, 0x6e, 0x6f}};
static const size_t rfc_len[8] = {0, 1, 1, 2, 2, 4, 8, 16};

/* Published MTH of the first n RFC 6962 test leaves, n = 0..8. */
static const char *const published[9] = {
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};

static unsigned char leafh[TOP][32];
static unsigned char roots[TOP + 1][32]; /* MTH of 0..TOP leaves */

static void hex(const unsigned char *h, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        sprintf(out + 2 * i, "%02x", h[i]);
}

static int src(void *ctx, uint64_t i, unsigned char out[32])
{
    (void)ctx;
    if (i >= TOP)
        return LN_ERANGE;
    memcpy(out, leafh[i], 32);
    return 0;
}

static ln_trust_log *build(unsigned shift)
{
    ln_trust_log *lg;
    assert_int_equal(ln_trust_log_new(shift, src, NULL, &lg), 0);
    for (int i = 0; i < TOP; i++) {
        char d[32];
        if (i < 8) {
            ln_trust_leaf_hash(rfc_leaves[i], rfc_len[i], leafh[i]);
        } else {
            int n = snprintf(d, sizeof d, "leaf %d", i);
            ln_trust_leaf_hash(d, (size_t)n, leafh[i]);
        }
        assert_int_equal(ln_trust_log_append(lg, leafh[i]), 0);
    }
    for (int n = 0; n <= TOP; n++)
        assert_int_equal(ln_trust_log_root(lg, (uint64_t)n, roots[n]), 0);
    return lg;
}

static void test_published_roots(void **state)
{
    (void)state;
    for (unsigned shift = 0; shift <= 3; shift += 3) {
        ln_trust_log *lg = build(shift);
        for (int n = 0; n <= 8; n++) {
            unsigned char r[32];
            char s[65];
            assert_int_equal(ln_trust_log_root(lg, (uint64_t)n, r), 0);
            hex(r, 32, s);
            assert_string_equal(s, published[n]);
        }
        unsigned char r[32];
        assert_int_equal(ln_trust_log_root(lg, TOP + 1, r), LN_ERANGE);
        ln_trust_log_free(lg);
    }
}

/* Mutations of an inclusion proof that must all fail. */
static void incl_mutants(uint64_t m, uint64_t n, unsigned char (*p)[32],
                         size_t np, const unsigned char root[32])
{
    const unsigned char *lf = leafh[m];
    for (size_t i = 0; i < np; i++)
        for (int bit = 0; bit < 256; bit += 85) {
            p[i][bit / 8] ^= (unsigned char)(1u << (bit % 8));
            assert_int_equal(ln_trust_verify_inclusion(
                                 m, n, lf, (const unsigned char(*)[32])p, np,
                                 root), LN_ETRUST);
            p[i][bit / 8] ^= (unsigned char)(1u << (bit % 8));
        }
    const unsigned char(*cp)[32] = (const unsigned char(*)[32])p;
    if (m + 1 < n)
        assert_int_equal(ln_trust_verify_inclusion(m + 1, n, lf, cp, np,
                                                   root), LN_ETRUST);
    if (m > 0)
        assert_int_equal(ln_trust_verify_inclusion(m - 1, n, lf, cp, np,
                                                   root), LN_ETRUST);
    /* a wrong size, with that size's own root (with this tree's root a
     * proof can fit a larger tree whose last subtree hash is a path
     * element: RFC 9162 binds the size through the signed head) */
    if (n < TOP)
        assert_int_equal(ln_trust_verify_inclusion(m, n + 1, lf, cp, np,
                                                   roots[n + 1]), LN_ETRUST);
    if (n - 1 > m)
        assert_int_equal(ln_trust_verify_inclusion(m, n - 1, lf, cp, np,
                                                   roots[n - 1]), LN_ETRUST);
    if (np > 0)
        assert_int_equal(ln_trust_verify_inclusion(m, n, lf, cp, np - 1,
                                                   root), LN_ETRUST);
    memcpy(p[np], leafh[0], 32);
    assert_int_equal(ln_trust_verify_inclusion(m, n, lf, cp, np + 1, root),
                     LN_ETRUST);
    assert_int_equal(ln_trust_verify_inclusion(m, n, leafh[(m + 1) % TOP],
                                               cp, np, root), LN_ETRUST);
    unsigned char bad[32];
    memcpy(bad, root, 32);
    bad[7] ^= 0x10;
    assert_int_equal(ln_trust_verify_inclusion(m, n, lf, cp, np, bad),
                     LN_ETRUST);
}

static void cons_mutants(uint64_t m, uint64_t n, unsigned char (*p)[32],
                         size_t np, const unsigned char *r1,
                         const unsigned char *r2, const unsigned char *r1b)
{
    const unsigned char(*cp)[32] = (const unsigned char(*)[32])p;
    for (size_t i = 0; i < np; i++) {
        p[i][i % 32] ^= 0x40;
        assert_int_equal(ln_trust_verify_consistency(m, n, r1, r2, cp, np),
                         LN_ETRUST);
        p[i][i % 32] ^= 0x40;
    }
    if (m > 1)
        assert_int_equal(ln_trust_verify_consistency(m - 1, n, r1, r2, cp,
                                                     np), LN_ETRUST);
    if (m > 1)
        assert_int_equal(ln_trust_verify_consistency(m - 1, n, roots[m - 1],
                                                     r2, cp, np), LN_ETRUST);
    if (m < n && n < TOP)
        assert_int_equal(ln_trust_verify_consistency(m, n + 1, r1,
                                                     roots[n + 1], cp, np),
                         LN_ETRUST);
    if (n - 1 > m)
        assert_int_equal(ln_trust_verify_consistency(m, n - 1, r1,
                                                     roots[n - 1], cp, np),
                         LN_ETRUST);
    if (np > 0)
        assert_int_equal(ln_trust_verify_consistency(m, n, r1, r2, cp,
                                                     np - 1), LN_ETRUST);
    memcpy(p[np], leafh[3], 32);
    assert_int_equal(ln_trust_verify_consistency(m, n, r1, r2, cp, np + 1),
                     LN_ETRUST);
    /* a forked first head: another root at size m */
    assert_int_equal(ln_trust_verify_consistency(m, n, r1b, r2, cp, np),
                     LN_ETRUST);
    assert_int_equal(ln_trust_verify_consistency(m, n, r1, r1b, cp, np),
                     LN_ETRUST);
}

static void parse_path(char *s, unsigned char (*p)[32], size_t *np)
{
    *np = 0;
    for (char *t = strtok(s, ","); t; t = strtok(NULL, ",")) {
        assert_int_equal(strlen(t), 64);
        for (int i = 0; i < 32; i++) {
            unsigned v;
            sscanf(t + 2 * i, "%2x", &v);
            p[*np][i] = (unsigned char)v;
        }
        (*np)++;
    }
}

static void check_against_oracle(unsigned shift)
{
    ln_trust_log *lg = build(shift);
    FILE *f = popen("/usr/bin/python3 " LN_TRUST_TEST_DIR
                    "/merkle_oracle.py 64", "r");
    assert_non_null(f);
    char line[8192], want[8192], got[8192];
    long nroot = 0, nincl = 0, ncons = 0;
    while (fgets(line, sizeof line, f)) {
        char what[8];
        unsigned long long m = 0, n = 0;
        unsigned char p[LN_TRUST_MAX_PATH + 1][32], q[LN_TRUST_MAX_PATH][32];
        size_t np = 0, nq = 0;
        unsigned char root[32], r1[32], r1b[32];
        line[strcspn(line, "\n")] = '\0';
        want[0] = '\0';
        if (sscanf(line, "%7s", what) != 1)
            continue;
        if (!strcmp(what, "root")) {
            assert_int_equal(sscanf(line, "root %llu %8191s", &n, want), 2);
            assert_int_equal(ln_trust_log_root(lg, n, root), 0);
            hex(root, 32, got);
            assert_string_equal(got, want);
            nroot++;
            continue;
        }
        int k = sscanf(line, "%*s %llu %llu %8191s", &m, &n, want);
        assert_true(k >= 2);
        strcpy(got, want);
        parse_path(got, p, &np);
        assert_int_equal(ln_trust_log_root(lg, n, root), 0);
        if (!strcmp(what, "incl")) {
            assert_int_equal(ln_trust_log_inclusion(lg, m, n, q, &nq), 0);
            assert_int_equal(nq, np);
            assert_memory_equal(q, p, np * 32);
            assert_int_equal(ln_trust_verify_inclusion(
                                 m, n, leafh[m],
                                 (const unsigned char(*)[32])p, np, root), 0);
            incl_mutants(m, n, p, np, root);
            nincl++;
        } else {
            assert_int_equal(ln_trust_log_consistency(lg, m, n, q, &nq), 0);
            assert_int_equal(nq, np);
            assert_memory_equal(q, p, np * 32);
            assert_int_equal(ln_trust_log_root(lg, m, r1), 0);
            assert_int_equal(ln_trust_verify_consistency(
                                 m, n, r1, root,
                                 (const unsigned char(*)[32])p, np), 0);
            memcpy(r1b, r1, 32);
            r1b[31] ^= 1;
            cons_mutants(m, n, p, np, r1, root, r1b);
            ncons++;
        }
    }
    assert_int_equal(pclose(f), 0);
    /* every tree of 0..64 leaves; 64*65/2 inclusion and consistency
     * proofs */
    assert_int_equal(nroot, TOP + 1);
    assert_int_equal(nincl, TOP * (TOP + 1) / 2);
    assert_int_equal(ncons, TOP * (TOP + 1) / 2);
    ln_trust_log_free(lg);
}

static void test_oracle_all_leaves(void **state)
{
    (void)state;
    check_against_oracle(0);
}

static void test_oracle_callback(void **state)
{
    (void)state;
    check_against_oracle(3);
}

static void test_edges(void **state)
{
    (void)state;
    ln_trust_log *lg = build(0);
    unsigned char p[LN_TRUST_MAX_PATH][32], r[32], e[32];
    size_t np;
    assert_int_equal(ln_trust_log_inclusion(lg, 5, 5, p, &np), LN_ERANGE);
    assert_int_equal(ln_trust_log_inclusion(lg, 0, TOP + 1, p, &np),
                     LN_ERANGE);
    assert_int_equal(ln_trust_log_consistency(lg, 6, 5, p, &np), LN_ERANGE);
    /* the trivial consistency proofs are empty, and decided by roots */
    assert_int_equal(ln_trust_log_consistency(lg, 0, 7, p, &np), 0);
    assert_int_equal(np, 0);
    assert_int_equal(ln_trust_log_root(lg, 7, r), 0);
    assert_int_equal(ln_trust_log_root(lg, 0, e), 0);
    assert_int_equal(ln_trust_verify_consistency(0, 7, e, r, NULL, 0), 0);
    assert_int_equal(ln_trust_verify_consistency(7, 7, r, r, NULL, 0), 0);
    assert_int_equal(ln_trust_verify_consistency(7, 7, r, e, NULL, 0),
                     LN_ETRUST);
    assert_int_equal(ln_trust_verify_consistency(7, 7, r, r,
                                                 (const unsigned char(*)[32])p,
                                                 1), LN_ETRUST);
    assert_int_equal(ln_trust_verify_consistency(8, 7, r, r, NULL, 0),
                     LN_ETRUST);
    assert_int_equal(ln_trust_verify_inclusion(0, 0, r, NULL, 0, r),
                     LN_ETRUST);
    /* a one-leaf tree: the root is the leaf hash, empty path */
    assert_int_equal(ln_trust_verify_inclusion(0, 1, leafh[0], NULL, 0,
                                               leafh[0]), 0);
    ln_trust_log_free(lg);
    assert_int_equal(ln_trust_log_new(3, NULL, NULL, &lg), LN_EINVAL);
    assert_int_equal(ln_trust_log_new(41, src, NULL, &lg), LN_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_published_roots),
        cmocka_unit_test(test_oracle_all_leaves),
        cmocka_unit_test(test_oracle_callback),
        cmocka_unit_test(test_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
