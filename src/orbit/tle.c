/*
 * tle.c - the two-line element set (TLE) reader.
 *
 * Exports ln_tle_parse_lines (one set from its two lines), ln_tle_parse (a
 * whole text of 2-line and 3-line sets) and ln_tle_read_file.
 *
 * Format (columns 1-based, as in CelesTrak's "NORAD Two-Line Element Set
 * Format" and Vallado et al. 2006, appendix):
 *   line 1: 1 NNNNNC YYLLLPPP YYDDD.DDDDDDDD +.NNNNNNNN +NNNNN-N +NNNNN-N E EEEEC
 *           cols 3-7 catalog, 8 class, 10-17 designator, 19-32 epoch,
 *           34-43 ndot/2, 45-52 nddot/6, 54-61 bstar, 63 ephemeris type,
 *           65-68 element number, 69 checksum
 *   line 2: 2 NNNNN III.IIII RRR.RRRR EEEEEEE PPP.PPPP MMM.MMMM NN.NNNNNNNNRRRRRC
 *           cols 9-16 incl, 18-25 raan, 27-33 ecc (implied "0."),
 *           35-42 argp, 44-51 mean anomaly, 53-63 mean motion (rev/day),
 *           64-68 revolution number, 69 checksum
 * Catalog numbers may be Alpha-5 (a letter A-Z without I and O, then four
 * digits: A0000 = 100000 ... Z9999 = 339999). Checksum: the sum of the
 * digits of columns 1-68, with '-' counting 1, modulo 10.
 * Conversions follow Vallado's twoline2rv (xpdotp = 1440 / 2pi; degrees to
 * radians by pi/180) so that SGP4 sees the same doubles as the reference.
 *
 * Text input: LF or CRLF, blank lines and lines starting with '#' skipped,
 * a name line before line 1 is optional ("0 NAME" as in CelesTrak's 3LE
 * form is accepted). Characters past column 69 are ignored (Vallado's
 * verification file puts the time window there). Every error names the
 * file, line and column, and nothing is returned on error.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "leonet/orbit.h"
#include "orbit/orbit_int.h"

#define TLE_MAX_FILE ((size_t)1 << 30) /* 1 GiB */

/* Days from 1970-01-01 to year-01-01 (proleptic Gregorian). */
static double jd_of_jan1(int year)
{
    return LN_JD_UNIX + ln_time_from_utc(year, 1, 1, 0, 0, 0) / LN_SEC_PER_DAY;
}

typedef struct field_ctx {
    const char *file;
    long fline; /* line number in the file (for diagnostics) */
    int lineno; /* 1 or 2 */
    ln_diag *diag;
} field_ctx;

static int fail(const field_ctx *c, int code, int col, const char *fmt,
                const char *what)
{
    char msg[200];
    snprintf(msg, sizeof msg, fmt, what);
    ln_diag_set(c->diag, code, c->file, c->fline, col, NULL, "line %d: %s",
                c->lineno, msg);
    return code;
}

/* Copies columns [c0, c1] (1-based, inclusive) into buf, trimmed. */
static void field(const char *l, int c0, int c1, char *buf)
{
    int a = c0 - 1, b = c1 - 1;
    while (a <= b && l[a] == ' ')
        a++;
    while (b >= a && l[b] == ' ')
        b--;
    int n = b >= a ? b - a + 1 : 0;
    memcpy(buf, l + a, (size_t)n);
    buf[n] = '\0';
}

/* A plain decimal number: [+-]digits[.digits] or [+-].digits, no exponent
 * (TLE fields never have one). */
static int is_decimal(const char *s)
{
    int digits = 0;
    if (*s == '+' || *s == '-')
        s++;
    while (isdigit((unsigned char)*s)) {
        s++;
        digits++;
    }
    if (*s == '.') {
        s++;
        while (isdigit((unsigned char)*s)) {
            s++;
            digits++;
        }
    }
    return *s == '\0' && digits > 0;
}

