/*
 * scenario.c - the scenario reader and validator (docs/scenario.md): the
 * document and its sections.
 *
 * The whole document is checked before anything runs: types, ranges,
 * references between sections (accounts -> plans, groups -> accounts),
 * unknown members (a typo is an error, not a silent default). Each error
 * names the member path and, via ln_json_locate, its line and column.
 * Data files are resolved here (ln_data_path) but read by the engine.
 * The member readers are in scenario_json.c, the terminal groups and
 * policy events in scenario_groups.c (scenario_int.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "leonet/geofence.h"
#include "leonet/policy.h"
#include "leonet/sim.h"
#include "sim/scenario_int.h"
#include "sim/sim_trust.h"

/* ---- sections ---------------------------------------------------------- */

static int parse_constellation(const ln__sim_doc *c, json_t *root,
                               ln_scenario *s)
{
    static const char *const keys[] = {"tle", "omm", "preset", "shells",
                                       "name_prefix", "min_alt_km", "epoch",
                                       "in_service", NULL};
    json_t *o, *sh;
    const char *P = "constellation";
    char insvc[16];
    int rc;
    if ((rc = ln__sim_obj(c, root, "constellation", "", 1, &o)) ||
        (rc = ln__sim_keys(c, o, P, keys)) ||
        (rc = ln__sim_file(c, o, "tle", P, 0, s->tle, sizeof s->tle)) ||
        (rc = ln__sim_file(c, o, "omm", P, 0, s->omm, sizeof s->omm)) ||
        (rc = ln__sim_str(c, o, "preset", P, 0, "", s->preset,
                          sizeof s->preset)) ||
        (rc = ln__sim_arr(c, o, "shells", P, 0, &sh)) ||
        (rc = ln__sim_str(c, o, "name_prefix", P, 0, "", s->name_prefix,
                          sizeof s->name_prefix)) ||
        (rc = ln__sim_str(c, o, "in_service", P, 0, "rule", insvc,
                          sizeof insvc)))
        return rc;
    /* issue 12: one in-service rule (docs/scenario.md) replaced the
     * altitude floor */
    if (json_object_get(o, "min_alt_km"))
        return ln__sim_err(
            c, "constellation.min_alt_km",
            "no longer used: "
            "satellites in service follow constellation.in_service, "
            "\"rule\" (shell and altitude band, docs/scenario.md "
            "\"Satellites in service\") or \"all\"; remove it");
    if (strcmp(insvc, "rule") != 0 && strcmp(insvc, "all") != 0)
        return ln__sim_err(c, "constellation.in_service",
                           "expected \"rule\" or "
                           "\"all\", got '%s'",
                           insvc);
    s->all_objects = strcmp(insvc, "all") == 0;
    int k = (s->tle[0] != 0) + (s->omm[0] != 0) + (s->preset[0] != 0) +
            (sh != NULL);
    if (k != 1)
        return ln__sim_err(c, P,
                           "give exactly one of tle, omm, preset, shells");
    if (s->preset[0] && strcmp(s->preset, "gen1") != 0)
        return ln__sim_err(c, "constellation.preset",
                           "unknown preset '%s' (built "
                           "in: gen1)",
                           s->preset);
    if (sh) {
        size_t n = json_array_size(sh);
        if (n == 0 || n > 1000)
            return ln__sim_err(c, "constellation.shells", "1 to 1000 shells");
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
            ln__sim_join_idx(p, sizeof p, "constellation.shells", i);
            json_t *e = json_array_get(sh, i);
            double alt, inc, pl, pp, ph, r0;
            if (!json_is_object(e))
                return ln__sim_err(c, p, "expected an object");
            if ((rc = ln__sim_keys(c, e, p, sk)) ||
                (rc = ln__sim_num(c, e, "alt_km", p, 1, 0, 150, 50000,
                                  &alt)) ||
                (rc = ln__sim_num(c, e, "incl_deg", p, 1, 0, 0, 180, &inc)) ||
                (rc = ln__sim_int(c, e, "planes", p, 1, 0, 1, 1000, &pl)) ||
                (rc = ln__sim_int(c, e, "per_plane", p, 1, 0, 1, 1000, &pp)) ||
                (rc = ln__sim_int(c, e, "phasing", p, 0, 0, 0, 1000, &ph)) ||
                (rc = ln__sim_num(c, e, "raan0_deg", p, 0, 0, 0, 360, &r0)))
                return rc;
            if (ph >= pl)
                return ln__sim_err(c, p, "phasing must be below planes");
            nsat += pl * pp;
            if (nsat > LN_SIM_MAX_SATELLITES)
                return ln__sim_err(c, p,
                                   "%.0f satellites in all, more than %.0f",
                                   nsat, LN_SIM_MAX_SATELLITES);
            s->shells[i] = (ln_shell){alt, inc * LN_DEG2RAD, (int)pl,
                                      (int)pp, (int)ph, r0 * LN_DEG2RAD};
        }
    }
    return 0;
}

