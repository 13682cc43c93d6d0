/*
 * png.c - the activity map as a picture (cairo, antialiased): country
 * outlines, cells coloured by active terminals (viridis, log scale), deny
 * zones hatched, legend, scale bar, title, and a strip with the number of
 * active, denied and outage terminals per window; its world file.
 *
 * Projection: equirectangular, px per degree of longitude kx and of
 * latitude ky = kx / cos(lat_mid), so distances are true along the middle
 * parallel and shapes are right near it (Ukraine spans 44-52.5 N: at most
 * 6 % scale error in x at its edges). The pixel <-> (lon, lat) map is
 * affine, so a world file (.pgw, EPSG:4326) georeferences the PNG exactly.
 *
 * Layout at width W (all sizes scale with s = W / 1600): a title band,
 * the map, the time-series strip, a footer line.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <cairo.h>

#include "activity/activity_int.h"

#define KM_PER_DEG_LAT 111.195 /* mean Earth radius 6371.0 km * pi / 180 */

typedef struct lay {
    double s;        /* scale of sizes, W / 1600 */
    ln__act_proj p;  /* map projection (ox, oy = map origin) */
    double W, H;
    double strip_y, strip_h;
} lay;

static double X(const lay *l, double lon)
{
    return l->p.ox + (lon - l->p.lon0) * l->p.kx;
}

static double Y(const lay *l, double lat)
{
    return l->p.oy + (l->p.lat1 - lat) * l->p.ky;
}

static void text(cairo_t *cr, double x, double y, double size, int bold,
                 double align, double r, double g, double b,
                 const char *fmt, ...) __attribute__((format(printf, 10, 11)));

static void text(cairo_t *cr, double x, double y, double size, int bold,
                 double align, double r, double g, double b,
                 const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD
                                : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
    cairo_text_extents_t te;
    cairo_text_extents(cr, buf, &te);
    cairo_set_source_rgb(cr, r, g, b);
    cairo_move_to(cr, x - align * te.x_advance, y);
    cairo_show_text(cr, buf);
}

/* "18 379" (thin grouping), "12.5", "0.4" */
static void fmt_count(double v, char *buf, size_t n)
{
    if (v < 10 && v != floor(v)) {
        snprintf(buf, n, "%.1f", v);
        return;
    }
    long long k = llround(v);
    if (k < 10000) {
        snprintf(buf, n, "%lld", k);
        return;
    }
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%lld", k);
    size_t len = strlen(tmp), o = 0;
    for (size_t i = 0; i < len && o + 2 < n; i++) {
        if (i && (len - i) % 3 == 0)
            buf[o++] = ' ';
        buf[o++] = tmp[i];
    }
    buf[o] = '\0';
}

/* Adds the rings of a GeoJSON feature's polygons to the current path. */
static void path_feature(cairo_t *cr, const lay *l,
                         const ln_geojson_feature *f)
{
    for (size_t p = 0; p < f->npolys; p++)
        for (size_t r = 0; r < f->polys[p].nrings; r++) {
            const ln_geo_ring *rg = &f->polys[p].rings[r];
            for (size_t k = 0; k < rg->n; k++) {
                double x = X(l, rg->lonlat_deg[2 * k]);
                double y = Y(l, rg->lonlat_deg[2 * k + 1]);
                if (k)
                    cairo_line_to(cr, x, y);
                else
                    cairo_move_to(cr, x, y);
            }
            cairo_close_path(cr);
        }
}

static void path_cell(cairo_t *cr, const lay *l, const ln__act_cell *c)
{
    for (int v = 0; v < c->nv; v++) {
        if (v)
            cairo_line_to(cr, X(l, c->lon[v]), Y(l, c->lat[v]));
        else
            cairo_move_to(cr, X(l, c->lon[v]), Y(l, c->lat[v]));
    }
    cairo_close_path(cr);
}

