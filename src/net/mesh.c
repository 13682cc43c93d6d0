/*
 * mesh.c - the laser mesh of a constellation (scenario `link.isl` of the
 * engine): which satellites carry lasers, the static ISL list of a run,
 * and per step which satellites reach a gateway and each satellite's
 * shortest path over the mesh to the nearest gateway (one multi-source
 * Dijkstra from all gateways, ln_net_to_gateways).
 *
 * Exports ln_mesh_new, ln_mesh_free, ln_mesh_info_get, ln_mesh_reach,
 * ln_mesh_route, ln_mesh_outputs (net.h).
 *
 * Rules (docs/scenario.md, "Laser links"):
 *   - Lasers: every in-service satellite whose inclination is at least
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
 *   - Gateway links: elevation above the gateway mask (ln_net's
 *     LN_NET_GSL_ELEV rule); a satellite that the caller says sees a
 *     gateway (link's lists) reaches one too (the bent pipe).
 *
 * Memory: O(nsat + nisl) for the network, the adjacency and the outputs;
 * the steps allocate nothing. Cost per step: ln_net_update, a breadth-
 * first search O(nsat + nisl) (ln_mesh_reach) and a Dijkstra
 * O((nsat + nisl) log nsat) plus O(nsat) for the hop counts
 * (ln_mesh_route).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "leonet/net.h"

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

struct ln_mesh {
    size_t nsat, ngw;
    const char *isl_rule;  /* how the ISL list was built */
    size_t nisl, nlaser;
    unsigned char *laser;  /* nsat: carries lasers */
    uint8_t *sat_down;     /* nsat: not usable this step */
    int32_t *adj_start;    /* nsat + 1: CSR of the ISL list */
    struct mesh_adj {
        int32_t sat, isl;
    } *adj;                /* 2 * nisl */
    int32_t *queue;        /* nsat: search scratch */
    ln_net *net;
    ln_net_work *work;
    /* outputs (ln_mesh_outputs) */
    unsigned char *sat_ok; /* nsat */
    double *km;            /* nsat */
    int32_t *next, *gw;    /* nsat */
    int16_t *hops;         /* nsat */
    ln_mesh_out out;       /* const views of the five above */
};

