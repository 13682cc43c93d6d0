/*
 * admin_billing.c - /v1/accounts/{id}/usage and /invoices
 * (docs/api-admin.md): an account's usage of a month per day and per
 * terminal (the store's usage rows: billed bytes, reports, denied
 * reports), and its monthly invoices (billing.h, the same ones
 * /public/v2/billing shows).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "leonet/core.h"
#include "server/admin.h"
#include "server/billing.h"

/* The account of the path in the caller's scope and present: 0, or an
 * answer and -1. */
static int path_account(srv *s, const srv_req *rq, srv_resp *rs)
{
    ln_st_account a;
    return adm_path_account(s, rq, rs, &a);
}

/* ?month=YYYY-MM, default the month of the request: 0, or 400 and -1. */
static int query_month(const srv_req *rq, srv_resp *rs, int *y, int *m)
{
    const char *q = srv_query(rq, "month");
    if (!q) {
        int d, h, mi;
        double sec;
        ln_time_to_utc(rq->t_unix_s, y, m, &d, &h, &mi, &sec);
        return 0;
    }
    if (srv_billing_parse_month(q, y, m)) {
        srv_error(rs, 400, "month", "month must be YYYY-MM (from 1970-01)");
        return -1;
    }
    return 0;
}

typedef struct usage_ctx {
    json_t *days;    /* object: date -> {bytes, reports, denied} */
    json_t *terms;   /* object: terminal -> {bytes, reports, denied} */
    json_t *rows;    /* array of per terminal and day rows */
    uint64_t bytes, reports, denied;
} usage_ctx;

static void add_to(json_t *obj, const char *key, const ln_st_usage *u)
{
    json_t *e = json_object_get(obj, key);
    if (!e) {
        e = json_pack("{s:s, s:I, s:I, s:I}", "key", key, "bytes",
                      (json_int_t)0, "reports", (json_int_t)0, "denied",
                      (json_int_t)0);
        json_object_set_new(obj, key, e);
    }
    static const char *const f[3] = {"bytes", "reports", "denied"};
    const uint64_t add[3] = {u->bytes, u->reports, u->denied};
    for (int i = 0; i < 3; i++) {
        json_t *v = json_object_get(e, f[i]);
        json_integer_set(v, json_integer_value(v) + (json_int_t)add[i]);
    }
}

static void day_text(long day, char *buf, size_t n)
{
    char iso[40];
    ln_time_format_iso((double)day * 86400.0, 0, iso, sizeof iso);
    snprintf(buf, n, "%.10s", iso);
}

static int on_usage(void *user, const ln_st_usage *u)
{
    usage_ctx *c = user;
    char date[16];
    day_text(u->day, date, sizeof date);
    add_to(c->days, date, u);
    add_to(c->terms, u->terminal, u);
    json_array_append_new(
        c->rows, json_pack("{s:s, s:s, s:I, s:I, s:I}", "date", date,
                           "terminal", u->terminal, "bytes",
                           (json_int_t)u->bytes, "reports",
                           (json_int_t)u->reports, "denied",
                           (json_int_t)u->denied));
    c->bytes += u->bytes;
    c->reports += u->reports;
    c->denied += u->denied;
    return 0;
}

/* An object of {key: {...}} as an array sorted by key, each element's
 * "key" renamed to name. */
static json_t *sorted(json_t *obj, const char *name)
{
    size_t n = json_object_size(obj);
    const char **keys = ln_calloc(n ? n : 1, sizeof *keys);
    json_t *arr = json_array();
    if (!keys)
        return arr;
    size_t i = 0;
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v) keys[i++] = k;
    for (size_t a = 1; a < n; a++) /* few: insertion sort */
        for (size_t b = a; b > 0 && strcmp(keys[b - 1], keys[b]) > 0; b--) {
            const char *t = keys[b];
            keys[b] = keys[b - 1];
            keys[b - 1] = t;
        }
    for (i = 0; i < n; i++) {
        json_t *e = json_deep_copy(json_object_get(obj, keys[i]));
        json_object_set(e, name, json_object_get(e, "key"));
        json_object_del(e, "key");
        json_array_append_new(arr, e);
    }
    ln_free(keys);
    return arr;
}

