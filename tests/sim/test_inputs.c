/*
 * test_inputs.c - no silent wrong answer from a scenario's input files
 * (issue 11): hostile numbers in the gateways and places CSV readers and
 * in the scenario JSON, the limits of docs/scenario.md (steps, windows,
 * terminals, satellites, products kept in fixed-width counters), the
 * memory refusal before any work, duplicate zone ids, NUL bytes.
 *
 * Expected values are worked by hand: a row is accepted exactly when its
 * numbers are finite and in range, and then holds what was written
 * (degrees times pi/180); refusals carry the file, line and column name.
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

#include "leonet/sim.h"

static const char *const hostile[] = {
    "nan", "NaN", "-nan", "inf", "-inf", "Infinity", "1e999", "-1e999",
    "0x1p999", "", "12abc", "91", "-90.5",
};

/* lat values a gateway row must refuse, each with file:line and "lat" */
static void test_gateways_hostile(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
        char csv[256];
        snprintf(csv, sizeof csv, "name,lat,lon\nA,50,30\nB,%s,30\n",
                 hostile[i]);
        ln_sc_gateway *g = NULL;
        size_t n = 99;
        ln_diag d;
        ln_diag_clear(&d);
        int rc = ln_scenario_gateways_parse(csv, strlen(csv), "gw.csv", 8,
                                            &g, &n, &d);
        if (rc != LN_ESCENARIO)
            print_error("lat '%s' accepted\n", hostile[i]);
        assert_int_equal(rc, LN_ESCENARIO);
        assert_null(g);
        assert_int_equal(n, 0);
        assert_string_equal(d.file, "gw.csv");
        assert_int_equal(d.line, 3);
        assert_string_equal(d.path, "lat");
        assert_true(d.msg[0] != '\0');
    }
    /* and lon: "181", "nan" */
    const char *t = "name,lat,lon\nA,50,181\n";
    ln_sc_gateway *g;
    size_t n;
    ln_diag d;
    assert_int_equal(ln_scenario_gateways_parse(t, strlen(t), "gw.csv", 8,
                                                &g, &n, &d), LN_ESCENARIO);
    assert_string_equal(d.path, "lon");
    t = "name,lat,lon\n\"\",50,30\n";
    assert_int_equal(ln_scenario_gateways_parse(t, strlen(t), "gw.csv", 8,
                                                &g, &n, &d), LN_ESCENARIO);
    assert_string_equal(d.path, "name");
    /* a column named twice: which lat would it be? */
    t = "name,lat,lon,lat\nA,50,30,51\n";
    assert_int_equal(ln_scenario_gateways_parse(t, strlen(t), "gw.csv", 8,
                                                &g, &n, &d), LN_ESCENARIO);
    assert_int_equal(d.line, 1);
    assert_non_null(strstr(d.msg, "'lat' twice"));
    /* a NUL byte inside the name */
    const char z[] = "name,lat,lon\nA\0B,50,30\n";
    assert_int_equal(ln_scenario_gateways_parse(z, sizeof z - 1, "gw.csv", 8,
                                                &g, &n, &d), LN_ESCENARIO);
    assert_int_equal(d.line, 2);
    assert_int_equal(d.col, 2);
}

/* accepted rows hold exactly what was written */
static void test_gateways_values(void **state)
{
    (void)state;
    const char *t = "id,name,lon,lat\n7,Kaunas,23.9,54.9\n8,\"S, P\",-180,"
                    "-90\n9,N,180,90\n";
    ln_sc_gateway *g;
    size_t n;
    ln_diag d;
    assert_int_equal(ln_scenario_gateways_parse(t, strlen(t), "gw.csv", 3,
                                                &g, &n, &d), 0);
    assert_int_equal(n, 3);
    assert_string_equal(g[0].name, "Kaunas");
    assert_true(g[0].lat_rad == 54.9 * (M_PI / 180.0));
    assert_true(g[0].lon_rad == 23.9 * (M_PI / 180.0));
    assert_int_equal(g[0].antennas, 3);
    assert_string_equal(g[1].name, "S, P");
    assert_true(g[1].lat_rad == -M_PI / 2 && g[1].lon_rad == -M_PI);
    assert_true(g[2].lat_rad == M_PI / 2 && g[2].lon_rad == M_PI);
    ln_free(g);
}

