/*
 * points.c - the meaning of a points CSV, shared by "geofence --points"
 * and "cell --points": one rule for both.
 *
 * Exports (cli.h): ln_cli_points_header, ln_cli_points_row, ln_cli_latlon
 * (the lat/lon rule alone, also route --gateways').
 *
 * The header names the columns id, lat and lon (exact, lowercase), in any
 * order; other columns are ignored. Each record after it is one point:
 * id as given (any text), lat and lon in degrees as decimal numbers (the
 * whole field; finite; lat in [-90, 90], lon in [-180, 180]). The CSV
 * syntax itself (quoting, CRLF, blank lines) is core/csv.c's. Pure: the
 * caller says which file and line; fuzz/fuzz_points.c calls these.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "leonet/core.h"

int ln_cli_points_header(char *const *f, size_t n, ln_cli_points_cols *c,
                         char *err, size_t errn)
{
    const char *dup = ln_csv_col_dup(f, n);
    if (dup) {
        snprintf(err, errn, "the header names the column '%s' twice", dup);
        return -1;
    }
    c->id = ln_csv_col(f, n, "id");
    c->lat = ln_csv_col(f, n, "lat");
    c->lon = ln_csv_col(f, n, "lon");
    if (c->id < 0 || c->lat < 0 || c->lon < 0) {
        snprintf(err, errn, "the header must name the columns id, lat and "
                 "lon (any order; missing:%s%s%s)",
                 c->id < 0 ? " id" : "", c->lat < 0 ? " lat" : "",
                 c->lon < 0 ? " lon" : "");
        return -1;
    }
    int m = c->id > c->lat ? c->id : c->lat;
    m = m > c->lon ? m : c->lon;
    c->need = (size_t)m + 1;
    return 0;
}

int ln_cli_latlon(const char *slat, const char *slon, double *lat_deg,
                  double *lon_deg, char *err, size_t errn)
{
    double la, lo;
    if (ln_parse_decimal(slat, &la) || la < -90 || la > 90) {
        snprintf(err, errn, "lat: expected degrees in [-90, 90], got '%.40s'",
                 slat);
        return -1;
    }
    if (ln_parse_decimal(slon, &lo) || lo < -180 || lo > 180) {
        snprintf(err, errn, "lon: expected degrees in [-180, 180], got "
                 "'%.40s'", slon);
        return -1;
    }
    *lat_deg = la;
    *lon_deg = lo;
    return 0;
}

int ln_cli_points_row(const ln_cli_points_cols *c, char *const *f, size_t n,
                      const char **id, double *lat_deg, double *lon_deg,
                      char *err, size_t errn)
{
    double la, lo;
    if (n < c->need) {
        snprintf(err, errn, "%zu fields, the header wants at least %zu",
                 n, c->need);
        return -1;
    }
    if (ln_cli_latlon(f[c->lat], f[c->lon], &la, &lo, err, errn))
        return -1;
    *id = f[c->id];
    *lat_deg = la;
    *lon_deg = lo;
    return 0;
}
