/*
 * sqlite_audit.c - the SQLite driver's audit log (store.h "the audit
 * log"; docs/audit.md): leaves appended in the transaction of the change
 * they record, a signed checkpoint of each new head, the tree in memory
 * for heads and proofs.
 *
 * Tables (migration 6): audit(idx, entry, leaf) one row per leaf, leaf =
 * RFC 9162 leaf hash of entry; audit_checkpoints(size, root, text, sig,
 * cosigs) one signed checkpoint per audited transaction while a log key
 * is set.
 *
 * Memory: an ln_trust_log with cache_shift 6 (full subtrees of 64 leaves
 * and up: 10 million leaves take about 10 MB); a subtree below that is
 * rehashed from the audit table's leaf hashes (leaf_fn: one range query
 * of 64 rows, kept per thread; the last, incomplete block's hashes are
 * kept in memory, sq.edge: every proof at the head needs them). Shift 8
 * would take 2.5 MB but rehash 4 times as much per proof (200 µs
 * instead of 60: docs/audit.md, "Costs"). At open every leaf hash is read once
 * (about 1.5 s for 10 million). The head's compact range (sq_front, 64
 * hashes) gives the root of a head in O(log n) without the table.
 *
 * Atomicity: an audited write computes its leaf and the new head in
 * s->pend while its transaction is open; only once COMMIT succeeded are
 * they adopted (s->front, ln_trust_log_append under amu). A failed write
 * rolls back and leaves the memory as it was.
 *
 * The actor (ln_store_set_actor) is per thread: a _Thread_local buffer
 * holding the store it was set for, so one thread's actor never leaks
 * into another's writes nor into another store's.
 */
#include <jansson.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/sqlite_int.h"

#define SHIFT 6
#define BLOCK (1u << SHIFT)
_Static_assert(sizeof ((sq *)0)->edge / 32 >= BLOCK, "sq.edge holds a block");

static _Thread_local struct {
    const void *st;
    char who[128];
} actor;

void ln__sq_set_actor(void *impl, const char *who)
{
    actor.st = who && who[0] ? impl : NULL;
    snprintf(actor.who, sizeof actor.who, "%s", who ? who : "");
}

/* ---- leaf hashes from the table --------------------------------------- */

static atomic_uint_fast64_t generation; /* one per open: the cache key */
static _Thread_local sq_conn *tl_conn;  /* the proof's reader */
static _Thread_local struct {
    uint64_t gen, block;
    int valid;
    unsigned n;                         /* rows of the block read */
    unsigned char h[BLOCK][32];
} tl_cache;

typedef struct actx {
    sq *s;
    uint64_t gen;
} actx;

/* Reads the leaf hashes of block (BLOCK leaves, 64; fewer at the right edge)
 * into the thread's cache. Leaves never change once committed, so a
 * block read once stays right; one read short of the leaf asked for (the
 * edge grew since) is read again. */
static int load_block(sq_conn *c, uint64_t block, uint64_t gen)
{
    sqlite3_stmt *q = ln__sq_stmt(c, SQ_AUD_LEAF_RANGE);
    if (!q)
        return LN_ESTORE;
    uint64_t lo = block * BLOCK, want = lo;
    sqlite3_bind_int64(q, 1, (sqlite3_int64)lo);
    sqlite3_bind_int64(q, 2, (sqlite3_int64)(lo + BLOCK));
    tl_cache.valid = 0;
    int r, rc = LN_OK;
    while ((r = sqlite3_step(q)) == SQLITE_ROW) {
        uint64_t i = (uint64_t)sqlite3_column_int64(q, 0);
        const void *h = sqlite3_column_blob(q, 1);
        if (i != want || sqlite3_column_bytes(q, 1) != 32 || !h) {
            rc = ln__store_err(LN_ESTORE, "store: audit leaf %llu is "
                               "missing or damaged", (unsigned long long)want);
            break;
        }
        memcpy(tl_cache.h[i - lo], h, 32);
        want++;
    }
    if (!rc && r != SQLITE_DONE)
        rc = ln__sq_fail(c, r, "read audit leaves");
    sqlite3_reset(q);
    if (!rc) {
        tl_cache.valid = 1;
        tl_cache.gen = gen;
        tl_cache.block = block;
        tl_cache.n = (unsigned)(want - lo);
    }
    return rc;
}

