/*
 * engine.c - the time-stepped simulation (`leonet run`): setup from a
 * scenario, then per step the data path of docs/DESIGN.md:
 *   1 propagate every satellite (batch SGP4) and rotate to ECEF
 *   2 index the sub-satellite points; find each satellite's gateways
 *   3 move mobile terminals
 *   4 authorize each terminal (policy: kill switch, account, zones)
 *   5 keep the serving satellite while it is above the mask and reaches a
 *     gateway, else hand over to the best one (highest elevation among
 *     those that reach a gateway; ties to the lower satellite index); with
 *     link.scheduler "slot", at each slot every terminal is assigned
 *     afresh (search_top, then slot_assign: serial, in beam-cell order)
 *   6 assign gateway antennas (bent pipe, then mesh exits); share
 *     satellite and beam capacity
 *   7 meter bytes, count outages by reason, aggregate the activity map
 *
 * Threads: steps 3-5 run in parallel over terminals (each writes only its
 * own slots); 6 and 7 are serial passes in terminal order with integer
 * accumulators, so outputs are identical for any thread count.
 * Memory: everything is allocated in setup; the loop allocates only when a
 * mobile terminal enters a map cell never seen before, and for events.
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

/* ---- map cells: a set that grows, in order of first appearance -------
 * An open-addressing hash table (linear probing) maps a cell id to its
 * row; rows never move, so fixed terminals keep their row index. */

static size_t hslot(ln_cell c, size_t mask)
{
    return (size_t)ln_hash64(c) & mask;
}

/* Row of a map cell in the cell hash, or -1. */
static long cell_index(const ln__engine *e, ln_cell c)
{
    if (!e->hcap)
        return -1;
    size_t mask = e->hcap - 1;
    for (size_t h = hslot(c, mask);; h = (h + 1) & mask) {
        if (e->htab[h] < 0)
            return -1;
        if (e->cells[e->htab[h]] == c)
            return e->htab[h];
    }
}

static int hash_rebuild(ln__engine *e, size_t cap)
{
    long *nt = ln_malloc(cap * sizeof *nt);
    if (!nt)
        return LN_ENOMEM;
    for (size_t k = 0; k < cap; k++)
        nt[k] = -1;
    for (size_t r = 0; r < e->ncells; r++) {
        size_t h = hslot(e->cells[r], cap - 1);
        while (nt[h] >= 0)
            h = (h + 1) & (cap - 1);
        nt[h] = (long)r;
    }
    ln_free(e->htab);
    e->htab = nt;
    e->hcap = cap;
    return 0;
}

/* Row of a cell, added when new; -1 when out of memory. */
static long cell_insert(ln__engine *e, ln_cell c)
{
    long r = cell_index(e, c);
    if (r >= 0)
        return r;
    if (e->ncells == e->cap_cells) {
        size_t nc = e->cap_cells ? e->cap_cells * 2 : 1024;
        ln_cell *ncl = ln_realloc(e->cells, nc * sizeof *ncl);
        if (!ncl)
            return -1;
        e->cells = ncl;
        ln__cellwin *ncw = ln_realloc(e->cw, nc * (size_t)e->nwin *
                                                 sizeof *ncw);
        if (!ncw)
            return -1;
        e->cw = ncw;
        e->cap_cells = nc;
    }
    if (2 * (e->ncells + 1) > e->hcap &&
        hash_rebuild(e, e->hcap ? 2 * e->hcap : 4096))
        return -1;
    r = (long)e->ncells++;
    e->cells[r] = c;
    memset(e->cw + (size_t)r * (size_t)e->nwin, 0,
           (size_t)e->nwin * sizeof *e->cw);
    size_t mask = e->hcap - 1;
    size_t h = hslot(c, mask);
    while (e->htab[h] >= 0)
        h = (h + 1) & mask;
    e->htab[h] = r;
    return r;
}

/* ---- candidate areas ---------------------------------------------------- */

/* Reallocates array p to count elements (p unchanged on failure): 0 or
 * -1. Needs a `void *grow_tmp` in scope. */
#define GROW(p, count)                                                     \
    ((grow_tmp = ln_realloc((p), (count) * sizeof *(p))) != NULL           \
         ? ((p) = grow_tmp, 0)                                             \
         : -1)

/* Index of the area holding a cell (added when new); -1 out of memory.
 * hint: an area to try first (the terminal's current one, or the previous
 * terminal's: fixed terminals come sorted by cell), or -1. */
static long region_of(ln__engine *e, ln_cell c, long hint)
{
    ln_cell p;
    int res = ln_cell_res(c) < LN_REG_RES ? ln_cell_res(c) : LN_REG_RES;
    if (ln_cell_parent(c, res, &p))
        return -1;
    if (hint >= 0 && (size_t)hint < e->nreg && e->reg_cell[hint] == p)
        return hint;
    for (size_t r = 0; r < e->nreg; r++)
        if (e->reg_cell[r] == p)
            return (long)r;
    if (e->nreg == e->cap_reg) {
        size_t nc = e->cap_reg ? 2 * e->cap_reg : 64;
        size_t k = (size_t)e->reg_k;
        void *grow_tmp;
        /* every array grows to nc areas; one that fails keeps its block */
        if (GROW(e->reg_cell, nc) ||
            GROW(e->reg_lat, nc) ||
            GROW(e->reg_lon, nc) ||
            GROW(e->reg_margin, nc) ||
            GROW(e->reg_n, nc) ||
            GROW(e->reg_nb, nc) ||
            GROW(e->reg_site, nc) ||
            GROW(e->reg_items, nc * k) ||
            GROW(e->reg_items_b, nc * k) ||
            GROW(e->reg_elc, nc * k) ||
            GROW(e->reg_pos, nc * 3 * k) ||
            GROW(e->reg_pos_b, nc * 3 * k))
            return -1;
        e->cap_reg = nc;
    }
    size_t r = e->nreg++;
    e->reg_cell[r] = p;
    ln_cell_center(p, &e->reg_lat[r], &e->reg_lon[r]);
    /* radius: farthest boundary vertex, plus 10 %; H3 cells are convex
     * enough on the sphere that this bounds every point inside */
    ln_cell_boundary bd;
    double m = 0;
    if (!ln_cell_boundary_of(p, &bd))
        for (int v = 0; v < bd.n; v++) {
            double d2 = ln_geo_distance_km(e->reg_lat[r], e->reg_lon[r],
                                           bd.lat_rad[v], bd.lon_rad[v]) /
                        LN_EARTH_MEAN_R_KM;
            if (d2 > m)
                m = d2;
        }
    e->reg_margin[r] = m * 1.1 + 0.2 * LN_DEG2RAD;
    e->reg_n[r] = 0;
    e->reg_nb[r] = -1;
    ln_geodetic gc = {e->reg_lat[r], e->reg_lon[r], 0.0};
    ln_site_prepare(&gc, &e->reg_site[r]);
    return (long)r;
}

/* Bound on how much higher a satellite can stand for a terminal of area
 * r than for the area's centre: the direction to it turns by at most
 * asin(delta / rho) for a site moved by a chord delta, rho the range from
 * the centre; the local vertical turns by at most the central angle (1 %
 * more for the ellipsoid's normals); all in rad, with 1e-6 to spare. */
static double el_slack(const ln__engine *e, long r, double rho_km)
{
    double alpha = e->reg_margin[r];
    double delta = alpha * 6400.0; /* >= the chord to any terminal */
    if (!(delta < rho_km))
        return INFINITY;
    return asin(delta / rho_km) + 1.01 * alpha + 1e-6;
}

