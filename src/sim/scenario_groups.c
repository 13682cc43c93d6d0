/*
 * scenario_groups.c - the scenario's terminal groups (fixed: region,
 * places, points; mobile: tracks of waypoints) and its policy events,
 * the sections that refer to accounts by id (scenario_int.h).
 */
#include <math.h>
#include <string.h>

#include <jansson.h>

#include "leonet/policy.h"
#include "leonet/sim.h"
#include "sim/scenario_int.h"

static int find_account(const ln_scenario *s, const char *id)
{
    for (size_t k = 0; k < s->naccounts; k++)
        if (strcmp(s->accounts[k].id, id) == 0)
            return (int)k;
    return -1;
}

static int parse_track(const ln__sim_doc *c, json_t *e, const char *p,
                       ln_sc_track *t, double start)
{
    static const char *const keys[] = {"name", "waypoints", NULL};
    json_t *w;
    int rc;
    if (!json_is_object(e))
        return ln__sim_err(c, p, "expected an object");
    if ((rc = ln__sim_keys(c, e, p, keys)) ||
        (rc = ln__sim_str(c, e, "name", p, 0, "", t->name, sizeof t->name)) ||
        (rc = ln__sim_arr(c, e, "waypoints", p, 1, &w)))
        return rc;
    size_t n = json_array_size(w);
    char pw[256];
    ln__sim_join(pw, sizeof pw, p, "waypoints");
    if (n == 0)
        return ln__sim_err(c, pw, "at least one waypoint");
    t->lon_rad = ln_calloc(n, sizeof(double));
    t->lat_rad = ln_calloc(n, sizeof(double));
    t->t_unix_s = ln_calloc(n, sizeof(double));
    if (!t->lon_rad || !t->lat_rad || !t->t_unix_s)
        return LN_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        static const char *const wk[] = {"lat", "lon", "t", "t_s", NULL};
        char q[300];
        ln__sim_join_idx(q, sizeof q, pw, i);
        json_t *x = json_array_get(w, i);
        double lat, lon, ts, tt;
        if (!json_is_object(x))
            return ln__sim_err(c, q, "expected an object {lat, lon, t | t_s}");
        if ((rc = ln__sim_keys(c, x, q, wk)) ||
            (rc = ln__sim_num(c, x, "lat", q, 1, 0, -90, 90, &lat)) ||
            (rc = ln__sim_num(c, x, "lon", q, 1, 0, -180, 180, &lon)) ||
            (rc = ln__sim_time(c, x, "t", q, 0, NAN, &tt)) ||
            (rc = ln__sim_num(c, x, "t_s", q, 0, NAN, -1e9, 1e9, &ts)))
            return rc;
        if (isnan(tt) == isnan(ts))
            return ln__sim_err(c, q,
                               "give exactly one of t (UTC) and t_s (seconds "
                               "from the start)");
        t->lon_rad[i] = lon * LN_DEG2RAD;
        t->lat_rad[i] = lat * LN_DEG2RAD;
        t->t_unix_s[i] = isnan(tt) ? start + ts : tt;
        if (i && t->t_unix_s[i] < t->t_unix_s[i - 1])
            return ln__sim_err(c, q, "waypoint times must not go backwards");
        /* between antipodal points no great circle is THE way: the unit's
         * path would be undefined (link's slerp) */
        if (i) {
            double a = t->lat_rad[i - 1], b = t->lat_rad[i];
            double cosd = sin(a) * sin(b) + cos(a) * cos(b) *
                              cos(t->lon_rad[i] - t->lon_rad[i - 1]);
            if (cosd < -1 + 1e-12)
                return ln__sim_err(c, q, "antipodal to the waypoint before "
                                   "it: the way between is undefined (add a "
                                   "waypoint between them)");
        }
        t->n++;
    }
    return 0;
}

/* The members of a fixed group: region, exclude, places (data files),
 * the places' spread and rural share, and explicit points. */
