/*
 * isl.c - the laser mesh in the engine (scenario `link.isl`): which
 * satellites carry lasers, the static ISL list of the run, and per step
 * each satellite's shortest path over the mesh to the nearest gateway
 * (one multi-source Dijkstra from all gateways, src/net).
 *
 * Rules (docs/scenario.md, "Laser links"):
 *   - Lasers: every on-station satellite whose inclination is at least
 *     LN__LASER_MIN_INCL_DEG (53.15 deg): the 53.2, 70 and 97.6 deg shells
 *     launched from September 2021 on (v1.5) carry lasers; the 53.0 deg
 *     shell 1 (v1.0, 2019-2021) does not.
 *   - Walker shells (preset gen1, or `shells`): +Grid per laser shell,
 *     ln_net_plus_grid (plane offset 1, no slot shift).
 *   - Element sets (TLE/OMM): +Grid rebuilt from the orbits at the start:
 *     laser satellites are split into shells by inclination (a gap of more
 *     than 0.5 deg starts a new shell), each shell into planes by right
 *     ascension of the ascending node at the start (a gap of more than
 *     1 deg starts a new plane); in a plane, satellites are ordered by
 *     argument of latitude and each is linked to the next (a ring when the
 *     plane has 3 or more); each satellite is linked to the satellite of
 *     the next plane (by RAAN, a ring of planes) nearest in argument of
 *     latitude that no other satellite of its plane has taken yet.
 *   - The list is static for the run; an ISL longer than LN__MAX_ISL_KM
 *     (line of sight grazing 80 km above the surface for 550 km shells,
 *     Hypatia's figure for Starlink) is down at that step.
 *   - Gateway links: elevation above the scenario's gateway mask.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_int.h"

#define LN__LASER_MIN_INCL_DEG 53.15
#define LN__MAX_ISL_KM 5016.0
#define LN__SHELL_GAP_DEG 0.5
#define LN__PLANE_GAP_DEG 1.0

/* The laser rule (docs/scenario.md): shells inclined >= 53.15 deg. */
static int laser_incl(double incl_rad)
{
    return incl_rad * LN_RAD2DEG >= LN__LASER_MIN_INCL_DEG;
}

/* ---- ISLs rebuilt from element sets ------------------------------------ */

typedef struct orb_key {
    double a;   /* the sort key (inclination, RAAN or arg. of latitude) */
    int32_t s;  /* satellite */
} orb_key;

static int cmp_orb_key(const void *x, const void *y)
{
    const orb_key *p = x, *q = y;
    if (p->a != q->a)
        return p->a < q->a ? -1 : 1;
    return p->s < q->s ? -1 : p->s > q->s;
}

typedef struct isl_list {
    ln_net_isl *v;
    size_t n, cap;
} isl_list;

static int isl_push(isl_list *l, int32_t a, int32_t b)
{
    if (a == b)
        return 0;
    if (l->n == l->cap) {
        size_t nc = l->cap ? 2 * l->cap : 1024;
        ln_net_isl *nv = ln_realloc(l->v, nc * sizeof *nv);
        if (!nv)
            return LN_ENOMEM;
        l->v = nv;
        l->cap = nc;
    }
    l->v[l->n++] = (ln_net_isl){a < b ? a : b, a < b ? b : a};
    return 0;
}

static int cmp_isl(const void *x, const void *y)
{
    const ln_net_isl *p = x, *q = y;
    if (p->a != q->a)
        return p->a < q->a ? -1 : 1;
    return p->b < q->b ? -1 : p->b > q->b;
}

/* Angular difference |a - b| on the circle, rad, 0..pi. */
static double ang_diff(double a, double b)
{
    double d = fmod(fabs(a - b), LN_TWOPI);
    return d > LN_PI ? LN_TWOPI - d : d;
}

/* Links the planes of one shell. keys: the shell's satellites sorted by
 * RAAN; raan/u per satellite. */
