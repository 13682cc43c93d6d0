/*
 * test_handover.c - the engine on a tiny constellation worked out by
 * hand: one equatorial ring at 550 km, one terminal and its gateway on
 * the equator.
 *
 * The hand computation (written out here; the numbers were checked once
 * with python3-sgp4 on the same elements, step by step):
 *  - Ring: alt 550 km above 6378.135 km (a = 6928.135 km), incl 0, N
 *    satellites, satellite k at argument of latitude 360 k / N at the
 *    epoch 2022-10-09T00:00Z (walker.c's rule, RAAN 0).
 *  - GMST at the epoch (IAU 1982) is 17.59696 deg, so satellite 0 is over
 *    longitude -17.59696 deg at t = 0: the terminal and the gateway sit
 *    there, on the equator (where the WGS-84 normal is the radius, so the
 *    spherical formulas below are exact).
 *  - Visibility above the 25 deg mask: Earth central angle
 *    gamma = 90 - 25 - asin(R cos 25 / r) = 8.451 deg (R = 6378.137 km,
 *    r = 6928.135 km). A satellite is seen while |angle| <= 8.451 deg,
 *    16.90 deg of arc.
 *  - Relative motion: n - omega_earth with n = sqrt(mu / a^3) and the J2
 *    secular drift of the argument of latitude for i = 0 (1 + 3 J2
 *    (R/a)^2): 3.5234 deg/min eastward (2-body: 3.5130).
 *  - N = 24 (15 deg apart < 16.90: continuous coverage). The serving
 *    satellite is kept until it sets at +8.451 deg; the next one (then at
 *    -6.549 deg) takes over: handovers at t_k = (8.451 + 15 k) / 3.5234
 *    min. In one hour (240 steps of 15 s, t < 60 min): k = 0..13 since
 *    (60 x 3.5234 - 8.451) / 15 = 13.53, so 14 handovers, availability 1.
 *    (The nearest t_k to the window's end is 2 min away; the 2-body rate
 *    gives the same count.)
 *  - N = 18 (20 deg apart > 16.90): a gap of (20 - 16.90) / 3.5234 =
 *    0.88 min after each set. Sets at (8.451 + 20 k) / 3.5234 min, rises
 *    of the next at (11.549 + 20 k) / 3.5234 min. In 55 min (220 steps):
 *    (193.79 - 8.451) / 20 = 9.27 -> 10 losses; (193.79 - 11.549) / 20 =
 *    9.11 -> 10 restorations; no handover (a new satellite only ever
 *    comes after an outage); outage 10 x 0.88 min = 8.8 min, sampled in
 *    15 s steps: 3 or 4 steps per gap, so 7.5 to 10 minutes.
 *  - Zenith: at t = 0 satellite 0 is straight overhead; with the gateway
 *    at the terminal the round trip to the gateway is 4 h / c. SGP4's
 *    osculating radius at t = 0 is 6924.963 km for these elements
 *    (python3-sgp4), h = 546.826 km: 7.296 ms. The engine reports
 *    percentiles as 0.1 ms histogram bin centres: within 0.05 ms.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "leonet/sim.h"
#include "sim_test.h"

#define LON "-17.59696020732323"

/* link: "" (sticky, the default) or a link object's members */
static json_t *run_ring_link(int n, double duration_s, const char *link,
                             const char *dir)
{
    char text[2048];
    snprintf(text, sizeof text,
             "{\"name\":\"ring-%d\",\"start\":\"2022-10-09T00:00:00Z\","
             "\"duration_s\":%g,\"step_s\":15,\"link\":{%s},"
             "\"constellation\":{\"shells\":[{\"alt_km\":550,"
             "\"incl_deg\":0,\"planes\":1,\"per_plane\":%d,\"phasing\":0,"
             "\"raan0_deg\":0}]},"
             "\"gateways\":[{\"name\":\"gw\",\"lat\":0,\"lon\":" LON ","
             "\"antennas\":4}],"
             "\"plans\":[{\"id\":\"p\",\"hardware_usd\":1,"
             "\"monthly_usd\":1,\"peak_mbps\":1}],"
             "\"accounts\":[{\"id\":\"a\",\"plan\":\"p\"}],"
             "\"terminals\":[{\"kind\":\"mobile\",\"count\":1,"
             "\"account\":\"a\",\"spread_km\":0,\"tracks\":[{"
             "\"waypoints\":[{\"lat\":0,\"lon\":" LON ",\"t_s\":0}]}]}]}",
             n, duration_s, link, n);
    return sim_run_text(text, 1, dir);
}

static json_t *run_ring(int n, double duration_s, const char *dir)
{
    return run_ring_link(n, duration_s, "", dir);
}

