/*
 * test_util.h - small helpers shared by the tests of several areas
 * (tests/ is on every test's include path).
 */
#ifndef LN_TEST_UTIL_H
#define LN_TEST_UTIL_H

#include <stddef.h>

#include "leonet/core.h"

/* The whole file at path as a NUL-terminated string (free it), or NULL
 * when it cannot be read (missing, unreadable, over 256 MiB). */
static inline char *slurp(const char *path)
{
    char *b;
    size_t n;
    ln_diag d;
    if (ln_read_file(path, 1 << 28, &b, &n, &d))
        return NULL;
    return b;
}

#endif
