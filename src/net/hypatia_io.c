/*
 * hypatia_io.c - Hypatia's static network state files (satgenpy layout),
 * read and written: tles.txt, isls.txt, ground_stations.txt,
 * gsl_interfaces_info.txt, description.txt.
 *
 * Exports ln_hyp_read, ln_hyp_read_gs_file, ln_hyp_free, ln_hyp_write,
 * ln_hyp_gs_ecef_km, ln_net_default_gs_file.
 *
 * Formats (snkas/hypatia satgenpy/satgen: tles/read_tles.py,
 * isls/read_isls.py, ground_stations/read_ground_stations.py,
 * interfaces/read_gsl_interfaces_info.py,
 * description/generate_description.py); docs/network.md repeats them:
 *   tles.txt          "<n_orbits> <n_sats_per_orbit>", then per satellite
 *                     "<name> <id>" (id = 0, 1, ... in order), TLE line 1,
 *                     TLE line 2; every epoch the same
 *   isls.txt          "<a> <b>" per line, a < b < nsat, no duplicates
 *   ground_stations   "gid,name,lat_deg,lon_deg,elev_m[,x_m,y_m,z_m]"
 *                     (5 = basic, 8 = extended with WGS-72 cartesian)
 *   gsl_interfaces    "node,number_of_interfaces,aggregate_bandwidth" for
 *                     every satellite then every ground station
 *   description.txt   "max_gsl_length_m=<float>", "max_isl_length_m=..."
 * The checks are satgenpy's; errors name the file and line.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/net_int.h"

#define MAX_FILE ((size_t)1 << 30)

void ln_hyp_free(ln_hyp_state *st)
{
    if (!st)
        return;
    ln_free(st->els);
    ln_free(st->gs);
    ln_free(st->isls);
    ln_free(st->gsl_nif);
    ln_free(st->gsl_bw);
    memset(st, 0, sizeof *st);
}

/* Splits buf into lines in place; returns the next line or NULL. Strips a
 * trailing CR. */
static char *next_line(char **cur)
{
    char *p = *cur;
    if (!p || !*p)
        return NULL;
    char *nl = strchr(p, '\n');
    if (nl) {
        *nl = '\0';
        *cur = nl + 1;
    } else {
        *cur = p + strlen(p);
    }
    size_t k = strlen(p);
    if (k && p[k - 1] == '\r')
        p[k - 1] = '\0';
    return p;
}

/* Reads a whole file; a NUL byte (where the line splitting would see the
 * file end) is refused with its line and column. */
static int read_path(const char *path, char **buf, ln_diag *diag)
{
    size_t len;
    long nl, nc;
    int rc = ln_read_file(path, MAX_FILE, buf, &len, diag);
    if (!rc && ln_text_nul(*buf, len, &nl, &nc)) {
        ln_free(*buf);
        *buf = NULL;
        rc = ln_diag_set(diag, LN_EPARSE, path, nl, nc, NULL,
                         "a NUL byte (binary data in a text file)");
    }
    return rc;
}

static int read_whole(const char *dir, const char *name, char **buf,
                      char *path, size_t pathn, ln_diag *diag)
{
    snprintf(path, pathn, "%s/%s", dir, name);
    return read_path(path, buf, diag);
}

static int parse_long(const char *s, long *v)
{
    char *end;
    errno = 0;
    while (*s == ' ' || *s == '\t')
        s++;
    long x = strtol(s, &end, 10);
    while (*end == ' ' || *end == '\t')
        end++;
    if (end == s || *end || errno)
        return -1;
    *v = x;
    return 0;
}

static int parse_double(const char *s, double *v)
{
    char *end;
    errno = 0;
    double x = strtod(s, &end);
    while (*end == ' ' || *end == '\t')
        end++;
    if (end == s || *end || errno || !isfinite(x))
        return -1;
    *v = x;
    return 0;
}