static int num_field(const field_ctx *c, const char *l, int c0, int c1,
                     const char *what, int blank_ok, double *out)
{
    char buf[32];
    field(l, c0, c1, buf);
    if (!buf[0] && blank_ok) {
        *out = 0.0;
        return 0;
    }
    if (!is_decimal(buf))
        return fail(c, LN_ETLE_FORMAT, c0, "%s is not a number", what);
    *out = strtod(buf, NULL);
    return 0;
}

static int int_field(const field_ctx *c, const char *l, int c0, int c1,
                     const char *what, int blank_ok, long *out)
{
    char buf[32];
    field(l, c0, c1, buf);
    if (!buf[0] && blank_ok) {
        *out = 0;
        return 0;
    }
    for (const char *p = buf; *p; p++)
        if (!isdigit((unsigned char)*p))
            return fail(c, LN_ETLE_FORMAT, c0, "%s is not an integer", what);
    if (!buf[0])
        return fail(c, LN_ETLE_FORMAT, c0, "%s is blank", what);
    *out = strtol(buf, NULL, 10);
    return 0;
}

/* Implied-decimal exponent field " NNNNN-N" (cols c0..c0+7):
 * sign, 5 digits of mantissa after an implied "0.", exponent sign, digit. */
static int exp_field(const field_ctx *c, const char *l, int c0,
                     const char *what, int lenient, double *out)
{
    const char *f = l + c0 - 1;
    char m[8], e[3];
    int sign = 1;
    if (f[0] == '-')
        sign = -1;
    else if (f[0] != ' ' && f[0] != '+')
        return fail(c, LN_ETLE_FORMAT, c0, "%s: bad sign", what);
    for (int i = 0; i < 5; i++) {
        char ch = f[1 + i];
        if (ch == ' ' && lenient)
            ch = '0';
        if (!isdigit((unsigned char)ch))
            return fail(c, LN_ETLE_FORMAT, c0 + 1 + i,
                        "%s: mantissa digit expected", what);
        m[i] = ch;
    }
    m[5] = '\0';
    char es = f[6];
    if (es == ' ' && lenient)
        es = '+';
    if (es != '+' && es != '-')
        return fail(c, LN_ETLE_FORMAT, c0 + 6, "%s: exponent sign expected",
                    what);
    if (!isdigit((unsigned char)f[7]))
        return fail(c, LN_ETLE_FORMAT, c0 + 7, "%s: exponent digit expected",
                    what);
    e[0] = f[7];
    e[1] = '\0';
    /* as twoline2rv: mantissa "0.NNNNN" times 10^exp */
    char mant[12];
    snprintf(mant, sizeof mant, "0.%s", m);
    int ex = (e[0] - '0') * (es == '-' ? -1 : 1);
    *out = sign * strtod(mant, NULL) * pow(10.0, ex);
    return 0;
}

static int catalog(const field_ctx *c, const char *l, uint32_t *out)
{
    char buf[8];
    field(l, 3, 7, buf);
    size_t n = strlen(buf);
    if (n == 0)
        return fail(c, LN_ETLE_FORMAT, 3, "%s is blank", "catalog number");
    const char *digits = buf;
    uint32_t high = 0;
    if (isalpha((unsigned char)buf[0])) {
        /* Alpha-5: only with exactly 5 characters */
        char a = (char)toupper((unsigned char)buf[0]);
        if (n != 5 || a == 'I' || a == 'O')
            return fail(c, LN_ETLE_FORMAT, 3, "%s: bad Alpha-5 letter",
                        "catalog number");
        high = (uint32_t)(a - 'A' + 10);
        if (a > 'I')
            high--;
        if (a > 'O')
            high--;
        digits = buf + 1;
    }
    for (const char *p = digits; *p; p++)
        if (!isdigit((unsigned char)*p))
            return fail(c, LN_ETLE_FORMAT, 3, "%s is not a number",
                        "catalog number");
    *out = high * 10000u + (uint32_t)strtoul(digits, NULL, 10);
    return 0;
}

