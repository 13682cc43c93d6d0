/*
 * store.h - what leonetd keeps: accounts, plans, service lines, terminals,
 * zones (versioned), tokens (hashed), telemetry reports (idempotent by
 * terminal and sequence), usage per account/terminal/day and the
 * telemetry stream's read cursors, behind one interface.
 *
 * Drivers. ln_store_open picks a driver by the address: "sqlite:PATH" or
 * a plain PATH is SQLite (src/store/sqlite.c: WAL, synchronous=FULL,
 * schema versioned with migrations); a later "postgresql://..." is a
 * second file (src/store/pg.c) filling the same table of functions
 * (src/store/store_int.h). Nothing above this header knows which driver
 * runs.
 *
 * Durability. Every write returns only once it is durable (fsync'd);
 * ln_store_ingest is group-committed: concurrent callers' batches share
 * one transaction and one fsync, and each caller returns when its own
 * rows are durable. A write that fails (disk full, I/O error) returns
 * LN_ESTORE_FULL / LN_EIO and leaves nothing half-written; reads go on.
 * The SQLite driver appends reports and keeps which seqs are stored,
 * unfolded usage and each terminal's latest report in memory, folded
 * into its tables from time to time (docs/store.md, "Ingest"): every read
 * of this interface sees them at once; a plain SQL reader of the file
 * sees usage as of the last fold (ln_store_checkpoint).
 *
 * Threads. One ln_store is used by many threads at once (the HTTP
 * server's); every function is thread-safe.
 *
 * Units: times are Unix seconds UTC (double), positions degrees (WGS-84
 * geodetic, as a terminal reports them), bytes as uint64_t.
 */
#ifndef LEONET_STORE_H
#define LEONET_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "leonet/core.h"
#include "leonet/meter.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LN_ST_ID 64      /* ids: account, line, terminal, plan, zone */

/* Who a bearer token speaks for (docs/api.md, "Roles"). */
typedef enum ln_role {
    LN_ROLE_OPERATOR = 0, /* everything */
    LN_ROLE_CUSTOMER = 1, /* its own account's lines, terminals, usage */
    LN_ROLE_TERMINAL = 2, /* reports for itself only */
    LN_ROLE_AUDITOR = 3,  /* read-only, everything */
    LN_ROLE_COUNT_
} ln_role;
/* "operator", "customer", "terminal", "auditor"; ln_role_parse: -1 when
 * the name is none of them. */
const char *ln_role_name(int role);
int ln_role_parse(const char *name);

typedef struct ln_st_account {
    char id[LN_ST_ID];       /* Starlink's accountNumber, e.g. "ACC-..." */
    char name[128];
    char plan[LN_ST_ID];     /* ln_plan.id */
    int suspended;           /* 1: suspended (alert 95) */
} ln_st_account;

typedef struct ln_st_line {  /* a service line (Starlink's word) */
    char number[LN_ST_ID];   /* serviceLineNumber */
    char account[LN_ST_ID];
    char nickname[128];
    int active;
} ln_st_line;

typedef struct ln_st_terminal {
    char id[LN_ST_ID];       /* userTerminalId */
    char kit_serial[LN_ST_ID];
    char account[LN_ST_ID];
    char line[LN_ST_ID];     /* "" when not on a service line */
    /* the last accepted report (t_unix_s = 0: none yet; the seed's
     * placement otherwise) */
    double lat_deg, lon_deg, t_unix_s;
    int64_t seq;             /* highest sequence number stored, -1 none */
} ln_st_terminal;

/* A zone as stored: one record per zone and version. The body is the
 * zone's GeoJSON Feature (kind 0) or its H3 cell list (kind 1) as
 * uploaded; the set in force is the latest version of every zone not
 * deleted. */
typedef struct ln_st_zone {
    char id[LN_ST_ID];
    int64_t version;         /* the zone set's version that wrote it */
    int kind;                /* 0 GeoJSON Feature, 1 H3 cell list */
    int action;              /* LN_ZONE_ALLOW / LN_ZONE_DENY */
    int priority;
    int deleted;             /* 1: this version removes the zone */
    double valid_from_unix_s, valid_until_unix_s; /* -inf / +inf open */
    char *body;              /* malloc'd by the store (ln_st_zones_free) */
    size_t body_len;
} ln_st_zone;

