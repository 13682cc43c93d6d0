/*
 * cmd_audit.c - "leonet audit": the audit log of a daemon (over HTTP), of
 * a leonet database, or of a log bundle file ("leonet-log v1": leaves and
 * signed checkpoints, bundle.c).
 *
 *   leonet audit verify URL --key LOG.pub [--token T] [--state DIR]
 *       fetches the latest checkpoint and every entry (1000 a request),
 *       re-hashes each leaf and the root (RFC 9162), checks the log's
 *       signature under LOG.pub; with a checkpoint seen before in
 *       DIR/checkpoint, the daemon's consistency proof from it (a fork or
 *       a rollback is refused) and the old root recomputed from the
 *       entries; then keeps the new checkpoint in DIR/checkpoint.
 *   leonet audit verify DB [--key LOG.pub]
 *       a leonet database (an SQLite file): ln_store_audit_verify, the
 *       daemon's start check (leaves, checkpoints, signatures, tables).
 *   leonet audit verify DIR|FILE [--key LOG.pub[,...]]
 *       recomputes every checkpoint's root from the leaves before it,
 *       checks each checkpoint's signature (with --key), that sizes only
 *       grow under one origin, and a consistency proof between each two
 *       successive checkpoints (generated and verified, RFC 9162). DIR
 *       means DIR/log. The daemon's URL and database forms come with the
 *       store's log (next session).
 *   leonet audit append FILE --data TEXT      adds a leaf (creates FILE)
 *   leonet audit checkpoint FILE --key LOG.key --origin ORIGIN
 *       signs the head of all the leaves so far and adds it
 * Exit status: 0 all verified, 1 a check failed (line named), 2 bad usage
 * or input, 3 I/O or network (URL, DB).
 * URL, DB or bundle: "http://" or "https://" starts a URL; a file that
 * starts with SQLite's header is a database; anything else a bundle.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "cli/audit_http.h"
#include "cli/cli.h"
#include "cli/trust_cli.h"
#include "leonet/store.h"

static const ln_opt_spec specs[] = {
    {"key", 1}, {"data", 1}, {"origin", 1}, {"token", 1}, {"state", 1},
    {NULL, 0},
};

static void usage(FILE *f)
{
    fprintf(f,
        "usage: leonet audit verify URL --key LOG.pub [--token T] "
        "[--state DIR]\n"
        "       leonet audit verify DB [--key LOG.pub]\n"
        "       leonet audit verify DIR|FILE [--key LOG.pub[,KEY2.pub...]]\n"
        "       leonet audit append FILE --data TEXT\n"
        "       leonet audit checkpoint FILE --key LOG.key --origin ORIGIN\n\n"
        "verify URL: a leonetd's log (http:// or https://): every entry "
        "re-hashed\ninto the signed checkpoint's root, the signature under "
        "LOG.pub, and with\n--state DIR a consistency proof from the "
        "checkpoint seen there before\n(a fork or rollback is refused); "
        "the new one is kept in DIR/checkpoint.\n"
        "verify DB: a leonet database: leaves, checkpoints, signatures and "
        "the\naudited tables (the daemon's start check).\n"
        "verify FILE: recomputes every checkpoint of a log bundle "
        "(leonet-log v1:\nlines 'leaf BASE64' and 'checkpoint BASE64'; DIR "
        "means DIR/log) from\nits leaves, checks signatures with --key, "
        "growth under one origin and\nconsistency proofs between "
        "checkpoints. append / checkpoint: build a\nbundle.\n"
        "Exit status: 0 verified, 1 a check failed, 2 bad usage or input, "
        "3 I/O or\nnetwork.\n");
}

/* A bundle and its Merkle log (leaf hashes in memory). */
typedef struct opened {
    ln_trust_bundle b;
    ln_trust_log *lg;
} opened;

