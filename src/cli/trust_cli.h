/*
 * trust_cli.h - helpers shared by the trust verbs (key, sign, contract,
 * audit, witness), defined in cmd_key.c.
 */
#ifndef LN_TRUST_CLI_H
#define LN_TRUST_CLI_H

#include <stddef.h>

#include "leonet/trust.h"

/* Reads a whole file (at most max bytes) into a NUL-terminated buffer
 * (ln_free it); on error prints "leonet VERB: PATH: why", returns 2. */
int ln_cli_trust_read(const char *verb, const char *path, size_t max,
                      char **buf, size_t *n);
/* Reads a key file (public or private text); prints and returns 2 on
 * error; want_secret: a private key is required. */
int ln_cli_trust_key(const char *verb, const char *path, int want_secret,
                     ln_trust_key *k);
/* Reads a comma-separated list of public key files into keys[0..max). */
int ln_cli_trust_keys(const char *verb, const char *paths, ln_trust_key *keys,
                      size_t max, size_t *n);
/* Prints "leonet VERB: PATH:line:col: path: msg" for d; returns 2. */
int ln_cli_trust_diag(const char *verb, const char *path, const ln_diag *d);

#endif
