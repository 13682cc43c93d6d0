/*
 * test_insvc.c - `leonet route` (time series and --hypatia --export) and
 * `leonet propagate --summary` use the in-service rule (docs/scenario.md
 * "Satellites in service"), and --all-objects keeps every set.
 *
 * The element file is built here: three satellites of the Gen1 550 km
 * shell (ln_shells_to_elsets: circular, 550 km, 53.0 deg, one epoch)
 * and, last in the file, a fourth with the first one's plane and phase
 * but 350 km up (an insertion orbit, below the band: not in service).
 * At the epoch it is straight under satellite 0, so two ground points
 * 0.3 deg either side of their common sub-satellite point see both
 * near the zenith; the low one is nearer (350 vs 550 km each way), so the
 * shortest route goes through it whenever it may: "src 3 dst" with
 * --all-objects, "src 0 dst" without (satellites indexed in file order
 * among the sets kept).
 */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "leonet/geodesy.h"
#include "leonet/net.h"
#include "leonet/orbit.h"

#define EPOCH 1665273600.0 /* 2022-10-09T00:00:00Z */

static char dir[] = "/tmp/ln_insvc_XXXXXX";
static double sub_lat_deg, sub_lon_deg;

static int sh(const char *cmd)
{
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int setup(void **state)
{
    (void)state;
    if (!mkdtemp(dir))
        return -1;
    const ln_shell *g;
    ln_shells_gen1(&g);
    ln_elset *els;
    size_t n;
    if (ln_shells_to_elsets(g, 1, EPOCH, 1, &els, &n))
        return -1;
    ln_elset four[4] = {els[0], els[1], els[22], els[0]};
    ln_free(els);
    double a = 6378.135 + 350.0;
    four[3].no_kozai = sqrt(398600.8 / (a * a * a)) * 60.0;
    four[3].norad = 9;
    char path[128], l1[80], l2[80];
    snprintf(path, sizeof path, "%s/four.tle", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    for (int i = 0; i < 4; i++) {
        if (ln_tle_format(&four[i], l1, l2))
            return -1;
        fprintf(f, "STARLINK-%d\n%s\n%s\n", 9000 + i, l1, l2);
    }
    fclose(f);
    /* the common sub-satellite point of sets 0 and 3 at the epoch */
    ln_sgp4 *s;
    double r[3], v[3], re[3];
    if (ln_sgp4_new(&four[3], &s) || ln_sgp4_propagate(s, 0.0, r, v))
        return -1;
    ln_sgp4_free(s);
    ln_teme_to_ecef(EPOCH, r, NULL, re, NULL);
    ln_geodetic gd;
    ln_ecef_to_geodetic(re, &gd);
    sub_lat_deg = gd.lat_rad * LN_RAD2DEG;
    sub_lon_deg = gd.lon_rad * LN_RAD2DEG;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return sh(cmd) == 0 ? 0 : -1;
}

/* route over one step at the epoch; 0 when the CSV row has `want` */
static int route(const char *extra, const char *want)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "%s route --tle %s/four.tle --from %.6f,%.6f --to %.6f,%.6f "
             "--start 2022-10-09T00:00:00Z --duration 0 --step 1 %s "
             ">%s/out.csv 2>%s/err && grep -q ',%s$' %s/out.csv",
             LN_CLI, dir, sub_lat_deg + 0.3, sub_lon_deg, sub_lat_deg - 0.3,
             sub_lon_deg, extra, dir, dir, want, dir);
    return sh(cmd);
}

static void test_route(void **state)
{
    (void)state;
    assert_int_equal(route("", "src 0 dst"), 0);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "grep -q '3 of 4 element sets' %s/err", dir);
    assert_int_equal(sh(cmd), 0);
    assert_int_equal(route("--all-objects", "src 3 dst"), 0);
}

static size_t export_count(const char *extra)
{
    char cmd[1024], st_dir[128];
    snprintf(st_dir, sizeof st_dir, "%s/st%s", dir, extra[0] ? "all" : "");
    snprintf(cmd, sizeof cmd,
             "%s route --hypatia %s --export --tle %s/four.tle "
             "--epoch 2022-10-09T00:00:00Z %s 2>/dev/null",
             LN_CLI, st_dir, dir, extra);
    if (sh(cmd) != 0)
        return 0;
    ln_hyp_state st;
    ln_diag d;
    if (ln_hyp_read(st_dir, &st, &d)) {
        print_error("%s\n", d.msg);
        return 0;
    }
    size_t n = st.nsat;
    int has_low = 0;
    for (size_t i = 0; i < n; i++)
        has_low |= st.els[i].norad == 9;
    ln_hyp_free(&st);
    return n * 10 + (size_t)has_low;
}

static void test_export(void **state)
{
    (void)state;
    assert_int_equal(export_count(""), 30);           /* 3, no low set */
    assert_int_equal(export_count("--all-objects"), 41); /* 4, low set */
}

static void test_summary(void **state)
{
    (void)state;
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "%s propagate --tle %s/four.tle --summary >%s/sum.txt && "
             "grep -q 'in service: 3 ' %s/sum.txt && "
             "grep -q 'not in service: 1 below the band' %s/sum.txt",
             LN_CLI, dir, dir, dir, dir);
    assert_int_equal(sh(cmd), 0);
    snprintf(cmd, sizeof cmd,
             "%s propagate --tle %s/four.tle --summary --all-objects "
             ">%s/sum.txt && grep -q 'in service: all 4 objects' %s/sum.txt",
             LN_CLI, dir, dir, dir);
    assert_int_equal(sh(cmd), 0);
    /* --all-objects belongs to --summary */
    snprintf(cmd, sizeof cmd,
             "%s propagate --tle %s/four.tle --minutes 0 --all-objects "
             ">/dev/null 2>%s/err; test $? -eq 2 && grep -q -- "
             "'--all-objects is an option of --summary' %s/err",
             LN_CLI, dir, dir, dir);
    assert_int_equal(sh(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_route),
        cmocka_unit_test(test_export),
        cmocka_unit_test(test_summary),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
