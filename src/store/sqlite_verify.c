/*
 * sqlite_verify.c - ln_store_audit_verify for the SQLite driver
 * (docs/audit.md, "The start check").
 *
 * One read snapshot; one pass over the audit table in index order:
 *   - the indexes run 0, 1, 2, ... without a gap;
 *   - each stored leaf hash is the RFC 9162 leaf hash of its entry, the
 *     entry is {"by","record","seq","t","type","v":1} with seq its index;
 *   - at every stored checkpoint's size, the root of the leaves so far
 *     (a compact range, O(log n) per leaf) equals the checkpoint's root
 *     column and the root in its note text, and its signature line
 *     verifies under pub (when given);
 *   - each record is replayed into the state the log describes (vx.st:
 *     table -> key -> {"row": record, "leaf": index}).
 * Then checkpoints beyond the last leaf are refused, the head in memory
 * must equal the table's, and sqlite_verify_tab.c compares every audited
 * table with the replayed state.
 */
#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_verify.h"

int ln__sq_vfail(vx *v, const char *fmt, ...)
{
    va_list ap;
    char msg[512];
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ln__store_err(LN_ETRUST, "store: audit: %s", msg);
    return ln_diag_set(v->diag, LN_ETRUST, v->s->path, 0, 0, NULL, "%s", msg);
}

/* The replayed row of table at key (NULL when none). */
json_t *ln__sq_vget(vx *v, const char *table, const char *key)
{
    json_t *e = json_object_get(json_object_get(v->st, table), key);
    return json_object_get(e, "row");
}

void ln__sq_vset(vx *v, const char *table, const char *key, json_t *row)
{
    json_t *t = json_object_get(v->st, table);
    if (!t) {
        t = json_object();
        json_object_set_new(v->st, table, t);
    }
    if (!row) {
        json_object_del(t, key);
        return;
    }
    json_t *e = json_object();
    json_object_set(e, "row", row);
    json_object_set_new(e, "leaf", json_integer((json_int_t)v->leaf));
    json_object_set_new(t, key, e);
}

static int load_checkpoints(vx *v)
{
    sqlite3_stmt *q = ln__sq_stmt(v->c, SQ_AUD_CK_ALL);
    if (!q)
        return LN_ESTORE;
    int r;
    while ((r = sqlite3_step(q)) == SQLITE_ROW) {
        if (v->nck == v->capck) {
            size_t nc = v->capck ? 2 * v->capck : 64;
            vck *g = ln_realloc(v->ck, nc * sizeof *g);
            if (!g) {
                sqlite3_reset(q);
                return ln__store_err(LN_ENOMEM, "store: out of memory");
            }
            v->ck = g;
            v->capck = nc;
        }
        vck *k = &v->ck[v->nck++];
        memset(k, 0, sizeof *k);
        k->size = (uint64_t)sqlite3_column_int64(q, 0);
        if (sqlite3_column_bytes(q, 1) == 32)
            memcpy(k->root, sqlite3_column_blob(q, 1), 32);
        else
            k->bad_root = 1;
        ln__sq_text(q, 2, k->text, sizeof k->text);
        ln__sq_text(q, 3, k->sig, sizeof k->sig);
    }
    sqlite3_reset(q);
    return r == SQLITE_DONE ? LN_OK : ln__sq_fail(v->c, r, "checkpoints");
}

/* Checkpoint k against the root of the leaves so far. */
static int check_checkpoint(vx *v, const vck *k, const unsigned char r[32],
                            const unsigned char *pub)
{
    unsigned long long n = (unsigned long long)k->size;
    if (k->bad_root || memcmp(k->root, r, 32))
        return ln__sq_vfail(v, "checkpoint of size %llu: its root is not "
                            "the root of the first %llu leaves", n, n);
    ln_trust_checkpoint cp;
    ln_diag d;
    memset(&d, 0, sizeof d);
    if (ln_trust_checkpoint_parse(k->text, strlen(k->text), &cp, &d) ||
        cp.size != k->size || memcmp(cp.root, r, 32))
        return ln__sq_vfail(v, "checkpoint of size %llu: its note text "
                            "does not name size %llu and its root%s%s", n, n,
                            d.msg[0] ? ": " : "", d.msg);
    if (!pub)
        return LN_OK;
    char note[1024];
    int w = snprintf(note, sizeof note, "%s\n%s", k->text, k->sig);
    ln_trust_note nt;
    ln_trust_sigline sl;
    if (w < 0 || (size_t)w >= sizeof note ||
        ln_trust_note_parse(note, (size_t)w, &nt, &d))
        return ln__sq_vfail(v, "checkpoint of size %llu: not a signed note"
                            "%s%s", n, d.msg[0] ? ": " : "", d.msg);
    ln_trust_key key;
    memset(&key, 0, sizeof key);
    size_t ok = 0;
    int rc = ln_trust_sigline_parse(k->sig, strcspn(k->sig, "\n"), &sl, &d);
    if (!rc) {
        snprintf(key.name, sizeof key.name, "%s", sl.name);
        memcpy(key.pub, pub, 32);
        rc = ln_trust_note_verify(&nt, &key, 1, &ok, NULL, &d);
    }
    ln_trust_note_clear(&nt);
    if (rc || !ok)
        return ln__sq_vfail(v, "checkpoint of size %llu: its signature does "
                            "not verify under the log's key", n);
    return LN_OK;
}

