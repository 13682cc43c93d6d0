/*
 * sim_trust.h - private to sim: a scenario's contracts, timed change
 * requests and audit log (issue 15; docs/scenario.md "Contracts and
 * change requests").
 *
 * scenario_trust.c reads the members "contracts", "change_requests" and
 * "audit" with the trust library (ln_trust_contract_parse,
 * ln_trust_request_parse, ln_trust_sigline_parse); sim_trust.c decides
 * the requests at setup (ln_trust_evaluate against the simulator's own
 * Merkle log), turns granted ones into policy events, resolves which
 * terminals are protected, and writes the rows of events.csv, the
 * "changes" and "audit" members of summary.json and audit.log.
 */
#ifndef LN_SIM_TRUST_H
#define LN_SIM_TRUST_H

#include <stddef.h>
#include <stdio.h>

#include "leonet/trust.h"
#include "sim/scenario_int.h"

typedef struct ln__sc_contract {
    ln_trust_contract *c;
    char *canon;            /* canonical JSON: its leaf (malloc'd) */
    size_t ncanon;
    double from_unix_s, until_unix_s; /* term (-inf / +inf open) */
    int by_place;           /* scope.zones or scope.region given */
    size_t nkeys;
    unsigned char (*pub)[32]; /* its public keys, with their party */
    char (*party)[64];
} ln__sc_contract;

typedef struct ln__sc_change {
    double t_unix_s;
    ln_trust_request *r;
    json_t *doc;            /* the request document (for the leaf) */
    char contract[128];     /* the contract it names */
    char kind[16];
    char **sigtext;         /* the signature lines as given */
    ln_trust_sigline *sigs;
    size_t nsigs;
    int *accounts;          /* target accounts that are scenario accounts */
    size_t naccounts;
    json_t *targets;        /* target.accounts as given (array or NULL) */
    unsigned char nonce[64];
    size_t nnonce;
    /* decided at setup (ln__sim_trust_setup) */
    int decided;            /* 0: after the run's end, not evaluated */
    int contract_ix;        /* contract evaluated against */
    ln_trust_verdict v;
    json_t *signers;        /* party ids with a valid signature */
} ln__sc_change;

struct ln_sc_trust {
    ln__sc_contract *contracts;
    size_t ncontracts;
    ln__sc_change *changes;
    size_t nchanges;
    char origin[256];       /* audit.origin, "" = no audit.log */
    char key[LN_PATH_MAX];  /* audit.key: the log's private key file */
    /* the log of the last setup: leaves (bytes) and head */
    char **leaf;
    size_t *nleaf, nleaves;
    unsigned char root[32];
};

/* scenario_trust.c: the three members; s->trust stays NULL when the
 * scenario has none of them. */
int ln__sim_parse_trust(const ln__sim_doc *c, json_t *root, ln_scenario *s);
void ln__sim_trust_free(struct ln_sc_trust *t);

/* sim_trust.c (the engine's side; sim_int.h's ln__engine) */
struct ln__engine;
/* Decides the change requests before the run's end, builds the log, adds
 * the granted policy events, allocates and fills e->tflags. 0 without
 * contracts. */
int ln__sim_trust_setup(struct ln__engine *e, ln_diag *diag);
/* LN_POLICY_PROTECTED when a contract in force at the start protects
 * terminal i where it is at t, else 0. */
unsigned ln__sim_trust_flags(const struct ln__engine *e, size_t i, double t);
/* summary.json's "changes" and "audit" (nothing without contracts). */
void ln__sim_trust_summary(const struct ln__engine *e, json_t *root);
/* events.csv rows of the decided changes with time <= upto not yet
 * written (*next: the first not written). 0 or LN_ENOMEM. */
int ln__sim_trust_rows(const struct ln__engine *e, FILE *f, double upto,
                       size_t *next);
/* One line per decided change for the run's terminal summary. */
void ln__sim_trust_print(const struct ln__engine *e, FILE *f);
/* audit.log into the output set when the scenario has "audit". */
int ln__sim_trust_write_log(const struct ln__engine *e, ln_outset *os,
                            ln_diag *diag);

#endif
