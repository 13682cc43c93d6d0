/*
 * test_cell_oracle.c - leonet's H3 cells against h3-js (the reference),
 * which tests/geo/cell_oracle/oracle.js runs and streams as binary
 * records.
 *
 * Checks: ids of random points at every resolution 0..15 (exact), ids of
 * points on and near icosahedron edges and vertices, outlines (vertex
 * count exact, vertices within 1e-9 rad), grid disks and parent/children
 * (same sets), all 192 pentagons. Without arguments a quick run (a few
 * 10^4 points, for every build including ASan); with "full" as argument
 * 1 million points at each of the 16 resolutions and more of the rest
 * (registered by tests/geo/cell.cmake with label slow).
 * Needs node and tests/geo/cell_oracle/node_modules (npm ci; the cmake
 * fixture geo_cell_oracle_npm runs it).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <math.h>

#include "leonet/cell.h"

static int full;
#define ORACLE LN_TEST_DATA "/../geo/cell_oracle/oracle.js"

static FILE *oracle(const char *mode, long n, int seed)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "node '%s' %s %ld %d", ORACLE, mode, n, seed);
    FILE *f = popen(cmd, "r");
    if (!f)
        fail_msg("cannot run %s", cmd);
    return f;
}

static void oracle_close(FILE *f)
{
    int st = pclose(f);
    if (st != 0)
        fail_msg("oracle.js exited with status %d (node_modules missing? "
                 "run npm ci in tests/geo/cell_oracle)", st);
}

static int rd(FILE *f, void *p, size_t n)
{
    return fread(p, 1, n, f) == n;
}

static double d2r(double d) { return d * M_PI / 180.0; }

/* odd_only: compare Class III resolutions only (see ids_edges_exact) */
static void check_ids(const char *mode, long n, int seed, int odd_only)
{
    FILE *f = oracle(mode, n, seed);
    double ll[2];
    uint64_t want[16];
    long pts = 0, bad = 0;
    while (rd(f, ll, sizeof ll)) {
        assert_true(rd(f, want, sizeof want));
        pts++;
        for (int r = odd_only; r <= 15; r += 1 + odd_only) {
            ln_cell got;
            int st = ln_cell_from_latlon_deg(ll[0], ll[1], r, &got);
            if (st || got != want[r]) {
                if (bad++ < 10)
                    fprintf(stderr,
                            "%s: lat %.17g lon %.17g res %d: want %015" PRIx64
                            " got %015" PRIx64 " (status %d)\n",
                            mode, ll[0], ll[1], r, want[r], got, st);
            }
        }
    }
    oracle_close(f);
    fprintf(stderr, "%s: %ld points x %d resolutions, %ld mismatches\n",
            mode, pts, odd_only ? 8 : 16, bad);
    assert_int_equal(pts, n);
    assert_int_equal(bad, 0);
}

static void ids_random(void **state)
{
    (void)state;
    check_ids("ids", full ? 1000000 : 20000, 1, 0);
}

static void ids_edges(void **state)
{
    (void)state;
    check_ids("edges", full ? 200000 : 6000, 2, 0);
}

/* Points exactly on an icosahedron edge (to rounding). At Class II
 * resolutions the face edges are cell edges, so such a point is a tie
 * between two cells that the last bit of the face-centre constants
 * decides; at Class III resolutions the face edges cross cells, and the
 * answer must be exact. */
static void ids_edges_exact(void **state)
{
    (void)state;
    check_ids("edges-exact", full ? 100000 : 3000, 6, 1);
}

static double ang(double la1, double lo1, double la2, double lo2)
{
    double a = sin((la2 - la1) / 2), b = sin((lo2 - lo1) / 2);
    return 2 * asin(sqrt(a * a + cos(la1) * cos(la2) * b * b));
}

static void boundaries(void **state)
{
    (void)state;
    long n = full ? 300000 : 20000;
    FILE *f = oracle("bnd", n, 3);
    uint64_t id;
    double nv, v[20];
    long cells = 0, bad = 0;
    double worst = 0;
    while (rd(f, &id, 8)) {
        assert_true(rd(f, &nv, 8) && rd(f, v, sizeof v));
        cells++;
        ln_cell_boundary b;
        int st = ln_cell_boundary_of(id, &b);
        int ok = st == 0 && b.n == (int)nv;
        for (int i = 0; ok && i < b.n; i++) {
            double e = ang(b.lat_rad[i], b.lon_rad[i], d2r(v[2 * i]),
                           d2r(v[2 * i + 1]));
            if (e > worst)
                worst = e;
            ok = e <= 1e-9;
        }
        if (!ok && bad++ < 10) {
            fprintf(stderr, "bnd %015" PRIx64 ": want %d verts, got %d (st %d)\n",
                    id, (int)nv, b.n, st);
            for (int i = 0; i < (int)nv || i < b.n; i++)
                fprintf(stderr, "  %d want %.12f %.12f got %.12f %.12f\n", i,
                        i < nv ? v[2 * i] : 0, i < nv ? v[2 * i + 1] : 0,
                        i < b.n ? b.lat_rad[i] * 180 / M_PI : 0,
                        i < b.n ? b.lon_rad[i] * 180 / M_PI : 0);
        }
    }
    oracle_close(f);
    fprintf(stderr, "bnd: %ld cells (incl. 192 pentagons), %ld mismatches, "
            "worst vertex %.3g rad\n", cells, bad, worst);
    assert_int_equal(cells, n + 192);
    assert_int_equal(bad, 0);
}

