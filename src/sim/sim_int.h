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

#define LN_GW_PER_SAT 8     /* gateways remembered per satellite and step */
#define LN_LAT_BINS 4000    /* RTT histogram: 0.1 ms bins up to 400 ms */
#define LN_LAT_BIN_MS 0.1
#define LN_EV_CHUNK 65536   /* events kept in memory before a spill */
#define LN_REG_RES 3        /* candidate areas: H3 res 3 (~12,000 km^2) */

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
    uint32_t lat_hist[LN_LAT_BINS + 1]; /* RTT to gateway, served steps */
} ln__counters;

typedef struct ln__event {
    double t;
    int32_t terminal;
    int8_t lost;       /* 1 lost, 0 restored */
    int8_t reason;     /* LN_REASON_* (of the loss; of the outage ended) */
    int32_t zone;      /* deciding zone for reason zone (of the loss; of
                          the outage ended), else -1 */
    float lat_deg, lon_deg;
} ln__event;

/* Sort key of a served terminal: its beam cell, then its index. */
typedef struct beam_key {
    ln_cell beam;
    int i;
} beam_key;

typedef struct ln__engine {
    const ln_scenario *sc;
    ln_sim_options opt;
    int nthreads;
    double sin_mask;           /* sin of the terminal elevation mask */
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
    ln_satindex *ix;
    long n_in_service;
    /* gateways */
    size_t ngw;
    ln_site *gw;
    int *gw_used;              /* antennas in use, this step */
    int8_t *sat_ngw;           /* per sat: visible gateways */
    int16_t *sat_gwi;          /* [sat][LN_GW_PER_SAT] by slant range */
    float *sat_gwkm;           /* matching slant ranges, km */
    int *sat_gw;               /* assigned gateway this step, -1 none */
    int *sat_load;             /* terminals served this step */
    int16_t *sat_prev_gw;      /* gateway whose antenna it held at the
                                  previous step, -1 none */
    uint64_t *sat_order;       /* antenna queue: (users, index) keys */
    unsigned char *sat_ok;     /* usable and reaches a gateway: bent pipe,
                                  or (link.isl) over the laser mesh */
    /* laser mesh (link.isl; net's ln_mesh): the mesh_* arrays are its
     * outputs (ln_mesh_outputs), read only */
    ln_mesh *mesh;
    const char *isl_rule;      /* how the ISL list was built */
    size_t nisl, nlaser;
    const double *mesh_km;     /* per sat: shortest path to a gateway */
    const int32_t *mesh_next, *mesh_gw;
    const int16_t *mesh_hops;  /* ISL hops to the exit, -1 unreachable */
    /* candidate areas: the H3 parents (res LN_REG_RES) of the terminals'
     * cells; per step each gets the list of satellites any site in it
     * could see, so a terminal's search scans a short list */
    size_t nreg, cap_reg;
    ln_cell *reg_cell;
    double *reg_lat, *reg_lon, *reg_margin; /* centre (rad), radius (rad) */
    int *reg_n;                /* candidates this step (> reg_k: overflow) */
    int *reg_items;            /* [reg][reg_k] */
    double *reg_pos;           /* [reg][3][reg_k]: their x, y, z (km) */
    /* the same list without the candidates that cannot be any terminal's
     * best (engine.c, regions_step): reg_nb < 0 = not pruned this step */
    int *reg_nb;
    int *reg_items_b;          /* [reg][reg_k] */
    double *reg_pos_b;         /* [reg][3][reg_k] */
    ln_site *reg_site;         /* the area's centre on the ellipsoid */
    double *reg_elc;           /* [reg][reg_k] scratch: the highest
                                  elevation a candidate can have in the
                                  area, rad */
    int reg_k;
    int *term_reg;             /* per terminal */
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
    int *serving;              /* serving satellite, -1 none */
    int *srv0;                 /* ...at the start of this step */
    int *witness;              /* denied terminals: a satellite last seen
                                  above the mask (coverage), -1 none */
    int8_t *status;            /* LN_REASON_NONE served, else outage */
    int8_t *prev_status;
    int32_t *deny_zone;        /* deciding zone when denied by zone, -1 */
    int32_t *out_zone;         /* deny_zone of the outage the terminal is
                                  in (for its "restored" event), -1 */
    ln_policy_decision *dec;   /* this step's decision (fixed terminals:
                                  kept until the policy changes) */
    double *demand_mbps, *rate_mbps;
    uint64_t *dkey;            /* demand draw key (ln_meter_terminal_key) */
    float *rtt_ms;
    int8_t *term_hops;         /* served: ISL hops of the path, 0 = bent
                                  pipe; -1 otherwise */
    unsigned char *covered, *handover;
    int32_t *ever_denied_zone; /* [terminal] zone+1 of its first denial
                                  by a zone, 0 none (any number of
                                  zones) */
    /* capacity scratch */
    int *by_sat_start, *by_sat;
    beam_key *beam_tmp;       /* sort scratch, nt */
    /* accumulators */
    ln__counters total;
    ln__counters *per_acct;    /* naccounts */
    ln__counters *per_zone;    /* nzones_total + 1 ("none" last) */
    size_t nzones_total;
    uint64_t *usage_bytes;     /* [day][account] */
    long ndays;
    /* per-thread partial sums of the above (integers: the merged sums do
     * not depend on how terminals were split among threads); merged into
     * total, per_acct, per_zone, usage_bytes after the loop */
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
    /* meter (meter_acc.c): per-terminal usage for per-terminal overage,
     * and the satellites serving each account for the cost to serve */
    uint64_t *term_bytes;      /* [terminal] delivered over the run */
    uint64_t *term_day_bytes;  /* [terminal] delivered in day meter_day */
    double *over_gb_day;       /* [day][account] sum of the terminals' GB
                                  a month beyond included_gb, that day
                                  (folded when the day ends) */
    long meter_day;            /* the day term_day_bytes counts */
    int *sat_nsrv;             /* [sat] scratch: terminals served */
    uint64_t serving_sat_steps; /* sum over steps of the satellites that
                                   served at least one terminal */
    double *acct_sat_steps;    /* [account] the same, a satellite serving
                                  n terminals counting 1/n per terminal
                                  (summed in terminal order) */
    /* slot scheduler (link.scheduler "slot"; engine.c, slot_assign) */
    long slot_steps;           /* steps per slot, >= 1 */
    int32_t *cand;             /* [terminal][LN_SCHED_K]: at a slot, the
                                  highest visible satellites that reach a
                                  gateway, by elevation; -1 pads */
    int *slot_used;            /* per sat: beam cells assigned this slot */
    ln_cell *slot_last;        /* per sat: the last beam cell assigned */
    int *slot_order;           /* nt: terminals in (beam, index) order */
    /* gateway antennas of mesh exits (assign_gateways) */
    int16_t *sat_exit_gw;      /* per sat: gateway whose antenna it holds
                                  as a mesh exit only, -1 none */
    unsigned char *mesh_ok;    /* per sat: its mesh path's exit holds an
                                  antenna of the path's gateway */
} ln__engine;

