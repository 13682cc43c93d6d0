/*
 * test_zone.c - zone sets and decisions: hand-built cases with answers
 * evident from the geometry (antimeridian, holes, priorities, validity
 * windows, the boundary rule), the README sanity checks of data/geo for
 * the 2022 policy change (ln_zoneset_diff), the radian and batch APIs,
 * and the "leonet geofence" output format.
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

#include "leonet/zone.h"

static ln_zoneset *load(const char *json, int def)
{
    ln_zoneset *zs;
    assert_int_equal(ln_zoneset_new(def, &zs), 0);
    ln_diag d;
    ln_diag_clear(&d);
    int rc = ln_zoneset_load_buffer(zs, json, strlen(json), "t", 0, &d);
    if (rc) {
        char b[1200];
        fprintf(stderr, "%s\n", ln_diag_format(&d, b, sizeof b));
    }
    assert_int_equal(rc, 0);
    return zs;
}

static int deny(const ln_zoneset *zs, double lat, double lon, double t)
{
    return ln_zoneset_decide_deg(zs, lat, lon, t).action == LN_ZONE_DENY;
}

static void test_antimeridian(void **state)
{
    (void)state;
    /* one ring crossing the antimeridian, and the same area cut in two */
    const char *cross =
        "{\"type\":\"Polygon\",\"coordinates\":[[[170,-10],[-170,-10],"
        "[-170,10],[170,10],[170,-10]]]}";
    const char *cut =
        "{\"type\":\"MultiPolygon\",\"coordinates\":[[[[170,-10],[180,-10],"
        "[180,10],[170,10],[170,-10]]],[[[-180,-10],[-170,-10],[-170,10],"
        "[-180,10],[-180,-10]]]]}";
    const char *docs[2] = {cross, cut};
    for (int k = 0; k < 2; k++) {
        ln_zoneset *zs = load(docs[k], LN_ZONE_ALLOW);
        assert_true(deny(zs, 0, 175, NAN));
        assert_true(deny(zs, 0, -175, NAN));
        assert_true(deny(zs, 5, 180, NAN));
        assert_true(deny(zs, 5, -180, NAN));
        assert_true(deny(zs, 0, 170, NAN));   /* on the edge */
        assert_true(deny(zs, 10, -170, NAN)); /* on a vertex */
        assert_false(deny(zs, 0, 0, NAN));
        assert_false(deny(zs, 0, 165, NAN));
        assert_false(deny(zs, 0, -165, NAN));
        assert_false(deny(zs, 11, 175, NAN));
        ln_zoneset_free(zs);
    }
    /* a ring around a pole is refused */
    ln_zoneset *zs;
    assert_int_equal(ln_zoneset_new(LN_ZONE_ALLOW, &zs), 0);
    const char *pole = "{\"type\":\"Polygon\",\"coordinates\":[[[0,80],"
                       "[120,80],[-120,80],[0,80]]]}";
    ln_diag d;
    assert_int_equal(ln_zoneset_load_buffer(zs, pole, strlen(pole), "p", 0,
                                            &d),
                     LN_EGEOM);
    assert_non_null(strstr(d.msg, "pole"));
    ln_zoneset_free(zs);
}

