/*
 * csv.c - CSV records for the project's data files (places, gateways,
 * point lists), on libcsv (RFC 4180 quoting, Debian libcsv-dev) rather
 * than hand-written splitting. This file adds
 * only what libcsv does not give: whole records with their line numbers,
 * and messages in ln_diag form.
 *
 * The text is fed to libcsv one physical line at a time; a record starts
 * on the first line with a non-blank character after the previous record
 * ended (a quoted field may go on over several lines).
 */
#include <ctype.h>
#include <csv.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leonet/core.h"

typedef struct rec {
    ln_csv_row_fn fn;
    void *user;
    char *buf;        /* the record's fields, NUL-separated */
    size_t len, cap;
    size_t *off;      /* field offsets in buf */
    size_t n, ncap;
    char **fields;    /* pointers handed to fn */
    long line, start; /* line being fed; line the record started on */
    int open;         /* a record has started and not yet ended */
    int stop;         /* fn's non-zero value, or LN_ENOMEM */
} rec;

static void on_field(void *data, size_t n, void *user)
{
    rec *r = user;
    if (r->stop)
        return;
    if (ln_grow((void **)&r->buf, &r->cap, r->len + n + 1, 1) ||
        ln_grow((void **)&r->off, &r->ncap, r->n + 1, sizeof *r->off)) {
        r->stop = LN_ENOMEM;
        return;
    }
    r->off[r->n++] = r->len;
    if (n)
        memcpy(r->buf + r->len, data, n);
    r->len += n;
    r->buf[r->len++] = '\0';
}

static void on_record(int c, void *user)
{
    rec *r = user;
    (void)c;
    r->open = 0;
    if (r->stop) {
        r->n = r->len = 0;
        return;
    }
    /* a blank line is one empty field: skip it */
    if (r->n == 1 && r->buf[0] == '\0') {
        r->n = r->len = 0;
        return;
    }
    r->fields = ln_realloc(r->fields, (r->n ? r->n : 1) * sizeof *r->fields);
    if (!r->fields) {
        r->stop = LN_ENOMEM;
        return;
    }
    for (size_t i = 0; i < r->n; i++)
        r->fields[i] = r->buf + r->off[i];
    r->stop = r->fn(r->user, r->fields, r->n, r->start);
    r->n = r->len = 0;
}

static int blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return 0;
    return 1;
}

int ln_csv_parse(const char *text, size_t len, const char *file,
                 ln_csv_row_fn fn, void *user, ln_diag *diag)
{
    struct csv_parser p;
    if (!fn || (!text && len))
        return LN_EINVAL;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0)
        return LN_ENOMEM;
    if (text && ln_text_bom(text, len)) {
        text += 3;
        len -= 3;
    }
    /* libcsv keeps a NUL byte in the field, where every reader would see
     * the field's end: refused, with its line and column */
    long line, col;
    if (ln_text_nul(text, len, &line, &col)) {
        csv_free(&p);
        return ln_diag_set(diag, LN_EPARSE, file, line, col, NULL,
                           "CSV: a NUL byte (not text)");
    }
    rec r = {0};
    r.fn = fn;
    r.user = user;
    int rc = 0;
    size_t at = 0;
    while (at < len && !r.stop) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t n = nl ? (size_t)(nl - (text + at)) + 1 : len - at;
        r.line++;
        if (!r.open && !blank(text + at, n)) {
            r.open = 1;
            r.start = r.line;
        }
        if (csv_parse(&p, text + at, n, on_field, on_record, &r) != n) {
            rc = csv_error(&p) == CSV_ENOMEM
                     ? LN_ENOMEM
                     : ln_diag_set(diag, LN_EPARSE, file, r.line, 0, NULL,
                                   "CSV: malformed quoting (a quote inside "
                                   "an unquoted field, or text after a "
                                   "closing quote)");
            break;
        }
        at += n;
    }
    if (!rc && !r.stop &&
        csv_fini(&p, on_field, on_record, &r) != 0)
        rc = ln_diag_set(diag, LN_EPARSE, file, r.start ? r.start : r.line,
                         0, NULL, "CSV: quoted field not closed");
    if (!rc && r.stop)
        rc = r.stop;
    csv_free(&p);
    ln_free(r.buf);
    ln_free(r.off);
    ln_free(r.fields);
    return rc;
}

int ln_csv_read(const char *path, size_t max_bytes, ln_csv_row_fn fn,
                void *user, ln_diag *diag)
{
    char *buf;
    size_t len;
    int rc = ln_read_file(path, max_bytes, &buf, &len, diag);
    if (rc)
        return rc;
    rc = ln_csv_parse(buf, len, path, fn, user, diag);
    ln_free(buf);
    return rc;
}

int ln_csv_col(char *const *hdr, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(hdr[i], name))
            return (int)i;
    return -1;
}

const char *ln_csv_col_dup(char *const *hdr, size_t n)
{
    /* headers have a handful of columns: the quadratic scan is cheapest */
    for (size_t i = 1; i < n; i++)
        for (size_t j = 0; j < i && hdr[i][0]; j++)
            if (!strcmp(hdr[i], hdr[j]))
                return hdr[i];
    return NULL;
}

size_t ln_text_bom(const char *text, size_t len)
{
    return len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}

int ln_text_nul(const char *text, size_t len, long *line, long *col)
{
    const char *nul = len ? memchr(text, '\0', len) : NULL;
    if (!nul)
        return 0;
    *line = 1;
    *col = 1;
    for (const char *q = text; q < nul; q++) {
        ++*col;
        if (*q == '\n') {
            ++*line;
            *col = 1;
        }
    }
    return 1;
}

int ln_parse_decimal(const char *s, double *out)
{
    char *end;
    if (!s || !*s || isspace((unsigned char)*s) || strpbrk(s, "xX"))
        return -1;
    double x = strtod(s, &end); /* underflow to 0 is fine, overflow inf */
    if (*end || !isfinite(x))
        return -1;
    *out = x;
    return 0;
}

int ln_csv_number(const char *s, double lo, double hi, double *out,
                  char *why, size_t n)
{
    char *end;
    if (!*s) {
        snprintf(why, n, "empty (a number in [%g, %g])", lo, hi);
        return LN_EPARSE;
    }
    double x = strtod(s, &end);
    if (*end) {
        snprintf(why, n, "'%.40s' is not a number", s);
        return LN_EPARSE;
    }
    if (!isfinite(x)) {
        snprintf(why, n, "'%.40s' is not a finite number", s);
        return LN_EPARSE;
    }
    if (!(x >= lo && x <= hi)) {
        snprintf(why, n, "%.40s is out of range [%g, %g]", s, lo, hi);
        return LN_EPARSE;
    }
    *out = x;
    return 0;
}

void ln_csv_put(FILE *f, const char *s)
{
    /* a field that starts with a byte order mark is quoted: first in a
     * file, the reader would skip the mark */
    if (!s[strcspn(s, ",\"\r\n")] && s[0] != ' ' && s[0] != '\t' &&
        !ln_text_bom(s, strlen(s)) &&
        (!s[0] || (s[strlen(s) - 1] != ' ' && s[strlen(s) - 1] != '\t'))) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}
