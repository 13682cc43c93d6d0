/*
 * cmd_visible.c - "leonet visible": what a terminal sees.
 *
 *   leonet visible --lat DEG --lon DEG [--alt-m M] --at T
 *       the objects above the elevation mask at T, highest first: CSV
 *       name,norad,el_deg,az_deg,range_km,alt_km,in_service
 *   leonet visible --lat DEG --lon DEG [--alt-m M] --from T --until T
 *                  [--step S]
 *       their passes: CSV name,norad,rise_utc,culmination_utc,set_utc,
 *       max_el_deg,in_service, in order of rise
 *
 * Geometry and rules are the engine's: SGP4 (WGS-72) positions in TEME
 * rotated to ECEF by GMST (ln_teme_to_ecef), the site on WGS-84
 * (ln_site_prepare), a satellite above the mask when
 * ln_site_sin_elevation >= sin(mask) (the comparison of ln_satindex,
 * which the engine uses), look angles from ln_site_look (geodetic
 * elevation, azimuth from north through east, no refraction), the
 * in-service flag from ln_elset_service (docs/scenario.md). Defaults are
 * the built-in scenario's: its TLE file (data/tle/...) and its terminal
 * mask (link.elevation_mask_deg, 25 deg).
 *
 * Passes: every object is sampled every --step seconds from --from to
 * --until (and at --until). A rise or set between two samples is found
 * by bisection on the elevation to 1 s (rise: the first instant known
 * above, set: the last); the culmination by a golden-section search on
 * the best sample's neighbourhood, to 0.01 s (times are printed to 1 s). A pass shorter than a step may
 * fall between samples and be missed: take a smaller step. A pass under
 * way at --from has an empty rise, one still up at --until an empty set.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "leonet/geodesy.h"
#include "leonet/orbit.h"
#include "leonet/sim.h"

#define V "visible"
#define MAX_SPAN_S (31.0 * 86400.0) /* --from .. --until */
#define MAX_STEPS 1e6

static const ln_opt_spec specs[] = {
    {"lat", 1},  {"lon", 1},   {"alt-m", 1},  {"at", 1},     {"from", 1},
    {"until", 1}, {"step", 1}, {"mask", 1},   {"tle", 1},    {"shells", 1},
    {"epoch", 1}, {"output", 1}, {NULL, 0},
};

static void help(FILE *f)
{
    fprintf(f,
"usage: leonet visible --lat DEG --lon DEG [--alt-m M] --at T\n"
"                      [--mask DEG] [--tle FILE | --shells gen1 [--epoch T]]\n"
"                      [--output FILE]\n"
"       leonet visible --lat DEG --lon DEG [--alt-m M] --from T --until T\n"
"                      [--step S] [--mask DEG] [--tle FILE | --shells gen1]\n"
"                      [--output FILE]\n"
"\n"
"What a terminal at LAT, LON (WGS-84; --alt-m metres above the\n"
"ellipsoid, default 0) sees, with the engine's geometry and rules.\n"
"--at T: every object above the elevation mask at T, highest first; CSV\n"
"name,norad,el_deg,az_deg,range_km,alt_km,in_service (azimuth from north\n"
"through east; range: slant, km; alt: the object's height above WGS-84;\n"
"in_service 1 when the satellite serves: docs/scenario.md \"Satellites in\n"
"service\"). --from/--until: the passes; CSV name,norad,rise_utc,\n"
"culmination_utc,set_utc,max_el_deg,in_service, sampled every --step s\n"
"and refined to 1 s (rise empty: up at --from; set empty: up at\n"
"--until; a pass shorter than a step may be missed).\n"
"Elements: --tle FILE, --shells gen1 (Walker Gen1, epoch --epoch, default\n"
"2022-10-09T00:00:00Z), default the built-in scenario's TLE file.\n"
"--mask: default the built-in scenario's terminal mask (25 deg).\n"
"\n"
"Ranges: --lat -90..90, --lon -180..180, --alt-m -1000..100000, --mask\n"
"0..89, --step 1..86400 (default 60), --until after --from by at most\n"
"31 days and 1e6 steps, times ISO 8601 UTC 1900..2199.\n"
"Exit status: 0 ok, 1 some propagations failed (those objects are left\n"
"out), 2 bad usage or input, or output not written.\n");
}

typedef struct ctx {
    const ln_elset *els;
    size_t n;
    ln_sgp4 **sg;        /* per object, made on first use */
    ln_site site;
    double sin_mask;
} ctx;

