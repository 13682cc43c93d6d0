/*
 * v2_lines.c - /public/v2 account, service lines and user terminals, in
 * Starlink's shapes (AccountResponseV2, ServiceLineResponse,
 * UserTerminalResponseV2, DeviceIdRequest, ServiceLineCreateRequestV2):
 * only Starlink's field names; a field leonet does not keep is left out
 * (none of these is required in Starlink's schemas) rather than made up.
 *
 * What leonetd keeps of these records is store.h's: a line has a number,
 * an account, a nickname and an active flag (its product is its account's
 * plan); a terminal has an id, a kit serial, an account and a line.
 * Creating a line checks but does not keep addressReferenceId (leonetd has
 * no addresses). Adding a terminal to an account takes a terminal leonetd
 * already knows (seeded) that is on no account or already on this one:
 * terminals are made by the seed, not by this API.
 *
 * Lists are in id order (Starlink's default is newest first: leonetd keeps
 * no creation dates), 100 to a page, zero-based.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "leonet/err.h"
#include "server/v2.h"

static const char *const LIST_QUERY[] = {"page", "accountNumber", NULL};
static const char *const ACCOUNT_QUERY[] = {"accountNumber", NULL};
static const char *const NO_QUERY[] = {NULL};

/* ---- account ------------------------------------------------------------ */

int v2_get_account(srv *s, const srv_req *rq, srv_resp *rs)
{
    ln_st_account a;
    json_t *o, *susp;

    if (v2_known_query(rq, rs, ACCOUNT_QUERY) != 0 ||
        v2_account(s, rq, rs, &a) != 0)
        return 0;
    o = json_object();
    susp = json_array();
    if (a.suspended)  /* the alert a suspended account's terminals get */
        json_array_append_new(susp, json_string("disabled_account_disabled"));
    json_object_set_new(o, "accountNumber", json_string(a.id));
    json_object_set_new(o, "accountName", v2_str_or_null(a.name));
    json_object_set_new(o, "activeSuspensions", susp);
    return srv_ok(rs, 200, o);
}

/* ---- service lines ------------------------------------------------------ */

json_t *v2_line_json(srv *s, const ln_st_line *l)
{
    json_t *o = json_object();
    ln_st_account a;

    json_object_set_new(o, "serviceLineNumber", json_string(l->number));
    json_object_set_new(o, "nickname", v2_str_or_null(l->nickname));
    if (ln_store_get_account(srv_store(s), l->account, &a) == 0 &&
        a.plan[0] != '\0')
        json_object_set_new(o, "productReferenceId", json_string(a.plan));
    json_object_set_new(o, "publicIp", json_false());
    json_object_set_new(o, "active", json_boolean(l->active));
    return o;
}

struct line_list {
    srv *s;
    json_t *results;
};

static int line_cb(void *user, const ln_st_line *l)
{
    struct line_list *ll = user;

    json_array_append_new(ll->results, v2_line_json(ll->s, l));
    return 0;
}

int v2_list_lines(srv *s, const srv_req *rq, srv_resp *rs)
{
    char account[LN_ST_ID];
    const char *scope;
    struct line_list ll = {s, NULL};
    long page, total = 0;
    int rc;

    if (v2_known_query(rq, rs, LIST_QUERY) != 0 ||
        v2_page(rq, rs, &page) != 0 ||
        v2_list_scope(s, rq, rs, account, &scope) != 0)
        return 0;
    ll.results = json_array();
    rc = ln_store_list_lines(srv_store(s), scope, page * V2_PAGE_SIZE,
                             V2_PAGE_SIZE, line_cb, &ll, &total);
    if (rc != 0) {
        json_decref(ll.results);
        return v2_store_error(rs, rc, "service lines");
    }
    return srv_ok(rs, 200, v2_paged(page, V2_PAGE_SIZE, total, ll.results));
}

/* The line named in the path, in the caller's scope; -1 having answered
 * 404 (not there, or another account's for a customer: the same answer).
 */
static int path_line(srv *s, const srv_req *rq, srv_resp *rs,
                     ln_st_line *l)
{
    const char *n = rq->nparam > 0 ? rq->param[0] : "";
    int rc = ln_store_get_line(srv_store(s), n, l);

    if (rc == 0 && !v2_in_scope(rq, l->account))
        rc = LN_ENOTFOUND;  /* another account's: as if there were none */
    if (rc == LN_ENOTFOUND) {
        srv_error(rs, 404, "serviceLineNumber",
                  "serviceLineNumber: no service line '%.64s'", n);
        return -1;
    }
    if (rc != 0) {
        v2_store_error(rs, rc, "service line");
        return -1;
    }
    return 0;
}

