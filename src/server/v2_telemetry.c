/*
 * v2_telemetry.c - POST /public/v2/telemetry/stream (the stored reports,
 * column-indexed as Starlink's stream) and POST /public/v2/telemetry/query
 * (the latest values per terminal), both in the caller's scope (a
 * customer's own account; operator and auditor every account).
 *
 * Rows. One row per stored report, device type "u" (UserTerminal; leonet
 * models no routers and no IP allocations), columns named by Starlink's
 * names in every answer (COLUMNS below): the time in Unix nanoseconds,
 * the terminal id, throughput in Mbit/s (the report's bytes over the
 * terminals' 15 s reporting period), the pop ping latency, the H3 cell of
 * the reported position (the live map's resolution) and the active alert
 * codes (the decision's: 89 zone, 95 suspended or kill switch; none when
 * allowed). The metadata names every user-terminal alert code.
 *
 * The stream is lossless (docs/api-stream.md). Per credential the store
 * keeps two positions: the acknowledged cursor (key cred) and the end of
 * the rows delivered so far (key -cred). A request with ?ack=N
 * acknowledges the rows up to N (N must not be beyond what was
 * delivered), then gets the rows after the cursor: a client that crashed
 * before acknowledging asks again with its last acknowledgement and gets
 * the same rows again. A request without ack (a client written for
 * Starlink, which sends only batchSize and maxLingerMs) acknowledges
 * everything delivered before it: asking for the next batch is all such a
 * client can say. Every answer carries "ack=<N>", N the position of its
 * last row, in the envelope's information list.
 *
 * leonetd answers at once with the rows it has (up to batchSize): it does
 * not hold an HTTP thread for maxLingerMs (accepted and range-checked).
 *
 * Retention: each non-empty batch drops reports measured more than
 * retention_s (ln_server_config) before its newest row (once the oldest
 * kept is a tenth of retention_s past that: retain()): the window runs
 * on the data's own clock, so a replayed day (leonet drive) keeps its
 * last retention_s of reports as live data does.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leonet/cell.h"
#include "leonet/err.h"
#include "server/v2.h"

#define BATCH_DEFAULT 1000
#define BATCH_MAX 65000
#define LINGER_DEFAULT 15000
#define LINGER_MAX 65000
#define REPORT_PERIOD_S 15.0  /* terminals report every 15 s */
#define CELL_RES_DEFAULT 5

/* Starlink's column names for a user terminal row, in leonetd's order. */
static const char *const COLUMNS[] = {
    "DeviceType", "UtcTimestampNs", "DeviceId", "DownlinkThroughput",
    "UplinkThroughput", "PingLatencyMsAvg", "H3CellId", "ActiveAlert",
};
#define NCOLUMNS (sizeof COLUMNS / sizeof COLUMNS[0])

/* Starlink's user-terminal alert codes and names (its alerts guide). */
static const struct {
    int code;
    const char *name;
} ALERTS[] = {
    {50, "ethernet_slow_10mbps"},
    {51, "ethernet_slow_100mbps"},
    {52, "power_supply_thermal_throttling"},
    {53, "actuator_motor_stuck"},
    {54, "mast_not_vertical"},
    {55, "disabled_no_active_account"},
    {56, "disabled_too_far_from_service_address"},
    {57, "disabled_no_service_in_ocean"},
    {58, "disabled_invalid_country"},
    {59, "moving_while_not_mobile"},
    {60, "disabled_moving_too_fast"},
    {61, "power_disconnect_detected"},
    {62, "pop_change"},
    {63, "unable_to_align"},
    {64, "high_sky_obstruction"},
    {65, "high_sky_obstruction_mobile"},
    {66, "high_time_obstruction"},
    {67, "high_time_obstruction_mobile"},
    {79, "software_update_reboot_pending"},
    {80, "thermal_shutdown"},
    {81, "thermal_throttling"},
    {83, "disabled_blocked_country"},
    {84, "disabled_data_usage_exceeded_quota"},
    {89, "disabled_cell_is_disabled"},
    {92, "disabled_unlicensed_country"},
    {93, "disabled_roam_restricted"},
    {94, "disabled_unknown_location"},
    {95, "disabled_account_disabled"},
    {96, "disabled_unsupported_version"},
    {97, "data_overage_rate_limited"},
};

