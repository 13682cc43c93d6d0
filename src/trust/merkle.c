/*
 * merkle.c - the Merkle audit log: RFC 9162 section 2.1 hashing, tree
 * heads, inclusion and consistency proofs and their verification.
 *
 * Exports: ln_trust_leaf_hash, ln_trust_node_hash, ln_trust_log_*,
 * ln_trust_verify_inclusion, ln_trust_verify_consistency.
 *
 * Representation: the leaf hashes live with the caller (a callback: the
 * store reads them from disk). The log keeps, for every level k >=
 * cache_shift, the hashes of the full aligned subtrees of 2^k leaves
 * (level k holds size >> k of them), plus the compact range (one pending
 * subtree hash per set bit of size) that makes an append O(log n). Memory
 * is 32 * n / 2^(shift-1) bytes: 10 million leaves at shift 8 take 2.5 MB;
 * a subtree below 2^shift leaves is rehashed from its leaves (at most
 * 2^(shift+1) leaf reads per proof).
 *
 * Every subtree that MTH, PATH and PROOF ask for (RFC 9162 2.1.1, 2.1.3.1,
 * 2.1.4.1) is either a full aligned subtree of 2^k leaves (from the cache
 * or rehashed) or a right edge of the tree, split as MTH splits it; so no
 * proof rehashes the whole log.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "leonet/trust.h"

void ln_trust_leaf_hash(const void *data, size_t n, unsigned char out[32])
{
    crypto_hash_sha256_state st;
    const unsigned char z = 0x00;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, &z, 1);
    crypto_hash_sha256_update(&st, data, n);
    crypto_hash_sha256_final(&st, out);
}

void ln_trust_node_hash(const unsigned char l[32], const unsigned char r[32],
                        unsigned char out[32])
{
    unsigned char b[65];
    b[0] = 0x01;
    memcpy(b + 1, l, 32);
    memcpy(b + 33, r, 32);
    crypto_hash_sha256(out, b, sizeof b);
}

#define LEVELS 64

struct ln_trust_log {
    unsigned shift;            /* levels >= shift are cached */
    ln_trust_leaf_fn fn;
    void *ctx;
    uint64_t size;             /* leaves appended */
    unsigned char (*lvl[LEVELS])[32]; /* lvl[k][i]: subtree i of 2^k */
    uint64_t cap[LEVELS];      /* allocated entries of lvl[k] */
    unsigned char front[LEVELS][32]; /* compact range: front[k] valid
                                        when bit k of size is set */
};

int ln_trust_log_new(unsigned cache_shift, ln_trust_leaf_fn fn, void *ctx,
                     ln_trust_log **out)
{
    *out = NULL;
    if (cache_shift > 40 || (cache_shift > 0 && !fn))
        return LN_EINVAL;
    if (sodium_init() < 0)
        return LN_EINVAL;
    ln_trust_log *lg = calloc(1, sizeof *lg);
    if (!lg)
        return LN_ENOMEM;
    lg->shift = cache_shift;
    lg->fn = fn;
    lg->ctx = ctx;
    *out = lg;
    return 0;
}

void ln_trust_log_free(ln_trust_log *lg)
{
    if (!lg)
        return;
    for (int k = 0; k < LEVELS; k++)
        free(lg->lvl[k]);
    free(lg);
}

uint64_t ln_trust_log_size(const ln_trust_log *lg)
{
    return lg->size;
}

/* Stores h as subtree i of level k when that level is cached. */
static int push(ln_trust_log *lg, unsigned k, uint64_t i,
                const unsigned char h[32])
{
    if (k < lg->shift)
        return 0;
    if (i >= lg->cap[k]) {
        uint64_t nc = lg->cap[k] ? lg->cap[k] * 2 : 64;
        void *p = realloc(lg->lvl[k], nc * 32);
        if (!p)
            return LN_ENOMEM;
        lg->lvl[k] = p;
        lg->cap[k] = nc;
    }
    memcpy(lg->lvl[k][i], h, 32);
    return 0;
}

