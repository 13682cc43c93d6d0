/*
 * jsonloc.c - find the line and column of a member in a JSON text, given
 * its path ("terminals[2].count"). jansson reports positions only for
 * syntax errors; validators use this to point at the offending member of
 * a well-formed document. A small scanner that skips strings and nested
 * values; it never allocates and gives up (0, 0) on anything unexpected.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "leonet/core.h"

typedef struct scan {
    const char *p, *end, *start;
} scan;

static void ws(scan *s)
{
    while (s->p < s->end && isspace((unsigned char)*s->p))
        s->p++;
}

static int skip_string(scan *s)
{
    if (s->p >= s->end || *s->p != '"')
        return -1;
    s->p++;
    while (s->p < s->end && *s->p != '"') {
        /* an escape takes the next byte too (if there is one: never step
         * past the end) */
        if (*s->p == '\\' && s->end - s->p > 1)
            s->p++;
        s->p++;
    }
    if (s->p >= s->end)
        return -1;
    s->p++;
    return 0;
}

/* A member's name and its ':' (blanks before each skipped); the name's
 * text (between the quotes, as written) into *k, *kl when k is not
 * NULL. */
static int member_key(scan *s, const char **k, size_t *kl)
{
    ws(s);
    const char *q = s->p;
    if (skip_string(s))
        return -1;
    if (k) {
        *k = q + 1;
        *kl = (size_t)(s->p - q - 2);
    }
    ws(s);
    if (s->p >= s->end || *s->p != ':')
        return -1;
    s->p++;
    return 0;
}

/* After a member or element: skips the blanks and the ',' (1: another
 * follows) or the container's close (0: it ended); -1 on anything else. */
static int after_value(scan *s, char close)
{
    ws(s);
    if (s->p < s->end && (*s->p == ',' || *s->p == close))
        return *s->p++ == ',';
    return -1;
}

static int skip_value(scan *s, int depth)
{
    ws(s);
    if (s->p >= s->end || depth > 4096)
        return -1;
    char c = *s->p;
    if (c == '"')
        return skip_string(s);
    if (c == '{' || c == '[') {
        char close = c == '{' ? '}' : ']';
        s->p++;
        ws(s);
        if (s->p < s->end && *s->p == close) {
            s->p++;
            return 0;
        }
        for (;;) {
            if (c == '{' && member_key(s, NULL, NULL))
                return -1;
            int r = skip_value(s, depth + 1) ? -1 : after_value(s, close);
            if (r <= 0)
                return r;
        }
    }
    while (s->p < s->end && !strchr(",]} \t\r\n", *s->p))
        s->p++;
    return 0;
}

/* Positions the scanner on the value of member `key` (len klen) of the
 * object at s->p. */
static int find_key(scan *s, const char *key, size_t klen)
{
    ws(s);
    if (s->p >= s->end || *s->p != '{')
        return -1;
    s->p++;
    for (;;) {
        const char *k0;
        size_t kl;
        if (member_key(s, &k0, &kl))
            return -1;
        ws(s);
        if (kl == klen && memcmp(k0, key, klen) == 0)
            return 0;
        if (skip_value(s, 0) || after_value(s, '}') != 1)
            return -1;
    }
}

static int find_index(scan *s, long idx)
{
    ws(s);
    if (s->p >= s->end || *s->p != '[')
        return -1;
    s->p++;
    for (long i = 0;; i++) {
        ws(s);
        if (i == idx)
            return s->p < s->end && *s->p != ']' ? 0 : -1;
        if (skip_value(s, 0) || after_value(s, ']') != 1)
            return -1;
    }
}

int ln_json_locate(const char *text, size_t len, const char *path,
                   long *line, long *col)
{
    scan s = {text, text + len, text};
    const char *q = path;
    *line = 0;
    *col = 0;
    if (*q == '$')
        q++;
    while (*q) {
        if (*q == '.') {
            q++;
            continue;
        }
        if (*q == '[') {
            char *e;
            long idx = strtol(q + 1, &e, 10);
            if (*e != ']' || find_index(&s, idx))
                return -1;
            q = e + 1;
            continue;
        }
        size_t kl = strcspn(q, ".[");
        if (find_key(&s, q, kl))
            return -1;
        q += kl;
    }
    ws(&s);
    long l = 1, c = 1;
    for (const char *p = text; p < s.p; p++) {
        if (*p == '\n') {
            l++;
            c = 1;
        } else {
            c++;
        }
    }
    *line = l;
    *col = c;
    return 0;
}