static int parse_link(const ln__sim_doc *c, json_t *root, ln_scenario *s)
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
    if ((rc = ln__sim_obj(c, root, "link", "", 0, &o)))
        return rc;
    json_t *empty = NULL;
    if (!o)
        o = empty = json_object();
    rc = ln__sim_keys(c, o, P, keys);
    if (!rc)
        rc = ln__sim_num(c, o, "elevation_mask_deg", P, 0, 25, 0, 89, &m);
    if (!rc)
        rc = ln__sim_num(c, o, "gateway_mask_deg", P, 0, 25, 0, 89, &g);
    if (!rc)
        rc = ln__sim_num(c, o, "sat_capacity_gbps", P, 0, 20, 0.001, 1e4, &sc);
    if (!rc)
        rc = ln__sim_num(c, o, "beam_capacity_gbps", P, 0, 2, 0.001, 1e4, &bc);
    if (!rc)
        rc = ln__sim_int(c, o, "beams_per_sat", P, 0, 16, 1, 10000, &bp);
    if (!rc)
        rc = ln__sim_int(c, o, "beam_res", P, 0, 5, 0, 15, &br);
    if (!rc)
        rc = ln__sim_bool(c, o, "isl", P, 0, &s->isl);
    if (!rc)
        rc = ln__sim_str(c, o, "scheduler", P, 0, "sticky", sched,
                         sizeof sched);
    if (!rc && strcmp(sched, "sticky") && strcmp(sched, "slot"))
        rc = ln__sim_err(c, "link.scheduler",
                         "'%s' is not a scheduler (allowed: "
                         "sticky, slot)",
                         sched);
    if (!rc)
        rc = ln__sim_num(c, o, "slot_s", P, 0, 15, 0.01, 86400, &slot);
    if (!rc && strcmp(sched, "slot") && json_object_get(o, "slot_s"))
        rc = ln__sim_err(c, "link.slot_s",
                         "is used only with link.scheduler "
                         "\"slot\" (this scenario's is \"%s\")",
                         sched);
    if (!rc && strcmp(sched, "slot") == 0) {
        /* whole steps per slot, to a part in 1e9 */
        double q = slot / s->step_s;
        if (q < 1 - 1e-9 || fabs(q - floor(q + 0.5)) > 1e-9 * q)
            rc = ln__sim_err(c, "link.slot_s",
                             "%g s is not a multiple of step_s "
                             "(%g s)",
                             slot, s->step_s);
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
static int gateways_csv(const ln__sim_doc *c, const char *path,
                        const char *file, json_t *include, int antennas,
                        ln_scenario *s)
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
        ln__sim_join(p, sizeof p, path, "include");
        char pi[540];
        ln__sim_join_idx(pi, sizeof pi, p, i);
        if (!json_is_string(v))
            return ln__sim_err(c, pi, "expected a gateway name");
        int found = 0;
        for (size_t k = 0; k < s->ngateways; k++)
            if (strcmp(s->gateways[k].name, json_string_value(v)) == 0)
                found = 1;
        if (!found)
            return ln__sim_err(c, pi, "no gateway named '%s' in %s",
                               json_string_value(v), file);
    }
    return 0;
}

