/*
 * v2_routes.c - leonetd's Starlink-compatible face: the route table
 * (srv_routes_v2) with Starlink's paths and permission names, and the
 * helpers every /public/v2 handler shares (paging, the caller's account,
 * query checks, times).
 *
 * Who may do what (docs/api.md, "Roles"): a "View" permission is held by
 * operator, customer and auditor; an "Edit" permission by operator and
 * customer (the customer on its own account only, checked in the
 * handler); a terminal token holds none of them (403 from the core).
 *
 * Starlink's credential belongs to one account, so its operations on
 * "the account" name none. leonetd's operator and auditor speak for every
 * account: on those operations they name one with the query parameter
 * accountNumber (leonet's, not Starlink's); on lists it filters.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "leonet/err.h"
#include "server/v2.h"

#define VIEW SRV_READERS
#define EDIT (SRV_ROLE(LN_ROLE_OPERATOR) | SRV_ROLE(LN_ROLE_CUSTOMER))

const srv_route srv_routes_v2[] = {
    {"GET", "/public/v2/account", v2_get_account, V2_PERM_ACCOUNT, VIEW, 1,
     "v2_account"},
    {"GET", "/public/v2/service-lines", v2_list_lines, V2_PERM_PLAN_VIEW,
     VIEW, 1, "v2_service_lines"},
    {"POST", "/public/v2/service-lines", v2_create_line, V2_PERM_PLAN_EDIT,
     EDIT, 1, "v2_service_lines_create"},
    {"GET", "/public/v2/service-lines/{serviceLineNumber}", v2_get_line,
     V2_PERM_PLAN_VIEW, VIEW, 1, "v2_service_line"},
    {"POST", "/public/v2/service-lines/{serviceLineNumber}/user-terminals",
     v2_line_add_terminal, V2_PERM_PLAN_EDIT, EDIT, 1,
     "v2_service_line_terminals_add"},
    {"GET", "/public/v2/user-terminals", v2_list_terminals,
     V2_PERM_DEVICE_VIEW, VIEW, 1, "v2_user_terminals"},
    {"POST", "/public/v2/user-terminals", v2_add_terminal,
     V2_PERM_DEVICE_EDIT, EDIT, 1, "v2_user_terminals_add"},
    {"POST", "/public/v2/data-usage/query", v2_data_usage,
     V2_PERM_PLAN_VIEW, VIEW, 1, "v2_data_usage"},
    {"GET", "/public/v2/billing/invoices", v2_list_invoices,
     V2_PERM_FINANCIAL, VIEW, 1, "v2_invoices"},
    {"GET", "/public/v2/billing/invoices/{invoiceId}", v2_get_invoice,
     V2_PERM_FINANCIAL, VIEW, 1, "v2_invoice"},
    {"POST", "/public/v2/telemetry/stream", v2_telemetry_stream,
     V2_PERM_TELEMETRY, VIEW, 1, "v2_telemetry_stream"},
    {"POST", "/public/v2/telemetry/query", v2_telemetry_query,
     V2_PERM_TELEMETRY, VIEW, 1, "v2_telemetry_query"},
    {NULL, NULL, NULL, NULL, 0, 0, NULL},
};

void v2_copy(char *dst, size_t n, const char *src)
{
    size_t len = strlen(src);

    if (len >= n)
        len = n - 1;
    memcpy(dst, src, len);
    dst[len] = '\0';
}

int v2_page(const srv_req *rq, srv_resp *rs, long *page)
{
    const char *v = srv_query(rq, "page");
    char *end = NULL;
    long p;

    *page = 0;
    if (v == NULL)
        return 0;
    errno = 0;
    p = strtol(v, &end, 10);
    if (*v == '\0' || *end != '\0' || errno != 0 || p < 0 ||
        p > V2_PAGE_MAX) {
        srv_error(rs, 400, "page",
                  "page: must be a whole number 0..%d (zero-based), got "
                  "'%.40s'", V2_PAGE_MAX, v);
        return -1;
    }
    *page = p;
    return 0;
}

json_t *v2_paged(long page, long limit, long total, json_t *results)
{
    json_t *o = json_object();
    int last = (page + 1) * limit >= total;

    json_object_set_new(o, "pageIndex", json_integer(page));
    json_object_set_new(o, "limit", json_integer(limit));
    json_object_set_new(o, "isLastPage", json_boolean(last));
    json_object_set_new(o, "results", results);
    json_object_set_new(o, "totalCount", json_integer(total));
    return o;
}

/* 404 for an account the caller may not see or that does not exist: the
 * same answer for both (a customer is not told it exists). */
