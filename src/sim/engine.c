/*
 * engine.c - the time-stepped simulation (`leonet run`): setup from a
 * scenario, then per step the data path of docs/DESIGN.md:
 *   1 propagate every satellite (batch SGP4) and rotate to ECEF
 *   2 link (ln_link_sky): index the sub-satellite points; find each
 *     satellite's gateways
 *   3 move mobile terminals (link: ln_link_track, their candidate areas)
 *   4 authorize each terminal (policy: kill switch, account, zones)
 *   5 link (ln_link_areas, ln_link_serve): serving satellite, handover,
 *     or the slot scheduler; the engine's status and demand per terminal
 *     as it is linked (ln_link_hooks)
 *   6 link (ln_link_gateways, ln_link_capacity): gateway antennas (bent
 *     pipe, then mesh exits); satellite and beam capacity
 *   7 meter bytes, count outages by reason, aggregate the activity map
 *
 * Threads: steps 3-5 run in parallel over terminals (each writes only its
 * own slots); 6 and 7 are serial passes in terminal order with integer
 * accumulators, so outputs are identical for any thread count.
 * Memory: everything is allocated in setup; the loop allocates only when a
 * mobile terminal enters a map cell never seen before, once a window for
 * the map's sub-satellite points, and for events.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <omp.h>

#include "leonet/activity.h"
#include "sim/place.h"
#include "sim/sim_int.h"


static size_t nz(size_t n)
{
    return n ? n : 1;
}

/* ln_sim_run's step loop stopped by ln_cancel_requested (reported as
 * LN_EIO "interrupted") */
#define LN_ECANCELED_ (-1000)

#define ALLOC(p, n)                                                    \
    do {                                                               \
        (p) = ln_calloc(nz((size_t)(n)), sizeof *(p));                 \
        if (!(p))                                                      \
            return ln_diag_set(diag, LN_ENOMEM, NULL, 0, 0, NULL,      \
                               "out of memory");                       \
    } while (0)

/* ---- setup ------------------------------------------------------------- */

static int load_constellation(ln__engine *e, ln_diag *diag)
{
    const ln_scenario *sc = e->sc;
    ln_elset *all = NULL;
    size_t n = 0;
    int rc;
    if (sc->tle[0])
        rc = ln_tle_read_file(sc->tle, 0, &all, &n, diag);
    else if (sc->omm[0])
        rc = ln_omm_read_file(sc->omm, &all, &n, diag);
    else {
        const ln_shell *sh = sc->shells;
        size_t ns = sc->nshells;
        if (sc->preset[0])
            ns = ln_shells_gen1(&sh);
        rc = ln_shells_to_elsets(sh, ns, sc->start_unix_s, 90001, &all, &n);
        if (rc)
            ln_diag_set(diag, rc, sc->source, 0, 0, "constellation",
                        "cannot build the shells: %s", ln_strerror(rc));
    }
    if (rc)
        return rc;
    /* keep sets named with the prefix */
    size_t k = 0;
    size_t plen = strlen(sc->name_prefix);
    for (size_t i = 0; i < n; i++)
        if (!plen || strncmp(all[i].name, sc->name_prefix, plen) == 0)
            all[k++] = all[i];
    if (k == 0) {
        ln_free(all);
        return ln_diag_set(diag, LN_ESCENARIO, sc->source, 0, 0,
                           "constellation.name_prefix",
                           "no element set is named '%s...'",
                           sc->name_prefix);
    }
    e->els = all;
    e->nsat = k;
    if (!sc->tle[0] && !sc->omm[0] && k == n) {
        e->walker = sc->preset[0] ? NULL : sc->shells;
        e->nwalker = sc->nshells;
        if (sc->preset[0])
            e->nwalker = ln_shells_gen1(&e->walker);
    }
    rc = ln_orbit_new(all, k, &e->orbit);
    if (rc)
        return ln_diag_set(diag, rc, NULL, 0, 0, NULL, "constellation: %s",
                           ln_strerror(rc));
    ALLOC(e->in_service, k);
    ALLOC(e->usable, k);
    double max_alt = 0;
    /* the in-service rule (docs/scenario.md): explicit shells are their
     * own table, element sets and the preset use Gen1's (NULL) */
    const ln_shell *tab = sc->preset[0] ? NULL : sc->shells;
    for (size_t i = 0; i < k; i++) {
        e->in_service[i] = (unsigned char)(
            sc->all_objects ||
            ln_elset_service(&all[i], tab, sc->nshells) == LN_SVC_IN);
        e->n_in_service += e->in_service[i];
        double a = ln_elset_alt_km(&all[i]) * (1 + all[i].ecco) +
                   all[i].ecco * LN_WGS72_RE_KM;
        if (e->in_service[i] && a > max_alt)
            max_alt = a;
    }
    if (e->n_in_service == 0)
        return ln_diag_set(diag, LN_ESCENARIO, sc->source, 0, 0,
                           "constellation.in_service",
                           "none of the %zu satellites is in service by the "
                           "rule (a Gen1 shell's inclination and altitude "
                           "band, docs/scenario.md \"Satellites in "
                           "service\"); \"in_service\": \"all\" keeps "
                           "them all", k);
    if (max_alt <= 0)
        max_alt = 600;
    ALLOC(e->pvbuf, 6 * k);
    ALLOC(e->perr, k);
    e->pv = (ln_pv_soa){e->pvbuf,         e->pvbuf + k,     e->pvbuf + 2 * k,
                        e->pvbuf + 3 * k, e->pvbuf + 4 * k, e->pvbuf + 5 * k,
                        e->perr};
    /* margin: orbits wander ~20 km around the mean altitude (link's
     * satellite index covers up to here) */
    e->max_alt_km = max_alt + 30.0;
    return 0;
}