#define LN_SCHED_K 8  /* satellites a terminal may fall back to at a slot */

/* meter_acc.c */
int ln__sim_meter_alloc(ln__engine *e);
void ln__sim_meter_free(ln__engine *e);
/* Before a step of day `day`: folds the previous day's per-terminal
 * usage when the day changed. */
void ln__sim_meter_day(ln__engine *e, long day);
/* After a step's accounting: counts the satellites serving terminals. */
void ln__sim_meter_step(ln__engine *e);
/* The GB a month beyond included_gb of account a's terminals in day d
 * (per-terminal plans; the current day from term_day_bytes). */
double ln__sim_over_gb_day(const ln__engine *e, long d, size_t a);
/* The same over the whole run, from term_bytes. */
double ln__sim_over_gb_run(const ln__engine *e, size_t a);

/* report.c */
/* Writes summary.json, events.csv, usage.csv, activity.geojson,
 * activity-windows.geojson, zones.geojson and activity-sats.json into the
 * output set os (staged; the caller commits). */
int ln__sim_write_outputs(ln__engine *e, ln_outset *os, ln_diag *diag);
void ln__sim_print_summary(const ln__engine *e, FILE *f);
double ln__sim_annual_cost(const ln__engine *e, int account,
                           ln_cost *parts /* OUT, may be NULL */);
double ln__percentile(const uint32_t *hist, double p);

#endif