/* Digits plus one per minus sign, modulo 10. */
int ln__tle_checksum(const char *l)
{
    int s = 0;
    for (int i = 0; i < 68; i++) {
        if (isdigit((unsigned char)l[i]))
            s += l[i] - '0';
        else if (l[i] == '-')
            s += 1;
    }
    return s % 10;
}

/* Copies a line into a 70-byte buffer (69 columns), dropping a CR and
 * padding short lines with blanks; returns the visible length. */
static int take_line(const char *src, char *dst)
{
    int n = 0;
    while (src[n] && src[n] != '\n' && src[n] != '\r' && n < 69) {
        dst[n] = src[n];
        n++;
    }
    int len = n;
    while (src[len] && src[len] != '\n' && src[len] != '\r')
        len++;
    for (int i = n; i < 69; i++)
        dst[i] = ' ';
    dst[69] = '\0';
    return len;
}

static int check_line(const field_ctx *c, const char *raw, const char *l,
                      int flags)
{
    int len = 0;
    while (raw[len] && raw[len] != '\n' && raw[len] != '\r')
        len++;
    for (int i = 0; i < 69 && i < len; i++)
        if (!isprint((unsigned char)l[i]))
            return fail(c, LN_ETLE_FORMAT, i + 1, "%s",
                        "non-printable character");
    if (l[0] != (char)('0' + c->lineno) || l[1] != ' ')
        return fail(c, LN_ETLE_FORMAT, 1, "expected line number %s",
                    c->lineno == 1 ? "'1 '" : "'2 '");
    int need = (flags & LN_TLE_LENIENT) ? 61 : 69;
    if (len < need) {
        char what[64];
        snprintf(what, sizeof what, "%d columns, expected 69", len);
        return fail(c, LN_ETLE_FORMAT, len + 1, "truncated line: %s", what);
    }
    if (!(flags & LN_TLE_NO_CHECKSUM) && len >= 69) {
        if (!isdigit((unsigned char)l[68]))
            return fail(c, LN_ETLE_CHECKSUM, 69, "%s",
                        "checksum digit expected");
        if (ln__tle_checksum(l) != l[68] - '0') {
            char what[64];
            snprintf(what, sizeof what, "checksum is %c, digits sum to %d",
                     l[68], ln__tle_checksum(l));
            return fail(c, LN_ETLE_CHECKSUM, 69, "%s", what);
        }
    }
    return 0;
}

/* rev/day per rad/min, and degrees to rad, as Vallado's twoline2rv */
static const double xpdotp = 1440.0 / (2.0 * LN_PI);
static const double deg2rad = LN_PI / 180.0;

/* The fields of line 1 l1 (checked by check_line) into r: catalog
 * number, classification, designator, epoch, the mean motion's
 * derivatives, B*, ephemeris type and element set number. */
static int parse_line1(const field_ctx *c, const char *l1, int lenient,
                       ln_elset *r)
{
    double v;
    long iv;
    int rc;
    if ((rc = catalog(c, l1, &r->norad)))
        return rc;
    r->classification = l1[7] == ' ' ? 'U' : l1[7];
    if (!strchr("UCS", r->classification) && !lenient)
        return fail(c, LN_ETLE_FORMAT, 8, "classification '%s' not U/C/S",
                    (char[2]){r->classification, 0});
    field(l1, 10, 17, r->intldesg);
    /* epoch */
    if ((rc = int_field(c, l1, 19, 20, "epoch year", 0, &iv)))
        return rc;
    r->epochyr = (int)(iv < 57 ? iv + 2000 : iv + 1900);
    if ((rc = num_field(c, l1, 21, 32, "epoch day", 0, &r->epochdays)))
        return rc;
    if (r->epochdays < 1.0 || r->epochdays >= 367.0)
        return fail(c, LN_ETLE_FORMAT, 21, "%s out of range 1..366",
                    "epoch day");
    {
        double whole = floor(r->epochdays);
        r->epoch_jd1 = jd_of_jan1(r->epochyr) + (whole - 1.0);
        r->epoch_jd2 = r->epochdays - whole;
        r->epoch_unix_s = ln_time_jd_to_unix(r->epoch_jd1, r->epoch_jd2);
    }
    if ((rc = num_field(c, l1, 34, 43, "first derivative of mean motion", 0,
                        &v)))
        return rc;
    r->ndot = v / (xpdotp * 1440.0);
    if ((rc = exp_field(c, l1, 45, "second derivative of mean motion",
                        lenient, &v)))
        return rc;
    r->nddot = v / (xpdotp * 1440.0 * 1440.0);
    if ((rc = exp_field(c, l1, 54, "bstar", lenient, &r->bstar)))
        return rc;
    if ((rc = int_field(c, l1, 63, 63, "ephemeris type", lenient, &iv)))
        return rc;
    r->ephtype = (int)iv;
    if ((rc = int_field(c, l1, 65, 68, "element set number", lenient, &iv)))
        return rc;
    r->elnum = (int)iv;
    return 0;
}