static int load_zones(ln__engine *e, ln_diag *diag)
{
    const ln_scenario *sc = e->sc;
    int rc = ln_zoneset_new(sc->default_action, &e->zones);
    if (rc)
        return ln_diag_set(diag, rc, NULL, 0, 0, NULL, "zones: %s",
                           ln_strerror(rc));
    for (size_t i = 0; i < sc->nzones; i++) {
        const ln_sc_zone *z = &sc->zones[i];
        if (z->is_cells) {
            rc = ln_zoneset_add_cells_file(
                e->zones, z->file, z->id, z->name[0] ? z->name : NULL,
                z->action, z->priority, z->valid_from_unix_s,
                z->valid_until_unix_s, diag);
            if (rc)
                return rc;
            continue;
        }
        /* GeoJSON: load into a scratch set, then copy each feature into
         * the scenario's set with the scenario's properties */
        ln_geojson gj;
        rc = ln_geojson_read(z->file, 0, &gj, diag);
        if (!rc)
            rc = ln_geojson_check_ids(&gj, z->file, diag);
        if (rc) {
            ln_geojson_free(&gj);
            return rc;
        }
        size_t npolys = 0;
        for (size_t f = 0; f < gj.nfeatures; f++)
            npolys += gj.features[f].npolys;
        if (npolys == 0) { /* a zone that decides nothing: a wrong file */
            char path[40];
            size_t nf = gj.nfeatures;
            snprintf(path, sizeof path, "zones[%zu].file", i);
            ln_geojson_free(&gj);
            return ln_diag_set(diag, LN_EZONE, z->file, 0, 0, path,
                               "no polygons in the file (%zu features)",
                               nf);
        }
        for (size_t f = 0; f < gj.nfeatures; f++) {
            const ln_geojson_feature *ft = &gj.features[f];
            char id[LN_NAME_MAX * 2];
            if (z->id[0] && gj.nfeatures == 1)
                snprintf(id, sizeof id, "%s", z->id);
            else if (z->id[0])
                snprintf(id, sizeof id, "%s/%s", z->id, ft->id);
            else
                snprintf(id, sizeof id, "%s", ft->id);
            rc = ln_zoneset_add_polygons(
                e->zones, id, z->name[0] ? z->name : ft->name, z->action,
                z->priority, z->valid_from_unix_s, z->valid_until_unix_s,
                ft->polys, ft->npolys, 0, diag);
            if (rc) {
                /* name the file and the feature's member path */
                ln_diag d2 = *diag;
                char path[1100] = "";
                if (d2.path[0])
                    ln_geojson_feature_path(ft, d2.path, path, sizeof path);
                else /* the id: name the scenario's zone */
                    snprintf(path, sizeof path, "zones[%zu]", i);
                ln_diag_set(diag, rc, z->file, 0, 0, path[0] ? path : NULL,
                            "zone '%s': %s", id, d2.msg);
                ln_geojson_free(&gj);
                return rc;
            }
        }
        ln_geojson_free(&gj);
    }
    e->nzones_total = ln_zoneset_count(e->zones);
    rc = ln_policy_new(e->zones, sc->naccounts, &e->pol);
    if (rc)
        return ln_diag_set(diag, rc, NULL, 0, 0, NULL, "policy: %s",
                           ln_strerror(rc));
    for (size_t i = 0; i < sc->nevents; i++) {
        rc = ln_policy_add_event(e->pol, sc->events[i].t_unix_s,
                                 sc->events[i].account,
                                 sc->events[i].action);
        if (rc)
            return ln_diag_set(diag, rc, NULL, 0, 0, NULL, "policy: %s",
                               ln_strerror(rc));
    }
    return 0;
}

/* Places CSV (name,lat,lon,pop_max,...) -> weighted points. */
typedef struct places_rd {
    const char *file;
    double sigma_1m;
    ln_weight_point *p;
    size_t n, cap;
    int ilat, ilon, ipop;
    const char *pop_name;
    ln_diag *diag;
} places_rd;

/* One CSV record of a places file: the header, or a place. */
static int place_row(void *user, char **col, size_t nc, long line)
{
    places_rd *r = user;
    char why[160];
    if (r->ilat < 0) {
        const char *dup = ln_csv_col_dup(col, nc);
        if (dup)
            return ln_diag_set(r->diag, LN_ESCENARIO, r->file, line, 0, NULL,
                               "places: the header names the column '%s' "
                               "twice", dup);
        r->ilat = ln_csv_col(col, nc, "lat");
        r->ilon = ln_csv_col(col, nc, "lon");
        r->ipop = ln_csv_col(col, nc, "pop_max");
        r->pop_name = "pop_max";
        if (r->ipop < 0) {
            r->ipop = ln_csv_col(col, nc, "pop");
            r->pop_name = "pop";
        }
        if (r->ilat < 0 || r->ilon < 0 || r->ipop < 0)
            return ln_diag_set(r->diag, LN_ESCENARIO, r->file, line, 0, NULL,
                               "places: header needs lat, lon, pop_max");
        return 0;
    }
    if ((int)nc <= r->ilat || (int)nc <= r->ilon || (int)nc <= r->ipop)
        return ln_diag_set(r->diag, LN_ESCENARIO, r->file, line, 0, NULL,
                           "places: %zu fields, the header has more", nc);
    double lat, lon, pop;
    if (ln_csv_number(col[r->ilat], -90, 90, &lat, why, sizeof why))
        return ln_diag_set(r->diag, LN_ESCENARIO, r->file, line, 0, "lat",
                           "places: %s", why);
    if (ln_csv_number(col[r->ilon], -180, 180, &lon, why, sizeof why))
        return ln_diag_set(r->diag, LN_ESCENARIO, r->file, line, 0, "lon",
                           "places: %s", why);
    if (ln_csv_number(col[r->ipop], 0, LN_PLACE_POP_MAX, &pop, why,
                      sizeof why))
        return ln_diag_set(r->diag, LN_ESCENARIO, r->file, line, 0,
                           r->pop_name, "places: %s", why);
    if (pop <= 0)
        return 0;
    if (ln_grow((void **)&r->p, &r->cap, r->n + 1, sizeof *r->p))
        return LN_ENOMEM;
    /* a city's spread grows with the square root of its size */
    r->p[r->n++] = (ln_weight_point){lat * LN_DEG2RAD, lon * LN_DEG2RAD, pop,
                                     r->sigma_1m * sqrt(pop / 1e6) + 2.0};
    return 0;
}

int ln_sim_places_parse(const char *text, size_t len, const char *file,
                        double sigma_1m_km, ln_weight_point **out, size_t *n,
                        ln_diag *diag)
{
    places_rd r = {file, sigma_1m_km, NULL, 0, 0, -1, -1, -1, NULL, diag};
    *out = NULL;
    *n = 0;
    int rc = ln_csv_parse(text, len, file, place_row, &r, diag);
    if (!rc && r.ilat < 0)
        rc = ln_diag_set(diag, LN_ESCENARIO, file, 1, 0, NULL,
                         "places: empty file (header lat, lon, pop_max)");
    if (rc == LN_ENOMEM)
        ln_diag_set(diag, LN_ENOMEM, file, 0, 0, NULL, "out of memory");
    if (rc) {
        ln_free(r.p);
        return rc == LN_EPARSE ? LN_ESCENARIO : rc;
    }
    *out = r.p;
    *n = r.n;
    return 0;
}

