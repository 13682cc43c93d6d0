/*
 * fuzz_srv_url.c - libFuzzer harness for the request line: the path
 * (route matching, {x} segments, percent-decoding, traversal) and the
 * query string (srv_query: page, limit, lat/lon/t, ...) through
 * srv_handle on a seeded store (fuzz_srv.h), with no body. Input: a
 * selector byte (bits 0-1 the caller's role, bits 2-4 the method, bit 5:
 * no Authorization header at all), then the URL as the HTTP server
 * passes it (raw, up to the first NUL). Every answer must pass fz_check.
 */
#include "fuzz_srv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const methods[8] = {"GET",    "POST", "PUT",  "DELETE",
                                       "PATCH",  "HEAD", "GET",  "OPTIONS"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 65536)
        return 0;
    fz_init();
    char *url = malloc(size);
    if (!url)
        return 0;
    memcpy(url, data + 1, size - 1);
    url[size - 1] = '\0';
    fz_request(methods[(data[0] >> 2) & 7], url,
               (data[0] & 32) ? NULL : fz_auth(data[0]), NULL, 0);
    free(url);
    return 0;
}
