/*
 * fail.c - the failure file: satellites down, gateways down, ISLs cut,
 * for the whole run or inside a time window.
 *
 * Exports ln_net_failset_parse, ln_net_failset_read, ln_net_failset_free,
 * ln_net_failset_count, ln_net_failset_apply, ln_net_fail_read.
 *
 * Format (docs/network.md): one item per line, '#' starts a comment,
 *   sat I | gs I | isl A B   [from T0] [until T1]
 * with T0, T1 in seconds after the start of the run; the item is down for
 * T0 <= t < T1 (open ends when left out). Indices are checked against the
 * network (an ISL must be in the list, either order); every error names
 * the line. Items are kept in file order; applying them is O(items).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "net/net_int.h"

enum { K_SAT = 0, K_GS = 1, K_ISL = 2 };

typedef struct item {
    int kind;              /* K_* */
    int32_t idx;           /* satellite, ground station or ISL index */
    double from_s, until_s; /* down on [from, until), s after the start */
} item;

struct ln_net_failset {
    item *v;
    size_t n, cap;
    int windowed; /* 1 when some item has a window */
};

void ln_net_failset_free(ln_net_failset *fs)
{
    if (!fs)
        return;
    ln_free(fs->v);
    ln_free(fs);
}

size_t ln_net_failset_count(const ln_net_failset *fs)
{
    return fs ? fs->n : 0;
}

static int parse_long(const char *t, long *v)
{
    char *end;
    errno = 0;
    *v = t ? strtol(t, &end, 10) : 0;
    return t && *t && !*end && errno == 0 ? 0 : -1;
}

static int parse_time(const char *t, double *v)
{
    char *end;
    *v = t ? strtod(t, &end) : NAN;
    return t && *t && !*end && isfinite(*v) ? 0 : -1;
}

int ln_net_failset_parse(const char *buf, size_t len, const char *name,
                         size_t nsat, size_t ngs, const ln_net_isl *isls,
                         size_t nisl, ln_net_failset **out, ln_diag *diag)
{
    *out = NULL;
    ln_net_failset *fs = ln_calloc(1, sizeof *fs);
    char *copy = ln_malloc(len + 1);
    if (!fs || !copy) {
        ln_free(fs);
        ln_free(copy);
        return ln_diag_set(diag, LN_ENOMEM, name, 0, 0, NULL,
                           "out of memory");
    }
    long zl, zc;
    if (ln_text_nul(buf, len, &zl, &zc)) {
        ln_free(fs);
        ln_free(copy);
        return ln_diag_set(diag, LN_EPARSE, name, zl, zc, NULL,
                           "a NUL byte (binary data in a text file)");
    }
    if (ln_text_bom(buf, len)) { /* a UTF-8 byte order mark */
        buf += 3;
        len -= 3;
    }
    memcpy(copy, buf, len);
    copy[len] = '\0';
    int rc = 0;
    long lineno = 0;
    char *next = copy;
    while (next && !rc) {
        char *line = next;
        char *nl = strchr(line, '\n');
        next = nl ? nl + 1 : NULL;
        if (nl)
            *nl = '\0';
        lineno++;
        char *h = strchr(line, '#');
        if (h)
            *h = '\0';
        char *save = NULL;
        char *kind = strtok_r(line, " \t\r", &save);
        if (!kind)
            continue;
        item it = {0, -1, -INFINITY, INFINITY};
        long a = -1, b = -1;
        const char *why = NULL;
        if (strcmp(kind, "sat") == 0 || strcmp(kind, "gs") == 0) {
            it.kind = kind[0] == 's' ? K_SAT : K_GS;
            size_t lim = it.kind == K_SAT ? nsat : ngs;
            if (parse_long(strtok_r(NULL, " \t\r", &save), &a) || a < 0 ||
                (size_t)a >= lim)
                why = it.kind == K_SAT ? "satellite index out of range"
                                       : "gateway index out of range";
            it.idx = (int32_t)a;
        } else if (strcmp(kind, "isl") == 0) {
            it.kind = K_ISL;
            if (parse_long(strtok_r(NULL, " \t\r", &save), &a) ||
                parse_long(strtok_r(NULL, " \t\r", &save), &b)) {
                why = "expected 'isl A B'";
            } else {
                long lo = a < b ? a : b, hi = a < b ? b : a;
                size_t i = 0;
                while (i < nisl && !(isls[i].a == lo && isls[i].b == hi))
                    i++;
                if (i == nisl)
                    why = "no such ISL";
                it.idx = (int32_t)i;
            }
        } else {
            why = "expected 'sat I', 'gs I' or 'isl A B'";
        }
        int seen = 0; /* 1: from, 2: until */
        for (char *t = why ? NULL : strtok_r(NULL, " \t\r", &save);
             t && !why; t = strtok_r(NULL, " \t\r", &save)) {
            double v;
            int k = strcmp(t, "from") == 0 ? 1 : strcmp(t, "until") == 0 ? 2
                                                                         : 0;
            if (k & seen)
                why = k == 1 ? "'from' given twice" : "'until' given twice";
            else if (k == 1 &&
                     !parse_time(strtok_r(NULL, " \t\r", &save), &v))
                it.from_s = v;
            else if (k == 2 &&
                     !parse_time(strtok_r(NULL, " \t\r", &save), &v))
                it.until_s = v;
            else
                why = "expected 'from T' or 'until T' (seconds) after the "
                      "item";
            seen |= k;
        }
        if (!why && !(it.until_s > it.from_s))
            why = "'until' is not after 'from'";
        if (why) {
            if (it.kind == K_ISL && why[0] == 'n')
                rc = ln_diag_set(diag, LN_EPARSE, name, lineno, 1, NULL,
                                 "no ISL between %ld and %ld", a, b);
            else
                rc = ln_diag_set(diag, LN_EPARSE, name, lineno, 1, NULL,
                                 "%s", why);
            break;
        }
        if (ln_grow((void **)&fs->v, &fs->cap, fs->n + 1, sizeof *fs->v)) {
            rc = ln_diag_set(diag, LN_ENOMEM, name, 0, 0, NULL,
                             "out of memory");
            break;
        }
        fs->windowed |= isfinite(it.from_s) || isfinite(it.until_s);
        fs->v[fs->n++] = it;
    }
    ln_free(copy);
    if (rc) {
        ln_net_failset_free(fs);
        return rc;
    }
    *out = fs;
    return 0;
}

