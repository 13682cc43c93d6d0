/*
 * net.h - the network: laser links between satellites (ISLs), ground links
 * (GSLs), shortest paths and propagation latency, failures; and the
 * Hypatia-compatible forwarding-state generator.
 *
 * Model (docs/network.md has the full rules):
 *   - Nodes are satellites 0..nsat-1 and ground stations 0..ngs-1 (user
 *     points and gateways alike). Positions are ECEF, km, given per step
 *     by the caller as plain arrays (structure of arrays for satellites),
 *     so this area does not care where they come from.
 *   - ISLs are a fixed list of undirected pairs (a < b), by default the
 *     +Grid rule of ln_net_plus_grid. An ISL is up at a step when neither
 *     end is down, it is not cut, and (if a maximum is set) its length is
 *     at most max_isl_km. Interface numbers are static: the k-th ISL of a
 *     satellite in list order is its interface k (Hypatia's numbering).
 *   - A GSL between ground station g and satellite s exists at a step when
 *     both are up and the slant range is <= max_gsl_km (Hypatia's rule) or,
 *     with LN_NET_GSL_ELEV, when the elevation of s seen from g is at least
 *     min_elev_rad (WGS-84 ellipsoid normal, see docs/network.md).
 *   - Link weight = straight-line length, km. Latency = length / c
 *     (LN_C_KM_S, vacuum) on every link; no processing or queueing delay.
 *   - Paths never relay through a ground station ("only over ISLs"):
 *     ground -> satellite -> ISLs... -> satellite -> ground.
 *
 * Tie-breaking (deterministic, and Hypatia's wherever Hypatia defines it):
 *   - distance of a satellite to a destination: multi-source Dijkstra,
 *     heap ordered by (distance, node index); on an exact distance tie the
 *     route exiting at the smaller satellite index wins.
 *   - next hop of a satellite: the first ISL, in interface order, whose
 *     (length + neighbour's distance) equals the minimum (Hypatia's loop
 *     with a strict '<').
 *   - first satellite of a ground station: the smallest (GSL length + that
 *     satellite's distance), ties to the smaller satellite index (Hypatia
 *     sorts (distance, id) tuples).
 *
 * Hot paths (ln_net_update, ln_net_to_gs, ln_net_to_gateways,
 * ln_net_fstate_compute) allocate nothing after setup.
 */
#ifndef LEONET_NET_H
#define LEONET_NET_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "leonet/core.h"
#include "leonet/orbit.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- topology rules ---------------------------------------------------- */

typedef struct ln_net_isl {
    int32_t a, b; /* satellite indices, a < b */
} ln_net_isl;

/* One shell laid out plane by plane: satellite first + p * per_plane + s
 * is slot s of plane p (leonet's Walker shells and Hypatia's tles.txt use
 * this order). */
typedef struct ln_net_grid {
    int32_t first;        /* index of plane 0 slot 0 */
    int32_t planes;       /* P >= 1 */
    int32_t per_plane;    /* S >= 1 */
    int32_t plane_offset; /* the "adjacent" plane is p + plane_offset
                             (mod P); 1 = +Grid; 0 = no inter-plane ISL */
    int32_t slot_shift;   /* ...and its slot s + slot_shift (mod S):
                             Hypatia's isl_shift, 0 by default */
} ln_net_grid;

/* ln_net_plus_grid
 * Given:    grids, ngrids  shells
 * Returned: out, n         ISL list (ln_free it), in Hypatia's order: for
 *                          each plane p, each slot s: the link to slot
 *                          s+1 of the same plane, then the link to the
 *                          adjacent plane; pairs stored (min, max);
 *                          duplicates (P or S < 3) and self-links dropped.
 * Status:   0, LN_EINVAL (bad shell), LN_ENOMEM. */
int ln_net_plus_grid(const ln_net_grid *grids, size_t ngrids,
                     ln_net_isl **out /* OUT */, size_t *n /* OUT */);

/* ---- the network -------------------------------------------------------- */

enum { LN_NET_GSL_RANGE = 0, LN_NET_GSL_ELEV = 1 };