static void test_priority_hole_time(void **state)
{
    (void)state;
    const char *doc =
        "{\"type\":\"FeatureCollection\",\"features\":["
        /* 0: big deny square with a hole */
        "{\"type\":\"Feature\",\"id\":\"big\",\"properties\":{\"action\":"
        "\"deny\",\"priority\":0},\"geometry\":{\"type\":\"Polygon\","
        "\"coordinates\":[[[0,0],[10,0],[10,10],[0,10],[0,0]],[[4,4],[6,4],"
        "[6,6],[4,6],[4,4]]]}},"
        /* 1: allow corridor, higher priority */
        "{\"type\":\"Feature\",\"properties\":{\"id\":\"corridor\","
        "\"action\":\"allow\",\"priority\":5},\"geometry\":{\"type\":"
        "\"Polygon\",\"coordinates\":[[[1,1],[2,1],[2,2],[1,2],[1,1]]]}},"
        /* 2: deny valid only in September 2022, priority 9 */
        "{\"type\":\"Feature\",\"id\":7,\"properties\":{\"action\":\"deny\","
        "\"priority\":9,\"valid_from\":\"2022-09-01T00:00:00Z\","
        "\"valid_until\":\"2022-10-01T00:00:00Z\"},\"geometry\":{\"type\":"
        "\"Polygon\",\"coordinates\":[[[1,1],[1.5,1],[1.5,1.5],[1,1.5],"
        "[1,1]]]}},"
        /* 3: no id: <stem>:<index>; same priority allow vs deny: deny wins */
        "{\"type\":\"Feature\",\"properties\":{\"action\":\"allow\"},"
        "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[8,8],[12,8],"
        "[12,12],[8,12],[8,8]]]}}]}";
    ln_zoneset *zs = load(doc, LN_ZONE_ALLOW);
    assert_int_equal(ln_zoneset_count(zs), 4);
    double sep = ln_time_from_utc(2022, 9, 15, 0, 0, 0);
    double oct = ln_time_from_utc(2022, 10, 1, 0, 0, 0); /* until: out */
    ln_zone_decision d = ln_zoneset_decide_deg(zs, 3, 3, sep);
    assert_int_equal(d.action, LN_ZONE_DENY);
    assert_string_equal(d.zone_id, "big");
    d = ln_zoneset_decide_deg(zs, 5, 5, sep); /* in the hole */
    assert_int_equal(d.action, LN_ZONE_ALLOW);
    assert_int_equal(d.zone, -1);
    assert_null(d.zone_id);
    d = ln_zoneset_decide_deg(zs, 5, 4, sep); /* on the hole's edge */
    assert_string_equal(d.zone_id, "big");
    d = ln_zoneset_decide_deg(zs, 1.75, 1.75, sep);
    assert_int_equal(d.action, LN_ZONE_ALLOW);
    assert_string_equal(d.zone_id, "corridor");
    d = ln_zoneset_decide_deg(zs, 1.25, 1.25, sep);
    assert_int_equal(d.action, LN_ZONE_DENY);
    assert_string_equal(d.zone_id, "7");
    d = ln_zoneset_decide_deg(zs, 1.25, 1.25, oct);
    assert_string_equal(d.zone_id, "corridor");
    d = ln_zoneset_decide_deg(zs, 1.25, 1.25, oct - 1e-3);
    assert_string_equal(d.zone_id, "7");
    d = ln_zoneset_decide_deg(zs, 1.25, 1.25, NAN); /* validity ignored */
    assert_string_equal(d.zone_id, "7");
    d = ln_zoneset_decide_deg(zs, 9, 9, sep); /* deny beats allow at 0 */
    assert_string_equal(d.zone_id, "big");
    d = ln_zoneset_decide_deg(zs, 11, 11, sep);
    assert_int_equal(d.action, LN_ZONE_ALLOW);
    assert_string_equal(d.zone_id, "t:3"); /* generated: <stem>:<index> */
    /* radians and batch agree with the degree API */
    double lon[5] = {3, 5, 1.25, 11, 50}, lat[5] = {3, 5, 1.25, 11, 50};
    double lr[5], la[5];
    ln_zone_decision out[5];
    for (int i = 0; i < 5; i++) {
        lr[i] = lon[i] * LN_DEG2RAD;
        la[i] = lat[i] * LN_DEG2RAD;
    }
    ln_zoneset_decide_batch(zs, 5, la, lr, NULL, sep, out, 2);
    for (int i = 0; i < 5; i++) {
        ln_zone_decision s = ln_zoneset_decide(zs, la[i], lr[i], sep);
        ln_zone_decision g = ln_zoneset_decide_deg(zs, lat[i], lon[i], sep);
        assert_int_equal(out[i].zone, g.zone);
        assert_int_equal(s.zone, g.zone);
    }
    /* per-point times */
    double ts[5] = {sep, sep, oct, sep, sep};
    ln_zoneset_decide_batch_deg(zs, 5, lat, lon, ts, NAN, out, 1);
    assert_string_equal(out[2].zone_id, "corridor");
    ln_zoneset_free(zs);
}

