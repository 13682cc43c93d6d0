/*
 * test_graph.c - the network core against hand-computed answers: the
 * +Grid rule (Hypatia's generate_plus_grid_isls order, worked out by
 * hand), GSL rules, shortest paths, next hops and interface numbers with
 * ties, Hypatia fstate text (full table and diffs), failures, the
 * nearest-gateway and bent-pipe queries, ground-to-ground routes.
 *
 * The square network used below (km):
 *   S0 (0,0,7000)  S1 (1000,0,7000)  S2 (1000,1000,7000)  S3 (0,1000,7000)
 *   ISLs in order 0-1, 1-2, 2-3, 0-3 (all 1000 km), so interfaces are
 *   S0: 0->S1 1->S3   S1: 0->S0 1->S2   S2: 0->S1 1->S3   S3: 0->S2 1->S0
 *   G0 (0,0,6400) sees S0 at 600 km; G1 (1000,1000,6300) sees S2 at 700 km
 *   (max GSL 800 km; S1 is 1166 km from G0).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "leonet/net.h"
#include "net_test.h"

static const double SX[4] = {0, 1000, 1000, 0};

static ln_net *square(void)
{
    ln_net *n = square_net();
    assert_int_equal(ln_net_update(n, SX, SY, SZ, NULL), 0);
    return n;
}

static char *write_text(ln_net_fstate *f, int full)
{
    static char buf[4096];
    FILE *t = tmpfile();
    assert_non_null(t);
    assert_true(ln_net_fstate_write(f, t, full) >= 0);
    long len = ftell(t);
    rewind(t);
    size_t k = fread(buf, 1, (size_t)len, t);
    buf[k] = '\0';
    fclose(t);
    return buf;
}

static void test_plus_grid(void **state)
{
    (void)state;
    /* P = S = 3: generate_plus_grid_isls order, by hand */
    static const int want[18][2] = {
        {0, 1}, {0, 3}, {1, 2}, {1, 4}, {0, 2}, {2, 5},
        {3, 4}, {3, 6}, {4, 5}, {4, 7}, {3, 5}, {5, 8},
        {6, 7}, {0, 6}, {7, 8}, {1, 7}, {6, 8}, {2, 8}};
    ln_net_grid g = {0, 3, 3, 1, 0};
    ln_net_isl *v;
    size_t n;
    assert_int_equal(ln_net_plus_grid(&g, 1, &v, &n), 0);
    assert_int_equal(n, 18);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(v[i].a, want[i][0]);
        assert_int_equal(v[i].b, want[i][1]);
    }
    ln_free(v);
    /* P = 2: the second plane's inter-plane links repeat the first's */
    g.planes = 2;
    assert_int_equal(ln_net_plus_grid(&g, 1, &v, &n), 0);
    assert_int_equal(n, 9);
    ln_free(v);
    /* offset shell, slot shift 1: sat 10 + 0 links to 10 + 3 + 1 */
    ln_net_grid h = {10, 3, 3, 1, 1};
    assert_int_equal(ln_net_plus_grid(&h, 1, &v, &n), 0);
    assert_int_equal(v[1].a, 10);
    assert_int_equal(v[1].b, 14);
    ln_free(v);
    ln_net_grid bad = {0, 0, 3, 1, 0};
    assert_int_equal(ln_net_plus_grid(&bad, 1, &v, &n), LN_EINVAL);
}

