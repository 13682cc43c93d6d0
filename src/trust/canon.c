/*
 * canon.c - canonical JSON for change requests (what parties sign).
 *
 * Exports: ln_trust_canonical; ln__trust_canon, ln__trust_put (area).
 *
 * Canonical form: RFC 8785 (JCS) restricted to what requests need:
 *  - no whitespace; members of every object sorted by name;
 *  - strings as JCS (ECMAScript JSON.stringify) writes them: '"' and '\'
 *    escaped, \b \t \n \f \r, other characters below U+0020 as \u00xx
 *    (lower-case hex), everything else as raw UTF-8;
 *  - numbers as RFC 8785 section 3.2.2.3 writes them (ECMAScript's
 *    Number::toString of the IEEE double: the shortest digits that read
 *    back to the same double, plain decimal for 1e-6 <= |x| < 1e21,
 *    exponent form otherwise, -0 as 0: es_number below); every number,
 *    integers too, is the double it denotes, as RFC 8785 reads it (so
 *    9007199254740993 is 9007199254740992: keep such values in strings,
 *    as I-JSON, RFC 7493, advises);
 *  - duplicate member names, invalid UTF-8 and NUL in strings refused
 *    (jansson's JSON_REJECT_DUPLICATES, its UTF-8 check).
 * LN-DEV: members sort by the bytes of their UTF-8 names, not by UTF-16
 * code units as RFC 8785 section 3.2.3 says; the two orders differ only
 * between U+E000..U+FFFF and characters above U+FFFF.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trust/trust_int.h"

/* ECMAScript Number::toString(x) (ECMA-262 section 6.1.6.1.20, which RFC
 * 8785 adopts) for a finite x into buf (32 bytes do). The shortest
 * decimal digits d1..dk with exponent n (x = 0.d1..dk * 10^n) that read
 * back to x are found by printing with 1..17 significant digits and
 * reading back (strtod rounds correctly; the %e rounding at the first
 * precision that round-trips is the closest such decimal). */
static void es_number(double x, char *buf, size_t cap /* >= 48 */)
{
    if (x == 0) { /* +0 and -0 */
        snprintf(buf, cap, "0");
        return;
    }
    char e[40], dig[24];
    int p;
    for (p = 1; p <= 17; p++) {
        snprintf(e, sizeof e, "%.*e", p - 1, x);
        if (strtod(e, NULL) == x)
            break;
    }
    /* e: [-]D[.DDD]e[+-]XX */
    const char *q = e + (x < 0);
    size_t k = 0;
    for (; *q && *q != 'e'; q++)
        if (*q != '.')
            dig[k++] = *q;
    while (k > 1 && dig[k - 1] == '0')
        k--;
    dig[k] = '\0';
    int n = atoi(q + 1) + 1; /* x = 0.dig * 10^n */
    const char *sg = x < 0 ? "-" : "";
    if ((int)k <= n && n <= 21) { /* an integer: the digits, zeros */
        int w = snprintf(buf, cap, "%s%s", sg, dig);
        for (int i = (int)k; i < n && (size_t)w + 1 < cap; i++)
            buf[w++] = '0';
        buf[w] = '\0';
    } else if (0 < n && n <= 21) {
        snprintf(buf, cap, "%s%.*s.%s", sg, n, dig, dig + n);
    } else if (-6 < n && n <= 0) {
        int w = snprintf(buf, cap, "%s0.", sg);
        for (int i = 0; i < -n && (size_t)w + 1 < cap; i++)
            buf[w++] = '0';
        snprintf(buf + w, cap - (size_t)w, "%s", dig);
    } else {
        snprintf(buf, cap, "%s%c%s%se%c%d", sg, dig[0], k > 1 ? "." : "",
                 dig + 1, n - 1 >= 0 ? '+' : '-', abs(n - 1));
    }
}