static int parse_gateways(const ln__sim_doc *c, json_t *root, ln_scenario *s)
{
    json_t *g = json_object_get(root, "gateways");
    int rc;
    if (!g)
        return ln__sim_err(c, "$", "missing member 'gateways'");
    if (json_is_object(g)) {
        static const char *const keys[] = {"file", "include", "antennas",
                                           NULL};
        char file[LN_PATH_MAX];
        json_t *inc;
        double ant;
        if ((rc = ln__sim_keys(c, g, "gateways", keys)) ||
            (rc = ln__sim_file(c, g, "file", "gateways", 1, file,
                               sizeof file)) ||
            (rc = ln__sim_arr(c, g, "include", "gateways", 0, &inc)) ||
            (rc = ln__sim_int(c, g, "antennas", "gateways", 0, 8, 1, 10000,
                              &ant)))
            return rc;
        rc = gateways_csv(c, "gateways", file, inc, (int)ant, s);
        if (rc)
            return rc;
    } else if (json_is_array(g)) {
        size_t n = json_array_size(g);
        if (n > GW_MAX)
            return ln__sim_err(c, "gateways", "more than %d gateways", GW_MAX);
        s->gateways = ln_calloc(n ? n : 1, sizeof *s->gateways);
        if (!s->gateways)
            return LN_ENOMEM;
        for (size_t i = 0; i < n; i++) {
            static const char *const keys[] = {"name", "lat", "lon",
                                               "antennas", NULL};
            char p[64];
            ln__sim_join_idx(p, sizeof p, "gateways", i);
            json_t *e = json_array_get(g, i);
            ln_sc_gateway *gw = &s->gateways[i];
            double lat, lon, ant;
            if (!json_is_object(e))
                return ln__sim_err(c, p, "expected an object");
            if ((rc = ln__sim_keys(c, e, p, keys)) ||
                (rc = ln__sim_str(c, e, "name", p, 1, NULL, gw->name,
                                  sizeof gw->name)) ||
                (rc = ln__sim_num(c, e, "lat", p, 1, 0, -90, 90, &lat)) ||
                (rc = ln__sim_num(c, e, "lon", p, 1, 0, -180, 180, &lon)) ||
                (rc = ln__sim_int(c, e, "antennas", p, 0, 8, 1, 10000, &ant)))
                return rc;
            gw->lat_rad = lat * LN_DEG2RAD;
            gw->lon_rad = lon * LN_DEG2RAD;
            gw->antennas = (int)ant;
            s->ngateways++;
        }
    } else {
        return ln__sim_err(c, "gateways",
                           "expected an array of gateways or an "
                           "object {file, include, antennas}");
    }
    if (s->ngateways == 0)
        return ln__sim_err(c, "gateways", "no gateways");
    return 0;
}

static int parse_action(const ln__sim_doc *c, json_t *o, const char *key,
                        const char *path, const char *def, int *out)
{
    char a[16], p[512];
    ln__sim_join(p, sizeof p, path, key);
    int rc = ln__sim_str(c, o, key, path, 0, def, a, sizeof a);
    if (rc)
        return rc;
    if (strcmp(a, "deny") == 0)
        *out = LN_ZONE_DENY;
    else if (strcmp(a, "allow") == 0)
        *out = LN_ZONE_ALLOW;
    else
        return ln__sim_err(c, p, "'%s': expected \"deny\" or \"allow\"", a);
    return 0;
}

