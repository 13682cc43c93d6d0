/*
 * test_render.c - the activity map on a hand-built run directory.
 *
 * The fixture: three H3 resolution-5 cells (A, B, C in the north, west
 * and east of Ukraine, away from the labelled cities) with
 * known counts over 4 windows of 15 min, a deny zone (a square), one
 * satellite sub-point per window, with and without a summary.json. The
 * expectations come from the fixture's definition (means, sums), from
 * the published viridis palette (matplotlib / R viridis(11): t = 1 is
 * #fde725) and from the PNG's own world file (activity.pgw, the ESRI
 * format QGIS reads), through which the test finds the pixel of each
 * cell's centre.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cairo.h>
#include <cmocka.h>

#include "act_test.h"
#include <gif_lib.h>

#include "activity/activity_int.h"
#include "leonet/activity.h"
#include "leonet/cell.h"

/* The run directory's files as an aggregate, drawn into that directory
 * (what `leonet map DIR` does). */
static int render_dir(const char *run_dir, const ln_activity_options *o,
                      ln_diag *d)
{
    ln_activity *agg = NULL;
    int rc = ln_activity_read_run(run_dir, &agg, d);
    if (!rc)
        rc = ln_activity_render(agg, run_dir, o, d);
    ln_activity_free(agg);
    return rc;
}

#define NWIN 4

/* The fixture's cells: centre point, and per-window counts. */
static const struct {
    double lat, lon;
    float active[NWIN], denied[NWIN], outage[NWIN];
} CELLS[3] = {
    {50.90, 29.00, {100, 200, 300, 400}, {0, 0, 0, 0}, {0, 0, 0, 0}},
    {49.20, 25.00, {0, 0, 0, 0}, {5, 5, 5, 5}, {0, 0, 0, 0}},
    {50.60, 34.00, {1, 1, 1, 1}, {0, 0, 0, 0}, {0, 2, 0, 0}},
};
/* deny zone: lon 35.5..37, lat 47..48.5 */
#define ZLON0 35.5
#define ZLON1 37.0
#define ZLAT0 47.0
#define ZLAT1 48.5



static void series(FILE *f, const char *name, const float *v)
{
    fprintf(f, ",\"%s\":[", name);
    for (int w = 0; w < NWIN; w++)
        fprintf(f, "%s%.2f", w ? "," : "", v[w]);
    fprintf(f, "]");
}

static ln_cell cell_of(int i)
{
    ln_cell c;
    assert_int_equal(ln_cell_from_latlon_deg(CELLS[i].lat, CELLS[i].lon, 5,
                                             &c), 0);
    return c;
}

