/*
 * test_failures.c - failures and jamming against hand-computed outcomes.
 *
 * The square of test_graph.c, with S1 pulled 10 km towards S0 (km):
 *   S0 (0,0,7000)  S1 (990,0,7000)  S2 (1000,1000,7000)  S3 (0,1000,7000)
 *   ISLs 0-1 (990), 1-2 (sqrt(10^2 + 1000^2)), 2-3 (1000), 0-3 (1000)
 *   G0 (0,0,6400) sees S0 at 600 km; G1 (1000,1000,6300) sees S2 at 700.
 * G0 -> G1: via S1 600 + 990 + 1000.04999875 + 700 = 3290.05 km, via S3
 * 600 + 1000 + 1000 + 700 = 3300 km. Cutting ISL 1-2 must move the route
 * to S3; S3 down as well leaves no route.
 * With time windows, the same cut only on [10, 20) s.
 * Jamming: G1 is at lon 45 deg, lat ~77.4 deg (geodetic); G0 at the north
 * pole. A jam polygon lon 40..50, lat 70..85 covers G1 only: G1 then has
 * no GSL, so no path ends there; the nearest-gateway query sends every
 * satellite to G0 (S2: by S1, 1000.05 + 990 + 600 km, shorter than by S3,
 * 1000 + 1000 + 600).
 * The CLI part runs `leonet route` on the Starlink 550 shell from
 * Portland (45.5 N, 122.7 W) with gateways Seattle (gw0, 230 km away) and
 * Montreal (gw1, 3,700 km): Seattle is the nearest gateway at every step
 * unless it is jammed or failed.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "leonet/net.h"
#include "net_test.h"

static const double SX[4] = {0, 990, 1000, 0};

static ln_net *square(void)
{
    ln_net *n = square_net();
    return n;
}

static char *temp_file(const char *text)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/ln_net_ftXXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static void test_isl_cut_path(void **state)
{
    (void)state;
    ln_net *n = square();
    ln_net_work *w;
    assert_int_equal(ln_net_work_new(n, &w), 0);
    int32_t sats[8];
    ln_net_route r;
    const double via1 = 600.0 + 990.0 + sqrt(10.0 * 10.0 + 1000.0 * 1000.0) +
                        700.0;

    assert_int_equal(ln_net_update(n, SX, SY, SZ, NULL), 0);
    assert_int_equal(ln_net_route_gs(n, w, 0, 1, sats, 8, &r), 0);
    assert_int_equal(r.nsats, 3);
    assert_int_equal(sats[0], 0);
    assert_int_equal(sats[1], 1);
    assert_int_equal(sats[2], 2);
    assert_int_equal(r.hops, 4);
    assert_double_equal(r.km, via1, 1e-9);

    /* the failure file cuts ISL 1-2 (written the other way round) */
    uint8_t sd[4] = {0}, gd[2] = {0}, cut[4] = {0};
    ln_diag d;
    char *p = temp_file("# cut the short side\nisl 2 1\n");
    assert_int_equal(ln_net_fail_read(p, 4, 2, SQ, 4, sd, gd, cut, &d), 0);
    unlink(p);
    assert_int_equal(cut[1], 1);
    ln_net_fail fl = {sd, gd, cut};
    assert_int_equal(ln_net_update(n, SX, SY, SZ, &fl), 0);
    assert_int_equal(ln_net_route_gs(n, w, 0, 1, sats, 8, &r), 0);
    assert_int_equal(r.nsats, 3);
    assert_int_equal(sats[0], 0);
    assert_int_equal(sats[1], 3);
    assert_int_equal(sats[2], 2);
    assert_double_equal(r.km, 3300.0, 1e-9);
    assert_double_equal(r.rtt_ms, 2.0 * 3300.0 / 299792.458 * 1e3, 1e-12);

    /* and S3 down: S0 and S2 are cut apart */
    sd[3] = 1;
    assert_int_equal(ln_net_update(n, SX, SY, SZ, &fl), 0);
    assert_int_equal(ln_net_route_gs(n, w, 0, 1, sats, 8, &r), LN_ENOROUTE);
    assert_true(isinf(r.km));

    /* the gateway G1 down: no route either, even with all ISLs up */
    memset(sd, 0, sizeof sd);
    memset(cut, 0, sizeof cut);
    gd[1] = 1;
    assert_int_equal(ln_net_update(n, SX, SY, SZ, &fl), 0);
    assert_int_equal(ln_net_route_gs(n, w, 0, 1, sats, 8, &r), LN_ENOROUTE);
    ln_net_work_free(w);
    ln_net_free(n);
}

