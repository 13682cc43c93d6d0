/*
 * load.c - reads the activity data of a finished run from its directory:
 * activity.geojson (cells and their per-window values), summary.json
 * (scenario name, time series), zones.geojson, activity-sats.json, and
 * country outlines from the data directory.
 *
 * Exports (private): ln__act_read_files (the run's own files: what
 * ln_activity_read_run turns into an aggregate), ln__act_load_layers
 * (zones, outlines, places, the map's box), ln__act_load (both),
 * ln__act_free, ln__act_cell_set, ln__act_parse_cells,
 * ln__act_parse_summary, ln__act_parse_sats (the pure parsers: tests and
 * fuzz/fuzz_activity*.c call them on bytes).
 *
 * Every input is checked: a bad file gives a diagnostic naming the file
 * and the member (features[12].properties.active[3]); optional files that
 * are absent are skipped, ones that are present but malformed are errors.
 * Sizes are capped: 512 MB per file (ln_read_file), 1 M cells, 100 000
 * windows.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "activity/activity_int.h"

#define MAX_FILE_BYTES ((size_t)512 << 20)
#define MAX_CELLS 1000000L
#define MAX_WINDOWS 100000L

static int file_exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static json_t *parse_json(const char *buf, size_t len, const char *fname,
                          ln_diag *diag, int *rc)
{
    json_error_t je;
    json_t *root = json_loadb(buf, len, 0, &je);
    *rc = 0;
    if (!root)
        *rc = ln_diag_set(diag, LN_EPARSE, fname, je.line, je.column, NULL,
                          "%s", je.text);
    return root;
}

/* Reads path and calls parse on its text. */
static int load_with(ln__act *a, const char *path, ln_diag *diag,
                     int (*parse)(ln__act *, const char *, size_t,
                                  const char *, ln_diag *))
{
    char *buf;
    size_t len;
    int rc = ln_read_file(path, MAX_FILE_BYTES, &buf, &len, diag);
    if (rc)
        return rc;
    rc = parse(a, buf, len, path, diag);
    ln_free(buf);
    return rc;
}

/* Reads a numeric array of length n into out (float); a missing member
 * gives zeros, except "active", which is required: so every window of
 * every cell costs input bytes, and memory stays a small multiple of the
 * file's size whatever "windows" says. */
static int read_series(json_t *props, const char *name, long n, float *out,
                       const char *fname, size_t fi, ln_diag *diag)
{
    json_t *arr = json_object_get(props, name);
    if (!arr && strcmp(name, "active") == 0)
        return ln_diag_set(diag, LN_EPARSE, fname, 0, 0, NULL,
                           "features[%zu].properties.active: missing", fi);
    if (!arr) {
        memset(out, 0, (size_t)n * sizeof *out);
        return 0;
    }
    if (!json_is_array(arr) || (long)json_array_size(arr) != n)
        return ln_diag_set(diag, LN_EPARSE, fname, 0, 0, NULL,
                           "features[%zu].properties.%s: want an array of "
                           "%ld numbers", fi, name, n);
    for (long w = 0; w < n; w++) {
        json_t *v = json_array_get(arr, (size_t)w);
        double d = json_number_value(v);
        if (!json_is_number(v) || !isfinite(d) || d < 0 || d > 1e9)
            return ln_diag_set(diag, LN_EPARSE, fname, 0, 0, NULL,
                               "features[%zu].properties.%s[%ld]: want a "
                               "number in 0..1e9", fi, name, w);
        out[w] = (float)d;
    }
    return 0;
}

void ln__act_cell_set(ln__act_cell *c, ln_cell id, const double *ring,
                      int nring)
{
    c->id = id;
    ln_cell_to_string(id, c->sid, sizeof c->sid);
    double clat, clon;
    ln_cell_center(id, &clat, &clon);
    c->clat = clat * LN_RAD2DEG;
    c->clon = clon * LN_RAD2DEG;
    if (ring && nring >= 4 && nring <= LN_CELL_MAX_VERTS + 1) {
        c->nv = nring - 1;
        for (int v = 0; v < c->nv; v++) {
            c->lon[v] = ring[2 * v];
            c->lat[v] = ring[2 * v + 1];
        }
    } else {
        ln_cell_boundary b;
        ln_cell_boundary_of(id, &b);
        c->nv = b.n;
        for (int v = 0; v < b.n; v++) {
            c->lon[v] = b.lon_rad[v] * LN_RAD2DEG;
            c->lat[v] = b.lat_rad[v] * LN_RAD2DEG;
        }
    }
    /* keep the ring on the centre's side of the antimeridian */
    for (int v = 0; v < c->nv; v++) {
        if (c->lon[v] - c->clon > 180)
            c->lon[v] -= 360;
        else if (c->lon[v] - c->clon < -180)
            c->lon[v] += 360;
    }
}

