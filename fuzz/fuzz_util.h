/*
 * fuzz_util.h - the oracle pieces shared by the CSV-meaning harnesses
 * (fuzz_gateways, fuzz_places): a strict number check and a header
 * column look-up, written independently of the readers they judge.
 * Not a harness: fuzz/CMakeLists.txt builds only fuzz_*.c.
 */
#ifndef LN_FUZZ_UTIL_H
#define LN_FUZZ_UTIL_H

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* 1 and *out = the value when s is a whole finite strtod number in
 * [lo, hi]; 0 (out untouched) for an empty field, trailing characters,
 * inf/nan or a value out of range. */
static inline int fz_num(const char *s, double lo, double hi, double *out)
{
    char *end;
    if (!*s)
        return 0;
    double x = strtod(s, &end);
    if (*end || !isfinite(x) || x < lo || x > hi)
        return 0;
    *out = x;
    return 1;
}

/* Index of the first of the n header fields f equal to name, or -1. */
static inline int fz_col(char **f, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(f[i], name))
            return (int)i;
    return -1;
}

/* 1 when a non-empty header name stands twice (the readers refuse it). */
static inline int fz_dup(char **f, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (f[i][0] && !strcmp(f[i], f[j]))
                return 1;
    return 0;
}

#endif
