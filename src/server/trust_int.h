/*
 * trust_int.h - private to the trust part's files (trust_*.c) and to the
 * two admin handlers it gates (admin_accounts.c, admin_zones.c):
 * contracts in force, kill switches, which terminals a contract
 * protects, and the gates that answer 409 (docs/api-trust.md).
 *
 * State (the part's slot, srv_slot(s, "trust")): the latest version of
 * every contract, parsed (ln_trust_contract) with its document (jansson)
 * and, when its scope names zones, those zones' geometry as one zone set
 * (each forced to deny: a point is in a named zone when that set says
 * deny); the kill switches that are on; the accounts a granted "suspend"
 * named. Replaced whole by trust_refresh after every write of the part,
 * under `lk` held exclusive; readers (the reload hook srv__trust_apply,
 * the ingest hook srv__trust_position, the gates) hold it shared. `mu`
 * serializes the part's writes (a change's evaluation, its decision and
 * the refresh), so that the head a submission reads is the head its
 * evaluation used.
 */
#ifndef LN_SERVER_TRUST_INT_H
#define LN_SERVER_TRUST_INT_H

#include <pthread.h>

#include "leonet/trust.h"
#include "leonet/zone.h"
#include "server/srv_int.h"

typedef struct trust_con {
    char id[LN_ST_ID];
    int64_t version;
    ln_trust_contract *c;      /* parsed */
    json_t *doc;               /* the stored document */
    ln_zoneset *zgeo;          /* the scope's named zones (deny), or NULL */
} trust_con;

typedef struct trust_state {
    pthread_rwlock_t lk;       /* guards the arrays below */
    pthread_mutex_t mu;        /* one write of the part at a time */
    trust_con *con;
    size_t ncon;
    ln_st_kill *kill;
    size_t nkill;
    char (*gsusp)[LN_ST_ID];   /* accounts whose current suspension a
                                  granted change made (trust_state.c) */
    size_t ngsusp, gcap;
    int gs_loaded;             /* 1 once replayed from the audit log */
    int geo;                   /* 1: some contract has a region or zones */
} trust_state;

/* The part's state, NULL before srv_trust_init. */
trust_state *trust_get(srv *s);
/* Re-reads contracts, switches and granted suspensions from the store,
 * then the account tables (srv_reload_accounts: the hook resolves the
 * flags). Call with mu held. Status: 0 or LN_E*. */
int trust_refresh(srv *s);

/* A granted suspension of these accounts (a JSON array of ids): their
 * current suspension counts as granted until resumed. */
int trust_mark_granted(srv *s, const json_t *accounts);
/* After an account was suspended (on 1) or resumed (on 0) directly; was:
 * suspended before. Resuming, or suspending an active account, clears
 * the granted mark: a grant belongs to the suspension it made. */
void srv_trust_note_suspension(srv *s, const char *account, int on,
                               int was);

/* 1 when a terminal the target names (target.terminals, or one of
 * target.accounts) is protected by position (region, zones) by a
 * contract other than `contract`: its id into term, the contract's into
 * other. The store checks names only. */
int trust_other_region(srv *s, const char *contract, const json_t *target,
                       char term[LN_ST_ID], char other[LN_ST_ID]);

/* ---- protection (trust_state.c; lk held shared by the caller) -------- */
/* The first contract protecting this account / terminal (by id, or its
 * position when finite), or NULL. */
const trust_con *trust_protector(const trust_state *T, const char *account,
                                 const char *terminal, double lat_deg,
                                 double lon_deg);
/* The terminal's protection from the live tables (flags), its account
 * copied into acct and its protection position into plat/plon (NAN when
 * unknown): 1 protected, 0 not, -1 unknown terminal. */
int trust_terminal_protected(srv *s, const char *terminal,
                             char acct[LN_ST_ID], double *plat,
                             double *plon);

/* ---- gates for the admin handlers (trust_protect.c) ------------------
 * Each answers 409 (naming the contract and the kind of change request
 * needed), logs the attempt (ln_store_audit_append) and returns -1 when
 * a contract is in the way; 0 lets the action go on. */
int srv_trust_gate_suspend(srv *s, const srv_req *rq, srv_resp *rs,
                           const char *account);
int srv_trust_gate_zones(srv *s, const srv_req *rq, srv_resp *rs,
                         const ln_st_zone *z, size_t n);

/* ---- helpers (trust_protect.c) ----------------------------------------- */
/* Logs a refused attempt: {"action","targets","refused","by",...}.
 * extra (may be NULL) is merged in. Returns the store's status. */
int trust_log_attempt(srv *s, const srv_req *rq, const char *action,
                      json_t *targets /* stolen */, const char *refused,
                      json_t *extra /* stolen, or NULL */);
/* "operator:token:12" for the caller, into buf. */
void trust_actor(const srv_req *rq, char *buf, size_t n);
/* 1 when a JSON array of strings holds s. */
int trust_json_has(const json_t *arr, const char *s);
/* The answer for a store failure (404 / 409 / 503), with the store's
 * message. */
int trust_store_error(srv *s, srv_resp *rs, int rc, const char *what);

/* ---- documents (trust_contracts.c) ------------------------------------ */
/* 1 when the contract document's scope.accounts holds the account. */
int trust_doc_names_account(const json_t *doc, const char *account);
/* Verifies a signature line's bytes (as parsed) against every key of the
 * parties of doc (a contract); returns the party index and copies the
 * key's name, or -1 when no key verifies. */
int trust_sig_party(const json_t *doc, const ln_trust_sigline *sl,
                    const unsigned char *msg, size_t n, char *key,
                    size_t nkey);
/* A zone Feature's text (a request's "zone" member), checked as the
 * zone upload checks one, into a store record (body malloc'd): 0, or
 * LN_EPARSE with diag. */
int trust_zone_record(const char *text, size_t n, ln_st_zone *z,
                      ln_diag *diag);

/* route handlers */
int trust_h_contracts_get(srv *s, const srv_req *rq, srv_resp *rs);
int trust_h_contract_get(srv *s, const srv_req *rq, srv_resp *rs);
int trust_h_contracts_post(srv *s, const srv_req *rq, srv_resp *rs);
int trust_h_head(srv *s, const srv_req *rq, srv_resp *rs);
int trust_h_changes_post(srv *s, const srv_req *rq, srv_resp *rs);
int trust_h_changes_get(srv *s, const srv_req *rq, srv_resp *rs);
int trust_h_change_get(srv *s, const srv_req *rq, srv_resp *rs);
int trust_h_signatures_post(srv *s, const srv_req *rq, srv_resp *rs);
int trust_h_kill_post(srv *s, const srv_req *rq, srv_resp *rs);
int trust_h_kill_get(srv *s, const srv_req *rq, srv_resp *rs);

#endif