static int parse_zones(const ln__sim_doc *c, json_t *root, ln_scenario *s)
{
    json_t *z;
    int rc;
    if ((rc = ln__sim_arr(c, root, "zones", "", 0, &z)) ||
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
        ln__sim_join_idx(p, sizeof p, "zones", i);
        json_t *e = json_array_get(z, i);
        ln_sc_zone *zn = &s->zones[i];
        char cells[LN_PATH_MAX];
        double pr;
        if (!json_is_object(e))
            return ln__sim_err(c, p, "expected an object");
        if ((rc = ln__sim_keys(c, e, p, keys)) ||
            (rc = ln__sim_file(c, e, "file", p, 0, zn->file,
                               sizeof zn->file)) ||
            (rc = ln__sim_file(c, e, "cells", p, 0, cells, sizeof cells)) ||
            (rc = ln__sim_str(c, e, "id", p, 0, "", zn->id, sizeof zn->id)) ||
            (rc = ln__sim_str(c, e, "name", p, 0, "", zn->name,
                              sizeof zn->name)) ||
            (rc = parse_action(c, e, "action", p, "deny", &zn->action)) ||
            (rc = ln__sim_num(c, e, "priority", p, 0, 0, -1e6, 1e6, &pr)) ||
            (rc = ln__sim_time(c, e, "valid_from", p, 0, -INFINITY,
                               &zn->valid_from_unix_s)) ||
            (rc = ln__sim_time(c, e, "valid_until", p, 0, INFINITY,
                               &zn->valid_until_unix_s)))
            return rc;
        if ((zn->file[0] != 0) == (cells[0] != 0))
            return ln__sim_err(c, p,
                               "give exactly one of file (GeoJSON) and cells "
                               "(H3 cell ids, one per line)");
        if (cells[0]) {
            snprintf(zn->file, sizeof zn->file, "%s", cells);
            zn->is_cells = 1;
            if (!zn->id[0])
                return ln__sim_err(c, p, "a cell-list zone needs an id");
        }
        for (size_t k = 0; k < i && zn->id[0]; k++)
            if (strcmp(s->zones[k].id, zn->id) == 0) {
                char pi[80];
                ln__sim_join(pi, sizeof pi, p, "id");
                return ln__sim_err(c, pi,
                                   "zone id '%s' is also the id of "
                                   "zones[%zu] (ids must be unique)",
                                   zn->id, k);
            }
        if (pr != floor(pr))
            return ln__sim_err(c, p, "priority must be an integer");
        zn->priority = (int)pr;
        if (zn->valid_until_unix_s <= zn->valid_from_unix_s)
            return ln__sim_err(c, p, "valid_until must be after valid_from");
        s->nzones++;
    }
    return 0;
}

static int parse_plans_accounts(const ln__sim_doc *c, json_t *root,
                                ln_scenario *s)
{
    json_t *pl, *ac;
    int rc;
    if ((rc = ln__sim_arr(c, root, "plans", "", 1, &pl)) ||
        (rc = ln__sim_arr(c, root, "accounts", "", 1, &ac)))
        return rc;
    size_t np = json_array_size(pl), na = json_array_size(ac);
    if (np == 0)
        return ln__sim_err(c, "plans", "at least one plan");
    if (na == 0)
        return ln__sim_err(c, "accounts", "at least one account");
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
        ln__sim_join_idx(p, sizeof p, "plans", i);
        json_t *e = json_array_get(pl, i);
        ln_plan *q = &s->plans[i];
        if (!json_is_object(e))
            return ln__sim_err(c, p, "expected an object");
        if ((rc = ln__sim_keys(c, e, p, keys)) ||
            (rc = ln__sim_str(c, e, "id", p, 1, NULL, q->id, sizeof q->id)) ||
            (rc = ln__sim_num(c, e, "hardware_usd", p, 1, 0, 0, 1e9,
                              &q->hardware_usd)) ||
            (rc = ln__sim_num(c, e, "amortize_years", p, 0, 3, 0.01, 100,
                              &q->amortize_years)) ||
            (rc = ln__sim_num(c, e, "monthly_usd", p, 1, 0, 0, 1e9,
                              &q->monthly_usd)) ||
            (rc = ln__sim_num(c, e, "included_gb", p, 0, 1e12, 0, 1e12,
                              &q->included_gb)) ||
            (rc = ln__sim_num(c, e, "usd_per_gb", p, 0, 0, 0, 1e6,
                              &q->usd_per_gb)) ||
            (rc = ln__sim_num(c, e, "peak_mbps", p, 1, 0, 0, 1e6,
                              &q->peak_mbps)) ||
            (rc = ln__sim_num(c, e, "duty", p, 0, 0.5, 0, 1, &q->duty)) ||
            (rc = ln__sim_str(c, e, "overage", p, 0, "per_terminal", ov,
                              sizeof ov)))
            return rc;
        ln__sim_join(po, sizeof po, p, "overage");
        if (strcmp(ov, "per_terminal") == 0)
            q->overage = LN_OVERAGE_PER_TERMINAL;
        else if (strcmp(ov, "pooled") == 0)
            q->overage = LN_OVERAGE_POOLED;
        else
            return ln__sim_err(c, po,
                               "'%s' is not an overage mode (per_terminal "
                               "or pooled)",
                               ov);
        for (size_t k = 0; k < i; k++)
            if (strcmp(s->plans[k].id, q->id) == 0)
                return ln__sim_err(c, p, "plan id '%s' used twice", q->id);
        s->nplans++;
    }
    for (size_t i = 0; i < na; i++) {
        static const char *const keys[] = {"id", "name", "plan", NULL};
        char p[64], plan[LN_NAME_MAX], pp[80];
        ln__sim_join_idx(p, sizeof p, "accounts", i);
        ln__sim_join(pp, sizeof pp, p, "plan");
        json_t *e = json_array_get(ac, i);
        ln_sc_account *a = &s->accounts[i];
        if (!json_is_object(e))
            return ln__sim_err(c, p, "expected an object");
        if ((rc = ln__sim_keys(c, e, p, keys)) ||
            (rc = ln__sim_str(c, e, "id", p, 1, NULL, a->id, sizeof a->id)) ||
            (rc = ln__sim_str(c, e, "name", p, 0, "", a->name,
                              sizeof a->name)) ||
            (rc = ln__sim_str(c, e, "plan", p, 1, NULL, plan, sizeof plan)))
            return rc;
        a->plan = -1;
        for (size_t k = 0; k < np; k++)
            if (strcmp(s->plans[k].id, plan) == 0)
                a->plan = (int)k;
        if (a->plan < 0)
            return ln__sim_err(c, pp, "no plan with id '%s'", plan);
        for (size_t k = 0; k < i; k++)
            if (strcmp(s->accounts[k].id, a->id) == 0)
                return ln__sim_err(c, p, "account id '%s' used twice", a->id);
        s->naccounts++;
    }
    return 0;
}

