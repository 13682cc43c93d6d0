/*
 * setup.c - the engine's setup from a scenario (ln__sim_setup), before the
 * first step of `leonet run`, and its release (ln__sim_engine_free):
 *   load_constellation  TLEs or the Walker shell; orbit's batch handle
 *   load_zones          policy's zone set, accounts, the policy handle
 *   ln_sim_places_parse the places files of terminal groups (CSV)
 *   setup_terminals     every terminal placed (place_mobile for mobile
 *                       units), ordered by map cell (order_by_cell)
 *   mesh_setup          net's ln_mesh when link.isl is on
 *   setup_link          link's ln_link over terminals, gateways, beams
 *   usage_alloc         meter's ln_usage accumulator
 * Memory: everything the step loop uses is allocated here, once
 * (size.c estimates it first); ln__sim_engine_free frees it all, from any
 * point of a failed setup.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "leonet/activity.h"
#include "sim/place.h"
#include "sim/sim_int.h"
#include "sim/sim_trust.h"

static int usage_alloc(ln__engine *e, ln_diag *diag);

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
        ln_track_position(&lt, sc->start_unix_s, e->shift_s[t],
                          e->east_km[t], e->north_km[t], &e->lat[t],
                          &e->lon[t]);
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
        return ln_diag_set(diag, LN_ENOMEM, NULL, 0, 0, NULL,
                           "out of memory ordering %zu terminals by cell",
                           nfixed);
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
            return ln_diag_set(diag, LN_ENOMEM, NULL, 0, 0, NULL,
                               "out of memory adding the map's cells");
    }
    return 0;
}

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
        .part_first = e->lo,
        .part_count = e->hi - e->lo,
        .part = e->mpi ? &e->part : NULL,
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

int ln__sim_setup(ln__engine *e, ln_diag *diag)
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
    /* contracts: the change requests decided, protected terminals */
    if ((rc = ln__sim_trust_setup(e, diag)))
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
    /* this rank's terminals (all with one process) */
    e->lo = 0;
    e->hi = e->nt;
    if (e->mpi) {
        ln__sim_mpi_set_n(e->mpi, e->nt);
        ln__sim_mpi_block(e->mpi, e->nt, &e->lo, &e->hi);
        e->part = (ln_link_part){ln__sim_mpi_gather, e->mpi};
    }
    e->mob_lo = 0;
    while (e->mob_lo < e->nmobile && (size_t)e->mobile[e->mob_lo] < e->lo)
        e->mob_lo++;
    e->mob_hi = e->mob_lo;
    while (e->mob_hi < e->nmobile && (size_t)e->mobile[e->mob_hi] < e->hi)
        e->mob_hi++;
    if ((rc = setup_link(e, diag)))
        return rc;
    ALLOC(e->per_acct, sc->naccounts);
    ALLOC(e->per_zone, e->nzones_total + 1);
    ALLOC(e->map_kind, e->nmobile);
    if ((rc = ln__sim_acc_alloc(e, diag)))
        return rc;
    if ((rc = usage_alloc(e, diag)))
        return rc;
    ln_activity_set_frame(e->act, e->nt, e->lat, e->lon);
    return 0;
}

/* The usage accumulator (meter): the accounts' plans, the terminals'
 * accounts, the run's span; and the scratch of a step's bytes per
 * terminal that ln__sim_account_step hands it. */
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

void ln__sim_engine_free(ln__engine *e)
{
    if (e->events_f)
        fclose(e->events_f);
    ln__sim_acc_free(e);
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
    void *arrs[] = {e->lon, e->lat, e->site, e->acct, e->acct_nt,
                    e->group, e->track,
                    e->shift_s, e->east_km, e->north_km, e->cell, e->beam,
                    e->zone_at, e->allowed, e->cell_row, e->tflags,
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
