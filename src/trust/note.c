/*
 * note.c - C2SP signed notes (signed-note v1.0.0), checkpoints
 * (tlog-checkpoint v1.0.0) and cosignatures (tlog-cosignature,
 * cosignature/v1 with Ed25519: timestamped_signature).
 *
 * Exports: ln_trust_sigline_parse, ln_trust_note_*, ln_trust_cosign,
 * ln_trust_checkpoint_*.
 *
 * A note is its text (non-empty, ending with a newline, UTF-8, no control
 * character but newline), a blank line, and 1..100 signature lines
 * "— NAME base64(key id || signature)\n". The signature of a note key
 * (type 0x01) is Ed25519 over the text; a cosignature (type 0x04) carries
 * an 8-byte big-endian timestamp before the Ed25519 signature, which is
 * over "cosignature/v1\ntime T\n" || text. Lines whose name and key id
 * match no known key are ignored, as signed-note says; one that matches
 * and does not verify fails the note.
 */
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trust/trust_int.h"

#define DASH "\xe2\x80\x94 " /* U+2014 EM DASH and a space */
#define SIGBUF 4096           /* decoded signature lines up to this */

int ln_trust_sigline_parse(const char *line, size_t n, ln_trust_sigline *out,
                           ln_diag *d)
{
    memset(out, 0, sizeof *out);
    if (n < 4 || memcmp(line, DASH, 4) != 0)
        return ln_diag_set(d, LN_EPARSE, NULL, 0, 1, NULL,
                           "signature line must start with U+2014 (em "
                           "dash) and a space");
    const char *p = line + 4, *end = line + n;
    const char *sp = memchr(p, ' ', (size_t)(end - p));
    if (!sp || sp == p)
        return ln_diag_set(d, LN_EPARSE, NULL, 0, 5, NULL,
                           "signature line: expected NAME, a space and the "
                           "base64 signature");
    size_t nl = (size_t)(sp - p);
    if (nl >= LN_TRUST_NAME_MAX)
        return ln_diag_set(d, LN_EPARSE, NULL, 0, 5, NULL,
                           "signature line: key name over %d bytes",
                           LN_TRUST_NAME_MAX - 1);
    memcpy(out->name, p, nl);
    out->name[nl] = '\0';
    if (memchr(p, '\0', nl) || !ln_trust_name_ok(out->name))
        return ln_diag_set(d, LN_EPARSE, NULL, 0, 5, NULL,
                           "signature line: invalid key name (UTF-8, no "
                           "space, no '+')");
    unsigned char *b = malloc(SIGBUF);
    size_t len = 0;
    if (!b)
        return LN_ENOMEM;
    if (ln_trust_b64_decode(sp + 1, (size_t)(end - sp - 1), b, SIGBUF,
                            &len) || len < 5) {
        free(b);
        return ln_diag_set(d, LN_EPARSE, NULL, 0, (long)(sp - line) + 2,
                           NULL, "signature line: signature is not "
                           "base64 of a 4-byte key id and a signature");
    }
    out->id = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
              (uint32_t)b[2] << 8 | b[3];
    /* a longer signature (another algorithm) is kept as nsig 0: it can
     * match no key of ours and is ignored */
    if (len - 4 <= LN_TRUST_SIG_MAX) {
        memcpy(out->sig, b + 4, len - 4);
        out->nsig = len - 4;
    }
    free(b);
    return 0;
}

void ln_trust_note_clear(ln_trust_note *nt)
{
    if (!nt)
        return;
    free(nt->text);
    free(nt->sigs);
    memset(nt, 0, sizeof *nt);
}

/* UTF-8, no control character but newline; 0 or the byte offset + 1 of
 * the first bad one. */
static size_t bad_text(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t l = ln__trust_utf8(u + i, n - i, &cp);
        if (!l || (cp < 0x20 && cp != '\n') || cp == 0x7F)
            return i + 1;
        i += l;
    }
    return 0;
}

static long line_of(const char *s, size_t off)
{
    long ln = 1;
    for (size_t i = 0; i < off; i++)
        ln += s[i] == '\n';
    return ln;
}

