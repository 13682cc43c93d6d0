/*
 * terminals.c - mobile terminals moving along timed tracks. (Fixed
 * terminals are placed by src/sim/place.c; issue #13 moves placement to
 * link.)
 *
 * A unit's spread around its track is a km offset (ln_geo_offset_km).
 */
#include <math.h>

#include "leonet/geodesy.h"
#include "leonet/link.h"

/* Great-circle interpolation between two points, fraction f in [0, 1]. */
static void slerp(double lat0, double lon0, double lat1, double lon1,
                  double f, double *lat, double *lon)
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

void ln_track_position(const ln_track *tr, double t_unix_s, double shift_s,
                       double east_km, double north_km, double *lat_rad,
                       double *lon_rad)
{
    double lon, lat;
    double t = t_unix_s - shift_s; /* the unit's time on the schedule */
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
        slerp(tr->lat_rad[i], tr->lon_rad[i], tr->lat_rad[i + 1],
              tr->lon_rad[i + 1], f, &lat, &lon);
    }
    ln_geo_offset_km(&lat, &lon, east_km, north_km);
    *lon_rad = lon;
    *lat_rad = lat;
}
