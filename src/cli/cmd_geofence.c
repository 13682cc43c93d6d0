/*
 * cmd_geofence.c - "leonet geofence": allow/deny decisions for positions
 * against zones read from GeoJSON files.
 *
 *   leonet geofence --zones A.geojson[,B.geojson...]
 *                   (--points FILE.csv | --lon X --lat Y)
 *                   [--at ISO8601] [--default allow|deny] [--repair]
 *                   [--output FILE] [--stats]
 *
 * Points CSV: a header naming id, lat, lon in any order (points.c), one
 * point a record.
 * Output CSV: "id,lon,lat,decision,zone", lon/lat echoed as given,
 * decision allow|deny, zone the deciding zone's id (empty when none).
 * Without --at the zones' validity windows are checked against the
 * current time. --stats prints the index figures (build time, memory,
 * cells) on stderr, so stdout stays CSV.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "leonet/geofence.h"
#include "leonet/zone.h"

static const ln_opt_spec specs[] = {
    {"zones", 1}, {"points", 1}, {"lon", 1}, {"lat", 1}, {"at", 1},
    {"output", 1}, {"stats", 0}, {"default", 1}, {"repair", 0},
    {NULL, 0},
};

static void usage(FILE *f)
{
    fprintf(f,
        "usage: leonet geofence --zones FILE.geojson[,FILE2...]\n"
        "                       (--points FILE.csv | --lat Y --lon X)\n"
        "                       [--at ISO8601] [--default allow|deny]"
        " [--repair]\n"
        "                       [--output FILE] [--stats]\n\n"
        "Decides allow/deny for each point: the highest-priority zone that\n"
        "contains it (on its boundary counts as inside) decides; else the\n"
        "default (allow).\n"
        "  --zones F    GeoJSON zone files, comma-separated\n"
        "  --points F   CSV whose header names id, lat and lon (degrees) in\n"
        "               any order, other columns ignored; lat in [-90, 90],\n"
        "               lon in [-180, 180]; a bad row stops with file:line\n"
        "  --lat Y, --lon X  one point (degrees, same ranges), id 1\n"
        "  --at T       time for the zones' validity windows, ISO 8601 UTC\n"
        "               1900..2199 (default: now)\n"
        "  --default D  allow (default) or deny where no zone decides\n"
        "  --repair     accept self-intersecting rings (even-odd rule)\n"
        "  --output F   write the CSV there (default: stdout)\n"
        "  --stats      index build time, memory and cells, on stderr\n"
        "Output CSV: id,lon,lat,decision,zone (lon, lat as given).\n"
        "Exit status: 0 ok, 2 bad usage or input, or output not written.\n");
}

typedef struct pts {
    char **id, **lons, **lats;
    double *lon, *lat;
    size_t n, cap;
} pts;

static void pts_free(pts *p)
{
    for (size_t i = 0; i < p->n; i++) {
        ln_free(p->id[i]);
        ln_free(p->lons[i]);
        ln_free(p->lats[i]);
    }
    ln_free(p->id);
    ln_free(p->lons);
    ln_free(p->lats);
    ln_free(p->lon);
    ln_free(p->lat);
}

static int pts_add(pts *p, const char *id, const char *la, const char *lo,
                   double lat, double lon)
{
    if (p->n == p->cap) {
        size_t nc = p->cap ? p->cap * 2 : 1024;
        char **a = ln_realloc(p->id, nc * sizeof *a);
        if (a)
            p->id = a;
        char **b = ln_realloc(p->lons, nc * sizeof *b);
        if (b)
            p->lons = b;
        char **c = ln_realloc(p->lats, nc * sizeof *c);
        if (c)
            p->lats = c;
        double *d = ln_realloc(p->lon, nc * sizeof *d);
        if (d)
            p->lon = d;
        double *e = ln_realloc(p->lat, nc * sizeof *e);
        if (e)
            p->lat = e;
        if (!a || !b || !c || !d || !e)
            return -1;
        p->cap = nc;
    }
    p->id[p->n] = ln_strdup(id);
    p->lons[p->n] = ln_strdup(lo);
    p->lats[p->n] = ln_strdup(la);
    if (!p->id[p->n] || !p->lons[p->n] || !p->lats[p->n]) {
        ln_free(p->id[p->n]);
        ln_free(p->lons[p->n]);
        ln_free(p->lats[p->n]);
        return -1;
    }
    p->lon[p->n] = lon;
    p->lat[p->n] = lat;
    p->n++;
    return 0;
}

typedef struct rd {
    pts *p;
    const char *path;
    ln_cli_points_cols cols;
    int header;
} rd;

/* One CSV record of the points file: the header, or a point (points.c). */
static int point_row(void *user, char **f, size_t n, long line)
{
    rd *r = user;
    char err[200];
    if (!r->header) {
        if (ln_cli_points_header(f, n, &r->cols, err, sizeof err)) {
            fprintf(stderr, "leonet geofence: %s:%ld: %s\n", r->path, line,
                    err);
            return 2;
        }
        r->header = 1;
        return 0;
    }
    const char *id;
    double lat, lon;
    if (ln_cli_points_row(&r->cols, f, n, &id, &lat, &lon, err,
                          sizeof err)) {
        fprintf(stderr, "leonet geofence: %s:%ld: %s\n", r->path, line, err);
        return 2;
    }
    if (pts_add(r->p, id, f[r->cols.lat], f[r->cols.lon], lat, lon)) {
        fprintf(stderr, "leonet geofence: out of memory\n");
        return 2;
    }
    return 0;
}

