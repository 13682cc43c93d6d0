/*
 * cmd_scenario.c - `leonet scenario gen`: writes a scenario (JSON,
 * docs/scenario.md's format, which `leonet run` reads) for large cases in
 * one command: a Walker multi-shell constellation (a preset with its
 * published shells, and/or shells of your own), N terminals spread by
 * population (a places CSV) or uniformly over a region (a GeoJSON file),
 * a start, a duration and a step. The JSON is built with jansson and
 * written in member order; files are named as given (relative names are
 * found next to the scenario, in $LEONET_DATA, then in leonet's data/).
 *
 * Presets (shells: altitude km, inclination deg, planes x per plane):
 *   gen2     SpaceX Gen2, "Configuration 1" of the amendment to the
 *            application, FCC IBFS SAT-AMD-20210818-00105 (filed
 *            2021-08-18; application SAT-LOA-20200526-00055, filed
 *            2020-05-26): 29,988 satellites in nine shells.
 *   gen2-fcc2022  the three shells the FCC's partial grant of 2022-12-01
 *            (FCC 22-91, on the same files) authorized (525, 530, 535 km;
 *            53, 43, 33 deg): 28 x 120 each, 10,080 positions as filed
 *            (the grant allows 7,500 satellites in them at first).
 *   gen1     SpaceX Gen1 (SAT-MOD-20190830-00087, SAT-MOD-20200417-00037;
 *            orbit's ln_shells_gen1): 4,408 satellites, written as the
 *            scenario's "preset": "gen1".
 * LN-DEV: the filings give altitude, inclination, planes and satellites
 * per plane, not the Walker phasing; we use F = P / 2 (as the Gen1 table
 * does) and RAAN 0 for plane 0.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"

typedef struct gen_shell {
    double alt_km, incl_deg;
    int planes, per_plane;
} gen_shell;

/* SAT-AMD-20210818-00105, Configuration 1 (Table 1 of its technical
 * attachment): 3 x 5,280 + 3,600 + 3 x 3,360 + 144 + 324 = 29,988 */
static const gen_shell gen2[] = {
    {340, 53.0, 48, 110}, {345, 46.0, 48, 110}, {350, 38.0, 48, 110},
    {360, 96.9, 30, 120}, {525, 53.0, 28, 120}, {530, 43.0, 28, 120},
    {535, 33.0, 28, 120}, {604, 148.0, 12, 12}, {614, 115.7, 18, 18},
};
/* FCC 22-91 (2022-12-01): the 525, 530 and 535 km shells */
static const gen_shell gen2_fcc2022[] = {
    {525, 53.0, 28, 120}, {530, 43.0, 28, 120}, {535, 33.0, 28, 120},
};

#define MAX_SHELLS 64

static const ln_opt_spec specs[] = {
    {"preset", 1},    {"shells", 1},    {"terminals", 1}, {"spread", 1},
    {"region", 1},    {"places", 1},    {"start", 1},     {"duration", 1},
    {"step", 1},      {"gateways", 1},  {"antennas", 1},  {"seed", 1},
    {"name", 1},      {"out", 1},       {"isl", 1},       {"window", 1},
    {"out-dir", 1},   {NULL, 0},
};

static void gen_help(FILE *f)
{
    fprintf(f,
"usage: leonet scenario gen [--preset gen2|gen2-fcc2022|gen1|none]\n"
"         [--shells ALT/INCL/PLANES/PER_PLANE[,...]] [--terminals N]\n"
"         [--spread population|uniform] [--region GEOJSON] [--places CSV]\n"
"         [--start ISO8601] [--duration S] [--step S] [--window S]\n"
"         [--gateways CSV] [--antennas N] [--isl on|off] [--seed N]\n"
"         [--name NAME] [--out-dir DIR] [--out FILE]\n"
"Writes a scenario (docs/scenario.md) to FILE (default stdout).\n"
"  --preset     published shells (default gen2: SpaceX Gen2, FCC\n"
"               SAT-AMD-20210818-00105, 29,988 satellites); 'none' with\n"
"               --shells only\n"
"  --shells     your own Walker shells, added after the preset's (km, deg)\n"
"  --terminals  fixed terminals (default 1000), 0 .. 2147483647\n"
"  --spread     population (the places file, default) or uniform over\n"
"               the region\n"
"  --region     GeoJSON the terminals fall in (default\n"
"               geo/ukraine_ne10m_dejure.geojson); --places CSV\n"
"               name,lat,lon,pop_max (default geo/ukraine_places_ne10m.csv)\n"
"  --start      default 2025-01-01T00:00:00Z; --duration 86400 s;\n"
"               --step 15 s; --window (map window) 900 s\n"
"  --gateways   CSV name,lat,lon (default geo/starlink_gateways_europe.csv,\n"
"               every row), --antennas per gateway (default 8)\n"
"Example (30k satellites, 1M terminals, one day):\n"
"  leonet scenario gen --terminals 1000000 --out big.json\n");
}

