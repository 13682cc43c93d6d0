/*
 * sim_int.h - private to the sim area: the engine's state, shared by
 * engine.c (setup and the step loop) and report.c (outputs).
 */
#ifndef LN_SIM_INT_H
#define LN_SIM_INT_H

#include <stdint.h>
#include <stdio.h>

#include "leonet/activity.h"
#include "leonet/cell.h"
#include "leonet/geofence.h"
#include "leonet/link.h"
#include "leonet/meter.h"
#include "leonet/net.h"
#include "leonet/orbit.h"
#include "leonet/policy.h"
#include "leonet/sim.h"
#include "sim/sim_mpi.h"

#define LN_LAT_BINS 4000    /* RTT histogram: 0.1 ms bins up to 400 ms */
#define LN_LAT_BIN_MS 0.1
#define LN_EV_CHUNK 65536   /* events kept in memory before a spill */

/* Counters of one slice (an account, a zone, or everything). Integers
 * only, so sums do not depend on the order of addition. */
typedef struct ln__counters {
    uint64_t terminal_steps;    /* terminal x step */
    uint64_t covered_steps;     /* a usable satellite was above the mask */
    uint64_t served_steps;      /* authorized, satellite and gateway */
    uint64_t congested_steps;   /* served, but got less than it asked */
    uint64_t outage_steps[LN_REASON_COUNT_]; /* by reason */
    uint64_t handovers;
    uint64_t isl_steps;         /* served over the laser mesh */
    uint64_t isl_hops;          /* sum of their ISL hops */
    uint64_t bytes;             /* delivered */
    uint64_t demand_bytes;      /* asked for */
    uint64_t lat_hist[LN_LAT_BINS + 1]; /* RTT to gateway, served steps */
} ln__counters;

typedef struct ln__event {
    double t_unix_s;
    int32_t terminal;
    int8_t lost;       /* 1 lost, 0 restored */
    int8_t reason;     /* LN_REASON_* (of the loss; of the outage ended) */
    int32_t zone;      /* deciding zone for reason zone (of the loss; of
                          the outage ended), else -1 */
    float lat_deg, lon_deg;
} ln__event;

typedef struct ln__engine {
    const ln_scenario *sc;
    ln_sim_options opt;
    int nthreads;
    /* constellation */
    ln_elset *els;
    size_t nsat;
    ln_orbit *orbit;
    const ln_shell *walker;    /* Walker shells it was built from, in
                                  order (NULL: element sets, or filtered) */
    size_t nwalker;
    unsigned char *in_service; /* on-station rule */
    unsigned char *usable;     /* in service and propagated, this step */
    double *pvbuf;
    int *perr;
    ln_pv_soa pv;              /* ECEF after conversion */
    double max_alt_km;         /* highest apogee + margin (link's index) */
    long n_in_service;
    /* the link layer (src/link): visibility, serving satellites,
     * handover, gateway antennas, capacity share */
    ln_link *link;
    /* gateways */
    size_t ngw;
    ln_site *gw;
    const int8_t *sat_ngw;     /* per sat: visible gateways (link's view,
                                  ln_link_gateways_visible) */
    unsigned char *sat_ok;     /* link.isl: usable and reaches a gateway,
                                  bent pipe or over the laser mesh (net's
                                  ln_mesh; link's ln_link_mesh.reach) */
    /* laser mesh (link.isl; net's ln_mesh): the mesh_* arrays are its
     * outputs (ln_mesh_outputs), read only */
    ln_mesh *mesh;
    const char *isl_rule;      /* how the ISL list was built */
    size_t nisl, nlaser;
    const double *mesh_km;     /* per sat: shortest path to a gateway */
    const int32_t *mesh_next, *mesh_gw;
    const int16_t *mesh_hops;  /* ISL hops to the exit, -1 unreachable */
    /* zones, policy */
    ln_zoneset *zones;
    ln_policy *pol;
    /* terminals (structure of arrays) */
    size_t nt;
    double *lon, *lat;
    ln_site *site;
    int *acct;
    long *acct_nt;             /* terminals per account */
    int *group;
    int *track;                /* mobile: track index in its group, else -1 */
    int *mobile;               /* indices of the mobile terminals */
    size_t nmobile;
    double *shift_s, *east_km, *north_km;
    ln_cell *cell;             /* map cell */
    long *cell_row;            /* its row in act (fixed terminals) */
    ln_cell *beam;             /* beam cell */
    int *zone_at;              /* zone whose area holds the terminal, -1 */
    /* per-terminal state */
    unsigned char *allowed;    /* dec[i].allowed (link's input) */
    const int *serving;        /* serving satellite, -1 none (link's) */
    int8_t *status;            /* LN_REASON_NONE served, else outage */
    int8_t *prev_status;
    int32_t *deny_zone;        /* deciding zone when denied by zone, -1 */
    int32_t *out_zone;         /* deny_zone of the outage the terminal is
                                  in (for its "restored" event), -1 */
    unsigned char *tflags;     /* LN_POLICY_PROTECTED per terminal (a
                                  contract protects it), NULL without
                                  contracts (sim_trust.c) */
    int tflags_moving;         /* 1: mobile terminals' flags follow their
                                  position (a contract by zone or region) */
    ln_policy_decision *dec;   /* this step's decision (fixed terminals:
                                  kept until the policy changes) */
    double *demand_mbps;
    const double *rate_mbps;   /* link's (ln_link_results) */
    uint64_t *dkey;            /* demand draw key (ln_meter_terminal_key) */
    const float *rtt_ms;       /* link's */
    const int8_t *term_hops;   /* link's: served: ISL hops of the path,
                                  0 = bent pipe; -1 otherwise */
    const unsigned char *covered, *handover; /* link's */
    int32_t *ever_denied_zone; /* [terminal] zone+1 of its first denial
                                  by a zone, 0 none (any number of
                                  zones) */
    /* accumulators */
    ln__counters total;
    ln__counters *per_acct;    /* naccounts */
    ln__counters *per_zone;    /* nzones_total + 1 ("none" last) */
    size_t nzones_total;
    /* per-thread partial sums of the above (integers: the merged sums do
     * not depend on how terminals were split among threads); merged into
     * total, per_acct, per_zone after the loop */
    struct ln__acc *acc;       /* nthreads */
    /* map */
    long nwin;
    ln_activity *act;          /* the map's counts per cell and window */
    /* fixed terminals' counts in the current window (added to the map
     * when the window ends: the per-step serial work is then only the
     * mobile terminals' and the events) */
    uint32_t *tw_active, *tw_denied, *tw_outage;
    long cur_win;
    uint8_t *map_kind;         /* [nmobile] this step's LN_ACTIVITY_* */
    /* events */
    ln__event *ev;
    size_t nev, cap_ev;
    FILE *events_f;            /* events spilled so far (binary records,
                                  a tmpfile), so that memory stays flat */
    size_t nev_spilled;
    /* time */
    long nsteps;
    double wall_s;
    /* usage per terminal, account and day, the satellites serving each
     * account, and the price and cost to serve from them (meter) */
    ln_usage *usage;
    uint64_t *step_bytes;      /* [terminal] delivered this step
                                  (account_step's scratch) */
    /* slot scheduler (link.scheduler "slot"; link's slot_assign) */
    long slot_steps;           /* steps per slot, >= 1 */
    /* MPI ranks (sim_mpi.h, docs/scaling.md): NULL with one process.
     * This rank links, counts and tallies terminals lo..hi-1 (one
     * process: 0..nt-1); it moves every mobile terminal (their cells and
     * beams are read by all), and only rank 0 keeps the map, usage and
     * events of all and writes the outputs. */
    ln__mpi *mpi;
    int rank;                  /* 0 with one process */
    size_t lo, hi;
    size_t mob_lo, mob_hi;     /* mobile[mob_lo .. mob_hi): this rank's */
    ln_link_part part;         /* link's gathers (ln__sim_mpi_gather) */
} ln__engine;


