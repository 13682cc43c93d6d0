/*
 * test_tle.c - the TLE and OMM readers: the real Starlink file, Vallado's
 * verification file, Alpha-5, and every kind of bad input with its file,
 * line and column. References: the files themselves (values read off the
 * text by hand) and the OMM vectors made from them by
 * tests/data/omm/make_omm.py.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "leonet/orbit.h"

#define DEG (LN_PI / 180.0)

static const char *L1 =
    "1 44238U 19029D   22282.28713994  .00937247  00000+0  73684-2 0  9992";
static const char *L2 =
    "2 44238  52.9971 287.1511 0012199  51.7841 308.4270 15.68506476185836";

static void test_first_starlink_set(void **state)
{
    (void)state;
    ln_elset e;
    ln_diag d;
    assert_int_equal(ln_tle_parse_lines("STARLINK-24             ", L1, L2,
                                        0, &e, &d),
                     0);
    assert_string_equal(e.name, "STARLINK-24");
    assert_int_equal(e.norad, 44238);
    assert_int_equal(e.classification, 'U');
    assert_string_equal(e.intldesg, "19029D");
    assert_int_equal(e.epochyr, 2022);
    assert_true(e.epochdays == 282.28713994);
    /* day 282 of 2022 is 2022-10-09; 0.28713994 d = 06:53:28.8908 */
    double t0 = ln_time_from_utc(2022, 10, 9, 0, 0, 0);
    assert_true(fabs(e.epoch_unix_s - (t0 + 0.28713994 * 86400.0)) < 1e-5);
    assert_true(e.epoch_jd1 == 2459861.5);
    assert_true(fabs(e.epoch_jd2 - 0.28713994) < 1e-13);
    assert_true(fabs(e.inclo - 52.9971 * DEG) < 1e-15);
    assert_true(fabs(e.nodeo - 287.1511 * DEG) < 1e-15);
    assert_true(e.ecco == 0.0012199);
    assert_true(fabs(e.argpo - 51.7841 * DEG) < 1e-15);
    assert_true(fabs(e.mo - 308.4270 * DEG) < 1e-15);
    assert_true(fabs(e.no_kozai - 15.68506476 * 2 * LN_PI / 1440.0) < 1e-15);
    assert_true(fabs(e.bstar - 0.0073684) < 1e-18);
    assert_true(e.nddot == 0.0);
    assert_true(fabs(e.ndot * 1440.0 * 1440.0 / (2 * LN_PI) - 0.00937247) <
                1e-15);
    assert_int_equal(e.elnum, 999);
    assert_int_equal(e.revnum, 18583);
}

static void test_whole_starlink_file(void **state)
{
    (void)state;
    ln_elset *e;
    size_t n;
    ln_diag d;
    int rc = ln_tle_read_file(LN_PROJECT_DATA "/tle/starlink_2022-10-09.tle",
                              0, &e, &n, &d);
    assert_int_equal(rc, 0);
    /* data/tle/README.md: 3 152 sets, catalog numbers 44238..53941 */
    assert_int_equal(n, 3152);
    uint32_t lo = 999999, hi = 0;
    int starlink = 0;
    for (size_t i = 0; i < n; i++) {
        if (e[i].norad < lo)
            lo = e[i].norad;
        if (e[i].norad > hi)
            hi = e[i].norad;
        starlink += strncmp(e[i].name, "STARLINK", 8) == 0;
    }
    assert_int_equal(lo, 44238);
    assert_int_equal(hi, 53941);
    assert_int_equal(starlink, 3125);
    ln_free(e);
}

