/*
 * walker.c - Walker-delta shells and the built-in Starlink Gen1 preset.
 *
 * Exports ln_shells_gen1 and ln_shells_to_elsets.
 *
 * A Walker-delta shell i: T/P/F has P planes of S = T/P satellites on
 * circular orbits of one altitude and inclination i. Plane p (0..P-1) has
 *   RAAN(p) = raan0 + p * 360 deg / P          (spread over the full 360)
 * and satellite s (0..S-1) of plane p the argument of latitude
 *   u(p, s) = s * 360 / S + ((p * F) mod P) * 360 / T.
 * Walker's own rule is u = s * 360/S + p * F * 360/T; adding whole in-plane
 * slots (360/S) only relabels the satellites of a plane, so reducing p*F
 * modulo P gives the same set of positions with satellite s of every plane
 * within one slot of its neighbours (what a "+Grid" of inter-plane links
 * pairs up). The orbits are circular, so u is the mean anomaly with the
 * argument of perigee 0.
 *
 * Gen1 preset (SpaceX FCC filings SAT-MOD-20190830-00087 and
 * SAT-MOD-20200417-00037: 1584 + 1584 + 720 + 348 + 172 = 4408):
 *   k  altitude  incl    P x S     F   raan0
 *   0  550 km    53.0    72 x 22   36  0
 *   1  540 km    53.2    72 x 22   36  0
 *   2  570 km    70.0    36 x 20   18  0
 *   3  560 km    97.6     6 x 58    3  0
 *   4  560 km    97.6     4 x 43    2  45 deg
 * The filings do not give the phasing F. We use F = P/2 in every shell:
 * adjacent planes are offset by half an in-plane slot. This is exactly the
 * rule Hypatia uses for its Starlink shell (snkas/hypatia,
 * satgenpy/satgen/tles/generate_tles_from_scratch.py with
 * PHASE_DIFF = True in paper/satellite_networks_state/main_starlink_550.py:
 * RAAN = orbit * 360 / P, mean anomaly = n_sat * 360 / S plus 360 / (2 S)
 * on odd orbits, argument of perigee 0, eccentricity 1e-7): with F = P/2
 * and the reduction above, u(p, s) is the same number for the same (p, s),
 * so our satellite p * S + s is Hypatia's satellite id p * S + s.
 * Shell 4 starts at RAAN 45 deg so that none of its planes coincides with
 * a plane of shell 3 (same altitude and inclination): that choice is ours.
 *
 * Element sets: eccentricity 1e-7 (the smallest non-zero TLE value, as
 * Hypatia, since PyEphem refuses 0), argument of perigee 0, no drag
 * (bstar, ndot, nddot 0), mean motion n = sqrt(mu / a^3) with
 * a = 6378.135 km + altitude and mu = 398600.8 km^3/s^2, SGP4's WGS-72
 * constants. SGP4 reads n as a Kozai mean motion; its Brouwer semi-major
 * axis then differs from a by < 1 km, and the osculating radius varies by
 * a few km around the orbit (J2 short-period terms).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "leonet/orbit.h"

#define SHELL_ECC 1e-7
#define NORAD_MAX 339999u        /* Z9999 in Alpha-5 */

static const ln_shell gen1[] = {
    {550.0, 53.0 * LN_DEG2RAD, 72, 22, 36, 0.0},
    {540.0, 53.2 * LN_DEG2RAD, 72, 22, 36, 0.0},
    {570.0, 70.0 * LN_DEG2RAD, 36, 20, 18, 0.0},
    {560.0, 97.6 * LN_DEG2RAD, 6, 58, 3, 0.0},
    {560.0, 97.6 * LN_DEG2RAD, 4, 43, 2, 45.0 * LN_DEG2RAD},
};

size_t ln_shells_gen1(const ln_shell **shells)
{
    *shells = gen1;
    return sizeof gen1 / sizeof gen1[0];
}

