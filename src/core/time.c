/*
 * time.c - UTC calendar <-> Unix seconds <-> two-part Julian dates.
 *
 * The sim clock is seconds since 1970-01-01T00:00:00 UTC without leap
 * seconds (POSIX). Calendar conversions use the proleptic Gregorian
 * calendar (days-from-civil, exact in integers for any year).
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "leonet/core.h"

/* Days since 1970-01-01 of a Gregorian date (exact integer algorithm). */
static long days_from_civil(long y, long m, long d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, int *y, int *m, int *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long yy = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long dd = doy - (153 * mp + 2) / 5 + 1;
    long mm = mp + (mp < 10 ? 3 : -9);
    *y = (int)(yy + (mm <= 2));
    *m = (int)mm;
    *d = (int)dd;
}

double ln_time_from_utc(int y, int mo, int d, int h, int mi, double s)
{
    return (double)days_from_civil(y, mo, d) * LN_SEC_PER_DAY +
           h * 3600.0 + mi * 60.0 + s;
}

void ln_time_to_utc(double t, int *y, int *mo, int *d, int *h, int *mi,
                    double *s)
{
    double days = floor(t / LN_SEC_PER_DAY);
    double sod = t - days * LN_SEC_PER_DAY;
    civil_from_days((long)days, y, mo, d);
    int hh = (int)(sod / 3600.0);
    if (hh > 23)
        hh = 23;
    sod -= hh * 3600.0;
    int mm = (int)(sod / 60.0);
    if (mm > 59)
        mm = 59;
    *h = hh;
    *mi = mm;
    *s = sod - mm * 60.0;
}

void ln_time_unix_to_jd(double t, double *jd1, double *jd2)
{
    /* jd1 = whole days + .5 (midnight), jd2 = fraction of the day: keeps
     * full double precision in the fraction. */
    double days = floor(t / LN_SEC_PER_DAY);
    *jd1 = LN_JD_UNIX + days;
    *jd2 = (t - days * LN_SEC_PER_DAY) / LN_SEC_PER_DAY;
}

double ln_time_jd_to_unix(double jd1, double jd2)
{
    return ((jd1 - LN_JD_UNIX) + jd2) * LN_SEC_PER_DAY;
}

/* ndig digits at *p into *out; advances *p. Reads no further than the
 * first non-digit (so never past the string's NUL). */
static int take_int(const char **p, int ndig, int *out)
{
    int v = 0;
    for (int i = 0; i < ndig; i++) {
        if (!isdigit((unsigned char)(*p)[i]))
            return -1;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += ndig;
    *out = v;
    return 0;
}

/* the character c at *p, then past it; never steps over the NUL */
static int take_char(const char **p, char c)
{
    if (**p != c)
        return -1;
    (*p)++;
    return 0;
}

/* Accepted: optional spaces; YYYY-MM-DD (year 0000..9999, proleptic
 * Gregorian, the month's real length); optionally T (or t, or one space)
 * HH:MM[:SS[.fraction]] with HH 00..23, MM 00..59, SS 00..59, or 60 only
 * at 23:59 on 30 June or 31 December (a leap second, read as the next
 * day's 00:00:00: POSIX time has none); the fraction any number of digits
 * (the first 18 count); then Z, z, +00:00 or nothing (UTC); optional
 * spaces. Nothing else: other offsets, week or ordinal dates, 24:00. */
int ln_time_parse_iso(const char *s, double *t)
{
    int y, mo, d, h = 0, mi = 0, sec = 0;
    double frac = 0.0;
    const char *p = s;
    if (!s)
        return LN_EPARSE;
    while (isspace((unsigned char)*p))
        p++;
    if (take_int(&p, 4, &y) || take_char(&p, '-') || take_int(&p, 2, &mo) ||
        take_char(&p, '-') || take_int(&p, 2, &d))
        return LN_EPARSE;
    if (*p == 'T' || *p == 't' ||
        (*p == ' ' && isdigit((unsigned char)p[1]))) {
        p++;
        if (take_int(&p, 2, &h) || take_char(&p, ':') || take_int(&p, 2, &mi))
            return LN_EPARSE;
        if (*p == ':') {
            p++;
            if (take_int(&p, 2, &sec))
                return LN_EPARSE;
            if (*p == '.') {
                unsigned long long num = 0, den = 1;
                p++;
                if (!isdigit((unsigned char)*p))
                    return LN_EPARSE;
                for (int k = 0; isdigit((unsigned char)*p); k++, p++)
                    if (k < 18) {
                        num = num * 10 + (unsigned long long)(*p - '0');
                        den *= 10;
                    }
                frac = (double)num / (double)den; /* [0, 1] once rounded */
            }
        }
    }
    if (*p == 'Z' || *p == 'z')
        p++;
    else if (strncmp(p, "+00:00", 6) == 0)
        p += 6;
    while (isspace((unsigned char)*p))
        p++;
    if (*p)
        return LN_EPARSE;
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 ||
        mi > 59 || sec > 60)
        return LN_EPARSE;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (mo == 2 && d == 29 && !leap)
        return LN_EPARSE;
    if (sec == 60 && !(h == 23 && mi == 59 &&
                       ((mo == 6 && d == 30) || (mo == 12 && d == 31))))
        return LN_EPARSE;
    if (sec == 60)
        frac = 0.0; /* 23:59:60.5 is still the next day's 00:00:00 */
    *t = ln_time_from_utc(y, mo, d, h, mi, sec + frac);
    return LN_OK;
}

char *ln_time_format_iso(double t, int decimals, char *buf, size_t n)
{
    int y, mo, d, h, mi;
    double s;
    if (decimals < 0)
        decimals = 0;
    if (decimals > 9)
        decimals = 9;
    /* round once, in seconds, so 59.9999999 carries into the minute */
    double scale = pow(10.0, decimals);
    t = floor(t * scale + 0.5) / scale;
    ln_time_to_utc(t, &y, &mo, &d, &h, &mi, &s);
    if (decimals == 0)
        snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, mo, d, h, mi,
                 (int)floor(s + 0.5) > 59 ? 59 : (int)floor(s + 0.5));
    else
        snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%0*.*fZ", y, mo, d, h, mi,
                 decimals + 3, decimals, s);
    return buf;
}

double ln_time_mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

double ln_time_cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