static int parse_fixed(const ln__sim_doc *c, json_t *e, const char *p,
                       ln_sc_group *gr)
{
    int rc;
    json_t *pts;
    if ((rc = ln__sim_file(c, e, "region", p, 1, gr->region,
                           sizeof gr->region)) ||
        (rc = ln__sim_file(c, e, "exclude", p, 0, gr->exclude,
                           sizeof gr->exclude)) ||
        (rc = ln__sim_file(c, e, "places", p, 0, gr->places,
                           sizeof gr->places)) ||
        (rc = ln__sim_num(c, e, "places_sigma_km", p, 0, 15, 0.01, 1000,
                          &gr->places_sigma_km)) ||
        (rc = ln__sim_num(c, e, "rural_share", p, 0, 0.25, 0, 1,
                          &gr->rural_share)) ||
        (rc = ln__sim_arr(c, e, "points", p, 0, &pts)))
        return rc;
    if (json_object_get(e, "tracks"))
        return ln__sim_err(c, p, "a fixed group has no tracks");
    size_t np = pts ? json_array_size(pts) : 0;
    gr->points = ln_calloc(np ? np : 1, sizeof *gr->points);
    if (!gr->points)
        return LN_ENOMEM;
    for (size_t k = 0; k < np; k++) {
        static const char *const pk2[] = {"lat", "lon", "weight",
                                          "sigma_km", "name", NULL};
        char q[128];
        char ppts[80];
        ln__sim_join(ppts, sizeof ppts, p, "points");
        ln__sim_join_idx(q, sizeof q, ppts, k);
        json_t *x = json_array_get(pts, k);
        double lat, lon, w, sg;
        if (!json_is_object(x))
            return ln__sim_err(c, q, "expected an object");
        if ((rc = ln__sim_keys(c, x, q, pk2)) ||
            (rc = ln__sim_num(c, x, "lat", q, 1, 0, -90, 90, &lat)) ||
            (rc = ln__sim_num(c, x, "lon", q, 1, 0, -180, 180, &lon)) ||
            (rc = ln__sim_num(c, x, "weight", q, 1, 0, 0, 1e12, &w)) ||
            (rc = ln__sim_num(c, x, "sigma_km", q, 0, 10, 0.01, 1000, &sg)))
            return rc;
        gr->points[k] = (ln_weight_point){lat * LN_DEG2RAD,
                                          lon * LN_DEG2RAD, w, sg};
        gr->npoints++;
    }
    return 0;
}

/* The members of a mobile group: its tracks (parse_track), their spread
 * and the stagger of the units along them. */
static int parse_mobile(const ln__sim_doc *c, json_t *e, const char *p,
                        ln_sc_group *gr, double start)
{
    int rc;
    json_t *tr;
    if ((rc = ln__sim_arr(c, e, "tracks", p, 1, &tr)) ||
        (rc = ln__sim_num(c, e, "spread_km", p, 0, 2, 0, 1000,
                          &gr->spread_km)) ||
        (rc = ln__sim_num(c, e, "stagger_s", p, 0, 0, 0, 1e7, &gr->stagger_s)))
        return rc;
    if (json_object_get(e, "region"))
        return ln__sim_err(c, p, "a mobile group has tracks, not a region");
    size_t nt = json_array_size(tr);
    char ptr[80];
    ln__sim_join(ptr, sizeof ptr, p, "tracks");
    if (nt == 0)
        return ln__sim_err(c, ptr, "at least one track");
    gr->tracks = ln_calloc(nt, sizeof *gr->tracks);
    if (!gr->tracks)
        return LN_ENOMEM;
    for (size_t k = 0; k < nt; k++) {
        char q[128];
        ln__sim_join_idx(q, sizeof q, ptr, k);
        gr->ntracks++;
        if ((rc = parse_track(c, json_array_get(tr, k), q, &gr->tracks[k],
                              start)))
            return rc;
    }
    return 0;
}