typedef struct ln_net_config {
    int gsl_rule;        /* LN_NET_GSL_RANGE or LN_NET_GSL_ELEV */
    double max_gsl_km;   /* RANGE: GSL iff slant range <= this */
    double min_elev_rad; /* ELEV: GSL iff elevation >= this */
    double max_isl_km;   /* ISL down when longer; <= 0: no limit */
    int isl_too_long_is_error; /* 1: ln_net_update fails with LN_ENET
                                  instead (Hypatia raises ValueError) */
} ln_net_config;

/* Failures at a step; any pointer may be NULL (= nothing failed). */
typedef struct ln_net_fail {
    const uint8_t *sat_down; /* nsat flags */
    const uint8_t *gs_down;  /* ngs flags: gateway down or jammed */
    const uint8_t *isl_cut;  /* nisl flags, in ISL list order */
} ln_net_fail;

typedef struct ln_net ln_net; /* opaque: graph + per-step state */

/* ln_net_new
 * Given:    nsat           satellites (< 2^31)
 *           isls, nisl     the ISL list (copied; a < b < nsat, no
 *                          duplicates)
 *           ngs            ground stations
 *           gs_ecef_km     3 * ngs doubles: x, y, z of each (copied)
 *           cfg            rules (copied)
 * Returned: out            the network (ln_net_free)
 * Status:   0, LN_EINVAL (bad index, duplicate ISL, bad config),
 *           LN_ENOMEM. */
int ln_net_new(size_t nsat, const ln_net_isl *isls, size_t nisl, size_t ngs,
               const double *gs_ecef_km, const ln_net_config *cfg,
               ln_net **out /* OUT */);
void ln_net_free(ln_net *n); /* NULL ok */

size_t ln_net_nsat(const ln_net *n);
size_t ln_net_ngs(const ln_net *n);
/* Number of ISLs of satellite s (its ISL interfaces 0..k-1). */
int ln_net_isl_count(const ln_net *n, int32_t s);

/* Moves ground station g (ECEF km) - e.g. a mobile terminal. */
void ln_net_set_gs(ln_net *n, size_t g, const double r_ecef_km[3]);

/* ln_net_update
 * Given:    x, y, z   satellite positions at this step, ECEF km (nsat
 *                     each; a non-finite position = satellite down)
 *           fail      failures at this step, or NULL
 * Returned: (state)   ISL lengths and up/down, each ground station's
 *                     visible satellites (in satellite order) and GSL
 *                     lengths
 * Status:   0, or LN_ENET when cfg.isl_too_long_is_error and an ISL is
 *           longer than max_isl_km (ln_net_errmsg says which). */
int ln_net_update(ln_net *n, const double *x, const double *y,
                  const double *z, const ln_net_fail *fail);

/* Last error message of the handle ("" when none). */
const char *ln_net_errmsg(const ln_net *n);

/* GSLs of ground station g at this step: *sats and *km (borrowed until
 * the next ln_net_update) are the satellites in range, increasing index,
 * and the link lengths. Returns their count. */
size_t ln_net_gsl(const ln_net *n, size_t g, const int32_t **sats,
                  const double **km);

/* Length of ISL i at this step, km (INFINITY when down). */
double ln_net_isl_km(const ln_net *n, size_t i);

/* ---- shortest paths ------------------------------------------------------ */

/* Work space of one thread for the queries below (heap, marks). */
typedef struct ln_net_work ln_net_work;
int ln_net_work_new(const ln_net *n, ln_net_work **out /* OUT */);
void ln_net_work_free(ln_net_work *w); /* NULL ok */

/* ln_net_to_gs
 * Given:    n, w      network after ln_net_update; work space
 *           g         destination ground station
 * Returned: dist_km   nsat: length of the shortest path satellite ->
 *                     ISLs -> exit satellite -> g, km (INFINITY if none)
 *           next      nsat: next satellite, or -1 when the satellite is
 *                     itself the exit (down to g) or g is unreachable
 *           exit_sat  nsat: the exit satellite (-1 if unreachable); any of
 *                     next/exit_sat may be NULL
 * Notes:    one multi-source Dijkstra seeded with the GSLs of g. */
