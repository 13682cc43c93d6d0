/*
 * link.h - terminals on the ground and the satellites they can see:
 * scattering fixed terminals, moving mobile ones along tracks, the
 * per-step index of satellites that answers "which satellites are above
 * the elevation mask here" without looking at all of them, and the step
 * of the link layer (ln_link): each satellite's visible gateways, each
 * terminal's serving satellite and handover, gateway antennas, and the
 * share of satellite and beam capacity with the round-trip time.
 *
 * Frames and units: positions ECEF km (the frame ln_teme_to_ecef gives),
 * geodetic WGS-84 rad. Elevation masks are compared as sin(elevation)
 * with geodesy.h's ln_site_above (the library's one elevation test).
 */
#ifndef LEONET_LINK_H
#define LEONET_LINK_H

#include <stddef.h>
#include <stdint.h>

#include "leonet/cell.h"
#include "leonet/core.h"
#include "leonet/geodesy.h"
#include "leonet/geofence.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- satellite index ------------------------------------------------ */

/* A grid of sub-satellite points, rebuilt every step. Cells are
 * LN_SATINDEX_CELL_DEG degrees in latitude and longitude; a query visits
 * the cells within the coverage half-angle of the highest satellite at
 * the given mask, so it checks a few dozen satellites instead of all. */
#define LN_SATINDEX_CELL_DEG 2.0

typedef struct ln_satindex ln_satindex;

/* ln_satindex_new
 * Given:    nsat         capacity (satellites)
 *           max_alt_km   highest altitude a satellite may have
 *           min_mask_rad lowest elevation mask any query will use
 * Returned: out          an empty index (ln_satindex_free)
 * Status:   0, LN_EINVAL, LN_ENOMEM */
int ln_satindex_new(size_t nsat, double max_alt_km, double min_mask_rad,
                    ln_satindex **out /* OUT */);
void ln_satindex_free(ln_satindex *ix);

/* Rebuilds the index for one step. x, y, z: ECEF km of n (<= capacity)
 * satellites; usable[i] == 0 leaves satellite i out. No allocation. */
void ln_satindex_build(ln_satindex *ix, const double *x, const double *y,
                       const double *z, const unsigned char *usable,
                       size_t n);
/* The same on nthreads threads (the result does not depend on it). */
void ln_satindex_build_mt(ln_satindex *ix, const double *x, const double *y,
                          const double *z, const unsigned char *usable,
                          size_t n, int nthreads);

/* The satellites above sin_mask (sin of the elevation mask) seen from a
 * prepared site: writes up to max indices and their sin(elevation) in
 * ascending satellite index order; returns how many there are (may be
 * more than max). Thread-safe on a built index. */
size_t ln_satindex_visible(const ln_satindex *ix, const ln_site *site,
                           double sin_mask, int *idx /* OUT */,
                           double *sin_el /* OUT */, size_t max);

/* ln_satindex_near
 * Given:    lat_rad, lon_rad  a point; extra_rad  a radius around it
 * Returned: idx[0..min(n, max))  the satellites (ascending index) that
 *           any site within extra_rad of the point could see above the
 *           index's lowest mask: a candidate list shared by the terminals
 *           of one area; returns n.
 * Notes:    candidates must still be checked per site (exactly). */
size_t ln_satindex_near(const ln_satindex *ix, double lat_rad,
                        double lon_rad, double extra_rad, int *idx,
                        size_t max);

/* 1 if at least one satellite is above sin_mask (stops at the first). */
int ln_satindex_any_visible(const ln_satindex *ix, const ln_site *site,
                            double sin_mask);

/* sin(elevation) of satellite i from a site (no index needed). */
double ln_satindex_sin_el(const ln_satindex *ix, const ln_site *site, int i);

/* ---- fixed terminals -------------------------------------------------- */

/* A weighted point: terminals cluster around it with a Gaussian spread. */
typedef struct ln_weight_point {
    double lat_rad, lon_rad;
    double weight;   /* relative, >= 0 */
    double sigma_km; /* spread (standard deviation), km, > 0 */
} ln_weight_point;

/* Draws per terminal before a group is refused (see ln_link_place). */
#define LN_PLACE_MAX_DRAWS 100000L

/* An exclusion test for ln_link_place: nonzero when a point (geodetic,
 * rad) may hold no terminal (sim passes its exclusion zones' deny test). */
