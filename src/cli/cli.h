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

/* The environment (env.c; the library reads none). ln_cli_env_init: the
 * process-wide settings (LN_SIMD, LN_GEOFENCE_CPE, LN_CELL_DEBUG, CI), once
 * at start. ln_cli_env_sim: a run's LEONET_MEM_BYTES and
 * LEONET_SIM_PHASES into o. ln_cli_scenario_options: how to read a
 * scenario (LEONET_DATA). */
struct ln_sim_options;
struct ln_scenario_options;
void ln_cli_env_init(void);
void ln_cli_env_sim(struct ln_sim_options *o);
const struct ln_scenario_options *ln_cli_scenario_options(void);

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

/* Returned by ln_args_parse when -h/--help or -V/--version was asked for
 * and answered: the verb stops and exits 0. */
#define LN_ARGS_DONE (-1)

/* ln_args_parse
 * Given:    argv[1..argc) of a verb (argv[0] its name), specs (NULL-
 *           terminated by name), verb (for messages), help (prints the
 *           verb's usage; may be NULL)
 * Returned: a  the values and positionals
 * Status:   0 go on; 2 bad usage (a message naming the argument was
 *           printed); LN_ARGS_DONE: -h/--help (help(stdout) and the common
 *           options) or -V/--version (the version) was printed.
 * Notes:    "--name value", "--name=value", flags; "--" ends the options;
 *           "-" and anything not starting with "-" is a positional; any
 *           other "-x" is refused, and so is an option given twice.
 *           "--threads N" (0..1024) is accepted anywhere and stored in
 *           ln_cli_threads. Callers: if (rc) return rc < 0 ? 0 : rc; */
int ln_args_parse(int argc, char **argv, const ln_opt_spec *specs,
                  ln_args *a, const char *verb, void (*help)(FILE *));
/* ln_args_parse for a verb that takes no positional argument: the first
 * one is refused with "leonet VERB: unexpected argument 'X' (see leonet
 * VERB --help)" and status 2. Same status and callers' line otherwise. */
int ln_args_parse_nopos(int argc, char **argv, const ln_opt_spec *specs,
                        ln_args *a, const char *verb, void (*help)(FILE *));
/* Value of option name, or NULL. */
const char *ln_args_get(const ln_args *a, const ln_opt_spec *specs,
                        const char *name);
/* Strict number parsing of an option value: the whole string, no leading
 * space, finite; prints "leonet VERB: --NAME: expected ..., got 'S'" and
 * returns 2 on a bad value. The _in forms also want lo <= value <= hi
 * and say the range. */
int ln_args_double(const char *verb, const char *name, const char *s,
                   double *out);
int ln_args_long(const char *verb, const char *name, const char *s,
                 long *out);
int ln_args_double_in(const char *verb, const char *name, const char *s,
                      double lo, double hi, double *out);
int ln_args_long_in(const char *verb, const char *name, const char *s,
                    long lo, long hi, long *out);
/* An ISO 8601 UTC time option (Unix seconds) between LN_ARGS_TIME_MIN and
 * LN_ARGS_TIME_MAX (1900-01-01 .. 2199-12-31T23:59:59Z); prints an error,
 * returns 2. */
#define LN_ARGS_TIME_MIN (-2208988800.0)
#define LN_ARGS_TIME_MAX (7258118399.0)
int ln_args_time(const char *verb, const char *name, const char *s,
                 double *out);
/* The epoch of built-in shells must be one a TLE can carry (years
 * 1957..2056); else says so naming `what` (e.g. "--epoch") and returns
 * 2. */
int ln_args_shells_epoch(const char *verb, const char *what,
                         double epoch_unix_s);
/* The output of a verb: path, or stdout when path is NULL (messages
 * name the verb; close returns 2 on a write error, after saying so). A
 * regular file is written under a temporary name and renamed to path by
 * close when all went well; discard (for a verb that fails after opening)
 * closes and removes it, so nothing is left under path. */
FILE *ln_cli_open_out(const char *verb, const char *path);
int ln_cli_close_out(const char *verb, FILE *f, const char *path);
void ln_cli_discard_out(FILE *f);
/* "leonet X.Y.Z": the version, from CMake's project version. */
const char *ln_cli_version(void);
/* Standard output after a verb: flushed; on a write error (now or
 * earlier, ferror) prints "leonet VERB: error writing standard output"
 * and returns 2, else rc. main calls it once for every verb. */
int ln_cli_finish_stdout(const char *verb, int rc);

/* The verbs. */
int ln_cmd_propagate(int argc, char **argv);
int ln_cmd_bench(int argc, char **argv);
int ln_cmd_run(int argc, char **argv);
int ln_cmd_scenario(int argc, char **argv);
int ln_cmd_route(int, char **);
int ln_cmd_geofence(int, char **);
int ln_cmd_map(int, char **);
int ln_cmd_visible(int, char **);
int ln_cmd_drive(int, char **); /* cmd_drive.c: leonet drive */
/* issue 15's verbs (cmd_key.c, cmd_sign.c, cmd_contract.c, cmd_audit.c,
 * cmd_witness.c; helpers in trust_cli.h) */
int ln_cmd_key(int, char **);
int ln_cmd_sign(int, char **);
int ln_cmd_contract(int, char **);
int ln_cmd_change(int, char **);
/* "leonet contract register" (cmd_change.c) */
int ln_cmd_contract_register(int, char **);
int ln_cmd_audit(int, char **);
int ln_cmd_witness(int, char **);
int ln_bench_geofence(int, char **);
/* Loads a comma-separated list of GeoJSON zone files into a new zone set
 * (cmd_geofence.c); on error prints "leonet VERB: file:line: ..." and
 * returns 2. */
struct ln_zoneset;
int ln_cli_load_zones(const char *verb, const char *files, int defact,
                      int flags, struct ln_zoneset **out);
int ln_cmd_cell(int, char **);

/* A points CSV (geofence --points, cell --points; points.c): a header
 * naming the columns id, lat and lon (degrees) in any order, other columns
 * ignored; then one point a record. Pure: messages go to err (no file or
 * line: the caller adds them). */
typedef struct ln_cli_points_cols {
    int id, lat, lon; /* column indices */
    size_t need;      /* fields a record must have: max index + 1 */
} ln_cli_points_cols;
/* Reads the header record; 0, or -1 with err set. */
int ln_cli_points_header(char *const *f, size_t n, ln_cli_points_cols *c,
                         char *err, size_t errn);
/* The lat/lon fields of a record: whole finite decimal numbers, lat in
 * [-90, 90], lon in [-180, 180] degrees; 0, or -1 with err set. */
int ln_cli_latlon(const char *slat, const char *slon, double *lat_deg,
                  double *lon_deg, char *err, size_t errn);
/* Reads one record: id (borrowed from f), lat in [-90, 90] and lon in
 * [-180, 180] degrees, finite; 0, or -1 with err set. */
int ln_cli_points_row(const ln_cli_points_cols *c, char *const *f, size_t n,
                      const char **id, double *lat_deg, double *lon_deg,
                      char *err, size_t errn);
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