void ln_net_to_gs(const ln_net *n, ln_net_work *w, size_t g,
                  double *dist_km /* OUT */, int32_t *next /* OUT */,
                  int32_t *exit_sat /* OUT */);

/* ln_net_to_gateways: the engine's query. The same, seeded with the GSLs
 * of every ground station whose gw_mask[g] is non-zero (gw_mask NULL: all
 * ground stations are gateways).
 * Returned: dist_km   nsat: shortest satellite -> ... -> gateway, km
 *           next      nsat: next satellite, -1 = downlink from here
 *           gw        nsat: the gateway reached (-1 = none reachable)
 * Notes:    one-way latency in ms = dist_km / LN_C_KM_S * 1e3. An exact
 *           tie goes to the smaller exit satellite index, then the smaller
 *           gateway index. */
void ln_net_to_gateways(const ln_net *n, ln_net_work *w,
                        const uint8_t *gw_mask, double *dist_km /* OUT */,
                        int32_t *next /* OUT */, int32_t *gw /* OUT */);

/* ln_net_bent_pipe: the nearest gateway that satellite s sees directly.
 * Returns the gateway index (and its GSL length in *km) or -1. gw_mask as
 * above. O(ngs). */
int32_t ln_net_bent_pipe(const ln_net *n, int32_t s, const uint8_t *gw_mask,
                         double *km /* OUT */);

/* One ground-to-ground route. */
typedef struct ln_net_route {
    double km;          /* total length, INFINITY when no route */
    double one_way_ms;  /* km / c */
    double rtt_ms;      /* 2 * one_way_ms (symmetric path) */
    int hops;           /* links: GSL up + ISLs + GSL down (0: none) */
    int32_t *sats;      /* satellites in order (caller's buffer) */
    int nsats;          /* entries written */
} ln_net_route;

/* ln_net_route_gs
 * Given:    src, dst  ground stations (src != dst)
 *           sats_buf  buffer for the satellites of the path, cap entries
 * Returned: r         the route; nsats may be cut at cap (hops is not)
 * Status:   0, LN_ENOROUTE (r->km = INFINITY), LN_EINVAL. */
int ln_net_route_gs(const ln_net *n, ln_net_work *w, size_t src, size_t dst,
                    int32_t *sats_buf, int cap, ln_net_route *r /* OUT */);

/* ---- one time step ------------------------------------------------------- */

/* ln_net_advance - the network at one time step: orbit's stepping loop
 * (ln_orbit_step: SGP4, TEME -> ECEF) and then ln_net_update. leonet
 * route and Hypatia's dynamic state step through it.
 * Given:    n         the network (ln_net_nsat(n) == ln_orbit_count(o))
 *           o         its constellation
 *           at        the instant (ln_orbit_at: UTC, or Hypatia's clock)
 *           fail      failures at this step, or NULL
 *           nthreads  SGP4 threads (<= 0: all cores)
 * Returned: pv        the satellites' ECEF positions (km), velocities
 *                     (km/s) and err (caller's arrays, nsat each; a
 *                     satellite that fails to propagate has a NaN
 *                     position, so it is down)
 *           orbit_s   wall seconds of the ln_orbit_step part (may be
 *                     NULL)
 *           (state)   as ln_net_update
 * Status:   as ln_net_update. */
int ln_net_advance(ln_net *n, const ln_orbit *o, const ln_orbit_at *at,
                   const ln_net_fail *fail, int nthreads,
                   ln_pv_soa *pv /* OUT */, double *orbit_s /* OUT */);

/* ---- the laser mesh of a constellation (leonet run's link.isl) ---------- */

/* The engine's laser mesh (docs/network.md, "Laser links" in
 * docs/scenario.md): which satellites carry lasers (in service, inclined
 * at least 53.15 deg), the static ISL list (+Grid per laser shell of
 * Walker shells, or rebuilt from the orbits of element sets), and per step
 * which satellites reach a gateway and each one's shortest path to a
 * gateway over the ISLs. Gateway links by elevation (LN_NET_GSL_ELEV);
 * an ISL longer than 5,016 km is down. Steps allocate nothing. */
typedef struct ln_mesh ln_mesh; /* opaque */

