/*
 * trust.h - contracts the software enforces (issue 15): the Merkle audit
 * log (RFC 6962 / RFC 9162 section 2 hashing, tree heads, inclusion and
 * consistency proofs), Ed25519 keys (libsodium), C2SP checkpoints, signed
 * notes and cosignatures, and contracts with k-of-n change requests.
 *
 * Texts followed (docs/trust.md has the details and every format):
 *   RFC 9162 section 2.1 (Merkle tree, proofs, verification algorithms),
 *   C2SP signed-note v1.0.0, tlog-checkpoint v1.0.0, tlog-cosignature
 *   (cosignature/v1, Ed25519, timestamped_signature), RFC 8032 (Ed25519,
 *   through libsodium), RFC 8785 (JCS) for canonical JSON with the
 *   restrictions of ln_trust_canonical.
 *
 * Hashes are 32 raw bytes (SHA-256, libsodium's crypto_hash_sha256).
 * Every parser is pure (a buffer in, a struct out, an ln_diag naming the
 * line/field on error) so that a fuzzer can call it.
 */
#ifndef LEONET_TRUST_H
#define LEONET_TRUST_H

#include <stddef.h>
#include <stdint.h>

#include "leonet/core.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LN_TRUST_HASH_BYTES 32
#define LN_TRUST_MAX_PATH 64 /* proof hashes for any tree below 2^62 */

/* ---- hashing and the Merkle log (merkle.c) ------------------------------ */

/* RFC 9162 2.1.1: SHA-256(0x00 || data) and SHA-256(0x01 || l || r). */
void ln_trust_leaf_hash(const void *data, size_t n,
                        unsigned char out[32] /* OUT */);
void ln_trust_node_hash(const unsigned char l[32], const unsigned char r[32],
                        unsigned char out[32] /* OUT */);

/* The leaf-hash source of a log: the hash of leaf index into out; 0, or a
 * negative LN_E* that the log passes on (e.g. a store's read error). */
typedef int (*ln_trust_leaf_fn)(void *ctx, uint64_t index,
                                unsigned char out[32]);

typedef struct ln_trust_log ln_trust_log;

/* ln_trust_log_new
 * Given:    cache_shift  0..40: full subtrees of 2^cache_shift leaves and
 *                        more are kept in memory (32 bytes each: about
 *                        n * 32 / 2^(cache_shift-1) bytes in all); smaller
 *                        ones are recomputed from leaf hashes read
 *                        through fn (at most 2^(cache_shift+1) reads per
 *                        proof). 0 keeps every leaf hash (fn unused).
 *           fn, ctx      the leaf-hash source (NULL only with shift 0)
 * Returned: out          an empty log
 * Status:   0, LN_EINVAL, LN_ENOMEM */
int ln_trust_log_new(unsigned cache_shift, ln_trust_leaf_fn fn, void *ctx,
                     ln_trust_log **out /* OUT */);
void ln_trust_log_free(ln_trust_log *lg); /* NULL ok */
/* Appends the leaf hash of leaf number size(): O(log n) node hashes. The
 * source fn must already answer for that index when cache_shift > 0.
 * Status: 0, LN_ENOMEM, LN_ERANGE (2^62 leaves). */
int ln_trust_log_append(ln_trust_log *lg, const unsigned char leaf[32]);
uint64_t ln_trust_log_size(const ln_trust_log *lg);
/* MTH of the first size leaves (size <= size(); 0 gives SHA-256 of the
 * empty string). Status: 0, LN_ERANGE, or fn's error. */
int ln_trust_log_root(const ln_trust_log *lg, uint64_t size,
                      unsigned char out[32] /* OUT */);
/* RFC 9162 2.1.3.1 PATH(index, D[0:size]) and 2.1.4.1 PROOF(m, D[0:n]),
 * bottom-up, into path[LN_TRUST_MAX_PATH]. Status: 0, LN_ERANGE (index >=
 * size, size > size(), m > n), or fn's error. */
int ln_trust_log_inclusion(const ln_trust_log *lg, uint64_t index,
                           uint64_t size, unsigned char path[][32] /* OUT */,
                           size_t *npath /* OUT */);
