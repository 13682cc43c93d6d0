/*
 * test_usage.c - the usage accumulator (ln_usage), against numbers worked
 * by hand.
 *
 * Plan: $600 kit over 2 years, $50 a month, 50 GB included a month, $2 a
 * GB beyond. Terminals 0 and 2 are account 0's, terminal 1 account 1's
 * (so an account's terminals are not contiguous). A month is 2,629,800 s
 * (LN_MONTH_S), 30.4375 days: a day's GB x 30.4375 is its GB a month.
 *
 * Two days (span 172,800 s, 2 days):
 *   day 0: terminal 0 gets 1 GB then 2 GB, terminal 2 0.5 GB,
 *          terminal 1 7 GB;
 *   day 1: terminal 0 nothing, terminal 2 4 GB.
 * Account 0 bytes: day 0 3.5 GB, day 1 4 GB, 7.5 GB in all.
 * Per-terminal overage of account 0, GB a month beyond 50:
 *   day 0: terminal 0 3 x 30.4375 = 91.3125 -> 41.3125;
 *          terminal 2 0.5 x 30.4375 = 15.21875 -> 0;  sum 41.3125
 *   day 1: terminal 0 0; terminal 2 4 x 30.4375 = 121.75 -> 71.75
 *   run (x 15.21875 a GB): terminal 0 3 GB -> 45.65625 -> 0;
 *          terminal 2 4.5 GB -> 68.484375 -> 18.484375
 * Pooled (the account's mean against 2 x 50):
 *   day 0: 1.75 x 30.4375 = 53.265625 -> 2 x 3.265625 = 6.53125
 *   day 1: 2 x 30.4375 = 60.875 -> 2 x 10.875 = 21.75
 *   run:   3.75 x 15.21875 = 57.0703125 -> 2 x 7.0703125 = 14.140625
 * Fees of account 0: 2 x 600 / 2 = $600 + 2 x 50 x 12 = $1,200 a year.
 * Annual price over the run: per terminal 600 + 1200 + 18.484375 x 2 x
 * 12 = $2,243.625; pooled 600 + 1200 + 14.140625 x 24 = $2,139.375.
 *
 * A month (span LN_MONTH_S, 31 days): terminal 0 150 GB, terminal 2
 * 30 GB. Per terminal: 100 + 0 GB beyond -> $2,400 a year of traffic,
 * $4,200 in all; pooled: mean 90 GB, 2 x 40 = 80 GB -> $1,920, $3,720.
 *
 * Serving satellites (2 satellites, steps of 15 s):
 *   step 1: terminals 0 and 2 on satellite 0, 1 on satellite 1: both
 *           serve; account 0 gets 1/2 + 1/2 = 1, account 1 gets 1;
 *   step 2: terminals 0 and 1 on satellite 1, 2 denied by a zone (its
 *           satellite is not counted): one serves; accounts 1/2 each;
 *   step 3 (30 s: two steps' worth): terminal 0 alone on satellite 0:
 *           account 0 gets 2.
 *   Serving satellites: (2 + 1 + 1) / 3 calls. Account 0: 3.5
 *   satellite-steps of 15 s over 60 s = 0.875 satellites in view;
 *   account 1: 1.5 x 15 / 60 = 0.375.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "leonet/meter.h"
#include "leonet/policy.h"

#define GB 1000000000ull

static void near(double a, double b)
{
    if (!(fabs(a - b) <= 1e-9 * (fabs(b) + 1)))
        fail_msg("%.12g is not %.12g", a, b);
}

static ln_plan plan_a(int overage)
{
    ln_plan p;
    memset(&p, 0, sizeof p);
    strcpy(p.id, "basic");
    p.hardware_usd = 600;
    p.amortize_years = 2;
    p.monthly_usd = 50;
    p.included_gb = 50;
    p.usd_per_gb = 2;
    p.overage = overage;
    return p;
}

static const int term_acct[3] = {0, 1, 0};
static const int acct_plan[2] = {0, 0};
#define T0 1000000.0 /* start, UTC s */

/* The fixture's configuration: plan p for both accounts, terminals
 * 0 and 2 in account 0 and terminal 1 in account 1, two satellites of
 * 1,000 Mbit/s, from T0 for span_s, the default cost-to-serve model. */
static ln_usage_config config(const ln_plan *p, double span_s)
{
    ln_usage_config c;
    memset(&c, 0, sizeof c);
    c.plans = p;
    c.nplans = 1;
    c.account_plan = acct_plan;
    c.naccounts = 2;
    c.terminal_account = term_acct;
    c.nterminals = 3;
    c.nsats = 2;
    c.start_unix_s = T0;
    c.span_s = span_s;
    ln_meter_cts_defaults(&c.cts);
    c.sat_capacity_mbps = 1000;
    return c;
}

static ln_usage *make(const ln_plan *p, double span_s)
{
    ln_usage_config c = config(p, span_s);
    ln_usage *u = NULL;
    assert_int_equal(ln_usage_new(&c, &u), 0);
    assert_non_null(u);
    return u;
}

