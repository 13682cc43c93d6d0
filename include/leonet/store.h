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

/* ---- the audit log (issue 15; docs/audit.md) -------------------------
 * Every audited write appends one leaf to the store's Merkle log (RFC
 * 9162 hashing, src/trust) in the SAME transaction as the change, and,
 * when a log key is set (ln_store_set_log_key), one checkpoint of the new
 * head signed with it: the change, its leaf and its signed head survive
 * together or not at all.
 *
 * Audited writes: put_plan, put_account, put_line, put_terminal(s),
 * put_zones, put_token, revoke_token, put_contract, put_change,
 * add_change_signature, decide_change, set_kill, audit_append. Not
 * audited: ingest, cursors, retention, checkpoint (telemetry, not who
 * gets service).
 *
 * A leaf is canonical JSON (ln_trust_canonical; docs/audit.md lists every
 * type and its record):
 *   {"by":ACTOR,"record":{...},"seq":INDEX,"t":UNIX_MS,"type":TYPE,"v":1}
 * TYPE: "plan", "account", "line", "terminals", "zones", "token",
 * "token-revoke", "contract", "change", "signature", "verdict", "kill",
 * "attempt" (ln_store_audit_append: a refused attempt that changes
 * nothing, logged all the same). A record holds every audited field of
 * the row as written (zones: each body's SHA-256, not the body), so that
 * the state the log describes can be compared with the tables.
 * ACTOR: the calling thread's ln_store_set_actor, "" when none. */

/* The actor written into the calling thread's next audited writes on
 * this store (e.g. "operator:token:12", "leonetd seed"), at most 127
 * bytes (longer is cut); NULL or "" clears it. Per thread, like
 * ln_store_errmsg: the daemon sets it per request. */
void ln_store_set_actor(ln_store *st, const char *who);

/* ln_store_set_log_key
 * Given:    key     the log's signing key (secret part set; copied), or
 *                   NULL: audited writes append leaves without signing
 *           origin  the checkpoint origin line (e.g. "leonet.example/log"),
 *                   copied
 * Status:   0, LN_EINVAL (no secret key, bad origin)
 * Notes:    once set, every audited transaction also stores a checkpoint
 *           of the new head signed with key. Call before the first write
 *           and from one thread. */
struct ln_trust_key;
int ln_store_set_log_key(ln_store *st, const struct ln_trust_key *key,
                         const char *origin);

/* The log's head: size and root (the empty log: 0 and SHA-256("")).
 * Status: 0, LN_EIO, LN_ESTORE. */
int ln_store_audit_head(ln_store *st, uint64_t *size /* OUT */,
                        unsigned char root[32] /* OUT */);
/* Entries [from, to) in index order: cb(user, index, bytes, n); non-zero
 * stops. Status: 0, LN_ERANGE (to > size or from > to), LN_EIO,
 * LN_ESTORE. */
typedef int (*ln_st_audit_cb)(void *user, uint64_t index,
                              const unsigned char *entry, size_t n);
int ln_store_audit_entries(ln_store *st, uint64_t from, uint64_t to,
                           ln_st_audit_cb cb, void *user);
/* Proofs over the stored log, as ln_trust_log_inclusion/consistency
 * (path[LN_TRUST_MAX_PATH], bottom-up). Status: 0, LN_ERANGE, LN_EIO,
 * LN_ESTORE. */
int ln_store_audit_inclusion(ln_store *st, uint64_t index, uint64_t size,
                             unsigned char path[][32] /* OUT */,
                             size_t *npath /* OUT */);
int ln_store_audit_consistency(ln_store *st, uint64_t m, uint64_t n,
                               unsigned char path[][32] /* OUT */,
                               size_t *npath /* OUT */);
/* The latest signed checkpoint (a C2SP signed note: text, blank line,
 * the log's signature line, then any cosignature lines stored for that
 * head), malloc'd and NUL-terminated. size: 0 = the latest, else the
 * checkpoint of that tree size. Status: 0, LN_ENOTFOUND (none signed),
 * LN_ENOMEM, LN_EIO, LN_ESTORE. */
int ln_store_audit_checkpoint(ln_store *st, uint64_t size,
                              char **note /* OUT */, size_t *n /* OUT */);
