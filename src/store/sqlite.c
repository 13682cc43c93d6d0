/*
 * sqlite.c - the SQLite driver (store_int.h): open, schema migrations,
 * connections and their prepared statements, the driver's table.
 *
 * The file: WAL journal, synchronous=FULL on every connection (every
 * commit is fsync'd: all of it is billed or audited), a 5 s busy
 * timeout (another process holding the write lock), foreign keys off
 * (the daemon checks references; the hot path pays for no lookups).
 *
 * Schema versions: PRAGMA user_version is the number of migrations
 * applied; `migrations` below lists them in order, each run in its own
 * transaction together with the user_version it reaches, so that a crash
 * leaves the file at one version or the next, never between. A file
 * whose user_version is above LN_SQ_SCHEMA was written by a newer build:
 * refused (LN_ESTORE), never touched. docs/store.md shows the schema.
 *
 * Also here: sqlite_ref.c (plans .. tokens), sqlite_zones.c,
 * sqlite_ingest.c (group commit), sqlite_read.c (usage, reports,
 * cursors, retention), sqlite_audit*.c and sqlite_verify.c (the audit
 * log, issue 15), sqlite_trust*.c (contracts, changes, kill switches).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_int.h"

/* Migration i (0-based) takes the file from user_version i to i + 1. */
static const char *const migrations[LN_SQ_SCHEMA] = {
    /* 1: the base schema */
    "CREATE TABLE plans(id TEXT PRIMARY KEY, hardware_usd REAL,"
    " amortize_years REAL, monthly_usd REAL, included_gb REAL,"
    " usd_per_gb REAL, peak_mbps REAL, duty REAL, overage INTEGER);"
    "CREATE TABLE accounts(id TEXT PRIMARY KEY, name TEXT NOT NULL,"
    " plan TEXT NOT NULL, suspended INTEGER NOT NULL);"
    "CREATE TABLE lines(number TEXT PRIMARY KEY, account TEXT NOT NULL,"
    " nickname TEXT NOT NULL, active INTEGER NOT NULL);"
    "CREATE INDEX lines_account ON lines(account, number);"
    "CREATE TABLE terminals(id TEXT PRIMARY KEY, kit_serial TEXT NOT NULL,"
    " account TEXT NOT NULL, line TEXT NOT NULL, lat REAL, lon REAL,"
    " t REAL, seq INTEGER NOT NULL);"
    "CREATE INDEX terminals_account ON terminals(account, id);"
    "CREATE TABLE zone_sets(version INTEGER PRIMARY KEY, t REAL NOT NULL);"
    "CREATE TABLE zones(id TEXT NOT NULL, version INTEGER NOT NULL,"
    " kind INTEGER NOT NULL, action INTEGER NOT NULL,"
    " priority INTEGER NOT NULL, deleted INTEGER NOT NULL,"
    " valid_from REAL, valid_until REAL, body BLOB,"
    " PRIMARY KEY(id, version)) WITHOUT ROWID;"
    "CREATE TABLE tokens(rid INTEGER PRIMARY KEY, hash BLOB NOT NULL UNIQUE,"
    " role INTEGER NOT NULL, account TEXT NOT NULL, terminal TEXT NOT NULL,"
    " created REAL NOT NULL, revoked INTEGER NOT NULL);"
    "CREATE TABLE reports(pos INTEGER PRIMARY KEY, terminal TEXT NOT NULL,"
    " seq INTEGER NOT NULL, t REAL NOT NULL, lat REAL, lon REAL, alt REAL,"
    " bytes_down INTEGER, bytes_up INTEGER, latency REAL, link INTEGER,"
    " reason INTEGER, alert INTEGER, billed INTEGER, account TEXT NOT NULL,"
    " UNIQUE(terminal, seq));"
    "CREATE TABLE usage(account TEXT NOT NULL, terminal TEXT NOT NULL,"
    " day INTEGER NOT NULL, bytes INTEGER NOT NULL, reports INTEGER NOT NULL,"
    " denied INTEGER NOT NULL, PRIMARY KEY(account, terminal, day))"
    " WITHOUT ROWID;"
    "CREATE TABLE cursors(cred INTEGER PRIMARY KEY, pos INTEGER NOT NULL);",
    /* 2: the report positions' high-water mark survives retention
     * deleting the newest reports (positions never go back) */
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value INTEGER) WITHOUT ROWID;",
    /* 3: reports append-only (no UNIQUE index: sqlite_state.c says why);
     * the stored seqs as ranges per terminal; each terminal's latest
     * report's position; what is folded. The reports already there are
     * folded (usage and terminals counted them). */
    "CREATE TABLE reports3(pos INTEGER PRIMARY KEY, terminal TEXT NOT NULL,"
    " seq INTEGER NOT NULL, t REAL NOT NULL, lat REAL, lon REAL, alt REAL,"
    " bytes_down INTEGER, bytes_up INTEGER, latency REAL, link INTEGER,"
    " reason INTEGER, alert INTEGER, billed INTEGER, account TEXT NOT NULL);"
    "INSERT INTO reports3 SELECT pos, terminal, seq, t, lat, lon, alt,"
    " bytes_down, bytes_up, latency, link, reason, alert, billed, account"
    " FROM reports;"
    "CREATE TABLE seqranges(terminal TEXT NOT NULL, lo INTEGER NOT NULL,"
    " hi INTEGER NOT NULL, PRIMARY KEY(terminal, lo)) WITHOUT ROWID;"
    "INSERT INTO seqranges SELECT terminal, min(seq), max(seq) FROM"
    " (SELECT terminal, seq, seq - row_number() OVER (PARTITION BY terminal"
    " ORDER BY seq) AS g FROM reports) GROUP BY terminal, g;"
    "ALTER TABLE terminals ADD COLUMN last_pos INTEGER NOT NULL DEFAULT 0;"
    "UPDATE terminals SET last_pos = coalesce((SELECT r.pos FROM reports r"
    " WHERE r.terminal = terminals.id AND r.seq = terminals.seq), 0);"
    "INSERT OR REPLACE INTO meta(key, value) VALUES('folded_pos',"
    " (SELECT coalesce(max(pos), 0) FROM reports));"
    "DROP TABLE reports;"
    "ALTER TABLE reports3 RENAME TO reports;",
    /* 4: folded a shard of terminals at a time (sqlite_fold.c): a mark
     * per shard, a counter of steps; all at the old mark */
    "WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k"
    " WHERE i < 15) INSERT OR REPLACE INTO meta(key, value)"
    " SELECT 'folded_pos.' || i, coalesce((SELECT value FROM meta"
    " WHERE key = 'folded_pos'), 0) FROM k;"
    "INSERT OR REPLACE INTO meta(key, value) VALUES('fold_gen', 0);",
    /* 5: the set keeps the order zones were first put in (a zone's
     * priority ties are decided in that order, as `leonet run` decides
     * them in the scenario's order); rows from before: 0, then by id */
    "ALTER TABLE zones ADD COLUMN ord INTEGER NOT NULL DEFAULT 0;",
    /* 6: issue 15 (docs/audit.md): the audit log's leaves and signed
     * checkpoints; contracts (every version), change requests (their
     * signature lines in the order added), used nonces, kill switches.
     * The log starts empty: rows from before are not in it. */
    "CREATE TABLE audit(idx INTEGER PRIMARY KEY, entry BLOB NOT NULL,"
    " leaf BLOB NOT NULL);"
    "CREATE TABLE audit_checkpoints(size INTEGER PRIMARY KEY,"
    " root BLOB NOT NULL, text TEXT NOT NULL, sig TEXT NOT NULL,"
    " cosigs TEXT NOT NULL);"
    "CREATE TABLE contracts(id TEXT NOT NULL, version INTEGER NOT NULL,"
    " json BLOB NOT NULL, created REAL NOT NULL, change TEXT NOT NULL,"
    " PRIMARY KEY(id, version)) WITHOUT ROWID;"
    "CREATE TABLE changes(id TEXT PRIMARY KEY, contract TEXT NOT NULL,"
    " kind INTEGER NOT NULL, json BLOB NOT NULL, state INTEGER NOT NULL,"
    " reason INTEGER NOT NULL, detail TEXT NOT NULL, created REAL NOT NULL,"
    " decided REAL NOT NULL, ord INTEGER NOT NULL UNIQUE);"
    "CREATE TABLE change_sigs(change TEXT NOT NULL, n INTEGER NOT NULL,"
    " line TEXT NOT NULL, PRIMARY KEY(change, n), UNIQUE(change, line))"
    " WITHOUT ROWID;"
    "CREATE TABLE nonces(nonce BLOB PRIMARY KEY, change TEXT NOT NULL,"
    " t REAL NOT NULL);"
    "CREATE TABLE kills(scope TEXT NOT NULL, id TEXT NOT NULL,"
    " granted INTEGER NOT NULL, change TEXT NOT NULL, t REAL NOT NULL,"
    " PRIMARY KEY(scope, id)) WITHOUT ROWID;",
};