static void test_gsl_rules(void **state)
{
    (void)state;
    ln_net *n = square();
    const int32_t *s;
    const double *km;
    assert_int_equal(ln_net_gsl(n, 0, &s, &km), 1);
    assert_int_equal(s[0], 0);
    assert_double_equal(km[0], 600.0, 1e-9);
    assert_int_equal(ln_net_gsl(n, 1, &s, &km), 1);
    assert_int_equal(s[0], 2);
    assert_double_equal(km[0], 700.0, 1e-9);
    assert_double_equal(ln_net_isl_km(n, 3), 1000.0, 1e-9);
    ln_net_free(n);
    /* elevation rule: site on the equator at lon 0 (up = +x) */
    double g[3] = {6378.137, 0, 0};
    double x[3] = {6928.137, 6378.137 * 0.9, 6378.137 + 300.0};
    double y[3] = {0, 3000.0, 600.0}; /* el 90; ~below; ~26.57 deg */
    double z[3] = {0, 0, 0};
    ln_net_config c = {.gsl_rule = LN_NET_GSL_ELEV,
                       .min_elev_rad = 25.0 * LN_DEG2RAD};
    assert_int_equal(ln_net_new(3, NULL, 0, 1, g, &c, &n), 0);
    assert_int_equal(ln_net_update(n, x, y, z, NULL), 0);
    assert_int_equal(ln_net_gsl(n, 0, &s, &km), 2);
    assert_int_equal(s[0], 0);
    assert_int_equal(s[1], 2);
    assert_double_equal(km[1], sqrt(300.0 * 300.0 + 600.0 * 600.0), 1e-9);
    ln_net_free(n);
}

static void test_paths(void **state)
{
    (void)state;
    ln_net *n = square();
    ln_net_work *w;
    assert_int_equal(ln_net_work_new(n, &w), 0);
    double d[4];
    int32_t nx[4], ex[4];
    ln_net_to_gs(n, w, 1, d, nx, ex);
    double wd[4] = {2700, 1700, 700, 1700};
    int32_t wn[4] = {1, 2, -1, 2}; /* S0: tie S1/S3 -> interface 0 = S1 */
    for (int i = 0; i < 4; i++) {
        assert_double_equal(d[i], wd[i], 1e-9);
        assert_int_equal(nx[i], wn[i]);
        assert_int_equal(ex[i], 2);
    }
    /* nearest gateway, both ground stations gateways */
    int32_t gw[4];
    ln_net_to_gateways(n, w, NULL, d, nx, gw);
    double gd[4] = {600, 1600, 700, 1600};
    int32_t gn[4] = {-1, 0, -1, 0}, gg[4] = {0, 0, 1, 0};
    for (int i = 0; i < 4; i++) {
        assert_double_equal(d[i], gd[i], 1e-9);
        assert_int_equal(nx[i], gn[i]);
        assert_int_equal(gw[i], gg[i]);
    }
    /* only G1 a gateway */
    uint8_t mask[2] = {0, 1};
    ln_net_to_gateways(n, w, mask, d, nx, gw);
    assert_double_equal(d[0], 2700, 1e-9);
    assert_int_equal(gw[0], 1);
    double km;
    assert_int_equal(ln_net_bent_pipe(n, 0, NULL, &km), 0);
    assert_double_equal(km, 600, 1e-9);
    assert_int_equal(ln_net_bent_pipe(n, 1, NULL, &km), -1);
    assert_int_equal(ln_net_bent_pipe(n, 0, mask, &km), -1);
    /* ground-to-ground route G0 -> G1: 600 + 1000 + 1000 + 700 km */
    int32_t buf[8];
    ln_net_route r;
    assert_int_equal(ln_net_route_gs(n, w, 0, 1, buf, 8, &r), 0);
    assert_double_equal(r.km, 3300.0, 1e-9);
    assert_double_equal(r.one_way_ms, 3300.0 / 299792.458 * 1e3, 1e-12);
    assert_double_equal(r.rtt_ms, 2 * 3300.0 / 299792.458 * 1e3, 1e-12);
    assert_int_equal(r.hops, 4);
    assert_int_equal(r.nsats, 3);
    assert_int_equal(buf[0], 0);
    assert_int_equal(buf[1], 1);
    assert_int_equal(buf[2], 2);
    ln_net_work_free(w);
    ln_net_free(n);
}

