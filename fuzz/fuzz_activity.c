/*
 * fuzz_activity.c - libFuzzer harness for the activity map's reader of
 * activity.geojson (cells, per-window series, top-level members).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "activity/activity_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ln__act a;
    ln_diag d;
    memset(&a, 0, sizeof a);
    (void)ln__act_parse_cells(&a, (const char *)data, size, "fuzz", &d);
    ln__act_free(&a);
    return 0;
}
