/*
 * fuzz_srv_authz.c - libFuzzer harness for the authorization batch
 * parser: POST /v1/authorization through srv_handle on a seeded store
 * (fuzz_srv.h). Input: a selector byte (the caller's role), then the
 * body. Every answer must pass fz_check.
 */
#include "fuzz_srv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    fz_init();
    fz_request("POST", "/v1/authorization", fz_auth(data[0]),
               (const char *)data + 1, size - 1);
    return 0;
}