/* The candidates of area r that can still be some terminal's best: let
 * T be the usable satellite (sat_ok) highest above the centre; when it is
 * above the mask for every terminal of the area (its elevation at the
 * centre minus the slack), every terminal's best stands at least that
 * high, so a candidate whose elevation at the centre plus its slack is
 * below cannot be the best, nor tie with it. The kept list stays in
 * index order, so ties go to the lower index as before. */
static void prune_region(ln__engine *e, long r, int kth)
{
    size_t k = (size_t)e->reg_k;
    int n = e->reg_n[r];
    e->reg_nb[r] = -1;
    if (n > (int)k || n == 0)
        return;
    const int *it = e->reg_items + (size_t)r * k;
    const double *px = e->reg_pos + (size_t)r * 3 * k, *py = px + k,
                 *pz = py + k;
    const ln_site *c = &e->reg_site[r];
    double *elc = e->reg_elc + (size_t)r * k;
    /* the guaranteed lower bound of the best (of the kth best: the slot
     * scheduler ranks LN_SCHED_K candidates, and a candidate below the
     * kth best of every terminal cannot be among them) */
    double lo = -INFINITY;
    double los[LN_SCHED_K]; /* the kth highest bounds, highest first */
    int nlo = 0;
    for (int j = 0; j < n; j++) {
        double d[3] = {px[j] - c->r_ecef[0], py[j] - c->r_ecef[1],
                       pz[j] - c->r_ecef[2]};
        double rho = sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
        double se = (d[0] * c->up[0] + d[1] * c->up[1] + d[2] * c->up[2]) /
                    rho;
        double el = asin(se > 1 ? 1 : se < -1 ? -1 : se);
        double sl = el_slack(e, r, rho);
        elc[j] = el + sl; /* kept: the highest it can stand */
        if (!e->sat_ok[it[j]])
            continue;
        if (kth == 1) {
            if (el - sl > lo)
                lo = el - sl;
            continue;
        }
        double v = el - sl;
        int p = nlo < kth ? nlo : kth - 1;
        if (nlo >= kth && v <= los[p])
            continue;
        while (p > 0 && los[p - 1] < v) {
            los[p] = los[p - 1];
            p--;
        }
        los[p] = v;
        if (nlo < kth)
            nlo++;
    }
    if (kth > 1 && nlo == kth)
        lo = los[kth - 1];
    if (!(lo > e->sc->mask_rad + 1e-6))
        return;
    int *ib = e->reg_items_b + (size_t)r * k;
    double *bx = e->reg_pos_b + (size_t)r * 3 * k, *by = bx + k,
           *bz = by + k;
    int m = 0;
    for (int j = 0; j < n; j++) {
        if (!e->sat_ok[it[j]] || elc[j] < lo)
            continue;
        ib[m] = it[j];
        bx[m] = px[j];
        by[m] = py[j];
        bz[m] = pz[j];
        m++;
    }
    e->reg_nb[r] = m;
}

/* kth: prune for the kth best (1: search(); LN_SCHED_K: search_top()) */
static void regions_step(ln__engine *e, int kth)
{
    long nr = (long)e->nreg;
    size_t k = (size_t)e->reg_k;
#pragma omp parallel for schedule(dynamic, 1) num_threads(e->nthreads)
    for (long r = 0; r < nr; r++) {
        int *it = e->reg_items + (size_t)r * k;
        int n = (int)ln_satindex_near(e->ix, e->reg_lat[r], e->reg_lon[r],
                                      e->reg_margin[r], it, k);
        e->reg_n[r] = n;
        /* positions in list order, for the terminals' vector pre-test */
        double *px = e->reg_pos + (size_t)r * 3 * k, *py = px + k,
               *pz = py + k;
        for (int j = 0; j < n && j < (int)k; j++) {
            px[j] = e->pv.x[it[j]];
            py[j] = e->pv.y[it[j]];
            pz[j] = e->pv.z[it[j]];
        }
        prune_region(e, r, kth);
    }
}

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
        rc = ln_shells_to_elsets(sh, ns, sc->start, 90001, &all, &n);
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
    /* margin: orbits wander ~20 km around the mean altitude */
    rc = ln_satindex_new(k, max_alt + 30.0, sc->mask_rad, &e->ix);
    if (rc)
        return ln_diag_set(diag, rc, NULL, 0, 0, NULL, "index: %s",
                           ln_strerror(rc));
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
                z->action, z->priority, z->valid_from, z->valid_until, diag);
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
                z->priority, z->valid_from, z->valid_until, ft->polys,
                ft->npolys, 0, diag);
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
        rc = ln_policy_add_event(e->pol, sc->events[i].t,
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
    r->p[r->n++] = (ln_weight_point){lon * LN_DEG2RAD, lat * LN_DEG2RAD, pop,
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
        ln_track lt = {tr->n, tr->lon_rad, tr->lat_rad, tr->t_unix_s};
        ln_track_position(&lt, sc->start, e->shift_s[t], e->east_km[t],
                          e->north_km[t], &e->lon[t], &e->lat[t]);
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
    ALLOC(e->term_reg, nt);
    e->reg_k = e->nsat < 1024 ? (int)e->nsat : 1024;
    if (e->reg_k < 1)
        e->reg_k = 1;
    ALLOC(e->beam, nt);
    ALLOC(e->zone_at, nt);
    ALLOC(e->serving, nt);
    ALLOC(e->srv0, nt);
    ALLOC(e->witness, nt);
    ALLOC(e->status, nt);
    ALLOC(e->prev_status, nt);
    ALLOC(e->deny_zone, nt);
    ALLOC(e->out_zone, nt);
    ALLOC(e->dec, nt);
    ALLOC(e->demand_mbps, nt);
    ALLOC(e->rate_mbps, nt);
    ALLOC(e->rtt_ms, nt);
    ALLOC(e->term_hops, nt);
    ALLOC(e->dkey, nt);
    ALLOC(e->mobile, nt);
    ALLOC(e->tw_active, nt);
    ALLOC(e->tw_denied, nt);
    ALLOC(e->tw_outage, nt);
    e->cur_win = -1;
    for (size_t i = 0; i < nt; i++)
        e->dkey[i] = ln_meter_terminal_key(sc->seed, i);
    ALLOC(e->covered, nt);
    ALLOC(e->handover, nt);
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
            int rc = ln__sim_place_group(sc, g, cnt, e->lon + at,
                                         e->lat + at, diag);
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
        e->serving[i] = -1;
        e->witness[i] = -1;
        e->status[i] = LN_REASON_NO_SAT;
        e->prev_status[i] = -1; /* no state yet: the first step is silent */
        e->cell_row[i] = cell_insert(e, e->cell[i]);
        e->term_reg[i] =
            (int)region_of(e, e->beam[i], i ? e->term_reg[i - 1] : -1);
        if (e->cell_row[i] < 0 || e->term_reg[i] < 0)
            return LN_ENOMEM;
    }
    return 0;
}

static int acc_alloc(ln__engine *e, ln_diag *diag);