int ln_trust_log_consistency(const ln_trust_log *lg, uint64_t m, uint64_t n,
                             unsigned char path[][32] /* OUT */,
                             size_t *npath /* OUT */);
/* RFC 9162 2.1.3.2 and 2.1.4.2. 0 when the proof verifies, LN_ETRUST when
 * it does not (wrong hash, index, size, too short or too long a path).
 * Consistency with m == n wants an empty path and equal roots; with m == 0
 * an empty path (every tree extends the empty one). */
int ln_trust_verify_inclusion(uint64_t index, uint64_t size,
                              const unsigned char leaf[32],
                              const unsigned char (*path)[32], size_t npath,
                              const unsigned char root[32]);
int ln_trust_verify_consistency(uint64_t m, uint64_t n,
                                const unsigned char root_m[32],
                                const unsigned char root_n[32],
                                const unsigned char (*path)[32],
                                size_t npath);

/* ---- Ed25519 keys (key.c) ----------------------------------------------- */

#define LN_TRUST_NAME_MAX 128 /* key name bytes, NUL included */
/* Signature types of C2SP signed-note key ids. */
#define LN_TRUST_SIG_ED25519 0x01
#define LN_TRUST_SIG_COSIGNATURE 0x04

typedef struct ln_trust_key {
    char name[LN_TRUST_NAME_MAX]; /* signed-note key name: no space, '+' */
    unsigned char pub[32];        /* Ed25519 public key */
    unsigned char sk[64];         /* libsodium secret key (seed || pub) */
    int has_secret;               /* 1 when sk is set */
} ln_trust_key;

/* A valid key name: 1..127 bytes, UTF-8, no Unicode space or control
 * character, no '+'. 1 or 0. */
int ln_trust_name_ok(const char *name);
/* New random key (randombytes), or one from a 32-byte seed (RFC 8032's
 * private key). Status: 0, LN_EINVAL (bad name). */
int ln_trust_key_generate(const char *name, ln_trust_key *out /* OUT */);
int ln_trust_key_from_seed(const char *name, const unsigned char seed[32],
                           ln_trust_key *out /* OUT */);
/* signed-note key id: SHA-256(name || 0x0A || type || pub)[:4], big-endian */
uint32_t ln_trust_key_id(const char *name, int type,
                         const unsigned char pub[32]);
/* Key texts (one line, no newline), as golang.org/x/mod/sumdb/note and
 * C2SP signed-note's vkeys: "NAME+HEXID+base64(0x01 || pub)" and
 * "PRIVATE+KEY+NAME+HEXID+base64(0x01 || seed)". Status: 0, LN_ERANGE
 * (buffer short; 256 bytes always do). */
int ln_trust_key_format_public(const ln_trust_key *k, char *buf, size_t n);
int ln_trust_key_format_private(const ln_trust_key *k, char *buf, size_t n);
/* Parses either text (trailing newline allowed); the id must match the
 * name and key. Status: 0, LN_EPARSE with diag. */
int ln_trust_key_parse(const char *text, size_t n, ln_trust_key *out /* OUT */,
                       ln_diag *diag);
/* Detached Ed25519 over msg; verify: 0 or LN_ETRUST. */
int ln_trust_sign(const ln_trust_key *k, const void *msg, size_t n,
                  unsigned char sig[64] /* OUT */);
int ln_trust_verify(const unsigned char pub[32], const void *msg, size_t n,
                    const unsigned char sig[64]);
/* Strict standard base64 with padding (RFC 4648 section 4): 0 with the
 * decoded length, or LN_EPARSE (bad characters, padding, non-canonical
 * trailing bits, longer than max). */
int ln_trust_b64_decode(const char *s, size_t n, unsigned char *out,
                        size_t max, size_t *len /* OUT */);
/* Encodes into buf (NUL-terminated); LN_ERANGE when too small. */
int ln_trust_b64_encode(const unsigned char *in, size_t n, char *buf,
                        size_t cap);

