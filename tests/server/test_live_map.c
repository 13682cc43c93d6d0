/*
 * test_live_map.c - leonetd's live map aggregate (src/server/live_map.c)
 * against hand-counted reports.
 *
 * Cells: Kyiv (50.45 N, 30.52 E) and Q (47.05 N, 37.55 E) at resolution 5
 * are 851e6387fffffff and 852d62cbfffffff by h3-js 4.5.0 (latLngToCell,
 * the H3 reference library; the same ids tests/activity/test_aggregate.c
 * uses). Windows of 900 s, reports every 15 s: a count / 60 is the mean
 * number of terminals over a window, as activity.geojson prints it with
 * two decimals.
 */
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "leonet/cell.h"
#include "leonet/link.h"
#include "leonet/policy.h"
#include "server/live.h"

#define KYIV "851e6387fffffff"
#define Q "852d62cbfffffff"
#define DAY0 1665273600.0 /* 2022-10-09T00:00:00Z */

static ln_st_report rep(double lat, double lon, double t, int link,
                        int reason)
{
    ln_st_report r;
    memset(&r, 0, sizeof r);
    snprintf(r.terminal, sizeof r.terminal, "UT00000001");
    r.lat_deg = lat;
    r.lon_deg = lon;
    r.t_unix_s = t;
    r.link = link;
    r.reason = reason;
    return r;
}

static ln_cell cell(const char *s)
{
    ln_cell c;
    assert_int_equal(ln_cell_from_string(s, &c), 0);
    return c;
}

static void want(const ln_activity *a, const char *c, long w, uint32_t act,
                 uint32_t den, uint32_t out)
{
    ln_activity_counts n = ln_activity_get(a, cell(c), w);
    if (n.active != act || n.denied != den || n.outage != out ||
        n.present != act + den + out)
        fail_msg("%s window %ld: got %u/%u/%u present %u, want %u/%u/%u",
                 c, w, n.active, n.denied, n.outage, n.present, act, den,
                 out);
}

/* The hand-counted day: Kyiv window 0: 3 served (one duplicate not
 * counted); window 1: 1 refused by a zone, 2 without a satellite (one of
 * them also refused: the refusal counts), 1 without a gateway; Q window
 * 95: 2 suspended (denied). */
static live_map *fill(void)
{
    live_map *m;
    assert_int_equal(live_map_new(900, 15, 5, &m), 0);
    ln_st_report r[] = {
        rep(50.45, 30.52, DAY0 + 15, LN_LINK_OK, LN_REASON_NONE),
        rep(50.45, 30.52, DAY0 + 30, LN_LINK_OK, LN_REASON_NONE),
        rep(50.45, 30.52, DAY0 + 30, LN_LINK_OK, LN_REASON_NONE), /* dup */
        rep(50.45, 30.52, DAY0 + 899.9, LN_LINK_OK, LN_REASON_NONE),
        rep(50.45, 30.52, DAY0 + 900, LN_LINK_OK, LN_REASON_ZONE),
        rep(50.45, 30.52, DAY0 + 915, LN_LINK_NO_SAT, LN_REASON_NONE),
        rep(50.45, 30.52, DAY0 + 930, LN_LINK_NO_SAT, LN_REASON_ZONE),
        rep(50.45, 30.52, DAY0 + 945, LN_LINK_NO_GW, LN_REASON_NONE),
        rep(47.05, 37.55, DAY0 + 86399, LN_LINK_OK, LN_REASON_SUSPENDED),
        rep(47.05, 37.55, DAY0 + 86385, LN_LINK_OK, LN_REASON_KILL),
    };
    uint8_t is_new[] = {1, 1, 0, 1, 1, 1, 1, 1, 1, 1};
    live_map_add(m, r, is_new, sizeof r / sizeof r[0]);
    return m;
}

