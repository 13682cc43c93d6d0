/*
 * test_counts.c - the in-memory aggregate (ln_activity): adding, merging,
 * writing and reading back its files, and drawing it.
 *
 * The counts are hand-made: quarters of a terminal (4 steps a window), so
 * every mean is exact in two decimals and in binary, and the expected
 * numbers below are worked by hand.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <cmocka.h>

#include "act_test.h"

#include "activity/activity_int.h"
#include "leonet/activity.h"
#include "leonet/cell.h"

#define NWIN 3

static ln_cell cell_at(double lat_deg, double lon_deg)
{
    ln_cell c;
    assert_int_equal(ln_cell_from_latlon_deg(lat_deg, lon_deg, 5, &c), 0);
    return c;
}

static ln_activity *new_agg(void)
{
    /* 2022-10-09 00:00 UTC, windows of 60 s, steps of 15 s */
    ln_activity_spec sp = {"test", 5, NWIN, 60.0, 1665273600.0, 4.0};
    ln_activity *a;
    assert_int_equal(ln_activity_new(&sp, &a), 0);
    return a;
}

static void add(ln_activity *a, ln_cell c, long w, uint32_t ac, uint32_t de,
                uint32_t ou)
{
    ln_activity_counts n = {ac, de, ou, ac + de + ou};
    assert_int_equal(ln_activity_add(a, c, w, &n), 0);
}

/* The same counts, cell by cell and window by window. */
static void assert_same(const ln_activity *x, const ln_activity *y)
{
    assert_int_equal(ln_activity_ncells(x), ln_activity_ncells(y));
    for (size_t r = 0; r < ln_activity_ncells(x); r++) {
        ln_cell c = ln_activity_cell(x, r);
        assert_true(c == ln_activity_cell(y, r));
        for (long w = 0; w < NWIN; w++) {
            ln_activity_counts p = ln_activity_get(x, c, w);
            ln_activity_counts q = ln_activity_get(y, c, w);
            assert_int_equal(p.active, q.active);
            assert_int_equal(p.denied, q.denied);
            assert_int_equal(p.outage, q.outage);
            assert_int_equal(p.present, q.present);
        }
    }
    for (long w = 0; w < NWIN; w++) {
        double tx[3], ty[3];
        ln_activity_window_total(x, w, tx);
        ln_activity_window_total(y, w, ty);
        for (int k = 0; k < 3; k++)
            assert_true(tx[k] == ty[k]);
    }
}

static void test_add_merge(void **state)
{
    (void)state;
    ln_cell kyiv = cell_at(50.45, 30.52), lviv = cell_at(49.84, 24.03),
            odesa = cell_at(46.48, 30.73);
    ln_activity *a = new_agg(), *b = new_agg(), *all = new_agg();
    /* rank A: Kyiv, Lviv; rank B: Lviv, Odesa */
    add(a, kyiv, 0, 4, 0, 0);
    add(a, lviv, 1, 2, 1, 1);
    add(b, lviv, 1, 3, 0, 2);
    add(b, odesa, 2, 0, 8, 0);
    add(all, kyiv, 0, 4, 0, 0);
    add(all, lviv, 1, 2, 1, 1);
    add(all, lviv, 1, 3, 0, 2);
    add(all, odesa, 2, 0, 8, 0);
    assert_int_equal(ln_activity_merge(a, b), 0);
    assert_same(a, all);
    /* by hand: Lviv in window 1 is 2 + 3 active, 1 denied, 1 + 2 outage;
     * rows in order of first appearance (A's, then B's new ones) */
    ln_activity_counts l1 = ln_activity_get(a, lviv, 1);
    assert_int_equal(l1.active, 5);
    assert_int_equal(l1.denied, 1);
    assert_int_equal(l1.outage, 3);
    assert_int_equal(l1.present, 9);
    assert_true(ln_activity_cell(a, 0) == kyiv);
    assert_true(ln_activity_cell(a, 1) == lviv);
    assert_true(ln_activity_cell(a, 2) == odesa);
    double t[3];
    ln_activity_window_total(a, 2, t);
    assert_true(t[0] == 0 && t[1] == 8 && t[2] == 0);
    /* merging in the other order: the same counts, B's rows first */
    ln_activity *b2 = new_agg();
    add(b2, lviv, 1, 3, 0, 2);
    add(b2, odesa, 2, 0, 8, 0);
    ln_activity *a2 = new_agg();
    add(a2, kyiv, 0, 4, 0, 0);
    add(a2, lviv, 1, 2, 1, 1);
    assert_int_equal(ln_activity_merge(b2, a2), 0);
    assert_true(ln_activity_cell(b2, 0) == lviv);
    assert_int_equal(ln_activity_get(b2, lviv, 1).active, 5);
    assert_int_equal(ln_activity_get(b2, kyiv, 0).active, 4);
    /* different windows: refused */
    ln_activity_spec sp = {"test", 5, NWIN + 1, 60.0, 1665273600.0, 4.0};
    ln_activity *o;
    assert_int_equal(ln_activity_new(&sp, &o), 0);
    assert_int_equal(ln_activity_merge(a, o), LN_EINVAL);
    ln_activity_free(o);
    ln_activity_free(a);
    ln_activity_free(b);
    ln_activity_free(all);
    ln_activity_free(a2);
    ln_activity_free(b2);
}

