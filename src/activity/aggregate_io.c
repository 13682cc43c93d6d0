/*
 * aggregate_io.c - an aggregate's files and its drawing data:
 * activity.geojson, activity-windows.geojson, activity-sats.json
 * (ln_activity_write_*); an aggregate from a finished run's files
 * (ln_activity_read_run, through load.c's parsers); the drawing data of
 * an aggregate (ln__act_from_agg).
 *
 * The pictures of a run drawn straight from the engine's aggregate must
 * be the bytes drawn from its files, so ln__act_from_agg derives every
 * value as the files carry it: a cell's mean is printed "%.2f" and read
 * back (float), its outline printed "%.6f" and read back, window_s
 * printed "%g", the start as ISO 8601 seconds, the time series rounded
 * to 1e-6 and printed with 12 significant digits (summary.json's jreal
 * and JSON_REAL_PRECISION(12)); sub-satellite points are floats already
 * rounded to 0.01 deg, which "%.2f" and back keeps.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "activity/activity_int.h"

#define MAX_UNITS 4294967295.0 /* a uint32 count */

/* v printed with fmt and read back (as a file carries it) */
static double reprint(const char *fmt, double v)
{
    char b[64];
    snprintf(b, sizeof b, fmt, v);
    return strtod(b, NULL);
}

typedef struct cell_row {
    ln_cell cell;
    long row;
} cell_row;

static int cmp_cell_row(const void *x, const void *y)
{
    ln_cell p = ((const cell_row *)x)->cell, q = ((const cell_row *)y)->cell;
    return p < q ? -1 : p > q;
}

/* The rows in ascending cell id order, whatever order they appeared in
 * (ln_malloc'd; NULL when out of memory). Sorts (cell, row) pairs, with
 * no state outside the call: the daemon writes one aggregate from
 * several threads at once. */
static long *cells_in_order(const ln_activity *a)
{
    size_t n = a->ncells ? a->ncells : 1;
    long *order = ln_malloc(n * sizeof *order);
    cell_row *cr = ln_malloc(n * sizeof *cr);
    if (!order || !cr) {
        ln_free(order);
        ln_free(cr);
        return NULL;
    }
    for (size_t c = 0; c < a->ncells; c++) {
        cr[c].cell = a->cells[c];
        cr[c].row = (long)c;
    }
    qsort(cr, a->ncells, sizeof *cr, cmp_cell_row);
    for (size_t c = 0; c < a->ncells; c++)
        order[c] = cr[c].row;
    ln_free(cr);
    return order;
}

static uint64_t row_present(const ln_activity *a, size_t r)
{
    uint64_t pres = 0;
    for (long w = 0; w < a->nwin; w++)
        pres += a->cw[r * (size_t)a->nwin + (size_t)w].present;
    return pres;
}

/* "{"type":"FeatureCollection","name":"<name><sfx>"" */
static int put_head(const ln_activity *a, FILE *f, const char *sfx)
{
    size_t nn = strlen(a->name) + strlen(sfx) + 1;
    char *name = ln_malloc(nn);
    if (!name)
        return LN_ENOMEM;
    snprintf(name, nn, "%s%s", a->name, sfx);
    fprintf(f, "{\"type\":\"FeatureCollection\",\"name\":");
    ln_json_put(f, name, 0);
    ln_free(name);
    return 0;
}

int ln_activity_write_cells(const ln_activity *a, FILE *f)
{
    char b[40];
    double spw = a->per_terminal;
    if (put_head(a, f, " activity"))
        return LN_ENOMEM;
    fprintf(f, ",\"window_s\":%g,\"start\":\"%s\",\"windows\":%ld,"
            "\"map_res\":%d,\"features\":[\n",
            a->window_s, ln_time_format_iso(a->start_unix_s, 0, b, sizeof b),
            a->nwin, a->res);
    int first = 1;
    long *order = cells_in_order(a);
    if (!order)
        return LN_ENOMEM;
    for (size_t oc = 0; oc < a->ncells; oc++) {
        size_t c = (size_t)order[oc];
        const ln_activity_counts *row = &a->cw[c * (size_t)a->nwin];
        if (!row_present(a, c))
            continue;
        char id[LN_CELL_STRLEN];
        ln_cell_to_string(a->cells[c], id, sizeof id);
        ln_cell_boundary bd;
        if (ln_cell_boundary_of(a->cells[c], &bd))
            continue;
        fprintf(f, "%s{\"type\":\"Feature\",\"id\":\"%s\",\"geometry\":"
                "{\"type\":\"Polygon\",\"coordinates\":[[",
                first ? "" : ",\n", id);
        first = 0;
        for (int v = 0; v <= bd.n; v++)
            fprintf(f, "%s[%.6f,%.6f]", v ? "," : "",
                    bd.lon_rad[v % bd.n] * LN_RAD2DEG,
                    bd.lat_rad[v % bd.n] * LN_RAD2DEG);
        fprintf(f, "]]},\"properties\":{\"cell\":\"%s\"", id);
        static const char *const names[] = {"active", "denied", "outage"};
        for (int k = 0; k < 3; k++) {
            fprintf(f, ",\"%s\":[", names[k]);
            double mx = 0;
            for (long w = 0; w < a->nwin; w++) {
                uint32_t v = k == 0   ? row[w].active
                             : k == 1 ? row[w].denied
                                      : row[w].outage;
                double avg = v / spw;
                if (avg > mx)
                    mx = avg;
                fprintf(f, "%s%.2f", w ? "," : "", avg);
            }
            fprintf(f, "],\"%s_max\":%.2f", names[k], mx);
        }
        fprintf(f, "}}");
    }
    ln_free(order);
    fprintf(f, "\n]}\n");
    return 0;
}

