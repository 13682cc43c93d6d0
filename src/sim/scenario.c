/*
 * scenario.c - the scenario reader and validator (docs/scenario.md).
 *
 * The whole document is checked before anything runs: types, ranges,
 * references between sections (accounts -> plans, groups -> accounts),
 * unknown members (a typo is an error, not a silent default). Each error
 * names the member path and, via ln_json_locate, its line and column.
 * Data files are resolved here (ln_data_path) but read by the engine.
 */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "leonet/geofence.h"
#include "leonet/policy.h"
#include "leonet/sim.h"

#ifndef LN_DATA_DIR
#define LN_DATA_DIR "data"
#endif

typedef struct ctx {
    const char *text;
    size_t len;
    const char *file;
    ln_diag *diag;
    const char *data_dir; /* ln_scenario_options.data_dir, or NULL */
} ctx;

static int err(const ctx *c, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int err(const ctx *c, const char *path, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    long line = 0, col = 0;
    if (c->text)
        ln_json_locate(c->text, c->len, path, &line, &col);
    ln_diag_set(c->diag, LN_ESCENARIO, c->file, line, col, path, "%s", msg);
    return LN_ESCENARIO;
}

static void join(char *out, size_t n, const char *base, const char *key)
{
    if (!base || !*base)
        snprintf(out, n, "%s", key);
    else
        snprintf(out, n, "%s.%s", base, key);
}

static void join_idx(char *out, size_t n, const char *base, size_t i)
{
    snprintf(out, n, "%s[%zu]", base, i);
}

/* Refuses members not in the NULL-terminated list. */
static int check_keys(const ctx *c, json_t *o, const char *path,
                      const char *const *allowed)
{
    const char *k;
    json_t *v;
    json_object_foreach(o, k, v) {
        int ok = 0;
        for (const char *const *a = allowed; *a; a++)
            if (strcmp(*a, k) == 0)
                ok = 1;
        if (!ok) {
            char p[512];
            join(p, sizeof p, path, k);
            char list[400] = "";
            size_t used = 0;
            for (const char *const *a = allowed; *a; a++) {
                int w = snprintf(list + used, sizeof list - used, "%s%s",
                                 used ? ", " : "", *a);
                if (w < 0 || (size_t)w >= sizeof list - used)
                    break;
                used += (size_t)w;
            }
            return err(c, p, "unknown member '%s' (allowed: %s)", k, list);
        }
    }
    (void)v;
    return 0;
}

/* Member `key` of o that must be a container of type `type` (JSON_OBJECT
 * or JSON_ARRAY); absent or null gives *out = NULL (an error if
 * required). */
static int get_container(const ctx *c, json_t *o, const char *key,
                         const char *path, int required, json_type type,
                         json_t **out)
{
    char p[512];
    join(p, sizeof p, path, key);
    json_t *v = json_object_get(o, key);
    *out = NULL;
    if (!v || json_is_null(v)) {
        if (required)
            return err(c, path && *path ? path : "$",
                       "missing member '%s'", key);
        return 0;
    }
    if (json_typeof(v) != type)
        return err(c, p, "expected %s",
                   type == JSON_OBJECT ? "an object" : "an array");
    *out = v;
    return 0;
}

static int get_obj(const ctx *c, json_t *o, const char *key, const char *path,
                   int required, json_t **out)
{
    return get_container(c, o, key, path, required, JSON_OBJECT, out);
}

static int get_arr(const ctx *c, json_t *o, const char *key, const char *path,
                   int required, json_t **out)
{
    return get_container(c, o, key, path, required, JSON_ARRAY, out);
}

static int get_num(const ctx *c, json_t *o, const char *key, const char *path,
                   int required, double def, double lo, double hi,
                   double *out)
{
    char p[512];
    join(p, sizeof p, path, key);
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v)) {
        if (required)
            return err(c, path && *path ? path : "$",
                       "missing member '%s'", key);
        *out = def;
        return 0;
    }
    if (!json_is_number(v))
        return err(c, p, "expected a number");
    double x = json_number_value(v);
    if (!(x >= lo && x <= hi))
        return err(c, p, "%g is out of range [%g, %g]", x, lo, hi);
    *out = x;
    return 0;
}

/* get_num for a member that is a whole number (a count, an H3
 * resolution, a seed): 1.5 is refused, not truncated. */
static int get_int(const ctx *c, json_t *o, const char *key, const char *path,
                   int required, double def, double lo, double hi,
                   double *out)
{
    int rc = get_num(c, o, key, path, required, def, lo, hi, out);
    if (!rc && *out != floor(*out)) {
        char p[512];
        join(p, sizeof p, path, key);
        return err(c, p, "%g is not a whole number", *out);
    }
    return rc;
}

static int get_str(const ctx *c, json_t *o, const char *key, const char *path,
                   int required, const char *def, char *out, size_t n)
{
    char p[512];
    join(p, sizeof p, path, key);
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v)) {
        if (required)
            return err(c, path && *path ? path : "$",
                       "missing member '%s'", key);
        snprintf(out, n, "%s", def ? def : "");
        return 0;
    }
    if (!json_is_string(v))
        return err(c, p, "expected a string");
    if (required && json_string_length(v) == 0)
        return err(c, p, "is empty (a required name or id)");
    if (json_string_length(v) >= n)
        return err(c, p, "longer than %zu characters", n - 1);
    snprintf(out, n, "%s", json_string_value(v));
    return 0;
}

static int get_time(const ctx *c, json_t *o, const char *key,
                    const char *path, int required, double def, double *out)
{
    char buf[64], p[512];
    join(p, sizeof p, path, key);
    int rc = get_str(c, o, key, path, required, NULL, buf, sizeof buf);
    if (rc)
        return rc;
    if (!buf[0]) {
        *out = def;
        return 0;
    }
    if (ln_time_parse_iso(buf, out))
        return err(c, p, "'%s' is not an ISO 8601 UTC time "
                   "(e.g. 2022-10-09T00:00:00Z)", buf);
    return 0;
}

static int get_bool(const ctx *c, json_t *o, const char *key,
                    const char *path, int def, int *out)
{
    char p[512];
    join(p, sizeof p, path, key);
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v)) {
        *out = def;
        return 0;
    }
    if (!json_is_boolean(v))
        return err(c, p, "expected true or false");
    *out = json_is_true(v);
    return 0;
}

static int file_exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

