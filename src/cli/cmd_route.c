/*
 * cmd_route.c - "leonet route": routes over the laser mesh.
 *
 *   leonet route --shells gen1|starlink550 | --tle FILE --grid PxS
 *                --from LAT,LON (--to LAT,LON | --gateways FILE)
 *                --start ISO --duration S --step S [--fail FILE]
 *                [--jam FILE.geojson]
 *       CSV "t_s,rtt_ms,hops,path" for a pair of ground points (or the
 *       point and its nearest gateway) over a time range.
 *   leonet route --hypatia DIR --duration S --step-ms MS [--threads N]
 *       Hypatia's dynamic state (fstate/gsl_if_bandwidth files) from its
 *       static state files, algorithm free_one_only_over_isls.
 *   leonet route --hypatia DIR --export (--shells ... | --tle ...) [--gs F]
 *       writes a Hypatia static state for a leonet constellation.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "leonet/geodesy.h"
#include "leonet/net.h"
#include "leonet/orbit.h"

#define V "route"

static const ln_opt_spec specs[] = {
    {"hypatia", 1}, {"duration", 1}, {"step-ms", 1}, {"export", 0},
    {"out", 1},     {"dump-positions", 1}, {"shells", 1}, {"tle", 1},
    {"grid", 1},    {"gs", 1},       {"from", 1},     {"to", 1},
    {"start", 1},   {"step", 1},     {"gateways", 1}, {"fail", 1},
    {"min-elev-deg", 1}, {"max-gsl-km", 1}, {"max-isl-km", 1},
    {"epoch", 1},   {"full-dijkstra", 0}, {"jam", 1},
    {"all-objects", 0},
    {NULL, 0},
};

/* Which modes each option belongs to: MODE_S the time series, MODE_H Hypatia's
 * dynamic state (--hypatia DIR), MODE_X --hypatia DIR --export. An option of
 * another mode is refused rather than ignored. */
enum { MODE_S = 1, MODE_H = 2, MODE_X = 4 };
static const struct {
    const char *name;
    int modes;
} mode_of[] = {
    {"hypatia", MODE_H | MODE_X},    {"duration", MODE_S | MODE_H},
    {"step-ms", MODE_H},          {"export", MODE_X},
    {"out", MODE_H},              {"dump-positions", MODE_H},
    {"shells", MODE_S | MODE_X},     {"tle", MODE_S | MODE_X},
    {"grid", MODE_S | MODE_X},       {"gs", MODE_X},
    {"from", MODE_S},             {"to", MODE_S},
    {"start", MODE_S},            {"step", MODE_S},
    {"gateways", MODE_S},         {"fail", MODE_S},
    {"min-elev-deg", MODE_S | MODE_X}, {"max-gsl-km", MODE_S | MODE_X},
    {"max-isl-km", MODE_S},       {"epoch", MODE_S | MODE_X},
    {"full-dijkstra", MODE_H},    {"jam", MODE_S},
    {"all-objects", MODE_S | MODE_X},
};

#define MAX_DURATION_S 315576000L /* 10 Julian years */
#define MAX_SERIES_STEPS 1e7
#define MAX_HYP_STEPS 1000000L /* two files a step */

static void help(FILE *f)
{
    fprintf(f,
"usage: leonet route (--shells gen1|starlink550 | --tle FILE --grid PxS)\n"
"                    --from LAT,LON (--to LAT,LON | --gateways FILE)\n"
"                    [--start ISO] --duration S --step S [--fail FILE]\n"
"                    [--jam FILE.geojson]\n"
"                    [--min-elev-deg D | --max-gsl-km K] [--max-isl-km K]\n"
"                    [--epoch ISO] [--all-objects]\n"
"       leonet route --hypatia STATE_DIR --duration S --step-ms MS\n"
"                    [--out DIR] [--dump-positions FILE] [--threads N]\n"
"                    [--full-dijkstra]\n"
"       leonet route --hypatia STATE_DIR --export\n"
"                    (--shells gen1|starlink550 | --tle FILE --grid PxS)\n"
"                    [--gs FILE] [--min-elev-deg D] [--epoch ISO]\n"
"                    [--all-objects]\n"
"\n"
"Time series: CSV t_s,rtt_ms,hops,path; path is 'src S1 S2 ... dst' with\n"
"satellite indices (file order / shell order). RTT = 2 x (GSL up + ISLs +\n"
"GSL down) / c. Ground links: elevation >= --min-elev-deg (default 25) or\n"
"slant range <= --max-gsl-km. ISLs: +Grid inside each shell (for --tle:\n"
"--grid PxS = the file lists P planes of S satellites in order).\n"
"--tle keeps the satellites in service (docs/scenario.md \"Satellites in\n"
"service\": Gen1 shell and altitude band; no debris), in file order:\n"
"indices and --grid count those; --all-objects keeps every set.\n"
"--gateways FILE (CSV with a header naming lat and lon columns, or a\n"
"Hypatia ground_stations file) without --to: route to the nearest\n"
"gateway. --fail FILE: lines 'sat I', 'gs I' (gateway I), 'isl A B',\n"
"each optionally followed by 'from T0' and/or 'until T1' (seconds after\n"
"--start; default: the whole run). --jam FILE: GeoJSON polygons; end points\n"
"and gateways inside one (at each step: valid_from/valid_until) have no\n"
"ground link. stderr: steps, path changes, steps without a route.\n"
"\n"
"Ranges: --duration 0..315576000 s (10 years; Hypatia: integer >= 1),\n"
"--step 0.001..86400 s with at most 1e7 steps, --step-ms 1..86400000\n"
"with at most 1e6 steps, LAT -90..90, LON -180..180, --min-elev-deg\n"
"0..90, --max-gsl-km and --max-isl-km 1..100000, --grid P and S\n"
"1..100000 with P x S <= satellites, times ISO 8601 UTC 1900..2199\n"
"(--start default 2022-10-09T00:00:00Z; --epoch: of --shells, default\n"
"--start, or 2000-01-01 for --export).\n"
"\n"
"Hypatia mode writes STATE_DIR (or --out)/dynamic_state_<MS>ms_for_<S>s/\n"
"fstate_<t_ns>.txt and gsl_if_bandwidth_<t_ns>.txt exactly as satgenpy's\n"
"main_*.py ... algorithm_free_one_only_over_isls 1 would. --export writes\n"
"tles.txt, isls.txt, ground_stations.txt (default: Hypatia's top-100\n"
"cities), gsl_interfaces_info.txt, description.txt. docs/network.md.\n"
"Exit status: 0 ok, 2 bad usage or input, or output not written.\n");
}