static void test_vallado_file(void **state)
{
    (void)state;
    /* 33 cases, CRLF, comments, odd line 1 of 11801, bad checksums on
     * purpose in 33333..33335, time windows past column 69 */
    ln_elset *e;
    size_t n;
    ln_diag d;
    int rc = ln_tle_read_file(LN_TEST_DATA "/sgp4/SGP4-VER.TLE",
                              LN_TLE_NO_CHECKSUM | LN_TLE_LENIENT, &e, &n,
                              &d);
    if (rc == LN_EIO) {
        skip(); /* the sgp4 vectors are added with the SGP4 tests */
    }
    assert_int_equal(rc, 0);
    assert_int_equal(n, 33);
    assert_int_equal(e[0].norad, 5);
    int found = 0;
    for (size_t i = 0; i < n; i++)
        if (e[i].norad == 11801) {
            found = 1;
            assert_int_equal(e[i].ephtype, 0);
            assert_true(fabs(e[i].ecco - 0.7318036) < 1e-16);
        }
    assert_true(found);
    ln_free(e);
    /* strict mode refuses the file at the first bad checksum, naming it */
    rc = ln_tle_read_file(LN_TEST_DATA "/sgp4/SGP4-VER.TLE", 0, &e, &n, &d);
    assert_true(rc == LN_ETLE_CHECKSUM || rc == LN_ETLE_FORMAT);
    assert_true(d.line > 0);
}

static void test_alpha5(void **state)
{
    (void)state;
    char l1[80], l2[80];
    ln_elset e;
    ln_diag d;
    /* re-use the set with catalog A0000 / Z9999, checksums recomputed */
    struct {
        const char *cat;
        uint32_t want;
    } cases[] = {{"A0000", 100000}, {"E8493", 148493}, {"H9999", 179999},
                 {"J0000", 180000}, {"P0001", 230001}, {"Z9999", 339999}};
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        strcpy(l1, L1);
        strcpy(l2, L2);
        memcpy(l1 + 2, cases[k].cat, 5);
        memcpy(l2 + 2, cases[k].cat, 5);
        assert_int_equal(ln_tle_parse_lines(NULL, l1, l2,
                                            LN_TLE_NO_CHECKSUM, &e, &d),
                         0);
        assert_int_equal(e.norad, cases[k].want);
    }
    memcpy(l1 + 2, "I0000", 5);
    memcpy(l2 + 2, "I0000", 5);
    assert_int_equal(ln_tle_parse_lines(NULL, l1, l2, LN_TLE_NO_CHECKSUM,
                                        &e, &d),
                     LN_ETLE_FORMAT);
    assert_int_equal(d.col, 3);
}

/* Rewrites column 69 of a TLE line with its correct checksum. */
static void fix_checksum(char *l)
{
    int sum = 0;
    for (int i = 0; i < 68; i++)
        sum += l[i] >= '0' && l[i] <= '9' ? l[i] - '0' : l[i] == '-';
    l[68] = (char)('0' + sum % 10);
}

/* Parses text, expects code at line/col. */
static void expect_error(const char *text, int code, long line, long col)
{
    ln_elset *e = (ln_elset *)1;
    size_t n = 99;
    ln_diag d;
    ln_diag_clear(&d);
    int rc = ln_tle_parse(text, strlen(text), "t.tle", 0, &e, &n, &d);
    char buf[800];
    if (rc != code || d.line != line || (col && d.col != col))
        print_error("want %s at %ld:%ld, got %s: %s\n", ln_errname(code),
                    line, col, ln_errname(rc),
                    ln_diag_format(&d, buf, sizeof buf));
    assert_int_equal(rc, code);
    assert_int_equal(d.line, line);
    if (col)
        assert_int_equal(d.col, col);
    assert_null(e);
    assert_int_equal(n, 0);
    assert_string_equal(d.file, "t.tle");
}

