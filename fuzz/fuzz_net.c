/*
 * fuzz_net.c - libFuzzer harness for the network's input files: the
 * failure list (satellites, ground stations and ISLs down, with time
 * windows) and the jamming regions (GeoJSON). The first input byte picks
 * the parser; what parses is then used (applied at a few times, queried
 * at a few points), so the parsed structures are exercised too.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "leonet/net.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const char *txt = (const char *)data + 1;
    size_t len = size - 1;
    ln_diag d;
    if (data[0] & 1) {
        /* a 3x3 +Grid (9 satellites, 18 ISLs) and 4 ground stations */
        ln_net_grid g = {0, 3, 3, 1, 0};
        ln_net_isl *isls;
        size_t nisl;
        if (ln_net_plus_grid(&g, 1, &isls, &nisl))
            return 0;
        ln_net_failset *fs;
        if (ln_net_failset_parse(txt, len, "fuzz", 9, 4, isls, nisl, &fs,
                                 &d) == 0) {
            uint8_t sat[9], gs[4], cut[32];
            const double ts[] = {NAN, -1e9, 0, 1.5, 3600, 1e12};
            for (size_t k = 0; k < sizeof ts / sizeof ts[0]; k++) {
                memset(sat, 0, sizeof sat);
                memset(gs, 0, sizeof gs);
                memset(cut, 0, sizeof cut);
                (void)ln_net_failset_apply(fs, ts[k], sat, gs, cut);
            }
            (void)ln_net_failset_count(fs);
            ln_net_failset_free(fs);
        }
        ln_free(isls);
    } else {
        ln_net_jam *j;
        if (ln_net_jam_parse(txt, len, "fuzz", &j, &d) == 0) {
            const double p[][2] = {{0, 0}, {30.5, 50.4}, {-180, 90},
                                   {180, -90}, {37.6, 48.9}};
            for (size_t k = 0; k < sizeof p / sizeof p[0]; k++) {
                (void)ln_net_jam_contains_deg(j, p[k][1], p[k][0], NAN);
                (void)ln_net_jam_contains_deg(j, p[k][1], p[k][0],
                                              1.6653e9);
            }
            (void)ln_net_jam_count(j);
            ln_net_jam_free(j);
        }
    }
    return 0;
}