static int link_shell(orb_key *keys, size_t n, const double *u, isl_list *l,
                      int32_t *taken)
{
    if (n < 2)
        return 0;
    /* plane boundaries: gaps in RAAN (circular); start after the largest
     * gap so that no plane straddles the start */
    size_t start = 0;
    double gmax = -1;
    for (size_t k = 0; k < n; k++) {
        double g = k + 1 < n ? keys[k + 1].a - keys[k].a
                             : keys[0].a + LN_TWOPI - keys[k].a;
        if (g > gmax) {
            gmax = g;
            start = (k + 1) % n;
        }
    }
    size_t *pstart = ln_malloc((n + 1) * sizeof *pstart);
    orb_key *rot = ln_malloc(n * sizeof *rot);
    if (!pstart || !rot) {
        ln_free(pstart);
        ln_free(rot);
        return LN_ENOMEM;
    }
    for (size_t k = 0; k < n; k++)
        rot[k] = keys[(start + k) % n];
    size_t np = 0;
    for (size_t k = 0; k < n; k++) {
        double g = k ? fmod(rot[k].a - rot[k - 1].a + LN_TWOPI, LN_TWOPI)
                     : INFINITY;
        if (g > LN__PLANE_GAP_DEG * LN_DEG2RAD)
            pstart[np++] = k;
    }
    pstart[np] = n;
    /* in each plane: order by argument of latitude */
    for (size_t p = 0; p < np; p++) {
        orb_key *pk = rot + pstart[p];
        size_t m = pstart[p + 1] - pstart[p];
        for (size_t k = 0; k < m; k++)
            pk[k].a = u[pk[k].s];
        qsort(pk, m, sizeof *pk, cmp_orb_key);
    }
    int rc = 0;
    for (size_t p = 0; p < np && !rc; p++) {
        const orb_key *pk = rot + pstart[p];
        size_t m = pstart[p + 1] - pstart[p];
        /* in-plane ring (a single link for two satellites) */
        for (size_t k = 0; k + 1 < m && !rc; k++)
            rc = isl_push(l, pk[k].s, pk[k + 1].s);
        if (m >= 3 && !rc)
            rc = isl_push(l, pk[m - 1].s, pk[0].s);
        /* to the next plane (a ring of planes when there are 3 or more;
         * two planes are linked once) */
        if (np < 2 || (np == 2 && p == 1))
            continue;
        size_t q = (p + 1) % np;
        const orb_key *qk = rot + pstart[q];
        size_t mq = pstart[q + 1] - pstart[q];
        for (size_t k = 0; k < m && !rc; k++) {
            int32_t bestj = -1;
            double bd = INFINITY;
            for (size_t j = 0; j < mq; j++) {
                if (taken[qk[j].s])
                    continue;
                double d = ang_diff(u[pk[k].s], u[qk[j].s]);
                if (d < bd) {
                    bd = d;
                    bestj = (int32_t)j;
                }
            }
            if (bestj >= 0) {
                taken[qk[bestj].s] = 1;
                rc = isl_push(l, pk[k].s, qk[bestj].s);
            }
        }
    }
    ln_free(pstart);
    ln_free(rot);
    return rc;
}

