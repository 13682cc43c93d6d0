/*
 * trust_routes.c - the "trust" part's route table and hooks
 * (trust_srv.h, trust_int.h; docs/api-trust.md). Roles: the operator
 * registers contracts and throws its own switch; operator and customer
 * submit and sign change requests; operator, customer and auditor read
 * (a customer only what names its account: 404 otherwise).
 */
#include <string.h>

#include "server/trust_int.h"
#include "server/trust_srv.h"

#define OP SRV_ROLE(LN_ROLE_OPERATOR)
#define CUST SRV_ROLE(LN_ROLE_CUSTOMER)
#define AUD SRV_ROLE(LN_ROLE_AUDITOR)

const srv_route srv_routes_trust[] = {
    {"GET", "/v1/contracts", trust_h_contracts_get, "Contracts, View",
     OP | CUST | AUD, 0, "v1_contracts_get"},
    {"POST", "/v1/contracts", trust_h_contracts_post, "Contracts, Edit", OP,
     0, "v1_contracts_post"},
    {"GET", "/v1/contracts/{id}", trust_h_contract_get, "Contracts, View",
     OP | CUST | AUD, 0, "v1_contract_get"},
    {"GET", "/v1/head", trust_h_head, "Contracts, View", OP | CUST | AUD, 0,
     "v1_head_get"},
    {"GET", "/v1/changes", trust_h_changes_get, "Contracts, View",
     OP | CUST | AUD, 0, "v1_changes_get"},
    {"POST", "/v1/changes", trust_h_changes_post, "Contracts, Sign",
     OP | CUST, 0, "v1_changes_post"},
    {"GET", "/v1/changes/{id}", trust_h_change_get, "Contracts, View",
     OP | CUST | AUD, 0, "v1_change_get"},
    {"POST", "/v1/changes/{id}/signatures", trust_h_signatures_post,
     "Contracts, Sign", OP | CUST, 0, "v1_change_signatures_post"},
    {"GET", "/v1/kill", trust_h_kill_get, "Kill switch, View", OP | AUD, 0,
     "v1_kill_get"},
    {"POST", "/v1/kill", trust_h_kill_post, "Kill switch, Edit", OP, 0,
     "v1_kill_post"},
    {NULL, NULL, NULL, NULL, 0, 0, NULL}};

int srv_trust_init(srv *s)
{
    trust_state *T = ln_calloc(1, sizeof *T);
    if (!T)
        return LN_ENOMEM;
    pthread_rwlock_init(&T->lk, NULL);
    pthread_mutex_init(&T->mu, NULL);
    *srv_slot(s, "trust") = T;
    pthread_mutex_lock(&T->mu);
    int rc = trust_refresh(s);
    pthread_mutex_unlock(&T->mu);
    return rc;
}

void srv_trust_fini(srv *s)
{
    void **slot = srv_slot(s, "trust");
    trust_state *T = slot ? *slot : NULL;
    if (!T)
        return;
    for (size_t i = 0; i < T->ncon; i++) {
        ln_trust_contract_free(T->con[i].c);
        json_decref(T->con[i].doc);
        ln_zoneset_free(T->con[i].zgeo);
    }
    ln_free(T->con);
    ln_free(T->kill);
    ln_free(T->gsusp);
    pthread_rwlock_destroy(&T->lk);
    pthread_mutex_destroy(&T->mu);
    ln_free(T);
    *slot = NULL;
}
