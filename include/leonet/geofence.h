/*
 * geofence.h - polygons with a spatial index and the GeoJSON reader (the
 * zone sets built on them, and the allow/deny decision, are policy's:
 * zone.h).
 *
 * Exports
 *   ln_geo_shape_*   a polygonal area (rings, even-odd) with its index:
 *                    a two-level grid over the bounding box whose cells are
 *                    inside / outside / boundary; boundary cells keep short
 *                    edge lists. A point costs one or two table look-ups
 *                    and, in boundary cells only, a few exact predicates.
 *   ln_geojson_*     RFC 7946 reader (Polygon, MultiPolygon, Feature,
 *                    FeatureCollection) with validation and diagnostics.
 *
 * Coordinates. Polygons are stored as given: longitude and latitude in
 * degrees, edges straight in (lon, lat) as RFC 7946 says; the tests take
 * degrees and are exact on the input coordinates.
 * LN-DEV: vertices stay in degrees rather than rad so that the boundary
 * rule below is exact on the coordinates the file gives.
 *
 * Boundary rule. A point exactly on an edge or vertex of a zone (exact
 * arithmetic on the doubles, no tolerance) is INSIDE that zone. So a point
 * on the line between an allowed and a denied area is decided by priority,
 * and a point on the edge of a deny zone is denied.
 *
 * Antimeridian. RFC 7946 asks for geometries cut at +-180; such pieces work
 * as they are, and lon -180 and +180 are the same meridian. A ring with an
 * edge whose longitude jumps by more than 180 deg is taken to cross the
 * antimeridian (the short way), and is unwrapped. Rings that encircle a
 * pole are refused (LN_EGEOM).
 *
 * Threads. A shape is built single-threaded; once built, every contains
 * function may be called from any number of threads at once (read-only).
 *
 * References: J. O'Rourke, Computational Geometry in C (2nd ed.), 7.4
 * (crossing number); J. R. Shewchuk, "Adaptive precision floating-point
 * arithmetic and fast robust geometric predicates" (1997) for orient2d;
 * H. Edelsbrunner, E. Muecke, "Simulation of Simplicity" (1990) for the
 * degenerate cases of the grid walk.
 */
#ifndef LEONET_GEOFENCE_H
#define LEONET_GEOFENCE_H

#include <stddef.h>
#include <stdint.h>

#include "leonet/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- polygons --------------------------------------------------------- */

/* One ring: n positions as (lon, lat) pairs in degrees. The closing
 * position may be repeated or not. The pairs keep RFC 7946's position
 * order (a file format); function arguments are (lat, lon). */
typedef struct ln_geo_ring {
    const double *lonlat_deg; /* 2*n doubles: lon0, lat0, lon1, lat1, ... */
    size_t n;                 /* positions */
} ln_geo_ring;

/* One polygon: rings[0] is the exterior, the others are holes. */
typedef struct ln_geo_polygon {
    const ln_geo_ring *rings;
    size_t nrings; /* >= 1 */
} ln_geo_polygon;

/* Flags for building shapes and reading GeoJSON. */
#define LN_GEO_REPAIR_EVENODD 0x1 /* accept self-intersecting rings and
                                     overlapping parts: the area is then
                                     read with the even-odd rule (a point
                                     is inside when a ray from it crosses
                                     the rings an odd number of times).
                                     Default: refuse with LN_EGEOM. */
#define LN_GEO_NO_SELFCHECK 0x2   /* skip the self-intersection check
                                     (trusted input; build is faster) */

/* Index build figures. */
typedef struct ln_geo_index_stats {
    double build_s;        /* wall time of the index build, s */
    size_t bytes;          /* memory held by the shape + index, bytes */
    size_t vertices;       /* ring vertices (closing ones not counted) */
    size_t edges;          /* edges indexed */
    long coarse_cells;     /* top-level grid cells */
    long fine_cells;       /* cells of the fine grid (virtual) */
    long fine_blocks;      /* coarse cells refined into fine blocks */
    long boundary_cells;   /* fine cells crossed by an edge */
    double edges_per_bcell; /* mean edge-list length of boundary cells */
    long self_intersections; /* conflicting edge pairs found, counted once
                                per grid cell they share (0 if unchecked) */
} ln_geo_index_stats;