static void test_bad_input(void **state)
{
    (void)state;
    char text[1024];
    /* bad checksum: last digit of line 2 */
    snprintf(text, sizeof text, "NAME\n%s\n%.68s7\n", L1, L2);
    expect_error(text, LN_ETLE_CHECKSUM, 3, 69);
    /* missing line 2 */
    snprintf(text, sizeof text, "NAME\n%s\n", L1);
    expect_error(text, LN_ETLE_MISSING, 3, 1);
    /* line 2 without line 1 */
    snprintf(text, sizeof text, "%s\n", L2);
    expect_error(text, LN_ETLE_MISSING, 1, 1);
    /* truncated line 1 */
    snprintf(text, sizeof text, "%.50s\n%s\n", L1, L2);
    expect_error(text, LN_ETLE_FORMAT, 1, 51);
    /* non-numeric inclination (column 9..16) */
    char bad2[80];
    snprintf(bad2, sizeof bad2, "%.8s 5x.9971%s", L2, L2 + 16);
    fix_checksum(bad2);
    snprintf(text, sizeof text, "%s\n%s\n", L1, bad2);
    expect_error(text, LN_ETLE_FORMAT, 2, 9);
    /* non-numeric bstar mantissa (line 1, column 55) */
    char bad1[80];
    snprintf(bad1, sizeof bad1, "%s", L1);
    bad1[55] = 'Q';
    fix_checksum(bad1);
    snprintf(text, sizeof text, "%s\n%s\n", bad1, L2);
    expect_error(text, LN_ETLE_FORMAT, 1, 56);
    /* catalog numbers differ */
    snprintf(text, sizeof text, "%s\n2 44239%s\n", L1, L2 + 7);
    expect_error(text, LN_ETLE_CHECKSUM, 2, 69);
    /* name line followed by garbage */
    snprintf(text, sizeof text, "NAME\nOTHER\n%s\n%s\n", L1, L2);
    expect_error(text, LN_ETLE_FORMAT, 2, 1);
    /* name line at end of file */
    snprintf(text, sizeof text, "%s\n%s\nDANGLING\n", L1, L2);
    expect_error(text, LN_ETLE_MISSING, 4, 1);
    /* binary garbage */
    const char bin[] = "\x7f" "ELF\x02\x01\x01\x00\x00\x00";
    ln_elset *e;
    size_t n;
    ln_diag d;
    assert_int_equal(ln_tle_parse(bin, sizeof bin - 1, "b", 0, &e, &n, &d),
                     LN_EPARSE);
    assert_int_equal(ln_tle_parse("\x01\x02\x03garbage\n", 11, "b", 0, &e,
                                  &n, &d),
                     LN_EPARSE);
    assert_int_equal(d.line, 1);
    /* eccentricity with a decimal point is not TLE */
    char l2b[80];
    strcpy(l2b, L2);
    l2b[27] = '.';
    ln_elset es;
    assert_int_equal(ln_tle_parse_lines(NULL, L1, l2b, LN_TLE_NO_CHECKSUM,
                                        &es, &d),
                     LN_ETLE_FORMAT);
    assert_int_equal(d.col, 27);
}

static void test_crlf_blank_and_2line(void **state)
{
    (void)state;
    char text[1024];
    ln_elset *e;
    size_t n;
    ln_diag d;
    snprintf(text, sizeof text, "\r\n# comment\r\n%s\r\n%s\r\n\r\n"
             "0 STARLINK-24\r\n%s\r\n%s\r\n",
             L1, L2, L1, L2);
    assert_int_equal(ln_tle_parse(text, strlen(text), "x", 0, &e, &n, &d),
                     0);
    assert_int_equal(n, 2);
    assert_string_equal(e[0].name, "");
    assert_string_equal(e[1].name, "STARLINK-24");
    assert_true(e[0].mo == e[1].mo);
    ln_free(e);
    /* empty input is zero sets, not an error */
    assert_int_equal(ln_tle_parse("", 0, "x", 0, &e, &n, &d), 0);
    assert_int_equal(n, 0);
    ln_free(e);
}