static void test_fstate(void **state)
{
    (void)state;
    ln_net *n = square();
    ln_net_fstate *f;
    assert_int_equal(ln_net_fstate_new(n, 1, &f), 0);
    ln_net_fstate_compute(f);
    assert_string_equal(write_text(f, 1), "0,4,4,2,0\n"
                                          "0,5,1,0,0\n"
                                          "1,4,0,0,0\n"
                                          "1,5,2,1,0\n"
                                          "2,4,1,0,1\n"
                                          "2,5,5,2,0\n"
                                          "3,4,0,1,1\n"
                                          "3,5,2,0,1\n"
                                          "4,5,0,0,2\n"
                                          "5,4,2,0,2\n");
    /* the same state again: nothing changed */
    ln_net_fstate_compute(f);
    assert_string_equal(write_text(f, 0), "");
    /* cut ISL 0-1 */
    uint8_t cut[4] = {1, 0, 0, 0};
    ln_net_fail fl = {NULL, NULL, cut};
    assert_int_equal(ln_net_update(n, SX, SY, SZ, &fl), 0);
    ln_net_fstate_compute(f);
    assert_string_equal(write_text(f, 0), "0,5,3,1,1\n"
                                          "1,4,2,1,0\n"
                                          "2,4,3,1,0\n");
    const ln_net_fentry *e = ln_net_fstate_get(f, 0, 1);
    assert_int_equal(e->next, 3);
    /* S2 down as well: G1 sees nothing, S1 is cut off */
    uint8_t down[4] = {0, 0, 1, 0};
    fl.sat_down = down;
    assert_int_equal(ln_net_update(n, SX, SY, SZ, &fl), 0);
    ln_net_fstate_compute(f);
    assert_string_equal(write_text(f, 0), "0,5,-1,-1,-1\n"
                                          "1,4,-1,-1,-1\n"
                                          "1,5,-1,-1,-1\n"
                                          "2,4,-1,-1,-1\n"
                                          "2,5,-1,-1,-1\n"
                                          "3,5,-1,-1,-1\n"
                                          "4,5,-1,-1,-1\n"
                                          "5,4,-1,-1,-1\n");
    ln_net_fstate_free(f);
    ln_net_free(n);
}

static void test_isl_limit(void **state)
{
    (void)state;
    ln_net_config c = {.gsl_rule = LN_NET_GSL_RANGE, .max_gsl_km = 800.0,
                       .max_isl_km = 999.0};
    ln_net *n;
    assert_int_equal(ln_net_new(4, SQ, 4, 2, GS, &c, &n), 0);
    assert_int_equal(ln_net_update(n, SX, SY, SZ, NULL), 0);
    assert_true(isinf(ln_net_isl_km(n, 0)));
    ln_net_free(n);
    c.isl_too_long_is_error = 1;
    assert_int_equal(ln_net_new(4, SQ, 4, 2, GS, &c, &n), 0);
    assert_int_equal(ln_net_update(n, SX, SY, SZ, NULL), LN_ENET);
    assert_non_null(strstr(ln_net_errmsg(n), "0-1"));
    ln_net_free(n);
    /* bad inputs */
    ln_net_isl dup[2] = {{0, 1}, {0, 1}};
    assert_int_equal(ln_net_new(4, dup, 2, 0, NULL, &c, &n), LN_EINVAL);
    ln_net_isl rev[1] = {{1, 0}};
    assert_int_equal(ln_net_new(4, rev, 1, 0, NULL, &c, &n), LN_EINVAL);
}

static void test_fail_file(void **state)
{
    (void)state;
    char path[] = "/tmp/ln_net_failXXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("# failures\nsat 2\n\nisl 3 0  # cut\ngs 1\n", f);
    fclose(f);
    uint8_t sd[4] = {0}, gd[2] = {0}, ic[4] = {0};
    ln_diag d;
    assert_int_equal(
        ln_net_fail_read(path, 4, 2, SQ, 4, sd, gd, ic, &d), 0);
    assert_int_equal(sd[2], 1);
    assert_int_equal(gd[1], 1);
    assert_int_equal(ic[3], 1);
    assert_int_equal(ic[0], 0);
    f = fopen(path, "w");
    fputs("sat 1\nisl 0 2\n", f);
    fclose(f);
    assert_int_equal(ln_net_fail_read(path, 4, 2, SQ, 4, sd, gd, ic, &d),
                     LN_EPARSE);
    assert_int_equal(d.line, 2);
    remove(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plus_grid), cmocka_unit_test(test_gsl_rules),
        cmocka_unit_test(test_paths),     cmocka_unit_test(test_fstate),
        cmocka_unit_test(test_isl_limit), cmocka_unit_test(test_fail_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
