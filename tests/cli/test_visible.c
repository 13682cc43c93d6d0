/*
 * test_visible.c - `leonet visible` against an outside oracle and as a
 * hostile user tries it.
 *
 *   oracle    tests/cli/visible_oracle.py (python-sgp4, Debian's
 *             python3-sgp4, for positions; its own numpy GMST rotation,
 *             WGS-84 site and east-north-up look angles; the in-service
 *             rule written again from docs/scenario.md) on the
 *             2022-10-09 element sets: for Kyiv, Kharkiv and Lviv at
 *             2022-10-09T12:00:00Z the same satellites above 25 deg,
 *             elevation and azimuth within 0.01 deg, range and height
 *             within 0.1 km, the same in_service flags; and Kyiv's passes
 *             over 15 minutes (60 s samples): the same passes, rise and
 *             set within 2 s, maximum elevation within 0.01 deg. Skipped
 *             when /usr/bin/python3 lacks sgp4 or numpy.
 *   hostile   out-of-range, NaN and malformed numbers and times, modes
 *             mixed or missing, a missing file: exit 2 and stderr names
 *             the option
 *   output    --output into a missing folder or /dev/full: exit 2 and no
 *             file under the final name; -h and -V exit 0
 */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#define PYTHON "/usr/bin/python3"
#define TLE LN_PROJECT_DATA "/tle/starlink_2022-10-09.tle"
#define T_NOON 1665316800L /* 2022-10-09T12:00:00Z */

static char dir[] = "/tmp/ln_visible_XXXXXX";

static int sh(const char *cmd)
{
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return sh(cmd) == 0 ? 0 : -1;
}

static const struct {
    const char *name;
    double lat, lon;
} CITIES[] = {
    {"kyiv", 50.4501, 30.5234},
    {"kharkiv", 49.9935, 36.2304},
    {"lviv", 49.8397, 24.0297},
};

static void test_snapshot_oracle(void **state)
{
    (void)state;
    char cmd[2048];
    for (size_t i = 0; i < 3; i++) {
        /* default elements and mask: the built-in scenario's */
        snprintf(cmd, sizeof cmd,
                 "%s visible --lat %.4f --lon %.4f --at "
                 "2022-10-09T12:00:00Z --output %s/%s.csv 2>/dev/null",
                 LN_CLI, CITIES[i].lat, CITIES[i].lon, dir, CITIES[i].name);
        assert_int_equal(sh(cmd), 0);
        snprintf(cmd, sizeof cmd,
                 "%s %s/visible_oracle.py snap %s %ld %.4f %.4f 0 25 "
                 "%s/%s.csv",
                 PYTHON, LN_TEST_DIR, TLE, T_NOON, CITIES[i].lat,
                 CITIES[i].lon, dir, CITIES[i].name);
        int rc = sh(cmd);
        if (rc == 77)
            skip();
        assert_int_equal(rc, 0);
    }
}

static void test_passes_oracle(void **state)
{
    (void)state;
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "%s visible --lat 50.4501 --lon 30.5234 --from "
             "2022-10-09T12:00:00Z --until 2022-10-09T12:15:00Z --step 60 "
             "--tle %s >%s/passes.csv 2>/dev/null",
             LN_CLI, TLE, dir);
    assert_int_equal(sh(cmd), 0);
    snprintf(cmd, sizeof cmd,
             "%s %s/visible_oracle.py pass %s %ld %ld 60 50.4501 30.5234 0 "
             "25 %s/passes.csv",
             PYTHON, LN_TEST_DIR, TLE, T_NOON, T_NOON + 900, dir);
    int rc = sh(cmd);
    if (rc == 77)
        skip();
    assert_int_equal(rc, 0);
}

/* The Walker preset: every satellite in service; a mask of 89 deg sees
 * few or none; the header is always there. */
static void test_shells(void **state)
{
    (void)state;
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "%s visible --lat 50 --lon 30 --at 2022-10-09T00:00:00Z "
             "--shells gen1 --mask 40 >%s/sh.csv 2>/dev/null && "
             "head -1 %s/sh.csv | grep -qx "
             "'name,norad,el_deg,az_deg,range_km,alt_km,in_service' && "
             "test $(tail -n +2 %s/sh.csv | grep -c ',1$') -ge 1 && "
             "test $(tail -n +2 %s/sh.csv | grep -vc ',1$') -eq 0",
             LN_CLI, dir, dir, dir, dir);
    assert_int_equal(sh(cmd), 0);
}

