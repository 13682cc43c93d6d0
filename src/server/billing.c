/*
 * billing.c - an account's monthly invoices (billing.h): the month's
 * usage rows from the store, summed per terminal, priced by
 * ln_meter_invoice with the account's plan.
 *
 * Cost: one ln_store_usage scan of the month (rows per terminal and
 * day) and one listing of the account's terminals; memory for the
 * terminals' ids and bytes (LN_ST_ID + 8 bytes each).
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leonet/core.h"
#include "server/billing.h"

/* the terminals billed in a month and their bytes */
typedef struct tbytes {
    char (*id)[LN_ST_ID];
    uint64_t *bytes;
    size_t n, cap;
    int oom;
} tbytes;

static long find(const tbytes *tb, const char *id)
{
    for (size_t i = tb->n; i-- > 0;) /* usage rows come grouped */
        if (strcmp(tb->id[i], id) == 0)
            return (long)i;
    return -1;
}

static long add_terminal(tbytes *tb, const char *id)
{
    long i = find(tb, id);
    if (i >= 0)
        return i;
    if (tb->n == tb->cap) {
        size_t cap = tb->cap ? 2 * tb->cap : 16;
        void *a = ln_realloc(tb->id, cap * sizeof *tb->id);
        if (!a) {
            tb->oom = 1;
            return -1;
        }
        tb->id = a;
        void *b = ln_realloc(tb->bytes, cap * sizeof *tb->bytes);
        if (!b) {
            tb->oom = 1;
            return -1;
        }
        tb->bytes = b;
        tb->cap = cap;
    }
    snprintf(tb->id[tb->n], LN_ST_ID, "%s", id);
    tb->bytes[tb->n] = 0;
    return (long)tb->n++;
}

static int on_terminal(void *user, const ln_st_terminal *t)
{
    tbytes *tb = user;
    return add_terminal(tb, t->id) < 0;
}

static int on_usage(void *user, const ln_st_usage *u)
{
    tbytes *tb = user;
    long i = add_terminal(tb, u->terminal);
    if (i < 0)
        return 1;
    tb->bytes[i] += u->bytes;
    return 0;
}

static void month_bounds(int y, int m, double *start, double *end)
{
    *start = ln_time_from_utc(y, m, 1, 0, 0, 0);
    *end = m == 12 ? ln_time_from_utc(y + 1, 1, 1, 0, 0, 0)
                   : ln_time_from_utc(y, m + 1, 1, 0, 0, 0);
}

static void fill_lines(srv_invoice *iv, const ln_plan *p)
{
    iv->lines[0] = (srv_invoice_line){
        "service-fee", "Monthly service fee per terminal",
        (double)iv->inv.nterm, p->monthly_usd, iv->inv.service_usd};
    iv->lines[1] = (srv_invoice_line){
        "overage",
        p->overage == LN_OVERAGE_POOLED
            ? "Data beyond the pooled included volume, GB"
            : "Data beyond each terminal's included volume, GB",
        iv->inv.over_gb, p->usd_per_gb, iv->inv.overage_usd};
    iv->nlines = 2;
}

int srv_billing_invoice(srv *s, const char *account, int year, int month,
                        double now_unix_s, srv_invoice *out)
{
    if (month < 1 || month > 12 || year < 1970 || year > 9999)
        return LN_ERANGE;
    ln_store *st = srv_store(s);
    ln_st_account a;
    int rc = ln_store_get_account(st, account, &a);
    if (rc)
        return rc;
    ln_plan p;
    rc = ln_store_get_plan(st, a.plan, &p);
    if (rc)
        return rc;
    memset(out, 0, sizeof *out);
    rc = srv_billing_invoice_id(account, year, month, out->id,
                                sizeof out->id);
    if (rc)
        return rc;
    snprintf(out->account, sizeof out->account, "%s", a.id);
    snprintf(out->plan, sizeof out->plan, "%s", p.id);
    out->year = year;
    out->month = month;
    month_bounds(year, month, &out->start_unix_s, &out->end_unix_s);
    out->provisional = now_unix_s < out->end_unix_s;
    out->overage_mode = p.overage;

    tbytes tb = {0};
    rc = ln_store_list_terminals(st, account, 0, 0, on_terminal, &tb, NULL);
    if (!rc)
        rc = ln_store_usage(st, account,
                            (long)floor(out->start_unix_s / 86400.0),
                            (long)floor(out->end_unix_s / 86400.0) - 1,
                            on_usage, &tb);
    if (!rc && tb.oom)
        rc = LN_ENOMEM;
    if (!rc)
        rc = ln_meter_invoice(&p, tb.bytes, tb.n, &out->inv);
    if (!rc)
        fill_lines(out, &p);
    ln_free(tb.id);
    ln_free(tb.bytes);
    return rc;
}

