/*
 * fuzz_cell.c - libFuzzer harness for the H3 cell-id readers: the id
 * string parser (ln_cell_from_string) and the cell-id list / zone file
 * parser (ln_cell_parse_list, what ln_cell_read_file and
 * ln_zoneset_add_cells_file read). Every cell they accept is then used:
 * printed back (must round-trip), centred, outlined, walked to its parent
 * and neighbours; a parsed list is outlined as one zone. The first 17
 * bytes, read as two doubles and a resolution, also go through
 * ln_cell_from_latlon, whose cells must be valid. Any crash, leak,
 * sanitizer report or broken invariant (abort) fails.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "leonet/cell.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Uses a cell the parsers accepted; aborts on a broken invariant. */
static void use_cell(ln_cell c)
{
    char buf[LN_CELL_STRLEN];
    ln_cell back;
    ln_cell_to_string(c, buf, sizeof buf);
    if (ln_cell_from_string(buf, &back) != 0 || back != c)
        abort();
    double la, lo;
    if (ln_cell_center(c, &la, &lo) != 0 || !isfinite(la) || !isfinite(lo))
        abort();
    ln_cell again;
    if (ln_cell_from_latlon(la, lo, ln_cell_res(c), &again) != 0 ||
        again != c)
        abort(); /* a cell's centre lies in the cell */
    ln_cell_boundary b;
    if (ln_cell_boundary_of(c, &b) != 0 || b.n < 5 ||
        b.n > LN_CELL_MAX_VERTS)
        abort();
    ln_cell p;
    if (ln_cell_res(c) > 0 &&
        (ln_cell_parent(c, ln_cell_res(c) - 1, &p) != 0 ||
         !ln_cell_is_valid(p)))
        abort();
    ln_cell nb[6];
    int nn;
    if (ln_cell_neighbors(c, nb, &nn) != 0 || nn < 5 || nn > 6)
        abort();
    ln_cell disk[19];
    size_t nd;
    if (ln_cell_disk(c, 2, disk, NULL, 19, &nd) != 0 || nd < 1 ||
        disk[0] != c)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* one id: the input as a NUL-terminated string */
    if (size <= 64) {
        char s[65];
        memcpy(s, data, size);
        s[size] = '\0';
        ln_cell c;
        int st = ln_cell_from_string(s, &c);
        if (st == 0)
            use_cell(c);
        else if (c != 0)
            abort(); /* failure leaves 0 */
    }
    /* a list of ids, one per line */
    ln_cell *cells;
    size_t n;
    ln_diag d;
    if (ln_cell_parse_list((const char *)data, size, "fuzz", &cells, &n,
                           &d) == 0) {
        size_t m = n < 16 ? n : 16;
        for (size_t i = 0; i < m; i++)
            use_cell(cells[i]);
        /* the zone made from them (ln_zoneset_add_cells outlines them);
         * bounded so that a long list does not time out */
        ln_cell_poly *polys;
        size_t np;
        if (m > 0 && ln_cell_outline(cells, m, &polys, &np) == 0)
            ln_cell_polys_free(polys, np);
        ln_free(cells);
    }
    /* the hot path on arbitrary doubles */
    if (size >= 17) {
        double la, lo;
        memcpy(&la, data, sizeof la);
        memcpy(&lo, data + 8, sizeof lo);
        int res = data[16] % 17; /* 16: out of range */
        ln_cell c;
        int st = ln_cell_from_latlon(la, lo, res, &c);
        if (st == 0 && !ln_cell_is_valid(c))
            abort();
        if (st == 0)
            use_cell(c);
    }
    return 0;
}