/* Time windows: ISL 1-2 cut on [10, 20) s, G1 down from 30 s on. */
static void test_fail_windows(void **state)
{
    (void)state;
    ln_net *n = square();
    ln_net_work *w;
    assert_int_equal(ln_net_work_new(n, &w), 0);
    static const char txt[] = "isl 2 1 from 10 until 20  # maintenance\n"
                              "gs 1 from 30\n"
                              "sat 3 until 1e-3\n";
    ln_net_failset *fs;
    ln_diag d;
    assert_int_equal(ln_net_failset_parse(txt, strlen(txt), "f", 4, 2, SQ, 4,
                                          &fs, &d), 0);
    assert_int_equal(ln_net_failset_count(fs), 3);
    const double t[6] = {0.5, 9.999, 10.0, 19.999, 20.0, 30.0};
    const int32_t via[6] = {1, 1, 3, 3, 1, -1}; /* second satellite */
    for (int k = 0; k < 6; k++) {
        uint8_t sd[4] = {0}, gd[2] = {0}, cut[4] = {0};
        ln_net_failset_apply(fs, t[k], sd, gd, cut);
        assert_int_equal(sd[3], 0); /* sat 3 only before 1 ms */
        ln_net_fail fl = {sd, gd, cut};
        assert_int_equal(ln_net_update(n, SX, SY, SZ, &fl), 0);
        int32_t sats[8];
        ln_net_route r;
        int rc = ln_net_route_gs(n, w, 0, 1, sats, 8, &r);
        if (via[k] < 0) {
            assert_int_equal(rc, LN_ENOROUTE);
        } else {
            assert_int_equal(rc, 0);
            assert_int_equal(r.nsats, 3);
            assert_int_equal(sats[1], via[k]);
        }
    }
    uint8_t sd[4] = {0};
    assert_int_equal(ln_net_failset_apply(fs, 0.0, sd, NULL, NULL), 1);
    assert_int_equal(sd[3], 1);
    ln_net_failset_free(fs);

    /* errors name the line */
    static const char *const bad[] = {
        "sat 1\nsat 4\n",              /* index out of range */
        "sat 1\nsat 1 from x\n",       /* bad time */
        "sat 1\nsat 1 from 5 until 5\n", /* empty window */
        "sat 1\nisl 0 2\n",            /* no such ISL */
        "sat 1\nsatellite 1\n",        /* unknown kind */
        "sat 1\nsat 1 2\n",            /* trailing junk */
        "sat 1\nsat 1 from nan\n",     /* not finite */
        "sat 1\nsat 1 until inf\n",
        "sat 1\nsat 1 from 1e999\n",
        "sat 1\nsat 99999999999999999999\n", /* beyond a long */
        "sat 1\nsat 1 from 5 from 6\n",      /* which one? */
        "sat 1\nsat 1 until 9 from 1 until 8\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        fs = NULL;
        assert_int_equal(ln_net_failset_parse(bad[i], strlen(bad[i]), "f", 4,
                                              2, SQ, 4, &fs, &d),
                         LN_EPARSE);
        assert_null(fs);
        assert_int_equal(d.line, 2);
    }
    /* a UTF-8 byte order mark before the first item is not part of it */
    static const char bom[] = "\xEF\xBB\xBFsat 1\n";
    assert_int_equal(ln_net_failset_parse(bom, strlen(bom), "f", 4, 2, SQ, 4,
                                          &fs, &d), 0);
    assert_int_equal(ln_net_failset_count(fs), 1);
    ln_net_failset_free(fs);
    /* the window-less reader refuses windows */
    char *p = temp_file("sat 1 from 3\n");
    uint8_t s2[4] = {0};
    assert_int_equal(ln_net_fail_read(p, 4, 2, SQ, 4, s2, NULL, NULL, &d),
                     LN_EPARSE);
    unlink(p);
    ln_net_work_free(w);
    ln_net_free(n);
}