typedef struct pos_key {
    ln_cell c;
    size_t k;
    double lon, lat;
    int acct, group;
} pos_key;

static int cmp_pos_key(const void *a, const void *b)
{
    const pos_key *x = a, *y = b;
    if (x->c != y->c)
        return x->c < y->c ? -1 : 1;
    return x->k < y->k ? -1 : x->k > y->k;
}

static int order_by_cell(ln__engine *e, size_t at, size_t cnt)
{
    pos_key *k = ln_malloc((cnt ? cnt : 1) * sizeof *k);
    if (!k)
        return LN_ENOMEM;
    for (size_t i = 0; i < cnt; i++) {
        k[i].k = i;
        k[i].lon = e->lon[at + i];
        k[i].lat = e->lat[at + i];
        k[i].acct = e->acct[at + i];
        k[i].group = e->group[at + i];
        ln_cell_from_latlon(k[i].lat, k[i].lon, e->sc->beam_res, &k[i].c);
    }
    qsort(k, cnt, sizeof *k, cmp_pos_key);
    for (size_t i = 0; i < cnt; i++) {
        e->lon[at + i] = k[i].lon;
        e->lat[at + i] = k[i].lat;
        e->acct[at + i] = k[i].acct;
        e->group[at + i] = k[i].group;
        e->beam[at + i] = k[i].c;
    }
    ln_free(k);
    return 0;
}

/* The cnt mobile units at..at+cnt-1 of group gr: track (round robin),
 * offset from it (Gaussian, spread_km), time shift (uniform, stagger_s),
 * all hashed from the group's seed, and the position at the start. */
static void place_mobile(ln__engine *e, const ln_sc_group *gr, size_t at,
                         size_t cnt)
{
    const ln_scenario *sc = e->sc;
    for (size_t i = 0; i < cnt; i++) {
        size_t t = at + i;
        uint64_t h = gr->seed * 0x9e3779b97f4a7c15ull + i;
        e->track[t] = (int)(i % gr->ntracks);
        double u1 = ln_hash_unit(h * 3 + 1), u2 = ln_hash_unit(h * 3 + 2);
        double r = gr->spread_km * sqrt(-2 * log(u1 > 1e-300 ? u1 : 1e-300));
        e->east_km[t] = r * cos(LN_TWOPI * u2);
        e->north_km[t] = r * sin(LN_TWOPI * u2);
        e->shift_s[t] = gr->stagger_s * ln_hash_unit(h * 3 + 3);
        const ln_sc_track *tr = &gr->tracks[e->track[t]];
        ln_track lt = {tr->n, tr->lat_rad, tr->lon_rad, tr->t_unix_s};
        ln_track_position(&lt, sc->start_unix_s, e->shift_s[t], e->east_km[t],
                          e->north_km[t], &e->lat[t], &e->lon[t]);
    }
}

static int setup_terminals(ln__engine *e, ln_diag *diag)
{
    const ln_scenario *sc = e->sc;
    long total = 0;
    for (size_t g = 0; g < sc->ngroups; g++)
        total += sc->groups[g].count;
    double scale = 1.0;
    if (e->opt.max_terminals > 0 && total > 0)
        scale = (double)e->opt.max_terminals / (double)total;
    long counts[4096];
    if (sc->ngroups > 4096)
        return ln_diag_set(diag, LN_ESCENARIO, NULL, 0, 0, NULL,
                           "too many terminal groups");
    size_t nt = 0;
    for (size_t g = 0; g < sc->ngroups; g++) {
        counts[g] = (long)llround(sc->groups[g].count * scale);
        nt += (size_t)counts[g];
    }
    e->nt = nt;
    ALLOC(e->lon, nt);
    ALLOC(e->lat, nt);
    ALLOC(e->site, nt);
    ALLOC(e->acct, nt);
    ALLOC(e->acct_nt, sc->naccounts);
    ALLOC(e->group, nt);
    ALLOC(e->track, nt);
    ALLOC(e->shift_s, nt);
    ALLOC(e->east_km, nt);
    ALLOC(e->north_km, nt);
    ALLOC(e->cell, nt);
    ALLOC(e->cell_row, nt);
    ALLOC(e->beam, nt);
    ALLOC(e->zone_at, nt);
    ALLOC(e->allowed, nt);
    ALLOC(e->status, nt);
    ALLOC(e->prev_status, nt);
    ALLOC(e->deny_zone, nt);
    ALLOC(e->out_zone, nt);
    ALLOC(e->dec, nt);
    ALLOC(e->demand_mbps, nt);
    ALLOC(e->dkey, nt);
    ALLOC(e->mobile, nt);
    ALLOC(e->tw_active, nt);
    ALLOC(e->tw_denied, nt);
    ALLOC(e->tw_outage, nt);
    e->cur_win = -1;
    for (size_t i = 0; i < nt; i++)
        e->dkey[i] = ln_meter_terminal_key(sc->seed, i);
    ALLOC(e->ever_denied_zone, nt);
    size_t at = 0;
    for (size_t g = 0; g < sc->ngroups; g++) {
        const ln_sc_group *gr = &sc->groups[g];
        size_t cnt = (size_t)counts[g];
        e->acct_nt[gr->account] += (long)cnt;
        for (size_t i = at; i < at + cnt; i++) {
            e->acct[i] = gr->account;
            e->group[i] = (int)g;
            e->track[i] = -1;
        }
        if (gr->kind == LN_TG_FIXED && cnt) {
            /* src/sim/place.c: the placement rule (docs/scenario.md) */
            int rc = ln__sim_place_group(sc, g, cnt, e->lat + at,
                                         e->lon + at, diag);
            if (rc)
                return rc;

        } else if (cnt) {
            place_mobile(e, gr, at, cnt);
        }
        at += cnt;
    }
    for (size_t i = 0; i < nt; i++)
        if (e->track[i] >= 0)
            e->mobile[e->nmobile++] = (int)i;
    /* order the fixed terminals by beam cell (then by group and draw), so
     * that each satellite's users come grouped by beam; mobile ones stay
     * at the end */
    size_t nfixed = 0;
    while (nfixed < nt && e->track[nfixed] < 0)
        nfixed++;
    if (order_by_cell(e, 0, nfixed))
        return LN_ENOMEM;
    /* sites, cells and cached decisions of fixed terminals */
    for (size_t i = 0; i < nt; i++) {
        ln_geodetic g = {e->lat[i], e->lon[i], 0.0};
        ln_site_prepare(&g, &e->site[i]);
        ln_cell_from_latlon(e->lat[i], e->lon[i], sc->map_res, &e->cell[i]);
        if (i >= nfixed) /* fixed ones: order_by_cell set it */
            ln_cell_from_latlon(e->lat[i], e->lon[i], sc->beam_res,
                                &e->beam[i]);
        e->status[i] = LN_REASON_NO_SAT;
        e->prev_status[i] = -1; /* no state yet: the first step is silent */
        if (ln_activity_row(e->act, e->cell[i], &e->cell_row[i]))
            return LN_ENOMEM;
    }
    return 0;
}