/* ISLs of element-set constellations; pv: TEME at the start. */
static int isls_from_orbits(ln__engine *e, const ln_pv_soa *pv,
                            isl_list *l)
{
    size_t n = e->nsat;
    double *raan = ln_malloc((n ? n : 1) * sizeof *raan);
    double *u = ln_malloc((n ? n : 1) * sizeof *u);
    orb_key *keys = ln_malloc((n ? n : 1) * sizeof *keys);
    int32_t *taken = ln_calloc(n ? n : 1, sizeof *taken);
    int rc = 0;
    if (!raan || !u || !keys || !taken) {
        rc = LN_ENOMEM;
        goto out;
    }
    size_t k = 0;
    for (size_t s = 0; s < n; s++) {
        if (!e->laser[s])
            continue;
        double r[3] = {pv->x[s], pv->y[s], pv->z[s]};
        double v[3] = {pv->vx[s], pv->vy[s], pv->vz[s]};
        double h[3] = {r[1] * v[2] - r[2] * v[1], r[2] * v[0] - r[0] * v[2],
                       r[0] * v[1] - r[1] * v[0]};
        double hn = sqrt(h[0] * h[0] + h[1] * h[1] + h[2] * h[2]);
        /* node line n = z x h (normalised); u = angle from n to r,
         * positive towards h x n */
        double om = atan2(h[0], -h[1]);
        double nx = cos(om), ny = sin(om);
        double w[3] = {-h[2] * ny / hn, h[2] * nx / hn,
                       (h[0] * ny - h[1] * nx) / hn}; /* h^ x n */
        raan[s] = om < 0 ? om + LN_TWOPI : om;
        double uu = atan2(r[0] * w[0] + r[1] * w[1] + r[2] * w[2],
                          r[0] * nx + r[1] * ny);
        u[s] = uu < 0 ? uu + LN_TWOPI : uu;
        keys[k++] = (orb_key){e->els[s].inclo, (int32_t)s};
    }
    qsort(keys, k, sizeof *keys, cmp_orb_key);
    for (size_t a = 0; a < k && !rc;) {
        size_t b = a + 1;
        while (b < k &&
               keys[b].a - keys[b - 1].a <= LN__SHELL_GAP_DEG * LN_DEG2RAD)
            b++;
        for (size_t j = a; j < b; j++)
            keys[j].a = raan[keys[j].s];
        qsort(keys + a, b - a, sizeof *keys, cmp_orb_key);
        rc = link_shell(keys + a, b - a, u, l, taken);
        a = b;
    }
out:
    ln_free(raan);
    ln_free(u);
    ln_free(keys);
    ln_free(taken);
    return rc;
}

/* ---- setup --------------------------------------------------------------- */

