/*
 * geodesy.h - WGS-84 geodetic <-> ECEF, topocentric look angles, and
 * great-circle distance and bearing.
 *
 * Frames and units: ECEF vectors in km (x towards lat 0 / lon 0, z towards
 * the north pole; in leonet the ECEF frame is the one ln_teme_to_ecef
 * produces, i.e. Vallado's PEF without polar motion). Geodetic coordinates
 * are WGS-84 (LN_WGS84_A_KM, LN_WGS84_F of core.h): latitude and longitude
 * in rad, ellipsoidal height in km. Angles returned are in rad: azimuth
 * from north through east, 0..2pi; elevation -pi/2..pi/2.
 *
 * Accuracy: ln_ecef_to_geodetic agrees with ERFA's eraGc2gd to well below
 * 1 mm anywhere (poles and equator included) from the Earth's centre region
 * out to GEO distance. Distances on the sphere use the IUGG mean radius
 * LN_EARTH_MEAN_R_KM (haversine: ~0.5 % off the ellipsoidal distance).
 */
#ifndef LEONET_GEODESY_H
#define LEONET_GEODESY_H

#include <math.h>

#include "leonet/core.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LN_EARTH_MEAN_R_KM 6371.0088 /* IUGG mean radius R1 = (2a+b)/3, km */

typedef struct ln_geodetic {
    double lat_rad; /* geodetic latitude, -pi/2..pi/2 */
    double lon_rad; /* longitude, east positive, -pi..pi */
    double h_km;    /* height above the WGS-84 ellipsoid, km */
} ln_geodetic;

/* Look angles of a target seen from a site. */
typedef struct ln_topo {
    double az_rad;          /* azimuth from north through east, 0..2pi */
    double el_rad;          /* elevation above the local horizon plane
                               (normal to the ellipsoid), -pi/2..pi/2 */
    double range_km;        /* slant range, >= 0 */
    double range_rate_km_s; /* d(range)/dt, > 0 receding; NaN when no
                               velocity was given */
} ln_topo;

/* A site prepared for fast repeated look-angle work (the simulator's hot
 * path): its ECEF position and local unit vectors, all in ECEF. */
typedef struct ln_site {
    ln_geodetic geo;    /* the site as given */
    double r_ecef[3];   /* km */
    double up[3];       /* ellipsoid normal (unit) */
    double east[3];     /* unit, horizontal */
    double north[3];    /* unit, horizontal */
} ln_site;

/* ln_geodetic_to_ecef
 * Given:    g      WGS-84 latitude, longitude (rad) and height (km)
 * Returned: r_ecef ECEF position, km
 * Notes:    closed form (N = a / sqrt(1 - e^2 sin^2 lat)); exact to
 *           rounding. */
void ln_geodetic_to_ecef(const ln_geodetic *g, double r_ecef[3] /* OUT */);

/* ln_ecef_to_geodetic
 * Given:    r_ecef ECEF position, km
 * Returned: g      WGS-84 latitude, longitude (rad), height (km)
 * Status:   0, or LN_EINVAL when r is not finite or lies within 1 m of the
 *           Earth's centre (where latitude is undefined; g is then set to
 *           lat 0, lon 0, h = |r| - a).
 * Notes:    Bowring's method (1976) iterated on the parametric latitude to
 *           convergence (2-3 iterations for |h| < 40000 km); height from
 *           h = p cos(lat) + z sin(lat) - a sqrt(1 - e^2 sin^2 lat), which
 *           stays well conditioned at the poles. At r on the z axis,
 *           lon = 0. */
int ln_ecef_to_geodetic(const double r_ecef[3], ln_geodetic *g /* OUT */);

/* ln_topocentric
 * Given:    site   the observer, WGS-84
 *           r_ecef target position, ECEF km
 *           v_ecef target velocity, ECEF km/s (relative to the Earth-fixed
 *                  site), or NULL
 * Returned: out    azimuth, elevation (rad), range (km), range rate
 *                  (km/s, NaN when v_ecef is NULL)
 * Notes:    elevation is geodetic (measured from the plane normal to the
 *           ellipsoid); no refraction. For a target at the site itself
 *           (range 0) az = 0, el = pi/2. Near the zenith the azimuth is
 *           ill-conditioned, as it must be. Use ln_site_prepare /
 *           ln_site_look when the same site is used many times. */
void ln_topocentric(const ln_geodetic *site, const double r_ecef[3],
                    const double v_ecef[3], ln_topo *out /* OUT */);

/* ln_site_prepare
 * Given:    g      the site, WGS-84
 * Returned: s      its ECEF position and local up/east/north unit vectors
 * Notes:    at the poles east is taken as the direction of increasing
 *           longitude at lon (well defined), north as up x east. */
void ln_site_prepare(const ln_geodetic *g, ln_site *s /* OUT */);

/* ln_site_sin_elevation
 * Given:    s      a prepared site
 *           r_ecef target position, ECEF km
 * Returned: sin(elevation), -1..1 (1 when the target is at the site)
 * Notes:    one subtraction, two dot products and a square root; no
 *           trigonometry. Compare with sin(mask) for visibility tests. */
