/*
 * place.h - where the fixed terminals of a group go (src/sim/place.c).
 * Private to the sim area (engine.c and the tests).
 */
#ifndef LN_SIM_PLACE_H
#define LN_SIM_PLACE_H

#include <stddef.h>
#include <stdint.h>

#include "leonet/geofence.h"
#include "leonet/zone.h"
#include "leonet/link.h"
#include "leonet/sim.h"

/* Draws per terminal before a group is refused (see ln__sim_place). */
#define LN_PLACE_MAX_DRAWS 100000L

/* ln__sim_place
 * Given:    region         terminals fall inside (or on its boundary)
 *           exclude        never inside a deny zone of this set (NULL none)
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
 * Status:   0; LN_ESCENARIO when every weighted point lies in the exclude
 *           zones while rural_share < 1, or when a terminal finds no
 *           allowed position in LN_PLACE_MAX_DRAWS draws (the region
 *           minus the exclusion leaves (almost) no land where the group
 *           draws); LN_EINVAL (no region, bad weight or sigma).
 * Rules:    a point whose centre lies in a deny zone of `exclude` gets no
 *           terminals (weight 0). Each terminal is rural with probability
 *           rural_share, else clustered. A clustered terminal draws a point
 *           by weight and a Gaussian offset around it; a position outside
 *           the region or in an excluded zone is dropped and a NEW point is
 *           drawn by the weights (never again around the same one), so a
 *           point keeps the share w_i a_i / sum_j w_j a_j, a_i being the
 *           chance that a draw around it is allowed: land that is lost
 *           (sea, occupied) sends its terminals to every other point in
 *           proportion to their weights, not to the nearest allowed land. A
 *           rural terminal is redrawn uniformly (uniform over the allowed
 *           land). Deterministic for a seed. */
int ln__sim_place(const ln_geo_shape *region, const ln_zoneset *exclude,
                  const ln_weight_point *pts, size_t npts,
                  double rural_share, uint64_t seed, size_t count,
                  double *lon_rad /* OUT */, double *lat_rad /* OUT */,
                  int *from /* OUT, may be NULL */, const char *group,
                  const char *file, ln_diag *diag);

/* Loads fixed group g's region, exclusion, places file and points and
 * places cnt terminals with ln__sim_place. */
int ln__sim_place_group(const ln_scenario *sc, size_t g, size_t cnt,
                        double *lon_rad /* OUT */, double *lat_rad /* OUT */,
                        ln_diag *diag);

#endif