typedef struct ln_st_token {
    unsigned char hash[32];  /* SHA-256 of the secret (the secret itself
                                is never stored) */
    int role;                /* LN_ROLE_* */
    char account[LN_ST_ID];  /* customer: its account */
    char terminal[LN_ST_ID]; /* terminal: itself */
    double created_unix_s;
    int revoked;
    int64_t rid;             /* the store's row id (stream cursor key) */
} ln_st_token;

/* One telemetry report as the daemon stores it: what the terminal said
 * and what the daemon decided for it. */
typedef struct ln_st_report {
    char terminal[LN_ST_ID];
    int64_t seq;             /* the terminal's sequence number */
    double t_unix_s;         /* when it was measured (the terminal's) */
    double lat_deg, lon_deg, alt_m;
    uint64_t bytes_down, bytes_up;   /* since the previous report */
    double latency_ms;       /* pop ping latency */
    int link;                /* the terminal's link state: LN_LINK_* */
    int reason;              /* the daemon's decision: LN_REASON_* */
    int alert;               /* its Starlink alert code, 0 none */
    uint64_t billed_bytes;   /* what is metered: 0 when denied */
    char account[LN_ST_ID];  /* the terminal's account at decision time */
} ln_st_report;

typedef struct ln_store ln_store;

/* ln_store_open
 * Given:    addr   "sqlite:PATH" or PATH (SQLite; created if absent, its
 *                  schema migrated to the current version)
 * Returned: out    the store (ln_store_close)
 *           diag   on error: the path and what failed
 * Status:   0, LN_EINVAL (unknown scheme, empty path), LN_EIO (cannot
 *           open or create), LN_ESTORE (a schema newer than this build,
 *           not a database, a damaged file), LN_EUNSUPPORTED (no WAL
 *           there: ":memory:"), LN_ENOMEM
 * Notes:    reads nothing else: the ingest state is replayed on first
 *           need (docs/store.md). One process ingests into a file at a
 *           time; others may read it and write reference data. */
int ln_store_open(const char *addr, ln_store **out /* OUT */, ln_diag *diag);
/* Closes: folds the ingest state into the tables when this handle
 * ingested (ln_store_checkpoint), checkpoints the WAL. No group commit is
 * pending once every caller has returned: call it after the last one.
 * NULL ok. */
void ln_store_close(ln_store *st);
/* The schema version of the open store (migrations applied); 0 for NULL. */
int ln_store_schema_version(const ln_store *st);
/* The message of the calling thread's last failed store call (what
 * failed and SQLite's words), "" when none. Lives until that thread's
 * next failed call. st may be NULL (the message is per thread). */
const char *ln_store_errmsg(const ln_store *st);

/* ---- reference data (seed, /public/v2, /v1 admin) -------------------- */
/* put: Given a record (its key non-empty); stores it, replacing the
 *      record with the same key; durable on return.
 *      Status: 0, LN_EINVAL (NULL or empty key), LN_ESTORE_FULL, LN_EIO,
 *      LN_ESTORE.
 * get: Given the key; Returned: *out. Status: 0, LN_ENOTFOUND, LN_EIO,
 *      LN_ESTORE. Reads see every write that returned before they began.
 * A terminal's lat/lon/t/seq are its seed placement when put (seq -1, t
 * 0: no report yet); ln_store_ingest moves them. NaN positions are kept
 * (as NULL) and read back as NaN. */
int ln_store_put_plan(ln_store *st, const ln_plan *p);
int ln_store_get_plan(ln_store *st, const char *id, ln_plan *out /* OUT */);
int ln_store_put_account(ln_store *st, const ln_st_account *a);
int ln_store_get_account(ln_store *st, const char *id,
                         ln_st_account *out /* OUT */);
int ln_store_put_line(ln_store *st, const ln_st_line *l);
int ln_store_get_line(ln_store *st, const char *number,
                      ln_st_line *out /* OUT */);
int ln_store_put_terminal(ln_store *st, const ln_st_terminal *t);
int ln_store_get_terminal(ln_store *st, const char *id,
                          ln_st_terminal *out /* OUT */);
/* Many terminals in one transaction (seed: 100,000 in a few seconds). */
int ln_store_put_terminals(ln_store *st, const ln_st_terminal *t, size_t n);

/* Lists: cb is called for each record in id order, from offset, at most
 * limit (0 = all); account NULL = every account. cb returns non-zero to
 * stop. *total (may be NULL) gets the count matching without paging, from
 * the same snapshot as the page. cb may be NULL (count only) except for
 * plans. Status: 0, LN_EINVAL (offset or limit < 0), LN_EIO, LN_ESTORE.
 * cb runs inside a read snapshot: it may call the store (reads and writes
 * alike) but does not see writes made after the list began. */