void ln_data_path(const char *name, const char *base, const char *data_dir,
                  char *out, size_t n)
{
    char cand[LN_PATH_MAX * 2];
    if (name[0] == '/') {
        snprintf(out, n, "%s", name);
        return;
    }
    if (base && *base && strcmp(base, "built-in") != 0) {
        const char *slash = strrchr(base, '/');
        int dl = slash ? (int)(slash - base) : 1;
        snprintf(cand, sizeof cand, "%.*s/%s", dl, slash ? base : ".", name);
        if (file_exists(cand)) {
            snprintf(out, n, "%s", cand);
            return;
        }
    }
    if (data_dir && *data_dir) {
        snprintf(cand, sizeof cand, "%s/%s", data_dir, name);
        if (file_exists(cand)) {
            snprintf(out, n, "%s", cand);
            return;
        }
    }
    snprintf(cand, sizeof cand, "%s/%s", LN_DATA_DIR, name);
    if (file_exists(cand)) {
        snprintf(out, n, "%s", cand);
        return;
    }
    snprintf(out, n, "%s", name);
}

static int get_file(const ctx *c, json_t *o, const char *key,
                    const char *path, int required, char *out, size_t n)
{
    char name[LN_PATH_MAX], p[512];
    join(p, sizeof p, path, key);
    int rc = get_str(c, o, key, path, required, "", name, sizeof name);
    if (rc)
        return rc;
    if (!name[0]) {
        out[0] = '\0';
        return 0;
    }
    ln_data_path(name, c->file, c->data_dir, out, n);
    if (!file_exists(out))
        return err(c, p, "file '%s' not found (looked next to the scenario, "
                   "in $LEONET_DATA and in %s)", name, LN_DATA_DIR);
    return 0;
}

/* ---- sections ---------------------------------------------------------- */

static int parse_constellation(const ctx *c, json_t *root, ln_scenario *s)
{
    static const char *const keys[] = {"tle", "omm", "preset", "shells",
                                       "name_prefix", "min_alt_km", "epoch",
                                       "in_service", NULL};
    json_t *o, *sh;
    const char *P = "constellation";
    char insvc[16];
    int rc;
    if ((rc = get_obj(c, root, "constellation", "", 1, &o)) ||
        (rc = check_keys(c, o, P, keys)) ||
        (rc = get_file(c, o, "tle", P, 0, s->tle, sizeof s->tle)) ||
        (rc = get_file(c, o, "omm", P, 0, s->omm, sizeof s->omm)) ||
        (rc = get_str(c, o, "preset", P, 0, "", s->preset,
                      sizeof s->preset)) ||
        (rc = get_arr(c, o, "shells", P, 0, &sh)) ||
        (rc = get_str(c, o, "name_prefix", P, 0, "", s->name_prefix,
                      sizeof s->name_prefix)) ||
        (rc = get_str(c, o, "in_service", P, 0, "rule", insvc,
                      sizeof insvc)))
        return rc;
    /* issue 12: one in-service rule (docs/scenario.md) replaced the
     * altitude floor */
    if (json_object_get(o, "min_alt_km"))
        return err(c, "constellation.min_alt_km", "no longer used: "
                   "satellites in service follow constellation.in_service, "
                   "\"rule\" (shell and altitude band, docs/scenario.md "
                   "\"Satellites in service\") or \"all\"; remove it");
    if (strcmp(insvc, "rule") != 0 && strcmp(insvc, "all") != 0)
        return err(c, "constellation.in_service", "expected \"rule\" or "
                   "\"all\", got '%s'", insvc);
    s->all_objects = strcmp(insvc, "all") == 0;
    int k = (s->tle[0] != 0) + (s->omm[0] != 0) + (s->preset[0] != 0) +
            (sh != NULL);
    if (k != 1)
        return err(c, P, "give exactly one of tle, omm, preset, shells");
    if (s->preset[0] && strcmp(s->preset, "gen1") != 0)
        return err(c, "constellation.preset", "unknown preset '%s' (built "
                   "in: gen1)", s->preset);
    if (sh) {
        size_t n = json_array_size(sh);
        if (n == 0 || n > 1000)
            return err(c, "constellation.shells", "1 to 1000 shells");
        s->shells = ln_calloc(n, sizeof *s->shells);
        if (!s->shells)
            return LN_ENOMEM;
        s->nshells = n;
        double nsat = 0;
        for (size_t i = 0; i < n; i++) {
            static const char *const sk[] = {"alt_km", "incl_deg", "planes",
                                             "per_plane", "phasing",
                                             "raan0_deg", NULL};
            char p[128];
            join_idx(p, sizeof p, "constellation.shells", i);
            json_t *e = json_array_get(sh, i);
            double alt, inc, pl, pp, ph, r0;
            if (!json_is_object(e))
                return err(c, p, "expected an object");
            if ((rc = check_keys(c, e, p, sk)) ||
                (rc = get_num(c, e, "alt_km", p, 1, 0, 150, 50000, &alt)) ||
                (rc = get_num(c, e, "incl_deg", p, 1, 0, 0, 180, &inc)) ||
                (rc = get_int(c, e, "planes", p, 1, 0, 1, 1000, &pl)) ||
                (rc = get_int(c, e, "per_plane", p, 1, 0, 1, 1000, &pp)) ||
                (rc = get_int(c, e, "phasing", p, 0, 0, 0, 1000, &ph)) ||
                (rc = get_num(c, e, "raan0_deg", p, 0, 0, 0, 360, &r0)))
                return rc;
            if (ph >= pl)
                return err(c, p, "phasing must be below planes");
            nsat += pl * pp;
            if (nsat > LN_SIM_MAX_SATELLITES)
                return err(c, p, "%.0f satellites in all, more than %.0f",
                           nsat, LN_SIM_MAX_SATELLITES);
            s->shells[i] = (ln_shell){alt, inc * LN_DEG2RAD, (int)pl,
                                      (int)pp, (int)ph, r0 * LN_DEG2RAD};
        }
    }
    return 0;
}