int ln_trust_log_append(ln_trust_log *lg, const unsigned char leaf[32])
{
    if (lg->size >= (UINT64_C(1) << 62))
        return LN_ERANGE;
    unsigned char carry[32];
    memcpy(carry, leaf, 32);
    /* level 0: leaf number size; after k merges, the subtree of 2^k
     * leaves that ends with this leaf: number size >> k (its low k bits
     * are all ones) */
    int rc = push(lg, 0, lg->size, carry);
    unsigned k = 0;
    while (!rc && (lg->size >> k & 1)) {
        ln_trust_node_hash(lg->front[k], carry, carry);
        k++;
        rc = push(lg, k, lg->size >> k, carry);
    }
    if (rc)
        return rc;
    memcpy(lg->front[k], carry, 32);
    lg->size++;
    return 0;
}

/* Hash of the full aligned subtree i of 2^k leaves (all appended). */
static int full(const ln_trust_log *lg, unsigned k, uint64_t i,
                unsigned char out[32])
{
    if (k >= lg->shift) {
        memcpy(out, lg->lvl[k][i], 32);
        return 0;
    }
    if (k == 0)
        return lg->fn(lg->ctx, i, out);
    unsigned char l[32], r[32];
    int rc = full(lg, k - 1, 2 * i, l);
    if (!rc)
        rc = full(lg, k - 1, 2 * i + 1, r);
    if (!rc)
        ln_trust_node_hash(l, r, out);
    return rc;
}

/* The largest power of two below n (n >= 2). */
static uint64_t split(uint64_t n)
{
    uint64_t k = 1;
    while (k << 1 < n)
        k <<= 1;
    return k;
}

static unsigned lg2(uint64_t p)
{
    unsigned k = 0;
    while ((UINT64_C(1) << k) < p)
        k++;
    return k;
}

/* MTH(D[lo:lo+n]) for n >= 1, where lo is a multiple of the largest power
 * of two <= n (always so in MTH's own recursion). */
static int mth(const ln_trust_log *lg, uint64_t lo, uint64_t n,
               unsigned char out[32])
{
    if ((n & (n - 1)) == 0) {
        unsigned k = lg2(n);
        return full(lg, k, lo >> k, out);
    }
    uint64_t k = split(n);
    unsigned char l[32], r[32];
    int rc = mth(lg, lo, k, l);
    if (!rc)
        rc = mth(lg, lo + k, n - k, r);
    if (!rc)
        ln_trust_node_hash(l, r, out);
    return rc;
}

int ln_trust_log_root(const ln_trust_log *lg, uint64_t size,
                      unsigned char out[32])
{
    if (size > lg->size)
        return LN_ERANGE;
    if (size == 0) {
        crypto_hash_sha256(out, (const unsigned char *)"", 0);
        return 0;
    }
    return mth(lg, 0, size, out);
}

/* PATH(m, D[lo:lo+n]) appended bottom-up (the recursion first). */
static int path(const ln_trust_log *lg, uint64_t m, uint64_t lo, uint64_t n,
                unsigned char out[][32], size_t *len)
{
    if (n <= 1)
        return 0;
    uint64_t k = split(n);
    int rc;
    if (m < k) {
        rc = path(lg, m, lo, k, out, len);
        if (!rc)
            rc = mth(lg, lo + k, n - k, out[(*len)++]);
    } else {
        rc = path(lg, m - k, lo + k, n - k, out, len);
        if (!rc)
            rc = mth(lg, lo, k, out[(*len)++]);
    }
    return rc;
}

int ln_trust_log_inclusion(const ln_trust_log *lg, uint64_t index,
                           uint64_t size, unsigned char out[][32],
                           size_t *npath)
{
    *npath = 0;
    if (size > lg->size || index >= size)
        return LN_ERANGE;
    return path(lg, index, 0, size, out, npath);
}

