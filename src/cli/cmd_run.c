/*
 * cmd_run.c - "leonet run [SCENARIO.json]" and "leonet scenario
 * (list | show NAME | check FILE)".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "leonet/activity.h"
#include "leonet/sim.h"

static void run_help(FILE *f)
{
    fprintf(f,
"usage: leonet run [SCENARIO.json | NAME] [--output DIR] [--threads N]\n"
"                  [--duration S] [--terminals N] [--map-res R]\n"
"                  [--frames] [--animate] [--every N] [--quiet]\n"
"                  [--constellation gen1] [--isl on|off]\n"
"\n"
"Simulates a scenario step by step: constellation (SGP4), terminals,\n"
"visibility and handover, gateways, geofenced authorization with reasons,\n"
"capacity, metering and cost. With no argument it runs the built-in\n"
"scenario 'ukraine-2022' (9 October 2022). Writes into DIR (default: the\n"
"scenario's outputs.dir, 'leonet-out'): summary.json, events.csv,\n"
"usage.csv, activity.geojson, activity.png, activity.html\n"
"(docs/outputs.md). 'leonet scenario show ukraine-2022' prints the\n"
"built-in scenario to copy and edit (docs/scenario.md).\n"
"--constellation gen1: run the scenario on the Walker Gen1 preset (4,408\n"
"satellites) instead of its own constellation. --isl on|off: overrides\n"
"the scenario's link.isl (laser mesh to a gateway when no bent pipe).\n"
"--map-res R: H3 resolution of the activity map's cells, 0..15 (default:\n"
"the scenario's outputs.map_res, 5: ~250 km2 per cell; 4: ~1 770 km2,\n"
"6: ~36 km2). --frames: also one activity-HHMM.png per map window;\n"
"--animate: activity.gif, the windows as one looping animation; --every N:\n"
"every N-th window only (docs/map.md).\n"
"The outputs appear together when the run ends, replacing the files of\n"
"an earlier run in DIR, or not at all (an error, SIGINT/SIGTERM); one\n"
"writer at a time per folder (docs/outputs.md).\n"
"Exit status: 0 ok, 2 bad scenario or usage, 3 the run failed.\n");
}

/* The activity-map options of "run": --map-res R sets the scenario's
 * outputs.map_res (H3 resolution of the map's cells, 0..15); --frames
 * asks for activity-HHMM.png frames, --animate for activity.gif, both of
 * every N-th window with --every N (--every alone implies --frames).
 * Returns 0 or 2 (message printed). */
static int map_options(const ln_args *a, const ln_opt_spec *specs,
                       ln_scenario *sc, int *frames /* OUT */,
                       int *animate /* OUT */)
{
    const char *s;
    long n, every = 1;
    *frames = ln_args_get(a, specs, "frames") ? 1 : 0;
    *animate = ln_args_get(a, specs, "animate") ? 1 : 0;
    if ((s = ln_args_get(a, specs, "map-res"))) {
        if (ln_args_long("run", "map-res", s, &n))
            return 2;
        if (n < 0 || n > 15) {
            fprintf(stderr, "leonet run: --map-res %ld: an H3 resolution "
                            "is 0..15 (default 5, ~250 km2 per cell)\n", n);
            return 2;
        }
        sc->map_res = (int)n;
    }
    if ((s = ln_args_get(a, specs, "every"))) {
        if (ln_args_long("run", "every", s, &n))
            return 2;
        if (n < 1 || n > 100000) {
            fprintf(stderr, "leonet run: --every %ld: want a number of "
                            "windows >= 1\n", n);
            return 2;
        }
        every = n;
        if (!*animate)
            *frames = 1;
    }
    *frames = *frames ? (int)every : 0;
    *animate = *animate ? (int)every : 0;
    return 0;
}

/* Loads a scenario (a built-in name or a file); with sha256 != NULL
 * also the SHA-256 of its canonical text (ln_scenario_sha256, "" when
 * the file cannot be read again). */