static json_t *acct(json_t *sum)
{
    json_t *a = json_object_get(json_object_get(sum, "accounts"), "a");
    assert_non_null(a);
    return a;
}

static double num(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    assert_non_null(v);
    assert_true(json_is_number(v));
    return json_number_value(v);
}

/* count lines of events.csv with this event and reason */
static int events(const char *dir, const char *what)
{
    char path[256], line[512];
    snprintf(path, sizeof path, "%s/events.csv", dir);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    int n = 0;
    while (fgets(line, sizeof line, f))
        if (strstr(line, what))
            n++;
    fclose(f);
    return n;
}

static void test_zenith(void **state)
{
    (void)state;
    json_t *sum = run_ring(24, 15, "sim-ring-zenith");
    json_t *a = acct(sum);
    assert_int_equal((int)num(a, "terminal_steps"), 1);
    assert_true(num(a, "availability") == 1.0);
    double p50 = num(json_object_get(a, "rtt_to_gateway_ms"), "p50");
    assert_true(fabs(p50 - 7.296) <= 0.0501);
    json_decref(sum);
}

static void test_handovers_24(void **state)
{
    (void)state;
    json_t *sum = run_ring(24, 3600, "sim-ring-24");
    json_t *a = acct(sum);
    assert_int_equal((int)num(a, "terminal_steps"), 240);
    assert_int_equal((int)num(a, "handovers"), 14);
    assert_true(num(a, "availability") == 1.0);
    assert_true(num(a, "coverage") == 1.0);
    assert_int_equal(events("sim-ring-24", ",lost,"), 0);
    json_decref(sum);
}

static void test_gaps_18(void **state)
{
    (void)state;
    json_t *sum = run_ring(18, 3300, "sim-ring-18");
    json_t *a = acct(sum);
    assert_int_equal((int)num(a, "terminal_steps"), 220);
    assert_int_equal((int)num(a, "handovers"), 0);
    assert_int_equal(events("sim-ring-18", ",lost,no-satellite,"), 10);
    assert_int_equal(events("sim-ring-18", ",restored,no-satellite,"), 10);
    double out = num(json_object_get(a, "outage_minutes"), "no-satellite");
    assert_true(out >= 7.5 && out <= 10.0);
    /* everything else was served: steps = served + no-satellite */
    double avail = num(a, "availability");
    assert_true(fabs(avail - (1.0 - out * 4.0 / 220.0)) < 1e-6); /* 6 digits */
    json_decref(sum);
}

/* The slot scheduler (link.scheduler "slot", 15 s slots) on the N = 24
 * ring, by hand. At each slot the terminal takes the highest satellite,
 * i.e. the one nearest in central angle: satellite k is at 15 k + 3.5234
 * t_min deg from the terminal (east positive), so the nearest changes
 * when the one ahead passes +7.5 deg and the one behind reaches -7.5 deg
 * (equal elevations): at t_k = (7.5 + 15 k) / 3.5234 min, k = 0, 1, ...
 * (the midpoints, not the sets at +8.451 deg that the sticky rule waits
 * for). A slot at t sees every change with t_k <= t.
 *  - One hour, slots at 0 .. 59.75 min: (59.75 x 3.5234 - 7.5) / 15 =
 *    13.53 -> k = 0..13, 14 handovers (one per satellite passing, as for
 *    the sticky rule: only the phase differs); availability 1.
 *  - 150 s (slots at 0 .. 135 s): t_0 = 127.7 s (2-body rate: 128.1 s)
 *    is before the last slot, so 1 handover; the sticky rule's first,
 *    at 8.451 / 3.5234 min = 143.9 s (144.3 s), is after it: 0.
 *  - 30 s slots (step 15 s) over the hour: a change is made at the
 *    first slot (0, 30, ..., 3570 s) after t_k, or earlier at the step
 *    when the old satellite sets ((8.451 - 7.5) / 3.5234 min = 16 s after
 *    t_k; between slots a terminal keeps its satellite while it is above
 *    the mask, as with the sticky rule), and the next slot keeps the new
 *    one: still one per k, k = 0..13 (t_13 = 57.47 min), 14 handovers. */
static void test_slot_ring(void **state)
{
    (void)state;
    const char *slot = "\"scheduler\":\"slot\",\"slot_s\":15";
    json_t *sum = run_ring_link(24, 3600, slot, "sim-ring-slot");
    json_t *a = acct(sum);
    assert_int_equal((int)num(a, "terminal_steps"), 240);
    assert_int_equal((int)num(a, "handovers"), 14);
    assert_true(num(a, "availability") == 1.0);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(sum, "run"), "scheduler")),
                        "slot");
    json_decref(sum);
    sum = run_ring_link(24, 150, slot, "sim-ring-slot150");
    assert_int_equal((int)num(acct(sum), "handovers"), 1);
    json_decref(sum);
    sum = run_ring_link(24, 150, "", "sim-ring-sticky150");
    assert_int_equal((int)num(acct(sum), "handovers"), 0);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(sum, "run"), "scheduler")),
                        "sticky");
    json_decref(sum);
    sum = run_ring_link(24, 3600, "\"scheduler\":\"slot\",\"slot_s\":30",
                        "sim-ring-slot30");
    assert_int_equal((int)num(acct(sum), "handovers"), 14);
    assert_true(num(acct(sum), "availability") == 1.0);
    json_decref(sum);
}