static void test_places(void **state)
{
    (void)state;
    ln_weight_point *p;
    size_t n;
    ln_diag d;
    /* values: weight = pop, sigma = 15 * sqrt(pop / 1e6) + 2 */
    const char *t = "name,lat,lon,pop_max\nKyiv,50.45,30.52,4000000\n"
                    "Nowhere,0,0,0\nTiny,-10,-20,10000\n";
    assert_int_equal(ln_sim_places_parse(t, strlen(t), "p.csv", 15, &p, &n,
                                         &d), 0);
    assert_int_equal(n, 2); /* a place of population 0 adds nothing */
    {
        const char *dup = "name,lat,lon,pop_max,lon\nA,1,2,3,4\n";
        ln_weight_point *q;
        size_t nq;
        ln_diag dd;
        assert_int_equal(ln_sim_places_parse(dup, strlen(dup), "p.csv", 15,
                                             &q, &nq, &dd), LN_ESCENARIO);
        assert_non_null(strstr(dd.msg, "'lon' twice"));
    }
    assert_true(p[0].lat_rad == 50.45 * (M_PI / 180.0));
    assert_true(p[0].lon_rad == 30.52 * (M_PI / 180.0));
    assert_true(p[0].weight == 4e6);
    assert_true(p[0].sigma_km == 15.0 * 2.0 + 2.0);
    assert_true(p[1].sigma_km == 15.0 * 0.1 + 2.0);
    ln_free(p);
    /* hostile numbers in each column */
    static const char *const cols[3] = {"lat", "lon", "pop_max"};
    for (int c = 0; c < 3; c++)
        for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
            if (c == 2 && (!strcmp(hostile[i], "91")))
                continue; /* a population of 91 is fine */
            char csv[256];
            snprintf(csv, sizeof csv, "name,lat,lon,pop_max\nA,1,2,3\n"
                     "B,%s,%s,%s\n", c == 0 ? hostile[i] : "1",
                     c == 1 ? (!strcmp(hostile[i], "91")      ? "181"
                               : !strcmp(hostile[i], "-90.5") ? "-180.5"
                                                              : hostile[i])
                            : "2",
                     c == 2 ? hostile[i] : "3");
            ln_diag_clear(&d);
            int rc = ln_sim_places_parse(csv, strlen(csv), "p.csv", 15, &p,
                                         &n, &d);
            if (rc != LN_ESCENARIO)
                print_error("%s '%s' accepted\n", cols[c], hostile[i]);
            assert_int_equal(rc, LN_ESCENARIO);
            assert_string_equal(d.file, "p.csv");
            assert_int_equal(d.line, 3);
            assert_string_equal(d.path, cols[c]);
        }
    /* a population beyond any city's, and below zero */
    t = "lat,lon,pop\n1,2,1e11\n";
    assert_int_equal(ln_sim_places_parse(t, strlen(t), "p.csv", 15, &p, &n,
                                         &d), LN_ESCENARIO);
    assert_string_equal(d.path, "pop");
    t = "lat,lon,pop\n1,2,-1\n";
    assert_int_equal(ln_sim_places_parse(t, strlen(t), "p.csv", 15, &p, &n,
                                         &d), LN_ESCENARIO);
    const char z[] = "lat,lon,pop\n1,2\0,3\n";
    assert_int_equal(ln_sim_places_parse(z, sizeof z - 1, "p.csv", 15, &p,
                                         &n, &d), LN_ESCENARIO);
    assert_int_equal(d.line, 2);
}

/* A small valid scenario; fields replaceable through the format. */
#define SC_FMT                                                              \
    "{\"name\":\"t\",\"start\":\"2022-10-09T00:00:00Z\","                  \
    "\"duration_s\":%s,\"step_s\":%s,"                                     \
    "\"constellation\":{\"preset\":\"gen1\"},"                             \
    "\"gateways\":[{\"name\":\"g\",\"lat\":50,\"lon\":20}],"               \
    "\"zones\":[%s],"                                                      \
    "\"plans\":[{\"id\":\"p\",\"hardware_usd\":1,\"monthly_usd\":1,"       \
    "\"peak_mbps\":%s}],"                                                  \
    "\"accounts\":[{\"id\":\"a\",\"plan\":\"p\"}],"                        \
    "\"terminals\":[%s],"                                                  \
    "\"outputs\":{\"window_s\":%s}}"

