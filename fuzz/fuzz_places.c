/*
 * fuzz_places.c - libFuzzer harness for the meaning of a places CSV row
 * (ln_sim_places_parse): the harness tokenizes the same input with
 * ln_csv_parse and judges every row with its own strtod checks (finite
 * lat in [-90, 90], lon in [-180, 180], population in [0, 1e10]; header
 * naming lat, lon and pop_max, else pop). The reader must accept exactly
 * then; an accepted file must give one weighted point per row of positive
 * population holding what was written (lon, lat x pi/180, weight = pop,
 * sigma = 15 sqrt(pop / 1e6) + 2); a refusal must carry a message and a
 * line.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "leonet/sim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct oracle {
    int il, io, ip; /* column indices; il < 0 before the header */
    int header, ok;
    double *v;      /* lat, lon, pop of the rows with pop > 0 */
    size_t n, cap;
} oracle;

static int judge(void *user, char **f, size_t n, long line)
{
    oracle *o = user;
    (void)line;
    if (!o->header) {
        o->header = 1;
        if (fz_dup(f, n)) {
            o->ok = 0;
            return 1;
        }
        o->il = fz_col(f, n, "lat");
        o->io = fz_col(f, n, "lon");
        o->ip = fz_col(f, n, "pop_max");
        if (o->ip < 0)
            o->ip = fz_col(f, n, "pop");
        if (o->il < 0 || o->io < 0 || o->ip < 0) {
            o->ok = 0;
            return 1;
        }
        return 0;
    }
    double la, lo, p;
    if ((size_t)o->il >= n || (size_t)o->io >= n || (size_t)o->ip >= n ||
        !fz_num(f[o->il], -90, 90, &la) || !fz_num(f[o->io], -180, 180, &lo) ||
        !fz_num(f[o->ip], 0, 1e10, &p)) {
        o->ok = 0;
        return 1;
    }
    if (p <= 0)
        return 0;
    if (o->n + 3 > o->cap) {
        o->cap = o->cap ? 2 * o->cap : 48;
        o->v = realloc(o->v, o->cap * sizeof *o->v);
        if (!o->v)
            abort();
    }
    o->v[o->n++] = la;
    o->v[o->n++] = lo;
    o->v[o->n++] = p;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *t = (const char *)data;
    oracle o = {-1, -1, -1, 0, 1, NULL, 0, 0};
    ln_diag d;
    ln_diag_clear(&d);
    int crc = ln_csv_parse(t, size, "fuzz.csv", judge, &o, &d);
    if (crc == LN_ENOMEM) {
        free(o.v);
        return 0;
    }
    int want = crc == 0 && o.ok && o.header;
    ln_weight_point *p = NULL;
    size_t n = 0;
    ln_diag_clear(&d);
    int rc = ln_sim_places_parse(t, size, "fuzz.csv", 15, &p, &n, &d);
    if (rc == LN_ENOMEM) {
        free(o.v);
        return 0;
    }
    if ((rc == 0) != want)
        abort();
    if (rc) {
        if (!d.msg[0] || d.line < 1)
            abort();
    } else {
        if (3 * n != o.n)
            abort();
        for (size_t i = 0; i < n; i++) {
            double la = o.v[3 * i], lo = o.v[3 * i + 1], pop = o.v[3 * i + 2];
            if (p[i].lat_rad != la * LN_DEG2RAD ||
                p[i].lon_rad != lo * LN_DEG2RAD || p[i].weight != pop ||
                p[i].sigma_km != 15 * sqrt(pop / 1e6) + 2.0 ||
                !isfinite(p[i].sigma_km))
                abort();
        }
    }
    ln_free(p);
    free(o.v);
    return 0;
}
