/*
 * test_mesh.c - the laser mesh (ln_mesh, net/mesh.c) against hand-worked
 * answers.
 *
 * The chain (ECEF km, Re = 6378.137 km, the WGS-84 equatorial radius):
 *   G0 (Re, 0, 0): a gateway on the equator at longitude 0 (up = +x)
 *   S0 (Re + 550, 6000, 0)   S1 (Re + 550, 3000, 0)   S2 (Re + 550, 0, 0)
 *   S3 (-(Re + 550), 0, 0): over the antipode
 * The satellites are one Walker plane of 4 at 60 deg (lasers: >= 53.15
 * deg), so +Grid gives the ring 0-1, 1-2, 2-3, 0-3. |S0 S1| = |S1 S2| =
 * 3000 km; 2-3 (13,856 km) and 0-3 (14,991 km) are longer than the
 * 5,016 km limit, so they are down: a chain 0-1-2 and S3 alone.
 * Elevations from G0 (mask 25 deg): S2 90 deg (GSL 550 km); S1
 * asin(550 / 3050) = 10.4 deg; S0 asin(550 / 6025) = 5.2 deg; S3 below
 * the horizon. Only S2 sees the gateway, so
 *   S2: 0 hops, 550 km;  S1: 1 hop, 3000 + 550 = 3550 km, next S2;
 *   S0: 2 hops, 3000 + 3000 + 550 = 6550 km, next S1;  S3: no path.
 * The positions are given by hand (the mesh takes any ECEF positions);
 * the orbit only supplies the inclinations (lasers).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "leonet/net.h"
#include "net_test.h"

#define RE 6378.137
#define START 1665273600.0 /* 2022-10-09T00:00:00Z */

static const ln_shell PLANE4 = {550.0, 60.0 * LN_DEG2RAD, 1, 4, 0, 0.0};
static const double G0[3] = {RE, 0, 0};

static double X[4] = {RE + 550, RE + 550, RE + 550, -(RE + 550)};
static double Y[4] = {6000, 3000, 0, 0};
static double Z[4] = {0, 0, 0, 0};

static ln_orbit *orbit_of(const ln_shell *sh, size_t nsh)
{
    ln_elset *els;
    size_t n;
    assert_int_equal(ln_shells_to_elsets(sh, nsh, START, 1, &els, &n), 0);
    ln_orbit *o = NULL;
    assert_int_equal(ln_orbit_new(els, n, &o), 0);
    ln_free(els);
    return o;
}

/* The chain's mesh; in_service may be NULL. */
static ln_mesh *chain_mesh(ln_orbit *o, const unsigned char *in_service)
{
    ln_mesh_spec sp = {.orbit = o,
                       .in_service = in_service,
                       .shells = &PLANE4,
                       .nshells = 1,
                       .t_start_unix_s = START,
                       .nthreads = 1,
                       .gw_ecef_km = G0,
                       .ngw = 1,
                       .gw_min_elev_rad = 25.0 * LN_DEG2RAD};
    ln_mesh *m = NULL;
    ln_diag d;
    assert_int_equal(ln_mesh_new(&sp, &m, &d), 0);
    return m;
}

static void step(ln_mesh *m, const unsigned char *usable,
                 const int8_t *gw_count)
{
    ln_pv_soa pv = {X, Y, Z, NULL, NULL, NULL, NULL};
    ln_mesh_reach(m, &pv, usable, gw_count);
    ln_mesh_route(m);
}

static void test_chain(void **state)
{
    (void)state;
    ln_orbit *o = orbit_of(&PLANE4, 1);
    ln_mesh *m = chain_mesh(o, NULL);
    ln_mesh_info inf;
    ln_mesh_info_get(m, &inf);
    assert_string_equal(inf.isl_rule, "plus-grid");
    assert_int_equal(inf.nisl, 4);
    assert_int_equal(inf.nlaser, 4);
    const unsigned char all[4] = {1, 1, 1, 1};
    step(m, all, NULL);
    const ln_mesh_out *mo = ln_mesh_outputs(m);
    const unsigned char ok[4] = {1, 1, 1, 0};
    const int32_t next[4] = {1, 2, -1, -1}, gw[4] = {0, 0, 0, -1};
    const int16_t hops[4] = {2, 1, 0, -1};
    const double km[3] = {6550, 3550, 550};
    for (int s = 0; s < 4; s++) {
        assert_int_equal(mo->sat_ok[s], ok[s]);
        assert_int_equal(mo->next[s], next[s]);
        assert_int_equal(mo->gw[s], gw[s]);
        assert_int_equal(mo->hops[s], hops[s]);
    }
    for (int s = 0; s < 3; s++)
        assert_double_equal(mo->km[s], km[s], 1e-9);
    assert_true(isinf(mo->km[3]));
    ln_mesh_free(m);
    ln_orbit_free(o);
}

/* S1 not usable: S0 loses its only way to the gateway. */
static void test_broken_chain(void **state)
{
    (void)state;
    ln_orbit *o = orbit_of(&PLANE4, 1);
    ln_mesh *m = chain_mesh(o, NULL);
    const unsigned char usable[4] = {1, 0, 1, 1};
    step(m, usable, NULL);
    const ln_mesh_out *mo = ln_mesh_outputs(m);
    const unsigned char ok[4] = {0, 0, 1, 0};
    for (int s = 0; s < 4; s++)
        assert_int_equal(mo->sat_ok[s], ok[s]);
    assert_int_equal(mo->gw[0], -1);
    assert_int_equal(mo->hops[0], -1);
    assert_int_equal(mo->next[0], -1);
    assert_true(isinf(mo->km[0]));
    assert_int_equal(mo->gw[1], -1);
    assert_int_equal(mo->hops[2], 0);
    assert_double_equal(mo->km[2], 550, 1e-9);
    /* usable again: the chain is back (nothing kept from the last step) */
    const unsigned char all[4] = {1, 1, 1, 1};
    step(m, all, NULL);
    assert_int_equal(mo->hops[0], 2);
    assert_double_equal(mo->km[0], 6550, 1e-9);
    ln_mesh_free(m);
    ln_orbit_free(o);
}

