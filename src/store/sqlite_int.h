/*
 * sqlite_int.h - private to src/store's SQLite driver (sqlite*.c).
 *
 * Connections. One writer connection (sq.w, guarded by sq.wmu) makes
 * every write; reads take a connection of their own from a small pool
 * (sq.pool), so that a read goes on while the writer commits (WAL: a
 * reader sees the last commit before its read began). Each connection
 * keeps its prepared statements (sq_conn.stmt, prepared on first use,
 * SQLITE_PREPARE_PERSISTENT), so a hot call prepares nothing.
 *
 * Group commit (sqlite_ingest.c). Callers of ln_store_ingest queue their
 * batch (sq.head..tail, guarded by sq.qmu); the first caller finding no
 * commit under way leads: it takes everything queued, writes it in one
 * transaction (one fsync of the WAL with synchronous=FULL), marks each
 * batch done with the common status and wakes the others; one of those
 * still queued leads the next group.
 */
#ifndef LN_STORE_SQLITE_INT_H
#define LN_STORE_SQLITE_INT_H

#include <pthread.h>
#include <sodium.h>
#include <sqlite3.h>
#include <string.h>
#include <stdatomic.h>

#include "leonet/trust.h"
#include "store/store_int.h"

/* The schema version this build writes (the last migration's number). */
#define LN_SQ_SCHEMA 6

/* The ingest state is folded a shard of terminals at a time
 * (sqlite_fold.c); a terminal's shard is the top 4 bits of its id's
 * FNV-1a hash. */
#define SQ_SHARDS 16
static inline int sq_shard(uint64_t h) { return (int)(h >> 60); }