static json_t *metadata_json(void)
{
    json_t *names = json_object(), *enums = json_object();
    json_t *types = json_object(), *by = json_object(), *md = json_object();
    char code[16];

    for (size_t i = 0; i < sizeof ALERTS / sizeof ALERTS[0]; i++) {
        snprintf(code, sizeof code, "%d", ALERTS[i].code);
        json_object_set_new(names, code, json_string(ALERTS[i].name));
    }
    json_object_set_new(types, "u", json_string("UserTerminal"));
    json_object_set_new(by, "u", names);
    json_object_set_new(enums, "DeviceType", types);
    json_object_set_new(enums, "AlertsByDeviceType", by);
    json_object_set_new(md, "enums", enums);
    return md;
}

static int64_t unix_ns(double t_unix_s)
{
    double sec = floor(t_unix_s);

    return (int64_t)sec * 1000000000 +
           (int64_t)llround((t_unix_s - sec) * 1e6) * 1000;
}

static double mbps(uint64_t bytes)
{
    return (double)bytes * 8.0 / 1e6 / REPORT_PERIOD_S;
}

static json_t *cell_json(double lat_deg, double lon_deg, int res)
{
    ln_cell c = 0;
    char buf[32];

    if (ln_cell_from_latlon_deg(lat_deg, lon_deg, res, &c) != 0 || c == 0)
        return json_null();
    return json_string(ln_cell_to_string(c, buf, sizeof buf));
}

/* The value of column i for a report. */
static json_t *column(size_t i, const ln_st_report *r, int res)
{
    json_t *a;

    switch (i) {
    case 0: return json_string("u");
    case 1: return json_integer((json_int_t)unix_ns(r->t_unix_s));
    case 2: return json_string(r->terminal);
    case 3: return json_real(mbps(r->bytes_down));
    case 4: return json_real(mbps(r->bytes_up));
    case 5: return json_real(r->latency_ms);
    case 6: return cell_json(r->lat_deg, r->lon_deg, res);
    default:
        a = json_array();
        if (r->alert != 0)
            json_array_append_new(a, json_integer(r->alert));
        return a;
    }
}

static int cell_res(srv *s)
{
    int res = srv_config(s)->map_res;

    return (res >= 0 && res <= 15) ? res : CELL_RES_DEFAULT;
}

/* ---- the stream -------------------------------------------------------- */

struct batch {
    json_t *values;
    int res;
    int64_t last;             /* position of the last row, or the cursor */
    double newest_unix_s;     /* newest measurement in the batch */
};

static int row_cb(void *user, int64_t pos, const ln_st_report *r)
{
    struct batch *b = user;
    json_t *row = json_array();

    for (size_t i = 0; i < NCOLUMNS; i++)
        json_array_append_new(row, column(i, r, b->res));
    json_array_append_new(b->values, row);
    b->last = pos;
    if (r->t_unix_s > b->newest_unix_s)
        b->newest_unix_s = r->t_unix_s;
    return 0;
}

/* batchSize and maxLingerMs (Starlink's request, both optional); an empty
 * body is the defaults. -1 having answered 400. */