static int parse_outputs(const ln__sim_doc *c, json_t *root, ln_scenario *s)
{
    static const char *const keys[] = {"dir", "map_res", "window_s", NULL};
    json_t *o, *cmp;
    double res, win;
    int rc;
    if ((rc = ln__sim_obj(c, root, "outputs", "", 0, &o)))
        return rc;
    if (o) {
        if ((rc = ln__sim_keys(c, o, "outputs", keys)) ||
            (rc = ln__sim_str(c, o, "dir", "outputs", 0, "leonet-out",
                              s->out_dir, sizeof s->out_dir)) ||
            (rc = ln__sim_int(c, o, "map_res", "outputs", 0, 5, 0, 15,
                              &res)) ||
            (rc = ln__sim_num(c, o, "window_s", "outputs", 0, 900, 1, 1e7,
                              &win)))
            return rc;
    } else {
        snprintf(s->out_dir, sizeof s->out_dir, "leonet-out");
        res = 5;
        win = 900;
    }
    if (win < s->step_s)
        return ln__sim_err(c, "outputs.window_s",
                           "%g s is shorter than step_s "
                           "(%g s)",
                           win, s->step_s);
    if (ceil(s->duration_s / win - 1e-9) > (double)LN_SIM_MAX_WINDOWS)
        return ln__sim_err(c, "outputs.window_s",
                           "%.0f map windows, more than %ld "
                           "(raise window_s)",
                           ceil(s->duration_s / win - 1e-9),
                           LN_SIM_MAX_WINDOWS);
    s->map_res = (int)res;
    s->window_s = win;
    if ((rc = ln__sim_obj(c, root, "compare", "", 0, &cmp)))
        return rc;
    s->compare_usd_per_year = 0;
    if (cmp) {
        static const char *const ck[] = {"annual_cost_usd", "source", NULL};
        if ((rc = ln__sim_keys(c, cmp, "compare", ck)) ||
            (rc = ln__sim_num(c, cmp, "annual_cost_usd", "compare", 0, 0, 0,
                              1e15, &s->compare_usd_per_year)))
            return rc;
    }
    return 0;
}

/* "cost_to_serve": the operator's cost model; absent members keep the
 * built-in defaults (ln_meter_cts_defaults; docs/scenario.md). */