int adm_usage_get(srv *s, const srv_req *rq, srv_resp *rs)
{
    int y, m;
    if (path_account(s, rq, rs) || query_month(rq, rs, &y, &m))
        return 0;
    double from = ln_time_from_utc(y, m, 1, 0, 0, 0);
    double to = m == 12 ? ln_time_from_utc(y + 1, 1, 1, 0, 0, 0)
                        : ln_time_from_utc(y, m + 1, 1, 0, 0, 0);
    usage_ctx c = {json_object(), json_object(), json_array(), 0, 0, 0};
    int rc = ln_store_usage(srv_store(s), rq->param[0],
                            (long)floor(from / 86400.0),
                            (long)floor(to / 86400.0) - 1, on_usage, &c);
    json_t *days = sorted(c.days, "date");
    json_t *terms = sorted(c.terms, "terminal");
    json_decref(c.days);
    json_decref(c.terms);
    if (rc) {
        json_decref(days);
        json_decref(terms);
        json_decref(c.rows);
        return adm_store_error(rs, rc, "usage");
    }
    char month[16];
    snprintf(month, sizeof month, "%04d-%02d", y % 10000, m % 100);
    return srv_ok(
        rs, 200,
        json_pack("{s:s, s:s, s:o, s:o, s:b, s:I, s:I, s:I, s:o, s:o, s:o}",
                  "account", rq->param[0], "month", month, "period_start",
                  adm_time_json(from), "period_end", adm_time_json(to),
                  "provisional", rq->t_unix_s < to, "bytes",
                  (json_int_t)c.bytes, "reports", (json_int_t)c.reports,
                  "denied", (json_int_t)c.denied, "days", days, "terminals",
                  terms, "rows", c.rows));
}

#define ADM_MONTHS_MAX 1200 /* invoices listed at most (100 years) */

int adm_invoices_get(srv *s, const srv_req *rq, srv_resp *rs)
{
    if (path_account(s, rq, rs))
        return 0;
    int *months = ln_malloc(ADM_MONTHS_MAX * sizeof *months);
    if (!months)
        return srv_error(rs, 500, NULL, "out of memory");
    size_t n = 0;
    int rc = srv_billing_months(s, rq->param[0], rq->t_unix_s, months,
                                ADM_MONTHS_MAX, &n);
    json_t *list = json_array();
    for (size_t i = 0; !rc && i < n && i < ADM_MONTHS_MAX; i++) {
        srv_invoice iv;
        rc = srv_billing_invoice(s, rq->param[0], months[i] / 100,
                                 months[i] % 100, rq->t_unix_s, &iv);
        if (rc)
            break;
        json_t *o = srv_billing_invoice_json(&iv);
        json_object_del(o, "lines");
        json_array_append_new(list, o);
    }
    ln_free(months);
    if (rc) {
        json_decref(list);
        return adm_store_error(rs, rc, "invoices");
    }
    return srv_ok(rs, 200, json_pack("{s:s, s:o}", "account", rq->param[0],
                                     "invoices", list));
}

int adm_invoice_get(srv *s, const srv_req *rq, srv_resp *rs)
{
    if (path_account(s, rq, rs))
        return 0;
    int y, m;
    if (srv_billing_parse_month(rq->param[1], &y, &m))
        return srv_error(rs, 400, "month",
                         "the month must be YYYY-MM (from 1970-01)");
    srv_invoice iv;
    int rc = srv_billing_invoice(s, rq->param[0], y, m, rq->t_unix_s, &iv);
    if (rc == LN_ENOTFOUND)
        return srv_error(rs, 404, "id", "no invoice: the account or its "
                                        "plan is missing");
    if (rc)
        return adm_store_error(rs, rc, "invoice");
    return srv_ok(rs, 200, srv_billing_invoice_json(&iv));
}