/* An angle field of line 2 in [0, hi] deg, into *out in rad. */
static int angle_field(const field_ctx *c, const char *l2, int c0, int c1,
                       const char *what, double hi, double *out)
{
    double v;
    int rc;
    if ((rc = num_field(c, l2, c0, c1, what, 0, &v)))
        return rc;
    if (v < 0.0 || v > hi)
        return fail(c, LN_ETLE_FORMAT, c0,
                    hi == 180.0 ? "%s out of range 0..180"
                                : "%s out of range 0..360",
                    what);
    *out = v * deg2rad;
    return 0;
}

/* The fields of line 2 l2 (checked by check_line) into r: the catalog
 * number again (it must be line 1's), the angles, eccentricity, mean
 * motion and revolution number. */
static int parse_line2(const field_ctx *c, const char *l2, int lenient,
                       ln_elset *r)
{
    double v;
    long iv;
    int rc;
    uint32_t n2;
    if ((rc = catalog(c, l2, &n2)))
        return rc;
    if (n2 != r->norad) {
        char what[64];
        snprintf(what, sizeof what, "%u differs from line 1's %u",
                 (unsigned)n2, (unsigned)r->norad);
        return fail(c, LN_ETLE_FORMAT, 3, "catalog number %s", what);
    }
    if ((rc = angle_field(c, l2, 9, 16, "inclination", 180.0, &r->inclo)) ||
        (rc = angle_field(c, l2, 18, 25, "right ascension of node", 360.0,
                          &r->nodeo)))
        return rc;
    {
        char buf[16], dec[20];
        field(l2, 27, 33, buf);
        for (const char *p = buf; *p; p++)
            if (!isdigit((unsigned char)*p) && !(lenient && *p == ' '))
                return fail(c, LN_ETLE_FORMAT, 27, "%s is not 7 digits",
                            "eccentricity");
        if (!buf[0])
            return fail(c, LN_ETLE_FORMAT, 27, "%s is blank",
                        "eccentricity");
        snprintf(dec, sizeof dec, "0.%s", buf);
        r->ecco = strtod(dec, NULL);
    }
    if ((rc = angle_field(c, l2, 35, 42, "argument of perigee", 360.0,
                          &r->argpo)) ||
        (rc = angle_field(c, l2, 44, 51, "mean anomaly", 360.0, &r->mo)))
        return rc;
    if ((rc = num_field(c, l2, 53, 63, "mean motion", 0, &v)))
        return rc;
    if (v < 0.0)
        return fail(c, LN_ETLE_FORMAT, 53, "%s is negative", "mean motion");
    r->no_kozai = v / xpdotp;
    if ((rc = int_field(c, l2, 64, 68, "revolution number", 1, &iv)))
        return rc;
    r->revnum = iv;
    return 0;
}

/* The name line's text into r->name: CelesTrak's 3LE "0 " prefix and
 * the blanks around it dropped, cut to sizeof r->name - 1 bytes. */