static int acc_alloc(ln__engine *e, ln_diag *diag);
static int usage_alloc(ln__engine *e, ln_diag *diag);

/* The laser mesh (link.isl): net's ln_mesh over the constellation and the
 * gateways; the engine reads its outputs in place (mesh_*). */
static int mesh_setup(ln__engine *e, ln_diag *diag)
{
    double *gs;
    ALLOC(gs, 3 * e->ngw);
    for (size_t g = 0; g < e->ngw; g++)
        memcpy(gs + 3 * g, e->gw[g].r_ecef, sizeof e->gw[g].r_ecef);
    ln_mesh_spec sp = {e->orbit, e->in_service, e->walker, e->nwalker,
                       e->sc->start_unix_s, e->nthreads, gs, e->ngw,
                       e->sc->gw_mask_rad};
    int rc = ln_mesh_new(&sp, &e->mesh, diag);
    ln_free(gs);
    if (rc)
        return rc;
    ln_mesh_info inf;
    ln_mesh_info_get(e->mesh, &inf);
    e->isl_rule = inf.isl_rule;
    e->nisl = inf.nisl;
    e->nlaser = inf.nlaser;
    const ln_mesh_out *mo = ln_mesh_outputs(e->mesh);
    e->mesh_km = mo->km;
    e->mesh_next = mo->next;
    e->mesh_gw = mo->gw;
    e->mesh_hops = mo->hops;
    return 0;
}

/* The link layer (src/link): satellites, gateways with their antennas,
 * the terminals' sites and beam cells; its per-terminal results are read
 * through views (sim_int.h). */
static int setup_link(ln__engine *e, ln_diag *diag)
{
    const ln_scenario *sc = e->sc;
    int *ant = ln_malloc((e->ngw ? e->ngw : 1) * sizeof *ant);
    if (!ant)
        return ln_diag_set(diag, LN_ENOMEM, NULL, 0, 0, NULL,
                           "out of memory");
    for (size_t g = 0; g < e->ngw; g++)
        ant[g] = sc->gateways[g].antennas;
    ln_link_config cfg = {
        .mask_rad = sc->mask_rad,
        .gw_mask_rad = sc->gw_mask_rad,
        .slot_scheduler = sc->scheduler == LN_SCHED_SLOT,
        .beams_per_sat = sc->beams_per_sat,
        .beam_capacity_mbps = sc->beam_capacity_mbps,
        .sat_capacity_mbps = sc->sat_capacity_mbps,
        .nthreads = e->nthreads,
        .nsat = e->nsat,
        .max_alt_km = e->max_alt_km,
        .ngw = e->ngw,
        .gw_site = e->gw,
        .gw_antennas = ant,
        .nt = e->nt,
        .site = e->site,
        .beam = e->beam,
    };
    int rc = ln_link_new(&cfg, &e->link);
    ln_free(ant);
    if (rc)
        return ln_diag_set(diag, rc, NULL, 0, 0, NULL, "link: %s",
                           ln_strerror(rc));
    ln_link_results r = ln_link_results_of(e->link);
    e->serving = r.serving;
    e->covered = r.covered;
    e->handover = r.handover;
    e->rate_mbps = r.rate_mbps;
    e->rtt_ms = r.rtt_ms;
    e->term_hops = r.hops;
    e->sat_ngw = ln_link_gateways_visible(e->link).n;
    return 0;
}

static int setup(ln__engine *e, ln_diag *diag)
{
    const ln_scenario *sc = e->sc;
    int rc;
    /* counts that fit their types, and memory that fits the machine,
     * before any work (size.c) */
    ln_sim_size size;
    if ((rc = ln_sim_estimate(sc, &e->opt, &size, diag)))
        return rc;
    e->nsteps = (long)floor(sc->duration_s / sc->step_s + 1e-9);
    if (e->opt.duration_s > 0)
        e->nsteps = (long)floor(e->opt.duration_s / sc->step_s + 1e-9);
    if (e->nsteps < 1)
        e->nsteps = 1;
    e->nwin = (long)ceil(e->nsteps * sc->step_s / sc->window_s - 1e-9);
    if (e->nwin < 1)
        e->nwin = 1;
    ln_activity_spec as = {sc->name, sc->map_res, e->nwin, sc->window_s,
                           sc->start_unix_s, sc->window_s / sc->step_s};
    if ((rc = ln_activity_new(&as, &e->act)))
        return ln_diag_set(diag, rc, NULL, 0, 0, "outputs",
                           "activity map: %s", ln_strerror(rc));
    if ((rc = load_constellation(e, diag)))
        return rc;
    if ((rc = load_zones(e, diag)))
        return rc;
    /* gateways */
    e->ngw = sc->ngateways;
    ALLOC(e->gw, e->ngw);
    for (size_t g = 0; g < e->ngw; g++) {
        ln_geodetic gd = {sc->gateways[g].lat_rad, sc->gateways[g].lon_rad,
                          0.0};
        ln_site_prepare(&gd, &e->gw[g]);
    }
    ALLOC(e->sat_ok, e->nsat);
    if (sc->isl && (rc = mesh_setup(e, diag)))
        return rc;
    if ((rc = setup_terminals(e, diag)))
        return rc;
    /* the activity map reads at most LN_SIM_MAX_MAP_CELLS cells: a run
     * that has more before its first step would fail after its last */
    if (ln_activity_ncells(e->act) > (size_t)LN_SIM_MAX_MAP_CELLS)
        return ln_diag_set(diag, LN_ESCENARIO, NULL, 0, 0, "outputs.map_res",
                           "the terminals fall in %zu map cells at "
                           "resolution %d, more than the %ld the activity "
                           "map reads (lower map_res)",
                           ln_activity_ncells(e->act),
                           sc->map_res, LN_SIM_MAX_MAP_CELLS);
    e->slot_steps = 1;
    if (sc->scheduler == LN_SCHED_SLOT) {
        e->slot_steps = lround(sc->slot_s / sc->step_s);
        if (e->slot_steps < 1)
            e->slot_steps = 1;
    }
    if ((rc = setup_link(e, diag)))
        return rc;
    ALLOC(e->per_acct, sc->naccounts);
    ALLOC(e->per_zone, e->nzones_total + 1);
    ALLOC(e->map_kind, e->nmobile);
    if ((rc = acc_alloc(e, diag)))
        return rc;
    if ((rc = usage_alloc(e, diag)))
        return rc;
    ln_activity_set_frame(e->act, e->nt, e->lat, e->lon);
    return 0;
}