/* The two days above, with single adds (day 0) and a range (day 1). */
static ln_usage *two_days(int overage)
{
    static ln_plan p;
    p = plan_a(overage);
    ln_usage *u = make(&p, 2 * 86400.0);
    ln_usage_day(u, T0);
    ln_usage_add(u, 0, 1 * GB);
    ln_usage_add(u, 2, GB / 2);
    ln_usage_add(u, 1, 7 * GB);
    ln_usage_day(u, T0 + 3600);  /* the same day: nothing folds */
    ln_usage_add(u, 0, 2 * GB);
    ln_usage_day(u, T0 + 86400 + 15);
    const uint64_t day1[3] = {0, 0, 4 * GB};
    ln_usage_add_range(u, 0, 3, day1);
    return u;
}

static void test_two_terminals_two_days(void **state)
{
    (void)state;
    ln_usage *u = two_days(LN_OVERAGE_PER_TERMINAL);
    assert_int_equal(ln_usage_ndays(u), 2);
    assert_int_equal(ln_usage_terminals(u, 0), 2);
    assert_int_equal(ln_usage_terminals(u, 1), 1);
    assert_int_equal(ln_usage_terminals(u, -1), 3);
    /* a folded day and the current one */
    assert_true(ln_usage_day_bytes(u, 0, 0) == 3 * GB + GB / 2);
    assert_true(ln_usage_day_bytes(u, 1, 0) == 4 * GB);
    assert_true(ln_usage_day_bytes(u, 0, 1) == 7 * GB);
    assert_true(ln_usage_day_bytes(u, 1, 1) == 0);
    assert_true(ln_usage_day_bytes(u, 0, -1) == 10 * GB + GB / 2);
    assert_true(ln_usage_day_bytes(u, 2, 0) == 0); /* outside */
    assert_true(ln_usage_terminal_bytes(u, 0) == 3 * GB);
    assert_true(ln_usage_terminal_bytes(u, 2) == 4 * GB + GB / 2);
    assert_true(ln_usage_account_bytes(u, 0) == 7 * GB + GB / 2);
    assert_true(ln_usage_account_bytes(u, -1) == 14 * GB + GB / 2);
    /* per-terminal overage, by day and over the run */
    near(ln_usage_over_gb_day(u, 0, 0), 41.3125);
    near(ln_usage_over_gb_day(u, 1, 0), 71.75);
    near(ln_usage_over_gb(u, 0, 2 * 86400.0), 18.484375);
    ln_cost c;
    near(ln_usage_annual_cost(u, 0, 2 * 86400.0, &c), 2243.625);
    near(c.hardware_usd_per_year, 600);
    near(c.service_usd_per_year, 1200);
    near(c.traffic_usd_per_year, 18.484375 * 24);
    /* a day's price at that day's rate */
    c = ln_usage_day_cost(u, 1, 0);
    near(c.traffic_usd_per_year, 71.75 * 24);
    near(c.total_usd_per_year, 1800 + 71.75 * 24);
    ln_usage_free(u);
}

static void test_pooled(void **state)
{
    (void)state;
    ln_usage *u = two_days(LN_OVERAGE_POOLED);
    near(ln_usage_over_gb_day(u, 0, 0), 6.53125);
    near(ln_usage_over_gb_day(u, 1, 0), 21.75);
    near(ln_usage_over_gb(u, 0, 2 * 86400.0), 14.140625);
    near(ln_usage_annual_cost(u, 0, 2 * 86400.0, NULL), 2139.375);
    /* the same bytes counted per terminal cost more */
    ln_usage *v = two_days(LN_OVERAGE_PER_TERMINAL);
    assert_true(ln_usage_annual_cost(v, 0, 2 * 86400.0, NULL) >
                ln_usage_annual_cost(u, 0, 2 * 86400.0, NULL));
    ln_usage_free(v);
    ln_usage_free(u);
}

static void test_plan_over_a_month(void **state)
{
    (void)state;
    ln_plan pt = plan_a(LN_OVERAGE_PER_TERMINAL);
    ln_plan po = plan_a(LN_OVERAGE_POOLED);
    const ln_plan *plans[2] = {&pt, &po};
    const double want_traffic[2] = {2400, 1920};
    for (int k = 0; k < 2; k++) {
        ln_usage *u = make(plans[k], LN_MONTH_S);
        assert_int_equal(ln_usage_ndays(u), 31);
        ln_usage_day(u, T0 + 2 * 86400.0);
        ln_usage_add(u, 0, 100 * GB);
        ln_usage_add(u, 2, 30 * GB);
        ln_usage_day(u, T0 + 20 * 86400.0);
        ln_usage_add(u, 0, 50 * GB);
        /* after the span: the last day */
        ln_usage_day(u, T0 + 40 * 86400.0);
        ln_usage_add(u, 1, 1 * GB);
        assert_true(ln_usage_day_bytes(u, 30, 1) == GB);
        assert_true(ln_usage_day_bytes(u, 20, 0) == 50 * GB);
        ln_cost c;
        near(ln_usage_annual_cost(u, 0, LN_MONTH_S, &c),
             600 + 1200 + want_traffic[k]);
        near(c.traffic_usd_per_year, want_traffic[k]);
        /* account 1 stays within its volume; the sum adds both */
        near(ln_usage_annual_cost(u, 1, LN_MONTH_S, NULL), 300 + 600);
        near(ln_usage_annual_cost(u, -1, LN_MONTH_S, NULL),
             600 + 1200 + want_traffic[k] + 900);
        ln_usage_free(u);
    }
}