/* ---- constellation -------------------------------------------------- */

typedef struct cons {
    ln_elset *els;
    size_t n;
    ln_net_grid grids[16];
    size_t ngrids;
    double alt_min_km, alt_max_km;
} cons;

static int load_cons(const ln_args *a, double epoch, cons *c)
{
    const char *sh = ln_args_get(a, specs, "shells");
    const char *tle = ln_args_get(a, specs, "tle");
    memset(c, 0, sizeof *c);
    if (!!sh == !!tle) {
        fprintf(stderr, "leonet route: give one of --shells, --tle\n");
        return 2;
    }
    if (sh) {
        const ln_shell *all;
        size_t ns = ln_shells_gen1(&all);
        if (strcmp(sh, "starlink550") == 0)
            ns = 1;
        else if (strcmp(sh, "gen1") != 0) {
            fprintf(stderr, "leonet route: --shells gen1|starlink550\n");
            return 2;
        }
        if (ln_args_shells_epoch("route", ln_args_get(a, specs, "epoch")
                                 ? "--epoch" : "--epoch (default: --start)",
                                 epoch))
            return 2;
        int rc = ln_shells_to_elsets(all, ns, epoch, 1, &c->els, &c->n);
        if (rc) {
            fprintf(stderr, "leonet route: shells: %s\n", ln_strerror(rc));
            return 2;
        }
        int32_t first = 0;
        c->alt_min_km = 1e9;
        for (size_t k = 0; k < ns; k++) {
            c->grids[k] = (ln_net_grid){first, all[k].planes,
                                        all[k].per_plane, 1, 0};
            first += all[k].planes * all[k].per_plane;
            if (all[k].alt_km < c->alt_min_km)
                c->alt_min_km = all[k].alt_km;
            if (all[k].alt_km > c->alt_max_km)
                c->alt_max_km = all[k].alt_km;
        }
        c->ngrids = ns;
        return 0;
    }
    ln_diag d;
    ln_diag_clear(&d);
    int rc = ln_tle_read_file(tle, 0, &c->els, &c->n, &d);
    if (rc) {
        char b[1200];
        fprintf(stderr, "leonet route: %s\n", ln_diag_format(&d, b, sizeof b));
        return 2;
    }
    if (c->n == 0) {
        fprintf(stderr, "leonet route: %s: no element sets\n", tle);
        ln_free(c->els);
        c->els = NULL;
        return 2;
    }
    if (!ln_args_get(a, specs, "all-objects")) {
        size_t k = 0, n0 = c->n;
        for (size_t i = 0; i < c->n; i++)
            if (ln_elset_service(&c->els[i], NULL, 0) == LN_SVC_IN)
                c->els[k++] = c->els[i];
        c->n = k;
        fprintf(stderr, "leonet route: %zu of %zu element sets in %s are "
                "in service (--all-objects keeps all)\n", k, n0, tle);
        if (k == 0) {
            fprintf(stderr, "leonet route: %s: no satellite in service "
                    "(docs/scenario.md); --all-objects uses them all\n",
                    tle);
            ln_free(c->els);
            c->els = NULL;
            return 2;
        }
    }
    const char *grid = ln_args_get(a, specs, "grid");
    long P = 0, Q = 0;
    if (grid) {
        char *x = (char *)grid, *e = x;
        if (isdigit((unsigned char)grid[0]))
            P = strtol(grid, &x, 10);
        if (*x == 'x' && isdigit((unsigned char)x[1]))
            Q = strtol(x + 1, &e, 10);
        if (P < 1 || *e || P > 100000 || Q < 1 || Q > 100000 ||
            (size_t)P * (size_t)Q > c->n) {
            fprintf(stderr, "leonet route: --grid: expected PxS, P and S "
                    "1..100000 with P x S <= %zu (the satellites in %s), "
                    "got '%s'\n", c->n, tle, grid);
            ln_free(c->els);
            c->els = NULL;
            return 2;
        }
        c->grids[0] = (ln_net_grid){0, (int)P, (int)Q, 1, 0};
        c->ngrids = 1;
    }
    c->alt_min_km = 1e9;
    for (size_t i = 0; i < c->n; i++) {
        double h = ln_elset_alt_km(&c->els[i]);
        if (h < c->alt_min_km)
            c->alt_min_km = h;
        if (h > c->alt_max_km)
            c->alt_max_km = h;
    }
    return 0;
}