#define GROUP(n)                                                            \
    "{\"kind\":\"mobile\",\"count\":" n ",\"account\":\"a\",\"tracks\":"    \
    "[{\"waypoints\":[{\"lat\":50,\"lon\":30,\"t_s\":0}]}]}"

static int parse(const char *dur, const char *step, const char *zones,
                 const char *peak, const char *groups, const char *win,
                 ln_scenario **sc, ln_diag *d)
{
    char buf[4096];
    snprintf(buf, sizeof buf, SC_FMT, dur, step, zones, peak, groups, win);
    ln_diag_clear(d);
    *sc = NULL;
    return ln_scenario_parse(buf, strlen(buf), "t.json", sc, d);
}

/* A required id may not be empty: usage.csv and summary.json would carry
 * an account with no name (the account, its plan, a group's account). */
static void test_empty_ids(void **state)
{
    (void)state;
    static const struct {
        const char *from, *to, *path;
    } c[] = {
        {"{\"id\":\"a\",\"plan\"", "{\"id\":\"\",\"plan\"", "accounts[0].id"},
        {"{\"id\":\"p\",\"hardware", "{\"id\":\"\",\"hardware", "plans[0].id"},
        {"\"plan\":\"p\"}", "\"plan\":\"\"}", "accounts[0].plan"},
    };
    for (size_t k = 0; k < sizeof c / sizeof c[0]; k++) {
        char buf[4096], out[4096];
        snprintf(buf, sizeof buf, SC_FMT, "3600", "60", "", "10", GROUP("5"),
                 "900");
        char *at = strstr(buf, c[k].from);
        assert_non_null(at);
        snprintf(out, sizeof out, "%.*s%s%s", (int)(at - buf), buf, c[k].to,
                 at + strlen(c[k].from));
        ln_scenario *sc = NULL;
        ln_diag d;
        assert_int_equal(ln_scenario_parse(out, strlen(out), "t.json", &sc,
                                           &d), LN_ESCENARIO);
        assert_string_equal(d.path, c[k].path);
        assert_non_null(strstr(d.msg, "empty"));
    }
}