/* Stores cosignature lines ("— NAME base64\n", each verified by the
 * caller) for the checkpoint whose note text is text (the checkpoint
 * body, ending with "\n"); lines already stored are kept once.
 * Status: 0, LN_ENOTFOUND (no checkpoint has this text), LN_EINVAL,
 * LN_ESTORE_FULL, LN_EIO, LN_ESTORE. Not itself audited. */
int ln_store_audit_add_cosignatures(ln_store *st, const char *text,
                                    size_t ntext, const char *lines,
                                    size_t nlines);
/* Appends one leaf of type "attempt" with record (a JSON object's text:
 * canonicalized by the store) and a signed checkpoint, in one
 * transaction: for an attempt that changes nothing (a refused kill).
 * Returned: *index the leaf's index (may be NULL).
 * Status: 0, LN_EPARSE (record is not a JSON object), as a put. */
int ln_store_audit_append(ln_store *st, const char *record, size_t n,
                          uint64_t *index /* OUT */);

/* ln_store_audit_verify
 * Given:    pub    the log's public key (NULL: signatures not checked)
 * Returned: diag   on failure: what differs, naming the table and row or
 *                  the leaf index and the checkpoint's size
 *           size   the verified log size (may be NULL)
 * Status:   0: every leaf hash recomputed from its entry, the root of
 *           every stored checkpoint recomputed from the leaves, every
 *           checkpoint's signature valid under pub, sizes growing, and
 *           every audited table equal to the state the log's records
 *           describe (a row edited, added or deleted behind the store's
 *           back is found); LN_ETRUST otherwise; LN_EIO, LN_ESTORE.
 * Notes:    leonetd refuses to serve when this fails (docs/audit.md). */
int ln_store_audit_verify(ln_store *st, const unsigned char pub[32],
                          uint64_t *size /* OUT */, ln_diag *diag);

/* ---- contracts, change requests, kill switches (issue 15) -------------
 * The store keeps documents and states; whether a change takes effect is
 * the caller's decision (ln_trust_evaluate), stored with its effect in
 * one transaction by ln_store_decide_change. */
typedef struct ln_st_contract {
    char id[LN_ST_ID];     /* the document's "contract" member */
    int64_t version;       /* 1, 2, ... (an amendment adds one) */
    char *json;            /* the document as given (malloc'd by the
                              store: ln_st_contract_clear) */
    size_t len;
    double created_unix_s;
    char change[LN_ST_ID]; /* the amendment's change id, "" for the first */
} ln_st_contract;
void ln_st_contract_clear(ln_st_contract *c); /* frees json; NULL ok */
/* put: the next version of contract c->id (c->version ignored; returned
 * in *version). Status as a put; LN_ECONFLICT when its "scope" names an
 * account, terminal or zone another contract's latest version names (or
 * a terminal of an account it names, either way round): one contract per
 * protected target. get: version 0 = latest; LN_ENOTFOUND.
 * list: the latest version of each contract, in id order. */
int ln_store_put_contract(ln_store *st, const ln_st_contract *c,
                          int64_t *version /* OUT */);
int ln_store_get_contract(ln_store *st, const char *id, int64_t version,
                          ln_st_contract *out /* OUT */);
typedef int (*ln_st_contract_cb)(void *user, const ln_st_contract *c);
int ln_store_list_contracts(ln_store *st, ln_st_contract_cb cb, void *user);

/* A change request as submitted, with its signatures and state. */
typedef enum ln_st_change_state {
    LN_ST_PENDING = 0,     /* waiting for signatures */
    LN_ST_GRANTED = 1,     /* took effect */
    LN_ST_REFUSED = 2      /* final: expired, stale head, replay, ... */
} ln_st_change_state;
#define LN_ST_SIGS_MAX 64
typedef struct ln_st_change {
    char id[LN_ST_ID];     /* "chg-" + the first 16 hex digits of the
                              SHA-256 of the signed message */
    char contract[LN_ST_ID];
    int kind;              /* LN_TRUST_* kind */
    char *json;            /* the request document as submitted
                              (malloc'd by the store on reads) */
    size_t len;
    int state;             /* LN_ST_* */
    int reason;            /* LN_TRUST_* of the last evaluation */
    char detail[512];      /* its sentence */
    double created_unix_s, decided_unix_s; /* decided: 0 while pending */
    char sigs[LN_ST_SIGS_MAX][192]; /* signature lines, no newline, in
                                       the order added */
    size_t nsigs;
} ln_st_change;
void ln_st_change_clear(ln_st_change *c); /* frees json; NULL ok */
/* put: a new pending change (its id not stored yet: LN_ECONFLICT).
 * add_signature: appends one line (LN_ECONFLICT when the same line is
 * there already, LN_ERANGE past LN_ST_SIGS_MAX, LN_EINVAL when the change
 * is not pending). get: LN_ENOTFOUND. list: state -1 = every state, in
 * creation order. */
