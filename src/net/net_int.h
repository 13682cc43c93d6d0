/*
 * net_int.h - private to src/net: the network handle and the Dijkstra
 * work space.
 */
#ifndef LN_NET_INT_H
#define LN_NET_INT_H

#include <stdint.h>

#include "leonet/geodesy.h"
#include "leonet/net.h"

#define LN__NET_CAND_MARGIN_KM 100.0

struct ln_net {
    size_t nsat, ngs, nisl;
    ln_net_config cfg;
    ln_net_isl *isls;     /* nisl, a < b */
    double *gs;           /* 3 * ngs, ECEF km */
    ln_site *site;        /* ngs, for LN_NET_GSL_ELEV (else NULL) */
    /* adjacency: half-edges of satellite s in interface order at
       adj_off[s] .. adj_off[s + 1]; with a fixed stride (stride > 0, e.g.
       4 for +Grid) adj_off[s] = stride * s and satellites with fewer ISLs
       are padded with self-loops of length INFINITY (adj_isl -1) */
    int32_t stride;       /* 0: plain CSR */
    size_t nhalf;         /* half-edges incl. padding */
    int32_t *adj_off;     /* nsat + 1 */
    int32_t *adj_nbr;     /* nhalf: neighbour satellite */
    int32_t *adj_isl;     /* nhalf: ISL index (-1: padding) */
    int32_t *adj_rev;     /* nhalf: the same ISL's half-edge at the
                             neighbour */
    int32_t *nif;         /* nsat: ISL interfaces of each satellite */
    int32_t *if_a, *if_b; /* nisl: interface of the ISL at a and at b */
    /* per step */
    double *isl_km;       /* nisl: length, INFINITY when down */
    double *adj_w;        /* nhalf: weight of each half-edge, km */
    uint8_t *sat_up;      /* nsat */
    uint8_t *gs_up;       /* ngs */
    int32_t *gsl_off;     /* ngs + 1 */
    int32_t *gsl_sat;     /* gsl_cap */
    double *gsl_km;       /* gsl_cap */
    size_t gsl_cap;
    /* GSL candidates (range rule): satellites within max_gsl_km +
       LN__NET_CAND_MARGIN_KM of each ground station when the list was
       built; valid while the satellites have moved less than the margin
       in total since (tracked from their positions), so the exact range
       test runs on ~30 satellites per station instead of all */
    int cand_ok;          /* the lists are valid */
    int32_t *cand_off;    /* ngs + 1 */
    uint8_t *cand_stale;  /* ngs: station moved since (ln_net_set_gs):
                             its list is not used until the next build */
    int32_t *cand_sat;    /* cand_cap */
    size_t cand_cap;
    double *px, *py, *pz; /* nsat: positions of the previous update */
    double moved_km;      /* sum of the largest step displacements since
                             the lists were built */
    char errmsg[256];
};

struct ln_net_work {
    double *d;       /* nsat: tentative / final distance, km */
    int32_t *root;   /* nsat: exit satellite of the best route */
    uint8_t *done;   /* nsat: settled */
    struct ln__net_hent { double k; int32_t v; } *heap; /* lazy 4-ary
                        heap, capacity hcap (stale entries skipped) */
    size_t hcap;     /* nsat + 2 * nisl + 1: every push is a seed or a
                        strict improvement of one node over one ISL */
    double *seed;    /* nsat: seed distance (GSL length), INFINITY none */
    int32_t *seedgw; /* nsat: gateway of the seed */
    int32_t *stk;    /* nsat: stack of the tree walk (fstate.c) */
    int32_t *tmp;    /* nsat + 1: counting sort (fstate.c) */
    int32_t *ord;    /* nsat: walk order of a tree (fstate.c) */
};

/* Multi-source Dijkstra over the ISLs: seeds are w->seed (finite
 * entries); fills w->d and w->root. */
void ln__net_dijkstra(const ln_net *n, ln_net_work *w);
/* Next hop of s after ln__net_dijkstra (-1 = exit here / unreachable). */
int32_t ln__net_next_hop(const ln_net *n, const ln_net_work *w, int32_t s);
/* Sets (set = 1) or clears (0) w->seed / w->seedgw from the GSLs of g. */
void ln__net_seed_gs(const ln_net *n, ln_net_work *w, size_t g, int set);
/* Label-correcting repair of d / par from the lowered nodes start[0..m)
 * (fstate.c explains par). */
void ln__net_repair(const ln_net *n, ln_net_work *w, double *d,
                    int32_t *par, const int32_t *start, size_t m);

#endif