/* SUBPROOF(m, D[lo:lo+n], b) */
static int subproof(const ln_trust_log *lg, uint64_t m, uint64_t lo,
                    uint64_t n, int b, unsigned char out[][32], size_t *len)
{
    if (m == n) {
        if (b)
            return 0;
        return mth(lg, lo, n, out[(*len)++]);
    }
    uint64_t k = split(n);
    int rc;
    if (m <= k) {
        rc = subproof(lg, m, lo, k, b, out, len);
        if (!rc)
            rc = mth(lg, lo + k, n - k, out[(*len)++]);
    } else {
        rc = subproof(lg, m - k, lo + k, n - k, 0, out, len);
        if (!rc)
            rc = mth(lg, lo, k, out[(*len)++]);
    }
    return rc;
}

int ln_trust_log_consistency(const ln_trust_log *lg, uint64_t m, uint64_t n,
                             unsigned char out[][32], size_t *npath)
{
    *npath = 0;
    if (n > lg->size || m > n)
        return LN_ERANGE;
    if (m == 0 || m == n)
        return 0;
    return subproof(lg, m, 0, n, 1, out, npath);
}

int ln_trust_verify_inclusion(uint64_t index, uint64_t size,
                              const unsigned char leaf[32],
                              const unsigned char (*p)[32], size_t np,
                              const unsigned char root[32])
{
    if (index >= size)
        return LN_ETRUST;
    uint64_t fn = index, sn = size - 1;
    unsigned char r[32];
    memcpy(r, leaf, 32);
    for (size_t i = 0; i < np; i++) {
        if (sn == 0)
            return LN_ETRUST;
        if ((fn & 1) || fn == sn) {
            ln_trust_node_hash(p[i], r, r);
            while (!(fn & 1) && fn != 0) {
                fn >>= 1;
                sn >>= 1;
            }
        } else {
            ln_trust_node_hash(r, p[i], r);
        }
        fn >>= 1;
        sn >>= 1;
    }
    if (sn != 0 || sodium_memcmp(r, root, 32) != 0)
        return LN_ETRUST;
    return 0;
}

int ln_trust_verify_consistency(uint64_t m, uint64_t n,
                                const unsigned char root_m[32],
                                const unsigned char root_n[32],
                                const unsigned char (*p)[32], size_t np)
{
    if (m > n)
        return LN_ETRUST;
    /* LN-DEV: RFC 9162 2.1.4.2 starts at "the path is empty: fail"; the
     * two trivial cases (m == n, m == 0) have empty proofs by 2.1.4.1 and
     * are decided here, as Go's sumdb/tlog does. */
    if (m == n)
        return np == 0 && sodium_memcmp(root_m, root_n, 32) == 0
                   ? 0 : LN_ETRUST;
    if (m == 0)
        return np == 0 ? 0 : LN_ETRUST;
    if (np == 0)
        return LN_ETRUST;
    size_t i = 0;
    unsigned char fr[32], sr[32];
    if ((m & (m - 1)) == 0) { /* exact power of 2: prepend root_m */
        memcpy(fr, root_m, 32);
    } else {
        memcpy(fr, p[0], 32);
        i = 1;
    }
    memcpy(sr, fr, 32);
    uint64_t fn = m - 1, sn = n - 1;
    while (fn & 1) {
        fn >>= 1;
        sn >>= 1;
    }
    for (; i < np; i++) {
        if (sn == 0)
            return LN_ETRUST;
        if ((fn & 1) || fn == sn) {
            ln_trust_node_hash(p[i], fr, fr);
            ln_trust_node_hash(p[i], sr, sr);
            while (!(fn & 1) && fn != 0) {
                fn >>= 1;
                sn >>= 1;
            }
        } else {
            ln_trust_node_hash(sr, p[i], sr);
        }
        fn >>= 1;
        sn >>= 1;
    }
    if (sn != 0 || sodium_memcmp(fr, root_m, 32) != 0 ||
        sodium_memcmp(sr, root_n, 32) != 0)
        return LN_ETRUST;
    return 0;
}