static int parse_link(const ctx *c, json_t *root, ln_scenario *s)
{
    static const char *const keys[] = {
        "elevation_mask_deg", "gateway_mask_deg", "sat_capacity_gbps",
        "beam_capacity_gbps", "beams_per_sat", "beam_res", "isl",
        "scheduler", "slot_s", NULL};
    json_t *o;
    const char *P = "link";
    double m, g, sc, bc, bp, br, slot;
    char sched[16];
    int rc;
    if ((rc = get_obj(c, root, "link", "", 0, &o)))
        return rc;
    json_t *empty = NULL;
    if (!o)
        o = empty = json_object();
    rc = check_keys(c, o, P, keys);
    if (!rc)
        rc = get_num(c, o, "elevation_mask_deg", P, 0, 25, 0, 89, &m);
    if (!rc)
        rc = get_num(c, o, "gateway_mask_deg", P, 0, 25, 0, 89, &g);
    if (!rc)
        rc = get_num(c, o, "sat_capacity_gbps", P, 0, 20, 0.001, 1e4, &sc);
    if (!rc)
        rc = get_num(c, o, "beam_capacity_gbps", P, 0, 2, 0.001, 1e4, &bc);
    if (!rc)
        rc = get_int(c, o, "beams_per_sat", P, 0, 16, 1, 10000, &bp);
    if (!rc)
        rc = get_int(c, o, "beam_res", P, 0, 5, 0, 15, &br);
    if (!rc)
        rc = get_bool(c, o, "isl", P, 0, &s->isl);
    if (!rc)
        rc = get_str(c, o, "scheduler", P, 0, "sticky", sched, sizeof sched);
    if (!rc && strcmp(sched, "sticky") && strcmp(sched, "slot"))
        rc = err(c, "link.scheduler", "'%s' is not a scheduler (allowed: "
                 "sticky, slot)", sched);
    if (!rc)
        rc = get_num(c, o, "slot_s", P, 0, 15, 0.01, 86400, &slot);
    if (!rc && strcmp(sched, "slot") && json_object_get(o, "slot_s"))
        rc = err(c, "link.slot_s", "is used only with link.scheduler "
                 "\"slot\" (this scenario's is \"%s\")", sched);
    if (!rc && strcmp(sched, "slot") == 0) {
        /* whole steps per slot, to a part in 1e9 */
        double q = slot / s->step_s;
        if (q < 1 - 1e-9 || fabs(q - floor(q + 0.5)) > 1e-9 * q)
            rc = err(c, "link.slot_s", "%g s is not a multiple of step_s "
                     "(%g s)", slot, s->step_s);
    }
    json_decref(empty);
    if (rc)
        return rc;
    s->mask_rad = m * LN_DEG2RAD;
    s->gw_mask_rad = g * LN_DEG2RAD;
    s->sat_capacity_mbps = sc * 1000.0;
    s->beam_capacity_mbps = bc * 1000.0;
    s->beams_per_sat = (int)bp;
    s->beam_res = (int)br;
    s->scheduler = strcmp(sched, "slot") == 0 ? LN_SCHED_SLOT
                                               : LN_SCHED_STICKY;
    s->slot_s = slot;
    return 0;
}

/* Gateways: at most this many (the engine keeps a gateway's index in 16
 * bits, per satellite). */
#define GW_MAX 32767

typedef struct gw_rd {
    const char *file;
    int antennas;
    ln_sc_gateway *g;
    size_t n, cap;
    int ci_name, ci_lat, ci_lon;
    ln_diag *diag;
} gw_rd;

/* One CSV record of a gateway file: the header, or a gateway. */
static int gateway_row(void *user, char **cols, size_t nc, long line)
{
    gw_rd *r = user;
    char why[160];
    if (r->ci_name < 0) {
        const char *dup = ln_csv_col_dup(cols, nc);
        if (dup)
            return ln_diag_set(r->diag, LN_ESCENARIO, r->file, line, 0, NULL,
                               "the header names the column '%s' twice",
                               dup);
        r->ci_name = ln_csv_col(cols, nc, "name");
        r->ci_lat = ln_csv_col(cols, nc, "lat");
        r->ci_lon = ln_csv_col(cols, nc, "lon");
        if (r->ci_name < 0 || r->ci_lat < 0 || r->ci_lon < 0)
            return ln_diag_set(r->diag, LN_ESCENARIO, r->file, line, 0, NULL,
                               "header must name name, lat, lon");
        return 0;
    }
    if ((int)nc <= r->ci_name || (int)nc <= r->ci_lat ||
        (int)nc <= r->ci_lon)
        return ln_diag_set(r->diag, LN_ESCENARIO, r->file, line, 0, NULL,
                           "%zu fields, the header has more", nc);
    const char *name = cols[r->ci_name];
    double lat, lon;
    if (!name[0] || strlen(name) >= LN_NAME_MAX)
        return ln_diag_set(r->diag, LN_ESCENARIO, r->file, line, 0, "name",
                           "a gateway name has 1 to %d characters",
                           LN_NAME_MAX - 1);
    if (ln_csv_number(cols[r->ci_lat], -90, 90, &lat, why, sizeof why))
        return ln_diag_set(r->diag, LN_ESCENARIO, r->file, line, 0, "lat",
                           "%s", why);
    if (ln_csv_number(cols[r->ci_lon], -180, 180, &lon, why, sizeof why))
        return ln_diag_set(r->diag, LN_ESCENARIO, r->file, line, 0, "lon",
                           "%s", why);
    if (r->n == GW_MAX)
        return ln_diag_set(r->diag, LN_ESCENARIO, r->file, line, 0, NULL,
                           "more than %d gateways", GW_MAX);
    if (ln_grow((void **)&r->g, &r->cap, r->n + 1, sizeof *r->g))
        return LN_ENOMEM;
    ln_sc_gateway *g = &r->g[r->n++];
    memset(g, 0, sizeof *g);
    snprintf(g->name, sizeof g->name, "%s", name);
    g->lat_rad = lat * LN_DEG2RAD;
    g->lon_rad = lon * LN_DEG2RAD;
    g->antennas = r->antennas;
    return 0;
}

int ln_scenario_gateways_parse(const char *text, size_t len,
                               const char *file, int antennas,
                               ln_sc_gateway **out, size_t *n,
                               ln_diag *diag)
{
    gw_rd r = {file, antennas, NULL, 0, 0, -1, -1, -1, diag};
    *out = NULL;
    *n = 0;
    int rc = ln_csv_parse(text, len, file, gateway_row, &r, diag);
    if (!rc && r.ci_name < 0)
        rc = ln_diag_set(diag, LN_ESCENARIO, file, 1, 0, NULL,
                         "empty file (header name, lat, lon)");
    if (rc == LN_EPARSE)
        rc = LN_ESCENARIO;
    if (rc == LN_ENOMEM)
        ln_diag_set(diag, LN_ENOMEM, file, 0, 0, NULL, "out of memory");
    if (rc) {
        ln_free(r.g);
        return rc;
    }
    *out = r.g;
    *n = r.n;
    return 0;
}

/* Gateways from a CSV with a header naming name, lat, lon; every row is
 * checked, then `include` (if any) keeps the named ones. */