typedef struct ln_mesh_spec {
    const ln_orbit *orbit;           /* the constellation (borrowed for
                                        ln_mesh_new): its element sets'
                                        inclinations decide the lasers */
    const unsigned char *in_service; /* nsat flags, NULL: all; satellites
                                        out of service carry no lasers */
    const ln_shell *shells;          /* the Walker shells the sets were
                                        made from (ln_shells_to_elsets
                                        order), or NULL: ISLs rebuilt from
                                        the orbits at t_start_unix_s */
    size_t nshells;
    double t_start_unix_s;           /* shells NULL: the instant (UTC)
                                        whose planes are read */
    int nthreads;                    /* SGP4 threads for that instant */
    const double *gw_ecef_km;        /* 3 * ngw: gateways x, y, z (ECEF,
                                        km; copied) */
    size_t ngw;
    double gw_min_elev_rad;          /* gateway links: elevation mask */
} ln_mesh_spec;

/* ln_mesh_new
 * Given:    spec   the constellation and the gateways (above)
 * Returned: out    the mesh (ln_mesh_free)
 * Status:   0, LN_EINVAL (bad shell), LN_ENOMEM; diag says which. */
int ln_mesh_new(const ln_mesh_spec *spec, ln_mesh **out /* OUT */,
                ln_diag *diag);
void ln_mesh_free(ln_mesh *m); /* NULL ok */

typedef struct ln_mesh_info {
    const char *isl_rule; /* "plus-grid" (Walker shells) or
                             "plus-grid-from-orbits" (static string) */
    size_t nisl;          /* ISLs of the run */
    size_t nlaser;        /* satellites with lasers (in service and
                             inclined enough; from orbits: before those
                             that fail to propagate at the start lose
                             theirs) */
} ln_mesh_info;
void ln_mesh_info_get(const ln_mesh *m, ln_mesh_info *out /* OUT */);

/* Outputs of the last step, nsat entries each; the pointers stay valid
 * for the mesh's life, the values change at each ln_mesh_reach (sat_ok)
 * and ln_mesh_route (the others). */
typedef struct ln_mesh_out {
    const unsigned char *sat_ok; /* usable and reaches a gateway: over the
                                    mesh, or a bent pipe (gw_count) */
    const double *km;      /* shortest path satellite -> ISLs -> exit ->
                              gateway, km (INFINITY: none) */
    const int32_t *next;   /* next satellite of the path, -1 when the
                              satellite is the exit or has no path */
    const int32_t *gw;     /* gateway of the path, -1 none */
    const int16_t *hops;   /* ISLs of the path (0: the exit itself), -1
                              none */
} ln_mesh_out;
const ln_mesh_out *ln_mesh_outputs(const ln_mesh *m);

/* ln_mesh_reach - the links of a step and which satellites reach a
 * gateway (a breadth-first search over the ISLs that are up from the
 * satellites with a gateway link): enough for the terminals' choice.
 * Given:    ecef      the satellites' positions at the step (x, y, z,
 *                     ECEF km; ln_orbit_step)
 *           usable    nsat flags: in service and propagated (others are
 *                     down)
 *           gw_count  nsat: gateways the satellite sees by the caller's
 *                     own test (link's lists), or NULL; a usable
 *                     satellite with one reaches a gateway (bent pipe)
 * Returned: sat_ok of ln_mesh_outputs. */
void ln_mesh_reach(ln_mesh *m, const ln_pv_soa *ecef,
                   const unsigned char *usable, const int8_t *gw_count);

/* ln_mesh_route - after ln_mesh_reach: each satellite's shortest path to
 * a gateway (ln_net_to_gateways: ties to the smaller exit satellite, then
 * the smaller gateway) and its ISL hop count.
 * Returned: km, next, gw, hops of ln_mesh_outputs. Touches nothing that
 * ln_mesh_reach returned, so it may run while other threads read
 * sat_ok. */
void ln_mesh_route(ln_mesh *m);

/* ---- failures ------------------------------------------------------------ */

/* A failure file: items 'sat I', 'gs I', 'isl A B', each down for the
 * whole run or, with 'from T0' / 'until T1' (seconds after the start), on
 * [T0, T1); '#' comments (docs/network.md). */
