/*
 * bundle.c - a log as one text file ("leonet-log v1"), the offline form
 * that `leonet audit verify` and `leonet witness` read (the daemon's
 * URL/database form comes with the store's log).
 *
 * Exports: ln_trust_bundle_parse, ln_trust_bundle_clear.
 *
 * Lines: "leonet-log v1" first; then "leaf BASE64" (the entry's bytes,
 * stored here as their RFC 9162 leaf hash) and "checkpoint BASE64" (a
 * whole signed note, base64 so that it fits one line); '#' comments and
 * empty lines are skipped. Entries up to 1 MiB each.
 */
#include <stdlib.h>
#include <string.h>

#include "trust/trust_int.h"

#define MAXENTRY (1 << 20)

void ln_trust_bundle_clear(ln_trust_bundle *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->nnote_; i++)
        free(b->note[i]);
    free(b->leaf);
    free(b->note);
    free(b->nnote);
    free(b->after);
    free(b->line);
    memset(b, 0, sizeof *b);
}

static int grow(void **p, size_t n, size_t size)
{
    /* capacity doubles at powers of two */
    if (n & (n - 1) && n > 16)
        return 0;
    size_t cap = n < 16 ? 16 : n * 2;
    void *q = realloc(*p, cap * size);
    if (!q)
        return LN_ENOMEM;
    *p = q;
    return 0;
}

static int add_note(ln_trust_bundle *b, const unsigned char *d, size_t len,
                    long ln)
{
    size_t i = b->nnote_;
    if (grow((void **)&b->note, i, sizeof *b->note) ||
        grow((void **)&b->nnote, i, sizeof *b->nnote) ||
        grow((void **)&b->after, i, sizeof *b->after) ||
        grow((void **)&b->line, i, sizeof *b->line))
        return LN_ENOMEM;
    if (!(b->note[i] = malloc(len + 1)))
        return LN_ENOMEM;
    memcpy(b->note[i], d, len);
    b->note[i][len] = '\0';
    b->nnote[i] = len;
    b->after[i] = b->nleaf;
    b->line[i] = ln;
    b->nnote_++;
    return 0;
}

static int one_line(ln_trust_bundle *b, const char *p, size_t len, long ln,
                    unsigned char *tmp, ln_diag *d)
{
    size_t got;
    int leaf = len > 5 && memcmp(p, "leaf ", 5) == 0;
    int cp = len > 11 && memcmp(p, "checkpoint ", 11) == 0;
    if (!leaf && !cp)
        return ln_diag_set(d, LN_EPARSE, NULL, ln, 1, NULL,
                           "expected 'leaf BASE64' or 'checkpoint BASE64'");
    size_t skip = leaf ? 5 : 11;
    /* "leaf" with empty data is spelled "leaf =" nowhere: allow "leaf -" */
    if (leaf && len == 6 && p[5] == '-') {
        got = 0;
    } else if (ln_trust_b64_decode(p + skip, len - skip, tmp, MAXENTRY,
                                   &got)) {
        return ln_diag_set(d, LN_EPARSE, NULL, ln, (long)skip + 1, NULL,
                           "not standard base64 (padded, at most 1 MiB)");
    }
    if (cp)
        return add_note(b, tmp, got, ln);
    if (grow((void **)&b->leaf, b->nleaf, sizeof *b->leaf))
        return LN_ENOMEM;
    ln_trust_leaf_hash(tmp, got, b->leaf[b->nleaf++]);
    return 0;
}

int ln_trust_bundle_parse(const char *buf, size_t n, ln_trust_bundle *out,
                          ln_diag *d)
{
    memset(out, 0, sizeof *out);
    static const char magic[] = "leonet-log v1";
    size_t m = sizeof magic - 1;
    if (n < m || memcmp(buf, magic, m) != 0 ||
        (n > m && buf[m] != '\n' && buf[m] != '\r'))
        return ln_diag_set(d, LN_EPARSE, NULL, 1, 1, NULL,
                           "not a log bundle: the first line must be "
                           "'leonet-log v1'");
    unsigned char *tmp = malloc(MAXENTRY);
    if (!tmp)
        return LN_ENOMEM;
    const char *p = buf, *end = buf + n;
    long ln = 0;
    int rc = 0;
    while (p < end && !rc) {
        const char *e = memchr(p, '\n', (size_t)(end - p));
        if (!e)
            e = end;
        size_t len = (size_t)(e - p);
        if (len && p[len - 1] == '\r')
            len--;
        ln++;
        if (ln > 1 && len && p[0] != '#')
            rc = one_line(out, p, len, ln, tmp, d);
        p = e + 1;
    }
    free(tmp);
    if (rc)
        ln_trust_bundle_clear(out);
    return rc;
}