void ln__trust_put(ln__trust_buf *b, const void *s, size_t n)
{
    if (b->oom)
        return;
    if (b->n + n + 1 > b->cap) {
        size_t nc = b->cap ? b->cap : 256;
        while (nc < b->n + n + 1)
            nc *= 2;
        char *p = realloc(b->p, nc);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->p = p;
        b->cap = nc;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static void put_str(ln__trust_buf *b, const char *s, size_t n)
{
    ln__trust_put(b, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char e[8];
        const char *r = NULL;
        switch (c) {
        case '"': r = "\\\""; break;
        case '\\': r = "\\\\"; break;
        case '\b': r = "\\b"; break;
        case '\t': r = "\\t"; break;
        case '\n': r = "\\n"; break;
        case '\f': r = "\\f"; break;
        case '\r': r = "\\r"; break;
        default:
            if (c < 0x20) {
                snprintf(e, sizeof e, "\\u%04x", c);
                r = e;
            }
        }
        if (r)
            ln__trust_put(b, r, strlen(r));
        else
            ln__trust_put(b, s + i, 1);
    }
    ln__trust_put(b, "\"", 1);
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int canon_obj(const json_t *v, ln__trust_buf *b, char *path,
                     size_t cap, ln_diag *d)
{
    size_t n = json_object_size(v), i = 0, plen = strlen(path);
    const char **names = malloc((n ? n : 1) * sizeof *names);
    if (!names) {
        b->oom = 1;
        return LN_ENOMEM;
    }
    const char *k;
    json_t *m;
    json_object_foreach((json_t *)v, k, m)
        names[i++] = k;
    qsort(names, n, sizeof *names, cmp_names);
    int rc = 0;
    ln__trust_put(b, "{", 1);
    for (i = 0; i < n && !rc; i++) {
        if (i)
            ln__trust_put(b, ",", 1);
        put_str(b, names[i], strlen(names[i]));
        ln__trust_put(b, ":", 1);
        snprintf(path + plen, cap - plen, "%s%s", plen ? "." : "", names[i]);
        rc = ln__trust_canon(json_object_get(v, names[i]), b, path, cap, d);
        path[plen] = '\0';
    }
    ln__trust_put(b, "}", 1);
    free(names);
    return rc;
}

int ln__trust_canon(const json_t *v, ln__trust_buf *b, char *path,
                    size_t cap, ln_diag *d)
{
    char num[48];
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return canon_obj(v, b, path, cap, d);
    case JSON_ARRAY: {
        size_t plen = strlen(path);
        ln__trust_put(b, "[", 1);
        for (size_t i = 0; i < json_array_size(v); i++) {
            if (i)
                ln__trust_put(b, ",", 1);
            snprintf(path + plen, cap - plen, "[%zu]", i);
            int rc = ln__trust_canon(json_array_get(v, i), b, path, cap, d);
            if (rc)
                return rc;
            path[plen] = '\0';
        }
        ln__trust_put(b, "]", 1);
        return 0;
    }
    case JSON_STRING:
        put_str(b, json_string_value(v), json_string_length(v));
        return 0;
    case JSON_INTEGER: /* a tree parsed without INT_AS_REAL (request.c):
                          the same double as ln_trust_canonical reads */
        es_number((double)json_integer_value(v), num, sizeof num);
        ln__trust_put(b, num, strlen(num));
        return 0;
    case JSON_REAL:
        es_number(json_real_value(v), num, sizeof num);
        ln__trust_put(b, num, strlen(num));
        return 0;
    case JSON_TRUE:
        ln__trust_put(b, "true", 4);
        return 0;
    case JSON_FALSE:
        ln__trust_put(b, "false", 5);
        return 0;
    default:
        ln__trust_put(b, "null", 4);
        return 0;
    }
}

int ln_trust_canonical(const char *json, size_t n, char **out, size_t *nout,
                       ln_diag *d)
{
    json_error_t je;
    *out = NULL;
    *nout = 0;
    /* every number is read as the IEEE double it denotes (RFC 8785
     * section 3.2.2.3), integers too: the canonical text of a double is
     * what it reads back as, so the form is its own canonical form */
    json_t *v = json_loadb(json, n,
                           JSON_REJECT_DUPLICATES | JSON_DECODE_ANY |
                               JSON_DECODE_INT_AS_REAL,
                           &je);
    if (!v)
        return ln_diag_set(d, LN_EPARSE, NULL, je.line, je.column, NULL,
                           "%s", je.text);
    ln__trust_buf b = {0};
    char path[256] = "";
    int rc = ln__trust_canon(v, &b, path, sizeof path, d);
    json_decref(v);
    if (!rc && b.oom)
        rc = LN_ENOMEM;
    if (rc) {
        if (rc == LN_EPARSE && d->path[0])
            ln_json_locate(json, n, d->path, &d->line, &d->col);
        free(b.p);
        return rc;
    }
    if (!b.p)
        ln__trust_put(&b, "", 0);
    *out = b.p;
    *nout = b.n;
    return 0;
}