/* X(name, sql): every statement the driver runs more than once. */
#define SQ_STMTS(X)                                                          \
    X(BEGIN, "BEGIN IMMEDIATE")                                              \
    X(COMMIT, "COMMIT")                                                      \
    X(ROLLBACK, "ROLLBACK")                                                  \
    X(PUT_PLAN, "INSERT OR REPLACE INTO plans(id,hardware_usd,"             \
      "amortize_years,monthly_usd,included_gb,usd_per_gb,peak_mbps,duty,"    \
      "overage) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)")                         \
    X(GET_PLAN, "SELECT " SQ_PLAN_COLS " FROM plans WHERE id=?1")           \
    X(LIST_PLANS, "SELECT " SQ_PLAN_COLS " FROM plans ORDER BY id")         \
    X(PUT_ACCOUNT, "INSERT OR REPLACE INTO accounts(id,name,plan,"          \
      "suspended) VALUES(?1,?2,?3,?4)")                                      \
    X(GET_ACCOUNT, "SELECT id,name,plan,suspended FROM accounts "           \
      "WHERE id=?1")                                                         \
    X(LIST_ACCOUNTS, "SELECT id,name,plan,suspended FROM accounts "         \
      "ORDER BY id LIMIT ?2 OFFSET ?1")                                      \
    X(COUNT_ACCOUNTS, "SELECT count(*) FROM accounts")                       \
    X(PUT_LINE, "INSERT OR REPLACE INTO lines(number,account,nickname,"     \
      "active) VALUES(?1,?2,?3,?4)")                                         \
    X(GET_LINE, "SELECT number,account,nickname,active FROM lines "         \
      "WHERE number=?1")                                                     \
    X(LIST_LINES, "SELECT number,account,nickname,active FROM lines "       \
      "WHERE ?3 IS NULL OR account=?3 ORDER BY number LIMIT ?2 OFFSET ?1")   \
    X(COUNT_LINES, "SELECT count(*) FROM lines WHERE ?1 IS NULL OR "        \
      "account=?1")                                                          \
    X(PUT_TERMINAL, "INSERT INTO terminals(id,kit_serial,account,line,lat,"\
      "lon,t,seq) VALUES(?1,?2,?3,?4,?5,?6,?7,?8) ON CONFLICT(id) DO UPDATE "\
      "SET kit_serial=?2,account=?3,line=?4,lat=?5,lon=?6,t=?7,seq=?8")      \
    X(GET_TERMINAL, "SELECT " SQ_TERM_COLS " FROM terminals WHERE id=?1")   \
    X(LIST_TERMINALS, "SELECT " SQ_TERM_COLS " FROM terminals WHERE ?3 IS " \
      "NULL OR account=?3 ORDER BY id LIMIT ?2 OFFSET ?1")                   \
    X(COUNT_TERMINALS, "SELECT count(*) FROM terminals WHERE ?1 IS NULL "   \
      "OR account=?1")                                                       \
    X(NEW_ZONESET, "INSERT INTO zone_sets(t) VALUES(?1)")                    \
    X(PUT_ZONE, "INSERT INTO zones(id,version,kind,action,priority,"        \
      "deleted,valid_from,valid_until,body,ord) VALUES(?1,?2,?3,?4,?5,?6,"   \
      "?7,?8,?9,coalesce((SELECT min(ord) FROM zones WHERE id=?1),"          \
      "(SELECT coalesce(max(ord),0)+1 FROM zones)))")                        \
    X(MAX_ZONESET, "SELECT coalesce(max(version),0) FROM zone_sets")        \
    X(HAS_ZONESET, "SELECT 1 FROM zone_sets WHERE version=?1")               \
    X(GET_ZONES, "SELECT z.id,z.version,z.kind,z.action,z.priority,"        \
      "z.deleted,z.valid_from,z.valid_until,z.body FROM zones z WHERE "      \
      "z.version=(SELECT max(y.version) FROM zones y WHERE y.id=z.id AND "   \
      "y.version<=?1) AND z.deleted=0 ORDER BY z.ord, z.id")                 \
    X(PUT_TOKEN, "INSERT INTO tokens(hash,role,account,terminal,created,"   \
      "revoked) VALUES(?1,?2,?3,?4,?5,?6)")                                  \
    X(FIND_TOKEN, "SELECT rid,hash,role,account,terminal,created,revoked "  \
      "FROM tokens WHERE hash=?1")                                           \
    X(REVOKE_TOKEN, "UPDATE tokens SET revoked=1 WHERE rid=?1")             \
    X(INS_REPORT, "INSERT INTO reports(pos,terminal,seq,t,lat,"   \
      "lon,alt,bytes_down,bytes_up,latency,link,reason,alert,billed,"        \
      "account) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15)") \
    X(ADD_USAGE, "INSERT INTO usage(account,terminal,day,bytes,reports,"    \
      "denied) VALUES(?1,?2,?3,?4,?5,?6) ON CONFLICT(account,terminal,day) " \
      "DO UPDATE SET bytes=bytes+excluded.bytes,reports=reports+"            \
      "excluded.reports,denied=denied+excluded.denied")                      \
    X(FOLD_TERMINAL, "UPDATE terminals SET lat=?1,lon=?2,t=?3,seq=?4,"     \
      "last_pos=?6 WHERE id=?5 AND seq<?4")                                  \
    X(TERM_LOAD, "SELECT seq,last_pos,lat,lon,t FROM terminals WHERE id=?1")\
    X(RANGES_LOAD, "SELECT lo,hi FROM seqranges WHERE terminal=?1 ORDER BY " \
      "lo")                                                                  \
    X(RANGES_DEL, "DELETE FROM seqranges WHERE terminal=?1")                 \
    X(PRELOAD_TERMS, "SELECT id,seq,last_pos,lat,lon,t FROM terminals")      \
    X(PRELOAD_RANGES, "SELECT terminal,lo,hi FROM seqranges ORDER BY "       \
      "terminal,lo")                                                         \
    X(RANGES_PUT, "INSERT INTO seqranges(terminal,lo,hi) VALUES(?1,?2,?3) " \
      "ON CONFLICT(terminal,lo) DO UPDATE SET hi=?3")                        \
    X(GET_FOLDED, "SELECT coalesce((SELECT value FROM meta WHERE key="      \
      "'folded_pos'),0)")                                                    \
    X(GET_META, "SELECT key,value FROM meta")                               \
    X(SET_META, "INSERT OR REPLACE INTO meta(key,value) VALUES(?1,?2)")    \
    X(GET_GEN, "SELECT coalesce((SELECT value FROM meta WHERE key="         \
      "'fold_gen'),0)")                                                      \
    X(CAS_GEN, "UPDATE meta SET value=?2 WHERE key='fold_gen' AND value=?1")\
    X(REPLAY, "SELECT pos,terminal,seq,t,lat,lon,billed,reason,account "    \
      "FROM reports WHERE pos>?1 ORDER BY pos")                              \
    X(USAGE, "SELECT account,terminal,day,bytes,reports,denied FROM usage " \
      "WHERE (?1 IS NULL OR account=?1) AND day BETWEEN ?2 AND ?3 "          \
      "ORDER BY account,terminal,day")                                       \
    X(REPORTS, "SELECT pos," SQ_REPORT_COLS " FROM reports WHERE pos>?1 "   \
      "ORDER BY pos LIMIT ?2")                                               \
    X(REPORTS_ACC, "SELECT pos," SQ_REPORT_COLS " FROM reports WHERE "      \
      "pos>?1 AND account=?3 ORDER BY pos LIMIT ?2")                         \
    X(LATEST_TERMS, "SELECT id,seq,last_pos FROM terminals WHERE ?1 IS "   \
      "NULL OR account=?1 ORDER BY id")                                      \
    X(REPORT_AT, "SELECT pos," SQ_REPORT_COLS " FROM reports WHERE pos=?1") \
    X(GET_CURSOR, "SELECT pos FROM cursors WHERE cred=?1")                   \
    X(SET_CURSOR, "INSERT OR REPLACE INTO cursors(cred,pos) VALUES(?1,?2)") \
    X(MAX_POS, "SELECT max(coalesce((SELECT max(pos) FROM reports),0),"     \
      "coalesce((SELECT value FROM meta WHERE key='report_pos'),0))")        \
    X(SET_POS_MARK, "INSERT OR REPLACE INTO meta(key,value) VALUES("        \
      "'report_pos',?1)")                                                    \
    X(EXPIRE, "DELETE FROM reports WHERE pos>?2 AND pos<=?3 AND t<?1")      \
    X(MIN_POS, "SELECT coalesce(min(pos),0) FROM reports")                  \
    SQ_AUDIT_STMTS(X)