/* Diagonal hatching of the current clip over the map's rectangle. */
static void hatch(cairo_t *cr, const lay *l, double gap, double r, double g,
                  double b, double alpha, double lw)
{
    double x0 = l->p.ox, y0 = l->p.oy, w = l->p.w, h = l->p.h;
    cairo_set_source_rgba(cr, r, g, b, alpha);
    cairo_set_line_width(cr, lw);
    for (double d = -h; d < w; d += gap) {
        cairo_move_to(cr, x0 + d, y0 + h);
        cairo_line_to(cr, x0 + d + h, y0);
    }
    cairo_stroke(cr);
}

static double cell_value(const ln__act *a, size_t i, long win)
{
    return win < 0 ? a->cells[i].mean_active
                   : a->active[i * (size_t)a->nwin + (size_t)win];
}

/* The current path filled (the source set by the caller) and outlined
 * in (r, g, b), w wide (device units). */
static void fill_outline(cairo_t *cr, double r, double g, double b, double w)
{
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, r, g, b);
    cairo_set_line_width(cr, w);
    cairo_stroke(cr);
}

/* The largest cities: a dot and the name, with a white halo. */
static void draw_places(cairo_t *cr, const ln__act *a, const lay *l)
{
    double s = l->s;
    for (int k = 0; k < a->nplaces; k++) {
        const struct ln__act_place *pl = &a->places[k];
        double x = X(l, pl->lon), y = Y(l, pl->lat);
        cairo_new_path(cr);
        cairo_arc(cr, x, y, 3.4 * s, 0, LN_TWOPI);
        cairo_set_source_rgb(cr, 1, 1, 1);
        fill_outline(cr, 0, 0, 0, 1.6 * s);
        cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                               CAIRO_FONT_WEIGHT_BOLD);
        cairo_set_font_size(cr, 13 * s);
        cairo_move_to(cr, x + 6 * s, y - 5 * s);
        cairo_text_path(cr, pl->name);
        cairo_set_source_rgba(cr, 1, 1, 1, 0.85);
        cairo_set_line_width(cr, 3.2 * s);
        cairo_stroke_preserve(cr);
        cairo_set_source_rgb(cr, 0.05, 0.05, 0.05);
        cairo_fill(cr);
    }
}

