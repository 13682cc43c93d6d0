/*
 * fuzz_hypatia.c - libFuzzer harness for the Hypatia static-state reader
 * (tles.txt, isls.txt, ground_stations.txt, gsl_interfaces_info.txt,
 * description.txt). The input is the five files separated by NUL bytes,
 * written into a scratch directory (made once per process) and read back
 * with ln_hyp_read and ln_hyp_read_gs_file; what reads is freed. Any
 * crash, leak or sanitizer report fails.
 */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leonet/net.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const names[5] = {"tles.txt", "isls.txt",
                                     "ground_stations.txt",
                                     "gsl_interfaces_info.txt",
                                     "description.txt"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char dir[64];
    if (!dir[0]) {
        strcpy(dir, "/tmp/ln_fuzz_hyp_XXXXXX");
        if (!mkdtemp(dir))
            abort();
    }
    const uint8_t *p = data, *end = data + size;
    for (int k = 0; k < 5; k++) {
        const uint8_t *q = k < 4 ? memchr(p, 0, (size_t)(end - p)) : NULL;
        if (!q)
            q = end;
        char path[128];
        snprintf(path, sizeof path, "%s/%s", dir, names[k]);
        FILE *f = fopen(path, "wb");
        if (!f)
            abort();
        fwrite(p, 1, (size_t)(q - p), f);
        fclose(f);
        p = q < end ? q + 1 : end;
    }
    ln_hyp_state st;
    ln_diag d;
    if (ln_hyp_read(dir, &st, &d) == 0)
        ln_hyp_free(&st);
    char gs[128];
    snprintf(gs, sizeof gs, "%s/ground_stations.txt", dir);
    ln_hyp_gs *g;
    size_t n;
    if (ln_hyp_read_gs_file(gs, &g, &n, &d) == 0)
        ln_free(g);
    return 0;
}
