/*
 * v2_usage.c - POST /public/v2/data-usage/query: the billed traffic of
 * each service line in the caller's scope, per billing cycle and day, in
 * Starlink's shape (ServiceLineDataUsageForBillingCycles, paged by line:
 * zero-based page, limit 1..250, 50 by default).
 *
 * Where the numbers come from: the store's usage rows (ln_store_usage:
 * billed bytes per account, terminal and UTC day; a denied report bills
 * nothing), summed over the terminals on the line now. 1 GB = 1e9 bytes.
 * leonet meters one kind of traffic: it is reported as standardGB
 * (priorityGB, optInPriorityGB and nonBillableGB are 0).
 *
 * Billing cycles are UTC calendar months (billing.h's invoices too);
 * endDate is the first second of the next month. The current cycle is the
 * month of the line's newest usage, or of the request when it has none:
 * the twin's clock is its data's (a replayed 2022 day is in 2022's
 * cycles). previousBillingCycles (default 1, 0..120) earlier cycles come
 * with it; queryStartDate instead starts the first cycle at that time.
 *
 * Memory: per line, the sorted ids of its account's terminals on the
 * line (LN_ST_ID bytes each) and one (day, bytes) pair per usage row.
 */
#include <stdlib.h>
#include <string.h>

#include "leonet/err.h"
#include "server/v2.h"

#define LIMIT_DEFAULT 50
#define LIMIT_MAX 250
#define CYCLES_MAX 120
#define GB 1e9

typedef struct usage_req {
    json_t *lines;        /* serviceLineNumbers, or NULL: all */
    long previous;        /* previousBillingCycles */
    int active_only;      /* activeServiceLinesOnly */
    double start_unix_s;  /* queryStartDate, NAN when absent */
    int has_start;
} usage_req;

/* ---- the request -------------------------------------------------------- */

static int bad(srv_resp *rs, const char *member, const char *what)
{
    srv_error(rs, 400, member, "%s: %s", member, what);
    return -1;
}

static int usage_member(const char *key, json_t *v, usage_req *u,
                        srv_resp *rs)
{
    if (strcmp(key, "serviceLineNumbers") == 0) {
        size_t i;
        json_t *x;

        if (json_is_null(v))
            return 0;
        if (!json_is_array(v))
            return bad(rs, key, "an array of service line numbers");
        json_array_foreach(v, i, x) {
            if (!json_is_string(x))
                return bad(rs, key, "an array of service line numbers");
        }
        u->lines = v;
    } else if (strcmp(key, "previousBillingCycles") == 0) {
        if (json_is_null(v))
            return 0;
        if (!json_is_integer(v) || json_integer_value(v) < 0 ||
            json_integer_value(v) > CYCLES_MAX)
            return bad(rs, key, "a whole number 0..120");
        u->previous = (long)json_integer_value(v);
    } else if (strcmp(key, "activeServiceLinesOnly") == 0) {
        if (!json_is_boolean(v))
            return bad(rs, key, "true or false");
        u->active_only = json_is_true(v);
    } else if (strcmp(key, "queryStartDate") == 0) {
        if (json_is_null(v))
            return 0;
        if (!json_is_string(v) ||
            ln_time_parse_iso(json_string_value(v), &u->start_unix_s) != 0)
            return bad(rs, key, "an ISO 8601 date-time, e.g. "
                       "2022-10-01T00:00:00Z");
        u->has_start = 1;
    } else {
        srv_error(rs, 400, key, "%.64s: unknown member (the query takes "
                  "serviceLineNumbers, previousBillingCycles, "
                  "activeServiceLinesOnly, queryStartDate)", key);
        return -1;
    }
    return 0;
}

/* The body (may be empty) into u; *body keeps it alive (u->lines points
 * into it). -1 having answered 400. */
static int usage_request(const srv_req *rq, srv_resp *rs, usage_req *u,
                         json_t **body)
{
    const char *key;
    json_t *v;

    memset(u, 0, sizeof *u);
    u->previous = 1;
    u->active_only = 1;
    *body = NULL;
    if (rq->body_len == 0)
        return 0;
    *body = srv_body_object(rq, rs);
    if (*body == NULL)
        return -1;
    json_object_foreach(*body, key, v) {
        if (usage_member(key, v, u, rs) != 0)
            return -1;
    }
    return 0;
}

static int query_limit(const srv_req *rq, srv_resp *rs, long *limit)
{
    const char *v = srv_query(rq, "limit");
    char *end = NULL;
    long n;

    *limit = LIMIT_DEFAULT;
    if (v == NULL)
        return 0;
    n = strtol(v, &end, 10);
    if (*v == '\0' || *end != '\0' || n < 1 || n > LIMIT_MAX)
        return bad(rs, "limit", "a whole number 1..250 (service lines a "
                   "page)");
    *limit = n;
    return 0;
}

/* ---- the lines in scope ------------------------------------------------- */

