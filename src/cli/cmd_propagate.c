/*
 * cmd_propagate.c - "leonet propagate": positions of satellites from TLE,
 * OMM or Walker shells, as CSV, or a human summary of a constellation.
 *
 * Output order is time-major: for each requested time, every satellite in
 * file order. Numbers are written with a fixed-point formatter (9
 * decimals, rounded half away from zero), several times faster than
 * printf("%.9f") and equal to it but for the rare exact halfway case.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "leonet/geodesy.h"
#include "leonet/orbit.h"

#define MAX_TIMES 10000000L
/* |minutes since epoch| (19 years) of --minutes and --span */
#define MAX_MINUTES 1e7

static const ln_opt_spec specs[] = {
    {"tle", 1},     {"omm", 1},    {"shells", 1}, {"minutes", 1},
    {"span", 1},    {"at", 1},     {"frame", 1},  {"format", 1},
    {"output", 1},  {"epoch", 1},  {"summary", 0}, {"all-objects", 0},
    {NULL, 0},
};

static void help(FILE *f)
{
    fprintf(f,
"usage: leonet propagate (--tle FILE | --omm FILE | --shells gen1)\n"
"                        (--minutes LIST | --span START:STOP:STEP |\n"
"                         --at ISO8601[,ISO8601...])\n"
"                        [--frame teme|ecef|geodetic] [--format csv|none]\n"
"                        [--output FILE] [--epoch ISO8601] [--threads N]\n"
"       leonet propagate (--tle FILE | --omm FILE | --shells gen1) --summary\n"
"                        [--at ISO8601] [--all-objects]\n"
"\n"
"Propagates every satellite with SGP4/SDP4 (WGS-72, Vallado 2006) using the\n"
"batch (SIMD, multi-threaded) path, and writes CSV to stdout or --output.\n"
"\n"
"  --tle FILE      2- or 3-line element sets (Alpha-5 numbers, checksums\n"
"                  verified, CRLF and blank lines accepted)\n"
"  --omm FILE      CCSDS OMM as CelesTrak serves it, JSON or CSV\n"
"  --shells gen1   the built-in Starlink Gen1 Walker shells (4408\n"
"                  satellites), epoch --epoch (default 2022-10-09T00:00:00Z)\n"
"  --minutes LIST  comma-separated minutes since each satellite's own\n"
"                  epoch, each -1e7..1e7\n"
"  --span A:B:S    minutes A to B (inclusive, -1e7..1e7, B >= A) in steps\n"
"                  of S (1e-6..1e7), since each satellite's own epoch; at\n"
"                  most 1e7 times\n"
"  --at LIST       comma-separated UTC instants (ISO 8601, 1900..2199)\n"
"  --frame F       teme (default; SGP4's frame), ecef (TEME rotated by\n"
"                  GMST IAU-82, no polar motion), geodetic (WGS-84)\n"
"  --format F      csv (default) or none (propagate and discard: timing)\n"
"  --output FILE   write the CSV there (default: stdout)\n"
"  --epoch T       epoch of --shells (ISO 8601, 1957..2056)\n"
"  --summary       a human summary: shells, altitudes, how many are in\n"
"                  service (docs/scenario.md \"Satellites in service\":\n"
"                  Gen1 shell and altitude band, no debris) and why the\n"
"                  rest are not, where the first satellite of each shell\n"
"                  is at --at (one time; default 2022-10-09T12:00:00Z)\n"
"  --all-objects   (--summary) count every object as in service\n"
"\n"
"CSV columns: norad,minutes,x_km,y_km,z_km,vx_km_s,vy_km_s,vz_km_s (teme,\n"
"ecef) or norad,minutes,lat_deg,lon_deg,alt_km (geodetic). A satellite that\n"
"fails at a time gets 'norad,minutes,error=<code>' with Vallado's code\n"
"(1 eccentricity, 2 mean motion, 3 perturbed eccentricity, 4 semi-latus\n"
"rectum, 5 sub-orbital, 6 decayed) and the run goes on.\n"
"Exit status: 0 all fine, 1 some propagations failed, 2 bad usage or\n"
"input, or the output could not be written.\n");
}

