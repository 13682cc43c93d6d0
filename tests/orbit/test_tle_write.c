/*
 * test_tle_write.c - ln_tle_format. References: the real Starlink file
 * (data/tle/starlink_2022-10-09.tle, CelesTrak 2022-10-09): every set is
 * parsed with ln_tle_parse_lines and re-formatted, and the lines must come
 * back byte for byte; the published checksum rule (digits, '-' = 1, mod
 * 10) recomputed here; hand-written field forms (Alpha-5 letters as
 * Space-Track defines them, implied-decimal exponents); and parse(format(e))
 * == e within the printed precision for random element sets.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "leonet/orbit.h"

#define STARLINK LN_PROJECT_DATA "/tle/starlink_2022-10-09.tle"
#define XPDOTP (1440.0 / (2.0 * LN_PI))

static int checksum_ok(const char *l)
{
    int s = 0;
    if (strlen(l) != 69)
        return 0;
    for (int i = 0; i < 68; i++) {
        if (l[i] >= '0' && l[i] <= '9')
            s += l[i] - '0';
        else if (l[i] == '-')
            s++;
    }
    return l[68] == '0' + s % 10;
}

/* The real file: parse every set, format it again, compare the lines. */
static void test_starlink_file_byte_identical(void **state)
{
    (void)state;
    FILE *f = fopen(STARLINK, "r");
    assert_non_null(f);
    char name[128], a[128], b[128];
    int sets = 0, same1 = 0, same2 = 0;
    while (fgets(name, sizeof name, f) && fgets(a, sizeof a, f) &&
           fgets(b, sizeof b, f)) {
        a[strcspn(a, "\r\n")] = '\0';
        b[strcspn(b, "\r\n")] = '\0';
        ln_elset e;
        assert_int_equal(ln_tle_parse_lines(name, a, b, 0, &e, NULL), 0);
        char l1[70], l2[70];
        assert_int_equal(ln_tle_format(&e, l1, l2), 0);
        assert_true(checksum_ok(l1) && checksum_ok(l2));
        sets++;
        if (strcmp(l1, a) == 0)
            same1++;
        else
            print_message("line 1 differs:\n  file %s\n  ours %s\n", a, l1);
        if (strcmp(l2, b) == 0)
            same2++;
        else
            print_message("line 2 differs:\n  file %s\n  ours %s\n", b, l2);
    }
    fclose(f);
    print_message("%d sets: line 1 identical %d, line 2 identical %d\n",
                  sets, same1, same2);
    assert_int_equal(sets, 3152);
    /* every line of this file is in the canonical form */
    assert_int_equal(same1, sets);
    assert_int_equal(same2, sets);
}