struct lines {
    ln_st_line *l;
    size_t n, cap;
    const usage_req *u;
    int err;                  /* LN_ENOMEM from the callback */
};

static int wanted(const usage_req *u, const ln_st_line *l)
{
    size_t i;
    json_t *x;

    if (u->active_only && !l->active)
        return 0;
    if (u->lines == NULL)
        return 1;
    json_array_foreach(u->lines, i, x) {
        if (strcmp(json_string_value(x), l->number) == 0)
            return 1;
    }
    return 0;
}

static int lines_cb(void *user, const ln_st_line *l)
{
    struct lines *ls = user;

    if (!wanted(ls->u, l))
        return 0;
    if (ls->n == ls->cap) {
        size_t cap = ls->cap ? 2 * ls->cap : 16;
        ln_st_line *p = ln_realloc(ls->l, cap * sizeof *p);

        if (p == NULL)
            return ls->err = LN_ENOMEM;
        ls->l = p;
        ls->cap = cap;
    }
    ls->l[ls->n++] = *l;
    return 0;
}

/* ---- one line's usage --------------------------------------------------- */

struct acc {
    const char *line;
    char (*ids)[LN_ST_ID];    /* the line's terminals, id order */
    size_t nids, capids;
    long *day;                /* usage rows of those terminals */
    uint64_t *bytes;
    size_t n, cap;
    int err;                  /* LN_ENOMEM from a callback */
};

static int term_cb(void *user, const ln_st_terminal *t)
{
    struct acc *a = user;

    if (strcmp(t->line, a->line) != 0)
        return 0;
    if (a->nids == a->capids) {
        size_t cap = a->capids ? 2 * a->capids : 64;
        void *p = ln_realloc(a->ids, cap * LN_ST_ID);

        if (p == NULL)
            return a->err = LN_ENOMEM;
        a->ids = p;
        a->capids = cap;
    }
    v2_copy(a->ids[a->nids++], LN_ST_ID, t->id);
    return 0;
}

static int cmp_id(const void *k, const void *e)
{
    return strcmp((const char *)k, (const char *)e);
}

static int usage_cb(void *user, const ln_st_usage *u)
{
    struct acc *a = user;

    if (bsearch(u->terminal, a->ids, a->nids, LN_ST_ID, cmp_id) == NULL)
        return 0;
    if (a->n == a->cap) {
        size_t cap = a->cap ? 2 * a->cap : 256;
        long *d = ln_realloc(a->day, cap * sizeof *d);
        uint64_t *b;

        if (d == NULL)
            return a->err = LN_ENOMEM;
        a->day = d;
        b = ln_realloc(a->bytes, cap * sizeof *b);
        if (b == NULL)
            return a->err = LN_ENOMEM;
        a->bytes = b;
        a->cap = cap;
    }
    a->day[a->n] = u->day;
    a->bytes[a->n++] = u->bytes;
    return 0;
}

static void acc_free(struct acc *a)
{
    ln_free(a->ids);
    ln_free(a->day);
    ln_free(a->bytes);
}

/* Month index y * 12 + (m - 1) of a time, and its first second. */
static long month_of(double t_unix_s)
{
    int y, mo, d, h, mi;
    double s;

    ln_time_to_utc(t_unix_s, &y, &mo, &d, &h, &mi, &s);
    return (long)y * 12 + (mo - 1);
}

static double month_start(long ym)
{
    return ln_time_from_utc((int)(ym / 12), (int)(ym % 12) + 1, 1, 0, 0, 0);
}

static json_t *daily_json(long day, uint64_t bytes)
{
    json_t *o = json_object();

    json_object_set_new(o, "date", v2_time((double)day * 86400.0));
    json_object_set_new(o, "priorityGB", json_real(0));
    json_object_set_new(o, "optInPriorityGB", json_real(0));
    json_object_set_new(o, "standardGB", json_real((double)bytes / GB));
    json_object_set_new(o, "nonBillableGB", json_real(0));
    return o;
}

/* One cycle [from, to): its days (summed over terminals) and totals. */
static json_t *cycle_json(const struct acc *a, double from, double to)
{
    json_t *o = json_object(), *days = json_array();
    long d0 = (long)(from / 86400.0), d1 = (long)((to - 1) / 86400.0);
    uint64_t total = 0;

    for (long d = d0; d <= d1; d++) {
        uint64_t b = 0;
        int any = 0;

        for (size_t i = 0; i < a->n; i++)
            if (a->day[i] == d) {
                b += a->bytes[i];
                any = 1;
            }
        if (any)
            json_array_append_new(days, daily_json(d, b));
        total += b;
    }
    json_object_set_new(o, "startDate", v2_time(from));
    json_object_set_new(o, "endDate", v2_time(to));
    json_object_set_new(o, "dailyDataUsage", days);
    json_object_set_new(o, "overageLines", json_array());
    json_object_set_new(o, "dataPoolUsage", json_array());
    json_object_set_new(o, "totalPriorityGB", json_real(0));
    json_object_set_new(o, "totalStandardGB", json_real((double)total / GB));
    json_object_set_new(o, "totalOptInPriorityGB", json_real(0));
    json_object_set_new(o, "totalNonBillableGB", json_real(0));
    return o;
}