/* ---- signed notes, checkpoints, cosignatures (note.c) ------------------- */

#define LN_TRUST_NOTE_MAX_SIGS 100
#define LN_TRUST_SIG_MAX 80 /* key id + timestamp + signature bytes */

typedef struct ln_trust_sigline {
    char name[LN_TRUST_NAME_MAX];
    uint32_t id;                          /* claimed key id (a hint) */
    unsigned char sig[LN_TRUST_SIG_MAX];  /* the bytes after the key id */
    size_t nsig;                          /* 64, or 72 for cosignature/v1 */
} ln_trust_sigline;

typedef struct ln_trust_note {
    char *text;        /* the note text, ending with "\n" (malloc'd) */
    size_t ntext;
    ln_trust_sigline *sigs; /* malloc'd */
    size_t nsigs;
} ln_trust_note;

/* One signature line "— NAME BASE64" (U+2014, a space, the name, a
 * space, base64(key id || signature)), without its newline.
 * Status: 0, LN_EPARSE with diag. */
int ln_trust_sigline_parse(const char *line, size_t n,
                           ln_trust_sigline *out /* OUT */, ln_diag *diag);
/* A whole signed note: text, a blank line, 1..100 signature lines, each
 * ending with a newline. Strict: UTF-8, no control character but newline,
 * no empty text. Status: 0, LN_EPARSE (diag: line), LN_ENOMEM. */
int ln_trust_note_parse(const char *buf, size_t n,
                        ln_trust_note *out /* OUT */, ln_diag *diag);
void ln_trust_note_clear(ln_trust_note *nt); /* NULL ok */
/* Verifies the signatures whose name and key id match a known key (as
 * note signer 0x01, or cosigner 0x04); other lines are ignored, as the
 * spec says. Returned: nok the number verified; for cosignatures the
 * timestamp in t_cosig (may be NULL). Status: 0 with nok >= 1; LN_ETRUST
 * when a matching line does not verify or none matched (diag says). */
int ln_trust_note_verify(const ln_trust_note *nt, const ln_trust_key *keys,
                         size_t nkeys, size_t *nok /* OUT */,
                         uint64_t *t_cosig /* OUT */, ln_diag *diag);
/* A signature line (with its newline) for text: note signature (type 0x01)
 * or cosignature/v1 at time t_unix_s (type 0x04). Status: 0, LN_EINVAL
 * (no secret key, bad text), LN_ERANGE (buf short; 256 bytes do). */
int ln_trust_note_sign(const ln_trust_key *k, const char *text, size_t n,
                       char *buf, size_t cap);
int ln_trust_cosign(const ln_trust_key *k, const char *text, size_t n,
                    uint64_t t_unix_s, char *buf, size_t cap);

typedef struct ln_trust_checkpoint {
    char origin[256];      /* first line, non-empty */
    uint64_t size;         /* tree size */
    unsigned char root[32];
    size_t next;           /* extension lines after the root (kept in the
                              note text, not here) */
} ln_trust_checkpoint;
/* tlog-checkpoint body (the note text). Status: 0, LN_EPARSE with diag. */
int ln_trust_checkpoint_parse(const char *text, size_t n,
                              ln_trust_checkpoint *out /* OUT */,
                              ln_diag *diag);
/* "origin\nsize\nbase64root\n" (no extension lines); LN_ERANGE. */
int ln_trust_checkpoint_format(const ln_trust_checkpoint *c, char *buf,
                               size_t cap);

/* ---- canonical JSON, contracts, change requests (contract.c, eval.c) ---- */

/* Change kinds a contract can govern. */
typedef enum ln_trust_kind {
    LN_TRUST_KILL = 0,     /* "kill": kill switch for the scope */
    LN_TRUST_SUSPEND = 1,  /* "suspend": account suspension */
    LN_TRUST_ZONE = 2,     /* "zone-edit": a zone over the scope */
    LN_TRUST_COVERAGE = 3, /* "coverage": enable/disable a region */
    LN_TRUST_AMEND = 4,    /* "amend": replace the contract */
    LN_TRUST_KIND_COUNT_
} ln_trust_kind;
const char *ln_trust_kind_name(int kind); /* "" when out of range */