/* sin(elevation) of object i at t (Unix s) by SGP4; -2 on an error. */
static double sin_el_at(ctx *c, size_t i, double t)
{
    double r[3], v[3], re[3];
    if (!c->sg[i] && ln_sgp4_new(&c->els[i], &c->sg[i]))
        return -2.0;
    if (ln_sgp4_propagate(c->sg[i], (t - c->els[i].epoch_unix_s) / 60.0, r,
                          v))
        return -2.0;
    ln_teme_to_ecef(t, r, NULL, re, NULL);
    return ln_site_sin_elevation(&c->site, re);
}

/* The mask crossing of object i between a (above == up_a) and b: the
 * instant on the "above" side of a <= 1 s bracket. */
static double crossing(ctx *c, size_t i, double a, double b, int up_a)
{
    while (b - a > 1.0) {
        double m = 0.5 * (a + b);
        int up = sin_el_at(c, i, m) >= c->sin_mask;
        if (up == up_a)
            a = m;
        else
            b = m;
    }
    return up_a ? a : b;
}

/* Highest elevation of object i in [a, b] (golden section, to 0.01 s:
 * near the zenith the elevation moves ~0.8 deg/s, so the maximum is
 * searched more finely than the times are reported),
 * starting from the best sample (tb, sb); *t_out its time. */
static double culminate(ctx *c, size_t i, double a, double b, double tb,
                        double sb, double *t_out)
{
    const double g = 0.5 * (sqrt(5.0) - 1.0);
    double x1 = b - g * (b - a), x2 = a + g * (b - a);
    double f1 = sin_el_at(c, i, x1), f2 = sin_el_at(c, i, x2);
    while (b - a > 0.01) {
        if (f1 >= f2) {
            b = x2;
            x2 = x1;
            f2 = f1;
            x1 = b - g * (b - a);
            f1 = sin_el_at(c, i, x1);
        } else {
            a = x1;
            x1 = x2;
            f1 = f2;
            x2 = a + g * (b - a);
            f2 = sin_el_at(c, i, x2);
        }
    }
    double tm = f1 >= f2 ? x1 : x2, sm = f1 >= f2 ? f1 : f2;
    if (sb >= sm) { /* never report less than a sample showed */
        tm = tb;
        sm = sb;
    }
    *t_out = tm;
    return sm;
}

typedef struct pass {
    size_t i;
    double rise, culm, set, max_sin; /* rise/set NaN: open */
} pass;

