/*
 * sim_int.h - private to the sim area: the engine's state, shared by
 * engine.c (setup and the step loop) and report.c (outputs).
 */
#ifndef LN_SIM_INT_H
#define LN_SIM_INT_H

#include <stdint.h>
#include <stdio.h>

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

/* A map cell's counts in one time window. */
typedef struct ln__cellwin {
    uint32_t active;   /* served terminal-steps */
    uint32_t denied;   /* terminal-steps denied by policy */
    uint32_t outage;   /* terminal-steps with no satellite / gateway */
    uint32_t present;  /* terminal-steps present at all */
} ln__cellwin;

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
    /* laser mesh (link.isl; isl.c) */
    ln_net *net;
    ln_net_work *nwork;
    const char *isl_rule;      /* how the ISL list was built */
    size_t nisl, nlaser;
    unsigned char *laser;      /* per sat: carries lasers */
    uint8_t *sat_down;         /* per sat: not usable this step */
    double *mesh_km;           /* per sat: shortest path to a gateway */
    int32_t *mesh_next, *mesh_gw;
    int16_t *mesh_hops;        /* ISL hops to the exit, -1 unreachable */
    int32_t *adj_start;        /* nsat + 1: CSR of the ISL list */
    struct ln__adj {
        int32_t sat, isl;
    } *adj;
    int32_t *queue;            /* nsat: search scratch */
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
    long *cell_row;            /* its row in cells / cw */
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
    /* per-thread partial sums of the above (integers: the merged sums do
     * not depend on how terminals were split among threads); merged into
     * total, per_acct, per_zone after the loop */
    struct ln__acc *acc;       /* nthreads */
    /* map */
    long nwin;
    ln_cell *cells;            /* distinct map cells, first-seen order */
    size_t ncells, cap_cells;
    long *htab;                /* hash: cell -> row, -1 empty */
    size_t hcap;               /* power of two */
    ln__cellwin *cw;           /* [win][cell] */
    uint32_t *win_active, *win_denied, *win_outage; /* per window totals */
    /* fixed terminals' counts in the current window (added to cw when
     * the window ends: the per-step serial work is then only the mobile
     * terminals' and the events) */
    uint32_t *tw_active, *tw_denied, *tw_outage;
    long cur_win;
    /* sub-satellite points at each window start, for the map page:
     * [win][k] (lat, lon) in degrees of usable satellites over the map
     * area (terminals' bounding box widened by 20 deg) */
    float *subsat;            /* nwin x nsat x 2 */
    int *nsubsat;             /* per window */
    double map_lon0, map_lat0, map_lon1, map_lat1; /* degrees */
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

/* isl.c */
/* shells: the Walker shells the constellation was built from (NULL for
 * element sets: the rule is rebuilt from the orbits) */
int ln__sim_isl_setup(ln__engine *e, const ln_shell *shells, size_t nshells,
                      ln_diag *diag);
void ln__sim_isl_reach(ln__engine *e);
void ln__sim_isl_route(ln__engine *e);
void ln__sim_isl_free(ln__engine *e);

typedef struct ln__adj ln__adj;

/* report.c */
/* Writes summary.json, events.csv, usage.csv, activity.geojson,
 * activity-windows.geojson, zones.geojson and activity-sats.json into the
 * output set os (staged; the caller commits). */
int ln__sim_write_outputs(ln__engine *e, ln_outset *os, ln_diag *diag);
void ln__sim_print_summary(const ln__engine *e, FILE *f);
double ln__percentile(const uint32_t *hist, double p);

#endif