/* ln_trust_canonical
 * Given:    json, n  a JSON document (UTF-8)
 * Returned: out      its canonical bytes (malloc'd, NUL-terminated;
 *                    *nout without the NUL): RFC 8785 without spaces,
 *                    members sorted by the bytes of their UTF-8 names,
 *                    strings escaped as JCS does, numbers integers only
 *                    (|x| <= 2^53 - 1)
 * Status:   0; LN_EPARSE (diag: line/col or member path) for invalid
 *           JSON, duplicate names, a non-integer number. */
int ln_trust_canonical(const char *json, size_t n, char **out /* OUT */,
                       size_t *nout /* OUT */, ln_diag *diag);

typedef struct ln_trust_contract ln_trust_contract;
/* A contract document (docs/trust.md "Contracts"). Status: 0, LN_EPARSE
 * (diag: the member path and line/col), LN_ENOMEM. */
int ln_trust_contract_parse(const char *json, size_t n,
                            ln_trust_contract **out /* OUT */, ln_diag *diag);
void ln_trust_contract_free(ln_trust_contract *c); /* NULL ok */
const char *ln_trust_contract_id(const ln_trust_contract *c);
/* A readable summary (parties, keys, scope, term, thresholds). */
int ln_trust_contract_describe(const ln_trust_contract *c, char *buf,
                               size_t cap);
/* 1 when the contract's scope names it (account/terminal/zone id), or
 * when (lat, lon) degrees lies in its region; else 0. */
int ln_trust_contract_protects(const ln_trust_contract *c, const char *account,
                               const char *terminal, const char *zone);
int ln_trust_contract_covers_deg(const ln_trust_contract *c, double lat_deg,
                                 double lon_deg);

typedef struct ln_trust_request ln_trust_request;
/* A change request document (docs/trust.md; an optional "zone", a string
 * holding one GeoJSON Feature's text, for kinds zone-edit and coverage
 * only: the zone the change puts, signed with the rest). Status: 0,
 * LN_EPARSE with diag. */
int ln_trust_request_parse(const char *json, size_t n,
                           ln_trust_request **out /* OUT */, ln_diag *diag);
void ln_trust_request_free(ln_trust_request *r); /* NULL ok */
/* The bytes parties sign: "leonet-change-request/v1\n" || canonical JSON
 * (borrowed; lives with r). */
const unsigned char *ln_trust_request_message(const ln_trust_request *r,
                                              size_t *n /* OUT */);
/* The log head the request is bound to, and its expiry (UTC). */
void ln_trust_request_head(const ln_trust_request *r, uint64_t *size /* OUT */,
                           unsigned char root[32] /* OUT */,
                           double *expires_unix_s /* OUT */);
/* The amendment's new contract for kind "amend" (owned by r), else NULL. */
const ln_trust_contract *ln_trust_request_amendment(const ln_trust_request *r);
/* A detached signature line "— NAME base64(key id || Ed25519(msg))" plus
 * a newline, over any bytes (a request's message, a new contract's). The
 * key id is the note signer's (type 0x01). Status: 0, LN_EINVAL (no
 * secret key), LN_ERANGE (buf short; 256 bytes do). */
int ln_trust_sign_line(const ln_trust_key *k, const void *msg, size_t n,
                       char *buf, size_t cap);
/* What every party signs of a new contract before leonetd takes it:
 * this prefix, then the contract's canonical JSON (docs/api-trust.md). */
#define LN_TRUST_CONTRACT_PREFIX "leonet-contract/v1\n"
/* A detached signature line for a request: ln_trust_sign_line over its
 * message. */
int ln_trust_request_sign(const ln_trust_key *k, const ln_trust_request *r,
                          char *buf, size_t cap);

