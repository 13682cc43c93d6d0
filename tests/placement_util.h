/*
 * placement_util.h - helpers of the placement tests (tests/link and
 * tests/sim test_placement.c): a lon/lat box as a geo shape, and a count
 * checked against a binomial share. Include after <cmocka.h>.
 */
#ifndef LN_PLACEMENT_UTIL_H
#define LN_PLACEMENT_UTIL_H

#include <math.h>

#include "leonet/geofence.h"

/* A box from (la0, lo0) to (la1, lo1) (deg) as a shape. */
static inline ln_geo_shape *box_shape(double la0, double lo0, double la1,
                                      double lo1)
{
    double c[10] = {lo0, la0, lo1, la0, lo1, la1, lo0, la1, lo0, la0};
    ln_geo_ring r = {c, 5};
    ln_geo_polygon p = {&r, 1};
    ln_geo_shape *s = NULL;
    ln_diag d;
    assert_int_equal(ln_geo_shape_new(&p, 1, 0, &s, &d), 0);
    return s;
}

/* |k - n p| within 4 binomial standard deviations. */
static inline void assert_share(long k, long n, double p)
{
    double sd = sqrt(n * p * (1 - p));
    if (fabs(k - n * p) > 4 * sd)
        fail_msg("%ld of %ld, expected %.1f +- %.1f (4 sd)", k, n, n * p,
                 4 * sd);
}

#endif
