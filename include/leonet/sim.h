/*
 * sim.h - scenarios and the time-stepped simulation of a whole
 * satellite-internet service (`leonet run`).
 *
 * A scenario is a JSON document (docs/scenario.md). ln_scenario_parse
 * validates it completely before anything runs; errors name the member
 * path ("terminals[1].tracks[0].waypoints[3].lat") and its line and
 * column in the file. Relative file names in a scenario are looked up
 * next to the scenario file, then in $LEONET_DATA, then in the data
 * folder leonet was built with.
 *
 * ln_sim_run executes the data path of docs/DESIGN.md for every step and
 * writes the outputs into a directory. Results are deterministic: the same
 * scenario and seed give byte-identical outputs for any thread count.
 */
#ifndef LEONET_SIM_H
#define LEONET_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "leonet/core.h"
#include "leonet/link.h"
#include "leonet/meter.h"
#include "leonet/orbit.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LN_NAME_MAX 64
#define LN_PATH_MAX 1024

typedef struct ln_sc_gateway {
    char name[LN_NAME_MAX];
    double lat_rad, lon_rad;
    int antennas;            /* satellites it can serve at once, >= 1 */
} ln_sc_gateway;

typedef struct ln_sc_zone {
    char file[LN_PATH_MAX];  /* resolved path; GeoJSON or H3 cell list */
    int is_cells;            /* 1: file lists H3 cell ids */
    char id[LN_NAME_MAX];    /* "" = ids from the file's features */
    char name[LN_NAME_MAX];
    int action;              /* LN_ZONE_ALLOW / LN_ZONE_DENY */
    int priority;
    double valid_from_unix_s, valid_until_unix_s; /* -inf/+inf when open */
} ln_sc_zone;

typedef struct ln_sc_account {
    char id[LN_NAME_MAX];
    char name[128];
    int plan;                /* index into plans */
} ln_sc_account;

typedef struct ln_sc_track {
    char name[LN_NAME_MAX];
    size_t n;
    double *lat_rad, *lon_rad, *t_unix_s;
} ln_sc_track;

enum { LN_TG_FIXED = 0, LN_TG_MOBILE = 1 };

typedef struct ln_sc_group {
    char name[LN_NAME_MAX];
    int kind;                /* LN_TG_* */
    long count;
    int account;
    uint64_t seed;
    /* fixed */
    char region[LN_PATH_MAX];  /* GeoJSON of the area */
    char exclude[LN_PATH_MAX]; /* GeoJSON: no terminal inside ("" none) */
    char places[LN_PATH_MAX];  /* CSV name,lat,lon,pop_max,... or "" */
    double places_sigma_km;    /* spread around a place of 1e6 people */
    double rural_share;
    ln_weight_point *points;   /* extra weighted points */
    size_t npoints;
    /* mobile */
    ln_sc_track *tracks;
    size_t ntracks;
    double spread_km;          /* units spread around the track, km */
    double stagger_s;          /* units' time shifts spread over this */
} ln_sc_group;

typedef struct ln_sc_policy_event {
    double t_unix_s;
    int account;             /* -1 = all */
    int action;              /* LN_POLICY_* */
} ln_sc_policy_event;