static int load_hashed(const char *arg, ln_scenario **sc, char *sha256)
{
    ln_diag d;
    char msg[1400];
    int rc;
    const char *text = ln_scenario_builtin_arg(arg);
    ln_diag_clear(&d);
    rc = ln_scenario_open(arg, ln_cli_scenario_options(), sc, &d);
    if (text) {
        if (!rc && sha256 && ln_scenario_sha256(text, strlen(text), sha256))
            sha256[0] = '\0';
    } else {
        char *buf;
        size_t len;
        if (!rc && sha256) {
            sha256[0] = '\0';
            if (!ln_read_file(arg, (size_t)64 << 20, &buf, &len, &d)) {
                if (ln_scenario_sha256(buf, len, sha256))
                    sha256[0] = '\0';
                ln_free(buf);
            }
        }
    }
    if (rc) {
        fprintf(stderr, "leonet: %s\n", ln_diag_format(&d, msg, sizeof msg));
        return 2;
    }
    return 0;
}

static int load(const char *arg, ln_scenario **sc)
{
    return load_hashed(arg, sc, NULL);
}

/* A failure of ln_sim_run that comes from its inputs (a zone, element
 * or places file found bad at setup, a scenario too big for this machine)
 * exits 2 like any other bad input; the rest (out of memory, an output
 * not written, a signal) exit 3. */
static int input_error(int rc)
{
    switch (rc) {
    case LN_EINVAL: case LN_EPARSE: case LN_ERANGE: case LN_ENOTFOUND:
    case LN_ETOOBIG: case LN_ETLE_CHECKSUM: case LN_ETLE_FORMAT:
    case LN_ETLE_MISSING: case LN_EOMM_FORMAT: case LN_EGEOJSON:
    case LN_EGEOM: case LN_ECELL: case LN_EZONE: case LN_ESCENARIO:
    case LN_ENET: case LN_EPOLICY:
        return 1;
    default:
        return 0;
    }
}

int ln_cmd_run(int argc, char **argv)
{
    static const ln_opt_spec specs[] = {
        {"output", 1}, {"quiet", 0}, {"help", 0}, {"duration", 1},
        {"terminals", 1}, {"map-res", 1}, {"frames", 0}, {"every", 1},
        {"animate", 0}, {"constellation", 1}, {"isl", 1}, {NULL, 0}};
    ln_args a;
    int rc = ln_args_parse(argc, argv, specs, &a, "run", run_help);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (a.npos > 1) {
        fprintf(stderr, "leonet run: one scenario at a time\n");
        return 2;
    }
    ln_scenario *sc;
    char sha[65] = "";
    if ((rc = load_hashed(a.npos ? a.pos[0] : "ukraine-2022", &sc, sha)))
        return rc;
    ln_sim_options opt = {0};
    opt.nthreads = ln_cli_threads;
    opt.out_dir = ln_args_get(&a, specs, "output");
    opt.quiet = ln_args_get(&a, specs, "quiet") != NULL;
    opt.write_outputs = 1;
    opt.scenario_sha256 = sha[0] ? sha : NULL;
    ln_cli_env_sim(&opt);
    const char *dur = ln_args_get(&a, specs, "duration");
    const char *term = ln_args_get(&a, specs, "terminals");
    long n;
    if (dur && ln_args_double_in("run", "duration", dur, 1, 366 * 86400.0,
                                 &opt.duration_s)) {
        ln_scenario_free(sc);
        return 2;
    }
    if (term) {
        if (ln_args_long_in("run", "terminals", term, 1, 100000000L, &n)) {
            ln_scenario_free(sc);
            return 2;
        }
        opt.max_terminals = n;
    }
    const char *cons = ln_args_get(&a, specs, "constellation");
    const char *isl = ln_args_get(&a, specs, "isl");
    if (cons && strcmp(cons, "gen1") != 0) {
        fprintf(stderr, "leonet run: --constellation: only 'gen1'\n");
        ln_scenario_free(sc);
        return 2;
    }
    if (cons) {
        sc->tle[0] = sc->omm[0] = sc->name_prefix[0] = '\0';
        snprintf(sc->preset, sizeof sc->preset, "%s", cons);
        sc->nshells = 0;
    }
    if (isl && strcmp(isl, "on") != 0 && strcmp(isl, "off") != 0) {
        fprintf(stderr, "leonet run: --isl: 'on' or 'off'\n");
        ln_scenario_free(sc);
        return 2;
    }
    if (isl)
        sc->isl = strcmp(isl, "on") == 0;
    int frames = 0, animate = 0;
    if (map_options(&a, specs, sc, &frames, &animate)) {
        ln_scenario_free(sc);
        return 2;
    }
    opt.frames = frames;
    opt.animate = animate;
    opt.data_dir = getenv("LEONET_DATA"); /* the map's outlines, page */
    ln_diag d;
    char msg[1400];
    ln_sim_stats st;
    /* SIGINT/SIGTERM only set a flag: the run stops at the next step and
     * its output set is removed (the folder keeps the earlier run) */
    ln_cancel_install();
    rc = ln_sim_run(sc, &opt, &st, &d);
    if (rc) {
        fprintf(stderr, "leonet run: %s\n",
                ln_diag_format(&d, msg, sizeof msg));
        ln_scenario_free(sc);
        return input_error(rc) ? 2 : 3;
    }
    if (!opt.quiet && st.mpi_rank == 0) /* MPI: rank 0 wrote them */
        printf("outputs in %s/\n", opt.out_dir ? opt.out_dir : sc->out_dir);
    ln_scenario_free(sc);
    return 0;
}