int ln__sim_isl_setup(ln__engine *e, const ln_shell *shells, size_t nshells,
                      ln_diag *diag)
{
    const ln_scenario *sc = e->sc;
    size_t n = e->nsat;
    e->laser = ln_calloc(n ? n : 1, sizeof *e->laser);
    e->sat_down = ln_calloc(n ? n : 1, sizeof *e->sat_down);
    e->mesh_km = ln_calloc(n ? n : 1, sizeof *e->mesh_km);
    e->mesh_next = ln_calloc(n ? n : 1, sizeof *e->mesh_next);
    e->mesh_gw = ln_calloc(n ? n : 1, sizeof *e->mesh_gw);
    e->mesh_hops = ln_calloc(n ? n : 1, sizeof *e->mesh_hops);
    if (!e->laser || !e->sat_down || !e->mesh_km || !e->mesh_next ||
        !e->mesh_gw || !e->mesh_hops)
        return ln_diag_set(diag, LN_ENOMEM, NULL, 0, 0, NULL,
                           "out of memory");
    for (size_t s = 0; s < n; s++) {
        e->laser[s] = (unsigned char)(e->in_service[s] &&
                                      laser_incl(e->els[s].inclo));
        e->nlaser += e->laser[s];
    }
    isl_list l = {NULL, 0, 0};
    int rc = 0;
    if (shells) {
        /* Walker shells in ln_shells_to_elsets order: +Grid per laser
         * shell */
        ln_net_grid *g = ln_calloc(nshells ? nshells : 1, sizeof *g);
        if (!g)
            return ln_diag_set(diag, LN_ENOMEM, NULL, 0, 0, NULL,
                               "out of memory");
        size_t ng = 0, first = 0;
        for (size_t k = 0; k < nshells; k++) {
            size_t cnt = (size_t)shells[k].planes * (size_t)shells[k].per_plane;
            if (laser_incl(shells[k].incl_rad))
                g[ng++] = (ln_net_grid){(int32_t)first, shells[k].planes,
                                        shells[k].per_plane, 1, 0};
            first += cnt;
        }
        ln_net_isl *v = NULL;
        size_t nv = 0;
        rc = ng ? ln_net_plus_grid(g, ng, &v, &nv) : 0;
        ln_free(g);
        if (rc)
            return ln_diag_set(diag, rc, sc->source, 0, 0, "link.isl",
                               "+Grid: %s", ln_strerror(rc));
        /* satellites out of service carry no links */
        for (size_t k = 0; k < nv && !rc; k++)
            if (e->laser[v[k].a] && e->laser[v[k].b])
                rc = isl_push(&l, v[k].a, v[k].b);
        ln_free(v);
        e->isl_rule = "plus-grid";
    } else {
        /* positions at the start, TEME (pv is overwritten each step) */
        ln_orbit_propagate(e->orbit, sc->start, &e->pv, e->nthreads);
        for (size_t s = 0; s < n; s++)
            if (e->perr[s])
                e->laser[s] = 0;
        rc = isls_from_orbits(e, &e->pv, &l);
        e->isl_rule = "plus-grid-from-orbits";
    }
    if (rc) {
        ln_free(l.v);
        return ln_diag_set(diag, rc, NULL, 0, 0, NULL, "ISLs: %s",
                           ln_strerror(rc));
    }
    /* sorted, unique */
    qsort(l.v, l.n, sizeof *l.v, cmp_isl);
    size_t k = 0;
    for (size_t j = 0; j < l.n; j++)
        if (!k || cmp_isl(&l.v[j], &l.v[k - 1]))
            l.v[k++] = l.v[j];
    e->nisl = k;
    /* adjacency (CSR) for the reachability search of each step */
    e->adj_start = ln_calloc(n + 1, sizeof *e->adj_start);
    e->adj = ln_malloc((k ? 2 * k : 1) * sizeof *e->adj);
    e->queue = ln_malloc((n ? n : 1) * sizeof *e->queue);
    if (!e->adj_start || !e->adj || !e->queue) {
        ln_free(l.v);
        return ln_diag_set(diag, LN_ENOMEM, NULL, 0, 0, NULL,
                           "out of memory");
    }
    for (size_t j = 0; j < k; j++) {
        e->adj_start[l.v[j].a + 1]++;
        e->adj_start[l.v[j].b + 1]++;
    }
    for (size_t j = 0; j < n; j++)
        e->adj_start[j + 1] += e->adj_start[j];
    for (size_t j = 0; j < k; j++) {
        e->adj[e->adj_start[l.v[j].a]++] = (ln__adj){l.v[j].b, (int32_t)j};
        e->adj[e->adj_start[l.v[j].b]++] = (ln__adj){l.v[j].a, (int32_t)j};
    }
    for (size_t j = n; j > 0; j--)
        e->adj_start[j] = e->adj_start[j - 1];
    e->adj_start[0] = 0;
    double *gs = ln_malloc(3 * (e->ngw ? e->ngw : 1) * sizeof *gs);
    if (!gs) {
        ln_free(l.v);
        return ln_diag_set(diag, LN_ENOMEM, NULL, 0, 0, NULL,
                           "out of memory");
    }
    for (size_t g = 0; g < e->ngw; g++)
        memcpy(gs + 3 * g, e->gw[g].r_ecef, sizeof e->gw[g].r_ecef);
    ln_net_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.gsl_rule = LN_NET_GSL_ELEV;
    cfg.min_elev_rad = sc->gw_mask_rad;
    cfg.max_isl_km = LN__MAX_ISL_KM;
    rc = ln_net_new(n, l.v, k, e->ngw, gs, &cfg, &e->net);
    ln_free(gs);
    ln_free(l.v);
    if (!rc)
        rc = ln_net_work_new(e->net, &e->nwork);
    if (rc)
        return ln_diag_set(diag, rc, NULL, 0, 0, NULL, "network: %s",
                           ln_strerror(rc));
    return 0;
}

