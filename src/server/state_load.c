/*
 * state_load.c - the daemon's tables built from the store: accounts and
 * terminals (id -> index hash tables) and the zone set in force, then the
 * ln_policy over them (the same zone set and policy functions as
 * `leonet run`'s setup, src/sim/setup.c).
 *
 * Zones. A stored zone is a GeoJSON body (kind 0: a Feature or a
 * FeatureCollection; with several features each becomes "<id>/<feature
 * id>", as the scenario's files do in `leonet run`) or an H3 cell list
 * (kind 1: one cell id per line), with the record's action, priority and
 * validity window. Where no zone applies the answer is allow (the
 * built-in scenario's default_action).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core.h"

/* FNV-1a over a NUL-terminated id */
static uint64_t id_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    }
    return h ^ (h >> 29);
}

long srv__idx_find(const srv_idx *ix, const void *base, size_t stride,
                   const char *id)
{
    if (!ix->cap)
        return -1;
    size_t m = ix->cap - 1;
    for (size_t i = id_hash(id) & m;; i = (i + 1) & m) {
        uint32_t v = ix->slot[i];
        if (!v)
            return -1;
        const char *rid = (const char *)base + (size_t)(v - 1) * stride;
        if (!strcmp(rid, id))
            return (long)(v - 1);
    }
}

/* The records' ids are their first member (ln_st_account.id,
 * srv_term.id). */
int srv__idx_build(srv_idx *ix, const void *base, size_t stride, size_t n)
{
    size_t cap = 16;
    while (cap < 2 * n + 2)
        cap *= 2;
    ix->slot = ln_calloc(cap, sizeof *ix->slot);
    if (!ix->slot)
        return LN_ENOMEM;
    ix->cap = cap;
    for (size_t k = 0; k < n; k++) {
        const char *id = (const char *)base + k * stride;
        size_t i = id_hash(id) & (cap - 1);
        while (ix->slot[i])
            i = (i + 1) & (cap - 1);
        ix->slot[i] = (uint32_t)(k + 1);
    }
    return 0;
}

typedef struct grow_ctx {
    srv_tables *t;
    size_t cap;
    int rc;
} grow_ctx;

static int on_account(void *user, const ln_st_account *a)
{
    grow_ctx *g = user;
    if (ln_grow((void **)&g->t->acct, &g->cap, g->t->nacct + 1,
                sizeof *g->t->acct)) {
        g->rc = LN_ENOMEM;
        return 1;
    }
    g->t->acct[g->t->nacct++] = *a;
    return 0;
}

static int on_terminal(void *user, const ln_st_terminal *st)
{
    grow_ctx *g = user;
    if (ln_grow((void **)&g->t->term, &g->cap, g->t->nterm + 1,
                sizeof *g->t->term)) {
        g->rc = LN_ENOMEM;
        return 1;
    }
    srv_term *t = &g->t->term[g->t->nterm++];
    memset(t, 0, sizeof *t);
    memcpy(t->id, st->id, sizeof t->id);
    memcpy(t->line, st->line, sizeof t->line);
    /* account index: filled once the accounts are indexed */
    long a = srv__idx_find(&g->t->acct_idx, g->t->acct, sizeof *g->t->acct,
                           st->account);
    t->account = (int)a;
    t->lat_deg = st->lat_deg;
    t->lon_deg = st->lon_deg;
    t->plat_deg = st->lat_deg; /* srv__trust_apply keeps a live table's */
    t->plon_deg = st->lon_deg;
    t->t_unix_s = st->t_unix_s;
    return 0;
}

int srv__load_tables(ln_store *st, srv_tables *t, ln_diag *diag)
{
    memset(t, 0, sizeof *t);
    grow_ctx g = {t, 0, 0};
    int rc = ln_store_list_accounts(st, 0, 0, on_account, &g, NULL);
    if (!rc)
        rc = g.rc;
    if (!rc)
        rc = srv__idx_build(&t->acct_idx, t->acct, sizeof *t->acct,
                            t->nacct);
    if (!rc) {
        g.cap = 0;
        rc = ln_store_list_terminals(st, NULL, 0, 0, on_terminal, &g, NULL);
        if (!rc)
            rc = g.rc;
    }
    if (!rc)
        rc = srv__idx_build(&t->term_idx, t->term, sizeof *t->term,
                            t->nterm);
    if (rc) {
        srv__free_tables(t);
        return ln_diag_set(diag, rc, NULL, 0, 0, NULL,
                           "loading accounts and terminals: %s",
                           ln_strerror(rc));
    }
    return 0;
}