/* Appends the shells of "ALT/INCL/PLANES/PER_PLANE[,...]" to sh[*n]. 0
 * or 2 (said). */
static int parse_shells(const char *s, gen_shell *sh, size_t *n)
{
    const char *p = s;
    while (*p) {
        gen_shell g;
        char *end;
        double v[4];
        for (int k = 0; k < 4; k++) {
            errno = 0;
            v[k] = strtod(p, &end);
            if (end == p || errno || (k < 3 && *end != '/') ||
                (k == 3 && *end != ',' && *end != '\0')) {
                fprintf(stderr, "leonet scenario gen: --shells: expected "
                        "ALT/INCL/PLANES/PER_PLANE[,...], got '%s'\n", s);
                return 2;
            }
            p = *end ? end + 1 : end;
        }
        g = (gen_shell){v[0], v[1], (int)v[2], (int)v[3]};
        if (!(v[0] >= 150 && v[0] <= 50000) || !(v[1] >= 0 && v[1] <= 180) ||
            v[2] != g.planes || v[3] != g.per_plane || g.planes < 1 ||
            g.planes > 1000 || g.per_plane < 1 || g.per_plane > 1000) {
            fprintf(stderr, "leonet scenario gen: --shells: shell %zu: "
                    "altitude 150..50000 km, inclination 0..180 deg, "
                    "planes and per plane whole 1..1000\n", *n + 1);
            return 2;
        }
        if (*n == MAX_SHELLS) {
            fprintf(stderr, "leonet scenario gen: --shells: at most %d "
                    "shells\n", MAX_SHELLS);
            return 2;
        }
        sh[(*n)++] = g;
    }
    return 0;
}

/* The constellation object: the preset's and the user's shells. */
static json_t *constellation(const char *preset, const gen_shell *sh,
                             size_t n)
{
    json_t *c = json_object();
    if (strcmp(preset, "gen1") == 0 && n == 0) {
        json_object_set_new(c, "preset", json_string("gen1"));
        return c;
    }
    json_t *a = json_array();
    for (size_t k = 0; k < n; k++) {
        json_t *o = json_object();
        json_object_set_new(o, "alt_km", json_real(sh[k].alt_km));
        json_object_set_new(o, "incl_deg", json_real(sh[k].incl_deg));
        json_object_set_new(o, "planes", json_integer(sh[k].planes));
        json_object_set_new(o, "per_plane", json_integer(sh[k].per_plane));
        json_object_set_new(o, "phasing", json_integer(sh[k].planes / 2));
        json_object_set_new(o, "raan0_deg", json_real(0));
        json_array_append_new(a, o);
    }
    json_object_set_new(c, "shells", a);
    return c;
}

typedef struct gen_opts {
    const char *name, *start, *region, *places, *gateways, *out_dir;
    int uniform, isl;
    long terminals, antennas, seed;
    double duration_s, step_s, window_s;
} gen_opts;