static json_t *plan_json(srv *s, const char *account)
{
    json_t *o = json_object();
    ln_st_account a;
    ln_plan p;

    memset(&p, 0, sizeof p);
    if (ln_store_get_account(srv_store(s), account, &a) == 0)
        ln_store_get_plan(srv_store(s), a.plan, &p);
    json_object_set_new(o, "isMobilePlan", json_false());
    json_object_set_new(o, "isOptedIntoOverage",
                        json_boolean(p.usd_per_gb > 0));
    json_object_set_new(o, "productId", json_string(p.id));
    json_object_set_new(o, "usageLimitGB", json_real(p.included_gb));
    json_object_set_new(o, "dataCategoryMapping", json_object());
    return o;
}

static json_t *line_usage_json(srv *s, const ln_st_line *l,
                               const struct acc *a, const usage_req *u,
                               double now_unix_s)
{
    json_t *o = json_object(), *cycles = json_array();
    long newest = -1, cur, first;
    double from, to = 0;

    for (size_t i = 0; i < a->n; i++)
        if (a->day[i] > newest)
            newest = a->day[i];
    cur = month_of(newest >= 0 ? (double)newest * 86400.0 : now_unix_s);
    first = u->has_start ? month_of(u->start_unix_s) : cur - u->previous;
    if (first > cur)
        first = cur;
    if (cur - first > CYCLES_MAX)
        first = cur - CYCLES_MAX;
    for (long m = first; m <= cur; m++) {
        from = month_start(m);
        if (m == first && u->has_start && u->start_unix_s > from)
            from = u->start_unix_s;
        to = month_start(m + 1);
        json_array_append_new(cycles, cycle_json(a, from, to));
    }
    from = u->has_start && u->start_unix_s > month_start(first)
               ? u->start_unix_s : month_start(first);
    json_object_set_new(o, "accountNumber", json_string(l->account));
    json_object_set_new(o, "serviceLineNumber", json_string(l->number));
    json_object_set_new(o, "startDate", v2_time(from));
    json_object_set_new(o, "endDate", v2_time(to));
    json_object_set_new(o, "billingCycles", cycles);
    json_object_set_new(o, "servicePlan", plan_json(s, l->account));
    json_object_set_new(o, "lastUpdated", json_null());
    return o;
}

static int line_usage(srv *s, const ln_st_line *l, const usage_req *u,
                      double now_unix_s, json_t *results)
{
    struct acc a;
    int rc;

    memset(&a, 0, sizeof a);
    a.line = l->number;
    rc = ln_store_list_terminals(srv_store(s), l->account, 0, 0, term_cb,
                                 &a, NULL);
    if (rc == 0 && a.nids > 0)
        rc = ln_store_usage(srv_store(s), l->account, 0, 100000000L,
                            usage_cb, &a);
    if (rc == 0)
        rc = a.err;
    if (rc == 0)
        json_array_append_new(results,
                              line_usage_json(s, l, &a, u, now_unix_s));
    acc_free(&a);
    return rc;
}

int v2_data_usage(srv *s, const srv_req *rq, srv_resp *rs)
{
    static const char *const QUERY[] = {"page", "limit", "accountNumber",
                                        NULL};
    char account[LN_ST_ID];
    const char *scope;
    struct lines ls;
    usage_req u;
    json_t *body = NULL, *results;
    long page, limit;
    int rc;

    if (v2_known_query(rq, rs, QUERY) != 0 || v2_page(rq, rs, &page) != 0 ||
        query_limit(rq, rs, &limit) != 0 ||
        v2_list_scope(s, rq, rs, account, &scope) != 0)
        return 0;
    if (usage_request(rq, rs, &u, &body) != 0) {
        json_decref(body);
        return 0;
    }
    memset(&ls, 0, sizeof ls);
    ls.u = &u;
    rc = ln_store_list_lines(srv_store(s), scope, 0, 0, lines_cb, &ls, NULL);
    if (rc == 0)
        rc = ls.err;
    results = json_array();
    for (size_t i = (size_t)page * (size_t)limit;
         rc == 0 && i < ls.n && i < (size_t)(page + 1) * (size_t)limit; i++)
        rc = line_usage(s, &ls.l[i], &u, rq->t_unix_s, results);
    json_decref(body);
    ln_free(ls.l);
    if (rc != 0) {
        json_decref(results);
        return v2_store_error(rs, rc, "data usage");
    }
    return srv_ok(rs, 200, v2_paged(page, limit, (long)ls.n, results));
}
