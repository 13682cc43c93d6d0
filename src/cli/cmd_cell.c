/*
 * cmd_cell.c - "leonet cell": H3-compatible cells from the command line.
 *
 *   leonet cell --res R --lat LAT --lon LON        the cell id of a point
 *   leonet cell --res R --points FILE.csv [--output FILE]
 *        CSV in with a header naming id, lat, lon in any order (points.c);
 *        a bad row is reported (file:line) and skipped, exit 1; CSV out
 *        "id,lat,lon,cell" (lat, lon as given; cell: 15 lowercase hex)
 *   leonet cell --boundary ID        the cell's outline as GeoJSON
 *   leonet cell --polyfill FILE.geojson --res R [--output FILE]
 *        the cells whose centres are inside the polygons, one id a line
 *   leonet cell --outline FILE.txt [--output FILE]
 *        a cell-id file (one a line) merged into a GeoJSON MultiPolygon
 * Degrees are converted as h3-js converts them, so ids agree with it.
 * Exit codes: 0 ok, 1 some rows failed, 2 usage or input error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "leonet/cell.h"
#include "leonet/geofence.h"
#include "leonet/zone.h"

static const ln_opt_spec specs[] = {
    {"res", 1},     {"lat", 1},     {"lon", 1},     {"points", 1},
    {"output", 1},  {"boundary", 1}, {"polyfill", 1}, {"outline", 1},
    {NULL, 0},
};

static void usage(FILE *f)
{
    fprintf(f,
            "usage: leonet cell --res R --lat LAT --lon LON\n"
            "       leonet cell --res R --points FILE.csv [--output FILE]\n"
            "       leonet cell --boundary ID\n"
            "       leonet cell --polyfill FILE.geojson --res R "
            "[--output FILE]\n"
            "       leonet cell --outline FILE.txt [--output FILE]\n"
            "\n"
            "H3-compatible cells; degrees in and out.\n"
            "  --res R         resolution, 0..15\n"
            "  --lat, --lon    a point: lat -90..90, lon -180..180 degrees;\n"
            "                  prints its cell id (15 hex digits)\n"
            "  --points F      CSV whose header names id, lat and lon in any\n"
            "                  order (other columns ignored); writes\n"
            "                  id,lat,lon,cell; a bad row is reported as\n"
            "                  file:line and skipped (exit 1)\n"
            "  --boundary ID   the cell's outline, a GeoJSON Feature\n"
            "  --polyfill F    the cells whose centres are inside the\n"
            "                  GeoJSON polygons, one id a line, sorted\n"
            "  --outline F     a file of cell ids (one a line) merged into a\n"
            "                  GeoJSON MultiPolygon\n"
            "  --output F      write there instead of stdout\n"
            "Exit status: 0 ok, 1 some rows failed, 2 bad usage or input, "
            "or output\nnot written.\n");
}

static double r2d(double r) { return r * 180.0 / LN_PI; }


typedef struct pts_ctx {
    const char *path;
    int res;
    FILE *out;
    const char *outp;
    ln_cli_points_cols cols;
    int header;
    int rc;
} pts_ctx;

/* One CSV record of the points file: the header, or a point (points.c). */
static int point_row(void *user, char **f, size_t n, long line)
{
    pts_ctx *c = user;
    char err[200];
    if (!c->header) {
        if (ln_cli_points_header(f, n, &c->cols, err, sizeof err)) {
            fprintf(stderr, "leonet cell: %s:%ld: %s\n", c->path, line,
                    err);
            return 2;
        }
        c->header = 1;
        c->out = ln_cli_open_out("cell", c->outp);
        if (!c->out)
            return 2;
        fprintf(c->out, "id,lat,lon,cell\n");
        return 0;
    }
    if (ferror(c->out))
        return 2; /* ln_cli_close_out says so */
    const char *id;
    double la, lo;
    if (ln_cli_points_row(&c->cols, f, n, &id, &la, &lo, err, sizeof err)) {
        fprintf(stderr, "leonet cell: %s:%ld: %s\n", c->path, line, err);
        c->rc = c->rc ? c->rc : 1;
        return 0;
    }
    ln_cell cell;
    char buf[LN_CELL_STRLEN];
    if (ln_cell_from_latlon_deg(la, lo, c->res, &cell)) {
        fprintf(stderr, "leonet cell: %s:%ld: no cell\n", c->path, line);
        c->rc = c->rc ? c->rc : 1;
        return 0;
    }
    ln_csv_put(c->out, id);
    fprintf(c->out, ",%s,%s,%s\n", f[c->cols.lat], f[c->cols.lon],
            ln_cell_to_string(cell, buf, sizeof buf));
    return 0;
}

