/*
 * tle_write.c - the two-line element set (TLE) writer: ln_tle_format.
 *
 * Writes the canonical form that Space-Track and CelesTrak publish (the
 * column layout is in tle.c's header):
 *   1 NNNNNC DDDDDDDD YYDDD.DDDDDDDD +.NNNNNNNN +NNNNN-N +NNNNN-N E EEEEC
 *   2 NNNNN III.IIII RRR.RRRR EEEEEEE PPP.PPPP MMM.MMMM NN.NNNNNNNNRRRRRC
 * - catalog number: 5 digits, or Alpha-5 (a letter without I and O, then 4
 *   digits) for 100000..339999;
 * - epoch: 2-digit year (1957..2056) and day of year with 8 decimals;
 * - ndot/2 (rev/day^2): sign (' ' or '-') then ".NNNNNNNN";
 * - nddot/6 (rev/day^3) and bstar (1/earth radii): sign, 5-digit mantissa
 *   with an implied leading "0." normalised to a non-zero first digit, and
 *   a signed 1-digit power of ten; zero is " 00000+0";
 * - eccentricity: 7 digits with an implied leading "0.";
 * - angles in degrees, 4 decimals; mean motion rev/day, 8 decimals;
 * - element number 4 columns, revolution number 5 columns (taken modulo
 *   100000: the catalogue wraps it the same way);
 * - checksum: digits of columns 1-68 summed, '-' counting 1, modulo 10.
 * Units are converted back with the constants of Vallado's twoline2rv
 * (xpdotp = 1440 / 2pi, pi/180), so that parse -> format reproduces the
 * printed digits. A negative zero in ndot/nddot/bstar keeps its '-' (the
 * parser returns -0.0 for "-.00000000"), so such lines round-trip too.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "leonet/orbit.h"
#include "orbit/orbit_int.h"


/* 5 columns of catalog number (Alpha-5 above 99999). */
static int catalog(uint32_t norad, char out[6])
{
    static const char letters[] = "ABCDEFGHJKLMNPQRSTUVWXYZ"; /* no I, O */
    if (norad <= 99999u) {
        snprintf(out, 6, "%05u", (unsigned)norad);
        return 0;
    }
    if (norad > 339999u)
        return LN_ERANGE;
    unsigned hi = (unsigned)(norad / 10000u) - 10u; /* 0..23 */
    snprintf(out, 6, "%c%04u", letters[hi], (unsigned)(norad % 10000u));
    return 0;
}

/* ndot field: sign char + ".NNNNNNNN" (10 columns), |v| < 1 after
 * rounding to 8 decimals. */
static int ndot_field(double v, char out[11])
{
    if (!isfinite(v))
        return LN_ERANGE;
    double m = nearbyint(fabs(v) * 1e8);
    if (m >= 1e8)
        return LN_ERANGE;
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%c.%08ld", signbit(v) ? '-' : ' ', (long)m);
    memcpy(out, tmp, 10); /* 10 columns since m < 1e8 */
    out[10] = '\0';
    return 0;
}

/* Implied-decimal exponent field: sign char, 5 mantissa digits, exponent
 * sign and digit (8 columns): v = +-0.NNNNN * 10^e. Values too small for
 * e >= -9 round to zero; too large ones (>= 1e9) are an error. */
static int exp_field(double v, char out[9])
{
    if (!isfinite(v))
        return LN_ERANGE;
    char sign = signbit(v) ? '-' : ' ';
    double a = fabs(v);
    long mant = 0;
    int e = 0;
    if (a > 0.0) {
        e = (int)floor(log10(a)) + 1; /* a = 0.xxxxx * 10^e */
        mant = (long)nearbyint(a * pow(10.0, 5 - e));
        /* log10 and rounding may land one decade off */
        if (mant >= 100000) {
            e++;
            mant = (long)nearbyint(a * pow(10.0, 5 - e));
        } else if (mant < 10000) {
            e--;
            mant = (long)nearbyint(a * pow(10.0, 5 - e));
        }
        if (mant >= 100000) { /* 0.999995 rounding to 1.00000 */
            mant = 10000;
            e++;
        }
        if (e > 9)
            return LN_ERANGE;
        if (e < -9) {
            /* LN-DEV: below 1e-10 the field cannot hold the value; it is
             * written as zero (the sign kept), not refused. */
            mant = 0;
            e = 0;
        }
    }
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%c%05ld%c%d", sign, mant, e < 0 ? '-' : '+',
             e < 0 ? -e : e);
    memcpy(out, tmp, 8); /* 8 columns by the range checks above */
    out[8] = '\0';
    return 0;
}

