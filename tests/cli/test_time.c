/*
 * test_time.c - the ISO 8601 edge cases behind every time option
 * (ln_time_parse_iso, core/time.c). References: Python's
 * calendar.timegm (proleptic Gregorian, POSIX seconds) for the values;
 * year 0 is a leap year of 366 days before 0001-01-01 (-62135596800).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "leonet/core.h"

typedef struct ok_case {
    const char *s;
    double t; /* Unix s */
} ok_case;

static void test_accepted(void **state)
{
    (void)state;
    static const ok_case ok[] = {
        {"2022-10-09T06:30:15Z", 1665297015.0},
        {"2022-10-09t06:30:15z", 1665297015.0},
        {"2022-10-09 06:30:15", 1665297015.0},
        {"2022-10-09T06:30:15+00:00", 1665297015.0},
        {"  2022-10-09T06:30:15Z  ", 1665297015.0},
        {"2022-10-09T06:30:15.25Z", 1665297015.25},
        /* 24 fraction digits: the first 18 count */
        {"2022-10-09T06:30:15.500000000000000000999999Z", 1665297015.5},
        {"2024-02-29T23:59:59Z", 1709251199.0},
        {"2024-02-29 ", 1709251199.0 - 86399.0},
        /* leap seconds: read as the next day's 00:00:00 */
        {"2016-12-31T23:59:60Z", 1483228800.0},
        {"2016-06-30T23:59:60Z", 1467331200.0},
        {"2016-06-30T23:59:60.7Z", 1467331200.0},
        {"1900-01-01T00:00:00Z", -2208988800.0},
        {"2199-12-31T23:59:59Z", 7258118399.0},
        {"0000-01-01T00:00:00Z", -62167219200.0},
        {"2000-02-29", 951782400.0},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        double t = -1;
        int rc = ln_time_parse_iso(ok[i].s, &t);
        if (rc != 0 || t != ok[i].t)
            print_error("'%s': rc %d t %.17g (want %.17g)\n", ok[i].s, rc, t,
                        ok[i].t);
        assert_int_equal(rc, 0);
        assert_true(t == ok[i].t);
    }
}

static void test_refused(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "2022",                   /* ends after the year: no read past it */
        "2022-",
        "2022-10",
        "2022-10-",
        "2022-10-0",
        "2022-10-09T",
        "2022-10-09T12",
        "2022-10-09T12:",
        "2022-10-09T12:00:",
        "2022-10-09T12:00:00.",
        "2022-10-09T12:00:00.Z",
        "2022-13-01",
        "2022-00-10",
        "2022-02-30",
        "2023-02-29",
        "1900-02-29",             /* 1900 is not a leap year */
        "2022-04-31",
        "2022-10-00",
        "2022-10-09T24:00:00Z",
        "2022-10-09T12:60:00Z",
        "2022-10-09T12:00:60Z",   /* a leap second off 30 June/31 Dec */
        "2016-12-31T23:58:60Z",
        "2016-12-30T23:59:60Z",
        "2022-10-09T12:00:61Z",
        "99999-01-01",
        "-001-01-01",
        "2022-10-09T12:00:00Zjunk",
        "2022-10-09T12:00:00+01:00",
        "2022-10-09T12:00:00+00:0",
        "2022-10-09  12:00:00",
        "2022/10/09",
        "20221009T120000Z",
        "",
        "   ",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double t = 0;
        int rc = ln_time_parse_iso(bad[i], &t);
        if (rc != LN_EPARSE)
            print_error("'%s' accepted: %.17g\n", bad[i], t);
        assert_int_equal(rc, LN_EPARSE);
    }
    assert_int_equal(ln_time_parse_iso(NULL, &(double){0}), LN_EPARSE);
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(test_accepted),
        cmocka_unit_test(test_refused),
    };
    return cmocka_run_group_tests(t, NULL, NULL);
}