static int stream_request(const srv_req *rq, srv_resp *rs, long *batch)
{
    static const struct {
        const char *name;
        long def, max;
    } F[] = {{"batchSize", BATCH_DEFAULT, BATCH_MAX},
             {"maxLingerMs", LINGER_DEFAULT, LINGER_MAX}};
    const char *key;
    json_t *b, *v;

    *batch = BATCH_DEFAULT;
    if (rq->body_len == 0)
        return 0;
    b = srv_body_object(rq, rs);
    if (b == NULL)
        return -1;
    json_object_foreach(b, key, v) {
        size_t i = strcmp(key, F[0].name) == 0 ? 0
                   : strcmp(key, F[1].name) == 0 ? 1 : 2;
        json_int_t x;

        if (i == 2) {
            srv_error(rs, 400, key, "%.64s: unknown member (the request "
                      "takes batchSize and maxLingerMs)", key);
            json_decref(b);
            return -1;
        }
        x = json_is_integer(v) ? json_integer_value(v) : -1;
        if (x < (i == 0 ? 1 : 0) || x > F[i].max) {
            srv_error(rs, 400, F[i].name, "%s: a whole number %d..%ld",
                      F[i].name, i == 0 ? 1 : 0, F[i].max);
            json_decref(b);
            return -1;
        }
        if (i == 0)
            *batch = (long)x;
    }
    json_decref(b);
    return 0;
}

/* A stored position, 0 when the store has none. */
static int get_pos(ln_store *st, int64_t key, int64_t *pos)
{
    int rc = ln_store_get_cursor(st, key, pos);

    if (rc == LN_ENOTFOUND) {
        *pos = 0;
        return 0;
    }
    return rc;
}

/* Applies the acknowledgement (explicit ?ack=N, or implicit: all that was
 * delivered); *cursor is the acknowledged position after it. -1 having
 * answered. */
static int acknowledge(srv *s, const srv_req *rq, srv_resp *rs,
                       int64_t *cursor, int64_t *delivered)
{
    ln_store *st = srv_store(s);
    int64_t cred = rq->auth->cred, to;
    const char *ack = srv_query(rq, "ack");
    int rc = get_pos(st, cred, cursor);

    if (rc == 0)
        rc = get_pos(st, -cred, delivered);
    if (rc != 0)
        return v2_store_error(rs, rc, "stream cursor"), -1;
    to = *delivered;
    if (ack != NULL) {
        char *end = NULL;
        long long n;

        errno = 0;
        n = strtoll(ack, &end, 10);
        if (*ack == '\0' || *end != '\0' || errno != 0 || n < 0)
            return srv_error(rs, 400, "ack", "ack: a position from an "
                             "earlier answer's \"ack=N\", a whole number "
                             ">= 0, got '%.40s'", ack), -1;
        if (n > *delivered)
            return srv_error(rs, 400, "ack", "ack: %lld is beyond the last "
                             "row delivered to this credential (%" PRId64
                             ")", n, *delivered), -1;
        to = (int64_t)n;
    }
    if (to > *cursor) {
        rc = ln_store_set_cursor(st, cred, to);
        if (rc != 0)
            return v2_store_error(rs, rc, "stream cursor"), -1;
        *cursor = to;
    }
    return 0;
}

/* The envelope with content and one information line (srv_ok's shape). */
static int ok_with_info(srv_resp *rs, json_t *content, const char *info)
{
    json_t *env = json_object(), *inf = json_array();
    char *body;

    json_array_append_new(inf, json_string(info));
    json_object_set_new(env, "content", content);
    json_object_set_new(env, "errors", json_array());
    json_object_set_new(env, "warnings", json_array());
    json_object_set_new(env, "information", inf);
    json_object_set_new(env, "isValid", json_true());
    body = json_dumps(env, JSON_COMPACT);
    json_decref(env);
    if (body == NULL)
        return srv_error(rs, 500, NULL, "out of memory");
    return srv_raw(rs, 200, "application/json", body, strlen(body));
}

static json_t *batch_content(json_t *values)
{
    json_t *data = json_object(), *cols = json_object(), *names;
    json_t *c = json_object();

    names = json_array();
    for (size_t i = 0; i < NCOLUMNS; i++)
        json_array_append_new(names, json_string(COLUMNS[i]));
    json_object_set_new(cols, "u", names);
    json_object_set_new(data, "columnNamesByDeviceType", cols);
    json_object_set_new(data, "values", values);
    json_object_set_new(c, "data", data);
    json_object_set_new(c, "metadata", metadata_json());
    return c;
}

