/*
 * html.c - the activity map as one self-contained web page.
 *
 * The page is the template <data>/web/activity-map.html (script and style
 * inline, plain canvas, no library, no network) with the run's data put
 * in place of its marker "/ *LN_DATA* /null" (without the spaces) and the
 * title in place of "{{TITLE}}". Everything is in the one file, so the
 * page opens from file:// (where browsers refuse fetch()) and can be
 * copied alone; leonetd can serve the same template with live data.
 *
 * The data is JSON (see docs/map.md, "Page data"): cells as id, outline
 * and flat per-window series (cell-major), the time series, the zones,
 * the outlines, the satellites' sub-points. Numbers are written with at
 * most 2 decimals (as the run files carry them) for cell values and 4
 * for coordinates (10 m). Strings are JSON-escaped and '<' is written
 * \u003c, so no text can close the script element.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "activity/activity_int.h"

#define TMPL_MAX_BYTES ((size_t)4 << 20)

/* JSON string safe inside <script> (core writer: < > & U+2028/9 as
 * \uXXXX, so no text can close the script element) */
static void put_str(FILE *f, const char *s)
{
    ln_json_put(f, s, LN_JSON_SCRIPT);
}

/* A number with at most dec decimals, trailing zeros dropped. */
static void put_num(FILE *f, double v, int dec)
{
    char b[48];
    if (!isfinite(v))
        v = 0;
    snprintf(b, sizeof b, "%.*f", dec, v);
    char *dot = strchr(b, '.');
    if (dot) {
        char *e = b + strlen(b) - 1;
        while (e > dot && *e == '0')
            *e-- = '\0';
        if (e == dot)
            *e = '\0';
    }
    if (strcmp(b, "-0") == 0)
        strcpy(b, "0");
    fputs(b, f);
}

static void put_series(FILE *f, const float *v, size_t n)
{
    fputc('[', f);
    for (size_t k = 0; k < n; k++) {
        if (k)
            fputc(',', f);
        put_num(f, v[k], 2);
    }
    fputc(']', f);
}

static void put_dseries(FILE *f, const double *v, size_t n)
{
    fputc('[', f);
    for (size_t k = 0; k < n; k++) {
        if (k)
            fputc(',', f);
        put_num(f, v[k], 2);
    }
    fputc(']', f);
}

/* The rings of a feature, each a flat [lon, lat, ...] array. */
static void put_rings(FILE *f, const ln_geojson_feature *ft, int *first)
{
    for (size_t p = 0; p < ft->npolys; p++)
        for (size_t r = 0; r < ft->polys[p].nrings; r++) {
            const ln_geo_ring *rg = &ft->polys[p].rings[r];
            fputs(*first ? "[" : ",[", f);
            *first = 0;
            for (size_t k = 0; k < rg->n; k++) {
                if (k)
                    fputc(',', f);
                put_num(f, rg->lonlat_deg[2 * k], 4);
                fputc(',', f);
                put_num(f, rg->lonlat_deg[2 * k + 1], 4);
            }
            fputc(']', f);
        }
}