void ln__act_cell_stats(ln__act *a, size_t i)
{
    ln__act_cell *c = &a->cells[i];
    long nwin = a->nwin;
    const float *ac = a->active + i * (size_t)nwin;
    const float *de = a->denied + i * (size_t)nwin;
    const float *ou = a->outage + i * (size_t)nwin;
    double sum = 0;
    for (long w = 0; w < nwin; w++) {
        sum += ac[w];
        c->max_active = fmax(c->max_active, ac[w]);
        c->max_denied = fmax(c->max_denied, de[w]);
        c->max_outage = fmax(c->max_outage, ou[w]);
    }
    c->mean_active = sum / (double)nwin;
}

/* The top-level members: windows (else the first feature's series),
 * window_s, start, map_res, name. */
static int parse_header(ln__act *a, json_t *root, json_t *feats,
                        const char *fname, ln_diag *diag)
{
    json_t *jw = json_object_get(root, "windows");
    long nwin = json_is_integer(jw) ? (long)json_integer_value(jw) : -1;
    if (nwin < 0 && json_array_size(feats)) {
        json_t *p0 = json_object_get(json_array_get(feats, 0), "properties");
        json_t *s0 = json_object_get(p0, "active");
        nwin = json_is_array(s0) ? (long)json_array_size(s0) : -1;
    }
    if (nwin < 1 || nwin > MAX_WINDOWS)
        return ln_diag_set(diag, LN_EPARSE, fname, 0, 0, "windows",
                           "want 1..%ld windows", MAX_WINDOWS);
    a->nwin = nwin;
    json_t *jws = json_object_get(root, "window_s");
    a->window_s = json_is_number(jws) ? json_number_value(jws) : 900.0;
    if (!(a->window_s > 0 && a->window_s < 1e8))
        return ln_diag_set(diag, LN_EPARSE, fname, 0, 0, "window_s",
                           "want a positive number of seconds");
    const char *st = json_string_value(json_object_get(root, "start"));
    a->start_unix_s = 0;
    if (st && ln_time_parse_iso(st, &a->start_unix_s))
        return ln_diag_set(diag, LN_EPARSE, fname, 0, 0, "start",
                           "want an ISO 8601 time, got '%s'", st);
    json_t *jr = json_object_get(root, "map_res");
    a->res = json_is_integer(jr) ? (int)json_integer_value(jr) : -1;
    const char *name = json_string_value(json_object_get(root, "name"));
    if (name && !a->scenario[0]) {
        snprintf(a->scenario, sizeof a->scenario, "%s", name);
        char *sfx = strstr(a->scenario, " activity");
        if (sfx && sfx[9] == '\0')
            *sfx = '\0';
    }
    return 0;
}

