/*
 * trust_state.c - the trust part's state (trust_int.h): contracts in
 * force, kill switches and granted suspensions read from the store, and
 * what they mean for the decision, resolved once per change:
 *   - srv__trust_apply (every reload of the tables or the zones): each
 *     terminal's SRV_T_* flags (protected by id or by position; its own
 *     switch, granted or not) and the policy's kill events ("all" and
 *     "account" switches, LN_POLICY_GRANTED when a granted change set
 *     them) and granted suspensions;
 *   - srv__trust_position (every durable ingest): the protected bit of a
 *     terminal that moved, decided from its protection position
 *     (plat/plon): a report made with the terminal's own token moves it;
 *     another (the operator's) only when it does not remove protection.
 * The decision then pays one flag load (state.c, srv_decide).
 *
 * Before the store implements contracts (LN_EUNSUPPORTED) the state is
 * empty: nothing is protected and no switch is on.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "leonet/cell.h"
#include "leonet/geofence.h"
#include "server/core.h"
#include "server/trust_int.h"

trust_state *trust_get(srv *s)
{
    void **p = srv_slot(s, "trust");
    return p ? *p : NULL;
}

static void free_cons(trust_con *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        ln_trust_contract_free(c[i].c);
        json_decref(c[i].doc);
        ln_zoneset_free(c[i].zgeo);
    }
    ln_free(c);
}

typedef struct load_ctx {
    trust_con *con;
    size_t ncon, cap;
    ln_st_kill *kill;
    size_t nkill, kcap;
    ln_st_zone *zones;         /* the zone set in force */
    size_t nzones;
    int rc;
} load_ctx;

/* The named zones of a contract's scope as one deny set (NULL: none). */
static int scope_zones(load_ctx *x, const json_t *doc, ln_zoneset **out)
{
    const json_t *names =
        json_object_get(json_object_get(doc, "scope"), "zones");
    *out = NULL;
    if (!json_array_size(names))
        return 0;
    int rc = ln_zoneset_new(LN_ZONE_ALLOW, out);
    for (size_t i = 0; i < x->nzones && !rc; i++) {
        const ln_st_zone *z = &x->zones[i];
        if (z->deleted || !trust_json_has(names, z->id))
            continue;
        ln_diag d;
        if (z->kind == 1) {
            ln_cell *cells = NULL;
            size_t nc = 0;
            rc = ln_cell_parse_list(z->body, z->body_len, z->id, &cells,
                                    &nc, &d);
            if (!rc)
                rc = ln_zoneset_add_cells(*out, z->id, NULL, LN_ZONE_DENY, 0,
                                          -INFINITY, INFINITY, cells, nc,
                                          &d);
            ln_free(cells);
            continue;
        }
        ln_geojson gj;
        rc = ln_geojson_parse(z->body, z->body_len, z->id, 0, &gj, &d);
        if (rc)
            continue;
        for (size_t f = 0; !rc && f < gj.nfeatures; f++)
            if (gj.features[f].npolys)
                rc = ln_zoneset_add_polygons(
                    *out, z->id, NULL, LN_ZONE_DENY, 0, -INFINITY, INFINITY,
                    gj.features[f].polys, gj.features[f].npolys, 0, &d);
        ln_geojson_free(&gj);
    }
    if (rc) { /* a stored zone the daemon loaded once: not expected */
        ln_zoneset_free(*out);
        *out = NULL;
    }
    return rc == LN_ENOMEM ? rc : 0;
}

static int on_contract(void *user, const ln_st_contract *c)
{
    load_ctx *x = user;
    if (ln_grow((void **)&x->con, &x->cap, x->ncon + 1, sizeof *x->con)) {
        x->rc = LN_ENOMEM;
        return 1;
    }
    trust_con *t = &x->con[x->ncon];
    memset(t, 0, sizeof *t);
    ln_diag d;
    if (ln_trust_contract_parse(c->json, c->len, &t->c, &d))
        return 0; /* stored after parsing: not expected; skipped */
    t->doc = json_loadb(c->json, c->len, 0, NULL);
    if (!t->doc || (x->rc = scope_zones(x, t->doc, &t->zgeo))) {
        ln_trust_contract_free(t->c);
        json_decref(t->doc);
        x->rc = x->rc ? x->rc : LN_ENOMEM;
        return 1;
    }
    snprintf(t->id, sizeof t->id, "%s", c->id);
    t->version = c->version;
    x->ncon++;
    return 0;
}