/* issue 15: the audit log, contracts, changes, kill switches */
#define SQ_AUDIT_STMTS(X)                                                    \
    X(AUD_PUT, "INSERT INTO audit(idx,entry,leaf) VALUES(?1,?2,?3)")         \
    X(AUD_LEAVES, "SELECT leaf FROM audit ORDER BY idx")                     \
    X(AUD_COUNT, "SELECT coalesce(max(idx),-1)+1 FROM audit")                \
    X(AUD_LEAF_RANGE, "SELECT idx,leaf FROM audit WHERE idx>=?1 AND "        \
      "idx<?2 ORDER BY idx")                                                 \
    X(AUD_ENTRIES, "SELECT idx,entry FROM audit WHERE idx>=?1 AND idx<?2 "   \
      "ORDER BY idx")                                                        \
    X(AUD_CK_PUT, "INSERT OR REPLACE INTO audit_checkpoints(size,root,text," \
      "sig,cosigs) VALUES(?1,?2,?3,?4,'')")                                  \
    X(AUD_CK_GET, "SELECT text,sig,cosigs FROM audit_checkpoints WHERE "     \
      "size=?1")                                                             \
    X(AUD_CK_LAST, "SELECT text,sig,cosigs FROM audit_checkpoints ORDER BY " \
      "size DESC LIMIT 1")                                                   \
    X(AUD_CK_BYTEXT, "SELECT size,cosigs FROM audit_checkpoints WHERE "      \
      "text=?1")                                                             \
    X(AUD_CK_COSIG, "UPDATE audit_checkpoints SET cosigs=?2 WHERE size=?1")  \
    X(AUD_CK_ALL, "SELECT size,root,text,sig FROM audit_checkpoints ORDER "  \
      "BY size")                                                             \
    X(CON_PUT, "INSERT INTO contracts(id,version,json,created,change) "      \
      "VALUES(?1,(SELECT coalesce(max(version),0)+1 FROM contracts WHERE "   \
      "id=?1),?2,?3,?4) RETURNING version")                                  \
    X(CON_GET, "SELECT id,version,json,created,change FROM contracts WHERE " \
      "id=?1 AND version=?2")                                                \
    X(CON_LAST, "SELECT id,version,json,created,change FROM contracts "      \
      "WHERE id=?1 ORDER BY version DESC LIMIT 1")                           \
    X(CON_LIST, "SELECT id,version,json,created,change FROM contracts c "    \
      "WHERE version=(SELECT max(version) FROM contracts d WHERE "           \
      "d.id=c.id) ORDER BY id")                                              \
    X(CHG_PUT, "INSERT INTO changes(id,contract,kind,json,state,reason,"     \
      "detail,created,decided,ord) VALUES(?1,?2,?3,?4,0,?5,?6,?7,0,"         \
      "(SELECT coalesce(max(ord),0)+1 FROM changes))")                       \
    X(CHG_GET, "SELECT id,contract,kind,json,state,reason,detail,created,"   \
      "decided FROM changes WHERE id=?1")                                    \
    X(CHG_LIST, "SELECT id,contract,kind,json,state,reason,detail,created,"  \
      "decided FROM changes WHERE ?1<0 OR state=?1 ORDER BY ord")            \
    X(CHG_STATE, "SELECT state FROM changes WHERE id=?1")                    \
    X(CHG_DECIDE, "UPDATE changes SET state=?2,reason=?3,detail=?4,"         \
      "decided=?5 WHERE id=?1")                                              \
    X(SIG_COUNT, "SELECT count(*),coalesce(sum(line=?2),0) FROM "            \
      "change_sigs WHERE change=?1")                                         \
    X(SIG_PUT, "INSERT INTO change_sigs(change,n,line) VALUES(?1,?2,?3)")    \
    X(SIG_GET, "SELECT line FROM change_sigs WHERE change=?1 ORDER BY n")    \
    X(NONCE_USED, "SELECT 1 FROM nonces WHERE nonce=?1")                     \
    X(NONCE_PUT, "INSERT INTO nonces(nonce,change,t) VALUES(?1,?2,?3)")      \
    X(KILL_PUT, "INSERT OR REPLACE INTO kills(scope,id,granted,change,t) "   \
      "VALUES(?1,?2,?3,?4,?5)")                                              \
    X(KILL_DEL, "DELETE FROM kills WHERE scope=?1 AND id=?2")                \
    X(KILL_LIST, "SELECT scope,id,granted,change,t FROM kills ORDER BY "     \
      "scope,id")                                                            \
    X(ACC_SUSPEND, "UPDATE accounts SET suspended=?2 WHERE id=?1")