static json_t *build(const gen_opts *o, json_t *cons)
{
    json_t *r = json_object();
    json_object_set_new(r, "name", json_string(o->name));
    json_object_set_new(r, "description", json_string(
        "generated by leonet scenario gen"));
    json_object_set_new(r, "start", json_string(o->start));
    json_object_set_new(r, "duration_s", json_real(o->duration_s));
    json_object_set_new(r, "step_s", json_real(o->step_s));
    json_object_set_new(r, "seed", json_integer(o->seed));
    json_object_set_new(r, "constellation", cons);
    json_t *l = json_object();
    json_object_set_new(l, "isl", json_boolean(o->isl));
    json_object_set_new(r, "link", l);
    json_t *g = json_object();
    json_object_set_new(g, "file", json_string(o->gateways));
    json_object_set_new(g, "antennas", json_integer(o->antennas));
    json_object_set_new(r, "gateways", g);
    json_t *pl = json_object();
    json_object_set_new(pl, "id", json_string("residential"));
    json_object_set_new(pl, "hardware_usd", json_integer(599));
    json_object_set_new(pl, "monthly_usd", json_integer(110));
    json_object_set_new(pl, "peak_mbps", json_integer(10));
    json_object_set_new(pl, "duty", json_real(0.4));
    json_object_set_new(r, "plans", json_pack("[o]", pl));
    json_object_set_new(r, "accounts",
                        json_pack("[{s:s,s:s,s:s}]", "id", "users", "name",
                                  "Users", "plan", "residential"));
    json_t *t = json_object();
    json_object_set_new(t, "name", json_string("users"));
    json_object_set_new(t, "kind", json_string("fixed"));
    json_object_set_new(t, "count", json_integer(o->terminals));
    json_object_set_new(t, "account", json_string("users"));
    json_object_set_new(t, "seed", json_integer(1));
    json_object_set_new(t, "region", json_string(o->region));
    if (o->uniform) {
        json_object_set_new(t, "rural_share", json_real(1));
    } else {
        json_object_set_new(t, "places", json_string(o->places));
        json_object_set_new(t, "places_sigma_km", json_real(15));
        json_object_set_new(t, "rural_share", json_real(0.3));
    }
    json_object_set_new(r, "terminals", json_pack("[o]", t));
    json_t *out = json_object();
    json_object_set_new(out, "dir", json_string(o->out_dir));
    json_object_set_new(out, "map_res", json_integer(5));
    json_object_set_new(out, "window_s", json_real(o->window_s));
    json_object_set_new(r, "outputs", out);
    return r;
}

/* The constellation from --preset and --shells; NULL (said) on error. */
static json_t *shells_of(const ln_args *a, size_t *nsat)
{
    gen_shell sh[MAX_SHELLS];
    size_t n = 0;
    const char *preset = ln_args_get(a, specs, "preset");
    const char *own = ln_args_get(a, specs, "shells");
    if (!preset)
        preset = own ? "none" : "gen2";
    const gen_shell *ps = NULL;
    size_t np = 0;
    if (strcmp(preset, "gen2") == 0) {
        ps = gen2;
        np = sizeof gen2 / sizeof gen2[0];
    } else if (strcmp(preset, "gen2-fcc2022") == 0) {
        ps = gen2_fcc2022;
        np = sizeof gen2_fcc2022 / sizeof gen2_fcc2022[0];
    } else if (strcmp(preset, "gen1") == 0) {
        if (own) {
            fprintf(stderr, "leonet scenario gen: --preset gen1 cannot be "
                    "mixed with --shells (a scenario has one of preset "
                    "and shells)\n");
            return NULL;
        }
        *nsat = 4408;
        return constellation("gen1", NULL, 0);
    } else if (strcmp(preset, "none") != 0) {
        fprintf(stderr, "leonet scenario gen: --preset: unknown '%s' "
                "(gen2, gen2-fcc2022, gen1, none)\n", preset);
        return NULL;
    }
    for (size_t k = 0; k < np; k++)
        sh[n++] = ps[k];
    if (own && parse_shells(own, sh, &n))
        return NULL;
    if (n == 0) {
        fprintf(stderr, "leonet scenario gen: --preset none needs "
                "--shells\n");
        return NULL;
    }
    *nsat = 0;
    for (size_t k = 0; k < n; k++)
        *nsat += (size_t)sh[k].planes * (size_t)sh[k].per_plane;
    if (*nsat > 249999) {
        fprintf(stderr, "leonet scenario gen: --shells: %zu satellites, "
                "at most 249,999\n", *nsat);
        return NULL;
    }
    return constellation(preset, sh, n);
}

#define OPT(name, def) \
    (ln_args_get(&a, specs, name) ? ln_args_get(&a, specs, name) : (def))