/* ln_trust_leaf_fn: called for leaves inside full subtrees of fewer than
 * 2^SHIFT leaves (rehashed), never above the tree's size. */
static int leaf_fn(void *ctx, uint64_t index, unsigned char out[32])
{
    actx *a = ctx;
    uint64_t block = index / BLOCK;
    if (block == a->s->front.size / BLOCK) { /* the edge: in memory */
        memcpy(out, a->s->edge[index % BLOCK], 32);
        return 0;
    }
    if (!tl_cache.valid || tl_cache.gen != a->gen ||
        tl_cache.block != block || index % BLOCK >= tl_cache.n) {
        if (!tl_conn)
            return ln__store_err(LN_ESTORE, "store: no audit reader");
        int rc = load_block(tl_conn, block, a->gen);
        if (rc)
            return rc;
        if (index % BLOCK >= tl_cache.n)
            return ln__store_err(LN_ESTORE, "store: audit leaf %llu is "
                                 "missing", (unsigned long long)index);
    }
    memcpy(out, tl_cache.h[index % BLOCK], 32);
    return 0;
}

static int log_load(sq *s)
{
    actx *a = ln_calloc(1, sizeof *a);
    if (!a)
        return ln__store_err(LN_ENOMEM, "store: out of memory");
    a->s = s;
    a->gen = atomic_fetch_add(&generation, 1) + 1;
    ln_trust_log *lg;
    int rc = ln_trust_log_new(SHIFT, leaf_fn, a, &lg);
    if (rc) {
        ln_free(a);
        return ln__store_err(rc, "store: audit log: out of memory");
    }
    memset(&s->front, 0, sizeof s->front);
    sqlite3_stmt *q = ln__sq_stmt(s->w, SQ_AUD_LEAVES);
    int r = SQLITE_DONE;
    rc = q ? LN_OK : LN_ESTORE;
    while (!rc && (r = sqlite3_step(q)) == SQLITE_ROW) {
        unsigned char h[32] = {0};
        const void *b = sqlite3_column_blob(q, 0);
        if (b && sqlite3_column_bytes(q, 0) == 32)
            memcpy(h, b, 32); /* else: ln_store_audit_verify says so */
        rc = ln_trust_log_append(lg, h);
        memcpy(s->edge[s->front.size % BLOCK], h, 32);
        sq_front_append(&s->front, h);
    }
    if (!rc && r != SQLITE_DONE)
        rc = ln__sq_fail(s->w, r, "read the audit log");
    if (q)
        sqlite3_reset(q);
    if (rc) {
        ln_trust_log_free(lg);
        ln_free(a);
        return rc;
    }
    s->alog = lg;
    s->alog_ctx = a;
    return LN_OK;
}

int ln__sq_audit_open(sq *s)
{
    if (pthread_rwlock_init(&s->amu, NULL))
        return ln__store_err(LN_ENOMEM, "store: rwlock");
    s->amu_inited = 1;
    return log_load(s);
}

void ln__sq_audit_close(sq *s)
{
    ln_trust_log_free(s->alog);
    s->alog = NULL;
    ln_free(s->alog_ctx);
    s->alog_ctx = NULL;
    sodium_memzero(&s->lkey, sizeof s->lkey);
    if (s->amu_inited)
        pthread_rwlock_destroy(&s->amu);
    s->amu_inited = 0;
}

int ln__sq_set_log_key(void *impl, const struct ln_trust_key *key,
                       const char *origin)
{
    sq *s = impl;
    if (key && (!key->has_secret || strlen(origin) >= sizeof s->origin ||
                strchr(origin, '\n')))
        return ln__store_err(LN_EINVAL, "store: log key: %s",
                             key->has_secret ? "bad origin line"
                                             : "no secret key");
    pthread_mutex_lock(&s->wmu);
    if (key) {
        s->lkey = *key;
        snprintf(s->origin, sizeof s->origin, "%s", origin);
    } else {
        sodium_memzero(&s->lkey, sizeof s->lkey);
    }
    s->has_lkey = key != NULL;
    pthread_mutex_unlock(&s->wmu);
    return LN_OK;
}