/* A cell's outline as GeoJSON geometry text into geom (n bytes); 0, or
 * -1 when the cell has none. */
static int cell_geometry(ln_cell c, char *geom, size_t n)
{
    ln_cell_boundary bd;
    if (ln_cell_boundary_of(c, &bd))
        return -1;
    int k = snprintf(geom, n, "{\"type\":\"Polygon\",\"coordinates\":[[");
    for (int v = 0; v <= bd.n; v++)
        k += snprintf(geom + k, n - (size_t)k, "%s[%.6f,%.6f]", v ? "," : "",
                      bd.lon_rad[v % bd.n] * LN_RAD2DEG,
                      bd.lat_rad[v % bd.n] * LN_RAD2DEG);
    snprintf(geom + k, n - (size_t)k, "]]}");
    return 0;
}

/* activity-windows.geojson: the map's counts as plain rows with a time
 * span, for GIS tools that play time (QGIS's temporal controller, start
 * and end fields): one feature per cell and window, properties cell,
 * time and time_end (ISO 8601, UTC: the window's start and end),
 * windows (1), active, denied, outage (mean terminals over the window's
 * steps, as in activity.geojson). Consecutive windows of a cell with the
 * same counts are one feature whose time_end is the end of the last of
 * them and windows their number: on the built-in day that is 3 618
 * features (1.3 MB) instead of 197 184 (73 MB), most cells' fixed
 * terminals being served alike all day. Windows where the cell had no
 * terminal are not written. Cells in ascending id order, then time. */
int ln_activity_write_windows(const ln_activity *a, FILE *f)
{
    double spw = a->per_terminal;
    if (put_head(a, f, " activity windows"))
        return LN_ENOMEM;
    fprintf(f, ",\"features\":[\n");
    long *order = cells_in_order(a);
    char (*tt)[32] = ln_malloc((size_t)(a->nwin + 1) * sizeof *tt);
    if (!order || !tt) {
        ln_free(order);
        ln_free(tt);
        return LN_ENOMEM;
    }
    for (long w = 0; w <= a->nwin; w++)
        ln_time_format_iso(a->start_unix_s + w * a->window_s, 0, tt[w],
                           sizeof tt[w]);
    int first = 1;
    for (size_t oc = 0; oc < a->ncells; oc++) {
        size_t c = (size_t)order[oc];
        const ln_activity_counts *row = &a->cw[c * (size_t)a->nwin];
        char id[LN_CELL_STRLEN], geom[LN_CELL_MAX_VERTS * 48 + 96];
        if (cell_geometry(a->cells[c], geom, sizeof geom))
            continue;
        ln_cell_to_string(a->cells[c], id, sizeof id);
        for (long w = 0; w < a->nwin; w++) {
            if (!row[w].present)
                continue;
            /* the following windows with the same counts join this row */
            long w1 = w + 1;
            while (w1 < a->nwin && row[w1].present &&
                   row[w1].active == row[w].active &&
                   row[w1].denied == row[w].denied &&
                   row[w1].outage == row[w].outage)
                w1++;
            fprintf(f, "%s{\"type\":\"Feature\",\"geometry\":%s,"
                    "\"properties\":{\"cell\":\"%s\",\"time\":\"%s\","
                    "\"time_end\":\"%s\",\"windows\":%ld,"
                    "\"active\":%.2f,\"denied\":%.2f,\"outage\":%.2f}}",
                    first ? "" : ",\n", geom, id, tt[w], tt[w1], w1 - w,
                    row[w].active / spw, row[w].denied / spw,
                    row[w].outage / spw);
            first = 0;
            w = w1 - 1;
        }
    }
    ln_free(tt);
    ln_free(order);
    fprintf(f, "\n]}\n");
    return 0;
}

