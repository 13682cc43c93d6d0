/*
 * main.c - the leonet command-line tool: global options and the verb
 * table. Each verb lives in its own cmd_<verb>.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

int ln_cmd_scenario_gen(int argc, char **argv); /* cmd_scenario.c */

typedef struct verb {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
} verb;

static const verb verbs[] = {
    {"run", ln_cmd_run,
     "simulate a scenario (default: the built-in ukraine-2022)"},
    {"scenario", ln_cmd_scenario,
     "list, show or check scenarios; gen: write a large one"},
    {"propagate", ln_cmd_propagate,
     "positions of satellites from TLE/OMM or Walker shells (SGP4/SDP4)"},
    {"geofence", ln_cmd_geofence,
     "allow/deny decisions for positions against GeoJSON zones"},
    {"route", ln_cmd_route,
     "paths and latency over the laser mesh; Hypatia state files"},
    {"cell", ln_cmd_cell,
     "H3-compatible cells: point to id, outline, polyfill, cell sets"},
    {"map", ln_cmd_map,
     "draw the activity map (PNG, page) of a finished run"},
    {"visible", ln_cmd_visible,
     "satellites a terminal sees at a time, or their passes (CSV)"},
    {"bench", ln_cmd_bench, "time the hot paths (propagate, ...)"},
    {"drive", ln_cmd_drive,
     "run a scenario into a live leonetd (its terminals' reports)"},
    {"key", ln_cmd_key, "make an Ed25519 key pair for a party or witness"},
    {"sign", ln_cmd_sign, "sign a change request (or a note) detached"},
    {"change", ln_cmd_change,
     "make, submit and sign change requests against leonetd"},
    {"contract", ln_cmd_contract,
     "show, verify or register a contract with leonetd"},
    {"audit", ln_cmd_audit,
     "verify an audit log: a bundle, a leonetd database or URL"},
    {"witness", ln_cmd_witness,
     "cosign a log's checkpoint after a consistency proof"},
    {NULL, NULL, NULL},
};

static void usage(FILE *f)
{
    fprintf(f,
            "leonet - an open digital twin of a LEO satellite-internet "
            "service\n\n"
            "usage: leonet [--threads N] VERB [options]\n"
            "       leonet (-h | --help | -V | --version)\n"
            "       leonet help VERB\n\n"
            "verbs:\n");
    for (const verb *v = verbs; v->name; v++)
        fprintf(f, "  %-11s %s\n", v->name, v->summary);
    fprintf(f,
            "\ncommon options (before or after the verb):\n"
            "  --threads N    worker threads, 0..1024 (0, the default: all "
            "cores)\n"
            "  -h, --help     this text; 'leonet VERB --help' for a verb\n"
            "  -V, --version  print '%s' and exit\n"
            "Exit status: 0 ok, 1 the job ran but some items failed, 2 bad "
            "usage or\ninput (or an output that could not be written), 3 "
            "the run failed.\n",
            ln_cli_version());
}

/* OpenMP (libgomp) spins at every barrier by default. When the machine is
 * shared (more runnable threads than cores), the spinning thread holds a
 * core while the thread it waits for is descheduled, and a run on 2 threads
 * takes 5 to 20 times longer (docs/BENCHMARKS.md, "Simulation engine").
 * libgomp reads its settings when the program starts, so leonet
 * restarts itself once with a short spin before sleeping
 * (GOMP_SPINCOUNT=10000), unless the user chose a policy (OMP_WAIT_POLICY
 * or GOMP_SPINCOUNT set) or LEONET_NO_RESPAWN is set. If the restart is
 * not possible (no /proc), it goes on as it is. */
static void short_spin_restart(void)
{
    if (getenv("OMP_WAIT_POLICY") || getenv("GOMP_SPINCOUNT") ||
        getenv("LEONET_NO_RESPAWN"))
        return;
    static char buf[32768];
    static char *av[512];
    FILE *f = fopen("/proc/self/cmdline", "rb");
    if (!f)
        return;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    int full = !feof(f) ? 0 : 1;
    fclose(f);
    if (!full || n == 0)
        return;
    buf[n] = '\0';
    int ac = 0;
    for (size_t k = 0; k < n && ac < 511; k += strlen(buf + k) + 1)
        av[ac++] = buf + k;
    if (ac == 511)
        return;
    av[ac] = NULL;
    if (setenv("GOMP_SPINCOUNT", "10000", 1) ||
        setenv("LEONET_NO_RESPAWN", "1", 1))
        return;
    fflush(NULL);
    execv("/proc/self/exe", av);
    /* still here: run as we are */
}

static int run_verb(const verb *v, int argc, char **argv)
{
    return ln_cli_finish_stdout(v->name, v->fn(argc, argv));
}

int main(int argc, char **argv)
{
    short_spin_restart();
    ln_cli_env_init();
    int i = 1;
    /* common options before the verb */
    while (i < argc && argv[i][0] == '-') {
        const char *o = argv[i];
        if (strcmp(o, "--help") == 0 || strcmp(o, "-h") == 0) {
            usage(stdout);
            return ln_cli_finish_stdout("--help", 0);
        }
        if (strcmp(o, "--version") == 0 || strcmp(o, "-V") == 0) {
            printf("%s\n", ln_cli_version());
            return ln_cli_finish_stdout("--version", 0);
        }
        if (strncmp(o, "--threads", 9) == 0 &&
            (o[9] == '=' || o[9] == '\0')) {
            const char *val = NULL;
            if (o[9] == '=')
                val = o + 10;
            else if (i + 1 < argc)
                val = argv[++i];
            long n;
            if (!val) {
                fprintf(stderr, "leonet: --threads needs a value "
                        "(0..1024)\n");
                return 2;
            }
            if (ln_args_long_in("", "threads", val, 0, 1024, &n))
                return 2;
            ln_cli_threads = (int)n;
            i++;
            continue;
        }
        fprintf(stderr, "leonet: unknown option '%s' before the verb (see "
                "leonet --help)\n", o);
        return 2;
    }
    if (i >= argc) {
        fprintf(stderr, "leonet: no verb given\n\n");
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[i], "help") == 0) {
        if (i + 1 >= argc) {
            usage(stdout);
            return ln_cli_finish_stdout("help", 0);
        }
        if (i + 2 < argc) {
            fprintf(stderr, "leonet help: one verb, got '%s' after '%s' "
                    "(see leonet --help)\n", argv[i + 2], argv[i + 1]);
            return 2;
        }
        for (const verb *v = verbs; v->name; v++)
            if (strcmp(v->name, argv[i + 1]) == 0) {
                char *av[] = {argv[i + 1], "--help", NULL};
                return run_verb(v, 2, av);
            }
        fprintf(stderr, "leonet help: unknown verb '%s' (see leonet "
                "--help)\n", argv[i + 1]);
        return 2;
    }
    /* `leonet scenario gen` (cmd_scenario.c, issue 16) */
    if (strcmp(argv[i], "scenario") == 0 && i + 1 < argc &&
        strcmp(argv[i + 1], "gen") == 0)
        return ln_cli_finish_stdout("scenario gen", ln_cmd_scenario_gen(
                                                        argc - i - 1,
                                                        argv + i + 1));
    for (const verb *v = verbs; v->name; v++)
        if (strcmp(v->name, argv[i]) == 0)
            return run_verb(v, argc - i, argv + i);
    fprintf(stderr, "leonet: unknown verb '%s' (see leonet --help)\n",
            argv[i]);
    return 2;
}
