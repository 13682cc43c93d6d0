/*
 * key.c - Ed25519 keys (libsodium), signed-note key ids and key texts,
 * strict base64.
 *
 * Exports: ln_trust_name_ok, ln_trust_key_*, ln_trust_sign,
 * ln_trust_verify, ln_trust_b64_*.
 *
 * Key texts follow C2SP signed-note's verifier keys (vkeys) and their
 * private counterpart of golang.org/x/mod/sumdb/note:
 *   public   NAME+HHHHHHHH+base64(0x01 || 32-byte public key)
 *   private  PRIVATE+KEY+NAME+HHHHHHHH+base64(0x01 || 32-byte seed)
 * HHHHHHHH is the key id (8 lower-case hex digits), checked on parse.
 * The seed is RFC 8032's private key; libsodium's 64-byte secret key is
 * seed || public key.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trust/trust_int.h"

int ln__trust_init(void)
{
    return sodium_init() < 0 ? LN_EINVAL : 0;
}

size_t ln__trust_utf8(const unsigned char *s, size_t n, uint32_t *cp)
{
    if (n == 0)
        return 0;
    unsigned c = s[0];
    size_t len;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if ((c & 0xE0) == 0xC0) {
        len = 2, v = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3, v = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = v << 6 | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return len;
}

int ln__trust_is_space(uint32_t c)
{
    return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 ||
           c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) ||
           c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
           c == 0x3000;
}

int ln_trust_name_ok(const char *name)
{
    const unsigned char *s = (const unsigned char *)name;
    size_t n = strlen(name);
    if (n == 0 || n >= LN_TRUST_NAME_MAX)
        return 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t l = ln__trust_utf8(s + i, n - i, &cp);
        if (!l || cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) ||
            cp == '+' || ln__trust_is_space(cp))
            return 0;
        i += l;
    }
    return 1;
}

int ln_trust_key_from_seed(const char *name, const unsigned char seed[32],
                           ln_trust_key *out)
{
    memset(out, 0, sizeof *out);
    if (!name || !ln_trust_name_ok(name) || ln__trust_init())
        return LN_EINVAL;
    memcpy(out->name, name, strlen(name) + 1);
    crypto_sign_seed_keypair(out->pub, out->sk, seed);
    out->has_secret = 1;
    return 0;
}

int ln_trust_key_generate(const char *name, ln_trust_key *out)
{
    unsigned char seed[32];
    if (ln__trust_init())
        return LN_EINVAL;
    randombytes_buf(seed, sizeof seed);
    int rc = ln_trust_key_from_seed(name, seed, out);
    sodium_memzero(seed, sizeof seed);
    return rc;
}

uint32_t ln_trust_key_id(const char *name, int type,
                         const unsigned char pub[32])
{
    crypto_hash_sha256_state st;
    unsigned char h[32], t[2] = {0x0A, (unsigned char)type};
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const unsigned char *)name,
                              strlen(name));
    crypto_hash_sha256_update(&st, t, 2);
    crypto_hash_sha256_update(&st, pub, 32);
    crypto_hash_sha256_final(&st, h);
    return (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 |
           (uint32_t)h[2] << 8 | h[3];
}

int ln_trust_b64_encode(const unsigned char *in, size_t n, char *buf,
                        size_t cap)
{
    if (cap < sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL))
        return LN_ERANGE;
    sodium_bin2base64(buf, cap, in, n, sodium_base64_VARIANT_ORIGINAL);
    return 0;
}

int ln_trust_b64_decode(const char *s, size_t n, unsigned char *out,
                        size_t max, size_t *len)
{
    const char *end = NULL;
    *len = 0;
    if (ln__trust_init() || n == 0 || n % 4)
        return LN_EPARSE;
    if (sodium_base642bin(out, max, s, n, NULL, len, &end,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        end != s + n)
        return LN_EPARSE;
    /* canonical: encoding the bytes again gives the same text */
    char *again = malloc(n + 1);
    int rc = !again || ln_trust_b64_encode(out, *len, again, n + 1) ||
             memcmp(again, s, n) != 0;
    free(again);
    return rc ? LN_EPARSE : 0;
}