/* ---- one step ---------------------------------------------------------- */

/* Which zone's area holds a point (for per-zone statistics): the deciding
 * zone of the decision, whatever its action. */
static void decide(const ln__engine *e, size_t i, double t,
                   ln_policy_decision *d)
{
    *d = ln_policy_decide(e->pol, e->acct[i], e->lat[i], e->lon[i], t);
}

static void satellites_step(ln__engine *e, double t)
{
    const ln_orbit_at at = {.t_unix_s = t};
    ln_orbit_step(e->orbit, &at, e->in_service, &e->pv, e->usable,
                  e->nthreads);
    ln_link_sky(e->link, e->pv.x, e->pv.y, e->pv.z, e->usable);
    if (e->sc->isl) {
        ln_mesh_reach(e->mesh, &e->pv, e->usable, e->sat_ngw);
        memcpy(e->sat_ok, ln_mesh_outputs(e->mesh)->sat_ok, e->nsat);
    }
}

/* Step 3-4 for one terminal: move it (mobile) and decide; writes only
 * terminal i's slots. */
static void terminal_move_decide(ln__engine *e, size_t i, double t,
                                 int refresh_fixed)
{
    const ln_scenario *sc = e->sc;
    if (e->track[i] >= 0) {
        const ln_sc_track *tr = &sc->groups[e->group[i]].tracks[e->track[i]];
        ln_track lt = {tr->n, tr->lat_rad, tr->lon_rad, tr->t_unix_s};
        ln_track_position(&lt, t, e->shift_s[i], e->east_km[i],
                          e->north_km[i], &e->lat[i], &e->lon[i]);
        ln_geodetic g = {e->lat[i], e->lon[i], 0.0};
        ln_site_prepare(&g, &e->site[i]);
        ln_cell_from_latlon(e->lat[i], e->lon[i], sc->map_res, &e->cell[i]);
        if (sc->beam_res == sc->map_res)
            e->beam[i] = e->cell[i];
        else
            ln_cell_from_latlon(e->lat[i], e->lon[i], sc->beam_res,
                                &e->beam[i]);
        decide(e, i, t, &e->dec[i]);
    } else if (refresh_fixed) {
        decide(e, i, t, &e->dec[i]);
    }
    e->allowed[i] = (unsigned char)e->dec[i].allowed; /* link's input */
}

/* The engine's part of a step inside link's loops (ln_link_hooks). */
typedef struct link_step {
    ln__engine *e;
    double t;
    long step;
} link_step;

/* ln_link_hooks' each: terminal i's status this step, the policy's
 * reason when denied, else link's outcome (the same values: policy.h);
 * the zones it counts in; its demand (meter's model) when served. */
static void terminal_linked(void *user, size_t i, int outcome)
{
    const link_step *ls = user;
    ln__engine *e = ls->e;
    const ln_scenario *sc = e->sc;
    const ln_policy_decision *d = &e->dec[i];
    e->zone_at[i] = d->zone;
    e->demand_mbps[i] = 0;
    if (!d->allowed) {
        e->status[i] = (int8_t)d->reason;
        e->deny_zone[i] = d->reason == LN_REASON_ZONE ? (int32_t)d->zone : -1;
        return;
    }
    e->status[i] = (int8_t)outcome;
    e->deny_zone[i] = -1;
    if (outcome == LN_LINK_OK)
        e->demand_mbps[i] = ln_meter_demand_keyed(
            &sc->plans[sc->accounts[e->acct[i]].plan], e->dkey[i],
            (uint64_t)ls->step, ls->t, e->lon[i]);
}

/* ln_link_hooks' side: the mesh's shortest paths (net's ln_mesh_route). */
static void isl_route_side(void *user)
{
    const link_step *ls = user;
    ln_mesh_route(ls->e->mesh);
}

/* Adds terminal i's step to two slices (its account's and its zone's):
 * the values are worked out once. */
static void count2(ln__counters *c1, ln__counters *c2, const ln__engine *e,
                   size_t i, uint64_t bytes, uint64_t dbytes)
{
    unsigned cov = e->covered[i], ho = e->handover[i];
    int st = e->status[i];
    ln__counters *cs[2] = {c1, c2};
    if (st != LN_REASON_NONE) {
        for (int k = 0; k < 2; k++) {
            ln__counters *c = cs[k];
            c->terminal_steps++;
            c->covered_steps += cov;
            c->handovers += ho;
            c->outage_steps[st]++;
        }
        return;
    }
    int hops = e->term_hops[i];
    unsigned cong = e->rate_mbps[i] < e->demand_mbps[i] * (1 - 1e-9);
    long b = (long)(e->rtt_ms[i] / LN_LAT_BIN_MS);
    b = b < LN_LAT_BINS ? b : LN_LAT_BINS;
    for (int k = 0; k < 2; k++) {
        ln__counters *c = cs[k];
        c->terminal_steps++;
        c->covered_steps += cov;
        c->handovers += ho;
        c->served_steps++;
        if (hops > 0) {
            c->isl_steps++;
            c->isl_hops += (uint64_t)hops;
        }
        c->bytes += bytes;
        c->demand_bytes += dbytes;
        c->congested_steps += cong;
        c->lat_hist[b]++;
    }
}

/* llround(x) for the byte counts: exact (x - trunc(x) is exact below
 * 2^52), without the library call. */
