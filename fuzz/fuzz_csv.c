/*
 * fuzz_csv.c - libFuzzer harness for the CSV reader (core/csv.c): any
 * input either parses or gives LN_EPARSE, and what parses round-trips:
 * the records written back with ln_csv_put parse to the same fields; an
 * input with a NUL byte is refused.
 */
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leonet/core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct acc {
    FILE *out;      /* first pass: write the records back */
    char **want;    /* second pass: the fields seen in the first */
    size_t nwant, at;
    size_t cap;
} acc;

static int write_back(void *user, char **f, size_t n, long line)
{
    acc *a = user;
    (void)line;
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputc(',', a->out);
        ln_csv_put(a->out, f[i]);
        if (a->nwant == a->cap) {
            a->cap = a->cap ? 2 * a->cap : 64;
            a->want = realloc(a->want, a->cap * sizeof *a->want);
        }
        a->want[a->nwant++] = strdup(f[i]);
    }
    /* a record of one empty field reads back as a blank line (skipped) */
    if (n == 1 && !f[0][0])
        free(a->want[--a->nwant]);
    fputc('\n', a->out);
    return 0;
}

static int check(void *user, char **f, size_t n, long line)
{
    acc *a = user;
    (void)line;
    for (size_t i = 0; i < n; i++) {
        if (a->at >= a->nwant || strcmp(a->want[a->at], f[i]) != 0)
            abort();
        a->at++;
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    acc a = {0};
    char *buf = NULL;
    size_t len = 0;
    ln_diag d;
    a.out = open_memstream(&buf, &len);
    if (!a.out)
        return 0;
    int rc = ln_csv_parse((const char *)data, size, "fuzz", write_back, &a,
                          &d);
    fclose(a.out);
    if (memchr(data, '\0', size) && rc != LN_EPARSE && rc != LN_ENOMEM)
        abort(); /* a NUL byte would end a field early: refused */
    if (rc == 0) {
        if (ln_csv_parse(buf, len, "again", check, &a, &d) != 0 ||
            a.at != a.nwant)
            abort();
    } else if (rc != LN_EPARSE && rc != LN_ENOMEM) {
        abort();
    }
    for (size_t i = 0; i < a.nwant; i++)
        free(a.want[i]);
    free(a.want);
    free(buf);
    return 0;
}
