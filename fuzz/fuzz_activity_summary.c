/*
 * fuzz_activity_summary.c - libFuzzer harness for the activity map's
 * reader of summary.json (ln__act_parse_summary: scenario name, time
 * series). The first byte chooses the number of windows (1..64) the
 * series must have; the rest is the file. A refusal must carry a message;
 * an accepted scenario name is a NUL-terminated prefix of the input's.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "activity/activity_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    ln__act a;
    ln_diag d;
    memset(&a, 0, sizeof a);
    ln_diag_clear(&d);
    a.nwin = 1 + data[0] % 64;
    a.ts_active = ln_calloc((size_t)a.nwin, sizeof(double));
    a.ts_denied = ln_calloc((size_t)a.nwin, sizeof(double));
    a.ts_outage = ln_calloc((size_t)a.nwin, sizeof(double));
    if (a.ts_active && a.ts_denied && a.ts_outage) {
        int rc = ln__act_parse_summary(&a, (const char *)data + 1, size - 1,
                                       "summary.json", &d);
        if (rc && !d.msg[0])
            abort(); /* a refusal without a message */
        if (!rc && memchr(a.scenario, '\0', sizeof a.scenario) == NULL)
            abort();
    }
    ln__act_free(&a);
    return 0;
}
