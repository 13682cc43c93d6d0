/*
 * test_cell.c - H3 cells: the facts of the grid from H3's documentation
 * (122 base cells, 12 pentagons per resolution, 7 or 6 children, disk
 * sizes), cell ids of the Starlink file (published by SpaceX, made with
 * H3) as text, validation, cell-id lists, outlines with holes, and
 * allocation failures. The comparison with h3-js itself is in
 * test_cell_oracle.c; the zone glue in test_cell_zone.c.
 */
#define _POSIX_C_SOURCE 200809L /* mkstemp */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <math.h>

#include "leonet/cell.h"

#define STARLINK LN_TEST_DATA "/geo/starlink_blacklisted_cells_h3r5.txt"

static ln_cell res0(int base)
{
    /* mode 1, res 0, base cell, all digits 7 (H3 index layout) */
    return ((ln_cell)1 << 59) | ((ln_cell)base << 45) |
           UINT64_C(0x1fffffffffff);
}

static void base_cells_and_pentagons(void **state)
{
    (void)state;
    int pent = 0;
    for (int b = 0; b < 122; b++) {
        assert_true(ln_cell_is_valid(res0(b)));
        assert_int_equal(ln_cell_base(res0(b)), b);
        pent += ln_cell_is_pentagon(res0(b));
    }
    assert_false(ln_cell_is_valid(res0(122)));
    assert_int_equal(pent, 12);
    /* 12 pentagons at every resolution: the centre child of each */
    for (int b = 0; b < 122; b++) {
        if (!ln_cell_is_pentagon(res0(b)))
            continue;
        ln_cell kids[8];
        size_t n;
        assert_int_equal(ln_cell_children(res0(b), 1, kids, 8, &n), 0);
        assert_int_equal(n, 6);
        assert_true(ln_cell_is_pentagon(kids[0]));
        for (size_t i = 1; i < n; i++)
            assert_false(ln_cell_is_pentagon(kids[i]));
        /* the deleted K sub-sequence is not a valid cell */
        ln_cell k = (kids[0] & ~((ln_cell)7 << 42)) | ((ln_cell)1 << 42);
        assert_false(ln_cell_is_valid(k));
        ln_cell d[8];
        assert_int_equal(ln_cell_disk(kids[0], 1, d, NULL, 8, &n), 0);
        assert_int_equal(n, 6);
    }
}

static void starlink_ids_as_text(void **state)
{
    (void)state;
    FILE *f = fopen(STARLINK, "r");
    assert_non_null(f);
    char line[64];
    int n = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        ln_cell c;
        char buf[LN_CELL_STRLEN];
        assert_int_equal(ln_cell_from_string(line, &c), 0);
        assert_string_equal(ln_cell_to_string(c, buf, sizeof buf), line);
        assert_int_equal(ln_cell_res(c), 5);
        /* the cell contains its own centre */
        double la, lo;
        ln_cell back;
        assert_int_equal(ln_cell_center(c, &la, &lo), 0);
        assert_int_equal(ln_cell_from_latlon(la, lo, 5, &back), 0);
        assert_true(back == c);
        /* 7 children, 19 cells within 2 steps (no pentagon near) */
        assert_int_equal(ln_cell_children_count(c, 6), 7);
        ln_cell d[19];
        size_t nd;
        assert_int_equal(ln_cell_disk(c, 2, d, NULL, 19, &nd), 0);
        assert_int_equal(nd, 19);
        n++;
    }
    fclose(f);
    assert_int_equal(n, 297);
}

