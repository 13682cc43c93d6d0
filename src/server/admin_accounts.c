/*
 * admin_accounts.c - /v1/accounts and /v1/plans (docs/api-admin.md):
 * list, read and create accounts and plans, rename an account or move
 * it to another plan, suspend and resume an
 * account (then the daemon re-reads the accounts, so the next decision
 * for its terminals says account-suspended, alert 95).
 *
 * Lists are pages of 100 in Starlink's paginated shape (pageIndex,
 * limit, isLastPage, results, totalCount), zero-based ?page=. A customer
 * sees its own account only; another account's id answers 404, as an id
 * that does not exist.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "leonet/core.h"
#include "server/admin.h"
#include "server/trust_int.h"

static json_t *plan_json(const ln_plan *p)
{
    return json_pack("{s:s, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:s}", "id",
                     p->id, "hardware_usd", p->hardware_usd,
                     "amortize_years", p->amortize_years, "monthly_usd",
                     p->monthly_usd, "included_gb", p->included_gb,
                     "usd_per_gb", p->usd_per_gb, "peak_mbps", p->peak_mbps,
                     "duty", p->duty, "overage",
                     ln_meter_overage_name(p->overage));
}

static int count_none(void *user, const ln_st_terminal *t)
{
    (void)user;
    (void)t;
    return 0;
}

/* The account as /v1 shows it; with its plan and terminal count when
 * full (one record's answer). */
static json_t *account_json(ln_store *st, const ln_st_account *a, int full)
{
    json_t *o = json_pack("{s:s, s:s, s:s, s:b, s:s}", "id", a->id, "name",
                          a->name, "plan", a->plan, "suspended",
                          a->suspended, "status",
                          a->suspended ? "suspended" : "active");
    if (!o || !full)
        return o;
    ln_plan p;
    if (ln_store_get_plan(st, a->plan, &p) == 0)
        json_object_set_new(o, "plan_detail", plan_json(&p));
    long total = 0;
    if (ln_store_list_terminals(st, a->id, 0, 1, count_none, NULL, &total) ==
        0)
        json_object_set_new(o, "terminals", json_integer(total));
    return o;
}

typedef struct list_ctx {
    ln_store *st;
    json_t *arr;
} list_ctx;

static int on_account(void *user, const ln_st_account *a)
{
    list_ctx *c = user;
    return json_array_append_new(c->arr, account_json(c->st, a, 0));
}

static json_t *page_json(long page, long total, json_t *results)
{
    return json_pack("{s:I, s:i, s:b, s:o, s:I}", "pageIndex",
                     (json_int_t)page, "limit", ADM_PAGE_SIZE, "isLastPage",
                     (page + 1) * ADM_PAGE_SIZE >= total, "results", results,
                     "totalCount", (json_int_t)total);
}

int adm_accounts_get(srv *s, const srv_req *rq, srv_resp *rs)
{
    long page;
    if (adm_page(rq, rs, &page))
        return 0;
    ln_store *st = srv_store(s);
    list_ctx c = {st, json_array()};
    long total = 0;
    if (rq->auth && rq->auth->role == LN_ROLE_CUSTOMER) {
        ln_st_account a;
        int rc = ln_store_get_account(st, rq->auth->account, &a);
        if (rc && rc != LN_ENOTFOUND) {
            json_decref(c.arr);
            return adm_store_error(rs, rc, "accounts");
        }
        if (!rc && page == 0)
            on_account(&c, &a);
        total = rc ? 0 : 1;
    } else {
        int rc = ln_store_list_accounts(st, page * ADM_PAGE_SIZE,
                                        ADM_PAGE_SIZE, on_account, &c,
                                        &total);
        if (rc) {
            json_decref(c.arr);
            return adm_store_error(rs, rc, "accounts");
        }
    }
    return srv_ok(rs, 200, page_json(page, total, c.arr));
}

int adm_path_account(srv *s, const srv_req *rq, srv_resp *rs,
                     ln_st_account *a)
{
    const char *id = rq->param[0];
    if (srv_scope_account(s, rq, rs, id))
        return -1;
    int rc = ln_store_get_account(srv_store(s), id, a);
    if (rc == LN_ENOTFOUND) {
        srv_error(rs, 404, "id", "no account '%s'", id);
        return -1;
    }
    if (rc) {
        adm_store_error(rs, rc, "account");
        return -1;
    }
    return 0;
}

int adm_account_get(srv *s, const srv_req *rq, srv_resp *rs)
{
    ln_st_account a;
    if (adm_path_account(s, rq, rs, &a))
        return 0;
    return srv_ok(rs, 200, account_json(srv_store(s), &a, 1));
}

/* An id of 1..63 characters out of [A-Za-z0-9._-] (it goes into paths
 * and invoice ids): 1 when it is one. */