int ln_store_put_change(ln_store *st, const ln_st_change *c);
int ln_store_add_change_signature(ln_store *st, const char *id,
                                  const char *line);
int ln_store_get_change(ln_store *st, const char *id,
                        ln_st_change *out /* OUT */);
typedef int (*ln_st_change_cb)(void *user, const ln_st_change *c);
int ln_store_list_changes(ln_store *st, int state, ln_st_change_cb cb,
                          void *user);

/* What a granted change does, applied in the same transaction. */
typedef enum ln_st_effect_kind {
    LN_ST_EFFECT_NONE = 0,   /* refused, or an evaluation while pending */
    LN_ST_EFFECT_KILL,       /* kill switch on for accounts/terminals */
    LN_ST_EFFECT_RESTORE,    /* kill switch off for them */
    LN_ST_EFFECT_SUSPEND,    /* accounts suspended */
    LN_ST_EFFECT_RESUME,     /* accounts resumed */
    LN_ST_EFFECT_ZONES,      /* a new zone set version (zones below) */
    LN_ST_EFFECT_CONTRACT    /* the amendment: contract_json's next
                                version */
} ln_st_effect_kind;
typedef struct ln_st_effect {
    int kind;                               /* LN_ST_EFFECT_* */
    const char (*accounts)[LN_ST_ID];
    size_t naccounts;
    const char (*terminals)[LN_ST_ID];
    size_t nterminals;
    const ln_st_zone *zones;                /* ZONES */
    size_t nzones;
    const char *contract_json;              /* CONTRACT */
    size_t contract_len;
} ln_st_effect;
/* ln_store_decide_change
 * Given:    id       a pending change
 *           state    LN_ST_PENDING (only record the evaluation: reason,
 *                    detail), LN_ST_GRANTED or LN_ST_REFUSED (final)
 *           reason, detail  the evaluation (ln_trust_verdict)
 *           nonce, nnonce   the request's nonce: marked used when state
 *                    is final (LN_ECONFLICT, nothing written, when it is
 *                    used already)
 *           effect   applied when GRANTED (NULL or NONE otherwise)
 * Status:   0, LN_ENOTFOUND, LN_EINVAL (not pending; an amendment whose
 *           document names another contract), LN_ECONFLICT (the nonce),
 *           LN_EFORBIDDEN (a kill, suspension or zone effect on a target
 *           another contract names; an amendment whose scope meets
 *           another contract's, as put), as a put; nothing written on
 *           error.
 *           One transaction: the state, the nonce, the effect, the
 *           "verdict" leaf and its checkpoint. */
int ln_store_decide_change(ln_store *st, const char *id, int state,
                           int reason, const char *detail,
                           const unsigned char *nonce, size_t nnonce,
                           const ln_st_effect *effect);
/* 1 when the nonce was used by a decided change, 0 when not, < 0 an
 * error (LN_EIO, LN_ESTORE). */
int ln_store_nonce_used(ln_store *st, const unsigned char *nonce, size_t n);

/* Kill switches: scope "all" (id ""), "account" or "terminal" (an id).
 * granted: 1 when set by a granted change (it then applies to terminals
 * a contract protects too), 0 when set by an operator alone (it does not
 * apply to protected terminals). set: on = 0 removes the row; audited
 * ("kill"). list: every switch that is on, ordered by (scope, id). */
typedef struct ln_st_kill {
    char scope[16];
    char id[LN_ST_ID];
    int granted;
    char change[LN_ST_ID];  /* the granting change's id, "" */
    double t_unix_s;
} ln_st_kill;
int ln_store_set_kill(ln_store *st, const ln_st_kill *k, int on);
typedef int (*ln_st_kill_cb)(void *user, const ln_st_kill *k);
int ln_store_list_kills(ln_store *st, ln_st_kill_cb cb, void *user);

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