/* ---- per step ------------------------------------------------------------ */

/* Links of the step and which satellites reach a gateway at all (a
 * breadth-first search from the satellites that see one, over the ISLs
 * that are up): enough for the terminals' choice of satellite. */
void ln__sim_isl_reach(ln__engine *e)
{
    size_t n = e->nsat;
    for (size_t s = 0; s < n; s++) {
        e->sat_down[s] = (uint8_t)!e->usable[s];
        e->sat_ok[s] = 0;
    }
    ln_net_fail f = {e->sat_down, NULL, NULL};
    ln_net_update(e->net, e->pv.x, e->pv.y, e->pv.z, &f);
    size_t qh = 0, qt = 0;
    for (size_t g = 0; g < e->ngw; g++) {
        const int32_t *sats;
        const double *km;
        size_t m = ln_net_gsl(e->net, g, &sats, &km);
        for (size_t j = 0; j < m; j++)
            if (!e->sat_ok[sats[j]]) {
                e->sat_ok[sats[j]] = 1;
                e->queue[qt++] = sats[j];
            }
    }
    while (qh < qt) {
        int32_t s = e->queue[qh++];
        for (int32_t j = e->adj_start[s]; j < e->adj_start[s + 1]; j++) {
            int32_t o = e->adj[j].sat;
            if (!e->sat_ok[o] && isfinite(ln_net_isl_km(e->net,
                                                        (size_t)e->adj[j].isl))) {
                e->sat_ok[o] = 1;
                e->queue[qt++] = o;
            }
        }
    }
    /* bent pipe by the engine's own gateway lists counts too */
    for (size_t s = 0; s < n; s++)
        if (e->usable[s] && e->sat_ngw[s] > 0)
            e->sat_ok[s] = 1;
}

/* The shortest path of every satellite to a gateway over the mesh, and
 * its ISL hop count (after ln__sim_isl_reach; only capacity sharing
 * reads the results, so it may run while terminals are linked). */
void ln__sim_isl_route(ln__engine *e)
{
    size_t n = e->nsat;
    ln_net_to_gateways(e->net, e->nwork, NULL, e->mesh_km, e->mesh_next,
                       e->mesh_gw);
    /* ISL hops to the exit: follow next until a known count */
    for (size_t s = 0; s < n; s++)
        e->mesh_hops[s] = -2; /* unknown */
    for (size_t s = 0; s < n; s++) {
        if (e->mesh_hops[s] != -2)
            continue;
        if (e->mesh_gw[s] < 0) {
            e->mesh_hops[s] = -1;
            continue;
        }
        int32_t c = (int32_t)s;
        int len = 0;
        while (e->mesh_hops[c] == -2 && e->mesh_next[c] >= 0 &&
               len < (int)n) {
            c = e->mesh_next[c];
            len++;
        }
        if (e->mesh_hops[c] == -2)
            e->mesh_hops[c] = 0; /* the exit itself */
        int base = e->mesh_hops[c];
        int32_t d = (int32_t)s;
        for (int j = 0; j < len; j++) {
            e->mesh_hops[d] = (int16_t)(base + len - j);
            d = e->mesh_next[d];
        }
    }
}

void ln__sim_isl_free(ln__engine *e)
{
    ln_net_work_free(e->nwork);
    ln_net_free(e->net);
    ln_free(e->laser);
    ln_free(e->sat_down);
    ln_free(e->mesh_km);
    ln_free(e->mesh_next);
    ln_free(e->mesh_gw);
    ln_free(e->mesh_hops);
    ln_free(e->adj_start);
    ln_free(e->adj);
    ln_free(e->queue);
}
