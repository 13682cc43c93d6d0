/*
 * test_meter.c - the price and the cost to serve, worked by hand.
 *
 * Overage on three terminals of one account, plan with 1000 GB included a
 * month at $1/GB beyond, the terminals using 1500, 500 and 0 GB a month
 * (the last one denied all run: it pays its fees and delivers nothing):
 *  - per terminal: (1500 - 1000) + 0 + 0 = 500 GB a month beyond,
 *    500 x $1 x 12 = $6,000 a year;
 *  - pooled: the account used 2000 GB of its 3 x 1000 = 3000 GB: $0.
 * With 3500, 500, 0: per terminal 2500 GB -> $30,000 a year; pooled
 * 4000 - 3000 = 1000 GB -> $12,000 a year.
 * Fees of those three terminals (hardware $2,500 over 3 years, $500 a
 * month): 3 x 2500 / 3 = $2,500 + 3 x 500 x 12 = $18,000 a year.
 *
 * Cost to serve, two satellites of 1000 Mbit/s each, for a day:
 *  - satellite: ($1,000,000 built + $50,000,000 launch / 50 per launch)
 *    over 5 years = $400,000 a year; gateway antenna: $100,000 over 10
 *    years + $5,000 a year = $15,000 a year;
 *  - satellite A carries 500 Mbit/s of the fleet all day, B 250 Mbit/s:
 *    (500 + 250) x 1e6 / 8 x 86400 = 8.1e12 bytes; used capacity
 *    0.75 satellite -> satellites $300,000, gateways $11,250 a year;
 *  - both serve the fleet at every step of 15 s (5760 steps): 11520
 *    satellite-steps = 2 satellites in view -> $800,000 + $30,000;
 *  - 4 terminals costing $1,300, sold at $500, over 2 years: $2,600 a
 *    year, of which $1,600 subsidy;
 *  - total by use 300,000 + 11,250 + 2,600 = $313,850; in view
 *    800,000 + 30,000 + 2,600 = $832,600.
 *  - B serving only half the day: 5760 + 2880 = 8640 satellite-steps =
 *    1.5 in view -> 600,000 + 22,500 + 2,600 = $625,100.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "leonet/meter.h"

#define NEAR(a, b) near((a), (b))

static void near(double a, double b)
{
    if (!(fabs(a - b) <= 1e-9 * (fabs(b) + 1)))
        fail_msg("%.12g is not %.12g", a, b);
}

static ln_plan plan3(int overage)
{
    ln_plan p;
    memset(&p, 0, sizeof p);
    strcpy(p.id, "military");
    p.hardware_usd = 2500;
    p.amortize_years = 3;
    p.monthly_usd = 500;
    p.included_gb = 1000;
    p.usd_per_gb = 1.0;
    p.overage = overage;
    return p;
}

static void test_overage_three_terminals(void **state)
{
    (void)state;
    ln_plan pt = plan3(LN_OVERAGE_PER_TERMINAL), po = plan3(LN_OVERAGE_POOLED);
    const double a[3] = {1500, 500, 0}, b[3] = {3500, 500, 0};
    NEAR(ln_meter_overage_usd_per_year(&pt, a, 3), 6000);
    NEAR(ln_meter_overage_usd_per_year(&po, a, 3), 0);
    NEAR(ln_meter_overage_usd_per_year(&pt, b, 3), 30000);
    NEAR(ln_meter_overage_usd_per_year(&po, b, 3), 12000);
    /* the pieces */
    NEAR(ln_meter_over_gb(&pt, 1500), 500);
    NEAR(ln_meter_over_gb(&pt, 500), 0);
    ln_cost c = ln_meter_annual_cost_over(&pt, 3, 500);
    NEAR(c.hardware_usd_per_year, 2500);
    NEAR(c.service_usd_per_year, 18000);
    NEAR(c.traffic_usd_per_year, 6000);
    NEAR(c.total_usd_per_year, 26500);
    /* the pooled cost from bytes: 2000 GB a month in all over a month */
    c = ln_meter_annual_cost(&po, 3, 2000e9, LN_MONTH_S);
    NEAR(c.traffic_usd_per_year, 0);
    c = ln_meter_annual_cost(&po, 3, 4000e9, LN_MONTH_S);
    NEAR(c.traffic_usd_per_year, 12000);
    NEAR(c.total_usd_per_year, 2500 + 18000 + 12000);
    assert_string_equal(ln_meter_overage_name(LN_OVERAGE_POOLED), "pooled");
    assert_string_equal(ln_meter_overage_name(LN_OVERAGE_PER_TERMINAL),
                        "per_terminal");
}

static void test_cost_to_serve_two_satellites(void **state)
{
    (void)state;
    ln_cts_model m = {.sat_build_usd = 1e6,
                      .launch_usd = 50e6,
                      .sats_per_launch = 50,
                      .sat_life_years = 5,
                      .gw_antenna_capex_usd = 100e3,
                      .gw_antenna_life_years = 10,
                      .gw_antenna_opex_usd_per_year = 5e3,
                      .terminal_cost_usd = 1300};
    ln_plan p;
    memset(&p, 0, sizeof p);
    p.hardware_usd = 500;
    p.amortize_years = 2;
    double bytes = (500 + 250) * 1e6 / 8 * 86400;
    assert_true(bytes == 8.1e12);
    ln_cts c = ln_meter_cost_to_serve(&m, &p, 4, bytes, 11520, 15, 86400,
                                      1000);
    NEAR(c.sats_used, 0.75);
    NEAR(c.sats_in_view, 2);
    NEAR(c.satellites_usd_per_year, 300000);
    NEAR(c.gateways_usd_per_year, 11250);
    NEAR(c.terminals_usd_per_year, 2600);
    NEAR(c.terminal_subsidy_usd_per_year, 1600);
    NEAR(c.total_usd_per_year, 313850);
    NEAR(c.satellites_in_view_usd_per_year, 800000);
    NEAR(c.gateways_in_view_usd_per_year, 30000);
    NEAR(c.total_in_view_usd_per_year, 832600);
    c = ln_meter_cost_to_serve(&m, &p, 4, bytes, 8640, 15, 86400, 1000);
    NEAR(c.sats_in_view, 1.5);
    NEAR(c.total_in_view_usd_per_year, 625100);
    NEAR(c.total_usd_per_year, 313850);
    /* a span of half a day with the same traffic: twice the use */
    c = ln_meter_cost_to_serve(&m, &p, 4, bytes, 11520, 15, 43200, 1000);
    NEAR(c.sats_used, 1.5);
}

static void test_cts_defaults(void **state)
{
    (void)state;
    ln_cts_model m;
    ln_meter_cts_defaults(&m);
    /* the values docs/scenario.md states */
    NEAR(m.sat_build_usd, 200e3);
    NEAR(m.launch_usd, 62e6);
    NEAR(m.sats_per_launch, 53);
    NEAR(m.sat_life_years, 5);
    NEAR(m.terminal_cost_usd, 1300);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_overage_three_terminals),
        cmocka_unit_test(test_cost_to_serve_two_satellites),
        cmocka_unit_test(test_cts_defaults),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