typedef int (*ln_st_account_cb)(void *user, const ln_st_account *a);
typedef int (*ln_st_line_cb)(void *user, const ln_st_line *l);
typedef int (*ln_st_terminal_cb)(void *user, const ln_st_terminal *t);
typedef int (*ln_st_plan_cb)(void *user, const ln_plan *p);
int ln_store_list_accounts(ln_store *st, long offset, long limit,
                           ln_st_account_cb cb, void *user, long *total);
int ln_store_list_lines(ln_store *st, const char *account, long offset,
                        long limit, ln_st_line_cb cb, void *user,
                        long *total);
int ln_store_list_terminals(ln_store *st, const char *account, long offset,
                            long limit, ln_st_terminal_cb cb, void *user,
                            long *total);
int ln_store_list_plans(ln_store *st, ln_st_plan_cb cb, void *user);

/* ---- zones ----------------------------------------------------------- */
/* ln_store_put_zones
 * Given:    z, n     zones (n may be 0: a new version with no change); a
 *                    record with deleted = 1 removes that zone from this
 *                    version on; an id at most once per call
 * Returned: version  the new version of the set (1, 2, ...), 0 on error
 * Status:   0, LN_EINVAL (empty id), LN_ECONFLICT (an id twice),
 *           LN_ESTORE_FULL, LN_EIO, LN_ESTORE
 * Notes:    one transaction: a reader sees all of a version or none. */
int ln_store_put_zones(ln_store *st, const ln_st_zone *z, size_t n,
                       int64_t *version /* OUT */);
/* ln_store_get_zones
 * Given:    as_of_version  0: the latest; else that version of the set
 * Returned: out, n   the set in force: for each zone id, its record of the
 *                    highest version <= as_of (left out when that record
 *                    deletes it), in the order the zones were first
 *                    put (a zone replaced later keeps its place; the
 *                    order decides priority ties, as the scenario's
 *                    order does in `leonet run`); each body NUL-terminated
 *                    (body_len without it). Free with ln_st_zones_free.
 *           version  the version read (0: no zones were ever put)
 * Status:   0, LN_ENOTFOUND (no such version), LN_ENOMEM, LN_EIO,
 *           LN_ESTORE */
int ln_store_get_zones(ln_store *st, int64_t as_of_version,
                       ln_st_zone **out /* OUT */, size_t *n /* OUT */,
                       int64_t *version /* OUT */);
void ln_st_zones_free(ln_st_zone *z, size_t n);

/* ---- tokens ---------------------------------------------------------- */
/* put: Given t (hash, role, account/terminal per role, created, revoked);
 *      Returned: *rid the token's row id (its stream cursor key).
 *      Status: 0, LN_EINVAL (role), LN_ECONFLICT (hash already stored),
 *      LN_ESTORE_FULL, LN_EIO, LN_ESTORE.
 * revoke: Status 0, LN_ENOTFOUND (no token rid); revoking twice is 0. */
int ln_store_put_token(ln_store *st, const ln_st_token *t,
                       int64_t *rid /* OUT, may be NULL */);
/* LN_ENOTFOUND when no token has this hash (revoked ones are found,
 * with revoked = 1). */
int ln_store_find_token(ln_store *st, const unsigned char hash[32],
                        ln_st_token *out /* OUT */);
int ln_store_revoke_token(ln_store *st, int64_t rid);

/* ---- telemetry and usage --------------------------------------------- */
/* ln_store_ingest
 * Given:    r, n     reports (any terminals, any order)
 * Returned: is_new   per report: 1 stored now, 0 already stored before
 *                    (same terminal and seq: nothing stored or billed)
 * Status:   0, LN_EINVAL (empty terminal, |t_unix_s| not below 1e11 s:
 *           nothing stored), LN_ESTORE_FULL (disk full: nothing of the batch
 *           stored, is_new all 0), LN_EIO (likewise), LN_ESTORE
 * Notes:    durable on return (group commit). For every new report the
 *           same transaction adds billed_bytes to the usage of (account,
 *           terminal, UTC day of t_unix_s, floor(t / 86400)), counts the
 *           report (and, when reason is LN_REASON_ZONE, _SUSPENDED or
 *           _KILL, the denial) there, and moves the terminal's last
 *           position/seq forward when seq is higher than its stored one.
 *           Each new report gets the next storage position (see
 *           ln_store_reports). A (terminal, seq) given twice in one call
 *           or by concurrent calls is stored once: is_new is 1 for
 *           exactly one of them. Bytes above 2^63 are not supported. */
