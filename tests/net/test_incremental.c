/*
 * test_incremental.c - the incremental forwarding state (reuse of the
 * previous step's shortest-path trees) against the from-scratch
 * computation (one full Dijkstra per destination), step by step:
 *   1. a 36 x 18 Walker shell at 550 km (SGP4 positions) with Hypatia's
 *      100 cities, 200 steps of 100 ms and 60 steps of 10 s, with
 *      satellites, ISLs and ground stations failing and coming back: at
 *      every step every distance is bit-identical, every forwarding entry
 *      equal, and the diff text written is byte-identical;
 *   2. exact ties (a symmetric square): the incremental method must see
 *      them and fall back to Dijkstra's tie rule;
 *   3. ln_hyp_run_opt end to end: the fstate files of both methods are
 *      byte-identical (diff -r);
 *   4. the GSL lists, kept through candidate lists between rebuilds,
 *      against a brute-force test of every satellite-station pair.
 * The from-scratch method is itself checked against the networkx oracle
 * (test_hypatia.c) and hand-computed paths (test_graph.c).
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

#include "leonet/net.h"

/* Reads what ln_net_fstate_write writes into a malloc'd string. */
static char *write_text(ln_net_fstate *f, int full, long *lines)
{
    FILE *t = tmpfile();
    assert_non_null(t);
    *lines = ln_net_fstate_write(f, t, full);
    assert_true(*lines >= 0);
    long len = ftell(t);
    rewind(t);
    char *buf = malloc((size_t)len + 1);
    assert_non_null(buf);
    size_t k = fread(buf, 1, (size_t)len, t);
    buf[k] = '\0';
    fclose(t);
    return buf;
}

/* Compares the two states of one step completely. */
static void compare_step(const ln_net *net, ln_net_fstate *inc,
                         ln_net_fstate *ref, long step)
{
    size_t nsat = ln_net_nsat(net), ngs = ln_net_ngs(net);
    for (size_t g = 0; g < ngs; g++) {
        const double *a = ln_net_fstate_dist(inc, (int32_t)g);
        const double *b = ln_net_fstate_dist(ref, (int32_t)g);
        assert_non_null(a);
        assert_non_null(b);
        for (size_t s = 0; s < nsat; s++)
            if (memcmp(&a[s], &b[s], sizeof a[s]) != 0)
                fail_msg("step %ld: distance of sat %zu to gs %zu: "
                         "incremental %.17g, from scratch %.17g",
                         step, s, g, a[s], b[s]);
    }
    for (size_t v = 0; v < nsat + ngs; v++)
        for (size_t g = 0; g < ngs; g++) {
            const ln_net_fentry *a = ln_net_fstate_get(inc, (int32_t)v,
                                                       (int32_t)g);
            const ln_net_fentry *b = ln_net_fstate_get(ref, (int32_t)v,
                                                       (int32_t)g);
            assert_true((a == NULL) == (b == NULL));
            if (a && (a->next != b->next || a->my_if != b->my_if ||
                      a->next_if != b->next_if))
                fail_msg("step %ld: entry (%zu, gs %zu): incremental "
                         "%d,%d,%d, from scratch %d,%d,%d",
                         step, v, g, a->next, a->my_if, a->next_if, b->next,
                         b->my_if, b->next_if);
        }
    long la, lb;
    char *ta = write_text(inc, 0, &la);
    char *tb = write_text(ref, 0, &lb);
    assert_int_equal(la, lb);
    assert_string_equal(ta, tb);
    free(ta);
    free(tb);
}

typedef struct shell_case {
    ln_net *net;
    ln_orbit *o;
    ln_elset *els;
    size_t nsat, nisl, ngs;
    ln_net_isl *isls;
    double *buf;
    int *err;
    ln_pv_soa pv;
} shell_case;