static int gateways_csv(const ctx *c, const char *path, const char *file,
                        json_t *include, int antennas, ln_scenario *s)
{
    char *buf;
    size_t len;
    ln_diag *d = c->diag;
    int rc = ln_read_file(file, 1 << 20, &buf, &len, d);
    if (rc)
        return rc == LN_ENOMEM ? rc : LN_ESCENARIO;
    ln_sc_gateway *g;
    size_t n;
    rc = ln_scenario_gateways_parse(buf, len, file, antennas, &g, &n, d);
    ln_free(buf);
    if (rc)
        return rc;
    s->gateways = g;
    s->ngateways = n;
    if (!include)
        return 0;
    size_t keep = 0;
    for (size_t k = 0; k < n; k++) {
        size_t i;
        json_t *v;
        int want = 0;
        json_array_foreach(include, i, v) {
            if (json_is_string(v) && strcmp(json_string_value(v),
                                            g[k].name) == 0)
                want = 1;
        }
        if (want)
            g[keep++] = g[k];
    }
    s->ngateways = keep;
    /* every listed name must exist */
    size_t i;
    json_t *v;
    json_array_foreach(include, i, v) {
        char p[512];
        join(p, sizeof p, path, "include");
        char pi[540];
        join_idx(pi, sizeof pi, p, i);
        if (!json_is_string(v))
            return err(c, pi, "expected a gateway name");
        int found = 0;
        for (size_t k = 0; k < s->ngateways; k++)
            if (strcmp(s->gateways[k].name, json_string_value(v)) == 0)
                found = 1;
        if (!found)
            return err(c, pi, "no gateway named '%s' in %s",
                       json_string_value(v), file);
    }
    return 0;
}

static int parse_gateways(const ctx *c, json_t *root, ln_scenario *s)
{
    json_t *g = json_object_get(root, "gateways");
    int rc;
    if (!g)
        return err(c, "$", "missing member 'gateways'");
    if (json_is_object(g)) {
        static const char *const keys[] = {"file", "include", "antennas",
                                           NULL};
        char file[LN_PATH_MAX];
        json_t *inc;
        double ant;
        if ((rc = check_keys(c, g, "gateways", keys)) ||
            (rc = get_file(c, g, "file", "gateways", 1, file, sizeof file)) ||
            (rc = get_arr(c, g, "include", "gateways", 0, &inc)) ||
            (rc = get_int(c, g, "antennas", "gateways", 0, 8, 1, 10000,
                          &ant)))
            return rc;
        rc = gateways_csv(c, "gateways", file, inc, (int)ant, s);
        if (rc)
            return rc;
    } else if (json_is_array(g)) {
        size_t n = json_array_size(g);
        if (n > GW_MAX)
            return err(c, "gateways", "more than %d gateways", GW_MAX);
        s->gateways = ln_calloc(n ? n : 1, sizeof *s->gateways);
        if (!s->gateways)
            return LN_ENOMEM;
        for (size_t i = 0; i < n; i++) {
            static const char *const keys[] = {"name", "lat", "lon",
                                               "antennas", NULL};
            char p[64];
            join_idx(p, sizeof p, "gateways", i);
            json_t *e = json_array_get(g, i);
            ln_sc_gateway *gw = &s->gateways[i];
            double lat, lon, ant;
            if (!json_is_object(e))
                return err(c, p, "expected an object");
            if ((rc = check_keys(c, e, p, keys)) ||
                (rc = get_str(c, e, "name", p, 1, NULL, gw->name,
                              sizeof gw->name)) ||
                (rc = get_num(c, e, "lat", p, 1, 0, -90, 90, &lat)) ||
                (rc = get_num(c, e, "lon", p, 1, 0, -180, 180, &lon)) ||
                (rc = get_int(c, e, "antennas", p, 0, 8, 1, 10000, &ant)))
                return rc;
            gw->lat_rad = lat * LN_DEG2RAD;
            gw->lon_rad = lon * LN_DEG2RAD;
            gw->antennas = (int)ant;
            s->ngateways++;
        }
    } else {
        return err(c, "gateways", "expected an array of gateways or an "
                   "object {file, include, antennas}");
    }
    if (s->ngateways == 0)
        return err(c, "gateways", "no gateways");
    return 0;
}

static int parse_action(const ctx *c, json_t *o, const char *key,
                        const char *path, const char *def, int *out)
{
    char a[16], p[512];
    join(p, sizeof p, path, key);
    int rc = get_str(c, o, key, path, 0, def, a, sizeof a);
    if (rc)
        return rc;
    if (strcmp(a, "deny") == 0)
        *out = LN_ZONE_DENY;
    else if (strcmp(a, "allow") == 0)
        *out = LN_ZONE_ALLOW;
    else
        return err(c, p, "'%s': expected \"deny\" or \"allow\"", a);
    return 0;
}

static int parse_zones(const ctx *c, json_t *root, ln_scenario *s)
{
    json_t *z;
    int rc;
    if ((rc = get_arr(c, root, "zones", "", 0, &z)) ||
        (rc = parse_action(c, root, "default_action", "", "allow",
                           &s->default_action)))
        return rc;
    size_t n = z ? json_array_size(z) : 0;
    s->zones = ln_calloc(n ? n : 1, sizeof *s->zones);
    if (!s->zones)
        return LN_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        static const char *const keys[] = {"file", "cells", "id", "name",
                                           "action", "priority",
                                           "valid_from", "valid_until",
                                           NULL};
        char p[64];
        join_idx(p, sizeof p, "zones", i);
        json_t *e = json_array_get(z, i);
        ln_sc_zone *zn = &s->zones[i];
        char cells[LN_PATH_MAX];
        double pr;
        if (!json_is_object(e))
            return err(c, p, "expected an object");
        if ((rc = check_keys(c, e, p, keys)) ||
            (rc = get_file(c, e, "file", p, 0, zn->file, sizeof zn->file)) ||
            (rc = get_file(c, e, "cells", p, 0, cells, sizeof cells)) ||
            (rc = get_str(c, e, "id", p, 0, "", zn->id, sizeof zn->id)) ||
            (rc = get_str(c, e, "name", p, 0, "", zn->name,
                          sizeof zn->name)) ||
            (rc = parse_action(c, e, "action", p, "deny", &zn->action)) ||
            (rc = get_num(c, e, "priority", p, 0, 0, -1e6, 1e6, &pr)) ||
            (rc = get_time(c, e, "valid_from", p, 0, -INFINITY,
                           &zn->valid_from)) ||
            (rc = get_time(c, e, "valid_until", p, 0, INFINITY,
                           &zn->valid_until)))
            return rc;
        if ((zn->file[0] != 0) == (cells[0] != 0))
            return err(c, p, "give exactly one of file (GeoJSON) and cells "
                       "(H3 cell ids, one per line)");
        if (cells[0]) {
            snprintf(zn->file, sizeof zn->file, "%s", cells);
            zn->is_cells = 1;
            if (!zn->id[0])
                return err(c, p, "a cell-list zone needs an id");
        }
        for (size_t k = 0; k < i && zn->id[0]; k++)
            if (strcmp(s->zones[k].id, zn->id) == 0) {
                char pi[80];
                join(pi, sizeof pi, p, "id");
                return err(c, pi, "zone id '%s' is also the id of "
                           "zones[%zu] (ids must be unique)", zn->id, k);
            }
        if (pr != floor(pr))
            return err(c, p, "priority must be an integer");
        zn->priority = (int)pr;
        if (zn->valid_until <= zn->valid_from)
            return err(c, p, "valid_until must be after valid_from");
        s->nzones++;
    }
    return 0;
}

