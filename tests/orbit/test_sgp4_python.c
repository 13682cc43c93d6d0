/*
 * test_sgp4_python.c - SGP4/SDP4 against python-sgp4 (Debian's
 * python3-sgp4, run by /usr/bin/python3) as an outside oracle.
 *
 * Propagates a sample of the real Starlink sets (200 of
 * data/tle/starlink_2022-10-09.tle, evenly spread over the file) at 7 times
 * over 24 h, and every set of Vallado's verification file
 * (tests/data/sgp4/SGP4-VER.TLE, near-earth and deep-space, resonant ones
 * included) at times from -2 days to +30 days, including negative times
 * (the stateless resonance integrator running backwards). Writes the
 * results to a CSV file and runs tests/orbit/sgp4_oracle.py, which
 * recomputes every row with python-sgp4 and checks the error codes and
 * |diff| < 2e-7 km, 2e-7 km/s. Exits 77 (ctest SKIP_RETURN_CODE) when
 * /usr/bin/python3 lacks the sgp4 module.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "leonet/orbit.h"

#define PYTHON "/usr/bin/python3"
#define ORACLE LN_TEST_DATA "/../orbit/sgp4_oracle.py"
#define STARLINK LN_PROJECT_DATA "/tle/starlink_2022-10-09.tle"
#define VALLADO LN_TEST_DATA "/sgp4/SGP4-VER.TLE"
#define NSAMPLE 200

static const double starlink_t[] = {0.0, 1.0, 47.25, 240.0, 600.5, 1000.0,
                                    1440.0};
static const double vallado_t[] = {-2880.0, -1440.0, -100.0, 0.0,  10.0,
                                   360.0,   1440.0,  4320.0, 20000.0,
                                   43200.0};

static void write_rows(FILE *f, int file, size_t idx, const ln_elset *e,
                       const double *ts, size_t nt)
{
    ln_sgp4 *s = NULL;
    size_t k;

    (void)ln_sgp4_new(e, &s); /* an init error shows again at t = 0 */
    assert_non_null(s);
    for (k = 0; k < nt; k++) {
        double r[3], v[3];
        int rc = ln_sgp4_propagate(s, ts[k], r, v);
        fprintf(f, "%d,%zu,%u,%.17g,%d,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g\n",
                file, idx, (unsigned)e->norad, ts[k], rc, r[0], r[1], r[2],
                v[0], v[1], v[2]);
    }
    ln_sgp4_free(s);
}

static void test_against_python_sgp4(void **state)
{
    char csv[] = "/tmp/ln_sgp4_python_XXXXXX";
    char cmd[2048], line[512];
    ln_elset *e = NULL;
    size_t n = 0, i;
    ln_diag d;
    FILE *f, *p;
    int fd, rc, status;
    (void)state;

    fd = mkstemp(csv);
    assert_true(fd >= 0);
    f = fdopen(fd, "w");
    assert_non_null(f);
    fprintf(f, "file,index,norad,tsince,rc,x,y,z,vx,vy,vz\n");

    rc = ln_tle_read_file(STARLINK, 0, &e, &n, &d);
    assert_int_equal(rc, 0);
    assert_true(n >= NSAMPLE);
    for (i = 0; i < NSAMPLE; i++) {
        size_t idx = i * n / NSAMPLE;
        write_rows(f, 0, idx, &e[idx], starlink_t,
                   sizeof starlink_t / sizeof starlink_t[0]);
    }
    ln_free(e);

    rc = ln_tle_read_file(VALLADO, LN_TLE_NO_CHECKSUM | LN_TLE_LENIENT, &e,
                          &n, &d);
    assert_int_equal(rc, 0);
    assert_int_equal(n, 33);
    for (i = 0; i < n; i++)
        write_rows(f, 1, i, &e[i], vallado_t,
                   sizeof vallado_t / sizeof vallado_t[0]);
    ln_free(e);
    assert_int_equal(fclose(f), 0);

    snprintf(cmd, sizeof cmd, "%s %s %s %s %s 2>&1", PYTHON, ORACLE, csv,
             STARLINK, VALLADO);
    p = popen(cmd, "r");
    assert_non_null(p);
    while (fgets(line, sizeof line, p) != NULL)
        print_message("%s", line);
    status = pclose(p);
    unlink(csv);
    assert_int_equal(status, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_against_python_sgp4),
    };

    if (system(PYTHON " -c 'import sgp4.api' >/dev/null 2>&1") != 0) {
        printf("SKIP: " PYTHON " has no sgp4 module (python3-sgp4)\n");
        return 77;
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