static void test_omm_matches_tle(void **state)
{
    (void)state;
    ln_elset *t, *j, *c;
    size_t nt, nj, nc;
    ln_diag d;
    assert_int_equal(ln_tle_read_file(LN_TEST_DATA
                                      "/omm/starlink_sample.tle",
                                      0, &t, &nt, &d),
                     0);
    assert_int_equal(ln_omm_read_file(LN_TEST_DATA
                                      "/omm/starlink_sample.json",
                                      &j, &nj, &d),
                     0);
    assert_int_equal(ln_omm_read_file(LN_TEST_DATA
                                      "/omm/starlink_sample.csv",
                                      &c, &nc, &d),
                     0);
    assert_int_equal(nt, 25);
    assert_int_equal(nj, 25);
    assert_int_equal(nc, 25);
    for (size_t i = 0; i < nt; i++) {
        const ln_elset *o[2] = {&j[i], &c[i]};
        for (int k = 0; k < 2; k++) {
            assert_int_equal(o[k]->norad, t[i].norad);
            assert_string_equal(o[k]->name, t[i].name);
            assert_string_equal(o[k]->intldesg, t[i].intldesg);
            assert_true(o[k]->inclo == t[i].inclo);
            assert_true(o[k]->nodeo == t[i].nodeo);
            assert_true(o[k]->ecco == t[i].ecco);
            assert_true(o[k]->argpo == t[i].argpo);
            assert_true(o[k]->mo == t[i].mo);
            assert_true(o[k]->no_kozai == t[i].no_kozai);
            assert_true(fabs(o[k]->ndot - t[i].ndot) <=
                        1e-15 * fabs(t[i].ndot));
            assert_true(fabs(o[k]->bstar - t[i].bstar) <=
                        1e-15 * fabs(t[i].bstar));
            assert_true(o[k]->epoch_jd1 == t[i].epoch_jd1);
            /* OMM epochs are rounded to the microsecond */
            assert_true(fabs(o[k]->epoch_jd2 - t[i].epoch_jd2) * 86400.0 <
                        0.6e-6);
            assert_true(fabs(o[k]->epochdays - t[i].epochdays) * 86400.0 <
                        0.6e-6);
            assert_int_equal(o[k]->revnum, t[i].revnum);
            assert_int_equal(o[k]->elnum, t[i].elnum);
        }
    }
    ln_free(t);
    ln_free(j);
    ln_free(c);
}

static void test_omm_errors(void **state)
{
    (void)state;
    ln_elset *e;
    size_t n;
    ln_diag d;
    const char *bad_json = "[{\"EPOCH\": \"2022-10-09T00:00:00\",\n"
                           "  \"MEAN_MOTION\": 15.0,, }]";
    assert_int_equal(ln_omm_parse(bad_json, strlen(bad_json), "a.json", &e,
                                  &n, &d),
                     LN_EOMM_FORMAT);
    assert_int_equal(d.line, 2);
    assert_true(d.col > 0);
    const char *missing =
        "[{\"OBJECT_NAME\":\"X\",\"EPOCH\":\"2022-10-09T00:00:00\","
        "\"MEAN_MOTION\":15,\"ECCENTRICITY\":0.001,\"INCLINATION\":53,"
        "\"RA_OF_ASC_NODE\":1,\"ARG_OF_PERICENTER\":2,\"MEAN_ANOMALY\":3,"
        "\"NORAD_CAT_ID\":1,\"BSTAR\":0},"
        "{\"OBJECT_NAME\":\"Y\",\"EPOCH\":\"2022-10-09T00:00:00\","
        "\"MEAN_MOTION\":\"fast\",\"ECCENTRICITY\":0.001,\"INCLINATION\":53,"
        "\"RA_OF_ASC_NODE\":1,\"ARG_OF_PERICENTER\":2,\"MEAN_ANOMALY\":3,"
        "\"NORAD_CAT_ID\":2,\"BSTAR\":0}]";
    assert_int_equal(ln_omm_parse(missing, strlen(missing), "m.json", &e, &n,
                                  &d),
                     LN_EOMM_FORMAT);
    assert_string_equal(d.path, "[1].MEAN_MOTION");
    const char *csv = "OBJECT_NAME,EPOCH,MEAN_MOTION,ECCENTRICITY,"
                      "INCLINATION,RA_OF_ASC_NODE,ARG_OF_PERICENTER,"
                      "MEAN_ANOMALY,NORAD_CAT_ID,BSTAR\n"
                      "A,2022-10-09T00:00:00,15,0.001,53,1,2,3,1,0\n"
                      "B,2022-10-09T00:00:00,15,0.001,253,1,2,3,2,0\n";
    assert_int_equal(ln_omm_parse(csv, strlen(csv), "c.csv", &e, &n, &d),
                     LN_EOMM_FORMAT);
    assert_int_equal(d.line, 3);
    assert_int_equal(d.col, 32);
    assert_string_equal(d.path, "[1].INCLINATION");
    const char *nohdr = "A,B,C\n1,2,3\n";
    assert_int_equal(ln_omm_parse(nohdr, strlen(nohdr), "c.csv", &e, &n, &d),
                     LN_EOMM_FORMAT);
    assert_int_equal(d.line, 1);
}