double ln_site_sin_elevation(const ln_site *s, const double r_ecef[3]);

/* ---- the elevation test (one for the whole library) ------------------
 * sin(el) = d.up / |d|, d the site-to-target vector (ECEF km) and up the
 * ellipsoid normal: ln_site_sin_elevation, ln_site_sin_el (the same
 * expression, inline for hot loops) and ln_site_above all compute it so,
 * and every "above the mask" decision of geo, link and net is
 * ln_site_above's (or, in vector loops, its two margins below).
 *
 * The margins: with q = du |du| / d.d (= sin(el)^2 when du >= 0, < 0
 * below the horizon) and s = sin(mask) >= 0, q < s^2 (1 - LN_ABOVE_MARGIN)
 * puts the true sin(el) below s by far more than the rounding error of
 * du / sqrt(d.d) (a few ulp, ~1e-16 relative), so the exact test would
 * say "below" too; q > s^2 (1 + LN_ABOVE_MARGIN) puts it above. Only the
 * undecided ones (within ~5e-10 relative of the mask) take the square
 * root and division and are compared exactly; the answer is the exact
 * test's in every case, without a square root for almost all. */
#define LN_ABOVE_MARGIN 1e-9

/* ln_site_sin_el: ln_site_sin_elevation inline (the same expression and
 * result), for loops over many targets. */
static inline double ln_site_sin_el(const ln_site *s, const double r[3])
{
    double dx = r[0] - s->r_ecef[0], dy = r[1] - s->r_ecef[1],
           dz = r[2] - s->r_ecef[2];
    double du = dx * s->up[0] + dy * s->up[1] + dz * s->up[2];
    double d2 = dx * dx + dy * dy + dz * dz;
    return d2 == 0.0 ? 1.0 : du / sqrt(d2);
}

/* ln_site_above
 * Given:    s         a prepared site
 *           r         target position, ECEF km
 *           sin_mask  sin of the elevation mask, -1..1
 * Returned: 1 when ln_site_sin_elevation(s, r) >= sin_mask, else 0
 * Notes:    decided without square root or division when far from the
 *           mask (margins above; sin_mask < 0 is always exact). */
static inline int ln_site_above(const ln_site *s, const double r[3],
                                double sin_mask)
{
    double dx = r[0] - s->r_ecef[0], dy = r[1] - s->r_ecef[1],
           dz = r[2] - s->r_ecef[2];
    double du = dx * s->up[0] + dy * s->up[1] + dz * s->up[2];
    double d2 = dx * dx + dy * dy + dz * dz;
    if (sin_mask >= 0) {
        double du2 = du * fabs(du), s2 = sin_mask * sin_mask;
        if (du2 < s2 * (1 - LN_ABOVE_MARGIN) * d2)
            return 0;
        if (du2 > s2 * (1 + LN_ABOVE_MARGIN) * d2)
            return 1;
    }
    return (d2 == 0.0 ? 1.0 : du / sqrt(d2)) >= sin_mask;
}

/* ln_site_elevation: the same as an angle, rad (-pi/2..pi/2). */
double ln_site_elevation(const ln_site *s, const double r_ecef[3]);

/* ln_site_look: ln_topocentric for a prepared site (same results). */
void ln_site_look(const ln_site *s, const double r_ecef[3],
                  const double v_ecef[3], ln_topo *out /* OUT */);

/* ln_geo_distance_km
 * Given:    lat1, lon1, lat2, lon2  two points, rad
 * Returned: great-circle distance on the sphere of radius
 *           LN_EARTH_MEAN_R_KM, km (haversine form: accurate for small and
 *           large separations alike; antipodal points give pi R).
 * Notes:    spherical model: within ~0.5 % of the WGS-84 geodesic. */
double ln_geo_distance_km(double lat1_rad, double lon1_rad, double lat2_rad,
                          double lon2_rad);

/* ln_geo_bearing_rad
 * Given:    lat1, lon1, lat2, lon2  two points, rad
 * Returned: initial bearing (forward azimuth) of the great circle from
 *           point 1 to point 2, from north through east, 0..2pi, rad
 * Notes:    spherical; 0 when the points coincide; from a pole the
 *           bearing is measured against the meridian lon1. */
double ln_geo_bearing_rad(double lat1_rad, double lon1_rad, double lat2_rad,
                          double lon2_rad);

/* ln_geo_offset_km
 * Given:    lat_rad, lon_rad  a point, rad (updated in place)
 *           east_km, north_km  a small displacement, km
 * Returned: lat_rad, lon_rad  the point moved on the sphere of radius
 *                      LN_EARTH_MEAN_R_KM: a step over a pole comes
 *                      down the opposite meridian (lon + pi), lon
 *                      wrapped to [-pi, pi]
 * Notes:    flat-earth step (good to 0.5 % at tens of km): the scatter of
 *           fixed terminals around a place and of mobile units around
 *           their track. */
void ln_geo_offset_km(double *lat_rad, double *lon_rad, double east_km,
                      double north_km);

#ifdef __cplusplus
}
#endif
#endif