void srv__free_tables(srv_tables *t)
{
    ln_free(t->acct);
    ln_free(t->acct_idx.slot);
    ln_free(t->term);
    ln_free(t->term_idx.slot);
    memset(t, 0, sizeof *t);
}

static int add_geojson(ln_zoneset *zs, const ln_st_zone *z, ln_diag *diag)
{
    ln_geojson gj;
    int rc = ln_geojson_parse(z->body, z->body_len, z->id, 0, &gj, diag);
    if (rc)
        return rc;
    for (size_t f = 0; f < gj.nfeatures && !rc; f++) {
        const ln_geojson_feature *ft = &gj.features[f];
        char id[2 * LN_ST_ID + 8];
        if (gj.nfeatures == 1)
            snprintf(id, sizeof id, "%s", z->id);
        else
            snprintf(id, sizeof id, "%s/%s", z->id, ft->id);
        if (ft->npolys == 0)
            continue;
        rc = ln_zoneset_add_polygons(zs, id, ft->name, z->action,
                                     z->priority, z->valid_from_unix_s,
                                     z->valid_until_unix_s, ft->polys,
                                     ft->npolys, 0, diag);
    }
    ln_geojson_free(&gj);
    return rc;
}

static int add_cells(ln_zoneset *zs, const ln_st_zone *z, ln_diag *diag)
{
    ln_cell *cells = NULL;
    size_t n = 0;
    int rc = ln_cell_parse_list(z->body, z->body_len, z->id, &cells, &n,
                                diag);
    if (!rc)
        rc = ln_zoneset_add_cells(zs, z->id, NULL, z->action, z->priority,
                                  z->valid_from_unix_s,
                                  z->valid_until_unix_s, cells, n, diag);
    ln_free(cells);
    return rc;
}

int srv__zones_build(const ln_st_zone *z, size_t n, ln_zoneset **out,
                     ln_diag *diag)
{
    ln_zoneset *zs = NULL;
    *out = NULL;
    int rc = ln_zoneset_new(LN_ZONE_ALLOW, &zs);
    for (size_t i = 0; i < n && !rc; i++) {
        if (z[i].deleted)
            continue;
        rc = z[i].kind == 1 ? add_cells(zs, &z[i], diag)
                            : add_geojson(zs, &z[i], diag);
        if (rc) {
            char m[sizeof diag->msg];
            snprintf(m, sizeof m, "%s", diag->msg);
            ln_diag_set(diag, rc, NULL, 0, 0, NULL, "zone '%s': %s",
                        z[i].id, m);
        }
    }
    if (rc) {
        ln_zoneset_free(zs);
        return rc;
    }
    *out = zs;
    return 0;
}

int srv__load_zones(ln_store *st, ln_zoneset **out, int64_t *version,
                    ln_diag *diag)
{
    ln_st_zone *z = NULL;
    size_t n = 0;
    *out = NULL;
    int rc = ln_store_get_zones(st, 0, &z, &n, version);
    if (rc)
        return ln_diag_set(diag, rc, NULL, 0, 0, NULL, "loading zones: %s",
                           ln_strerror(rc));
    rc = srv__zones_build(z, n, out, diag);
    ln_st_zones_free(z, n);
    return rc;
}

int srv__make_policy(const ln_zoneset *zs, const srv_tables *t,
                     ln_policy **pol)
{
    int rc = ln_policy_new(zs, t->nacct, pol);
    for (size_t i = 0; i < t->nacct && !rc; i++)
        if (t->acct[i].suspended)
            rc = ln_policy_add_event(*pol, -INFINITY, (int)i,
                                     LN_POLICY_SUSPEND);
    if (rc) {
        ln_policy_free(*pol);
        *pol = NULL;
        return rc;
    }
    ln_policy_advance(*pol, -INFINITY);
    return 0;
}
