/*
 * test_fence_tuning.c - ln_geo_set_cells_per_edge (the LN_GEOFENCE_CPE
 * knob): it changes the grid, never the answers.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "leonet/geofence.h"

#define NV 10000 /* vertices: enough edges that the grid size follows k
                    (below 262144 / 64 edges the floor of the grid wins) */

/* A 10,000-gon around (30 E, 50 N), radius 2 deg. */
static ln_geo_shape *circle(void)
{
    static double ll[2 * NV];
    for (int i = 0; i < NV; i++) {
        double a = 2.0 * M_PI * i / NV;
        ll[2 * i] = 30.0 + 2.0 * cos(a);
        ll[2 * i + 1] = 50.0 + 2.0 * sin(a);
    }
    ln_geo_ring r = {ll, NV};
    ln_geo_polygon p = {&r, 1};
    ln_geo_shape *s = NULL;
    assert_int_equal(ln_geo_shape_new(&p, 1, 0, &s, NULL), 0);
    return s;
}

static void test_cells_per_edge(void **state)
{
    (void)state;
    ln_geo_index_stats st64, st1, st0;
    ln_geo_shape *def = circle();
    ln_geo_shape_stats(def, &st64);
    ln_geo_set_cells_per_edge(1.0);
    ln_geo_shape *one = circle();
    ln_geo_shape_stats(one, &st1);
    ln_geo_set_cells_per_edge(0.0); /* out of range: back to 64 */
    ln_geo_shape *zero = circle();
    ln_geo_shape_stats(zero, &st0);
    /* 64 x 10,000 edges = 640,000 fine cells wanted, against the floor of
     * 262,144 for k = 1 */
    assert_true(st64.fine_cells > st1.fine_cells);
    assert_true(st0.fine_cells == st64.fine_cells);
    /* the same answers on a 0.01 deg lattice over the box, centre inside,
     * far points outside */
    for (double lon = 27.5; lon <= 32.5; lon += 0.01)
        for (double lat = 47.5; lat <= 52.5; lat += 0.05)
            assert_int_equal(ln_geo_shape_contains_deg(def, lat, lon),
                             ln_geo_shape_contains_deg(one, lat, lon));
    assert_int_equal(ln_geo_shape_contains_deg(one, 50.0, 30.0), 1);
    assert_int_equal(ln_geo_shape_contains_deg(one, 52.5, 32.5), 0);
    ln_geo_shape_free(def);
    ln_geo_shape_free(one);
    ln_geo_shape_free(zero);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cells_per_edge),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
