/*
 * test_geojson.c - the GeoJSON reader on bad input: invalid JSON (line and
 * column), valid JSON that is not GeoJSON (member path), ring checks,
 * deep nesting, a 100 MB document, allocation failures.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "leonet/cell.h"
#include "leonet/geofence.h"
#include "leonet/zone.h"

static int parse(const char *s, ln_diag *d)
{
    ln_geojson g;
    ln_diag_clear(d);
    int rc = ln_geojson_parse(s, strlen(s), "x.geojson", 0, &g, d);
    ln_geojson_free(&g);
    return rc;
}

static void test_invalid_json(void **state)
{
    (void)state;
    ln_diag d;
    assert_int_equal(parse("{\"type\":\n  \"Polygon\",, }", &d), LN_EGEOJSON);
    assert_int_equal(d.line, 2);
    assert_true(d.col > 0);
    assert_string_equal(d.file, "x.geojson");
    assert_int_equal(parse("", &d), LN_EGEOJSON);
    assert_int_equal(parse("{\"type\":\"Polygon\"", &d), LN_EGEOJSON);
}

/* A NUL byte: its line and column (jansson would say "end of file
 * expected"); numbers beyond a double: jansson's line and column;
 * 1e308: out of range by member path. */
static void test_nul_and_hostile(void **state)
{
    (void)state;
    ln_diag d;
    ln_geojson g;
    const char z[] = "{\"type\":\n \"Polygon\"\0}";
    assert_int_equal(ln_geojson_parse(z, sizeof z - 1, "z.geojson", 0, &g,
                                      &d), LN_EGEOJSON);
    assert_int_equal(d.line, 2);
    assert_int_equal(d.col, 11);
    assert_non_null(strstr(d.msg, "NUL"));
    assert_int_equal(parse("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],"
                           "\n[1e999,0],[1,1],[0,0]]]}", &d), LN_EGEOJSON);
    assert_int_equal(d.line, 2);
    assert_true(d.col > 0);
    assert_int_equal(parse("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],"
                           "[1e308,0],[1,1],[0,0]]]}", &d), LN_EGEOJSON);
    assert_string_equal(d.path, "coordinates[0][1][0]");
    /* an H3 cell list with a NUL byte inside an id */
    ln_cell *cells;
    size_t n;
    const char c[] = "85283473fffffff\n8528347\0fffffff\n";
    assert_int_equal(ln_cell_parse_list(c, sizeof c - 1, "c.txt", &cells, &n,
                                        &d), LN_EPARSE);
    assert_int_equal(d.line, 2);
    assert_int_equal(d.col, 8);
}

static void test_not_geojson(void **state)
{
    (void)state;
    static const struct {
        const char *doc, *path;
    } c[] = {
        {"[1,2]", ""},
        {"{\"a\":1}", "type"},
        {"{\"type\":\"Point\",\"coordinates\":[1,2]}", "type"},
        {"{\"type\":\"FeatureCollection\"}", "features"},
        {"{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\","
         "\"geometry\":null}]}", "features[0].geometry"},
        {"{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\","
         "\"properties\":null,\"geometry\":{\"type\":\"Polygon\","
         "\"coordinates\":[[[0,0],[1,0],[1,\"a\"],[0,0]]]}}]}",
         "features[0].geometry.coordinates[0][2][1]"},
        {"{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\","
         "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],"
         "[1,1],[0,0]]]}},{\"type\":\"Feature\",\"geometry\":{\"type\":"
         "\"MultiPolygon\",\"coordinates\":[[[[0,0],[1,0],[1,1],[0,1],"
         "[0,0]]],[[[0,0],[1,0],[1,1],[0,1]]]]}}]}",
         "features[1].geometry.coordinates[1][0]"},
        {"{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[0,0]]]}",
         "coordinates[0]"},
        {"{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,95],"
         "[0,0]]]}", "coordinates[0][2][1]"},
        {"{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[181,0],[1,5],"
         "[0,0]]]}", "coordinates[0][1][0]"},
        {"{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1],[1,5],"
         "[0,0]]]}", "coordinates[0][1]"},
        {"{\"type\":\"Feature\",\"id\":[1],\"geometry\":{\"type\":"
         "\"Polygon\",\"coordinates\":[]}}", "id"},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        ln_diag d;
        int rc = parse(c[i].doc, &d);
        if (rc != LN_EGEOJSON || strcmp(d.path, c[i].path) != 0)
            fprintf(stderr, "case %zu: rc %d path '%s' msg '%s'\n", i, rc,
                    d.path, d.msg);
        assert_int_equal(rc, LN_EGEOJSON);
        assert_string_equal(d.path, c[i].path);
    }
}