typedef struct ln_geo_shape ln_geo_shape;

/* ln_geo_shape_new
 * Given:    polys, npolys  the polygons (copied); the area is the union of
 *                          the polygons, which must not overlap (grid
 *                          cells, MultiPolygon parts) unless
 *                          LN_GEO_REPAIR_EVENODD is set
 *           flags          LN_GEO_* flags
 * Returned: out            the shape with its index (ln_geo_shape_free)
 *           diag           on error: what and where ("polygon 2 ring 1:
 *                          edge 17 crosses edge 40 at lon, lat"), path
 *                          "[p][r]" in GeoJSON coordinate order
 * Status:   0, LN_EGEOM (fewer than 3 distinct positions, non-finite or
 *           out-of-range coordinates, pole-encircling ring, self-
 *           intersection unless repaired), LN_ENOMEM.
 * Notes:    lon must be within [-180, 180] (or unwrapped past +-180 by an
 *           antimeridian-crossing ring), lat within [-90, 90]. */
int ln_geo_shape_new(const ln_geo_polygon *polys, size_t npolys, int flags,
                     ln_geo_shape **out /* OUT */, ln_diag *diag);
void ln_geo_shape_free(ln_geo_shape *s); /* NULL ok */

/* ln_geo_set_cells_per_edge
 * Given:    k   fine grid cells per polygon edge for the shapes built from
 *               now on, 1..4096; anything else (NaN included) restores the
 *               default, 64
 * Notes:    a tuning knob for experiments (the command line passes
 *           $LN_GEOFENCE_CPE): more cells, fewer edges per boundary cell,
 *           more memory. Process-wide and not thread-safe: set it before
 *           building shapes. Answers do not depend on it. */
void ln_geo_set_cells_per_edge(double k);

/* 1 if the point is inside the shape or on its boundary, else 0 (also for
 * non-finite input). Thread-safe on a built shape. */
int ln_geo_shape_contains_deg(const ln_geo_shape *s, double lat_deg,
                              double lon_deg);
/* Reference implementation: crossing number over every edge, same rule,
 * no index (tests, and the bench's "no index" line). */
int ln_geo_shape_contains_slow_deg(const ln_geo_shape *s, double lat_deg,
                                   double lon_deg);
/* ln_geo_shape_contains_many_deg
 * Given:    s, n       shape and number of points to test
 *           lat_deg, lon_deg  coordinates, degrees
 *           idx        NULL: test points 0..n-1; else n indices into
 *                      lat_deg/lon_deg
 * Returned: out        n bytes: 1 inside or on the boundary, else 0
 * Notes:    same answers as ln_geo_shape_contains_deg, faster: points go
 *           through the grid levels in chunks so table loads overlap. */
void ln_geo_shape_contains_many_deg(const ln_geo_shape *s, size_t n,
                                    const double *lat_deg,
                                    const double *lon_deg,
                                    const uint32_t *idx,
                                    uint8_t *out /* OUT */);
void ln_geo_shape_stats(const ln_geo_shape *s,
                        ln_geo_index_stats *st /* OUT */);
/* Bounding box in degrees (lon may exceed 180 for unwrapped rings). */
void ln_geo_shape_bbox(const ln_geo_shape *s, double *lat_min,
                       double *lon_min, double *lat_max, double *lon_max);

/* ---- GeoJSON ------------------------------------------------------------ */

/* One Feature with areal geometry (Polygon or MultiPolygon). A bare
 * geometry or Feature counts as a collection of one. */