/* activity.geojson as the engine writes it (src/sim/report.c). */
static void write_fixture(int with_summary)
{
    char p[256];
    snprintf(p, sizeof p, "%s/activity.geojson", dir);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fprintf(f, "{\"type\":\"FeatureCollection\",\"name\":\"fixture "
               "activity\",\"window_s\":900,\"start\":"
               "\"2022-10-09T00:00:00Z\",\"windows\":%d,\"map_res\":5,"
               "\"features\":[\n", NWIN);
    for (int i = 0; i < 3; i++) {
        char id[LN_CELL_STRLEN];
        ln_cell c = cell_of(i);
        ln_cell_to_string(c, id, sizeof id);
        ln_cell_boundary b;
        assert_int_equal(ln_cell_boundary_of(c, &b), 0);
        fprintf(f, "%s{\"type\":\"Feature\",\"id\":\"%s\",\"geometry\":{"
                   "\"type\":\"Polygon\",\"coordinates\":[[", i ? ",\n" : "",
                id);
        for (int v = 0; v <= b.n; v++)
            fprintf(f, "%s[%.6f,%.6f]", v ? "," : "",
                    b.lon_rad[v % b.n] * LN_RAD2DEG,
                    b.lat_rad[v % b.n] * LN_RAD2DEG);
        fprintf(f, "]]},\"properties\":{\"cell\":\"%s\"", id);
        series(f, "active", CELLS[i].active);
        series(f, "denied", CELLS[i].denied);
        series(f, "outage", CELLS[i].outage);
        fprintf(f, "}}");
    }
    fprintf(f, "\n]}\n");
    assert_int_equal(fclose(f), 0);
    char z[1024];
    snprintf(z, sizeof z,
             "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":"
             "\"Feature\",\"id\":\"square\",\"properties\":{\"id\":"
             "\"square\",\"name\":\"Test square\",\"action\":\"deny\","
             "\"priority\":10},\"geometry\":{\"type\":\"MultiPolygon\","
             "\"coordinates\":[[[[%g,%g],[%g,%g],[%g,%g],[%g,%g],"
             "[%g,%g]]]]}}]}\n",
             ZLON0, ZLAT0, ZLON1, ZLAT0, ZLON1, ZLAT1, ZLON0, ZLAT1, ZLON0,
             ZLAT0);
    write_file("zones.geojson", z);
    write_file("activity-sats.json",
               "{\"window_s\":900,\"start\":\"2022-10-09T00:00:00Z\","
               "\"windows\":[[48.0,30.0],[48.5,31.0],[49.0,32.0],"
               "[49.5,33.0]]}\n");
    snprintf(p, sizeof p, "%s/summary.json", dir);
    unlink(p);
    if (with_summary)
        write_file("summary.json",
                   "{\"run\":{\"scenario\":\"fixture-day\",\"start\":"
                   "\"2022-10-09T00:00:00Z\",\"end\":\"2022-10-09T01:00:00Z\"},"
                   "\"time_series\":{\"window_s\":900,\"start\":[\"a\",\"b\","
                   "\"c\",\"d\"],\"active_terminals\":[10,20,30,40],"
                   "\"denied_terminals\":[1,2,3,4],\"outage_terminals\":"
                   "[0,0,0,0]}}\n");
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/ln-activity-XXXXXX");
    assert_non_null(mkdtemp(dir));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (getenv("LN_TEST_KEEP")) { /* to look at the pictures */
        print_message("kept %s\n", dir);
        return 0;
    }
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Aggregation of the loader: ids, means, peaks, the series summed from
 * the cells (no summary) or taken from summary.json. */
static void test_load(void **state)
{
    (void)state;
    write_fixture(0);
    ln__act a;
    ln_diag d;
    assert_int_equal(ln__act_load(&a, dir, NULL, 1, &d), 0);
    assert_int_equal(a.ncells, 3);
    assert_int_equal(a.nwin, NWIN);
    assert_int_equal(a.res, 5);
    assert_true(a.window_s == 900);
    assert_true(a.start_unix_s == ln_time_from_utc(2022, 10, 9, 0, 0, 0));
    assert_string_equal(a.scenario, "fixture");
    for (int i = 0; i < 3; i++) {
        assert_true(a.cells[i].id == cell_of(i));
        char id[LN_CELL_STRLEN];
        assert_string_equal(a.cells[i].sid,
                            ln_cell_to_string(cell_of(i), id, sizeof id));
        double sum = 0, mx = 0;
        for (int w = 0; w < NWIN; w++) {
            sum += CELLS[i].active[w];
            mx = fmax(mx, CELLS[i].active[w]);
        }
        assert_float_equal(a.cells[i].mean_active, sum / NWIN, 1e-9);
        assert_float_equal(a.cells[i].max_active, mx, 1e-9);
    }
    assert_float_equal(a.cells[1].max_denied, 5, 1e-9);
    assert_float_equal(a.cells[2].max_outage, 2, 1e-9);
    for (int w = 0; w < NWIN; w++) {
        double s = 0, sd = 0, so = 0;
        for (int i = 0; i < 3; i++) {
            s += CELLS[i].active[w];
            sd += CELLS[i].denied[w];
            so += CELLS[i].outage[w];
        }
        assert_float_equal(a.ts_active[w], s, 1e-6);
        assert_float_equal(a.ts_denied[w], sd, 1e-6);
        assert_float_equal(a.ts_outage[w], so, 1e-6);
    }
    assert_non_null(a.sat_off);
    assert_int_equal(a.sat_off[NWIN], NWIN);
    assert_int_equal(a.zones.gj.nfeatures, 1);
    assert_int_equal(a.zones.action[0], LN_ZONE_DENY);
    /* the map's box holds the cells and the zone */
    assert_true(a.bbox[0] < 25.0 && a.bbox[2] > 37.0);
    assert_true(a.bbox[1] < 47.0 && a.bbox[3] > 50.9);
    ln__act_free(&a);

    write_fixture(1);
    assert_int_equal(ln__act_load(&a, dir, NULL, 1, &d), 0);
    assert_string_equal(a.scenario, "fixture-day");
    assert_int_equal(a.ts_from_summary, 1);
    assert_float_equal(a.ts_active[3], 40, 1e-9);
    assert_float_equal(a.ts_denied[1], 2, 1e-9);
    ln__act_free(&a);
}

/* Bad inputs: a diagnostic naming the member, no crash, no leak. */
static void test_bad_input(void **state)
{
    (void)state;
    ln__act a;
    ln_diag d;
    static const struct {
        const char *text;
        int rc;
        const char *want;
    } cases[] = {
        {"{\"features\":[{\"id\":\"zzz\",\"properties\":{\"active\":[1]}}]}",
         LN_ECELL, "features[0].id"},
        {"{\"windows\":2,\"features\":[{\"id\":\"85194ad3fffffff\","
         "\"properties\":{\"active\":[1]}}]}",
         LN_EPARSE, "features[0].properties.active"},
        {"{\"windows\":1,\"features\":[{\"id\":\"85194ad3fffffff\","
         "\"properties\":{\"active\":[-1]}}]}",
         LN_EPARSE, "active[0]"},
        {"{\"windows\":1,\"features\":[", LN_EPARSE, ""},
        {"{\"windows\":0,\"features\":[]}", LN_EPARSE, ""},
        {"[]", LN_EGEOJSON, ""},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        memset(&a, 0, sizeof a);
        ln_diag_clear(&d);
        int rc = ln__act_parse_cells(&a, cases[k].text, strlen(cases[k].text),
                                     "x.geojson", &d);
        char b[1200];
        ln_diag_format(&d, b, sizeof b);
        if (rc != cases[k].rc || !strstr(b, cases[k].want))
            print_message("case %zu: rc %d, diag '%s'\n", k, rc, b);
        assert_int_equal(rc, cases[k].rc);
        assert_non_null(strstr(b, cases[k].want));
        ln__act_free(&a);
    }
    /* no run directory */
    assert_int_equal(render_dir("/nonexistent/run", NULL, &d),
                     LN_ENOTFOUND);
    ln_activity_options o;
    ln_activity_options_init(&o);
    o.width_px = 100;
    assert_int_equal(render_dir(dir, &o, &d), LN_EINVAL);
}

/* ---- the PNG, read back ------------------------------------------- */

typedef struct img {
    cairo_surface_t *s;
    int w, h, stride;
    const unsigned char *px;
    double A, E, C, F; /* world file: lon = C + A px, lat = F + E py */
} img;

static void img_open(img *m, const char *png, const char *pgw)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", dir, png);
    m->s = cairo_image_surface_create_from_png(p);
    assert_int_equal(cairo_surface_status(m->s), CAIRO_STATUS_SUCCESS);
    m->w = cairo_image_surface_get_width(m->s);
    m->h = cairo_image_surface_get_height(m->s);
    m->stride = cairo_image_surface_get_stride(m->s);
    m->px = cairo_image_surface_get_data(m->s);
    snprintf(p, sizeof p, "%s/%s", dir, pgw);
    FILE *f = fopen(p, "r");
    assert_non_null(f);
    double B, D;
    assert_int_equal(fscanf(f, "%lf %lf %lf %lf %lf %lf", &m->A, &D, &B,
                            &m->E, &m->C, &m->F), 6);
    fclose(f);
    assert_true(B == 0 && D == 0 && m->A > 0 && m->E < 0);
}