static int read_tles(const char *dir, ln_hyp_state *st, ln_diag *diag)
{
    char path[1024], *buf;
    int rc = read_whole(dir, "tles.txt", &buf, path, sizeof path, diag);
    if (rc)
        return rc;
    char *cur = buf;
    char *l = next_line(&cur);
    long lineno = 1;
    long no = 0, ns = 0;
    char *sp = l ? strchr(l, ' ') : NULL;
    if (sp)
        *sp = '\0';
    if (!l || !sp || parse_long(l, &no) || parse_long(sp + 1, &ns) ||
        no < 1 || ns < 1 || no > 1000000 || ns > 1000000) {
        ln_free(buf);
        return ln_diag_set(diag, LN_EPARSE, path, 1, 1, NULL,
                           "expected '<n_orbits> <n_sats_per_orbit>' "
                           "(integers 1 to 1000000)");
    }
    st->n_orbits = (int)no;
    st->n_sats_per_orbit = (int)ns;
    size_t cap = 0;
    for (;;) {
        char *name = next_line(&cur);
        lineno++;
        if (!name)
            break;
        if (!*name && !*cur)
            break; /* trailing empty line */
        char *l1 = next_line(&cur), *l2 = next_line(&cur);
        if (!l1 || !l2) {
            rc = ln_diag_set(diag, LN_ETLE_MISSING, path, lineno, 1, NULL,
                             "satellite %zu: missing TLE line", st->nsat);
            break;
        }
        char word[128];
        long sid = -1;
        if (sscanf(name, "%127s %ld", word, &sid) != 2 ||
            sid != (long)st->nsat) {
            rc = ln_diag_set(diag, LN_EPARSE, path, lineno, 1, NULL,
                             "satellite identifier is not increasing by "
                             "one each line (expected %zu)", st->nsat);
            break;
        }
        if ((rc = ln_grow((void **)&st->els, &cap, st->nsat + 1,
                          sizeof *st->els)))
            break;
        ln_diag d2;
        ln_diag_clear(&d2);
        rc = ln_tle_parse_lines(name, l1, l2, 0, &st->els[st->nsat], &d2);
        if (rc) {
            rc = ln_diag_set(diag, rc, path, lineno + d2.line, d2.col, NULL,
                             "%s", d2.msg);
            break;
        }
        if (st->nsat > 0 &&
            st->els[st->nsat].epoch_unix_s != st->els[0].epoch_unix_s) {
            rc = ln_diag_set(diag, LN_EPARSE, path, lineno + 1, 19, NULL,
                             "the epoch of all TLEs must be the same");
            break;
        }
        st->nsat++;
        lineno += 2;
    }
    ln_free(buf);
    return rc;
}

static int read_isls(const char *dir, ln_hyp_state *st, ln_diag *diag)
{
    char path[1024], *buf;
    int rc = read_whole(dir, "isls.txt", &buf, path, sizeof path, diag);
    if (rc)
        return rc;
    size_t cap = 0;
    char *cur = buf, *l;
    long lineno = 0;
    while ((l = next_line(&cur))) {
        lineno++;
        long a, b;
        char extra;
        if (!*l)
            continue;
        if (sscanf(l, "%ld %ld %c", &a, &b, &extra) != 2 || a < 0 || b < 0) {
            rc = ln_diag_set(diag, LN_EPARSE, path, lineno, 1, NULL,
                             "expected '<a> <b>' (non-negative integers)");
            break;
        }
        if ((size_t)a >= st->nsat || (size_t)b >= st->nsat) {
            rc = ln_diag_set(diag, LN_EPARSE, path, lineno, 1, NULL,
                             "satellite does not exist: %ld",
                             (size_t)a >= st->nsat ? a : b);
            break;
        }
        if (b <= a) {
            rc = ln_diag_set(diag, LN_EPARSE, path, lineno, 1, NULL,
                             "the second satellite index must be strictly "
                             "larger than the first");
            break;
        }
        if ((rc = ln_grow((void **)&st->isls, &cap, st->nisl + 1,
                          sizeof *st->isls)))
            break;
        st->isls[st->nisl].a = (int32_t)a;
        st->isls[st->nisl].b = (int32_t)b;
        st->nisl++;
    }
    ln_free(buf);
    return rc;
}

