/*
 * test_cell_zone.c - a zone made of cells (ln_zoneset_add_cells_file):
 * Starlink's 297 denied resolution-5 cells loaded as a deny zone must
 * deny at every cell's centre and at points just inside its outline, and
 * allow at the centres of the neighbouring cells not in the list.
 * (Linked with leonet_policy by tests/geo/cell.cmake.)
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "leonet/cell.h"
#include "leonet/zone.h"

#define STARLINK LN_TEST_DATA "/geo/starlink_blacklisted_cells_h3r5.txt"

static int in_list(const ln_cell *c, size_t n, ln_cell x)
{
    for (size_t i = 0; i < n; i++)
        if (c[i] == x)
            return 1;
    return 0;
}

static void starlink_zone(void **state)
{
    (void)state;
    ln_zoneset *zs;
    ln_diag d;
    ln_diag_clear(&d);
    assert_int_equal(ln_zoneset_new(LN_ZONE_ALLOW, &zs), 0);
    assert_int_equal(ln_zoneset_add_cells_file(zs, STARLINK, "starlink",
                                               "Starlink denied cells",
                                               LN_ZONE_DENY, 10, -INFINITY,
                                               INFINITY, &d),
                     0);
    assert_int_equal(ln_zoneset_count(zs), 1);
    ln_cell *cells;
    size_t n;
    assert_int_equal(ln_cell_read_file(STARLINK, &cells, &n, &d), 0);
    long inside = 0, outside = 0;
    for (size_t i = 0; i < n; i++) {
        double la, lo;
        ln_cell_center(cells[i], &la, &lo);
        ln_zone_decision z = ln_zoneset_decide(zs, la, lo, 0);
        assert_int_equal(z.action, LN_ZONE_DENY);
        inside++;
        /* 99 % of the way from the centre to each vertex: still inside */
        ln_cell_boundary b;
        ln_cell_boundary_of(cells[i], &b);
        for (int k = 0; k < b.n; k++) {
            z = ln_zoneset_decide(zs, la + 0.99 * (b.lat_rad[k] - la),
                                  lo + 0.99 * (b.lon_rad[k] - lo), 0);
            assert_int_equal(z.action, LN_ZONE_DENY);
            inside++;
        }
        ln_cell nb[6];
        int nn;
        ln_cell_neighbors(cells[i], nb, &nn);
        for (int k = 0; k < nn; k++) {
            if (in_list(cells, n, nb[k]))
                continue;
            ln_cell_center(nb[k], &la, &lo);
            z = ln_zoneset_decide(zs, la, lo, 0);
            assert_int_equal(z.action, LN_ZONE_ALLOW);
            outside++;
        }
    }
    assert_true(outside > 100);
    ln_free(cells);
    ln_zoneset_free(zs);
    /* errors: a bad file, an empty list */
    assert_int_equal(ln_zoneset_new(LN_ZONE_ALLOW, &zs), 0);
    assert_int_equal(ln_zoneset_add_cells_file(zs, "/nonexistent", NULL,
                                               NULL, LN_ZONE_DENY, 0,
                                               -INFINITY, INFINITY, &d),
                     LN_EIO);
    assert_int_equal(ln_zoneset_add_cells(zs, "empty", NULL, LN_ZONE_DENY,
                                          0, -INFINITY, INFINITY, NULL, 0,
                                          &d),
                     LN_EZONE);
    ln_zoneset_free(zs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(starlink_zone)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