static void draw_map(cairo_t *cr, const ln__act *a, const lay *l, long win,
                     double vmax)
{
    double s = l->s;
    cairo_save(cr);
    cairo_rectangle(cr, l->p.ox, l->p.oy, l->p.w, l->p.h);
    cairo_clip(cr);
    cairo_set_source_rgb(cr, 0.87, 0.90, 0.93); /* outside: sea or no data */
    cairo_paint(cr);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    /* outlines: neighbours light, Ukraine (the last layer) white */
    for (int o = 0; o < a->noutline; o++) {
        int main_layer = o == a->noutline - 1;
        const ln_geojson *g = &a->outline[o].gj;
        for (size_t f = 0; f < g->nfeatures; f++)
            path_feature(cr, l, &g->features[f]);
        cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
        if (main_layer)
            cairo_set_source_rgb(cr, 1, 1, 1);
        else
            cairo_set_source_rgb(cr, 0.96, 0.95, 0.93);
        fill_outline(cr, 0.62, 0.62, 0.62, 0.8 * s);
    }
    /* cells */
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING);
    for (size_t i = 0; i < a->ncells; i++) {
        double v = cell_value(a, i, win);
        size_t k = i * (size_t)a->nwin;
        int any = win < 0 ? (a->cells[i].max_denied > 0 ||
                             a->cells[i].max_outage > 0)
                          : (a->denied[k + (size_t)win] > 0 ||
                             a->outage[k + (size_t)win] > 0);
        if (!(v > 0) && !any)
            continue;
        path_cell(cr, l, &a->cells[i]);
        if (v > 0) {
            double rgb[3];
            ln__act_viridis(ln__act_scale(v, vmax), rgb);
            cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
        } else {
            cairo_set_source_rgb(cr, 0.72, 0.72, 0.72);
        }
        cairo_fill_preserve(cr);
        cairo_set_source_rgba(cr, 1, 1, 1, 0.35);
        cairo_set_line_width(cr, 0.6 * s);
        cairo_stroke(cr);
    }
    /* zones: deny hatched red, allow outlined green */
    const ln_geojson *zg = &a->zones.gj;
    for (size_t f = 0; f < zg->nfeatures; f++) {
        int deny = a->zones.action[f] == LN_ZONE_DENY;
        cairo_save(cr);
        path_feature(cr, l, &zg->features[f]);
        cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
        if (deny) {
            cairo_clip_preserve(cr);
            cairo_new_path(cr);
            hatch(cr, l, 9 * s, 0.75, 0.1, 0.1, 0.55, 1.3 * s);
            cairo_reset_clip(cr);
            cairo_rectangle(cr, l->p.ox, l->p.oy, l->p.w, l->p.h);
            cairo_clip(cr);
            path_feature(cr, l, &zg->features[f]);
            cairo_set_source_rgba(cr, 0.7, 0.05, 0.05, 0.9);
            cairo_set_line_width(cr, 1.8 * s);
        } else {
            double dash[2] = {6 * s, 4 * s};
            cairo_set_dash(cr, dash, 2, 0);
            cairo_set_source_rgba(cr, 0.1, 0.5, 0.1, 0.9);
            cairo_set_line_width(cr, 1.5 * s);
        }
        cairo_stroke(cr);
        cairo_restore(cr);
    }
    /* Ukraine's border again on top, dark */
    if (a->noutline) {
        const ln_geojson *g = &a->outline[a->noutline - 1].gj;
        for (size_t f = 0; f < g->nfeatures; f++)
            path_feature(cr, l, &g->features[f]);
        cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
        cairo_set_line_width(cr, 1.4 * s);
        cairo_stroke(cr);
    }
    draw_places(cr, a, l);
    /* satellites' sub-points at the window's start (frames only) */
    if (win >= 0 && a->sat_off) {
        const float *o = a->sats + 2 * a->sat_off[win];
        size_t n = a->sat_off[win + 1] - a->sat_off[win];
        for (size_t k = 0; k < n; k++) {
            double x = X(l, o[2 * k + 1]), y = Y(l, o[2 * k]);
            cairo_new_sub_path(cr);
            cairo_arc(cr, x, y, 3.2 * s, 0, LN_TWOPI);
        }
        cairo_set_source_rgb(cr, 1, 1, 1);
        fill_outline(cr, 0.85, 0.35, 0.0, 1.4 * s);
    }
    cairo_restore(cr);
    cairo_rectangle(cr, l->p.ox, l->p.oy, l->p.w, l->p.h);
    cairo_set_source_rgb(cr, 0.4, 0.4, 0.4);
    cairo_set_line_width(cr, 1 * s);
    cairo_stroke(cr);
}

