/*
 * audit_routes.c - the "audit" part's route table and hooks
 * (trust_srv.h). Skeleton: filled by the audit part.
 */
#include "trust_srv.h"

const srv_route srv_routes_audit[] = {{NULL, NULL, NULL, NULL, 0, 0, NULL}};

int srv_audit_init(srv *s)
{
    (void)s;
    return 0;
}

void srv_audit_fini(srv *s)
{
    (void)s;
}