/* Splits a line at commas into at most max fields (in place). */
static int split_commas(char *l, char **f, int max)
{
    int k = 0;
    f[k++] = l;
    for (char *p = l; *p; p++)
        if (*p == ',') {
            *p = '\0';
            if (k == max)
                return max + 1;
            f[k++] = p + 1;
        }
    return k;
}

static int read_gs_path(const char *path, ln_hyp_state *st, ln_diag *diag)
{
    char *buf;
    int rc = read_path(path, &buf, diag);
    if (rc)
        return rc;
    size_t cap = 0;
    char *cur = buf, *l;
    long lineno = 0;
    while ((l = next_line(&cur))) {
        lineno++;
        if (!*l)
            continue;
        char *f[9];
        int k = split_commas(l, f, 8);
        long gid;
        if (k != 5 && k != 8) {
            rc = ln_diag_set(diag, LN_EPARSE, path, lineno, 1, NULL,
                             "a ground station line has 5 (basic) or 8 "
                             "(extended) columns");
            break;
        }
        if (parse_long(f[0], &gid) || gid != (long)st->ngs) {
            rc = ln_diag_set(diag, LN_EPARSE, path, lineno, 1, NULL,
                             "ground station id must increment each line");
            break;
        }
        if ((rc = ln_grow((void **)&st->gs, &cap, st->ngs + 1,
                          sizeof *st->gs)))
            break;
        ln_hyp_gs *g = &st->gs[st->ngs];
        memset(g, 0, sizeof *g);
        if (strlen(f[1]) >= sizeof g->name || strlen(f[2]) >= sizeof g->lat_str ||
            strlen(f[3]) >= sizeof g->lon_str ||
            parse_double(f[2], &g->lat_deg) || parse_double(f[3], &g->lon_deg) ||
            parse_double(f[4], &g->elev_m) || fabs(g->lat_deg) > 90.0 ||
            fabs(g->lon_deg) > 360.0 || fabs(g->elev_m) > 100000.0) {
            rc = ln_diag_set(diag, LN_EPARSE, path, lineno, 1, NULL,
                             "bad name, latitude, longitude or elevation");
            break;
        }
        strcpy(g->name, f[1]);
        strcpy(g->lat_str, f[2]);
        strcpy(g->lon_str, f[3]);
        if (k == 8) {
            if (parse_double(f[5], &g->ecef_m[0]) ||
                parse_double(f[6], &g->ecef_m[1]) ||
                parse_double(f[7], &g->ecef_m[2])) {
                rc = ln_diag_set(diag, LN_EPARSE, path, lineno, 1, NULL,
                                 "bad cartesian coordinates");
                break;
            }
            g->has_ecef = 1;
        }
        st->ngs++;
    }
    ln_free(buf);
    return rc;
}

static int read_gs(const char *dir, ln_hyp_state *st, ln_diag *diag)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/ground_stations.txt", dir);
    return read_gs_path(path, st, diag);
}

int ln_hyp_read_gs_file(const char *path, ln_hyp_gs **out, size_t *n,
                        ln_diag *diag)
{
    ln_hyp_state st;
    memset(&st, 0, sizeof st);
    *out = NULL;
    *n = 0;
    int rc = read_gs_path(path, &st, diag);
    if (rc) {
        ln_free(st.gs);
        return rc;
    }
    *out = st.gs;
    *n = st.ngs;
    return 0;
}

