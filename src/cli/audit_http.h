/*
 * audit_http.h - private to the verbs that talk to leonetd's trust and
 * audit routes (cmd_audit.c, cmd_witness.c, cmd_change.c; audit_http.c):
 * a daemon over HTTP (libcurl, blocking), its checkpoint checked under
 * the log's key, a witness's or auditor's state (the last checkpoint seen,
 * DIR/checkpoint; also for `witness --log`) and the consistency check
 * against it.
 * Status of every call: 0 ok; 1 refused or mismatch (printed, with the
 * reason: fork, rollback, signature, proof); 2 bad input (printed); 3 I/O
 * or network (printed).
 */
#ifndef LN_CLI_AUDIT_HTTP_H
#define LN_CLI_AUDIT_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "leonet/trust.h"

typedef struct ln_ah ln_ah;

/* 1 when s starts with "http://" or "https://". */
int ln_ah_is_url(const char *s);
/* A client for base URL url (a trailing '/' dropped), bearer token or
 * NULL; verb names the messages ("audit verify", "witness"). */
int ln_ah_open(ln_ah **out, const char *verb, const char *url,
               const char *token);
void ln_ah_close(ln_ah *a); /* NULL ok */
/* GET / POST base + path: 0 with the 2xx answer's body (ln_free'd by the
 * caller, NUL-terminated); otherwise the daemon's error message is
 * printed: 1 for 409 (refused), 2 for another 4xx (401, 403, 400, 404:
 * what was sent is wrong), 3 for any other status or no answer. */
int ln_ah_get(ln_ah *a, const char *path, char **body, size_t *n);
int ln_ah_post(ln_ah *a, const char *path, const char *data, size_t len,
               char **body, size_t *n);
/* The latest checkpoint: the note (ln_free), parsed (ln_trust_note_clear)
 * and its checkpoint, the log's signature verified under lk (1 when it
 * does not verify). */
int ln_ah_checkpoint(ln_ah *a, const ln_trust_key *lk, char **note,
                     size_t *n, ln_trust_note *nt, ln_trust_checkpoint *cp);
/* DIR/checkpoint (a checkpoint's text): found 1 with old, or 0. */
int ln_ah_state_load(const char *verb, const char *dir,
                     ln_trust_checkpoint *old, int *found);
/* Writes text to DIR/checkpoint (DIR made 0700; written whole, then
 * renamed). */
int ln_ah_state_save(const char *verb, const char *dir, const char *text,
                     size_t n);
/* Does cp extend old? Another origin, a fork (same size, another root), a
 * rollback (fewer leaves) or a consistency proof from the daemon
 * (GET /v1/audit/proof/consistency) that does not verify between the two
 * roots (RFC 9162 2.1.4.2): 1, printed as "leonet VERB: refused: ...". */
int ln_ah_extends(ln_ah *a, const ln_trust_checkpoint *old,
                  const ln_trust_checkpoint *cp);

#endif
