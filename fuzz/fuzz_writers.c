/*
 * fuzz_writers.c - libFuzzer round trip of the writers the reports use
 * for strings and numbers that come from inputs (names of scenarios,
 * accounts, plans, zones; counts and amounts):
 *   - JSON: an object written with ln_json_put (keys and values, with and
 *     without LN_JSON_SCRIPT) and numbers as "%.17g" parses back with
 *     jansson to the same strings (when they are valid UTF-8; otherwise
 *     it must still parse) and the same doubles; with LN_JSON_SCRIPT the
 *     text holds no '<' (so no "</script>");
 *   - CSV: a record written with ln_csv_put reads back through the core
 *     reader (ln_csv_parse, libcsv) to the same fields.
 * Input: fields separated by NUL bytes (the writers take C strings); the
 * last 16 bytes, when present, are also two doubles (non-finite ones are
 * replaced by 0: JSON has no NaN or infinity).
 */
#define _GNU_SOURCE
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "leonet/core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAXF 8

typedef struct rt {
    char **want;
    size_t n;
    int rows;
} rt;

static int row(void *user, char **f, size_t n, long line)
{
    (void)line;
    rt *r = user;
    r->rows++;
    if (n != r->n)
        abort();
    for (size_t k = 0; k < n; k++)
        if (strcmp(f[k], r->want[k]))
            abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *copy = malloc(size + 1);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    copy[size] = '\0';
    char *fields[MAXF + 1];
    size_t nf = 0;
    fields[nf++] = (char *)"id"; /* a first field: no record is blank */
    for (char *p = copy; nf < MAXF + 1 && p <= copy + size;
         p += strlen(p) + 1)
        fields[nf++] = p;
    double num[2] = {0, 0};
    if (size >= 16)
        memcpy(num, data + size - 16, sizeof num);
    for (int k = 0; k < 2; k++)
        if (!isfinite(num[k]))
            num[k] = 0;

    /* JSON */
    for (int fl = 0; fl <= LN_JSON_SCRIPT; fl++) {
        char *buf = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&buf, &len);
        if (!m)
            break;
        fputs("{\"v\":[", m);
        for (size_t k = 0; k < nf; k++) {
            if (k)
                fputc(',', m);
            ln_json_put(m, fields[k], fl);
        }
        fprintf(m, "],\"x\":%.17g,\"y\":%.17g,\"k\":{", num[0], num[1]);
        ln_json_put(m, fields[nf - 1], fl); /* a key too */
        fputs(":1}}", m);
        fclose(m);
        if (fl && memchr(buf, '<', len))
            abort();
        json_error_t je;
        json_t *j = json_loadb(buf, len, 0, &je);
        if (!j)
            abort(); /* always valid JSON */
        json_t *v = json_object_get(j, "v");
        for (size_t k = 0; k < nf; k++) {
            json_t *ok = json_string(fields[k]); /* NULL: not UTF-8 */
            if (ok && strcmp(json_string_value(json_array_get(v, k)),
                             fields[k]))
                abort();
            json_decref(ok);
        }
        json_t *key = json_string(fields[nf - 1]);
        if (key && json_integer_value(json_object_get(
                       json_object_get(j, "k"), fields[nf - 1])) != 1)
            abort();
        json_decref(key);
        if (json_real_value(json_object_get(j, "x")) != num[0] &&
            (double)json_integer_value(json_object_get(j, "x")) != num[0])
            abort();
        if (json_real_value(json_object_get(j, "y")) != num[1] &&
            (double)json_integer_value(json_object_get(j, "y")) != num[1])
            abort();
        json_decref(j);
        free(buf);
    }

    /* CSV */
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (m) {
        for (size_t k = 0; k < nf; k++) {
            if (k)
                fputc(',', m);
            ln_csv_put(m, fields[k]);
        }
        fputc('\n', m);
        fclose(m);
        rt r = {fields, nf, 0};
        ln_diag d;
        int rc = ln_csv_parse(buf, len, "fuzz.csv", row, &r, &d);
        if (rc || r.rows != 1)
            abort();
        free(buf);
    }
    free(copy);
    return 0;
}