typedef int (*ln_link_exclude_fn)(void *user, double lat_rad,
                                  double lon_rad);

/* ln_link_place
 * Given:    region         terminals fall inside (or on its boundary)
 *           exclude, user  never where exclude(user, lat, lon) != 0
 *                          (NULL: no exclusion)
 *           pts, npts      weighted points (npts may be 0)
 *           rural_share    share of terminals spread uniformly over the
 *                          region's allowed land, 0..1 (1 when npts == 0)
 *           seed, count    randomness; how many terminals
 *           group, file    names for the diagnostics (the group's name and
 *                          the scenario file)
 * Returned: lat_rad, lon_rad  count positions
 *           from           if not NULL: per terminal, the index of its
 *                          weighted point, or -1 for a rural terminal
 *           diag           on error, naming the group
 * Status:   0; LN_ESCENARIO when every weighted point is excluded while
 *           rural_share < 1, or when a terminal finds no allowed position
 *           in LN_PLACE_MAX_DRAWS draws (the region minus the exclusion
 *           leaves (almost) no land where the group draws); LN_EINVAL (no
 *           region, bad weight or sigma); LN_ENOMEM.
 * Rules:    a point whose centre is excluded gets no terminals (weight
 *           0). Each terminal is rural with probability rural_share, else
 *           clustered. A clustered terminal draws a point by weight and a
 *           Gaussian offset around it (ln_geo_offset_km); a position
 *           outside the region or excluded is dropped and a NEW point is
 *           drawn by the weights (never again around the same one), so a
 *           point keeps the share w_i a_i / sum_j w_j a_j, a_i being the
 *           chance that a draw around it is allowed: land that is lost
 *           (sea, occupied) sends its terminals to every other point in
 *           proportion to their weights, not to the nearest allowed land. A
 *           rural terminal is redrawn uniformly (uniform over the allowed
 *           land). Deterministic for a seed (ln_hash64 stream). */
int ln_link_place(const ln_geo_shape *region, ln_link_exclude_fn exclude,
                  void *user, const ln_weight_point *pts, size_t npts,
                  double rural_share, uint64_t seed, size_t count,
                  double *lat_rad /* OUT */, double *lon_rad /* OUT */,
                  int *from /* OUT, may be NULL */, const char *group,
                  const char *file, ln_diag *diag);

/* ---- mobile terminals -------------------------------------------------- */

/* A track: waypoints with times (ascending). Before the first time a
 * terminal waits at the first point, after the last at the last point;
 * in between it moves along the great circle between waypoints at
 * constant speed. */
typedef struct ln_track {
    size_t n;
    const double *lat_rad, *lon_rad, *t_unix_s;
} ln_track;

/* Position on a track at t, with an offset (east, north) in km and a
 * time shift (the unit is shift_s behind the track's schedule). */
void ln_track_position(const ln_track *tr, double t_unix_s, double shift_s,
                       double east_km, double north_km,
                       double *lat_rad /* OUT */, double *lon_rad /* OUT */);

/* ---- the link step (src/link/link.c, serve.c, capacity.c) -------------
 * One handle holds the link layer's state between steps: per satellite
 * its visible gateways and antenna, per terminal its serving satellite,
 * candidate area and results. The caller (the engine, later the daemon)
 * owns satellite positions, terminal positions and policy decisions, and
 * calls, per step of t:
 *   ln_link_sky       satellites: index, visible gateways (bent pipe)
 *   ln_link_track     terminals that moved: their candidate areas
 *   ln_link_areas     per area, the satellites any of its terminals sees
 *   ln_link_serve     per terminal (allowed ones): keep the serving
 *                     satellite while it is above the mask and reaches a
 *                     gateway, else hand over to the highest one (ties:
 *                     lower index); the slot scheduler reassigns all
 *   ln_link_gateways  gateway antennas; rehoming of stranded terminals
 *   ln_link_capacity  beam and satellite capacity share, RTT, ISL hops
 * and reads the results with ln_link_results_of. Threads: the per-terminal
 * and per-satellite loops run on cfg.nthreads OpenMP threads; results do
 * not depend on the thread count. No call allocates but ln_link_new and
 * ln_link_track (a new candidate area). */

