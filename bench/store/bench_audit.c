/*
 * bench_audit.c - the store's audit log at size: appends per second with
 * a signed checkpoint per transaction (each durable: WAL,
 * synchronous=FULL), and inclusion and consistency proofs per second
 * from the store, on a log of N leaves.
 *
 *   bench_audit DIR [N [APPENDS [PROOFS]]]   (defaults 10000000 2000 20000)
 *   bench_audit --verify DB                  (times ln_store_audit_verify
 *                                             on an existing store, e.g.
 *                                             one `leonetd seed` made)
 *
 * Steps, each timed:
 *   fill     N leaves ("attempt" entries, canonical JSON) written into a
 *            fresh store's audit table with plain SQLite, one transaction
 *            (building a 10-million-leaf log one fsync at a time would
 *            take hours; the rows are those ln_store_audit_append writes)
 *   open     ln_store_open: the tree rebuilt from the stored leaf hashes
 *   append   APPENDS ln_store_audit_append calls, one thread, log key set:
 *            leaf + signed checkpoint + commit (fsync) each
 *   incl     PROOFS inclusion proofs of random leaves at the head
 *   cons     PROOFS consistency proofs from a random size to the head
 *   verify   the same proofs checked (ln_trust_verify_*)
 * Prints "name n ns/op ops/s". Built by bench/store/audit.sh.
 */
#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "leonet/store.h"
#include "leonet/trust.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(uint64_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng % n;
}

static void line(const char *name, uint64_t n, double s)
{
    printf("%-8s %10llu %12.0f ns/op %12.0f /s\n", name,
           (unsigned long long)n, s / (double)n * 1e9, (double)n / s);
    fflush(stdout);
}

static void die(const char *what, const char *msg)
{
    fprintf(stderr, "bench_audit: %s: %s\n", what, msg);
    exit(1);
}

/* N leaves into the audit table of the (closed) store at path. */
static void fill(const char *path, uint64_t n)
{
    sqlite3 *db;
    sqlite3_stmt *q;
    if (sqlite3_open(path, &db) != SQLITE_OK ||
        sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "INSERT INTO audit(idx,entry,leaf) "
                           "VALUES(?1,?2,?3)", -1, &q, NULL) != SQLITE_OK)
        die("fill", sqlite3_errmsg(db));
    for (uint64_t i = 0; i < n; i++) {
        json_t *e = json_pack("{sss{sI}sIsIsssi}", "by", "bench", "record",
                              "i", (json_int_t)i, "seq", (json_int_t)i, "t",
                              (json_int_t)1700000000000 + (json_int_t)i,
                              "type", "attempt", "v", 1);
        char *txt = json_dumps(e, JSON_COMPACT | JSON_SORT_KEYS);
        unsigned char h[32];
        ln_trust_leaf_hash(txt, strlen(txt), h);
        sqlite3_bind_int64(q, 1, (sqlite3_int64)i);
        sqlite3_bind_blob(q, 2, txt, (int)strlen(txt), SQLITE_STATIC);
        sqlite3_bind_blob(q, 3, h, 32, SQLITE_STATIC);
        if (sqlite3_step(q) != SQLITE_DONE)
            die("fill", sqlite3_errmsg(db));
        sqlite3_reset(q);
        free(txt);
        json_decref(e);
    }
    sqlite3_finalize(q);
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        die("fill", sqlite3_errmsg(db));
    sqlite3_close(db);
}

static int leaf_of(void *user, uint64_t i, const unsigned char *e, size_t n)
{
    (void)i;
    ln_trust_leaf_hash(e, n, user);
    return 0;
}

