/*
 * v2.h - what the files of leonetd's Starlink-compatible face
 * (/public/v2, docs/api/leonetd.yaml, every operation marked x-starlink)
 * share:
 *   v2_routes.c     the route table (srv_routes_v2), paging, the caller's
 *                   account, small JSON helpers
 *   v2_lines.c      account, service lines, user terminals
 *   v2_usage.c      data usage, invoices
 *   v2_telemetry.c  the telemetry stream (lossless: docs/api-stream.md)
 *                   and the latest values
 *
 * Field names are Starlink's and only Starlink's (its schemas forbid
 * additional properties); leonet's extras are under /v1. Paging is
 * Starlink's: zero-based "page", 100 records a page (data usage: "limit",
 * 1..250, 50 by default).
 */
#ifndef LN_SERVER_V2_H
#define LN_SERVER_V2_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "server/srv_int.h"

#define V2_PAGE_SIZE 100      /* Starlink's page size for lists */
#define V2_PAGE_MAX 100000000 /* a page index beyond any store */

/* Starlink's permission names (srv_route.permission). */
#define V2_PERM_ACCOUNT "Account information, View"
#define V2_PERM_PLAN_VIEW "Service plan, View"
#define V2_PERM_PLAN_EDIT "Service plan, Edit"
#define V2_PERM_DEVICE_VIEW "Device management, View"
#define V2_PERM_DEVICE_EDIT "Device management, Edit"
#define V2_PERM_FINANCIAL "Financial, View"
#define V2_PERM_TELEMETRY "Device telemetry, View"

/* ---- v2_routes.c ---------------------------------------------------- */
/* The query's "page" (absent: 0). On a bad value answers 400 naming
 * "page" and returns -1. */
int v2_page(const srv_req *rq, srv_resp *rs, long *page /* OUT */);
/* Starlink's paginated content: {pageIndex, limit, isLastPage, results,
 * totalCount}; results is stolen. */
json_t *v2_paged(long page, long limit, long total, json_t *results);
/* The account an operation on "the credential's account" acts on: a
 * customer's own; for an operator or auditor the query's accountNumber
 * (leonet's parameter: Starlink's credential is one account's). Answers
 * 400 (operator without accountNumber) or 404 (no such account, or
 * another account's for a customer) and returns -1. */
int v2_account(srv *s, const srv_req *rq, srv_resp *rs,
               ln_st_account *out /* OUT */);
/* The account a list is limited to: the customer's own, an operator's or
 * auditor's accountNumber when given, else NULL (every account). Returns
 * -1 having answered 404 for an unknown or foreign accountNumber. */
int v2_list_scope(srv *s, const srv_req *rq, srv_resp *rs,
                  char account[LN_ST_ID] /* OUT */, const char **scope);
/* 1 when the caller may see records of this account (a customer: its
 * own; operator and auditor: any), else 0. The handler then answers 404
 * exactly as for a record that does not exist. */
int v2_in_scope(const srv_req *rq, const char *account);
/* Answers 400 naming the first query parameter not in allowed
 * (NULL-terminated) and returns -1; 0 when all are known. */
int v2_known_query(const srv_req *rq, srv_resp *rs,
                   const char *const *allowed);
/* An answer for a store error: 503 when the disk is full, 500 else. */
int v2_store_error(srv_resp *rs, int rc, const char *what);
/* "YYYY-MM-DDTHH:MM:SSZ" of a time as a new JSON string. */
json_t *v2_time(double t_unix_s);
/* A string, or JSON null when s is empty. */
json_t *v2_str_or_null(const char *s);
/* Copies at most n - 1 bytes and NUL-terminates. */
void v2_copy(char *dst, size_t n, const char *src);

/* ---- v2_lines.c ------------------------------------------------------ */
int v2_get_account(srv *s, const srv_req *rq, srv_resp *rs);
int v2_list_lines(srv *s, const srv_req *rq, srv_resp *rs);
int v2_create_line(srv *s, const srv_req *rq, srv_resp *rs);
int v2_get_line(srv *s, const srv_req *rq, srv_resp *rs);
int v2_line_add_terminal(srv *s, const srv_req *rq, srv_resp *rs);
int v2_list_terminals(srv *s, const srv_req *rq, srv_resp *rs);
int v2_add_terminal(srv *s, const srv_req *rq, srv_resp *rs);
/* Starlink's ServiceLineResponse of a line (productReferenceId: its
 * account's plan). */
json_t *v2_line_json(srv *s, const ln_st_line *l);

/* ---- v2_usage.c ------------------------------------------------------ */
int v2_data_usage(srv *s, const srv_req *rq, srv_resp *rs);
int v2_list_invoices(srv *s, const srv_req *rq, srv_resp *rs);
int v2_get_invoice(srv *s, const srv_req *rq, srv_resp *rs);

/* ---- v2_telemetry.c -------------------------------------------------- */
int v2_telemetry_stream(srv *s, const srv_req *rq, srv_resp *rs);
int v2_telemetry_query(srv *s, const srv_req *rq, srv_resp *rs);

#endif