static void test_zone_properties(void **state)
{
    (void)state;
    const char *doc = "{\"type\":\"Feature\",\"properties\":{\"action\":"
                      "\"block\"},\"geometry\":{\"type\":\"Polygon\","
                      "\"coordinates\":[[[0,0],[1,0],[1,1],[0,0]]]}}";
    ln_zoneset *zs;
    ln_diag d;
    assert_int_equal(ln_zoneset_new(LN_ZONE_ALLOW, &zs), 0);
    assert_int_equal(ln_zoneset_load_buffer(zs, doc, strlen(doc), "z", 0,
                                            &d),
                     LN_EZONE);
    assert_string_equal(d.path, "features[0].properties.action");
    const char *doc2 = "{\"type\":\"Feature\",\"properties\":{\"valid_from\":"
                       "\"yesterday\"},\"geometry\":{\"type\":\"Polygon\","
                       "\"coordinates\":[[[0,0],[1,0],[1,1],[0,0]]]}}";
    assert_int_equal(ln_zoneset_load_buffer(zs, doc2, strlen(doc2), "z", 0,
                                            &d),
                     LN_EZONE);
    assert_string_equal(d.path, "features[0].properties.valid_from");
    assert_int_equal(ln_zoneset_count(zs), 0);
    ln_zoneset_free(zs);
}

static void test_deep_nesting(void **state)
{
    (void)state;
    size_t depth = 1000000;
    char *s = malloc(2 * depth + 64);
    size_t n = (size_t)sprintf(s, "{\"type\":\"Polygon\",\"coordinates\":");
    memset(s + n, '[', depth);
    memset(s + n + depth, ']', depth);
    strcpy(s + n + 2 * depth, "}");
    ln_diag d;
    assert_int_equal(parse(s, &d), LN_EGEOJSON);
    free(s);
}

static void test_alloc_failures(void **state)
{
    (void)state;
    const char *doc = "{\"type\":\"FeatureCollection\",\"features\":[{\"type\""
                      ":\"Feature\",\"id\":\"a\",\"properties\":{\"name\":\"n\""
                      "},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
                      "[[[0,0],[4,0],[4,4],[0,4],[0,0]],[[1,1],[1,2],[2,2],"
                      "[1,1]]]}}]}";
    int ok = 0;
    for (long k = 1; k < 200 && !ok; k++) {
        ln_zoneset *zs;
        if (ln_zoneset_new(LN_ZONE_ALLOW, &zs))
            continue;
        ln_diag d;
        ln_alloc_fail_after(k);
        int rc = ln_zoneset_load_buffer(zs, doc, strlen(doc), "a", 0, &d);
        ln_alloc_fail_after(0);
        assert_true(rc == 0 || rc == LN_ENOMEM);
        if (rc == 0) {
            assert_int_equal(ln_zoneset_decide_deg(zs, 3, 3, NAN).action,
                             LN_ZONE_DENY);
            ok = 1;
        } else {
            assert_int_equal(ln_zoneset_count(zs), 0);
        }
        ln_zoneset_free(zs);
    }
    assert_true(ok);
}

/* A 100 MB document: one ring of ~4.5 million positions (a fine circle). */
static void test_100mb(void **state)
{
    (void)state;
    if (getenv("LN_SKIP_BIG")) {
        skip();
        return;
    }
    size_t np = 4600000, cap = np * 24 + 256;
    char *s = malloc(cap);
    size_t n = (size_t)sprintf(s, "{\"type\":\"Polygon\",\"coordinates\":[[");
    for (size_t i = 0; i < np; i++) {
        double a = 2 * LN_PI * (double)(i % (np - 1)) / (double)(np - 1);
        n += (size_t)snprintf(s + n, cap - n, "%s[%.6f,%.6f]", i ? "," : "",
                              30 + 5 * cos(a), 48 + 3 * sin(a));
    }
    n += (size_t)snprintf(s + n, cap - n, "]]}");
    assert_true(n > 100u * 1000 * 1000);
    ln_zoneset *zs;
    ln_diag d;
    assert_int_equal(ln_zoneset_new(LN_ZONE_ALLOW, &zs), 0);
    int rc = ln_zoneset_load_buffer(zs, s, n, "big", 0, &d);
    if (rc) {
        char b[1200];
        fprintf(stderr, "%s\n", ln_diag_format(&d, b, sizeof b));
    }
    assert_int_equal(rc, 0);
    assert_int_equal(ln_zoneset_decide_deg(zs, 48, 30, NAN).action,
                     LN_ZONE_DENY);
    assert_int_equal(ln_zoneset_decide_deg(zs, 48, 36, NAN).action,
                     LN_ZONE_ALLOW);
    ln_zoneset_free(zs);
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_invalid_json),
        cmocka_unit_test(test_not_geojson),
        cmocka_unit_test(test_nul_and_hostile),
        cmocka_unit_test(test_zone_properties),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_alloc_failures),
        cmocka_unit_test(test_100mb),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
