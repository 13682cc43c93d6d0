/*
 * zone.h - zone sets: named areas that allow or deny service, and the
 * decision for a position (implemented in src/policy/zone.c and
 * zone_cells.c).
 *
 * Exports
 *   ln_zoneset_*     zones (geometry + id, name, action, priority, validity
 *                    window) and the decision: the highest-priority zone
 *                    containing the point wins, else the default action.
 *   ln_zoneset_add_cells(_file)  a cell set / cell-id file (cell.h) as a
 *                    zone
 *   ln_zone_action_name  "allow" / "deny"
 *
 * A zone's geometry is a geo shape (geofence.h: polygons in degrees with
 * their grid index); the boundary rule, antimeridian handling and the
 * GeoJSON reader are geofence.h's. The decision functions take radians
 * (leonet's internal unit) and convert once with LN_RAD2DEG; the *_deg
 * variants take degrees and are exact on the input coordinates (CLI,
 * tests).
 *
 * Threads. A zone set is built single-threaded; once built, every decide
 * function may be called from any number of threads at once (read-only).
 */
#ifndef LEONET_ZONE_H
#define LEONET_ZONE_H

#include <stddef.h>
#include <stdint.h>

#include "leonet/cell.h"
#include "leonet/core.h"
#include "leonet/geofence.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ln_zone_action {
    LN_ZONE_ALLOW = 0,
    LN_ZONE_DENY = 1
} ln_zone_action;

/* The answer for one position. */
typedef struct ln_zone_decision {
    int action;          /* LN_ZONE_ALLOW or LN_ZONE_DENY */
    int zone;            /* deciding zone's index in the set, -1 = none
                            (the default action applied) */
    const char *zone_id; /* its id (lives as long as the set), or NULL */
} ln_zone_decision;

/* A zone as the set holds it (ln_zoneset_zone). */
typedef struct ln_zone_info {
    const char *id;
    const char *name;       /* may be NULL */
    int action;             /* LN_ZONE_* */
    int priority;           /* higher wins */
    double valid_from_unix_s;  /* -INFINITY when open */
    double valid_until_unix_s; /* +INFINITY when open; valid on
                                  [from, until) */
    const char *source;     /* file it came from, or NULL */
    const ln_geo_shape *shape;
} ln_zone_info;

typedef struct ln_zoneset ln_zoneset;

/* ln_zoneset_new
 * Given:    default_action  LN_ZONE_ALLOW or LN_ZONE_DENY: the answer where
 *                           no zone applies
 * Returned: out             an empty set (ln_zoneset_free)
 * Status:   0, LN_EINVAL, LN_ENOMEM */
int ln_zoneset_new(int default_action, ln_zoneset **out /* OUT */);
void ln_zoneset_free(ln_zoneset *zs); /* NULL ok */

/* ln_zoneset_load_geojson / ln_zoneset_load_buffer
 * Given:    path (or buf, len, name)  a GeoJSON document; each Feature is
 *                       one zone. Properties: id (string or number; else
 *                       the Feature id; else the index in the file), name,
 *                       action "deny"|"allow" (default "deny"), priority
 *                       (integer, default 0), valid_from / valid_until
 *                       (ISO 8601 UTC, null or absent = open)
 *           flags       LN_GEO_* flags
 * Returned: diag        on error: file, line/col or member path, message
 * Status:   0, LN_EGEOJSON, LN_EGEOM, LN_EZONE (bad zone property, or
 *           an id already used in this file or by a zone of the set: the
 *           message names both), LN_EIO, LN_ETOOBIG, LN_ENOMEM. On error
 *           the set is unchanged.
 * Notes:    bumps the set's version. */
int ln_zoneset_load_geojson(ln_zoneset *zs, const char *path, int flags,
                            ln_diag *diag);
int ln_zoneset_load_buffer(ln_zoneset *zs, const char *buf, size_t len,
                           const char *name, int flags, ln_diag *diag);

/* ln_zoneset_add_polygons
 * Given:    id, name     the zone's id (copied; required) and name (or NULL)
 *           action       LN_ZONE_ALLOW / LN_ZONE_DENY
 *           priority     higher wins
 *           valid_from_unix_s, valid_until_unix_s  validity [from, until)
 *                        in Unix seconds UTC; -INFINITY / INFINITY = open
 *           polys, npolys  the geometry in degrees (copied), e.g. the
 *                        boundaries of H3 cells: polygons must have disjoint
 *                        interiors (shared edges are fine)
 *           flags        LN_GEO_* flags
 * Returned: diag         on error
 * Status:   0, LN_EINVAL, LN_EGEOM, LN_EZONE (id already in the set),
 *           LN_ENOMEM
 * Notes:    builds the zone's index; bumps the set's version. */
