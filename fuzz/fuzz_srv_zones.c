/*
 * fuzz_srv_zones.c - libFuzzer harness for the zone upload: POST
 * /v1/zones (GeoJSON Feature / FeatureCollection or H3 cell lists, with
 * validity windows) through srv_handle on a seeded store (fuzz_srv.h).
 * Input: a selector byte (the caller's role; bit 2: the upload is
 * followed by a decision, so that an accepted zone set is used at
 * once), then the body. Every answer must pass fz_check.
 */
#include "fuzz_srv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    fz_init();
    fz_request("POST", "/v1/zones", fz_auth(data[0]),
               (const char *)data + 1, size - 1);
    if (data[0] & 4)
        fz_request("GET",
                   "/v1/terminals/UT00000000/authorization?lat=48&lon=37",
                   FZ_TOK_OPERATOR, NULL, 0);
    return 0;
}