static void test_add_polygons_shared_edges(void **state)
{
    (void)state;
    /* a 2x2 block of unit squares sharing edges, as an H3-style zone */
    double sq[4][10];
    for (int k = 0; k < 4; k++) {
        double x = k % 2, y = k / 2;
        double c[10] = {x, y, x + 1, y, x + 1, y + 1, x, y + 1, x, y};
        memcpy(sq[k], c, sizeof c);
    }
    ln_geo_ring rings[4];
    ln_geo_polygon polys[4];
    for (int k = 0; k < 4; k++) {
        rings[k].lonlat_deg = sq[k];
        rings[k].n = 5;
        polys[k].rings = &rings[k];
        polys[k].nrings = 1;
    }
    ln_zoneset *zs;
    assert_int_equal(ln_zoneset_new(LN_ZONE_ALLOW, &zs), 0);
    uint64_t v0 = ln_zoneset_version(zs);
    ln_diag d;
    assert_int_equal(ln_zoneset_add_polygons(zs, "cells", NULL, LN_ZONE_DENY,
                                             0, -INFINITY, INFINITY, polys, 4,
                                             0, &d),
                     0);
    assert_true(ln_zoneset_version(zs) != v0);
    assert_true(deny(zs, 0.5, 0.5, NAN));
    assert_true(deny(zs, 1.0, 1.0, NAN)); /* common corner */
    assert_true(deny(zs, 0.5, 1.0, NAN)); /* shared edge */
    assert_true(deny(zs, 1.5, 1.5, NAN));
    assert_true(deny(zs, 2.0, 2.0, NAN));
    assert_false(deny(zs, 1.0, 2.0000001, NAN));
    assert_false(deny(zs, 0.5, -0.5, NAN));
    ln_zoneset_free(zs);
}

static void test_self_intersection_policy(void **state)
{
    (void)state;
    const char *bow = "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[2,2],"
                      "[2,0],[0,2],[0,0]]]}";
    ln_zoneset *zs;
    assert_int_equal(ln_zoneset_new(LN_ZONE_ALLOW, &zs), 0);
    ln_diag d;
    ln_diag_clear(&d);
    assert_int_equal(ln_zoneset_load_buffer(zs, bow, strlen(bow), "bow", 0,
                                            &d),
                     LN_EGEOM);
    assert_non_null(strstr(d.msg, "crosses"));
    assert_string_equal(d.path, "features[0].geometry.coordinates[0]");
    assert_int_equal(ln_zoneset_count(zs), 0);
    assert_int_equal(ln_zoneset_load_buffer(zs, bow, strlen(bow), "bow",
                                            LN_GEO_REPAIR_EVENODD, &d),
                     0);
    /* even-odd: both lobes of the bow tie are inside */
    assert_true(deny(zs, 1.0, 0.2, NAN));
    assert_true(deny(zs, 1.0, 1.8, NAN));
    assert_true(deny(zs, 1.0, 1.0, NAN)); /* the crossing itself */
    assert_false(deny(zs, 0.2, 1.0, NAN));
    ln_zoneset_free(zs);
}

/* index == reference crossing test on the detailed national polygon */
static void test_index_matches_reference(void **state)
{
    (void)state;
    ln_zoneset *zs;
    assert_int_equal(ln_zoneset_new(LN_ZONE_ALLOW, &zs), 0);
    ln_diag d;
    assert_int_equal(ln_zoneset_load_geojson(zs, LN_PROJECT_DATA
                                             "/geo/ukraine_osm_geomaps_10m."
                                             "geojson", 0, &d),
                     0);
    const ln_geo_shape *s = ln_zoneset_zone(zs, 0)->shape;
    uint64_t r = 42;
    for (int i = 0; i < 3000; i++) {
        r = r * 6364136223846793005ULL + 1442695040888963407ULL;
        double u = (double)(r >> 11) * 0x1.0p-53;
        r = r * 6364136223846793005ULL + 1442695040888963407ULL;
        double v = (double)(r >> 11) * 0x1.0p-53;
        double lon = 22 + 18.5 * u, lat = 44 + 8.5 * v;
        assert_int_equal(ln_geo_shape_contains_deg(s, lat, lon),
                         ln_geo_shape_contains_slow_deg(s, lat, lon));
    }
    ln_geo_index_stats st;
    ln_zoneset_stats(zs, &st);
    assert_true(st.edges > 60000 && st.bytes > 0 && st.boundary_cells > 0);
    ln_zoneset_free(zs);
}