static int do_points(const char *path, int res, const char *outp)
{
    pts_ctx c = {path, res, NULL, outp, {0, 0, 0, 0}, 0, 0};
    ln_diag d;
    char msg[1024];
    ln_diag_clear(&d);
    int rc = ln_csv_read(path, (size_t)1 << 34, point_row, &c, &d);
    if (rc && rc != 2)
        fprintf(stderr, "leonet cell: %s\n",
                ln_diag_format(&d, msg, sizeof msg));
    if (!rc && !c.out) {
        fprintf(stderr, "leonet cell: %s: empty file (a header naming id, "
                        "lat, lon expected)\n", path);
        rc = 2;
    }
    if (rc) {
        ln_cli_discard_out(c.out);
        return 2;
    }
    int rc2 = c.out ? ln_cli_close_out("cell", c.out, outp) : 0;
    return rc2 ? rc2 : c.rc;
}

static void print_ring(FILE *f, const double *lat, const double *lon,
                       size_t n)
{
    fputc('[', f);
    for (size_t i = 0; i <= n; i++)
        fprintf(f, "%s[%.15g,%.15g]", i ? "," : "", r2d(lon[i % n]),
                r2d(lat[i % n]));
    fputc(']', f);
}

static int do_boundary(const char *s)
{
    ln_cell c;
    int st = ln_cell_from_string(s, &c);
    if (st) {
        fprintf(stderr, "leonet cell: '%s': %s\n", s, ln_strerror(st));
        return 2;
    }
    ln_cell_boundary b;
    double la, lo;
    ln_cell_boundary_of(c, &b);
    ln_cell_center(c, &la, &lo);
    char buf[LN_CELL_STRLEN];
    printf("{\"type\":\"Feature\",\"properties\":{\"cell\":\"%s\","
           "\"res\":%d,\"base_cell\":%d,\"pentagon\":%s,"
           "\"center\":[%.15g,%.15g]},\"geometry\":{\"type\":\"Polygon\","
           "\"coordinates\":[",
           ln_cell_to_string(c, buf, sizeof buf), ln_cell_res(c),
           ln_cell_base(c), ln_cell_is_pentagon(c) ? "true" : "false",
           r2d(lo), r2d(la));
    print_ring(stdout, b.lat_rad, b.lon_rad, (size_t)b.n);
    printf("]}}\n");
    return 0;
}

static int cmp_cell(const void *a, const void *b)
{
    ln_cell x = *(const ln_cell *)a, y = *(const ln_cell *)b;
    return x < y ? -1 : x > y;
}

static int do_polyfill(const char *path, int res, const char *outp)
{
    ln_geojson g;
    ln_diag d;
    char msg[1200];
    ln_diag_clear(&d);
    /* the zones' validation first (rings, holes, ids), as geofence does */
    ln_zoneset *zs = NULL;
    int st = ln_zoneset_new(LN_ZONE_ALLOW, &zs);
    if (!st)
        st = ln_zoneset_load_geojson(zs, path, 0, &d);
    ln_zoneset_free(zs);
    if (!st)
        st = ln_geojson_read(path, 0, &g, &d);
    if (st) {
        fprintf(stderr, "leonet cell: %s\n", ln_diag_format(&d, msg, sizeof msg));
        return 2;
    }
    ln_cell *all = NULL;
    size_t nall = 0;
    int rc = 0;
    for (size_t fi = 0; fi < g.nfeatures && !rc; fi++) {
        const ln_geojson_feature *ft = &g.features[fi];
        for (size_t p = 0; p < ft->npolys && !rc; p++) {
            const ln_geo_polygon *gp = &ft->polys[p];
            ln_cell_ring *rings = ln_calloc(gp->nrings, sizeof *rings);
            ln_cell_poly poly = {rings, gp->nrings};
            for (size_t r = 0; rings && r < gp->nrings; r++) {
                size_t n = gp->rings[r].n;
                rings[r].lat_rad = ln_malloc(n * sizeof(double));
                rings[r].lon_rad = ln_malloc(n * sizeof(double));
                rings[r].n = n;
                for (size_t i = 0; rings[r].lat_rad && rings[r].lon_rad &&
                                   i < n; i++) {
                    rings[r].lon_rad[i] =
                        gp->rings[r].lonlat_deg[2 * i] * LN_PI / 180.0;
                    rings[r].lat_rad[i] =
                        gp->rings[r].lonlat_deg[2 * i + 1] * LN_PI / 180.0;
                }
            }
            int have = rings != NULL;
            for (size_t r = 0; have && r < gp->nrings; r++)
                have = rings[r].lat_rad && rings[r].lon_rad;
            ln_cell *cells = NULL;
            size_t nc = 0;
            st = have ? ln_cell_polyfill(&poly, res, &cells, &nc)
                      : LN_ENOMEM;
            if (st) {
                fprintf(stderr, "leonet cell: %s: feature %zu polygon %zu: "
                        "%s\n", path, fi, p, ln_strerror(st));
                rc = 2;
            } else {
                ln_cell *na = ln_realloc(all, (nall + nc + 1) * sizeof *na);
                if (na) {
                    all = na;
                    memcpy(all + nall, cells, nc * sizeof *cells);
                    nall += nc;
                } else {
                    fprintf(stderr, "leonet cell: out of memory\n");
                    rc = 2;
                }
            }
            ln_free(cells);
            for (size_t r = 0; rings && r < gp->nrings; r++) {
                ln_free(rings[r].lat_rad);
                ln_free(rings[r].lon_rad);
            }
            ln_free(rings);
        }
    }
    ln_geojson_free(&g);
    if (!rc) {
        FILE *out = ln_cli_open_out("cell", outp);
        if (!out) {
            ln_free(all);
            return 2;
        }
        qsort(all, nall, sizeof *all, cmp_cell);
        char buf[LN_CELL_STRLEN];
        for (size_t i = 0; i < nall; i++)
            if (i == 0 || all[i] != all[i - 1])
                fprintf(out, "%s\n", ln_cell_to_string(all[i], buf, sizeof buf));
        rc = ln_cli_close_out("cell", out, outp);
    }
    ln_free(all);
    return rc;
}