static int on_kill(void *user, const ln_st_kill *k)
{
    load_ctx *x = user;
    if (ln_grow((void **)&x->kill, &x->kcap, x->nkill + 1, sizeof *x->kill)) {
        x->rc = LN_ENOMEM;
        return 1;
    }
    x->kill[x->nkill++] = *k;
    return 0;
}

/* LN_EUNSUPPORTED (a store without contracts) reads as nothing. */
static int soft(int rc)
{
    return rc == LN_EUNSUPPORTED ? 0 : rc;
}

static int load(srv *s, load_ctx *x)
{
    ln_store *st = srv_store(s);
    int64_t zv = 0;
    int rc = ln_store_get_zones(st, 0, &x->zones, &x->nzones, &zv);
    if (!rc)
        rc = soft(ln_store_list_contracts(st, on_contract, x));
    if (!rc && !x->rc)
        rc = soft(ln_store_list_kills(st, on_kill, x));
    ln_st_zones_free(x->zones, x->nzones);
    x->zones = NULL;
    return rc ? rc : x->rc;
}

/* ---- granted suspensions ------------------------------------------------
 * A grant belongs to the suspension it made (found in review): the mark
 * is cleared when the account is resumed, or suspended anew from active,
 * so a later suspension by the operator alone is not a granted one. At
 * start the marks are replayed from the audit log in order (a granted
 * "verdict" with a SUSPEND effect marks its accounts; a RESUME effect,
 * or an "account" leaf resuming the account or suspending an active one,
 * clears the mark); after that they are kept here (trust_mark_granted,
 * srv_trust_note_suspension). One pass over the log at start. */
typedef struct gs_acct {
    char id[LN_ST_ID];
    int susp, mark;
} gs_acct;

typedef struct gs_scan {
    gs_acct *a;
    size_t n, cap;
    int rc;
} gs_scan;

static gs_acct *gs_find(gs_scan *x, const char *id)
{
    for (size_t i = 0; i < x->n; i++)
        if (!strcmp(x->a[i].id, id))
            return &x->a[i];
    if (!id[0] || strlen(id) >= LN_ST_ID ||
        ln_grow((void **)&x->a, &x->cap, x->n + 1, sizeof *x->a)) {
        x->rc = id[0] && strlen(id) < LN_ST_ID ? LN_ENOMEM : x->rc;
        return NULL;
    }
    gs_acct *g = &x->a[x->n++];
    memset(g, 0, sizeof *g);
    snprintf(g->id, sizeof g->id, "%s", id);
    return g;
}

static void gs_verdict(gs_scan *x, const json_t *rec)
{
    const json_t *e = json_object_get(rec, "effect");
    json_int_t k = json_integer_value(json_object_get(e, "kind"));
    if (json_integer_value(json_object_get(rec, "state")) != LN_ST_GRANTED ||
        (k != LN_ST_EFFECT_SUSPEND && k != LN_ST_EFFECT_RESUME))
        return;
    const json_t *a = json_object_get(e, "accounts");
    for (size_t i = 0; i < json_array_size(a); i++) {
        const char *id = json_string_value(json_array_get(a, i));
        gs_acct *g = id ? gs_find(x, id) : NULL;
        if (g)
            g->susp = g->mark = k == LN_ST_EFFECT_SUSPEND;
    }
}

static int on_leaf(void *user, uint64_t index, const unsigned char *entry,
                   size_t n)
{
    gs_scan *x = user;
    (void)index;
    json_t *l = json_loadb((const char *)entry, n, 0, NULL);
    const char *type = json_string_value(json_object_get(l, "type"));
    const json_t *rec = json_object_get(l, "record");
    if (type && !strcmp(type, "verdict")) {
        gs_verdict(x, rec);
    } else if (type && !strcmp(type, "account")) {
        const char *id = json_string_value(json_object_get(rec, "id"));
        gs_acct *g = id ? gs_find(x, id) : NULL;
        int su = json_integer_value(json_object_get(rec, "suspended")) != 0;
        if (g && (!su || !g->susp))
            g->mark = 0;
        if (g)
            g->susp = su;
    }
    json_decref(l);
    return x->rc ? 1 : 0;
}