/* Slant range at elevation el for a satellite at altitude h (sphere of
 * radius LN_WGS72_RE_KM), km. */
static double slant_km(double h_km, double el_rad)
{
    double R = LN_WGS72_RE_KM, r = R + h_km, c = R * cos(el_rad);
    return sqrt(r * r - c * c) - R * sin(el_rad);
}

/* Hypatia's maximum ISL length: the link may not dip below 80 km. */
static double max_isl_km(double h_km)
{
    double r = LN_WGS72_RE_KM + h_km, g = LN_WGS72_RE_KM + 80.0;
    return 2.0 * sqrt(r * r - g * g);
}

/* "LAT,LON" in degrees: both whole finite numbers, LAT -90..90, LON
 * -180..180; 0 or -1. */
static int parse_latlon(const char *s, ln_geodetic *g)
{
    double la, lo;
    char tok[64];
    const char *comma = s ? strchr(s, ',') : NULL;
    if (!comma || (size_t)(comma - s) >= sizeof tok)
        return -1;
    memcpy(tok, s, (size_t)(comma - s));
    tok[comma - s] = '\0';
    if (ln_parse_decimal(tok, &la) || ln_parse_decimal(comma + 1, &lo) ||
        !(fabs(la) <= 90.0) || !(fabs(lo) <= 180.0))
        return -1;
    g->lat_rad = la * LN_DEG2RAD;
    g->lon_rad = lo * LN_DEG2RAD;
    g->h_km = 0.0;
    return 0;
}

typedef struct gw_csv {
    const char *path;
    int ilat, ilon;
    double *xyz;
    size_t n, cap;
} gw_csv;

enum { GW_NOT_CSV = 3 }; /* no lat/lon header: Hypatia's format */

/* One CSV record of a gateway file: the header, or a gateway. */
static int gw_row(void *user, char **f, size_t nf, long line)
{
    gw_csv *g = user;
    if (g->ilat < 0) {
        const char *dup = ln_csv_col_dup(f, nf);
        if (dup) {
            fprintf(stderr, "leonet route: %s:%ld: the header names the "
                    "column '%s' twice\n", g->path, line, dup);
            return 2;
        }
        g->ilat = ln_csv_col(f, nf, "lat");
        if (g->ilat < 0)
            g->ilat = ln_csv_col(f, nf, "lat_deg");
        g->ilon = ln_csv_col(f, nf, "lon");
        if (g->ilon < 0)
            g->ilon = ln_csv_col(f, nf, "lon_deg");
        return g->ilat < 0 || g->ilon < 0 ? GW_NOT_CSV : 0;
    }
    double la, lo;
    char err[200];
    if ((size_t)g->ilat >= nf || (size_t)g->ilon >= nf) {
        fprintf(stderr, "leonet route: %s:%ld: %zu fields, the header wants "
                "at least %d\n", g->path, line, nf,
                (g->ilat > g->ilon ? g->ilat : g->ilon) + 1);
        return 2;
    }
    if (ln_cli_latlon(f[g->ilat], f[g->ilon], &la, &lo, err, sizeof err)) {
        fprintf(stderr, "leonet route: %s:%ld: %s\n", g->path, line, err);
        return 2;
    }
    if (g->n == g->cap) {
        g->cap = g->cap ? 2 * g->cap : 64;
        double *t = ln_realloc(g->xyz, g->cap * 3 * sizeof *t);
        if (!t) {
            fprintf(stderr, "leonet route: out of memory\n");
            return 2;
        }
        g->xyz = t;
    }
    ln_geodetic gd = {la * LN_DEG2RAD, lo * LN_DEG2RAD, 0.0};
    ln_geodetic_to_ecef(&gd, &g->xyz[3 * g->n++]);
    return 0;
}

/* Gateways: CSV with a header naming "lat" and "lon" (or lat_deg,
 * lon_deg), or Hypatia's ground-station format. Returns ECEF km in *xyz
 * (ln_malloc). */