int ln_trust_note_parse(const char *buf, size_t n, ln_trust_note *out,
                        ln_diag *d)
{
    memset(out, 0, sizeof *out);
    if (n == 0 || buf[n - 1] != '\n')
        return ln_diag_set(d, LN_EPARSE, NULL, line_of(buf, n), 0, NULL,
                           "note: must end with a newline");
    size_t bad = bad_text(buf, n);
    if (bad)
        return ln_diag_set(d, LN_EPARSE, NULL, line_of(buf, bad - 1), 0,
                           NULL, "note: invalid UTF-8 or a control "
                           "character (byte %zu)", bad - 1);
    size_t split = 0; /* offset of the blank line's "\n\n" (last one) */
    int found = 0;
    for (size_t i = n - 1; i > 0; i--)
        if (buf[i] == '\n' && buf[i - 1] == '\n') {
            split = i - 1;
            found = 1;
            break;
        }
    if (!found || split == 0)
        return ln_diag_set(d, LN_EPARSE, NULL, line_of(buf, n), 0, NULL,
                           found ? "note: empty text"
                                 : "note: no blank line before the "
                                   "signatures");
    size_t nt = split + 1;
    const char *p = buf + split + 2, *end = buf + n;
    if (p >= end)
        return ln_diag_set(d, LN_EPARSE, NULL, line_of(buf, n), 0, NULL,
                           "note: no signature line");
    out->text = malloc(nt + 1);
    out->sigs = calloc(LN_TRUST_NOTE_MAX_SIGS, sizeof *out->sigs);
    if (!out->text || !out->sigs) {
        ln_trust_note_clear(out);
        return LN_ENOMEM;
    }
    memcpy(out->text, buf, nt);
    out->text[nt] = '\0';
    out->ntext = nt;
    while (p < end) {
        const char *e = memchr(p, '\n', (size_t)(end - p));
        long ln = line_of(buf, (size_t)(p - buf));
        if (out->nsigs == LN_TRUST_NOTE_MAX_SIGS) {
            ln_trust_note_clear(out);
            return ln_diag_set(d, LN_EPARSE, NULL, ln, 0, NULL,
                               "note: more than %d signatures",
                               LN_TRUST_NOTE_MAX_SIGS);
        }
        int rc = ln_trust_sigline_parse(p, (size_t)(e - p),
                                        &out->sigs[out->nsigs], d);
        if (rc) {
            ln_trust_note_clear(out);
            d->line = ln;
            return rc;
        }
        out->nsigs++;
        p = e + 1;
    }
    return 0;
}

/* Ed25519 over "cosignature/v1\ntime T\n" || text (one buffer). */
static int cosig_bytes(const char *text, size_t n, uint64_t t,
                       unsigned char **msg, size_t *len)
{
    char hdr[64];
    snprintf(hdr, sizeof hdr, "cosignature/v1\ntime %" PRIu64 "\n", t);
    size_t h = strlen(hdr);
    *msg = malloc(h + n);
    if (!*msg)
        return LN_ENOMEM;
    memcpy(*msg, hdr, h);
    memcpy(*msg + h, text, n);
    *len = h + n;
    return 0;
}

/* Checks one signature line against one key: -1 no match, 0 verified,
 * LN_ETRUST matched and failed. */
static int check_one(const ln_trust_note *nt, const ln_trust_sigline *s,
                     const ln_trust_key *k, uint64_t *t_cosig)
{
    if (strcmp(s->name, k->name) != 0)
        return -1;
    if (s->id == ln_trust_key_id(k->name, LN_TRUST_SIG_ED25519, k->pub)) {
        if (s->nsig != 64)
            return LN_ETRUST;
        return ln_trust_verify(k->pub, nt->text, nt->ntext, s->sig);
    }
    if (s->id == ln_trust_key_id(k->name, LN_TRUST_SIG_COSIGNATURE,
                                 k->pub)) {
        if (s->nsig != 72)
            return LN_ETRUST;
        uint64_t t = 0;
        for (int i = 0; i < 8; i++)
            t = t << 8 | s->sig[i];
        if (t > INT64_MAX)
            return LN_ETRUST;
        unsigned char *m;
        size_t len;
        if (cosig_bytes(nt->text, nt->ntext, t, &m, &len))
            return LN_ETRUST;
        int rc = ln_trust_verify(k->pub, m, len, s->sig + 8);
        free(m);
        if (!rc && t_cosig)
            *t_cosig = t;
        return rc;
    }
    return -1;
}

int ln_trust_note_verify(const ln_trust_note *nt, const ln_trust_key *keys,
                         size_t nkeys, size_t *nok, uint64_t *t_cosig,
                         ln_diag *d)
{
    *nok = 0;
    if (ln__trust_init())
        return LN_EINVAL;
    for (size_t i = 0; i < nt->nsigs; i++)
        for (size_t j = 0; j < nkeys; j++) {
            int rc = check_one(nt, &nt->sigs[i], &keys[j], t_cosig);
            if (rc == -1)
                continue;
            if (rc)
                return ln_diag_set(d, LN_ETRUST, NULL, 0, 0, NULL,
                                   "note: the signature of '%s' (key id "
                                   "%08x) does not verify",
                                   nt->sigs[i].name,
                                   (unsigned)nt->sigs[i].id);
            (*nok)++;
        }
    if (*nok == 0)
        return ln_diag_set(d, LN_ETRUST, NULL, 0, 0, NULL,
                           "note: no signature by a known key (%zu line(s),"
                           " %zu key(s) known)", nt->nsigs, nkeys);
    return 0;
}

static int sig_line(const ln_trust_key *k, uint32_t id,
                    const unsigned char *blob, size_t nb, char *buf,
                    size_t cap)
{
    unsigned char b[4 + LN_TRUST_SIG_MAX];
    char b64[160];
    b[0] = (unsigned char)(id >> 24), b[1] = (unsigned char)(id >> 16);
    b[2] = (unsigned char)(id >> 8), b[3] = (unsigned char)id;
    memcpy(b + 4, blob, nb);
    ln_trust_b64_encode(b, nb + 4, b64, sizeof b64);
    int w = snprintf(buf, cap, DASH "%s %s\n", k->name, b64);
    return w < 0 || (size_t)w >= cap ? LN_ERANGE : 0;
}

