/*
 * fuzz_scenario.c - libFuzzer harness for the scenario reader: any input
 * either parses into a scenario (then freed) or is refused with a
 * diagnostic that has a message. The built-in scenario is a seed.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "leonet/sim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ln_scenario *sc = NULL;
    ln_diag d;
    ln_diag_clear(&d);
    int rc = ln_scenario_parse((const char *)data, size, "fuzz.json", &sc,
                               &d);
    if (rc == 0) {
        if (!sc)
            abort();
        ln_scenario_free(sc);
    } else if (rc != LN_ENOMEM && d.msg[0] == '\0') {
        abort(); /* an error must say what is wrong */
    }
    return 0;
}