/* Field forms written by hand from the format definition. */
static void test_field_forms(void **state)
{
    (void)state;
    ln_elset e;
    memset(&e, 0, sizeof e);
    e.norad = 25544;
    e.classification = 'U';
    strcpy(e.intldesg, "98067A");
    e.epochyr = 2008;
    e.epochdays = 264.51782528;
    e.ndot = -0.00002182 / (XPDOTP * 1440.0);
    e.nddot = 0.0;
    e.bstar = -0.11606e-4;
    e.ephtype = 0;
    e.elnum = 292;
    e.inclo = 51.6416 * LN_DEG2RAD;
    e.nodeo = 247.4627 * LN_DEG2RAD;
    e.ecco = 0.0006703;
    e.argpo = 130.5360 * LN_DEG2RAD;
    e.mo = 325.0288 * LN_DEG2RAD;
    e.no_kozai = 15.72125391 / XPDOTP;
    e.revnum = 56353;
    char l1[70], l2[70];
    assert_int_equal(ln_tle_format(&e, l1, l2), 0);
    /* the ISS set of CelesTrak's format page ("NORAD Two-Line Element
     * Set Format"), except that the page writes the zero nddot as
     * " 00000-0" and we write zero as " 00000+0" (the form all 3152 sets
     * of the Starlink file use), so our checksum is one less: 2926 for
     * the page's 2927 */
    assert_string_equal(l1, "1 25544U 98067A   08264.51782528 -.00002182  "
                            "00000+0 -11606-4 0  2926");
    assert_string_equal(l2, "2 25544  51.6416 247.4627 0006703 130.5360 "
                            "325.0288 15.72125391563537");

    /* implied-decimal exponent forms (columns 54-61 of line 1) */
    struct {
        double v;
        const char *want;
    } ex[] = {
        {0.0, " 00000+0"},     {0.5, " 50000+0"},
        {0.12345, " 12345+0"}, {1.2345, " 12345+1"},
        {7.3684e-3, " 73684-2"}, {-2.8098e-5, "-28098-4"},
        {9.999996e-5, " 10000-3"}, /* rounds up a decade */
        {1e-10, " 10000-9"},   {4e-12, " 00000+0"}, /* below the field */
    };
    for (size_t i = 0; i < sizeof ex / sizeof ex[0]; i++) {
        e.bstar = ex[i].v;
        assert_int_equal(ln_tle_format(&e, l1, l2), 0);
        char got[9];
        memcpy(got, l1 + 53, 8);
        got[8] = '\0';
        if (strcmp(got, ex[i].want) != 0) {
            print_error("bstar %g: got '%s' want '%s'\n", ex[i].v, got,
                        ex[i].want);
            fail();
        }
        assert_true(checksum_ok(l1));
    }
    e.bstar = 1e9;
    assert_int_equal(ln_tle_format(&e, l1, l2), LN_ERANGE);
    e.bstar = 0.0;

    /* Alpha-5 (Space-Track: A = 10 ... H = 17, J = 18 ... N = 22, P = 23
     * ... Z = 33; I and O unused) */
    struct {
        uint32_t n;
        const char *want;
    } al[] = {{99999, "99999"}, {100000, "A0000"}, {179999, "H9999"},
              {180000, "J0000"}, {229999, "N9999"}, {230000, "P0000"},
              {339999, "Z9999"}, {5, "00005"}};
    for (size_t i = 0; i < sizeof al / sizeof al[0]; i++) {
        e.norad = al[i].n;
        assert_int_equal(ln_tle_format(&e, l1, l2), 0);
        assert_memory_equal(l1 + 2, al[i].want, 5);
        assert_memory_equal(l2 + 2, al[i].want, 5);
        ln_elset back;
        assert_int_equal(ln_tle_parse_lines(NULL, l1, l2, 0, &back, NULL),
                         0);
        assert_int_equal(back.norad, al[i].n);
    }
    e.norad = 340000;
    assert_int_equal(ln_tle_format(&e, l1, l2), LN_ERANGE);
    e.norad = 25544;

    /* epoch that rounds past the end of the year goes to day 1 of the
     * next; years outside 1957..2056 cannot be written */
    e.epochyr = 2022;
    e.epochdays = 365.999999999;
    assert_int_equal(ln_tle_format(&e, l1, l2), 0);
    assert_memory_equal(l1 + 18, "23001.00000000", 14);
    e.epochyr = 2057;
    e.epochdays = 10.0;
    assert_int_equal(ln_tle_format(&e, l1, l2), LN_ERANGE);
    e.epochyr = 1957;
    assert_int_equal(ln_tle_format(&e, l1, l2), 0);
    assert_memory_equal(l1 + 18, "57010.00000000", 14);
    e.epochyr = 2008;

    /* angles wrap into 0..360; inclination may not */
    e.nodeo = -10.0 * LN_DEG2RAD;
    e.mo = 360.0 * LN_DEG2RAD;
    assert_int_equal(ln_tle_format(&e, l1, l2), 0);
    assert_memory_equal(l2 + 17, "350.0000", 8);
    assert_memory_equal(l2 + 43, "  0.0000", 8);
    e.inclo = -0.1;
    assert_int_equal(ln_tle_format(&e, l1, l2), LN_ERANGE);
    e.inclo = 0.9;
    e.ecco = 1.0;
    assert_int_equal(ln_tle_format(&e, l1, l2), LN_ERANGE);
    e.ecco = 0.001;
    e.no_kozai = NAN;
    assert_int_equal(ln_tle_format(&e, l1, l2), LN_ERANGE);
    e.no_kozai = 15.0 / XPDOTP;
    e.ndot = 1.0 / (XPDOTP * 1440.0); /* |ndot/2| must be < 1 rev/day^2 */
    assert_int_equal(ln_tle_format(&e, l1, l2), LN_ERANGE);
    e.ndot = 0.0;
    strcpy(e.intldesg, "123456789");
    assert_int_equal(ln_tle_format(&e, l1, l2), LN_ERANGE);
    assert_int_equal(ln_tle_format(NULL, l1, l2), LN_EINVAL);
}

