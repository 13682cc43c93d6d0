/*
 * fuzz_srv_v2.c - libFuzzer harness for the /public/v2 request bodies
 * (Starlink's subset): service lines, user terminals (new, and added to
 * a line), the data-usage query, the telemetry stream and query (and
 * the first two with ?accountNumber=, as an operator names the account),
 * through srv_handle on a seeded store (fuzz_srv.h). Input: a selector byte
 * (bits 0-1 the caller's role, bits 2-4 the operation), then the body.
 * Every answer must pass fz_check.
 */
#include "fuzz_srv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const ops[8] = {
    "/public/v2/service-lines",
    "/public/v2/service-lines/SL-ACC-A/user-terminals",
    "/public/v2/user-terminals",
    "/public/v2/data-usage/query",
    "/public/v2/telemetry/stream",
    "/public/v2/telemetry/query",
    "/public/v2/service-lines?accountNumber=ACC-A",  /* the operator */
    "/public/v2/user-terminals?accountNumber=ACC-B", /* names the account */
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    fz_init();
    fz_request("POST", ops[(data[0] >> 2) & 7], fz_auth(data[0]),
               (const char *)data + 1, size - 1);
    return 0;
}