static int open_bundle(const char *verb, const char *path, opened *o)
{
    char *buf, full[4096];
    size_t n;
    struct stat st;
    ln_diag d;
    ln_diag_clear(&d);
    memset(o, 0, sizeof *o);
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(full, sizeof full, "%s/log", path);
        path = full;
    }
    if (ln_cli_trust_read(verb, path, (size_t)1 << 32, &buf, &n))
        return 2;
    int rc = ln_trust_bundle_parse(buf, n, &o->b, &d);
    ln_free(buf);
    if (rc)
        return ln_cli_trust_diag(verb, path, &d);
    if (ln_trust_log_new(0, NULL, NULL, &o->lg))
        return 2;
    for (size_t i = 0; i < o->b.nleaf; i++)
        if (ln_trust_log_append(o->lg, o->b.leaf[i]))
            return 2;
    return 0;
}

static void close_bundle(opened *o)
{
    ln_trust_log_free(o->lg);
    ln_trust_bundle_clear(&o->b);
}

/* Checks checkpoint i against the leaves before its line; 0 or 1 (said). */
static int check_one(opened *o, size_t i, const ln_trust_key *keys,
                     size_t nkeys, ln_trust_checkpoint *cp)
{
    ln_trust_note nt;
    ln_diag d;
    ln_diag_clear(&d);
    long ln = o->b.line[i];
    if (ln_trust_note_parse(o->b.note[i], o->b.nnote[i], &nt, &d)) {
        printf("line %ld: checkpoint: %s\n", ln, d.msg);
        return 1;
    }
    int bad = ln_trust_checkpoint_parse(nt.text, nt.ntext, cp, &d) != 0;
    if (bad)
        printf("line %ld: %s\n", ln, d.msg);
    size_t nok = 0;
    if (!bad && nkeys &&
        ln_trust_note_verify(&nt, keys, nkeys, &nok, NULL, &d)) {
        printf("line %ld: %s\n", ln, d.msg);
        bad = 1;
    }
    ln_trust_note_clear(&nt);
    if (bad)
        return 1;
    unsigned char root[32];
    if (cp->size > o->b.after[i]) {
        printf("line %ld: checkpoint of %" PRIu64 " leaves after only %zu "
               "leaves\n", ln, cp->size, o->b.after[i]);
        return 1;
    }
    ln_trust_log_root(o->lg, cp->size, root);
    if (memcmp(root, cp->root, 32) != 0) {
        printf("line %ld: the root of the first %" PRIu64 " leaves differs "
               "from the checkpoint's: the log was altered\n", ln, cp->size);
        return 1;
    }
    return 0;
}

static int verify(const char *path, const char *keyfiles)
{
    ln_trust_key keys[16];
    size_t nkeys = 0;
    if (keyfiles &&
        ln_cli_trust_keys("audit verify", keyfiles, keys, 16, &nkeys))
        return 2;
    opened o;
    int rc = open_bundle("audit verify", path, &o);
    if (rc) {
        close_bundle(&o);
        return rc;
    }
    ln_trust_checkpoint prev = {0}, cp;
    int fails = 0;
    for (size_t i = 0; i < o.b.nnote_; i++) {
        if (check_one(&o, i, keys, nkeys, &cp)) {
            fails++;
            continue;
        }
        if (i && strcmp(cp.origin, prev.origin) != 0) {
            printf("line %ld: origin '%s' after '%s'\n", o.b.line[i],
                   cp.origin, prev.origin);
            fails++;
            continue;
        }
        if (i && cp.size < prev.size) {
            printf("line %ld: the log shrank from %" PRIu64 " to %" PRIu64
                   " leaves\n", o.b.line[i], prev.size, cp.size);
            fails++;
            continue;
        }
        unsigned char p[LN_TRUST_MAX_PATH][32];
        size_t np;
        if (i && (ln_trust_log_consistency(o.lg, prev.size, cp.size, p,
                                           &np) ||
                  ln_trust_verify_consistency(prev.size, cp.size, prev.root,
                                              cp.root,
                                              (const unsigned char(*)[32])p,
                                              np))) {
            printf("line %ld: no consistency proof from %" PRIu64 " to %"
                   PRIu64 "\n", o.b.line[i], prev.size, cp.size);
            fails++;
            continue;
        }
        prev = cp;
    }
    unsigned char root[32];
    char r64[64];
    ln_trust_log_root(o.lg, o.b.nleaf, root);
    ln_trust_b64_encode(root, 32, r64, sizeof r64);
    printf("audit: %zu leaves (root %s), %zu checkpoint(s)%s, %d "
           "failed\n", o.b.nleaf, r64, o.b.nnote_,
           nkeys ? " signature-checked" : " (signatures not checked: no "
                                          "--key)", fails);
    close_bundle(&o);
    return fails ? 1 : 0;
}

