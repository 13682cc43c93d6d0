/*
 * geodesy.c - WGS-84 geodetic <-> ECEF, topocentric look angles, great-
 * circle distance and bearing on the mean sphere.
 *
 * Exports ln_geodetic_to_ecef, ln_ecef_to_geodetic, ln_topocentric,
 * ln_site_prepare, ln_site_sin_elevation, ln_site_elevation, ln_site_look,
 * ln_geo_distance_km, ln_geo_bearing_rad (see geodesy.h for units).
 *
 * ECEF -> geodetic: Bowring (1976), "Transformation from spatial to
 * geographical coordinates", Survey Review 23(181), iterated on the
 * parametric latitude beta until it stops changing: one pass is already
 * good to ~0.1 mm near the surface, two or three reach rounding level up
 * to GEO distance. The height formula used (h = p cos(lat) + z sin(lat) -
 * a^2 / N) needs no division by cos(lat), so the poles need no special
 * case. Checked against ERFA's eraGc2gd (Fukushima's method) in
 * tests/geo/test_geodesy.c.
 *
 * Topocentric frame: east, north, up unit vectors of the ellipsoid normal
 * at the site (geodetic, not geocentric, elevation). No refraction.
 */
#include <math.h>

#include "leonet/geodesy.h"

#define WGS_A LN_WGS84_A_KM
#define WGS_F LN_WGS84_F
#define WGS_E2 (WGS_F * (2.0 - WGS_F))       /* first eccentricity^2 */
#define WGS_B (WGS_A * (1.0 - WGS_F))        /* polar radius, km */
#define WGS_EP2 (WGS_E2 / (1.0 - WGS_E2))    /* second eccentricity^2 */

void ln_geodetic_to_ecef(const ln_geodetic *g, double r[3])
{
    double sl = sin(g->lat_rad), cl = cos(g->lat_rad);
    double n = WGS_A / sqrt(1.0 - WGS_E2 * sl * sl);
    double rc = (n + g->h_km) * cl;
    r[0] = rc * cos(g->lon_rad);
    r[1] = rc * sin(g->lon_rad);
    r[2] = (n * (1.0 - WGS_E2) + g->h_km) * sl;
}

int ln_ecef_to_geodetic(const double r[3], ln_geodetic *g)
{
    double x = r[0], y = r[1], z = r[2];
    if (!isfinite(x) || !isfinite(y) || !isfinite(z)) {
        g->lat_rad = g->lon_rad = g->h_km = NAN;
        return LN_EINVAL;
    }
    double p = hypot(x, y);
    double lon = (p > 0.0) ? atan2(y, x) : 0.0;
    if (hypot(p, z) < 1e-3) {
        /* within 1 m of the centre: latitude undefined */
        g->lat_rad = 0.0;
        g->lon_rad = lon;
        g->h_km = hypot(p, z) - WGS_A;
        return LN_EINVAL;
    }
    /* parametric (reduced) latitude, first guess: tan(beta) = a z / (b p) */
    double beta = atan2(z, (1.0 - WGS_F) * p);
    double lat = 0.0;
    for (int it = 0; it < 16; it++) {
        double sb = sin(beta), cb = cos(beta);
        lat = atan2(z + WGS_EP2 * WGS_B * sb * sb * sb,
                    p - WGS_E2 * WGS_A * cb * cb * cb);
        double nb = atan2((1.0 - WGS_F) * sin(lat), cos(lat));
        double d = fabs(nb - beta);
        beta = nb;
        if (d < 1e-15)
            break;
    }
    double sl = sin(lat), cl = cos(lat);
    g->lat_rad = lat;
    g->lon_rad = lon;
    g->h_km = p * cl + z * sl - WGS_A * sqrt(1.0 - WGS_E2 * sl * sl);
    return 0;
}

void ln_site_prepare(const ln_geodetic *g, ln_site *s)
{
    double sl = sin(g->lat_rad), cl = cos(g->lat_rad);
    double so = sin(g->lon_rad), co = cos(g->lon_rad);
    s->geo = *g;
    ln_geodetic_to_ecef(g, s->r_ecef);
    s->up[0] = cl * co;
    s->up[1] = cl * so;
    s->up[2] = sl;
    s->east[0] = -so;
    s->east[1] = co;
    s->east[2] = 0.0;
    s->north[0] = -sl * co;
    s->north[1] = -sl * so;
    s->north[2] = cl;
}