static int read_points(const char *path, pts *p)
{
    rd r = {p, path, {0, 0, 0, 0}, 0};
    ln_diag d;
    char msg[1024];
    ln_diag_clear(&d);
    int rc = ln_csv_read(path, (size_t)1 << 34, point_row, &r, &d);
    if (rc == 2)
        return 2;
    if (rc) {
        fprintf(stderr, "leonet geofence: %s\n",
                ln_diag_format(&d, msg, sizeof msg));
        return 2;
    }
    if (!r.header) {
        fprintf(stderr, "leonet geofence: %s: empty file (a header naming "
                "id, lat, lon expected)\n", path);
        return 2;
    }
    return 0;
}

static void print_stats(FILE *f, const ln_zoneset *zs)
{
    ln_geo_index_stats st;
    ln_zoneset_stats(zs, &st);
    fprintf(f, "zones=%zu\nvertices=%zu\nedges=%zu\n"
            "index_build_ms=%.3f\nindex_bytes=%zu\ncoarse_cells=%ld\n"
            "fine_cells=%ld\nrefined_blocks=%ld\nboundary_cells=%ld\n"
            "edges_per_boundary_cell=%.2f\n",
            ln_zoneset_count(zs), st.vertices, st.edges, st.build_s * 1e3,
            st.bytes, st.coarse_cells, st.fine_cells, st.fine_blocks,
            st.boundary_cells, st.edges_per_bcell);
}

int ln_cli_load_zones(const char *verb, const char *files, int defact,
                      int flags, ln_zoneset **out)
{
    *out = NULL;
    ln_zoneset *zs;
    char *list = ln_strdup(files);
    if (!list || ln_zoneset_new(defact, &zs)) {
        ln_free(list);
        fprintf(stderr, "leonet %s: out of memory\n", verb);
        return 2;
    }
    /* "a.geojson,,b.geojson" or a trailing comma: a file name left out,
     * said rather than skipped (strtok would pass over it) */
    size_t n = strlen(files);
    if (n == 0 || files[0] == ',' || files[n - 1] == ',' ||
        strstr(files, ",,")) {
        fprintf(stderr, "leonet %s: --zones '%s': an empty file name in "
                "the comma-separated list\n", verb, files);
        ln_free(list);
        ln_zoneset_free(zs);
        return 2;
    }
    char *save = NULL;
    for (char *f = strtok_r(list, ",", &save); f;
         f = strtok_r(NULL, ",", &save)) {
        ln_diag d;
        ln_diag_clear(&d);
        int e = ln_zoneset_load_geojson(zs, f, flags, &d);
        if (e) {
            char buf[1200];
            fprintf(stderr, "leonet %s: %s (%s)\n", verb,
                    ln_diag_format(&d, buf, sizeof buf), ln_errname(e));
            ln_free(list);
            ln_zoneset_free(zs);
            return 2;
        }
    }
    ln_free(list);
    *out = zs;
    return 0;
}