/* the months with usage, as year * 100 + month, kept sorted descending */
typedef struct months {
    int *ym;
    size_t n, cap;
    int oom;
} months;

static int add_month(months *m, int ym)
{
    size_t i = 0;
    while (i < m->n && m->ym[i] > ym)
        i++;
    if (i < m->n && m->ym[i] == ym)
        return 0;
    if (m->n == m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 16;
        int *a = ln_realloc(m->ym, cap * sizeof *a);
        if (!a) {
            m->oom = 1;
            return 1;
        }
        m->ym = a;
        m->cap = cap;
    }
    memmove(m->ym + i + 1, m->ym + i, (m->n - i) * sizeof *m->ym);
    m->ym[i] = ym;
    m->n++;
    return 0;
}

static int ym_of(double t_unix_s)
{
    int y, mo, d, h, mi;
    double sec;
    ln_time_to_utc(t_unix_s, &y, &mo, &d, &h, &mi, &sec);
    return y * 100 + mo;
}

static int on_usage_month(void *user, const ln_st_usage *u)
{
    months *m = user;
    int ym = ym_of((double)u->day * 86400.0);
    return add_month(m, ym);
}

int srv_billing_months(srv *s, const char *account, double now_unix_s,
                       int *ym, size_t max, size_t *n)
{
    ln_store *st = srv_store(s);
    ln_st_account a;
    int rc = ln_store_get_account(st, account, &a);
    if (rc)
        return rc;
    months m = {0};
    rc = ln_store_usage(st, account, 0, LONG_MAX / 2, on_usage_month, &m);
    if (!rc && !m.oom)
        add_month(&m, ym_of(now_unix_s));
    if (!rc && m.oom)
        rc = LN_ENOMEM;
    if (!rc) {
        for (size_t i = 0; i < m.n && i < max; i++)
            ym[i] = m.ym[i];
        *n = m.n;
    }
    ln_free(m.ym);
    return rc;
}

int srv_billing_invoice_id(const char *account, int year, int month,
                           char *buf, size_t size)
{
    int k = snprintf(buf, size, "INV-%s-%04d-%02d", account, year, month);
    return k < 0 || (size_t)k >= size ? LN_ETOOBIG : 0;
}

int srv_billing_parse_month(const char *s, int *year, int *month)
{
    if (!s || strlen(s) != 7 || s[4] != '-')
        return LN_EPARSE;
    for (int i = 0; i < 7; i++)
        if (i != 4 && (s[i] < '0' || s[i] > '9'))
            return LN_EPARSE;
    int y = atoi(s), m = atoi(s + 5);
    if (y < 1970 || m < 1 || m > 12)
        return LN_EPARSE;
    *year = y;
    *month = m;
    return 0;
}

int srv_billing_parse_invoice_id(const char *id, char *account, int *year,
                                 int *month)
{
    size_t len = id ? strlen(id) : 0;
    /* "INV-" + at least one character + "-" + "YYYY-MM" */
    if (len < 4 + 1 + 1 + 7 || strncmp(id, "INV-", 4) != 0 ||
        id[len - 8] != '-' || len - 12 >= LN_ST_ID)
        return LN_EPARSE;
    if (srv_billing_parse_month(id + len - 7, year, month))
        return LN_EPARSE;
    memcpy(account, id + 4, len - 12);
    account[len - 12] = '\0';
    return 0;
}

static json_t *line_json(const srv_invoice_line *l)
{
    return json_pack("{s:s, s:s, s:f, s:f, s:f}", "product", l->product,
                     "description", l->description, "quantity", l->quantity,
                     "unit_usd", l->unit_usd, "subtotal_usd",
                     l->subtotal_usd);
}

json_t *srv_billing_invoice_json(const srv_invoice *iv)
{
    char from[40], until[40], month[16];
    ln_time_format_iso(iv->start_unix_s, 0, from, sizeof from);
    ln_time_format_iso(iv->end_unix_s, 0, until, sizeof until);
    snprintf(month, sizeof month, "%04d-%02d", iv->year % 10000,
             iv->month % 100);
    json_t *lines = json_array();
    for (int i = 0; i < iv->nlines; i++)
        json_array_append_new(lines, line_json(&iv->lines[i]));
    return json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:I, s:f, s:f, s:f,"
        " s:o, s:f, s:f, s:f}",
        "id", iv->id, "account", iv->account, "month", month, "plan",
        iv->plan, "period_start", from, "period_end", until, "provisional",
        iv->provisional, "currency", "USD", "overage",
        ln_meter_overage_name(iv->overage_mode), "terminals",
        (json_int_t)iv->inv.nterm, "gb", iv->inv.gb, "included_gb",
        iv->inv.included_gb, "over_gb", iv->inv.over_gb, "lines", lines,
        "service_usd", iv->inv.service_usd, "overage_usd",
        iv->inv.overage_usd, "total_usd", iv->inv.total_usd);
}