static void scenario_help(FILE *f)
{
    fprintf(f, "usage: leonet scenario list\n"
               "       leonet scenario show NAME    print a built-in "
               "scenario (JSON)\n"
               "       leonet scenario check FILE   validate a scenario "
               "file\n"
               "Exit status: 0 ok, 2 unknown scenario, bad file or usage, or "
               "output\nnot written.\n");
}

int ln_cmd_scenario(int argc0, char **argv0)
{
    ln_args a;
    int rc0 = ln_args_parse(argc0, argv0, NULL, &a, "scenario",
                            scenario_help);
    if (rc0)
        return rc0 < 0 ? 0 : rc0;
    /* the positionals as argv[1..]: the request and its argument */
    char *argv[4] = {argv0[0], NULL, NULL, NULL};
    int argc = a.npos + 1;
    if (a.npos > 2 || a.npos == 0) {
        fprintf(stderr, "leonet scenario: %s (see leonet scenario --help)\n",
                a.npos ? "too many arguments" : "list, show NAME or check "
                "FILE?");
        return 2;
    }
    for (int k = 0; k < a.npos; k++)
        argv[k + 1] = (char *)a.pos[k];
    if (strcmp(argv[1], "list") == 0 && argc > 2) {
        fprintf(stderr, "leonet scenario: list takes no argument, got '%s' "
                "(see leonet scenario --help)\n", argv[2]);
        return 2;
    }
    if (strcmp(argv[1], "list") == 0) {
        for (const char *const *n = ln_scenario_builtin_names(); *n; n++)
            printf("%s\n", *n);
        return 0;
    }
    if (strcmp(argv[1], "show") == 0 && argc == 3) {
        const char *t = ln_scenario_builtin(argv[2]);
        if (!t) {
            fprintf(stderr, "leonet scenario: no built-in scenario '%s' "
                    "(see leonet scenario list)\n", argv[2]);
            return 2;
        }
        fputs(t, stdout);
        return 0;
    }
    if (strcmp(argv[1], "check") == 0 && argc == 3) {
        ln_scenario *sc;
        int rc = load(argv[2], &sc);
        if (rc)
            return rc;
        long n = 0;
        for (size_t g = 0; g < sc->ngroups; g++)
            n += sc->groups[g].count;
        /* the size check ln_sim_run makes first: a scenario that cannot
         * run here is not "ok" */
        ln_sim_size sz;
        ln_diag d;
        char msg[1400];
        ln_sim_options opt = {0};
        ln_cli_env_sim(&opt);
        rc = ln_sim_estimate(sc, &opt, &sz, &d);
        if (rc) {
            fprintf(stderr, "leonet scenario: %s\n",
                    ln_diag_format(&d, msg, sizeof msg));
            ln_scenario_free(sc);
            return 2;
        }
        printf("%s: ok (%zu terminal groups, %ld terminals, %zu zones, %zu "
               "gateways, %ld steps, needs ~%.1f GiB)\n", argv[2],
               sc->ngroups, n, sc->nzones, sc->ngateways, sz.steps,
               sz.bytes / 1073741824.0);
        ln_scenario_free(sc);
        return 0;
    }
    fprintf(stderr, "leonet scenario: unknown request '%s'%s (see leonet "
            "scenario --help)\n", argv[1],
            argc == 2 && strcmp(argv[1], "list") ? " (NAME or FILE missing)"
                                                 : "");
    return 2;
}