typedef struct ln_geojson_feature {
    long index;          /* position in the file's features, 0-based */
    char *id;            /* Feature "id", else properties.id, else the
                            index, as text */
    char *name;          /* properties.name, or NULL */
    ln_geo_polygon *polys; /* the geometry (a Polygon is one polygon) */
    size_t npolys;
    int multipolygon;    /* 1: MultiPolygon (coordinates[p][r]), 0:
                            Polygon (coordinates[r]) */
    const void *properties; /* borrowed jansson json_t * object (or
                               NULL), valid until ln_geojson_free */
    int id_generated;    /* 1: the file gave no id; id is
                            "<file stem>:<index>" (ln_geojson_id_stem) */
} ln_geojson_feature;

typedef struct ln_geojson {
    ln_geojson_feature *features;
    size_t nfeatures;
    void *priv_; /* owned storage (jansson root, coordinates) */
} ln_geojson;

/* Size cap of ln_geojson_read (a bigger file is refused, LN_ETOOBIG). */
#define LN_GEOJSON_MAX_BYTES ((size_t)256 << 20)

/* ln_geojson_parse
 * Given:    buf, len   the document (need not be NUL-terminated)
 *           fname      name for diagnostics (may be NULL)
 *           flags      LN_GEO_* (self-intersection handling is done by
 *                      ln_geo_shape_new, not here)
 * Returned: out        the features (ln_geojson_free)
 *           diag       invalid JSON: line and column; valid JSON that is
 *                      not GeoJSON: the path of the offending member, e.g.
 *                      features[3].geometry.coordinates[0][5][1]
 * Status:   0, LN_EGEOJSON (bad JSON or bad GeoJSON: unknown type, missing
 *           member, non-numeric or out-of-range coordinate, ring not
 *           closed or with fewer than 4 positions, a NUL byte in the
 *           text), LN_ENOMEM.
 * Notes:    Point/LineString features are refused (a zone needs an
 *           area); null geometry is refused. Nesting deeper than 2048 is
 *           refused by jansson. */
int ln_geojson_parse(const char *buf, size_t len, const char *fname,
                     int flags, ln_geojson *out /* OUT */, ln_diag *diag);
/* ln_geojson_feature_path
 * Given:    f     a feature of a parsed document
 *           sub   a path inside its polygons, as ln_geo_shape_new and the
 *                 zone set report it ("[p][r]..."; "" for none)
 * Returned: out   the member path in the file:
 *                 "features[i].geometry.coordinates" + sub, with a
 *                 Polygon's leading "[0]" dropped (its coordinates are
 *                 rings, not polygons). Every reader of zones names a bad
 *                 shape the same way. */
void ln_geojson_feature_path(const ln_geojson_feature *f, const char *sub,
                             char *out, size_t n);
/* ln_geojson_id_stem
 * Given:    fname  a file name or path (or NULL)
 * Returned: out    the id stem of a feature without an id: the base name
 *                  without its last extension ("zones/a.geojson" -> "a"),
 *                  "zones" for NULL or an empty name. A feature without id
 *                  gets "<stem>:<index>", so two files' unnamed features
 *                  never share an id (docs/geofence.md, Zone ids). */
void ln_geojson_id_stem(const char *fname, char *out, size_t n);
/* ln_geojson_check_ids
 * Status:   0, or LN_EGEOJSON when two features of g have the same id
 *           (given or generated); diag names the second one's member path
 *           and the first one's index. */
int ln_geojson_check_ids(const ln_geojson *g, const char *fname,
                         ln_diag *diag);
/* Reads a file (up to LN_GEOJSON_MAX_BYTES) and parses it. */
int ln_geojson_read(const char *path, int flags, ln_geojson *out /* OUT */,
                    ln_diag *diag);
void ln_geojson_free(ln_geojson *g); /* NULL ok; leaves g empty */

#ifdef __cplusplus
}
#endif
#endif