/* Loads data/geo/<file> into zs as if it were named as_name. */
static void load_as(ln_zoneset *zs, const char *file, const char *as_name)
{
    char p[512], *buf;
    size_t len;
    ln_diag d;
    snprintf(p, sizeof p, "%s/geo/%s", LN_PROJECT_DATA, file);
    assert_int_equal(ln_read_file(p, 1 << 26, &buf, &len, &d), 0);
    assert_int_equal(ln_zoneset_load_buffer(zs, buf, len, as_name, 0, &d), 0);
    ln_free(buf);
}

/* README of data/geo: what each 2022 map contains */
static void test_policy_change_2022(void **state)
{
    (void)state;
    ln_zoneset *a, *b;
    assert_int_equal(ln_zoneset_new(LN_ZONE_ALLOW, &a), 0);
    assert_int_equal(ln_zoneset_new(LN_ZONE_ALLOW, &b), 0);
    /* two versions of one file "occupied.geojson": the unnamed zone's
     * generated id (stem:index) is the same in both */
    load_as(a, "occupied_deepstate_20220831.geojson",
            "v1/occupied.geojson");
    load_as(b, "occupied_deepstate_20221115.geojson",
            "v2/occupied.geojson");
    /* name, lon, lat (ukraine_places_ne10m.csv) */
    static const struct {
        const char *name;
        double lon, lat;
        int in_a, in_b;
    } pl[] = {
        {"Kherson", 32.60066, 46.63254, 1, 0},
        {"Kupyansk", 37.59806, 49.72178, 1, 0},
        {"Simferopol", 34.09873, 44.94915, 1, 1},
        {"Sevastapol", 33.46498, 44.59998, 1, 1},
        {"Melitopol", 35.37747, 46.83782, 1, 1},
        {"Mariupol", 37.55620, 47.09618, 1, 1},
        {"Donetsk", 37.82803, 48.00195, 1, 1},
        {"Luhansk", 39.33438, 48.56976, 1, 1},
        {"Kiev", 30.51468, 50.43531, 0, 0},
        {"Zaporizhzhya", 35.17486, 47.85924, 0, 0},
        {"Kramatorsk", 37.53439, 48.71936, 0, 0},
    };
    size_t n = sizeof pl / sizeof pl[0];
    double lon[16], lat[16];
    for (size_t i = 0; i < n; i++) {
        lon[i] = pl[i].lon;
        lat[i] = pl[i].lat;
        assert_int_equal(deny(a, lat[i], lon[i], NAN), pl[i].in_a);
        assert_int_equal(deny(b, lat[i], lon[i], NAN), pl[i].in_b);
    }
    size_t *ch, nch;
    assert_int_equal(ln_zoneset_diff(a, b, n, lat, lon, NAN, &ch, &nch), 0);
    assert_int_equal(nch, 2);
    assert_int_equal(ch[0], 0);
    assert_int_equal(ch[1], 1);
    ln_free(ch);
    ln_zoneset_free(a);
    ln_zoneset_free(b);
}


#define SQ_RING "[[0,0],[10,0],[10,10],[0,10],[0,0]]"
#define FEAT(idpart, ring)                                               \
    "{\"type\":\"Feature\"" idpart ",\"properties\":{},\"geometry\":"    \
    "{\"type\":\"Polygon\",\"coordinates\":[" ring "]}}"

static int try_load(ln_zoneset *zs, const char *json, const char *name,
                    ln_diag *d)
{
    ln_diag_clear(d);
    return ln_zoneset_load_buffer(zs, json, strlen(json), name, 0, d);
}

/* Zone ids: generated "<stem>:<index>" never collide across files;
 * explicit duplicates are refused, in a file and across files, naming
 * both places; a refused load leaves the set unchanged. */
