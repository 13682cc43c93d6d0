/*
 * link.h - terminals on the ground and the satellites they can see:
 * scattering fixed terminals, moving mobile ones along tracks, and the
 * per-step index of satellites that answers "which satellites are above
 * the elevation mask here" without looking at all of them.
 *
 * Frames and units: positions ECEF km (the frame ln_teme_to_ecef gives),
 * geodetic WGS-84 rad. Elevation masks are compared as sin(elevation).
 */
#ifndef LEONET_LINK_H
#define LEONET_LINK_H

#include <stddef.h>
#include <stdint.h>

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
    double lon_rad, lat_rad;
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
 * Returned: lon_rad, lat_rad  count positions
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
                  double *lon_rad /* OUT */, double *lat_rad /* OUT */,
                  int *from /* OUT, may be NULL */, const char *group,
                  const char *file, ln_diag *diag);

/* ---- mobile terminals -------------------------------------------------- */

/* A track: waypoints with times (ascending). Before the first time a
 * terminal waits at the first point, after the last at the last point;
 * in between it moves along the great circle between waypoints at
 * constant speed. */
typedef struct ln_track {
    size_t n;
    const double *lon_rad, *lat_rad, *t_unix_s;
} ln_track;

/* Position on a track at t, with an offset (east, north) in km and a
 * time shift (the unit is shift_s behind the track's schedule). */
void ln_track_position(const ln_track *tr, double t_unix_s, double shift_s,
                       double east_km, double north_km,
                       double *lon_rad /* OUT */, double *lat_rad /* OUT */);

#ifdef __cplusplus
}
#endif
#endif