static int numbers(const ln_args *pa, gen_opts *o)
{
    const ln_args a = *pa;
    const char *v;
    double t;
    if ((v = ln_args_get(&a, specs, "start")) &&
        ln_args_time("scenario gen", "start", v, &t))
        return 2;
    if ((v = ln_args_get(&a, specs, "terminals")) &&
        ln_args_long_in("scenario gen", "terminals", v, 0, 2147483647L,
                        &o->terminals))
        return 2;
    if ((v = ln_args_get(&a, specs, "duration")) &&
        ln_args_double_in("scenario gen", "duration", v, 1, 31622400,
                          &o->duration_s))
        return 2;
    if ((v = ln_args_get(&a, specs, "step")) &&
        ln_args_double_in("scenario gen", "step", v, 0.01, 86400,
                          &o->step_s))
        return 2;
    if ((v = ln_args_get(&a, specs, "window")) &&
        ln_args_double_in("scenario gen", "window", v, 1, 1e7,
                          &o->window_s))
        return 2;
    if ((v = ln_args_get(&a, specs, "antennas")) &&
        ln_args_long_in("scenario gen", "antennas", v, 1, 10000,
                        &o->antennas))
        return 2;
    if ((v = ln_args_get(&a, specs, "seed")) &&
        ln_args_long_in("scenario gen", "seed", v, 0, 9000000000000000L,
                        &o->seed))
        return 2;
    if (o->step_s > o->duration_s || o->window_s < o->step_s) {
        fprintf(stderr, "leonet scenario gen: --step must be at most "
                "--duration, and --window at least --step\n");
        return 2;
    }
    return 0;
}

int ln_cmd_scenario_gen(int argc, char **argv)
{
    ln_args a;
    int rc = ln_args_parse_nopos(argc, argv, specs, &a, "scenario gen",
                                 gen_help);
    if (rc)
        return rc < 0 ? 0 : rc;
    gen_opts o = {
        .name = OPT("name", "generated"),
        .start = OPT("start", "2025-01-01T00:00:00Z"),
        .region = OPT("region", "geo/ukraine_ne10m_dejure.geojson"),
        .places = OPT("places", "geo/ukraine_places_ne10m.csv"),
        .gateways = OPT("gateways", "geo/starlink_gateways_europe.csv"),
        .out_dir = OPT("out-dir", "leonet-out"),
        .terminals = 1000, .antennas = 8, .seed = 1,
        .duration_s = 86400, .step_s = 15, .window_s = 900};
    if (numbers(&a, &o))
        return 2;
    const char *spread = OPT("spread", "population");
    const char *isl = OPT("isl", "off");
    if (strcmp(spread, "population") && strcmp(spread, "uniform")) {
        fprintf(stderr, "leonet scenario gen: --spread: 'population' or "
                "'uniform', got '%s'\n", spread);
        return 2;
    }
    if (strcmp(isl, "on") && strcmp(isl, "off")) {
        fprintf(stderr, "leonet scenario gen: --isl: 'on' or 'off', got "
                "'%s'\n", isl);
        return 2;
    }
    o.uniform = strcmp(spread, "uniform") == 0;
    o.isl = strcmp(isl, "on") == 0;
    size_t nsat = 0;
    json_t *cons = shells_of(&a, &nsat);
    if (!cons)
        return 2;
    json_t *root = build(&o, cons);
    const char *path = ln_args_get(&a, specs, "out");
    if (path && strcmp(path, "-") == 0)
        path = NULL;
    FILE *f = ln_cli_open_out("scenario gen", path);
    if (!f) {
        json_decref(root);
        return 2;
    }
    int bad = json_dumpf(root, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
                                      JSON_REAL_PRECISION(15));
    json_decref(root);
    if (!bad)
        bad = fputc('\n', f) == EOF;
    if (bad) {
        fprintf(stderr, "leonet scenario gen: cannot write the scenario\n");
        ln_cli_discard_out(f);
        return 2;
    }
    rc = ln_cli_close_out("scenario gen", f, path);
    if (!rc && path)
        fprintf(stderr, "leonet scenario gen: %s: %zu satellites, %ld "
                "terminals, %.0f steps\n", path, nsat, o.terminals,
                o.duration_s / o.step_s);
    return rc;
}