int v2_get_line(srv *s, const srv_req *rq, srv_resp *rs)
{
    ln_st_line l;

    if (v2_known_query(rq, rs, NO_QUERY) != 0 ||
        path_line(s, rq, rs, &l) != 0)
        return 0;
    return srv_ok(rs, 200, v2_line_json(s, &l));
}

/* 8-4-4-4-12 hexadecimal digits. */
static int is_uuid(const char *u)
{
    static const int dash[] = {8, 13, 18, 23};
    size_t n = strlen(u), k = 0;

    if (n != 36)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (k < 4 && (int)i == dash[k]) {
            if (u[i] != '-')
                return 0;
            k++;
        } else if (!isxdigit((unsigned char)u[i])) {
            return 0;
        }
    }
    return 1;
}

/* Checks ServiceLineCreateRequestV2: the two required strings, no other
 * members, no data blocks (leonetd sells none). -1 having answered. */
static int line_request(json_t *b, srv_resp *rs, const char **addr,
                        const char **product)
{
    const char *key;
    json_t *v;

    json_object_foreach(b, key, v) {
        if (strcmp(key, "addressReferenceId") != 0 &&
            strcmp(key, "productReferenceId") != 0 &&
            strcmp(key, "dataBlockProducts") != 0)
            return srv_error(rs, 400, key, "%.64s: unknown member (the "
                             "request takes addressReferenceId, "
                             "productReferenceId, dataBlockProducts)",
                             key), -1;
    }
    *addr = json_string_value(json_object_get(b, "addressReferenceId"));
    *product = json_string_value(json_object_get(b, "productReferenceId"));
    if (*addr == NULL || !is_uuid(*addr))
        return srv_error(rs, 400, "addressReferenceId",
                         "addressReferenceId: required, a UUID string"), -1;
    if (*product == NULL || **product == '\0')
        return srv_error(rs, 400, "productReferenceId",
                         "productReferenceId: required, a string"), -1;
    v = json_object_get(b, "dataBlockProducts");
    if (v != NULL && !json_is_null(v) &&
        !(json_is_object(v) && json_object_size(v) == 0))
        return srv_error(rs, 422, "dataBlockProducts",
                         "dataBlockProducts: leonetd sells no data blocks; "
                         "leave it out"), -1;
    return 0;
}

static int count_cb(void *user, const ln_st_line *l)
{
    (void)user;
    (void)l;
    return 0;
}

/* A number not yet taken: "SL-<account>-<k>", k from the count + 1. */
static int new_line_number(srv *s, const char *account, char *out,
                           size_t n)
{
    long total = 0;
    ln_st_line l;
    int rc = ln_store_list_lines(srv_store(s), account, 0, 1, count_cb,
                                 NULL, &total);

    if (rc != 0)
        return rc;
    for (long k = total + 1; k < total + 1000; k++) {
        if (snprintf(out, n, "SL-%s-%ld", account, k) >= (int)n)
            return LN_ETOOBIG;
        rc = ln_store_get_line(srv_store(s), out, &l);
        if (rc == LN_ENOTFOUND)
            return 0;
        if (rc != 0)
            return rc;
    }
    return LN_ECONFLICT;
}

int v2_create_line(srv *s, const srv_req *rq, srv_resp *rs)
{
    ln_st_account a;
    ln_st_line l;
    const char *addr, *product;
    json_t *b;
    int rc;

    if (v2_known_query(rq, rs, ACCOUNT_QUERY) != 0 ||
        v2_account(s, rq, rs, &a) != 0)
        return 0;
    b = srv_body_object(rq, rs);
    if (b == NULL)
        return 0;
    if (line_request(b, rs, &addr, &product) != 0) {
        json_decref(b);
        return 0;
    }
    if (strcmp(product, a.plan) != 0) {
        srv_error(rs, 422, "productReferenceId",
                  "productReferenceId: account '%.64s' is on plan '%.64s' "
                  "and leonetd keeps one plan per account, not '%.64s'",
                  a.id, a.plan, product);
        json_decref(b);
        return 0;
    }
    json_decref(b);
    memset(&l, 0, sizeof l);
    v2_copy(l.account, sizeof l.account, a.id);
    l.active = 1;
    rc = new_line_number(s, a.id, l.number, sizeof l.number);
    if (rc == 0)
        rc = ln_store_put_line(srv_store(s), &l);
    if (rc != 0)
        return v2_store_error(rs, rc, "service line");
    return srv_ok(rs, 201, v2_line_json(s, &l));
}

