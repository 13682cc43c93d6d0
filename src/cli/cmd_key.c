/*
 * cmd_key.c - "leonet key new --out NAME [--name KEYNAME]": a new Ed25519
 * key pair for a party or a witness (docs/trust.md, "Keys").
 *
 * Writes NAME.key (mode 0600, created exclusively: an existing key is
 * never overwritten) holding "PRIVATE+KEY+KEYNAME+ID+base64(0x01||seed)",
 * and NAME.pub holding "KEYNAME+ID+base64(0x01||public key)" (C2SP
 * signed-note's verifier key). KEYNAME defaults to NAME's file name.
 * Also the trust verbs' shared helpers (trust_cli.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/trust_cli.h"

int ln_cli_trust_diag(const char *verb, const char *path, const ln_diag *d)
{
    char m[1400];
    fprintf(stderr, "leonet %s: %s:%s\n", verb, path,
            ln_diag_format(d, m, sizeof m));
    return 2;
}

int ln_cli_trust_read(const char *verb, const char *path, size_t max,
                      char **buf, size_t *n)
{
    ln_diag d;
    ln_diag_clear(&d);
    if (ln_read_file(path, max, buf, n, &d)) {
        char m[1400];
        fprintf(stderr, "leonet %s: %s\n", verb,
                ln_diag_format(&d, m, sizeof m));
        return 2;
    }
    return 0;
}

int ln_cli_trust_key(const char *verb, const char *path, int want_secret,
                     ln_trust_key *k)
{
    char *b;
    size_t n;
    ln_diag d;
    ln_diag_clear(&d);
    if (ln_cli_trust_read(verb, path, 4096, &b, &n))
        return 2;
    int rc = ln_trust_key_parse(b, n, k, &d);
    memset(b, 0, n);
    ln_free(b);
    if (rc)
        return ln_cli_trust_diag(verb, path, &d);
    if (want_secret && !k->has_secret) {
        fprintf(stderr, "leonet %s: %s: a public key; this needs the "
                "private key file (NAME.key)\n", verb, path);
        return 2;
    }
    return 0;
}

int ln_cli_trust_keys(const char *verb, const char *paths, ln_trust_key *keys,
                      size_t max, size_t *n)
{
    char *dup = strdup(paths), *save = NULL;
    *n = 0;
    if (!dup)
        return 2;
    for (char *t = strtok_r(dup, ",", &save); t;
         t = strtok_r(NULL, ",", &save)) {
        if (*n == max || ln_cli_trust_key(verb, t, 0, &keys[*n])) {
            if (*n == max)
                fprintf(stderr, "leonet %s: more than %zu keys\n", verb,
                        max);
            free(dup);
            return 2;
        }
        keys[*n].has_secret = 0; /* only the public half is needed */
        (*n)++;
    }
    free(dup);
    return 0;
}

static const ln_opt_spec specs[] = {{"out", 1}, {"name", 1}, {NULL, 0}};

static void usage(FILE *f)
{
    fprintf(f,
        "usage: leonet key new --out NAME [--name KEYNAME]\n\n"
        "Makes an Ed25519 key pair (libsodium): NAME.key, the private key\n"
        "(mode 0600, never overwritten), and NAME.pub, the public key to\n"
        "give to the other parties (a C2SP signed-note verifier key,\n"
        "KEYNAME+ID+BASE64). KEYNAME (no space, no '+') defaults to\n"
        "NAME's file name.\n"
        "Exit status: 0 ok, 2 bad usage or the files could not be "
        "written.\n");
}

static int write_file(const char *path, const char *text, int mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode);
    if (fd < 0) {
        fprintf(stderr, "leonet key: %s: %s\n", path, strerror(errno));
        return 2;
    }
    size_t n = strlen(text);
    int ok = write(fd, text, n) == (ssize_t)n && write(fd, "\n", 1) == 1;
    ok &= close(fd) == 0;
    if (!ok) {
        fprintf(stderr, "leonet key: %s: write failed\n", path);
        unlink(path);
        return 2;
    }
    return 0;
}

int ln_cmd_key(int argc, char **argv)
{
    ln_args a;
    if (argc < 2 || strcmp(argv[1], "new") != 0) {
        if (argc >= 2 && (!strcmp(argv[1], "-h") ||
                          !strcmp(argv[1], "--help"))) {
            usage(stdout);
            return 0;
        }
        fprintf(stderr, "leonet key: expected 'new' (see leonet key "
                "--help)\n");
        return 2;
    }
    int rc = ln_args_parse_nopos(argc - 1, argv + 1, specs, &a, "key new",
                                 usage);
    if (rc)
        return rc < 0 ? 0 : rc;
    const char *out = ln_args_get(&a, specs, "out");
    if (!out) {
        fprintf(stderr, "leonet key new: --out NAME is required\n");
        return 2;
    }
    const char *name = ln_args_get(&a, specs, "name");
    if (!name) {
        const char *sl = strrchr(out, '/');
        name = sl ? sl + 1 : out;
    }
    ln_trust_key k;
    if (ln_trust_key_generate(name, &k)) {
        fprintf(stderr, "leonet key new: invalid key name '%s' (1..127 "
                "bytes of UTF-8, no space, no '+'; use --name)\n", name);
        return 2;
    }
    char priv[256], pub[256], path[4096];
    ln_trust_key_format_private(&k, priv, sizeof priv);
    ln_trust_key_format_public(&k, pub, sizeof pub);
    memset(&k, 0, sizeof k);
    snprintf(path, sizeof path, "%s.key", out);
    rc = write_file(path, priv, 0600);
    memset(priv, 0, sizeof priv);
    if (rc)
        return rc;
    snprintf(path, sizeof path, "%s.pub", out);
    if ((rc = write_file(path, pub, 0644))) {
        snprintf(path, sizeof path, "%s.key", out);
        unlink(path);
        return rc;
    }
    printf("%s\n", pub);
    return 0;
}