/* Feature i: its cell, outline and series into a->cells[i] and row i. */
static int parse_feature(ln__act *a, json_t *f, size_t i, const char *fname,
                         ln_diag *diag)
{
    ln__act_cell *c = &a->cells[i];
    json_t *props = json_object_get(f, "properties");
    const char *id = json_string_value(json_object_get(f, "id"));
    if (!id)
        id = json_string_value(json_object_get(props, "cell"));
    ln_cell cid;
    if (!id || ln_cell_from_string(id, &cid))
        return ln_diag_set(diag, LN_ECELL, fname, 0, 0, NULL,
                           "features[%zu].id: want a 15-hex-digit H3 cell "
                           "id", i);
    /* the outline: the feature's ring, else the cell's boundary */
    json_t *ring = json_array_get(
        json_object_get(json_object_get(f, "geometry"), "coordinates"), 0);
    size_t nr = json_array_size(ring);
    double rb[2 * (LN_CELL_MAX_VERTS + 1)];
    int ok = nr >= 4 && nr <= LN_CELL_MAX_VERTS + 1;
    for (size_t v = 0; ok && v + 1 < nr; v++) {
        json_t *p = json_array_get(ring, v);
        rb[2 * v] = json_number_value(json_array_get(p, 0));
        rb[2 * v + 1] = json_number_value(json_array_get(p, 1));
        if (!json_is_number(json_array_get(p, 0)) ||
            !json_is_number(json_array_get(p, 1)) || fabs(rb[2 * v]) > 360 ||
            fabs(rb[2 * v + 1]) > 90)
            return ln_diag_set(diag, LN_EGEOJSON, fname, 0, 0, NULL,
                               "features[%zu].geometry.coordinates"
                               "[0][%zu]: want [lon, lat]", i, v);
    }
    ln__act_cell_set(c, cid, ok ? rb : NULL, ok ? (int)nr : 0);
    long nwin = a->nwin;
    float *ac = a->active + i * (size_t)nwin;
    float *de = a->denied + i * (size_t)nwin;
    float *ou = a->outage + i * (size_t)nwin;
    int rc = read_series(props, "active", nwin, ac, fname, i, diag);
    if (!rc)
        rc = read_series(props, "denied", nwin, de, fname, i, diag);
    if (!rc)
        rc = read_series(props, "outage", nwin, ou, fname, i, diag);
    if (rc)
        return rc;
    ln__act_cell_stats(a, i);
    return 0;
}

int ln__act_parse_cells(ln__act *a, const char *buf, size_t len,
                        const char *fname, ln_diag *diag)
{
    json_error_t je;
    json_t *root = json_loadb(buf, len, 0, &je);
    if (!root)
        return ln_diag_set(diag, LN_EPARSE, fname, je.line, je.column, NULL,
                           "%s", je.text);
    int rc = 0;
    json_t *feats = json_object_get(root, "features");
    size_t nf = json_array_size(feats);
    if (!json_is_array(feats))
        rc = ln_diag_set(diag, LN_EGEOJSON, fname, 0, 0, "features",
                         "want a FeatureCollection");
    else if (nf > (size_t)MAX_CELLS)
        rc = ln_diag_set(diag, LN_ETOOBIG, fname, 0, 0, "features",
                         "%zu cells (at most %ld)", nf, MAX_CELLS);
    if (!rc)
        rc = parse_header(a, root, feats, fname, diag);
    if (rc)
        goto out;
    a->ncells = nf;
    a->cells = ln_calloc(nf ? nf : 1, sizeof *a->cells);
    size_t nv = (nf ? nf : 1) * (size_t)a->nwin;
    a->active = ln_malloc(nv * sizeof(float));
    a->denied = ln_malloc(nv * sizeof(float));
    a->outage = ln_malloc(nv * sizeof(float));
    if (!a->cells || !a->active || !a->denied || !a->outage) {
        rc = LN_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < nf && !rc; i++)
        rc = parse_feature(a, json_array_get(feats, i), i, fname, diag);
out:
    json_decref(root);
    return rc;
}

/* summary.json: scenario name and the time series (when they fit). */
int ln__act_parse_summary(ln__act *a, const char *buf, size_t len,
                          const char *fname, ln_diag *diag)
{
    int rc;
    json_t *root = parse_json(buf, len, fname, diag, &rc);
    if (!root)
        return rc;
    if (!json_is_object(root)) {
        json_decref(root);
        return ln_diag_set(diag, LN_EPARSE, fname, 1, 1, "$",
                           "want an object");
    }
    const char *sc = json_string_value(
        json_object_get(json_object_get(root, "run"), "scenario"));
    if (sc)
        snprintf(a->scenario, sizeof a->scenario, "%s", sc);
    json_t *ts = json_object_get(root, "time_series");
    json_t *s[3] = {json_object_get(ts, "active_terminals"),
                    json_object_get(ts, "denied_terminals"),
                    json_object_get(ts, "outage_terminals")};
    double *dst[3] = {a->ts_active, a->ts_denied, a->ts_outage};
    int ok = 1;
    for (int k = 0; k < 3; k++)
        ok &= json_is_array(s[k]) && (long)json_array_size(s[k]) == a->nwin &&
              dst[k] != NULL;
    if (ok) {
        for (int k = 0; k < 3; k++)
            for (long w = 0; w < a->nwin; w++)
                dst[k][w] = json_number_value(json_array_get(s[k], (size_t)w));
        a->ts_from_summary = 1;
    }
    json_decref(root);
    return 0;
}

