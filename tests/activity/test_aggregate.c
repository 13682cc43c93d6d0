/*
 * test_aggregate.c - the engine's aggregation for the activity map, end to
 * end through `leonet run` on a hand-built scenario with known counts per
 * cell and window.
 *
 * The scenario: one hour from 2022-10-09 00:00 UTC, steps of 60 s, map
 * windows of 15 min (4 windows of 15 steps), the real 2022-10-09 Starlink
 * TLEs, and three mobile groups with spread_km 0 and stagger_s 0, so every
 * unit sits exactly on its track:
 *   P1 (50.45 N, 30.52 E, Kyiv)   3 units, all hour (allowed)
 *   Q  (47.05 N, 37.55 E)         2 units, all hour, inside a deny square
 *                                 (lon 37..38, lat 46.8..47.3)
 *   P2 (49.0 N, 24.0 E) -> P3 (49.5 N, 32.0 E)  1 unit: at P2 until
 *                                 t = 1799 s, at P3 from t = 1800 s, so
 *                                 in P2's cell in windows 0-1 and in P3's
 *                                 cell in windows 2-3
 * Expected per window (means over the window's steps): cell(P1)
 * active + outage = 3, denied 0; cell(Q) denied 2, active 0; cell(P2)
 * present 1, 1, 0, 0; cell(P3) present 0, 0, 1, 1; no other cell.
 * The cell ids at resolutions 4, 5, 6 come from h3-js 4.5.0 (the H3
 * reference library, `latLngToCell`), computed independently of leonet.
 * Also: ids, order and counts identical across runs and thread counts,
 * `--map-res` (4, 6; 16 and -1 refused), `--frames --animate --every 2`.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "act_test.h"
#include <jansson.h>

#define NWIN 4

/* h3-js 4.5.0: latLngToCell(lat, lon, res) of P1, Q, P2, P3 */
static const char *const IDS[3][4] = {
    {"841e63bffffffff", "842d62dffffffff", "841e0dbffffffff",
     "841e6e7ffffffff"},                                   /* res 4 */
    {"851e6387fffffff", "852d62cbfffffff", "851e0da7fffffff",
     "851e6e6ffffffff"},                                   /* res 5 */
    {"861e6384fffffff", "862d62c97ffffff", "861e0da77ffffff",
     "861e6e6f7ffffff"},                                   /* res 6 */
};


static const char *SCENARIO =
    "{\"name\":\"agg\",\"start\":\"2022-10-09T00:00:00Z\","
    "\"duration_s\":3600,\"step_s\":60,\"seed\":7,"
    "\"constellation\":{\"tle\":\"tle/starlink_2022-10-09.tle\","
    "\"name_prefix\":\"STARLINK\"},"
    "\"gateways\":[{\"name\":\"Wola\",\"lat\":51.86,\"lon\":20.92,"
    "\"antennas\":100},{\"name\":\"Kaunas\",\"lat\":54.88,"
    "\"lon\":23.84,\"antennas\":100}],"
    "\"zones\":[{\"file\":\"deny.geojson\",\"id\":\"sq\",\"action\":"
    "\"deny\",\"priority\":1}],"
    "\"plans\":[{\"id\":\"p\",\"hardware_usd\":1,\"monthly_usd\":1,"
    "\"peak_mbps\":1}],\"accounts\":[{\"id\":\"a\",\"plan\":\"p\"}],"
    "\"terminals\":["
    "{\"name\":\"p1\",\"kind\":\"mobile\",\"count\":3,\"account\":\"a\","
    "\"spread_km\":0,\"stagger_s\":0,\"tracks\":[{\"waypoints\":["
    "{\"lat\":50.45,\"lon\":30.52,\"t_s\":0},"
    "{\"lat\":50.45,\"lon\":30.52,\"t_s\":3600}]}]},"
    "{\"name\":\"q\",\"kind\":\"mobile\",\"count\":2,\"account\":\"a\","
    "\"spread_km\":0,\"stagger_s\":0,\"tracks\":[{\"waypoints\":["
    "{\"lat\":47.05,\"lon\":37.55,\"t_s\":0},"
    "{\"lat\":47.05,\"lon\":37.55,\"t_s\":3600}]}]},"
    "{\"name\":\"mover\",\"kind\":\"mobile\",\"count\":1,\"account\":\"a\","
    "\"spread_km\":0,\"stagger_s\":0,\"tracks\":[{\"waypoints\":["
    "{\"lat\":49.0,\"lon\":24.0,\"t_s\":0},"
    "{\"lat\":49.0,\"lon\":24.0,\"t_s\":1799},"
    "{\"lat\":49.5,\"lon\":32.0,\"t_s\":1800},"
    "{\"lat\":49.5,\"lon\":32.0,\"t_s\":3600}]}]}],"
    "\"outputs\":{\"map_res\":5,\"window_s\":900}}";

static const char *ZONE =
    "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\","
    "\"properties\":{\"name\":\"square\"},\"geometry\":{\"type\":"
    "\"Polygon\",\"coordinates\":[[[37,46.8],[38,46.8],[38,47.3],"
    "[37,47.3],[37,46.8]]]}}]}";


static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "activity-agg-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    write_file("agg.json", SCENARIO);
    write_file("deny.geojson", ZONE);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (getenv("LN_TEST_KEEP")) /* keep the runs for a look */
        return 0;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Runs `leonet --threads T run DIR/agg.json --output DIR/OUT --quiet
 * EXTRA`; returns the exit status. */
