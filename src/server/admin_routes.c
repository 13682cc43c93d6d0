/*
 * admin_routes.c - the /v1 administration's route table and the helpers
 * its handlers share (admin.h; docs/api-admin.md).
 *
 * Permissions carry Starlink's names where Starlink has the operation's
 * kind ("Account information", "Service plan", "Financial") and
 * leonet's own in the same style otherwise ("Zones"). Roles: the
 * operator edits, the auditor reads everything, a customer reads its own
 * account only (the handlers check the scope: another account's records
 * answer 404), a terminal holds none of them.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "leonet/core.h"
#include "server/admin.h"

#define OP SRV_ROLE(LN_ROLE_OPERATOR)
#define AUD SRV_ROLE(LN_ROLE_AUDITOR)
#define CUST SRV_ROLE(LN_ROLE_CUSTOMER)

const srv_route srv_routes_admin[] = {
    {"GET", "/v1/zones", adm_zones_get, "Zones, View", OP | AUD, 0,
     "v1_zones_get"},
    {"POST", "/v1/zones", adm_zones_post, "Zones, Edit", OP, 0,
     "v1_zones_post"},
    {"GET", "/v1/zones/{id}", adm_zone_get, "Zones, View", OP | AUD, 0,
     "v1_zone_get"},
    {"DELETE", "/v1/zones/{id}", adm_zone_delete, "Zones, Edit", OP, 0,
     "v1_zone_delete"},
    /* a zone id "<zone>/<feature>" (a scenario file's zones, named as
     * the engine names them) */
    {"GET", "/v1/zones/{id}/{sub}", adm_zone_get, "Zones, View", OP | AUD,
     0, "v1_zone_sub_get"},
    {"DELETE", "/v1/zones/{id}/{sub}", adm_zone_delete, "Zones, Edit", OP,
     0, "v1_zone_sub_delete"},
    {"GET", "/v1/accounts", adm_accounts_get, "Account information, View",
     OP | AUD | CUST, 0, "v1_accounts_get"},
    {"POST", "/v1/accounts", adm_accounts_post, "Account information, Edit",
     OP, 0, "v1_accounts_post"},
    {"GET", "/v1/accounts/{id}", adm_account_get,
     "Account information, View", OP | AUD | CUST, 0, "v1_account_get"},
    {"PATCH", "/v1/accounts/{id}", adm_account_patch,
     "Account information, Edit", OP, 0, "v1_account_patch"},
    {"POST", "/v1/accounts/{id}/suspend", adm_account_suspend,
     "Account information, Edit", OP, 0, "v1_account_suspend_post"},
    {"POST", "/v1/accounts/{id}/resume", adm_account_resume,
     "Account information, Edit", OP, 0, "v1_account_resume_post"},
    {"GET", "/v1/accounts/{id}/usage", adm_usage_get, "Service plan, View",
     OP | AUD | CUST, 0, "v1_account_usage_get"},
    {"GET", "/v1/accounts/{id}/invoices", adm_invoices_get,
     "Financial, View", OP | AUD | CUST, 0, "v1_account_invoices_get"},
    {"GET", "/v1/accounts/{id}/invoices/{month}", adm_invoice_get,
     "Financial, View", OP | AUD | CUST, 0, "v1_account_invoice_get"},
    {"GET", "/v1/plans", adm_plans_get, "Service plan, View", OP | AUD, 0,
     "v1_plans_get"},
    {"POST", "/v1/plans", adm_plans_post, "Service plan, Edit", OP, 0,
     "v1_plans_post"},
    {NULL, NULL, NULL, NULL, 0, 0, NULL},
};

int adm_store_error(srv_resp *rs, int rc, const char *what)
{
    if (rc == LN_ESTORE_FULL)
        srv_error(rs, 503, NULL, "%s: the store is full (nothing was "
                                 "written); try again later", what);
    else
        srv_error(rs, 500, NULL, "%s: %s", what, ln_strerror(rc));
    return 0;
}

int adm_known_members(srv_resp *rs, json_t *o, const char *const *names)
{
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v) {
        int known = 0;
        for (size_t i = 0; names[i] && !known; i++)
            known = strcmp(key, names[i]) == 0;
        if (!known) {
            srv_error(rs, 400, key, "unknown member \"%s\"", key);
            return -1;
        }
    }
    return 0;
}

json_t *adm_time_json(double t_unix_s)
{
    if (!isfinite(t_unix_s))
        return json_null();
    char buf[40];
    return json_string(ln_time_format_iso(t_unix_s, 0, buf, sizeof buf));
}

int adm_page(const srv_req *rq, srv_resp *rs, long *page)
{
    const char *p = srv_query(rq, "page");
    *page = 0;
    if (!p)
        return 0;
    char *end;
    long v = strtol(p, &end, 10);
    if (!*p || *end || v < 0 || v > 100000000) {
        srv_error(rs, 400, "page", "page must be an integer from 0");
        return -1;
    }
    *page = v;
    return 0;
}