static int do_outline(const char *path, const char *outp)
{
    ln_cell *cells;
    size_t n;
    ln_diag d;
    char msg[1200];
    ln_diag_clear(&d);
    if (ln_cell_read_file(path, &cells, &n, &d)) {
        fprintf(stderr, "leonet cell: %s\n", ln_diag_format(&d, msg, sizeof msg));
        return 2;
    }
    ln_cell_poly *polys;
    size_t np;
    int st = ln_cell_outline(cells, n, &polys, &np);
    ln_free(cells);
    if (st) {
        fprintf(stderr, "leonet cell: %s: %s\n", path, ln_strerror(st));
        return 2;
    }
    FILE *out = ln_cli_open_out("cell", outp);
    if (!out) {
        ln_cell_polys_free(polys, np);
        return 2;
    }
    fprintf(out, "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":"
            "\"Feature\",\"properties\":{\"cells\":%zu},\"geometry\":{"
            "\"type\":\"MultiPolygon\",\"coordinates\":[", n);
    for (size_t p = 0; p < np; p++) {
        fprintf(out, "%s[", p ? "," : "");
        for (size_t r = 0; r < polys[p].nrings; r++) {
            if (r)
                fputc(',', out);
            print_ring(out, polys[p].rings[r].lat_rad,
                       polys[p].rings[r].lon_rad, polys[p].rings[r].n);
        }
        fputc(']', out);
    }
    fprintf(out, "]}}]}\n");
    ln_cell_polys_free(polys, np);
    return ln_cli_close_out("cell", out, outp);
}

int ln_cmd_cell(int argc, char **argv)
{
    ln_args a;
    int rc = ln_args_parse_nopos(argc, argv, specs, &a, "cell", usage);
    if (rc)
        return rc < 0 ? 0 : rc;
    const char *sres = ln_args_get(&a, specs, "res");
    const char *out = ln_args_get(&a, specs, "output");
    const char *bnd = ln_args_get(&a, specs, "boundary");
    const char *oline = ln_args_get(&a, specs, "outline");
    const char *pfill = ln_args_get(&a, specs, "polyfill");
    const char *pts = ln_args_get(&a, specs, "points");
    const char *sla = ln_args_get(&a, specs, "lat");
    const char *slo = ln_args_get(&a, specs, "lon");
    int modes = (bnd != NULL) + (oline != NULL) + (pfill != NULL) +
                (pts != NULL) + (sla || slo);
    if (modes != 1) {
        fprintf(stderr, "leonet cell: give one of --lat/--lon, --points, "
                "--boundary, --polyfill, --outline (see leonet cell "
                "--help)\n");
        return 2;
    }
    long res = -1;
    if (sres &&
        ln_args_long_in("cell", "res", sres, 0, LN_CELL_MAX_RES, &res))
        return 2;
    if ((bnd || oline) && sres) {
        fprintf(stderr, "leonet cell: --res does not go with --%s\n",
                bnd ? "boundary" : "outline");
        return 2;
    }
    if (bnd && out) {
        fprintf(stderr, "leonet cell: --boundary prints on stdout; no "
                "--output\n");
        return 2;
    }
    if (bnd)
        return do_boundary(bnd);
    if (oline)
        return do_outline(oline, out);
    if (res < 0) {
        fprintf(stderr, "leonet cell: --res R (0..15) is required\n");
        return 2;
    }
    if (pfill)
        return do_polyfill(pfill, (int)res, out);
    if (pts)
        return do_points(pts, (int)res, out);
    double la, lo;
    if (!sla || !slo) {
        fprintf(stderr, "leonet cell: --lat and --lon go together\n");
        return 2;
    }
    if (out) {
        fprintf(stderr, "leonet cell: --lat/--lon print on stdout; no "
                "--output\n");
        return 2;
    }
    if (ln_args_double_in("cell", "lat", sla, -90, 90, &la) ||
        ln_args_double_in("cell", "lon", slo, -180, 180, &lo))
        return 2;
    ln_cell c;
    char buf[LN_CELL_STRLEN];
    if (ln_cell_from_latlon_deg(la, lo, (int)res, &c)) {
        fprintf(stderr, "leonet cell: no cell for that point\n");
        return 2;
    }
    printf("%s\n", ln_cell_to_string(c, buf, sizeof buf));
    return 0;
}