/* NUL bytes and numbers strtod would take ("nan", "inf") in TLE and OMM */
static void test_nul_and_hostile(void **state)
{
    (void)state;
    char text[1024];
    snprintf(text, sizeof text, "NAME\n%s\n%s\n", L1, L2);
    size_t len = strlen(text);
    text[5 + 20] = '\0'; /* line 2, column 21 */
    ln_elset *e = NULL;
    size_t n = 0;
    ln_diag d;
    assert_int_equal(ln_tle_parse(text, len, "t.tle", 0, &e, &n, &d),
                     LN_EPARSE);
    assert_int_equal(d.line, 2);
    assert_int_equal(d.col, 21);
    assert_null(e);
    /* "nan" in the inclination field (line 2, columns 9..16) */
    static const char *const hostile[] = {"     nan", "     inf",
                                          " 1e999  ", "-53.0000"};
    for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
        char bad2[80];
        snprintf(bad2, sizeof bad2, "%.8s%s%s", L2, hostile[i], L2 + 16);
        fix_checksum(bad2);
        snprintf(text, sizeof text, "%s\n%s\n", L1, bad2);
        expect_error(text, LN_ETLE_FORMAT, 2, 9);
    }
    /* OMM: a NUL byte, and NaN / infinity / overflow in a field */
    const char omm_nul[] = "OBJECT_NAME,EPOCH\nX\0,2022-10-09T00:00:00\n";
    assert_int_equal(ln_omm_parse(omm_nul, sizeof omm_nul - 1, "o.csv", &e,
                                  &n, &d), LN_EOMM_FORMAT);
    assert_int_equal(d.line, 2);
    assert_int_equal(d.col, 2);
    static const char *const vals[] = {"nan", "inf", "-inf", "1e999"};
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        char csv[512];
        snprintf(csv, sizeof csv,
                 "OBJECT_NAME,EPOCH,MEAN_MOTION,ECCENTRICITY,INCLINATION,"
                 "RA_OF_ASC_NODE,ARG_OF_PERICENTER,MEAN_ANOMALY,NORAD_CAT_ID,"
                 "BSTAR\nX,2022-10-09T00:00:00,15,0.001,%s,1,2,3,1,0\n",
                 vals[i]);
        e = NULL;
        assert_int_equal(ln_omm_parse(csv, strlen(csv), "o.csv", &e, &n, &d),
                         LN_EOMM_FORMAT);
        assert_null(e);
        assert_int_equal(d.line, 2);
        assert_non_null(strstr(d.msg, vals[i]));
    }
}

static void test_alloc_failures(void **state)
{
    (void)state;
    /* fail each allocation in turn: LN_ENOMEM and no leak (ASan checks) */
    char text[512];
    snprintf(text, sizeof text, "A\n%s\n%s\n", L1, L2);
    for (long k = 1; k < 10; k++) {
        ln_elset *e;
        size_t n;
        ln_diag d;
        ln_alloc_fail_after(k);
        int rc = ln_tle_parse(text, strlen(text), "x", 0, &e, &n, &d);
        long made = ln_alloc_fail_after(0);
        if (rc == 0) {
            ln_free(e);
            assert_true(made < k);
            break;
        }
        assert_int_equal(rc, LN_ENOMEM);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_starlink_set),
        cmocka_unit_test(test_whole_starlink_file),
        cmocka_unit_test(test_vallado_file),
        cmocka_unit_test(test_alpha5),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_crlf_blank_and_2line),
        cmocka_unit_test(test_omm_matches_tle),
        cmocka_unit_test(test_omm_errors),
        cmocka_unit_test(test_nul_and_hostile),
        cmocka_unit_test(test_alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
