/*
 * trust_kill.c - the operator's own kill switch (docs/api-trust.md):
 *   POST /v1/kill {"scope": "all"|"account"|"terminal", "ids": [...],
 *                  "on": true|false}
 *   GET  /v1/kill  the switches that are on
 *
 * On. A target a contract protects (an account its scope names; a
 * terminal protected by id, account, zone or region: its SRV_T_PROTECTED
 * flag) is not switched by an operator alone: the whole request is
 * refused with 409 naming the protected targets and the contract, and
 * the attempt is logged as an "attempt" leaf; nothing is switched (all
 * or nothing: a retry without the protected ids switches the rest).
 * "all" is one switch (scope all, not granted): the policy applies it to
 * unprotected terminals only (ln_policy_decide_terminal); the answer
 * counts the protected terminals it skips (protectedSkipped).
 * Off. Giving service back is never gated: the named switches are
 * removed, granted ones included.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "server/core.h"
#include "server/trust_int.h"

#define KILL_IDS_MAX 1000

static int count_protected(srv *s, size_t *all)
{
    int n = 0;
    pthread_rwlock_rdlock(&s->lock);
    *all = s->tab.nterm;
    for (size_t i = 0; i < s->tab.nterm; i++)
        n += (atomic_load(&s->tab.term[i].tflags) & SRV_T_PROTECTED) != 0;
    pthread_rwlock_unlock(&s->lock);
    return n;
}

/* Which contract protects target (scope account / terminal): its id into
 * cid, 1; 0 not protected; -1 no such target. */
static int protected_by(srv *s, const char *scope, const char *id,
                        char cid[LN_ST_ID])
{
    trust_state *T = trust_get(s);
    char acct[LN_ST_ID] = "";
    int r;
    cid[0] = 0;
    if (!strcmp(scope, "account")) {
        ln_st_account a;
        r = ln_store_get_account(srv_store(s), id, &a) ? -1 : 0;
        snprintf(acct, sizeof acct, "%s", id);
        pthread_rwlock_rdlock(&T->lk);
        const trust_con *c = r ? NULL
                               : trust_protector(T, acct, NULL, NAN, NAN);
        if (c)
            snprintf(cid, LN_ST_ID, "%s", c->id), r = 1;
        pthread_rwlock_unlock(&T->lk);
        return r;
    }
    double lat, lon;
    r = trust_terminal_protected(s, id, acct, &lat, &lon);
    if (r != 1)
        return r;
    pthread_rwlock_rdlock(&T->lk); /* by id, or at its protection position */
    const trust_con *c = trust_protector(T, acct, id, lat, lon);
    snprintf(cid, LN_ST_ID, "%s", c ? c->id : "?");
    pthread_rwlock_unlock(&T->lk);
    return 1;
}

/* Checks the targets: 0, or an answer (404, 409 logged) and -1. */
static int check_targets(srv *s, const srv_req *rq, srv_resp *rs,
                         const char *scope, const json_t *ids)
{
    json_t *hit = json_array();
    char cid[LN_ST_ID], first[LN_ST_ID] = "";
    for (size_t i = 0; i < json_array_size(ids); i++) {
        const char *id = json_string_value(json_array_get(ids, i));
        int r = protected_by(s, scope, id, cid);
        if (r < 0) {
            json_decref(hit);
            return srv_error(rs, 404, "ids", "ids[%zu]: no %s '%s'", i,
                             scope, id), -1;
        }
        if (r) {
            json_array_append_new(hit, json_string(id));
            if (!first[0])
                snprintf(first, sizeof first, "%s", cid);
        }
    }
    if (!json_array_size(hit)) {
        json_decref(hit);
        return 0;
    }
    char *list = json_dumps(hit, JSON_COMPACT);
    char refused[128];
    snprintf(refused, sizeof refused, "protected by contract %s", first);
    srv_error(rs, 409, "ids", "not switched: %s %s protected by contract %s:"
              " submit a change request of kind \"kill\" (POST "
              "/v1/changes) signed as the contract requires; nothing was "
              "switched", scope, list ? list : "", first);
    free(list);
    trust_log_attempt(s, rq, "kill", hit, refused,
                      json_pack("{s:s, s:s, s:b}", "scope", scope,
                                "contract", first, "on", 1));
    return -1;
}

