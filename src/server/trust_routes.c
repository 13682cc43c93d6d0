/*
 * trust_routes.c - the "trust" part's route table and hooks
 * (trust_srv.h). Skeleton: filled by the trust part.
 */
#include "trust_srv.h"

const srv_route srv_routes_trust[] = {{NULL, NULL, NULL, NULL, 0, 0, NULL}};

int srv_trust_init(srv *s)
{
    (void)s;
    return 0;
}

void srv_trust_fini(srv *s)
{
    (void)s;
}