static void take_name(const char *name, ln_elset *r)
{
    size_t n = 0;
    const char *p = name;
    if (p[0] == '0' && p[1] == ' ')
        p += 2; /* CelesTrak 3LE "0 NAME" */
    while (*p == ' ')
        p++;
    while (p[n] && p[n] != '\n' && p[n] != '\r' && n + 1 < sizeof r->name)
        n++;
    memcpy(r->name, p, n);
    while (n > 0 && r->name[n - 1] == ' ')
        n--;
    r->name[n] = '\0';
}

/* One element set from its two lines (and name line, or NULL); fline1 is
 * line 1's number in file (0: not from a file), for the diagnostics. */
static int parse_lines_at(const char *name, const char *raw1,
                          const char *raw2, int flags, ln_elset *e,
                          const char *file, long fline1, ln_diag *diag)
{
    int lenient = (flags & LN_TLE_LENIENT) != 0;
    char l1[70], l2[70];
    field_ctx c = {file, fline1, 1, diag};
    ln_elset r;
    int rc;

    memset(&r, 0, sizeof r);
    if (!raw1 || !raw2)
        return ln_diag_set(diag, LN_ETLE_MISSING, file, fline1, 0, NULL,
                           "missing line %d", raw1 ? 2 : 1);
    take_line(raw1, l1);
    take_line(raw2, l2);
    if ((rc = check_line(&c, raw1, l1, flags)) ||
        (rc = parse_line1(&c, l1, lenient, &r)))
        return rc;
    c.lineno = 2;
    c.fline = fline1 ? fline1 + 1 : 0;
    if ((rc = check_line(&c, raw2, l2, flags)) ||
        (rc = parse_line2(&c, l2, lenient, &r)))
        return rc;
    if (name)
        take_name(name, &r);
    *e = r;
    return LN_OK;
}

int ln_tle_parse_lines(const char *name, const char *l1, const char *l2,
                       int flags, ln_elset *out, ln_diag *diag)
{
    return parse_lines_at(name, l1, l2, flags, out, NULL, 0, diag);
}

/* ---- whole texts ----------------------------------------------------- */

typedef struct line_ref {
    const char *p; /* start of the line */
    long no;       /* 1-based line number */
} line_ref;

static int is_blank_or_comment(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
        p++;
    return p == end || *p == '\n' || *p == '#';
}

static int starts(const char *p, const char *end, char d)
{
    return end - p >= 2 && p[0] == d && p[1] == ' ';
}

/* Copies the line at p (up to its '\n', end, or n - 1 bytes) into b. */
static void copy_line(const char *p, const char *end, char *b, size_t n)
{
    size_t k = 0;
    while (p + k < end && p[k] != '\n' && k < n - 1) {
        b[k] = p[k];
        k++;
    }
    b[k] = '\0';
}

/* A name line [p, e) (line lineno): at most 80 characters, printable
 * (tab and CR allowed). */
static int check_name_line(const char *p, const char *e, const char *file,
                           long lineno, ln_diag *diag)
{
    if (e - p > 80)
        return ln_diag_set(diag, LN_ETLE_FORMAT, file, lineno, 81, NULL,
                           "not a TLE line (a name line has at most 80 "
                           "characters)");
    for (const char *q = p; q < e; q++)
        if (!isprint((unsigned char)*q) && *q != '\r' && *q != '\t')
            return ln_diag_set(diag, LN_EPARSE, file, lineno,
                               (long)(q - p) + 1, NULL,
                               "non-printable byte 0x%02x",
                               (unsigned char)*q);
    return 0;
}

/* Room for element set cnt in *arr of capacity *cap (doubling from 256):
 * 0 or LN_ENOMEM (*arr unchanged). */
static int grow_sets(ln_elset **arr, size_t *cap, size_t cnt)
{
    if (cnt < *cap)
        return 0;
    size_t ncap = *cap ? *cap * 2 : 256;
    ln_elset *na = ln_realloc(*arr, ncap * sizeof *na);
    if (!na)
        return LN_ENOMEM;
    *arr = na;
    *cap = ncap;
    return 0;
}

