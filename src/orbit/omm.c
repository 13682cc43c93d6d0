/*
 * omm.c - CCSDS Orbit Mean-Elements Messages (OMM) as CelesTrak serves its
 * GP data: JSON (jansson) and CSV, with the same field names.
 *
 * Exports ln_omm_parse and ln_omm_read_file. A record becomes an ln_elset
 * with the same conversions as a TLE (tle.c): degrees to radians by pi/180,
 * rev/day to rad/min by 1440/2pi, MEAN_MOTION_DOT and _DDOT as printed in
 * TLEs (ndot/2 in rev/day^2, nddot/6 in rev/day^3). Numbers may be JSON
 * numbers or strings (Space-Track serves strings). EPOCH is ISO 8601 UTC
 * with up to microseconds. OMM carries catalog numbers beyond Alpha-5's
 * 339999 too; they are refused only if over 2^31.
 *
 * Errors name the file and, for JSON, the line and column (from jansson)
 * or the member path ("[12].MEAN_MOTION"); for CSV the line and column of
 * the field.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "leonet/orbit.h"

#define OMM_MAX_FILE ((size_t)1 << 30)

enum {
    F_NAME, F_ID, F_EPOCH, F_MM, F_ECC, F_INC, F_RAAN, F_ARGP, F_MA,
    F_EPH, F_CLASS, F_NORAD, F_ELNUM, F_REV, F_BSTAR, F_NDOT, F_NDDOT,
    F_COUNT
};

static const char *const fname[F_COUNT] = {
    "OBJECT_NAME", "OBJECT_ID", "EPOCH", "MEAN_MOTION", "ECCENTRICITY",
    "INCLINATION", "RA_OF_ASC_NODE", "ARG_OF_PERICENTER", "MEAN_ANOMALY",
    "EPHEMERIS_TYPE", "CLASSIFICATION_TYPE", "NORAD_CAT_ID",
    "ELEMENT_SET_NO", "REV_AT_EPOCH", "BSTAR", "MEAN_MOTION_DOT",
    "MEAN_MOTION_DDOT"};

/* Which fields must be present (the rest default to 0 / "" / 'U'). */
static const unsigned char frequired[F_COUNT] = {
    0, 0, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 0, 0, 1, 0, 0};

/* Error context: where the record is, for messages. */
typedef struct rec_ctx {
    const char *file;
    long index;           /* record index, 0-based */
    long line;            /* CSV line, 0 for JSON */
    const long *col;      /* CSV column per field, NULL for JSON */
    ln_diag *diag;
} rec_ctx;

static int rec_fail(const rec_ctx *c, int f, const char *fmt, const char *v)
{
    char path[96], msg[256];
    snprintf(path, sizeof path, "[%ld].%s", c->index, fname[f]);
    snprintf(msg, sizeof msg, fmt, v);
    return ln_diag_set(c->diag, LN_EOMM_FORMAT, c->file, c->line,
                       c->col ? c->col[f] : 0, path, "%s", msg);
}