/* An angle in degrees, 0 <= x < limit, "%8.4f". */
static int angle_field(double rad, double limit, char out[9])
{
    if (!isfinite(rad))
        return LN_ERANGE;
    double deg = rad * (180.0 / LN_PI);
    if (limit >= 360.0) {
        deg = fmod(deg, 360.0);
        if (deg < 0.0)
            deg += 360.0;
        if (nearbyint(deg * 1e4) >= 360.0 * 1e4)
            deg = 0.0;
    } else if (deg < 0.0 || nearbyint(deg * 1e4) > limit * 1e4) {
        return LN_ERANGE;
    }
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%8.4f", deg);
    memcpy(out, tmp, 8); /* 8 columns since deg < 1000 */
    out[8] = '\0';
    return 0;
}

int ln_tle_format(const ln_elset *e, char *l1, char *l2)
{
    const double xpdotp = 1440.0 / (2.0 * LN_PI); /* rev/day per rad/min */
    char cat[6], ndot[11], nddot[9], bstar[9];
    char incl[9], raan[9], argp[9], ma[9];
    int rc;

    if (!e || !l1 || !l2)
        return LN_EINVAL;
    l1[0] = l2[0] = '\0';
    if ((rc = catalog(e->norad, cat)))
        return rc;
    char cls = e->classification ? e->classification : 'U';
    if (cls < ' ' || cls > '~')
        return LN_EINVAL;
    if (strlen(e->intldesg) > 8)
        return LN_ERANGE;
    for (const char *p = e->intldesg; *p; p++)
        if (*p < ' ' || *p > '~')
            return LN_EINVAL;

    /* epoch: year and day of year, rolled into the next year when the
     * day rounds up past the last day */
    if (e->epochyr < 1957 || e->epochyr > 2056 || !isfinite(e->epochdays) ||
        e->epochdays < 1.0)
        return LN_ERANGE;
    int yr = e->epochyr;
    double ticks = nearbyint(e->epochdays * 1e8); /* 1e-8 day */
    {
        int leap = (yr % 4 == 0 && yr % 100 != 0) || yr % 400 == 0;
        double ydays = leap ? 366.0 : 365.0;
        if (ticks >= (ydays + 1.0) * 1e8) {
            ticks -= ydays * 1e8;
            yr++;
            if (yr > 2056)
                return LN_ERANGE;
        }
        if (ticks >= 367.0 * 1e8)
            return LN_ERANGE;
    }
    long whole = (long)(ticks / 1e8);
    long frac = (long)(ticks - (double)whole * 1e8);

    if ((rc = ndot_field(e->ndot * xpdotp * 1440.0, ndot)))
        return rc;
    if ((rc = exp_field(e->nddot * xpdotp * 1440.0 * 1440.0, nddot)))
        return rc;
    if ((rc = exp_field(e->bstar, bstar)))
        return rc;
    if (e->ephtype < 0 || e->ephtype > 9 || e->elnum < 0 || e->elnum > 9999)
        return LN_ERANGE;

    if ((rc = angle_field(e->inclo, 180.0, incl)) ||
        (rc = angle_field(e->nodeo, 360.0, raan)) ||
        (rc = angle_field(e->argpo, 360.0, argp)) ||
        (rc = angle_field(e->mo, 360.0, ma)))
        return rc;
    if (!isfinite(e->ecco) || e->ecco < 0.0)
        return LN_ERANGE;
    double ecc = nearbyint(e->ecco * 1e7);
    if (ecc > 9999999.0)
        return LN_ERANGE;
    double nrev = e->no_kozai * xpdotp;
    if (!isfinite(nrev) || nrev < 0.0 || nearbyint(nrev * 1e8) >= 1e10)
        return LN_ERANGE;
    if (e->revnum < 0)
        return LN_ERANGE;
    long rev = e->revnum % 100000;

    char b1[80], b2[80];
    snprintf(b1, sizeof b1,
             "1 %s%c %-8s %02d%03ld.%08ld %s %s %s %d %4d", cat, cls,
             e->intldesg, yr % 100, whole, frac, ndot, nddot, bstar,
             e->ephtype, e->elnum);
    snprintf(b2, sizeof b2, "2 %s %s %s %07ld %s %s %11.8f%5ld", cat, incl,
             raan, (long)ecc, argp, ma, nrev, rev);
    if (strlen(b1) != 68 || strlen(b2) != 68)
        return LN_ERANGE; /* cannot happen with the checks above */
    b1[68] = (char)('0' + ln__tle_checksum(b1));
    b2[68] = (char)('0' + ln__tle_checksum(b2));
    b1[69] = b2[69] = '\0';
    memcpy(l1, b1, 70);
    memcpy(l2, b2, 70);
    return 0;
}
