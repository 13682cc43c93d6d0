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

int ln_cmd_bench(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0) {
        FILE *f = argc < 2 ? stderr : stdout;
        fprintf(f, "usage: leonet bench WHAT [options]\n\n");
        for (const bench_verb *b = benches; b->name; b++)
            fprintf(f, "  %-10s %s\n", b->name, b->summary);
        return argc < 2 ? 2 : 0;
    }
    for (const bench_verb *b = benches; b->name; b++)
        if (strcmp(b->name, argv[1]) == 0)
            return b->fn(argc - 1, argv + 1);
    fprintf(stderr, "leonet bench: unknown benchmark '%s'\n", argv[1]);
    return 2;
}