typedef struct ln_scenario {
    char name[LN_NAME_MAX];
    char description[512];
    char source[LN_PATH_MAX];  /* file it was read from, or "built-in" */
    double start_unix_s;
    double duration_s;
    double step_s;
    uint64_t seed;
    /* constellation */
    char tle[LN_PATH_MAX], omm[LN_PATH_MAX], preset[LN_NAME_MAX];
    ln_shell *shells;        /* explicit Walker shells */
    size_t nshells;
    char name_prefix[LN_NAME_MAX]; /* keep sets whose name starts so */
    int all_objects;         /* constellation.in_service "all": 1 */
    /* link */
    double mask_rad;         /* terminal elevation mask */
    double gw_mask_rad;      /* gateway elevation mask */
    double sat_capacity_mbps;
    double beam_capacity_mbps;
    int beams_per_sat;
    int beam_res;            /* H3 resolution of a beam's cell */
    int isl;                 /* 1: use the laser mesh when no bent pipe */
    /* the rest */
    ln_sc_gateway *gateways;
    size_t ngateways;
    ln_sc_zone *zones;
    size_t nzones;
    int default_action;
    ln_plan *plans;
    size_t nplans;
    ln_sc_account *accounts;
    size_t naccounts;
    ln_sc_group *groups;
    size_t ngroups;
    ln_sc_policy_event *events;
    size_t nevents;
    /* outputs */
    char out_dir[LN_PATH_MAX];
    int map_res;
    double window_s;
    double compare_usd_per_year; /* a public figure to compare cost with */
    double nterminals_;      /* sum of the groups' counts (parse check) */
    ln_cts_model cts;        /* cost to serve ("cost_to_serve") */
    /* link scheduler (link.scheduler, link.slot_s; docs/scenario.md) */
    int scheduler;           /* LN_SCHED_* */
    double slot_s;           /* slot length, a multiple of step_s, s */
    /* contracts, timed change requests and the audit log (issue 15;
     * docs/scenario.md "Contracts and change requests"): NULL when the
     * scenario has none (private to sim) */
    struct ln_sc_trust *trust;
} ln_scenario;

/* link.scheduler: how terminals are assigned to satellites */
enum {
    LN_SCHED_STICKY = 0, /* keep the serving satellite until it sets */
    LN_SCHED_SLOT = 1    /* reassign every terminal at each slot */
};

/* How a scenario is read. */
typedef struct ln_scenario_options {
    const char *data_dir; /* a folder searched for the data files the
                             scenario names, after the scenario's own
                             folder and before the built-in data folder
                             (the command line passes $LEONET_DATA), or
                             NULL */
} ln_scenario_options;

/* ln_scenario_parse_opt
 * Given:    text, len   the JSON document
 *           file        its path (for messages and relative names), or
 *                       NULL / "built-in" for the built-in scenario
 *           opt         how to read it (NULL: no data_dir)
 * Returned: out         the scenario (ln_scenario_free)
 *           diag        file, line, column, member path and message
 * Status:   0, LN_ESCENARIO, LN_ENOMEM
 * Notes:    data file names are resolved here (ln_data_path). */
int ln_scenario_parse_opt(const char *text, size_t len, const char *file,
                          const ln_scenario_options *opt,
                          ln_scenario **out /* OUT */, ln_diag *diag);
/* ln_scenario_parse_opt with opt NULL. */
int ln_scenario_parse(const char *text, size_t len, const char *file,
                      ln_scenario **out /* OUT */, ln_diag *diag);
/* Reads the file at path (up to 64 MiB) and parses it. */
int ln_scenario_load_opt(const char *path, const ln_scenario_options *opt,
                         ln_scenario **out /* OUT */, ln_diag *diag);
int ln_scenario_load(const char *path, ln_scenario **out, ln_diag *diag);
void ln_scenario_free(ln_scenario *s);

/* Largest population of a place (above any city's). */
#define LN_PLACE_POP_MAX 1e10

/* ln_sim_places_parse
 * Given:    text, len    a places CSV: a header naming lat, lon (deg) and
 *                        pop_max (or pop), then one place a record
 *           file         its name, for messages
 *           sigma_1m_km  spread of a place of a million people
 * Returned: out, n       the places with a population > 0 (ln_free), as
 *                        weighted points: weight = population, sigma_km =
 *                        sigma_1m_km * sqrt(pop / 1e6) + 2
 *           diag         file:line, the column and why
 * Status:   0, LN_ESCENARIO (lat, lon or population not a finite number
 *           in [-90, 90], [-180, 180], [0, LN_PLACE_POP_MAX]; a NUL
 *           byte), LN_ENOMEM. */