static int parse_plans_accounts(const ctx *c, json_t *root, ln_scenario *s)
{
    json_t *pl, *ac;
    int rc;
    if ((rc = get_arr(c, root, "plans", "", 1, &pl)) ||
        (rc = get_arr(c, root, "accounts", "", 1, &ac)))
        return rc;
    size_t np = json_array_size(pl), na = json_array_size(ac);
    if (np == 0)
        return err(c, "plans", "at least one plan");
    if (na == 0)
        return err(c, "accounts", "at least one account");
    s->plans = ln_calloc(np, sizeof *s->plans);
    s->accounts = ln_calloc(na, sizeof *s->accounts);
    if (!s->plans || !s->accounts)
        return LN_ENOMEM;
    for (size_t i = 0; i < np; i++) {
        static const char *const keys[] = {
            "id", "hardware_usd", "amortize_years", "monthly_usd",
            "included_gb", "usd_per_gb", "peak_mbps", "duty", "overage",
            NULL};
        char p[64], ov[16], po[80];
        join_idx(p, sizeof p, "plans", i);
        json_t *e = json_array_get(pl, i);
        ln_plan *q = &s->plans[i];
        if (!json_is_object(e))
            return err(c, p, "expected an object");
        if ((rc = check_keys(c, e, p, keys)) ||
            (rc = get_str(c, e, "id", p, 1, NULL, q->id, sizeof q->id)) ||
            (rc = get_num(c, e, "hardware_usd", p, 1, 0, 0, 1e9,
                          &q->hardware_usd)) ||
            (rc = get_num(c, e, "amortize_years", p, 0, 3, 0.01, 100,
                          &q->amortize_years)) ||
            (rc = get_num(c, e, "monthly_usd", p, 1, 0, 0, 1e9,
                          &q->monthly_usd)) ||
            (rc = get_num(c, e, "included_gb", p, 0, 1e12, 0, 1e12,
                          &q->included_gb)) ||
            (rc = get_num(c, e, "usd_per_gb", p, 0, 0, 0, 1e6,
                          &q->usd_per_gb)) ||
            (rc = get_num(c, e, "peak_mbps", p, 1, 0, 0, 1e6,
                          &q->peak_mbps)) ||
            (rc = get_num(c, e, "duty", p, 0, 0.5, 0, 1, &q->duty)) ||
            (rc = get_str(c, e, "overage", p, 0, "per_terminal", ov,
                          sizeof ov)))
            return rc;
        join(po, sizeof po, p, "overage");
        if (strcmp(ov, "per_terminal") == 0)
            q->overage = LN_OVERAGE_PER_TERMINAL;
        else if (strcmp(ov, "pooled") == 0)
            q->overage = LN_OVERAGE_POOLED;
        else
            return err(c, po, "'%s' is not an overage mode (per_terminal "
                       "or pooled)", ov);
        for (size_t k = 0; k < i; k++)
            if (strcmp(s->plans[k].id, q->id) == 0)
                return err(c, p, "plan id '%s' used twice", q->id);
        s->nplans++;
    }
    for (size_t i = 0; i < na; i++) {
        static const char *const keys[] = {"id", "name", "plan", NULL};
        char p[64], plan[LN_NAME_MAX], pp[80];
        join_idx(p, sizeof p, "accounts", i);
        join(pp, sizeof pp, p, "plan");
        json_t *e = json_array_get(ac, i);
        ln_sc_account *a = &s->accounts[i];
        if (!json_is_object(e))
            return err(c, p, "expected an object");
        if ((rc = check_keys(c, e, p, keys)) ||
            (rc = get_str(c, e, "id", p, 1, NULL, a->id, sizeof a->id)) ||
            (rc = get_str(c, e, "name", p, 0, "", a->name,
                          sizeof a->name)) ||
            (rc = get_str(c, e, "plan", p, 1, NULL, plan, sizeof plan)))
            return rc;
        a->plan = -1;
        for (size_t k = 0; k < np; k++)
            if (strcmp(s->plans[k].id, plan) == 0)
                a->plan = (int)k;
        if (a->plan < 0)
            return err(c, pp, "no plan with id '%s'", plan);
        for (size_t k = 0; k < i; k++)
            if (strcmp(s->accounts[k].id, a->id) == 0)
                return err(c, p, "account id '%s' used twice", a->id);
        s->naccounts++;
    }
    return 0;
}

static int find_account(const ln_scenario *s, const char *id)
{
    for (size_t k = 0; k < s->naccounts; k++)
        if (strcmp(s->accounts[k].id, id) == 0)
            return (int)k;
    return -1;
}

