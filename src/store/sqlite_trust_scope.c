/*
 * sqlite_trust_scope.c - one contract per protected target (found in
 * review, issue 15).
 *
 * A target protected by contract A must not be reachable through another
 * contract B: were it, B's parties alone (the operator alone, under an
 * operator-only contract that names the defence account too) could grant
 * a kill switch or a suspension that applies to A's protected terminals.
 * So, in the writer's open transaction:
 *   - a contract's version (new, or an amendment) whose scope names an
 *     account, terminal or zone that another contract's latest version
 *     names, or a terminal of an account the other names (either way
 *     round), is refused: LN_ECONFLICT naming both contracts;
 *   - a granted effect (kill switches, suspensions, zones) of a change
 *     under contract X whose targets another contract protects in the
 *     same sense is refused: LN_EFORBIDDEN, nothing written; so is a
 *     granted kill that lists no account and no terminal (the store
 *     writes it as scope "all": every terminal) while another contract
 *     exists.
 * Names only: a contract's region is geometry, which the store does not
 * resolve (the daemon's protection test does).
 * A document that is not a JSON object with a "scope" object is not
 * checked (the store keeps contracts as opaque text; the daemon parses
 * them before they get here).
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "store/sqlite_int.h"

static int has(const json_t *arr, const char *s)
{
    for (size_t i = 0; s && i < json_array_size(arr); i++) {
        const char *v = json_string_value(json_array_get(arr, i));
        if (v && !strcmp(v, s))
            return 1;
    }
    return 0;
}

/* The account of terminal id (writer), "" when unknown. */
static void account_of(sq *s, const char *id, char out[LN_ST_ID])
{
    out[0] = 0;
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(s->w->db, "SELECT account FROM terminals WHERE "
                           "id=?1", -1, &q, NULL) == SQLITE_OK) {
        sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
        if (sqlite3_step(q) == SQLITE_ROW)
            ln__sq_text(q, 0, out, LN_ST_ID);
    }
    sqlite3_finalize(q);
}

/* What of scope a (accounts, terminals, zones) scope b protects too:
 * its description into what, 1; else 0. */
static int meets(sq *s, const json_t *a, const json_t *b, char *what,
                 size_t n)
{
    static const char *const kinds[] = {"accounts", "terminals", "zones"};
    static const char *const one[] = {"account", "terminal", "zone"};
    for (int k = 0; k < 3; k++) {
        const json_t *l = json_object_get(a, kinds[k]);
        for (size_t i = 0; i < json_array_size(l); i++) {
            const char *id = json_string_value(json_array_get(l, i));
            if (has(json_object_get(b, kinds[k]), id))
                return snprintf(what, n, "%s '%s'", one[k], id), 1;
        }
    }
    char acc[LN_ST_ID];
    const json_t *ta = json_object_get(a, "terminals"),
                 *tb = json_object_get(b, "terminals");
    for (size_t i = 0; i < json_array_size(ta); i++) {
        const char *id = json_string_value(json_array_get(ta, i));
        if (!id)
            continue;
        account_of(s, id, acc);
        if (acc[0] && has(json_object_get(b, "accounts"), acc))
            return snprintf(what, n, "terminal '%s' (of account '%s')", id,
                            acc), 1;
    }
    for (size_t i = 0; i < json_array_size(tb); i++) {
        const char *id = json_string_value(json_array_get(tb, i));
        if (!id)
            continue;
        account_of(s, id, acc);
        if (acc[0] && has(json_object_get(a, "accounts"), acc))
            return snprintf(what, n, "account '%s' (its terminal '%s')",
                            acc, id), 1;
    }
    return 0;
}

/* The first other contract (latest versions, id != own) whose scope
 * meets scope: its id into other and what into what, 1; 0 none; <0 an
 * error (LN_E*). */