static void put_data(FILE *f, const ln__act *a, const char *title)
{
    fputs("{\"title\":", f);
    put_str(f, title);
    fputs(",\"scenario\":", f);
    put_str(f, a->scenario);
    fprintf(f, ",\"start\":%.3f,\"window_s\":%.3f,\"nwin\":%ld,\"res\":%d,",
            a->start_unix_s, a->window_s, a->nwin, a->res);
    fprintf(f, "\"bbox\":[%.4f,%.4f,%.4f,%.4f],", a->bbox[0], a->bbox[1],
            a->bbox[2], a->bbox[3]);
    fputs("\"cells\":{\"id\":[", f);
    for (size_t i = 0; i < a->ncells; i++)
        fprintf(f, "%s\"%s\"", i ? "," : "", a->cells[i].sid);
    fputs("],\n\"ring\":[", f);
    for (size_t i = 0; i < a->ncells; i++) {
        const ln__act_cell *c = &a->cells[i];
        fputs(i ? ",[" : "[", f);
        for (int v = 0; v < c->nv; v++) {
            if (v)
                fputc(',', f);
            put_num(f, c->lon[v], 4);
            fputc(',', f);
            put_num(f, c->lat[v], 4);
        }
        fputc(']', f);
    }
    size_t nv = a->ncells * (size_t)a->nwin;
    fputs("],\n\"active\":", f);
    put_series(f, a->active, nv);
    fputs(",\n\"denied\":", f);
    put_series(f, a->denied, nv);
    fputs(",\n\"outage\":", f);
    put_series(f, a->outage, nv);
    fputs("},\n\"ts\":{\"active\":", f);
    put_dseries(f, a->ts_active, (size_t)a->nwin);
    fputs(",\"denied\":", f);
    put_dseries(f, a->ts_denied, (size_t)a->nwin);
    fputs(",\"outage\":", f);
    put_dseries(f, a->ts_outage, (size_t)a->nwin);
    fputs("},\n\"zones\":[", f);
    const ln_geojson *zg = &a->zones.gj;
    for (size_t z = 0; z < zg->nfeatures; z++) {
        fputs(z ? ",{\"id\":" : "{\"id\":", f);
        put_str(f, zg->features[z].id);
        fputs(",\"name\":", f);
        put_str(f, zg->features[z].name ? zg->features[z].name
                                        : zg->features[z].id);
        fprintf(f, ",\"action\":\"%s\",\"rings\":[",
                a->zones.action[z] == LN_ZONE_ALLOW ? "allow" : "deny");
        int first = 1;
        put_rings(f, &zg->features[z], &first);
        fputs("]}", f);
    }
    fputs("],\n\"outline\":[", f);
    for (int o = 0; o < a->noutline; o++) {
        fprintf(f, "%s{\"main\":%s,\"rings\":[", o ? "," : "",
                o == a->noutline - 1 ? "true" : "false");
        int first = 1;
        const ln_geojson *g = &a->outline[o].gj;
        for (size_t ft = 0; ft < g->nfeatures; ft++)
            put_rings(f, &g->features[ft], &first);
        fputs("]}", f);
    }
    fputs("],\n\"places\":[", f);
    for (int k = 0; k < a->nplaces; k++) {
        fputs(k ? ",[" : "[", f);
        put_str(f, a->places[k].name);
        fputc(',', f);
        put_num(f, a->places[k].lon, 4);
        fputc(',', f);
        put_num(f, a->places[k].lat, 4);
        fputc(']', f);
    }
    fputs("],\n\"sats\":", f);
    if (!a->sat_off) {
        fputs("null", f);
    } else {
        fputc('[', f);
        for (long w = 0; w < a->nwin; w++) {
            if (w)
                fputs(",\n", f);
            put_series(f, a->sats + 2 * a->sat_off[w],
                       2 * (a->sat_off[w + 1] - a->sat_off[w]));
        }
        fputc(']', f);
    }
    fputs("}", f);
}

/* HTML text (the <title>): & < > " escaped. */
static void put_html(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}

/* Live-mode segments of the template: "<!--LN_LIVE{-->...<!--}LN_LIVE-->"
 * (HTML) and the same between C comment markers (script, style). The
 * static page drops them (so its bytes are those of a template without
 * them); leonetd's live page keeps them. */
static const char *const live_open[2] = {"<!--LN_LIVE{-->",
                                         "/*LN_LIVE{*" "/"};
static const char *const live_close[2] = {"<!--}LN_LIVE-->",
                                          "/*}LN_LIVE*" "/"};

/* Removes the live segments from t[0..*len) in place; LN_EPARSE when one
 * is not closed. */
