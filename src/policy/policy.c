/*
 * policy.c - the authorization decision: kill switch, account suspension,
 * zones, in that order (policy.h). Timed events change account state.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "leonet/policy.h"

typedef struct pevent {
    double t_unix_s;
    int account; /* -1 = all */
    int action;
    unsigned flags; /* LN_POLICY_GRANTED */
    long seq;    /* order added, for stable ties */
} pevent;

struct ln_policy {
    const ln_zoneset *zones;
    size_t naccounts;
    /* per account: bit 0 applies to unprotected terminals (any event),
     * bit 1 to protected ones (granted events) */
    unsigned char *suspended;
    unsigned char *killed;
    pevent *ev;
    size_t nev, cap, next;    /* events sorted by (t, seq); next to apply */
    int sorted;
};

static const char *const reason_names[LN_REASON_COUNT_] = {
    "", "zone", "account-suspended", "kill-switch", "no-satellite",
    "no-gateway"};

const char *ln_reason_name(int r)
{
    return r >= 0 && r < LN_REASON_COUNT_ ? reason_names[r] : "unknown";
}

int ln_policy_new(const ln_zoneset *zones, size_t naccounts, ln_policy **out)
{
    *out = NULL;
    if (!zones)
        return LN_EINVAL;
    ln_policy *p = ln_calloc(1, sizeof *p);
    if (!p)
        return LN_ENOMEM;
    p->zones = zones;
    p->naccounts = naccounts;
    p->suspended = ln_calloc(naccounts ? naccounts : 1, 1);
    p->killed = ln_calloc(naccounts ? naccounts : 1, 1);
    if (!p->suspended || !p->killed) {
        ln_policy_free(p);
        return LN_ENOMEM;
    }
    p->sorted = 1;
    *out = p;
    return LN_OK;
}

void ln_policy_free(ln_policy *p)
{
    if (!p)
        return;
    ln_free(p->suspended);
    ln_free(p->killed);
    ln_free(p->ev);
    ln_free(p);
}

int ln_policy_add_event(ln_policy *p, double t_unix_s, int account, int action)
{
    return ln_policy_add_event_flags(p, t_unix_s, account, action, 0);
}

int ln_policy_add_event_flags(ln_policy *p, double t_unix_s, int account,
                              int action, unsigned flags)
{
    if (account < -1 || account >= (long)p->naccounts || action < 0 ||
        action > LN_POLICY_RESTORE || isnan(t_unix_s) ||
        (flags & ~LN_POLICY_GRANTED))
        return LN_EINVAL;
    if (p->nev == p->cap) {
        size_t nc = p->cap ? p->cap * 2 : 16;
        pevent *ne = ln_realloc(p->ev, nc * sizeof *ne);
        if (!ne)
            return LN_ENOMEM;
        p->ev = ne;
        p->cap = nc;
    }
    p->ev[p->nev] = (pevent){t_unix_s, account, action, flags, (long)p->nev};
    p->nev++;
    p->sorted = 0;
    return LN_OK;
}

static int cmp_ev(const void *a, const void *b)
{
    const pevent *x = a, *y = b;
    if (x->t_unix_s != y->t_unix_s)
        return x->t_unix_s < y->t_unix_s ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void apply(ln_policy *p, const pevent *e)
{
    size_t lo = e->account < 0 ? 0 : (size_t)e->account;
    size_t hi = e->account < 0 ? p->naccounts : (size_t)e->account + 1;
    unsigned char on = e->flags & LN_POLICY_GRANTED ? 3 : 1;
    for (size_t a = lo; a < hi; a++) {
        switch (e->action) {
        case LN_POLICY_SUSPEND:
            p->suspended[a] |= on;
            break;
        case LN_POLICY_RESUME:
            p->suspended[a] = 0;
            break;
        case LN_POLICY_KILL:
            p->killed[a] |= on;
            break;
        case LN_POLICY_RESTORE:
            p->killed[a] = 0;
            break;
        }
    }
}

int ln_policy_advance(ln_policy *p, double t_unix_s)
{
    int n = 0;
    if (!p->sorted) {
        /* only the not-yet-applied tail may be re-sorted */
        qsort(p->ev + p->next, p->nev - p->next, sizeof *p->ev, cmp_ev);
        p->sorted = 1;
    }
    while (p->next < p->nev && p->ev[p->next].t_unix_s <= t_unix_s) {
        apply(p, &p->ev[p->next]);
        p->next++;
        n++;
    }
    return n;
}

double ln_policy_next_event(const ln_policy *p)
{
    double best = INFINITY;
    for (size_t i = p->next; i < p->nev; i++)
        if (p->ev[i].t_unix_s < best)
            best = p->ev[i].t_unix_s;
    return best;
}

int ln_policy_account_reason_flags(const ln_policy *p, int account,
                                   unsigned tflags)
{
    if (account < 0 || (size_t)account >= p->naccounts)
        return LN_REASON_SUSPENDED;
    unsigned char bit = tflags & LN_POLICY_PROTECTED ? 2 : 1;
    if (p->killed[account] & bit)
        return LN_REASON_KILL;
    if (p->suspended[account] & bit)
        return LN_REASON_SUSPENDED;
    return LN_REASON_NONE;
}

int ln_policy_account_reason(const ln_policy *p, int account)
{
    return ln_policy_account_reason_flags(p, account, 0);
}

ln_policy_decision ln_policy_decide(const ln_policy *p, int account,
                                    double lat_rad, double lon_rad,
                                    double t_unix_s)
{
    return ln_policy_decide_terminal(p, account, 0, lat_rad, lon_rad,
                                     t_unix_s);
}

ln_policy_decision ln_policy_decide_terminal(const ln_policy *p, int account,
                                             unsigned tflags, double lat_rad,
                                             double lon_rad, double t_unix_s)
{
    ln_policy_decision d = {1, LN_REASON_NONE, -1, NULL};
    int r = ln_policy_account_reason_flags(p, account, tflags);
    ln_zone_decision z = ln_zoneset_decide(p->zones, lat_rad, lon_rad,
                                           t_unix_s);
    d.zone = z.zone;
    d.zone_id = z.zone_id;
    if (r != LN_REASON_NONE) {
        d.allowed = 0;
        d.reason = r;
        return d;
    }
    if (z.action == LN_ZONE_DENY) {
        d.allowed = 0;
        d.reason = LN_REASON_ZONE;
    }
    return d;
}