static int scan_grants(srv *s, trust_state *T)
{
    gs_scan x;
    memset(&x, 0, sizeof x);
    uint64_t size = 0;
    unsigned char root[32];
    int rc = soft(ln_store_audit_head(srv_store(s), &size, root));
    if (!rc && size)
        rc = soft(ln_store_audit_entries(srv_store(s), 0, size, on_leaf,
                                         &x));
    rc = rc ? rc : x.rc;
    pthread_rwlock_wrlock(&T->lk);
    for (size_t i = 0; i < x.n && !rc; i++) {
        if (!x.a[i].mark)
            continue;
        if (ln_grow((void **)&T->gsusp, &T->gcap, T->ngsusp + 1,
                    sizeof *T->gsusp))
            rc = LN_ENOMEM;
        else
            memcpy(T->gsusp[T->ngsusp++], x.a[i].id, LN_ST_ID);
    }
    T->gs_loaded = !rc;
    pthread_rwlock_unlock(&T->lk);
    ln_free(x.a);
    return rc;
}

/* lk held for writing */
static void gs_drop(trust_state *T, const char *account)
{
    for (size_t i = 0; i < T->ngsusp; i++)
        if (!strcmp(T->gsusp[i], account)) {
            memmove(T->gsusp[i], T->gsusp[T->ngsusp - 1], LN_ST_ID);
            T->ngsusp--;
            return;
        }
}

int trust_mark_granted(srv *s, const json_t *accounts)
{
    trust_state *T = trust_get(s);
    int rc = 0;
    pthread_rwlock_wrlock(&T->lk);
    for (size_t i = 0; i < json_array_size(accounts) && !rc; i++) {
        const char *id = json_string_value(json_array_get(accounts, i));
        if (!id || !id[0] || strlen(id) >= LN_ST_ID)
            continue;
        gs_drop(T, id);
        if (ln_grow((void **)&T->gsusp, &T->gcap, T->ngsusp + 1,
                    sizeof *T->gsusp))
            rc = LN_ENOMEM;
        else
            snprintf(T->gsusp[T->ngsusp++], LN_ST_ID, "%s", id);
    }
    pthread_rwlock_unlock(&T->lk);
    return rc;
}

void srv_trust_note_suspension(srv *s, const char *account, int on, int was)
{
    trust_state *T = trust_get(s);
    if (!T || (on && was))
        return; /* a suspended account suspended again: the same one */
    pthread_rwlock_wrlock(&T->lk);
    gs_drop(T, account);
    pthread_rwlock_unlock(&T->lk);
}

int trust_refresh(srv *s)
{
    trust_state *T = trust_get(s);
    load_ctx x;
    memset(&x, 0, sizeof x);
    int rc = T->gs_loaded ? 0 : scan_grants(s, T);
    if (!rc)
        rc = load(s, &x);
    if (rc) {
        free_cons(x.con, x.ncon);
        ln_free(x.kill);
        srv__log(s, "error", "trust: reading contracts failed: %s",
                 ln_strerror(rc));
        return rc;
    }
    pthread_rwlock_wrlock(&T->lk);
    trust_con *oc = T->con;
    size_t on = T->ncon;
    ln_free(T->kill);
    T->con = x.con, T->ncon = x.ncon;
    T->kill = x.kill, T->nkill = x.nkill;
    T->geo = 0;
    for (size_t i = 0; i < T->ncon; i++) {
        const json_t *sc = json_object_get(T->con[i].doc, "scope");
        T->geo |= T->con[i].zgeo || json_object_get(sc, "region");
    }
    pthread_rwlock_unlock(&T->lk);
    free_cons(oc, on);
    return srv_reload_accounts(s);
}

/* ---- protection -------------------------------------------------------- */

static int by_position(const trust_con *c, double lat_deg, double lon_deg)
{
    if (!isfinite(lat_deg) || !isfinite(lon_deg))
        return 0;
    if (ln_trust_contract_covers_deg(c->c, lat_deg, lon_deg))
        return 1;
    return c->zgeo && ln_zoneset_decide_deg(c->zgeo, lat_deg, lon_deg, NAN)
                              .action == LN_ZONE_DENY;
}

const trust_con *trust_protector(const trust_state *T, const char *account,
                                 const char *terminal, double lat_deg,
                                 double lon_deg)
{
    for (size_t i = 0; i < T->ncon; i++)
        if (ln_trust_contract_protects(T->con[i].c, account, terminal,
                                       NULL) ||
            by_position(&T->con[i], lat_deg, lon_deg))
            return &T->con[i];
    return NULL;
}

