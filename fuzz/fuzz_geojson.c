/*
 * fuzz_geojson.c - libFuzzer harness for the GeoJSON zone reader: parses
 * the input as a zone set (reader, validation, self-intersection check,
 * index build) and, when it loads, decides a few points.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "leonet/geofence.h"
#include "leonet/zone.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ln_zoneset *zs;
    if (ln_zoneset_new(LN_ZONE_ALLOW, &zs))
        return 0;
    ln_diag d;
    int flags = size && (data[size - 1] & 1) ? LN_GEO_REPAIR_EVENODD : 0;
    if (ln_zoneset_load_buffer(zs, (const char *)data, size, "fuzz", flags,
                               &d) == 0) {
        static const double pts[][2] = {{0, 0},     {1, 1},   {0.5, 0.5},
                                        {180, 0},   {-180, 0}, {33, 45},
                                        {-179.5, 1}, {NAN, 0}};
        for (size_t i = 0; i < sizeof pts / sizeof pts[0]; i++)
            (void)ln_zoneset_decide_deg(zs, pts[i][1], pts[i][0], 0.0);
    }
    ln_zoneset_free(zs);
    return 0;
}
