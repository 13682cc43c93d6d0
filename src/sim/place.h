/*
 * place.h - a scenario group's fixed terminals (src/sim/place.c; the
 * rule is link's ln_link_place).
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

/* ln__sim_place: ln_link_place with the deny zones of `exclude` (NULL:
 * none) as its exclusion (a point is excluded when the zone set's
 * decision there is a deny by a zone). */
int ln__sim_place(const ln_geo_shape *region, const ln_zoneset *exclude,
                  const ln_weight_point *pts, size_t npts,
                  double rural_share, uint64_t seed, size_t count,
                  double *lat_rad /* OUT */, double *lon_rad /* OUT */,
                  int *from /* OUT, may be NULL */, const char *group,
                  const char *file, ln_diag *diag);

/* Loads fixed group g's region, exclusion, places file and points and
 * places cnt terminals with ln__sim_place. */
int ln__sim_place_group(const ln_scenario *sc, size_t g, size_t cnt,
                        double *lat_rad /* OUT */, double *lon_rad /* OUT */,
                        ln_diag *diag);

#endif