typedef struct ln_net_failset ln_net_failset;

/* ln_net_failset_parse / ln_net_failset_read
 * Given:    buf, len, name (or path)  the text
 *           nsat, ngs, isls, nisl     the network the indices refer to
 *                                     ('gs I' = ground station I < ngs)
 * Returned: out                       the items (ln_net_failset_free)
 * Status:   0, LN_EPARSE (diag: file, line, what), LN_EIO, LN_ENOMEM. */
int ln_net_failset_parse(const char *buf, size_t len, const char *name,
                         size_t nsat, size_t ngs, const ln_net_isl *isls,
                         size_t nisl, ln_net_failset **out /* OUT */,
                         ln_diag *diag);
int ln_net_failset_read(const char *path, size_t nsat, size_t ngs,
                        const ln_net_isl *isls, size_t nisl,
                        ln_net_failset **out /* OUT */, ln_diag *diag);
void ln_net_failset_free(ln_net_failset *fs); /* NULL ok */
size_t ln_net_failset_count(const ln_net_failset *fs); /* items */

/* Sets to 1 the flags of the items down at t_s (seconds after the start;
 * NaN: every item); other flags are untouched (clear them first). Any
 * pointer may be NULL (its items are skipped). Returns the flags set. */
size_t ln_net_failset_apply(const ln_net_failset *fs, double t_s,
                            uint8_t *sat_down, uint8_t *gs_down,
                            uint8_t *isl_cut);

/* Reads a failure file without time windows (an item with 'from' or
 * 'until' is LN_EPARSE: use ln_net_failset_read) and sets the flags in
 * the caller's arrays (any may be NULL when the line kind is not
 * expected: then LN_EPARSE). */
int ln_net_fail_read(const char *path, size_t nsat, size_t ngs,
                     const ln_net_isl *isls, size_t nisl, uint8_t *sat_down,
                     uint8_t *gs_down, uint8_t *isl_cut, ln_diag *diag);

/* ---- jamming ------------------------------------------------------------- */

/* Jamming regions: polygons in which terminal and gateway links fail. */
typedef struct ln_net_jam ln_net_jam;

/* ln_net_jam_parse / ln_net_jam_read
 * Given:    buf, len, name  a GeoJSON document (Polygon, MultiPolygon,
 *                           Feature, FeatureCollection; name for
 *                           diagnostics) - or the file at path
 * Returned: out             the regions (ln_net_jam_free): one per
 *                           feature, active on [valid_from, valid_until)
 *                           when its properties give those ISO 8601 UTC
 *                           times (absent / null: always)
 * Status:   0, LN_EGEOJSON (bad document or time, with the member path),
 *           LN_EGEOM (bad polygon), LN_EIO, LN_ETOOBIG, LN_ENOMEM. */
int ln_net_jam_parse(const char *buf, size_t len, const char *name,
                     ln_net_jam **out /* OUT */, ln_diag *diag);
int ln_net_jam_read(const char *path, ln_net_jam **out /* OUT */,
                    ln_diag *diag);
void ln_net_jam_free(ln_net_jam *j); /* NULL ok */
size_t ln_net_jam_count(const ln_net_jam *j); /* regions */

/* 1 when (lat, lon) (WGS-84, degrees) is inside a region active at
 * t_unix_s (NaN: any region), else 0. A point on an edge is inside. */
int ln_net_jam_contains_deg(const ln_net_jam *j, double lat_deg,
                            double lon_deg, double t_unix_s);

/* ln_net_jam_apply
 * Given:    n         the network (its ground-station positions)
 *           j         jamming regions (NULL: none)
 *           t_unix_s  time of the step, NaN = every region active
 * Returned: gs_down   ngs flags: 1 set for every ground station inside an
 *                     active region (others untouched, so jamming ORs
 *                     into the caller's failure flags)
 * Returns the number of jammed ground stations.
 * Notes:    pass the flags as ln_net_fail.gs_down to ln_net_update: a
 *           jammed terminal or gateway then has no GSL at that step. */