/* One leaf: index, hash, entry shape, then its record replayed. */
static int one_leaf(vx *v, sqlite3_stmt *q)
{
    unsigned long long i = (unsigned long long)v->leaf;
    if ((uint64_t)sqlite3_column_int64(q, 0) != v->leaf)
        return ln__sq_vfail(v, "audit: leaf %llu is missing (the next row "
                            "has index %lld)", i,
                            (long long)sqlite3_column_int64(q, 0));
    const void *e = sqlite3_column_blob(q, 1);
    size_t n = (size_t)sqlite3_column_bytes(q, 1);
    unsigned char h[32];
    ln_trust_leaf_hash(e ? e : "", n, h);
    if (sqlite3_column_bytes(q, 2) != 32 ||
        memcmp(sqlite3_column_blob(q, 2), h, 32))
        return ln__sq_vfail(v, "audit: leaf %llu: the stored leaf hash is "
                            "not the hash of its entry (entry or hash "
                            "edited)", i);
    json_t *j = json_loadb(e ? e : "", n, JSON_REJECT_DUPLICATES, NULL);
    json_t *rec = json_object_get(j, "record");
    const char *type = json_string_value(json_object_get(j, "type"));
    json_t *seq = json_object_get(j, "seq");
    int rc = LN_OK;
    if (!json_is_object(rec) || !type || !json_is_integer(seq) ||
        (uint64_t)json_integer_value(seq) != v->leaf ||
        json_integer_value(json_object_get(j, "v")) != 1)
        rc = ln__sq_vfail(v, "audit: leaf %llu: not an entry of this log "
                          "(type, seq, v or record)", i);
    if (!rc)
        rc = ln__sq_replay_leaf(v, type, rec);
    json_decref(j);
    if (rc)
        return rc;
    sq_front_append(&v->front, h);
    v->leaf++;
    while (!rc && v->nextck < v->nck && v->ck[v->nextck].size == v->leaf) {
        unsigned char r[32];
        sq_front_root(&v->front, r);
        rc = check_checkpoint(v, &v->ck[v->nextck++], r, v->pub);
    }
    return rc;
}

static int leaves(vx *v)
{
    if (v->nck && v->ck[0].size == 0)
        return ln__sq_vfail(v, "a checkpoint of size 0");
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(v->c->db, "SELECT idx,entry,leaf FROM audit "
                           "ORDER BY idx", -1, &q, NULL) != SQLITE_OK)
        return ln__sq_fail(v->c, sqlite3_errcode(v->c->db), "audit");
    int r, rc = LN_OK;
    while (!rc && (r = sqlite3_step(q)) == SQLITE_ROW)
        rc = one_leaf(v, q);
    if (!rc && r != SQLITE_DONE)
        rc = ln__sq_fail(v->c, r, "read the audit log");
    sqlite3_finalize(q);
    if (!rc && v->nextck < v->nck)
        rc = ln__sq_vfail(v, "checkpoint of size %llu: the log has only "
                          "%llu leaves (leaves deleted?)",
                          (unsigned long long)v->ck[v->nextck].size,
                          (unsigned long long)v->leaf);
    return rc;
}

/* The head in memory against the table's. */
static int head_matches(vx *v)
{
    unsigned char mine[32], file[32];
    uint64_t n;
    ln__sq_audit_head(v->s, &n, mine);
    sq_front_root(&v->front, file);
    if (n != v->leaf || memcmp(mine, file, 32))
        return ln__sq_vfail(v, "audit: the table holds %llu leaves, the log "
                            "this store opened %llu (a different root): "
                            "the file changed under it",
                            (unsigned long long)v->leaf,
                            (unsigned long long)n);
    return LN_OK;
}

int ln__sq_audit_verify(void *impl, const unsigned char pub[32],
                        uint64_t *size, ln_diag *diag)
{
    sq *s = impl;
    vx v;
    memset(&v, 0, sizeof v);
    v.s = s;
    v.diag = diag;
    v.pub = pub;
    ln_diag_clear(diag);
    if (size)
        *size = 0;
    if (!(v.st = json_object()))
        return ln__store_err(LN_ENOMEM, "store: out of memory");
    if (!(v.c = ln__sq_reader(s))) {
        json_decref(v.st);
        return LN_ESTORE;
    }
    /* writers wait: the head in memory and the snapshot agree */
    pthread_mutex_lock(&s->wmu);
    (void)ln__sq_audit_sync(s); /* a failure: head_matches says what */
    int rc = LN_OK;
    if (sqlite3_exec(v.c->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        rc = ln__sq_fail(v.c, sqlite3_errcode(v.c->db), "begin");
    if (!rc)
        rc = load_checkpoints(&v);
    if (!rc)
        rc = leaves(&v);
    if (!rc)
        rc = head_matches(&v);
    if (!rc)
        rc = ln__sq_verify_tables(&v);
    sqlite3_exec(v.c->db, "COMMIT", NULL, NULL, NULL);
    pthread_mutex_unlock(&s->wmu);
    ln__sq_put_reader(s, v.c);
    if (rc && rc != LN_ETRUST && !diag->msg[0])
        ln_diag_set(diag, rc, s->path, 0, 0, NULL, "%s",
                    ln_store_errmsg(NULL));
    if (!rc && size)
        *size = v.leaf;
    json_decref(v.st);
    ln_free(v.ck);
    return rc;
}