/* Rows (fixed terminals, a window's counts) and units (mobile ones, one
 * step) add the same as ln_activity_add. */
static void test_rows_units(void **state)
{
    (void)state;
    ln_cell kyiv = cell_at(50.45, 30.52), lviv = cell_at(49.84, 24.03);
    ln_activity *a = new_agg(), *ref = new_agg();
    long row[3];
    assert_int_equal(ln_activity_row(a, kyiv, &row[0]), 0);
    assert_int_equal(ln_activity_row(a, lviv, &row[1]), 0);
    assert_int_equal(ln_activity_row(a, kyiv, &row[2]), 0);
    assert_int_equal(row[0], 0);
    assert_int_equal(row[1], 1);
    assert_int_equal(row[2], 0);
    uint32_t ac[3] = {4, 0, 3}, de[3] = {0, 0, 1}, ou[3] = {0, 0, 0};
    ln_activity_add_rows(a, 0, 3, row, ac, de, ou);
    ln_cell cells[4] = {lviv, kyiv, lviv, lviv};
    int idx[3] = {3, 1, 2};
    uint8_t kind[3] = {LN_ACTIVITY_OUTAGE, LN_ACTIVITY_ACTIVE,
                       LN_ACTIVITY_DENIED};
    assert_int_equal(ln_activity_add_units(a, 1, 3, idx, cells, kind), 0);
    assert_int_equal(ln_activity_add_units(a, NWIN, 3, idx, cells, kind),
                     LN_EINVAL);
    /* by hand: Kyiv in window 0 gets 4 + 3 active, 1 denied; in window 1
     * the units give Lviv an outage and a denial, Kyiv one active */
    add(ref, kyiv, 0, 7, 1, 0);
    add(ref, lviv, 1, 0, 1, 1);
    add(ref, kyiv, 1, 1, 0, 0);
    assert_same(a, ref);
    ln_activity_free(a);
    ln_activity_free(ref);
}

/* The fixture: three cells, quarters of terminals, satellites in two
 * windows (ECEF positions over Ukraine at 550 km). */
static ln_activity *fixture(void)
{
    ln_activity *a = new_agg();
    add(a, cell_at(50.45, 30.52), 0, 4, 0, 0);
    add(a, cell_at(50.45, 30.52), 1, 7, 1, 0);
    add(a, cell_at(50.45, 30.52), 2, 3, 0, 1);
    add(a, cell_at(49.84, 24.03), 1, 2, 1, 1);
    add(a, cell_at(46.48, 30.73), 2, 0, 8, 0);
    double lat[1] = {49 * LN_DEG2RAD}, lon[1] = {31 * LN_DEG2RAD};
    ln_activity_set_frame(a, 1, lat, lon);
    double r = 6921.0, x[2], y[2], z[2];
    unsigned char use[2] = {1, 1};
    for (int k = 0; k < 2; k++) {
        double la = (48 + k) * LN_DEG2RAD, lo = (30 + 2 * k) * LN_DEG2RAD;
        x[k] = r * cos(la) * cos(lo);
        y[k] = r * cos(la) * sin(lo);
        z[k] = r * sin(la);
    }
    assert_int_equal(ln_activity_add_sats(a, 0, 2, x, y, z, use), 0);
    assert_int_equal(ln_activity_add_sats(a, 2, 1, x + 1, y + 1, z + 1,
                                          use), 0);
    return a;
}

static char *write_text(const ln_activity *a,
                        int (*fn)(const ln_activity *, FILE *),
                        const char *name)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    assert_int_equal(fn(a, f), 0);
    assert_int_equal(fclose(f), 0);
    f = fopen(p, "r");
    assert_non_null(f);
    static char buf[3][65536];
    static int k;
    char *b = buf[k++ % 3];
    size_t n = fread(b, 1, sizeof buf[0] - 1, f);
    b[n] = '\0';
    fclose(f);
    return b;
}

/* Written, read back: the same means (hundredths of a terminal: a
 * quarter is 25), the same files again. */