/* ---- a leonet database (ln_store_audit_verify) ------------------------ */

static int is_sqlite(const char *path)
{
    char h[16] = {0};
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    size_t n = fread(h, 1, sizeof h, f);
    fclose(f);
    return n == 16 && !memcmp(h, "SQLite format 3", 16);
}

static int verify_db(const char *path, const char *keyfile)
{
    ln_trust_key lk;
    if (keyfile && ln_cli_trust_key("audit verify", keyfile, 0, &lk))
        return 2;
    ln_store *st = NULL;
    ln_diag d;
    char m[1400];
    ln_diag_clear(&d);
    if (ln_store_open(path, &st, &d)) {
        fprintf(stderr, "leonet audit verify: %s\n",
                ln_diag_format(&d, m, sizeof m));
        return 3;
    }
    uint64_t size = 0;
    ln_diag_clear(&d);
    int rc = ln_store_audit_verify(st, keyfile ? lk.pub : NULL, &size, &d);
    if (rc == LN_ETRUST)
        printf("audit: %s: the audit log does not match the database: %s\n",
               path, d.msg[0] ? ln_diag_format(&d, m, sizeof m)
                              : ln_store_errmsg(st));
    else if (rc)
        fprintf(stderr, "leonet audit verify: %s: %s: %s\n", path,
                ln_strerror(rc), d.msg[0] ? d.msg : ln_store_errmsg(st));
    else
        printf("audit: %s: %" PRIu64 " leaves: every leaf, checkpoint root"
               "%s and audited table matches\n", path, size,
               keyfile ? ", signature" : " (signatures not checked: no "
                                         "--key)");
    ln_store_close(st);
    return rc == LN_ETRUST ? 1 : rc ? 3 : 0;
}

/* ---- a daemon's log over HTTP ------------------------------------------ */

/* The tree of the entries walked so far, as its compact range: the root
 * of each full subtree that a set bit of the size stands for, so that a
 * log of any size takes 64 hashes (RFC 9162 2.1.1's MTH, folded from the
 * smallest subtree up). The root of the first `at` leaves is noted when
 * the walk passes it (the state's checkpoint). */
typedef struct walk {
    unsigned char h[64][32];
    uint64_t size;
    uint64_t at;               /* size whose root to note, 0 none */
    unsigned char at_root[32];
} walk;

static void walk_root(const walk *w, unsigned char out[32])
{
    int have = 0;
    if (!w->size) { /* the empty tree: SHA-256 of nothing */
        ln_trust_log *e = NULL;
        if (!ln_trust_log_new(0, NULL, NULL, &e))
            ln_trust_log_root(e, 0, out);
        ln_trust_log_free(e);
        return;
    }
    for (unsigned k = 0; k < 64; k++) {
        if (!(w->size >> k & 1))
            continue;
        if (!have)
            memcpy(out, w->h[k], 32);
        else
            ln_trust_node_hash(w->h[k], out, out);
        have = 1;
    }
}

static void walk_add(walk *w, const unsigned char leaf[32])
{
    unsigned char c[32];
    unsigned k = 0;
    memcpy(c, leaf, 32);
    while (w->size >> k & 1) {
        ln_trust_node_hash(w->h[k], c, c);
        k++;
    }
    memcpy(w->h[k], c, 32);
    w->size++;
    if (w->size == w->at)
        walk_root(w, w->at_root);
}