static const struct {
    const char *args, *says;
} HOSTILE[] = {
    {"--lat 91 --lon 30 --at 2022-10-09T12:00:00Z", "--lat"},
    {"--lat nan --lon 30 --at 2022-10-09T12:00:00Z", "--lat"},
    {"--lat 50 --lon 180.5 --at 2022-10-09T12:00:00Z", "--lon"},
    {"--lat 50 --lon inf --at 2022-10-09T12:00:00Z", "--lon"},
    {"--lat 50 --lon '' --at 2022-10-09T12:00:00Z", "--lon"},
    {"--lat 50 --lon 30 --alt-m 1e9 --at 2022-10-09T12:00:00Z", "--alt-m"},
    {"--lat 50 --lon 30 --alt-m 10x --at 2022-10-09T12:00:00Z", "--alt-m"},
    {"--lat 50 --lon 30 --mask 90 --at 2022-10-09T12:00:00Z", "--mask"},
    {"--lat 50 --lon 30 --mask -1 --at 2022-10-09T12:00:00Z", "--mask"},
    {"--lat 50 --lon 30 --at 2022-02-30T00:00:00Z", "--at"},
    {"--lat 50 --lon 30 --at 2022-10-09T12:00:00Zjunk", "--at"},
    {"--lat 50 --lon 30 --at 99999-01-01T00:00:00Z", "--at"},
    {"--lat 50 --lon 30", "--at"},
    {"--lon 30 --at 2022-10-09T12:00:00Z", "--lat"},
    {"--lat 50 --lon 30 --at 2022-10-09T12:00:00Z --from "
     "2022-10-09T12:00:00Z --until 2022-10-09T13:00:00Z", "--at"},
    {"--lat 50 --lon 30 --from 2022-10-09T12:00:00Z", "--until"},
    {"--lat 50 --lon 30 --from 2022-10-09T12:00:00Z --until "
     "2022-10-09T11:00:00Z", "--until"},
    {"--lat 50 --lon 30 --from 2022-10-01T00:00:00Z --until "
     "2022-11-09T00:00:00Z", "31 days"},
    {"--lat 50 --lon 30 --from 2022-10-09T00:00:00Z --until "
     "2022-10-30T00:00:00Z --step 1", "samples"},
    {"--lat 50 --lon 30 --from 2022-10-09T12:00:00Z --until "
     "2022-10-09T13:00:00Z --step 0", "--step"},
    {"--lat 50 --lon 30 --from 2022-10-09T12:00:00Z --until "
     "2022-10-09T13:00:00Z --step 1e99", "--step"},
    {"--lat 50 --lon 30 --at 2022-10-09T12:00:00Z --step 10", "--step"},
    {"--lat 50 --lon 30 --at 2022-10-09T12:00:00Z --tle x --shells gen1",
     "--shells"},
    {"--lat 50 --lon 30 --at 2022-10-09T12:00:00Z --shells gen2",
     "--shells"},
    {"--lat 50 --lon 30 --at 2022-10-09T12:00:00Z --epoch "
     "2022-10-09T00:00:00Z", "--epoch"},
    {"--lat 50 --lon 30 --at 2022-10-09T12:00:00Z --tle /nonexistent.tle",
     "nonexistent.tle"},
    {"--lat 50 --lon 30 --at 2022-10-09T12:00:00Z --tle /dev/null",
     "/dev/null: no element sets"},
    {"--lat 50 --lon 30 --at 2022-10-09T12:00:00Z --frobnicate",
     "--frobnicate"},
    {"--lat 50 --lat 51 --lon 30 --at 2022-10-09T12:00:00Z", "--lat"},
    {"--lat 50 --lon 30 --at 2022-10-09T12:00:00Z extra", "extra"},
};

static void test_hostile(void **state)
{
    (void)state;
    char cmd[2048], err[300];
    snprintf(err, sizeof err, "%s/err", dir);
    int bad = 0;
    for (size_t i = 0; i < sizeof HOSTILE / sizeof HOSTILE[0]; i++) {
        snprintf(cmd, sizeof cmd, "%s visible %s >/dev/null 2>%s", LN_CLI,
                 HOSTILE[i].args, err);
        int rc = sh(cmd);
        snprintf(cmd, sizeof cmd, "grep -q -F -- '%s' %s", HOSTILE[i].says,
                 err);
        if (rc != 2 || sh(cmd) != 0) {
            printf("case %zu '%s': exit %d, stderr lacks '%s'\n", i,
                   HOSTILE[i].args, rc, HOSTILE[i].says);
            snprintf(cmd, sizeof cmd, "cat %s", err);
            sh(cmd);
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

static void test_output_and_help(void **state)
{
    (void)state;
    char cmd[2048];
    struct stat st;
    char path[400];
    snprintf(path, sizeof path, "%s/nodir/x.csv", dir);
    snprintf(cmd, sizeof cmd,
             "%s visible --lat 50 --lon 30 --at 2022-10-09T12:00:00Z "
             "--output %s 2>/dev/null",
             LN_CLI, path);
    assert_int_equal(sh(cmd), 2);
    assert_int_equal(stat(path, &st), -1);
    snprintf(cmd, sizeof cmd,
             "%s visible --lat 50 --lon 30 --at 2022-10-09T12:00:00Z "
             ">/dev/full 2>%s/err; test $? -eq 2 && grep -q 'error writing' "
             "%s/err",
             LN_CLI, dir, dir);
    assert_int_equal(sh(cmd), 0);
    snprintf(cmd, sizeof cmd,
             "%s visible --lat 50 --lon 30 --from 2022-10-09T12:00:00Z "
             "--until 2022-10-09T12:10:00Z --output /dev/full 2>%s/err; "
             "test $? -eq 2 && grep -q 'error writing' %s/err",
             LN_CLI, dir, dir);
    assert_int_equal(sh(cmd), 0);
    snprintf(cmd, sizeof cmd,
             "%s visible -h | grep -q 'usage: leonet visible' && "
             "%s visible --help | grep -q -- '--threads' && "
             "%s visible -V | grep -q '^leonet '",
             LN_CLI, LN_CLI, LN_CLI);
    assert_int_equal(sh(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_snapshot_oracle),
        cmocka_unit_test(test_passes_oracle),
        cmocka_unit_test(test_shells),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_output_and_help),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
