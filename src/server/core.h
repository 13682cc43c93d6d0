/*
 * core.h - the core's private parts of the daemon (not for v2, admin,
 * live: they use srv_int.h only): the srv struct, its in-memory state,
 * the token cache, the metrics and the log.
 *
 * State. The zone set, the policy over it, the accounts and the
 * terminals are read by every decision and replaced whole by a reload
 * (srv_reload_zones / srv_reload_accounts): readers hold s->lock shared
 * for the length of one decision, a reload builds the new tables without
 * the lock and swaps them under it held exclusive. A terminal's last
 * position changes with every ingest: it is guarded by one of
 * SRV_POS_STRIPES mutexes (index modulo), not by the reload lock.
 *
 * Memory: a terminal costs ~ 180 bytes plus 8 bytes of hash table
 * (load <= 1/2): 100,000 terminals ~ 20 MB.
 */
#ifndef LN_SERVER_CORE_H
#define LN_SERVER_CORE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "srv_int.h"

#define SRV_POS_STRIPES 64
#define SRV_PARTS_MAX 16
#define SRV_LAT_BUCKETS 14  /* latency histogram: 13 bounds and +Inf */
#define SRV_LAG_BUCKETS 12  /* ingest lag histogram: 11 bounds and +Inf */

typedef struct srv_term {
    char id[LN_ST_ID];
    char line[LN_ST_ID];
    int account;               /* index into srv_accts.a */
    double lat_deg, lon_deg;   /* last report (guarded by a stripe) */
    double t_unix_s;           /* 0: none */
    double plat_deg, plon_deg; /* the position its protection is decided
                                  from (guarded by the stripe): the
                                  terminal's own last report, or another
                                  that adds protection (trust_state.c) */
    _Atomic unsigned char tflags; /* SRV_T_* (the trust part's, written
                                     by srv__trust_apply / _position) */
} srv_term;

/* Terminal flags (issue 15): whether a contract protects the terminal
 * and its own kill switch, resolved by the trust part (trust_int.h) when
 * contracts, switches or its position change; srv_decide tests them. */
#define SRV_T_PROTECTED 1u  /* == LN_POLICY_PROTECTED */
#define SRV_T_KILLED 2u     /* terminal switch set by an operator alone */
#define SRV_T_KILLED_GR 4u  /* terminal switch set by a granted change */
#define SRV_T_PROT_ID 8u    /* protected by id (account, terminal): the
                               part that does not move with it */

/* Open addressing over ids: slot holds index + 1, 0 empty. */
typedef struct srv_idx {
    uint32_t *slot;
    size_t cap;                /* power of two */
} srv_idx;

typedef struct srv_tables {
    ln_st_account *acct;       /* accounts in id order */
    size_t nacct;
    srv_idx acct_idx;
    srv_term *term;
    size_t nterm;
    srv_idx term_idx;
} srv_tables;

/* One token cache entry (auth.c). */
typedef struct srv_tok {
    unsigned char hash[32];
    srv_auth auth;
    int used;
    int revoked;
} srv_tok;

/* Counters of one route (or "unmatched"), by status class 1xx..5xx. */
typedef struct srv_rstat {
    _Atomic uint64_t n[5];
    _Atomic uint64_t bucket[5][SRV_LAT_BUCKETS];
    _Atomic uint64_t us_sum[5];  /* latency sum, microseconds */
} srv_rstat;

typedef struct srv_metrics {
    srv_rstat *route;          /* nroutes + 1 (last: unmatched) */
    _Atomic uint64_t decisions[LN_REASON_COUNT_];
    _Atomic uint64_t reports_new, reports_dup, reports_rejected;
    _Atomic uint64_t lag_bucket[SRV_LAG_BUCKETS];
    _Atomic uint64_t lag_ms_sum, lag_n;
} srv_metrics;

struct srv {
    ln_server_config cfg;
    ln_store *st;
    double started_unix_s;

    pthread_rwlock_t lock;     /* guards zs, pol, tab */
    pthread_mutex_t reload_mu; /* one reload at a time */
    ln_zoneset *zs;
    ln_policy *pol;
    int64_t zones_version;     /* the store's zone set version */
    srv_tables tab;
    pthread_mutex_t pos_mu[SRV_POS_STRIPES];