static int read_gsl_if(const char *dir, ln_hyp_state *st, ln_diag *diag)
{
    char path[1024], *buf;
    int rc = read_whole(dir, "gsl_interfaces_info.txt", &buf, path,
                        sizeof path, diag);
    if (rc)
        return rc;
    size_t nn = st->nsat + st->ngs;
    st->gsl_nif = ln_malloc((nn ? nn : 1) * sizeof *st->gsl_nif);
    st->gsl_bw = ln_malloc((nn ? nn : 1) * sizeof *st->gsl_bw);
    if (!st->gsl_nif || !st->gsl_bw) {
        ln_free(buf);
        return LN_ENOMEM;
    }
    char *cur = buf, *l;
    long lineno = 0;
    size_t node = 0;
    while ((l = next_line(&cur))) {
        lineno++;
        if (!*l)
            continue;
        char *f[4];
        long id, nif;
        double bw;
        if (split_commas(l, f, 3) != 3) {
            rc = ln_diag_set(diag, LN_EPARSE, path, lineno, 1, NULL,
                             "must have three columns: <node id>,<number "
                             "of interfaces>,<aggregate max. bandwidth>");
            break;
        }
        if (parse_long(f[0], &id) || id != (long)node || node >= nn) {
            rc = ln_diag_set(diag, LN_EPARSE, path, lineno, 1, NULL,
                             "node id must increment each line and stay "
                             "below %zu", nn);
            break;
        }
        if (parse_long(f[1], &nif) || nif <= 0 || nif > INT32_MAX ||
            parse_double(f[2], &bw) || !(bw > 0.0)) {
            rc = ln_diag_set(diag, LN_EPARSE, path, lineno, 1, NULL,
                             "interfaces and bandwidth must be positive");
            break;
        }
        st->gsl_nif[node] = (int32_t)nif;
        st->gsl_bw[node] = bw;
        node++;
    }
    if (!rc && node != nn)
        rc = ln_diag_set(diag, LN_EPARSE, path, lineno, 0, NULL,
                         "number of nodes defined (%zu) does not match up "
                         "with satellites + ground stations (%zu)",
                         node, nn);
    ln_free(buf);
    return rc;
}

static int read_description(const char *dir, ln_hyp_state *st,
                            ln_diag *diag)
{
    char path[1024], *buf;
    int rc = read_whole(dir, "description.txt", &buf, path, sizeof path,
                        diag);
    if (rc)
        return rc;
    int have_g = 0, have_i = 0;
    char *cur = buf, *l;
    long lineno = 0;
    while ((l = next_line(&cur)) && !rc) {
        lineno++;
        char *eq = strchr(l, '=');
        if (!eq)
            continue;
        *eq = '\0';
        double v;
        if (strcmp(l, "max_gsl_length_m") == 0 ||
            strcmp(l, "max_isl_length_m") == 0) {
            if (parse_double(eq + 1, &v) || v < 0.0)
                rc = ln_diag_set(diag, LN_EPARSE, path, lineno,
                                 (long)(eq - l) + 2, l,
                                 "expected a non-negative number");
            else if (l[4] == 'g') {
                st->max_gsl_m = v;
                have_g = 1;
            } else {
                st->max_isl_m = v;
                have_i = 1;
            }
        }
    }
    if (!rc && !(have_g && have_i))
        rc = ln_diag_set(diag, LN_EPARSE, path, 0, 0, NULL,
                         "needs max_gsl_length_m and max_isl_length_m");
    ln_free(buf);
    return rc;
}

int ln_hyp_read(const char *dir, ln_hyp_state *st, ln_diag *diag)
{
    memset(st, 0, sizeof *st);
    int rc = read_tles(dir, st, diag);
    if (!rc)
        rc = read_isls(dir, st, diag);
    if (!rc)
        rc = read_gs(dir, st, diag);
    if (!rc)
        rc = read_gsl_if(dir, st, diag);
    if (!rc)
        rc = read_description(dir, st, diag);
    if (rc)
        ln_hyp_free(st);
    return rc;
}

/* satgenpy geodetic2cartesian: WGS-72 a = 6378135 m, f = 1/298.26
 * (a is LN_WGS72_RE_KM * 1000 exactly). */
static void wgs72_ecef_m(double lat_deg, double lon_deg, double h_m,
                         double r[3])
{
    const double a = LN_WGS72_RE_KM * 1000.0, f = LN_WGS72_F;
    double e2 = 2.0 * f - f * f;
    double lat = lat_deg * (LN_PI / 180.0), lon = lon_deg * (LN_PI / 180.0);
    double v = a / sqrt(1.0 - e2 * sin(lat) * sin(lat));
    r[0] = (v + h_m) * cos(lat) * cos(lon);
    r[1] = (v + h_m) * cos(lat) * sin(lon);
    r[2] = (v * (1.0 - e2) + h_m) * sin(lat);
}