/* Sub-satellite points per window: {"window_s", "start", "windows":
 * [[lat, lon, lat, lon, ...], ...]} (degrees, 0.01 deg). */
int ln_activity_write_sats(const ln_activity *a, FILE *f)
{
    char b[40];
    fprintf(f, "{\"window_s\":%g,\"start\":\"%s\",\"windows\":[\n",
            a->window_s, ln_time_format_iso(a->start_unix_s, 0, b, sizeof b));
    for (long w = 0; w < a->nwin; w++) {
        const float *o = a->sat[w];
        fprintf(f, "%s[", w ? ",\n" : "");
        for (int k = 0; k < a->nsat[w]; k++)
            fprintf(f, "%s%.2f,%.2f", k ? "," : "", o[2 * k], o[2 * k + 1]);
        fprintf(f, "]");
    }
    fprintf(f, "\n]}\n");
    return 0;
}

/* The counts and sub-points of t (read from files) into a. */
static int fill_from(ln_activity *a, const ln__act *t, ln_diag *diag)
{
    size_t nw = (size_t)t->nwin;
    for (size_t i = 0; i < t->ncells; i++) {
        for (size_t w = 0; w < nw; w++) {
            size_t k = i * nw + w;
            double v[3] = {t->active[k] * 100.0, t->denied[k] * 100.0,
                           t->outage[k] * 100.0};
            if (v[0] + v[1] + v[2] > MAX_UNITS)
                return ln_diag_set(diag, LN_ERANGE, NULL, 0, 0, NULL,
                                   "cell %s, window %zu: more than %.0f "
                                   "terminals", t->cells[i].sid, w,
                                   MAX_UNITS / 100);
            ln_activity_counts c = {(uint32_t)llround(v[0]),
                                    (uint32_t)llround(v[1]),
                                    (uint32_t)llround(v[2]), 0};
            c.present = c.active + c.denied + c.outage;
            if (ln_activity_add(a, t->cells[i].id, (long)w, &c))
                return LN_ENOMEM;
        }
    }
    a->ts_mean = ln_malloc(3 * nw * sizeof *a->ts_mean);
    if (!a->ts_mean)
        return LN_ENOMEM;
    memcpy(a->ts_mean, t->ts_active, nw * sizeof(double));
    memcpy(a->ts_mean + nw, t->ts_denied, nw * sizeof(double));
    memcpy(a->ts_mean + 2 * nw, t->ts_outage, nw * sizeof(double));
    a->no_sats = t->sat_off == NULL;
    for (size_t w = 0; t->sat_off && w < nw; w++) {
        size_t n = t->sat_off[w + 1] - t->sat_off[w];
        if (!n)
            continue;
        a->sat[w] = ln_malloc(2 * n * sizeof(float));
        if (!a->sat[w])
            return LN_ENOMEM;
        memcpy(a->sat[w], t->sats + 2 * t->sat_off[w], 2 * n * sizeof(float));
        a->nsat[w] = (int)n;
    }
    return 0;
}

int ln_activity_read_run(const char *run_dir, ln_activity **out,
                         ln_diag *diag)
{
    *out = NULL;
    ln__act t;
    int rc = ln__act_read_files(&t, run_dir, diag);
    if (!rc) {
        ln_activity_spec sp = {t.scenario, t.res, t.nwin, t.window_s,
                               t.start_unix_s, 100.0};
        rc = ln_activity_new(&sp, out);
        if (rc)
            ln_diag_set(diag, rc, run_dir, 0, 0, NULL, "%s",
                        ln_strerror(rc));
    }
    if (!rc) {
        (*out)->text = 1;
        rc = fill_from(*out, &t, diag);
        if (rc == LN_ENOMEM)
            ln_diag_set(diag, rc, run_dir, 0, 0, NULL, "out of memory");
    }
    if (rc) {
        ln_activity_free(*out);
        *out = NULL;
    }
    ln__act_free(&t);
    return rc;
}

/* Run-level values: as the files carry them. */
static void header_from(ln__act *d, const ln_activity *a)
{
    snprintf(d->scenario, sizeof d->scenario, "%s", a->name);
    if (!d->scenario[0])
        snprintf(d->scenario, sizeof d->scenario, "run");
    d->nwin = a->nwin;
    d->res = a->res;
    d->window_s = a->text ? a->window_s : reprint("%g", a->window_s);
    d->start_unix_s = a->start_unix_s;
    if (!a->text) {
        char b[40];
        ln_time_format_iso(a->start_unix_s, 0, b, sizeof b);
        if (ln_time_parse_iso(b, &d->start_unix_s))
            d->start_unix_s = a->start_unix_s;
    }
}