static void test_zone_ids(void **state)
{
    (void)state;
    const char *unnamed = "{\"type\":\"FeatureCollection\",\"features\":["
                          FEAT("", SQ_RING) "," FEAT("", SQ_RING) "]}";
    const char *x = "{\"type\":\"FeatureCollection\",\"features\":["
                    FEAT(",\"id\":\"x\"", SQ_RING) "]}";
    const char *xx = "{\"type\":\"FeatureCollection\",\"features\":["
                     FEAT(",\"id\":\"x\"", SQ_RING) ","
                     FEAT(",\"id\":\"x\"", SQ_RING) "]}";
    ln_zoneset *zs;
    ln_diag d;
    assert_int_equal(ln_zoneset_new(LN_ZONE_ALLOW, &zs), 0);
    assert_int_equal(try_load(zs, unnamed, "dir/a.geojson", &d), 0);
    assert_int_equal(try_load(zs, unnamed, "other/b.json", &d), 0);
    assert_int_equal(ln_zoneset_count(zs), 4);
    assert_string_equal(ln_zoneset_zone(zs, 0)->id, "a:0");
    assert_string_equal(ln_zoneset_zone(zs, 1)->id, "a:1");
    assert_string_equal(ln_zoneset_zone(zs, 2)->id, "b:0");
    assert_string_equal(ln_zoneset_zone(zs, 3)->id, "b:1");
    /* the same file twice: its generated ids collide */
    assert_int_equal(try_load(zs, unnamed, "elsewhere/a.geojson", &d),
                     LN_EZONE);
    assert_string_equal(d.path, "features[0]");
    assert_non_null(strstr(d.msg, "'a:0'"));
    assert_non_null(strstr(d.msg, "features[0] of dir/a.geojson"));
    /* explicit duplicates in one file */
    assert_int_equal(try_load(zs, xx, "c.geojson", &d), LN_EGEOJSON);
    assert_string_equal(d.path, "features[1]");
    assert_non_null(strstr(d.msg, "features[0]"));
    assert_int_equal(ln_zoneset_count(zs), 4);
    /* across files */
    assert_int_equal(try_load(zs, x, "d.geojson", &d), 0);
    assert_int_equal(try_load(zs, x, "e.geojson", &d), LN_EZONE);
    assert_non_null(strstr(d.msg, "features[0] of d.geojson"));
    assert_string_equal(d.file, "e.geojson");
    assert_int_equal(ln_zoneset_count(zs), 5);
    /* and through ln_zoneset_add_polygons (cell zones, scenario zones) */
    double sq[] = {0, 0, 1, 0, 1, 1, 0, 1, 0, 0};
    ln_geo_ring r = {sq, 5};
    ln_geo_polygon p = {&r, 1};
    ln_diag_clear(&d);
    assert_int_equal(ln_zoneset_add_polygons(zs, "x", NULL, LN_ZONE_DENY, 0,
                                             -INFINITY, INFINITY, &p, 1, 0,
                                             &d), LN_EZONE);
    assert_non_null(strstr(d.msg, "d.geojson"));
    assert_int_equal(ln_zoneset_add_polygons(zs, "y", NULL, LN_ZONE_DENY, 0,
                                             -INFINITY, INFINITY, &p, 1, 0,
                                             &d), 0);
    assert_int_equal(ln_zoneset_add_polygons(zs, "y", NULL, LN_ZONE_DENY, 0,
                                             -INFINITY, INFINITY, &p, 1, 0,
                                             &d), LN_EZONE);
    ln_zoneset_free(zs);
}

/* Holes (hand-worked; tests/geo/ring_validity.py compares a table with
 * Shapely): outside the exterior or nested is refused, touching at a
 * point is fine, and a hole of a ring unwrapped across the antimeridian
 * is inside it whichever side of 180 its vertices are written on. */