static inline uint64_t round_bytes(double x)
{
    if (!(x >= 0 && x < 4503599627370496.0))
        return (uint64_t)llround(x);
    uint64_t r = (uint64_t)x;
    return r + (x - (double)r >= 0.5);
}

static int push_event(ln__engine *e, double t, size_t i, int lost,
                      int reason, int zone)
{
    if (e->nev == LN_EV_CHUNK) {
        /* spill to a temporary file: memory stays flat however long the
         * run (report.c reads them back in order) */
        if (!e->events_f && !(e->events_f = tmpfile()))
            return LN_EIO;
        if (fwrite(e->ev, sizeof *e->ev, e->nev, e->events_f) != e->nev)
            return LN_EIO;
        e->nev_spilled += e->nev;
        e->nev = 0;
    }
    if (e->nev == e->cap_ev) {
        size_t nc = e->cap_ev ? e->cap_ev * 2 : 4096;
        ln__event *ne = ln_realloc(e->ev, nc * sizeof *ne);
        if (!ne)
            return LN_ENOMEM;
        e->ev = ne;
        e->cap_ev = nc;
    }
    /* positions are rounded to 0.01 deg (~1 km) in events */
    e->ev[e->nev++] = (ln__event){
        t, (int32_t)i, (int8_t)lost, (int8_t)reason, (int32_t)zone,
        (float)(round(e->lat[i] * LN_RAD2DEG * 100) / 100),
        (float)(round(e->lon[i] * LN_RAD2DEG * 100) / 100)};
    return 0;
}

/* One thread's partial sums (see ln__engine.acc). */
typedef struct ln__acc {
    ln__counters *per_acct;  /* naccounts */
    ln__counters *per_zone;  /* nzones_total + 1 */
} ln__acc;

static int acc_alloc(ln__engine *e, ln_diag *diag)
{
    const ln_scenario *sc = e->sc;
    ALLOC(e->acc, e->nthreads);
    for (int t = 0; t < e->nthreads; t++) {
        ALLOC(e->acc[t].per_acct, sc->naccounts);
        ALLOC(e->acc[t].per_zone, e->nzones_total + 1);
    }
    return 0;
}

/* The usage accumulator (meter): the accounts' plans, the terminals'
 * accounts, the run's span; and the scratch of a step's bytes per
 * terminal that account_step hands it. */
static int usage_alloc(ln__engine *e, ln_diag *diag)
{
    const ln_scenario *sc = e->sc;
    int *plan;
    ALLOC(plan, sc->naccounts);
    for (size_t a = 0; a < sc->naccounts; a++)
        plan[a] = sc->accounts[a].plan;
    ln_usage_config c = {.plans = sc->plans,
                         .nplans = sc->nplans,
                         .account_plan = plan,
                         .naccounts = sc->naccounts,
                         .terminal_account = e->acct,
                         .nterminals = e->nt,
                         .nsats = e->nsat,
                         .start_unix_s = sc->start_unix_s,
                         .span_s = e->nsteps * sc->step_s,
                         .cts = sc->cts,
                         .sat_capacity_mbps = sc->sat_capacity_mbps};
    int rc = ln_usage_new(&c, &e->usage);
    ln_free(plan);
    if (rc)
        return ln_diag_set(diag, rc, NULL, 0, 0, NULL, "usage: %s",
                           ln_strerror(rc));
    ALLOC(e->step_bytes, e->nt);
    return 0;
}

static void counters_add(ln__counters *d, const ln__counters *s)
{
    d->terminal_steps += s->terminal_steps;
    d->covered_steps += s->covered_steps;
    d->served_steps += s->served_steps;
    d->congested_steps += s->congested_steps;
    for (int r = 0; r < LN_REASON_COUNT_; r++)
        d->outage_steps[r] += s->outage_steps[r];
    d->handovers += s->handovers;
    d->isl_steps += s->isl_steps;
    d->isl_hops += s->isl_hops;
    d->bytes += s->bytes;
    d->demand_bytes += s->demand_bytes;
    for (int b = 0; b <= LN_LAT_BINS; b++)
        d->lat_hist[b] += s->lat_hist[b];
}

/* Adds every thread's partial sums into the engine's totals. */
static void acc_merge(ln__engine *e)
{
    const ln_scenario *sc = e->sc;
    for (int t = 0; t < e->nthreads && e->acc; t++) {
        const ln__acc *a = &e->acc[t];
        /* every terminal-step is in exactly one account: the total is
         * their sum */
        for (size_t k = 0; k < sc->naccounts; k++)
            counters_add(&e->total, &a->per_acct[k]);
        for (size_t k = 0; k < sc->naccounts; k++)
            counters_add(&e->per_acct[k], &a->per_acct[k]);
        for (size_t z = 0; z <= e->nzones_total; z++)
            counters_add(&e->per_zone[z], &a->per_zone[z]);
    }
}

static void acc_free(ln__engine *e)
{
    for (int t = 0; t < e->nthreads && e->acc; t++) {
        ln_free(e->acc[t].per_acct);
        ln_free(e->acc[t].per_zone);
    }
    ln_free(e->acc);
    e->acc = NULL;
}

/* Step 7. Counters and usage in parallel (per-thread integer sums); the
 * map cells, window totals and events in a serial pass in terminal order
 * (events are written in that order). */
/* Adds the fixed terminals' counts of window w to the map (mobile ones
 * count nothing here) and clears them. */
static void flush_window(ln__engine *e, long w)
{
    if (w < 0)
        return;
    ln_activity_add_rows(e->act, w, e->nt, e->cell_row, e->tw_active,
                         e->tw_denied, e->tw_outage);
    memset(e->tw_active, 0, e->nt * sizeof *e->tw_active);
    memset(e->tw_denied, 0, e->nt * sizeof *e->tw_denied);
    memset(e->tw_outage, 0, e->nt * sizeof *e->tw_outage);
}