static void test_scenario_limits(void **state)
{
    (void)state;
    ln_scenario *sc;
    ln_diag d;
    assert_int_equal(parse("3600", "60", "", "10", GROUP("5"), "900", &sc,
                           &d), 0);
    ln_scenario_free(sc);
    assert_int_equal(
        parse("3600", "60", "", "10",
              "{\"kind\":\"mobile\",\"count\":1,\"account\":\"a\","
              "\"tracks\":[{\"waypoints\":[{\"lat\":50,\"lon\":30,"
              "\"t_s\":0},{\"lat\":-49.99,\"lon\":-150,\"t_s\":60}]}]}",
              "900", &sc, &d),
        0);
    ln_scenario_free(sc);
    static const struct {
        const char *dur, *step, *zones, *peak, *groups, *win, *path;
    } c[] = {
        /* a step longer than the run: it would be one step */
        {"60", "86400", "", "10", GROUP("5"), "900", "step_s"},
        /* 366 days at 0.01 s: 3.2e9 steps */
        {"31622400", "0.01", "", "10", GROUP("5"), "900", "step_s"},
        /* a window shorter than a step */
        {"3600", "60", "", "10", GROUP("5"), "30", "outputs.window_s"},
        /* 366 days of 60 s windows: 527,040 windows */
        {"31622400", "60", "", "10", GROUP("5"), "60", "outputs.window_s"},
        /* beyond the member ranges, and what JSON cannot hold */
        {"1e999", "60", "", "10", GROUP("5"), "900", NULL},
        {"3600", "60", "", "10", GROUP("1e10"), "900", "terminals[0].count"},
        {"3600", "60", "", "10", GROUP("1.5"), "900", "terminals[0]"},
        /* two groups of 2e9: more than int indices hold */
        {"3600", "60", "", "10", GROUP("2000000000") "," GROUP("2000000000"),
         "900", "terminals[1]"},
        /* antipodal waypoints (50N 30E, 50S 150W): no one great circle
         * between them; nearly antipodal is a way */
        {"3600", "60", "", "10",
         "{\"kind\":\"mobile\",\"count\":1,\"account\":\"a\","
         "\"tracks\":[{\"waypoints\":[{\"lat\":50,\"lon\":30,\"t_s\":0},"
         "{\"lat\":-50,\"lon\":-150,\"t_s\":60}]}]}",
         "900", "terminals[0].tracks[0].waypoints[1]"},
        /* duplicate zone ids */
        {"3600", "60",
         "{\"cells\":\"geo/starlink_blacklisted_cells_h3r5.txt\",\"id\":\"z\"},"
         "{\"cells\":\"geo/starlink_blacklisted_cells_h3r5.txt\",\"id\":\"z\"}",
         "10", GROUP("5"), "900", "zones[1].id"},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        int rc = parse(c[i].dur, c[i].step, c[i].zones, c[i].peak,
                       c[i].groups, c[i].win, &sc, &d);
        if (rc != LN_ESCENARIO || (c[i].path && strcmp(d.path, c[i].path)))
            print_error("case %zu: rc %d path '%s': %s\n", i, rc, d.path,
                        d.msg);
        assert_int_equal(rc, LN_ESCENARIO);
        assert_null(sc);
        if (c[i].path)
            assert_string_equal(d.path, c[i].path);
        else
            assert_true(d.line == 1 && d.col > 1); /* jansson's position */
        assert_true(d.msg[0] != '\0');
    }
    /* walker shells: integers, and at most a million satellites */
    const char *sh = "{\"name\":\"t\",\"start\":\"2022-10-09T00:00:00Z\","
                     "\"duration_s\":60,\"constellation\":{\"shells\":["
                     "{\"alt_km\":550,\"incl_deg\":53,\"planes\":500,"
                     "\"per_plane\":499},{\"alt_km\":560,\"incl_deg\":53,"
                     "\"planes\":2,\"per_plane\":300}]},\"gateways\":[{\"name\""
                     ":\"g\",\"lat\":50,\"lon\":20}],\"plans\":[{\"id\":\"p\","
                     "\"hardware_usd\":1,\"monthly_usd\":1,\"peak_mbps\":1}],"
                     "\"accounts\":[{\"id\":\"a\",\"plan\":\"p\"}],"
                     "\"terminals\":[" GROUP("1") "]}";
    assert_int_equal(ln_scenario_parse(sh, strlen(sh), "s.json", &sc, &d),
                     LN_ESCENARIO);
    assert_string_equal(d.path, "constellation.shells[1]");
    /* a NUL byte: refused at its line and column, not by jansson's
     * "end of file expected" */
    const char z[] = "{\n  \"name\": \"t\"\0}";
    assert_int_equal(ln_scenario_parse(z, sizeof z - 1, "z.json", &sc, &d),
                     LN_ESCENARIO);
    assert_int_equal(d.line, 2);
    assert_int_equal(d.col, 14);
    assert_non_null(strstr(d.msg, "NUL"));
    /* a UTF-8 byte order mark (Notepad's) before the JSON is skipped:
     * the scenario is read, and its fault found by member */
    const char bom[] = "\xEF\xBB\xBF{\"name\":1}";
    assert_int_equal(ln_scenario_parse(bom, sizeof bom - 1, "b.json", &sc, &d),
                     LN_ESCENARIO);
    assert_string_equal(d.path, "name");
}