int trust_other_region(srv *s, const char *contract, const json_t *target,
                       char term[LN_ST_ID], char other[LN_ST_ID])
{
    trust_state *T = trust_get(s);
    const json_t *ta = json_object_get(target, "accounts"),
                 *tt = json_object_get(target, "terminals");
    term[0] = other[0] = 0;
    pthread_rwlock_rdlock(&T->lk);
    pthread_rwlock_rdlock(&s->lock);
    for (size_t i = 0; T->geo && i < s->tab.nterm && !other[0]; i++) {
        const srv_term *tm = &s->tab.term[i];
        if (!trust_json_has(tt, tm->id) &&
            (tm->account < 0 ||
             !trust_json_has(ta, s->tab.acct[tm->account].id)))
            continue;
        pthread_mutex_t *mu = &s->pos_mu[i % SRV_POS_STRIPES];
        pthread_mutex_lock(mu);
        double lat = tm->plat_deg, lon = tm->plon_deg;
        pthread_mutex_unlock(mu);
        for (size_t k = 0; k < T->ncon && !other[0]; k++)
            if (strcmp(T->con[k].id, contract) &&
                by_position(&T->con[k], lat, lon)) {
                memcpy(term, tm->id, LN_ST_ID);
                memcpy(other, T->con[k].id, LN_ST_ID);
            }
    }
    pthread_rwlock_unlock(&s->lock);
    pthread_rwlock_unlock(&T->lk);
    return other[0] != 0;
}

int trust_terminal_protected(srv *s, const char *terminal,
                             char acct[LN_ST_ID], double *plat,
                             double *plon)
{
    int r = -1;
    *plat = *plon = NAN;
    pthread_rwlock_rdlock(&s->lock);
    long i = srv__idx_find(&s->tab.term_idx, s->tab.term,
                           sizeof *s->tab.term, terminal);
    if (i >= 0 && s->tab.term[i].account >= 0) {
        const srv_term *t = &s->tab.term[i];
        memcpy(acct, s->tab.acct[t->account].id, LN_ST_ID);
        pthread_mutex_t *mu = &s->pos_mu[i % SRV_POS_STRIPES];
        pthread_mutex_lock(mu);
        *plat = t->plat_deg, *plon = t->plon_deg;
        r = (atomic_load(&t->tflags) & SRV_T_PROTECTED) != 0;
        pthread_mutex_unlock(mu);
    }
    pthread_rwlock_unlock(&s->lock);
    return r;
}

static unsigned id_flags(const trust_state *T, const char *account,
                         const char *terminal)
{
    for (size_t i = 0; i < T->ncon; i++)
        if (ln_trust_contract_protects(T->con[i].c, account, terminal, NULL))
            return SRV_T_PROT_ID | SRV_T_PROTECTED;
    return 0;
}

static int geo_protected(const trust_state *T, double lat, double lon)
{
    for (size_t i = 0; T->geo && i < T->ncon; i++)
        if (by_position(&T->con[i], lat, lon))
            return 1;
    return 0;
}

static int add_events(const trust_state *T, srv_tables *t, ln_policy *pol)
{
    int rc = 0;
    for (size_t k = 0; k < T->nkill && !rc; k++) {
        const ln_st_kill *kl = &T->kill[k];
        unsigned fl = kl->granted ? LN_POLICY_GRANTED : 0;
        long a = -1;
        if (!strcmp(kl->scope, "account")) {
            a = srv__idx_find(&t->acct_idx, t->acct, sizeof *t->acct,
                              kl->id);
            if (a < 0)
                continue;
        } else if (strcmp(kl->scope, "all"))
            continue;
        rc = ln_policy_add_event_flags(pol, -INFINITY, (int)a,
                                       LN_POLICY_KILL, fl);
    }
    for (size_t k = 0; k < T->ngsusp && !rc; k++) {
        long a = srv__idx_find(&t->acct_idx, t->acct, sizeof *t->acct,
                               T->gsusp[k]);
        if (a >= 0 && t->acct[a].suspended)
            rc = ln_policy_add_event_flags(pol, -INFINITY, (int)a,
                                           LN_POLICY_SUSPEND,
                                           LN_POLICY_GRANTED);
    }
    if (!rc)
        ln_policy_advance(pol, -INFINITY);
    return rc;
}

/* A new table (a reload) keeps the live one's protection positions (the
 * store keeps the last report whoever made it) and any later report. */