/* Cell r as drawn: outline as the files print it, means to 0.01. */
static void cell_from(ln__act *d, size_t i, const ln_activity *a, size_t r)
{
    ln_cell_boundary bd;
    double ring[2 * (LN_CELL_MAX_VERTS + 1)];
    int nr = 0;
    if (!ln_cell_boundary_of(a->cells[r], &bd)) {
        for (int v = 0; v <= bd.n; v++) {
            ring[2 * v] = reprint("%.6f", bd.lon_rad[v % bd.n] * LN_RAD2DEG);
            ring[2 * v + 1] =
                reprint("%.6f", bd.lat_rad[v % bd.n] * LN_RAD2DEG);
        }
        nr = bd.n + 1;
    }
    ln__act_cell_set(&d->cells[i], a->cells[r], nr ? ring : NULL, nr);
    size_t nw = (size_t)a->nwin;
    const ln_activity_counts *row = &a->cw[r * nw];
    for (size_t w = 0; w < nw; w++) {
        d->active[i * nw + w] =
            (float)reprint("%.2f", row[w].active / a->per_terminal);
        d->denied[i * nw + w] =
            (float)reprint("%.2f", row[w].denied / a->per_terminal);
        d->outage[i * nw + w] =
            (float)reprint("%.2f", row[w].outage / a->per_terminal);
    }
    ln__act_cell_stats(d, i);
}

/* The series: summary.json's (read) or as it writes them (jreal: 1e-6,
 * 12 significant digits). */
static void series_from(ln__act *d, const ln_activity *a)
{
    size_t nw = (size_t)a->nwin;
    double *dst[3] = {d->ts_active, d->ts_denied, d->ts_outage};
    for (int k = 0; k < 3; k++)
        for (size_t w = 0; w < nw; w++)
            dst[k][w] = a->ts_mean
                            ? a->ts_mean[(size_t)k * nw + w]
                            : reprint("%.12g",
                                      round(a->tot[3 * w + (size_t)k] /
                                            a->per_terminal * 1e6) /
                                          1e6);
    d->ts_from_summary = 1;
}

static int sats_from(ln__act *d, const ln_activity *a)
{
    if (a->no_sats)
        return 0;
    size_t nw = (size_t)a->nwin, total = 0;
    d->sat_off = ln_calloc(nw + 1, sizeof *d->sat_off);
    if (!d->sat_off)
        return LN_ENOMEM;
    for (size_t w = 0; w < nw; w++) {
        d->sat_off[w] = total;
        total += (size_t)a->nsat[w];
    }
    d->sat_off[nw] = total;
    d->sats = ln_malloc((total ? total : 1) * 2 * sizeof(float));
    if (!d->sats)
        return LN_ENOMEM;
    for (size_t w = 0; w < nw; w++)
        if (a->nsat[w])
            memcpy(d->sats + 2 * d->sat_off[w], a->sat[w],
                   2 * (size_t)a->nsat[w] * sizeof(float));
    return 0;
}

int ln__act_from_agg(ln__act *d, const ln_activity *a)
{
    memset(d, 0, sizeof *d);
    header_from(d, a);
    long *order = cells_in_order(a);
    size_t nw = (size_t)a->nwin, n = 0;
    d->cells = ln_calloc(a->ncells ? a->ncells : 1, sizeof *d->cells);
    size_t nv = (a->ncells ? a->ncells : 1) * nw;
    d->active = ln_malloc(nv * sizeof(float));
    d->denied = ln_malloc(nv * sizeof(float));
    d->outage = ln_malloc(nv * sizeof(float));
    d->ts_active = ln_calloc(nw, sizeof(double));
    d->ts_denied = ln_calloc(nw, sizeof(double));
    d->ts_outage = ln_calloc(nw, sizeof(double));
    int rc = 0;
    if (!order || !d->cells || !d->active || !d->denied || !d->outage ||
        !d->ts_active || !d->ts_denied || !d->ts_outage)
        rc = LN_ENOMEM;
    for (size_t oc = 0; !rc && oc < a->ncells; oc++) {
        size_t r = (size_t)order[oc];
        ln_cell_boundary bd;
        /* the cells the files list */
        if (!a->text && (!row_present(a, r) ||
                         ln_cell_boundary_of(a->cells[r], &bd)))
            continue;
        cell_from(d, n++, a, r);
    }
    d->ncells = n;
    ln_free(order);
    if (!rc) {
        series_from(d, a);
        rc = sats_from(d, a);
    }
    if (rc)
        ln__act_free(d);
    return rc;
}