/* The size estimate: counts by hand, refusals by type and by memory. */
static void test_estimate(void **state)
{
    (void)state;
    ln_scenario *sc;
    ln_diag d;
    ln_sim_size z;
    /* 1 h at 60 s: 60 steps, 4 windows of 900 s, 1 day; gen1: 4408 */
    assert_int_equal(parse("3600", "60", "", "10",
                           GROUP("5") "," GROUP("7"), "900", &sc, &d), 0);
    assert_int_equal(ln_sim_estimate(sc, NULL, &z, &d), 0);
    assert_int_equal(z.steps, 60);
    assert_int_equal(z.windows, 4);
    assert_int_equal(z.days, 1);
    assert_true(z.terminals == 12);
    assert_true(z.satellites == 1584 + 1584 + 720 + 348 + 172);
    assert_true(z.map_cells == 12);
    assert_true(z.bytes > 0 && z.mem_bytes > z.bytes);
    /* options: --terminals scales, --duration counts steps again */
    ln_sim_options o = {0};
    o.max_terminals = 6;
    o.duration_s = 120;
    assert_int_equal(ln_sim_estimate(sc, &o, &z, &d), 0);
    assert_true(z.terminals == 7); /* llround(2.5) + llround(3.5) */
    assert_int_equal(z.steps, 2);
    o.duration_s = 59; /* shorter than a step: no step at all */
    assert_int_equal(ln_sim_estimate(sc, &o, &z, &d), LN_ESCENARIO);
    assert_string_equal(d.path, "--duration");
    o.duration_s = INFINITY;
    assert_int_equal(ln_sim_estimate(sc, &o, &z, &d), LN_ESCENARIO);
    assert_string_equal(d.path, "--duration");
    o.duration_s = 1e300;
    assert_int_equal(ln_sim_estimate(sc, &o, &z, &d), LN_ESCENARIO);
    assert_string_equal(d.path, "--duration");
    /* a machine of 1 MB: refused with both figures */
    ln_sim_options mb = {0};
    mb.mem_bytes = 1048576;
    assert_int_equal(ln_sim_estimate(sc, &mb, &z, &d), LN_ETOOBIG);
    assert_non_null(strstr(d.msg, "needs ~"));
    assert_non_null(strstr(d.msg, "GiB, this machine has 0.0 GiB"));
    ln_scenario_free(sc);
    /* bytes delivered beyond a 64-bit counter: 1e6 Mbps x 86400 s
     * x 2e8 terminal-steps = 2.2e24 bytes */
    assert_int_equal(parse("172800", "86400", "", "1e6", GROUP("100000000"),
                           "86400", &sc, &d), 0);
    mb.mem_bytes = 1e18;
    assert_int_equal(ln_sim_estimate(sc, &mb, &z, &d), LN_ESCENARIO);
    assert_string_equal(d.path, "plans[].peak_mbps");
    ln_scenario_free(sc);
}

/* 10^9 terminals: refused by ln_sim_run before any work, with the figure.
 * At least 16 bytes a terminal (its lon and lat): over 14.9 GiB. */
static void test_memory_refusal(void **state)
{
    (void)state;
    ln_scenario *sc;
    ln_diag d;
    assert_int_equal(parse("3600", "60", "", "10", GROUP("1000000000"),
                           "900", &sc, &d), 0);
    ln_sim_size z;
    int rc = ln_sim_estimate(sc, NULL, &z, &d);
    assert_true(z.bytes >= 1e9 * 16);
    if (z.mem_bytes >= z.bytes) { /* a machine with that much memory */
        ln_scenario_free(sc);
        skip();
        return;
    }
    assert_int_equal(rc, LN_ETOOBIG);
    char want[64];
    snprintf(want, sizeof want, "needs ~%.1f GiB, this machine has %.1f GiB",
             z.bytes / 1073741824.0, z.mem_bytes / 1073741824.0);
    assert_non_null(strstr(d.msg, want));
    ln_sim_options o = {0};
    o.quiet = 1;
    o.write_outputs = 0;
    ln_diag_clear(&d);
    assert_int_equal(ln_sim_run(sc, &o, NULL, &d), LN_ETOOBIG);
    assert_non_null(strstr(d.msg, want));
    ln_scenario_free(sc);
}

/* A places file with a NaN latitude stops the run at setup with its
 * file:line (before: the row was accepted and terminals went to NaN). */
