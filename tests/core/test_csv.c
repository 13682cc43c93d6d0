/*
 * test_csv.c - the CSV reader: RFC 4180 quoting (commas, doubled quotes
 * and line breaks inside quotes), CRLF, blank lines, the line each record
 * starts on, errors with their line, and a callback that stops early.
 * Expected values are worked out by hand from RFC 4180, section 2.
 */
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "leonet/core.h"

typedef struct got {
    int n;
    char txt[16][128];
    long line[16];
    size_t nf[16];
} got;

static int keep(void *user, char **f, size_t n, long line)
{
    got *g = user;
    if (g->n >= 16)
        return 99;
    g->txt[g->n][0] = '\0';
    for (size_t i = 0; i < n; i++) {
        strcat(g->txt[g->n], i ? "|" : "");
        strcat(g->txt[g->n], f[i]);
    }
    g->nf[g->n] = n;
    g->line[g->n++] = line;
    return 0;
}

static void test_quoting(void **state)
{
    (void)state;
    const char *t = "name,lat,lon\r\n"
                    "\"Kyiv, capital\",50.45,30.52\r\n"
                    "\r\n"
                    "\"say \"\"hi\"\"\", 1 ,2\n"
                    "\"two\nlines\",3,4\n"
                    "last,5,6"; /* no final line break */
    got g = {0};
    ln_diag d;
    assert_int_equal(ln_csv_parse(t, strlen(t), "t.csv", keep, &g, &d), 0);
    assert_int_equal(g.n, 5);
    assert_string_equal(g.txt[0], "name|lat|lon");
    assert_int_equal(g.line[0], 1);
    assert_string_equal(g.txt[1], "Kyiv, capital|50.45|30.52");
    assert_int_equal(g.line[1], 2);
    assert_string_equal(g.txt[2], "say \"hi\"|1|2");
    assert_int_equal(g.line[2], 4);
    assert_string_equal(g.txt[3], "two\nlines|3|4");
    assert_int_equal(g.line[3], 5);
    assert_string_equal(g.txt[4], "last|5|6");
    assert_int_equal(g.line[4], 7);
    char *hdr[] = {"name", "lat", "lon"};
    assert_int_equal(ln_csv_col(hdr, 3, "lon"), 2);
    assert_int_equal(ln_csv_col(hdr, 3, "pop"), -1);
    /* empty fields are fields */
    got e = {0};
    assert_int_equal(ln_csv_parse("a,,c\n,\n", 7, "e.csv", keep, &e, &d), 0);
    assert_int_equal(e.n, 2);
    assert_int_equal(e.nf[0], 3);
    assert_int_equal(e.nf[1], 2);
    /* a UTF-8 byte order mark ("CSV UTF-8" of a spreadsheet) is not part
     * of the first column's name */
    got b = {0};
    const char *bt = "\xEF\xBB\xBFid,lat\n1,2\n";
    assert_int_equal(ln_csv_parse(bt, strlen(bt), "b.csv", keep, &b, &d), 0);
    assert_int_equal(b.n, 2);
    assert_string_equal(b.txt[0], "id|lat");
    assert_int_equal(b.line[0], 1);
}

static void test_errors(void **state)
{
    (void)state;
    got g = {0};
    ln_diag d;
    /* a quote inside an unquoted field, line 3 */
    const char *t = "a,b\n1,2\n3,x\"y\n";
    assert_int_equal(ln_csv_parse(t, strlen(t), "bad.csv", keep, &g, &d),
                     LN_EPARSE);
    assert_string_equal(d.file, "bad.csv");
    assert_int_equal(d.line, 3);
    /* an unterminated quote: named at the line the record starts on */
    got h = {0};
    const char *u = "a,b\n\"open,2\n3,4\n";
    assert_int_equal(ln_csv_parse(u, strlen(u), "open.csv", keep, &h, &d),
                     LN_EPARSE);
    assert_int_equal(d.line, 2);
    assert_int_equal(h.n, 1);
    /* the callback stops the reading with its own value */
    got s = {.n = 16};
    assert_int_equal(ln_csv_parse("x\n", 2, "s.csv", keep, &s, &d), 99);
    /* a missing file */
    assert_int_equal(ln_csv_read("/nonexistent/x.csv", 1 << 20, keep, &g, &d),
                     LN_EIO);
}