size_t ln_net_jam_apply(const ln_net *n, const ln_net_jam *j,
                        double t_unix_s, uint8_t *gs_down /* OUT */);

/* ---- Hypatia-compatible forwarding state -------------------------------- */

/* One forwarding entry: next hop node id and interfaces (-1,-1,-1 =
 * drop). Node ids: satellites 0..nsat-1, ground station g = nsat + g. */
typedef struct ln_net_fentry {
    int32_t next, my_if, next_if;
} ln_net_fentry;

typedef struct ln_net_fstate ln_net_fstate;

/* ln_net_fstate_new: state for algorithm_free_one_only_over_isls (one GSL
 * interface per node, no ground-station relays). nthreads <= 0: all
 * cores. */
int ln_net_fstate_new(const ln_net *n, int nthreads,
                      ln_net_fstate **out /* OUT */);
void ln_net_fstate_free(ln_net_fstate *f); /* NULL ok */

/* Computes the table for the network's current step (after
 * ln_net_update) into the "current" buffer.
 * Notes:    incremental by default: each destination's shortest-path tree
 *           of the previous call is re-evaluated with the new lengths and
 *           GSLs and checked for optimality (no ISL or GSL can shorten any
 *           distance, and every satellite has exactly one tight
 *           predecessor); where the check fails the tree is repaired from
 *           the violating satellites, and on an exact tie the destination
 *           is recomputed from scratch. The table and distances are the
 *           same, bit for bit, as from-scratch Dijkstras
 *           (docs/network.md, "Incremental computation"). */
void ln_net_fstate_compute(ln_net_fstate *f);

/* on = 1 (default): incremental as above; 0: a full Dijkstra per
 * destination at every step (the reference for tests and benchmarks). */
void ln_net_fstate_set_incremental(ln_net_fstate *f, int on);

/* How the destinations were computed, summed over all calls of
 * ln_net_fstate_compute since ln_net_fstate_new. */
typedef struct ln_net_fstate_counts {
    long verified; /* previous tree still optimal: no search at all */
    long repaired; /* tree repaired from the violating satellites */
    long tied;     /* exact tie met: recomputed from scratch */
    long full;     /* from scratch: first step, or incremental off */
} ln_net_fstate_counts;
void ln_net_fstate_counts_get(const ln_net_fstate *f,
                              ln_net_fstate_counts *out /* OUT */);

/* Distances of every satellite to destination ground station dst_gs at
 * the last ln_net_fstate_compute (nsat entries, km, INFINITY when
 * unreachable; borrowed), or NULL for a bad index. */
const double *ln_net_fstate_dist(const ln_net_fstate *f, int32_t dst_gs);

/* Entry of the current table for (node, destination ground station). */
const ln_net_fentry *ln_net_fstate_get(const ln_net_fstate *f, int32_t node,
                                       int32_t dst_gs);

/* Writes the current table to out in Hypatia's order and line format
 * "cur,dst,next,my_if,next_if\n": every entry when full (or at the first
 * call), else only entries that differ from the previous table; then the
 * current table becomes the previous one. Returns lines written or
 * LN_EIO. */
long ln_net_fstate_write(ln_net_fstate *f, FILE *out, int full);

/* ---- Hypatia static state files (satgenpy layout) ----------------------- */

typedef struct ln_hyp_gs {
    char name[128];
    char lat_str[40], lon_str[40]; /* as in the file (degrees) */
    double lat_deg, lon_deg, elev_m;
    double ecef_m[3]; /* extended file's cartesian (Hypatia: WGS-72) */
    int has_ecef;     /* 1 when the file had 8 columns */
} ln_hyp_gs;

typedef struct ln_hyp_state {
    int n_orbits, n_sats_per_orbit;  /* tles.txt first line */
    ln_elset *els;                   /* nsat element sets */
    size_t nsat;
    ln_hyp_gs *gs;
    size_t ngs;
    ln_net_isl *isls;
    size_t nisl;
    int32_t *gsl_nif;      /* nsat + ngs: number_of_interfaces */
    double *gsl_bw;        /* nsat + ngs: aggregate_max_bandwidth */
    double max_gsl_m, max_isl_m; /* description.txt */
} ln_hyp_state;