static int read_gateways(const char *path, double **xyz, size_t *n)
{
    gw_csv g = {path, -1, -1, NULL, 0, 0};
    ln_diag d;
    char b[1200];
    ln_diag_clear(&d);
    int rc = ln_csv_read(path, (size_t)1 << 30, gw_row, &g, &d);
    if (rc != GW_NOT_CSV) {
        if (rc && rc != 2)
            fprintf(stderr, "leonet route: %s\n",
                    ln_diag_format(&d, b, sizeof b));
        if (!rc && g.ilat < 0) {
            fprintf(stderr, "leonet route: %s: empty file\n", path);
            rc = 2;
        } else if (!rc && g.n == 0) {
            fprintf(stderr, "leonet route: --gateways: %s: a header and no "
                    "gateways\n", path);
            rc = 2;
        }
        if (rc) {
            ln_free(g.xyz);
            return 2;
        }
        *xyz = g.xyz ? g.xyz : ln_malloc(3 * sizeof **xyz);
        *n = g.n;
        if (!*xyz)
            fprintf(stderr, "leonet route: out of memory\n");
        return *xyz ? 0 : 2;
    }
    ln_free(g.xyz);
    ln_hyp_gs *gs;
    ln_diag_clear(&d);
    rc = ln_hyp_read_gs_file(path, &gs, n, &d);
    if (rc) {
        fprintf(stderr, "leonet route: %s\n", ln_diag_format(&d, b, sizeof b));
        return 2;
    }
    *xyz = ln_malloc((*n ? *n : 1) * 3 * sizeof **xyz);
    for (size_t i = 0; *xyz && i < *n; i++) {
        ln_geodetic gd = {gs[i].lat_deg * LN_DEG2RAD,
                          gs[i].lon_deg * LN_DEG2RAD, gs[i].elev_m / 1e3};
        ln_geodetic_to_ecef(&gd, &(*xyz)[3 * i]);
    }
    ln_free(gs);
    if (!*xyz)
        fprintf(stderr, "leonet route: out of memory\n");
    return *xyz ? 0 : 2;
}

/* ---- time series ---------------------------------------------------- */

/* The time series: its options, what it holds (ln_malloc'd, freed by
 * series_close whatever the point of failure) and its tallies. */
typedef struct series {
    double start_unix_s, duration_s, step_s, epoch_unix_s, isl_km;
    ln_geodetic from, to;
    int have_to;
    const char *gwf;
    ln_net_config cfg;
    cons c;
    double *gw;         /* 3 * ngw: the gateway file's, ECEF km */
    size_t ngw;
    size_t base, ngs;   /* ground stations: 0 = from, 1 = to (if any),
                           then from base the gateways */
    double *gs;         /* 3 * ngs */
    uint8_t *mask;      /* ngs: gateway */
    ln_net_isl *isls;
    size_t nisl;
    ln_net *net;
    ln_net_work *w;
    ln_orbit *o;
    uint8_t *sat_down, *gs_down, *cut;
    uint8_t *jammed;    /* ngs: ground stations jammed now */
    ln_net_jam *jam;
    ln_net_failset *fails;
    double *buf;        /* 6 * nsat: pv's arrays */
    int *err;
    ln_pv_soa pv;
    int32_t *path;      /* nsat + 2 */
    double *dist;
    int32_t *nxt, *gwid;
    long changes, outages, jammed_src, jammed_gw, nrtt;
    double rtt_min, rtt_max, rtt_sum;
    char prev[4096];
} series;

static void series_close(series *sr)
{
    ln_orbit_free(sr->o);
    ln_net_work_free(sr->w);
    ln_net_free(sr->net);
    ln_free(sr->isls);
    ln_free(sr->c.els);
    ln_net_jam_free(sr->jam);
    ln_net_failset_free(sr->fails);
    void *arrs[] = {sr->gw,     sr->gs,     sr->mask,   sr->sat_down,
                    sr->gs_down, sr->jammed, sr->cut,   sr->buf,
                    sr->err,    sr->path,   sr->dist,   sr->nxt,
                    sr->gwid};
    for (size_t k = 0; k < sizeof arrs / sizeof arrs[0]; k++)
        ln_free(arrs[k]);
}

/* --start, --duration, --step, --from, --to, --gateways, --epoch: 0 or 2
 * (printed). */
static int series_where_when(const ln_args *a, series *sr)
{
    const char *s;
    sr->start_unix_s = ln_time_from_utc(2022, 10, 9, 0, 0, 0);
    if ((s = ln_args_get(a, specs, "start")) &&
        ln_args_time("route", "start", s, &sr->start_unix_s))
        return 2;
    const char *sd = ln_args_get(a, specs, "duration");
    const char *sst = ln_args_get(a, specs, "step");
    if (!sd || !sst) {
        fprintf(stderr, "leonet route: --duration S and --step S are "
                "required (see leonet route --help)\n");
        return 2;
    }
    if (ln_args_double_in(V, "duration", sd, 0, (double)MAX_DURATION_S,
                          &sr->duration_s) ||
        ln_args_double_in(V, "step", sst, 0.001, 86400, &sr->step_s))
        return 2;
    if (sr->duration_s / sr->step_s + 1 > MAX_SERIES_STEPS) {
        fprintf(stderr, "leonet route: --duration %g / --step %g gives "
                "%.0f steps, over the limit of %.0f\n", sr->duration_s,
                sr->step_s, floor(sr->duration_s / sr->step_s + 1e-9) + 1,
                MAX_SERIES_STEPS);
        return 2;
    }
    sr->gwf = ln_args_get(a, specs, "gateways");
    if (!(s = ln_args_get(a, specs, "from")) || parse_latlon(s, &sr->from)) {
        fprintf(stderr, "leonet route: --from: expected LAT,LON (degrees, "
                "-90..90,-180..180), got '%s'\n", s ? s : "(none)");
        return 2;
    }
    sr->have_to = (s = ln_args_get(a, specs, "to")) != NULL;
    if (sr->have_to && parse_latlon(s, &sr->to)) {
        fprintf(stderr, "leonet route: --to: expected LAT,LON (degrees, "
                "-90..90,-180..180), got '%s'\n", s);
        return 2;
    }
    if (sr->have_to && sr->gwf) {
        fprintf(stderr, "leonet route: give --to or --gateways, not "
                "both\n");
        return 2;
    }
    if (!sr->have_to && !sr->gwf) {
        fprintf(stderr, "leonet route: give --to or --gateways\n");
        return 2;
    }
    const char *ep = ln_args_get(a, specs, "epoch");
    sr->epoch_unix_s = sr->start_unix_s;
    if (ep && ln_args_time("route", "epoch", ep, &sr->epoch_unix_s))
        return 2;
    return 0;
}