static void draw_legend(cairo_t *cr, const ln__act *a, const lay *l,
                        long win, double vmax)
{
    double s = l->s;
    double bw = 360 * s, bh = (win >= 0 && a->sat_off ? 200 : 176) * s;
    double x0 = l->p.ox + 12 * s, y0 = l->p.oy + l->p.h - bh - 12 * s;
    cairo_rectangle(cr, x0, y0, bw, bh);
    cairo_set_source_rgba(cr, 1, 1, 1, 0.9);
    fill_outline(cr, 0.55, 0.55, 0.55, 1 * s);
    double x = x0 + 16 * s, y = y0 + 26 * s;
    text(cr, x, y, 15 * s, 1, 0, 0.1, 0.1, 0.1,
         win < 0 ? "Active terminals per cell (mean)" :
                   "Active terminals per cell");
    /* colour bar, log scale */
    double cw = bw - 44 * s, ch = 16 * s, cy = y + 12 * s;
    for (int i = 0; i < (int)cw; i++) {
        double rgb[3];
        ln__act_viridis(i / cw, rgb);
        cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
        cairo_rectangle(cr, x + i, cy, 1.2, ch);
        cairo_fill(cr);
    }
    static const double ticks[] = {0.5, 1, 2, 5, 10, 20, 50, 100, 200,
                                   500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5};
    double last = -1e9;
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    for (size_t k = 0; k < sizeof ticks / sizeof ticks[0]; k++) {
        if (ticks[k] > vmax)
            break;
        double tx = x + cw * ln__act_scale(ticks[k], vmax);
        if (tx - last < 34 * s || x + cw - tx < 30 * s)
            continue;
        last = tx;
        cairo_move_to(cr, tx, cy + ch);
        cairo_line_to(cr, tx, cy + ch + 5 * s);
        cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
        cairo_set_line_width(cr, 1 * s);
        cairo_stroke(cr);
        text(cr, tx, cy + ch + 19 * s, 12 * s, 0, 0.5, 0.2, 0.2, 0.2, "%g",
             ticks[k]);
    }
    char vb[32];
    fmt_count(vmax, vb, sizeof vb);
    text(cr, x + cw, cy + ch + 19 * s, 12 * s, 1, 0.5, 0.2, 0.2, 0.2, "%s",
         vb);
    y = cy + ch + 44 * s;
    /* swatches */
    double sw = 22 * s, sh = 14 * s;
    cairo_rectangle(cr, x, y - sh + 2 * s, sw, sh);
    cairo_set_source_rgb(cr, 0.72, 0.72, 0.72);
    cairo_fill(cr);
    text(cr, x + sw + 10 * s, y, 13 * s, 0, 0, 0.15, 0.15, 0.15,
         "no terminal served (denied or outage)");
    y += 24 * s;
    cairo_save(cr);
    cairo_rectangle(cr, x, y - sh + 2 * s, sw, sh);
    cairo_clip_preserve(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_fill(cr);
    cairo_set_source_rgba(cr, 0.75, 0.1, 0.1, 0.7);
    cairo_set_line_width(cr, 1.3 * s);
    for (double d = -sh; d < sw; d += 6 * s) {
        cairo_move_to(cr, x + d, y + 2 * s);
        cairo_line_to(cr, x + d + sh, y - sh + 2 * s);
    }
    cairo_stroke(cr);
    cairo_restore(cr);
    cairo_rectangle(cr, x, y - sh + 2 * s, sw, sh);
    cairo_set_source_rgb(cr, 0.7, 0.05, 0.05);
    cairo_set_line_width(cr, 1.5 * s);
    cairo_stroke(cr);
    text(cr, x + sw + 10 * s, y, 13 * s, 0, 0, 0.15, 0.15, 0.15,
         "deny zone (service refused)");
    if (win >= 0 && a->sat_off) {
        y += 24 * s;
        cairo_new_path(cr);
        cairo_arc(cr, x + sw / 2, y - sh / 2 + 2 * s, 3.2 * s, 0, LN_TWOPI);
        cairo_set_source_rgb(cr, 1, 1, 1);
        fill_outline(cr, 0.85, 0.35, 0.0, 1.4 * s);
        text(cr, x + sw + 10 * s, y, 13 * s, 0, 0, 0.15, 0.15, 0.15,
             "satellite sub-point at window start");
    }
    /* scale bar: the longest round length under 220 px */
    y += 32 * s;
    double px_per_km = l->p.ky / KM_PER_DEG_LAT;
    static const double lens[] = {1, 2, 5, 10, 20, 50, 100, 200, 500,
                                  1000, 2000, 5000};
    double len = lens[0];
    for (size_t k = 0; k < sizeof lens / sizeof lens[0]; k++)
        if (lens[k] * px_per_km <= 220 * s)
            len = lens[k];
    double bl = len * px_per_km;
    for (int k = 0; k < 4; k++) {
        cairo_rectangle(cr, x + k * bl / 4, y - 8 * s, bl / 4, 6 * s);
        if (k % 2)
            cairo_set_source_rgb(cr, 1, 1, 1);
        else
            cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
        fill_outline(cr, 0.15, 0.15, 0.15, 1 * s);
    }
    text(cr, x, y + 10 * s, 12 * s, 0, 0.5, 0.15, 0.15, 0.15, "0");
    text(cr, x + bl, y + 10 * s, 12 * s, 0, 0.5, 0.15, 0.15, 0.15, "%g km",
         len);
}

/* A "nice" upper bound: 1, 2, 2.5, 5 x 10^k >= v. */
static double nice_ceil(double v)
{
    if (!(v > 0))
        return 1;
    double e = pow(10, floor(log10(v)));
    static const double m[] = {1, 2, 2.5, 5, 10};
    for (int k = 0; k < 5; k++)
        if (m[k] * e >= v * 0.999999)
            return m[k] * e;
    return 10 * e;
}

/* One panel of the strip: series k0..k1-1 on their own scale (the
 * largest value rounded up), a grid of 3 lines with labels. */
static void strip_panel(cairo_t *cr, const ln__act *a, double s, double x0,
                        double x1, double y0, double y1,
                        const double *const *ser, const double (*col)[3],
                        int k0, int k1)
{
    double ymax = 0;
    for (int k = k0; k < k1; k++)
        for (long w = 0; w < a->nwin; w++)
            ymax = fmax(ymax, ser[k][w]);
    ymax = nice_ceil(ymax > 0 ? ymax : 1);
    double dx = (x1 - x0) / a->nwin;
    cairo_set_line_width(cr, 1 * s);
    for (int k = 0; k <= 2; k++) {
        double yv = ymax * k / 2, y = y1 - (y1 - y0) * k / 2;
        cairo_move_to(cr, x0, y);
        cairo_line_to(cr, x1, y);
        cairo_set_source_rgb(cr, k ? 0.88 : 0.4, k ? 0.88 : 0.4,
                             k ? 0.88 : 0.4);
        cairo_stroke(cr);
        char b[32];
        fmt_count(yv, b, sizeof b);
        text(cr, x0 - 8 * s, y + 4 * s, 12 * s, 0, 1, 0.3, 0.3, 0.3, "%s", b);
    }
    /* a step per window (each value is that window's mean) */
    for (int k = k0; k < k1; k++) {
        for (long w = 0; w < a->nwin; w++) {
            double y = y1 - (y1 - y0) * ser[k][w] / ymax;
            if (w)
                cairo_line_to(cr, x0 + w * dx, y);
            else
                cairo_move_to(cr, x0, y);
            cairo_line_to(cr, x0 + (w + 1) * dx, y);
        }
        cairo_set_source_rgb(cr, col[k][0], col[k][1], col[k][2]);
        cairo_set_line_width(cr, (k ? 1.8 : 2.4) * s);
        cairo_stroke(cr);
    }
}

static void draw_strip(cairo_t *cr, const ln__act *a, const lay *l, long win)
{
    double s = l->s;
    double x0 = l->p.ox + 78 * s, x1 = l->W - l->p.ox - 12 * s;
    double y0 = l->strip_y + 30 * s, y1 = l->strip_y + l->strip_h - 30 * s;
    double dx = (x1 - x0) / a->nwin;
    text(cr, l->p.ox, l->strip_y + 14 * s, 14 * s, 1, 0, 0.1, 0.1, 0.1,
         "Terminals per %g-min window:", a->window_s / 60);
    double lx = l->p.ox + 250 * s;
    static const double col[3][3] = {{0.13, 0.56, 0.55}, {0.75, 0.10, 0.10},
                                     {0.90, 0.50, 0.10}};
    static const char *const lab[3] = {"active (served)", "denied by policy",
                                       "outage (no satellite / gateway)"};
    for (int k = 0; k < 3; k++) {
        cairo_rectangle(cr, lx, l->strip_y + 4 * s, 24 * s, 4 * s);
        cairo_set_source_rgb(cr, col[k][0], col[k][1], col[k][2]);
        cairo_fill(cr);
        text(cr, lx + 30 * s, l->strip_y + 12 * s, 13 * s, 0, 0, 0.15,
             0.15, 0.15, "%s", lab[k]);
        lx += 150 * s;
    }
    /* two panels with their own scales: served terminals on top; below,
     * the denied and outage counts, which are far smaller (a few hundred
     * mobile units crossing a zone line must show) */
    double ym = y0 + (y1 - y0) * 0.5;
    const double *const ser[3] = {a->ts_active, a->ts_denied, a->ts_outage};
    strip_panel(cr, a, s, x0, x1, y0, ym - 12 * s, ser, col, 0, 1);
    strip_panel(cr, a, s, x0, x1, ym + 12 * s, y1, ser, col, 1, 3);
    /* time ticks: a round step giving at most 12 labels */
    static const double steps_h[] = {0.25, 0.5, 1, 2, 3, 6, 12, 24, 48, 168};
    double span_h = a->nwin * a->window_s / 3600;
    double step = steps_h[9];
    for (int k = 9; k >= 0; k--)
        if (span_h / steps_h[k] <= 12)
            step = steps_h[k];
    double t0 = a->start_unix_s, t1 = t0 + a->nwin * a->window_s;
    double first = ceil(t0 / (step * 3600) - 1e-9) * step * 3600;
    cairo_set_line_width(cr, 1 * s);
    for (double t = first; t <= t1 + 1e-6; t += step * 3600) {
        double x = x0 + (t - t0) / (t1 - t0) * (x1 - x0);
        cairo_move_to(cr, x, y1);
        cairo_line_to(cr, x, y1 + 5 * s);
        cairo_set_source_rgb(cr, 0.4, 0.4, 0.4);
        cairo_stroke(cr);
        char b[32];
        ln__act_fmt_time(t, b, sizeof b);
        text(cr, x, y1 + 19 * s, 12 * s, 0, 0.5, 0.3, 0.3, 0.3, "%s",
             b + 11);
    }
    if (win >= 0) {
        cairo_rectangle(cr, x0 + win * dx, y0, dx, y1 - y0);
        cairo_set_source_rgba(cr, 0.2, 0.2, 0.2, 0.15);
        cairo_fill(cr);
    }
}

int ln__act_draw(const ln__act *a, const char *path, const char *title,
                 int width_px, long win, cairo_surface_t **out,
                 ln_diag *diag)
{
    *out = NULL;
    lay l;
    memset(&l, 0, sizeof l);
    l.W = width_px;
    l.s = width_px / 1600.0;
    double s = l.s, margin = LN__ACT_MARGIN * s;
    double title_h = LN__ACT_TITLE_H * s;
    ln__act_proj_make(a, l.W - 2 * margin, &l.p);
    l.p.ox = margin;
    l.p.oy = title_h;
    l.strip_h = a->nwin > 1 ? 260 * s : 0;
    l.strip_y = l.p.oy + l.p.h + 14 * s;
    l.H = ceil(l.strip_y + l.strip_h + 28 * s);
    if (l.H > 4 * l.W)
        return ln_diag_set(diag, LN_ERANGE, path, 0, 0, NULL,
                           "map extent too tall for a picture (%.0f px)",
                           l.H);
    double vmax = 0;
    if (win < 0)
        for (size_t i = 0; i < a->ncells; i++)
            vmax = fmax(vmax, a->cells[i].mean_active);
    else
        for (size_t i = 0; i < a->ncells; i++)
            vmax = fmax(vmax, a->cells[i].max_active);
    if (!(vmax > 0))
        vmax = 1;

    cairo_surface_t *sf =
        cairo_image_surface_create(CAIRO_FORMAT_RGB24, width_px, (int)l.H);
    if (cairo_surface_status(sf) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(sf);
        return ln_diag_set(diag, LN_ENOMEM, path, 0, 0, NULL,
                           "cannot allocate a %dx%.0f picture", width_px, l.H);
    }
    cairo_t *cr = cairo_create(sf);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    text(cr, margin, 38 * s, 26 * s, 1, 0, 0.08, 0.08, 0.08, "%s", title);
    char sub[400];
    int nres = a->res;
    if (win < 0)
        snprintf(sub, sizeof sub,
                 "Colour: mean number of served terminals per H3 cell over "
                 "%ld windows of %g min (log scale). Cells hold counts, "
                 "not units.", a->nwin,
                 a->window_s / 60);
    else {
        char t0[32], t1[32];
        ln__act_fmt_time(a->start_unix_s + win * a->window_s, t0, sizeof t0);
        ln__act_fmt_time(a->start_unix_s + (win + 1) * a->window_s, t1,
                         sizeof t1);
        snprintf(sub, sizeof sub,
                 "Window %s - %s UTC (%ld of %ld). Colour: served terminals "
                 "per H3 cell (log scale, same scale for every window).",
                 t0, t1 + 11, win + 1, a->nwin);
    }
    text(cr, margin, 66 * s, 15 * s, 0, 0, 0.3, 0.3, 0.3, "%s", sub);
    if (nres >= 0)
        text(cr, l.W - margin, 38 * s, 15 * s, 0, 1, 0.3, 0.3, 0.3,
             "H3 resolution %d, %zu cells", nres, a->ncells);
    draw_map(cr, a, &l, win, vmax);
    draw_legend(cr, a, &l, win, vmax);
    if (l.strip_h > 0)
        draw_strip(cr, a, &l, win);
    text(cr, margin, l.H - 10 * s, 11 * s, 0, 0, 0.5, 0.5, 0.5,
         "leonet activity map. Outlines: Natural Earth (public domain). "
         "Equirectangular projection, true scale at %.1f deg N. Positions "
         "are aggregated to cells.",
         0.5 * (a->bbox[1] + a->bbox[3]));
    cairo_destroy(cr);
    cairo_surface_flush(sf);
    *out = sf;
    return 0;
}

int ln__act_write_png(const ln__act *a, const char *path, const char *title,
                      int width_px, long win, ln_diag *diag)
{
    cairo_surface_t *sf;
    int rc = ln__act_draw(a, path, title, width_px, win, &sf, diag);
    if (rc)
        return rc;
    cairo_status_t st = cairo_surface_write_to_png(sf, path);
    cairo_surface_destroy(sf);
    if (st != CAIRO_STATUS_SUCCESS)
        return ln_diag_set(diag, LN_EIO, path, 0, 0, NULL, "cannot write: %s",
                           cairo_status_to_string(st));
    return 0;
}

void ln__act_write_pgw(const ln__act *a, FILE *f, int width_px)
{
    lay l;
    double s = width_px / 1600.0;
    ln__act_proj_make(a, width_px - 2 * LN__ACT_MARGIN * s, &l.p);
    double ox = LN__ACT_MARGIN * s, oy = LN__ACT_TITLE_H * s;
    /* pixel centres: lon = lon0 + (px + 0.5 - ox) / kx */
    fprintf(f, "%.12f\n0\n0\n%.12f\n%.12f\n%.12f\n", 1 / l.p.kx,
            -1 / l.p.ky, l.p.lon0 + (0.5 - ox) / l.p.kx,
            l.p.lat1 - (0.5 - oy) / l.p.ky);
}

/* The world file maps pixels to longitude and latitude (degrees) by an
 * affine transform, so the PNG's coordinate system is WGS 84 geographic
 * (EPSG:4326; the x scaling by cos(lat0) lives in the world file's pixel
 * sizes): as ESRI WKT for activity.prj, and as GDAL's PAM file
 * (activity.png.aux.xml, OGC WKT 1 with lon/lat data axes), because
 * GDAL, hence QGIS, reads a PNG's coordinate system from there only. */
void ln__act_write_prj(FILE *f, int aux)
{
    if (!aux) {
        fputs("GEOGCS[\"GCS_WGS_1984\",DATUM[\"D_WGS_1984\",SPHEROID["
              "\"WGS_1984\",6378137.0,298.257223563]],PRIMEM[\"Greenwich\","
              "0.0],UNIT[\"Degree\",0.0174532925199433]]", f);
        return;
    }
    fputs("<PAMDataset>\n  <SRS dataAxisToSRSAxisMapping=\"2,1\">"
          "GEOGCS[&quot;WGS 84&quot;,DATUM[&quot;WGS_1984&quot;,SPHEROID["
          "&quot;WGS 84&quot;,6378137,298.257223563,AUTHORITY[&quot;EPSG"
          "&quot;,&quot;7030&quot;]],AUTHORITY[&quot;EPSG&quot;,&quot;6326"
          "&quot;]],PRIMEM[&quot;Greenwich&quot;,0,AUTHORITY[&quot;EPSG"
          "&quot;,&quot;8901&quot;]],UNIT[&quot;degree&quot;,"
          "0.0174532925199433,AUTHORITY[&quot;EPSG&quot;,&quot;9122&quot;]],"
          "AXIS[&quot;Latitude&quot;,NORTH],AXIS[&quot;Longitude&quot;,"
          "EAST],AUTHORITY[&quot;EPSG&quot;,&quot;4326&quot;]]</SRS>\n"
          "</PAMDataset>\n", f);
}