static void img_rgb(const img *m, double lat, double lon, int rgb[3])
{
    int x = (int)lround((lon - m->C) / m->A);
    int y = (int)lround((lat - m->F) / m->E);
    assert_true(x >= 0 && x < m->w && y >= 0 && y < m->h);
    uint32_t v = *(const uint32_t *)(m->px + (size_t)y * m->stride + 4 * x);
    rgb[0] = (v >> 16) & 255;
    rgb[1] = (v >> 8) & 255;
    rgb[2] = v & 255;
}

static void want_rgb(const img *m, double lat, double lon, int r, int g,
                     int b, int tol, const char *what)
{
    int c[3];
    img_rgb(m, lat, lon, c);
    if (abs(c[0] - r) > tol || abs(c[1] - g) > tol || abs(c[2] - b) > tol)
        print_message("%s at (%.3f, %.3f): want #%02x%02x%02x, got "
                      "#%02x%02x%02x\n", what, lon, lat, r, g, b, c[0], c[1],
                      c[2]);
    assert_true(abs(c[0] - r) <= tol && abs(c[1] - g) <= tol &&
                abs(c[2] - b) <= tol);
}

static void test_png(void **state)
{
    (void)state;
    write_fixture(1);
    ln_activity_options o;
    ln_activity_options_init(&o);
    o.data_dir = LN_PROJECT_DATA;
    o.frames = 2;
    ln_diag d;
    ln_diag_clear(&d);
    int rc = render_dir(dir, &o, &d);
    if (rc) {
        char b[1200];
        print_message("render: %s\n", ln_diag_format(&d, b, sizeof b));
    }
    assert_int_equal(rc, 0);
    img m;
    img_open(&m, "activity.png", "activity.pgw");
    assert_int_equal(m.w, 1600);
    assert_true(m.h > 600 && m.h < 3000);
    double lat, lon;
    /* A: the largest mean (250) is the top of the scale: #fde725 */
    assert_int_equal(ln_cell_center(cell_of(0), &lat, &lon), 0);
    want_rgb(&m, lat * LN_RAD2DEG, lon * LN_RAD2DEG, 0xfd, 0xe7, 0x25, 3,
             "cell A");
    /* B: denied only: the neutral grey of the legend */
    assert_int_equal(ln_cell_center(cell_of(1), &lat, &lon), 0);
    want_rgb(&m, lat * LN_RAD2DEG, lon * LN_RAD2DEG, 184, 184, 184, 3,
             "cell B");
    /* C: mean 1 of 250, low on the scale: dark violet-blue */
    assert_int_equal(ln_cell_center(cell_of(2), &lat, &lon), 0);
    int c[3];
    img_rgb(&m, lat * LN_RAD2DEG, lon * LN_RAD2DEG, c);
    assert_true(c[2] > c[0] && c[2] > c[1] && c[0] < 110 && c[1] < 90);
    /* no cell: Ukraine's land is white (Kropyvnytskyi) */
    want_rgb(&m, 48.51, 32.26, 255, 255, 255, 0, "empty land");
    /* the deny zone is hatched red: some reddish pixels in its middle */
    int red = 0, n = 0;
    for (double y = 47.6; y < 47.9; y += 0.003)
        for (double x = 36.0; x < 36.5; x += 0.003) {
            img_rgb(&m, y, x, c);
            red += c[0] > c[1] + 40 && c[0] > c[2] + 40;
            n++;
        }
    print_message("deny zone: %d of %d pixels reddish\n", red, n);
    assert_true(red > n / 10);
    /* and none on empty land outside it */
    red = 0;
    for (double y = 49.0; y < 49.3; y += 0.003)
        for (double x = 31.0; x < 31.5; x += 0.003) {
            img_rgb(&m, y, x, c);
            red += c[0] > c[1] + 40 && c[0] > c[2] + 40;
        }
    assert_int_equal(red, 0);
    cairo_surface_destroy(m.s);

    /* frames every 2 windows: 00:00 and 00:30, same world file */
    struct stat st;
    char p[256];
    snprintf(p, sizeof p, "%s/activity-0000.png", dir);
    assert_int_equal(stat(p, &st), 0);
    snprintf(p, sizeof p, "%s/activity-0030.png", dir);
    assert_int_equal(stat(p, &st), 0);
    snprintf(p, sizeof p, "%s/activity-0015.png", dir);
    assert_int_not_equal(stat(p, &st), 0);
    /* in frame 00:00 A has 100 of a peak 400: below the top colour */
    img_open(&m, "activity-0000.png", "activity.pgw");
    assert_int_equal(ln_cell_center(cell_of(0), &lat, &lon), 0);
    img_rgb(&m, lat * LN_RAD2DEG, lon * LN_RAD2DEG, c);
    assert_true(c[0] < 0xf0);
    cairo_surface_destroy(m.s);

    /* the page: data in place, the marker gone */
    char *html;
    size_t len;
    snprintf(p, sizeof p, "%s/activity.html", dir);
    assert_int_equal(ln_read_file(p, 1 << 26, &html, &len, NULL), 0);
    char id[LN_CELL_STRLEN];
    assert_non_null(strstr(html, ln_cell_to_string(cell_of(2), id,
                                                   sizeof id)));
    assert_null(strstr(html, "/*LN_DATA*/null"));
    assert_non_null(strstr(html, "<title>fixture-day: 2022-10-09 00:00 - "
                                 "01:00 UTC</title>"));
    ln_free(html);
}

