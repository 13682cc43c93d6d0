/*
 * net_int.h - private to src/net: the network handle and the Dijkstra
 * work space.
 */
#ifndef LN_NET_INT_H
#define LN_NET_INT_H

#include <stdint.h>

#include "leonet/geodesy.h"
#include "leonet/net.h"

struct ln_net {
    size_t nsat, ngs, nisl;
    ln_net_config cfg;
    ln_net_isl *isls;     /* nisl, a < b */
    double *gs;           /* 3 * ngs, ECEF km */
    ln_site *site;        /* ngs, for LN_NET_GSL_ELEV (else NULL) */
    /* adjacency (CSR), half-edges of satellite s in interface order */
    int32_t *adj_off;     /* nsat + 1 */
    int32_t *adj_nbr;     /* 2 * nisl: neighbour satellite */
    int32_t *adj_isl;     /* 2 * nisl: ISL index */
    int32_t *nif;         /* nsat: ISL interfaces of each satellite */
    int32_t *if_a, *if_b; /* nisl: interface of the ISL at a and at b */
    /* per step */
    double *isl_km;       /* nisl: length, INFINITY when down */
    double *adj_w;        /* 2 * nisl: weight of each half-edge */
    uint8_t *sat_up;      /* nsat */
    uint8_t *gs_up;       /* ngs */
    int32_t *gsl_off;     /* ngs + 1 */
    int32_t *gsl_sat;     /* gsl_cap */
    double *gsl_km;       /* gsl_cap */
    size_t gsl_cap;
    char errmsg[256];
};

struct ln_net_work {
    size_t nsat;
    double *d;       /* nsat: tentative / final distance, km */
    int32_t *root;   /* nsat: exit satellite of the best route */
    uint8_t *done;   /* nsat: settled */
    struct ln__net_hent { double k; int32_t v; } *heap; /* lazy 4-ary
                        heap, capacity hcap (stale entries skipped) */
    size_t hcap;     /* nsat + 2 * nisl + 1: every push is a seed or a
                        strict improvement of one node over one ISL */
    double *seed;    /* nsat: seed distance (GSL length), INFINITY none */
    int32_t *seedgw; /* nsat: gateway of the seed */
};

/* Multi-source Dijkstra over the ISLs: seeds are w->seed (finite
 * entries); fills w->d and w->root. */
void ln__net_dijkstra(const ln_net *n, ln_net_work *w);
/* Next hop of s after ln__net_dijkstra (-1 = exit here / unreachable). */
int32_t ln__net_next_hop(const ln_net *n, const ln_net_work *w, int32_t s);

#endif
