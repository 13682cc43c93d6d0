/*
 * cmd_bench.c - "leonet bench X": times one hot path and prints, as its
 * last line, "<what>_per_s=<number>".
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

typedef struct bench_verb {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
} bench_verb;

static const bench_verb benches[] = {
    {"propagate", ln_bench_propagate,
     "batch SGP4 propagation; prints propagations_per_s="},
    {"geofence", ln_bench_geofence,
     "zone decisions on random points; prints decisions_per_s="},
    {"cell", ln_bench_cell,
     "point -> H3 cell on random points; prints cells_per_s="},
    {NULL, NULL, NULL},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: leonet bench WHAT [options]   ('leonet bench WHAT "
            "--help' for its options)\n\n");
    for (const bench_verb *b = benches; b->name; b++)
        fprintf(f, "  %-10s %s\n", b->name, b->summary);
}

int ln_cmd_bench(int argc, char **argv)
{
    /* the options before WHAT: -h, -V, --threads */
    int i = 1;
    while (i < argc && argv[i][0] == '-') {
        int val = strcmp(argv[i], "--threads") == 0 && i + 1 < argc;
        i += 1 + val;
    }
    if (i >= argc) { /* no WHAT: -h, -V, or a usage error */
        ln_args a;
        int rc = ln_args_parse(argc, argv, NULL, &a, "bench", usage);
        if (rc)
            return rc < 0 ? 0 : rc;
        fprintf(stderr, "leonet bench: which benchmark? (see leonet bench "
                "--help)\n");
        return 2;
    }
    for (const bench_verb *b = benches; b->name; b++)
        if (strcmp(b->name, argv[i]) == 0) {
            /* WHAT becomes argv[0]; the options before it go after */
            char *av[256];
            if (argc > (int)(sizeof av / sizeof av[0]) - 1) {
                fprintf(stderr, "leonet bench: too many arguments\n");
                return 2;
            }
            int n = 0;
            av[n++] = argv[i];
            for (int k = i + 1; k < argc; k++)
                av[n++] = argv[k];
            for (int k = 1; k < i; k++)
                av[n++] = argv[k];
            av[n] = NULL;
            return b->fn(n, av);
        }
    fprintf(stderr, "leonet bench: unknown benchmark '%s' (see leonet "
            "bench --help)\n", argv[i]);
    return 2;
}