static int setup(ln__engine *e, ln_diag *diag)
{
    const ln_scenario *sc = e->sc;
    int rc;
    /* counts that fit their types, and memory that fits the machine,
     * before any work (size.c) */
    ln_sim_size size;
    if ((rc = ln_sim_estimate(sc, &e->opt, &size, diag)))
        return rc;
    e->sin_mask = sin(sc->mask_rad);
    e->nsteps = (long)floor(sc->duration_s / sc->step_s + 1e-9);
    if (e->opt.duration_s > 0)
        e->nsteps = (long)floor(e->opt.duration_s / sc->step_s + 1e-9);
    if (e->nsteps < 1)
        e->nsteps = 1;
    e->nwin = (long)ceil(e->nsteps * sc->step_s / sc->window_s - 1e-9);
    if (e->nwin < 1)
        e->nwin = 1;
    e->ndays = (long)ceil(e->nsteps * sc->step_s / 86400.0 - 1e-9);
    if (e->ndays < 1)
        e->ndays = 1;
    if ((rc = load_constellation(e, diag)))
        return rc;
    if ((rc = load_zones(e, diag)))
        return rc;
    /* gateways */
    e->ngw = sc->ngateways;
    ALLOC(e->gw, e->ngw);
    ALLOC(e->gw_used, e->ngw);
    for (size_t g = 0; g < e->ngw; g++) {
        ln_geodetic gd = {sc->gateways[g].lat_rad, sc->gateways[g].lon_rad,
                          0.0};
        ln_site_prepare(&gd, &e->gw[g]);
    }
    ALLOC(e->sat_ngw, e->nsat);
    ALLOC(e->sat_gwi, e->nsat * LN_GW_PER_SAT);
    ALLOC(e->sat_gwkm, e->nsat * LN_GW_PER_SAT);
    ALLOC(e->sat_gw, e->nsat);
    ALLOC(e->sat_load, e->nsat);
    ALLOC(e->sat_prev_gw, e->nsat);
    ALLOC(e->sat_order, e->nsat);
    for (size_t s = 0; s < e->nsat; s++)
        e->sat_prev_gw[s] = -1;
    ALLOC(e->sat_ok, e->nsat);
    if (sc->isl && (rc = ln__sim_isl_setup(e, e->walker, e->nwalker, diag)))
        return rc;
    ALLOC(e->by_sat_start, e->nsat + 1);
    if ((rc = setup_terminals(e, diag)))
        return rc;
    /* the activity map reads at most LN_SIM_MAX_MAP_CELLS cells: a run
     * that has more before its first step would fail after its last */
    if (e->ncells > (size_t)LN_SIM_MAX_MAP_CELLS)
        return ln_diag_set(diag, LN_ESCENARIO, NULL, 0, 0, "outputs.map_res",
                           "the terminals fall in %zu map cells at "
                           "resolution %d, more than the %ld the activity "
                           "map reads (lower map_res)", e->ncells,
                           sc->map_res, LN_SIM_MAX_MAP_CELLS);
    ALLOC(e->by_sat, e->nt);
    ALLOC(e->beam_tmp, e->nt);
    e->slot_steps = 1;
    if (sc->scheduler == LN_SCHED_SLOT) {
        e->slot_steps = lround(sc->slot_s / sc->step_s);
        if (e->slot_steps < 1)
            e->slot_steps = 1;
        ALLOC(e->cand, e->nt * LN_SCHED_K);
        ALLOC(e->slot_used, e->nsat);
        ALLOC(e->slot_last, e->nsat);
        ALLOC(e->slot_order, e->nt);
    }
    ALLOC(e->sat_exit_gw, e->nsat);
    ALLOC(e->mesh_ok, e->nsat);
    for (size_t s = 0; s < e->nsat; s++)
        e->sat_exit_gw[s] = -1;
    ALLOC(e->per_acct, sc->naccounts);
    ALLOC(e->per_zone, e->nzones_total + 1);
    ALLOC(e->usage_bytes, (size_t)e->ndays * sc->naccounts);
    ALLOC(e->win_active, e->nwin);
    ALLOC(e->win_denied, e->nwin);
    ALLOC(e->win_outage, e->nwin);
    ALLOC(e->subsat, (size_t)e->nwin * e->nsat * 2);
    ALLOC(e->nsubsat, e->nwin);
    if ((rc = acc_alloc(e, diag)))
        return rc;
    if (ln__sim_meter_alloc(e))
        return ln_diag_set(diag, LN_ENOMEM, NULL, 0, 0, NULL,
                           "out of memory");
    e->map_lon0 = e->map_lat0 = INFINITY;
    e->map_lon1 = e->map_lat1 = -INFINITY;
    for (size_t i = 0; i < e->nt; i++) {
        e->map_lon0 = fmin(e->map_lon0, e->lon[i] * LN_RAD2DEG - 20);
        e->map_lon1 = fmax(e->map_lon1, e->lon[i] * LN_RAD2DEG + 20);
        e->map_lat0 = fmin(e->map_lat0, e->lat[i] * LN_RAD2DEG - 20);
        e->map_lat1 = fmax(e->map_lat1, e->lat[i] * LN_RAD2DEG + 20);
    }
    return 0;
}

/* ---- one step ---------------------------------------------------------- */

/* Which zone's area holds a point (for per-zone statistics): the deciding
 * zone of the decision, whatever its action. */
static void decide(const ln__engine *e, size_t i, double t,
                   ln_policy_decision *d)
{
    *d = ln_policy_decide(e->pol, e->acct[i], e->lon[i], e->lat[i], t);
}

static void satellites_step(ln__engine *e, double t)
{
    const ln_scenario *sc = e->sc;
    ln_orbit_propagate(e->orbit, t, &e->pv, e->nthreads);
    ln_teme_to_ecef_soa(t, &e->pv, e->nsat);
    for (size_t s = 0; s < e->nsat; s++)
        e->usable[s] = e->in_service[s] && e->perr[s] == 0;
    ln_satindex_build_mt(e->ix, e->pv.x, e->pv.y, e->pv.z, e->usable,
                         e->nsat, e->nthreads);
    const double sin_gm = sin(sc->gw_mask_rad);
    long ns = (long)e->nsat;
#pragma omp parallel for schedule(dynamic, 64) num_threads(e->nthreads)
    for (long s = 0; s < ns; s++) {
        int n = 0;
        e->sat_gw[s] = -1;
        e->sat_load[s] = 0;
        if (!e->usable[s]) {
            e->sat_ngw[s] = 0;
            e->sat_ok[s] = 0;
            continue;
        }
        double r[3] = {e->pv.x[s], e->pv.y[s], e->pv.z[s]};
        int16_t *gi = e->sat_gwi + (size_t)s * LN_GW_PER_SAT;
        float *gk = e->sat_gwkm + (size_t)s * LN_GW_PER_SAT;
        for (size_t g = 0; g < e->ngw; g++) {
            /* cheap exact reject far below the mask (see search()) */
            const ln_site *gs = &e->gw[g];
            double ex = r[0] - gs->r_ecef[0], ey = r[1] - gs->r_ecef[1],
                   ez = r[2] - gs->r_ecef[2];
            double du = ex * gs->up[0] + ey * gs->up[1] + ez * gs->up[2];
            if (du * fabs(du) <
                sin_gm * sin_gm * (1 - 1e-9) * (ex * ex + ey * ey + ez * ez))
                continue;
            if (ln_site_sin_elevation(&e->gw[g], r) < sin_gm)
                continue;
            double d[3] = {r[0] - e->gw[g].r_ecef[0],
                           r[1] - e->gw[g].r_ecef[1],
                           r[2] - e->gw[g].r_ecef[2]};
            float km = (float)sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
            /* insertion by slant range, ties by gateway order */
            int p = n < LN_GW_PER_SAT ? n : LN_GW_PER_SAT - 1;
            if (n >= LN_GW_PER_SAT && km >= gk[p])
                continue;
            while (p > 0 && gk[p - 1] > km) {
                gi[p] = gi[p - 1];
                gk[p] = gk[p - 1];
                p--;
            }
            gi[p] = (int16_t)g;
            gk[p] = km;
            if (n < LN_GW_PER_SAT)
                n++;
        }
        e->sat_ngw[s] = (int8_t)n;
        e->sat_ok[s] = n > 0;
    }
    if (sc->isl)
        ln__sim_isl_reach(e);
}

