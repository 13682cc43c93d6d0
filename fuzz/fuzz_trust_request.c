/*
 * fuzz_trust_request.c - libFuzzer harness for change requests and
 * canonical JSON (src/trust/request.c, canon.c).
 *
 * 1. ln_trust_canonical: refused, or canonical; the canonical bytes are
 *    their own canonical form (idempotent) and contain no byte below
 *    0x20 (JCS escapes them).
 * 2. ln_trust_request_parse: refused with a message, or parsed; then its
 *    message is the prefix and canonical JSON, and parsing that JSON
 *    gives the same message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "leonet/trust.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PREFIX "leonet-change-request/v1\n"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536)
        return 0;
    const char *s = (const char *)data;
    ln_diag d;
    char *c, *c2;
    size_t n, n2;
    if (ln_trust_canonical(s, size, &c, &n, &d) == 0) {
        for (size_t i = 0; i < n; i++)
            if ((unsigned char)c[i] < 0x20)
                abort();
        if (ln_trust_canonical(c, n, &c2, &n2, &d) != 0 || n2 != n ||
            memcmp(c, c2, n) != 0)
            abort();
        free(c2);
        free(c);
    } else if (!d.msg[0]) {
        abort();
    }
    ln_trust_request *r, *r2;
    ln_diag_clear(&d);
    if (ln_trust_request_parse(s, size, &r, &d) != 0) {
        if (!d.msg[0])
            abort();
        return 0;
    }
    const unsigned char *m = ln_trust_request_message(r, &n);
    size_t pl = strlen(PREFIX);
    if (n < pl || memcmp(m, PREFIX, pl) != 0)
        abort();
    if (ln_trust_request_parse((const char *)m + pl, n - pl, &r2, &d) != 0)
        abort();
    const unsigned char *m2 = ln_trust_request_message(r2, &n2);
    if (n2 != n || memcmp(m, m2, n) != 0)
        abort();
    ln_trust_request_free(r2);
    ln_trust_request_free(r);
    return 0;
}
