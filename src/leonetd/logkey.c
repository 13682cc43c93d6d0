/*
 * logkey.c - the audit log's key for leonetd's verbs (ld_logkey.h) and
 * serve's start check.
 *
 * Files. The key is one line of text (docs/trust.md, "Keys"):
 * "PRIVATE+KEY+NAME+ID+base64(0x01 || seed)". By default DB.logkey beside
 * the database, made by the first verb that writes (open(O_CREAT|O_EXCL,
 * 0600): two verbs racing make one key, the loser reads it), with
 * DB.logkey.pub ("NAME+ID+base64(0x01 || pub)") for the parties and
 * witnesses. The key's name is the checkpoint origin (C2SP
 * tlog-checkpoint: "the origin SHOULD be the key name"). A database whose
 * log is signed already never gets a new default key (exit 2: its key is
 * elsewhere, say so with --log-key).
 *
 * The start check. ln_store_audit_verify recomputes every leaf hash, every
 * checkpoint's root and signature, and compares the audited tables with
 * what the log's records say (store.h); any difference ends the start
 * with exit 1 and nothing served. Leaves that no checkpoint signs yet
 * (written before the database had a key) are then signed: one leaf
 * "attempt" {"what":"log-key",...} with its signed checkpoint, through
 * ln_store_audit_append, the one write the store offers that adds a
 * checkpoint without changing any table.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "leonetd/ld_logkey.h"

static int write_new(const char *path, const char *text, int mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode);
    if (fd < 0)
        return errno == EEXIST ? 1 : -1;
    size_t n = strlen(text);
    int ok = write(fd, text, n) == (ssize_t)n && write(fd, "\n", 1) == 1;
    ok &= fsync(fd) == 0;
    ok &= close(fd) == 0;
    if (!ok) {
        unlink(path);
        return -1;
    }
    return 0;
}

/* Reads a private key text from path: 0, 1 when absent, 2 (printed). */
static int read_key(const char *verb, const char *path, ln_trust_key *k)
{
    char *b = NULL, m[1400];
    size_t n = 0;
    ln_diag d;
    ln_diag_clear(&d);
    struct stat sb;
    if (stat(path, &sb) != 0 && errno == ENOENT)
        return 1;
    if (ln_read_file(path, 4096, &b, &n, &d)) {
        fprintf(stderr, "leonetd %s: the log key: %s\n", verb,
                ln_diag_format(&d, m, sizeof m));
        return 2;
    }
    int rc = ln_trust_key_parse(b, n, k, &d);
    memset(b, 0, n);
    ln_free(b);
    if (rc || !k->has_secret) {
        fprintf(stderr, "leonetd %s: %s: not a private key text "
                "(PRIVATE+KEY+NAME+ID+BASE64, as `leonet key new` writes)"
                "%s%s\n", verb, path, rc ? ": " : "", rc ? d.msg : "");
        return 2;
    }
    return 0;
}

/* Makes a new key at path and path.pub: 0, or 2/3 (printed). */
static int make_key(const char *verb, const char *path, const char *name,
                    ln_trust_key *k)
{
    char priv[256], pub[256], pubpath[4300];
    if (ln_trust_key_generate(name, k)) {
        fprintf(stderr, "leonetd %s: the log origin '%s' is not a valid "
                "key name (no space, no '+', 1..127 bytes)\n", verb, name);
        return 2;
    }
    ln_trust_key_format_private(k, priv, sizeof priv);
    ln_trust_key_format_public(k, pub, sizeof pub);
    int w = write_new(path, priv, 0600);
    memset(priv, 0, sizeof priv);
    if (w == 1) /* made by another verb meanwhile: use that one */
        return read_key(verb, path, k) == 0 ? 0 : 2;
    if (w < 0) {
        fprintf(stderr, "leonetd %s: %s: cannot create the log key: %s\n",
                verb, path, strerror(errno));
        return 3;
    }
    snprintf(pubpath, sizeof pubpath, "%s.pub", path);
    unlink(pubpath); /* a stale public half of an earlier key */
    if (write_new(pubpath, pub, 0644)) {
        fprintf(stderr, "leonetd %s: %s: cannot write: %s\n", verb, pubpath,
                strerror(errno));
        return 3;
    }
    fprintf(stderr, "leonetd %s: made the audit log key %s (public key %s: "
            "%s)\n", verb, path, pubpath, pub);
    return 0;
}

/* 1 when the store holds a signed checkpoint already. */
static int signed_before(ln_store *st)
{
    char *note = NULL;
    size_t n = 0;
    int rc = ln_store_audit_checkpoint(st, 0, &note, &n);
    free(note);
    return rc == 0;
}