int ln_sim_places_parse(const char *text, size_t len, const char *file,
                        double sigma_1m_km, ln_weight_point **out /* OUT */,
                        size_t *n /* OUT */, ln_diag *diag);

/* ln_scenario_gateways_parse
 * Given:    text, len  a gateways CSV: a header naming name, lat, lon (deg;
 *                      other columns ignored), then one gateway a record
 *           file       its name, for messages
 *           antennas   each gateway's antennas
 * Returned: out, n     the gateways (ln_free), in file order
 *           diag       file:line, the column (name, lat, lon) and why
 * Status:   0, LN_ESCENARIO (a row without a name of 1 to 63 characters
 *           or without finite lat in [-90, 90] and lon in [-180, 180]:
 *           nan, inf, 1e999 are refused; a NUL byte; more than 32767
 *           gateways), LN_ENOMEM. */
int ln_scenario_gateways_parse(const char *text, size_t len,
                               const char *file, int antennas,
                               ln_sc_gateway **out /* OUT */,
                               size_t *n /* OUT */, ln_diag *diag);

/* The built-in scenarios: "ukraine-2022". Returns the JSON text or NULL. */
const char *ln_scenario_builtin(const char *name);
/* Names of the built-in scenarios, NULL-terminated. */
const char *const *ln_scenario_builtin_names(void);
/* A command-line argument naming a scenario: the built-in scenario's text
 * when arg is a built-in name (no '/' and no ".json" in it), else NULL (a
 * file). */
const char *ln_scenario_builtin_arg(const char *arg);
/* ln_scenario_open
 * Given:    arg   a built-in scenario's name or a scenario file's path
 *                 (as ln_scenario_builtin_arg tells them apart)
 *           opt   how to read it (NULL: no data_dir)
 * Returned: out, diag   as ln_scenario_parse_opt / ln_scenario_load_opt
 * Status:   theirs. */
int ln_scenario_open(const char *arg, const ln_scenario_options *opt,
                     ln_scenario **out /* OUT */, ln_diag *diag);

/* Resolves a data file name: absolute, next to base_file, in data_dir
 * (NULL or "" = skipped), in the built-in data folder. Writes the first
 * that exists into out (or the name itself when none does). */
void ln_data_path(const char *name, const char *base_file,
                  const char *data_dir, char *out, size_t n);

/* ---- running --------------------------------------------------------- */

struct ln_sim_step_view; /* below: the observer's view of a step */

typedef struct ln_sim_options {
    int nthreads;            /* 0 = all cores */
    const char *out_dir;     /* overrides the scenario's, or NULL */
    int quiet;               /* 1: no progress bar, no summary text */
    int write_outputs;       /* 0: compute only (benchmarks) */
    long max_terminals;      /* > 0: scale every group down to this total
                                (benchmarks); 0 = as the scenario says */
    double duration_s;       /* > 0: override the duration */
    int frames, animate;     /* > 0: also activity-HHMM.png frames /
                                activity.gif of every N-th window (as
                                ln_activity_options) */
    const char *data_dir;    /* leonet's data directory for the map's
                                outlines and page template (the CLI passes
                                $LEONET_DATA), NULL = the build's */
    const char *scenario_sha256; /* 64 hex digits for summary.json's
                                run.scenario_sha256 (ln_scenario_sha256),
                                or NULL (written as null) */
    double mem_bytes;        /* > 0: the memory ln_sim_estimate compares
                                the run with, bytes (tests; the command
                                line's $LEONET_MEM_BYTES); 0 = the
                                machine's physical memory */
    int phases;              /* 1: wall time of each phase of the step on
                                stderr at the end (the command line's
                                $LEONET_SIM_PHASES=1) */
    /* called after each step with a read-only view of it (leonet
       drive; ln_sim_observer, end of this header), or NULL: nothing
       is done for it */
    int (*observe)(void *user, const struct ln_sim_step_view *v);
    void *observe_user;      /* observe's first argument */
} ln_sim_options;

