/*
 * sqlite_verify.h - private to sqlite_verify*.c: the state of one
 * ln_store_audit_verify run.
 */
#ifndef LN_STORE_SQLITE_VERIFY_H
#define LN_STORE_SQLITE_VERIFY_H

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>

#include "store/sqlite_int.h"

typedef struct vck {              /* a stored checkpoint */
    uint64_t size;
    unsigned char root[32];
    int bad_root;                 /* the root column is not 32 bytes */
    char text[512];
    char sig[256];
} vck;

typedef struct vx {
    sq *s;
    sq_conn *c;                   /* the snapshot */
    ln_diag *diag;
    const unsigned char *pub;     /* NULL: signatures not checked */
    json_t *st;                   /* table -> key -> {"row", "leaf"} */
    uint64_t leaf;                /* leaves read so far (the current one) */
    sq_front front;               /* their compact range */
    vck *ck;                      /* checkpoints by size */
    size_t nck, capck, nextck;
} vx;

/* Fails the check: LN_ETRUST with diag's message (and the thread's). */
int ln__sq_vfail(vx *v, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The replayed state: get the row (borrowed, NULL none); set it
 * (borrowed, kept; NULL deletes) as written by the current leaf. */
json_t *ln__sq_vget(vx *v, const char *table, const char *key);
void ln__sq_vset(vx *v, const char *table, const char *key, json_t *row);
/* sqlite_verify_tab.c: a leaf's record into the state; the tables
 * against it. */
int ln__sq_replay_leaf(vx *v, const char *type, json_t *rec);
int ln__sq_verify_tables(vx *v);

#endif