int ld_log_key(const char *verb, ln_store *st, const char *db,
               const char *path, const char *origin, ln_trust_key *key)
{
    char def[4100];
    ln_trust_key k;
    if (!origin)
        origin = LD_LOG_ORIGIN;
    if (!origin[0] || strchr(origin, '\n')) {
        fprintf(stderr, "leonetd %s: --log-origin: one non-empty line "
                "expected\n", verb);
        return 2;
    }
    int rc;
    if (path) {
        rc = read_key(verb, path, &k);
        if (rc == 1) {
            fprintf(stderr, "leonetd %s: --log-key %s: no such file (`leonet "
                    "key new --out NAME` makes one; without --log-key the "
                    "daemon uses %s.logkey)\n", verb, path, db);
            return 2;
        }
    } else {
        snprintf(def, sizeof def, "%s.logkey", db);
        rc = read_key(verb, def, &k);
        if (rc == 1 && signed_before(st)) {
            fprintf(stderr, "leonetd %s: %s: no such file, and the "
                    "database's audit log is signed already: give its key "
                    "with --log-key FILE (a new key would not match)\n",
                    verb, def);
            return 2;
        }
        if (rc == 1)
            rc = make_key(verb, def, origin, &k);
    }
    if (rc)
        return rc;
    rc = ln_store_set_log_key(st, &k, origin);
    if (rc == LN_EUNSUPPORTED) {
        fprintf(stderr, "leonetd %s: warning: this store keeps no audit "
                "log (%s): nothing is signed\n", verb,
                ln_store_errmsg(st));
        rc = 0;
    } else if (rc) {
        fprintf(stderr, "leonetd %s: setting the log key: %s: %s\n", verb,
                ln_strerror(rc), ln_store_errmsg(st));
        memset(&k, 0, sizeof k);
        return rc == LN_EINVAL ? 2 : 3;
    }
    if (key)
        *key = k;
    memset(&k, 0, sizeof k);
    return 0;
}

/* The size of the latest stored checkpoint: 0 (none: *size 0), or < 0. */
static int last_signed(ln_store *st, uint64_t *size)
{
    char *note = NULL;
    size_t n = 0;
    *size = 0;
    int rc = ln_store_audit_checkpoint(st, 0, &note, &n);
    if (rc == LN_ENOTFOUND)
        return 0;
    if (rc)
        return rc;
    ln_trust_note nt;
    ln_trust_checkpoint cp;
    ln_diag d;
    rc = ln_trust_note_parse(note, n, &nt, &d);
    if (!rc) {
        rc = ln_trust_checkpoint_parse(nt.text, nt.ntext, &cp, &d);
        ln_trust_note_clear(&nt);
    }
    ln_free(note);
    if (!rc)
        *size = cp.size;
    return rc;
}

/* Signs the leaves no checkpoint covers (written before a key). */
static int sign_unsigned(ln_store *st)
{
    uint64_t head = 0, done = 0;
    unsigned char root[32];
    int rc = ln_store_audit_head(st, &head, root);
    if (!rc)
        rc = last_signed(st, &done);
    if (rc || head <= done)
        return rc;
    char rec[256];
    snprintf(rec, sizeof rec, "{\"what\":\"log-key\",\"detail\":\"the "
             "first checkpoint under this key: leaves %" PRIu64 "..%" PRIu64
             " were written before the database had a log key\","
             "\"unsigned\":%" PRIu64 "}", done, head - 1, head - done);
    ln_store_set_actor(st, "leonetd serve");
    uint64_t at = 0;
    rc = ln_store_audit_append(st, rec, strlen(rec), &at);
    ln_store_set_actor(st, NULL);
    if (!rc)
        fprintf(stderr, "leonetd serve: %" PRIu64 " audit leaves were "
                "written before the database had a log key: signed them "
                "with the head of %" PRIu64 " leaves (leaf %" PRIu64
                ", \"log-key\")\n", head - done, at + 1, at);
    return rc;
}

int ld_log_check(ln_store *st, const ln_trust_key *key)
{
    ln_diag d;
    char m[1400];
    uint64_t size = 0;
    ln_diag_clear(&d);
    int rc = ln_store_audit_verify(st, key->pub, &size, &d);
    if (rc == LN_EUNSUPPORTED) {
        fprintf(stderr, "leonetd serve: warning: this store keeps no audit "
                "log: no start check\n");
        return 0;
    }
    if (rc == LN_ETRUST) {
        fprintf(stderr, "leonetd: the audit log does not match the "
                "database: %s\n", d.msg[0] ? ln_diag_format(&d, m, sizeof m)
                                           : ln_store_errmsg(st));
        return 1;
    }
    if (rc) {
        fprintf(stderr, "leonetd serve: the audit log could not be checked: "
                "%s: %s\n", ln_strerror(rc),
                d.msg[0] ? ln_diag_format(&d, m, sizeof m)
                         : ln_store_errmsg(st));
        return 3;
    }
    fprintf(stderr, "leonetd serve: audit log checked: %" PRIu64 " leaves, "
            "every checkpoint and table matches\n", size);
    rc = sign_unsigned(st);
    if (rc) {
        fprintf(stderr, "leonetd serve: signing the log's head: %s: %s\n",
                ln_strerror(rc), ln_store_errmsg(st));
        return 3;
    }
    return 0;
}
