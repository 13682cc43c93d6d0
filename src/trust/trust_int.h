/*
 * trust_int.h - shared by the files of src/trust (private to the area).
 */
#ifndef LN_TRUST_INT_H
#define LN_TRUST_INT_H

#include <stddef.h>
#include <stdint.h>

#include "leonet/trust.h"

/* Decodes one UTF-8 sequence at s[0..n): its length (1..4) and code point
 * in *cp, or 0 when malformed (overlong, surrogate, above U+10FFFF). */
size_t ln__trust_utf8(const unsigned char *s, size_t n, uint32_t *cp);
/* 1 when cp is a Unicode space (White_Space) character. */
int ln__trust_is_space(uint32_t cp);
/* sodium_init once; 0 or LN_EINVAL. */
int ln__trust_init(void);

/* Request signing prefix (domain separation from notes). */
#define LN__TRUST_REQ_PREFIX "leonet-change-request/v1\n"

/* A growable byte buffer (canon.c). */
typedef struct ln__trust_buf {
    char *p;
    size_t n, cap;
    int oom; /* 1 after a failed allocation: p holds what fit */
} ln__trust_buf;
void ln__trust_put(ln__trust_buf *b, const void *s, size_t n);
/* Canonical bytes of a parsed value (json_t *) into b; 0, or LN_EPARSE
 * with diag naming the member path of a non-integer number. */
struct json_t;
int ln__trust_canon(const struct json_t *v, ln__trust_buf *b, char *path,
                    size_t pathcap, ln_diag *diag);

/* A contract (contract.c). */
#define LN__TRUST_MAX_PARTIES 32
#define LN__TRUST_MAX_KEYS 128  /* in all parties together */
#define LN__TRUST_MAX_RULES 32
#define LN__TRUST_MAX_CLAUSES 8

typedef struct ln__trust_clause {
    uint32_t parties;  /* bit i: party i is listed in "of" */
    int k;             /* how many are needed */
    int count_keys;    /* 1: distinct keys ("count":"keys"), 0: parties */
} ln__trust_clause;

typedef struct ln__trust_rule {
    int kind;          /* LN_TRUST_* */
    char name[64];
    int emergency;
    ln__trust_clause clause[LN__TRUST_MAX_CLAUSES];
    int nclause;
} ln__trust_rule;

struct ln_zoneset;
struct ln_trust_contract {
    char id[128];
    char party[LN__TRUST_MAX_PARTIES][64]; /* party ids */
    int nparty;
    ln_trust_key key[LN__TRUST_MAX_KEYS];  /* public keys */
    int key_party[LN__TRUST_MAX_KEYS];     /* owning party index */
    int nkey;
    char **accounts, **terminals, **zones; /* NULL-terminated lists */
    struct ln_zoneset *region;             /* NULL: none */
    double from_unix_s, until_unix_s;      /* -inf / +inf when open */
    ln__trust_rule rule[LN__TRUST_MAX_RULES];
    int nrule;
};

/* Parses a contract from a jansson value (the request's amendment, or
 * the document). text/n locate errors (may be NULL); base is the member
 * path prefix ("" or "amendment"). */
int ln__trust_contract_from_json(const struct json_t *root, const char *text,
                                 size_t n, const char *base,
                                 ln_trust_contract **out, ln_diag *diag);
/* Kind from its name, or -1. */
int ln__trust_kind(const char *name);
/* A string array member into a NULL-terminated malloc'd list: 0 (NULL
 * list when a is NULL), LN_ENOMEM, LN__TRUST_NOT_LIST (not an array), or
 * LN__TRUST_BAD_ITEM - i (item i is not a non-empty string without NUL).
 * Both codes lie below every LN_E* code. */
#define LN__TRUST_NOT_LIST (-100000)
#define LN__TRUST_BAD_ITEM (-200000)
int ln__trust_strlist(const struct json_t *a, char ***out);
void ln__trust_strlist_free(char **l);
/* diag with line/col of path in text (when text is set). */
int ln__trust_err(ln_diag *d, const char *text, size_t n, const char *path,
                  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Request accessors (request.c) for eval.c. */
const char *ln__trust_req_contract(const ln_trust_request *r);
int ln__trust_req_kind(const ln_trust_request *r);
/* 1 when the request's target touches the contract's scope. */
int ln__trust_in_scope(const ln_trust_contract *c, const ln_trust_request *r);
void ln__trust_req_binding(const ln_trust_request *r, double *expires,
                           uint64_t *size, const unsigned char **root,
                           const unsigned char **nonce, size_t *nnonce);

#endif
