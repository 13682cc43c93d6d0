/*
 * test_admin_ids.c - billing.h's invoice ids and months, by hand: the id
 * of an account's month is "INV-" + account + "-" + YYYY-MM, and parses
 * back even when the account id holds '-' (the month is always the last
 * 7 characters); malformed ids and months are refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "leonet/core.h"
#include "server/billing.h"

static void test_id_round_trip(void **state)
{
    (void)state;
    char id[SRV_INVOICE_ID], acc[LN_ST_ID];
    int y = 0, m = 0;
    assert_int_equal(srv_billing_invoice_id("civil", 2022, 10, id, sizeof id),
                     0);
    assert_string_equal(id, "INV-civil-2022-10");
    assert_int_equal(srv_billing_invoice_id("ACC-7-x", 1999, 1, id,
                                            sizeof id), 0);
    assert_string_equal(id, "INV-ACC-7-x-1999-01");
    assert_int_equal(srv_billing_parse_invoice_id(id, acc, &y, &m), 0);
    assert_string_equal(acc, "ACC-7-x");
    assert_int_equal(y, 1999);
    assert_int_equal(m, 1);
    char small[12];
    assert_int_equal(srv_billing_invoice_id("civil", 2022, 10, small,
                                            sizeof small), LN_ETOOBIG);
}

static void test_bad_ids(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "", "INV-", "INV--2022-10", "INV-civil", "INV-civil-2022-13",
        "INV-civil-2022-00", "INV-civil-22-10", "inv-civil-2022-10",
        "INV-civil_2022-10", "INV-civil-2022-1x", "INV-civil-2022/10",
        "INV-0123456789012345678901234567890123456789012345678901234567890123"
        "-2022-10",
        NULL};
    char acc[LN_ST_ID];
    int y, m;
    for (int i = 0; bad[i]; i++)
        if (srv_billing_parse_invoice_id(bad[i], acc, &y, &m) != LN_EPARSE)
            fail_msg("accepted '%s'", bad[i]);
    assert_int_equal(srv_billing_parse_invoice_id(NULL, acc, &y, &m),
                     LN_EPARSE);
}

static void test_months(void **state)
{
    (void)state;
    int y = 0, m = 0;
    assert_int_equal(srv_billing_parse_month("2022-10", &y, &m), 0);
    assert_int_equal(y, 2022);
    assert_int_equal(m, 10);
    assert_int_equal(srv_billing_parse_month("1970-01", &y, &m), 0);
    static const char *const bad[] = {"1969-12", "2022-13", "2022-00",
                                      "2022-1",  "22-10",   "2022_10",
                                      "2022-10-01", "+022-10", " 022-10",
                                      NULL};
    for (int i = 0; bad[i]; i++)
        if (srv_billing_parse_month(bad[i], &y, &m) != LN_EPARSE)
            fail_msg("accepted '%s'", bad[i]);
    assert_int_equal(srv_billing_parse_month(NULL, &y, &m), LN_EPARSE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_id_round_trip),
        cmocka_unit_test(test_bad_ids),
        cmocka_unit_test(test_months),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