typedef struct ln_sim_stats {
    long satellites, in_service, terminals, steps;
    double terminal_steps;
    double wall_s;           /* time of the step loop, s */
    double availability;     /* served / terminal-steps */
    double annual_cost_usd;
    /* MPI (issue 16): ranks of the run (1: one process) and this
     * process's rank; only rank 0 wrote outputs and holds the figures
     * above (availability, cost); bytes this rank exchanged */
    int mpi_ranks, mpi_rank;
    double mpi_bytes;
} ln_sim_stats;

/* SHA-256 of a scenario's canonical text: the JSON document re-written
 * by jansson with sorted members, compact, UTF-8 (so spacing, member
 * order and escapes do not change it), as 64 lowercase hex digits + NUL.
 * Status: 0, LN_EPARSE (not JSON), LN_EIO (libsodium failed to start). */
int ln_scenario_sha256(const char *text, size_t len, char hex[65] /* OUT */);

/* ln_sim_run
 * Given:    sc   a parsed scenario
 *           opt  options (NULL = defaults)
 * Returned: st   headline figures (may be NULL)
 *           diag on error: what failed (a data file, an output)
 * Status:   0, LN_EIO, LN_ESCENARIO (data files that do not load),
 *           LN_ENOMEM
 * Notes:    with opt->write_outputs the outputs are one output set
 *           (ln_outset_open on the output folder, before the steps: a
 *           folder another process writes into fails at once): they
 *           appear together at the end, or, on any error or when
 *           ln_cancel_requested() turns non-zero (checked every step),
 *           not at all (LN_EIO "interrupted"). */
int ln_sim_run(const ln_scenario *sc, const ln_sim_options *opt,
               ln_sim_stats *st /* OUT */, ln_diag *diag);

/* Limits of one run (docs/scenario.md, Limits). */
#define LN_SIM_MAX_STEPS 10000000L     /* time steps */
#define LN_SIM_MAX_WINDOWS 100000L     /* map windows (the activity map's) */
#define LN_SIM_MAX_MAP_CELLS 1000000L  /* map cells (the activity map's),
                                          checked once terminals are placed */
#define LN_SIM_MAX_TERMINALS 2147483647.0 /* int indices */
#define LN_SIM_MAX_SATELLITES 249999.0  /* Walker shells: catalog numbers
                                           90001..339999 (Alpha-5) */
#define LN_SIM_MAX_TERMINAL_STEPS 4294967295.0 /* 32-bit counters: a map
                                                  cell's count in one window
                                                  (terminals x steps of a
                                                  window) */

typedef struct ln_sim_size {
    double terminals;   /* after opt->max_terminals */
    double satellites;  /* Walker shells: exact; TLE / OMM file: at most
                           its size over the smallest record's */
    long steps, windows, days;
    double map_cells;   /* at most: min(terminals, H3 cells at map_res,
                           LN_SIM_MAX_MAP_CELLS) */
    double bytes;       /* the engine's estimated peak allocation */
    double mem_bytes;   /* physical memory (sysconf), or
                           opt->mem_bytes when > 0 (tests) */
} ln_sim_size;

/* ln_sim_estimate
 * Given:    sc, opt   a parsed scenario and the run's options (NULL ok)
 * Returned: out       the run's counts and its estimated memory
 *           diag      on refusal: the member path (or option) and why
 * Status:   0; LN_ESCENARIO when a count exceeds what its type holds
 *           (steps, windows, terminals, terminal-steps over the LN_SIM_MAX_*
 *           limits; a --duration that is not finite); LN_ETOOBIG when the
 *           estimate exceeds physical memory: "needs ~X GiB, this machine
 *           has Y GiB". Reads nothing but the size of the TLE/OMM file:
 *           microseconds, whatever the scenario asks. ln_sim_run calls it
 *           before any work. */
