/*
 * policy.h - who may use the service where and when: the authorization
 * decision with its reason.
 *
 * A policy holds the zone set (geofence), the accounts and their state
 * (active / suspended), and the kill switch. ln_policy_decide is the one
 * function every path asks (the simulator per terminal and step, later the
 * daemon per request); later work (contracts with k-of-n signatures)
 * extends the state it reads, not the callers.
 *
 * Reasons, in the order they are checked:
 *   kill switch engaged for the account (or globally)  -> LN_REASON_KILL
 *   account suspended                                  -> LN_REASON_SUSPENDED
 *   the deciding zone denies                           -> LN_REASON_ZONE
 *   otherwise allowed                                  -> LN_REASON_NONE
 * Policy changes are timed events (suspend/resume/kill/restore at a UTC
 * instant) applied in time order; ln_policy_advance(t) applies all events
 * up to t.
 */
#ifndef LEONET_POLICY_H
#define LEONET_POLICY_H

#include <stddef.h>

#include "leonet/core.h"
#include "leonet/link.h"
#include "leonet/zone.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ln_reason {
    LN_REASON_NONE = 0,      /* served (or: not an outage) */
    LN_REASON_ZONE = 1,      /* denied by a zone: "zone:<id>" */
    LN_REASON_SUSPENDED = 2, /* account suspended: "account-suspended" */
    LN_REASON_KILL = 3,      /* kill switch: "kill-switch" */
    /* link's outcomes (link.h), same values */
    LN_REASON_NO_SAT = LN_LINK_NO_SAT, /* no satellite above the mask:
                                          "no-satellite" (4) */
    LN_REASON_NO_GW = LN_LINK_NO_GW,   /* serving satellite reaches no
                                          gateway: "no-gateway" (5) */
    LN_REASON_COUNT_
} ln_reason;

/* "zone", "account-suspended", "kill-switch", "no-satellite",
 * "no-gateway", "" for NONE. */
const char *ln_reason_name(int reason);

typedef struct ln_policy_decision {
    int allowed;     /* 1 allowed, 0 denied */
    int reason;      /* LN_REASON_* (NONE when allowed) */
    int zone;        /* deciding zone index (deny or allow), -1 none */
    const char *zone_id; /* its id, or NULL */
} ln_policy_decision;

typedef enum ln_policy_action {
    LN_POLICY_SUSPEND = 0,
    LN_POLICY_RESUME = 1,
    LN_POLICY_KILL = 2,
    LN_POLICY_RESTORE = 3
} ln_policy_action;

typedef struct ln_policy ln_policy;

/* ln_policy_new
 * Given:    zones     the zone set (borrowed; must outlive the policy)
 *           naccounts number of accounts (ids 0..naccounts-1)
 * Returned: out       a policy, every account active, kill switch off
 * Status:   0, LN_EINVAL, LN_ENOMEM */
int ln_policy_new(const ln_zoneset *zones, size_t naccounts,
                  ln_policy **out /* OUT */);
void ln_policy_free(ln_policy *p);

/* ln_policy_add_event
 * Given:    t_unix_s  when (UTC)
 *           account   account index, or -1 for every account
 *           action    LN_POLICY_*
 * Status:   0, LN_EINVAL (bad account/action), LN_ENOMEM
 * Notes:    events may be added in any order; ties apply in the order
 *           added. */
int ln_policy_add_event(ln_policy *p, double t_unix_s, int account,
                        int action);

/* Applies every event with time <= t_unix_s not yet applied. Returns the
 * number applied (a caller re-decides cached decisions when > 0). */
int ln_policy_advance(ln_policy *p, double t_unix_s);

/* Time of the next event after the ones applied, or +INFINITY. */
double ln_policy_next_event(const ln_policy *p);

/* ln_policy_decide
 * Given:    p         policy (read-only here; any thread)
 *           account   the terminal's account index
 *           lat_rad, lon_rad  the terminal's position
 *           t_unix_s  the time (zone validity windows)
 * Returned: the decision with its reason. */
ln_policy_decision ln_policy_decide(const ln_policy *p, int account,
                                    double lat_rad, double lon_rad,
                                    double t_unix_s);

/* Account-level part only (kill switch, suspension): LN_REASON_NONE when
 * the account may be served anywhere the zones allow. */
int ln_policy_account_reason(const ln_policy *p, int account);

/* ---- contracts (issue 15) -------------------------------------------
 * A terminal that a contract protects (trust.h: its accounts, terminals,
 * zones or region) is decided with LN_POLICY_PROTECTED: kill-switch and
 * suspension events that were not granted under the contract (added
 * without LN_POLICY_GRANTED: an operator acting alone) do not apply to
 * it; granted ones apply to every terminal of the account. Resume and
 * restore clear both kinds (giving service back is never gated). The
 * caller resolves protection into the flag once per contract change, so
 * the decision pays one bit test (docs/BENCHMARKS.md, "contract check"). */
#define LN_POLICY_GRANTED 1u   /* event flag */
#define LN_POLICY_PROTECTED 1u /* terminal flag */
int ln_policy_add_event_flags(ln_policy *p, double t_unix_s, int account,
                              int action, unsigned flags);
/* ln_policy_decide and ln_policy_account_reason for a terminal with flags
 * LN_POLICY_* (0: the same answers as those two). */
ln_policy_decision ln_policy_decide_terminal(const ln_policy *p, int account,
                                             unsigned tflags, double lat_rad,
                                             double lon_rad, double t_unix_s);
int ln_policy_account_reason_flags(const ln_policy *p, int account,
                                   unsigned tflags);

#ifdef __cplusplus
}
#endif
#endif
