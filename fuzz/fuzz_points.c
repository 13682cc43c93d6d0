/*
 * fuzz_points.c - libFuzzer harness for the meaning of a points CSV
 * (geofence --points, cell --points; src/cli/points.c, compiled in): the
 * input read by the CSV reader, its first record as the header (id, lat,
 * lon in any order), the others as points.
 *
 * Checks: a refused header or row has a message; an accepted point has
 * finite lat in [-90, 90] and lon in [-180, 180] and the id of its
 * column; written back with %.17g it reads back to the same numbers.
 */
#include "../src/cli/points.c"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct st {
    ln_cli_points_cols c;
    int header;
} st;

static int row(void *user, char **f, size_t n, long line)
{
    st *s = user;
    char err[200] = "";
    (void)line;
    if (!s->header) {
        if (ln_cli_points_header(f, n, &s->c, err, sizeof err)) {
            if (!err[0])
                abort();
            return 1; /* stop: as the verbs do */
        }
        if (s->c.need > n || s->c.id < 0 || s->c.lat < 0 || s->c.lon < 0)
            abort();
        s->header = 1;
        return 0;
    }
    const char *id;
    double la, lo;
    if (ln_cli_points_row(&s->c, f, n, &id, &la, &lo, err, sizeof err)) {
        if (!err[0])
            abort();
        return 0;
    }
    if (!(la >= -90 && la <= 90 && lo >= -180 && lo <= 180) ||
        id != f[s->c.id])
        abort();
    /* round trip through text */
    char bl[40], bo[40];
    snprintf(bl, sizeof bl, "%.17g", la);
    snprintf(bo, sizeof bo, "%.17g", lo);
    ln_cli_points_cols c3 = {0, 1, 2, 3};
    char idb[] = "x";
    char *h[3] = {idb, bl, bo};
    double la2, lo2;
    const char *id2;
    if (ln_cli_points_row(&c3, h, 3, &id2, &la2, &lo2, err, sizeof err) ||
        la2 != la || lo2 != lo)
        abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    st s;
    memset(&s, 0, sizeof s);
    ln_diag d;
    (void)ln_csv_parse((const char *)data, size, "fuzz", row, &s, &d);
    return 0;
}