static void carry_over(srv *s, srv_tables *t)
{
    if (t == &s->tab || !s->tab.nterm)
        return;
    for (size_t i = 0; i < t->nterm; i++) {
        srv_term *n = &t->term[i];
        long j = srv__idx_find(&s->tab.term_idx, s->tab.term,
                               sizeof *s->tab.term, n->id);
        if (j < 0)
            continue;
        const srv_term *o = &s->tab.term[j];
        pthread_mutex_t *mu = &s->pos_mu[j % SRV_POS_STRIPES];
        pthread_mutex_lock(mu);
        n->plat_deg = o->plat_deg, n->plon_deg = o->plon_deg;
        if (o->t_unix_s > n->t_unix_s)
            n->lat_deg = o->lat_deg, n->lon_deg = o->lon_deg,
            n->t_unix_s = o->t_unix_s;
        pthread_mutex_unlock(mu);
    }
}

/* The terminals' switch bits (SRV_T_KILLED*), by index into t. */
static unsigned char *kill_bits(const trust_state *T, const srv_tables *t)
{
    unsigned char *kb = ln_calloc(t->nterm + 1, 1);
    for (size_t k = 0; kb && k < T->nkill; k++) {
        if (strcmp(T->kill[k].scope, "terminal"))
            continue;
        long i = srv__idx_find(&t->term_idx, t->term, sizeof *t->term,
                               T->kill[k].id);
        if (i >= 0)
            kb[i] |= (unsigned char)(T->kill[k].granted ? SRV_T_KILLED_GR
                                                         : SRV_T_KILLED);
    }
    return kb;
}

/* Each terminal's whole flag byte, computed and stored at once under its
 * stripe (found in review: storing the protection first and OR-ing the
 * switch bits after let a killed terminal answer allowed meanwhile, and
 * a position update in between could erase a switch); the position is
 * read under the same stripe, and srv__trust_position writes under it. */
int srv__trust_apply(srv *s, srv_tables *t, ln_policy *pol)
{
    trust_state *T = trust_get(s);
    if (!T)
        return 0;
    carry_over(s, t);
    pthread_rwlock_rdlock(&T->lk);
    unsigned char *kb = kill_bits(T, t);
    if (!kb) {
        pthread_rwlock_unlock(&T->lk);
        return LN_ENOMEM;
    }
    for (size_t i = 0; i < t->nterm; i++) {
        srv_term *tm = &t->term[i];
        const char *acct = tm->account >= 0 ? t->acct[tm->account].id : "";
        unsigned f = id_flags(T, acct, tm->id);
        pthread_mutex_t *mu = &s->pos_mu[i % SRV_POS_STRIPES];
        pthread_mutex_lock(mu);
        if (!f && geo_protected(T, tm->plat_deg, tm->plon_deg))
            f = SRV_T_PROTECTED;
        atomic_store(&tm->tflags, (unsigned char)(f | kb[i]));
        pthread_mutex_unlock(mu);
    }
    ln_free(kb);
    int rc = add_events(T, t, pol);
    pthread_rwlock_unlock(&T->lk);
    return rc;
}

void srv__trust_position(srv *s, srv_term *t, int own)
{
    trust_state *T = trust_get(s);
    if (!T) {
        t->plat_deg = t->lat_deg, t->plon_deg = t->lon_deg;
        return;
    }
    pthread_rwlock_rdlock(&T->lk);
    /* sticky against others than the terminal (found in review): a
     * report made with another token may add protection, never remove
     * it */
    int now_in = T->geo && geo_protected(T, t->lat_deg, t->lon_deg);
    int was_in = T->geo && geo_protected(T, t->plat_deg, t->plon_deg);
    int moves = own || !T->geo || now_in || !was_in;
    if (moves)
        t->plat_deg = t->lat_deg, t->plon_deg = t->lon_deg;
    if (T->geo) { /* only the protected bit changes: one CAS */
        int p = moves ? now_in : was_in; /* at the protection position */
        unsigned char f = atomic_load(&t->tflags), nf;
        do
            nf = (unsigned char)((f & ~SRV_T_PROTECTED) |
                                 ((f & SRV_T_PROT_ID) || p ? SRV_T_PROTECTED
                                                           : 0));
        while (nf != f &&
               !atomic_compare_exchange_weak(&t->tflags, &f, nf));
    }
    pthread_rwlock_unlock(&T->lk);
}