static int parse_track(const ctx *c, json_t *e, const char *p,
                       ln_sc_track *t, double start)
{
    static const char *const keys[] = {"name", "waypoints", NULL};
    json_t *w;
    int rc;
    if (!json_is_object(e))
        return err(c, p, "expected an object");
    if ((rc = check_keys(c, e, p, keys)) ||
        (rc = get_str(c, e, "name", p, 0, "", t->name, sizeof t->name)) ||
        (rc = get_arr(c, e, "waypoints", p, 1, &w)))
        return rc;
    size_t n = json_array_size(w);
    char pw[256];
    join(pw, sizeof pw, p, "waypoints");
    if (n == 0)
        return err(c, pw, "at least one waypoint");
    t->lon_rad = ln_calloc(n, sizeof(double));
    t->lat_rad = ln_calloc(n, sizeof(double));
    t->t_unix_s = ln_calloc(n, sizeof(double));
    if (!t->lon_rad || !t->lat_rad || !t->t_unix_s)
        return LN_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        static const char *const wk[] = {"lat", "lon", "t", "t_s", NULL};
        char q[300];
        join_idx(q, sizeof q, pw, i);
        json_t *x = json_array_get(w, i);
        double lat, lon, ts, tt;
        if (!json_is_object(x))
            return err(c, q, "expected an object {lat, lon, t | t_s}");
        if ((rc = check_keys(c, x, q, wk)) ||
            (rc = get_num(c, x, "lat", q, 1, 0, -90, 90, &lat)) ||
            (rc = get_num(c, x, "lon", q, 1, 0, -180, 180, &lon)) ||
            (rc = get_time(c, x, "t", q, 0, NAN, &tt)) ||
            (rc = get_num(c, x, "t_s", q, 0, NAN, -1e9, 1e9, &ts)))
            return rc;
        if (isnan(tt) == isnan(ts))
            return err(c, q, "give exactly one of t (UTC) and t_s (seconds "
                       "from the start)");
        t->lon_rad[i] = lon * LN_DEG2RAD;
        t->lat_rad[i] = lat * LN_DEG2RAD;
        t->t_unix_s[i] = isnan(tt) ? start + ts : tt;
        if (i && t->t_unix_s[i] < t->t_unix_s[i - 1])
            return err(c, q, "waypoint times must not go backwards");
        t->n++;
    }
    return 0;
}

static int parse_groups(const ctx *c, json_t *root, ln_scenario *s)
{
    json_t *g;
    int rc;
    if ((rc = get_arr(c, root, "terminals", "", 1, &g)))
        return rc;
    size_t n = json_array_size(g);
    if (n == 0 || n > 4096) /* engine.c keeps per-group counts in 4096 */
        return err(c, "terminals", "1 to 4096 terminal groups");
    s->groups = ln_calloc(n, sizeof *s->groups);
    if (!s->groups)
        return LN_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        static const char *const keys[] = {
            "name", "kind", "count", "account", "seed", "region", "exclude",
            "places", "places_sigma_km", "rural_share", "points", "tracks",
            "spread_km", "stagger_s", NULL};
        char p[64], kind[16], acc[LN_NAME_MAX];
        join_idx(p, sizeof p, "terminals", i);
        json_t *e = json_array_get(g, i);
        ln_sc_group *gr = &s->groups[i];
        double cnt, seed;
        if (!json_is_object(e))
            return err(c, p, "expected an object");
        s->ngroups++; /* counted now so that free() sees partial groups */
        if ((rc = check_keys(c, e, p, keys)) ||
            (rc = get_str(c, e, "name", p, 0, "", gr->name,
                          sizeof gr->name)) ||
            (rc = get_str(c, e, "kind", p, 1, NULL, kind, sizeof kind)) ||
            (rc = get_num(c, e, "count", p, 1, 0, 0, LN_SIM_MAX_TERMINALS,
                          &cnt)) ||
            (rc = get_str(c, e, "account", p, 1, NULL, acc, sizeof acc)) ||
            (rc = get_int(c, e, "seed", p, 0, (double)i + 1, 0, 9e15,
                          &seed)))
            return rc;
        char pk[80];
        join(pk, sizeof pk, p, "kind");
        if (strcmp(kind, "fixed") == 0)
            gr->kind = LN_TG_FIXED;
        else if (strcmp(kind, "mobile") == 0)
            gr->kind = LN_TG_MOBILE;
        else
            return err(c, pk, "'%s': expected \"fixed\" or \"mobile\"",
                       kind);
        if (cnt != floor(cnt))
            return err(c, p, "count must be an integer");
        gr->count = (long)cnt;
        s->nterminals_ += cnt;
        if (s->nterminals_ > LN_SIM_MAX_TERMINALS)
            return err(c, p, "%.0f terminals in all, more than the %.0f a "
                       "run can hold", s->nterminals_, LN_SIM_MAX_TERMINALS);
        gr->seed = (uint64_t)seed ^ s->seed;
        gr->account = find_account(s, acc);
        if (gr->account < 0) {
            char pa[80];
            join(pa, sizeof pa, p, "account");
            return err(c, pa, "no account with id '%s'", acc);
        }
        if (gr->kind == LN_TG_FIXED) {
            json_t *pts;
            if ((rc = get_file(c, e, "region", p, 1, gr->region,
                               sizeof gr->region)) ||
                (rc = get_file(c, e, "exclude", p, 0, gr->exclude,
                               sizeof gr->exclude)) ||
                (rc = get_file(c, e, "places", p, 0, gr->places,
                               sizeof gr->places)) ||
                (rc = get_num(c, e, "places_sigma_km", p, 0, 15, 0.01, 1000,
                              &gr->places_sigma_km)) ||
                (rc = get_num(c, e, "rural_share", p, 0, 0.25, 0, 1,
                              &gr->rural_share)) ||
                (rc = get_arr(c, e, "points", p, 0, &pts)))
                return rc;
            if (json_object_get(e, "tracks"))
                return err(c, p, "a fixed group has no tracks");
            size_t np = pts ? json_array_size(pts) : 0;
            gr->points = ln_calloc(np ? np : 1, sizeof *gr->points);
            if (!gr->points)
                return LN_ENOMEM;
            for (size_t k = 0; k < np; k++) {
                static const char *const pk2[] = {"lat", "lon", "weight",
                                                  "sigma_km", "name", NULL};
                char q[128];
                char ppts[80];
                join(ppts, sizeof ppts, p, "points");
                join_idx(q, sizeof q, ppts, k);
                json_t *x = json_array_get(pts, k);
                double lat, lon, w, sg;
                if (!json_is_object(x))
                    return err(c, q, "expected an object");
                if ((rc = check_keys(c, x, q, pk2)) ||
                    (rc = get_num(c, x, "lat", q, 1, 0, -90, 90, &lat)) ||
                    (rc = get_num(c, x, "lon", q, 1, 0, -180, 180, &lon)) ||
                    (rc = get_num(c, x, "weight", q, 1, 0, 0, 1e12, &w)) ||
                    (rc = get_num(c, x, "sigma_km", q, 0, 10, 0.01, 1000,
                                  &sg)))
                    return rc;
                gr->points[k] = (ln_weight_point){lon * LN_DEG2RAD,
                                                  lat * LN_DEG2RAD, w, sg};
                gr->npoints++;
            }
        } else {
            json_t *tr;
            if ((rc = get_arr(c, e, "tracks", p, 1, &tr)) ||
                (rc = get_num(c, e, "spread_km", p, 0, 2, 0, 1000,
                              &gr->spread_km)) ||
                (rc = get_num(c, e, "stagger_s", p, 0, 0, 0, 1e7,
                              &gr->stagger_s)))
                return rc;
            if (json_object_get(e, "region"))
                return err(c, p, "a mobile group has tracks, not a region");
            size_t nt = json_array_size(tr);
            char ptr[80];
            join(ptr, sizeof ptr, p, "tracks");
            if (nt == 0)
                return err(c, ptr, "at least one track");
            gr->tracks = ln_calloc(nt, sizeof *gr->tracks);
            if (!gr->tracks)
                return LN_ENOMEM;
            for (size_t k = 0; k < nt; k++) {
                char q[128];
                join_idx(q, sizeof q, ptr, k);
                gr->ntracks++;
                if ((rc = parse_track(c, json_array_get(tr, k), q,
                                      &gr->tracks[k], s->start)))
                    return rc;
            }
        }
    }
    return 0;
}