static int id_ok(const char *id)
{
    size_t n = strlen(id);
    if (n == 0 || n >= LN_ST_ID)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = id[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
              (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

/* A string member: 0 and *out (NULL when absent and optional), or 400
 * and -1. */
static int member_str(srv_resp *rs, json_t *o, const char *key,
                      int required, size_t max, const char **out)
{
    json_t *v = json_object_get(o, key);
    *out = NULL;
    if (!v && !required)
        return 0;
    if (!json_is_string(v)) {
        srv_error(rs, 400, key, "%s must be a string%s", key,
                  required ? " (required)" : "");
        return -1;
    }
    if (json_string_length(v) >= max) {
        srv_error(rs, 400, key, "%s is longer than %zu bytes", key,
                  max - 1);
        return -1;
    }
    *out = json_string_value(v);
    return 0;
}

int adm_accounts_post(srv *s, const srv_req *rq, srv_resp *rs)
{
    static const char *const names[] = {"id", "name", "plan", NULL};
    json_t *o = srv_body_object(rq, rs);
    if (!o)
        return 0;
    const char *id, *name, *plan;
    int bad = adm_known_members(rs, o, names) ||
              member_str(rs, o, "id", 1, LN_ST_ID, &id) ||
              member_str(rs, o, "name", 0, 128, &name) ||
              member_str(rs, o, "plan", 1, LN_ST_ID, &plan);
    if (!bad && !id_ok(id)) {
        srv_error(rs, 400, "id", "id must be 1 to %d characters of "
                                 "A-Z a-z 0-9 . _ -", LN_ST_ID - 1);
        bad = 1;
    }
    ln_store *st = srv_store(s);
    ln_plan p;
    int rc = bad ? 0 : ln_store_get_plan(st, plan, &p);
    if (!bad && rc == LN_ENOTFOUND) {
        srv_error(rs, 400, "plan", "plan '%s' does not exist", plan);
        bad = 1;
    } else if (!bad && rc) {
        bad = 1;
        adm_store_error(rs, rc, "plan");
    }
    ln_st_account a;
    if (!bad) {
        rc = ln_store_get_account(st, id, &a);
        if (rc == 0) {
            srv_error(rs, 409, "id", "account '%s' exists already", id);
            bad = 1;
        } else if (rc != LN_ENOTFOUND) {
            adm_store_error(rs, rc, "account");
            bad = 1;
        }
    }
    if (bad) {
        json_decref(o);
        return 0;
    }
    memset(&a, 0, sizeof a);
    snprintf(a.id, sizeof a.id, "%s", id);
    snprintf(a.name, sizeof a.name, "%s", name ? name : "");
    snprintf(a.plan, sizeof a.plan, "%s", plan);
    json_decref(o);
    rc = ln_store_put_account(st, &a);
    if (!rc)
        rc = srv_reload_accounts(s);
    if (rc)
        return adm_store_error(rs, rc, "account");
    return srv_ok(rs, 201, account_json(st, &a, 1));
}

int adm_account_patch(srv *s, const srv_req *rq, srv_resp *rs)
{
    static const char *const names[] = {"name", "plan", NULL};
    ln_st_account a;
    if (adm_path_account(s, rq, rs, &a))
        return 0;
    json_t *o = srv_body_object(rq, rs);
    if (!o)
        return 0;
    const char *name, *plan;
    int bad = adm_known_members(rs, o, names) ||
              member_str(rs, o, "name", 0, sizeof a.name, &name) ||
              member_str(rs, o, "plan", 0, sizeof a.plan, &plan);
    ln_store *st = srv_store(s);
    ln_plan p;
    int rc = bad || !plan ? 0 : ln_store_get_plan(st, plan, &p);
    if (rc == LN_ENOTFOUND) {
        srv_error(rs, 400, "plan", "plan '%s' does not exist", plan);
        bad = 1;
    } else if (rc) {
        adm_store_error(rs, rc, "plan");
        bad = 1;
    }
    if (!bad) {
        if (name)
            snprintf(a.name, sizeof a.name, "%s", name);
        if (plan)
            snprintf(a.plan, sizeof a.plan, "%s", plan);
    }
    json_decref(o);
    if (bad)
        return 0;
    rc = ln_store_put_account(st, &a);
    if (!rc)
        rc = srv_reload_accounts(s);
    if (rc)
        return adm_store_error(rs, rc, "account");
    return srv_ok(rs, 200, account_json(st, &a, 1));
}

static int set_suspended(srv *s, const srv_req *rq, srv_resp *rs, int on)
{
    ln_st_account a;
    if (adm_path_account(s, rq, rs, &a))
        return 0;
    /* issue 15: a protected account is suspended by a change request */
    if (on && srv_trust_gate_suspend(s, rq, rs, a.id))
        return 0;
    int was = a.suspended;
    a.suspended = on;
    int rc = ln_store_put_account(srv_store(s), &a);
    if (!rc) { /* a grant belongs to the suspension it made */
        srv_trust_note_suspension(s, a.id, on, was);
        rc = srv_reload_accounts(s);
    }
    if (rc)
        return adm_store_error(rs, rc, on ? "suspend" : "resume");
    return srv_ok(rs, 200, account_json(srv_store(s), &a, 1));
}

int adm_account_suspend(srv *s, const srv_req *rq, srv_resp *rs)
{
    return set_suspended(s, rq, rs, 1);
}

int adm_account_resume(srv *s, const srv_req *rq, srv_resp *rs)
{
    return set_suspended(s, rq, rs, 0);
}

static int on_plan(void *user, const ln_plan *p)
{
    return json_array_append_new(user, plan_json(p));
}

int adm_plans_get(srv *s, const srv_req *rq, srv_resp *rs)
{
    (void)rq;
    json_t *arr = json_array();
    int rc = ln_store_list_plans(srv_store(s), on_plan, arr);
    if (rc) {
        json_decref(arr);
        return adm_store_error(rs, rc, "plans");
    }
    long n = (long)json_array_size(arr);
    return srv_ok(rs, 200, page_json(0, n, arr));
}

/* A number member >= lo (and <= hi): 0 and *out (def when absent and
 * optional), or 400 and -1. */
static int member_num(srv_resp *rs, json_t *o, const char *key,
                      int required, double def, double lo, double hi,
                      double *out)
{
    json_t *v = json_object_get(o, key);
    *out = def;
    if (!v && !required)
        return 0;
    double x = json_is_number(v) ? json_number_value(v) : NAN;
    if (!(x >= lo && x <= hi)) {
        srv_error(rs, 400, key, "%s must be a number from %g to %g%s", key,
                  lo, hi, required ? " (required)" : "");
        return -1;
    }
    *out = x;
    return 0;
}

static int parse_plan(srv_resp *rs, json_t *o, ln_plan *p)
{
    static const char *const names[] = {
        "id", "hardware_usd", "amortize_years", "monthly_usd", "included_gb",
        "usd_per_gb", "peak_mbps", "duty", "overage", NULL};
    const char *id, *ov;
    memset(p, 0, sizeof *p);
    if (adm_known_members(rs, o, names) ||
        member_str(rs, o, "id", 1, sizeof p->id, &id) ||
        member_num(rs, o, "monthly_usd", 1, 0, 0, 1e9, &p->monthly_usd) ||
        member_num(rs, o, "included_gb", 1, 0, 0, 1e12, &p->included_gb) ||
        member_num(rs, o, "usd_per_gb", 1, 0, 0, 1e9, &p->usd_per_gb) ||
        member_num(rs, o, "hardware_usd", 0, 0, 0, 1e9, &p->hardware_usd) ||
        member_num(rs, o, "amortize_years", 0, 3, 0.01, 100,
                   &p->amortize_years) ||
        member_num(rs, o, "peak_mbps", 0, 0, 0, 1e6, &p->peak_mbps) ||
        member_num(rs, o, "duty", 0, 0, 0, 1, &p->duty) ||
        member_str(rs, o, "overage", 0, 32, &ov))
        return -1;
    if (!id_ok(id)) {
        srv_error(rs, 400, "id", "id must be 1 to %d characters of "
                                 "A-Z a-z 0-9 . _ -", LN_ST_ID - 1);
        return -1;
    }
    snprintf(p->id, sizeof p->id, "%s", id);
    p->overage = LN_OVERAGE_PER_TERMINAL;
    if (ov && strcmp(ov, "pooled") == 0)
        p->overage = LN_OVERAGE_POOLED;
    else if (ov && strcmp(ov, "per_terminal") != 0) {
        srv_error(rs, 400, "overage",
                  "overage must be \"per_terminal\" or \"pooled\"");
        return -1;
    }
    return 0;
}

int adm_plans_post(srv *s, const srv_req *rq, srv_resp *rs)
{
    json_t *o = srv_body_object(rq, rs);
    if (!o)
        return 0;
    ln_plan p;
    int bad = parse_plan(rs, o, &p);
    json_decref(o);
    if (bad)
        return 0;
    ln_store *st = srv_store(s);
    ln_plan old;
    int rc = ln_store_get_plan(st, p.id, &old);
    if (rc == 0)
        return srv_error(rs, 409, "id", "plan '%s' exists already", p.id);
    if (rc != LN_ENOTFOUND)
        return adm_store_error(rs, rc, "plan");
    rc = ln_store_put_plan(st, &p);
    if (rc)
        return adm_store_error(rs, rc, "plan");
    return srv_ok(rs, 201, plan_json(&p));
}