/* activity-sats.json: sub-satellite points per window ("windows": one
 * array of lat, lon pairs per window; missing windows are empty). */
int ln__act_parse_sats(ln__act *a, const char *buf, size_t len,
                       const char *fname, ln_diag *diag)
{
    int rc;
    json_t *root = parse_json(buf, len, fname, diag, &rc);
    if (!root)
        return rc;
    json_t *wins = json_object_get(root, "windows");
    if (!json_is_object(root) || (wins && !json_is_array(wins))) {
        json_decref(root);
        return ln_diag_set(diag, LN_EPARSE, fname, 1, 1,
                           wins ? "windows" : "$",
                           wins ? "want an array" : "want an object");
    }
    ln_free(a->sat_off);
    ln_free(a->sats);
    a->sats = NULL;
    a->sat_off = ln_calloc((size_t)a->nwin + 1, sizeof *a->sat_off);
    if (!a->sat_off) {
        json_decref(root);
        return LN_ENOMEM;
    }
    size_t total = 0;
    for (long w = 0; w < a->nwin; w++) {
        a->sat_off[w] = total;
        total += json_array_size(json_array_get(wins, (size_t)w)) / 2;
    }
    a->sat_off[a->nwin] = total;
    a->sats = ln_malloc((total ? total : 1) * 2 * sizeof(float));
    if (!a->sats) {
        json_decref(root);
        return LN_ENOMEM;
    }
    for (long w = 0; w < a->nwin; w++) {
        json_t *arr = json_array_get(wins, (size_t)w);
        size_t n = a->sat_off[w + 1] - a->sat_off[w];
        float *o = a->sats + 2 * a->sat_off[w];
        for (size_t k = 0; k < 2 * n; k++) {
            json_t *v = json_array_get(arr, k);
            if (!json_is_number(v)) {
                json_decref(root);
                char mp[64];
                snprintf(mp, sizeof mp, "windows[%ld][%zu]", w, k);
                return ln_diag_set(diag, LN_EPARSE, fname, 0, 0, mp,
                                   "want a number");
            }
            o[k] = (float)json_number_value(v);
        }
    }
    json_decref(root);
    return 0;
}

static int zone_actions(ln__act_layer *l, int zones);

static int load_layer(ln__act_layer *l, const char *path, int zones,
                      ln_diag *diag)
{
    int rc = ln_geojson_read(path, 0, &l->gj, diag);
    if (rc)
        return rc;
    return zone_actions(l, zones);
}

/* Each feature's action (properties.action "allow", else deny) when
 * zones; zeros otherwise. */
static int zone_actions(ln__act_layer *l, int zones)
{
    l->action = ln_calloc(l->gj.nfeatures ? l->gj.nfeatures : 1, sizeof(int));
    if (!l->action)
        return LN_ENOMEM;
    for (size_t f = 0; f < l->gj.nfeatures && zones; f++) {
        const char *act = json_string_value(json_object_get(
            (json_t *)l->gj.features[f].properties, "action"));
        l->action[f] = act && strcmp(act, "allow") == 0 ? LN_ZONE_ALLOW
                                                        : LN_ZONE_DENY;
    }
    return 0;
}

static void layer_free(ln__act_layer *l)
{
    ln_geojson_free(&l->gj);
    ln_free(l->action);
    l->action = NULL;
}

typedef struct places_rd {
    ln__act *a;
    int iname, ilat, ilon, ipop;
} places_rd;