/* --min-elev-deg, --max-gsl-km, --max-isl-km: 0 or 2 (printed). */
static int series_links(const ln_args *a, series *sr)
{
    const char *s;
    double v;
    sr->cfg = (ln_net_config){.gsl_rule = LN_NET_GSL_ELEV,
                              .min_elev_rad = 25.0 * LN_DEG2RAD};
    sr->isl_km = NAN;
    if ((s = ln_args_get(a, specs, "min-elev-deg")) &&
        ln_args_get(a, specs, "max-gsl-km")) {
        fprintf(stderr, "leonet route: give --min-elev-deg or --max-gsl-km, "
                "not both\n");
        return 2;
    }
    if (s) {
        if (ln_args_double_in(V, "min-elev-deg", s, 0, 90, &v))
            return 2;
        sr->cfg.min_elev_rad = v * LN_DEG2RAD;
    }
    if ((s = ln_args_get(a, specs, "max-gsl-km"))) {
        if (ln_args_double_in(V, "max-gsl-km", s, 1, 100000, &v))
            return 2;
        sr->cfg.gsl_rule = LN_NET_GSL_RANGE;
        sr->cfg.max_gsl_km = v;
    }
    if ((s = ln_args_get(a, specs, "max-isl-km")) &&
        ln_args_double_in(V, "max-isl-km", s, 1, 100000, &sr->isl_km))
        return 2;
    return 0;
}

/* The ground stations, the network and SGP4: 0, or LN_E* (not
 * printed). */
static int series_network(series *sr)
{
    size_t n = sr->c.n, n1 = n ? n : 1;
    sr->base = sr->have_to ? 2 : 1;
    sr->ngs = sr->base + (sr->have_to ? 0 : sr->ngw);
    sr->gs = ln_malloc(3 * sr->ngs * sizeof *sr->gs);
    sr->mask = ln_calloc(sr->ngs, 1);
    if (!sr->gs || !sr->mask)
        return LN_ENOMEM;
    ln_geodetic_to_ecef(&sr->from, sr->gs);
    if (sr->have_to)
        ln_geodetic_to_ecef(&sr->to, sr->gs + 3);
    else
        for (size_t g = 0; g < sr->ngw; g++) {
            memcpy(sr->gs + 3 * (sr->base + g), sr->gw + 3 * g,
                   3 * sizeof *sr->gs);
            sr->mask[sr->base + g] = 1;
        }
    sr->cfg.max_isl_km =
        isnan(sr->isl_km) ? max_isl_km(sr->c.alt_min_km) : sr->isl_km;
    int rc = ln_net_plus_grid(sr->c.grids, sr->c.ngrids, &sr->isls,
                              &sr->nisl);
    if (!rc)
        rc = ln_net_new(n, sr->isls, sr->nisl, sr->ngs, sr->gs, &sr->cfg,
                        &sr->net);
    if (!rc)
        rc = ln_net_work_new(sr->net, &sr->w);
    if (!rc)
        rc = ln_orbit_new(sr->c.els, n, &sr->o);
    if (rc)
        return rc;
    sr->sat_down = ln_calloc(n1, 1);
    sr->gs_down = ln_calloc(sr->ngs, 1);
    sr->jammed = ln_calloc(sr->ngs, 1);
    sr->cut = ln_calloc(sr->nisl ? sr->nisl : 1, 1);
    sr->buf = ln_malloc(6 * n1 * sizeof *sr->buf);
    sr->err = ln_malloc(n1 * sizeof *sr->err);
    sr->path = ln_malloc((n + 2) * sizeof *sr->path);
    sr->dist = ln_malloc(n1 * sizeof *sr->dist);
    sr->nxt = ln_malloc(n1 * sizeof *sr->nxt);
    sr->gwid = ln_malloc(n1 * sizeof *sr->gwid);
    if (!sr->sat_down || !sr->gs_down || !sr->jammed || !sr->cut ||
        !sr->buf || !sr->err || !sr->path || !sr->dist || !sr->nxt ||
        !sr->gwid)
        return LN_ENOMEM;
    sr->pv = (ln_pv_soa){sr->buf,          sr->buf + n1,
                         sr->buf + 2 * n1, sr->buf + 3 * n1,
                         sr->buf + 4 * n1, sr->buf + 5 * n1, sr->err};
    return 0;
}

