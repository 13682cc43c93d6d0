/*
 * test_core.c - time conversions (hand-checked values), diagnostics,
 * error codes, the allocator hook.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "leonet/core.h"

static void test_time_known_dates(void **state)
{
    (void)state;
    /* `date -u -d 2022-10-09T00:00:00Z +%s` = 1665273600 */
    assert_true(ln_time_from_utc(2022, 10, 9, 0, 0, 0) == 1665273600.0);
    assert_true(ln_time_from_utc(1970, 1, 1, 0, 0, 0) == 0.0);
    /* 2000-01-01T12:00:00 is JD 2451545.0 (J2000), Unix 946728000 */
    assert_true(ln_time_from_utc(2000, 1, 1, 12, 0, 0) == 946728000.0);
    double j1, j2;
    ln_time_unix_to_jd(946728000.0, &j1, &j2);
    assert_true(fabs(j1 + j2 - 2451545.0) < 1e-12);
    assert_true(fabs(ln_time_jd_to_unix(j1, j2) - 946728000.0) < 1e-6);
    /* leap day and a date before 1970 */
    assert_true(ln_time_from_utc(2024, 2, 29, 0, 0, 0) == 1709164800.0);
    assert_true(ln_time_from_utc(1957, 10, 4, 19, 28, 34) == -386310686.0);
}

static void test_time_iso(void **state)
{
    (void)state;
    double t;
    assert_int_equal(ln_time_parse_iso("2022-10-09T00:00:00Z", &t), 0);
    assert_true(t == 1665273600.0);
    assert_int_equal(ln_time_parse_iso("2022-10-09T06:30:15.25", &t), 0);
    assert_true(fabs(t - (1665273600.0 + 6 * 3600 + 30 * 60 + 15.25)) < 1e-6);
    assert_int_equal(ln_time_parse_iso("2022-10-09", &t), 0);
    assert_int_equal(ln_time_parse_iso("2022-13-09", &t), LN_EPARSE);
    assert_int_equal(ln_time_parse_iso("2023-02-29", &t), LN_EPARSE);
    assert_int_equal(ln_time_parse_iso("2022-10-09T25:00", &t), LN_EPARSE);
    assert_int_equal(ln_time_parse_iso("garbage", &t), LN_EPARSE);
    assert_int_equal(ln_time_parse_iso("2022-10-09T00:00:00Zx", &t),
                     LN_EPARSE);
    char buf[64];
    ln_time_format_iso(1665273600.0 + 59.9999999, 3, buf, sizeof buf);
    assert_string_equal(buf, "2022-10-09T00:01:00.000Z");
    ln_time_format_iso(1665273600.0 + 3661.5, 1, buf, sizeof buf);
    assert_string_equal(buf, "2022-10-09T01:01:01.5Z");
    ln_time_format_iso(1665273600.0, 0, buf, sizeof buf);
    assert_string_equal(buf, "2022-10-09T00:00:00Z");
}

static void test_diag_and_errors(void **state)
{
    (void)state;
    ln_diag d;
    char buf[1024];
    ln_diag_clear(&d);
    assert_int_equal(ln_diag_set(&d, LN_EPARSE, "a.tle", 3, 7, NULL,
                                 "bad %s", "digit"),
                     LN_EPARSE);
    assert_string_equal(ln_diag_format(&d, buf, sizeof buf),
                        "a.tle:3:7: bad digit");
    ln_diag_set(&d, LN_EPARSE, "s.json", 0, 0, "terminals[2].lat", "x");
    assert_string_equal(ln_diag_format(&d, buf, sizeof buf),
                        "s.json: terminals[2].lat: x");
    assert_string_equal(ln_strerror(LN_ENOMEM), "out of memory");
    assert_string_equal(ln_errname(LN_EORBIT_DECAY), "LN_EORBIT_DECAY");
    assert_int_equal(LN_EORBIT_ECC - LN_EORBIT_DECAY, 5);
    assert_string_equal(ln_strerror(12345), "unknown error");
}

static void test_alloc_fail(void **state)
{
    (void)state;
    ln_alloc_fail_after(2);
    void *a = ln_malloc(8);
    void *b = ln_malloc(8);
    assert_non_null(a);
    assert_null(b);
    ln_free(a);
    assert_int_equal(ln_alloc_fail_after(0), 2);
}

static void test_json_locate(void **state)
{
    (void)state;
    const char *t = "{\n  \"a\": 1,\n  \"b\": [\n    {\"x\": \"s]\\\"\"},\n"
                    "    {\"x\": 2, \"y\": [1, {\"z\": null}]}\n  ]\n}\n";
    long l, c;
    assert_int_equal(ln_json_locate(t, strlen(t), "a", &l, &c), 0);
    assert_int_equal(l, 2);
    assert_int_equal(c, 8);
    assert_int_equal(ln_json_locate(t, strlen(t), "b[1].y[1].z", &l, &c), 0);
    assert_int_equal(l, 5);
    assert_int_equal(c, 29);
    assert_int_equal(ln_json_locate(t, strlen(t), "$.b[0].x", &l, &c), 0);
    assert_int_equal(l, 4);
    assert_int_equal(ln_json_locate(t, strlen(t), "b[2]", &l, &c), -1);
    assert_int_equal(ln_json_locate(t, strlen(t), "c", &l, &c), -1);
    assert_int_equal(ln_json_locate("[", 1, "[3]", &l, &c), -1);
    /* a member after an object holding an array: counted by hand, the
     * '3' is the 27th byte of the line */
    const char *o = "{\"o\": {\"k\": [1, 2]}, \"p\": 3}";
    assert_int_equal(ln_json_locate(o, strlen(o), "p", &l, &c), 0);
    assert_int_equal(l, 1);
    assert_int_equal(c, 27);
    assert_int_equal(ln_json_locate(o, strlen(o), "o.k[1]", &l, &c), 0);
    assert_int_equal(c, 17);
    /* a text that ends inside a key, on an escape (not NUL-terminated) */
    const char cut[4] = {'{', '"', 'a', '\\'};
    assert_int_equal(ln_json_locate(cut, sizeof cut, "a", &l, &c), -1);
    assert_int_equal(ln_json_locate("{\"a\": 1,}", 10, "b", &l, &c), -1);
}

/* splitmix64 seeded with 0 gives 0xe220a8397b1dcdaf, then
 * 0x6e789e6aa1b965f4 (Vigna's reference splitmix64.c: state += golden
 * ratio, then the finalizer): ln_hash64(k * golden - golden) is its
 * k-th output. */
static void test_hash(void **state)
{
    (void)state;
    const uint64_t g = 0x9e3779b97f4a7c15ull;
    assert_true(ln_hash64(0) == 0xe220a8397b1dcdafull);
    assert_true(ln_hash64(g) == 0x6e789e6aa1b965f4ull);
    /* the top 53 bits over 2^53 */
    assert_true(ln_hash_unit(0) ==
                (double)(0xe220a8397b1dcdafull >> 11) / 9007199254740992.0);
    for (uint64_t k = 0; k < 1000; k++) {
        double u = ln_hash_unit(k);
        assert_true(u >= 0 && u < 1);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_time_known_dates),
        cmocka_unit_test(test_time_iso),
        cmocka_unit_test(test_diag_and_errors),
        cmocka_unit_test(test_alloc_fail),
        cmocka_unit_test(test_json_locate),
        cmocka_unit_test(test_hash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