#define SQ_PLAN_COLS                                                         \
    "id,hardware_usd,amortize_years,monthly_usd,included_gb,usd_per_gb,"    \
    "peak_mbps,duty,overage"
#define SQ_TERM_COLS "id,kit_serial,account,line,lat,lon,t,seq"
#define SQ_REPORT_COLS                                                       \
    "terminal,seq,t,lat,lon,alt,bytes_down,bytes_up,latency,link,reason,"   \
    "alert,billed,account"
#define SQ_REPORT_COLS_R                                                     \
    "r.terminal,r.seq,r.t,r.lat,r.lon,r.alt,r.bytes_down,r.bytes_up,"       \
    "r.latency,r.link,r.reason,r.alert,r.billed,r.account"

enum {
#define SQ_ENUM(name, sql) SQ_##name,
    SQ_STMTS(SQ_ENUM)
#undef SQ_ENUM
    SQ_NSTMT
};

typedef struct sq_conn {
    sqlite3 *db;
    sqlite3_stmt *stmt[SQ_NSTMT]; /* NULL until first use */
    struct sq_conn *next;         /* the pool's free list */
} sq_conn;

typedef struct sq_job {           /* one caller's batch, on its stack */
    const ln_st_report *r;
    size_t n;
    uint8_t *is_new;              /* OUT, n */
    int status;                   /* the group's status once done */
    int done;                     /* guarded by sq.qmu */
    struct sq_job *next;
} sq_job;

/* One terminal's ingest state (sqlite_state.c): which seqs are stored
 * (sorted disjoint ranges, adjacent ones merged: a terminal counting up
 * has one) and its latest report. Created on the terminal's first report
 * after open, from the folded tables (terminals, seqranges). */
typedef struct sq_range {
    int64_t lo, hi;
} sq_range;
typedef struct sq_term {
    uint64_t h;                   /* hash of id */
    sq_range *r;                  /* writer only (wmu); &r0 while cap 1 */
    int nr, cap;
    sq_range r0;                  /* the one range of most terminals:
                                     no second cache miss */
    int64_t seq;                  /* highest seq stored, -1 none (smu) */
    int64_t last_pos;             /* that report's position, 0 none */
    double lat_deg, lon_deg, t_unix_s; /* that report's */
    int dirty_ranges, dirty_last; /* changed since the last fold (wmu) */
    int file_ranges;              /* seqranges holds: 0 unknown, 1 none,
                                     2 one range from file_lo (wmu) */
    int64_t file_lo;
    char id[LN_ST_ID];
} sq_term;
/* Usage not yet folded into the usage table: (account, terminal, day);
 * accounts interned (sq.accs), terminals by their state: 56 bytes. */
typedef struct sq_use {
    uint64_t h;                   /* 0: empty slot */
    const sq_term *t;
    int32_t acc;                  /* index in sq.accs */
    int32_t day;                  /* days since 1970 (+- 5.8 million y) */
    int64_t bytes, reports, denied;
} sq_use;
typedef struct sq_undo {          /* a new report of the group */
    sq_term *t;
    const ln_st_report *r;
    int32_t acc;                  /* its account's index, -1 unknown */
} sq_undo;

