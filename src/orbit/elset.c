/*
 * elset.c - facts derived from a mean element set that several areas
 * need: mean altitude and whether a satellite is on station.
 *
 * Mean altitude: the semi-major axis from the Kozai mean motion with
 * SGP4's WGS-72 constants (mu = 398600.8 km^3/s^2, Re = 6378.135 km),
 * minus Re. It is the figure CelesTrak-style summaries and data/tle's
 * README use; it ignores the J2 (un-Kozai) correction, which moves it by
 * well under 1 km at Starlink altitudes.
 */
#include <math.h>

#include "leonet/orbit.h"

double ln_elset_alt_km(const ln_elset *e)
{
    const double mu = LN_WGS72_MU_KM3_S2, re = LN_WGS72_RE_KM;
    double n_rad_s = e->no_kozai / 60.0;
    if (!(n_rad_s > 0.0))
        return NAN;
    double a = cbrt(mu / (n_rad_s * n_rad_s));
    return a - re;
}