static void shell_setup(shell_case *c)
{
    memset(c, 0, sizeof *c);
    ln_shell sh = {550.0, 53.0 * LN_DEG2RAD, 36, 18, 17, 0.0};
    double epoch = ln_time_from_utc(2000, 1, 1, 0, 0, 0);
    assert_int_equal(ln_shells_to_elsets(&sh, 1, epoch, 1, &c->els,
                                         &c->nsat), 0);
    ln_net_grid grid = {0, 36, 18, 1, 0};
    assert_int_equal(ln_net_plus_grid(&grid, 1, &c->isls, &c->nisl), 0);
    ln_hyp_gs *gs;
    ln_diag d;
    assert_int_equal(ln_hyp_read_gs_file(LN_PROJECT_DATA
                                         "/net/ground_stations_top_100.txt",
                                         &gs, &c->ngs, &d), 0);
    double *xyz = malloc(3 * c->ngs * sizeof *xyz);
    assert_non_null(xyz);
    for (size_t g = 0; g < c->ngs; g++)
        ln_hyp_gs_ecef_km(&gs[g], &xyz[3 * g]);
    ln_free(gs);
    /* a wide GSL range so that the sparse shell leaves few gaps */
    ln_net_config cfg = {.gsl_rule = LN_NET_GSL_RANGE, .max_gsl_km = 1800.0,
                         .max_isl_km = 5016.6};
    assert_int_equal(ln_net_new(c->nsat, c->isls, c->nisl, c->ngs, xyz, &cfg,
                                &c->net), 0);
    free(xyz);
    assert_int_equal(ln_orbit_new(c->els, c->nsat, &c->o), 0);
    c->buf = malloc(6 * c->nsat * sizeof *c->buf);
    c->err = malloc(c->nsat * sizeof *c->err);
    assert_non_null(c->buf);
    assert_non_null(c->err);
    ln_pv_soa pv = {c->buf,
                    c->buf + c->nsat,
                    c->buf + 2 * c->nsat,
                    c->buf + 3 * c->nsat,
                    c->buf + 4 * c->nsat,
                    c->buf + 5 * c->nsat,
                    c->err};
    c->pv = pv;
}

static void shell_teardown(shell_case *c)
{
    ln_net_free(c->net);
    ln_orbit_free(c->o);
    ln_free(c->els);
    ln_free(c->isls);
    free(c->buf);
    free(c->err);
}

/* Failures of step k (deterministic): a satellite down for a while, a
 * block of ISLs cut, a ground station down, a burst of 30 satellites down
 * for one step, all coming back. */
static void failures(long k, const shell_case *c, uint8_t *sat_down,
                     uint8_t *gs_down, uint8_t *cut)
{
    memset(sat_down, 0, c->nsat);
    memset(gs_down, 0, c->ngs);
    memset(cut, 0, c->nisl);
    if (k >= 20 && k < 40)
        sat_down[100] = sat_down[101] = 1;
    if (k >= 50 && k < 80)
        for (size_t i = 0; i < c->nisl; i += 7)
            cut[i] = 1;
    if (k >= 60 && k < 70)
        gs_down[5] = gs_down[17] = 1;
    if (k == 90)
        for (size_t s = 3; s < c->nsat; s += c->nsat / 30)
            sat_down[s] = 1;
}

static void run_case(double step_s, long nsteps, int threads)
{
    shell_case c;
    shell_setup(&c);
    ln_net_fstate *inc, *ref;
    assert_int_equal(ln_net_fstate_new(c.net, threads, &inc), 0);
    assert_int_equal(ln_net_fstate_new(c.net, 1, &ref), 0);
    ln_net_fstate_set_incremental(ref, 0);
    uint8_t *sd = malloc(c.nsat), *gd = malloc(c.ngs), *cut = malloc(c.nisl);
    assert_true(sd && gd && cut);
    ln_net_fail fail = {sd, gd, cut};
    double t0 = c.els[0].epoch_unix_s;
    for (long k = 0; k < nsteps; k++) {
        ln_orbit_propagate(c.o, t0 + (double)k * step_s, &c.pv, 1);
        ln_teme_to_ecef_soa(t0 + (double)k * step_s, &c.pv, c.nsat);
        failures(k, &c, sd, gd, cut);
        assert_int_equal(ln_net_update(c.net, c.pv.x, c.pv.y, c.pv.z, &fail),
                         0);
        ln_net_fstate_compute(inc);
        ln_net_fstate_compute(ref);
        compare_step(c.net, inc, ref, k);
    }
    ln_net_fstate_counts ci, cr;
    ln_net_fstate_counts_get(inc, &ci);
    ln_net_fstate_counts_get(ref, &cr);
    printf("# step %.1f s x %ld: %ld verified, %ld repaired, %ld tied, "
           "%ld full\n",
           step_s, nsteps, ci.verified, ci.repaired, ci.tied, ci.full);
    assert_int_equal(cr.full, nsteps * (long)c.ngs);
    assert_int_equal(ci.full, (long)c.ngs); /* only the first step */
    assert_int_equal(ci.verified + ci.repaired + ci.tied + ci.full,
                     nsteps * (long)c.ngs);
    assert_true(ci.verified > 0);
    assert_true(ci.repaired > 0); /* the failures force repairs */
    ln_net_fstate_free(inc);
    ln_net_fstate_free(ref);
    free(sd);
    free(gd);
    free(cut);
    shell_teardown(&c);
}