static void test_counts(void **state)
{
    (void)state;
    live_map *m = fill();
    ln_activity *a;
    char id[LIVE_ID_LEN];
    long latest;
    assert_int_equal(live_map_range(m, DAY0, 96, "t", &a, id, &latest), 0);
    assert_int_equal(ln_activity_ncells(a), 2);
    want(a, KYIV, 0, 3, 0, 0);
    want(a, KYIV, 1, 0, 2, 2);
    want(a, KYIV, 2, 0, 0, 0);
    want(a, Q, 95, 0, 2, 0);
    assert_int_equal(latest, 95);
    double tot[3];
    ln_activity_window_total(a, 1, tot);
    assert_true(tot[0] == 0 && tot[1] == 2 && tot[2] == 2);
    ln_activity_free(a);
    /* a range across the day boundary: windows 94..97 */
    assert_int_equal(live_map_range(m, DAY0 + 94 * 900, 4, "t", &a, id,
                                    &latest),
                     0);
    want(a, Q, 1, 0, 2, 0);
    assert_int_equal(ln_activity_ncells(a), 1);
    ln_activity_free(a);
    /* not on a window boundary */
    assert_int_equal(live_map_range(m, DAY0 + 1, 4, "t", &a, id, NULL),
                     LN_EINVAL);
    live_map_stats st;
    live_map_get_stats(m, &st);
    assert_int_equal(st.counted, 9);
    assert_int_equal(st.dropped + st.bad, 0);
    live_map_free(m);
}

/* activity.geojson's text for the day: Kyiv's window 0 mean 3/60 = 0.05 */
static void test_geojson(void **state)
{
    (void)state;
    live_map *m = fill();
    ln_activity *a;
    assert_int_equal(live_map_range(m, DAY0, 96, "t", &a, NULL, NULL), 0);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(ln_activity_write_cells(a, f), 0);
    fclose(f);
    json_error_t je;
    json_t *g = json_loadb(buf, len, 0, &je);
    assert_non_null(g);
    assert_int_equal(json_integer_value(json_object_get(g, "windows")), 96);
    json_t *fs = json_object_get(g, "features");
    assert_int_equal(json_array_size(fs), 2);
    int seen = 0;
    size_t i;
    json_t *ft;
    json_array_foreach(fs, i, ft) {
        const char *id = json_string_value(json_object_get(ft, "id"));
        json_t *p = json_object_get(ft, "properties");
        if (!strcmp(id, KYIV)) {
            json_t *act = json_object_get(p, "active");
            json_t *den = json_object_get(p, "denied");
            json_t *out = json_object_get(p, "outage");
            assert_float_equal(json_number_value(json_array_get(act, 0)),
                               0.05, 1e-9);
            assert_float_equal(json_number_value(json_array_get(den, 1)),
                               0.03, 1e-9); /* 2/60 */
            assert_float_equal(json_number_value(json_array_get(out, 1)),
                               0.03, 1e-9);
            seen |= 1;
        } else if (!strcmp(id, Q)) {
            assert_float_equal(json_number_value(json_array_get(
                                   json_object_get(p, "denied"), 95)),
                               0.03, 1e-9);
            seen |= 2;
        }
    }
    assert_int_equal(seen, 3);
    json_decref(g);
    free(buf);
    ln_activity_free(a);
    live_map_free(m);
}

/* The "data:" line of an SSE event text, parsed. */
static json_t *event_data(const char *text, char *id, size_t idn)
{
    const char *d = strstr(text, "\ndata: ");
    assert_non_null(d);
    const char *i = strstr(text, "id: ");
    assert_true(i == text);
    size_t k = strcspn(i + 4, "\n");
    assert_true(k < idn);
    memcpy(id, i + 4, k);
    id[k] = '\0';
    json_error_t je;
    json_t *j = json_loads(d + 7, JSON_DISABLE_EOF_CHECK, &je);
    if (!j)
        fail_msg("event data: %s", je.text);
    return j;
}

