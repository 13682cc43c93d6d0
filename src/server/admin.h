/*
 * admin.h - leonet's own /v1 administration (docs/api-admin.md): zones
 * (admin_zones.c), accounts and plans (admin_accounts.c), usage and
 * invoices (admin_billing.c); the route table is admin_routes.c.
 * Private to the admin_*.c files.
 */
#ifndef LN_SERVER_ADMIN_H
#define LN_SERVER_ADMIN_H

#include "server/srv_int.h"

/* zones */
int adm_zones_get(srv *s, const srv_req *rq, srv_resp *rs);
int adm_zones_post(srv *s, const srv_req *rq, srv_resp *rs);
int adm_zone_get(srv *s, const srv_req *rq, srv_resp *rs);
int adm_zone_delete(srv *s, const srv_req *rq, srv_resp *rs);

/* accounts and plans */
int adm_accounts_get(srv *s, const srv_req *rq, srv_resp *rs);
int adm_accounts_post(srv *s, const srv_req *rq, srv_resp *rs);
int adm_account_get(srv *s, const srv_req *rq, srv_resp *rs);
int adm_account_patch(srv *s, const srv_req *rq, srv_resp *rs);
int adm_account_suspend(srv *s, const srv_req *rq, srv_resp *rs);
int adm_account_resume(srv *s, const srv_req *rq, srv_resp *rs);
int adm_plans_get(srv *s, const srv_req *rq, srv_resp *rs);
int adm_plans_post(srv *s, const srv_req *rq, srv_resp *rs);

/* usage and invoices */
int adm_usage_get(srv *s, const srv_req *rq, srv_resp *rs);
int adm_invoices_get(srv *s, const srv_req *rq, srv_resp *rs);
int adm_invoice_get(srv *s, const srv_req *rq, srv_resp *rs);

/* Handlers return 0 once rs holds the answer, error answers included
 * (the value of srv_ok / srv_error); the helpers below that return -1
 * have answered too, and the caller stops. */

/* ---- shared by the admin files (admin_routes.c) ---------------------- */
/* The answer for a store failure: 503 for a full disk, 500 otherwise
 * (what names the operation). Returns 0 (the answer is set). */
int adm_store_error(srv_resp *rs, int rc, const char *what);
/* A member of a request object that is none of the names (NULL-ended)
 * gets 400 naming it; returns -1 then, 0 when all are known. */
int adm_known_members(srv_resp *rs, json_t *o, const char *const *names);
/* "YYYY-MM-DDTHH:MM:SSZ", or JSON null for an infinite time. */
json_t *adm_time_json(double t_unix_s);
/* The query's page (zero-based, default 0): 0, or 400 and -1. */
int adm_page(const srv_req *rq, srv_resp *rs, long *page /* OUT */);
/* The account named by the path ({id}), in the caller's scope and
 * present, into *a: 0, or an answer (404, 5xx) and -1. */
int adm_path_account(srv *s, const srv_req *rq, srv_resp *rs,
                     ln_st_account *a /* OUT */);

#define ADM_PAGE_SIZE 100 /* as Starlink's lists */

#endif