static int run(int threads, const char *out, const char *extra)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "'%s' --threads %d run '%s/agg.json' --output '%s/%s' --quiet "
             "%s >/dev/null 2>'%s/%s.err'",
             LN_CLI, threads, dir, dir, out, extra, dir, out);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static double num_at(json_t *props, const char *k, int w)
{
    json_t *a = json_object_get(props, k);
    assert_true(json_is_array(a));
    assert_int_equal(json_array_size(a), NWIN);
    json_t *v = json_array_get(a, (size_t)w);
    assert_true(json_is_number(v));
    return json_number_value(v);
}

/* Checks DIR/OUT/activity.geojson against the expectations at res. */
static void check_counts(const char *out, int res)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s/activity.geojson", dir, out);
    json_error_t err;
    json_t *root = json_load_file(p, 0, &err);
    if (!root)
        fail_msg("%s: %s (line %d)", p, err.text, err.line);
    assert_int_equal(json_integer_value(json_object_get(root, "map_res")),
                     res);
    assert_int_equal(json_integer_value(json_object_get(root, "windows")),
                     NWIN);
    json_t *feats = json_object_get(root, "features");
    assert_int_equal(json_array_size(feats), 4);
    const char *const *ids = IDS[res - 4];
    int seen[4] = {0};
    double active_sum = 0;
    for (size_t f = 0; f < 4; f++) {
        json_t *ft = json_array_get(feats, f);
        const char *id = json_string_value(json_object_get(ft, "id"));
        assert_non_null(id);
        json_t *pr = json_object_get(ft, "properties");
        assert_string_equal(json_string_value(json_object_get(pr, "cell")),
                            id);
        int k = -1;
        for (int j = 0; j < 4; j++)
            if (strcmp(id, ids[j]) == 0)
                k = j;
        if (k < 0)
            fail_msg("unexpected cell %s at res %d", id, res);
        seen[k]++;
        for (int w = 0; w < NWIN; w++) {
            double a = num_at(pr, "active", w), d = num_at(pr, "denied", w),
                   o = num_at(pr, "outage", w);
            active_sum += a;
            static const double present[4][NWIN] = {
                {3, 3, 3, 3}, {2, 2, 2, 2}, {1, 1, 0, 0}, {0, 0, 1, 1}};
            assert_float_equal(a + d + o, present[k][w], 1e-9);
            if (k == 1) { /* Q: in the deny zone */
                assert_float_equal(d, 2, 1e-9);
            } else {
                assert_float_equal(d, 0, 1e-9);
            }
        }
    }
    for (int j = 0; j < 4; j++)
        assert_int_equal(seen[j], 1);
    /* the allowed units are served most of the time (sanity: the counts
     * are not all outages) */
    assert_true(active_sum > 0.5 * (3 * NWIN + 2));
    json_decref(root);
}

static char *slurp(const char *out, const char *name)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s/%s", dir, out, name);
    FILE *f = fopen(p, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long n = ftell(f);
    assert_true(n > 0);
    rewind(f);
    char *b = malloc((size_t)n + 1);
    assert_non_null(b);
    assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
    b[n] = 0;
    fclose(f);
    return b;
}

static void test_counts(void **state)
{
    (void)state;
    assert_int_equal(run(1, "r5", ""), 0);
    check_counts("r5", 5);
}

/* Cell ids, their order and every count: identical across runs and
 * thread counts (activity.geojson byte for byte). */
static void test_stable(void **state)
{
    (void)state;
    assert_int_equal(run(2, "r5b", ""), 0);
    assert_int_equal(run(1, "r5c", ""), 0);
    const char *files[] = {"activity.geojson", "activity-sats.json"};
    for (int k = 0; k < 2; k++) {
        char *a = slurp("r5", files[k]), *b = slurp("r5b", files[k]),
             *c = slurp("r5c", files[k]);
        assert_string_equal(a, b);
        assert_string_equal(a, c);
        free(a);
        free(b);
        free(c);
    }
}

static void test_map_res(void **state)
{
    (void)state;
    assert_int_equal(run(1, "r4", "--map-res 4"), 0);
    check_counts("r4", 4);
    assert_int_equal(run(1, "r6", "--map-res=6"), 0);
    check_counts("r6", 6);
    assert_int_equal(run(1, "bad", "--map-res 16"), 2);
    assert_int_equal(run(1, "bad", "--map-res -1"), 2);
    assert_int_equal(run(1, "bad", "--map-res five"), 2);
}

static int exists(const char *out, const char *name)
{
    char p[256];
    struct stat st;
    snprintf(p, sizeof p, "%s/%s/%s", dir, out, name);
    return stat(p, &st) == 0 && st.st_size > 0;
}

/* --frames --animate --every 2: frames of windows 0 and 2 (00:00,
 * 00:30) and activity.gif, beside the run's own map and page. */
static void test_frames(void **state)
{
    (void)state;
    assert_int_equal(run(1, "rf", "--frames --animate --every 2"), 0);
    assert_true(exists("rf", "activity.gif"));
    assert_true(exists("rf", "activity.png"));
    assert_true(exists("rf", "activity.html"));
    assert_true(exists("rf", "activity-0000.png"));
    assert_true(exists("rf", "activity-0030.png"));
    assert_false(exists("rf", "activity-0015.png"));
    assert_false(exists("rf", "activity-0045.png"));
    assert_int_equal(run(1, "bad", "--every 0"), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts),
        cmocka_unit_test(test_stable),
        cmocka_unit_test(test_map_res),
        cmocka_unit_test(test_frames),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