/* ---- appending ---------------------------------------------------------- */

int ln__sq_step_write(sq *s, sqlite3_stmt *q, const char *what)
{
    if (!q)
        return LN_ESTORE;
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    return rc == SQLITE_DONE ? LN_OK : ln__sq_fail(s->w, rc, what);
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The canonical entry of a leaf into *out (free()). */
static int entry_of(sq *s, const char *type, json_t *record, char **out,
                    size_t *n)
{
    json_t *e = json_object();
    if (!e || !record)
        return ln__store_err(LN_ENOMEM, "store: audit: out of memory");
    json_object_set_new(e, "by", json_string(actor.st == s ? actor.who : ""));
    json_object_set(e, "record", record);
    json_object_set_new(e, "seq", json_integer((json_int_t)s->front.size));
    json_object_set_new(e, "t", json_integer(now_ms()));
    json_object_set_new(e, "type", json_string(type));
    json_object_set_new(e, "v", json_integer(1));
    char *txt = json_dumps(e, JSON_COMPACT);
    json_decref(e);
    if (!txt)
        return ln__store_err(LN_ENOMEM, "store: audit: out of memory");
    ln_diag d;
    memset(&d, 0, sizeof d);
    int rc = ln_trust_canonical(txt, strlen(txt), out, n, &d);
    free(txt);
    if (rc)
        return ln__store_err(rc, "store: audit %s record: %s", type, d.msg);
    return LN_OK;
}

/* Another handle on the file (another process writing reference data,
 * store.h) may have appended leaves since this one last wrote: with the
 * write lock held (a transaction open, or wmu for a check), the leaves
 * past this handle's head are read into the tree. */
int ln__sq_audit_sync(sq *s)
{
    sqlite3_stmt *q = ln__sq_stmt(s->w, SQ_AUD_COUNT);
    if (!q)
        return LN_ESTORE;
    int r = sqlite3_step(q);
    uint64_t n = r == SQLITE_ROW ? (uint64_t)sqlite3_column_int64(q, 0) : 0;
    sqlite3_reset(q);
    if (r != SQLITE_ROW)
        return ln__sq_fail(s->w, r, "audit size");
    if (n == s->front.size)
        return LN_OK;
    if (n < s->front.size)
        return ln__store_err(LN_ESTORE, "store: the audit table holds %llu "
                             "leaves, fewer than the %llu this store saw "
                             "(rows deleted behind its back)",
                             (unsigned long long)n,
                             (unsigned long long)s->front.size);
    q = ln__sq_stmt(s->w, SQ_AUD_LEAF_RANGE);
    if (!q)
        return LN_ESTORE;
    sqlite3_bind_int64(q, 1, (sqlite3_int64)s->front.size);
    sqlite3_bind_int64(q, 2, (sqlite3_int64)n);
    int rc = LN_OK;
    pthread_rwlock_wrlock(&s->amu);
    while (!rc && (r = sqlite3_step(q)) == SQLITE_ROW) {
        unsigned char h[32] = {0};
        if (sqlite3_column_bytes(q, 1) == 32)
            memcpy(h, sqlite3_column_blob(q, 1), 32);
        if ((uint64_t)sqlite3_column_int64(q, 0) != s->front.size)
            rc = ln__store_err(LN_ESTORE, "store: audit leaf %llu is missing",
                               (unsigned long long)s->front.size);
        if (!rc)
            rc = ln_trust_log_append(s->alog, h);
        if (!rc) {
            memcpy(s->edge[s->front.size % BLOCK], h, 32);
            sq_front_append(&s->front, h);
        }
    }
    pthread_rwlock_unlock(&s->amu);
    if (!rc && r != SQLITE_DONE)
        rc = ln__sq_fail(s->w, r, "read new audit leaves");
    sqlite3_reset(q);
    return rc;
}

int ln__sq_audit_leaf(sq *s, const char *type, json_t *record)
{
    char *e = NULL;
    size_t n = 0;
    int rc = s->npend ? ln__store_err(LN_ESTORE, "store: two audit leaves "
                                      "in one transaction")
                      : ln__sq_audit_sync(s);
    if (!rc)
        rc = entry_of(s, type, record, &e, &n);
    json_decref(record);
    if (rc)
        return rc;
    unsigned char h[32];
    ln_trust_leaf_hash(e, n, h);
    sqlite3_stmt *q = ln__sq_stmt(s->w, SQ_AUD_PUT);
    if (q) {
        sqlite3_bind_int64(q, 1, (sqlite3_int64)s->front.size);
        sqlite3_bind_blob64(q, 2, e, n, SQLITE_STATIC);
        sqlite3_bind_blob(q, 3, h, 32, SQLITE_STATIC);
    }
    rc = ln__sq_step_write(s, q, "append the audit leaf");
    free(e);
    if (rc)
        return rc;
    s->pend = s->front;
    sq_front_append(&s->pend, h);
    memcpy(s->pend_leaf, h, 32);
    s->npend = 1;
    return LN_OK;
}

/* The signed checkpoint of the pending head, in the transaction. */
static int put_checkpoint(sq *s)
{
    ln_trust_checkpoint c;
    memset(&c, 0, sizeof c);
    snprintf(c.origin, sizeof c.origin, "%s", s->origin);
    c.size = s->pend.size;
    sq_front_root(&s->pend, c.root);
    char text[512], sig[256];
    int rc = ln_trust_checkpoint_format(&c, text, sizeof text);
    if (!rc)
        rc = ln_trust_note_sign(&s->lkey, text, strlen(text), sig,
                                sizeof sig);
    if (rc)
        return ln__store_err(rc, "store: cannot sign the checkpoint");
    sqlite3_stmt *q = ln__sq_stmt(s->w, SQ_AUD_CK_PUT);
    if (q) {
        sqlite3_bind_int64(q, 1, (sqlite3_int64)c.size);
        sqlite3_bind_blob(q, 2, c.root, 32, SQLITE_STATIC);
        sqlite3_bind_text(q, 3, text, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 4, sig, -1, SQLITE_STATIC);
    }
    return ln__sq_step_write(s, q, "store the checkpoint");
}

int ln__sq_audit_end(sq *s, int rc)
{
    if (!rc && s->npend && s->has_lkey)
        rc = put_checkpoint(s);
    if (!rc)
        rc = ln__sq_commit(s);
    if (rc) {
        ln__sq_rollback(s);
        s->npend = 0;
        return rc;
    }
    if (!s->npend)
        return LN_OK;
    pthread_rwlock_wrlock(&s->amu);
    int arc = ln_trust_log_append(s->alog, s->pend_leaf);
    memcpy(s->edge[s->front.size % BLOCK], s->pend_leaf, 32);
    s->front = s->pend;
    pthread_rwlock_unlock(&s->amu);
    s->npend = 0;
    if (arc) { /* committed, but the tree could not grow: rebuild it */
        pthread_rwlock_wrlock(&s->amu);
        ln_trust_log *old = s->alog;
        void *octx = s->alog_ctx;
        if (!log_load(s)) {
            ln_trust_log_free(old);
            ln_free(octx);
        } else {
            s->alog = old;
            s->alog_ctx = octx;
            s->abroken = 1;
        }
        pthread_rwlock_unlock(&s->amu);
    }
    return LN_OK;
}

int ln__sq_audit_append(void *impl, const char *record, size_t n,
                        uint64_t *index)
{
    sq *s = impl;
    json_error_t je;
    json_t *r = json_loadb(record, n, JSON_REJECT_DUPLICATES, &je);
    if (!r || !json_is_object(r)) {
        json_decref(r);
        return ln__store_err(LN_EPARSE, "store: audit record: %s",
                             r ? "not a JSON object" : je.text);
    }
    pthread_mutex_lock(&s->wmu);
    uint64_t at = s->front.size;
    int rc = ln__sq_begin(s);
    if (!rc)
        rc = ln__sq_audit_leaf(s, "attempt", json_incref(r));
    rc = ln__sq_audit_end(s, rc);
    pthread_mutex_unlock(&s->wmu);
    json_decref(r);
    if (index)
        *index = rc ? 0 : at;
    return rc;
}

/* ---- reading ------------------------------------------------------------ */

static int broken(const sq *s)
{
    return s->abroken ? ln__store_err(LN_ENOMEM, "store: the audit tree "
                                      "could not be rebuilt (memory)")
                      : LN_OK;
}

int ln__sq_audit_head(void *impl, uint64_t *size, unsigned char root[32])
{
    sq *s = impl;
    pthread_rwlock_rdlock(&s->amu);
    int rc = broken(s);
    *size = s->front.size;
    sq_front_root(&s->front, root);
    pthread_rwlock_unlock(&s->amu);
    return rc;
}

int ln__sq_audit_entries(void *impl, uint64_t from, uint64_t to,
                         ln_st_audit_cb cb, void *user)
{
    sq *s = impl;
    pthread_rwlock_rdlock(&s->amu);
    uint64_t size = s->front.size;
    pthread_rwlock_unlock(&s->amu);
    if (to > size)
        return ln__store_err(LN_ERANGE, "store: audit entries to %llu past "
                             "the log's size %llu", (unsigned long long)to,
                             (unsigned long long)size);
    sq_conn *c = ln__sq_reader(s);
    if (!c)
        return LN_ESTORE;
    sqlite3_stmt *q = ln__sq_stmt(c, SQ_AUD_ENTRIES);
    int rc = q ? LN_OK : LN_ESTORE, r = SQLITE_DONE;
    if (q) {
        sqlite3_bind_int64(q, 1, (sqlite3_int64)from);
        sqlite3_bind_int64(q, 2, (sqlite3_int64)to);
        while ((r = sqlite3_step(q)) == SQLITE_ROW)
            if (cb(user, (uint64_t)sqlite3_column_int64(q, 0),
                   sqlite3_column_blob(q, 1),
                   (size_t)sqlite3_column_bytes(q, 1)))
                break;
        if (r != SQLITE_ROW && r != SQLITE_DONE)
            rc = ln__sq_fail(c, r, "read audit entries");
        sqlite3_reset(q);
    }
    ln__sq_put_reader(s, c);
    return rc;
}

/* A proof under amu (read) with a reader for the leaf hashes. */
static int proof(sq *s, int incl, uint64_t a, uint64_t b,
                 unsigned char path[][32], size_t *npath)
{
    *npath = 0;
    sq_conn *c = ln__sq_reader(s);
    if (!c)
        return LN_ESTORE;
    pthread_rwlock_rdlock(&s->amu);
    int rc = broken(s);
    tl_conn = c;
    if (!rc)
        rc = incl ? ln_trust_log_inclusion(s->alog, a, b, path, npath)
                  : ln_trust_log_consistency(s->alog, a, b, path, npath);
    tl_conn = NULL;
    uint64_t size = s->front.size;
    pthread_rwlock_unlock(&s->amu);
    ln__sq_put_reader(s, c);
    if (rc == LN_ERANGE)
        rc = ln__store_err(LN_ERANGE, "store: %s proof (%llu, %llu) outside "
                           "the log of %llu leaves",
                           incl ? "inclusion" : "consistency",
                           (unsigned long long)a, (unsigned long long)b,
                           (unsigned long long)size);
    return rc;
}

int ln__sq_audit_inclusion(void *impl, uint64_t index, uint64_t size,
                           unsigned char path[][32], size_t *npath)
{
    return proof(impl, 1, index, size, path, npath);
}

int ln__sq_audit_consistency(void *impl, uint64_t m, uint64_t n,
                             unsigned char path[][32], size_t *npath)
{
    return proof(impl, 0, m, n, path, npath);
}

int ln__sq_audit_checkpoint(void *impl, uint64_t size, char **note,
                            size_t *n)
{
    sq *s = impl;
    sq_conn *c = ln__sq_reader(s);
    if (!c)
        return LN_ESTORE;
    sqlite3_stmt *q = ln__sq_stmt(c, size ? SQ_AUD_CK_GET : SQ_AUD_CK_LAST);
    int rc = q ? LN_OK : LN_ESTORE;
    if (q) {
        if (size)
            sqlite3_bind_int64(q, 1, (sqlite3_int64)size);
        int r = sqlite3_step(q);
        if (r == SQLITE_ROW) {
            const char *p[3];
            size_t len[3], tot = 2;
            for (int i = 0; i < 3; i++) {
                p[i] = (const char *)sqlite3_column_text(q, i);
                len[i] = (size_t)sqlite3_column_bytes(q, i);
                tot += len[i];
            }
            char *b = ln_malloc(tot);
            if (!b) {
                rc = ln__store_err(LN_ENOMEM, "store: out of memory");
            } else {
                size_t o = 0;
                memcpy(b + o, p[0] ? p[0] : "", len[0]);
                o += len[0];
                b[o++] = '\n';
                memcpy(b + o, p[1] ? p[1] : "", len[1]);
                o += len[1];
                memcpy(b + o, p[2] ? p[2] : "", len[2]);
                o += len[2];
                b[o] = 0;
                *note = b;
                *n = o;
            }
        } else if (r == SQLITE_DONE) {
            rc = ln__store_err(LN_ENOTFOUND, "store: no signed checkpoint%s",
                               size ? " of that size" : "");
        } else {
            rc = ln__sq_fail(c, r, "read the checkpoint");
        }
        sqlite3_reset(q);
    }
    ln__sq_put_reader(s, c);
    return rc;
}

/* 1 when buf holds line[n] + "\n" as a whole line. */
static int has_line(const char *buf, const char *line, size_t n)
{
    for (const char *p = buf; *p;) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && !memcmp(p, line, n))
            return 1;
        if (!e)
            break;
        p = e + 1;
    }
    return 0;
}

