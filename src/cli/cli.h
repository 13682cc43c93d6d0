/*
 * cli.h - the leonet command-line tool: verb table and argument helpers.
 *
 * Each verb is a function int verb(int argc, char **argv) where argv[0] is
 * the verb's name; it returns the process exit code (0 ok, 1 the job ran
 * but some items failed, 2 usage or input error).
 */
#ifndef LN_CLI_H
#define LN_CLI_H

#include <stddef.h>
#include <stdio.h>

/* Global options, parsed in main before the verb. */
extern int ln_cli_threads; /* --threads N; 0 = all cores */

/* A parsed option list: --name value, --name=value, and flags. */
typedef struct ln_opt_spec {
    const char *name;  /* without the leading "--" */
    int has_value;     /* 1: takes a value; 0: a flag */
} ln_opt_spec;

typedef struct ln_args {
    const char *values[64]; /* value per spec index (flags: "1"), or NULL */
    const char *pos[16];    /* positional arguments */
    int npos;
} ln_args;

/* Parses argv[1..argc) against specs (NULL-terminated by name). Prints an
 * error naming the offending argument and returns 2 on bad usage; 0 ok.
 * "--threads N" is accepted anywhere and stored in ln_cli_threads. */
int ln_args_parse(int argc, char **argv, const ln_opt_spec *specs,
                  ln_args *a, const char *verb);
/* Value of option name, or NULL. */
const char *ln_args_get(const ln_args *a, const ln_opt_spec *specs,
                        const char *name);
/* Strict number parsing of an option value; prints an error, returns 2. */
int ln_args_double(const char *verb, const char *name, const char *s,
                   double *out);
int ln_args_long(const char *verb, const char *name, const char *s,
                 long *out);
/* The output of a verb: path, or stdout when path is NULL (messages
 * name the verb; close returns 2 on a write error, after saying so). */
FILE *ln_cli_open_out(const char *verb, const char *path);
int ln_cli_close_out(const char *verb, FILE *f, const char *path);
/* An ISO 8601 UTC time option (Unix seconds); prints an error, returns 2. */
int ln_args_time(const char *verb, const char *name, const char *s,
                 double *out);

/* The verbs. */
int ln_cmd_propagate(int argc, char **argv);
int ln_cmd_bench(int argc, char **argv);
int ln_cmd_run(int argc, char **argv);
int ln_cmd_scenario(int argc, char **argv);
int ln_cmd_route(int, char **);
int ln_cmd_geofence(int, char **);
int ln_cmd_map(int, char **);
int ln_bench_geofence(int, char **);
/* Loads a comma-separated list of GeoJSON zone files into a new zone set
 * (cmd_geofence.c); on error prints "leonet VERB: file:line: ..." and
 * returns 2. */
struct ln_zoneset;
int ln_cli_load_zones(const char *verb, const char *files, int defact,
                      int flags, struct ln_zoneset **out);
int ln_cmd_cell(int, char **);
int ln_bench_cell(int, char **);

/* Bench sub-verbs ("leonet bench X"). */
int ln_bench_propagate(int argc, char **argv);
/* Shared by the bench sub-verbs (bench_util.c). ln_bench_points: n points
 * from a fixed seed (splitmix64), in rad, ln_malloc'd (ln_free them):
 * uniform on the sphere if box_deg is NULL, else uniform in the box
 * {lon0, lat0, lon1, lat1} (deg). 0 or LN_ENOMEM. ln_bench_best: runs
 * run(ctx) repeat times and returns the shortest wall time (s). */
int ln_bench_points(size_t n, unsigned long long seed, const double *box_deg,
                    double **lat_rad, double **lon_rad);
double ln_bench_best(long repeat, void (*run)(void *ctx), void *ctx);

#endif
