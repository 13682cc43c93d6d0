/*
 * fuzz_tle.c - libFuzzer harness for the TLE reader (strict and lenient)
 * and the single-set parser. Any crash, leak or sanitizer report fails.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "leonet/orbit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ln_elset *e;
    size_t n;
    ln_diag d;
    for (int flags = 0; flags <= 3; flags += 3) {
        if (ln_tle_parse((const char *)data, size, "fuzz", flags, &e, &n,
                         &d) == 0) {
            for (size_t i = 0; i < n; i++) {
                char l1[80], l2[80];
                ln_tle_format(&e[i], l1, l2);
            }
            ln_free(e);
        }
    }
    /* the two-line entry point takes NUL-terminated lines */
    if (size < 400) {
        char buf[401];
        memcpy(buf, data, size);
        buf[size] = '\0';
        char *nl = strchr(buf, '\n');
        if (nl) {
            *nl = '\0';
            ln_elset one;
            (void)ln_tle_parse_lines(NULL, buf, nl + 1, 0, &one, &d);
        }
    }
    return 0;
}