/* Reads STATE_DIR/{tles.txt, isls.txt, ground_stations.txt,
 * gsl_interfaces_info.txt, description.txt} with satgenpy's checks.
 * Status: 0, LN_EIO, LN_EPARSE / LN_ETLE_* (diag names file and line),
 * LN_ENOMEM. */
int ln_hyp_read(const char *dir, ln_hyp_state *st /* OUT */, ln_diag *diag);
/* Reads only a ground-station file (basic or extended format); *out is
 * ln_malloc'd (ln_free it). */
int ln_hyp_read_gs_file(const char *path, ln_hyp_gs **out /* OUT */,
                        size_t *n /* OUT */, ln_diag *diag);
void ln_hyp_free(ln_hyp_state *st); /* leaves st zeroed */

/* Path of the built-in ground-station list (Hypatia's top 100 cities,
 * data/net/ground_stations_top_100.txt; see data/net/README.md). */
const char *ln_net_default_gs_file(void);

/* Writes the same five files into dir (which must exist). tles.txt holds
 * lines "<name> <id>" + TLE; names are "leonet" when an elset has none. */
int ln_hyp_write(const char *dir, const ln_hyp_state *st, ln_diag *diag);

/* Ground-station position as Hypatia's ns-3 part uses it: the extended
 * file's cartesian, else WGS-72 geodetic -> ECEF (satgenpy's
 * geodetic2cartesian). km. */
void ln_hyp_gs_ecef_km(const ln_hyp_gs *g, double r_km[3] /* OUT */);

/* Figures of a run. */
typedef struct ln_hyp_stats {
    long steps;
    double propagate_s; /* SGP4 + TEME->ECEF, wall */
    double graph_s;     /* ln_net_update (ISL lengths, GSL ranges), wall */
    double route_s;     /* ln_net_fstate_compute, wall */
    double write_s;     /* fstate + gsl_if_bandwidth files, wall */
    double total_s;
    long lines;         /* fstate lines written */
    ln_net_fstate_counts counts; /* how destinations were computed */
    double cpu_s;       /* process CPU time of the whole run (user + sys,
                           all threads): on a busy machine a better
                           measure of the work than the wall times */
    double route_cpu_s; /* ... of ln_net_fstate_compute */
} ln_hyp_stats;

/* ln_hyp_run
 * Given:    st          static state (ln_hyp_read)
 *           duration_s  simulated seconds (steps at t = 0, step, ...,
 *                       < duration, as satgenpy)
 *           step_ms     time step, ms (> 0); duration_s at most 10 years,
 *                       step_ms at most a day, at most 10 million steps
 *                       (LN_EINVAL beyond)
 *           nthreads    threads (<= 0: all cores)
 *           outdir      existing directory receiving
 *                       dynamic_state_<MS>ms_for_<S>s/ (created)
 *           pos_dump    if not NULL, every step's satellite and ground
 *                       station ECEF positions (m, %.17g) are appended
 *                       here (for the oracle tests)
 * Returned: stats (may be NULL)
 * Status:   0, LN_EIO, LN_ENET (ISL too long, as satgenpy), LN_EORBIT_*,
 *           LN_ENOMEM; diag says what. */
int ln_hyp_run(const ln_hyp_state *st, long duration_s, long step_ms,
               int nthreads, const char *outdir, FILE *pos_dump,
               ln_hyp_stats *stats /* OUT */, ln_diag *diag);

/* Options of ln_hyp_run_opt (zero = ln_hyp_run's behaviour). */
typedef struct ln_hyp_opts {
    int full_dijkstra; /* 1: no reuse of the previous step's trees
                          (ln_net_fstate_set_incremental(f, 0)) */
} ln_hyp_opts;
/* ln_hyp_run with options (opts may be NULL). */
int ln_hyp_run_opt(const ln_hyp_state *st, long duration_s, long step_ms,
                   int nthreads, const char *outdir, FILE *pos_dump,
                   const ln_hyp_opts *opts, ln_hyp_stats *stats /* OUT */,
                   ln_diag *diag);

#ifdef __cplusplus
}
#endif
#endif