static int parse_events(const ctx *c, json_t *root, ln_scenario *s)
{
    json_t *ev;
    int rc;
    if ((rc = get_arr(c, root, "policy_events", "", 0, &ev)))
        return rc;
    size_t n = ev ? json_array_size(ev) : 0;
    s->events = ln_calloc(n ? n : 1, sizeof *s->events);
    if (!s->events)
        return LN_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        static const char *const keys[] = {"at", "account", "action",
                                           "note", NULL};
        static const char *const acts[] = {"suspend", "resume", "kill",
                                           "restore"};
        char p[64], acc[LN_NAME_MAX], act[16];
        join_idx(p, sizeof p, "policy_events", i);
        json_t *e = json_array_get(ev, i);
        ln_sc_policy_event *pe = &s->events[i];
        if (!json_is_object(e))
            return err(c, p, "expected an object");
        if ((rc = check_keys(c, e, p, keys)) ||
            (rc = get_time(c, e, "at", p, 1, 0, &pe->t)) ||
            (rc = get_str(c, e, "account", p, 1, NULL, acc, sizeof acc)) ||
            (rc = get_str(c, e, "action", p, 1, NULL, act, sizeof act)))
            return rc;
        pe->account = strcmp(acc, "*") == 0 ? -1 : find_account(s, acc);
        if (pe->account < 0 && strcmp(acc, "*") != 0) {
            char pa[80];
            join(pa, sizeof pa, p, "account");
            return err(c, pa, "no account with id '%s' (or \"*\")", acc);
        }
        pe->action = -1;
        for (int k = 0; k < 4; k++)
            if (strcmp(act, acts[k]) == 0)
                pe->action = k;
        if (pe->action < 0) {
            char pa[80];
            join(pa, sizeof pa, p, "action");
            return err(c, pa, "'%s': expected suspend, resume, kill or "
                       "restore", act);
        }
        s->nevents++;
    }
    return 0;
}

static int parse_outputs(const ctx *c, json_t *root, ln_scenario *s)
{
    static const char *const keys[] = {"dir", "map_res", "window_s", NULL};
    json_t *o, *cmp;
    double res, win;
    int rc;
    if ((rc = get_obj(c, root, "outputs", "", 0, &o)))
        return rc;
    if (o) {
        if ((rc = check_keys(c, o, "outputs", keys)) ||
            (rc = get_str(c, o, "dir", "outputs", 0, "leonet-out",
                          s->out_dir, sizeof s->out_dir)) ||
            (rc = get_int(c, o, "map_res", "outputs", 0, 5, 0, 15, &res)) ||
            (rc = get_num(c, o, "window_s", "outputs", 0, 900, 1, 1e7, &win)))
            return rc;
    } else {
        snprintf(s->out_dir, sizeof s->out_dir, "leonet-out");
        res = 5;
        win = 900;
    }
    if (win < s->step_s)
        return err(c, "outputs.window_s", "%g s is shorter than step_s "
                   "(%g s)", win, s->step_s);
    if (ceil(s->duration_s / win - 1e-9) > (double)LN_SIM_MAX_WINDOWS)
        return err(c, "outputs.window_s", "%.0f map windows, more than %ld "
                   "(raise window_s)", ceil(s->duration_s / win - 1e-9),
                   LN_SIM_MAX_WINDOWS);
    s->map_res = (int)res;
    s->window_s = win;
    if ((rc = get_obj(c, root, "compare", "", 0, &cmp)))
        return rc;
    s->compare_usd_per_year = 0;
    if (cmp) {
        static const char *const ck[] = {"annual_cost_usd", "source", NULL};
        if ((rc = check_keys(c, cmp, "compare", ck)) ||
            (rc = get_num(c, cmp, "annual_cost_usd", "compare", 0, 0, 0,
                          1e15, &s->compare_usd_per_year)))
            return rc;
    }
    return 0;
}

/* "cost_to_serve": the operator's cost model; absent members keep the
 * built-in defaults (ln_meter_cts_defaults; docs/scenario.md). */