static const char JAM[] =
    "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\","
    "\"properties\":{\"name\":\"j\",\"valid_from\":\"2026-01-01T00:00:00Z\","
    "\"valid_until\":\"2026-01-01T01:00:00Z\"},"
    "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[40,70],[50,70],"
    "[50,85],[40,85],[40,70]]]}}]}";

static void test_jam_gateway(void **state)
{
    (void)state;
    ln_net *n = square();
    ln_net_work *w;
    assert_int_equal(ln_net_work_new(n, &w), 0);
    ln_net_jam *zs;
    ln_diag d;
    assert_int_equal(ln_net_jam_parse(JAM, strlen(JAM), "jam", &zs, &d), 0);
    assert_int_equal(ln_net_jam_count(zs), 1);
    assert_int_equal(ln_net_jam_contains_deg(zs, 75.0, 40.0, NAN), 1);
    assert_int_equal(ln_net_jam_contains_deg(zs, 75.0, 39.9, NAN), 0);
    double t_in = ln_time_from_utc(2026, 1, 1, 0, 30, 0);
    double t_out = ln_time_from_utc(2026, 1, 1, 2, 0, 0);
    double dist[4];
    int32_t next[4], gw[4];

    /* outside the window: nothing jammed, S2 goes straight down to G1 */
    uint8_t gd[2] = {0, 0};
    assert_int_equal(ln_net_jam_apply(n, zs, t_out, gd), 0);
    assert_int_equal(gd[1], 0);
    ln_net_fail fl = {NULL, gd, NULL};
    assert_int_equal(ln_net_update(n, SX, SY, SZ, &fl), 0);
    ln_net_to_gateways(n, w, NULL, dist, next, gw);
    assert_int_equal(gw[2], 1);
    assert_int_equal(next[2], -1);
    assert_double_equal(dist[2], 700.0, 1e-12);
    assert_int_equal(gw[0], 0);

    /* inside: G1 is jammed, G0 (the pole) is not */
    assert_int_equal(ln_net_jam_apply(n, zs, t_in, gd), 1);
    assert_int_equal(gd[0], 0);
    assert_int_equal(gd[1], 1);
    assert_int_equal(ln_net_update(n, SX, SY, SZ, &fl), 0);
    const int32_t *ss;
    const double *km;
    assert_int_equal(ln_net_gsl(n, 1, &ss, &km), 0);
    ln_net_to_gateways(n, w, NULL, dist, next, gw);
    for (int s = 0; s < 4; s++)
        assert_int_equal(gw[s], 0); /* never ends at the jammed G1 */
    assert_double_equal(dist[2], sqrt(1000100.0) + 990.0 + 600.0, 1e-9);
    assert_int_equal(next[2], 1);
    assert_int_equal(next[3], 0);
    assert_int_equal(next[0], -1); /* S0 downlinks to G0 */
    int32_t sats[8];
    ln_net_route r;
    assert_int_equal(ln_net_route_gs(n, w, 0, 1, sats, 8, &r), LN_ENOROUTE);
    assert_int_equal(ln_net_route_gs(n, w, 1, 0, sats, 8, &r), LN_ENOROUTE);
    ln_net_jam_free(zs);
    ln_net_work_free(w);
    ln_net_free(n);
}

