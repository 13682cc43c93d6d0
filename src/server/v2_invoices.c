/*
 * v2_invoices.c - GET /public/v2/billing/invoices[/{invoiceId}]: until
 * billing (billing.h) is in the build, both answer 503.
 */
#include "server/v2.h"

int v2_list_invoices(srv *s, const srv_req *rq, srv_resp *rs)
{
    (void)s;
    (void)rq;
    return srv_error(rs, 503, NULL, "invoices: billing is not built yet");
}

int v2_get_invoice(srv *s, const srv_req *rq, srv_resp *rs)
{
    (void)s;
    (void)rq;
    return srv_error(rs, 503, NULL, "invoices: billing is not built yet");
}