/* A terminal's link outcome this step. Values equal policy's reasons for
 * the same outcomes (LN_REASON_NONE, _NO_SAT, _NO_GW: policy.h names
 * them from these). */
typedef enum ln_link_outcome {
    LN_LINK_DENIED = -1, /* not allowed by the caller: coverage only */
    LN_LINK_OK = 0,      /* served: satellite and gateway */
    LN_LINK_NO_SAT = 4,  /* no usable satellite above the mask */
    LN_LINK_NO_GW = 5    /* a satellite, but none reaches a gateway */
} ln_link_outcome;

#define LN_GW_PER_SAT 8  /* gateways remembered per satellite and step */
#define LN_SCHED_K 8     /* satellites a terminal may fall back to at a
                            slot of the slot scheduler */

/* Parts (the MPI ranks of `leonet run`, issue 16): each process links a
 * contiguous block of the terminals, and link asks the caller to bring
 * the other parts' values of a per-terminal array wherever a step
 * couples terminals (loads per satellite, the slot scheduler, capacity
 * per beam). gather(user, base, size, a, b): afterwards the elements
 * a..b-1 (size bytes each) of the array at base hold every part's own
 * values (each part's block from that part). Every part calls it at the
 * same points with the same arguments (a collective call). */
typedef struct ln_link_part {
    void (*gather)(void *user, void *base, size_t size, size_t a, size_t b);
    void *user;
} ln_link_part;

typedef struct ln_link_config {
    double mask_rad;           /* terminal elevation mask, >= 0 */
    double gw_mask_rad;        /* gateway elevation mask, >= 0 */
    int slot_scheduler;        /* 0 sticky, 1 slot (ln_link_serve's slot) */
    int beams_per_sat;         /* beam cells served at once, >= 1 */
    double beam_capacity_mbps; /* per beam */
    double sat_capacity_mbps;  /* per satellite */
    int nthreads;              /* >= 1 */
    /* satellites */
    size_t nsat;
    double max_alt_km;         /* highest apogee (index coverage) */
    /* gateways (copied) */
    size_t ngw;
    const ln_site *gw_site;    /* ngw prepared sites */
    const int *gw_antennas;    /* ngw: antennas (satellites at once) */
    /* terminals (borrowed for the handle's life: the caller updates
     * them in place when terminals move, then calls ln_link_track) */
    size_t nt;
    const ln_site *site;       /* nt prepared sites */
    const ln_cell *beam;       /* nt beam cells (capacity is shared per
                                  beam cell; fixed terminals should come
                                  ordered by beam cell, for speed) */
    /* with part (not NULL): this process's terminals are part_first ..
     * part_first + part_count - 1 (part_count may be 0); every
     * terminal's site and beam stay readable (the capacity share reads
     * the beams of all). The results are those of the part's terminals.
     * part NULL: one part, every terminal (part_first, part_count
     * unused). */
    size_t part_first, part_count;
    const ln_link_part *part;
} ln_link_config;

/* The laser mesh's results, per satellite (net computes them; link is
 * below net, so they come as plain arrays, borrowed for the call). NULL
 * mesh: bent pipe only. */
typedef struct ln_link_mesh {
    const unsigned char *reach; /* 1: usable and reaches a gateway, bent
                                   pipe or over the mesh (replaces the
                                   bent-pipe flags of ln_link_sky) */
    const int32_t *next;  /* next satellite towards the exit, -1 at it */
    const int32_t *gw;    /* gateway of the path, -1 unreachable */
    const double *km;     /* path length satellite -> gateway, km */
    const int16_t *hops;  /* ISL hops to the exit, -1 unreachable */
} ln_link_mesh;

/* Per satellite, the gateways above the gateway mask this step (view of
 * the handle's arrays, valid until the next ln_link_sky). */
typedef struct ln_link_gwvis {
    const int8_t *n;      /* nsat: how many (<= stride) */
    const int16_t *gi;    /* [sat * stride + k]: gateway index, by slant
                             range (ties: lower gateway index) */
    const float *km;      /* the matching slant ranges, km */
    size_t stride;        /* LN_GW_PER_SAT */
} ln_link_gwvis;