/* Runs the CLI; returns its stdout (malloc'd) or NULL when it failed. */
static char *run_cli(const char *args)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "%s route %s 2>/dev/null", LN_CLI, args);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    size_t k;
    while ((k = fread(buf + len, 1, cap - len - 1, p)) > 0) {
        len += k;
        if (len + 1 == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
    }
    buf[len] = '\0';
    int rc = pclose(p);
    if (rc != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* Counts data lines whose path ends with `end` and all data lines. */
static void count_ends(const char *csv, const char *end, int *hit, int *all)
{
    *hit = *all = 0;
    const char *line = strchr(csv, '\n'); /* skip the header */
    while (line && line[1]) {
        line++;
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        size_t el = strlen(end);
        (*all)++;
        if (len >= el && strncmp(line + len - el, end, el) == 0)
            (*hit)++;
        line = nl;
    }
}

static void test_cli_jam_fail(void **state)
{
    (void)state;
    if (access(LN_CLI, X_OK) != 0)
        skip();
    char dir[] = "/tmp/ln_net_cliXXXXXX";
    assert_non_null(mkdtemp(dir));
    char gwf[256], jam[256], jam_from[256], failf[256], args[1500];
    snprintf(gwf, sizeof gwf, "%s/gw.csv", dir);
    snprintf(jam, sizeof jam, "%s/jam.geojson", dir);
    snprintf(jam_from, sizeof jam_from, "%s/jam_from.geojson", dir);
    snprintf(failf, sizeof failf, "%s/fail.txt", dir);
    FILE *f = fopen(gwf, "w");
    fputs("name,lat,lon\nseattle,47.6,-122.3\nmontreal,45.5,-73.6\n", f);
    fclose(f);
    /* Seattle jammed from t = 30 s to t = 60 s */
    f = fopen(jam, "w");
    fputs("{\"type\":\"Feature\",\"properties\":{"
          "\"valid_from\":\"2022-10-09T00:00:30Z\","
          "\"valid_until\":\"2022-10-09T00:01:00Z\"},\"geometry\":{"
          "\"type\":\"Polygon\",\"coordinates\":[[[-123,47],[-121,47],"
          "[-121,48],[-123,48],[-123,47]]]}}",
          f);
    fclose(f);
    f = fopen(jam_from, "w");
    fputs("{\"type\":\"Polygon\",\"coordinates\":[[[-124,45],[-122,45],"
          "[-122,46],[-124,46],[-124,45]]]}",
          f);
    fclose(f);
    f = fopen(failf, "w");
    fputs("gs 0  # Seattle down\n", f);
    fclose(f);
    const char *base = "--shells starlink550 --from 45.5,-122.7 "
                       "--start 2022-10-09T00:00:00Z --duration 90 "
                       "--step 10";
    int hit, all;

    /* no failure: Seattle at every step */
    snprintf(args, sizeof args, "%s --gateways %s", base, gwf);
    char *out = run_cli(args);
    assert_non_null(out);
    count_ends(out, " gw0", &hit, &all);
    assert_int_equal(all, 10);
    assert_int_equal(hit, 10);
    free(out);

    /* jammed 30 s <= t < 60 s: Montreal at t = 30, 40, 50 only */
    snprintf(args, sizeof args, "%s --gateways %s --jam %s", base, gwf, jam);
    out = run_cli(args);
    assert_non_null(out);
    count_ends(out, " gw1", &hit, &all);
    assert_int_equal(all, 10);
    assert_int_equal(hit, 3);
    assert_non_null(strstr(out, "\n30.000,"));
    const char *l30 = strstr(out, "\n30.000,"), *l60 = strstr(out, "\n60.000,");
    const char *e30 = strchr(l30 + 1, '\n'), *e60 = strchr(l60 + 1, '\n');
    assert_true(strncmp(e30 - 4, " gw1", 4) == 0);
    assert_true(strncmp(e60 - 4, " gw0", 4) == 0);
    free(out);

    /* Seattle failed for the whole run: Montreal always */
    snprintf(args, sizeof args, "%s --gateways %s --fail %s", base, gwf,
             failf);
    out = run_cli(args);
    assert_non_null(out);
    count_ends(out, " gw1", &hit, &all);
    assert_int_equal(hit, 10);
    free(out);

    /* Seattle failed on [30, 60) s by the failure file: as the jam */
    f = fopen(failf, "w");
    fputs("gs 0 from 30 until 60\n", f);
    fclose(f);
    snprintf(args, sizeof args, "%s --gateways %s --fail %s", base, gwf,
             failf);
    out = run_cli(args);
    assert_non_null(out);
    count_ends(out, " gw1", &hit, &all);
    assert_int_equal(all, 10);
    assert_int_equal(hit, 3);
    l30 = strstr(out, "\n30.000,");
    assert_non_null(l30);
    e30 = strchr(l30 + 1, '\n');
    assert_true(strncmp(e30 - 4, " gw1", 4) == 0);
    free(out);

    /* the terminal itself jammed: no route at any step */
    snprintf(args, sizeof args, "%s --gateways %s --jam %s", base, gwf,
             jam_from);
    out = run_cli(args);
    assert_non_null(out);
    count_ends(out, ",none", &hit, &all);
    assert_int_equal(all, 10);
    assert_int_equal(hit, 10);
    free(out);

    /* a bad jam file is refused */
    f = fopen(jam_from, "w");
    fputs("{\"type\":\"Polygon\"}", f);
    fclose(f);
    snprintf(args, sizeof args, "%s --gateways %s --jam %s", base, gwf,
             jam_from);
    assert_null(run_cli(args));
    snprintf(args, sizeof args, "rm -rf %s", dir);
    assert_int_equal(system(args), 0);
}

static void test_jam_bad(void **state)
{
    (void)state;
    ln_net_jam *j = NULL;
    ln_diag d;
    static const char bad_time[] =
        "{\"type\":\"Feature\",\"properties\":{\"valid_from\":\"soon\"},"
        "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],"
        "[1,1],[0,0]]]}}";
    assert_int_equal(ln_net_jam_parse(bad_time, strlen(bad_time), "x", &j,
                                      &d), LN_EGEOJSON);
    assert_null(j);
    assert_non_null(strstr(d.path, "valid_from"));
    static const char not_area[] =
        "{\"type\":\"Point\",\"coordinates\":[0,0]}";
    assert_true(ln_net_jam_parse(not_area, strlen(not_area), "x", &j, &d) <
                0);
    assert_null(j);
    /* duplicate ids, a hole outside its exterior: as geofence refuses */
    static const char dup[] =
        "{\"type\":\"FeatureCollection\",\"features\":["
        "{\"type\":\"Feature\",\"id\":\"a\",\"properties\":{},"
        "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],"
        "[1,1],[0,0]]]}},{\"type\":\"Feature\",\"id\":\"a\",\"properties\":"
        "{},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[0,0],"
        "[1,0],[1,1],[0,0]]]}}]}";
    assert_int_equal(ln_net_jam_parse(dup, strlen(dup), "j.geojson", &j, &d),
                     LN_EGEOJSON);
    assert_null(j);
    assert_string_equal(d.path, "features[1]");
    static const char hole[] =
        "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[4,0],[4,4],[0,4],"
        "[0,0]],[[5,5],[6,5],[6,6],[5,5]]]}";
    assert_int_equal(ln_net_jam_parse(hole, strlen(hole), "j.geojson", &j,
                                      &d), LN_EGEOM);
    assert_null(j);
    assert_string_equal(d.path, "features[0].geometry.coordinates[1]");
    assert_string_equal(d.file, "j.geojson");
    const char z[] = "{\"type\":\"Polygon\"\0";
    assert_int_equal(ln_net_jam_parse(z, sizeof z - 1, "j.geojson", &j, &d),
                     LN_EGEOJSON);
    assert_int_equal(d.col, 18);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_isl_cut_path),
        cmocka_unit_test(test_fail_windows),
        cmocka_unit_test(test_jam_gateway),
        cmocka_unit_test(test_jam_bad),
        cmocka_unit_test(test_cli_jam_fail),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