int ln__sim_parse_groups(const ln__sim_doc *c, json_t *root, ln_scenario *s)
{
    json_t *g;
    int rc;
    if ((rc = ln__sim_arr(c, root, "terminals", "", 1, &g)))
        return rc;
    size_t n = json_array_size(g);
    if (n == 0 || n > 4096) /* engine.c keeps per-group counts in 4096 */
        return ln__sim_err(c, "terminals", "1 to 4096 terminal groups");
    s->groups = ln_calloc(n, sizeof *s->groups);
    if (!s->groups)
        return LN_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        static const char *const keys[] = {
            "name", "kind", "count", "account", "seed", "region", "exclude",
            "places", "places_sigma_km", "rural_share", "points", "tracks",
            "spread_km", "stagger_s", NULL};
        char p[64], kind[16], acc[LN_NAME_MAX];
        ln__sim_join_idx(p, sizeof p, "terminals", i);
        json_t *e = json_array_get(g, i);
        ln_sc_group *gr = &s->groups[i];
        double cnt, seed;
        if (!json_is_object(e))
            return ln__sim_err(c, p, "expected an object");
        s->ngroups++; /* counted now so that free() sees partial groups */
        if ((rc = ln__sim_keys(c, e, p, keys)) ||
            (rc = ln__sim_str(c, e, "name", p, 0, "", gr->name,
                              sizeof gr->name)) ||
            (rc = ln__sim_str(c, e, "kind", p, 1, NULL, kind, sizeof kind)) ||
            (rc = ln__sim_num(c, e, "count", p, 1, 0, 0, LN_SIM_MAX_TERMINALS,
                              &cnt)) ||
            (rc = ln__sim_str(c, e, "account", p, 1, NULL, acc, sizeof acc)) ||
            (rc = ln__sim_int(c, e, "seed", p, 0, (double)i + 1, 0, 9e15,
                              &seed)))
            return rc;
        char pk[80];
        ln__sim_join(pk, sizeof pk, p, "kind");
        if (strcmp(kind, "fixed") == 0)
            gr->kind = LN_TG_FIXED;
        else if (strcmp(kind, "mobile") == 0)
            gr->kind = LN_TG_MOBILE;
        else
            return ln__sim_err(c, pk, "'%s': expected \"fixed\" or \"mobile\"",
                               kind);
        if (cnt != floor(cnt))
            return ln__sim_err(c, p, "count must be an integer");
        gr->count = (long)cnt;
        s->nterminals_ += cnt;
        if (s->nterminals_ > LN_SIM_MAX_TERMINALS)
            return ln__sim_err(c, p,
                               "%.0f terminals in all, more than the %.0f a "
                               "run can hold",
                               s->nterminals_, LN_SIM_MAX_TERMINALS);
        gr->seed = (uint64_t)seed ^ s->seed;
        gr->account = find_account(s, acc);
        if (gr->account < 0) {
            char pa[80];
            ln__sim_join(pa, sizeof pa, p, "account");
            return ln__sim_err(c, pa, "no account with id '%s'", acc);
        }
        rc = gr->kind == LN_TG_FIXED
                 ? parse_fixed(c, e, p, gr)
                 : parse_mobile(c, e, p, gr, s->start_unix_s);
        if (rc)
            return rc;
    }
    return 0;
}

int ln__sim_parse_events(const ln__sim_doc *c, json_t *root, ln_scenario *s)
{
    json_t *ev;
    int rc;
    if ((rc = ln__sim_arr(c, root, "policy_events", "", 0, &ev)))
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
        ln__sim_join_idx(p, sizeof p, "policy_events", i);
        json_t *e = json_array_get(ev, i);
        ln_sc_policy_event *pe = &s->events[i];
        if (!json_is_object(e))
            return ln__sim_err(c, p, "expected an object");
        if ((rc = ln__sim_keys(c, e, p, keys)) ||
            (rc = ln__sim_time(c, e, "at", p, 1, 0, &pe->t_unix_s)) ||
            (rc = ln__sim_str(c, e, "account", p, 1, NULL, acc, sizeof acc)) ||
            (rc = ln__sim_str(c, e, "action", p, 1, NULL, act, sizeof act)))
            return rc;
        pe->account = strcmp(acc, "*") == 0 ? -1 : find_account(s, acc);
        if (pe->account < 0 && strcmp(acc, "*") != 0) {
            char pa[80];
            ln__sim_join(pa, sizeof pa, p, "account");
            return ln__sim_err(c, pa, "no account with id '%s' (or \"*\")",
                               acc);
        }
        pe->action = -1;
        for (int k = 0; k < 4; k++)
            if (strcmp(act, acts[k]) == 0)
                pe->action = k;
        if (pe->action < 0) {
            char pa[80];
            ln__sim_join(pa, sizeof pa, p, "action");
            return ln__sim_err(c, pa,
                               "'%s': expected suspend, resume, kill or "
                               "restore",
                               act);
        }
        s->nevents++;
    }
    return 0;
}