static int parse_cost_to_serve(const ln__sim_doc *c, json_t *root,
                               ln_scenario *s)
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
    if ((rc = ln__sim_obj(c, root, p, "", 0, &o)) || !o)
        return rc;
    if ((rc = ln__sim_keys(c, o, p, keys)) ||
        (rc = ln__sim_num(c, o, "sat_build_usd", p, 0, m->sat_build_usd, 0,
                          1e10, &m->sat_build_usd)) ||
        (rc = ln__sim_num(c, o, "launch_usd", p, 0, m->launch_usd, 0, 1e11,
                          &m->launch_usd)) ||
        (rc = ln__sim_num(c, o, "sats_per_launch", p, 0, m->sats_per_launch, 1,
                          1e4, &m->sats_per_launch)) ||
        (rc = ln__sim_num(c, o, "sat_life_years", p, 0, m->sat_life_years, 0.1,
                          100, &m->sat_life_years)) ||
        (rc = ln__sim_num(c, o, "gw_antenna_capex_usd", p, 0,
                          m->gw_antenna_capex_usd, 0, 1e10,
                          &m->gw_antenna_capex_usd)) ||
        (rc = ln__sim_num(c, o, "gw_antenna_life_years", p, 0,
                          m->gw_antenna_life_years, 0.1, 100,
                          &m->gw_antenna_life_years)) ||
        (rc = ln__sim_num(c, o, "gw_antenna_opex_usd_per_year", p, 0,
                          m->gw_antenna_opex_usd_per_year, 0, 1e10,
                          &m->gw_antenna_opex_usd_per_year)) ||
        (rc = ln__sim_num(c, o, "terminal_cost_usd", p, 0,
                          m->terminal_cost_usd, 0, 1e9,
                          &m->terminal_cost_usd)))
        return rc;
    /* where each figure comes from: text, or an object of texts by
     * member (documentation only) */
    json_t *src = json_object_get(o, "source");
    if (src && json_is_object(src)) {
        const char *k;
        json_t *v;
        json_object_foreach(src, k, v) {
            char pk[512];
            ln__sim_join(pk, sizeof pk, "cost_to_serve.source", k);
            if (!json_is_string(v))
                return ln__sim_err(c, pk, "expected a string");
        }
    } else if (src && !json_is_string(src) && !json_is_null(src))
        return ln__sim_err(c, "cost_to_serve.source",
                           "expected a string or an "
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
    ln__sim_doc c = {text, len, file ? file : "built-in", diag,
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
        return ln__sim_err(&c, "$", "a scenario is a JSON object");
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
        "compare", "$schema", "cost_to_serve", "contracts",
        "change_requests", "audit", NULL};
    double seed;
    snprintf(s->source, sizeof s->source, "%s", c.file);
    int rc = ln__sim_keys(&c, root, "", keys);
    if (!rc)
        rc = ln__sim_str(&c, root, "name", "", 1, NULL, s->name,
                         sizeof s->name);
    if (!rc)
        rc = ln__sim_str(&c, root, "description", "", 0, "", s->description,
                         sizeof s->description);
    if (!rc)
        rc = ln__sim_time(&c, root, "start", "", 1, 0, &s->start_unix_s);
    if (!rc)
        rc = ln__sim_num(&c, root, "duration_s", "", 1, 0, 1, 366 * 86400.0,
                         &s->duration_s);
    if (!rc)
        rc = ln__sim_num(&c, root, "step_s", "", 0, 15, 0.01, 86400,
                         &s->step_s);
    if (!rc)
        rc = ln__sim_int(&c, root, "seed", "", 0, 1, 0, 9e15, &seed);
    if (!rc) {
        s->seed = (uint64_t)seed;
        if (s->step_s > s->duration_s)
            rc = ln__sim_err(&c, "step_s",
                             "%g s is longer than duration_s (%g s): "
                             "the run would be a single step",
                             s->step_s, s->duration_s);
        else if (s->duration_s / s->step_s > (double)LN_SIM_MAX_STEPS)
            rc = ln__sim_err(&c, "step_s",
                             "%.0f steps, more than %ld (raise step_s "
                             "or shorten duration_s)",
                             s->duration_s / s->step_s, LN_SIM_MAX_STEPS);
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
        rc = ln__sim_parse_groups(&c, root, s);
    if (!rc)
        rc = ln__sim_parse_events(&c, root, s);
    if (!rc)
        rc = ln__sim_parse_trust(&c, root, s);
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
    ln__sim_trust_free(s->trust);
    ln_free(s);
}