int ln_sim_estimate(const ln_scenario *sc, const ln_sim_options *opt,
                    ln_sim_size *out /* OUT */, ln_diag *diag);

/* ---- the fleet and an observer of the steps (leonet drive, leonetd
 * seed) ----------------------------------------------------------------
 * A live system (leonetd) is fed the same terminals and the same steps as
 * `leonet run`: ln_sim_fleet lists the terminals a run would place, in
 * the engine's order (terminal i of the fleet is terminal i of every step
 * view, and "UT" + i in leonetd), and an observer sees every step. */

/* One step as the engine left it after step 7 (docs/DESIGN.md), read
 * only, valid during the observer's call. Arrays have nt entries, in the
 * engine's terminal order. */
typedef struct ln_sim_step_view {
    long step;               /* 0 .. nsteps - 1 */
    long nsteps;             /* steps of the run */
    double t_unix_s;         /* the step's time, s since the Unix epoch */
    double step_s;           /* step length, s */
    size_t nt;               /* terminals */
    const double *lat_rad, *lon_rad; /* position this step (WGS-84) */
    const int *account;      /* index into the scenario's accounts */
    const unsigned char *allowed; /* 1: the policy allowed it */
    const int8_t *status;    /* LN_REASON_*: NONE served; ZONE,
                                SUSPENDED, KILL denied (the policy's
                                reason); NO_SAT, NO_GW allowed but not
                                linked (link's outcome) */
    const int32_t *deny_zone; /* status ZONE: the deciding zone's index in
                                the run's zone set, else -1 */
    const unsigned char *covered; /* 1: a usable satellite above the mask
                                (link's, every terminal) */
    const uint64_t *bytes;   /* delivered in the step, bytes (0 unless
                                served) */
    const float *rtt_ms;     /* served: round trip to the gateway, ms
                                (others: not meaningful) */
} ln_sim_step_view;

/* An observer (ln_sim_options.observe): called after each step, in step
 * order, on the thread that called ln_sim_run. It returns 0 to go on, or
 * a negative LN_E* code to stop the run: ln_sim_run then returns that
 * code and writes no output; its diag holds ln_strerror(code) (the
 * observer says why itself; LN_EIO is the engine's events file, use
 * another). A NULL observer costs one test per step. */
typedef int (*ln_sim_observer)(void *user, const ln_sim_step_view *v);

/* The terminals of a run, placed as at its start. */
typedef struct ln_sim_fleet {
    size_t n;                /* terminals (after opt->max_terminals) */
    double *lat_rad, *lon_rad; /* position at the scenario's start */
    int *account;            /* index into the scenario's accounts */
    int *group;              /* index into the scenario's groups */
    int8_t *kind;            /* LN_TG_FIXED / LN_TG_MOBILE (its group's) */
} ln_sim_fleet;

/* ln_sim_fleet_new
 * Given:    sc   a parsed scenario
 *           opt  options (NULL = defaults); max_terminals scales the
 *                groups as for ln_sim_run, nthreads as there
 * Returned: out  the terminals in the engine's order (ln_sim_fleet_free)
 *           diag on error
 * Status:   as ln_sim_run's setup: 0, LN_ESCENARIO, LN_EIO, LN_ENOMEM,
 *           LN_ETOOBIG
 * Notes:    runs the engine's setup (the constellation is loaded, no
 *           step is run): the same placement and order as ln_sim_run with
 *           the same sc and opt, by construction. */
int ln_sim_fleet_new(const ln_scenario *sc, const ln_sim_options *opt,
                     ln_sim_fleet **out /* OUT */, ln_diag *diag);
void ln_sim_fleet_free(ln_sim_fleet *f); /* NULL ok */

#ifdef __cplusplus
}
#endif
#endif