static int pass_cmp(const void *pa, const void *pb)
{
    const pass *a = pa, *b = pb;
    double ra = isnan(a->rise) ? -INFINITY : a->rise;
    double rb = isnan(b->rise) ? -INFINITY : b->rise;
    if (ra != rb)
        return ra < rb ? -1 : 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

typedef struct look {
    size_t i;
    ln_topo t;
    double alt_km;
} look;

static int look_cmp(const void *pa, const void *pb)
{
    const look *a = pa, *b = pb;
    if (a->t.el_rad != b->t.el_rad)
        return a->t.el_rad > b->t.el_rad ? -1 : 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

static void put_time(FILE *f, double t)
{
    char b[40];
    if (!isnan(t))
        fputs(ln_time_format_iso(t, 0, b, sizeof b), f);
}

static void put_name(FILE *f, const ln_elset *e)
{
    ln_csv_put(f, e->name);
}

/* --at: one instant. Returns the number of failed propagations, or -1. */
static long snapshot(ctx *c, const ln_orbit *o, double t, const char *svc,
                     FILE *f)
{
    size_t n = c->n, k = 0;
    double *buf = ln_malloc(6 * (n ? n : 1) * sizeof *buf);
    int *err = ln_malloc((n ? n : 1) * sizeof *err);
    look *L = ln_malloc((n ? n : 1) * sizeof *L);
    if (!buf || !err || !L) {
        ln_free(buf);
        ln_free(err);
        ln_free(L);
        fprintf(stderr, "leonet visible: out of memory\n");
        return -1;
    }
    ln_pv_soa pv = {buf,         buf + n,     buf + 2 * n,
                    buf + 3 * n, buf + 4 * n, buf + 5 * n, err};
    long bad = ln_orbit_propagate(o, t, &pv, ln_cli_threads);
    ln_teme_to_ecef_soa(t, &pv, n);
    for (size_t i = 0; i < n; i++) {
        double r[3] = {pv.x[i], pv.y[i], pv.z[i]};
        if (err[i] || !(ln_site_sin_elevation(&c->site, r) >= c->sin_mask))
            continue;
        L[k].i = i;
        ln_site_look(&c->site, r, NULL, &L[k].t);
        ln_geodetic g;
        ln_ecef_to_geodetic(r, &g);
        L[k].alt_km = g.h_km;
        k++;
    }
    qsort(L, k, sizeof *L, look_cmp);
    fprintf(f, "name,norad,el_deg,az_deg,range_km,alt_km,in_service\n");
    for (size_t j = 0; j < k; j++) {
        const ln_elset *e = &c->els[L[j].i];
        put_name(f, e);
        fprintf(f, ",%u,%.4f,%.4f,%.3f,%.3f,%d\n", e->norad,
                L[j].t.el_rad * LN_RAD2DEG, L[j].t.az_rad * LN_RAD2DEG,
                L[j].t.range_km, L[j].alt_km, svc[L[j].i]);
    }
    fprintf(stderr, "leonet visible: %zu of %zu objects above the mask\n", k,
            n);
    ln_free(buf);
    ln_free(err);
    ln_free(L);
    return bad;
}

/* --from/--until: passes. Returns failed propagations at samples, -1. */
static long passes(ctx *c, const ln_orbit *o, double t0, double t1,
                   double step, const char *svc, FILE *f)
{
    size_t n = c->n, np = 0, cap = 0;
    long bad = 0;
    double *buf = ln_malloc(6 * (n ? n : 1) * sizeof *buf);
    int *err = ln_malloc((n ? n : 1) * sizeof *err);
    double *rise = ln_malloc((n ? n : 1) * sizeof *rise);
    double *tb = ln_malloc((n ? n : 1) * sizeof *tb);
    double *sb = ln_malloc((n ? n : 1) * sizeof *sb);
    unsigned char *up = ln_calloc(n ? n : 1, 1);
    pass *P = NULL;
    int ok = buf && err && rise && tb && sb && up;
    long nt = (long)ceil((t1 - t0) / step - 1e-9);
    double prev = t0;
    for (long k = 0; ok && k <= nt; k++) {
        double t = k == nt ? t1 : t0 + (double)k * step;
        ln_pv_soa pv = {buf,         buf + n,     buf + 2 * n,
                        buf + 3 * n, buf + 4 * n, buf + 5 * n, err};
        bad += ln_orbit_propagate(o, t, &pv, ln_cli_threads);
        ln_teme_to_ecef_soa(t, &pv, n);
        for (size_t i = 0; i < n && ok; i++) {
            double r[3] = {pv.x[i], pv.y[i], pv.z[i]};
            double s = err[i] ? -2.0 : ln_site_sin_elevation(&c->site, r);
            int now = s >= c->sin_mask;
            if (now && !up[i]) {
                rise[i] = k == 0 ? NAN : crossing(c, i, prev, t, 0);
                tb[i] = t;
                sb[i] = s;
            } else if (now && s > sb[i]) {
                tb[i] = t;
                sb[i] = s;
            }
            if ((up[i] && !now) || (now && k == nt)) {
                if (np == cap) {
                    cap = cap ? 2 * cap : 256;
                    pass *q = ln_realloc(P, cap * sizeof *P);
                    if (!q) {
                        ok = 0;
                        break;
                    }
                    P = q;
                }
                double end = now ? t1 : crossing(c, i, prev, t, 1);
                double lo = fmax(tb[i] - step, isnan(rise[i]) ? t0 : rise[i]);
                double hi = fmin(tb[i] + step, end);
                pass *p = &P[np++];
                p->i = i;
                p->rise = rise[i];
                p->set = now ? NAN : end;
                p->max_sin = culminate(c, i, lo, hi, tb[i], sb[i], &p->culm);
            }
            up[i] = (unsigned char)now;
        }
        prev = t;
    }
    if (!ok) {
        fprintf(stderr, "leonet visible: out of memory\n");
        bad = -1;
    } else {
        qsort(P, np, sizeof *P, pass_cmp);
        fprintf(f, "name,norad,rise_utc,culmination_utc,set_utc,max_el_deg,"
                   "in_service\n");
        for (size_t j = 0; j < np; j++) {
            const ln_elset *e = &c->els[P[j].i];
            put_name(f, e);
            fprintf(f, ",%u,", e->norad);
            put_time(f, P[j].rise);
            fputc(',', f);
            put_time(f, P[j].culm);
            fputc(',', f);
            put_time(f, P[j].set);
            fprintf(f, ",%.4f,%d\n", asin(fmin(1.0, P[j].max_sin)) *
                                         LN_RAD2DEG, svc[P[j].i]);
        }
        fprintf(stderr, "leonet visible: %zu passes of %zu objects, %ld "
                "samples\n", np, n, nt + 1);
    }
    ln_free(buf);
    ln_free(err);
    ln_free(rise);
    ln_free(tb);
    ln_free(sb);
    ln_free(up);
    ln_free(P);
    return bad;
}

/* The built-in scenario's TLE path and mask (no scenario: 25 deg and
 * data/tle's file as the scenario names it). */
static int builtin_defaults(char *tle, size_t n, double *mask_rad)
{
    const char *text = ln_scenario_builtin("ukraine-2022");
    ln_scenario *sc = NULL;
    ln_diag d;
    ln_diag_clear(&d);
    if (!text || ln_scenario_parse_opt(text, strlen(text), "built-in",
                                       ln_cli_scenario_options(), &sc, &d)) {
        char b[1200];
        fprintf(stderr, "leonet visible: the built-in scenario: %s\n",
                ln_diag_format(&d, b, sizeof b));
        return 2;
    }
    snprintf(tle, n, "%s", sc->tle);
    *mask_rad = sc->mask_rad;
    ln_scenario_free(sc);
    if (!tle[0]) {
        fprintf(stderr, "leonet visible: the built-in scenario names no TLE "
                "file; give --tle or --shells\n");
        return 2;
    }
    return 0;
}

/* Where and when to look, as given on the command line. */
typedef struct vis_query {
    double lat, lon, alt_m; /* deg, deg, m */
    double mask_deg;        /* NaN: the built-in scenario's mask */
    double at;              /* --at, Unix s, or NaN */
    double from, until, step; /* --from, --until (NaN when absent), --step
                                 s */
} vis_query;

/* Reads --lat, --lon, --alt-m, --mask and the times, and checks that
 * they go together; 0, or 2 with the message printed. */
static int read_query(const ln_args *a, vis_query *q)
{
    const char *s;
    q->alt_m = 0.0;
    q->mask_deg = NAN;
    q->step = 60.0;
    q->at = q->from = q->until = NAN;
    if (!ln_args_get(a, specs, "lat") || !ln_args_get(a, specs, "lon")) {
        fprintf(stderr, "leonet visible: --lat and --lon are required (see "
                "leonet visible --help)\n");
        return 2;
    }
    if (ln_args_double_in(V, "lat", ln_args_get(a, specs, "lat"), -90, 90,
                          &q->lat) ||
        ln_args_double_in(V, "lon", ln_args_get(a, specs, "lon"), -180, 180,
                          &q->lon))
        return 2;
    if ((s = ln_args_get(a, specs, "alt-m")) &&
        ln_args_double_in(V, "alt-m", s, -1000, 100000, &q->alt_m))
        return 2;
    if ((s = ln_args_get(a, specs, "mask")) &&
        ln_args_double_in(V, "mask", s, 0, 89, &q->mask_deg))
        return 2;
    if ((s = ln_args_get(a, specs, "at")) && ln_args_time(V, "at", s, &q->at))
        return 2;
    if ((s = ln_args_get(a, specs, "from")) &&
        ln_args_time(V, "from", s, &q->from))
        return 2;
    if ((s = ln_args_get(a, specs, "until")) &&
        ln_args_time(V, "until", s, &q->until))
        return 2;
    if ((s = ln_args_get(a, specs, "step")) &&
        ln_args_double_in(V, "step", s, 1, 86400, &q->step))
        return 2;
    int have_at = !isnan(q->at);
    int have_span = !isnan(q->from) || !isnan(q->until);
    if (have_at == have_span) {
        fprintf(stderr, "leonet visible: give --at T, or --from T and "
                "--until T (see leonet visible --help)\n");
        return 2;
    }
    if (have_span && (isnan(q->from) || isnan(q->until))) {
        fprintf(stderr, "leonet visible: --from and --until go together\n");
        return 2;
    }
    if (have_at && ln_args_get(a, specs, "step")) {
        fprintf(stderr, "leonet visible: --step is an option of "
                "--from/--until, not of --at\n");
        return 2;
    }
    if (have_span &&
        !(q->until > q->from && q->until - q->from <= MAX_SPAN_S)) {
        fprintf(stderr, "leonet visible: --until must be after --from by at "
                "most 31 days\n");
        return 2;
    }
    if (have_span && (q->until - q->from) / q->step > MAX_STEPS) {
        fprintf(stderr, "leonet visible: --from..--until at --step %g s "
                "gives %.0f samples, more than %.0f\n", q->step,
                ceil((q->until - q->from) / q->step), MAX_STEPS);
        return 2;
    }
    return 0;
}

/* The satellites (--tle, --shells gen1 at --epoch, else the built-in
 * scenario's TLE file) into *els, *n, and the mask (--mask, else the
 * built-in scenario's); 0, or 2 with the message printed. */
static int load_sats(const ln_args *a, double mask_deg, ln_elset **els,
                     size_t *n, double *mask_rad)
{
    int rc;
    const char *tle = ln_args_get(a, specs, "tle");
    const char *shells = ln_args_get(a, specs, "shells");
    const char *ep = ln_args_get(a, specs, "epoch");
    if (tle && shells) {
        fprintf(stderr, "leonet visible: give one of --tle, --shells\n");
        return 2;
    }
    if (shells && strcmp(shells, "gen1") != 0) {
        fprintf(stderr, "leonet visible: --shells: gen1, got '%s'\n",
                shells);
        return 2;
    }
    if (ep && !shells) {
        fprintf(stderr, "leonet visible: --epoch is an option of --shells\n");
        return 2;
    }
    double epoch = ln_time_from_utc(2022, 10, 9, 0, 0, 0);
    if (ep && ln_args_time(V, "epoch", ep, &epoch))
        return 2;
    char deftle[1024] = "";
    *mask_rad = 25.0 * LN_DEG2RAD;
    if ((!tle && !shells) || isnan(mask_deg)) {
        if ((rc = builtin_defaults(deftle, sizeof deftle, mask_rad)))
            return rc;
        if (!tle && !shells)
            tle = deftle;
    }
    if (!isnan(mask_deg))
        *mask_rad = mask_deg * LN_DEG2RAD;
    if (shells) {
        const ln_shell *sh;
        size_t ns = ln_shells_gen1(&sh);
        if (ln_args_shells_epoch(V, "--epoch", epoch))
            return 2;
        rc = ln_shells_to_elsets(sh, ns, epoch, 1, els, n);
        if (rc) {
            fprintf(stderr, "leonet visible: shells: %s\n", ln_strerror(rc));
            return 2;
        }
        return 0;
    }
    ln_diag d;
    ln_diag_clear(&d);
    if (ln_tle_read_file(tle, 0, els, n, &d)) {
        char b[1200];
        fprintf(stderr, "leonet visible: %s\n",
                ln_diag_format(&d, b, sizeof b));
        return 2;
    }
    if (*n == 0) {
        fprintf(stderr, "leonet visible: %s: no element sets\n", tle);
        ln_free(*els);
        *els = NULL;
        return 2;
    }
    return 0;
}

int ln_cmd_visible(int argc, char **argv)
{
    ln_args a;
    int rc = ln_args_parse_nopos(argc, argv, specs, &a, V, help);
    if (rc)
        return rc < 0 ? 0 : rc;
    vis_query q;
    if ((rc = read_query(&a, &q)))
        return rc;
    ln_elset *els = NULL;
    size_t n = 0;
    double mask_rad;
    if ((rc = load_sats(&a, q.mask_deg, &els, &n, &mask_rad)))
        return rc;
    ln_orbit *o = NULL;
    char *svc = ln_malloc(n ? n : 1);
    ln_sgp4 **sg = ln_calloc(n ? n : 1, sizeof *sg);
    if (!svc || !sg || ln_orbit_new(els, n, &o)) {
        fprintf(stderr, "leonet visible: out of memory\n");
        ln_free(svc);
        ln_free(sg);
        ln_free(els);
        return 2;
    }
    for (size_t i = 0; i < n; i++)
        svc[i] = (char)(ln_elset_service(&els[i], NULL, 0) == LN_SVC_IN);
    ctx c;
    memset(&c, 0, sizeof c);
    c.els = els;
    c.n = n;
    c.sg = sg;
    c.sin_mask = sin(mask_rad);
    ln_geodetic g = {q.lat * LN_DEG2RAD, q.lon * LN_DEG2RAD, q.alt_m / 1e3};
    ln_site_prepare(&g, &c.site);

    const char *out = ln_args_get(&a, specs, "output");
    FILE *f = ln_cli_open_out(V, out);
    long bad = -1;
    if (f)
        bad = !isnan(q.at) ? snapshot(&c, o, q.at, svc, f)
                           : passes(&c, o, q.from, q.until, q.step, svc, f);
    if (!f)
        rc = 2;
    else if (bad < 0) {
        if (out)
            ln_cli_discard_out(f);
        rc = 2;
    } else {
        rc = ln_cli_close_out(V, f, out);
        if (!rc && bad > 0) {
            fprintf(stderr, "leonet visible: %ld propagations failed (those "
                    "objects are left out)\n", bad);
            rc = 1;
        }
    }
    for (size_t i = 0; i < n; i++)
        ln_sgp4_free(sg[i]);
    ln_free(sg);
    ln_free(svc);
    ln_orbit_free(o);
    ln_free(els);
    return rc;
}
