/*
 * fuzz_trust_contract.c - libFuzzer harness for contract documents and
 * key texts (src/trust/contract.c, key.c).
 *
 * 1. ln_trust_contract_parse: refused with a message, or parsed; a
 *    parsed contract describes itself and answers scope questions.
 * 2. ln_trust_key_parse of the input: refused with a message, or a key
 *    whose text formats back to the input (without a final newline).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "leonet/trust.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536)
        return 0;
    const char *s = (const char *)data;
    ln_diag d;
    ln_trust_contract *c;
    ln_diag_clear(&d);
    if (ln_trust_contract_parse(s, size, &c, &d) == 0) {
        static char buf[1 << 16];
        if (ln_trust_contract_describe(c, buf, sizeof buf) == 0 &&
            strncmp(buf, "contract ", 9) != 0)
            abort();
        ln_trust_contract_protects(c, "a", "UT00000001", "z");
        ln_trust_contract_covers_deg(c, 48.0, 37.0);
        ln_trust_contract_free(c);
    } else if (!d.msg[0]) {
        abort();
    }
    ln_trust_key k;
    ln_diag_clear(&d);
    if (ln_trust_key_parse(s, size, &k, &d) == 0) {
        char t[256];
        size_t n = size && s[size - 1] == '\n' ? size - 1 : size;
        int rc = k.has_secret ? ln_trust_key_format_private(&k, t, sizeof t)
                              : ln_trust_key_format_public(&k, t, sizeof t);
        if (rc || strlen(t) != n || memcmp(t, s, n) != 0)
            abort();
    } else if (!d.msg[0]) {
        abort();
    }
    return 0;
}