int ln_zoneset_add_polygons(ln_zoneset *zs, const char *id, const char *name,
                            int action, int priority,
                            double valid_from_unix_s,
                            double valid_until_unix_s,
                            const ln_geo_polygon *polys, size_t npolys,
                            int flags, ln_diag *diag);

size_t ln_zoneset_count(const ln_zoneset *zs);
/* Zone i (0 <= i < count) or NULL. */
const ln_zone_info *ln_zoneset_zone(const ln_zoneset *zs, size_t i);
/* Version of the set: incremented by every change (load, add), so a
 * holder can tell that the policy changed (see ln_zoneset_diff). */
uint64_t ln_zoneset_version(const ln_zoneset *zs);
/* Sums of the per-zone index figures (build_s, bytes, cells, ...). */
void ln_zoneset_stats(const ln_zoneset *zs, ln_geo_index_stats *st /* OUT */);

/* ln_zoneset_decide
 * Given:    zs        a set (read-only; any thread)
 *           lat_rad, lon_rad  position, WGS-84 rad
 *           t_unix_s  time, Unix seconds UTC; NaN = ignore validity windows
 * Returned: the decision: action, deciding zone index and id (zone -1 and
 *           id NULL when no zone contains the point: default action)
 * Notes:    zones are tried by priority (higher first); at equal priority
 *           deny before allow, then by order of addition. A point on a
 *           zone's boundary is inside it. Non-finite positions match no
 *           zone. */
ln_zone_decision ln_zoneset_decide(const ln_zoneset *zs, double lat_rad,
                                   double lon_rad, double t_unix_s);
ln_zone_decision ln_zoneset_decide_deg(const ln_zoneset *zs, double lat_deg,
                                       double lon_deg, double t_unix_s);

/* ln_zoneset_decide_batch
 * Given:    zs, n       set and number of points
 *           lat, lon    n positions, rad (the _deg variant: degrees)
 *           t_unix_s    n times, or NULL to use t0_unix_s for all
 *           nthreads    OpenMP threads, 0 = all cores
 * Returned: out         n decisions
 * Notes:    deterministic: out[i] depends only on point i. */
void ln_zoneset_decide_batch(const ln_zoneset *zs, size_t n,
                             const double *lat_rad, const double *lon_rad,
                             const double *t_unix_s, double t0_unix_s,
                             ln_zone_decision *out /* OUT */, int nthreads);
void ln_zoneset_decide_batch_deg(const ln_zoneset *zs, size_t n,
                                 const double *lat_deg,
                                 const double *lon_deg,
                                 const double *t_unix_s, double t0_unix_s,
                                 ln_zone_decision *out /* OUT */,
                                 int nthreads);

/* ln_zoneset_diff
 * Given:    before, after  two versions of a policy (e.g. occupied area of
 *                          2022-08-31, then 2022-11-15)
 *           n, lat_deg, lon_deg  the points; t_unix_s their common time
 *                          (NaN = ignore validity)
 * Returned: changed        indices (ascending) of the points whose action
 *                          or deciding zone id differs, ln_malloc'd
 *                          (ln_free), NULL when none
 *           nchanged       their number
 * Status:   0, LN_ENOMEM */
int ln_zoneset_diff(const ln_zoneset *before, const ln_zoneset *after,
                    size_t n, const double *lat_deg, const double *lon_deg,
                    double t_unix_s, size_t **changed /* OUT */,
                    size_t *nchanged /* OUT */);

/* "allow" / "deny". */
const char *ln_zone_action_name(int action);

/* ---- zones made of cells (src/policy/zone_cells.c) ------------------- */

/* ln_zoneset_add_cells / ln_zoneset_add_cells_file
 * Given:    zs            a zone set
 *           id, name      the zone's id (the file's path if NULL) and name
 *           action        LN_ZONE_ALLOW / LN_ZONE_DENY; priority,
 *           valid_from_unix_s, valid_until_unix_s  as in
 *                         ln_zoneset_add_polygons
 *                         (-INFINITY, INFINITY: always valid)
 *           cells, n      the cells (or path: a cell-id file, see
 *                         ln_cell_parse_list)
 * Returned: diag          on error
 * Status:   0, LN_EZONE (no cells), LN_EPARSE, LN_ECELL, LN_EIO,
 *           LN_EGEOM, LN_ENOMEM
 * Notes:    the zone is the union of the cells' outlines (ln_cell_outline).
 */
int ln_zoneset_add_cells(ln_zoneset *zs, const char *id, const char *name,
                         int action, int priority, double valid_from_unix_s,
                         double valid_until_unix_s, const ln_cell *cells,
                         size_t n,
                         ln_diag *diag);
int ln_zoneset_add_cells_file(ln_zoneset *zs, const char *path,
                              const char *id, const char *name, int action,
                              int priority, double valid_from_unix_s,
                              double valid_until_unix_s, ln_diag *diag);

#ifdef __cplusplus
}
#endif
#endif