static void test_events(void **state)
{
    (void)state;
    live_map *m = fill();
    uint64_t next;
    int reset;
    live_map_cursor(m, NULL, &next, &reset);
    assert_int_equal(next, 1);
    assert_int_equal(reset, 0);
    /* two spans touched (the day and... only one: Q is on the same day) */
    assert_int_equal(live_map_flush(m, 0), 1);
    assert_int_equal(live_map_flush(m, 0), 0); /* nothing changed since */
    char *t;
    size_t n;
    assert_int_equal(live_map_next(m, &next, 0, &t, &n), 1);
    assert_int_equal(next, 2);
    char id[LIVE_ID_LEN];
    json_t *j = event_data(t, id, sizeof id);
    assert_non_null(strstr(t, "\nevent: cells\n"));
    assert_float_equal(json_number_value(json_object_get(j, "start")), DAY0,
                       0);
    assert_int_equal(json_integer_value(json_object_get(j, "latest")), 95);
    json_t *cells = json_object_get(j, "cells");
    assert_int_equal(json_array_size(cells), 3); /* Kyiv w0, w1; Q w95 */
    size_t i;
    json_t *c;
    json_array_foreach(cells, i, c) {
        const char *cid = json_string_value(json_array_get(c, 0));
        long w = (long)json_integer_value(json_array_get(c, 1));
        double v[3];
        for (int k = 0; k < 3; k++)
            v[k] = json_number_value(json_array_get(c, 2 + k));
        assert_true(json_array_size(json_array_get(c, 5)) == 12);
        if (!strcmp(cid, KYIV) && w == 0)
            assert_true(v[0] == 0.05 && v[1] == 0 && v[2] == 0);
        else if (!strcmp(cid, KYIV) && w == 1)
            assert_true(v[0] == 0 && v[1] == 0.03 && v[2] == 0.03);
        else if (!strcmp(cid, Q) && w == 95)
            assert_true(v[0] == 0 && v[1] == 0.03 && v[2] == 0);
        else
            fail_msg("unexpected cell %s window %ld", cid, w);
    }
    assert_int_equal(json_array_size(json_object_get(j, "totals")), 3);
    json_decref(j);
    ln_free(t);
    assert_int_equal(live_map_next(m, &next, 0, &t, &n), 0);

    /* reconnection: this run's id resumes after it; others reset */
    live_map_cursor(m, id, &next, &reset);
    assert_int_equal(next, 2);
    assert_int_equal(reset, 0);
    char zero[LIVE_ID_LEN];
    snprintf(zero, sizeof zero, "%.*s-0", (int)strcspn(id, "-"), id);
    live_map_cursor(m, zero, &next, &reset);
    assert_int_equal(next, 1);
    assert_int_equal(reset, 0);
    live_map_cursor(m, "0-1", &next, &reset);
    assert_int_equal(next, 2);
    assert_int_equal(reset, 1);
    live_map_cursor(m, "not an id", &next, &reset);
    assert_int_equal(reset, 1);

    /* a second change: only that cell and window in the next event */
    ln_st_report r = rep(50.45, 30.52, DAY0 + 20, LN_LINK_OK, 0);
    live_map_add(m, &r, NULL, 1);
    assert_int_equal(live_map_flush(m, 0), 1);
    next = 2;
    assert_int_equal(live_map_next(m, &next, 0, &t, &n), 1);
    j = event_data(t, id, sizeof id);
    cells = json_object_get(j, "cells");
    assert_int_equal(json_array_size(cells), 1);
    assert_float_equal(json_number_value(json_array_get(
                           json_array_get(cells, 0), 2)),
                       0.07, 1e-12); /* 4/60 = 0.0667 */
    json_t *tot = json_array_get(json_object_get(j, "totals"), 0);
    assert_int_equal(json_integer_value(json_array_get(tot, 0)), 0);
    assert_float_equal(json_number_value(json_array_get(tot, 1)), 0.07,
                       1e-12);
    json_decref(j);
    ln_free(t);
    live_map_free(m);
}

