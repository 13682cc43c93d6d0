/*
 * trust_srv.h - leonetd's issue-15 parts (srv_int.h, "parts"):
 *   "trust"  contracts, change requests and their signatures, the kill
 *            switch, and which terminals a contract protects
 *            (trust_*.c; docs/api-trust.md)
 *   "audit"  the audit log over HTTP: signed checkpoints, entries,
 *            inclusion and consistency proofs, witnesses' cosignatures
 *            (audit_*.c; docs/api-trust.md)
 */
#ifndef LN_SERVER_TRUST_SRV_H
#define LN_SERVER_TRUST_SRV_H

#include "srv_int.h"

extern const srv_route srv_routes_trust[];
extern const srv_route srv_routes_audit[];
int srv_trust_init(srv *s);
void srv_trust_fini(srv *s);
int srv_audit_init(srv *s);
void srv_audit_fini(srv *s);

#endif