static void string_validation(void **state)
{
    (void)state;
    ln_cell c;
    assert_int_equal(ln_cell_from_string("8511920bfffffff", &c), 0);
    assert_int_equal(ln_cell_from_string("0x8511920BFFFFFFF", &c), 0);
    assert_int_equal(ln_cell_from_string("", &c), LN_EPARSE);
    assert_int_equal(ln_cell_from_string("8511920bfffffffg", &c), LN_EPARSE);
    assert_int_equal(ln_cell_from_string("85119 20bfffffff", &c), LN_EPARSE);
    assert_int_equal(ln_cell_from_string("8511920bfffffff00", &c),
                     LN_EPARSE);
    /* mode 2 (an edge), a reserved bit, resolution 13 with digits 7,
     * digit 7 inside the resolution, base cell 127, zero */
    assert_int_equal(ln_cell_from_string("10511920bfffffff", &c), LN_ECELL);
    assert_int_equal(ln_cell_from_string("9511920bfffffff", &c), LN_ECELL);
    assert_int_equal(ln_cell_from_string("8d11920bfffffff", &c), LN_ECELL);
    assert_int_equal(ln_cell_from_string("8511d20bfffffff", &c), LN_ECELL);
    assert_int_equal(ln_cell_from_string("85ff920bfffffff", &c), LN_ECELL);
    assert_int_equal(ln_cell_from_string("0", &c), LN_ECELL);
    assert_int_equal(ln_cell_from_latlon(0.5, 0.5, 16, &c), LN_ERANGE);
    assert_int_equal(ln_cell_from_latlon(NAN, 0.5, 5, &c), LN_EINVAL);
    assert_int_equal(ln_cell_from_latlon(0.5, INFINITY, 5, &c), LN_EINVAL);
    /* longitudes past +-pi wrap */
    ln_cell a, b;
    assert_int_equal(ln_cell_from_latlon(0.3, 0.2, 9, &a), 0);
    assert_int_equal(ln_cell_from_latlon(0.3, 0.2 + 2 * LN_PI, 9, &b), 0);
    assert_true(a == b);
}

static void list_parsing(void **state)
{
    (void)state;
    const char ok[] = "# comment\r\n8511920bfffffff\r\n\n  85119213fffffff \n";
    ln_cell *c;
    size_t n;
    ln_diag d;
    ln_diag_clear(&d);
    assert_int_equal(ln_cell_parse_list(ok, strlen(ok), "x", &c, &n, &d), 0);
    assert_int_equal(n, 2);
    ln_free(c);
    const char bad[] = "8511920bfffffff\nnot-a-cell\n";
    assert_int_equal(ln_cell_parse_list(bad, strlen(bad), "y", &c, &n, &d),
                     LN_EPARSE);
    assert_int_equal(d.line, 2);
    const char bad2[] = "8511920bfffffff\n\n8511d20bfffffff\n";
    assert_int_equal(ln_cell_parse_list(bad2, strlen(bad2), "z", &c, &n, &d),
                     LN_ECELL);
    assert_int_equal(d.line, 3);
    assert_int_equal(ln_cell_read_file("/nonexistent/cells.txt", &c, &n, &d),
                     LN_EIO);
}

static void outline_with_hole(void **state)
{
    (void)state;
    ln_cell c, d[19];
    size_t n;
    assert_int_equal(ln_cell_from_string("8511920bfffffff", &c), 0);
    assert_int_equal(ln_cell_disk(c, 2, d, NULL, 19, &n), 0);
    /* drop the centre: a ring of 18 cells around a hole */
    ln_cell_poly *p;
    size_t np;
    assert_int_equal(ln_cell_outline(d + 1, 18, &p, &np), 0);
    assert_int_equal(np, 1);
    assert_int_equal(p[0].nrings, 2);
    assert_int_equal(p[0].rings[1].n, 6); /* the hole is the centre cell */
    ln_cell_boundary b;
    ln_cell_boundary_of(c, &b);
    for (size_t i = 0; i < 6; i++) {
        int found = 0;
        for (int k = 0; k < b.n; k++)
            found |= fabs(p[0].rings[1].lat_rad[i] - b.lat_rad[k]) < 1e-12 &&
                     fabs(p[0].rings[1].lon_rad[i] - b.lon_rad[k]) < 1e-12;
        assert_true(found);
    }
    /* 2 rings of a disk: outer ring 6 * (2 * 2 + 1) = 30 vertices */
    assert_int_equal(p[0].rings[0].n, 30);
    ln_cell_polys_free(p, np);
    /* and with the centre back: no hole */
    assert_int_equal(ln_cell_outline(d, 19, &p, &np), 0);
    assert_int_equal(np, 1);
    assert_int_equal(p[0].nrings, 1);
    ln_cell_polys_free(p, np);
}

/* Cells across the antimeridian (65 N, 179.9 E, resolution 3): one cell
 * is one polygon of one ring, its own vertices; the cell with its six
 * neighbours (a disk of 7, no hole) is one polygon of one ring too. The
 * ring's longitude jumps by ~2 pi at 180 deg; it was taken for a hole
 * with no outer ring and the outline came back empty. */