static int account_step(ln__engine *e, double t)
{
    const ln_scenario *sc = e->sc;
    long win = (long)((t - sc->start_unix_s) / sc->window_s);
    if (win >= e->nwin)
        win = e->nwin - 1;
    if (win != e->cur_win) {
        flush_window(e, e->cur_win);
        e->cur_win = win;
    }
    long nt = (long)e->nt;
    ln_usage_day(e->usage, t);
#pragma omp parallel num_threads(e->nthreads)
    {
        int th = omp_get_thread_num();
        ln__acc *ac = &e->acc[th < e->nthreads ? th : 0];
#pragma omp for schedule(dynamic, 1024)
        for (long il = 0; il < nt; il++) {
            size_t i = (size_t)il;
            uint64_t bytes = 0, dbytes = 0;
            if (e->status[i] == LN_REASON_NONE) {
                bytes = round_bytes(e->rate_mbps[i] * 1e6 / 8 * sc->step_s);
                dbytes = round_bytes(e->demand_mbps[i] * 1e6 / 8 *
                                     sc->step_s);
            }
            int a = e->acct[i];
            int z = e->zone_at[i];
            count2(&ac->per_acct[a],
                   &ac->per_zone[z >= 0 ? (size_t)z : e->nzones_total], e, i,
                   bytes, dbytes);
            e->step_bytes[i] = bytes;
            if (e->track[i] < 0) { /* map counts of the window */
                int st = e->status[i];
                if (st == LN_REASON_NONE)
                    e->tw_active[i]++;
                else if (st == LN_REASON_NO_SAT || st == LN_REASON_NO_GW)
                    e->tw_outage[i]++;
                else
                    e->tw_denied[i]++;
            }
            if (e->status[i] == LN_REASON_ZONE && e->deny_zone[i] >= 0 &&
                !e->ever_denied_zone[i])
                e->ever_denied_zone[i] = e->deny_zone[i] + 1;
        }
    }
    ln_usage_add_range(e->usage, 0, e->nt, e->step_bytes);
    ln_usage_serve(e->usage, e->serving, e->status, sc->step_s);
    /* mobile terminals on the map: their cell may be new */
    for (size_t m = 0; m < e->nmobile; m++) {
        int st = e->status[e->mobile[m]];
        e->map_kind[m] = st == LN_REASON_NONE ? LN_ACTIVITY_ACTIVE
                         : st == LN_REASON_NO_SAT || st == LN_REASON_NO_GW
                             ? LN_ACTIVITY_OUTAGE
                             : LN_ACTIVITY_DENIED;
    }
    if (ln_activity_add_units(e->act, win, e->nmobile, e->mobile, e->cell,
                              e->map_kind))
        return LN_ENOMEM;
    for (size_t i = 0; i < e->nt; i++) {
        int st = e->status[i];
        /* events: transitions between served and an outage reason */
        int prev = e->prev_status[i];
        if (prev >= 0 && prev != st) {
            int rc = 0;
            if (prev == LN_REASON_NONE)
                rc = push_event(e, t, i, 1, st, e->deny_zone[i]);
            else if (st == LN_REASON_NONE)
                rc = push_event(e, t, i, 0, prev, e->out_zone[i]);
            else { /* reason changed while out: end one, start another */
                rc = push_event(e, t, i, 0, prev, e->out_zone[i]);
                if (!rc)
                    rc = push_event(e, t, i, 1, st, e->deny_zone[i]);
            }
            if (rc)
                return rc;
        } else if (prev < 0 && st != LN_REASON_NONE) {
            /* out of service from the start: one "lost" at t0 */
            int rc = push_event(e, t, i, 1, st, e->deny_zone[i]);
            if (rc)
                return rc;
        }
        /* the zone a later "restored" names: that of the loss */
        if (st != LN_REASON_NONE && (prev != st || prev < 0))
            e->out_zone[i] = e->deny_zone[i];
        e->prev_status[i] = (int8_t)st;
    }
    return 0;
}

/* Zone validity boundaries: fixed terminals are re-decided when the time
 * crosses one, or when a policy event applies. */
static double next_zone_change(const ln__engine *e, double t)
{
    double best = INFINITY;
    for (size_t z = 0; z < e->nzones_total; z++) {
        const ln_zone_info *zi = ln_zoneset_zone(e->zones, z);
        if (zi->valid_from_unix_s > t && zi->valid_from_unix_s < best)
            best = zi->valid_from_unix_s;
        if (zi->valid_until_unix_s > t && zi->valid_until_unix_s < best)
            best = zi->valid_until_unix_s;
    }
    return best;
}

/* The sub-satellite points of window w (when it has none yet). */
static int record_subsat(ln__engine *e, long w)
{
    return ln_activity_add_sats(e->act, w, e->nsat, e->pv.x, e->pv.y,
                                e->pv.z, e->usable);
}

/* The map's pictures and page, drawn from the run's aggregate into the
 * output set. */
static int render_map(ln__engine *e, ln_outset *os, ln_diag *diag)
{
    ln_activity_options ao;
    ln_activity_options_init(&ao);
    ao.quiet = 1;
    ao.frames = e->opt.frames;
    ao.animate = e->opt.animate;
    ao.outset = os;
    ao.data_dir = e->opt.data_dir;
    return ln_activity_render(e->act, ln_outset_stage(os), &ao, diag);
}

static void engine_free(ln__engine *e)
{
    if (e->events_f)
        fclose(e->events_f);
    acc_free(e);
    ln_free(e->els);
    ln_orbit_free(e->orbit);
    ln_free(e->in_service);
    ln_free(e->usable);
    ln_free(e->pvbuf);
    ln_free(e->perr);
    ln_link_free(e->link);
    ln_free(e->gw);
    ln_free(e->sat_ok);
    ln_mesh_free(e->mesh);
    ln_policy_free(e->pol);
    ln_zoneset_free(e->zones);
    ln_activity_free(e->act);
    void *arrs[] = {e->lon, e->lat, e->site, e->acct, e->acct_nt, e->group, e->track,
                    e->shift_s, e->east_km, e->north_km, e->cell, e->beam,
                    e->zone_at, e->allowed, e->cell_row,
                    e->map_kind, e->status, e->prev_status,
                    e->deny_zone, e->out_zone, e->dec, e->demand_mbps,
                    e->dkey, e->mobile, e->tw_active,
                    e->tw_denied, e->tw_outage, e->ever_denied_zone,
                    e->per_acct, e->per_zone, e->ev};
    for (size_t k = 0; k < sizeof arrs / sizeof arrs[0]; k++)
        ln_free(arrs[k]);
    ln_usage_free(e->usage);
    ln_free(e->step_bytes);
}

