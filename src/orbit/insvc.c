/*
 * insvc.c - the in-service rule: which element sets are Starlink
 * satellites at work in one of the constellation's shells.
 *
 * Exports ln_elset_service (and the names of its classes).
 *
 * The rule (docs/scenario.md, "Satellites in service"):
 *   1. a named set whose name does not start with "STARLINK" (CelesTrak's
 *      group name for the satellites) or "SHELL" (leonet's Walker sets) is
 *      not a Starlink satellite: debris, rocket bodies, rideshares
 *      ("FALCON 9 DEB", "SHERPA-LTC2", "BLUEWALKER-3" in data/tle/). A set
 *      with no name is judged by its orbit alone;
 *   2. it belongs to a shell when its inclination is within
 *      LN_SVC_INCL_TOL_DEG of the shell's and its eccentricity is below
 *      0.01 (shells are circular);
 *   3. it is in service when its mean altitude (ln_elset_alt_km) lies in
 *      [alt - LN_SVC_BELOW_KM, alt + LN_SVC_ABOVE_KM] of a shell it
 *      belongs to. Below the band it is still raising its orbit or being
 *      lowered for disposal; above it, it is not where any shell works.
 * The shell table is the caller's (the scenario's Walker shells) or, with
 * NULL, the Gen1 table of ln_shells_gen1: the operational altitudes of
 * SpaceX's FCC filings SAT-MOD-20190830-00087 and SAT-MOD-20200417-00037
 * (550 km at 53.0 deg, 540 at 53.2, 570 at 70, 560 at 97.6).
 *
 * Tolerances, from the 2022-10-09 set (data/tle/, docs/scenario.md has
 * the histogram): every STARLINK object of a shell's inclination at work
 * sits between 3.5 km below and 7.1 km above the filed altitude (550:
 * -3.5..-0.3, 540: -2.2..0, 570: +1.8..+7.1, 560: -2.0..+5.5 km). The
 * next ones below, from 5.6 km under the 550 km shell down, are a thin
 * tail whose drag term (ndot ~3e-4 rev/day^2, ten times the shell's) says
 * they are coming down. Hence 5 km below, 10 km above. Inclinations of
 * the shells in the file: 52.97..53.06, 53.19..53.23, 70.00..70.01,
 * 97.51..97.67 deg: 0.1 deg keeps the two 53-degree shells apart.
 */
#include <math.h>
#include <string.h>

#include "leonet/orbit.h"

int ln_elset_service(const ln_elset *e, const ln_shell *shells,
                     size_t nshells)
{
    if (e->name[0] && strncmp(e->name, "STARLINK", 8) != 0 &&
        strncmp(e->name, "SHELL", 5) != 0)
        return LN_SVC_NOT_SATELLITE;
    if (!shells)
        nshells = ln_shells_gen1(&shells);
    double alt = ln_elset_alt_km(e);
    double inc = e->inclo;
    int member = 0, low = 0;
    if (!(e->ecco < 0.01) || !isfinite(alt) || !isfinite(inc))
        return LN_SVC_OFF_SHELL;
    for (size_t k = 0; k < nshells; k++) {
        if (!(fabs(inc - shells[k].incl_rad) <=
              LN_SVC_INCL_TOL_DEG * LN_DEG2RAD))
            continue;
        member = 1;
        double d = alt - shells[k].alt_km;
        if (d >= -LN_SVC_BELOW_KM && d <= LN_SVC_ABOVE_KM)
            return LN_SVC_IN;
        low |= d < -LN_SVC_BELOW_KM;
    }
    if (!member)
        return LN_SVC_OFF_SHELL;
    return low ? LN_SVC_BELOW : LN_SVC_ABOVE;
}

const char *ln_svc_name(int cls)
{
    switch (cls) {
    case LN_SVC_IN:
        return "in service";
    case LN_SVC_NOT_SATELLITE:
        return "not a satellite";
    case LN_SVC_OFF_SHELL:
        return "off shell";
    case LN_SVC_BELOW:
        return "below band";
    case LN_SVC_ABOVE:
        return "above band";
    default:
        return "?";
    }
}