/* One CSV record of the places file: the header, or a place. */
static int place_row(void *user, char **f, size_t n, long line)
{
    places_rd *r = user;
    (void)line;
    /* LN-DEV: Natural Earth 4.0 spells Kiev, Odessa, Lvov; the map uses the
     * spellings Ukraine's government asks for. */
    static const char *const fix[][2] = {{"Kiev", "Kyiv"},
                                         {"Odessa", "Odesa"},
                                         {"Lvov", "Lviv"}};
    if (r->iname < 0) {
        r->iname = ln_csv_col(f, n, "name");
        r->ilat = ln_csv_col(f, n, "lat");
        r->ilon = ln_csv_col(f, n, "lon");
        r->ipop = ln_csv_col(f, n, "pop_max");
        return r->iname < 0 || r->ilat < 0 || r->ilon < 0 || r->ipop < 0;
    }
    if ((int)n <= r->iname || (int)n <= r->ilat || (int)n <= r->ilon ||
        (int)n <= r->ipop)
        return 0;
    char *e1, *e2, *e3;
    double lat = strtod(f[r->ilat], &e1), lon = strtod(f[r->ilon], &e2),
           pop = strtod(f[r->ipop], &e3);
    if (*e1 || *e2 || *e3 || !(pop >= 500000) || !isfinite(lat) ||
        !isfinite(lon))
        return 0;
    ln__act *a = r->a;
    struct ln__act_place *pl = &a->places[a->nplaces++];
    snprintf(pl->name, sizeof pl->name, "%s", f[r->iname]);
    for (size_t k = 0; k < sizeof fix / sizeof fix[0]; k++)
        if (strcmp(f[r->iname], fix[k][0]) == 0)
            snprintf(pl->name, sizeof pl->name, "%s", fix[k][1]);
    pl->lat = lat;
    pl->lon = lon;
    return a->nplaces >= 16; /* enough labels: stop */
}

/* Cities of at least 500 000 people from the Natural Earth places file
 * (CSV with name, lat, lon, pop_max), for labels; a bad line is skipped
 * (the file is ours, and labels are decoration). */
static void load_places(ln__act *a, const char *path)
{
    places_rd r = {a, -1, -1, -1, -1};
    ln_diag d;
    (void)ln_csv_read(path, 16 << 20, place_row, &r, &d);
}

static void bbox_add(double bb[4], double lat, double lon)
{
    bb[0] = fmin(bb[0], lon);
    bb[1] = fmin(bb[1], lat);
    bb[2] = fmax(bb[2], lon);
    bb[3] = fmax(bb[3], lat);
}

/* The map's extent: the cells and the deny zones, with a margin; without
 * either, the outlines; without those, Ukraine's box. */
static void compute_bbox(ln__act *a)
{
    double bb[4] = {INFINITY, INFINITY, -INFINITY, -INFINITY};
    for (size_t i = 0; i < a->ncells; i++)
        for (int v = 0; v < a->cells[i].nv; v++)
            bbox_add(bb, a->cells[i].lat[v], a->cells[i].lon[v]);
    double cb[4] = {bb[0], bb[1], bb[2], bb[3]};
    const ln_geojson *g = &a->zones.gj;
    for (size_t f = 0; f < g->nfeatures; f++) {
        if (a->zones.action[f] != LN_ZONE_DENY)
            continue;
        for (size_t p = 0; p < g->features[f].npolys; p++) {
            const ln_geo_ring *r = &g->features[f].polys[p].rings[0];
            for (size_t k = 0; k < r->n; k++) {
                double lon = r->lonlat_deg[2 * k];
                double lat = r->lonlat_deg[2 * k + 1];
                /* a zone far larger than the cells does not widen the map
                 * beyond 5 deg around them */
                if (a->ncells && (lon < cb[0] - 5 || lon > cb[2] + 5 ||
                                  lat < cb[1] - 5 || lat > cb[3] + 5))
                    continue;
                bbox_add(bb, lat, lon);
            }
        }
    }
    if (!isfinite(bb[0]))
        for (int o = 0; o < a->noutline && o < 1; o++) {
            const ln_geojson *og = &a->outline[o].gj;
            for (size_t f = 0; f < og->nfeatures; f++)
                for (size_t p = 0; p < og->features[f].npolys; p++) {
                    const ln_geo_ring *r = &og->features[f].polys[p].rings[0];
                    for (size_t k = 0; k < r->n; k++)
                        bbox_add(bb, r->lonlat_deg[2 * k + 1],
                                 r->lonlat_deg[2 * k]);
                }
        }
    if (!isfinite(bb[0])) {
        bb[0] = 22.0;
        bb[1] = 44.3;
        bb[2] = 40.3;
        bb[3] = 52.4;
    }
    double mx = fmax(0.04 * (bb[2] - bb[0]), 0.2);
    double my = fmax(0.04 * (bb[3] - bb[1]), 0.2);
    a->bbox[0] = bb[0] - mx;
    a->bbox[1] = fmax(bb[1] - my, -85);
    a->bbox[2] = bb[2] + mx;
    a->bbox[3] = fmin(bb[3] + my, 85);
}