static void test_round_trip(void **state)
{
    (void)state;
    ln_activity *a = fixture();
    char *cells = write_text(a, ln_activity_write_cells, "activity.geojson");
    char *sats = write_text(a, ln_activity_write_sats, "activity-sats.json");
    /* by hand: Kyiv in window 1 has 7/4 = 1.75 active terminals */
    assert_non_null(strstr(cells, "\"active\":[1.00,1.75,0.75]"));
    assert_non_null(strstr(sats, "[48.00,30.00,49.00,32.00]"));
    ln_activity *b;
    ln_diag d;
    assert_int_equal(ln_activity_read_run(dir, &b, &d), 0);
    assert_int_equal(ln_activity_ncells(b), 3);
    ln_cell kyiv = cell_at(50.45, 30.52), odesa = cell_at(46.48, 30.73);
    assert_int_equal(ln_activity_get(b, kyiv, 1).active, 175);
    assert_int_equal(ln_activity_get(b, kyiv, 1).denied, 25);
    assert_int_equal(ln_activity_get(b, odesa, 2).denied, 200);
    assert_int_equal(ln_activity_get(b, odesa, 2).present, 200);
    double t[3];
    ln_activity_window_total(b, 1, t);
    assert_true(t[0] == 225 && t[1] == 50 && t[2] == 25);
    assert_string_equal(write_text(b, ln_activity_write_cells, "b.geojson"),
                        cells);
    assert_string_equal(write_text(b, ln_activity_write_sats, "b.json"),
                        sats);
    ln_activity_free(a);
    ln_activity_free(b);
}

/* Pixels of the whole-run map and of window 2. */
static unsigned char *draw(const ln__act *x, long win, size_t *n)
{
    cairo_surface_t *sf;
    ln_diag d;
    assert_int_equal(ln__act_draw(x, "t.png", "t", 800, win, &sf, &d), 0);
    *n = (size_t)cairo_image_surface_get_stride(sf) *
         (size_t)cairo_image_surface_get_height(sf);
    unsigned char *p = malloc(*n);
    assert_non_null(p);
    memcpy(p, cairo_image_surface_get_data(sf), *n);
    cairo_surface_destroy(sf);
    return p;
}

/* The map drawn from the aggregate in memory and from its parsed files
 * (the path of `leonet map` before the aggregate) are the same pixels;
 * and ln_activity_render of the aggregate and of the files read back
 * write the same PNG. */
static void test_draw_same(void **state)
{
    (void)state;
    ln_activity *a = fixture();
    write_text(a, ln_activity_write_cells, "activity.geojson");
    write_text(a, ln_activity_write_sats, "activity-sats.json");
    ln__act mem, parsed;
    ln_diag d;
    assert_int_equal(ln__act_from_agg(&mem, a), 0);
    assert_int_equal(ln__act_load_layers(&mem, dir, NULL, 1, &d), 0);
    assert_int_equal(ln__act_load(&parsed, dir, NULL, 1, &d), 0);
    for (long win = -1; win < NWIN; win += 3) {
        size_t n1, n2;
        unsigned char *p1 = draw(&mem, win, &n1), *p2 = draw(&parsed, win,
                                                           &n2);
        assert_int_equal(n1, n2);
        assert_memory_equal(p1, p2, n1);
        free(p1);
        free(p2);
    }
    ln__act_free(&mem);
    ln__act_free(&parsed);
    ln_activity_options o;
    ln_activity_options_init(&o);
    o.data_dir = LN_PROJECT_DATA;
    o.quiet = 1;
    o.no_html = 1;
    o.width_px = 800;
    assert_int_equal(ln_activity_render(a, dir, &o, &d), 0);
    char p[256], q[256], cmd[600];
    snprintf(p, sizeof p, "%s/activity.png", dir);
    snprintf(q, sizeof q, "%s/mem.png", dir);
    assert_int_equal(rename(p, q), 0);
    ln_activity *b;
    assert_int_equal(ln_activity_read_run(dir, &b, &d), 0);
    assert_int_equal(ln_activity_render(b, dir, &o, &d), 0);
    snprintf(cmd, sizeof cmd, "cmp -s '%s' '%s'", p, q);
    assert_int_equal(system(cmd), 0);
    ln_activity_free(a);
    ln_activity_free(b);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/ln-counts-XXXXXX");
    assert_non_null(mkdtemp(dir));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* ln_activity_kind: served is active, no satellite or gateway is an
 * outage, every policy reason is a denial (activity.h's three kinds). */
static void test_kind(void **state)
{
    (void)state;
    assert_int_equal(ln_activity_kind(LN_REASON_NONE), LN_ACTIVITY_ACTIVE);
    assert_int_equal(ln_activity_kind(LN_REASON_NO_SAT), LN_ACTIVITY_OUTAGE);
    assert_int_equal(ln_activity_kind(LN_REASON_NO_GW), LN_ACTIVITY_OUTAGE);
    assert_int_equal(ln_activity_kind(LN_REASON_ZONE), LN_ACTIVITY_DENIED);
    assert_int_equal(ln_activity_kind(LN_REASON_SUSPENDED),
                     LN_ACTIVITY_DENIED);
    assert_int_equal(ln_activity_kind(LN_REASON_KILL), LN_ACTIVITY_DENIED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_merge),
        cmocka_unit_test(test_rows_units),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_draw_same),
        cmocka_unit_test(test_kind),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