/* A Merkle tree's compact range: h[k] is the hash of the full subtree
 * of 2^k leaves ending the tree, for each bit k set in size. */
typedef struct sq_front {
    uint64_t size;
    unsigned char h[64][32];
} sq_front;

/* Appends a leaf hash to a compact range; the root of the range (the
 * empty tree: SHA-256 of ""). O(log n) node hashes each. */
static inline void sq_front_append(sq_front *f, const unsigned char leaf[32])
{
    unsigned char c[32];
    memcpy(c, leaf, 32);
    unsigned k = 0;
    while (f->size >> k & 1) {
        ln_trust_node_hash(f->h[k], c, c);
        k++;
    }
    memcpy(f->h[k], c, 32);
    f->size++;
}

static inline void sq_front_root(const sq_front *f, unsigned char out[32])
{
    unsigned char e[32];
    int have = 0;
    for (unsigned k = 0; k < 64; k++) {
        if (!(f->size >> k & 1))
            continue;
        if (!have)
            memcpy(e, f->h[k], 32);
        else
            ln_trust_node_hash(f->h[k], e, e);
        have = 1;
    }
    if (!have)
        crypto_hash_sha256(e, (const unsigned char *)"", 0);
    memcpy(out, e, 32);
}

typedef struct sq {
    char *path;
    int version;                  /* schema version after migrations */
    sq_conn *w;                   /* the writer; guarded by wmu */
    pthread_mutex_t wmu;
    int64_t next_pos;             /* next report position; guarded by wmu */
    pthread_mutex_t pmu;          /* guards pool, npool */
    sq_conn *pool;                /* idle readers */
    int npool;
    pthread_mutex_t qmu;          /* guards the queue, leading, stats */
    pthread_cond_t qcv;           /* a group finished */
    sq_job *head, *tail;          /* queued batches, not yet taken */
    int leading;                  /* 1: a caller is committing a group */
    ln_store_stats stats;
    char gmsg[256];               /* the last failed group's message */
    /* ingest state (sqlite_state.c): the table of terminals is changed
     * by the writer with smu held, read by readers with smu held; usage
     * deltas and the last-report fields likewise */
    pthread_mutex_t smu;
    sq_term **terms;              /* open addressing, cap a power of 2 */
    size_t nterms, capterms;
    sq_use *use;                  /* open addressing, cap a power of 2 */
    size_t nuse, capuse;
    char (*accs)[LN_ST_ID];       /* interned account ids (smu to grow) */
    int32_t *acc_tab;             /* open addressing: index + 1, 0 empty */
    size_t naccs, capaccs, capacc_tab;
    int64_t folded_pos;           /* reports up to here are folded: the
                                     lowest of shard_pos */
    int64_t shard_pos[SQ_SHARDS]; /* each shard's mark (wmu) */
    int64_t fold_gen;             /* fold steps so far (meta fold_gen) */
    int fold_next;                /* the shard the next step folds */
    size_t unfolded;              /* reports in memory, not folded (wmu) */
    size_t unfolded_k[SQ_SHARDS]; /* the same per shard */
    atomic_int ingested;          /* this process ingested since open:
                                     its memory is the truth; one that
                                     did not follows the file (reads) */
    int64_t replayed_upto;        /* the last position in memory (wmu) */
    int broken;                   /* the state lags the file: reload */
    int preloaded;                /* every terminal's state is in memory */
    atomic_int fold_wanted;       /* the thresholds are passed */
    atomic_int replayed;          /* the state holds the unfolded reports
                                     (replayed on first need, not at open:
                                     a process that only reads reference
                                     data or writes a token pays nothing) */
    sq_undo *undo;                /* the group's seqs, for a rollback */
    size_t nundo, capundo;
    /* the checkpoint thread (sqlite_ckpt.c) */
    sq_conn *ck;                  /* its connection */
    pthread_t ck_thread;
    pthread_mutex_t ckmu;         /* guards ck_want, ck_stop, ck_frames */
    pthread_cond_t ckcv;
    int ck_want, ck_stop, ck_frames;
    int ck_last;                  /* frames at the last wake (writer) */
    int ck_inited, ck_running;
    uint64_t ck_runs, ck_failed;
    /* the audit log (sqlite_audit.c): the tree in memory (levels of
     * 2^8 leaves and up; smaller subtrees rehashed from the audit
     * table's leaf hashes) and the head's compact range. Changed by the
     * writer (wmu held) only after its transaction committed, with amu
     * held for writing; proofs and the head read them with amu held for
     * reading. */
    pthread_rwlock_t amu;
    int amu_inited;
    ln_trust_log *alog;
    void *alog_ctx;               /* its leaf source's context */
    int abroken;                  /* the tree could not be rebuilt */
    sq_front front;               /* the committed head */
    sq_front pend;                /* the head with the transaction's leaf
                                     (wmu); adopted on commit */
    unsigned char pend_leaf[32];
    unsigned char edge[64][32];   /* leaf hashes of the head's last,
                                     incomplete block of 64 (amu) */
    int npend;                    /* leaves in the open transaction: 0/1 */
    ln_trust_key lkey;            /* the log key (set_log_key) */
    int has_lkey;
    char origin[256];
} sq;

