/*
 * test_invoice.c - a month's invoice, worked by hand.
 *
 * Plan: $99.50 a terminal and month, 100 GB included a terminal, $2.25
 * a GB beyond. Three terminals used 150, 40 and 130 GB in the month
 * (1 GB = 1e9 bytes):
 *  - service fee: 3 x 99.50 = $298.50;
 *  - per terminal: (150 - 100) + 0 + (130 - 100) = 80 GB beyond,
 *    80 x 2.25 = $180.00; total $478.50;
 *  - pooled: 150 + 40 + 130 = 320 GB against 3 x 100 = 300 GB: 20 GB
 *    beyond, 20 x 2.25 = $45.00; total $343.50.
 * All three under their volume (90, 40, 10 GB): per terminal and pooled
 * $0 overage, total $298.50.
 * One terminal at 100.004 GB: 0.004 GB x 2.25 = $0.009 -> $0.01; total
 * $99.51.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "leonet/meter.h"

#define GB 1000000000ull

static ln_plan plan(int overage)
{
    ln_plan p;
    memset(&p, 0, sizeof p);
    strcpy(p.id, "test");
    p.hardware_usd = 599;
    p.amortize_years = 3;
    p.monthly_usd = 99.50;
    p.included_gb = 100;
    p.usd_per_gb = 2.25;
    p.overage = overage;
    return p;
}

static void near(double want, double got, const char *what)
{
    if (fabs(want - got) > 1e-9)
        fail_msg("%s: want %.10g, got %.10g", what, want, got);
}

static void test_three_terminals_per_terminal(void **state)
{
    (void)state;
    ln_plan p = plan(LN_OVERAGE_PER_TERMINAL);
    uint64_t b[3] = {150 * GB, 40 * GB, 130 * GB};
    ln_invoice iv;
    assert_int_equal(ln_meter_invoice(&p, b, 3, &iv), 0);
    assert_int_equal(iv.nterm, 3);
    near(320, iv.gb, "gb");
    near(300, iv.included_gb, "included_gb");
    near(80, iv.over_gb, "over_gb");
    near(298.50, iv.service_usd, "service_usd");
    near(180.00, iv.overage_usd, "overage_usd");
    near(478.50, iv.total_usd, "total_usd");
}

static void test_three_terminals_pooled(void **state)
{
    (void)state;
    ln_plan p = plan(LN_OVERAGE_POOLED);
    uint64_t b[3] = {150 * GB, 40 * GB, 130 * GB};
    ln_invoice iv;
    assert_int_equal(ln_meter_invoice(&p, b, 3, &iv), 0);
    near(20, iv.over_gb, "over_gb");
    near(298.50, iv.service_usd, "service_usd");
    near(45.00, iv.overage_usd, "overage_usd");
    near(343.50, iv.total_usd, "total_usd");
}

static void test_under_the_volume(void **state)
{
    (void)state;
    uint64_t b[3] = {90 * GB, 40 * GB, 10 * GB};
    for (int mode = 0; mode < 2; mode++) {
        ln_plan p = plan(mode);
        ln_invoice iv;
        assert_int_equal(ln_meter_invoice(&p, b, 3, &iv), 0);
        near(0, iv.over_gb, "over_gb");
        near(0, iv.overage_usd, "overage_usd");
        near(298.50, iv.total_usd, "total_usd");
    }
}

static void test_cents(void **state)
{
    (void)state;
    ln_plan p = plan(LN_OVERAGE_PER_TERMINAL);
    uint64_t b[1] = {100004000000ull};
    ln_invoice iv;
    assert_int_equal(ln_meter_invoice(&p, b, 1, &iv), 0);
    near(0.01, iv.overage_usd, "overage_usd");
    near(99.51, iv.total_usd, "total_usd");
    near(12.35, ln_meter_round_cents(12.345001), "round up");
    near(-0.5, ln_meter_round_cents(-0.499999), "negative");
}

static void test_no_terminals_and_bad_input(void **state)
{
    (void)state;
    ln_plan p = plan(LN_OVERAGE_POOLED);
    ln_invoice iv;
    assert_int_equal(ln_meter_invoice(&p, NULL, 0, &iv), 0);
    near(0, iv.total_usd, "total of none");
    assert_int_equal(iv.nterm, 0);
    uint64_t b[1] = {1};
    assert_int_equal(ln_meter_invoice(NULL, b, 1, &iv), LN_EINVAL);
    assert_int_equal(ln_meter_invoice(&p, NULL, 1, &iv), LN_EINVAL);
    assert_int_equal(ln_meter_invoice(&p, b, 1, NULL), LN_EINVAL);
    p.usd_per_gb = -1;
    assert_int_equal(ln_meter_invoice(&p, b, 1, &iv), LN_EINVAL);
    p.usd_per_gb = NAN;
    assert_int_equal(ln_meter_invoice(&p, b, 1, &iv), LN_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_three_terminals_per_terminal),
        cmocka_unit_test(test_three_terminals_pooled),
        cmocka_unit_test(test_under_the_volume),
        cmocka_unit_test(test_cents),
        cmocka_unit_test(test_no_terminals_and_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