static void outline_antimeridian(void **state)
{
    (void)state;
    const double dg = LN_PI / 180.0;
    ln_cell c, d[7];
    size_t n;
    assert_int_equal(ln_cell_from_latlon(65.0 * dg, 179.9 * dg, 3, &c), 0);
    ln_cell_boundary b;
    assert_int_equal(ln_cell_boundary_of(c, &b), 0);
    int crosses = 0;
    for (int k = 0; k < b.n; k++)
        crosses |= fabs(b.lon_rad[(k + 1) % b.n] - b.lon_rad[k]) > LN_PI;
    assert_true(crosses); /* the test's premise */
    ln_cell_poly *p;
    size_t np;
    assert_int_equal(ln_cell_outline(&c, 1, &p, &np), 0);
    assert_int_equal(np, 1);
    assert_int_equal(p[0].nrings, 1);
    assert_int_equal((int)p[0].rings[0].n, b.n);
    ln_cell_polys_free(p, np);
    assert_int_equal(ln_cell_disk(c, 1, d, NULL, 7, &n), 0);
    assert_int_equal(n, 7);
    assert_int_equal(ln_cell_outline(d, 7, &p, &np), 0);
    assert_int_equal(np, 1);
    assert_int_equal(p[0].nrings, 1);
    ln_cell_polys_free(p, np);
}

static void outline_alloc_failures(void **state)
{
    (void)state;
    ln_cell *cells;
    size_t n;
    ln_diag d;
    assert_int_equal(ln_cell_read_file(STARLINK, &cells, &n, &d), 0);
    for (long k = 1; k < 200; k++) {
        ln_cell_poly *p = NULL;
        size_t np = 0;
        ln_alloc_fail_after(k);
        int st = ln_cell_outline(cells, n, &p, &np);
        ln_alloc_fail_after(0);
        if (st == 0) {
            ln_cell_polys_free(p, np);
            break;
        }
        assert_int_equal(st, LN_ENOMEM);
    }
    ln_free(cells);
}

/* leonet cell --points: quoted ids (a comma inside), CRLF, a blank line,
 * spaces around fields; cells as h3-js 4 latLngToCell gives them. */
static void cli_points(void **state)
{
    (void)state;
    if (access(LN_CLI, X_OK) != 0) {
        skip();
        return;
    }
    char in[] = "/tmp/ln_cellpts_XXXXXX";
    int fd = mkstemp(in);
    assert_true(fd >= 0);
    const char *csv = "lat,id,lon\r\n"
                      "50.45,\"Kyiv, UA\",30.52\r\n"
                      "\r\n"
                      " -33.8688 ,sydney, 151.2093\r\n"
                      "46.63254,\"say \"\"x\"\"\",32.60066\r\n";
    assert_int_equal(write(fd, csv, strlen(csv)), (long)strlen(csv));
    close(fd);
    char out[64], cmd[512];
    snprintf(out, sizeof out, "%s.out", in);
    snprintf(cmd, sizeof cmd, "%s cell --res 5 --points %s --output %s",
             LN_CLI, in, out);
    assert_int_equal(system(cmd), 0);
    FILE *f = fopen(out, "r");
    assert_non_null(f);
    char buf[1024] = {0};
    size_t r = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[r] = '\0';
    assert_string_equal(buf,
                        "id,lat,lon,cell\n"
                        "\"Kyiv, UA\",50.45,30.52,851e6387fffffff\n"
                        "sydney,-33.8688,151.2093,85be0e37fffffff\n"
                        "\"say \"\"x\"\"\",46.63254,32.60066,851e4a9bfffffff\n");
    /* a header without lon, and an unterminated quote: exit 2 */
    f = fopen(in, "w");
    fputs("id,lat\n1,2\n", f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "%s cell --res 5 --points %s 2>/dev/null",
             LN_CLI, in);
    assert_int_equal(WEXITSTATUS(system(cmd)), 2);
    f = fopen(in, "w");
    fputs("id,lat,lon\n\"open,1,2\n", f);
    fclose(f);
    assert_int_equal(WEXITSTATUS(system(cmd)), 2);
    remove(in);
    remove(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(base_cells_and_pentagons),
        cmocka_unit_test(starlink_ids_as_text),
        cmocka_unit_test(string_validation),
        cmocka_unit_test(list_parsing),
        cmocka_unit_test(outline_with_hole),
        cmocka_unit_test(outline_antimeridian),
        cmocka_unit_test(outline_alloc_failures),
        cmocka_unit_test(cli_points),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
