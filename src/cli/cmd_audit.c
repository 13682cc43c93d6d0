/*
 * cmd_audit.c - "leonet audit": the audit log offline, as a log bundle
 * file ("leonet-log v1": leaves and signed checkpoints, bundle.c).
 *
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
 * or input.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/trust_cli.h"

static const ln_opt_spec specs[] = {
    {"key", 1}, {"data", 1}, {"origin", 1}, {NULL, 0},
};

static void usage(FILE *f)
{
    fprintf(f,
        "usage: leonet audit verify DIR|FILE [--key LOG.pub[,KEY2.pub...]]\n"
        "       leonet audit append FILE --data TEXT\n"
        "       leonet audit checkpoint FILE --key LOG.key --origin ORIGIN\n\n"
        "verify: recomputes every checkpoint of a log bundle (leonet-log v1"
        ":\nlines 'leaf BASE64' and 'checkpoint BASE64'; DIR means DIR/log)"
        " from\nits leaves, checks signatures with --key, growth under one "
        "origin and\nconsistency proofs between checkpoints. The daemon's "
        "URL/database\nform comes later. append / checkpoint: build a "
        "bundle.\n"
        "Exit status: 0 verified, 1 a check failed, 2 bad usage or input."
        "\n");
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