int ln_sim_run(const ln_scenario *sc, const ln_sim_options *opt,
               ln_sim_stats *st, ln_diag *diag)
{
    ln__engine e;
    memset(&e, 0, sizeof e);
    e.sc = sc;
    if (opt)
        e.opt = *opt;
    else
        e.opt.write_outputs = 1;
    e.nthreads = e.opt.nthreads > 0 ? e.opt.nthreads : ln_ncpu();
    ln_diag_clear(diag);
    int rc = setup(&e, diag);
    if (rc) {
        engine_free(&e);
        return rc;
    }
    ln_outset *os = NULL;
    if (e.opt.write_outputs) {
        const char *dir = e.opt.out_dir ? e.opt.out_dir : sc->out_dir;
        if ((rc = ln_outset_open(dir, &os, diag))) {
            engine_free(&e);
            return rc;
        }
    }
    ln_progress *pg = e.opt.quiet ? NULL
                                  : ln_progress_new("leonet run",
                                                    (uint64_t)e.nsteps);
    double t0 = ln_time_mono_s();
    double zone_change = -INFINITY;
    long nt = (long)e.nt;
    /* opt.phases: wall time per phase of the step on stderr */
    int phases = e.opt.phases;
    double ph[8] = {0};
#define PHASE(k_)                                                      \
    do {                                                               \
        if (phases) {                                                  \
            double t_ = ln_time_mono_s();                                       \
            ph[k_] += t_ - tp;                                         \
            tp = t_;                                                   \
        }                                                              \
    } while (0)
    for (long k = 0; k < e.nsteps && !rc; k++) {
        if (ln_cancel_requested()) {
            rc = LN_ECANCELED_;
            break;
        }
        double tp = phases ? ln_time_mono_s() : 0;
        double t = sc->start_unix_s + k * sc->step_s;
        satellites_step(&e, t);
        PHASE(0);
        int refresh = k == 0;
        if (ln_policy_advance(e.pol, t) > 0)
            refresh = 1;
        if (t >= zone_change) {
            refresh = 1;
            zone_change = next_zone_change(&e, t);
        }
        /* fixed terminals are decided again only when the policy or a
         * zone's validity changes; mobile ones move and are decided at
         * every step */
        long nmob = (long)e.nmobile;
        if (refresh) {
#pragma omp parallel for schedule(dynamic, 512) num_threads(e.nthreads)
            for (long i = 0; i < nt; i++)
                terminal_move_decide(&e, (size_t)i, t, 1);
        } else {
#pragma omp parallel for schedule(dynamic, 8) num_threads(e.nthreads)
            for (long m = 0; m < nmob; m++)
                terminal_move_decide(&e, (size_t)e.mobile[m], t, 0);
        }
        /* mobile terminals may enter new candidate areas */
        if (!rc)
            rc = ln_link_track(e.link, e.mobile, e.nmobile);
        PHASE(1);
        /* the laser mesh's results for link (net's ln_mesh) */
        const ln_link_mesh mesh = {e.sat_ok, e.mesh_next, e.mesh_gw,
                                   e.mesh_km, e.mesh_hops};
        const ln_link_mesh *mp = sc->isl ? &mesh : NULL;
        /* slot scheduler: slots start at the scenario's start */
        int slot = sc->scheduler == LN_SCHED_SLOT && k % e.slot_steps == 0;
        ln_link_areas(e.link, mp, slot);
        PHASE(2);
        /* the mesh's shortest paths are computed by one thread while
         * the others link terminals (which only need the reach flags) */
        link_step ls = {&e, t, k};
        const ln_link_hooks hooks = {sc->isl ? isl_route_side : NULL,
                                     terminal_linked, &ls};
        ln_link_serve(e.link, mp, e.allowed, slot, &hooks);
        PHASE(3);
        long w = (long)((t - sc->start_unix_s) / sc->window_s + 1e-9);
        if (!rc && w < e.nwin && fabs(sc->start_unix_s + w * sc->window_s - t) <
                                     0.5 * sc->step_s)
            rc = record_subsat(&e, w);
        ln_link_gateways(e.link, mp, slot);
        PHASE(4);
        ln_link_capacity(e.link, mp, e.demand_mbps, &hooks);
        PHASE(5);
        rc = rc ? rc : account_step(&e, t); /* rc: record_subsat's */
        PHASE(6);
        ln_progress_update(pg, (uint64_t)k + 1);
    }
#undef PHASE
    if (phases) {
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        fprintf(stderr,
                "phases (s): satellites %.3f move+decide %.3f areas %.3f "
                "link %.3f gateways %.3f capacity %.3f account %.3f; "
                "max RSS at the end of the loop %ld KB\n",
                ph[0], ph[1], ph[2], ph[3], ph[4], ph[5], ph[6],
                (long)ru.ru_maxrss);
    }
    e.wall_s = ln_time_mono_s() - t0;
    flush_window(&e, e.cur_win);
    acc_merge(&e);

    ln_progress_free(pg);
    if (rc) {
        ln_diag_set(diag, rc == LN_ECANCELED_ ? LN_EIO : rc, NULL, 0, 0,
                    NULL, "%s",
                    rc == LN_ECANCELED_
                        ? "interrupted by a signal: no output written"
                    : rc == LN_EIO ? "cannot write the events' temporary file"
                                   : ln_strerror(rc));
        ln_outset_abort(os);
        engine_free(&e);
        return rc == LN_ECANCELED_ ? LN_EIO : rc;
    }
    if (os) {
        rc = ln__sim_write_outputs(&e, os, diag);
        if (!rc)
            rc = render_map(&e, os, diag);
        if (!rc && ln_cancel_requested())
            rc = ln_diag_set(diag, LN_EIO, ln_outset_dir(os), 0, 0, NULL,
                             "interrupted by a signal: no output written");
        if (rc) {
            ln_outset_abort(os);
        } else {
            static const char *const all[] = {"*", NULL};
            rc = ln_outset_commit(os, all, diag);
        }
    }
    if (!rc && !e.opt.quiet)
        ln__sim_print_summary(&e, stdout);
    if (st) {
        st->satellites = (long)e.nsat;
        st->in_service = e.n_in_service;
        st->terminals = (long)e.nt;
        st->steps = e.nsteps;
        st->terminal_steps = (double)e.nt * (double)e.nsteps;
        st->wall_s = e.wall_s;
        st->availability = e.total.terminal_steps
                               ? (double)e.total.served_steps /
                                     (double)e.total.terminal_steps
                               : 0;
        st->annual_cost_usd =
            ln_usage_annual_cost(e.usage, -1, e.nsteps * sc->step_s, NULL);
    }
    engine_free(&e);
    return rc;
}