/* The body: 0 with scope/ids/on, or 400 and -1. */
static int parse(srv_resp *rs, json_t *o, const char **scope, json_t **ids,
                 int *on)
{
    const char *k;
    json_t *v;
    json_object_foreach(o, k, v) {
        if (strcmp(k, "scope") && strcmp(k, "ids") && strcmp(k, "on"))
            return srv_error(rs, 400, k, "%s: unknown member (scope, ids, "
                             "on)", k), -1;
    }
    *scope = json_string_value(json_object_get(o, "scope"));
    *ids = json_object_get(o, "ids");
    json_t *jo = json_object_get(o, "on");
    if (!*scope || (strcmp(*scope, "all") && strcmp(*scope, "account") &&
                    strcmp(*scope, "terminal")))
        return srv_error(rs, 400, "scope", "scope: \"all\", \"account\" or "
                         "\"terminal\""), -1;
    if (!json_is_boolean(jo))
        return srv_error(rs, 400, "on", "on: required, true or false"), -1;
    *on = json_is_true(jo);
    if (!strcmp(*scope, "all")) {
        if (*ids && json_array_size(*ids))
            return srv_error(rs, 400, "ids", "ids: none with scope \"all\""),
                   -1;
        return 0;
    }
    if (!json_is_array(*ids) || !json_array_size(*ids) ||
        json_array_size(*ids) > KILL_IDS_MAX)
        return srv_error(rs, 400, "ids", "ids: 1 to %d ids", KILL_IDS_MAX),
               -1;
    for (size_t i = 0; i < json_array_size(*ids); i++) {
        const char *id = json_string_value(json_array_get(*ids, i));
        if (!id || !id[0] || strlen(id) >= LN_ST_ID)
            return srv_error(rs, 400, "ids", "ids[%zu]: an id of 1..%d "
                             "bytes", i, LN_ST_ID - 1), -1;
    }
    return 0;
}

static int set_all(srv *s, const srv_req *rq, const char *scope,
                   const json_t *ids, int on)
{
    ln_st_kill k;
    size_t n = strcmp(scope, "all") ? json_array_size(ids) : 1;
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        memset(&k, 0, sizeof k);
        snprintf(k.scope, sizeof k.scope, "%s", scope);
        const char *id = json_string_value(json_array_get(ids, i));
        snprintf(k.id, sizeof k.id, "%s", id ? id : "");
        k.t_unix_s = rq->t_unix_s;
        rc = ln_store_set_kill(srv_store(s), &k, on);
        if (rc == LN_ENOTFOUND && !on)
            rc = 0; /* not on: nothing to remove */
    }
    return rc;
}

int trust_h_kill_post(srv *s, const srv_req *rq, srv_resp *rs)
{
    json_t *o = srv_body_object(rq, rs), *ids;
    const char *scope;
    int on;
    if (!o)
        return 0;
    if (parse(rs, o, &scope, &ids, &on)) {
        json_decref(o);
        return 0;
    }
    trust_state *T = trust_get(s);
    pthread_mutex_lock(&T->mu);
    if (on && strcmp(scope, "all") && check_targets(s, rq, rs, scope, ids))
        goto out;
    size_t all = 0;
    int skipped = count_protected(s, &all);
    int rc = set_all(s, rq, scope, ids, on);
    if (!rc)
        rc = trust_refresh(s);
    if (rc) {
        trust_store_error(s, rs, rc, "kill");
        goto out;
    }
    json_t *a = json_pack("{s:s, s:o, s:b}", "scope", scope, "ids",
                          ids ? json_incref(ids) : json_array(), "on", on);
    if (on && !strcmp(scope, "all")) {
        json_object_set_new(a, "protectedSkipped", json_integer(skipped));
        json_object_set_new(a, "switched",
                            json_integer((json_int_t)all - skipped));
    }
    srv_ok(rs, 200, a);
out:
    pthread_mutex_unlock(&T->mu);
    json_decref(o);
    return 0;
}

static int on_kill(void *user, const ln_st_kill *k)
{
    char t[40];
    json_array_append_new(
        user, json_pack("{s:s, s:o, s:b, s:o, s:s}", "scope", k->scope, "id",
                        k->id[0] ? json_string(k->id) : json_null(),
                        "granted", k->granted, "change",
                        k->change[0] ? json_string(k->change) : json_null(),
                        "t", ln_time_format_iso(k->t_unix_s, 3, t,
                                                sizeof t)));
    return 0;
}

int trust_h_kill_get(srv *s, const srv_req *rq, srv_resp *rs)
{
    json_t *arr = json_array();
    (void)rq;
    int rc = ln_store_list_kills(srv_store(s), on_kill, arr);
    if (rc == LN_EUNSUPPORTED)
        rc = 0;
    if (rc) {
        json_decref(arr);
        return trust_store_error(s, rs, rc, "kill");
    }
    return srv_ok(rs, 200, json_pack("{s:o}", "switches", arr));
}