/* The statement `id` of connection c, reset and ready to bind (its
 * previous bindings kept: bind every parameter). NULL when it will not
 * prepare (the message is set). */
sqlite3_stmt *ln__sq_stmt(sq_conn *c, int id);
/* LN_* code for an SQLite result code, with the message set:
 * SQLITE_FULL -> LN_ESTORE_FULL, SQLITE_IOERR* -> LN_EIO, SQLITE_NOMEM
 * -> LN_ENOMEM, anything else -> LN_ESTORE. */
int ln__sq_fail(sq_conn *c, int rc, const char *what);
/* A reader connection (ln__sq_put_reader gives it back). NULL: failed,
 * message set. */
sq_conn *ln__sq_reader(sq *s);
void ln__sq_put_reader(sq *s, sq_conn *c);
/* Runs one statement on the writer: its transaction (writer lock held
 * by the caller). */
int ln__sq_begin(sq *s);
int ln__sq_commit(sq *s);
void ln__sq_rollback(sq *s);
/* Copies column i (TEXT) into dst[cap], "" for NULL. */
void ln__sq_text(sqlite3_stmt *q, int i, char *dst, size_t cap);
/* Binds a C string (NULL or "" as given). */
int ln__sq_bind_text(sqlite3_stmt *q, int i, const char *s);

/* sqlite_ckpt.c: starts the checkpoint thread on connection ck (owned by
 * s from then on) and turns the writer's automatic checkpoints off; stop
 * joins it (safe when never started). */
int ln__sq_ckpt_start(sq *s, sq_conn *ck);
void ln__sq_ckpt_stop(sq *s);

/* sqlite_ref.c */
int ln__sq_put_plan(void *impl, const ln_plan *p);
int ln__sq_get_plan(void *impl, const char *id, ln_plan *out);
int ln__sq_list_plans(void *impl, ln_st_plan_cb cb, void *user);
int ln__sq_put_account(void *impl, const ln_st_account *a);
int ln__sq_get_account(void *impl, const char *id, ln_st_account *out);
int ln__sq_list_accounts(void *impl, long offset, long limit,
                         ln_st_account_cb cb, void *user, long *total);
int ln__sq_put_line(void *impl, const ln_st_line *l);
int ln__sq_get_line(void *impl, const char *number, ln_st_line *out);
int ln__sq_list_lines(void *impl, const char *account, long offset,
                      long limit, ln_st_line_cb cb, void *user, long *total);
int ln__sq_put_terminals(void *impl, const ln_st_terminal *t, size_t n);
int ln__sq_get_terminal(void *impl, const char *id, ln_st_terminal *out);
int ln__sq_list_terminals(void *impl, const char *account, long offset,
                          long limit, ln_st_terminal_cb cb, void *user,
                          long *total);
int ln__sq_put_token(void *impl, const ln_st_token *t, int64_t *rid);
int ln__sq_find_token(void *impl, const unsigned char hash[32],
                      ln_st_token *out);
int ln__sq_revoke_token(void *impl, int64_t rid);
/* sqlite_audit.c: the log. Every audited write runs, with wmu held:
 * ln__sq_begin, its rows, ln__sq_audit_leaf (one leaf), then
 * ln__sq_audit_end(s, rc): on rc 0 the checkpoint (log key set) and the
 * commit, then the in-memory log advances; otherwise (or when the commit
 * fails) a rollback, and the in-memory log stays as it was. Returns the
 * final status. */
struct json_t;
int ln__sq_audit_open(sq *s);     /* loads the tree from the table */
void ln__sq_audit_close(sq *s);
int ln__sq_audit_leaf(sq *s, const char *type, struct json_t *record);
/* Reads leaves another handle appended (write lock held). */
int ln__sq_audit_sync(sq *s);
int ln__sq_audit_end(sq *s, int rc);
/* The writers' transaction helpers for the issue-15 files. */
int ln__sq_step_write(sq *s, sqlite3_stmt *q, const char *what);
int ln__sq_put_zones_tx(sq *s, const ln_st_zone *z, size_t n,
                        int64_t *version, struct json_t **rec);