static void test_shell_100ms(void **state)
{
    (void)state;
    run_case(0.1, 200, 1);
}

static void test_shell_10s_threads(void **state)
{
    (void)state;
    run_case(10.0, 60, 2);
}

/* The square of test_graph.c: S0..S3 with 1000 km ISLs 0-1, 1-2, 2-3, 0-3;
 * G0 sees S0 (600 km), G1 sees S2 (700 km). Towards G1, S0 has two
 * routes of exactly 2700 km (via S1 and via S3): an exact tie, which
 * Dijkstra breaks by the exit index and satgenpy's loop by interface
 * order (S1 first). Moving S1 inwards breaks the tie, moving it back
 * restores it. */
static void test_ties(void **state)
{
    (void)state;
    double x[4] = {0, 1000, 1000, 0}, y[4] = {0, 0, 1000, 1000};
    double z[4] = {7000, 7000, 7000, 7000};
    const ln_net_isl sq[4] = {{0, 1}, {1, 2}, {2, 3}, {0, 3}};
    const double gs[6] = {0, 0, 6400, 1000, 1000, 6300};
    ln_net_config cfg = {.gsl_rule = LN_NET_GSL_RANGE, .max_gsl_km = 800.0};
    ln_net *n = NULL;
    assert_int_equal(ln_net_new(4, sq, 4, 2, gs, &cfg, &n), 0);
    ln_net_fstate *inc, *ref;
    assert_int_equal(ln_net_fstate_new(n, 1, &inc), 0);
    assert_int_equal(ln_net_fstate_new(n, 1, &ref), 0);
    ln_net_fstate_set_incremental(ref, 0);
    const double x1[5] = {1000, 990, 1000, 1010, 1000};
    for (long k = 0; k < 5; k++) {
        x[1] = x1[k];
        assert_int_equal(ln_net_update(n, x, y, z, NULL), 0);
        ln_net_fstate_compute(inc);
        ln_net_fstate_compute(ref);
        compare_step(n, inc, ref, k);
        /* S0 towards G1 (node 5): via S1 (interface 0) unless S1 moved
           out (k = 3: S1 farther, S3 wins) */
        const ln_net_fentry *e = ln_net_fstate_get(inc, 0, 1);
        assert_int_equal(e->next, k == 3 ? 3 : 1);
    }
    ln_net_fstate_counts ci;
    ln_net_fstate_counts_get(inc, &ci);
    assert_true(ci.tied >= 2); /* steps 2 and 4 (k = 2, 4) */
    ln_net_fstate_free(inc);
    ln_net_fstate_free(ref);
    ln_net_free(n);
}