static const char *const stmt_sql[SQ_NSTMT] = {
#define SQ_SQL(name, sql) sql,
    SQ_STMTS(SQ_SQL)
#undef SQ_SQL
};

int ln__sq_fail(sq_conn *c, int rc, const char *what)
{
    const char *m = c && c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc);
    int code = LN_ESTORE;
    switch (rc & 0xff) {
    case SQLITE_FULL: code = LN_ESTORE_FULL; break;
    case SQLITE_IOERR: code = LN_EIO; break;
    case SQLITE_NOMEM: code = LN_ENOMEM; break;
    case SQLITE_CANTOPEN: code = LN_EIO; break;
    case SQLITE_CONSTRAINT: code = LN_ECONFLICT; break;
    case SQLITE_BUSY: code = LN_EIO; break; /* locked past the timeout */
    default: break;
    }
    return ln__store_err(code, "store: %s: %s (sqlite %d)", what, m, rc);
}

sqlite3_stmt *ln__sq_stmt(sq_conn *c, int id)
{
    sqlite3_stmt *q = c->stmt[id];
    if (q) {
        /* no sqlite3_clear_bindings: every caller binds every parameter
         * (NULL ones with sqlite3_bind_null), and the hot ones pay less */
        sqlite3_reset(q);
        return q;
    }
    int rc = sqlite3_prepare_v3(c->db, stmt_sql[id], -1,
                                SQLITE_PREPARE_PERSISTENT, &q, NULL);
    if (rc != SQLITE_OK) {
        ln__sq_fail(c, rc, "prepare");
        return NULL;
    }
    c->stmt[id] = q;
    return q;
}

