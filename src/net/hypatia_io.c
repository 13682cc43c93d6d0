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
 *                     (a repeated one is refused at its line)
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

/* One line of a file read by each_line: its text (split in place), its
 * number (1 first) and the file's path; 0 to go on, else a status that
 * stops the reading. */
typedef int line_fn(char *l, long lineno, const char *path, void *ctx,
                    ln_diag *diag);

/* Reads the file at path and calls fn on each line that is not empty, in
 * order, until one returns non-zero. *nlines (may be NULL): the number of
 * the last line read. The status: read_path's or fn's. */
static int each_line(const char *path, line_fn *fn, void *ctx, long *nlines,
                     ln_diag *diag)
{
    char *buf;
    int rc = read_path(path, &buf, diag);
    if (rc)
        return rc;
    char *cur = buf, *l;
    long lineno = 0;
    while (!rc && (l = next_line(&cur))) {
        lineno++;
        if (*l)
            rc = fn(l, lineno, path, ctx, diag);
    }
    ln_free(buf);
    if (nlines)
        *nlines = lineno;
    return rc;
}

/* each_line on the file name in dir (path: room for the joined name). */
static int each_line_in(const char *dir, const char *name, char *path,
                        size_t pathn, line_fn *fn, void *ctx, long *nlines,
                        ln_diag *diag)
{
    snprintf(path, pathn, "%s/%s", dir, name);
    return each_line(path, fn, ctx, nlines, diag);
}

typedef struct grow_ctx {
    ln_hyp_state *st;
    size_t cap;  /* of the array being filled */
    long *line;  /* isls.txt: each ISL's line (capacity lcap) */
    size_t lcap;
} grow_ctx;

static int isl_line(char *l, long lineno, const char *path, void *ctx,
                    ln_diag *diag)
{
    grow_ctx *c = ctx;
    ln_hyp_state *st = c->st;
    long a, b;
    char extra;
    if (sscanf(l, "%ld %ld %c", &a, &b, &extra) != 2 || a < 0 || b < 0)
        return ln_diag_set(diag, LN_EPARSE, path, lineno, 1, NULL,
                           "expected '<a> <b>' (non-negative integers)");
    if ((size_t)a >= st->nsat || (size_t)b >= st->nsat)
        return ln_diag_set(diag, LN_EPARSE, path, lineno, 1, NULL,
                           "satellite does not exist: %ld",
                           (size_t)a >= st->nsat ? a : b);
    if (b <= a)
        return ln_diag_set(diag, LN_EPARSE, path, lineno, 1, NULL,
                           "the second satellite index must be strictly "
                           "larger than the first");
    int rc = ln_grow((void **)&st->isls, &c->cap, st->nisl + 1,
                     sizeof *st->isls);
    if (rc)
        return rc;
    if ((rc = ln_grow((void **)&c->line, &c->lcap, st->nisl + 1,
                      sizeof *c->line)))
        return rc;
    st->isls[st->nisl].a = (int32_t)a;
    st->isls[st->nisl].b = (int32_t)b;
    c->line[st->nisl] = lineno;
    st->nisl++;
    return 0;
}

typedef struct isl_at {
    int32_t a, b;
    long line;
} isl_at;

static int cmp_isl_at(const void *x, const void *y)
{
    const isl_at *p = x, *q = y;
    if (p->a != q->a)
        return p->a < q->a ? -1 : 1;
    if (p->b != q->b)
        return p->b < q->b ? -1 : 1;
    return p->line < q->line ? -1 : p->line > q->line;
}

/* satgenpy's "Duplicate ISL" check: the first line (in file order) that
 * repeats an earlier ISL, or 0. Sorts a copy: O(nisl log nisl). */
