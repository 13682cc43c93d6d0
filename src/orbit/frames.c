/*
 * frames.c - Greenwich mean sidereal time (IAU-82) and TEME -> ECEF.
 *
 * Exports ln_gmst82, ln_teme_to_ecef, ln_teme_to_ecef_soa.
 *
 * GMST is the IAU-82 expression of Aoki et al. (1982) that SGP4 users use:
 * Vallado's gstime (Vallado, Crawford, Hujsak, Kelso 2006, "Revisiting
 * Spacetrack Report #3", AIAA 2006-6753, and Fundamentals of
 * Astrodynamics eq. 3-47):
 *   GMST(s) = 67310.54841 + (876600 h + 8640184.812866 s) T
 *             + 0.093104 T^2 - 6.2e-6 T^3,   T = (JD_UT1 - 2451545) / 36525.
 * The argument is a two-part Julian date. The 876600 h * T term is 86400 s
 * per day elapsed, i.e. whole turns plus the fraction of the day; it is
 * evaluated from the fractional parts of jd1 and jd2 (as ERFA's eraGmst82
 * does) instead of from T, which keeps ~1e-15 rad of precision where the
 * one-expression form loses ~1e-11 rad to rounding. Same formula, same
 * value to rounding.
 *
 * ECEF here is Vallado's PEF (pseudo Earth-fixed): TEME rotated about z by
 * GMST. Polar motion (a few 0.1 arcsec, i.e. up to ~15 m at LEO radius) is
 * ignored, and UTC is used for UT1 (|UT1-UTC| < 0.9 s, i.e. up to ~0.4 km
 * along track at the equator), as SGP4 users do without Earth orientation
 * data. Velocity: v_pef = R3(gmst) v_teme - omega x r_pef with Vallado's
 * teme2ecef rate omega = 7.29211514670698e-05 rad/s (length of day excess
 * taken as 0). That rate and the 7.292115e-5 rad/s of WGS-84 / IERS differ
 * by 1.5e-13 rad/s, i.e. 1e-9 km/s at LEO: immaterial.
 */
#include <math.h>

#include "leonet/orbit.h"

/* Vallado's teme2ecef: thetasa = 7.29211514670698e-05 * (1 - lod/86400),
 * here with lod = 0. */
#define OMEGA_EARTH_RAD_S 7.29211514670698e-05

#define DJ00 2451545.0        /* J2000.0 as a Julian date */
#define DJC 36525.0           /* days per Julian century */
#define S2R (LN_TWOPI / 86400.0) /* seconds of time to radians */

double ln_gmst82(double jd1, double jd2)
{
    /* Coefficients of IAU-82 GMST in seconds of time. 67310.54841 is
     * 24110.54841 s + 43200 s: the day fraction below counts from noon
     * (Julian dates start at noon), so the constant here is
     * 24110.54841 - 43200; the two differ by a whole turn. */
    const double A = 24110.54841 - 43200.0;
    const double B = 8640184.812866;
    const double C = 0.093104;
    const double D = -6.2e-6;
    double d1, d2;

    /* larger part first, as ERFA does, so T is formed without loss */
    if (fabs(jd1) >= fabs(jd2)) {
        d1 = jd1;
        d2 = jd2;
    } else {
        d1 = jd2;
        d2 = jd1;
    }
    double t = ((d1 - DJ00) + d2) / DJC;
    double f = 86400.0 * (fmod(d1, 1.0) + fmod(d2, 1.0));
    double g = S2R * ((A + (B + (C + D * t) * t) * t) + f);
    g = fmod(g, LN_TWOPI);
    if (g < 0.0)
        g += LN_TWOPI;
    return g;
}

static double gmst_of_unix(double t_unix_s)
{
    double jd1, jd2;
    ln_time_unix_to_jd(t_unix_s, &jd1, &jd2);
    return ln_gmst82(jd1, jd2); /* UTC used for UT1 */
}

void ln_teme_to_ecef(double t_unix_s, const double r_teme[3],
                     const double v_teme[3], double r_ecef[3],
                     double v_ecef[3])
{
    double g = gmst_of_unix(t_unix_s);
    double c = cos(g), s = sin(g);
    /* r_pef = R3(gmst) r_teme, R3 the frame rotation about z (Vallado's
     * st' with st = [c -s 0; s c 0; 0 0 1]) */
    double x = c * r_teme[0] + s * r_teme[1];
    double y = -s * r_teme[0] + c * r_teme[1];
    double z = r_teme[2];
    if (v_teme && v_ecef) {
        double vx = c * v_teme[0] + s * v_teme[1];
        double vy = -s * v_teme[0] + c * v_teme[1];
        /* - omega x r_pef, omega = (0, 0, w) */
        v_ecef[0] = vx + OMEGA_EARTH_RAD_S * y;
        v_ecef[1] = vy - OMEGA_EARTH_RAD_S * x;
        v_ecef[2] = v_teme[2];
    }
    r_ecef[0] = x;
    r_ecef[1] = y;
    r_ecef[2] = z;
}

void ln_teme_to_ecef_soa(double t_unix_s, ln_pv_soa *pv, size_t n)
{
    double g = gmst_of_unix(t_unix_s);
    double c = cos(g), s = sin(g);
    const double w = OMEGA_EARTH_RAD_S;
    /* NaN rows (failed satellites) stay NaN; the velocity arrays are
     * optional (NULL: positions only). */
    for (size_t i = 0; i < n; i++) {
        double x = c * pv->x[i] + s * pv->y[i];
        double y = -s * pv->x[i] + c * pv->y[i];
        pv->x[i] = x;
        pv->y[i] = y;
        if (pv->vx && pv->vy) {
            double vx = c * pv->vx[i] + s * pv->vy[i];
            double vy = -s * pv->vx[i] + c * pv->vy[i];
            pv->vx[i] = vx + w * y;
            pv->vy[i] = vy - w * x;
        }
    }
}