static int text_ok(const char *text, size_t n)
{
    if (n == 0 || text[n - 1] != '\n' || text[0] == '\n' ||
        bad_text(text, n))
        return 0;
    for (size_t i = 1; i < n; i++) /* no blank line */
        if (text[i] == '\n' && text[i - 1] == '\n')
            return 0;
    return 1;
}

int ln_trust_sign_line(const ln_trust_key *k, const void *msg, size_t n,
                       char *buf, size_t cap)
{
    unsigned char sig[64];
    if (!k->has_secret)
        return LN_EINVAL;
    int rc = ln_trust_sign(k, msg, n, sig);
    if (rc)
        return rc;
    return sig_line(k, ln_trust_key_id(k->name, LN_TRUST_SIG_ED25519, k->pub),
                    sig, 64, buf, cap);
}

int ln_trust_note_sign(const ln_trust_key *k, const char *text, size_t n,
                       char *buf, size_t cap)
{
    if (!text_ok(text, n))
        return LN_EINVAL;
    return ln_trust_sign_line(k, text, n, buf, cap);
}

int ln_trust_cosign(const ln_trust_key *k, const char *text, size_t n,
                    uint64_t t, char *buf, size_t cap)
{
    unsigned char blob[72], *m;
    size_t len;
    if (!k->has_secret || !text_ok(text, n) || t > INT64_MAX)
        return LN_EINVAL;
    if (cosig_bytes(text, n, t, &m, &len))
        return LN_ENOMEM;
    for (int i = 0; i < 8; i++)
        blob[i] = (unsigned char)(t >> (56 - 8 * i));
    int rc = ln_trust_sign(k, m, len, blob + 8);
    free(m);
    if (rc)
        return rc;
    return sig_line(k,
                    ln_trust_key_id(k->name, LN_TRUST_SIG_COSIGNATURE,
                                    k->pub),
                    blob, 72, buf, cap);
}

int ln_trust_checkpoint_parse(const char *text, size_t n,
                              ln_trust_checkpoint *out, ln_diag *d)
{
    memset(out, 0, sizeof *out);
    if (n == 0 || text[n - 1] != '\n' || bad_text(text, n))
        return ln_diag_set(d, LN_EPARSE, NULL, 0, 0, NULL,
                           "checkpoint: must be UTF-8 lines, each ending "
                           "with a newline");
    const char *p = text, *end = text + n;
    long ln = 0;
    while (p < end) {
        const char *e = memchr(p, '\n', (size_t)(end - p));
        size_t len = (size_t)(e - p);
        ln++;
        if (len == 0)
            return ln_diag_set(d, LN_EPARSE, NULL, ln, 1, NULL,
                               "checkpoint: empty line");
        if (ln == 1) {
            if (len >= sizeof out->origin)
                return ln_diag_set(d, LN_EPARSE, NULL, 1, 1, NULL,
                                   "checkpoint: origin over %zu bytes",
                                   sizeof out->origin - 1);
            memcpy(out->origin, p, len);
        } else if (ln == 2) {
            uint64_t v = 0;
            int ok = len <= 20 && (len == 1 || p[0] != '0');
            for (size_t i = 0; ok && i < len; i++) {
                if (p[i] < '0' || p[i] > '9' ||
                    v > (UINT64_MAX - (uint64_t)(p[i] - '0')) / 10)
                    ok = 0;
                else
                    v = v * 10 + (uint64_t)(p[i] - '0');
            }
            if (!ok)
                return ln_diag_set(d, LN_EPARSE, NULL, 2, 1, NULL,
                                   "checkpoint: tree size must be a "
                                   "decimal number without leading zeros");
            out->size = v;
        } else if (ln == 3) {
            size_t got;
            unsigned char h[64];
            if (ln_trust_b64_decode(p, len, h, sizeof h, &got) || got != 32)
                return ln_diag_set(d, LN_EPARSE, NULL, 3, 1, NULL,
                                   "checkpoint: root hash must be base64 "
                                   "of 32 bytes");
            memcpy(out->root, h, 32);
        } else {
            out->next++;
        }
        p = e + 1;
    }
    if (ln < 3)
        return ln_diag_set(d, LN_EPARSE, NULL, ln + 1, 0, NULL,
                           "checkpoint: missing %s line",
                           ln < 2 ? "tree size" : "root hash");
    return 0;
}

int ln_trust_checkpoint_format(const ln_trust_checkpoint *c, char *buf,
                               size_t cap)
{
    char b64[64];
    ln_trust_b64_encode(c->root, 32, b64, sizeof b64);
    int w = snprintf(buf, cap, "%s\n%" PRIu64 "\n%s\n", c->origin, c->size,
                     b64);
    return w < 0 || (size_t)w >= cap ? LN_ERANGE : 0;
}