static int first_dup_isl(const ln_hyp_state *st, const long *line,
                         long *dup_line, int32_t *da, int32_t *db)
{
    *dup_line = 0;
    if (st->nisl < 2)
        return 0;
    isl_at *v = ln_malloc(st->nisl * sizeof *v);
    if (!v)
        return LN_ENOMEM;
    for (size_t i = 0; i < st->nisl; i++)
        v[i] = (isl_at){st->isls[i].a, st->isls[i].b, line[i]};
    qsort(v, st->nisl, sizeof *v, cmp_isl_at);
    for (size_t i = 1; i < st->nisl; i++)
        if (v[i].a == v[i - 1].a && v[i].b == v[i - 1].b &&
            (!*dup_line || v[i].line < *dup_line)) {
            *dup_line = v[i].line;
            *da = v[i].a;
            *db = v[i].b;
        }
    ln_free(v);
    return 0;
}

static int read_isls(const char *dir, ln_hyp_state *st, ln_diag *diag)
{
    char path[1024];
    grow_ctx c = {st, 0, NULL, 0};
    int rc = each_line_in(dir, "isls.txt", path, sizeof path, isl_line, &c,
                          NULL, diag);
    long dl;
    int32_t da = 0, db = 0;
    if (!rc && !(rc = first_dup_isl(st, c.line, &dl, &da, &db)) && dl)
        rc = ln_diag_set(diag, LN_EPARSE, path, dl, 1, NULL,
                         "duplicate ISL: (%d, %d)", (int)da, (int)db);
    ln_free(c.line);
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

static int gs_line(char *l, long lineno, const char *path, void *ctx,
                   ln_diag *diag)
{
    grow_ctx *c = ctx;
    ln_hyp_state *st = c->st;
    char *f[9];
    int k = split_commas(l, f, 8);
    long gid;
    if (k != 5 && k != 8)
        return ln_diag_set(diag, LN_EPARSE, path, lineno, 1, NULL,
                           "a ground station line has 5 (basic) or 8 "
                           "(extended) columns");
    if (parse_long(f[0], &gid) || gid != (long)st->ngs)
        return ln_diag_set(diag, LN_EPARSE, path, lineno, 1, NULL,
                           "ground station id must increment each line");
    int rc = ln_grow((void **)&st->gs, &c->cap, st->ngs + 1, sizeof *st->gs);
    if (rc)
        return rc;
    ln_hyp_gs *g = &st->gs[st->ngs];
    memset(g, 0, sizeof *g);
    if (strlen(f[1]) >= sizeof g->name || strlen(f[2]) >= sizeof g->lat_str ||
        strlen(f[3]) >= sizeof g->lon_str ||
        parse_double(f[2], &g->lat_deg) || parse_double(f[3], &g->lon_deg) ||
        parse_double(f[4], &g->elev_m) || fabs(g->lat_deg) > 90.0 ||
        fabs(g->lon_deg) > 360.0 || fabs(g->elev_m) > 100000.0)
        return ln_diag_set(diag, LN_EPARSE, path, lineno, 1, NULL,
                           "bad name, latitude, longitude or elevation");
    strcpy(g->name, f[1]);
    strcpy(g->lat_str, f[2]);
    strcpy(g->lon_str, f[3]);
    if (k == 8) {
        if (parse_double(f[5], &g->ecef_m[0]) ||
            parse_double(f[6], &g->ecef_m[1]) ||
            parse_double(f[7], &g->ecef_m[2]))
            return ln_diag_set(diag, LN_EPARSE, path, lineno, 1, NULL,
                               "bad cartesian coordinates");
        g->has_ecef = 1;
    }
    st->ngs++;
    return 0;
}

static int read_gs_path(const char *path, ln_hyp_state *st, ln_diag *diag)
{
    grow_ctx c = {st, 0, NULL, 0};
    return each_line(path, gs_line, &c, NULL, diag);
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

typedef struct gsl_ctx {
    ln_hyp_state *st;
    size_t node, nn; /* the next node; satellites + ground stations */
} gsl_ctx;

static int gsl_line(char *l, long lineno, const char *path, void *ctx,
                    ln_diag *diag)
{
    gsl_ctx *c = ctx;
    char *f[4];
    long id, nif;
    double bw;
    if (split_commas(l, f, 3) != 3)
        return ln_diag_set(diag, LN_EPARSE, path, lineno, 1, NULL,
                           "must have three columns: <node id>,<number "
                           "of interfaces>,<aggregate max. bandwidth>");
    if (parse_long(f[0], &id) || id != (long)c->node || c->node >= c->nn)
        return ln_diag_set(diag, LN_EPARSE, path, lineno, 1, NULL,
                           "node id must increment each line and stay "
                           "below %zu", c->nn);
    if (parse_long(f[1], &nif) || nif <= 0 || nif > INT32_MAX ||
        parse_double(f[2], &bw) || !(bw > 0.0))
        return ln_diag_set(diag, LN_EPARSE, path, lineno, 1, NULL,
                           "interfaces and bandwidth must be positive");
    c->st->gsl_nif[c->node] = (int32_t)nif;
    c->st->gsl_bw[c->node] = bw;
    c->node++;
    return 0;
}

static int read_gsl_if(const char *dir, ln_hyp_state *st, ln_diag *diag)
{
    char path[1024];
    gsl_ctx c = {st, 0, st->nsat + st->ngs};
    st->gsl_nif = ln_malloc((c.nn ? c.nn : 1) * sizeof *st->gsl_nif);
    st->gsl_bw = ln_malloc((c.nn ? c.nn : 1) * sizeof *st->gsl_bw);
    if (!st->gsl_nif || !st->gsl_bw)
        return LN_ENOMEM;
    long lineno = 0;
    int rc = each_line_in(dir, "gsl_interfaces_info.txt", path, sizeof path,
                          gsl_line, &c, &lineno, diag);
    if (!rc && c.node != c.nn)
        rc = ln_diag_set(diag, LN_EPARSE, path, lineno, 0, NULL,
                         "number of nodes defined (%zu) does not match up "
                         "with satellites + ground stations (%zu)",
                         c.node, c.nn);
    return rc;
}

typedef struct desc_ctx {
    ln_hyp_state *st;
    int have_g, have_i;
} desc_ctx;

static int desc_line(char *l, long lineno, const char *path, void *ctx,
                     ln_diag *diag)
{
    desc_ctx *c = ctx;
    char *eq = strchr(l, '=');
    if (!eq)
        return 0;
    *eq = '\0';
    double v;
    if (strcmp(l, "max_gsl_length_m") != 0 &&
        strcmp(l, "max_isl_length_m") != 0)
        return 0;
    if (parse_double(eq + 1, &v) || v < 0.0)
        return ln_diag_set(diag, LN_EPARSE, path, lineno, (long)(eq - l) + 2,
                           l, "expected a non-negative number");
    if (l[4] == 'g') {
        c->st->max_gsl_m = v;
        c->have_g = 1;
    } else {
        c->st->max_isl_m = v;
        c->have_i = 1;
    }
    return 0;
}

static int read_description(const char *dir, ln_hyp_state *st,
                            ln_diag *diag)
{
    char path[1024];
    desc_ctx c = {st, 0, 0};
    int rc = each_line_in(dir, "description.txt", path, sizeof path,
                          desc_line, &c, NULL, diag);
    if (!rc && !(c.have_g && c.have_i))
        rc = ln_diag_set(diag, LN_EPARSE, path, 0, 0, NULL,
                         "needs max_gsl_length_m and max_isl_length_m");
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

/* A ground station's ECEF position, m: its file's cartesian columns if it
 * had them, else from its geodetic ones. */
static void gs_ecef_m(const ln_hyp_gs *g, double r[3])
{
    if (g->has_ecef)
        memcpy(r, g->ecef_m, 3 * sizeof *r);
    else
        wgs72_ecef_m(g->lat_deg, g->lon_deg, g->elev_m, r);
}

void ln_hyp_gs_ecef_km(const ln_hyp_gs *g, double r_km[3])
{
    double r[3];
    gs_ecef_m(g, r);
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
        gs_ecef_m(s, r);
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