static int no_account(srv_resp *rs, const char *id)
{
    return srv_error(rs, 404, "accountNumber",
                     "accountNumber: no account '%.64s'", id);
}

int v2_account(srv *s, const srv_req *rq, srv_resp *rs, ln_st_account *out)
{
    const char *want = srv_query(rq, "accountNumber");
    const char *id;
    int rc;

    if (rq->auth->role == LN_ROLE_CUSTOMER) {
        if (want != NULL && strcmp(want, rq->auth->account) != 0) {
            no_account(rs, want);
            return -1;
        }
        id = rq->auth->account;
    } else if (want == NULL || *want == '\0') {
        srv_error(rs, 400, "accountNumber",
                  "accountNumber: an %s token speaks for every account; "
                  "name one with ?accountNumber=",
                  ln_role_name(rq->auth->role));
        return -1;
    } else {
        id = want;
    }
    rc = ln_store_get_account(srv_store(s), id, out);
    if (rc == LN_ENOTFOUND) {
        no_account(rs, id);
        return -1;
    }
    if (rc != 0) {
        v2_store_error(rs, rc, "account");
        return -1;
    }
    return 0;
}

int v2_list_scope(srv *s, const srv_req *rq, srv_resp *rs,
                  char account[LN_ST_ID], const char **scope)
{
    const char *want = srv_query(rq, "accountNumber");
    ln_st_account a;

    *scope = NULL;
    account[0] = '\0';
    if (rq->auth->role == LN_ROLE_CUSTOMER || want != NULL) {
        if (v2_account(s, rq, rs, &a) != 0)
            return -1;
        v2_copy(account, LN_ST_ID, a.id);
        *scope = account;
    }
    return 0;
}

int v2_in_scope(const srv_req *rq, const char *account)
{
    if (rq->auth->role == LN_ROLE_OPERATOR ||
        rq->auth->role == LN_ROLE_AUDITOR)
        return 1;
    return rq->auth->role == LN_ROLE_CUSTOMER &&
           strcmp(rq->auth->account, account) == 0;
}

int v2_known_query(const srv_req *rq, srv_resp *rs,
                   const char *const *allowed)
{
    for (int i = 0; i < rq->nquery; i++) {
        size_t k = 0;

        while (allowed[k] != NULL && strcmp(allowed[k], rq->qkey[i]) != 0)
            k++;
        if (allowed[k] == NULL)
            return srv_error(rs, 400, rq->qkey[i],
                             "%.64s: not a query parameter of this "
                             "operation in leonetd (docs/api/leonetd.yaml "
                             "lists those it takes)", rq->qkey[i]), -1;
    }
    return 0;
}

int v2_store_error(srv_resp *rs, int rc, const char *what)
{
    if (rc == LN_ESTORE_FULL)
        return srv_error(rs, 503, NULL, "%s: the store is full (%s)", what,
                         ln_strerror(rc));
    return srv_error(rs, 500, NULL, "%s: the store failed (%s)", what,
                     ln_strerror(rc));
}

json_t *v2_time(double t_unix_s)
{
    char buf[40];

    ln_time_format_iso(t_unix_s, 0, buf, sizeof buf);
    return json_string(buf);
}

json_t *v2_str_or_null(const char *s)
{
    return (s == NULL || *s == '\0') ? json_null() : json_string(s);
}