static void proofs(ln_store *st, uint64_t np)
{
    uint64_t n;
    unsigned char root[32], (*p)[32] = malloc(LN_TRUST_MAX_PATH * 32);
    if (ln_store_audit_head(st, &n, root))
        die("head", ln_store_errmsg(st));
    uint64_t *idx = malloc(np * sizeof *idx);
    unsigned char (*leaf)[32] = malloc(np * 32);
    for (uint64_t i = 0; i < np; i++) {
        idx[i] = rnd(n);
        ln_store_audit_entries(st, idx[i], idx[i] + 1, leaf_of, leaf[i]);
    }
    size_t len;
    double t0 = now_s(), tv = 0;
    for (uint64_t i = 0; i < np; i++)
        if (ln_store_audit_inclusion(st, idx[i], n, p, &len))
            die("inclusion", ln_store_errmsg(st));
    line("incl", np, now_s() - t0);
    for (uint64_t i = 0; i < np; i++) {
        ln_store_audit_inclusion(st, idx[i], n, p, &len);
        double t1 = now_s();
        if (ln_trust_verify_inclusion(idx[i], n, leaf[i],
                                      (const unsigned char (*)[32])p, len,
                                      root))
            die("verify", "an inclusion proof does not verify");
        tv += now_s() - t1;
    }
    line("vincl", np, tv);
    t0 = now_s();
    for (uint64_t i = 0; i < np; i++)
        if (ln_store_audit_consistency(st, 1 + idx[i] % (n - 1), n, p, &len))
            die("consistency", ln_store_errmsg(st));
    line("cons", np, now_s() - t0);
    free(idx);
    free(leaf);
    free(p);
}

/* The start check on an existing store: its time and what it found. */
static int verify_only(const char *db)
{
    ln_store *st;
    ln_diag d;
    double t0 = now_s();
    if (ln_store_open(db, &st, &d))
        die("open", d.msg);
    double t1 = now_s();
    uint64_t n = 0;
    int rc = ln_store_audit_verify(st, NULL, &n, &d);
    double t2 = now_s();
    printf("open %.3f s; verify %llu leaves: %s in %.3f s\n", t1 - t0,
           (unsigned long long)n, rc ? d.msg : "ok", t2 - t1);
    ln_store_close(st);
    return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        die("usage", "bench_audit DIR [N [APPENDS [PROOFS]]] | --verify DB");
    if (!strcmp(argv[1], "--verify") && argc > 2)
        return verify_only(argv[2]);
    uint64_t n = argc > 2 ? strtoull(argv[2], NULL, 10) : 10000000;
    uint64_t na = argc > 3 ? strtoull(argv[3], NULL, 10) : 2000;
    uint64_t np = argc > 4 ? strtoull(argv[4], NULL, 10) : 20000;
    char path[4096];
    snprintf(path, sizeof path, "%s/audit.db", argv[1]);
    ln_store *st;
    ln_diag d;
    if (ln_store_open(path, &st, &d))
        die("open", d.msg);
    ln_store_close(st);
    double t0 = now_s();
    fill(path, n);
    line("fill", n, now_s() - t0);
    t0 = now_s();
    if (ln_store_open(path, &st, &d))
        die("open", d.msg);
    printf("open     %10llu leaves in %.2f s\n", (unsigned long long)n,
           now_s() - t0);
    ln_trust_key k;
    if (ln_trust_key_generate("bench-log", &k) ||
        ln_store_set_log_key(st, &k, "bench.example/log"))
        die("key", "cannot set the log key");
    ln_store_set_actor(st, "bench");
    t0 = now_s();
    for (uint64_t i = 0; i < na; i++) {
        char rec[64];
        snprintf(rec, sizeof rec, "{\"append\":%llu}", (unsigned long long)i);
        if (ln_store_audit_append(st, rec, strlen(rec), NULL))
            die("append", ln_store_errmsg(st));
    }
    line("append", na, now_s() - t0);
    proofs(st, np);
    t0 = now_s();
    uint64_t nv = 0;
    if (ln_store_audit_verify(st, k.pub, &nv, &d))
        die("verify", d.msg);
    line("verify", nv, now_s() - t0);
    ln_store_close(st);
    return 0;
}
