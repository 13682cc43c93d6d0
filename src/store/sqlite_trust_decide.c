/*
 * sqlite_trust_decide.c - ln_store_decide_change for the SQLite driver:
 * in one transaction the change's state, reason and detail, its nonce
 * (used once: a second final decision with the same nonce is
 * LN_ECONFLICT and writes nothing), the effect of a granted change and
 * one "verdict" leaf (with its signed checkpoint).
 *
 * Effects (store.h ln_st_effect):
 *   KILL / RESTORE  a kill row (granted = 1, the change's id) per account
 *                   and terminal listed, on or off; none listed: scope
 *                   "all"
 *   SUSPEND / RESUME  accounts.suspended = 1 / 0 for each account listed
 *   ZONES           a new zone set version, as put_zones writes it
 *   CONTRACT        the next version of the change's contract, with the
 *                   change's id (a new document whose "contract" member
 *                   names another contract: LN_EINVAL)
 * A kill, suspension or zones effect whose targets another contract
 * protects (by name: sqlite_trust_scope.c) is LN_EFORBIDDEN.
 * The verdict's record holds all of it (docs/audit.md), so that
 * ln_store_audit_verify can replay it.
 */
#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/sqlite_int.h"

static json_t *id_list(const char (*ids)[LN_ST_ID], size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        json_array_append_new(a, json_string(ids[i]));
    return a;
}

/* Kill switches on or off for the effect's accounts and terminals. */
static int kills(sq *s, const char *change, const ln_st_effect *e, int on)
{
    int rc = LN_OK;
    for (size_t i = 0; !rc && i < e->naccounts; i++)
        rc = ln__sq_kill_tx(s, "account", e->accounts[i], change, on);
    for (size_t i = 0; !rc && i < e->nterminals; i++)
        rc = ln__sq_kill_tx(s, "terminal", e->terminals[i], change, on);
    if (!rc && !e->naccounts && !e->nterminals)
        rc = ln__sq_kill_tx(s, "all", "", change, on);
    return rc;
}

static int suspend(sq *s, const ln_st_effect *e, int on)
{
    int rc = LN_OK;
    for (size_t i = 0; !rc && i < e->naccounts; i++) {
        sqlite3_stmt *q = ln__sq_stmt(s->w, SQ_ACC_SUSPEND);
        if (q) {
            sqlite3_bind_text(q, 1, e->accounts[i], -1, SQLITE_STATIC);
            sqlite3_bind_int(q, 2, on);
        }
        rc = ln__sq_step_write(s, q, "suspend account");
    }
    return rc;
}

/* The amendment's contract id: its "contract" member, else dflt. */
static void amended_id(const ln_st_effect *e, const char *dflt,
                       char id[LN_ST_ID])
{
    json_t *d = json_loadb(e->contract_json, e->contract_len, 0, NULL);
    const char *v = json_string_value(json_object_get(d, "contract"));
    snprintf(id, LN_ST_ID, "%s", v && v[0] ? v : dflt);
    json_decref(d);
}

/* Applies a granted change's effect; adds what it did to eff. */
static int apply(sq *s, const char *id, const char *contract,
                 const ln_st_effect *e, json_t *eff)
{
    json_object_set_new(eff, "kind", json_integer(e->kind));
    json_object_set_new(eff, "accounts", id_list(e->accounts, e->naccounts));
    json_object_set_new(eff, "terminals",
                        id_list(e->terminals, e->nterminals));
    json_t *rec = NULL;
    int64_t v = 0;
    char cid[LN_ST_ID];
    if (e->kind == LN_ST_EFFECT_KILL || e->kind == LN_ST_EFFECT_SUSPEND ||
        e->kind == LN_ST_EFFECT_ZONES) {
        int rc = ln__sq_effect_clash(s, id, contract, e);
        if (rc)
            return rc;
    }
    switch (e->kind) {
    case LN_ST_EFFECT_NONE: return LN_OK;
    case LN_ST_EFFECT_KILL: return kills(s, id, e, 1);
    case LN_ST_EFFECT_RESTORE: return kills(s, id, e, 0);
    case LN_ST_EFFECT_SUSPEND: return suspend(s, e, 1);
    case LN_ST_EFFECT_RESUME: return suspend(s, e, 0);
    case LN_ST_EFFECT_ZONES: {
        int rc = ln__sq_put_zones_tx(s, e->zones, e->nzones, &v, &rec);
        if (!rc)
            json_object_set_new(eff, "zones", rec);
        return rc;
    }
    case LN_ST_EFFECT_CONTRACT: {
        if (!e->contract_json || !e->contract_len)
            return ln__store_err(LN_EINVAL, "store: change '%s': an "
                                 "amendment without its contract", id);
        amended_id(e, contract, cid);
        if (strcmp(cid, contract)) /* found in review: one contract's
                                    * change rewrote another contract */
            return ln__store_err(LN_EINVAL, "store: change '%s' of contract "
                                 "'%s' amends contract '%s': an amendment "
                                 "changes its own contract only", id,
                                 contract, cid);
        /* a scope meeting another contract's: LN_EFORBIDDEN here (not
         * LN_ECONFLICT, which callers read as the nonce's) */
        int rc = ln__sq_contract_clash(s, cid, e->contract_json,
                                       e->contract_len);
        if (rc == LN_ECONFLICT) {
            char m[512];
            snprintf(m, sizeof m, "%s", ln_store_errmsg(NULL));
            return ln__store_err(LN_EFORBIDDEN, "%s", m);
        }
        if (!rc)
            rc = ln__sq_contract_tx(s, cid, e->contract_json,
                                    e->contract_len, id, &v, &rec);
        if (!rc)
            json_object_set_new(eff, "contract", rec);
        return rc;
    }
    default:
        return ln__store_err(LN_EINVAL, "store: change '%s': effect kind "
                             "%d", id, e->kind);
    }
}