/* Width option and a hostile title: the page's script cannot be closed
 * by it. */
static void test_width_title(void **state)
{
    (void)state;
    write_fixture(1);
    ln_activity_options o;
    ln_activity_options_init(&o);
    o.data_dir = LN_PROJECT_DATA;
    o.width_px = 800;
    o.title = "a</script><script>alert(1)</script>&\"";
    ln_diag d;
    assert_int_equal(render_dir(dir, &o, &d), 0);
    img m;
    img_open(&m, "activity.png", "activity.pgw");
    assert_int_equal(m.w, 800);
    double lat, lon;
    assert_int_equal(ln_cell_center(cell_of(0), &lat, &lon), 0);
    want_rgb(&m, lat * LN_RAD2DEG, lon * LN_RAD2DEG, 0xfd, 0xe7, 0x25, 3,
             "cell A at 800 px");
    cairo_surface_destroy(m.s);
    char *html, p[256];
    size_t len;
    snprintf(p, sizeof p, "%s/activity.html", dir);
    assert_int_equal(ln_read_file(p, 1 << 26, &html, &len, NULL), 0);
    assert_null(strstr(html, "<script>alert"));
    ln_free(html);
}

/* The animated GIF, decoded with giflib's reader and composited as a
 * viewer does (transparent index = keep the pixel, disposal "do not
 * dispose"): one frame per window, looping, each frame within the
 * 256-colour quantisation of the PNG frame of the same window and width;
 * frames_only writes neither activity.png nor the page. */