static void test_holes(void **state)
{
    (void)state;
    static const struct {
        const char *coords;
        int rc;
        const char *path;
    } c[] = {
        {SQ_RING ",[[2,2],[4,2],[4,4],[2,4],[2,2]]", 0, NULL},
        {SQ_RING ",[[20,20],[21,20],[21,21],[20,20]]", LN_EGEOM,
         "features[0].geometry.coordinates[1]"},
        {SQ_RING ",[[1,1],[9,1],[9,9],[1,9],[1,1]],[[3,3],[6,3],[6,6],"
         "[3,6],[3,3]]", LN_EGEOM, "features[0].geometry.coordinates[2]"},
        {SQ_RING ",[[5,0],[6,2],[4,2],[5,0]]", 0, NULL},
        {SQ_RING ",[[5,10],[6,12],[4,12],[5,10]]", LN_EGEOM,
         "features[0].geometry.coordinates[1]"},
        /* antimeridian: exterior 170..190 (written -170), holes at 175
         * and at -175 (= 185) */
        {"[[170,-10],[-170,-10],[-170,10],[170,10],[170,-10]],"
         "[[174,-1],[176,-1],[176,1],[174,1],[174,-1]],"
         "[[-176,-1],[-174,-1],[-174,1],[-176,1],[-176,-1]]", 0, NULL},
        {"[[170,-10],[-170,-10],[-170,10],[170,10],[170,-10]],"
         "[[160,-1],[162,-1],[162,1],[160,1],[160,-1]]", LN_EGEOM,
         "features[0].geometry.coordinates[1]"},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        char doc[1024];
        snprintf(doc, sizeof doc, "{\"type\":\"FeatureCollection\","
                 "\"features\":[" FEAT("", "%s") "]}", c[i].coords);
        ln_zoneset *zs;
        ln_diag d;
        assert_int_equal(ln_zoneset_new(LN_ZONE_ALLOW, &zs), 0);
        int rc = try_load(zs, doc, "h.geojson", &d);
        if (rc != c[i].rc)
            fprintf(stderr, "case %zu: %s\n", i, d.msg);
        assert_int_equal(rc, c[i].rc);
        if (c[i].path)
            assert_string_equal(d.path, c[i].path);
        if (!rc) {
            /* a point in the (first) hole is outside the zone */
            ln_zone_decision z = ln_zoneset_decide_deg(zs, i == 5 ? 0 : 3,
                                                       i == 5 ? 175 : 3, NAN);
            assert_int_equal(z.action, i == 3 ? LN_ZONE_DENY
                                              : LN_ZONE_ALLOW);
        }
        ln_zoneset_free(zs);
    }
}

static void test_cli_output(void **state)
{
    (void)state;
    if (access(LN_CLI, X_OK) != 0) {
        skip();
        return;
    }
    char dir[] = "/tmp/ln_gf_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char pts[256], out[256], cmd[1024];
    snprintf(pts, sizeof pts, "%s/p.csv", dir);
    snprintf(out, sizeof out, "%s/o.csv", dir);
    FILE *f = fopen(pts, "w");
    fprintf(f, "id,lon,lat\nkyiv,30.51468,50.43531\nkherson,32.60066,"
               "46.63254\n");
    fclose(f);
    snprintf(cmd, sizeof cmd, "%s geofence --zones %s/geo/occupied_"
             "deepstate_20220831.geojson --points %s --at 2022-09-01 "
             "--output %s", LN_CLI, LN_PROJECT_DATA, pts, out);
    assert_int_equal(system(cmd), 0);
    f = fopen(out, "r");
    char buf[512] = {0};
    size_t r = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[r] = '\0';
    assert_string_equal(buf, "id,lon,lat,decision,zone\n"
                             "kyiv,30.51468,50.43531,allow,\n"
                             "kherson,32.60066,46.63254,deny,"
                             "occupied_deepstate_20220831:0\n");
    snprintf(cmd, sizeof cmd, "%s geofence --zones /nonexistent.geojson "
             "--lon 1 --lat 2 2>/dev/null", LN_CLI);
    assert_int_not_equal(system(cmd), 0);
    remove(pts);
    remove(out);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_antimeridian),
        cmocka_unit_test(test_priority_hole_time),
        cmocka_unit_test(test_add_polygons_shared_edges),
        cmocka_unit_test(test_self_intersection_policy),
        cmocka_unit_test(test_index_matches_reference),
        cmocka_unit_test(test_policy_change_2022),
        cmocka_unit_test(test_zone_ids),
        cmocka_unit_test(test_holes),
        cmocka_unit_test(test_cli_output),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
