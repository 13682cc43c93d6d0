/*
 * terminals.c - where terminals are: fixed ones scattered over a region
 * (clustered around weighted points plus a uniform "rural" share), mobile
 * ones moving along timed tracks.
 *
 * Randomness: a counter-based stream (ln_hash64 of seed and draw number),
 * so a scenario gives the same terminals on every machine. Gaussian draws
 * by Box-Muller. Offsets in km are turned into degrees on the sphere of
 * mean radius (good to 0.5 % at these distances).
 */
#include <math.h>

#include "leonet/link.h"
#include "leonet/meter.h"

typedef struct stream {
    uint64_t seed, n;
} stream;

static double unit(stream *s)
{
    return ln_hash_unit(s->seed ^ ln_hash64(++s->n));
}

static double gauss(stream *s)
{
    double u1 = unit(s), u2 = unit(s);
    if (u1 < 1e-300)
        u1 = 1e-300;
    return sqrt(-2.0 * log(u1)) * cos(LN_TWOPI * u2);
}

/* Moves (lon, lat) by east/north km on the sphere (small offsets). */
static void offset(double *lon, double *lat, double east_km, double north_km)
{
    const double R = LN_EARTH_MEAN_R_KM;
    *lat += north_km / R;
    double c = cos(*lat);
    if (c < 1e-6)
        c = 1e-6;
    *lon += east_km / (R * c);
    if (*lon > LN_PI)
        *lon -= LN_TWOPI;
    if (*lon < -LN_PI)
        *lon += LN_TWOPI;
}

static int allowed_at(const ln_geo_shape *region, const ln_zoneset *exclude,
                      double lon, double lat)
{
    double lond = lon * LN_RAD2DEG, latd = lat * LN_RAD2DEG;
    if (!ln_geo_shape_contains_deg(region, lond, latd))
        return 0;
    if (exclude) {
        ln_zone_decision d = ln_zoneset_decide_deg(exclude, lond, latd, NAN);
        if (d.action == LN_ZONE_DENY && d.zone >= 0)
            return 0;
    }
    return 1;
}

int ln_terminals_scatter(const ln_geo_shape *region,
                         const ln_zoneset *exclude,
                         const ln_weight_point *pts, size_t npts,
                         double rural_share, uint64_t seed, size_t count,
                         double *lon_rad, double *lat_rad)
{
    double wsum = 0;
    for (size_t i = 0; i < npts; i++) {
        if (!(pts[i].weight >= 0) || !(pts[i].sigma_km > 0))
            return LN_EINVAL;
        wsum += pts[i].weight;
    }
    if (!region)
        return LN_EINVAL;
    if (wsum <= 0)
        rural_share = 1.0;
    double lo0, la0, lo1, la1;
    ln_geo_shape_bbox(region, &lo0, &la0, &lo1, &la1);
    stream s = {ln_hash64(seed ^ 0x6c656f6e6574ull), 0};
    for (size_t k = 0; k < count; k++) {
        int placed = 0;
        int rural = unit(&s) < rural_share;
        size_t pi = 0;
        if (!rural) {
            double u = unit(&s) * wsum, acc = 0;
            for (pi = 0; pi + 1 < npts; pi++) {
                acc += pts[pi].weight;
                if (u < acc)
                    break;
            }
        }
        for (long tries = 0; tries < 1000000 && !placed; tries++) {
            double lon, lat;
            if (!rural && tries && tries % 200 == 0) {
                /* the point's surroundings are (nearly) all outside or
                 * excluded (a city in occupied land): pick another */
                double u = unit(&s) * wsum, acc = 0;
                for (pi = 0; pi + 1 < npts; pi++) {
                    acc += pts[pi].weight;
                    if (u < acc)
                        break;
                }
            }
            if (rural) {
                lon = (lo0 + (lo1 - lo0) * unit(&s)) * LN_DEG2RAD;
                /* uniform in area: uniform in sin(lat) */
                double s0 = sin(la0 * LN_DEG2RAD), s1 = sin(la1 * LN_DEG2RAD);
                lat = asin(s0 + (s1 - s0) * unit(&s));
            } else {
                lon = pts[pi].lon_rad;
                lat = pts[pi].lat_rad;
                double e = gauss(&s) * pts[pi].sigma_km;
                double n = gauss(&s) * pts[pi].sigma_km;
                offset(&lon, &lat, e, n);
            }
            if (allowed_at(region, exclude, lon, lat)) {
                lon_rad[k] = lon;
                lat_rad[k] = lat;
                placed = 1;
            }
        }
        if (!placed)
            return LN_ERANGE;
    }
    return LN_OK;
}

/* Great-circle interpolation between two points, fraction f in [0, 1]. */
static void slerp(double lon0, double lat0, double lon1, double lat1,
                  double f, double *lon, double *lat)
{
    double a[3] = {cos(lat0) * cos(lon0), cos(lat0) * sin(lon0), sin(lat0)};
    double b[3] = {cos(lat1) * cos(lon1), cos(lat1) * sin(lon1), sin(lat1)};
    double d = a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    if (d > 1)
        d = 1;
    if (d < -1)
        d = -1;
    double om = acos(d);
    double wa, wb;
    if (om < 1e-12) {
        wa = 1 - f;
        wb = f;
    } else {
        wa = sin((1 - f) * om) / sin(om);
        wb = sin(f * om) / sin(om);
    }
    double p[3] = {wa * a[0] + wb * b[0], wa * a[1] + wb * b[1],
                   wa * a[2] + wb * b[2]};
    *lat = atan2(p[2], hypot(p[0], p[1]));
    *lon = atan2(p[1], p[0]);
}

void ln_track_position(const ln_track *tr, double t, double shift_s,
                       double east_km, double north_km, double *lon_rad,
                       double *lat_rad)
{
    double lon, lat;
    t -= shift_s;
    if (tr->n == 0) {
        *lon_rad = *lat_rad = NAN;
        return;
    }
    if (tr->n == 1 || t <= tr->t_unix_s[0]) {
        lon = tr->lon_rad[0];
        lat = tr->lat_rad[0];
    } else if (t >= tr->t_unix_s[tr->n - 1]) {
        lon = tr->lon_rad[tr->n - 1];
        lat = tr->lat_rad[tr->n - 1];
    } else {
        size_t i = 0;
        while (i + 2 < tr->n && t >= tr->t_unix_s[i + 1])
            i++;
        double span = tr->t_unix_s[i + 1] - tr->t_unix_s[i];
        double f = span > 0 ? (t - tr->t_unix_s[i]) / span : 1.0;
        slerp(tr->lon_rad[i], tr->lat_rad[i], tr->lon_rad[i + 1],
              tr->lat_rad[i + 1], f, &lon, &lat);
    }
    offset(&lon, &lat, east_km, north_km);
    *lon_rad = lon;
    *lat_rad = lat;
}