/* Everything a run holds, after the options: 0 or 2 (printed). */
static int series_open(const ln_args *a, series *sr)
{
    int rc = load_cons(a, sr->epoch_unix_s, &sr->c);
    if (rc)
        return rc;
    if (sr->gwf && (rc = read_gateways(sr->gwf, &sr->gw, &sr->ngw)))
        return rc;
    if ((rc = series_network(sr))) {
        fprintf(stderr, "leonet route: %s\n", ln_strerror(rc));
        return 2;
    }
    ln_diag d;
    char b[1200];
    const char *ff = ln_args_get(a, specs, "fail");
    ln_diag_clear(&d);
    /* 'gs I' in the file names gateway I (ground station base + I) */
    if (ff && ln_net_failset_read(ff, sr->c.n, sr->ngw, sr->isls, sr->nisl,
                                  &sr->fails, &d)) {
        fprintf(stderr, "leonet route: %s\n", ln_diag_format(&d, b, sizeof b));
        return 2;
    }
    const char *jf = ln_args_get(a, specs, "jam");
    ln_diag_clear(&d);
    if (jf && ln_net_jam_read(jf, &sr->jam, &d)) {
        fprintf(stderr, "leonet route: --jam: %s\n",
                ln_diag_format(&d, b, sizeof b));
        return 2;
    }
    return 0;
}

/* Failures and jamming at t (seconds after the start). */
static void series_failures(series *sr, double t)
{
    memset(sr->sat_down, 0, sr->c.n);
    memset(sr->gs_down, 0, sr->ngs);
    memset(sr->cut, 0, sr->nisl);
    ln_net_failset_apply(sr->fails, t, sr->sat_down, sr->gs_down + sr->base,
                         sr->cut);
    if (!sr->jam)
        return;
    memset(sr->jammed, 0, sr->ngs);
    ln_net_jam_apply(sr->net, sr->jam, sr->start_unix_s + t, sr->jammed);
    sr->jammed_src += sr->jammed[0] || (sr->have_to && sr->jammed[1]);
    for (size_t g = 0; g < sr->ngs; g++) {
        sr->jammed_gw += g >= sr->base && sr->jammed[g];
        sr->gs_down[g] |= sr->jammed[g];
    }
}

/* The route of the step into p ("src S1 ... dst|gwN"): its RTT (ms,
 * INFINITY: none) and hops. */
static double series_route(series *sr, char *p, size_t cap, int *hops)
{
    size_t pl = 0;
    int n = (int)sr->c.n;
    *hops = 0;
    if (sr->have_to) {
        ln_net_route r;
        if (ln_net_route_gs(sr->net, sr->w, 0, 1, sr->path, n + 2, &r))
            return INFINITY;
        *hops = r.hops;
        pl += (size_t)snprintf(p, cap, "src");
        for (int i = 0; i < r.nsats && pl < cap - 32; i++)
            pl += (size_t)snprintf(p + pl, cap - pl, " %d", sr->path[i]);
        snprintf(p + pl, cap - pl, " dst");
        return r.rtt_ms;
    }
    ln_net_to_gateways(sr->net, sr->w, sr->mask, sr->dist, sr->nxt,
                       sr->gwid);
    const int32_t *ss;
    const double *km;
    size_t m = ln_net_gsl(sr->net, 0, &ss, &km);
    int32_t first = -1;
    double best = INFINITY;
    for (size_t i = 0; i < m; i++)
        if (km[i] + sr->dist[ss[i]] < best) {
            best = km[i] + sr->dist[ss[i]];
            first = ss[i];
        }
    if (first < 0)
        return INFINITY;
    pl += (size_t)snprintf(p, cap, "src");
    *hops = 1;
    for (int32_t x = first; x >= 0 && *hops <= n + 1; x = sr->nxt[x]) {
        if (pl < cap - 32)
            pl += (size_t)snprintf(p + pl, cap - pl, " %d", x);
        (*hops)++;
    }
    snprintf(p + pl, cap - pl, " gw%d",
             (int)(sr->gwid[first] - (int32_t)sr->base));
    return 2.0 * best / LN_C_KM_S * 1e3;
}

/* Step k at t (seconds after the start): one CSV line, the tallies. */
static void series_step(series *sr, long k, double t)
{
    series_failures(sr, t);
    ln_net_fail fail = {sr->sat_down, sr->gs_down, sr->cut};
    const ln_orbit_at at = {.t_unix_s = sr->start_unix_s + t};
    ln_net_advance(sr->net, sr->o, &at, &fail, ln_cli_threads, &sr->pv,
                   NULL);
    char p[4096];
    int hops;
    double rtt = series_route(sr, p, sizeof p, &hops);
    if (!(rtt < INFINITY)) {
        snprintf(p, sizeof p, "none");
        sr->outages++;
        printf("%.3f,,0,none\n", t);
    } else {
        printf("%.3f,%.6f,%d,%s\n", t, rtt, hops, p);
        sr->nrtt++;
        sr->rtt_sum += rtt;
        if (rtt < sr->rtt_min)
            sr->rtt_min = rtt;
        if (rtt > sr->rtt_max)
            sr->rtt_max = rtt;
    }
    if (k > 0 && strcmp(p, sr->prev) != 0)
        sr->changes++;
    snprintf(sr->prev, sizeof sr->prev, "%s", p);
}