void ln__sq_text(sqlite3_stmt *q, int i, char *dst, size_t cap)
{
    const unsigned char *s = sqlite3_column_text(q, i);
    snprintf(dst, cap, "%s", s ? (const char *)s : "");
}

int ln__sq_bind_text(sqlite3_stmt *q, int i, const char *s)
{
    return s ? sqlite3_bind_text(q, i, s, -1, SQLITE_STATIC)
             : sqlite3_bind_null(q, i);
}

static int exec(sq_conn *c, const char *sql, const char *what)
{
    int rc = sqlite3_exec(c->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? LN_OK : ln__sq_fail(c, rc, what);
}

static int step_done(sq_conn *c, int id, const char *what)
{
    sqlite3_stmt *q = ln__sq_stmt(c, id);
    if (!q)
        return LN_ESTORE;
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    return rc == SQLITE_DONE ? LN_OK : ln__sq_fail(c, rc, what);
}

int ln__sq_begin(sq *s) { return step_done(s->w, SQ_BEGIN, "begin"); }
int ln__sq_commit(sq *s) { return step_done(s->w, SQ_COMMIT, "commit"); }

void ln__sq_rollback(sq *s)
{
    /* SQLite may have rolled back by itself (SQLITE_FULL, IOERR) */
    if (!sqlite3_get_autocommit(s->w->db))
        step_done(s->w, SQ_ROLLBACK, "rollback");
}

static void conn_close(sq_conn *c)
{
    if (!c)
        return;
    for (int i = 0; i < SQ_NSTMT; i++)
        sqlite3_finalize(c->stmt[i]);
    sqlite3_close_v2(c->db);
    ln_free(c);
}

/* A connection with the pragmas every one of ours has. */
static int conn_open(const char *path, int create, sq_conn **out)
{
    *out = NULL;
    sq_conn *c = ln_calloc(1, sizeof *c);
    if (!c)
        return ln__store_err(LN_ENOMEM, "store: out of memory");
    int fl = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX |
             (create ? SQLITE_OPEN_CREATE : 0);
    int rc = sqlite3_open_v2(path, &c->db, fl, NULL);
    if (rc != SQLITE_OK) {
        rc = ln__sq_fail(c, rc, "open");
        conn_close(c);
        return rc;
    }
    sqlite3_extended_result_codes(c->db, 1);
    sqlite3_busy_timeout(c->db, 5000);
    rc = exec(c, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=OFF;"
                 "PRAGMA cache_size=-65536;", "pragmas");
    if (rc) {
        conn_close(c);
        return rc;
    }
    *out = c;
    return LN_OK;
}

static int user_version(sq_conn *c, int *v)
{
    sqlite3_stmt *q;
    int rc = sqlite3_prepare_v2(c->db, "PRAGMA user_version", -1, &q, NULL);
    if (rc != SQLITE_OK)
        return ln__sq_fail(c, rc, "read the schema version");
    rc = sqlite3_step(q);
    *v = rc == SQLITE_ROW ? sqlite3_column_int(q, 0) : 0;
    sqlite3_finalize(q);
    return rc == SQLITE_ROW ? LN_OK : ln__sq_fail(c, rc, "schema version");
}

/* Applies the migrations the file lacks, each in one transaction. */
static int migrate(sq *s, ln_diag *diag)
{
    sq_conn *c = s->w;
    for (;;) {
        int v = 0, rc = exec(c, "BEGIN IMMEDIATE", "begin migration");
        if (!rc)
            rc = user_version(c, &v);
        if (rc) {
            if (!sqlite3_get_autocommit(c->db))
                exec(c, "ROLLBACK", "rollback");
            return ln_diag_set(diag, rc == LN_EIO ? LN_EIO : LN_ESTORE,
                               s->path, 0, 0, NULL, "%s",
                               ln_store_errmsg(NULL));
        }
        if (v > LN_SQ_SCHEMA || v < 0) {
            exec(c, "ROLLBACK", "rollback");
            if (v < 0)
                return ln_diag_set(diag, LN_ESTORE, s->path, 0, 0, NULL,
                                   "schema version %d: not a leonet store",
                                   v);
            return ln_diag_set(diag, LN_ESTORE, s->path, 0, 0, NULL,
                               "schema version %d is newer than this "
                               "build's %d: open it with a newer leonetd",
                               v, LN_SQ_SCHEMA);
        }
        if (v == LN_SQ_SCHEMA) {
            s->version = v;
            return exec(c, "COMMIT", "commit");
        }
        char set[64];
        snprintf(set, sizeof set, "PRAGMA user_version=%d", v + 1);
        rc = exec(c, migrations[v], "migrate");
        if (!rc)
            rc = exec(c, set, "migrate");
        if (!rc)
            rc = exec(c, "COMMIT", "commit migration");
        if (rc) {
            if (!sqlite3_get_autocommit(c->db))
                exec(c, "ROLLBACK", "rollback");
            return ln_diag_set(diag, rc, s->path, 0, 0, NULL,
                               "migration %d -> %d: %s", v, v + 1,
                               ln_store_errmsg(NULL));
        }
    }
}

static void sq_close(void *impl);

static int sq_open(const char *path, void **impl, ln_diag *diag)
{
    *impl = NULL;
    if (!sqlite3_threadsafe())
        return ln_diag_set(diag, LN_EUNSUPPORTED, path, 0, 0, NULL,
                           "SQLite built without threads");
    sq *s = ln_calloc(1, sizeof *s);
    if (!s || !(s->path = ln_strdup(path))) {
        ln_free(s);
        return ln_diag_set(diag, LN_ENOMEM, path, 0, 0, NULL, "no memory");
    }
    pthread_mutex_init(&s->wmu, NULL);
    pthread_mutex_init(&s->pmu, NULL);
    pthread_mutex_init(&s->qmu, NULL);
    pthread_mutex_init(&s->smu, NULL);
    pthread_cond_init(&s->qcv, NULL);
    int rc = conn_open(path, 1, &s->w);
    if (rc) {
        ln_diag_set(diag, rc, path, 0, 0, NULL, "%s", ln_store_errmsg(NULL));
        sq_close(s);
        return rc;
    }
    /* WAL: readers go on while the writer commits; checks the file too
     * (a file that is not a database fails here: LN_ESTORE) */
    sqlite3_stmt *q = NULL;
    rc = sqlite3_prepare_v2(s->w->db, "PRAGMA journal_mode=WAL", -1, &q,
                            NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(q);
    int wal = rc == SQLITE_ROW &&
              !strcmp((const char *)sqlite3_column_text(q, 0), "wal");
    sqlite3_finalize(q);
    if (rc == SQLITE_ROW && !wal) {
        ln_diag_set(diag, LN_EUNSUPPORTED, path, 0, 0, NULL,
                    "cannot use a WAL journal here (an in-memory or "
                    "read-only database?): a file on a local disk is needed");
        sq_close(s);
        return LN_EUNSUPPORTED;
    }
    if (rc != SQLITE_ROW) {
        rc = ln__sq_fail(s->w, rc, "journal_mode=WAL") == LN_EIO ? LN_EIO
                                                                : LN_ESTORE;
        ln_diag_set(diag, rc, path, 0, 0, NULL, "%s", ln_store_errmsg(NULL));
        sq_close(s);
        return rc;
    }
    rc = migrate(s, diag);
    if (!rc) {
        q = ln__sq_stmt(s->w, SQ_MAX_POS);
        rc = q && sqlite3_step(q) == SQLITE_ROW ? LN_OK : LN_ESTORE;
        s->next_pos = rc ? 0 : sqlite3_column_int64(q, 0) + 1;
        if (q)
            sqlite3_reset(q);
        if (rc)
            ln_diag_set(diag, rc, path, 0, 0, NULL, "%s",
                        ln_store_errmsg(NULL));
    }
    if (!rc && (rc = ln__sq_audit_open(s)) != 0)
        ln_diag_set(diag, rc, path, 0, 0, NULL, "%s", ln_store_errmsg(NULL));
    sq_conn *ck = NULL;
    if (!rc && !(rc = conn_open(path, 0, &ck)))
        rc = ln__sq_ckpt_start(s, ck);
    else if (!rc)
        ck = NULL;
    if (rc && !s->ck)
        conn_close(ck);
    if (rc && !diag->msg[0])
        ln_diag_set(diag, rc, path, 0, 0, NULL, "%s", ln_store_errmsg(NULL));
    if (rc) {
        sq_close(s);
        return rc;
    }
    *impl = s;
    return LN_OK;
}

static void sq_close(void *impl)
{
    sq *s = impl;
    if (!s)
        return;
    ln__sq_ckpt_stop(s);
    conn_close(s->ck);
    s->ck = NULL;
    while (s->pool) {
        sq_conn *c = s->pool;
        s->pool = c->next;
        conn_close(c);
    }
    if (s->w && s->ingested)
        ln__sq_fold(s); /* shorter replay at the next open */
    conn_close(s->w); /* the last connection checkpoints the WAL */
    ln__sq_state_free(s);
    ln__sq_audit_close(s);
    pthread_mutex_destroy(&s->wmu);
    pthread_mutex_destroy(&s->pmu);
    pthread_mutex_destroy(&s->qmu);
    pthread_mutex_destroy(&s->smu);
    pthread_cond_destroy(&s->qcv);
    ln_free(s->path);
    ln_free(s);
}

/* Idle readers kept: one per HTTP thread or so; more are closed. */
#define SQ_POOL_MAX 16

sq_conn *ln__sq_reader(sq *s)
{
    pthread_mutex_lock(&s->pmu);
    sq_conn *c = s->pool;
    if (c) {
        s->pool = c->next;
        s->npool--;
    }
    pthread_mutex_unlock(&s->pmu);
    if (c)
        return c;
    if (conn_open(s->path, 0, &c))
        return NULL;
    if (exec(c, "PRAGMA query_only=1", "query_only")) {
        conn_close(c);
        return NULL;
    }
    return c;
}

void ln__sq_put_reader(sq *s, sq_conn *c)
{
    if (!c)
        return;
    /* no statement of a finished call stays open (it would hold its read
     * snapshot and keep the WAL from being checkpointed) */
    for (int i = 0; i < SQ_NSTMT; i++)
        if (c->stmt[i])
            sqlite3_reset(c->stmt[i]);
    pthread_mutex_lock(&s->pmu);
    if (s->npool < SQ_POOL_MAX) {
        c->next = s->pool;
        s->pool = c;
        s->npool++;
        c = NULL;
    }
    pthread_mutex_unlock(&s->pmu);
    conn_close(c);
}

static int sq_schema_version(const void *impl)
{
    return ((const sq *)impl)->version;
}

static void sq_get_stats(void *impl, ln_store_stats *out)
{
    sq *s = impl;
    pthread_mutex_lock(&s->qmu);
    *out = s->stats;
    pthread_mutex_unlock(&s->qmu);
}

static int sq_checkpoint(void *impl)
{
    sq *s = impl;
    pthread_mutex_lock(&s->wmu);
    int rc = ln__sq_replay(s);
    s->ingested |= s->unfolded > 0;
    if (!rc)
        rc = ln__sq_fold(s);
    pthread_mutex_unlock(&s->wmu);
    return rc;
}

static int sq_exec_writer(void *impl, const char *sql)
{
    sq *s = impl;
    pthread_mutex_lock(&s->wmu);
    int rc = exec(s->w, sql, "exec");
    pthread_mutex_unlock(&s->wmu);
    return rc;
}

const ln__store_driver ln__store_sqlite = {
    .name = "sqlite",
    .open = sq_open,
    .close = sq_close,
    .schema_version = sq_schema_version,
    .put_plan = ln__sq_put_plan,
    .get_plan = ln__sq_get_plan,
    .put_account = ln__sq_put_account,
    .get_account = ln__sq_get_account,
    .put_line = ln__sq_put_line,
    .get_line = ln__sq_get_line,
    .put_terminals = ln__sq_put_terminals,
    .get_terminal = ln__sq_get_terminal,
    .list_accounts = ln__sq_list_accounts,
    .list_lines = ln__sq_list_lines,
    .list_terminals = ln__sq_list_terminals,
    .list_plans = ln__sq_list_plans,
    .put_zones = ln__sq_put_zones,
    .get_zones = ln__sq_get_zones,
    .put_token = ln__sq_put_token,
    .find_token = ln__sq_find_token,
    .revoke_token = ln__sq_revoke_token,
    .ingest = ln__sq_ingest,
    .usage = ln__sq_usage,
    .reports = ln__sq_reports,
    .latest_reports = ln__sq_latest_reports,
    .get_cursor = ln__sq_get_cursor,
    .set_cursor = ln__sq_set_cursor,
    .expire_reports = ln__sq_expire_reports,
    .get_stats = sq_get_stats,
    .checkpoint = sq_checkpoint,
    .exec_writer = sq_exec_writer,
    .set_actor = ln__sq_set_actor,
    .set_log_key = ln__sq_set_log_key,
    .audit_head = ln__sq_audit_head,
    .audit_entries = ln__sq_audit_entries,
    .audit_inclusion = ln__sq_audit_inclusion,
    .audit_consistency = ln__sq_audit_consistency,
    .audit_checkpoint = ln__sq_audit_checkpoint,
    .audit_add_cosignatures = ln__sq_audit_add_cosignatures,
    .audit_append = ln__sq_audit_append,
    .audit_verify = ln__sq_audit_verify,
    .put_contract = ln__sq_put_contract,
    .get_contract = ln__sq_get_contract,
    .list_contracts = ln__sq_list_contracts,
    .put_change = ln__sq_put_change,
    .add_change_signature = ln__sq_add_change_signature,
    .get_change = ln__sq_get_change,
    .list_changes = ln__sq_list_changes,
    .decide_change = ln__sq_decide_change,
    .nonce_used = ln__sq_nonce_used,
    .set_kill = ln__sq_set_kill,
    .list_kills = ln__sq_list_kills,
};