static void test_serving_satellites(void **state)
{
    (void)state;
    ln_plan p = plan_a(LN_OVERAGE_PER_TERMINAL);
    ln_usage *u = make(&p, 86400.0);
    assert_true(ln_usage_serving_sats_mean(u) == 0);
    const int8_t ok[3] = {LN_REASON_NONE, LN_REASON_NONE, LN_REASON_NONE};
    const int8_t zone2[3] = {LN_REASON_NONE, LN_REASON_NONE,
                             LN_REASON_ZONE};
    const int s1[3] = {0, 1, 0}, s2[3] = {1, 1, 0}, s3[3] = {0, -1, -1};
    ln_usage_serve(u, s1, ok, 15);
    ln_usage_serve(u, s2, zone2, 15);
    ln_usage_serve(u, s3, ok, 30);
    near(ln_usage_serving_sats_mean(u), 4.0 / 3.0);
    /* the satellites in view, from the cost to serve over 60 s */
    ln_cts c0 = ln_usage_cost_to_serve(u, 0, 60);
    ln_cts c1 = ln_usage_cost_to_serve(u, 1, 60);
    ln_cts all = ln_usage_cost_to_serve(u, -1, 60);
    near(c0.sats_in_view, 0.875);
    near(c1.sats_in_view, 0.375);
    near(all.sats_in_view, 1.25);
    /* nothing delivered: no capacity used */
    near(all.sats_used, 0);
    /* the default model: ($200,000 + $62M / 53) / 5 years a satellite */
    near(c0.satellites_in_view_usd_per_year,
         0.875 * (200e3 + 62e6 / 53) / 5);
    /* terminals: $1,300 over the plan's 2 years, less the $600 charged */
    near(c0.terminals_usd_per_year, 1300);
    near(c0.terminal_subsidy_usd_per_year, 700);
    ln_usage_free(u);
}

static void test_bad_config(void **state)
{
    (void)state;
    ln_plan p = plan_a(LN_OVERAGE_POOLED);
    ln_usage_config c = config(&p, 0);
    ln_usage *u = (ln_usage *)&c;
    assert_int_equal(ln_usage_new(&c, &u), LN_EINVAL);
    assert_null(u);
    c.span_s = 86400;
    c.naccounts = 1; /* terminal 1 names account 1 */
    assert_int_equal(ln_usage_new(&c, &u), LN_EINVAL);
    c.naccounts = 2;
    const int bad_plan[2] = {0, 1};
    c.account_plan = bad_plan;
    assert_int_equal(ln_usage_new(&c, &u), LN_EINVAL);
    ln_usage_free(NULL);
}

/* Every allocation of ln_usage_new failing in turn: LN_ENOMEM, nothing
 * left behind (ASan's leak check). */
static void test_out_of_memory(void **state)
{
    (void)state;
    ln_plan p = plan_a(LN_OVERAGE_POOLED);
    ln_usage_config c = config(&p, 86400);
    int failed = 0;
    for (long n = 1; n < 40; n++) {
        ln_usage *u = NULL;
        ln_alloc_fail_after(n);
        int rc = ln_usage_new(&c, &u);
        ln_alloc_fail_after(0);
        if (rc == 0) {
            ln_usage_free(u);
            break;
        }
        assert_int_equal(rc, LN_ENOMEM);
        assert_null(u);
        failed++;
    }
    assert_true(failed > 0);
}

/* ln_meter_bytes by hand: 100 Mbit/s for 15 s = 100e6 / 8 x 15 =
 * 187,500,000 bytes; 1e-4 Mbit/s for 1 s = 12.5 bytes -> 13 (halves up);
 * 0.5 Mbit/s for 1/64 s = 976.5625 -> 977, for 1/128 s = 488.28125 ->
 * 488; 1e9 Mbit/s for 1,000 s = 1.25e17 bytes (past 2^52: llround). */
static void test_meter_bytes(void **state)
{
    (void)state;
    assert_true(ln_meter_bytes(100, 15) == 187500000u);
    assert_true(ln_meter_bytes(1e-4, 1) == 13u);
    assert_true(ln_meter_bytes(0.5, 1.0 / 64) == 977u);
    assert_true(ln_meter_bytes(0.5, 1.0 / 128) == 488u);
    assert_true(ln_meter_bytes(0, 15) == 0u);
    assert_true(ln_meter_bytes(1e9, 1000) == 125000000000000000u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_terminals_two_days),
        cmocka_unit_test(test_pooled),
        cmocka_unit_test(test_plan_over_a_month),
        cmocka_unit_test(test_serving_satellites),
        cmocka_unit_test(test_bad_config),
        cmocka_unit_test(test_out_of_memory),
        cmocka_unit_test(test_meter_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
