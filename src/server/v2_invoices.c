/*
 * v2_invoices.c - GET /public/v2/billing/invoices and
 * /public/v2/billing/invoices/{invoiceId}: an account's monthly invoices
 * (billing.h: the months with usage and the current one, newest first;
 * the numbers from meter's ln_meter_invoice) in Starlink's shapes
 * (InvoiceSummaryResponse, InvoiceDetailResponse), 100 to a page.
 *
 * Status (Starlink's PublicInvoiceStatus): "Unknown" while the month is
 * not over (provisional: it may still grow), "Outstanding" after (leonet
 * records no payments, so paidAmount is 0 and nothing is "Paid").
 * Currency is USD; leonet charges no tax (taxAmount 0). invoiceDate is
 * the first second after the month; no due date is set.
 *
 * Scope: invoices are per account: a customer's own; an operator or
 * auditor names the account with ?accountNumber= on the list. An
 * invoice id names its account: another account's is 404 for a
 * customer, the same answer as for an id with no invoice.
 */
#include <stdio.h>
#include <string.h>

#include "leonet/err.h"
#include "server/billing.h"
#include "server/v2.h"

#define MONTHS_MAX 1200 /* a century of months: more than any store has */

static const char *status_of(const srv_invoice *iv)
{
    return iv->provisional ? "Unknown" : "Outstanding";
}

static json_t *summary_json(const srv_invoice *iv)
{
    json_t *o = json_object();
    char desc[128];

    snprintf(desc, sizeof desc, "leonet service %04d-%02d, plan %s",
             iv->year, iv->month, iv->plan);
    json_object_set_new(o, "invoiceId", json_string(iv->id));
    json_object_set_new(o, "description", json_string(desc));
    json_object_set_new(o, "currency", json_string("USD"));
    json_object_set_new(o, "amount", json_real(iv->inv.total_usd));
    json_object_set_new(o, "dueAmount", json_real(iv->inv.total_usd));
    json_object_set_new(o, "invoiceDate", v2_time(iv->end_unix_s));
    json_object_set_new(o, "dueDate", json_null());
    json_object_set_new(o, "status", json_string(status_of(iv)));
    return o;
}

static json_t *line_json(const srv_invoice *iv, const srv_invoice_line *l)
{
    json_t *o = json_object();

    json_object_set_new(o, "productReferenceId", json_string(l->product));
    json_object_set_new(o, "productDescription",
                        json_string(l->description));
    json_object_set_new(o, "serviceName", json_string(iv->plan));
    json_object_set_new(o, "serviceLineNumbers", json_array());
    json_object_set_new(o, "quantity", json_real(l->quantity));
    json_object_set_new(o, "unitPrice", json_real(l->unit_usd));
    json_object_set_new(o, "taxAmount", json_real(0));
    json_object_set_new(o, "subTotal", json_real(l->subtotal_usd));
    json_object_set_new(o, "servicePeriodStartDate",
                        v2_time(iv->start_unix_s));
    json_object_set_new(o, "servicePeriodEndDate", v2_time(iv->end_unix_s));
    return o;
}

/* The account's service lines as a JSON array of numbers. */
static int numbers_cb(void *user, const ln_st_line *l)
{
    json_array_append_new((json_t *)user, json_string(l->number));
    return 0;
}

static json_t *detail_json(srv *s, const srv_invoice *iv)
{
    json_t *o = json_object(), *lines = json_array();
    json_t *numbers = json_array();

    ln_store_list_lines(srv_store(s), iv->account, 0, 0, numbers_cb,
                        numbers, NULL);
    for (int i = 0; i < iv->nlines; i++) {
        json_t *l = line_json(iv, &iv->lines[i]);

        json_object_set_new(l, "serviceLineNumbers",
                            json_deep_copy(numbers));
        json_array_append_new(lines, l);
    }
    json_decref(numbers);
    json_object_set_new(o, "invoiceId", json_string(iv->id));
    json_object_set_new(o, "currency", json_string("USD"));
    json_object_set_new(o, "dueAmount", json_real(iv->inv.total_usd));
    json_object_set_new(o, "paidAmount", json_real(0));
    json_object_set_new(o, "invoiceDate", v2_time(iv->end_unix_s));
    json_object_set_new(o, "dueDate", json_null());
    json_object_set_new(o, "invoiceLines", lines);
    return o;
}

static int billing_error(srv_resp *rs, int rc)
{
    if (rc == LN_ENOTFOUND)
        return srv_error(rs, 404, "invoiceId", "invoiceId: no invoice");
    return v2_store_error(rs, rc, "invoices");
}

int v2_list_invoices(srv *s, const srv_req *rq, srv_resp *rs)
{
    static const char *const QUERY[] = {"page", "accountNumber", NULL};
    int ym[MONTHS_MAX];
    ln_st_account a;
    srv_invoice iv;
    json_t *results;
    size_t n = 0;
    long page;
    int rc;

    if (v2_known_query(rq, rs, QUERY) != 0 || v2_page(rq, rs, &page) != 0 ||
        v2_account(s, rq, rs, &a) != 0)
        return 0;
    rc = srv_billing_months(s, a.id, rq->t_unix_s, ym, MONTHS_MAX, &n);
    if (rc != 0)
        return billing_error(rs, rc);
    if (n > MONTHS_MAX)
        n = MONTHS_MAX;
    results = json_array();
    for (size_t i = (size_t)page * V2_PAGE_SIZE;
         i < n && i < (size_t)(page + 1) * V2_PAGE_SIZE; i++) {
        rc = srv_billing_invoice(s, a.id, ym[i] / 100, ym[i] % 100,
                                 rq->t_unix_s, &iv);
        if (rc != 0) {
            json_decref(results);
            return billing_error(rs, rc);
        }
        json_array_append_new(results, summary_json(&iv));
    }
    return srv_ok(rs, 200, v2_paged(page, V2_PAGE_SIZE, (long)n, results));
}

/* 1 when (year, month) is one of the account's invoiced months. */
static int invoiced(srv *s, const char *account, int year, int month,
                    double now_unix_s, int *rc)
{
    int ym[MONTHS_MAX];
    size_t n = 0;

    *rc = srv_billing_months(s, account, now_unix_s, ym, MONTHS_MAX, &n);
    if (*rc != 0)
        return 0;
    for (size_t i = 0; i < n && i < MONTHS_MAX; i++)
        if (ym[i] == year * 100 + month)
            return 1;
    return 0;
}

int v2_get_invoice(srv *s, const srv_req *rq, srv_resp *rs)
{
    static const char *const QUERY[] = {NULL};
    const char *id = rq->nparam > 0 ? rq->param[0] : "";
    char account[LN_ST_ID];
    srv_invoice iv;
    int year, month, rc = 0;

    if (v2_known_query(rq, rs, QUERY) != 0)
        return 0;
    if (srv_billing_parse_invoice_id(id, account, &year, &month) != 0)
        return srv_error(rs, 404, "invoiceId", "invoiceId: no invoice "
                         "'%.80s' (leonet's ids are INV-<account>-YYYY-MM)",
                         id);
    if (!v2_in_scope(rq, account) ||
        !invoiced(s, account, year, month, rq->t_unix_s, &rc)) {
        if (rc != 0 && rc != LN_ENOTFOUND)
            return billing_error(rs, rc);
        return srv_error(rs, 404, "invoiceId", "invoiceId: no invoice "
                         "'%.80s'", id);
    }
    rc = srv_billing_invoice(s, account, year, month, rq->t_unix_s, &iv);
    if (rc != 0)
        return billing_error(rs, rc);
    return srv_ok(rs, 200, detail_json(s, &iv));
}