static int oldest_cb(void *user, int64_t pos, const ln_st_report *r)
{
    (void)pos;
    *(double *)user = r->t_unix_s;
    return 1;
}

/* Drops reports measured more than retention_s before newest_unix_s.
 * The delete scans the table, so it runs only once the oldest report
 * kept is a tenth of the retention past it: at most about ten deletes a
 * retention period, each taking a tenth of it. */
static void retain(ln_store *st, double newest_unix_s, double retention_s)
{
    double oldest = INFINITY, cutoff = newest_unix_s - retention_s;
    int64_t last;

    if (!(retention_s > 0))
        return;
    if (ln_store_reports(st, NULL, 0, 1, oldest_cb, &oldest, &last) != 0)
        return;
    if (oldest < cutoff - retention_s / 10)
        ln_store_expire_reports(st, cutoff, NULL);
}

int v2_telemetry_stream(srv *s, const srv_req *rq, srv_resp *rs)
{
    static const char *const QUERY[] = {"ack", NULL};
    const char *scope = rq->auth->role == LN_ROLE_CUSTOMER
                            ? rq->auth->account : NULL;
    ln_store *st = srv_store(s);
    struct batch b = {NULL, cell_res(s), 0, -INFINITY};
    int64_t cursor, delivered, last = 0;
    long batch;
    char info[64];
    int rc;

    if (v2_known_query(rq, rs, QUERY) != 0 ||
        stream_request(rq, rs, &batch) != 0 ||
        acknowledge(s, rq, rs, &cursor, &delivered) != 0)
        return 0;
    b.values = json_array();
    b.last = cursor;
    rc = ln_store_reports(st, scope, cursor, batch, row_cb, &b, &last);
    if (rc == 0 && b.last > delivered)
        rc = ln_store_set_cursor(st, -rq->auth->cred, b.last);
    if (rc != 0) {
        json_decref(b.values);
        return v2_store_error(rs, rc, "telemetry stream");
    }
    if (json_array_size(b.values) > 0)
        retain(st, b.newest_unix_s, srv_config(s)->retention_s);
    snprintf(info, sizeof info, "ack=%" PRId64, b.last);
    return ok_with_info(rs, batch_content(b.values), info);
}

/* ---- the latest values ------------------------------------------------- */

struct latest {
    json_t *devices;
    int res;
};

static int latest_cb(void *user, int64_t pos, const ln_st_report *r)
{
    struct latest *l = user;
    json_t *o = json_object();

    (void)pos;
    for (size_t i = 0; i < NCOLUMNS; i++)
        json_object_set_new(o, COLUMNS[i], column(i, r, l->res));
    json_object_set_new(l->devices, r->terminal, o);
    return 0;
}

int v2_telemetry_query(srv *s, const srv_req *rq, srv_resp *rs)
{
    static const char *const QUERY[] = {NULL};
    const char *scope = rq->auth->role == LN_ROLE_CUSTOMER
                            ? rq->auth->account : NULL;
    struct latest l = {NULL, cell_res(s)};
    json_t *c;
    int rc;

    if (v2_known_query(rq, rs, QUERY) != 0)
        return 0;
    if (rq->body_len > 0) {
        json_t *b = srv_body_object(rq, rs);

        if (b == NULL)
            return 0;
        if (json_object_size(b) > 0) {
            const char *key = json_object_iter_key(json_object_iter(b));

            srv_error(rs, 400, key, "%.64s: unknown member (the query "
                      "takes an empty object: the latest values of every "
                      "terminal in the caller's scope)", key);
            json_decref(b);
            return 0;
        }
        json_decref(b);
    }
    l.devices = json_object();
    rc = ln_store_latest_reports(srv_store(s), scope, latest_cb, &l);
    if (rc != 0) {
        json_decref(l.devices);
        return v2_store_error(rs, rc, "telemetry query");
    }
    c = json_object();
    json_object_set_new(c, "u", l.devices);
    return srv_ok(rs, 200, c);
}