static int clash(sq *s, const char *own, const json_t *scope,
                 char other[LN_ST_ID], char *what, size_t n)
{
    sqlite3_stmt *q = NULL;
    int r = sqlite3_prepare_v2(
        s->w->db,
        "SELECT id, json FROM contracts c WHERE id<>?1 AND version="
        "(SELECT MAX(version) FROM contracts WHERE id=c.id) ORDER BY id",
        -1, &q, NULL);
    if (r != SQLITE_OK)
        return ln__sq_fail(s->w, r, "contract scopes");
    sqlite3_bind_text(q, 1, own, -1, SQLITE_STATIC);
    int hit = 0;
    while (!hit && (r = sqlite3_step(q)) == SQLITE_ROW) {
        json_t *d = json_loadb(sqlite3_column_blob(q, 1),
                               (size_t)sqlite3_column_bytes(q, 1), 0, NULL);
        const json_t *sc = json_object_get(d, "scope");
        if (json_is_object(sc) && meets(s, scope, sc, what, n)) {
            ln__sq_text(q, 0, other, LN_ST_ID);
            hit = 1;
        }
        json_decref(d);
    }
    if (!hit && r != SQLITE_DONE)
        hit = ln__sq_fail(s->w, r, "contract scopes");
    sqlite3_finalize(q);
    return hit;
}

int ln__sq_contract_clash(sq *s, const char *id, const char *json, size_t n)
{
    json_t *d = json_loadb(json, n, 0, NULL);
    const json_t *sc = json_object_get(d, "scope");
    char other[LN_ST_ID] = "", what[200] = "";
    int r = json_is_object(sc) ? clash(s, id, sc, other, what, sizeof what)
                               : 0;
    json_decref(d);
    if (r < 0)
        return r;
    if (r)
        return ln__store_err(LN_ECONFLICT, "store: contract '%s' would "
                             "protect %s, which contract '%s' protects: one "
                             "contract per target (amend '%s' instead)",
                             id, what, other, other);
    return LN_OK;
}

/* Another contract than own: its id into other, 1; 0 none; <0 error. */
static int any_other(sq *s, const char *own, char other[LN_ST_ID])
{
    sqlite3_stmt *q = NULL;
    int r = sqlite3_prepare_v2(s->w->db, "SELECT id FROM contracts WHERE "
                               "id<>?1 ORDER BY id LIMIT 1", -1, &q, NULL);
    if (r != SQLITE_OK)
        return ln__sq_fail(s->w, r, "contracts");
    sqlite3_bind_text(q, 1, own, -1, SQLITE_STATIC);
    r = sqlite3_step(q);
    int hit = r == SQLITE_ROW;
    if (hit)
        ln__sq_text(q, 0, other, LN_ST_ID);
    else if (r != SQLITE_DONE)
        hit = ln__sq_fail(s->w, r, "contracts");
    sqlite3_finalize(q);
    return hit;
}

int ln__sq_effect_clash(sq *s, const char *change, const char *contract,
                        const ln_st_effect *e)
{
    char other[LN_ST_ID] = "", what[200] = "";
    if (e->kind == LN_ST_EFFECT_KILL && !e->naccounts && !e->nterminals) {
        /* no target listed: the switch is scope "all", every terminal */
        int r = any_other(s, contract, other);
        if (r > 0)
            return ln__store_err(LN_EFORBIDDEN, "store: change '%s' under "
                                 "contract '%s' switches every terminal "
                                 "off (no account or terminal listed), "
                                 "those contract '%s' protects too", change,
                                 contract, other);
        if (r < 0)
            return r;
    }
    json_t *sc = json_object(), *acc = json_array(), *term = json_array(),
           *zon = json_array();
    for (size_t i = 0; i < e->naccounts; i++)
        json_array_append_new(acc, json_string(e->accounts[i]));
    for (size_t i = 0; i < e->nterminals; i++)
        json_array_append_new(term, json_string(e->terminals[i]));
    for (size_t i = 0; e->kind == LN_ST_EFFECT_ZONES && i < e->nzones; i++)
        json_array_append_new(zon, json_string(e->zones[i].id));
    json_object_set_new(sc, "accounts", acc);
    json_object_set_new(sc, "terminals", term);
    json_object_set_new(sc, "zones", zon);
    int r = clash(s, contract, sc, other, what, sizeof what);
    json_decref(sc);
    if (r < 0)
        return r;
    if (r)
        return ln__store_err(LN_EFORBIDDEN, "store: change '%s' under "
                             "contract '%s' targets %s, which contract '%s' "
                             "protects: its own contract's threshold is "
                             "needed", change, contract, what, other);
    return LN_OK;
}
