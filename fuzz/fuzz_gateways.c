/*
 * fuzz_gateways.c - libFuzzer harness for the meaning of a gateways CSV
 * row (ln_scenario_gateways_parse), not only its tokens: the harness
 * tokenizes the same input with ln_csv_parse and decides by itself, with
 * its own strtod checks, whether every row is acceptable (a name of 1 to
 * 63 characters, finite lat in [-90, 90] and lon in [-180, 180], at most
 * 32767 rows). The reader must accept exactly then, and an accepted
 * gateway must hold what was written (degrees x pi/180, the name); a
 * refusal must carry a message and a line.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "leonet/sim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct row {
    char name[LN_NAME_MAX];
    double lat, lon;
} row;

typedef struct oracle {
    int il, io, in; /* column indices; in < 0 before the header */
    int ok;         /* every record so far is acceptable */
    row *r;
    size_t n, cap;
} oracle;

static int judge(void *user, char **f, size_t n, long line)
{
    oracle *o = user;
    (void)line;
    if (o->in < 0) {
        if (fz_dup(f, n)) {
            o->ok = 0;
            return 1;
        }
        o->in = fz_col(f, n, "name");
        o->il = fz_col(f, n, "lat");
        o->io = fz_col(f, n, "lon");
        if (o->in < 0 || o->il < 0 || o->io < 0) {
            o->ok = 0;
            return 1;
        }
        return 0;
    }
    row w;
    if ((size_t)o->in >= n || (size_t)o->il >= n || (size_t)o->io >= n ||
        !f[o->in][0] || strlen(f[o->in]) >= LN_NAME_MAX ||
        !fz_num(f[o->il], -90, 90, &w.lat) ||
        !fz_num(f[o->io], -180, 180, &w.lon) ||
        o->n == 32767) {
        o->ok = 0;
        return 1;
    }
    strcpy(w.name, f[o->in]);
    if (o->n == o->cap) {
        o->cap = o->cap ? 2 * o->cap : 16;
        o->r = realloc(o->r, o->cap * sizeof *o->r);
        if (!o->r)
            abort();
    }
    o->r[o->n++] = w;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *t = (const char *)data;
    oracle o = {-1, -1, -1, 1, NULL, 0, 0};
    ln_diag d;
    ln_diag_clear(&d);
    int crc = ln_csv_parse(t, size, "fuzz.csv", judge, &o, &d);
    int want = crc == 0 && o.ok && o.in >= 0;
    if (crc == LN_ENOMEM) {
        free(o.r);
        return 0;
    }
    ln_sc_gateway *g = NULL;
    size_t n = 0;
    ln_diag_clear(&d);
    int rc = ln_scenario_gateways_parse(t, size, "fuzz.csv", 8, &g, &n, &d);
    if (rc == LN_ENOMEM) {
        free(o.r);
        return 0;
    }
    if ((rc == 0) != want)
        abort(); /* accepted a bad row, or refused good ones */
    if (rc) {
        if (!d.msg[0] || d.line < 1)
            abort(); /* a refusal says what and where */
    } else {
        if (n != o.n)
            abort();
        for (size_t i = 0; i < n; i++)
            if (strcmp(g[i].name, o.r[i].name) != 0 ||
                g[i].lat_rad != o.r[i].lat * LN_DEG2RAD ||
                g[i].lon_rad != o.r[i].lon * LN_DEG2RAD ||
                g[i].antennas != 8)
                abort();
    }
    ln_free(g);
    free(o.r);
    return 0;
}