/* Per terminal results of the last step (views, nt long). */
typedef struct ln_link_results {
    const int *serving;           /* serving satellite, -1 none */
    const int8_t *outcome;        /* ln_link_outcome */
    const unsigned char *covered; /* a satellite above the mask */
    const unsigned char *handover;/* the serving satellite changed while
                                     served at the previous step */
    const double *rate_mbps;      /* granted rate, Mb/s (0 unless OK) */
    const float *rtt_ms;          /* RTT terminal-satellite-gateway, ms */
    const int8_t *hops;           /* ISL hops (0 bent pipe), -1 not OK */
} ln_link_results;

typedef struct ln_link ln_link;

/* The caller's work inside link's parallel loops (each may be NULL):
 * side runs once, on one thread, while the others link terminals (the
 * engine's mesh routing; it must not touch the handle); each is called
 * for terminal i whenever its outcome is set (ln_link_serve: every
 * terminal; ln_link_capacity: those that become LN_LINK_NO_GW), on the
 * thread that set it, and may write only terminal i's own data. */
typedef struct ln_link_hooks {
    void (*side)(void *user);
    void (*each)(void *user, size_t i, int outcome);
    void *user;
} ln_link_hooks;

/* ln_link_new
 * Given:    cfg   the configuration (terminal arrays borrowed, the rest
 *                 copied)
 * Returned: out   the handle (ln_link_free); every terminal unserved
 * Status:   0, LN_EINVAL (bad counts or masks), LN_ENOMEM */
int ln_link_new(const ln_link_config *cfg, ln_link **out /* OUT */);
void ln_link_free(ln_link *l);

/* ln_link_sky
 * Given:    x, y, z  ECEF km of the nsat satellites at the step's time
 *                    (borrowed until the step's last call)
 *           usable   nsat flags: in service and propagated
 * Returned: (state) the satellite index, each satellite's visible
 *           gateways (ln_link_gwvis) and bent-pipe reach; antennas of the
 *           step are cleared. */
void ln_link_sky(ln_link *l, const double *x, const double *y,
                 const double *z, const unsigned char *usable);

/* The visible gateways of the last ln_link_sky. */
ln_link_gwvis ln_link_gateways_visible(const ln_link *l);

/* ln_link_track
 * Given:    idx, n  terminals whose site and beam cell changed
 * Status:   0, LN_ENOMEM (a new candidate area could not be added) */
int ln_link_track(ln_link *l, const int *idx, size_t n);

/* ln_link_areas: per candidate area (H3 res 3 parents of the terminals'
 * beam cells), the satellites any site in it could see, pruned of those
 * that cannot be any terminal's best (the LN_SCHED_K best at a slot). */
void ln_link_areas(ln_link *l, const ln_link_mesh *mesh, int slot);

/* ln_link_serve
 * Given:    mesh     the mesh's reach (NULL: bent pipe)
 *           allowed  nt flags: the caller's policy allows terminal i
 *           slot     1 at a slot boundary of the slot scheduler
 *           hooks    the caller's work in the loop (NULL: none)
 * Returned: serving, outcome (OK or NO_SAT / NO_GW, DENIED for the
 *           others), covered, handover; rate, RTT, hops cleared. */
void ln_link_serve(ln_link *l, const ln_link_mesh *mesh,
                   const unsigned char *allowed, int slot,
                   const ln_link_hooks *hooks);

/* ln_link_gateways: gateway antennas (a satellite keeps the antenna it
 * held while that gateway sees it; then most users first take the
 * nearest free one; with a mesh, exits take antennas too); terminals
 * whose satellite got none move to the highest visible one that has. */
void ln_link_gateways(ln_link *l, const ln_link_mesh *mesh, int slot);

/* ln_link_capacity
 * Given:    demand_mbps  nt: what each served terminal asks for
 * Returned: rate, RTT and hops of the served terminals; those whose
 *           satellite reaches no gateway become LN_LINK_NO_GW (hooks'
 *           each is called for them: their demand may be cleared there,
 *           demand_mbps is not read for them). */
void ln_link_capacity(ln_link *l, const ln_link_mesh *mesh,
                      const double *demand_mbps, const ln_link_hooks *hooks);

/* Bytes ln_link_new allocates per terminal (with the slot scheduler or
 * not), for memory estimates before a run; candidate areas aside. */
size_t ln_link_terminal_bytes(int slot_scheduler);

/* The per-terminal results (views valid for the handle's life). */
ln_link_results ln_link_results_of(const ln_link *l);

#ifdef __cplusplus
}
#endif
#endif