/* The caller's gateway lists (link's test): a usable satellite that sees
 * a gateway there reaches one (bent pipe) though the mesh has no path for
 * it; an unusable one does not. */
static void test_bent_pipe_flags(void **state)
{
    (void)state;
    ln_orbit *o = orbit_of(&PLANE4, 1);
    ln_mesh *m = chain_mesh(o, NULL);
    const unsigned char all[4] = {1, 1, 1, 1};
    const int8_t cnt[4] = {0, 0, 0, 1};
    step(m, all, cnt);
    const ln_mesh_out *mo = ln_mesh_outputs(m);
    assert_int_equal(mo->sat_ok[3], 1);
    assert_int_equal(mo->gw[3], -1);
    assert_int_equal(mo->hops[3], -1);
    assert_true(isinf(mo->km[3]));
    const unsigned char no3[4] = {1, 1, 1, 0};
    step(m, no3, cnt);
    assert_int_equal(mo->sat_ok[3], 0);
    assert_int_equal(mo->sat_ok[0], 1);
    ln_mesh_free(m);
    ln_orbit_free(o);
}

/* Who carries lasers: in service and inclined at least 53.15 deg. */
static void test_lasers(void **state)
{
    (void)state;
    ln_orbit *o = orbit_of(&PLANE4, 1);
    /* S3 out of service: its links 2-3 and 0-3 are not in the list */
    const unsigned char svc[4] = {1, 1, 1, 0};
    ln_mesh *m = chain_mesh(o, svc);
    ln_mesh_info inf;
    ln_mesh_info_get(m, &inf);
    assert_int_equal(inf.nlaser, 3);
    assert_int_equal(inf.nisl, 2);
    ln_mesh_free(m);
    ln_orbit_free(o);
    /* a 53.0 deg shell (v1.0 satellites): no lasers, no ISLs */
    const ln_shell v10 = {550.0, 53.0 * LN_DEG2RAD, 1, 4, 0, 0.0};
    o = orbit_of(&v10, 1);
    ln_mesh_spec sp = {.orbit = o, .shells = &v10, .nshells = 1,
                       .gw_ecef_km = G0, .ngw = 1,
                       .gw_min_elev_rad = 25.0 * LN_DEG2RAD};
    ln_diag d;
    assert_int_equal(ln_mesh_new(&sp, &m, &d), 0);
    ln_mesh_info_get(m, &inf);
    assert_int_equal(inf.nlaser, 0);
    assert_int_equal(inf.nisl, 0);
    ln_mesh_free(m);
    ln_orbit_free(o);
}

/* ISLs rebuilt from the orbits give +Grid's count: 2 planes of 12 are
 * two in-plane rings (24) and one link per satellite of plane 0 to the
 * nearest of plane 1 (12; two planes are linked once): 36, as +Grid from
 * the shell. */
static void test_from_orbits(void **state)
{
    (void)state;
    const ln_shell sh = {550.0, 60.0 * LN_DEG2RAD, 2, 12, 0, 0.0};
    ln_orbit *o = orbit_of(&sh, 1);
    ln_mesh_spec sp = {.orbit = o, .t_start_unix_s = START, .nthreads = 1,
                       .gw_ecef_km = G0, .ngw = 1,
                       .gw_min_elev_rad = 25.0 * LN_DEG2RAD};
    ln_mesh *m = NULL;
    ln_diag d;
    assert_int_equal(ln_mesh_new(&sp, &m, &d), 0);
    ln_mesh_info inf;
    ln_mesh_info_get(m, &inf);
    assert_string_equal(inf.isl_rule, "plus-grid-from-orbits");
    assert_int_equal(inf.nlaser, 24);
    assert_int_equal(inf.nisl, 36);
    ln_mesh_free(m);
    sp.shells = &sh;
    sp.nshells = 1;
    assert_int_equal(ln_mesh_new(&sp, &m, &d), 0);
    ln_mesh_info_get(m, &inf);
    assert_string_equal(inf.isl_rule, "plus-grid");
    assert_int_equal(inf.nisl, 36);
    ln_mesh_free(m);
    ln_orbit_free(o);
}

/* Out of memory at every allocation of ln_mesh_new: LN_ENOMEM, nothing
 * leaked (ASan), then success. */
static void test_nomem(void **state)
{
    (void)state;
    ln_orbit *o = orbit_of(&PLANE4, 1);
    ln_mesh_spec sp = {.orbit = o, .t_start_unix_s = START, .nthreads = 1,
                       .gw_ecef_km = G0, .ngw = 1,
                       .gw_min_elev_rad = 25.0 * LN_DEG2RAD};
    int rc = LN_ENOMEM;
    long k;
    for (k = 1; k < 1000 && rc == LN_ENOMEM; k++) {
        ln_mesh *m = NULL;
        ln_diag d;
        ln_alloc_fail_after(k);
        rc = ln_mesh_new(&sp, &m, &d);
        ln_alloc_fail_after(0);
        if (rc == 0)
            ln_mesh_free(m);
        else
            assert_null(m);
    }
    assert_int_equal(rc, 0);
    assert_true(k > 5);
    ln_orbit_free(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chain),       cmocka_unit_test(test_broken_chain),
        cmocka_unit_test(test_bent_pipe_flags),
        cmocka_unit_test(test_lasers),      cmocka_unit_test(test_from_orbits),
        cmocka_unit_test(test_nomem),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