static int run_series(const ln_args *a)
{
    series sr;
    memset(&sr, 0, sizeof sr);
    int rc = series_where_when(a, &sr);
    if (!rc)
        rc = series_links(a, &sr);
    if (!rc)
        rc = series_open(a, &sr);
    if (rc) {
        series_close(&sr);
        return rc;
    }
    printf("t_s,rtt_ms,hops,path\n");
    long nt = (long)floor(sr.duration_s / sr.step_s + 1e-9) + 1;
    sr.rtt_min = INFINITY;
    for (long k = 0; k < nt && !ferror(stdout); k++)
        series_step(&sr, k, (double)k * sr.step_s);
    fprintf(stderr,
            "leonet route: %ld steps, %ld path changes, %ld without route",
            nt, sr.changes, sr.outages);
    if (sr.jam)
        fprintf(stderr, " (%ld with a jammed end point, %ld jammed "
                        "gateway-steps)",
                sr.jammed_src, sr.jammed_gw);
    if (sr.nrtt)
        fprintf(stderr, "; rtt_ms min %.3f mean %.3f max %.3f", sr.rtt_min,
                sr.rtt_sum / (double)sr.nrtt, sr.rtt_max);
    fprintf(stderr, "\n");
    rc = ln_cli_close_out(V, stdout, NULL);
    series_close(&sr);
    return rc;
}

/* ---- Hypatia -------------------------------------------------------- */

static int hyp_export(const ln_args *a, const char *dir)
{
    double epoch = ln_time_from_utc(2000, 1, 1, 0, 0, 0); /* Hypatia's */
    const char *s = ln_args_get(a, specs, "epoch");
    if (s && ln_args_time("route", "epoch", s, &epoch))
        return 2;
    double el = 25.0, gsl_km = NAN;
    if ((s = ln_args_get(a, specs, "min-elev-deg")) &&
        ln_args_double_in(V, "min-elev-deg", s, 0, 90, &el))
        return 2;
    if ((s = ln_args_get(a, specs, "max-gsl-km")) &&
        ln_args_double_in(V, "max-gsl-km", s, 1, 100000, &gsl_km))
        return 2;
    cons c;
    int rc = load_cons(a, epoch, &c);
    if (rc)
        return rc;
    /* satgenpy reads tles.txt only when every set has the same epoch */
    for (size_t i = 1; i < c.n; i++)
        if (c.els[i].epoch_unix_s != c.els[0].epoch_unix_s) {
            char t0[40], t1[40];
            ln_time_format_iso(c.els[0].epoch_unix_s, 0, t0, sizeof t0);
            ln_time_format_iso(c.els[i].epoch_unix_s, 0, t1, sizeof t1);
            fprintf(stderr,
                    "leonet route: --export: Hypatia's tles.txt needs one "
                    "epoch for all element sets (satgenpy checks it); set 1 "
                    "is of %s, set %zu of %s. Use --shells, or element sets "
                    "of one epoch.\n",
                    t0, i + 1, t1);
            ln_free(c.els);
            return 2;
        }
    ln_hyp_state st;
    memset(&st, 0, sizeof st);
    st.els = c.els;
    st.nsat = c.n;
    st.n_orbits = c.ngrids == 1 ? c.grids[0].planes : 1;
    st.n_sats_per_orbit = c.ngrids == 1 ? c.grids[0].per_plane : (int)c.n;
    const char *gsf = ln_args_get(a, specs, "gs");
    char def[1024];
    if (!gsf) {
        snprintf(def, sizeof def, "%s", ln_net_default_gs_file());
        gsf = def;
    }
    ln_diag d;
    ln_diag_clear(&d);
    char b[1200];
    if ((rc = ln_hyp_read_gs_file(gsf, &st.gs, &st.ngs, &d))) {
        fprintf(stderr, "leonet route: %s\n", ln_diag_format(&d, b, sizeof b));
        ln_free(c.els);
        return 2;
    }
    if (st.ngs == 0) {
        fprintf(stderr, "leonet route: --gs: %s: no ground stations\n", gsf);
        ln_free(st.gs);
        ln_free(c.els);
        return 2;
    }
    if ((rc = ln_net_plus_grid(c.grids, c.ngrids, &st.isls, &st.nisl)))
        goto fail;
    st.max_gsl_m = slant_km(c.alt_max_km, el * LN_DEG2RAD) * 1e3;
    if (!isnan(gsl_km))
        st.max_gsl_m = gsl_km * 1e3;
    st.max_isl_m = max_isl_km(c.alt_min_km) * 1e3;
    mkdir(dir, 0777);
    if ((rc = ln_hyp_write(dir, &st, &d))) {
        fprintf(stderr, "leonet route: %s\n", ln_diag_format(&d, b, sizeof b));
        ln_hyp_free(&st);
        return 2;
    }
    fprintf(stderr,
            "leonet route: wrote %s: %zu satellites, %zu ISLs, %zu ground "
            "stations, max GSL %.3f km, max ISL %.3f km\n",
            dir, st.nsat, st.nisl, st.ngs, st.max_gsl_m / 1e3,
            st.max_isl_m / 1e3);
    ln_hyp_free(&st);
    return 0;
fail:
    fprintf(stderr, "leonet route: %s\n", ln_strerror(rc));
    ln_hyp_free(&st);
    return 2;
}