static unsigned seed = 7u;
static double RND(void) /* 0..1 */
{
    seed = seed * 1664525u + 1013904223u;
    return (double)(seed >> 8) / (double)(1u << 24);
}

/* parse(format(e)) == e within the printed precision. */
static void test_random_round_trip(void **state)
{
    (void)state;
    for (int i = 0; i < 5000; i++) {
        ln_elset e;
        memset(&e, 0, sizeof e);
        e.norad = (uint32_t)(RND() * 339999.0);
        e.classification = 'U';
        strcpy(e.intldesg, "22111AB");
        e.epochyr = 1957 + (int)(RND() * 99.99);
        e.epochdays = 1.0 + RND() * 364.0;
        e.ndot = (RND() - 0.5) * 0.02 / (XPDOTP * 1440.0);
        e.nddot = (RND() - 0.5) * 1e-5 / (XPDOTP * 1440.0 * 1440.0);
        e.bstar = (RND() - 0.5) * pow(10.0, -8.0 * RND());
        e.ephtype = 0;
        e.elnum = (int)(RND() * 9999.0);
        e.inclo = RND() * LN_PI;
        e.nodeo = RND() * LN_TWOPI;
        e.ecco = RND() * 0.9;
        e.argpo = RND() * LN_TWOPI;
        e.mo = RND() * LN_TWOPI;
        e.no_kozai = (1.0 + RND() * 16.0) / XPDOTP;
        e.revnum = (long)(RND() * 99999.0);
        char l1[70], l2[70];
        assert_int_equal(ln_tle_format(&e, l1, l2), 0);
        assert_true(checksum_ok(l1) && checksum_ok(l2));
        ln_elset b;
        ln_diag d;
        if (ln_tle_parse_lines(NULL, l1, l2, 0, &b, &d) != 0) {
            char buf[1200];
            print_error("%s\n%s\n%s\n", l1, l2, ln_diag_format(&d, buf,
                                                               sizeof buf));
            fail();
        }
        const double ang = 0.5e-4 * LN_DEG2RAD + 1e-15;
        assert_int_equal(b.norad, e.norad);
        assert_int_equal(b.epochyr, e.epochyr);
        assert_true(fabs(b.epochdays - e.epochdays) <= 0.5e-8 + 1e-12);
        assert_true(fabs(b.ndot - e.ndot) * XPDOTP * 1440.0 <= 0.5e-8 +
                                                                   1e-15);
        assert_true(fabs(b.bstar - e.bstar) <= fabs(e.bstar) * 5e-5 + 1e-10);
        assert_true(fabs(b.nddot - e.nddot) * XPDOTP * 1440.0 * 1440.0 <=
                    fabs(e.nddot) * XPDOTP * 1440.0 * 1440.0 * 5e-5 + 1e-10);
        assert_int_equal(b.elnum, e.elnum);
        assert_true(fabs(b.inclo - e.inclo) <= ang);
        assert_true(fabs(remainder(b.nodeo - e.nodeo, LN_TWOPI)) <= ang);
        assert_true(fabs(remainder(b.argpo - e.argpo, LN_TWOPI)) <= ang);
        assert_true(fabs(remainder(b.mo - e.mo, LN_TWOPI)) <= ang);
        assert_true(fabs(b.ecco - e.ecco) <= 0.5e-7 + 1e-15);
        assert_true(fabs(b.no_kozai - e.no_kozai) * XPDOTP <= 0.5e-8 + 1e-14);
        assert_int_equal(b.revnum, e.revnum);
        /* and once more: the second format is a fixed point */
        char m1[70], m2[70];
        assert_int_equal(ln_tle_format(&b, m1, m2), 0);
        assert_string_equal(m1, l1);
        assert_string_equal(m2, l2);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_starlink_file_byte_identical),
        cmocka_unit_test(test_field_forms),
        cmocka_unit_test(test_random_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
