/*
 * test_canon.c - canonical JSON numbers (RFC 8785 section 3.2.2.3) against
 * the reference itself: ECMAScript's JSON.stringify, run by Node.js
 * (/usr/bin/node, Debian's nodejs), over RFC 8785 Appendix B's values and
 * 4,000 doubles from random bit patterns and from the ranges where the
 * notation changes (1e-7, 1e21).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "leonet/trust.h"

static double from_bits(uint64_t u)
{
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}

static uint64_t rng(uint64_t *s) /* splitmix64 */
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Node's JSON.stringify(JSON.parse(text)) */
static char *node(const char *text)
{
    char dir[] = "/tmp/ln_canon_XXXXXX", path[64], cmd[256];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/in.json", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    snprintf(cmd, sizeof cmd,
             "/usr/bin/node -e 'process.stdout.write(JSON.stringify("
             "JSON.parse(require(\"fs\").readFileSync(process.argv[1], "
             "\"utf8\"))))' %s", path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t cap = strlen(text) * 2 + 64, n = 0;
    char *out = malloc(cap);
    size_t got;
    while ((got = fread(out + n, 1, cap - 1 - n, p)) > 0)
        n += got;
    out[n] = '\0';
    assert_int_equal(pclose(p), 0);
    unlink(path);
    rmdir(dir);
    return out;
}

static void test_numbers_vs_node(void **state)
{
    (void)state;
    /* RFC 8785 Appendix B's IEEE-754 inputs, and the notation borders */
    static const uint64_t appendix_b[] = {
        0x0000000000000000ULL, 0x8000000000000000ULL, 0x0000000000000001ULL,
        0x8000000000000001ULL, 0x7fefffffffffffffULL, 0xffefffffffffffffULL,
        0x4340000000000000ULL, 0xc340000000000000ULL, 0x4430000000000000ULL,
        0x44b52d02c7e14af5ULL, 0x44b52d02c7e14af6ULL, 0x44b52d02c7e14af7ULL,
        0x444b1ae4d6e2ef4eULL, 0x444b1ae4d6e2ef4fULL, 0x444b1ae4d6e2ef50ULL,
        0x3eb0c6f7a0b5ed8cULL, 0x3eb0c6f7a0b5ed8dULL, 0x41b3de4355555553ULL,
        0x41b3de4355555554ULL, 0x41b3de4355555555ULL, 0x41b3de4355555556ULL,
        0x41b3de4355555557ULL, 0xbecbf647612f3696ULL, 0x43143ff3c1cb0959ULL};
    size_t nb = sizeof appendix_b / sizeof appendix_b[0];
    size_t n = nb + 4000, cap = n * 40 + 16, w = 0;
    char *text = malloc(cap);
    text[w++] = '[';
    uint64_t seed = 15;
    for (size_t i = 0; i < n; i++) {
        double x;
        if (i < nb) {
            x = from_bits(appendix_b[i]);
        } else if (i < nb + 2000) {
            do
                x = from_bits(rng(&seed));
            while (!isfinite(x));
        } else { /* around 1e-7..1e-5 and 1e20..1e22, and coordinates */
            double u = (double)(rng(&seed) >> 11) / 9007199254740992.0;
            int k = (int)(rng(&seed) % 3);
            x = k == 0   ? pow(10, -7 + 2 * u)
                : k == 1 ? pow(10, 20 + 2 * u)
                         : (u - 0.5) * 360;
            if (rng(&seed) & 1)
                x = -x;
        }
        w += (size_t)snprintf(text + w, cap - w, "%s%.17g", i ? "," : "",
                              x);
    }
    text[w++] = ']';
    text[w] = '\0';
    char *out;
    size_t nout;
    ln_diag d;
    assert_int_equal(ln_trust_canonical(text, w, &out, &nout, &d), 0);
    char *want = node(text);
    /* first difference, readable */
    size_t i = 0;
    while (out[i] && out[i] == want[i])
        i++;
    if (out[i] != want[i])
        fail_msg("canonical differs from Node at %zu: ours '%.60s' node "
                 "'%.60s'", i, out + (i > 20 ? i - 20 : 0),
                 want + (i > 20 ? i - 20 : 0));
    assert_string_equal(out, want);
    free(out);
    free(want);
    free(text);
}

static void test_documents_vs_node(void **state)
{
    (void)state;
    /* a GeoJSON region: fractions in coordinates; 1.0 and 1 are one
     * number; exponents */
    const char *doc =
        "{\"type\":\"Polygon\",\"coordinates\":[[[36.25,49.5],[37.125,"
        "49.5],[37.125,50.0],[36.25,50.0],[36.25,49.5]]],\"z\":[1.0,1,-0.0,"
        "1e3,1E-7,0.1,123456789012345678901234.0,5e-324,9007199254740992]}";
    char *out;
    size_t n;
    ln_diag d;
    assert_int_equal(ln_trust_canonical(doc, strlen(doc), &out, &n, &d), 0);
    char *want = node(doc);
    /* Node keeps member order; our members are sorted: compare after
     * sorting the document in Node too */
    free(want);
    const char *sorted =
        "{\"coordinates\":[[[36.25,49.5],[37.125,49.5],[37.125,50.0],"
        "[36.25,50.0],[36.25,49.5]]],\"type\":\"Polygon\",\"z\":[1.0,1,-0.0,"
        "1e3,1E-7,0.1,123456789012345678901234.0,5e-324,9007199254740992]}";
    want = node(sorted);
    assert_string_equal(out, want);
    free(out);
    free(want);
    /* beyond 2^63 (jansson's integers) read as doubles, as Node does;
     * the output (digits up to 1e21) reads back to itself */
    const char *big = "[10000000000000000000,18446744073709551616,"
                      "99999999999999999999,1e19]";
    assert_int_equal(ln_trust_canonical(big, strlen(big), &out, &n, &d), 0);
    want = node(big);
    assert_string_equal(out, want);
    char *again;
    size_t n2;
    assert_int_equal(ln_trust_canonical(out, n, &again, &n2, &d), 0);
    assert_string_equal(again, out);
    free(again);
    free(out);
    free(want);
    /* an integer beyond 2^53 is the double it denotes, as in Node */
    const char *odd = "{\"a\":[9007199254740993,46744073709551616]}";
    assert_int_equal(ln_trust_canonical(odd, strlen(odd), &out, &n, &d), 0);
    want = node(odd);
    assert_string_equal(out, want);
    free(out);
    free(want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numbers_vs_node),
        cmocka_unit_test(test_documents_vs_node),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