static int fmt_key(const char *prefix, const ln_trust_key *k,
                   const unsigned char *material, char *buf, size_t cap)
{
    unsigned char b[33];
    char b64[64];
    b[0] = LN_TRUST_SIG_ED25519;
    memcpy(b + 1, material, 32);
    ln_trust_b64_encode(b, sizeof b, b64, sizeof b64);
    sodium_memzero(b, sizeof b);
    int w = snprintf(buf, cap, "%s%s+%08x+%s", prefix, k->name,
                     (unsigned)ln_trust_key_id(k->name, LN_TRUST_SIG_ED25519,
                                               k->pub),
                     b64);
    sodium_memzero(b64, sizeof b64);
    return w < 0 || (size_t)w >= cap ? LN_ERANGE : 0;
}

int ln_trust_key_format_public(const ln_trust_key *k, char *buf, size_t cap)
{
    return fmt_key("", k, k->pub, buf, cap);
}

int ln_trust_key_format_private(const ln_trust_key *k, char *buf, size_t cap)
{
    if (!k->has_secret)
        return LN_EINVAL;
    return fmt_key("PRIVATE+KEY+", k, k->sk, buf, cap);
}

int ln_trust_key_parse(const char *text, size_t n, ln_trust_key *out,
                       ln_diag *d)
{
    char s[400];
    memset(out, 0, sizeof *out);
    if (n && text[n - 1] == '\n')
        n--;
    if (n == 0 || n >= sizeof s || memchr(text, '\0', n))
        return ln_diag_set(d, LN_EPARSE, NULL, 1, 0, NULL,
                           "key: expected one line NAME+ID+KEY");
    memcpy(s, text, n);
    s[n] = '\0';
    char *p = s;
    int priv = strncmp(p, "PRIVATE+KEY+", 12) == 0;
    if (priv)
        p += 12;
    char *f[3];
    for (int i = 0; i < 3; i++) {
        f[i] = p;
        p = i < 2 ? strchr(p, '+') : NULL;
        if (i < 2 && !p)
            return ln_diag_set(d, LN_EPARSE, NULL, 1, 0, NULL,
                               "key: expected %sNAME+ID+KEY, found %d "
                               "field(s)", priv ? "PRIVATE+KEY+" : "", i + 1);
        if (p)
            *p++ = '\0';
    }
    if (!ln_trust_name_ok(f[0]))
        return ln_diag_set(d, LN_EPARSE, NULL, 1, 0, NULL,
                           "key: invalid name '%s'", f[0]);
    unsigned long id = 0;
    if (strlen(f[1]) != 8 || strspn(f[1], "0123456789abcdef") != 8)
        return ln_diag_set(d, LN_EPARSE, NULL, 1, 0, NULL,
                           "key: id '%s' is not 8 lower-case hex digits",
                           f[1]);
    sscanf(f[1], "%lx", &id);
    unsigned char b[64];
    size_t len;
    if (ln_trust_b64_decode(f[2], strlen(f[2]), b, sizeof b, &len) ||
        len != 33 || b[0] != LN_TRUST_SIG_ED25519) {
        sodium_memzero(s, sizeof s);
        return ln_diag_set(d, LN_EPARSE, NULL, 1, 0, NULL,
                           "key: key material is not base64 of 0x01 and "
                           "32 bytes (Ed25519)");
    }
    int rc = 0;
    if (priv) {
        rc = ln_trust_key_from_seed(f[0], b + 1, out);
    } else {
        memcpy(out->name, f[0], strlen(f[0]) + 1);
        memcpy(out->pub, b + 1, 32);
    }
    sodium_memzero(b, sizeof b);
    sodium_memzero(s, sizeof s);
    if (rc)
        return ln_diag_set(d, LN_EPARSE, NULL, 1, 0, NULL, "key: bad seed");
    if (ln_trust_key_id(out->name, LN_TRUST_SIG_ED25519, out->pub) != id) {
        memset(out, 0, sizeof *out);
        return ln_diag_set(d, LN_EPARSE, NULL, 1, 0, NULL,
                           "key: id %08lx does not match the name and key",
                           id);
    }
    return 0;
}

int ln_trust_sign(const ln_trust_key *k, const void *msg, size_t n,
                  unsigned char sig[64])
{
    if (!k->has_secret || ln__trust_init())
        return LN_EINVAL;
    crypto_sign_detached(sig, NULL, msg, n, k->sk);
    return 0;
}

int ln_trust_verify(const unsigned char pub[32], const void *msg, size_t n,
                    const unsigned char sig[64])
{
    if (ln__trust_init())
        return LN_EINVAL;
    return crypto_sign_verify_detached(sig, msg, n, pub) == 0 ? 0
                                                              : LN_ETRUST;
}