/* sqlite_audit_rec.c: the records (docs/audit.md): every audited field
 * of a row as a JSON object, the same for the writer and the check. */
struct json_t *ln__sq_rec_plan(const ln_plan *p);
struct json_t *ln__sq_rec_account(const ln_st_account *a);
struct json_t *ln__sq_rec_line(const ln_st_line *l);
struct json_t *ln__sq_rec_terminal(const ln_st_terminal *t);
struct json_t *ln__sq_rec_zone(const ln_st_zone *z, int64_t version);
struct json_t *ln__sq_rec_token(const ln_st_token *t);
struct json_t *ln__sq_rec_contract(const char *id, int64_t version,
                                   const char *change, const void *json,
                                   size_t n);
struct json_t *ln__sq_rec_change(const ln_st_change *c);
struct json_t *ln__sq_rec_kill(const char *scope, const char *id,
                               int granted, const char *change, int on);
/* SHA-256 hex of n bytes into hex[65]; a double as the shortest decimal
 * text that reads back to it (canonical JSON has no fractions), null
 * for NaN and infinities. */
void ln__sq_sha_hex(const void *p, size_t n, char hex[65]);
struct json_t *ln__sq_json_real(double v);
/* sqlite_verify.c */
int ln__sq_audit_verify(void *impl, const unsigned char pub[32],
                        uint64_t *size, ln_diag *diag);
/* sqlite_trust.c */
int ln__sq_put_contract(void *impl, const ln_st_contract *c,
                        int64_t *version);
int ln__sq_get_contract(void *impl, const char *id, int64_t version,
                        ln_st_contract *out);
int ln__sq_list_contracts(void *impl, ln_st_contract_cb cb, void *user);
int ln__sq_put_change(void *impl, const ln_st_change *c);
int ln__sq_add_change_signature(void *impl, const char *id,
                                const char *line);
int ln__sq_get_change(void *impl, const char *id, ln_st_change *out);
int ln__sq_list_changes(void *impl, int state, ln_st_change_cb cb,
                        void *user);
int ln__sq_decide_change(void *impl, const char *id, int state, int reason,
                         const char *detail, const unsigned char *nonce,
                         size_t nnonce, const ln_st_effect *effect);
int ln__sq_nonce_used(void *impl, const unsigned char *nonce, size_t n);
/* sqlite_trust.c's rows in the writer's open transaction, for
 * sqlite_trust_decide.c: the contract's next version (*rec its audit
 * record), a granted kill switch on or off, a change's state. */
int ln__sq_contract_tx(sq *s, const char *id, const char *json, size_t n,
                       const char *change, int64_t *version,
                       struct json_t **rec);
int ln__sq_kill_tx(sq *s, const char *scope, const char *id,
                   const char *change, int on);
int ln__sq_change_state(sq *s, const char *id, int *state);
/* sqlite_trust_scope.c (writer, transaction open): one contract per
 * protected target. A contract version whose scope names what another
 * contract names: LN_ECONFLICT (decide_change's amendment turns it into
 * LN_EFORBIDDEN); a granted effect of a change under contract whose
 * targets another contract names: LN_EFORBIDDEN. */
int ln__sq_contract_clash(sq *s, const char *id, const char *json, size_t n);
int ln__sq_effect_clash(sq *s, const char *change, const char *contract,
                        const ln_st_effect *e);
int ln__sq_set_kill(void *impl, const ln_st_kill *k, int on);
int ln__sq_list_kills(void *impl, ln_st_kill_cb cb, void *user);
/* sqlite_audit.c: the public slots */
void ln__sq_set_actor(void *impl, const char *who);
int ln__sq_set_log_key(void *impl, const struct ln_trust_key *key,
                       const char *origin);
int ln__sq_audit_head(void *impl, uint64_t *size, unsigned char root[32]);
int ln__sq_audit_entries(void *impl, uint64_t from, uint64_t to,
                         ln_st_audit_cb cb, void *user);
int ln__sq_audit_inclusion(void *impl, uint64_t index, uint64_t size,
                           unsigned char path[][32], size_t *npath);
int ln__sq_audit_consistency(void *impl, uint64_t m, uint64_t n,
                             unsigned char path[][32], size_t *npath);
