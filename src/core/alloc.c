/*
 * alloc.c - the allocator hook. Every heap allocation in leonet goes
 * through ln_malloc & co. so that tests can fail the Nth call and check
 * that each path returns LN_ENOMEM without a leak.
 */
#include <stdlib.h>
#include <string.h>

#include "leonet/core.h"

/* Countdown to the failing allocation; 0 = never fail. Tests only, so a
 * plain (non-atomic) counter: torture tests run single-threaded. */
static long fail_countdown;
static long alloc_count;

static int should_fail(void)
{
    alloc_count++;
    if (fail_countdown > 0 && --fail_countdown == 0)
        return 1;
    return 0;
}

long ln_alloc_fail_after(long n)
{
    long c = alloc_count;
    fail_countdown = n;
    alloc_count = 0;
    return c;
}

void *ln_malloc(size_t n)
{
    if (fail_countdown && should_fail())
        return NULL;
    return malloc(n ? n : 1);
}

void *ln_calloc(size_t count, size_t n)
{
    if (fail_countdown && should_fail())
        return NULL;
    return calloc(count ? count : 1, n ? n : 1);
}

void *ln_realloc(void *p, size_t n)
{
    if (fail_countdown && should_fail())
        return NULL;
    return realloc(p, n ? n : 1);
}

void ln_free(void *p)
{
    free(p);
}

char *ln_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = ln_malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

int ln_grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t nc = *cap ? *cap : 16;
    while (nc < need)
        nc *= 2;
    void *q = ln_realloc(*p, nc * size);
    if (!q)
        return LN_ENOMEM;
    *p = q;
    *cap = nc;
    return 0;
}
