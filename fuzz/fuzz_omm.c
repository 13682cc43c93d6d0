/*
 * fuzz_omm.c - libFuzzer harness for the OMM reader (JSON and CSV).
 */
#include <stddef.h>
#include <stdint.h>

#include "leonet/orbit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ln_elset *e;
    size_t n;
    ln_diag d;
    if (ln_omm_parse((const char *)data, size, "fuzz", &e, &n, &d) == 0)
        ln_free(e);
    return 0;
}