/* More events than the ring keeps: an old cursor gets a reset. */
static void test_ring(void **state)
{
    (void)state;
    live_map *m;
    assert_int_equal(live_map_new(900, 15, 5, &m), 0);
    for (int k = 0; k < LIVE_EVENTS + 10; k++) {
        ln_st_report r = rep(50.45, 30.52, DAY0 + k, LN_LINK_OK, 0);
        live_map_add(m, &r, NULL, 1);
        assert_int_equal(live_map_flush(m, 0), 1);
    }
    uint64_t next = 1;
    char *t;
    size_t n;
    assert_int_equal(live_map_next(m, &next, 0, &t, &n), 1);
    assert_non_null(strstr(t, "\nevent: reset\n"));
    assert_int_equal(next, LIVE_EVENTS + 11);
    ln_free(t);
    int reset;
    char old[LIVE_ID_LEN];
    snprintf(old, sizeof old, "%" PRIx64 "-3", (uint64_t)0);
    live_map_cursor(m, old, &next, &reset);
    assert_int_equal(reset, 1);
    live_map_free(m);
}

/* Spans: LIVE_SPANS days are kept; a ninth newer one drops the oldest, a
 * report older than all kept is not counted. */
static void test_spans(void **state)
{
    (void)state;
    live_map *m;
    assert_int_equal(live_map_new(900, 15, 5, &m), 0);
    for (int d = 0; d <= LIVE_SPANS; d++) {
        ln_st_report r = rep(50.45, 30.52, DAY0 + d * 86400.0 + 5, 0, 0);
        live_map_add(m, &r, NULL, 1);
    }
    ln_st_report old = rep(50.45, 30.52, DAY0 + 10, 0, 0);
    live_map_add(m, &old, NULL, 1);
    ln_st_report bad = rep(NAN, 30.52, DAY0 + 10, 0, 0);
    live_map_add(m, &bad, NULL, 1);
    /* a report from the year 2100: a clock error, not counted (it would
     * push a real day out) */
    ln_st_report future = rep(50.45, 30.52, 4102444800.0, 0, 0);
    live_map_add(m, &future, NULL, 1);
    live_map_stats st;
    live_map_get_stats(m, &st);
    assert_int_equal(st.counted, LIVE_SPANS + 1);
    assert_int_equal(st.dropped, 2);
    assert_int_equal(st.bad, 1);
    ln_activity *a;
    assert_int_equal(live_map_range(m, DAY0, 96, "t", &a, NULL, NULL), 0);
    assert_int_equal(ln_activity_ncells(a), 0); /* the first day: gone */
    ln_activity_free(a);
    assert_true(live_map_latest_span(m, 0) == DAY0 + LIVE_SPANS * 86400.0);
    live_map_free(m);
}

typedef struct worker {
    live_map *m;
    int k;
} worker;

static void *adder(void *arg)
{
    worker *w = arg;
    ln_st_report r[100];
    for (int b = 0; b < 100; b++) {
        for (int i = 0; i < 100; i++)
            r[i] = rep(w->k % 2 ? 47.05 : 50.45, w->k % 2 ? 37.55 : 30.52,
                       DAY0 + 15.0 * i, LN_LINK_OK, 0);
        live_map_add(w->m, r, NULL, 100);
        live_map_flush(w->m, 0);
    }
    return NULL;
}

/* Four threads at once: every report counted once. */
static void test_threads(void **state)
{
    (void)state;
    live_map *m;
    assert_int_equal(live_map_new(900, 15, 5, &m), 0);
    pthread_t th[4];
    worker w[4];
    for (int k = 0; k < 4; k++) {
        w[k] = (worker){m, k};
        assert_int_equal(pthread_create(&th[k], NULL, adder, &w[k]), 0);
    }
    for (int k = 0; k < 4; k++)
        pthread_join(th[k], NULL);
    ln_activity *a;
    assert_int_equal(live_map_range(m, DAY0, 96, "t", &a, NULL, NULL), 0);
    /* 2 threads x 100 batches x 60 reports in window 0 per cell */
    want(a, KYIV, 0, 12000, 0, 0);
    want(a, KYIV, 1, 8000, 0, 0);
    want(a, Q, 0, 12000, 0, 0);
    ln_activity_free(a);
    live_map_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts), cmocka_unit_test(test_geojson),
        cmocka_unit_test(test_events), cmocka_unit_test(test_ring),
        cmocka_unit_test(test_spans),  cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