int ln_net_failset_read(const char *path, size_t nsat, size_t ngs,
                        const ln_net_isl *isls, size_t nisl,
                        ln_net_failset **out, ln_diag *diag)
{
    char *buf;
    size_t len;
    *out = NULL;
    int rc = ln_read_file(path, (size_t)64 << 20, &buf, &len, diag);
    if (rc)
        return rc;
    rc = ln_net_failset_parse(buf, len, path, nsat, ngs, isls, nisl, out,
                              diag);
    ln_free(buf);
    return rc;
}

size_t ln_net_failset_apply(const ln_net_failset *fs, double t_s,
                            uint8_t *sat_down, uint8_t *gs_down,
                            uint8_t *isl_cut)
{
    size_t k = 0;
    for (size_t i = 0; fs && i < fs->n; i++) {
        const item *it = &fs->v[i];
        if (!isnan(t_s) && !(t_s >= it->from_s && t_s < it->until_s))
            continue;
        uint8_t *flags = it->kind == K_SAT ? sat_down
                         : it->kind == K_GS ? gs_down
                                            : isl_cut;
        if (flags) {
            flags[it->idx] = 1;
            k++;
        }
    }
    return k;
}

int ln_net_fail_read(const char *path, size_t nsat, size_t ngs,
                     const ln_net_isl *isls, size_t nisl, uint8_t *sat_down,
                     uint8_t *gs_down, uint8_t *isl_cut, ln_diag *diag)
{
    ln_net_failset *fs;
    int rc = ln_net_failset_read(path, sat_down ? nsat : 0,
                                 gs_down ? ngs : 0, isls,
                                 isl_cut ? nisl : 0, &fs, diag);
    if (rc)
        return rc;
    if (fs->windowed) {
        ln_net_failset_free(fs);
        return ln_diag_set(diag, LN_EPARSE, path, 0, 0, NULL,
                           "time windows ('from', 'until') need "
                           "ln_net_failset_read");
    }
    ln_net_failset_apply(fs, NAN, sat_down, gs_down, isl_cut);
    ln_net_failset_free(fs);
    return 0;
}