static int set_state(sq *s, const char *id, int state, int reason,
                     const char *detail)
{
    sqlite3_stmt *q = ln__sq_stmt(s->w, SQ_CHG_DECIDE);
    if (q) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
        sqlite3_bind_int(q, 2, state);
        sqlite3_bind_int(q, 3, reason);
        sqlite3_bind_text(q, 4, detail, -1, SQLITE_STATIC);
        sqlite3_bind_double(q, 5, state == LN_ST_PENDING
                                      ? 0.0
                                      : (double)ts.tv_sec + ts.tv_nsec / 1e9);
    }
    return ln__sq_step_write(s, q, "decide change");
}

/* The nonce marked used (final decisions): LN_ECONFLICT when it was. */
static int use_nonce(sq *s, const char *id, const unsigned char *nonce,
                     size_t n)
{
    sqlite3_stmt *q = ln__sq_stmt(s->w, SQ_NONCE_USED);
    if (!q)
        return LN_ESTORE;
    sqlite3_bind_blob64(q, 1, nonce, n, SQLITE_STATIC);
    int r = sqlite3_step(q);
    sqlite3_reset(q);
    if (r == SQLITE_ROW)
        return ln__store_err(LN_ECONFLICT, "store: change '%s': its nonce "
                             "was used already", id);
    if (r != SQLITE_DONE)
        return ln__sq_fail(s->w, r, "nonce");
    q = ln__sq_stmt(s->w, SQ_NONCE_PUT);
    if (q) {
        sqlite3_bind_blob64(q, 1, nonce, n, SQLITE_STATIC);
        sqlite3_bind_text(q, 2, id, -1, SQLITE_STATIC);
        sqlite3_bind_double(q, 3, (double)time(NULL));
    }
    return ln__sq_step_write(s, q, "use nonce");
}

/* The change's contract (for an amendment without a "contract"). */
static void contract_of(sq *s, const char *id, char out[LN_ST_ID])
{
    out[0] = 0;
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(s->w->db, "SELECT contract FROM changes WHERE "
                           "id=?1", -1, &q, NULL) == SQLITE_OK) {
        sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
        if (sqlite3_step(q) == SQLITE_ROW)
            ln__sq_text(q, 0, out, LN_ST_ID);
    }
    sqlite3_finalize(q);
}

int ln__sq_decide_change(void *impl, const char *id, int state, int reason,
                         const char *detail, const unsigned char *nonce,
                         size_t nnonce, const ln_st_effect *effect)
{
    sq *s = impl;
    char hex[2 * 256 + 1] = "";
    if (nonce && nnonce > 256)
        return ln__store_err(LN_EINVAL, "store: nonce of %zu bytes (256 at "
                             "most)", nnonce);
    if (nonce && nnonce)
        sodium_bin2hex(hex, sizeof hex, nonce, nnonce);
    json_t *rec = json_object(), *eff = json_object();
    if (!rec || !eff) {
        json_decref(rec);
        json_decref(eff);
        return ln__store_err(LN_ENOMEM, "store: out of memory");
    }
    json_object_set_new(rec, "change", json_string(id));
    json_object_set_new(rec, "state", json_integer(state));
    json_object_set_new(rec, "reason", json_integer(reason));
    json_object_set_new(rec, "detail", json_string(detail));
    json_object_set_new(rec, "nonce", json_string(hex));
    pthread_mutex_lock(&s->wmu);
    int cur = 0, rc = ln__sq_begin(s);
    if (!rc)
        rc = ln__sq_change_state(s, id, &cur);
    if (!rc && cur != LN_ST_PENDING)
        rc = ln__store_err(LN_EINVAL, "store: change '%s' is decided "
                           "already", id);
    if (!rc && state != LN_ST_PENDING && nonce && nnonce)
        rc = use_nonce(s, id, nonce, nnonce);
    if (!rc)
        rc = set_state(s, id, state, reason, detail);
    if (!rc && state == LN_ST_GRANTED && effect &&
        effect->kind != LN_ST_EFFECT_NONE) {
        char contract[LN_ST_ID];
        contract_of(s, id, contract);
        rc = apply(s, id, contract, effect, eff);
        json_object_set(rec, "effect", eff);
    }
    if (!rc)
        rc = ln__sq_audit_leaf(s, "verdict", json_incref(rec));
    rc = ln__sq_audit_end(s, rc);
    pthread_mutex_unlock(&s->wmu);
    json_decref(rec);
    json_decref(eff);
    return rc;
}