int ln__sq_audit_checkpoint(void *impl, uint64_t size, char **note,
                            size_t *n);
int ln__sq_audit_add_cosignatures(void *impl, const char *text,
                                  size_t ntext, const char *lines,
                                  size_t nlines);
int ln__sq_audit_append(void *impl, const char *record, size_t n,
                        uint64_t *index);
/* sqlite_zones.c */
int ln__sq_put_zones(void *impl, const ln_st_zone *z, size_t n,
                     int64_t *version);
int ln__sq_get_zones(void *impl, int64_t as_of, ln_st_zone **out, size_t *n,
                     int64_t *version);
/* sqlite_ingest.c */
int ln__sq_ingest(void *impl, const ln_st_report *r, size_t n,
                  uint8_t *is_new);
/* sqlite_state.c (wmu held unless said) */
/* The state of terminal id, created (and loaded from the file through
 * the writer) when absent. NULL: out of memory or a read failed. */
sq_term *ln__sq_term(sq *s, const char *id);
/* The same with id's hash (ln__sq_hash) already computed. */
sq_term *ln__sq_term_h(sq *s, const char *id, uint64_t h);
uint64_t ln__sq_hash(const char *id);
/* The state of id if present, NULL otherwise (smu held by the caller). */
sq_term *ln__sq_term_find(sq *s, const char *id);
sq_term *ln__sq_term_find_h(sq *s, const char *id, uint64_t h);
/* Memory hints (writer): stage 0 fetches id's slot, stage 1 (some rows
 * later) its state; the usage row a new report will add to. */
void ln__sq_term_prefetch(const sq *s, uint64_t h, int stage);
int32_t ln__sq_use_prefetch(const sq *s, const sq_term *t,
                            const ln_st_report *r); /* r's account index,
                                                       -1 not interned */
int ln__sq_ranges_has(const sq_term *t, int64_t seq);
int ln__sq_ranges_add(sq_term *t, int64_t seq);
void ln__sq_ranges_del(sq_term *t, int64_t seq);
/* Records a committed new report at pos (smu held by the caller); acc:
 * r's interned account index if known, else -1. */
int ln__sq_apply(sq *s, sq_term *t, const ln_st_report *r, int64_t pos,
                 int32_t acc);
/* Replays reports after folded_pos into the state, once (wmu held). */
int ln__sq_replay(sq *s);
/* The same for readers: takes wmu when the replay is still to do. */
int ln__sq_ready(sq *s);
/* Forgets the state and replays it from the file (wmu held, not smu). */
int ln__sq_reload(sq *s);
/* sqlite_fold.c (wmu held): every shard into the tables (usage,
 * terminals' latest reports, seqranges, the marks), a transaction each;
 * one shard, the next in turn (after a group, when due). */
int ln__sq_fold(sq *s);
int ln__sq_fold_some(sq *s);
/* The marks (shard_pos, folded_pos, fold_gen) from meta; fold_gen. */
int ln__sq_read_marks(sq *s);
int ln__sq_read_gen(sq *s, int64_t *gen);
/* Usage deltas matching (account, day range), copied (smu held). */
int ln__sq_use_copy(sq *s, const char *account, long from_day, long to_day,
                    ln_st_usage **out, size_t *n);
void ln__sq_state_free(sq *s);
/* The fold's thresholds: reports, usage rows, reports per terminal
 * (tests lower them; sqlite_state.c says why). */
extern size_t ln__sq_fold_rows, ln__sq_fold_use, ln__sq_fold_per_term;
/* Positions per retention transaction (tests lower it). */
extern int64_t ln__sq_expire_chunk;
/* Whether enough is unfolded that the writer should fold now. */
int ln__sq_fold_due(sq *s);
/* The thresholds in force: reports, usage rows (fold when one is passed,
 * until both are halved). */
void ln__sq_fold_limits(const sq *s, size_t *rows, size_t *use);
/* sqlite_read.c */
int ln__sq_usage(void *impl, const char *account, long from_day,
                 long to_day, ln_st_usage_cb cb, void *user);
int ln__sq_reports(void *impl, const char *account, int64_t after, long max,
                   ln_st_report_cb cb, void *user, int64_t *last);
int ln__sq_latest_reports(void *impl, const char *account,
                          ln_st_report_cb cb, void *user);
int ln__sq_get_cursor(void *impl, int64_t cred, int64_t *pos);
int ln__sq_set_cursor(void *impl, int64_t cred, int64_t pos);
int ln__sq_expire_reports(void *impl, double before_unix_s, long *deleted);

#endif