/* The deviceId of a DeviceIdRequest; -1 having answered 400. */
static int device_id(const srv_req *rq, srv_resp *rs, char *id, size_t n)
{
    json_t *b = srv_body_object(rq, rs), *v;
    const char *key;

    if (b == NULL)
        return -1;
    json_object_foreach(b, key, v) {
        if (strcmp(key, "deviceId") != 0) {
            srv_error(rs, 400, key, "%.64s: unknown member (the request "
                      "takes deviceId alone)", key);
            json_decref(b);
            return -1;
        }
    }
    v = json_object_get(b, "deviceId");
    if (!json_is_string(v) || json_string_length(v) == 0 ||
        json_string_length(v) >= n) {
        srv_error(rs, 400, "deviceId", "deviceId: required, a user "
                  "terminal id of 1..%zu characters", n - 1);
        json_decref(b);
        return -1;
    }
    v2_copy(id, n, json_string_value(v));
    json_decref(b);
    return 0;
}

/* The terminal of a request body, in the caller's scope; -1 having
 * answered 404 (unknown, or another account's for a customer). */
static int body_terminal(srv *s, const srv_req *rq, srv_resp *rs,
                         ln_st_terminal *t)
{
    char id[LN_ST_ID];
    int rc;

    if (device_id(rq, rs, id, sizeof id) != 0)
        return -1;
    rc = ln_store_get_terminal(srv_store(s), id, t);
    if (rc == 0 && t->account[0] != '\0' && !v2_in_scope(rq, t->account))
        rc = LN_ENOTFOUND;  /* another account's: as if there were none */
    if (rc == LN_ENOTFOUND) {
        srv_error(rs, 404, "deviceId", "deviceId: no user terminal "
                  "'%.64s'", id);
        return -1;
    }
    if (rc != 0) {
        v2_store_error(rs, rc, "user terminal");
        return -1;
    }
    return 0;
}

int v2_line_add_terminal(srv *s, const srv_req *rq, srv_resp *rs)
{
    ln_st_line l;
    ln_st_terminal t;
    int rc;

    if (v2_known_query(rq, rs, NO_QUERY) != 0 ||
        path_line(s, rq, rs, &l) != 0 || body_terminal(s, rq, rs, &t) != 0)
        return 0;
    if (strcmp(t.account, l.account) != 0)
        return srv_error(rs, 422, "deviceId",
                         "deviceId: user terminal '%s' is not on account "
                         "'%s' of service line '%s'; add it to the "
                         "account first (POST /public/v2/user-terminals)",
                         t.id, l.account, l.number);
    v2_copy(t.line, sizeof t.line, l.number);
    rc = ln_store_put_terminal(srv_store(s), &t);
    if (rc != 0)
        return v2_store_error(rs, rc, "user terminal");
    return srv_ok(rs, 200, NULL);
}

/* ---- user terminals ----------------------------------------------------- */

static json_t *terminal_json(const ln_st_terminal *t)
{
    json_t *o = json_object();

    json_object_set_new(o, "userTerminalId", json_string(t->id));
    json_object_set_new(o, "nickname", json_null());
    json_object_set_new(o, "kitSerialNumber", json_string(t->kit_serial));
    json_object_set_new(o, "serviceLineNumber", v2_str_or_null(t->line));
    json_object_set_new(o, "l2VpnCircuits", json_array());
    json_object_set_new(o, "routers", json_array());
    return o;
}

static int terminal_cb(void *user, const ln_st_terminal *t)
{
    json_array_append_new((json_t *)user, terminal_json(t));
    return 0;
}

/* Starlink's filters of GET /user-terminals. The lists may come as
 * repeated parameters (?userTerminalIds=a&userTerminalIds=b, OpenAPI's
 * form style) or comma-separated. */
typedef struct ut_filter {
    const char *ids[SRV_QUERY_MAX];   /* userTerminalIds values */
    int nids;
    const char *lines[SRV_QUERY_MAX]; /* serviceLineNumbers values */
    int nlines;
    int has_line;                     /* hasServiceLine: 1, 0, -1 any */
    const char *search;               /* searchString, or NULL */
    long page, total;
    json_t *results;
} ut_filter;

/* 1 when x is one of the comma-separated items of vals[0..n). */
static int in_list(const char *const *vals, int n, const char *x)
{
    size_t lx = strlen(x);

    for (int i = 0; i < n; i++) {
        const char *p = vals[i];

        while (*p != '\0') {
            size_t len = strcspn(p, ",");

            if (len == lx && strncmp(p, x, lx) == 0)
                return 1;
            p += len;
            if (*p == ',')
                p++;
        }
    }
    return 0;
}