/* n, or 1 for an empty array (ln_calloc(0) may return NULL) */
static inline size_t ln__sim_nz(size_t n)
{
    return n ? n : 1;
}

/* p = n zeroed elements, or return LN_ENOMEM through diag (setup) */
#define ALLOC(p, n)                                                    \
    do {                                                               \
        (p) = ln_calloc(ln__sim_nz((size_t)(n)), sizeof *(p));         \
        if (!(p))                                                      \
            return ln_diag_set(diag, LN_ENOMEM, NULL, 0, 0, NULL,      \
                               "out of memory");                       \
    } while (0)

/* setup.c */
/* Fills e from e->sc and e->opt (e zeroed, sc, opt and nthreads set):
 * the constellation, zones and policy, terminals, mesh, link, usage, map
 * and the accumulators. On failure e holds what was made so far (free it
 * with ln__sim_engine_free). */
int ln__sim_setup(ln__engine *e, ln_diag *diag);
/* Frees everything ln__sim_setup and the steps allocated (not e). */
void ln__sim_engine_free(ln__engine *e);

/* tally.c */
/* The per-thread partial counters (e->acc, nthreads of them). */
int ln__sim_acc_alloc(ln__engine *e, ln_diag *diag);
void ln__sim_acc_free(ln__engine *e);
/* Adds the threads' partial counters into e->total, per_acct, per_zone. */
void ln__sim_acc_merge(ln__engine *e);
/* Adds the fixed terminals' map counts of window w (< 0: none) to the
 * activity aggregate and clears them. */
void ln__sim_flush_window(ln__engine *e, long w);
/* Step 7 at time t (s since the Unix epoch): counters per account and
 * zone, bytes to meter, map counts to activity, events. 0, LN_ENOMEM, or
 * LN_EIO (the events' temporary file). */
int ln__sim_account_step(ln__engine *e, double t);

/* report.c */
/* Writes summary.json, events.csv, usage.csv, activity.geojson,
 * activity-windows.geojson, zones.geojson and activity-sats.json into the
 * output set os (staged; the caller commits). */
int ln__sim_write_outputs(ln__engine *e, ln_outset *os, ln_diag *diag);
void ln__sim_print_summary(const ln__engine *e, FILE *f);
double ln__percentile(const uint64_t *hist, double p);

#endif
