/*
 * fuzz_activity_sats.c - libFuzzer harness for the activity map's reader
 * of activity-sats.json (ln__act_parse_sats: sub-satellite points per
 * window). The first byte chooses the number of windows (1..64); the rest
 * is the file. A refusal must carry a message; on success the offsets
 * are non-decreasing and every window's points lie inside the array.
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
    int rc = ln__act_parse_sats(&a, (const char *)data + 1, size - 1,
                                "activity-sats.json", &d);
    if (rc && !d.msg[0])
        abort();
    if (!rc) {
        if (!a.sat_off || !a.sats || a.sat_off[0] != 0)
            abort();
        for (long w = 0; w < a.nwin; w++)
            if (a.sat_off[w + 1] < a.sat_off[w])
                abort();
        volatile float sum = 0; /* touch every point (ASan) */
        for (size_t k = 0; k < 2 * a.sat_off[a.nwin]; k++)
            sum += a.sats[k];
        (void)sum;
    }
    ln__act_free(&a);
    return 0;
}