static int parse_cost_to_serve(const ctx *c, json_t *root, ln_scenario *s)
{
    static const char *const keys[] = {
        "sat_build_usd", "launch_usd", "sats_per_launch", "sat_life_years",
        "gw_antenna_capex_usd", "gw_antenna_life_years",
        "gw_antenna_opex_usd_per_year", "terminal_cost_usd", "source",
        NULL};
    ln_cts_model *m = &s->cts;
    ln_meter_cts_defaults(m);
    json_t *o;
    int rc;
    const char *p = "cost_to_serve";
    if ((rc = get_obj(c, root, p, "", 0, &o)) || !o)
        return rc;
    if ((rc = check_keys(c, o, p, keys)) ||
        (rc = get_num(c, o, "sat_build_usd", p, 0, m->sat_build_usd, 0, 1e10,
                      &m->sat_build_usd)) ||
        (rc = get_num(c, o, "launch_usd", p, 0, m->launch_usd, 0, 1e11,
                      &m->launch_usd)) ||
        (rc = get_num(c, o, "sats_per_launch", p, 0, m->sats_per_launch, 1,
                      1e4, &m->sats_per_launch)) ||
        (rc = get_num(c, o, "sat_life_years", p, 0, m->sat_life_years, 0.1,
                      100, &m->sat_life_years)) ||
        (rc = get_num(c, o, "gw_antenna_capex_usd", p, 0,
                      m->gw_antenna_capex_usd, 0, 1e10,
                      &m->gw_antenna_capex_usd)) ||
        (rc = get_num(c, o, "gw_antenna_life_years", p, 0,
                      m->gw_antenna_life_years, 0.1, 100,
                      &m->gw_antenna_life_years)) ||
        (rc = get_num(c, o, "gw_antenna_opex_usd_per_year", p, 0,
                      m->gw_antenna_opex_usd_per_year, 0, 1e10,
                      &m->gw_antenna_opex_usd_per_year)) ||
        (rc = get_num(c, o, "terminal_cost_usd", p, 0, m->terminal_cost_usd,
                      0, 1e9, &m->terminal_cost_usd)))
        return rc;
    /* where each figure comes from: text, or an object of texts by
     * member (documentation only) */
    json_t *src = json_object_get(o, "source");
    if (src && json_is_object(src)) {
        const char *k;
        json_t *v;
        json_object_foreach(src, k, v) {
            char pk[512];
            join(pk, sizeof pk, "cost_to_serve.source", k);
            if (!json_is_string(v))
                return err(c, pk, "expected a string");
        }
    } else if (src && !json_is_string(src) && !json_is_null(src))
        return err(c, "cost_to_serve.source", "expected a string or an "
                   "object of strings");
    return 0;
}

int ln_scenario_parse_opt(const char *text, size_t len, const char *file,
                          const ln_scenario_options *opt, ln_scenario **out,
                          ln_diag *diag)
{
    if (text && ln_text_bom(text, len)) {
        text += 3;
        len -= 3;
    }
    ctx c = {text, len, file ? file : "built-in", diag,
             opt ? opt->data_dir : NULL};
    json_error_t je;
    *out = NULL;
    long nl, nc;
    if (ln_text_nul(text, len, &nl, &nc))
        return ln_diag_set(diag, LN_ESCENARIO, c.file, nl, nc, NULL,
                           "a NUL byte: a scenario is JSON text");
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (!root)
        return ln_diag_set(diag, LN_ESCENARIO, c.file, je.line, je.column,
                           NULL, "invalid JSON: %s", je.text);
    if (!json_is_object(root)) {
        json_decref(root);
        return err(&c, "$", "a scenario is a JSON object");
    }
    ln_scenario *s = ln_calloc(1, sizeof *s);
    if (!s) {
        json_decref(root);
        return LN_ENOMEM;
    }
    static const char *const keys[] = {
        "name", "description", "start", "duration_s", "step_s", "seed",
        "constellation", "link", "gateways", "zones", "default_action",
        "plans", "accounts", "terminals", "policy_events", "outputs",
        "compare", "$schema", "cost_to_serve", NULL};
    double seed;
    snprintf(s->source, sizeof s->source, "%s", c.file);
    int rc = check_keys(&c, root, "", keys);
    if (!rc)
        rc = get_str(&c, root, "name", "", 1, NULL, s->name, sizeof s->name);
    if (!rc)
        rc = get_str(&c, root, "description", "", 0, "", s->description,
                     sizeof s->description);
    if (!rc)
        rc = get_time(&c, root, "start", "", 1, 0, &s->start);
    if (!rc)
        rc = get_num(&c, root, "duration_s", "", 1, 0, 1, 366 * 86400.0,
                     &s->duration_s);
    if (!rc)
        rc = get_num(&c, root, "step_s", "", 0, 15, 0.01, 86400, &s->step_s);
    if (!rc)
        rc = get_int(&c, root, "seed", "", 0, 1, 0, 9e15, &seed);
    if (!rc) {
        s->seed = (uint64_t)seed;
        if (s->step_s > s->duration_s)
            rc = err(&c, "step_s", "%g s is longer than duration_s (%g s): "
                     "the run would be a single step", s->step_s,
                     s->duration_s);
        else if (s->duration_s / s->step_s > (double)LN_SIM_MAX_STEPS)
            rc = err(&c, "step_s", "%.0f steps, more than %ld (raise step_s "
                     "or shorten duration_s)", s->duration_s / s->step_s,
                     LN_SIM_MAX_STEPS);
    }
    if (!rc)
        rc = parse_constellation(&c, root, s);
    if (!rc)
        rc = parse_link(&c, root, s);
    if (!rc)
        rc = parse_gateways(&c, root, s);
    if (!rc)
        rc = parse_zones(&c, root, s);
    if (!rc)
        rc = parse_plans_accounts(&c, root, s);
    if (!rc)
        rc = parse_groups(&c, root, s);
    if (!rc)
        rc = parse_events(&c, root, s);
    if (!rc)
        rc = parse_outputs(&c, root, s);
    if (!rc)
        rc = parse_cost_to_serve(&c, root, s);
    json_decref(root);
    if (rc) {
        if (rc == LN_ENOMEM)
            ln_diag_set(diag, LN_ENOMEM, c.file, 0, 0, NULL,
                        "out of memory");
        ln_scenario_free(s);
        return rc;
    }
    *out = s;
    return LN_OK;
}

int ln_scenario_parse(const char *text, size_t len, const char *file,
                      ln_scenario **out, ln_diag *diag)
{
    return ln_scenario_parse_opt(text, len, file, NULL, out, diag);
}

int ln_scenario_load_opt(const char *path, const ln_scenario_options *opt,
                         ln_scenario **out, ln_diag *diag)
{
    char *buf;
    size_t len;
    *out = NULL;
    int rc = ln_read_file(path, 64u << 20, &buf, &len, diag);
    if (rc)
        return rc;
    rc = ln_scenario_parse_opt(buf, len, path, opt, out, diag);
    ln_free(buf);
    return rc;
}

int ln_scenario_load(const char *path, ln_scenario **out, ln_diag *diag)
{
    return ln_scenario_load_opt(path, NULL, out, diag);
}

void ln_scenario_free(ln_scenario *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->ngroups; i++) {
        ln_sc_group *g = &s->groups[i];
        ln_free(g->points);
        for (size_t k = 0; k < g->ntracks; k++) {
            ln_free(g->tracks[k].lon_rad);
            ln_free(g->tracks[k].lat_rad);
            ln_free(g->tracks[k].t_unix_s);
        }
        ln_free(g->tracks);
    }
    ln_free(s->groups);
    ln_free(s->shells);
    ln_free(s->gateways);
    ln_free(s->zones);
    ln_free(s->plans);
    ln_free(s->accounts);
    ln_free(s->events);
    ln_free(s);
}