static void test_gif(void **state)
{
    (void)state;
    write_fixture(1);
    char p[256];
    const char *old[] = {"activity.png", "activity.html", "activity.gif"};
    for (int k = 0; k < 3; k++) {
        snprintf(p, sizeof p, "%s/%s", dir, old[k]);
        unlink(p);
    }
    ln_activity_options o;
    ln_activity_options_init(&o);
    o.data_dir = LN_PROJECT_DATA;
    o.width_px = 960;
    o.frames = 1;
    o.animate = 1;
    o.frames_only = 1;
    ln_diag d;
    assert_int_equal(render_dir(dir, &o, &d), 0);
    struct stat st;
    snprintf(p, sizeof p, "%s/activity.png", dir);
    assert_int_not_equal(stat(p, &st), 0);
    snprintf(p, sizeof p, "%s/activity.html", dir);
    assert_int_not_equal(stat(p, &st), 0);

    snprintf(p, sizeof p, "%s/activity.gif", dir);
    int err;
    GifFileType *g = DGifOpenFileName(p, &err);
    assert_non_null(g);
    assert_int_equal(DGifSlurp(g), GIF_OK);
    assert_int_equal(g->ImageCount, NWIN);
    assert_int_equal(g->SWidth, 960);
    /* NETSCAPE2.0 loop extension, count 0 = forever */
    int loop = 0;
    const SavedImage *s0 = &g->SavedImages[0];
    for (int k = 0; k + 1 < s0->ExtensionBlockCount; k++)
        if (s0->ExtensionBlocks[k].Function == APPLICATION_EXT_FUNC_CODE &&
            s0->ExtensionBlocks[k].ByteCount == 11 &&
            memcmp(s0->ExtensionBlocks[k].Bytes, "NETSCAPE2.0", 11) == 0 &&
            s0->ExtensionBlocks[k + 1].ByteCount == 3 &&
            s0->ExtensionBlocks[k + 1].Bytes[0] == 1 &&
            s0->ExtensionBlocks[k + 1].Bytes[1] == 0 &&
            s0->ExtensionBlocks[k + 1].Bytes[2] == 0)
            loop = 1;
    assert_true(loop);
    size_t npx = (size_t)g->SWidth * g->SHeight;
    unsigned char *canvas = calloc(3 * npx, 1);
    assert_non_null(canvas);
    static const char *const frame[NWIN] = {
        "activity-0000.png", "activity-0015.png", "activity-0030.png",
        "activity-0045.png"};
    for (int f = 0; f < NWIN; f++) {
        const SavedImage *im = &g->SavedImages[f];
        GraphicsControlBlock gcb;
        assert_int_equal(DGifSavedExtensionToGCB(g, f, &gcb), GIF_OK);
        assert_int_equal(gcb.DelayTime, 25);
        const ColorMapObject *cm =
            im->ImageDesc.ColorMap ? im->ImageDesc.ColorMap : g->SColorMap;
        assert_non_null(cm);
        const GifImageDesc *id = &im->ImageDesc;
        assert_true(id->Left + id->Width <= g->SWidth &&
                    id->Top + id->Height <= g->SHeight);
        for (int y = 0; y < id->Height; y++)
            for (int x = 0; x < id->Width; x++) {
                int v = im->RasterBits[(size_t)y * id->Width + x];
                if (v == gcb.TransparentColor)
                    continue;
                unsigned char *c = canvas + 3 * ((size_t)(y + id->Top) *
                                                     g->SWidth +
                                                 x + id->Left);
                c[0] = cm->Colors[v].Red;
                c[1] = cm->Colors[v].Green;
                c[2] = cm->Colors[v].Blue;
            }
        img m;
        img_open(&m, frame[f], "activity.pgw");
        assert_int_equal(m.w, g->SWidth);
        assert_int_equal(m.h, g->SHeight);
        double sum = 0;
        int worst = 0;
        for (int y = 0; y < m.h; y++)
            for (int x = 0; x < m.w; x++) {
                uint32_t v = *(const uint32_t *)(m.px +
                                                 (size_t)y * m.stride +
                                                 4 * x);
                const unsigned char *c = canvas + 3 * ((size_t)y * m.w + x);
                int dd[3] = {abs(c[0] - (int)((v >> 16) & 255)),
                             abs(c[1] - (int)((v >> 8) & 255)),
                             abs(c[2] - (int)(v & 255))};
                for (int k = 0; k < 3; k++) {
                    sum += dd[k];
                    worst = dd[k] > worst ? dd[k] : worst;
                }
            }
        double mean = sum / (3.0 * npx);
        print_message("gif frame %d: mean |diff| %.2f, max %d (of 255)\n",
                      f, mean, worst);
        /* 256 colours: small on average; no pixel wildly off */
        assert_true(mean < 2.0);
        assert_true(worst < 64);
        cairo_surface_destroy(m.s);
    }
    free(canvas);
    DGifCloseFile(g, &err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_png),
        cmocka_unit_test(test_width_title),
        cmocka_unit_test(test_gif),
    };
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    /* cairo's font caches hold fontconfig patterns until this; without it
     * LeakSanitizer reports them */
    cairo_debug_reset_static_data();
    return rc;
}