const char *ln_net_default_gs_file(void)
{
#ifdef LN_DATA_DIR
    return LN_DATA_DIR "/net/ground_stations_top_100.txt";
#else
    return "data/net/ground_stations_top_100.txt";
#endif
}

void ln_hyp_gs_ecef_km(const ln_hyp_gs *g, double r_km[3])
{
    double r[3];
    if (g->has_ecef)
        memcpy(r, g->ecef_m, sizeof r);
    else
        wgs72_ecef_m(g->lat_deg, g->lon_deg, g->elev_m, r);
    for (int i = 0; i < 3; i++)
        r_km[i] = r[i] / 1000.0;
}

static FILE *open_out(const char *dir, const char *name, char *path,
                      size_t n, ln_diag *diag)
{
    snprintf(path, n, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        ln_diag_set(diag, LN_EIO, path, 0, 0, NULL, "cannot create: %s",
                    strerror(errno));
    return f;
}

static int close_out(FILE *f, const char *path, ln_diag *diag)
{
    int bad = ferror(f);
    bad |= fclose(f) != 0;
    if (bad)
        return ln_diag_set(diag, LN_EIO, path, 0, 0, NULL, "write failed");
    return 0;
}

int ln_hyp_write(const char *dir, const ln_hyp_state *st, ln_diag *diag)
{
    char path[1024];
    FILE *f = open_out(dir, "tles.txt", path, sizeof path, diag);
    if (!f)
        return LN_EIO;
    fprintf(f, "%d %d\n", st->n_orbits, st->n_sats_per_orbit);
    for (size_t i = 0; i < st->nsat; i++) {
        char l1[80], l2[80], word[64] = "leonet";
        const ln_elset *e = &st->els[i];
        if (e->name[0])
            sscanf(e->name, "%63s", word);
        if (ln_tle_format(e, l1, l2)) {
            fclose(f);
            return ln_diag_set(diag, LN_EINVAL, path, 0, 0, NULL,
                               "satellite %zu cannot be written as a TLE",
                               i);
        }
        fprintf(f, "%s %zu\n%s\n%s\n", word, i, l1, l2);
    }
    int rc = close_out(f, path, diag);
    if (rc)
        return rc;

    if (!(f = open_out(dir, "isls.txt", path, sizeof path, diag)))
        return LN_EIO;
    for (size_t i = 0; i < st->nisl; i++)
        fprintf(f, "%d %d\n", st->isls[i].a, st->isls[i].b);
    if ((rc = close_out(f, path, diag)))
        return rc;

    if (!(f = open_out(dir, "ground_stations.txt", path, sizeof path, diag)))
        return LN_EIO;
    for (size_t g = 0; g < st->ngs; g++) {
        const ln_hyp_gs *s = &st->gs[g];
        double r[3];
        if (s->has_ecef)
            memcpy(r, s->ecef_m, sizeof r);
        else
            wgs72_ecef_m(s->lat_deg, s->lon_deg, s->elev_m, r);
        fprintf(f, "%zu,%s,%s,%s,%f,%f,%f,%f\n", g, s->name, s->lat_str,
                s->lon_str, s->elev_m, r[0], r[1], r[2]);
    }
    if ((rc = close_out(f, path, diag)))
        return rc;

    if (!(f = open_out(dir, "gsl_interfaces_info.txt", path, sizeof path,
                       diag)))
        return LN_EIO;
    for (size_t i = 0; i < st->nsat + st->ngs; i++)
        fprintf(f, "%zu,%d,%f\n", i, st->gsl_nif ? st->gsl_nif[i] : 1,
                st->gsl_bw ? st->gsl_bw[i] : 1.0);
    if ((rc = close_out(f, path, diag)))
        return rc;

    if (!(f = open_out(dir, "description.txt", path, sizeof path, diag)))
        return LN_EIO;
    fprintf(f, "max_gsl_length_m=%.10f\nmax_isl_length_m=%.10f\n",
            st->max_gsl_m, st->max_isl_m);
    return close_out(f, path, diag);
}