static double dot3(const double a[3], const double b[3])
{
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

double ln_site_sin_elevation(const ln_site *s, const double r[3])
{
    return ln_site_sin_el(s, r);
}

double ln_site_elevation(const ln_site *s, const double r[3])
{
    double d[3] = {r[0] - s->r_ecef[0], r[1] - s->r_ecef[1],
                   r[2] - s->r_ecef[2]};
    double u = dot3(d, s->up);
    double e = dot3(d, s->east), n = dot3(d, s->north);
    if (u == 0.0 && e == 0.0 && n == 0.0)
        return LN_PI / 2.0;
    /* atan2 rather than asin(sin el): full precision near +-90 deg */
    return atan2(u, hypot(e, n));
}

void ln_site_look(const ln_site *s, const double r[3], const double v[3],
                  ln_topo *out)
{
    double d[3] = {r[0] - s->r_ecef[0], r[1] - s->r_ecef[1],
                   r[2] - s->r_ecef[2]};
    double e = dot3(d, s->east), n = dot3(d, s->north), u = dot3(d, s->up);
    double rho = sqrt(dot3(d, d));
    out->range_km = rho;
    if (rho == 0.0) {
        out->az_rad = 0.0;
        out->el_rad = LN_PI / 2.0;
        out->range_rate_km_s = v ? 0.0 : NAN;
        return;
    }
    double az = atan2(e, n);
    if (az < 0.0)
        az += LN_TWOPI;
    if (az >= LN_TWOPI) /* atan2 of -0 rounds up to 2pi */
        az = 0.0;
    out->az_rad = az;
    out->el_rad = atan2(u, hypot(e, n));
    /* the site is fixed in ECEF: d' = v */
    out->range_rate_km_s = v ? dot3(d, v) / rho : NAN;
}

void ln_topocentric(const ln_geodetic *site, const double r[3],
                    const double v[3], ln_topo *out)
{
    ln_site s;
    ln_site_prepare(site, &s);
    ln_site_look(&s, r, v, out);
}

double ln_geo_distance_km(double lat1, double lon1, double lat2, double lon2)
{
    double sdl = sin(0.5 * (lat2 - lat1));
    double sdo = sin(0.5 * (lon2 - lon1));
    double a = sdl * sdl + cos(lat1) * cos(lat2) * sdo * sdo;
    if (a > 1.0)
        a = 1.0;
    /* atan2 form: well conditioned for tiny and near-antipodal distances */
    return 2.0 * LN_EARTH_MEAN_R_KM * atan2(sqrt(a), sqrt(1.0 - a));
}

double ln_geo_bearing_rad(double lat1, double lon1, double lat2, double lon2)
{
    double dlon = lon2 - lon1;
    double y = sin(dlon) * cos(lat2);
    double x = cos(lat1) * sin(lat2) - sin(lat1) * cos(lat2) * cos(dlon);
    if (x == 0.0 && y == 0.0)
        return 0.0;
    double b = atan2(y, x);
    if (b < 0.0)
        b += LN_TWOPI;
    if (b >= LN_TWOPI)
        b = 0.0;
    return b;
}

void ln_geo_offset_km(double *lat_rad, double *lon_rad, double east_km,
                      double north_km)
{
    const double R = LN_EARTH_MEAN_R_KM;
    *lat_rad += north_km / R;
    /* over a pole: back down the other side, on the opposite meridian */
    if (*lat_rad > LN_PI / 2) {
        *lat_rad = LN_PI - *lat_rad;
        *lon_rad += LN_PI;
    }
    if (*lat_rad < -LN_PI / 2) {
        *lat_rad = -LN_PI - *lat_rad;
        *lon_rad += LN_PI;
    }
    double c = cos(*lat_rad);
    if (c < 1e-6)
        c = 1e-6;
    *lon_rad += east_km / (R * c);
    *lon_rad = remainder(*lon_rad, LN_TWOPI);
}