/* Walks one page of entries [start, end): 0, or 1/3. */
static int add_page(ln_ah *a, walk *w, uint64_t start, uint64_t end)
{
    char q[128], *body;
    size_t n;
    snprintf(q, sizeof q, "/v1/audit/entries?start=%" PRIu64 "&end=%" PRIu64,
             start, end);
    int rc = ln_ah_get(a, q, &body, &n);
    if (rc)
        return rc;
    json_t *o = json_loadb(body, n, 0, NULL);
    ln_free(body);
    json_t *c = json_object_get(o, "content");
    json_t *e = json_object_get(c, "entries");
    rc = json_is_array(e) && json_array_size(e) == end - start &&
                 json_integer_value(json_object_get(c, "start")) ==
                     (json_int_t)start
             ? 0
             : 1;
    for (size_t i = 0; !rc && i < json_array_size(e); i++) {
        const char *s = json_string_value(json_array_get(e, i));
        size_t len = s ? strlen(s) : 0, got = 0;
        unsigned char *raw = ln_malloc(len / 4 * 3 + 3);
        unsigned char h[32];
        if (!s || !raw || ln_trust_b64_decode(s, len, raw, len / 4 * 3 + 3,
                                              &got))
            rc = raw ? 1 : 3;
        else {
            ln_trust_leaf_hash(raw, got, h);
            walk_add(w, h);
        }
        ln_free(raw);
    }
    json_decref(o);
    if (rc == 1)
        printf("audit: %s: not the %" PRIu64 " base64 entries asked for\n",
               q, end - start);
    return rc;
}

static int url_check(ln_ah *a, const char *url, const char *dir,
                     const ln_trust_checkpoint *cp)
{
    ln_trust_checkpoint old;
    int have = 0, rc = 0;
    walk *w = ln_calloc(1, sizeof *w);
    if (!w)
        return 3;
    if (dir && !(rc = ln_ah_state_load("audit verify", dir, &old, &have)) &&
        have)
        rc = ln_ah_extends(a, &old, cp); /* origin, fork, rollback, proof */
    w->at = have ? old.size : 0;
    for (uint64_t s = 0; !rc && s < cp->size; s += 1000)
        rc = add_page(a, w, s, cp->size - s > 1000 ? s + 1000 : cp->size);
    unsigned char root[32];
    walk_root(w, root);
    if (!rc && memcmp(root, cp->root, 32)) {
        printf("audit: %s: the %" PRIu64 " entries re-hashed do not give "
               "the checkpoint's root: the log was altered\n", url,
               cp->size);
        rc = 1;
    }
    /* and the root seen before, from the entries themselves */
    if (!rc && have && old.size && memcmp(w->at_root, old.root, 32)) {
        fprintf(stderr, "leonet audit verify: refused: fork: the first %"
                PRIu64 " entries do not give the root seen before\n",
                old.size);
        rc = 1;
    }
    if (!rc) {
        char r64[64];
        ln_trust_b64_encode(cp->root, 32, r64, sizeof r64);
        printf("audit: %s: %" PRIu64 " leaves, root %s: every entry "
               "re-hashed gives the checkpoint signed by %s", url, cp->size,
               r64, cp->origin);
        if (have)
            printf("; consistent with the %" PRIu64 " leaves seen before "
                   "(%s)", old.size, dir);
        printf("\n");
    }
    ln_free(w);
    return rc;
}

static int verify_url(const char *url, const char *token,
                      const char *keyfile, const char *dir)
{
    if (!keyfile) {
        fprintf(stderr, "leonet audit verify: --key LOG.pub is required for "
                "a URL (the log's public key, got from the operator, not "
                "from the daemon)\n");
        return 2;
    }
    ln_trust_key lk;
    if (ln_cli_trust_key("audit verify", keyfile, 0, &lk))
        return 2;
    lk.has_secret = 0;
    ln_ah *a = NULL;
    int rc = ln_ah_open(&a, "audit verify", url, token);
    char *note = NULL;
    size_t n = 0;
    ln_trust_note nt = {0};
    ln_trust_checkpoint cp;
    if (!rc)
        rc = ln_ah_checkpoint(a, &lk, &note, &n, &nt, &cp);
    if (!rc)
        rc = url_check(a, url, dir, &cp);
    if (!rc && dir)
        rc = ln_ah_state_save("audit verify", dir, nt.text, nt.ntext);
    ln_trust_note_clear(&nt);
    ln_free(note);
    ln_ah_close(a);
    return rc;
}