int ln_store_ingest(ln_store *st, const ln_st_report *r, size_t n,
                    uint8_t *is_new /* OUT, n */);

/* Usage rows of one account (NULL = all) with day in [from_day, to_day]
 * (days since 1970-01-01 UTC), per terminal and day, in (account,
 * terminal, day) order. Never deleted by retention.
 * Status: 0, LN_EIO, LN_ESTORE. */
typedef struct ln_st_usage {
    char account[LN_ST_ID];
    char terminal[LN_ST_ID];
    long day;
    uint64_t bytes;          /* billed bytes */
    uint64_t reports;        /* reports that day */
    uint64_t denied;         /* of them denied */
} ln_st_usage;
typedef int (*ln_st_usage_cb)(void *user, const ln_st_usage *u);
int ln_store_usage(ln_store *st, const char *account, long from_day,
                   long to_day, ln_st_usage_cb cb, void *user);

/* ln_store_reports
 * Given:    account  NULL: every account; else that account's reports
 *           after    a position (0 = from the oldest kept)
 *           max      at most this many (0 = all)
 * Returned: cb       called with (pos, report) in position order; non-zero
 *                    stops (that report counts as given)
 *           last     the position of the last report given (after when
 *                    none): the next call's `after`
 * Status:   0, LN_EINVAL, LN_EIO, LN_ESTORE
 * Notes:    positions are integers > 0 that increase in commit order and
 *           are never reused, even after retention deletes reports. */
typedef int (*ln_st_report_cb)(void *user, int64_t pos,
                               const ln_st_report *r);
int ln_store_reports(ln_store *st, const char *account, int64_t after,
                     long max, ln_st_report_cb cb, void *user,
                     int64_t *last /* OUT */);
/* The latest report (highest seq) of each terminal of an account (NULL =
 * all) that has a stored report, in terminal id order, with its position.
 * Status: 0, LN_EIO, LN_ESTORE. */
int ln_store_latest_reports(ln_store *st, const char *account,
                            ln_st_report_cb cb, void *user);
/* Stream cursors, one per credential (token row id): a durable
 * position. get: *pos = 0 (and status 0) when the credential never set
 * one. set: durable on return. Status: 0, LN_EINVAL (pos < 0),
 * LN_ESTORE_FULL, LN_EIO, LN_ESTORE. */
int ln_store_get_cursor(ln_store *st, int64_t cred, int64_t *pos /* OUT */);
int ln_store_set_cursor(ln_store *st, int64_t cred, int64_t pos);
/* Deletes reports measured (t_unix_s) before before_unix_s (retention);
 * usage, cursors, terminals and which seqs were stored stay (a late retry
 * of a deleted report is still a duplicate); positions are not reused.
 * Runs in transactions of 65,536 positions each, ingest going on between
 * them; on failure the chunks done stay done.
 * Returned: *deleted the number deleted. Status as a put. */
int ln_store_expire_reports(ln_store *st, double before_unix_s,
                            long *deleted /* OUT, may be NULL */);

/* ln_store_checkpoint
 * Writes into the store's tables what it keeps of the unfolded reports
 * in memory (usage, the terminals' latest reports, which seqs are
 * stored: docs/store.md, "Ingest"), so that a plain SQL reader of the
 * file sees complete usage, and so that the next open replays less. The
 * store does it by itself (a shard of terminals after a group once
 * max(4 million, 8 x terminals) reports are unfolded; every shard before
 * retention and at close); the store's own reads never need it.
 * Status: 0, LN_ESTORE_FULL, LN_EIO, LN_ECONFLICT (another process
 * ingested into the same file), LN_ESTORE. */
int ln_store_checkpoint(ln_store *st);

/* Counters for /metrics, since open: group commits of ln_store_ingest. */
typedef struct ln_store_stats {
    uint64_t commits;        /* groups committed or failed */
    uint64_t rows;           /* new reports stored */
    uint64_t failed;         /* groups rolled back */
    double commit_s_sum, commit_s_max; /* a group's time, s (monotonic) */
} ln_store_stats;
void ln_store_get_stats(ln_store *st, ln_store_stats *out /* OUT */);

#ifdef __cplusplus
}
#endif
#endif