static int ut_match(const ut_filter *f, const ln_st_terminal *t)
{
    if (f->nids > 0 && !in_list(f->ids, f->nids, t->id))
        return 0;
    if (f->nlines > 0 && !in_list(f->lines, f->nlines, t->line))
        return 0;
    if (f->has_line >= 0 && (t->line[0] != '\0') != f->has_line)
        return 0;
    if (f->search != NULL && strstr(t->id, f->search) == NULL &&
        strstr(t->kit_serial, f->search) == NULL)
        return 0;
    return 1;
}

static int filtered_cb(void *user, const ln_st_terminal *t)
{
    ut_filter *f = user;

    if (!ut_match(f, t))
        return 0;
    if (f->total >= f->page * V2_PAGE_SIZE &&
        f->total < (f->page + 1) * V2_PAGE_SIZE)
        json_array_append_new(f->results, terminal_json(t));
    f->total++;
    return 0;
}

/* The filters of the query; 1 when any is set, 0 none, -1 having
 * answered 400. */
static int ut_filters(const srv_req *rq, srv_resp *rs, ut_filter *f)
{
    int any = 0;

    memset(f, 0, sizeof *f);
    f->has_line = -1;
    for (int i = 0; i < rq->nquery; i++) {
        const char *k = rq->qkey[i], *v = rq->qval[i];

        if (strcmp(k, "userTerminalIds") == 0)
            f->ids[f->nids++] = v;
        else if (strcmp(k, "serviceLineNumbers") == 0)
            f->lines[f->nlines++] = v;
        else if (strcmp(k, "searchString") == 0)
            f->search = v;
        else if (strcmp(k, "hasServiceLine") != 0)
            continue;
        else if (strcmp(v, "true") == 0 || strcmp(v, "false") == 0)
            f->has_line = v[0] == 't';
        else
            return srv_error(rs, 400, k, "hasServiceLine: true or false, "
                             "got '%.40s'", v), -1;
        any = 1;
    }
    return any;
}

int v2_list_terminals(srv *s, const srv_req *rq, srv_resp *rs)
{
    static const char *const QUERY[] = {
        "page", "accountNumber", "userTerminalIds", "serviceLineNumbers",
        "hasServiceLine", "searchString", NULL};
    char account[LN_ST_ID];
    const char *scope;
    ut_filter f;
    long page, total = 0;
    int rc, any;

    if (v2_known_query(rq, rs, QUERY) != 0 || v2_page(rq, rs, &page) != 0 ||
        v2_list_scope(s, rq, rs, account, &scope) != 0)
        return 0;
    any = ut_filters(rq, rs, &f);
    if (any < 0)
        return 0;
    f.results = json_array();
    f.page = page;
    if (any) /* every terminal in scope, those that match paged */
        rc = ln_store_list_terminals(srv_store(s), scope, 0, 0, filtered_cb,
                                     &f, NULL);
    else
        rc = ln_store_list_terminals(srv_store(s), scope,
                                     page * V2_PAGE_SIZE, V2_PAGE_SIZE,
                                     terminal_cb, f.results, &total);
    if (rc != 0) {
        json_decref(f.results);
        return v2_store_error(rs, rc, "user terminals");
    }
    return srv_ok(rs, 200, v2_paged(page, V2_PAGE_SIZE,
                                    any ? f.total : total, f.results));
}

int v2_add_terminal(srv *s, const srv_req *rq, srv_resp *rs)
{
    ln_st_account a;
    ln_st_terminal t;
    int rc;

    if (v2_known_query(rq, rs, ACCOUNT_QUERY) != 0 ||
        v2_account(s, rq, rs, &a) != 0 || body_terminal(s, rq, rs, &t) != 0)
        return 0;
    if (strcmp(t.account, a.id) == 0)
        return srv_ok(rs, 200, NULL); /* already there: nothing to do */
    if (t.account[0] != '\0')
        return srv_error(rs, 422, "deviceId",
                         "deviceId: user terminal '%s' is on account '%s'; "
                         "leonetd does not move terminals between accounts",
                         t.id, t.account);
    v2_copy(t.account, sizeof t.account, a.id);
    t.line[0] = '\0';
    rc = ln_store_put_terminal(srv_store(s), &t);
    if (rc == 0)
        rc = srv_reload_accounts(s);
    if (rc != 0)
        return v2_store_error(rs, rc, "user terminal");
    return srv_ok(rs, 200, NULL);
}