static int append_line(const char *path, const char *kind,
                       const unsigned char *data, size_t n)
{
    struct stat st;
    int fresh = stat(path, &st) != 0;
    FILE *f = fopen(path, "a");
    if (!f) {
        perror(path);
        return 2;
    }
    char *b64 = malloc(n * 4 / 3 + 8);
    if (!b64) {
        fclose(f);
        return 2;
    }
    if (fresh)
        fputs("leonet-log v1\n", f);
    if (n == 0)
        strcpy(b64, "-");
    else
        ln_trust_b64_encode(data, n, b64, n * 4 / 3 + 8);
    fprintf(f, "%s %s\n", kind, b64);
    free(b64);
    return fclose(f) ? 2 : 0;
}

static int checkpoint(const char *path, const char *keyfile,
                      const char *origin)
{
    ln_trust_key k;
    if (ln_cli_trust_key("audit checkpoint", keyfile, 1, &k))
        return 2;
    opened o;
    int rc = open_bundle("audit checkpoint", path, &o);
    if (rc) {
        close_bundle(&o);
        return rc;
    }
    ln_trust_checkpoint cp = {{0}, o.b.nleaf, {0}, 0};
    char text[512], line[256], note[1024];
    snprintf(cp.origin, sizeof cp.origin, "%s", origin);
    ln_trust_log_root(o.lg, cp.size, cp.root);
    close_bundle(&o);
    if (ln_trust_checkpoint_format(&cp, text, sizeof text) ||
        ln_trust_note_sign(&k, text, strlen(text), line, sizeof line)) {
        fprintf(stderr, "leonet audit checkpoint: bad origin '%s'\n",
                origin);
        return 2;
    }
    snprintf(note, sizeof note, "%s\n%s", text, line);
    fputs(note, stdout);
    return append_line(path, "checkpoint", (const unsigned char *)note,
                       strlen(note));
}

int ln_cmd_audit(int argc, char **argv)
{
    const char *sub = argc >= 2 ? argv[1] : "";
    if (strcmp(sub, "verify") && strcmp(sub, "append") &&
        strcmp(sub, "checkpoint")) {
        if (!strcmp(sub, "-h") || !strcmp(sub, "--help")) {
            usage(stdout);
            return 0;
        }
        fprintf(stderr, "leonet audit: expected verify, append or "
                "checkpoint (see leonet audit --help)\n");
        return 2;
    }
    ln_args a;
    int rc = ln_args_parse(argc - 1, argv + 1, specs, &a, "audit", usage);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (a.npos != 1) {
        fprintf(stderr, "leonet audit %s: one log FILE expected\n", sub);
        return 2;
    }
    const char *key = ln_args_get(&a, specs, "key"),
               *data = ln_args_get(&a, specs, "data"),
               *origin = ln_args_get(&a, specs, "origin");
    const char *tok = ln_args_get(&a, specs, "token"),
               *state = ln_args_get(&a, specs, "state");
    if (!strcmp(sub, "verify") && ln_ah_is_url(a.pos[0]))
        return verify_url(a.pos[0], tok, key, state);
    if ((tok || state) && strcmp(sub, "verify") == 0) {
        fprintf(stderr, "leonet audit verify: --token and --state are for a "
                "URL\n");
        return 2;
    }
    if (!strcmp(sub, "verify") && is_sqlite(a.pos[0]))
        return verify_db(a.pos[0], key);
    if (!strcmp(sub, "verify"))
        return verify(a.pos[0], key);
    if (!strcmp(sub, "append")) {
        if (!data) {
            fprintf(stderr, "leonet audit append: --data TEXT required\n");
            return 2;
        }
        return append_line(a.pos[0], "leaf", (const unsigned char *)data,
                           strlen(data));
    }
    if (!key || !origin) {
        fprintf(stderr, "leonet audit checkpoint: --key and --origin "
                "required\n");
        return 2;
    }
    return checkpoint(a.pos[0], key, origin);
}