/* Step 3-4 for one terminal: move it (mobile) and decide; writes only
 * terminal i's slots. */
static void terminal_move_decide(ln__engine *e, size_t i, double t,
                                 int refresh_fixed)
{
    const ln_scenario *sc = e->sc;
    if (e->track[i] >= 0) {
        const ln_sc_track *tr = &sc->groups[e->group[i]].tracks[e->track[i]];
        ln_track lt = {tr->n, tr->lon_rad, tr->lat_rad, tr->t_unix_s};
        ln_track_position(&lt, t, e->shift_s[i], e->east_km[i],
                          e->north_km[i], &e->lon[i], &e->lat[i]);
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
}

/* sin(elevation) of satellite s from terminal i (as
 * ln_site_sin_elevation, inlined for the hot loop). */
static inline double sin_el(const ln__engine *e, size_t i, int s)
{
    const ln_site *site = &e->site[i];
    double dx = e->pv.x[s] - site->r_ecef[0];
    double dy = e->pv.y[s] - site->r_ecef[1];
    double dz = e->pv.z[s] - site->r_ecef[2];
    double du = dx * site->up[0] + dy * site->up[1] + dz * site->up[2];
    return du / sqrt(dx * dx + dy * dy + dz * dz);
}

/* sin_el(e, i, s) >= sin_m, decided without square root or division
 * when far from the mask (margins as in search()), else exactly. */
static inline int above(const ln__engine *e, size_t i, int s, double sin_m)
{
    const ln_site *site = &e->site[i];
    double dx = e->pv.x[s] - site->r_ecef[0];
    double dy = e->pv.y[s] - site->r_ecef[1];
    double dz = e->pv.z[s] - site->r_ecef[2];
    double du = dx * site->up[0] + dy * site->up[1] + dz * site->up[2];
    double du2 = du * fabs(du), d2 = dx * dx + dy * dy + dz * dz;
    double s2 = sin_m * sin_m;
    if (du2 < s2 * (1 - 1e-9) * d2)
        return 0;
    if (du2 > s2 * (1 + 1e-9) * d2)
        return 1;
    return du / sqrt(d2) >= sin_m;
}

/* The satellites above the mask from terminal i, out of its area's
 * candidate list (or the whole index when the list overflowed). Returns
 * the best one that reaches a gateway (highest elevation, ties to the
 * lower index) or -1; *any: whether any satellite is above the mask.
 * first_only: stop at the first visible one (coverage of denied
 * terminals); it is returned in *witness. */
static int search(const ln__engine *e, size_t i, double sin_m, int *any,
                  int first_only, int *witness)
{
    const ln_site *site = &e->site[i];
    int r = e->term_reg[i];
    int n = e->reg_n[r];
    int best = -1;
    double bse = -2;
    *any = 0;
    if (n > e->reg_k) { /* overflow: ask the index directly */
        int idx[512];
        double se[512];
        size_t nv = ln_satindex_visible(e->ix, site, sin_m, idx, se, 512);
        if (nv > 512)
            nv = 512;
        *any = nv > 0;
        if (first_only) {
            *witness = nv ? idx[0] : -1;
            return -1;
        }
        for (size_t k = 0; k < nv; k++)
            if (e->sat_ok[idx[k]] && se[k] > bse) {
                bse = se[k];
                best = idx[k];
            }
        return best;
    }
    const int *c = e->reg_items + (size_t)r * (size_t)e->reg_k;
    const double *px = e->reg_pos + (size_t)r * 3 * (size_t)e->reg_k;
    if (!first_only && e->reg_nb[r] >= 0) {
        /* the pruned list: its first entry above the mask is certain */
        n = e->reg_nb[r];
        c = e->reg_items_b + (size_t)r * (size_t)e->reg_k;
        px = e->reg_pos_b + (size_t)r * 3 * (size_t)e->reg_k;
    }
    const double *py = px + e->reg_k, *pz = py + e->reg_k;
    /* Cheap pre-tests without square root or division decide most
     * candidates, and decide them as sin_el() would: with q = du^2 / d.d
     * (= sin(el)^2 when du >= 0), q < s^2 (1 - 1e-9) puts the true
     * sin(el) below s by far more than the rounding error of sin_el(), so
     * sin_el() is below s too; q > s^2 (1 + 1e-9) puts it above. The same
     * margin against the best so far skips candidates that cannot beat
     * it. Only the undecided ones (near the mask, or near the best) are
     * computed with sin_el() and compared exactly, as before. The first
     * pass is branch-free over the area's contiguous positions (vector
     * code) and keeps the candidates that may be above the mask. */
    const double sx = site->r_ecef[0], sy = site->r_ecef[1],
                 sz = site->r_ecef[2];
    const double ux = site->up[0], uy = site->up[1], uz = site->up[2];
    const double s2lo = sin_m * sin_m * (1 - 1e-9);
    const double s2hi = sin_m * sin_m * (1 + 1e-9);
    double du2v[1024], d2v[1024];
    int keep[1024];
    int m = 0;
#pragma omp simd
    for (int k = 0; k < n; k++) {
        double dx = px[k] - sx, dy = py[k] - sy, dz = pz[k] - sz;
        double du = dx * ux + dy * uy + dz * uz;
        double d2 = dx * dx + dy * dy + dz * dz;
        du2v[k] = du * fabs(du); /* < 0 when below the horizon */
        d2v[k] = d2;
    }
    for (int k = 0; k < n; k++) {
        keep[m] = k;
        m += du2v[k] >= s2lo * d2v[k];
    }
    double b2lo = 0; /* bse^2 (1 - 1e-9) once there is a best */
    for (int j = 0; j < m; j++) {
        int k = keep[j];
        int sidx = c[k];
        double du2 = du2v[k], d2 = d2v[k];
        double se = -2; /* not computed yet */
        if (du2 <= s2hi * d2) {
            se = sin_el(e, i, sidx);
            if (se < sin_m)
                continue;
        }
        *any = 1;
        if (first_only) {
            *witness = sidx;
            return -1;
        }
        if (!e->sat_ok[sidx] || (best >= 0 && du2 < b2lo * d2))
            continue;
        if (se == -2)
            se = sin_el(e, i, sidx);
        if (se > bse) {
            bse = se;
            best = sidx;
            b2lo = bse * bse * (1 - 1e-9);
        }
    }
    if (first_only)
        *witness = -1;
    return best;
}

/* Inserts satellite sidx with sin(elevation) se into the top list
 * c/cse of *m entries (at most LN_SCHED_K): highest first, ties to the
 * lower index. */
static inline void top_insert(int32_t *c, double *cse, int *m, int sidx,
                              double se)
{
    int p = *m < LN_SCHED_K ? *m : LN_SCHED_K - 1;
    if (*m >= LN_SCHED_K &&
        (se < cse[p] || (se == cse[p] && sidx > c[p])))
        return;
    while (p > 0 && (cse[p - 1] < se || (cse[p - 1] == se &&
                                          c[p - 1] > sidx))) {
        c[p] = c[p - 1];
        cse[p] = cse[p - 1];
        p--;
    }
    c[p] = sidx;
    cse[p] = se;
    if (*m < LN_SCHED_K)
        (*m)++;
}

/* The slot scheduler's candidates of terminal i: the LN_SCHED_K highest
 * satellites above the mask that reach a gateway (sat_ok), highest first,
 * ties to the lower index, into e->cand (padded with -1); the first is
 * search()'s best. At a slot the area's list is pruned for the
 * LN_SCHED_K best (regions_step). Returns the first or -1; *any as in
 * search(). */
static int search_top(ln__engine *e, size_t i, double sin_m, int *any)
{
    int32_t *c = e->cand + i * LN_SCHED_K;
    double cse[LN_SCHED_K];
    int m = 0;
    int r = e->term_reg[i];
    int n = e->reg_n[r];
    *any = 0;
    if (n > e->reg_k) { /* overflow: ask the index directly */
        int idx[512];
        double se[512];
        size_t nv = ln_satindex_visible(e->ix, &e->site[i], sin_m, idx, se,
                                        512);
        if (nv > 512)
            nv = 512;
        *any = nv > 0;
        for (size_t k = 0; k < nv; k++)
            if (e->sat_ok[idx[k]])
                top_insert(c, cse, &m, idx[k], se[k]);
    } else {
        /* search()'s pre-tests, then the rank by q = du^2 / d.d (sin^2 of
         * the elevation: the same order, without a square root) */
        const int *it = e->reg_items + (size_t)r * (size_t)e->reg_k;
        const double *px = e->reg_pos + (size_t)r * 3 * (size_t)e->reg_k;
        if (e->reg_nb[r] >= 0) {
            /* pruned for the LN_SCHED_K best (regions_step) */
            n = e->reg_nb[r];
            it = e->reg_items_b + (size_t)r * (size_t)e->reg_k;
            px = e->reg_pos_b + (size_t)r * 3 * (size_t)e->reg_k;
        }
        const double *py = px + e->reg_k, *pz = py + e->reg_k;
        const ln_site *site = &e->site[i];
        const double sx = site->r_ecef[0], sy = site->r_ecef[1],
                     sz = site->r_ecef[2];
        const double ux = site->up[0], uy = site->up[1], uz = site->up[2];
        const double s2lo = sin_m * sin_m * (1 - 1e-9);
        const double s2hi = sin_m * sin_m * (1 + 1e-9);
        double du2v[1024], d2v[1024];
#pragma omp simd
        for (int k = 0; k < n; k++) {
            double dx = px[k] - sx, dy = py[k] - sy, dz = pz[k] - sz;
            double du = dx * ux + dy * uy + dz * uz;
            du2v[k] = du * fabs(du);
            d2v[k] = dx * dx + dy * dy + dz * dz;
        }
        for (int k = 0; k < n; k++) {
            double du2 = du2v[k], d2 = d2v[k];
            if (du2 < s2lo * d2)
                continue;
            if (du2 <= s2hi * d2 && sin_el(e, i, it[k]) < sin_m)
                continue;
            *any = 1;
            if (e->sat_ok[it[k]])
                top_insert(c, cse, &m, it[k], du2 / d2);
        }
    }
    for (int k = m; k < LN_SCHED_K; k++)
        c[k] = -1;
    return m ? c[0] : -1;
}

/* Step 5 for one terminal; writes only terminal i's slots. slot: a slot
 * boundary of the slot scheduler (every allowed terminal is assigned
 * afresh: its candidates here, the choice in slot_assign). */
static void terminal_link(ln__engine *e, size_t i, double t, long step,
                          int slot)
{
    const ln_scenario *sc = e->sc;
    const ln_policy_decision d = e->dec[i];
    e->zone_at[i] = d.zone;
    e->handover[i] = 0;
    e->demand_mbps[i] = 0;
    e->rate_mbps[i] = 0;
    e->rtt_ms[i] = 0;
    e->term_hops[i] = -1;
    const double sin_m = e->sin_mask;
    int prev = e->serving[i];
    e->srv0[i] = prev;
    if (!d.allowed) {
        /* coverage only: the last satellite seen is a cheap witness */
        int w = e->witness[i], any;
        int cov = w >= 0 && e->usable[w] &&
                  above(e, i, w, sin_m);
        if (!cov) {
            search(e, i, sin_m, &any, 1, &e->witness[i]);
            cov = any;
        }
        e->covered[i] = (unsigned char)cov;
        e->status[i] = (int8_t)d.reason;
        e->deny_zone[i] = d.reason == LN_REASON_ZONE ? (int32_t)d.zone : -1;
        e->serving[i] = -1;
        return;
    }
    int keep = !slot && prev >= 0 && e->sat_ok[prev] &&
               above(e, i, prev, sin_m);
    int best = prev, any_visible = keep;
    if (slot)
        best = search_top(e, i, sin_m, &any_visible);
    else if (!keep)
        best = search(e, i, sin_m, &any_visible, 0, NULL);
    e->covered[i] = (unsigned char)any_visible;
    e->deny_zone[i] = -1;
    /* a handover: the satellite changes (when it is not kept, search
     * cannot return it: it failed sat_ok or the mask) */
    if (best >= 0 && best != prev && prev >= 0 &&
        e->prev_status[i] == LN_REASON_NONE)
        e->handover[i] = 1;
    if (best < 0) {
        e->status[i] = any_visible ? LN_REASON_NO_GW : LN_REASON_NO_SAT;
        e->serving[i] = -1;
        return;
    }
    e->serving[i] = best;
    e->status[i] = LN_REASON_NONE;
    e->demand_mbps[i] = ln_meter_demand_keyed(
        &sc->plans[sc->accounts[e->acct[i]].plan], e->dkey[i],
        (uint64_t)step, t, e->lon[i]);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static inline int sat_reaches(const ln__engine *e, int s);

/* The gateway whose antenna satellite x holds (bent pipe, or as a mesh
 * exit), -1 none. */
static int held_gw(const ln__engine *e, size_t x)
{
    if (e->sat_gw[x] >= 0)
        return e->sat_gwi[x * LN_GW_PER_SAT + e->sat_gw[x]];
    return e->sat_exit_gw[x];
}

/* The exit satellite of s's path over the mesh (s itself when it is
 * the exit). */
static size_t mesh_exit(const ln__engine *e, size_t s)
{
    size_t x = s;
    for (size_t k = 0; k < e->nsat && e->mesh_next[x] >= 0; k++)
        x = (size_t)e->mesh_next[x];
    return x;
}

/* Gateway antennas of the laser mesh (link.isl; docs/network.md): every
 * exit to the ground takes an antenna. After the bent-pipe pass, the
 * satellites with users but no antenna of their own, most users first
 * (ties: lower index), use their shortest mesh path (to gateway g, exit
 * satellite x): when x already holds an antenna of g, the path shares
 * it; when x holds none and g has one free, x takes it; otherwise the
 * path is refused (x holds another gateway's antenna, or g's are all in
 * use) and the satellite's users are rehomed or get "no-gateway". The
 * path itself is the shortest one without regard to antennas: a longer
 * path to an exit with an antenna is not searched. Then mesh_ok marks
 * every satellite whose path's exit holds its gateway's antenna (these
 * may take rehomed users). */
static void mesh_exits(ln__engine *e)
{
    size_t nq = 0;
    for (size_t s = 0; s < e->nsat; s++) {
        e->sat_exit_gw[s] = -1;
        if (e->sat_load[s] && e->sat_gw[s] < 0 && e->mesh_gw[s] >= 0)
            e->sat_order[nq++] =
                ((uint64_t)(UINT32_MAX - (uint32_t)e->sat_load[s]) << 32) |
                (uint64_t)s;
    }
    qsort(e->sat_order, nq, sizeof *e->sat_order, cmp_u64);
    for (size_t q = 0; q < nq; q++) {
        size_t s = (size_t)(e->sat_order[q] & UINT32_MAX);
        size_t x = mesh_exit(e, s);
        int g = e->mesh_gw[s];
        if (held_gw(e, x) < 0 &&
            e->gw_used[g] < e->sc->gateways[g].antennas) {
            e->gw_used[g]++;
            e->sat_exit_gw[x] = (int16_t)g;
        }
    }
    for (size_t s = 0; s < e->nsat; s++)
        e->mesh_ok[s] = (unsigned char)(e->mesh_gw[s] >= 0 &&
                                        held_gw(e, mesh_exit(e, s)) ==
                                            e->mesh_gw[s]);
}

/* Gateway antennas (docs/outputs.md): a satellite that held an antenna of
 * a gateway at the previous step keeps it while it has users and that
 * gateway still sees it (a dish tracks its satellite through the pass);
 * then the other satellites with users, most users first (ties: lower
 * index), take the nearest visible gateway with a free antenna. Returns
 * how many satellites with users reach no gateway (see rehome). */
static long assign_gateways(ln__engine *e)
{
    memset(e->gw_used, 0, e->ngw * sizeof *e->gw_used);
    for (size_t i = 0; i < e->nt; i++)
        if (e->status[i] == LN_REASON_NONE)
            e->sat_load[e->serving[i]]++;
    size_t nq = 0;
    for (size_t s = 0; s < e->nsat; s++) {
        if (!e->sat_load[s])
            continue;
        const int16_t *gi = e->sat_gwi + s * LN_GW_PER_SAT;
        int pg = e->sat_prev_gw[s];
        for (int k = 0; pg >= 0 && k < e->sat_ngw[s]; k++)
            if (gi[k] == pg && e->gw_used[pg] < e->sc->gateways[pg].antennas) {
                e->gw_used[pg]++;
                e->sat_gw[s] = k; /* position in the sat's list */
                break;
            }
        if (e->sat_gw[s] < 0 && e->sat_ngw[s] > 0)
            e->sat_order[nq++] =
                ((uint64_t)(UINT32_MAX - (uint32_t)e->sat_load[s]) << 32) |
                (uint64_t)s;
    }
    qsort(e->sat_order, nq, sizeof *e->sat_order, cmp_u64);
    for (size_t q = 0; q < nq; q++) {
        size_t s = (size_t)(e->sat_order[q] & UINT32_MAX);
        const int16_t *gi = e->sat_gwi + s * LN_GW_PER_SAT;
        for (int k = 0; k < e->sat_ngw[s]; k++) {
            int g = gi[k];
            if (e->gw_used[g] < e->sc->gateways[g].antennas) {
                e->gw_used[g]++;
                e->sat_gw[s] = k;
                break;
            }
        }
    }
    if (e->sc->isl)
        mesh_exits(e);
    long stranded = 0;
    for (size_t s = 0; s < e->nsat; s++) {
        e->sat_prev_gw[s] =
            (int16_t)(e->sat_gw[s] >= 0
                          ? e->sat_gwi[s * LN_GW_PER_SAT + e->sat_gw[s]]
                          : -1);
        stranded += e->sat_load[s] && !sat_reaches(e, (int)s);
    }
    return stranded;
}

/* 1 if satellite s gets its users' traffic to a gateway this step: an
 * antenna (bent pipe) or, with link.isl, a path over the mesh whose exit
 * holds an antenna of its gateway (mesh_exits). */
static inline int sat_reaches(const ln__engine *e, int s)
{
    return e->sat_gw[s] >= 0 || (e->sc->isl && e->mesh_ok[s]);
}

/* A served terminal whose satellite got no gateway (no free antenna, no
 * mesh path) moves to the visible satellite with the highest elevation
 * that has one (ties: lower index); with none, share_capacity makes it
 * "no-gateway". Writes only terminal i's slots. */
static void rehome(ln__engine *e, size_t i, int slot)
{
    if (e->status[i] != LN_REASON_NONE || sat_reaches(e, e->serving[i]))
        return;
    if (slot) {
        /* at a slot the terminal's candidates are its highest satellites
         * that may reach a gateway (sat_ok, which sat_reaches implies):
         * the first of them that reaches one is the highest of all */
        const int32_t *c = e->cand + i * LN_SCHED_K;
        for (int k = 0; k < LN_SCHED_K && c[k] >= 0; k++)
            if (sat_reaches(e, c[k])) {
                int p = e->srv0[i];
                e->serving[i] = c[k];
                e->handover[i] = (unsigned char)(p >= 0 && c[k] != p &&
                                                 e->prev_status[i] ==
                                                     LN_REASON_NONE);
                return;
            }
    }
    int idx[512];
    double se[512];
    size_t nv = ln_satindex_visible(e->ix, &e->site[i], e->sin_mask, idx, se,
                                    512);
    if (nv > 512)
        nv = 512;
    int best = -1;
    double bse = -2;
    for (size_t k = 0; k < nv; k++)
        if (se[k] > bse && sat_reaches(e, idx[k])) {
            bse = se[k];
            best = idx[k];
        }
    if (best < 0)
        return;
    int p = e->srv0[i];
    e->serving[i] = best;
    e->handover[i] = (unsigned char)(p >= 0 && best != p &&
                                     e->prev_status[i] == LN_REASON_NONE);
}

static int cmp_beam_key(const void *a, const void *b)
{
    const beam_key *x = a, *y = b;
    if (x->beam != y->beam)
        return x->beam < y->beam ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

/* Orders a satellite's terminals by beam cell, then terminal index. The
 * list comes in index order and fixed terminals are numbered by beam cell,
 * so it is sorted but for the mobile terminals at its end: those are
 * sorted apart and merged in (a total order: the result is the same as
 * sorting the whole list). */
static void sort_by_beam(const ln__engine *e, int *a, int n, beam_key *tmp)
{
    int k0 = 1;
    while (k0 < n && e->beam[a[k0 - 1]] <= e->beam[a[k0]])
        k0++;
    if (k0 >= n)
        return; /* the list is in index order: ties are already right */
    /* sort the tail a[k0..n) (insertion when short), then merge it
     * backwards into the sorted prefix a[0..k0) */
    int m = n - k0;
    for (int k = 0; k < m; k++) {
        beam_key x = {e->beam[a[k0 + k]], a[k0 + k]};
        if (m > 16) {
            tmp[k] = x;
            continue;
        }
        int j = k;
        while (j > 0 && cmp_beam_key(&tmp[j - 1], &x) > 0) {
            tmp[j] = tmp[j - 1];
            j--;
        }
        tmp[j] = x;
    }
    if (m > 16)
        qsort(tmp, (size_t)m, sizeof *tmp, cmp_beam_key);
    int p = k0 - 1, q = m - 1, o = n - 1;
    while (q >= 0) {
        if (p >= 0) {
            beam_key kp = {e->beam[a[p]], a[p]};
            if (cmp_beam_key(&kp, &tmp[q]) > 0) {
                a[o--] = a[p--];
                continue;
            }
        }
        a[o--] = tmp[q--].i;
    }
}

/* The slot scheduler's choice (docs/scenario.md, "Scheduler"), serial:
 * the served terminals in order of beam cell, then index; each takes the
 * highest of its candidates (search_top) that already serves its beam
 * cell or has a beam slot left (beams_per_sat beam cells per satellite);
 * when all are full, the highest (its beams are then time-shared, as in
 * share_capacity). The order is fixed, so the result does not depend on
 * the thread count. */
static void slot_assign(ln__engine *e)
{
    int n = 0;
    for (size_t i = 0; i < e->nt; i++)
        if (e->status[i] == LN_REASON_NONE)
            e->slot_order[n++] = (int)i;
    sort_by_beam(e, e->slot_order, n, e->beam_tmp);
    memset(e->slot_used, 0, e->nsat * sizeof *e->slot_used);
    memset(e->slot_last, 0, e->nsat * sizeof *e->slot_last); /* 0: no H3
                                                                   cell */
    const int cap = e->sc->beams_per_sat;
    for (int k = 0; k < n; k++) {
        size_t i = (size_t)e->slot_order[k];
        const int32_t *c = e->cand + i * LN_SCHED_K;
        ln_cell b = e->beam[i];
        int pick = c[0];
        for (int j = 0; j < LN_SCHED_K && c[j] >= 0; j++)
            if (e->slot_last[c[j]] == b || e->slot_used[c[j]] < cap) {
                pick = c[j];
                break;
            }
        if (e->slot_last[pick] != b) {
            e->slot_used[pick]++;
            e->slot_last[pick] = b;
        }
        if (pick == e->serving[i])
            continue;
        int p = e->srv0[i];
        e->serving[i] = pick;
        e->handover[i] = (unsigned char)(p >= 0 && pick != p &&
                                         e->prev_status[i] ==
                                             LN_REASON_NONE);
    }
}

/* Capacity: per satellite, terminals grouped by beam cell; each beam gets
 * a time share min(1, beams/ncells) of beam_capacity, the satellite at
 * most sat_capacity; a terminal gets its demand scaled by its beam's
 * grant. */
static void share_capacity(ln__engine *e)
{
    const ln_scenario *sc = e->sc;
    int *start = e->by_sat_start;
    memset(start, 0, (e->nsat + 1) * sizeof *start);
    for (size_t i = 0; i < e->nt; i++)
        if (e->status[i] == LN_REASON_NONE)
            start[e->serving[i] + 1]++;
    for (size_t s = 0; s < e->nsat; s++)
        start[s + 1] += start[s];
    for (size_t i = 0; i < e->nt; i++)
        if (e->status[i] == LN_REASON_NONE)
            e->by_sat[start[e->serving[i]]++] = (int)i;
    for (size_t s = e->nsat; s > 0; s--)
        start[s] = start[s - 1];
    start[0] = 0;
    long ns = (long)e->nsat;
#pragma omp parallel for schedule(dynamic, 16) num_threads(e->nthreads)
    for (long s = 0; s < ns; s++) {
        int *a = e->by_sat + start[s];
        int n = start[s + 1] - start[s];
        if (!n)
            continue;
        /* bent pipe first (an assigned gateway antenna), else the laser
         * mesh (link.isl), else no gateway */
        int hops = 0;
        double gw_km = 0;
        if (e->sat_gw[s] >= 0)
            gw_km = e->sat_gwkm[(size_t)s * LN_GW_PER_SAT + e->sat_gw[s]];
        else if (sc->isl && e->mesh_ok[s]) {
            gw_km = e->mesh_km[s];
            hops = e->mesh_hops[s];
        } else {
            for (int k = 0; k < n; k++) {
                e->status[a[k]] = LN_REASON_NO_GW;
                e->demand_mbps[a[k]] = 0;
            }
            continue;
        }
        sort_by_beam(e, a, n, e->beam_tmp + start[s]);
        int ncells = 0;
        for (int k = 0; k < n; k++)
            if (k == 0 || e->beam[a[k]] != e->beam[a[k - 1]])
                ncells++;
        double share = ncells > sc->beams_per_sat
                           ? (double)sc->beams_per_sat / ncells
                           : 1.0;
        double bcap = sc->beam_capacity_mbps * share;
        /* first pass: grant per beam; second: satellite cap */
        double granted_sum = 0;
        for (int k = 0; k < n;) {
            int j = k;
            double dsum = 0;
            while (j < n && e->beam[a[j]] == e->beam[a[k]])
                dsum += e->demand_mbps[a[j++]];
            granted_sum += dsum < bcap ? dsum : bcap;
            k = j;
        }
        double sat_scale = granted_sum > sc->sat_capacity_mbps
                               ? sc->sat_capacity_mbps / granted_sum
                               : 1.0;
        double r[3] = {e->pv.x[s], e->pv.y[s], e->pv.z[s]};
        for (int k = 0; k < n;) {
            int j = k;
            double dsum = 0;
            while (j < n && e->beam[a[j]] == e->beam[a[k]])
                dsum += e->demand_mbps[a[j++]];
            double g = (dsum < bcap ? dsum : bcap) * sat_scale;
            double f = dsum > 0 ? g / dsum : 1.0;
            for (int m = k; m < j; m++) {
                int i = a[m];
                e->rate_mbps[i] = e->demand_mbps[i] * f;
                const double *q = e->site[i].r_ecef;
                double dv[3] = {r[0] - q[0], r[1] - q[1], r[2] - q[2]};
                double up_km = sqrt(dv[0] * dv[0] + dv[1] * dv[1] +
                                    dv[2] * dv[2]);
                e->rtt_ms[i] = (float)(2.0 * (up_km + gw_km) / LN_C_KM_S *
                                       1e3);
                e->term_hops[i] = (int8_t)(hops < 127 ? hops : 127);
            }
            k = j;
        }
    }
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
    uint64_t *usage_bytes;   /* [day][account] */
} ln__acc;

static int acc_alloc(ln__engine *e, ln_diag *diag)
{
    const ln_scenario *sc = e->sc;
    ALLOC(e->acc, e->nthreads);
    for (int t = 0; t < e->nthreads; t++) {
        ALLOC(e->acc[t].per_acct, sc->naccounts);
        ALLOC(e->acc[t].per_zone, e->nzones_total + 1);
        ALLOC(e->acc[t].usage_bytes, (size_t)e->ndays * sc->naccounts);
    }
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
        for (size_t k = 0; k < (size_t)e->ndays * sc->naccounts; k++)
            e->usage_bytes[k] += a->usage_bytes[k];
    }
}

static void acc_free(ln__engine *e)
{
    for (int t = 0; t < e->nthreads && e->acc; t++) {
        ln_free(e->acc[t].per_acct);
        ln_free(e->acc[t].per_zone);
        ln_free(e->acc[t].usage_bytes);
    }
    ln_free(e->acc);
    e->acc = NULL;
}

/* Step 7. Counters and usage in parallel (per-thread integer sums); the
 * map cells, window totals and events in a serial pass in terminal order
 * (events are written in that order). */
/* Adds the fixed terminals' counts of window w to the map cells and the
 * window totals, and clears them. */
static void flush_window(ln__engine *e, long w)
{
    if (w < 0)
        return;
    for (size_t i = 0; i < e->nt; i++) {
        if (e->track[i] >= 0)
            continue;
        uint32_t a = e->tw_active[i], d = e->tw_denied[i],
                 o = e->tw_outage[i];
        if (!(a | d | o))
            continue;
        ln__cellwin *cw =
            &e->cw[(size_t)e->cell_row[i] * (size_t)e->nwin + (size_t)w];
        cw->present += a + d + o;
        cw->active += a;
        cw->denied += d;
        cw->outage += o;
        e->win_active[w] += a;
        e->win_denied[w] += d;
        e->win_outage[w] += o;
        e->tw_active[i] = e->tw_denied[i] = e->tw_outage[i] = 0;
    }
}

static int account_step(ln__engine *e, double t)
{
    const ln_scenario *sc = e->sc;
    long win = (long)((t - sc->start) / sc->window_s);
    if (win >= e->nwin)
        win = e->nwin - 1;
    if (win != e->cur_win) {
        flush_window(e, e->cur_win);
        e->cur_win = win;
    }
    long day = (long)((t - sc->start) / 86400.0);
    if (day >= e->ndays)
        day = e->ndays - 1;
    long nt = (long)e->nt;
    ln__sim_meter_day(e, day);
#pragma omp parallel num_threads(e->nthreads)
    {
        int th = omp_get_thread_num();
        ln__acc *ac = &e->acc[th < e->nthreads ? th : 0];
        uint64_t *usage = ac->usage_bytes + (size_t)day * sc->naccounts;
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
            usage[a] += bytes;
            e->term_bytes[i] += bytes;
            e->term_day_bytes[i] += bytes;
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
    ln__sim_meter_step(e);
    /* mobile terminals on the map: their cell may be new */
    for (size_t m = 0; m < e->nmobile; m++) {
        size_t i = (size_t)e->mobile[m];
        long ci = cell_insert(e, e->cell[i]);
        if (ci < 0)
            return LN_ENOMEM;
        e->cell_row[i] = ci;
        ln__cellwin *cw = &e->cw[(size_t)ci * (size_t)e->nwin + (size_t)win];
        cw->present++;
        int st = e->status[i];
        if (st == LN_REASON_NONE) {
            cw->active++;
            e->win_active[win]++;
        } else if (st == LN_REASON_NO_SAT || st == LN_REASON_NO_GW) {
            cw->outage++;
            e->win_outage[win]++;
        } else {
            cw->denied++;
            e->win_denied[win]++;
        }
    }
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

static void record_subsat(ln__engine *e, long w)
{
    float *o = e->subsat + (size_t)w * e->nsat * 2;
    int n = 0;
    for (size_t s = 0; s < e->nsat; s++) {
        if (!e->usable[s])
            continue;
        double lat = atan2(e->pv.z[s], hypot(e->pv.x[s], e->pv.y[s])) *
                     LN_RAD2DEG;
        double lon = atan2(e->pv.y[s], e->pv.x[s]) * LN_RAD2DEG;
        if (lat < e->map_lat0 || lat > e->map_lat1 || lon < e->map_lon0 ||
            lon > e->map_lon1)
            continue;
        o[2 * n] = (float)(round(lat * 100) / 100);
        o[2 * n + 1] = (float)(round(lon * 100) / 100);
        n++;
    }
    e->nsubsat[w] = n;
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
    ln_satindex_free(e->ix);
    ln_free(e->gw);
    ln_free(e->gw_used);
    ln_free(e->sat_ngw);
    ln_free(e->sat_gwi);
    ln_free(e->sat_gwkm);
    ln_free(e->sat_gw);
    ln_free(e->sat_prev_gw);
    ln_free(e->sat_order);
    ln_free(e->srv0);
    ln_free(e->sat_load);
    ln_free(e->sat_ok);
    ln__sim_isl_free(e);
    ln_policy_free(e->pol);
    ln_zoneset_free(e->zones);
    void *arrs[] = {e->lon, e->lat, e->site, e->acct, e->acct_nt, e->group, e->track,
                    e->shift_s, e->east_km, e->north_km, e->cell, e->beam,
                    e->zone_at, e->serving, e->witness, e->cell_row,
                    e->htab, e->status, e->prev_status,
                    e->deny_zone, e->out_zone, e->dec, e->demand_mbps, e->rate_mbps,
                    e->rtt_ms, e->term_hops, e->dkey, e->mobile, e->tw_active,
                    e->tw_denied, e->tw_outage, e->covered, e->handover, e->ever_denied_zone,
                    e->by_sat_start, e->by_sat, e->beam_tmp,
                    e->per_acct, e->per_zone, e->usage_bytes, e->cells,
                    e->cw, e->win_active, e->win_denied, e->win_outage,
                    e->ev, e->subsat, e->nsubsat, e->term_reg,
                    e->reg_cell, e->reg_lat, e->reg_lon, e->reg_margin,
                    e->reg_n, e->reg_items, e->reg_pos, e->reg_nb,
                    e->reg_items_b, e->reg_pos_b, e->reg_site, e->reg_elc,
                    e->cand, e->slot_used, e->slot_last, e->slot_order,
                    e->sat_exit_gw, e->mesh_ok};
    for (size_t k = 0; k < sizeof arrs / sizeof arrs[0]; k++)
        ln_free(arrs[k]);
    ln__sim_meter_free(e);
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
        double t = sc->start + k * sc->step_s;
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
        /* mobile terminals may enter new areas (serial: the area list) */
        for (long m = 0; m < nmob && !rc; m++) {
            int i = e.mobile[m];
            long nr = region_of(&e, e.beam[i], e.term_reg[i]);
            if (nr < 0)
                rc = LN_ENOMEM;
            e.term_reg[i] = (int)nr;
        }
        PHASE(1);
        /* slot scheduler: slots start at the scenario's start */
        int slot = sc->scheduler == LN_SCHED_SLOT && k % e.slot_steps == 0;
        regions_step(&e, slot ? LN_SCHED_K : 1);
        PHASE(2);
        /* the mesh's shortest paths are computed by one thread while
         * the others link terminals (which only need sat_ok) */
#pragma omp parallel num_threads(e.nthreads)
        {
            if (sc->isl) {
#pragma omp single nowait
                ln__sim_isl_route(&e);
            }
#pragma omp for schedule(dynamic, 256)
            for (long i = 0; i < nt; i++)
                terminal_link(&e, (size_t)i, t, k, slot);
        }
        if (slot)
            slot_assign(&e);
        PHASE(3);
        long w = (long)((t - sc->start) / sc->window_s + 1e-9);
        if (w < e.nwin && fabs(sc->start + w * sc->window_s - t) <
                              0.5 * sc->step_s && !e.nsubsat[w])
            record_subsat(&e, w);
        if (assign_gateways(&e) > 0) {
#pragma omp parallel for schedule(dynamic, 1024) num_threads(e.nthreads)
            for (long i = 0; i < nt; i++)
                rehome(&e, (size_t)i, slot);
        }
        PHASE(4);
        share_capacity(&e);
        PHASE(5);
        rc = account_step(&e, t);
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
        if (!rc) {
            ln_activity_options ao;
            ln_activity_options_init(&ao);
            ao.quiet = 1;
            ao.frames = e.opt.frames;
            ao.animate = e.opt.animate;
            ao.outset = os;
            rc = ln_activity_render(ln_outset_stage(os), &ao, diag);
        }
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
        st->annual_cost_usd = ln__sim_annual_cost(&e, -1, NULL);
    }
    engine_free(&e);
    return rc;
}