static int strip_live(char *t, size_t *len)
{
    size_t r = 0, w = 0, n = *len;
    while (r < n) {
        int k = -1;
        for (int m = 0; m < 2; m++)
            if (strncmp(t + r, live_open[m], strlen(live_open[m])) == 0)
                k = m;
        if (k < 0) {
            t[w++] = t[r++];
            continue;
        }
        t[n] = '\0';
        char *e = strstr(t + r, live_close[k]);
        if (!e)
            return LN_EPARSE;
        r = (size_t)(e - t) + strlen(live_close[k]);
    }
    t[w] = '\0';
    *len = w;
    return 0;
}

/* The template (live segments dropped unless live) up to the data marker
 * with {{TITLE}} replaced, data (put_data, or null without a), the rest. */
static int write_page(const ln__act *a, FILE *f, const char *title,
                      const char *tmpl_path, int live, ln_diag *diag)
{
    static const char data_mark[] = "/*LN_DATA*/null";
    static const char title_mark[] = "{{TITLE}}";
    char *t;
    size_t len;
    int rc = ln_read_file(tmpl_path, TMPL_MAX_BYTES, &t, &len, diag);
    if (rc) {
        if (rc == LN_EIO)
            rc = ln_diag_set(diag, LN_ENOTFOUND, tmpl_path, 0, 0, NULL,
                             "the page template is missing (set "
                             "LEONET_DATA to leonet's data directory)");
        return rc;
    }
    if (!live && strip_live(t, &len)) {
        ln_free(t);
        return ln_diag_set(diag, LN_EPARSE, tmpl_path, 0, 0, NULL,
                           "a live segment of the page template is not "
                           "closed");
    }
    char *dm = strstr(t, data_mark);
    if (!dm) {
        ln_free(t);
        return ln_diag_set(diag, LN_EPARSE, tmpl_path, 0, 0, NULL,
                           "no %s marker in the page template", data_mark);
    }
    /* template up to the data marker, with {{TITLE}} replaced */
    const char *p = t;
    while (p < dm) {
        const char *tm = strstr(p, title_mark);
        if (!tm || tm > dm) {
            fwrite(p, 1, (size_t)(dm - p), f);
            break;
        }
        fwrite(p, 1, (size_t)(tm - p), f);
        put_html(f, title);
        p = tm + strlen(title_mark);
    }
    if (a)
        put_data(f, a, title);
    else
        fputs("null", f);
    const char *rest = dm + strlen(data_mark);
    fwrite(rest, 1, len - (size_t)(rest - t), f);
    ln_free(t);
    return 0;
}

int ln__act_write_html(const ln__act *a, FILE *f, const char *title,
                       const char *tmpl_path, ln_diag *diag)
{
    return write_page(a, f, title, tmpl_path, 0, diag);
}

int ln_activity_write_live_page(const ln_activity_options *opt, FILE *f,
                                ln_diag *diag)
{
    char tmpl[LN_PATH_MAX_ACT];
    snprintf(tmpl, sizeof tmpl, "%s/web/activity-map.html",
             ln__act_data_dir(opt));
    const char *title = opt && opt->title ? opt->title : "leonet live map";
    return write_page(NULL, f, title, tmpl, 1, diag);
}

int ln_activity_write_page_data(const ln_activity *agg, const char *zones,
                                size_t zones_len,
                                const ln_activity_options *opt, FILE *f,
                                ln_diag *diag)
{
    ln__act a;
    int rc = ln__act_from_agg(&a, agg);
    if (rc) /* ln__act_from_agg freed a */
        return ln_diag_set(diag, rc, NULL, 0, 0, NULL, "out of memory");
    rc = ln__act_load_layers(&a, NULL, ln__act_data_dir(opt), 1, diag);
    if (!rc && zones)
        rc = ln__act_set_zones(&a, zones, zones_len, diag);
    if (!rc) {
        char title[512];
        if (opt && opt->title)
            snprintf(title, sizeof title, "%s", opt->title);
        else
            ln__act_title(&a, title, sizeof title);
        put_data(f, &a, title);
    }
    ln__act_free(&a);
    return rc;
}