int ln__act_read_files(ln__act *a, const char *run_dir, ln_diag *diag)
{
    memset(a, 0, sizeof *a);
    char p[LN_PATH_MAX_ACT];
    int rc;
    snprintf(p, sizeof p, "%s/activity.geojson", run_dir);
    if (!file_exists(p))
        return ln_diag_set(diag, LN_ENOTFOUND, p, 0, 0, NULL,
                           "no activity.geojson: is this the output "
                           "directory of 'leonet run'?");
    if ((rc = load_with(a, p, diag, ln__act_parse_cells)))
        return rc;
    a->ts_active = ln_calloc((size_t)a->nwin, sizeof(double));
    a->ts_denied = ln_calloc((size_t)a->nwin, sizeof(double));
    a->ts_outage = ln_calloc((size_t)a->nwin, sizeof(double));
    if (!a->ts_active || !a->ts_denied || !a->ts_outage)
        return LN_ENOMEM;
    snprintf(p, sizeof p, "%s/summary.json", run_dir);
    if (file_exists(p) &&
        (rc = load_with(a, p, diag, ln__act_parse_summary)))
        return rc;
    if (!a->ts_from_summary)
        for (size_t i = 0; i < a->ncells; i++)
            for (long w = 0; w < a->nwin; w++) {
                size_t k = i * (size_t)a->nwin + (size_t)w;
                a->ts_active[w] += a->active[k];
                a->ts_denied[w] += a->denied[k];
                a->ts_outage[w] += a->outage[k];
            }
    if (!a->scenario[0])
        snprintf(a->scenario, sizeof a->scenario, "run");
    snprintf(p, sizeof p, "%s/activity-sats.json", run_dir);
    if (file_exists(p) && (rc = load_with(a, p, diag, ln__act_parse_sats)))
        return rc;
    return 0;
}

int ln__act_load_layers(ln__act *a, const char *run_dir,
                        const char *data_dir, int quiet, ln_diag *diag)
{
    char p[LN_PATH_MAX_ACT];
    int rc;
    snprintf(p, sizeof p, "%s/zones.geojson", run_dir ? run_dir : "");
    if (run_dir && file_exists(p) &&
        (rc = load_layer(&a->zones, p, 1, diag)))
        return rc;
    if (data_dir) {
        static const char *const files[] = {
            "geo/outlines/neighbours_ne50m.geojson",
            "geo/ukraine_ne10m_dejure.geojson"};
        for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
            snprintf(p, sizeof p, "%s/%s", data_dir, files[k]);
            if (!file_exists(p)) {
                if (!quiet && k == 1)
                    fprintf(stderr, "leonet map: note: no outline %s\n", p);
                continue;
            }
            rc = load_layer(&a->outline[a->noutline], p, 0, diag);
            if (rc)
                return rc;
            a->noutline++;
        }
        snprintf(p, sizeof p, "%s/geo/ukraine_places_ne10m.csv", data_dir);
        load_places(a, p);
    }
    compute_bbox(a);
    return 0;
}

int ln__act_set_zones(ln__act *a, const char *text, size_t len,
                      ln_diag *diag)
{
    layer_free(&a->zones);
    memset(&a->zones, 0, sizeof a->zones);
    int rc = ln_geojson_parse(text, len, "zones", 0, &a->zones.gj, diag);
    if (!rc)
        rc = zone_actions(&a->zones, 1);
    if (!rc)
        compute_bbox(a);
    return rc;
}

int ln__act_load(ln__act *a, const char *run_dir, const char *data_dir,
                 int quiet, ln_diag *diag)
{
    int rc = ln__act_read_files(a, run_dir, diag);
    if (!rc)
        rc = ln__act_load_layers(a, run_dir, data_dir, quiet, diag);
    if (rc)
        ln__act_free(a);
    return rc;
}

void ln__act_free(ln__act *a)
{
    if (!a)
        return;
    ln_free(a->cells);
    ln_free(a->active);
    ln_free(a->denied);
    ln_free(a->outage);
    ln_free(a->ts_active);
    ln_free(a->ts_denied);
    ln_free(a->ts_outage);
    layer_free(&a->zones);
    for (int o = 0; o < a->noutline; o++)
        layer_free(&a->outline[o]);
    ln_free(a->sats);
    ln_free(a->sat_off);
    memset(a, 0, sizeof *a);
}
