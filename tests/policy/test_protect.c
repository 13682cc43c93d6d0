/*
 * test_protect.c - contracts in the decision (policy.h, "contracts (issue
 * 15)"): a protected terminal ignores kill-switch and suspension events
 * that were not granted under its contract; granted ones apply to every
 * terminal of the account; resume and restore clear both kinds. Every
 * expected answer is worked by hand from the event list (no zones, so the
 * zone part always allows).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "leonet/policy.h"

typedef struct fx {
    ln_zoneset *zs;
    ln_policy *p;
} fx;

/* two accounts (0, 1), no zones, default allow */
static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    assert_int_equal(ln_zoneset_new(LN_ZONE_ALLOW, &f->zs), 0);
    assert_int_equal(ln_policy_new(f->zs, 2, &f->p), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    ln_policy_free(f->p);
    ln_zoneset_free(f->zs);
    free(f);
    return 0;
}

/* reason of account a for an unprotected (0) or protected terminal */
static int why(const fx *f, int a, unsigned fl)
{
    ln_policy_decision d = ln_policy_decide_terminal(f->p, a, fl, 0.8, 0.6,
                                                     0.0);
    /* the decision and the account-level answer agree */
    assert_int_equal(d.reason, ln_policy_account_reason_flags(f->p, a, fl));
    assert_int_equal(d.allowed, d.reason == LN_REASON_NONE);
    return d.reason;
}

#define P LN_POLICY_PROTECTED

/* An operator acting alone (no flag) kills account 0 at t=10, suspends it
 * at t=20: unprotected terminals go down, protected ones stay up. */
static void test_ungranted_ignored(void **state)
{
    fx *f = *state;
    assert_int_equal(ln_policy_add_event(f->p, 10, 0, LN_POLICY_KILL), 0);
    assert_int_equal(ln_policy_add_event_flags(f->p, 20, 0,
                                               LN_POLICY_SUSPEND, 0), 0);
    assert_int_equal(ln_policy_advance(f->p, 10), 1);
    assert_int_equal(why(f, 0, 0), LN_REASON_KILL);
    assert_int_equal(why(f, 0, P), LN_REASON_NONE);
    assert_int_equal(why(f, 1, 0), LN_REASON_NONE);
    assert_int_equal(ln_policy_advance(f->p, 20), 1);
    assert_int_equal(why(f, 0, 0), LN_REASON_KILL); /* kill checked first */
    assert_int_equal(why(f, 0, P), LN_REASON_NONE);
    /* the old calls are the flag-0 answers */
    assert_int_equal(ln_policy_account_reason(f->p, 0), LN_REASON_KILL);
    assert_int_equal(ln_policy_decide(f->p, 0, 0.8, 0.6, 0).reason,
                     LN_REASON_KILL);
}

/* "*" (every account) alone: protected terminals of both accounts stay. */
static void test_ungranted_all_accounts(void **state)
{
    fx *f = *state;
    assert_int_equal(ln_policy_add_event(f->p, 5, -1, LN_POLICY_KILL), 0);
    ln_policy_advance(f->p, 5);
    for (int a = 0; a < 2; a++) {
        assert_int_equal(why(f, a, 0), LN_REASON_KILL);
        assert_int_equal(why(f, a, P), LN_REASON_NONE);
    }
}

/* Granted kill of account 1 at t=10: every terminal of account 1 down,
 * protected or not; account 0 untouched. Granted suspend of 0 at t=20. */
static void test_granted_applies(void **state)
{
    fx *f = *state;
    assert_int_equal(ln_policy_add_event_flags(f->p, 10, 1, LN_POLICY_KILL,
                                               LN_POLICY_GRANTED), 0);
    assert_int_equal(ln_policy_add_event_flags(f->p, 20, 0,
                                               LN_POLICY_SUSPEND,
                                               LN_POLICY_GRANTED), 0);
    ln_policy_advance(f->p, 9.999);
    assert_int_equal(why(f, 1, P), LN_REASON_NONE); /* not yet */
    ln_policy_advance(f->p, 10);
    assert_int_equal(why(f, 1, 0), LN_REASON_KILL);
    assert_int_equal(why(f, 1, P), LN_REASON_KILL);
    assert_int_equal(why(f, 0, P), LN_REASON_NONE);
    ln_policy_advance(f->p, 20);
    assert_int_equal(why(f, 0, 0), LN_REASON_SUSPENDED);
    assert_int_equal(why(f, 0, P), LN_REASON_SUSPENDED);
}

/* Restore and resume clear both kinds, granted or not; and a later
 * ungranted kill after a restore again spares protected terminals. */
static void test_clear_both(void **state)
{
    fx *f = *state;
    ln_policy_add_event_flags(f->p, 10, 0, LN_POLICY_KILL, LN_POLICY_GRANTED);
    ln_policy_add_event_flags(f->p, 10, 0, LN_POLICY_SUSPEND,
                              LN_POLICY_GRANTED);
    ln_policy_add_event(f->p, 20, 0, LN_POLICY_RESTORE);
    ln_policy_add_event(f->p, 30, 0, LN_POLICY_RESUME);
    ln_policy_add_event(f->p, 40, 0, LN_POLICY_KILL);
    ln_policy_advance(f->p, 10);
    assert_int_equal(why(f, 0, P), LN_REASON_KILL);
    ln_policy_advance(f->p, 20);
    assert_int_equal(why(f, 0, P), LN_REASON_SUSPENDED);
    assert_int_equal(why(f, 0, 0), LN_REASON_SUSPENDED);
    ln_policy_advance(f->p, 30);
    assert_int_equal(why(f, 0, P), LN_REASON_NONE);
    assert_int_equal(why(f, 0, 0), LN_REASON_NONE);
    ln_policy_advance(f->p, 40);
    assert_int_equal(why(f, 0, 0), LN_REASON_KILL);
    assert_int_equal(why(f, 0, P), LN_REASON_NONE);
}

/* An ungranted kill, then a granted one: the protected terminals follow
 * the granted one only; unknown flags are refused. */
static void test_mixed_and_bad_flags(void **state)
{
    fx *f = *state;
    ln_policy_add_event(f->p, 1, 0, LN_POLICY_KILL);
    ln_policy_add_event_flags(f->p, 2, 0, LN_POLICY_KILL, LN_POLICY_GRANTED);
    ln_policy_advance(f->p, 1);
    assert_int_equal(why(f, 0, P), LN_REASON_NONE);
    ln_policy_advance(f->p, 2);
    assert_int_equal(why(f, 0, P), LN_REASON_KILL);
    assert_int_equal(ln_policy_add_event_flags(f->p, 3, 0, LN_POLICY_KILL,
                                               2u), LN_EINVAL);
    assert_int_equal(ln_policy_add_event_flags(f->p, NAN, 0, LN_POLICY_KILL,
                                               0), LN_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ungranted_ignored, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_ungranted_all_accounts, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_granted_applies, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_clear_both, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mixed_and_bad_flags, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