int ln_cmd_geofence(int argc, char **argv)
{
    ln_args a;
    int rc = ln_args_parse(argc, argv, specs, &a, "geofence", usage);
    if (rc)
        return rc < 0 ? 0 : rc;
    const char *zones = ln_args_get(&a, specs, "zones");
    const char *pfile = ln_args_get(&a, specs, "points");
    const char *slon = ln_args_get(&a, specs, "lon");
    const char *slat = ln_args_get(&a, specs, "lat");
    const char *at = ln_args_get(&a, specs, "at");
    const char *ofile = ln_args_get(&a, specs, "output");
    const char *def = ln_args_get(&a, specs, "default");
    int stats = ln_args_get(&a, specs, "stats") != NULL;
    int flags = ln_args_get(&a, specs, "repair") ? LN_GEO_REPAIR_EVENODD : 0;
    const char *why = NULL;
    if (a.npos)
        why = "unexpected argument";
    else if (!zones)
        why = "--zones FILE is required";
    else if (pfile && (slon || slat))
        why = "give --points or --lat/--lon, not both";
    else if (!pfile && (!slon) != (!slat))
        why = "--lat and --lon go together";
    else if (!stats && !pfile && !slon)
        why = "give --points FILE or --lat Y --lon X (or --stats)";
    else if (ofile && !pfile && !slon)
        why = "--output is for the decisions of --points or --lat/--lon";
    if (why) {
        fprintf(stderr, "leonet geofence: %s%s%s%s (see leonet geofence "
                "--help)\n", why, a.npos ? " '" : "", a.npos ? a.pos[0] : "",
                a.npos ? "'" : "");
        return 2;
    }
    int defact = LN_ZONE_ALLOW;
    if (def && strcmp(def, "deny") == 0)
        defact = LN_ZONE_DENY;
    else if (def && strcmp(def, "allow") != 0) {
        fprintf(stderr, "leonet geofence: --default: allow or deny, got "
                "'%s'\n", def);
        return 2;
    }
    double t = (double)time(NULL);
    if (at && ln_args_time("geofence", "at", at, &t))
        return 2;
    double lon = 0, lat = 0;
    if (slon && (ln_args_double_in("geofence", "lat", slat, -90, 90, &lat) ||
                 ln_args_double_in("geofence", "lon", slon, -180, 180, &lon)))
        return 2;
    ln_zoneset *zs;
    rc = ln_cli_load_zones("geofence", zones, defact, flags, &zs);
    if (rc)
        return rc;
    pts p = {0};
    if (stats)
        print_stats(stderr, zs);
    if (pfile)
        rc = read_points(pfile, &p);
    if (!rc && slon && pts_add(&p, "1", slat, slon, lat, lon)) {
        fprintf(stderr, "leonet geofence: out of memory\n");
        rc = 2;
    }
    if (!rc && (pfile || slon)) {
        ln_zone_decision *dec = ln_malloc((p.n ? p.n : 1) * sizeof *dec);
        FILE *out = dec ? ln_cli_open_out("geofence", ofile) : NULL;
        if (!dec)
            fprintf(stderr, "leonet geofence: out of memory\n");
        if (!out) {
            rc = 2;
        } else {
            ln_zoneset_decide_batch_deg(zs, p.n, p.lat, p.lon, NULL, t, dec,
                                        ln_cli_threads);
            fprintf(out, "id,lon,lat,decision,zone\n");
            for (size_t i = 0; i < p.n && !ferror(out); i++) {
                ln_csv_put(out, p.id[i]);
                fprintf(out, ",%s,%s,%s,", p.lons[i], p.lats[i],
                        ln_zone_action_name(dec[i].action));
                ln_csv_put(out, dec[i].zone_id ? dec[i].zone_id : "");
                fputc('\n', out);
            }
            rc = ln_cli_close_out("geofence", out, ofile);
        }
        ln_free(dec);
    }
    pts_free(&p);
    ln_zoneset_free(zs);
    return rc;
}