static int shell_ok(const ln_shell *sh)
{
    return sh->planes >= 1 && sh->per_plane >= 1 && sh->phasing >= 0 &&
           sh->phasing < sh->planes && sh->planes <= 100000 &&
           sh->per_plane <= 100000 && isfinite(sh->alt_km) &&
           sh->alt_km > 0.0 && sh->alt_km < 1e6 &&
           isfinite(sh->incl_rad) && sh->incl_rad >= 0.0 &&
           sh->incl_rad <= LN_PI && isfinite(sh->raan0_rad);
}

static double wrap_2pi(double a)
{
    a = fmod(a, LN_TWOPI);
    if (a < 0.0)
        a += LN_TWOPI;
    return a;
}

int ln_shells_to_elsets(const ln_shell *shells, size_t nshells,
                        double epoch_unix_s, uint32_t first_norad,
                        ln_elset **out, size_t *n)
{
    if (!out || !n || (nshells && !shells) || !isfinite(epoch_unix_s))
        return LN_EINVAL;
    *out = NULL;
    *n = 0;
    size_t total = 0;
    for (size_t k = 0; k < nshells; k++) {
        if (!shell_ok(&shells[k]))
            return LN_EINVAL;
        total += (size_t)shells[k].planes * (size_t)shells[k].per_plane;
        if (total > NORAD_MAX + 1u)
            return LN_ERANGE;
    }
    if (total == 0)
        return 0;
    if ((uint64_t)first_norad + total - 1 > NORAD_MAX)
        return LN_ERANGE;

    /* the epoch in every form ln_elset carries */
    int y, mo, d, h, mi;
    double sec, jd1, jd2;
    ln_time_to_utc(epoch_unix_s, &y, &mo, &d, &h, &mi, &sec);
    if (y < 1957 || y > 2056) /* what a 2-digit TLE year can express */
        return LN_ERANGE;
    ln_time_unix_to_jd(epoch_unix_s, &jd1, &jd2);
    double epochdays =
        1.0 + (epoch_unix_s - ln_time_from_utc(y, 1, 1, 0, 0, 0)) /
                  LN_SEC_PER_DAY;

    ln_elset *els = ln_calloc(total, sizeof *els);
    if (!els)
        return LN_ENOMEM;
    size_t i = 0;
    for (size_t k = 0; k < nshells; k++) {
        const ln_shell *sh = &shells[k];
        double a = LN_WGS72_RE_KM + sh->alt_km;
        double no = sqrt(LN_WGS72_MU_KM3_S2 / (a * a * a)) *
                    60.0; /* rad/min */
        long P = sh->planes, S = sh->per_plane, F = sh->phasing;
        double T = (double)(P * S);
        for (long p = 0; p < P; p++) {
            double raan = wrap_2pi(sh->raan0_rad + LN_TWOPI * (double)p /
                                                       (double)P);
            double off = (double)((p * F) % P) / T; /* turns */
            for (long s = 0; s < S; s++) {
                ln_elset *e = &els[i];
                snprintf(e->name, sizeof e->name, "SHELL%zu-P%ld-S%ld", k,
                         p, s);
                e->intldesg[0] = '\0';
                e->norad = first_norad + (uint32_t)i;
                e->classification = 'U';
                e->epochyr = y;
                e->epochdays = epochdays;
                e->epoch_jd1 = jd1;
                e->epoch_jd2 = jd2;
                e->epoch_unix_s = epoch_unix_s;
                e->ndot = 0.0;
                e->nddot = 0.0;
                e->bstar = 0.0;
                e->ephtype = 0;
                e->elnum = 0;
                e->inclo = sh->incl_rad;
                e->nodeo = raan;
                e->ecco = SHELL_ECC;
                e->argpo = 0.0;
                e->mo = wrap_2pi(LN_TWOPI * ((double)s / (double)S + off));
                e->no_kozai = no;
                e->revnum = 0;
                i++;
            }
        }
    }
    *out = els;
    *n = total;
    return 0;
}
