/*
 * state.c - the daemon's state (core.h): making and freeing a srv, the
 * reloads, the decision and Starlink's alert codes.
 *
 * A decision takes s->lock shared, finds the terminal (hash table),
 * reads its account index and, when the caller gave no position, its last
 * one (under its stripe), asks ln_policy_decide_terminal (the function
 * `leonet run` asks, with the terminal's protected bit; its own kill
 * switch, SRV_T_KILLED*, denies after it) and copies the deciding zone's id out before unlocking: a
 * reload may free the zone set right after. No allocation, no DB.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "core.h"

ln_store *srv_store(srv *s) { return s->st; }

int srv_stopping(srv *s) { return atomic_load(&s->stopping); }

const ln_server_config *srv_config(const srv *s) { return &s->cfg; }

static void fini_parts(srv *s)
{
    for (int i = s->parts_up - 1; i >= 0; i--)
        if (srv_parts[i].fini)
            srv_parts[i].fini(s);
    s->parts_up = 0;
}

void srv_free(srv *s)
{
    if (!s)
        return;
    fini_parts(s);
    ln_policy_free(s->pol);
    ln_zoneset_free(s->zs);
    srv__free_tables(&s->tab);
    srv__auth_free(s);
    ln_free(s->routes);
    ln_free(s->m.route);
    pthread_rwlock_destroy(&s->lock);
    pthread_rwlock_destroy(&s->tok_lock);
    pthread_mutex_destroy(&s->reload_mu);
    for (int i = 0; i < SRV_POS_STRIPES; i++)
        pthread_mutex_destroy(&s->pos_mu[i]);
    ln_free(s);
}

static int init_parts(srv *s, ln_diag *diag)
{
    for (int i = 0; srv_parts[i].name; i++) {
        if (i >= SRV_PARTS_MAX)
            return ln_diag_set(diag, LN_EINVAL, NULL, 0, 0, NULL,
                               "more than %d parts", SRV_PARTS_MAX);
        int rc = srv_parts[i].init ? srv_parts[i].init(s) : 0;
        if (rc)
            return ln_diag_set(diag, rc < 0 ? rc : LN_EINVAL, NULL, 0, 0,
                               NULL, "part %s: init failed (%s)",
                               srv_parts[i].name,
                               ln_strerror(rc < 0 ? rc : LN_EINVAL));
        s->parts_up = i + 1;
    }
    return 0;
}

int srv_new(ln_store *st, const ln_server_config *cfg, srv **out,
            ln_diag *diag)
{
    *out = NULL;
    srv_arena_install(); /* jansson's allocator: ingest's arena (arena.c) */
    srv *s = ln_calloc(1, sizeof *s);
    if (!s)
        return ln_diag_set(diag, LN_ENOMEM, NULL, 0, 0, NULL,
                           "out of memory");
    s->cfg = *cfg;
    s->st = st;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    s->started_unix_s = (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
    pthread_rwlock_init(&s->lock, NULL);
    pthread_rwlock_init(&s->tok_lock, NULL);
    pthread_mutex_init(&s->reload_mu, NULL);
    for (int i = 0; i < SRV_POS_STRIPES; i++)
        pthread_mutex_init(&s->pos_mu[i], NULL);
    int rc = srv__routes_init(s, diag);
    if (!rc)
        rc = srv__load_tables(st, &s->tab, diag);
    if (!rc)
        rc = srv__load_zones(st, &s->zs, &s->zones_version, diag);
    if (!rc && (rc = srv__make_policy(s->zs, &s->tab, &s->pol)))
        ln_diag_set(diag, rc, NULL, 0, 0, NULL, "policy: %s",
                    ln_strerror(rc));
    if (!rc)
        rc = init_parts(s, diag);
    if (rc) {
        srv_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

int srv_reload_zones(srv *s)
{
    ln_diag d;
    ln_zoneset *zs = NULL;
    ln_policy *pol = NULL;
    int64_t ver = 0;
    pthread_mutex_lock(&s->reload_mu);
    int rc = srv__load_zones(s->st, &zs, &ver, &d);
    if (!rc) /* the accounts only change under reload_mu: no lock */
        rc = srv__make_policy(zs, &s->tab, &pol);
    if (!rc && (rc = srv__trust_apply(s, &s->tab, pol))) {
        ln_policy_free(pol);
        ln_diag_set(&d, rc, NULL, 0, 0, NULL, "kill switches: %s",
                    ln_strerror(rc));
    }
    if (rc) {
        pthread_mutex_unlock(&s->reload_mu);
        ln_zoneset_free(zs);
        srv__log(s, "error", "zone reload failed: %s", d.msg);
        return rc;
    }
    pthread_rwlock_wrlock(&s->lock);
    ln_zoneset *ozs = s->zs;
    ln_policy *opol = s->pol;
    s->zs = zs;
    s->pol = pol;
    s->zones_version = ver;
    pthread_rwlock_unlock(&s->lock);
    pthread_mutex_unlock(&s->reload_mu);
    ln_policy_free(opol);
    ln_zoneset_free(ozs);
    return 0;
}

int srv_reload_accounts(srv *s)
{
    ln_diag d;
    srv_tables t;
    ln_policy *pol = NULL;
    pthread_mutex_lock(&s->reload_mu);
    int rc = srv__load_tables(s->st, &t, &d);
    if (!rc && (rc = srv__make_policy(s->zs, &t, &pol)))
        srv__free_tables(&t);
    else if (!rc && (rc = srv__trust_apply(s, &t, pol))) {
        ln_policy_free(pol);
        srv__free_tables(&t);
    }
    if (rc) {
        pthread_mutex_unlock(&s->reload_mu);
        srv__log(s, "error", "account reload failed: %s", ln_strerror(rc));
        return rc;
    }
    pthread_rwlock_wrlock(&s->lock);
    srv_tables old = s->tab;
    ln_policy *opol = s->pol;
    s->tab = t;
    s->pol = pol;
    pthread_rwlock_unlock(&s->lock);
    pthread_mutex_unlock(&s->reload_mu);
    ln_policy_free(opol);
    srv__free_tables(&old);
    return 0;
}

int srv__terminal_account(srv *s, const char *terminal, char out[LN_ST_ID])
{
    int rc = -1;
    out[0] = 0;
    pthread_rwlock_rdlock(&s->lock);
    long i = srv__idx_find(&s->tab.term_idx, s->tab.term,
                           sizeof *s->tab.term, terminal);
    if (i >= 0 && s->tab.term[i].account >= 0) {
        memcpy(out, s->tab.acct[s->tab.term[i].account].id, LN_ST_ID);
        rc = 0;
    }
    pthread_rwlock_unlock(&s->lock);
    return rc;
}

void srv__note_positions(srv *s, const ln_st_report *r,
                         const uint8_t *is_new, size_t n, int own)
{
    pthread_rwlock_rdlock(&s->lock);
    for (size_t k = 0; k < n; k++) {
        if (!is_new[k])
            continue;
        long i = srv__idx_find(&s->tab.term_idx, s->tab.term,
                               sizeof *s->tab.term, r[k].terminal);
        if (i < 0)
            continue;
        srv_term *t = &s->tab.term[i];
        pthread_mutex_t *mu = &s->pos_mu[i % SRV_POS_STRIPES];
        pthread_mutex_lock(mu);
        if (r[k].t_unix_s >= t->t_unix_s) {
            t->lat_deg = r[k].lat_deg;
            t->lon_deg = r[k].lon_deg;
            t->t_unix_s = r[k].t_unix_s;
            srv__trust_position(s, t, own);
        }
        pthread_mutex_unlock(mu);
    }
    pthread_rwlock_unlock(&s->lock);
}

int srv_decide(srv *s, const char *terminal, double lat_deg, double lon_deg,
               double t_unix_s, srv_decision *out)
{
    memset(out, 0, sizeof *out);
    pthread_rwlock_rdlock(&s->lock);
    long i = srv__idx_find(&s->tab.term_idx, s->tab.term,
                           sizeof *s->tab.term, terminal);
    if (i < 0 || s->tab.term[i].account < 0) {
        pthread_rwlock_unlock(&s->lock);
        return LN_ENOTFOUND;
    }
    const srv_term *t = &s->tab.term[i];
    if (isnan(lat_deg) || isnan(lon_deg)) {
        pthread_mutex_t *mu = &s->pos_mu[i % SRV_POS_STRIPES];
        pthread_mutex_lock(mu);
        lat_deg = t->lat_deg;
        lon_deg = t->lon_deg;
        pthread_mutex_unlock(mu);
        if (!isfinite(lat_deg) || !isfinite(lon_deg)) {
            pthread_rwlock_unlock(&s->lock);
            return LN_EINVAL; /* never reported, no placement */
        }
    }
    /* issue 15: the protected bit and the terminal's own switch */
    unsigned f = atomic_load_explicit(&t->tflags, memory_order_relaxed);
    out->d = ln_policy_decide_terminal(
        s->pol, t->account, f & SRV_T_PROTECTED ? LN_POLICY_PROTECTED : 0,
        lat_deg * LN_DEG2RAD, lon_deg * LN_DEG2RAD, t_unix_s);
    if ((f & SRV_T_KILLED_GR) ||
        ((f & SRV_T_KILLED) && !(f & SRV_T_PROTECTED))) {
        out->d.allowed = 0;
        out->d.reason = LN_REASON_KILL;
    }
    if (out->d.zone_id)
        snprintf(out->zone_id, sizeof out->zone_id, "%s", out->d.zone_id);
    memcpy(out->account, s->tab.acct[t->account].id, LN_ST_ID);
    pthread_rwlock_unlock(&s->lock);
    out->d.zone_id = out->zone_id[0] ? out->zone_id : NULL;
    out->alert = srv_alert_code(out->d.reason);
    out->lat_deg = lat_deg;
    out->lon_deg = lon_deg;
    out->t_unix_s = t_unix_s;
    srv__count_decision(s, out->d.reason);
    return 0;
}

int srv_alert_code(int reason)
{
    switch (reason) {
    case LN_REASON_ZONE:
        return 89;
    case LN_REASON_SUSPENDED:
    case LN_REASON_KILL:
        return 95;
    default:
        return 0;
    }
}

/* Starlink's user-terminal alert names for the codes the daemon uses
 * (and the other authorization alerts of its list). */
const char *srv_alert_name(int code)
{
    switch (code) {
    case 55:
        return "disabled_no_active_account";
    case 58:
        return "disabled_invalid_country";
    case 60:
        return "disabled_moving_too_fast";
    case 83:
        return "disabled_blocked_country";
    case 84:
        return "disabled_data_usage_exceeded_quota";
    case 89:
        return "disabled_cell_is_disabled";
    case 93:
        return "disabled_roam_restricted";
    case 94:
        return "disabled_unknown_location";
    case 95:
        return "disabled_account_disabled";
    default:
        return "";
    }
}