/* Gateway antennas on the N = 24 ring at t = 0 (one 15 s step), by hand.
 * Satellite 0 is over L0 = -17.597 deg, satellite 1 over L0 + 15. A
 * satellite is seen within 8.451 deg of central angle (above). The
 * gateway G at L0 + 7.5 sees both (7.5 deg each) and has `ant` antennas.
 *   A   at L0 + 1    sees sat 0 only                    (account a)
 *   B,B at L0 + 14   see sat 1 only                     (account b)
 *   C   at L0 + 7.8  sees 0 (7.8 deg) and 1 (7.2): best 1  (account b)
 *   D   at L0 + 7.2  sees 0 (7.2) and 1 (7.8): best 0      (account b)
 * Users per satellite: sat 0 {A, D}, sat 1 {B, B, C}. With one antenna
 * the satellite with more users, sat 1, gets it (a plain index order
 * would give it to sat 0 and leave three terminals without service); D
 * moves to sat 1, which it also sees; A sees no satellite with an
 * antenna: "no-gateway" for its one step (0.25 min). With two antennas
 * everyone is served. */
static json_t *run_antennas(int ant, const char *dir)
{
    char text[4096], grp[1600] = "";
    const struct {
        double dlon;
        int count;
        const char *acct;
    } t[] = {{1, 1, "a"}, {14, 2, "b"}, {7.8, 1, "b"}, {7.2, 1, "b"}};
    for (int k = 0; k < 4; k++) {
        char one[400];
        snprintf(one, sizeof one,
                 "%s{\"kind\":\"mobile\",\"count\":%d,\"account\":\"%s\","
                 "\"spread_km\":0,\"tracks\":[{\"waypoints\":[{\"lat\":0,"
                 "\"lon\":%.9f,\"t_s\":0}]}]}",
                 k ? "," : "", t[k].count, t[k].acct,
                 -17.59696020732323 + t[k].dlon);
        strcat(grp, one);
    }
    snprintf(text, sizeof text,
             "{\"name\":\"antennas\",\"start\":\"2022-10-09T00:00:00Z\","
             "\"duration_s\":15,\"step_s\":15,"
             "\"constellation\":{\"shells\":[{\"alt_km\":550,"
             "\"incl_deg\":0,\"planes\":1,\"per_plane\":24,\"phasing\":0,"
             "\"raan0_deg\":0}]},"
             "\"gateways\":[{\"name\":\"G\",\"lat\":0,\"lon\":%.9f,"
             "\"antennas\":%d}],"
             "\"plans\":[{\"id\":\"p\",\"hardware_usd\":1,"
             "\"monthly_usd\":1,\"peak_mbps\":1}],"
             "\"accounts\":[{\"id\":\"a\",\"plan\":\"p\"},"
             "{\"id\":\"b\",\"plan\":\"p\"}],\"terminals\":[%s]}",
             -17.59696020732323 + 7.5, ant, grp);
    return sim_run_text(text, 2, dir);
}

static void test_antennas(void **state)
{
    (void)state;
    json_t *sum = run_antennas(1, "sim-ring-ant1");
    json_t *acc = json_object_get(sum, "accounts");
    json_t *a = json_object_get(acc, "a"), *b = json_object_get(acc, "b");
    assert_int_equal((int)num(a, "terminals"), 1);
    assert_int_equal((int)num(b, "terminals"), 4);
    assert_true(num(a, "availability") == 0.0);
    assert_true(num(a, "coverage") == 1.0);
    assert_true(num(json_object_get(a, "outage_minutes"), "no-gateway") ==
                0.25);
    assert_true(num(b, "availability") == 1.0);
    json_decref(sum);
    sum = run_antennas(2, "sim-ring-ant2");
    acc = json_object_get(sum, "accounts");
    assert_true(num(json_object_get(acc, "a"), "availability") == 1.0);
    assert_true(num(json_object_get(acc, "b"), "availability") == 1.0);
    json_decref(sum);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zenith),
        cmocka_unit_test(test_handovers_24),
        cmocka_unit_test(test_gaps_18),
        cmocka_unit_test(test_antennas),
        cmocka_unit_test(test_slot_ring),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