int ln_tle_parse(const char *text, size_t len, const char *file, int flags,
                 ln_elset **out, size_t *n, ln_diag *diag)
{
    const char *end = text + len;
    const char *p = text;
    if (text && ln_text_bom(text, len))
        p += 3;
    size_t cap = 0, cnt = 0;
    ln_elset *arr = NULL;
    long lineno = 0;
    line_ref pend_name = {NULL, 0};

    *out = NULL;
    *n = 0;
    long nl, nc;
    if (ln_text_nul(text, len, &nl, &nc))
        return ln_diag_set(diag, LN_EPARSE, file, nl, nc, NULL,
                           "binary data (NUL byte) in a TLE file");
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *next = eol ? eol + 1 : end;
        lineno++;
        if (is_blank_or_comment(p, end)) {
            if (pend_name.p) {
                ln_free(arr);
                return ln_diag_set(diag, LN_ETLE_MISSING, file, lineno, 1,
                                   NULL, "line 1 expected after name line "
                                   "%ld", pend_name.no);
            }
            p = next;
            continue;
        }
        if (starts(p, end, '1')) {
            /* line 2 must follow on the next line */
            const char *l2 = next;
            long l2no = lineno + 1;
            if (l2 >= end || !starts(l2, end, '2')) {
                ln_free(arr);
                return ln_diag_set(diag, LN_ETLE_MISSING, file, l2no, 1,
                                   NULL, "line 2 expected after line 1 "
                                   "(line %ld)", lineno);
            }
            /* the parser reads up to 69 columns; a line must end before
             * the buffer does, which take_line guarantees via '\n' or the
             * text end (NUL bytes were refused above, and the caller's
             * buffer is NUL-terminated or we stop at len). */
            char b1[128], b2[128], nb[128];
            copy_line(p, end, b1, sizeof b1);
            copy_line(l2, end, b2, sizeof b2);
            const char *name = NULL;
            if (pend_name.p) {
                copy_line(pend_name.p, end, nb, sizeof nb);
                name = nb;
            }
            if (grow_sets(&arr, &cap, cnt)) {
                ln_free(arr);
                return ln_diag_set(diag, LN_ENOMEM, file, lineno, 0, NULL,
                                   "out of memory");
            }
            int rc = parse_lines_at(name, b1, b2, flags, &arr[cnt], file,
                                    lineno, diag);
            if (rc) {
                ln_free(arr);
                return rc;
            }
            cnt++;
            pend_name.p = NULL;
            lineno++; /* line 2 consumed */
            const char *eol2 = memchr(l2, '\n', (size_t)(end - l2));
            p = eol2 ? eol2 + 1 : end;
            continue;
        }
        if (starts(p, end, '2')) {
            ln_free(arr);
            return ln_diag_set(diag, LN_ETLE_MISSING, file, lineno, 1, NULL,
                               "line 2 without a line 1 before it");
        }
        if (pend_name.p) {
            ln_free(arr);
            return ln_diag_set(diag, LN_ETLE_FORMAT, file, lineno, 1, NULL,
                               "expected line 1 ('1 ...') after name line "
                               "%ld, got another text line", pend_name.no);
        }
        /* a name line: must be short text */
        int rc = check_name_line(p, eol ? eol : end, file, lineno, diag);
        if (rc) {
            ln_free(arr);
            return rc;
        }
        pend_name.p = p;
        pend_name.no = lineno;
        p = next;
    }
    if (pend_name.p) {
        ln_free(arr);
        return ln_diag_set(diag, LN_ETLE_MISSING, file, lineno + 1, 1, NULL,
                           "file ends after name line %ld: line 1 and 2 "
                           "missing", pend_name.no);
    }
    *out = arr;
    *n = cnt;
    return LN_OK;
}

int ln_tle_read_file(const char *path, int flags, ln_elset **out, size_t *n,
                     ln_diag *diag)
{
    char *buf;
    size_t len;
    int rc = ln_read_file(path, TLE_MAX_FILE, &buf, &len, diag);
    if (rc)
        return rc;
    rc = ln_tle_parse(buf, len, path, flags, out, n, diag);
    ln_free(buf);
    return rc;
}