/* have with each valid line of lines[n] not there yet appended; *out is
 * malloc'd. A line that is no signature line: LN_EINVAL. */
static int merge_cosigs(const char *have, const char *lines, size_t n,
                        char **out)
{
    size_t hl = strlen(have);
    char *b = ln_malloc(hl + n + 2);
    if (!b)
        return ln__store_err(LN_ENOMEM, "store: out of memory");
    memcpy(b, have, hl + 1);
    size_t o = hl;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && lines[j] != '\n')
            j++;
        ln_trust_sigline sl;
        ln_diag d;
        memset(&d, 0, sizeof d);
        if (j > i && ln_trust_sigline_parse(lines + i, j - i, &sl, &d)) {
            ln_free(b);
            return ln__store_err(LN_EINVAL, "store: cosignature line: %s",
                                 d.msg);
        }
        if (j > i && !has_line(b, lines + i, j - i)) {
            memcpy(b + o, lines + i, j - i);
            o += j - i;
            b[o++] = '\n';
            b[o] = 0;
        }
        i = j + 1;
    }
    *out = b;
    return LN_OK;
}

int ln__sq_audit_add_cosignatures(void *impl, const char *text,
                                  size_t ntext, const char *lines,
                                  size_t nlines)
{
    sq *s = impl;
    pthread_mutex_lock(&s->wmu);
    int rc = ln__sq_begin(s);
    sqlite3_stmt *q = rc ? NULL : ln__sq_stmt(s->w, SQ_AUD_CK_BYTEXT);
    sqlite3_int64 size = 0;
    char *merged = NULL;
    if (!rc && !q)
        rc = LN_ESTORE;
    if (q) {
        sqlite3_bind_text(q, 1, text, (int)ntext, SQLITE_STATIC);
        int r = sqlite3_step(q);
        if (r == SQLITE_ROW) {
            size = sqlite3_column_int64(q, 0);
            const char *have = (const char *)sqlite3_column_text(q, 1);
            rc = merge_cosigs(have ? have : "", lines, nlines, &merged);
        } else {
            rc = r == SQLITE_DONE
                     ? ln__store_err(LN_ENOTFOUND, "store: no checkpoint "
                                     "has that text")
                     : ln__sq_fail(s->w, r, "find the checkpoint");
        }
        sqlite3_reset(q);
    }
    if (!rc) {
        q = ln__sq_stmt(s->w, SQ_AUD_CK_COSIG);
        if (q) {
            sqlite3_bind_int64(q, 1, size);
            sqlite3_bind_text(q, 2, merged, -1, SQLITE_STATIC);
        }
        rc = ln__sq_step_write(s, q, "store cosignatures");
    }
    if (!rc)
        rc = ln__sq_commit(s);
    if (rc)
        ln__sq_rollback(s);
    pthread_mutex_unlock(&s->wmu);
    ln_free(merged);
    return rc;
}