/* Why a request does or does not take effect, in the order checked. */
typedef enum ln_trust_reason {
    LN_TRUST_OK = 0,           /* "": the thresholds are met */
    LN_TRUST_WRONG_CONTRACT,   /* "wrong-contract": names another one */
    LN_TRUST_OUT_OF_TERM,      /* "out-of-term": contract not in force */
    LN_TRUST_EXPIRED,          /* "expired": now past its expiry */
    LN_TRUST_STALE_HEAD,       /* "stale-head": bound to another head */
    LN_TRUST_REPLAY,           /* "replayed-nonce": nonce already used */
    LN_TRUST_NOT_COVERED,      /* "kind-not-covered": no threshold */
    LN_TRUST_OUT_OF_SCOPE,     /* "out-of-scope": targets nothing of it */
    LN_TRUST_BAD_SIGNATURE,    /* "bad-signature": a contract key's id,
                                  the signature does not verify */
    LN_TRUST_UNKNOWN_KEY,      /* "unknown-key": a signature by no key of
                                  the contract, and the threshold unmet */
    LN_TRUST_DUPLICATE_KEY,    /* "duplicate-key": the same key twice,
                                  and the threshold unmet */
    LN_TRUST_THRESHOLD,        /* "threshold-not-met" */
    LN_TRUST_AMEND_OLD,        /* "old-contract-threshold-not-met" */
    LN_TRUST_AMEND_NEW,        /* "new-contract-threshold-not-met" */
    LN_TRUST_REASON_COUNT_
} ln_trust_reason;
const char *ln_trust_reason_name(int reason);

/* What the caller knows now. */
typedef struct ln_trust_env {
    double now_unix_s;          /* UTC */
    uint64_t head_size;         /* the log's current head */
    unsigned char head_root[32];
    /* 1 when the nonce (raw bytes) was used already; NULL: none used */
    int (*nonce_used)(void *ctx, const unsigned char *nonce, size_t n);
    void *ctx;
} ln_trust_env;

typedef struct ln_trust_verdict {
    int effect;       /* 1: the change takes effect */
    int reason;       /* LN_TRUST_* (OK when effect) */
    int rule;         /* index of the satisfied threshold rule, -1 none */
    int emergency;    /* 1 when that rule is an emergency term */
    size_t nsigners;  /* distinct contract keys with a valid signature */
    char detail[512]; /* one readable sentence: what was missing */
} ln_trust_verdict;

/* ln_trust_evaluate
 * Given:    c       the contract in force
 *           r       the request
 *           sigs    detached signature lines (parsed), any order; their
 *                   names and key ids are ignored: each is tried against
 *                   every key of the contract (and, for an amendment, of
 *                   the new one), and a key counts once however often it
 *                   signed
 *           env     now, the log head, the nonce check
 * Returned: v       the verdict with the first failing reason
 * Status:   0 (the verdict says yes or no), LN_EINVAL */
int ln_trust_evaluate(const ln_trust_contract *c, const ln_trust_request *r,
                      const ln_trust_sigline *sigs, size_t nsigs,
                      const ln_trust_env *env, ln_trust_verdict *v /* OUT */);

/* ---- log bundles: a log as one file, for offline audit (bundle.c) ------ */

/* "leonet-log v1" then one entry a line, in log order:
 *   leaf BASE64(entry bytes)         the next leaf (hashed as a leaf)
 *   checkpoint BASE64(signed note)   a signed checkpoint of the log
 * Empty lines and lines starting with '#' are skipped. */
typedef struct ln_trust_bundle {
    unsigned char (*leaf)[32]; /* leaf hashes (malloc'd) */
    size_t nleaf;
    char **note;               /* checkpoint notes, NUL-terminated */
    size_t *nnote;             /* their lengths */
    size_t *after;             /* leaves before each checkpoint line */
    long *line;                /* its line in the file */
    size_t nnote_;             /* number of checkpoints */
} ln_trust_bundle;
/* Status: 0, LN_EPARSE (diag: line), LN_ENOMEM. */
int ln_trust_bundle_parse(const char *buf, size_t n,
                          ln_trust_bundle *out /* OUT */, ln_diag *diag);
void ln_trust_bundle_clear(ln_trust_bundle *b); /* NULL ok */

#ifdef __cplusplus
}
#endif
#endif