static void test_places_in_run(void **state)
{
    (void)state;
    char dir[] = "/tmp/ln_inputs_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char pl[300], js[300], text[2048];
    snprintf(pl, sizeof pl, "%s/places.csv", dir);
    FILE *f = fopen(pl, "w");
    fputs("name,lat,lon,pop_max\nKyiv,50.45,30.52,4000000\nX,nan,30,1000\n",
          f);
    fclose(f);
    snprintf(text, sizeof text,
             "{\"name\":\"t\",\"start\":\"2022-10-09T00:00:00Z\","
             "\"duration_s\":60,\"step_s\":60,"
             "\"constellation\":{\"preset\":\"gen1\"},"
             "\"gateways\":[{\"name\":\"g\",\"lat\":50,\"lon\":20}],"
             "\"plans\":[{\"id\":\"p\",\"hardware_usd\":1,\"monthly_usd\":1,"
             "\"peak_mbps\":1}],\"accounts\":[{\"id\":\"a\",\"plan\":\"p\"}],"
             "\"terminals\":[{\"kind\":\"fixed\",\"count\":10,\"account\":"
             "\"a\",\"region\":\"geo/crimea_ne10m.geojson\",\"places\":"
             "\"%s\"}],\"outputs\":{\"window_s\":60}}", pl);
    snprintf(js, sizeof js, "%s/s.json", dir);
    ln_scenario *sc;
    ln_diag d;
    int rc = ln_scenario_parse(text, strlen(text), js, &sc, &d);
    if (rc)
        print_error("%s: %s\n", d.path, d.msg);
    assert_int_equal(rc, 0);
    ln_sim_options o = {0};
    o.quiet = 1;
    o.write_outputs = 0;
    o.nthreads = 1;
    assert_int_equal(ln_sim_run(sc, &o, NULL, &d), LN_ESCENARIO);
    assert_string_equal(d.file, pl);
    assert_int_equal(d.line, 3);
    assert_string_equal(d.path, "lat");
    ln_scenario_free(sc);
    remove(pl);
    rmdir(dir);
}

/* Two zones of a scenario that end up with the same id (the same file
 * without ids: crimea_ne10m:0 twice) stop the run at setup, naming the
 * file and the scenario's zone. */
static void test_zone_ids_in_run(void **state)
{
    (void)state;
    ln_scenario *sc;
    ln_diag d;
    assert_int_equal(parse("60", "60",
                           "{\"file\":\"geo/crimea_ne10m.geojson\"},"
                           "{\"file\":\"geo/crimea_ne10m.geojson\"}",
                           "1", GROUP("1"), "60", &sc, &d), 0);
    ln_sim_options o = {0};
    o.quiet = 1;
    o.nthreads = 1;
    assert_int_equal(ln_sim_run(sc, &o, NULL, &d), LN_EZONE);
    assert_non_null(strstr(d.file, "crimea_ne10m.geojson"));
    assert_string_equal(d.path, "zones[1]");
    assert_non_null(strstr(d.msg, "'crimea_ne10m:0'"));
    ln_scenario_free(sc);

    /* a zone file without polygons is refused when the run sets up (it
     * failed after the whole run, on the map's reading of a staged
     * zones.geojson) */
    char zf[64], zones[200];
    snprintf(zf, sizeof zf, "/tmp/ln_empty_zone_%ld.geojson", (long)getpid());
    FILE *f = fopen(zf, "w");
    assert_non_null(f);
    fputs("{\"type\":\"FeatureCollection\",\"features\":[]}\n", f);
    fclose(f);
    snprintf(zones, sizeof zones, "{\"file\":\"%s\"}", zf);
    assert_int_equal(parse("60", "60", zones, "1", GROUP("1"), "60", &sc, &d),
                     0);
    assert_int_equal(ln_sim_run(sc, &o, NULL, &d), LN_EZONE);
    assert_string_equal(d.path, "zones[0].file");
    assert_non_null(strstr(d.msg, "no polygons"));
    ln_scenario_free(sc);
    unlink(zf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gateways_hostile),
        cmocka_unit_test(test_gateways_values),
        cmocka_unit_test(test_places),
        cmocka_unit_test(test_scenario_limits),
        cmocka_unit_test(test_empty_ids),
        cmocka_unit_test(test_estimate),
        cmocka_unit_test(test_memory_refusal),
        cmocka_unit_test(test_places_in_run),
        cmocka_unit_test(test_zone_ids_in_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