static int cmp_cell(const void *a, const void *b)
{
    ln_cell x = *(const ln_cell *)a, y = *(const ln_cell *)b;
    return x < y ? -1 : x > y;
}

/* reads count + list; returns ln_malloc'd sorted list */
static ln_cell *read_list(FILE *f, uint64_t *cnt)
{
    assert_true(rd(f, cnt, 8));
    ln_cell *l = malloc((*cnt + 1) * 8);
    assert_non_null(l);
    assert_true(rd(f, l, *cnt * 8));
    qsort(l, *cnt, 8, cmp_cell);
    return l;
}

static int same(const ln_cell *a, size_t na, const ln_cell *b, size_t nb)
{
    return na == nb && memcmp(a, b, na * 8) == 0;
}

static void disks(void **state)
{
    (void)state;
    long n = full ? 100000 : 3000;
    FILE *f = oracle("disk", n, 4);
    uint64_t id, k, cnt;
    long recs = 0, bad = 0;
    ln_cell got[64];
    while (rd(f, &id, 8)) {
        assert_true(rd(f, &k, 8));
        ln_cell *want = read_list(f, &cnt);
        recs++;
        size_t ng;
        int st = ln_cell_disk(id, (int)k, got, NULL, 64, &ng);
        qsort(got, ng, 8, cmp_cell);
        if ((st || !same(want, cnt, got, ng)) && bad++ < 10)
            fprintf(stderr, "disk %015" PRIx64 " k %d: want %d cells, got "
                    "%zu (st %d)\n", id, (int)k, (int)cnt, ng, st);
        free(want);
    }
    oracle_close(f);
    fprintf(stderr, "disk: %ld disks (incl. pentagons k 1..3), %ld "
            "mismatches\n", recs, bad);
    assert_int_equal(recs, n + 192 * 3);
    assert_int_equal(bad, 0);
}

static void hierarchy(void **state)
{
    (void)state;
    long n = full ? 100000 : 5000;
    FILE *f = oracle("hier", n, 5);
    uint64_t id, pres, parent, cres, cnt;
    long recs = 0, bad = 0;
    size_t cap = 400;
    ln_cell *got = malloc(cap * 8);
    while (rd(f, &id, 8)) {
        assert_true(rd(f, &pres, 8) && rd(f, &parent, 8) && rd(f, &cres, 8));
        ln_cell *want = read_list(f, &cnt);
        recs++;
        ln_cell p;
        size_t ng;
        int st = ln_cell_parent(id, (int)pres, &p);
        int st2 = ln_cell_children(id, (int)cres, got, cap, &ng);
        qsort(got, ng, 8, cmp_cell);
        int ok = !st && !st2 && p == parent && same(want, cnt, got, ng) &&
                 ln_cell_children_count(id, (int)cres) == cnt;
        if (!ok && bad++ < 10)
            fprintf(stderr, "hier %015" PRIx64 ": parent@%d want %015" PRIx64
                    " got %015" PRIx64 "; children@%d want %d got %zu\n",
                    id, (int)pres, parent, p, (int)cres, (int)cnt, ng);
        free(want);
    }
    free(got);
    oracle_close(f);
    fprintf(stderr, "hier: %ld cells (incl. 192 pentagons), %ld "
            "mismatches\n", recs, bad);
    assert_int_equal(recs, n + 192);
    assert_int_equal(bad, 0);
}

int main(int argc, char **argv)
{
    full = argc > 1 && strcmp(argv[1], "full") == 0;
    const char *only = argc > 2 ? argv[2] : NULL;
    const struct CMUnitTest all[] = {
        cmocka_unit_test(ids_random), cmocka_unit_test(ids_edges),
        cmocka_unit_test(ids_edges_exact),
        cmocka_unit_test(boundaries), cmocka_unit_test(disks),
        cmocka_unit_test(hierarchy),
    };
    if (only) {
        for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
            if (strstr(all[i].name, only))
                return _cmocka_run_group_tests(all[i].name, &all[i], 1, NULL,
                                               NULL);
        fprintf(stderr, "no test named %s\n", only);
        return 2;
    }
    return cmocka_run_group_tests(all, NULL, NULL);
}
