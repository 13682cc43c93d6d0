/*
 * billing.h - an account's monthly invoices, for both faces of the API:
 * /v1/accounts/{id}/invoices[/{YYYY-MM}] (admin_billing.c) and
 * /public/v2/billing/invoices[/{invoiceId}] (v2_*.c). Implemented in
 * billing.c; the numbers come from meter's ln_meter_invoice (meter.h,
 * "invoices"), the one place the rules live.
 *
 * What is billed. A calendar month (UTC) of an account: its plan's
 * monthly fee for every terminal of the account (its terminals now, plus
 * any other terminal with usage in the month), and the traffic beyond
 * included_gb counted per terminal or pooled as the plan says, at
 * usd_per_gb. Traffic is the store's billed bytes (ln_store_usage: a
 * denied report bills nothing), 1 GB = 1e9 bytes. Amounts are US
 * dollars rounded to the cent; the total is the sum of the rounded
 * lines. Hardware is not on the monthly invoice (the cost model's
 * amortization is an annual figure, not a charge).
 *
 * Which months. srv_billing_months lists the months in which the
 * account has usage rows, and the current month (the one containing
 * now_unix_s), newest first. A month not yet over at now_unix_s is
 * provisional: its numbers may still grow.
 *
 * Invoice ids: "INV-" + account id + "-" + YYYY-MM, e.g.
 * "INV-ACC-0001-2022-10" (the month is always the last 7 characters, so
 * account ids may contain '-').
 *
 * Threads: every function may be called from any HTTP thread at once
 * (the store is thread-safe; nothing here keeps state).
 */
#ifndef LN_SERVER_BILLING_H
#define LN_SERVER_BILLING_H

#include <stddef.h>

#include "leonet/meter.h"
#include "server/srv_int.h"

#define SRV_INVOICE_ID 96   /* buffer size of an invoice id */
#define SRV_INVOICE_LINES 2 /* service fee, overage */

/* One line item (maps to Starlink's InvoiceLineDetailResponse). */
typedef struct srv_invoice_line {
    const char *product;      /* "service-fee" or "overage" (static) */
    const char *description;  /* human text (static) */
    double quantity;          /* terminals, or GB beyond the included */
    double unit_usd;          /* monthly fee, or usd_per_gb */
    double subtotal_usd;      /* quantity x unit, rounded to the cent */
} srv_invoice_line;

typedef struct srv_invoice {
    char id[SRV_INVOICE_ID];  /* "INV-<account>-<YYYY-MM>" */
    char account[LN_ST_ID];
    char plan[LN_ST_ID];      /* the account's plan (ln_plan.id) */
    int year, month;          /* the calendar month, month 1..12 */
    double start_unix_s;      /* first second of the month, UTC */
    double end_unix_s;        /* first second of the next month */
    int provisional;          /* 1: the month is not over at now_unix_s */
    int overage_mode;         /* LN_OVERAGE_* of the plan */
    ln_invoice inv;           /* the numbers (meter.h): terminals, GB,
                                 included and over GB, fees, total */
    srv_invoice_line lines[SRV_INVOICE_LINES];
    int nlines;               /* always 2 (an overage line of 0 too) */
} srv_invoice;

/* srv_billing_invoice
 * Given:    s            the daemon (its store)
 *           account      account id (the caller has checked its scope)
 *           year, month  the calendar month, month 1..12
 *           now_unix_s   the time of the request (provisional or not)
 * Returned: out          the invoice
 * Status:   0, LN_ENOTFOUND (no such account, or its plan is missing),
 *           LN_ERANGE (month out of 1..12, year out of 1970..9999),
 *           LN_EIO / LN_ESTORE (store), LN_ENOMEM */
int srv_billing_invoice(srv *s, const char *account, int year, int month,
                        double now_unix_s, srv_invoice *out /* OUT */);

/* srv_billing_months
 * Given:    account      account id
 *           now_unix_s   the time of the request
 *           max          room in ym
 * Returned: ym           year * 100 + month of each invoiced month,
 *                        newest first (at most max)
 *           n            how many months there are in all (may be > max)
 * Status:   0, LN_ENOTFOUND (no such account), LN_EIO / LN_ESTORE */
int srv_billing_months(srv *s, const char *account, double now_unix_s,
                       int *ym /* OUT, max */, size_t max,
                       size_t *n /* OUT */);

/* The id of an account's invoice for a month ("INV-<account>-YYYY-MM").
 * Returns 0, or LN_ETOOBIG when it does not fit in size bytes. */
int srv_billing_invoice_id(const char *account, int year, int month,
                           char *buf /* OUT */, size_t size);
/* The account (LN_ST_ID bytes) and month of an invoice id: 0, or
 * LN_EPARSE when id is not of that form. */
int srv_billing_parse_invoice_id(const char *id, char *account /* OUT */,
                                 int *year /* OUT */, int *month /* OUT */);

/* "YYYY-MM" -> year, month: 0, or LN_EPARSE. */
int srv_billing_parse_month(const char *s, int *year /* OUT */,
                            int *month /* OUT */);

/* leonet's /v1 form of an invoice (docs/api-admin.md): a new object. */
json_t *srv_billing_invoice_json(const srv_invoice *iv);

#endif