static void test_hyp_files(void **state)
{
    (void)state;
    char dir[] = "/tmp/ln_hypincXXXXXX";
    assert_non_null(mkdtemp(dir));
    ln_hyp_state st;
    memset(&st, 0, sizeof st);
    ln_shell sh = {550.0, 53.0 * LN_DEG2RAD, 24, 12, 12, 0.0};
    double epoch = ln_time_from_utc(2000, 1, 1, 0, 0, 0);
    assert_int_equal(ln_shells_to_elsets(&sh, 1, epoch, 1, &st.els, &st.nsat),
                     0);
    st.n_orbits = 24;
    st.n_sats_per_orbit = 12;
    ln_net_grid g = {0, 24, 12, 1, 0};
    assert_int_equal(ln_net_plus_grid(&g, 1, &st.isls, &st.nisl), 0);
    ln_diag d;
    assert_int_equal(ln_hyp_read_gs_file(LN_PROJECT_DATA
                                         "/net/ground_stations_top_100.txt",
                                         &st.gs, &st.ngs, &d), 0);
    st.gsl_nif = ln_malloc((st.nsat + st.ngs) * sizeof *st.gsl_nif);
    st.gsl_bw = ln_malloc((st.nsat + st.ngs) * sizeof *st.gsl_bw);
    assert_non_null(st.gsl_nif);
    assert_non_null(st.gsl_bw);
    for (size_t i = 0; i < st.nsat + st.ngs; i++) {
        st.gsl_nif[i] = 1;
        st.gsl_bw[i] = 1.0;
    }
    st.max_gsl_m = 2000000.0;
    st.max_isl_m = 5016591.2330984268;
    char a[256], b[256], cmd[600];
    snprintf(a, sizeof a, "%s/inc", dir);
    snprintf(b, sizeof b, "%s/full", dir);
    snprintf(cmd, sizeof cmd, "mkdir -p %s %s", a, b);
    assert_int_equal(system(cmd), 0);
    ln_hyp_stats sa, sb;
    ln_hyp_opts full = {.full_dijkstra = 1};
    assert_int_equal(ln_hyp_run_opt(&st, 30, 500, 1, a, NULL, NULL, &sa, &d),
                     0);
    assert_int_equal(ln_hyp_run_opt(&st, 30, 500, 1, b, NULL, &full, &sb, &d),
                     0);
    assert_int_equal(sa.steps, 60);
    assert_int_equal(sa.lines, sb.lines);
    assert_int_equal(sb.counts.full, 60 * 100);
    assert_int_equal(sa.counts.full, 100);
    snprintf(cmd, sizeof cmd, "diff -r -q %s %s", a, b);
    assert_int_equal(system(cmd), 0);
    ln_hyp_free(&st);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

/* The GSL lists (range rule; kept through candidate lists that are
 * rebuilt only after the satellites moved ~100 km) against a brute-force
 * test of every pair at every step: 300 steps of 1 s (2,300 km of motion,
 * many rebuilds), station 0 moved 500 km now and then, satellites
 * failing. */
static void test_gsl_candidates(void **state)
{
    (void)state;
    shell_case c;
    shell_setup(&c);
    const double maxg = 1800.0, maxg2 = maxg * maxg; /* shell_setup's */
    ln_hyp_gs *gs;
    size_t ngs;
    ln_diag d;
    assert_int_equal(ln_hyp_read_gs_file(LN_PROJECT_DATA
                                         "/net/ground_stations_top_100.txt",
                                         &gs, &ngs, &d), 0);
    assert_int_equal(ngs, c.ngs);
    double *xyz = malloc(3 * ngs * sizeof *xyz), home[3];
    uint8_t *sd = calloc(c.nsat, 1);
    assert_non_null(xyz);
    assert_non_null(sd);
    for (size_t g = 0; g < ngs; g++)
        ln_hyp_gs_ecef_km(&gs[g], &xyz[3 * g]);
    ln_free(gs);
    memcpy(home, xyz, sizeof home);
    ln_net_fail fail = {sd, NULL, NULL};
    double t0 = c.els[0].epoch_unix_s;
    long links = 0;
    for (long k = 0; k < 300; k++) {
        ln_orbit_propagate(c.o, t0 + (double)k, &c.pv, 1);
        ln_teme_to_ecef_soa(t0 + (double)k, &c.pv, c.nsat);
        memset(sd, 0, c.nsat);
        if (k % 50 == 7)
            for (size_t s = 0; s < c.nsat; s += 13)
                sd[s] = 1;
        if (k % 40 == 3) { /* station 0: 500 km east, or back home */
            double ang = k % 80 == 3 ? 500.0 / 6378.0 : 0.0;
            xyz[0] = home[0] * cos(ang) - home[1] * sin(ang);
            xyz[1] = home[0] * sin(ang) + home[1] * cos(ang);
            ln_net_set_gs(c.net, 0, xyz);
        }
        assert_int_equal(ln_net_update(c.net, c.pv.x, c.pv.y, c.pv.z, &fail),
                         0);
        for (size_t g = 0; g < ngs; g++) {
            const int32_t *ss;
            const double *km;
            size_t m = ln_net_gsl(c.net, g, &ss, &km), j = 0;
            const double *r = &xyz[3 * g];
            for (size_t s = 0; s < c.nsat; s++) {
                double dx = c.pv.x[s] - r[0], dy = c.pv.y[s] - r[1],
                       dz = c.pv.z[s] - r[2];
                double d2 = dx * dx + dy * dy + dz * dz;
                if (sd[s] || !(d2 <= maxg2) || !(sqrt(d2) <= maxg))
                    continue;
                if (j >= m || ss[j] != (int32_t)s || km[j] != sqrt(d2))
                    fail_msg("step %ld station %zu: satellite %zu (%.6f km) "
                             "missing or different",
                             k, g, s, sqrt(d2));
                j++;
            }
            assert_int_equal(j, m);
            links += (long)m;
        }
    }
    assert_true(links > 300 * 100); /* the stations do see satellites */
    free(xyz);
    free(sd);
    shell_teardown(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shell_100ms),
        cmocka_unit_test(test_shell_10s_threads),
        cmocka_unit_test(test_ties),
        cmocka_unit_test(test_hyp_files),
        cmocka_unit_test(test_gsl_candidates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