static int parse_number(const char *s, double *out)
{
    char *end;
    while (isspace((unsigned char)*s))
        s++;
    if (!*s)
        return -1;
    errno = 0;
    double v = strtod(s, &end);
    while (isspace((unsigned char)*end))
        end++;
    if (*end || errno || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

/* Builds the elset from text values of the fields (NULL = absent). */
static int make_elset(const rec_ctx *c, const char *const v[F_COUNT],
                      ln_elset *e)
{
    const double xpdotp = 1440.0 / (2.0 * LN_PI);
    const double deg2rad = LN_PI / 180.0;
    double num[F_COUNT] = {0};
    memset(e, 0, sizeof *e);
    for (int f = 0; f < F_COUNT; f++) {
        if (!v[f] || !*v[f]) {
            if (frequired[f])
                return rec_fail(c, f, "%s is missing", "required field");
            continue;
        }
        if (f == F_NAME || f == F_ID || f == F_EPOCH || f == F_CLASS)
            continue;
        if (parse_number(v[f], &num[f]))
            return rec_fail(c, f, "'%s' is not a number", v[f]);
    }
    /* epoch */
    double t;
    if (ln_time_parse_iso(v[F_EPOCH], &t))
        return rec_fail(c, F_EPOCH, "'%s' is not an ISO 8601 UTC time",
                        v[F_EPOCH]);
    {
        /* two-part JD from the date (exact) plus the time of day */
        int y, mo, d, h, mi;
        double s;
        ln_time_to_utc(t, &y, &mo, &d, &h, &mi, &s);
        double day0 = ln_time_from_utc(y, mo, d, 0, 0, 0);
        e->epoch_jd1 = LN_JD_UNIX + day0 / LN_SEC_PER_DAY;
        /* re-read the time of day from the text: Unix seconds near 2022
         * carry only ~0.2 us, the text has the full precision */
        const char *tp = strpbrk(v[F_EPOCH], "Tt ");
        int th = 0, tm = 0;
        double ts = 0.0;
        if (tp && sscanf(tp + 1, "%2d:%2d:%lf", &th, &tm, &ts) == 3)
            s = ts;
        else if (tp && sscanf(tp + 1, "%2d:%2d", &th, &tm) == 2)
            s = 0.0;
        else
            th = tm = 0, s = 0.0;
        (void)h;
        (void)mi;
        e->epoch_jd2 = (th * 3600.0 + tm * 60.0 + s) / LN_SEC_PER_DAY;
        e->epoch_unix_s = t;
        e->epochyr = y;
        double jan1 = ln_time_from_utc(y, 1, 1, 0, 0, 0);
        e->epochdays = (day0 - jan1) / LN_SEC_PER_DAY + 1.0 + e->epoch_jd2;
        if (y < 1957 || y > 2200)
            return rec_fail(c, F_EPOCH, "year of '%s' out of range",
                            v[F_EPOCH]);
    }
    if (num[F_NORAD] < 0 || num[F_NORAD] > 2147483647.0 ||
        num[F_NORAD] != floor(num[F_NORAD]))
        return rec_fail(c, F_NORAD, "'%s' is not a catalog number",
                        v[F_NORAD]);
    e->norad = (uint32_t)num[F_NORAD];
    if (num[F_ECC] < 0.0 || num[F_ECC] >= 1.0)
        return rec_fail(c, F_ECC, "'%s' out of range 0..1", v[F_ECC]);
    e->ecco = num[F_ECC];
    if (num[F_INC] < 0.0 || num[F_INC] > 180.0)
        return rec_fail(c, F_INC, "'%s' out of range 0..180", v[F_INC]);
    e->inclo = num[F_INC] * deg2rad;
    static const int angles[] = {F_RAAN, F_ARGP, F_MA};
    for (int k = 0; k < 3; k++) {
        int f = angles[k];
        if (num[f] < 0.0 || num[f] > 360.0)
            return rec_fail(c, f, "'%s' out of range 0..360", v[f]);
    }
    e->nodeo = num[F_RAAN] * deg2rad;
    e->argpo = num[F_ARGP] * deg2rad;
    e->mo = num[F_MA] * deg2rad;
    if (num[F_MM] <= 0.0 || num[F_MM] > 100.0)
        return rec_fail(c, F_MM, "'%s' out of range (0, 100] rev/day",
                        v[F_MM]);
    e->no_kozai = num[F_MM] / xpdotp;
    e->ndot = num[F_NDOT] / (xpdotp * 1440.0);
    e->nddot = num[F_NDDOT] / (xpdotp * 1440.0 * 1440.0);
    e->bstar = num[F_BSTAR];
    e->ephtype = (int)num[F_EPH];
    e->elnum = (int)num[F_ELNUM];
    e->revnum = (long)num[F_REV];
    e->classification = v[F_CLASS] && *v[F_CLASS] ? v[F_CLASS][0] : 'U';
    if (v[F_NAME])
        snprintf(e->name, sizeof e->name, "%s", v[F_NAME]);
    if (v[F_ID]) {
        /* "2019-029D" -> "19029D" (TLE form) */
        const char *id = v[F_ID];
        if (strlen(id) >= 9 && id[4] == '-')
            snprintf(e->intldesg, sizeof e->intldesg, "%.2s%s", id + 2,
                     id + 5);
        else
            snprintf(e->intldesg, sizeof e->intldesg, "%s", id);
    }
    return LN_OK;
}

static int grow(ln_elset **arr, size_t *cap, size_t need)
{
    if (need <= *cap)
        return 0;
    size_t ncap = *cap ? *cap * 2 : 64;
    while (ncap < need)
        ncap *= 2;
    ln_elset *na = ln_realloc(*arr, ncap * sizeof **arr);
    if (!na)
        return LN_ENOMEM;
    *arr = na;
    *cap = ncap;
    return 0;
}

/* ---- JSON ------------------------------------------------------------ */

static int parse_json(const char *text, size_t len, const char *file,
                      ln_elset **out, size_t *n, ln_diag *diag)
{
    json_error_t jerr;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root)
        return ln_diag_set(diag, LN_EOMM_FORMAT, file, jerr.line,
                           jerr.column, NULL, "invalid JSON: %s", jerr.text);
    size_t count = json_is_array(root) ? json_array_size(root) : 1;
    if (!json_is_array(root) && !json_is_object(root)) {
        json_decref(root);
        return ln_diag_set(diag, LN_EOMM_FORMAT, file, 0, 0, "$",
                           "expected an array of OMM objects or one object");
    }
    ln_elset *arr = ln_calloc(count ? count : 1, sizeof *arr);
    if (!arr) {
        json_decref(root);
        return ln_diag_set(diag, LN_ENOMEM, file, 0, 0, NULL,
                           "out of memory");
    }
    for (size_t i = 0; i < count; i++) {
        json_t *o = json_is_array(root) ? json_array_get(root, i) : root;
        rec_ctx c = {file, (long)i, 0, NULL, diag};
        if (!json_is_object(o)) {
            char path[32];
            snprintf(path, sizeof path, "[%zu]", i);
            ln_free(arr);
            json_decref(root);
            return ln_diag_set(diag, LN_EOMM_FORMAT, file, 0, 0, path,
                               "expected an object");
        }
        char bufs[F_COUNT][64];
        const char *v[F_COUNT];
        for (int f = 0; f < F_COUNT; f++) {
            json_t *m = json_object_get(o, fname[f]);
            v[f] = NULL;
            if (!m || json_is_null(m))
                continue;
            if (json_is_string(m)) {
                v[f] = json_string_value(m);
            } else if (json_is_integer(m)) {
                snprintf(bufs[f], sizeof bufs[f], "%" JSON_INTEGER_FORMAT,
                         json_integer_value(m));
                v[f] = bufs[f];
            } else if (json_is_real(m)) {
                /* %.17g round-trips the double jansson parsed */
                snprintf(bufs[f], sizeof bufs[f], "%.17g",
                         json_real_value(m));
                v[f] = bufs[f];
            } else {
                int rc = rec_fail(&c, f, "%s", "expected a number or string");
                ln_free(arr);
                json_decref(root);
                return rc;
            }
        }
        int rc = make_elset(&c, v, &arr[i]);
        if (rc) {
            ln_free(arr);
            json_decref(root);
            return rc;
        }
    }
    json_decref(root);
    *out = arr;
    *n = count;
    return LN_OK;
}

/* ---- CSV ------------------------------------------------------------- */

/* Splits one CSV record starting at *pp (RFC 4180 quoting), writing
 * NUL-terminated fields into buf (cap bytes). Returns the number of
 * fields, or -1 on a malformed record (unterminated quote, too long). Sets
 * col[k] to the 1-based column of field k. Advances *pp past the record
 * and counts the lines it spans in *lines. */
static int csv_record(const char **pp, const char *end, char *buf,
                      size_t cap, char **fields, long *col, int maxf,
                      long *lines)
{
    const char *p = *pp, *line0 = p;
    size_t k = 0;
    int nf = 0;
    *lines = 1;
    for (;;) {
        if (nf >= maxf)
            return -1;
        fields[nf] = buf + k;
        col[nf] = (long)(p - line0) + 1;
        nf++;
        if (p < end && *p == '"') {
            p++;
            for (;;) {
                if (p >= end)
                    return -1;
                if (*p == '"') {
                    if (p + 1 < end && p[1] == '"') {
                        if (k + 1 >= cap)
                            return -1;
                        buf[k++] = '"';
                        p += 2;
                        continue;
                    }
                    p++;
                    break;
                }
                if (*p == '\n')
                    (*lines)++;
                if (k + 1 >= cap)
                    return -1;
                buf[k++] = *p++;
            }
        } else {
            while (p < end && *p != ',' && *p != '\n' && *p != '\r') {
                if (k + 1 >= cap)
                    return -1;
                buf[k++] = *p++;
            }
        }
        buf[k++] = '\0';
        if (p < end && *p == ',') {
            p++;
            continue;
        }
        if (p < end && *p == '\r')
            p++;
        if (p < end && *p == '\n')
            p++;
        else if (p < end)
            return -1; /* text after a closing quote */
        break;
    }
    *pp = p;
    return nf;
}

static int parse_csv(const char *text, size_t len, const char *file,
                     ln_elset **out, size_t *n, ln_diag *diag)
{
    const char *p = text, *end = text + len;
    char buf[4096];
    char *fields[64];
    long col[64];
    long line = 1, lines;
    size_t cap = 0, cnt = 0;
    ln_elset *arr = NULL;

    int nh = csv_record(&p, end, buf, sizeof buf, fields, col, 64, &lines);
    if (nh < 0)
        return ln_diag_set(diag, LN_EOMM_FORMAT, file, 1, 0, NULL,
                           "malformed CSV header");
    int have[F_COUNT];
    for (int f = 0; f < F_COUNT; f++)
        have[f] = -1;
    for (int k = 0; k < nh; k++) {
        for (int f = 0; f < F_COUNT; f++)
            if (strcmp(fields[k], fname[f]) == 0) {
                if (have[f] >= 0)
                    return ln_diag_set(diag, LN_EOMM_FORMAT, file, 1,
                                       col[k], NULL, "column %s twice",
                                       fname[f]);
                have[f] = k;
            }
    }
    for (int f = 0; f < F_COUNT; f++)
        if (frequired[f] && have[f] < 0)
            return ln_diag_set(diag, LN_EOMM_FORMAT, file, 1, 0, NULL,
                               "header lacks the column %s", fname[f]);
    line += lines;
    while (p < end) {
        /* skip blank lines */
        if (*p == '\n' || *p == '\r') {
            if (*p == '\n')
                line++;
            p++;
            continue;
        }
        long recline = line;
        int nf = csv_record(&p, end, buf, sizeof buf, fields, col, 64,
                            &lines);
        line += lines;
        if (nf < 0) {
            ln_free(arr);
            return ln_diag_set(diag, LN_EOMM_FORMAT, file, recline, 0, NULL,
                               "malformed CSV record");
        }
        if (nf != nh) {
            ln_free(arr);
            return ln_diag_set(diag, LN_EOMM_FORMAT, file, recline, 0, NULL,
                               "%d fields, the header has %d", nf, nh);
        }
        const char *v[F_COUNT];
        long fcol[F_COUNT];
        for (int f = 0; f < F_COUNT; f++) {
            v[f] = have[f] >= 0 ? fields[have[f]] : NULL;
            fcol[f] = have[f] >= 0 ? col[have[f]] : 0;
        }
        if (grow(&arr, &cap, cnt + 1)) {
            ln_free(arr);
            return ln_diag_set(diag, LN_ENOMEM, file, recline, 0, NULL,
                               "out of memory");
        }
        rec_ctx c = {file, (long)cnt, recline, fcol, diag};
        int rc = make_elset(&c, v, &arr[cnt]);
        if (rc) {
            ln_free(arr);
            return rc;
        }
        cnt++;
    }
    *out = arr;
    *n = cnt;
    return LN_OK;
}

int ln_omm_parse(const char *text, size_t len, const char *file,
                 ln_elset **out, size_t *n, ln_diag *diag)
{
    size_t i = 0;
    if (text && ln_text_bom(text, len)) {
        text += 3;
        len -= 3;
    }
    *out = NULL;
    *n = 0;
    while (i < len && isspace((unsigned char)text[i]))
        i++;
    if (i == len)
        return ln_diag_set(diag, LN_EOMM_FORMAT, file, 0, 0, NULL,
                           "empty input");
    long nl, nc;
    if (ln_text_nul(text, len, &nl, &nc))
        return ln_diag_set(diag, LN_EOMM_FORMAT, file, nl, nc, NULL,
                           "binary data (NUL byte) in an OMM file");
    if (text[i] == '[' || text[i] == '{')
        return parse_json(text, len, file, out, n, diag);
    return parse_csv(text, len, file, out, n, diag);
}

int ln_omm_read_file(const char *path, ln_elset **out, size_t *n,
                     ln_diag *diag)
{
    char *buf;
    size_t len;
    int rc = ln_read_file(path, OMM_MAX_FILE, &buf, &len, diag);
    if (rc)
        return rc;
    rc = ln_omm_parse(buf, len, path, out, n, diag);
    ln_free(buf);
    return rc;
}