static int hyp_run(const ln_args *a, const char *dir)
{
    long dur, step;
    const char *sd = ln_args_get(a, specs, "duration");
    const char *ss = ln_args_get(a, specs, "step-ms");
    if (!sd || !ss) {
        fprintf(stderr, "leonet route: --hypatia: --duration S and --step-ms "
                "MS are required\n");
        return 2;
    }
    /* Hypatia counts in ns: 10 years are 3.2e17 ns, in range of int64 */
    if (ln_args_long_in(V, "duration", sd, 1, MAX_DURATION_S, &dur) ||
        ln_args_long_in(V, "step-ms", ss, 1, 86400000L, &step))
        return 2;
    if ((double)dur * 1e3 / (double)step > (double)MAX_HYP_STEPS) {
        fprintf(stderr, "leonet route: --duration %ld s / --step-ms %ld "
                "gives %.0f steps (two files each), over the limit of "
                "%ld\n", dur, step, ceil((double)dur * 1e3 / (double)step),
                MAX_HYP_STEPS);
        return 2;
    }
    ln_hyp_state st;
    ln_diag d;
    ln_diag_clear(&d);
    char b[1200];
    int rc = ln_hyp_read(dir, &st, &d);
    if (rc) {
        fprintf(stderr, "leonet route: %s\n", ln_diag_format(&d, b, sizeof b));
        return 2;
    }
    const char *out = ln_args_get(a, specs, "out");
    const char *dump = ln_args_get(a, specs, "dump-positions");
    FILE *df = NULL;
    if (dump && !(df = ln_cli_open_out(V, dump))) {
        ln_hyp_free(&st);
        return 2;
    }
    if (out)
        mkdir(out, 0777);
    ln_hyp_stats sx;
    ln_hyp_opts ho = {.full_dijkstra =
                          ln_args_get(a, specs, "full-dijkstra") != NULL};
    rc = ln_hyp_run_opt(&st, dur, step, ln_cli_threads, out ? out : dir, df,
                        &ho, &sx, &d);
    if (df && rc)
        ln_cli_discard_out(df);
    else if (df && ln_cli_close_out(V, df, dump)) {
        ln_hyp_free(&st);
        return 2;
    }
    if (rc) {
        fprintf(stderr, "leonet route: %s\n", ln_diag_format(&d, b, sizeof b));
        ln_hyp_free(&st);
        return 2;
    }
    double k = sx.steps ? 1e3 / (double)sx.steps : 0.0;
    fprintf(stderr,
            "leonet route: %zu satellites, %zu ground stations, %ld steps, "
            "%ld fstate lines\n"
            "per step: %.3f ms total = propagate %.3f + graph %.3f + routes "
            "%.3f + write %.3f ms\n",
            st.nsat, st.ngs, sx.steps, sx.lines, sx.total_s * k,
            sx.propagate_s * k, sx.graph_s * k, sx.route_s * k,
            sx.write_s * k);
    fprintf(stderr, "cpu per step: %.3f ms total, routes %.3f ms\n",
            sx.cpu_s * k, sx.route_cpu_s * k);
    fprintf(stderr,
            "destinations: %ld verified, %ld repaired, %ld tie -> full, %ld "
            "full\n",
            sx.counts.verified, sx.counts.repaired, sx.counts.tied,
            sx.counts.full);
    ln_hyp_free(&st);
    return 0;
}

int ln_cmd_route(int argc, char **argv)
{
    ln_args a;
    int rc = ln_args_parse_nopos(argc, argv, specs, &a, V, help);
    if (rc)
        return rc < 0 ? 0 : rc;
    const char *hyp = ln_args_get(&a, specs, "hypatia");
    int mode = !hyp ? MODE_S : ln_args_get(&a, specs, "export") ? MODE_X : MODE_H;
    static const char *const mode_name[] = {
        "", "the time series", "--hypatia", "", "--hypatia --export"};
    for (size_t i = 0; i < sizeof mode_of / sizeof mode_of[0]; i++)
        if (!(mode_of[i].modes & mode) &&
            ln_args_get(&a, specs, mode_of[i].name)) {
            fprintf(stderr, "leonet route: --%s is not an option of %s "
                    "(see leonet route --help)\n", mode_of[i].name,
                    mode_name[mode]);
            return 2;
        }
    if (hyp)
        return mode == MODE_X ? hyp_export(&a, hyp) : hyp_run(&a, hyp);
    return run_series(&a);
}