/* ISLs of element-set constellations; pv: TEME at the start. */
static int isls_from_orbits(const ln_mesh *m, const ln_orbit *o,
                            const ln_pv_soa *pv, isl_list *l)
{
    size_t n = m->nsat;
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
        if (!m->laser[s])
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
        keys[k++] = (orb_key){ln_orbit_elset(o, s)->inclo, (int32_t)s};
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

/* +Grid per laser shell of Walker shells (in ln_shells_to_elsets order);
 * satellites out of service carry no links. */
static int isls_from_shells(const ln_mesh *m, const ln_shell *shells,
                            size_t nshells, isl_list *l)
{
    ln_net_grid *g = ln_calloc(nshells ? nshells : 1, sizeof *g);
    if (!g)
        return LN_ENOMEM;
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
    int rc = ng ? ln_net_plus_grid(g, ng, &v, &nv) : 0;
    ln_free(g);
    for (size_t k = 0; k < nv && !rc; k++)
        if (m->laser[v[k].a] && m->laser[v[k].b])
            rc = isl_push(l, v[k].a, v[k].b);
    ln_free(v);
    return rc;
}

/* ISLs rebuilt from the orbits at t_start: satellites that fail to
 * propagate then carry no lasers. */
static int isls_at_start(ln_mesh *m, const ln_mesh_spec *sp, isl_list *l)
{
    size_t n = m->nsat, n1 = n ? n : 1;
    double *buf = ln_malloc(6 * n1 * sizeof *buf);
    int *err = ln_malloc(n1 * sizeof *err);
    int rc = LN_ENOMEM;
    if (buf && err) {
        ln_pv_soa pv = {buf,          buf + n1,     buf + 2 * n1,
                        buf + 3 * n1, buf + 4 * n1, buf + 5 * n1, err};
        ln_orbit_propagate(sp->orbit, sp->t_start_unix_s, &pv, sp->nthreads);
        for (size_t s = 0; s < n; s++)
            if (err[s])
                m->laser[s] = 0;
        rc = isls_from_orbits(m, sp->orbit, &pv, l);
    }
    ln_free(buf);
    ln_free(err);
    return rc;
}

/* The sorted, unique list l as CSR adjacency and the network. */
static int build_net(ln_mesh *m, const ln_mesh_spec *sp, isl_list *l)
{
    size_t n = m->nsat, k = 0;
    if (l->n) /* l->v is NULL when there is no ISL */
        qsort(l->v, l->n, sizeof *l->v, cmp_isl);
    for (size_t j = 0; j < l->n; j++)
        if (!k || cmp_isl(&l->v[j], &l->v[k - 1]))
            l->v[k++] = l->v[j];
    m->nisl = k;
    /* adjacency (CSR) for the reachability search of each step */
    m->adj_start = ln_calloc(n + 1, sizeof *m->adj_start);
    m->adj = ln_malloc((k ? 2 * k : 1) * sizeof *m->adj);
    if (!m->adj_start || !m->adj)
        return LN_ENOMEM;
    for (size_t j = 0; j < k; j++) {
        m->adj_start[l->v[j].a + 1]++;
        m->adj_start[l->v[j].b + 1]++;
    }
    for (size_t j = 0; j < n; j++)
        m->adj_start[j + 1] += m->adj_start[j];
    for (size_t j = 0; j < k; j++) {
        m->adj[m->adj_start[l->v[j].a]++] =
            (struct mesh_adj){l->v[j].b, (int32_t)j};
        m->adj[m->adj_start[l->v[j].b]++] =
            (struct mesh_adj){l->v[j].a, (int32_t)j};
    }
    for (size_t j = n; j > 0; j--)
        m->adj_start[j] = m->adj_start[j - 1];
    m->adj_start[0] = 0;
    ln_net_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.gsl_rule = LN_NET_GSL_ELEV;
    cfg.min_elev_rad = sp->gw_min_elev_rad;
    cfg.max_isl_km = LN__MAX_ISL_KM;
    int rc = ln_net_new(n, l->v, k, sp->ngw, sp->gw_ecef_km, &cfg, &m->net);
    if (!rc)
        rc = ln_net_work_new(m->net, &m->work);
    return rc;
}

int ln_mesh_new(const ln_mesh_spec *sp, ln_mesh **out, ln_diag *diag)
{
    *out = NULL;
    ln_mesh *m = ln_calloc(1, sizeof *m);
    if (!m)
        return ln_diag_set(diag, LN_ENOMEM, NULL, 0, 0, NULL,
                           "out of memory");
    size_t n = ln_orbit_count(sp->orbit), n1 = n ? n : 1;
    m->nsat = n;
    m->ngw = sp->ngw;
    m->laser = ln_calloc(n1, sizeof *m->laser);
    m->sat_down = ln_calloc(n1, sizeof *m->sat_down);
    m->queue = ln_malloc(n1 * sizeof *m->queue);
    m->sat_ok = ln_calloc(n1, sizeof *m->sat_ok);
    m->km = ln_calloc(n1, sizeof *m->km);
    m->next = ln_calloc(n1, sizeof *m->next);
    m->gw = ln_calloc(n1, sizeof *m->gw);
    m->hops = ln_calloc(n1, sizeof *m->hops);
    if (!m->laser || !m->sat_down || !m->queue || !m->sat_ok || !m->km ||
        !m->next || !m->gw || !m->hops) {
        ln_mesh_free(m);
        return ln_diag_set(diag, LN_ENOMEM, NULL, 0, 0, NULL,
                           "out of memory");
    }
    m->out = (ln_mesh_out){m->sat_ok, m->km, m->next, m->gw, m->hops};
    for (size_t s = 0; s < n; s++) {
        m->laser[s] = (unsigned char)((!sp->in_service || sp->in_service[s]) &&
                                      laser_incl(ln_orbit_elset(sp->orbit, s)
                                                     ->inclo));
        m->nlaser += m->laser[s];
    }
    isl_list l = {NULL, 0, 0};
    int rc;
    if (sp->shells) {
        rc = isls_from_shells(m, sp->shells, sp->nshells, &l);
        m->isl_rule = "plus-grid";
    } else {
        rc = isls_at_start(m, sp, &l);
        m->isl_rule = "plus-grid-from-orbits";
    }
    if (rc) {
        ln_free(l.v);
        ln_mesh_free(m);
        return ln_diag_set(diag, rc, NULL, 0, 0, NULL, "ISLs: %s",
                           ln_strerror(rc));
    }
    rc = build_net(m, sp, &l);
    ln_free(l.v);
    if (rc) {
        ln_mesh_free(m);
        return ln_diag_set(diag, rc, NULL, 0, 0, NULL, "network: %s",
                           ln_strerror(rc));
    }
    *out = m;
    return 0;
}

void ln_mesh_info_get(const ln_mesh *m, ln_mesh_info *out)
{
    out->isl_rule = m->isl_rule;
    out->nisl = m->nisl;
    out->nlaser = m->nlaser;
}

const ln_mesh_out *ln_mesh_outputs(const ln_mesh *m)
{
    return &m->out;
}

/* ---- per step ------------------------------------------------------------ */

void ln_mesh_reach(ln_mesh *m, const ln_pv_soa *ecef,
                   const unsigned char *usable, const int8_t *gw_count)
{
    size_t n = m->nsat;
    for (size_t s = 0; s < n; s++) {
        m->sat_down[s] = (uint8_t)!usable[s];
        m->sat_ok[s] = 0;
    }
    ln_net_fail f = {m->sat_down, NULL, NULL};
    ln_net_update(m->net, ecef->x, ecef->y, ecef->z, &f);
    size_t qh = 0, qt = 0;
    for (size_t g = 0; g < m->ngw; g++) {
        const int32_t *sats;
        const double *km;
        size_t k = ln_net_gsl(m->net, g, &sats, &km);
        for (size_t j = 0; j < k; j++)
            if (!m->sat_ok[sats[j]]) {
                m->sat_ok[sats[j]] = 1;
                m->queue[qt++] = sats[j];
            }
    }
    while (qh < qt) {
        int32_t s = m->queue[qh++];
        for (int32_t j = m->adj_start[s]; j < m->adj_start[s + 1]; j++) {
            int32_t o = m->adj[j].sat;
            if (!m->sat_ok[o] &&
                isfinite(ln_net_isl_km(m->net, (size_t)m->adj[j].isl))) {
                m->sat_ok[o] = 1;
                m->queue[qt++] = o;
            }
        }
    }
    /* the bent pipe by the caller's gateway lists counts too */
    if (gw_count)
        for (size_t s = 0; s < n; s++)
            if (usable[s] && gw_count[s] > 0)
                m->sat_ok[s] = 1;
}

void ln_mesh_route(ln_mesh *m)
{
    size_t n = m->nsat;
    ln_net_to_gateways(m->net, m->work, NULL, m->km, m->next, m->gw);
    /* ISL hops to the exit: follow next until a known count */
    for (size_t s = 0; s < n; s++)
        m->hops[s] = -2; /* unknown */
    for (size_t s = 0; s < n; s++) {
        if (m->hops[s] != -2)
            continue;
        if (m->gw[s] < 0) {
            m->hops[s] = -1;
            continue;
        }
        int32_t c = (int32_t)s;
        int len = 0;
        while (m->hops[c] == -2 && m->next[c] >= 0 && len < (int)n) {
            c = m->next[c];
            len++;
        }
        if (m->hops[c] == -2)
            m->hops[c] = 0; /* the exit itself */
        int base = m->hops[c];
        int32_t d = (int32_t)s;
        for (int j = 0; j < len; j++) {
            m->hops[d] = (int16_t)(base + len - j);
            d = m->next[d];
        }
    }
}

void ln_mesh_free(ln_mesh *m)
{
    if (!m)
        return;
    ln_net_work_free(m->work);
    ln_net_free(m->net);
    ln_free(m->laser);
    ln_free(m->sat_down);
    ln_free(m->adj_start);
    ln_free(m->adj);
    ln_free(m->queue);
    ln_free(m->sat_ok);
    ln_free(m->km);
    ln_free(m->next);
    ln_free(m->gw);
    ln_free(m->hops);
    ln_free(m);
}
