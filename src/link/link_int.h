/*
 * link_int.h - private to the link area: the state of an ln_link handle
 * (link.h), shared by link.c (setup, satellites' gateways), serve.c
 * (candidate areas, serving satellite, handover) and capacity.c (gateway
 * antennas, slot scheduler, capacity share).
 */
#ifndef LN_LINK_INT_H
#define LN_LINK_INT_H

#include <stdint.h>

#include "leonet/link.h"

#define LN_REG_RES 3  /* candidate areas: H3 res 3 (~12,000 km^2) */

/* Sort key of a served terminal: its beam cell, then its index. */
typedef struct ln__link_beam_key {
    ln_cell beam;
    int i;
} ln__link_beam_key;

struct ln_link {
    /* configuration */
    double mask_rad, sin_mask;  /* terminal elevation mask */
    double sin_gw_mask;         /* sin of the gateway mask */
    int slot_sched;             /* the slot scheduler */
    int beams_per_sat;
    double beam_capacity_mbps, sat_capacity_mbps;
    int nthreads;
    /* satellites: positions and flags of this step (ln_link_sky) */
    size_t nsat;
    const double *x, *y, *z;    /* ECEF km, borrowed for the step */
    const unsigned char *usable;
    ln_satindex *ix;
    unsigned char *bent_ok;     /* usable and sees a gateway */
    const unsigned char *sat_ok;/* this step's reach: bent_ok or the
                                   mesh's (set by each step call) */
    ln_link_mesh mesh;          /* this step's mesh (has_mesh) */
    int has_mesh;
    /* gateways */
    size_t ngw;
    ln_site *gw;
    int *gw_antennas;
    int *gw_used;               /* antennas in use, this step */
    int8_t *sat_ngw;            /* per sat: visible gateways */
    int16_t *sat_gwi;           /* [sat][LN_GW_PER_SAT] by slant range */
    float *sat_gwkm;            /* matching slant ranges, km */
    int *sat_gw;                /* position in its list of the gateway
                                   whose antenna it holds, -1 none */
    int *sat_load;              /* terminals served this step */
    int16_t *sat_prev_gw;       /* gateway whose antenna it held at the
                                   previous step, -1 none */
    uint64_t *sat_order;        /* antenna queue: (users, index) keys */
    int16_t *sat_exit_gw;       /* gateway whose antenna it holds as a
                                   mesh exit only, -1 none */
    unsigned char *mesh_ok;     /* its mesh path's exit holds an antenna
                                   of the path's gateway */
    /* candidate areas: the H3 parents (res LN_REG_RES) of the terminals'
     * beam cells; per step each gets the list of satellites any site in
     * it could see, so a terminal's search scans a short list */
    size_t nreg, cap_reg;
    ln_cell *reg_cell;
    double *reg_lat, *reg_lon, *reg_margin; /* centre (rad), radius (rad) */
    int *reg_n;                 /* candidates this step (> reg_k: overflow) */
    int *reg_items;             /* [reg][reg_k] */
    double *reg_pos;            /* [reg][3][reg_k]: their x, y, z (km) */
    /* the same list without the candidates that cannot be any terminal's
     * best (serve.c, prune_region): reg_nb < 0 = not pruned this step */
    int *reg_nb;
    int *reg_items_b;           /* [reg][reg_k] */
    double *reg_pos_b;          /* [reg][3][reg_k] */
    ln_site *reg_site;          /* the area's centre on the ellipsoid */
    double *reg_elc;            /* [reg][reg_k] scratch: the highest
                                   elevation a candidate can have in the
                                   area, rad */
    int reg_k;
    int *term_reg;              /* per terminal */
    /* terminals (borrowed) */
    size_t nt;
    const ln_site *site;
    const ln_cell *beam;
    const unsigned char *allowed; /* this step's (ln_link_serve) */
    size_t lo, hi;              /* this part's terminals: lo .. hi-1 */
    ln_link_part part;          /* gather NULL: one part */
    /* per-terminal state and results */
    int *serving;               /* serving satellite, -1 none */
    int *srv0;                  /* ...at the start of this step */
    int *witness;               /* denied terminals: a satellite last seen
                                   above the mask (coverage), -1 none */
    int8_t *outcome;            /* ln_link_outcome */
    unsigned char *was_ok;      /* outcome was LN_LINK_OK at the previous
                                   step (handovers count only then) */
    unsigned char *covered, *handover;
    double *rate_mbps;
    float *rtt_ms;
    int8_t *hops;               /* ISL hops of the path, 0 bent pipe, -1 */
    /* capacity scratch */
    int *by_sat_start, *by_sat;
    ln__link_beam_key *beam_tmp; /* sort scratch, nt */
    /* slot scheduler (capacity.c, slot_assign) */
    int32_t *cand;              /* [terminal][LN_SCHED_K]: at a slot, the
                                   highest visible satellites that reach a
                                   gateway, by elevation; -1 pads */
    int *slot_used;             /* per sat: beam cells assigned this slot */
    ln_cell *slot_last;         /* per sat: the last beam cell assigned */
    int *slot_order;            /* nt: terminals in (beam, index) order */
};

/* Sets the step's mesh (NULL: bent pipe) and reach flags. */
static inline void ln__link_use_mesh(ln_link *l, const ln_link_mesh *m)
{
    l->has_mesh = m != NULL;
    if (m)
        l->mesh = *m;
    l->sat_ok = m ? m->reach : l->bent_ok;
}

/* Brings the other parts' values of base[a..b) (elements of size bytes):
 * nothing with one part. */
static inline void ln__link_gather(const ln_link *l, void *base, size_t size,
                                   size_t a, size_t b)
{
    if (l->part.gather)
        l->part.gather(l->part.user, base, size, a, b);
}

/* serve.c */
/* Index of the area holding a beam cell (added when new); -1 out of
 * memory. hint: an area to try first, or -1. */
long ln__link_region_of(ln_link *l, ln_cell c, long hint);

/* capacity.c */
/* The slot scheduler's choice after ln_link_serve at a slot. */
void ln__link_slot_assign(ln_link *l);

#endif
