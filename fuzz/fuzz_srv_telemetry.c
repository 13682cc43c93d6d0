/*
 * fuzz_srv_telemetry.c - libFuzzer harness for the telemetry batch
 * parser: POST /v1/telemetry through srv_handle (the daemon's whole
 * pipeline: caps, auth, JSON with line/column errors, the reports'
 * members, the decision, the durable ingest) on a seeded store
 * (fuzz_srv.h). Input: one selector byte (the caller's role: operator,
 * customer, terminal UT00000001, auditor), then the body. Every answer
 * must pass fz_check (a 4xx envelope naming what is wrong, never a 5xx
 * other than 503, never a crash).
 */
#include "fuzz_srv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    fz_init();
    fz_request("POST", "/v1/telemetry", fz_auth(data[0]),
               (const char *)data + 1, size - 1);
    return 0;
}
