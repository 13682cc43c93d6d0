/*
 * net_test.h - shared by the network tests: a tolerance assertion and the
 * hand-checkable square of test_graph.c / test_failures.c (four
 * satellites at 7,000 km on a 1,000 km square, one ground station under
 * corner 0 and one under corner 2). sx1 moves corner 1 (990 instead of
 * 1000 breaks the tie between the two sides of the square).
 */
#ifndef LN_NET_TEST_H
#define LN_NET_TEST_H

#include <math.h>

#include "leonet/net.h"

/* |got - want| <= tol, printing both on failure */
#define assert_double_equal(got, want, tol)                                \
    do {                                                                   \
        double g_ = (got), w_ = (want);                                    \
        if (!(fabs(g_ - w_) <= (tol)))                                     \
            fail_msg("%s = %.17g, want %.17g (tol %g)", #got, g_, w_,      \
                     (double)(tol));                                       \
    } while (0)

static const double SY[4] = {0, 0, 1000, 1000};
static const double SZ[4] = {7000, 7000, 7000, 7000};
static const ln_net_isl SQ[4] = {{0, 1}, {1, 2}, {2, 3}, {0, 3}};
static const double GS[6] = {0, 0, 6400, 1000, 1000, 6300};

/* The square network (GSL range 800 km), not yet updated. */
static inline ln_net *square_net(void)
{
    ln_net_config c = {.gsl_rule = LN_NET_GSL_RANGE, .max_gsl_km = 800.0};
    ln_net *n = NULL;
    assert_int_equal(ln_net_new(4, SQ, 4, 2, GS, &c, &n), 0);
    return n;
}

#endif