/* ---- fast fixed-point output ---------------------------------------- */

typedef struct outbuf {
    FILE *f;
    char *b;
    size_t n, cap;
    int err;
} outbuf;

static void ob_flush(outbuf *o)
{
    if (o->n && fwrite(o->b, 1, o->n, o->f) != o->n)
        o->err = 1;
    o->n = 0;
}

static void ob_reserve(outbuf *o, size_t k)
{
    if (o->n + k > o->cap)
        ob_flush(o);
}

static void ob_str(outbuf *o, const char *s)
{
    size_t k = strlen(s);
    ob_reserve(o, k);
    memcpy(o->b + o->n, s, k);
    o->n += k;
}

static void ob_u64(outbuf *o, unsigned long long v)
{
    char t[24];
    int k = 0;
    do {
        t[k++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    ob_reserve(o, (size_t)k);
    while (k)
        o->b[o->n++] = t[--k];
}

/* value with exactly `dec` decimals (dec <= 9), |v| < 9e9 */
static void ob_fixed(outbuf *o, double v, int dec)
{
    static const double p10[] = {1, 1e1, 1e2, 1e3, 1e4,
                                 1e5, 1e6, 1e7, 1e8, 1e9};
    if (!isfinite(v) || fabs(v) >= 9e9) {
        char t[64];
        snprintf(t, sizeof t, "%.*f", dec, v);
        ob_str(o, t);
        return;
    }
    int neg = v < 0;
    double s = fabs(v) * p10[dec];
    unsigned long long q = (unsigned long long)(s + 0.5);
    unsigned long long ip = q / (unsigned long long)p10[dec];
    unsigned long long fp = q % (unsigned long long)p10[dec];
    if (neg && q)
        ob_str(o, "-");
    ob_u64(o, ip);
    if (dec) {
        ob_reserve(o, (size_t)dec + 1);
        o->b[o->n++] = '.';
        for (int i = dec - 1; i >= 0; i--) {
            o->b[o->n + (size_t)i] = (char)('0' + fp % 10);
            fp /= 10;
        }
        o->n += (size_t)dec;
    }
}

/* ---- argument helpers ------------------------------------------------ */

static int parse_list(const char *s, double **out, long *n, int iso)
{
    long cap = 16, k = 0;
    double *v = ln_malloc((size_t)cap * sizeof *v);
    const char *p = s;
    const char *opt = iso ? "at" : "minutes";
    if (!v) {
        fprintf(stderr, "leonet propagate: out of memory\n");
        return 2;
    }
    for (;;) {
        const char *c = strchr(p, ',');
        size_t len = c ? (size_t)(c - p) : strlen(p);
        char tok[64];
        if (len == 0 || len >= sizeof tok) {
            fprintf(stderr, "leonet propagate: --%s: bad list item %ld "
                    "'%.*s'\n", opt, k + 1, (int)(len > 64 ? 64 : len), p);
            ln_free(v);
            return 2;
        }
        memcpy(tok, p, len);
        tok[len] = '\0';
        if (k == cap) {
            cap *= 2;
            double *nv = cap > MAX_TIMES
                             ? NULL
                             : ln_realloc(v, (size_t)cap * sizeof *v);
            if (!nv) {
                fprintf(stderr, "leonet propagate: --%s: more than %ld "
                        "items or out of memory\n", opt, MAX_TIMES);
                ln_free(v);
                return 2;
            }
            v = nv;
        }
        if (iso) {
            if (ln_args_time("propagate", "at", tok, &v[k])) {
                ln_free(v);
                return 2;
            }
        } else if (ln_args_double_in("propagate", "minutes", tok,
                                     -MAX_MINUTES, MAX_MINUTES, &v[k])) {
            ln_free(v);
            return 2;
        }
        k++;
        if (!c)
            break;
        p = c + 1;
    }
    *out = v;
    *n = k;
    return 0;
}

static int parse_span(const char *s, double **out, long *n)
{
    double x[3];
    const char *p = s;
    static const char *const what[3] = {"START", "STOP", "STEP"};
    for (int i = 0; i < 3; i++) {
        const char *c = strchr(p, ':');
        size_t len = c ? (size_t)(c - p) : strlen(p);
        char tok[64];
        if ((i < 2) != (c != NULL) || len == 0 || len >= sizeof tok) {
            fprintf(stderr, "leonet propagate: --span: expected START:STOP:"
                    "STEP (minutes), got '%s'\n", s);
            return 2;
        }
        memcpy(tok, p, len);
        tok[len] = '\0';
        double lo = i < 2 ? -MAX_MINUTES : 1e-6;
        if (ln_parse_decimal(tok, &x[i]) || x[i] < lo || x[i] > MAX_MINUTES) {
            fprintf(stderr, "leonet propagate: --span: %s: expected a "
                    "number %.10g..%.10g (minutes), got '%s'\n", what[i], lo,
                    MAX_MINUTES, tok);
            return 2;
        }
        p = c ? c + 1 : p;
    }
    double a = x[0], b = x[1], st = x[2];
    if (b < a) {
        fprintf(stderr, "leonet propagate: --span: STOP %g before START "
                "%g\n", b, a);
        return 2;
    }
    double cnt = floor((b - a) / st + 1e-9) + 1;
    if (cnt > MAX_TIMES) {
        fprintf(stderr, "leonet propagate: --span gives %.0f times, over "
                "the limit of %ld\n", cnt, MAX_TIMES);
        return 2;
    }
    double *v = ln_malloc((size_t)cnt * sizeof *v);
    if (!v) {
        fprintf(stderr, "leonet propagate: out of memory\n");
        return 2;
    }
    for (long i = 0; i < (long)cnt; i++)
        v[i] = a + st * (double)i;
    *out = v;
    *n = (long)cnt;
    return 0;
}

static int load_elsets(const ln_args *a, const char **src, double epoch,
                       ln_elset **els, size_t *n)
{
    const char *tle = ln_args_get(a, specs, "tle");
    const char *omm = ln_args_get(a, specs, "omm");
    const char *sh = ln_args_get(a, specs, "shells");
    ln_diag d;
    char msg[1200];
    int k = (tle != NULL) + (omm != NULL) + (sh != NULL);
    if (k != 1) {
        fprintf(stderr, "leonet propagate: give exactly one of --tle, "
                "--omm, --shells (see leonet propagate --help)\n");
        return 2;
    }
    ln_diag_clear(&d);
    int rc;
    if (tle) {
        *src = tle;
        rc = ln_tle_read_file(tle, 0, els, n, &d);
    } else if (omm) {
        *src = omm;
        rc = ln_omm_read_file(omm, els, n, &d);
    } else {
        *src = sh;
        if (strcmp(sh, "gen1") != 0) {
            fprintf(stderr, "leonet propagate: --shells: only the preset "
                    "'gen1' is built in, got '%s'\n", sh);
            return 2;
        }
        const ln_shell *shells;
        size_t ns = ln_shells_gen1(&shells);
        if (ln_args_shells_epoch("propagate", "--epoch", epoch))
            return 2;
        rc = ln_shells_to_elsets(shells, ns, epoch, 90001, els, n);
        if (rc)
            snprintf(d.msg, sizeof d.msg, "%s", ln_strerror(rc));
    }
    if (rc) {
        fprintf(stderr, "leonet propagate: %s\n",
                ln_diag_format(&d, msg, sizeof msg));
        return 2;
    }
    if (*n == 0) {
        fprintf(stderr, "leonet propagate: %s: no element sets\n", *src);
        return 2;
    }
    return 0;
}

typedef struct soa {
    double *buf;
    int *err;
    ln_pv_soa pv;
} soa;

static int soa_alloc(soa *s, size_t n)
{
    s->buf = ln_malloc(6 * n * sizeof *s->buf);
    s->err = ln_malloc(n * sizeof *s->err);
    if (!s->buf || !s->err)
        return -1;
    s->pv.x = s->buf;
    s->pv.y = s->buf + n;
    s->pv.z = s->buf + 2 * n;
    s->pv.vx = s->buf + 3 * n;
    s->pv.vy = s->buf + 4 * n;
    s->pv.vz = s->buf + 5 * n;
    s->pv.err = s->err;
    return 0;
}

static void soa_free(soa *s)
{
    ln_free(s->buf);
    ln_free(s->err);
}

/* ---- summary --------------------------------------------------------- */

typedef struct shell_row {
    const char *label;
    double incl_lo, incl_hi;
    long count, named, in_service;
    double alt_sum;
} shell_row;


/* The row of a satellite of inclination inc_deg: the first that holds
 * it; the last ("other") takes the rest. */
static size_t row_of(const shell_row *rows, size_t nrows, double inc_deg)
{
    size_t r = 0;
    while (r + 1 < nrows &&
           !(inc_deg >= rows[r].incl_lo && inc_deg < rows[r].incl_hi))
        r++;
    return r;
}

static int summary(const char *src, const ln_elset *els, size_t n,
                   const ln_orbit *o, double t_at, int all_objects)
{
    shell_row rows[] = {
        {"550 km / 53.0 deg", 52.9, 53.15, 0, 0, 0, 0},
        {"540 km / 53.2 deg", 53.15, 53.5, 0, 0, 0, 0},
        {"570 km / 70.0 deg", 69.5, 70.5, 0, 0, 0, 0},
        {"560 km / 97.6 deg", 97.0, 98.0, 0, 0, 0, 0},
        {"other", -1, 1000, 0, 0, 0, 0},
    };
    size_t nrows = sizeof rows / sizeof rows[0];
    double ep_lo = INFINITY, ep_hi = -INFINITY;
    long named = 0, why[5] = {0}; /* by -LN_SVC_*: not sat .. above */
    long in_service = 0;
    for (size_t i = 0; i < n; i++) {
        size_t r = row_of(rows, nrows, els[i].inclo * LN_RAD2DEG);
        int is_named = strncmp(els[i].name, "STARLINK", 8) == 0 ||
                       strncmp(els[i].name, "SHELL", 5) == 0;
        rows[r].count++;
        rows[r].named += is_named;
        named += is_named;
        double alt = ln_elset_alt_km(&els[i]);
        int cls = all_objects ? LN_SVC_IN : ln_elset_service(&els[i], NULL,
                                                             0);
        rows[r].in_service += cls == LN_SVC_IN;
        in_service += cls == LN_SVC_IN;
        if (cls != LN_SVC_IN)
            why[-cls]++;
        rows[r].alt_sum += alt;
        if (els[i].epoch_unix_s < ep_lo)
            ep_lo = els[i].epoch_unix_s;
        if (els[i].epoch_unix_s > ep_hi)
            ep_hi = els[i].epoch_unix_s;
    }
    char b1[40], b2[40], b3[40];
    printf("constellation %s: %zu objects, %ld satellites\n", src, n, named);
    printf("  element-set epochs %s .. %s\n",
           ln_time_format_iso(ep_lo, 0, b1, sizeof b1),
           ln_time_format_iso(ep_hi, 0, b2, sizeof b2));
    printf("  %-18s %8s %10s %12s %14s\n", "shell", "objects", "satellites",
           "in service", "mean alt (km)");
    for (size_t r = 0; r < nrows; r++) {
        if (!rows[r].count)
            continue;
        printf("  %-18s %8ld %10ld %12ld %14.1f\n", rows[r].label,
               rows[r].count, rows[r].named, rows[r].in_service,
               rows[r].alt_sum / rows[r].count);
    }
    if (all_objects)
        printf("  in service: all %ld objects (--all-objects)\n", in_service);
    else
        printf("  in service: %ld (shell and altitude band, "
               "docs/scenario.md)\n  not in service: %ld below the band "
               "(raising their orbits or being lowered),\n    %ld above it, "
               "%ld off every shell, %ld not satellites (debris, rocket "
               "bodies, others)\n",
               in_service, why[-LN_SVC_BELOW], why[-LN_SVC_ABOVE],
               why[-LN_SVC_OFF_SHELL], why[-LN_SVC_NOT_SATELLITE]);

    soa s;
    if (soa_alloc(&s, n)) {
        soa_free(&s);
        fprintf(stderr, "leonet propagate: out of memory\n");
        return 2;
    }
    double t0 = ln_time_mono_s();
    long bad = ln_orbit_propagate(o, t_at, &s.pv, ln_cli_threads);
    double dt = ln_time_mono_s() - t0;
    ln_teme_to_ecef_soa(t_at, &s.pv, n);
    printf("positions at %s (WGS-84), %ld failed:\n",
           ln_time_format_iso(t_at, 0, b3, sizeof b3), bad);
    printf("  %-24s %7s %9s %9s %9s\n", "name", "norad", "lat_deg",
           "lon_deg", "alt_km");
    /* the first satellite of each shell (of its row, as counted above: the
     * "other" row's range holds every inclination) */
    for (size_t r = 0; r < nrows; r++) {
        for (size_t i = 0; i < n; i++) {
            if (row_of(rows, nrows, els[i].inclo * LN_RAD2DEG) != r)
                continue;
            if (s.err[i])
                continue;
            double r3[3] = {s.pv.x[i], s.pv.y[i], s.pv.z[i]};
            ln_geodetic g;
            ln_ecef_to_geodetic(r3, &g);
            printf("  %-24s %7u %9.4f %9.4f %9.2f\n",
                   els[i].name[0] ? els[i].name : "-", els[i].norad,
                   g.lat_rad * LN_RAD2DEG, g.lon_rad * LN_RAD2DEG, g.h_km);
            break;
        }
    }
    printf("propagated %zu satellites in %.3f ms (kernel %s, %d threads)\n",
           n, dt * 1e3, ln_orbit_kernel(),
           ln_cli_threads > 0 ? ln_cli_threads : ln_ncpu());
    soa_free(&s);
    return bad ? 1 : 0;
}

/* ---- the verb -------------------------------------------------------- */

/* A propagate run's options, checked. */
typedef struct prop_opts {
    int fr;                  /* 0 teme, 1 ecef, 2 geodetic */
    int discard;             /* --format none: compute, write nothing */
    int summary;             /* --summary */
    const char *mins, *span, *at; /* the times: one of them (or --at with
                                     --summary) */
    const char *outp;        /* --output, or NULL (stdout) */
} prop_opts;

/* Reads --frame and --format and checks which options go together;
 * 0, or 2 with the message printed. */
static int check_options(const ln_args *a, prop_opts *po)
{
    const char *frame = ln_args_get(a, specs, "frame");
    po->fr = 0;
    if (frame) {
        if (strcmp(frame, "teme") == 0)
            po->fr = 0;
        else if (strcmp(frame, "ecef") == 0)
            po->fr = 1;
        else if (strcmp(frame, "geodetic") == 0)
            po->fr = 2;
        else {
            fprintf(stderr, "leonet propagate: --frame: teme, ecef or "
                    "geodetic, got '%s'\n", frame);
            return 2;
        }
    }
    const char *format = ln_args_get(a, specs, "format");
    po->discard = 0;
    if (format) {
        if (strcmp(format, "none") == 0)
            po->discard = 1;
        else if (strcmp(format, "csv") != 0) {
            fprintf(stderr, "leonet propagate: --format: csv or none, got "
                    "'%s'\n", format);
            return 2;
        }
    }
    po->outp = ln_args_get(a, specs, "output");
    if (po->discard && po->outp) {
        fprintf(stderr, "leonet propagate: --format none writes nothing; "
                "no --output\n");
        return 2;
    }
    po->mins = ln_args_get(a, specs, "minutes");
    po->span = ln_args_get(a, specs, "span");
    po->at = ln_args_get(a, specs, "at");
    po->summary = ln_args_get(a, specs, "summary") != NULL;
    if (po->summary && (po->mins || po->span || frame || format ||
                        po->outp)) {
        fprintf(stderr, "leonet propagate: --summary takes --at (one time) "
                "only, not --minutes, --span, --frame, --format, "
                "--output\n");
        return 2;
    }
    if (!po->summary && ln_args_get(a, specs, "all-objects")) {
        fprintf(stderr, "leonet propagate: --all-objects is an option of "
                "--summary (positions are written for every object)\n");
        return 2;
    }
    if (!po->summary &&
        (po->mins != NULL) + (po->span != NULL) + (po->at != NULL) != 1) {
        fprintf(stderr, "leonet propagate: give exactly one of --minutes, "
                "--span, --at (see leonet propagate --help)\n");
        return 2;
    }
    return 0;
}

/* TEME -> ECEF of a propagated step in place: at the time tk for all
 * (--at), else at each satellite's epoch + tk minutes. */
static void step_to_ecef(soa *s, const ln_elset *els, size_t n, double tk,
                         int at)
{
    if (at) {
        ln_teme_to_ecef_soa(tk, &s->pv, n);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if (s->err[i])
            continue;
        double t = els[i].epoch_unix_s + tk * 60.0;
        double r[3] = {s->pv.x[i], s->pv.y[i], s->pv.z[i]};
        double v[3] = {s->pv.vx[i], s->pv.vy[i], s->pv.vz[i]};
        double re[3], ve[3];
        ln_teme_to_ecef(t, r, v, re, ve);
        s->pv.x[i] = re[0], s->pv.y[i] = re[1], s->pv.z[i] = re[2];
        s->pv.vx[i] = ve[0], s->pv.vy[i] = ve[1], s->pv.vz[i] = ve[2];
    }
}

/* The CSV rows of a propagated step: norad, minutes since epoch, then
 * lat, lon, alt (fr 2) or position and velocity, or error=N. */
static void write_rows(outbuf *ob, const soa *s, const ln_elset *els,
                       size_t n, double tk, int at, int fr)
{
    for (size_t i = 0; i < n; i++) {
        double m = at ? (tk - els[i].epoch_unix_s) / 60.0 : tk;
        ob_u64(ob, els[i].norad);
        ob_str(ob, ",");
        ob_fixed(ob, m, 9);
        if (s->err[i]) {
            char t[32];
            snprintf(t, sizeof t, ",error=%d\n",
                     LN_EORBIT_ECC + 1 - s->err[i]);
            ob_str(ob, t);
            continue;
        }
        if (fr == 2) {
            double r3[3] = {s->pv.x[i], s->pv.y[i], s->pv.z[i]};
            ln_geodetic g;
            ln_ecef_to_geodetic(r3, &g);
            ob_str(ob, ",");
            ob_fixed(ob, g.lat_rad * LN_RAD2DEG, 9);
            ob_str(ob, ",");
            ob_fixed(ob, g.lon_rad * LN_RAD2DEG, 9);
            ob_str(ob, ",");
            ob_fixed(ob, g.h_km, 9);
        } else {
            const double *c[6] = {s->pv.x,  s->pv.y,  s->pv.z,
                                  s->pv.vx, s->pv.vy, s->pv.vz};
            for (int j = 0; j < 6; j++) {
                ob_str(ob, ",");
                ob_fixed(ob, c[j][i], 9);
            }
        }
        ob_str(ob, "\n");
    }
}

/* Propagates o to times[0..nt) and writes the rows (to po->outp or
 * stdout; nothing with --format none). 0, 1 when some propagations
 * failed, 2 on an error (printed). */
static int write_positions(const prop_opts *po, const ln_orbit *o,
                           const ln_elset *els, size_t n,
                           const double *times, long nt)
{
    FILE *f = stdout;
    if (po->outp && !po->discard) {
        f = ln_cli_open_out("propagate", po->outp);
        if (!f)
            return 2;
    }
    outbuf ob = {f, ln_malloc(1 << 20), 0, 1 << 20, 0};
    soa s = {0};
    if (!ob.b || soa_alloc(&s, n)) {
        fprintf(stderr, "leonet propagate: out of memory\n");
        ln_cli_discard_out(f);
        ln_free(ob.b);
        soa_free(&s);
        return 2;
    }
    if (!po->discard)
        ob_str(&ob, po->fr == 2 ? "norad,minutes,lat_deg,lon_deg,alt_km\n"
                                : "norad,minutes,x_km,y_km,z_km,vx_km_s,"
                                  "vy_km_s,vz_km_s\n");
    long failures = 0;
    ln_progress *pg = ln_progress_new("propagate", (uint64_t)nt);
    for (long k = 0; k < nt && !ob.err; k++) {
        if (po->at)
            failures += ln_orbit_propagate(o, times[k], &s.pv,
                                           ln_cli_threads);
        else
            failures += ln_orbit_propagate_tsince(o, times[k], &s.pv,
                                                  ln_cli_threads);
        ln_progress_update(pg, (uint64_t)k + 1);
        if (po->discard)
            continue;
        if (po->fr >= 1)
            step_to_ecef(&s, els, n, times[k], po->at != NULL);
        write_rows(&ob, &s, els, n, times[k], po->at != NULL, po->fr);
    }
    ln_progress_free(pg);
    ob_flush(&ob); /* a failed fwrite leaves ferror(f) set: close says so */
    int werr =
        ln_cli_close_out("propagate", f, f == stdout ? NULL : po->outp);
    ln_free(ob.b);
    soa_free(&s);
    if (werr)
        return 2;
    if (failures)
        fprintf(stderr, "leonet propagate: %ld propagations failed (see "
                "error= lines)\n", failures);
    return failures ? 1 : 0;
}

int ln_cmd_propagate(int argc, char **argv)
{
    ln_args a;
    int rc = ln_args_parse_nopos(argc, argv, specs, &a, "propagate", help);
    if (rc)
        return rc < 0 ? 0 : rc;
    double epoch = ln_time_from_utc(2022, 10, 9, 0, 0, 0);
    const char *ep = ln_args_get(&a, specs, "epoch");
    if (ep && ln_args_time("propagate", "epoch", ep, &epoch))
        return 2;
    prop_opts po;
    if ((rc = check_options(&a, &po)))
        return rc;
    double *times = NULL;
    long nt = 0;
    if (po.mins)
        rc = parse_list(po.mins, &times, &nt, 0);
    else if (po.span)
        rc = parse_span(po.span, &times, &nt);
    else if (po.at)
        rc = parse_list(po.at, &times, &nt, 1);
    if (rc)
        return rc;

    const char *src;
    ln_elset *els = NULL;
    size_t n = 0;
    if ((rc = load_elsets(&a, &src, epoch, &els, &n))) {
        ln_free(times);
        return rc;
    }
    ln_orbit *o;
    if ((rc = ln_orbit_new(els, n, &o))) {
        fprintf(stderr, "leonet propagate: %s\n", ln_strerror(rc));
        ln_free(els);
        ln_free(times);
        return 2;
    }
    if (po.summary) {
        double t_at = ln_time_from_utc(2022, 10, 9, 12, 0, 0);
        if (po.at && nt > 1) {
            fprintf(stderr, "leonet propagate: --summary: one --at time\n");
            rc = 2;
        }
        if (po.at && nt)
            t_at = times[0];
        if (!rc)
            rc = summary(src, els, n, o, t_at,
                         ln_args_get(&a, specs, "all-objects") != NULL);
    } else {
        rc = write_positions(&po, o, els, n, times, nt);
    }
    ln_orbit_free(o);
    ln_free(els);
    ln_free(times);
    return rc;
}