/* A NUL byte anywhere is refused at its line and column (libcsv would keep
 * it in the field, where every reader sees the field's end). */
static void test_nul(void **state)
{
    (void)state;
    got g = {0};
    ln_diag d;
    const char t[] = "name,lat\nkyiv,50\nab\0c,1\n";
    assert_int_equal(ln_csv_parse(t, sizeof t - 1, "n.csv", keep, &g, &d),
                     LN_EPARSE);
    assert_string_equal(d.file, "n.csv");
    assert_int_equal(d.line, 3);
    assert_int_equal(d.col, 3);
    assert_non_null(strstr(d.msg, "NUL"));
    assert_int_equal(g.n, 0); /* refused before any record */
    const char q[] = "a\n\"x\0\"\n";
    assert_int_equal(ln_csv_parse(q, sizeof q - 1, "q.csv", keep, &g, &d),
                     LN_EPARSE);
    assert_int_equal(d.line, 2);
    assert_int_equal(d.col, 3);
    long l, c;
    assert_int_equal(ln_text_nul("abc", 3, &l, &c), 0);
    assert_int_equal(ln_text_nul("\0", 1, &l, &c), 1);
    assert_int_equal(l, 1);
    assert_int_equal(c, 1);
}

/* ln_csv_number: finite, wholly a number, in range; strtod's "nan",
 * "inf", "infinity" and overflowing "1e999" are refused. */
static void test_number(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        int ok;
        double want;
    } c[] = {
        {"48.5", 1, 48.5}, {"-90", 1, -90}, {"90", 1, 90}, {"1e1", 1, 10},
        {"-0", 1, 0}, {"0x1p3", 1, 8}, /* strtod's hex: exactly 8 */
        {"90.0000001", 0, 0}, {"-91", 0, 0}, {"", 0, 0}, {"nan", 0, 0},
        {"NaN", 0, 0}, {"-nan", 0, 0}, {"inf", 0, 0}, {"-inf", 0, 0},
        {"Infinity", 0, 0}, {"1e999", 0, 0}, {"-1e999", 0, 0},
        {"1e-999", 1, 0}, /* underflows to 0: a finite, in-range value */
        {"12abc", 0, 0}, {"1,5", 0, 0}, {"0x1p999", 0, 0},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        double v = -1234.5;
        char why[128] = "";
        int rc = ln_csv_number(c[i].s, -90, 90, &v, why, sizeof why);
        if ((rc == 0) != c[i].ok)
            print_error("'%s': rc %d (%s)\n", c[i].s, rc, why);
        assert_int_equal(rc == 0, c[i].ok);
        if (c[i].ok)
            assert_true(v == c[i].want);
        else
            assert_true(v == -1234.5 && why[0] && rc == LN_EPARSE);
    }
}

/* ln_csv_put writes what ln_csv_parse reads back */
static void test_round_trip(void **state)
{
    (void)state;
    const char *v[] = {"plain", "a,b", "say \"hi\"", "two\nlines", " pad",
                       ""};
    char *buf;
    size_t len;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    for (int i = 0; i < 6; i++) {
        if (i)
            fputc(',', f);
        ln_csv_put(f, v[i]);
    }
    fputc('\n', f);
    fclose(f);
    assert_string_equal(buf, "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\","
                             "\" pad\",\n");
    got g = {0};
    ln_diag d;
    assert_int_equal(ln_csv_parse(buf, len, "m.csv", keep, &g, &d), 0);
    assert_int_equal(g.n, 1);
    assert_int_equal(g.nf[0], 6);
    assert_string_equal(g.txt[0], "plain|a,b|say \"hi\"|two\nlines| pad|");
    free(buf);
    /* a first field that starts with a byte order mark keeps it: quoted,
     * so the reader's skipping of a file's mark does not take it */
    f = open_memstream(&buf, &len);
    assert_non_null(f);
    ln_csv_put(f, "\xEF\xBB\xBFi");
    fclose(f);
    assert_string_equal(buf, "\"\xEF\xBB\xBFi\"");
    got b = {0};
    assert_int_equal(ln_csv_parse(buf, len, "b.csv", keep, &b, &d), 0);
    assert_string_equal(b.txt[0], "\xEF\xBB\xBFi");
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quoting),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_nul),
        cmocka_unit_test(test_number),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