    pthread_rwlock_t tok_lock; /* guards tok */
    srv_tok *tok;
    size_t tok_cap, tok_n;

    const srv_route **routes;  /* every part's routes, flattened */
    size_t nroutes;
    srv_metrics m;

    void *slot[SRV_PARTS_MAX]; /* srv_slot, by srv_parts row */
    _Atomic int inflight;      /* requests begun, not yet completed */
    _Atomic int streaming;     /* of them streamed answers (SSE) */
    _Atomic int stopping;      /* 1 once ln_server_stop began */
    struct srv_work *work;     /* http_work.c, NULL in process */
    int parts_up;              /* parts whose init ran */
};

/* ---- state.c / state_load.c ------------------------------------------ */
int srv__load_tables(ln_store *st, srv_tables *t /* OUT */, ln_diag *diag);
void srv__free_tables(srv_tables *t);
int srv__load_zones(ln_store *st, ln_zoneset **zs /* OUT */,
                    int64_t *version /* OUT */, ln_diag *diag);
/* The zone set of records z (deleted ones skipped), as a load makes it. */
int srv__zones_build(const ln_st_zone *z, size_t n, ln_zoneset **out,
                     ln_diag *diag);
int srv__make_policy(const ln_zoneset *zs, const srv_tables *t,
                     ln_policy **pol /* OUT */);
/* index of id in the table or -1 */
long srv__idx_find(const srv_idx *ix, const void *base, size_t stride,
                   const char *id);
int srv__idx_build(srv_idx *ix, const void *base, size_t stride, size_t n);
/* The terminal's account id (copied into out) and service line; -1 when
 * the terminal is unknown. */
int srv__terminal_account(srv *s, const char *terminal,
                          char out[LN_ST_ID]);
/* After a durable ingest: the last positions of the new reports; own:
 * the reports were made with the terminal's own token (role terminal),
 * the only ones that may move a terminal out of protection. */
void srv__note_positions(srv *s, const ln_st_report *r,
                         const uint8_t *is_new, size_t n, int own);

/* ---- the trust part's hooks (trust_state.c) -------------------------
 * apply: the terminals' SRV_T_* flags of t and the kill-switch and
 * granted-suspension events of pol, from the trust part's state (no-op
 * before its init); called by every reload before the swap.
 * position: the terminal's protection after its position moved to
 * lat/lon (called under its stripe; sets plat/plon): own as for
 * srv__note_positions. */
int srv__trust_apply(srv *s, srv_tables *t, ln_policy *pol);
void srv__trust_position(srv *s, srv_term *t, int own);

/* ---- auth.c ----------------------------------------------------------- */
/* 0 with *out, or LN_EAUTH (no / malformed / unknown / revoked token),
 * LN_EIO (the store failed). */
int srv__authenticate(srv *s, const char *authorization,
                      srv_auth *out /* OUT */);
void srv__auth_free(srv *s);

/* ---- route.c ---------------------------------------------------------- */
/* The request pipeline over an owned, NUL-terminated body (freed by the
 * caller after): what srv_handle and http.c call. conn may be NULL. */
int srv__dispatch(srv *s, const char *method, const char *url,
                  const char *authorization, const char *body, size_t len,
                  void *conn, srv_resp *out);
/* Flattens the parts' tables; LN_EINVAL (diag) on a clash. */
int srv__routes_init(srv *s, ln_diag *diag);

/* ---- the core's handlers (ingest.c, authz.c) ------------------------- */
int srv__h_telemetry(srv *s, const srv_req *rq, srv_resp *rs);
int srv__h_authz_one(srv *s, const srv_req *rq, srv_resp *rs);
int srv__h_authz_batch(srv *s, const srv_req *rq, srv_resp *rs);

/* ---- metrics.c / log.c ------------------------------------------------ */
void srv__count_request(srv *s, long route, int status, double secs);
void srv__count_decision(srv *s, int reason);
void srv__count_lag(srv *s, double lag_s);
void srv__log_request(srv *s, const char *method, const char *path,
                      const char *route, int status, double secs,
                      size_t bytes);
/* level: "info", "warn", "error" */
void srv__log(srv *s, const char *level, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Appends JSON string s quoted and escaped to buf at *pos (cap n);
 * returns -1 when it does not fit. */
int srv__json_str(char *buf, size_t n, size_t *pos, const char *s);

#endif
