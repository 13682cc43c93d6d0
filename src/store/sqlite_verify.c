/*
 * sqlite_verify.c - ln_store_audit_verify for the SQLite driver (to come).
 */
#include "store/sqlite_int.h"

int ln__sq_audit_verify(void *impl, const unsigned char pub[32],
                        uint64_t *size, ln_diag *diag)
{
    (void)impl;
    (void)pub;
    (void)size;
    (void)diag;
    return ln__store_err(LN_EUNSUPPORTED, "store: audit verify: not yet");
}
