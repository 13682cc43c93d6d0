/*
 * test_sched.c - the slot scheduler's members and capacity rule, its
 * determinism across thread counts, and gateway antennas on the laser
 * mesh, each worked out by hand.
 *
 * Capacity (link.beams_per_sat 1), on the equatorial ring of
 * test_handover.c (24 satellites at 550 km, satellite 0 over L0 =
 * -17.59696 deg at t = 0, satellite 1 over L0 + 15; seen within 8.451 deg
 * of central angle above 25 deg; one 15 s step at t = 0):
 *   A (account a) at L0 + 7.0: satellite 0 at 7.0 deg, 1 at 8.0 deg
 *   B (account b) at L0 + 7.4: satellite 0 at 7.4 deg, 1 at 7.6 deg
 * Both rank satellite 0 first; A and B lie in different res-5 beam cells
 * (44 km apart). With one beam slot per satellite, the terminal whose
 * beam cell comes first (H3 index order) takes satellite 0, the other
 * falls back to satellite 1; with two slots both are on satellite 0. The
 * gateway G at L0 + 7.5 sees both satellites at 7.5 deg. On the equator
 * (sphere radius R = 6378.137 km, the WGS-84 equatorial radius; SGP4's
 * radius at t = 0 is r = 6924.963 km for every satellite of the ring, see
 * test_handover.c) the slant range at central angle g is
 * sqrt(R^2 + r^2 - 2 R r cos g): 978.503 km (7.0), 1017.232 (7.4),
 * 1027.011 (7.5), 1036.826 (7.6), 1076.432 (8.0); RTT = 2 (up + down) / c:
 *   A on 0: 13.3793 ms, A on 1: 14.0327 ms
 *   B on 0: 13.6377 ms, B on 1: 13.7684 ms
 * (the engine reports 0.1 ms bin centres: within 0.05 ms).
 *
 * Mesh antennas: one plane of 24 satellites at 550 km, 60 deg (the shell
 * of test_isl.c: neighbours 15 deg apart stand at about 10 deg elevation,
 * below the 25 deg masks). The gateway G sits under the midpoint of
 * satellites 3 and 4 (7.5 deg from each: 28.3 deg elevation, checked
 * below), terminals right under satellites 0, 1 and 7, which see no
 * gateway themselves:
 *   - sat 0's shortest path: 0-1-2-3 then down from 3 (3 ISLs; via 4 is
 *     one ISL longer); sat 1's: 1-2-3, exit 3; sat 7's: 7-6-5-4, exit 4.
 *   - G with 1 antenna, one terminal under 0 (account a) and two under
 *     7 (account b): satellite 7 has more users, goes first, and its exit
 *     4 takes the antenna; satellite 0's exit 3 finds none free: the
 *     terminal under 0 (it sees only satellite 0) is "no-gateway" for its
 *     one step (0.25 min). Before antennas bound the mesh, both exits went
 *     down to G with one antenna.
 *   - The same with 2 antennas: both served.
 *   - G with 1 antenna, terminals under 0 (a) and 1 (b): both paths exit
 *     at satellite 3, which holds G's one antenna: both served (shared).
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

#include "leonet/cell.h"
#include "leonet/geodesy.h"
#include "leonet/orbit.h"
#include "leonet/sim.h"
#include "sim_test.h"

#define L0 (-17.59696020732323)
#define START_UNIX 1665273600.0 /* 2022-10-09T00:00:00Z */

/* ---- members ----------------------------------------------------------- */

/* Parses the minimal scenario with this link object; returns the status
 * and the diagnostic's member path in path. */
static int parse_link(const char *link, char *path, size_t n, int *sched,
                      double *slot_s)
{
    char text[1024];
    snprintf(text, sizeof text,
             "{\"name\":\"m\",\"start\":\"2022-10-09T00:00:00Z\","
             "\"duration_s\":60,\"step_s\":15,\"link\":%s,"
             "\"constellation\":{\"preset\":\"gen1\"},"
             "\"gateways\":[{\"name\":\"gw\",\"lat\":0,\"lon\":0,"
             "\"antennas\":1}],"
             "\"plans\":[{\"id\":\"p\",\"hardware_usd\":1,"
             "\"monthly_usd\":1,\"peak_mbps\":1}],"
             "\"accounts\":[{\"id\":\"a\",\"plan\":\"p\"}],"
             "\"terminals\":[{\"kind\":\"mobile\",\"count\":1,"
             "\"account\":\"a\",\"spread_km\":0,\"tracks\":[{"
             "\"waypoints\":[{\"lat\":0,\"lon\":0,\"t_s\":0}]}]}]}",
             link);
    ln_scenario *sc = NULL;
    ln_diag d;
    memset(&d, 0, sizeof d);
    int rc = ln_scenario_parse(text, strlen(text), "m.json", &sc, &d);
    snprintf(path, n, "%s", rc ? d.path : "");
    if (rc)
        print_message("%s: %s\n", d.path, d.msg);
    if (!rc) {
        *sched = sc->scheduler;
        *slot_s = sc->slot_s;
        ln_scenario_free(sc);
    }
    return rc;
}

static void test_members(void **state)
{
    (void)state;
    char p[256];
    int sched = -1;
    double slot = 0;
    assert_int_equal(parse_link("{}", p, sizeof p, &sched, &slot), 0);
    assert_int_equal(sched, LN_SCHED_STICKY);
    assert_int_equal(parse_link("{\"scheduler\":\"slot\"}", p, sizeof p,
                                &sched, &slot),
                     0);
    assert_int_equal(sched, LN_SCHED_SLOT);
    assert_true(slot == 15);
    assert_int_equal(parse_link("{\"scheduler\":\"slot\",\"slot_s\":45}", p,
                                sizeof p, &sched, &slot),
                     0);
    assert_true(slot == 45);
    /* hostile values: each refused with its member path */
    static const struct {
        const char *link, *path;
    } bad[] = {
        {"{\"scheduler\":\"fifo\"}", "link.scheduler"},
        {"{\"scheduler\":\"\"}", "link.scheduler"},
        {"{\"scheduler\":\"SLOT\"}", "link.scheduler"},
        {"{\"scheduler\":1}", "link.scheduler"},
        {"{\"scheduler\":\"slotslotslotslotslot\"}", "link.scheduler"},
        {"{\"scheduler\":\"slot\",\"slot_s\":20}", "link.slot_s"},
        {"{\"scheduler\":\"slot\",\"slot_s\":7.5}", "link.slot_s"},
        {"{\"scheduler\":\"slot\",\"slot_s\":0}", "link.slot_s"},
        {"{\"scheduler\":\"slot\",\"slot_s\":-15}", "link.slot_s"},
        {"{\"scheduler\":\"slot\",\"slot_s\":1e300}", "link.slot_s"},
        {"{\"scheduler\":\"slot\",\"slot_s\":\"15\"}", "link.slot_s"},
        {"{\"slot_s\":0}", "link.slot_s"},
        /* slot_s means nothing to the sticky scheduler: not silently kept */
        {"{\"slot_s\":15}", "link.slot_s"},
        {"{\"scheduler\":\"sticky\",\"slot_s\":30}", "link.slot_s"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        assert_int_equal(parse_link(bad[k].link, p, sizeof p, &sched, &slot),
                         LN_ESCENARIO);
        assert_string_equal(p, bad[k].path);
    }
}

/* ---- capacity: one beam slot ------------------------------------------- */

static json_t *run_capacity(int beams, const char *dir)
{
    char text[4096];
    snprintf(text, sizeof text,
             "{\"name\":\"cap\",\"start\":\"2022-10-09T00:00:00Z\","
             "\"duration_s\":15,\"step_s\":15,"
             "\"link\":{\"scheduler\":\"slot\",\"beams_per_sat\":%d},"
             "\"constellation\":{\"shells\":[{\"alt_km\":550,"
             "\"incl_deg\":0,\"planes\":1,\"per_plane\":24,\"phasing\":0,"
             "\"raan0_deg\":0}]},"
             "\"gateways\":[{\"name\":\"G\",\"lat\":0,\"lon\":%.12f,"
             "\"antennas\":4}],"
             "\"plans\":[{\"id\":\"p\",\"hardware_usd\":1,"
             "\"monthly_usd\":1,\"peak_mbps\":1}],"
             "\"accounts\":[{\"id\":\"a\",\"plan\":\"p\"},"
             "{\"id\":\"b\",\"plan\":\"p\"}],\"terminals\":["
             "{\"kind\":\"mobile\",\"count\":1,\"account\":\"a\","
             "\"spread_km\":0,\"tracks\":[{\"waypoints\":[{\"lat\":0,"
             "\"lon\":%.12f,\"t_s\":0}]}]},"
             "{\"kind\":\"mobile\",\"count\":1,\"account\":\"b\","
             "\"spread_km\":0,\"tracks\":[{\"waypoints\":[{\"lat\":0,"
             "\"lon\":%.12f,\"t_s\":0}]}]}]}",
             beams, L0 + 7.5, L0 + 7.0, L0 + 7.4);
    return sim_run_text(text, 2, dir);
}

static double p50(json_t *sum, const char *acct)
{
    return sim_num(json_object_get(sum, "accounts"), acct,
                   "rtt_to_gateway_ms", "p50");
}

static void test_capacity_one_beam(void **state)
{
    (void)state;
    const double a0 = 13.3793, a1 = 14.0327, b0 = 13.6377, b1 = 13.7684;
    const double tol = 0.05 + 1e-4;
    json_t *sum = run_capacity(2, "sched-cap2");
    assert_true(sim_num(sum, "total", "availability", NULL) == 1.0);
    assert_true(fabs(p50(sum, "a") - a0) <= tol);
    assert_true(fabs(p50(sum, "b") - b0) <= tol);
    json_decref(sum);
    /* which beam cell comes first (the scheduler's order) */
    ln_cell ca, cb;
    assert_int_equal(ln_cell_from_latlon(0, (L0 + 7.0) * LN_DEG2RAD, 5, &ca),
                     0);
    assert_int_equal(ln_cell_from_latlon(0, (L0 + 7.4) * LN_DEG2RAD, 5, &cb),
                     0);
    assert_true(ca != cb);
    sum = run_capacity(1, "sched-cap1");
    assert_true(sim_num(sum, "total", "availability", NULL) == 1.0);
    print_message("A %.2f B %.2f ms, A's cell first: %d\n", p50(sum, "a"),
                  p50(sum, "b"), ca < cb);
    if (ca < cb) {
        assert_true(fabs(p50(sum, "a") - a0) <= tol);
        assert_true(fabs(p50(sum, "b") - b1) <= tol);
    } else {
        assert_true(fabs(p50(sum, "a") - a1) <= tol);
        assert_true(fabs(p50(sum, "b") - b0) <= tol);
    }
    json_decref(sum);
}

/* ---- determinism across thread counts ---------------------------------- */

/* The built-in day, 600 terminals for 30 min, with one beam slot per
 * satellite (the capacity fallback at every slot) and 30 s slots (steps
 * between slots). */
static void run_small(int threads, const char *dir)
{
    const char *base = ln_scenario_builtin("ukraine-2022");
    assert_non_null(base);
    const char *p = strstr(base, "\"beams_per_sat\": 16");
    const char *q = strstr(base, "\"slot_s\": 15");
    assert_non_null(p);
    assert_non_null(q);
    assert_true(p < q);
    size_t n = strlen(base);
    char *text = malloc(n + 16);
    assert_non_null(text);
    snprintf(text, n + 16, "%.*s\"beams_per_sat\": 1%.*s\"slot_s\": 30%s",
             (int)(p - base), base,
             (int)(q - (p + strlen("\"beams_per_sat\": 16"))),
             p + strlen("\"beams_per_sat\": 16"),
             q + strlen("\"slot_s\": 15"));
    ln_scenario *sc;
    ln_diag d;
    assert_int_equal(ln_scenario_parse(text, strlen(text), NULL, &sc, &d), 0);
    free(text);
    assert_int_equal(sc->scheduler, LN_SCHED_SLOT);
    assert_int_equal(sc->beams_per_sat, 1);
    sim_run_scenario(sc, threads, dir, 600, 1800, NULL);
}

static void test_determinism_slot(void **state)
{
    (void)state;
    run_small(1, "sched-out-1");
    run_small(2, "sched-out-2");
    sim_assert_same_outputs("sched-out-1", "sched-out-2");
}

/* ---- mesh antennas ------------------------------------------------------- */

static const ln_shell shell = {550.0, 60.0 * LN_DEG2RAD, 1, 24, 0, 0.0};
static double r[24][3];   /* ECEF km at the start */
static ln_geodetic sub[24], gmid;

static void positions(void)
{
    sim_shell_ecef(&shell, START_UNIX, 24, r);
    for (int s = 0; s < 24; s++) {
        ln_ecef_to_geodetic(r[s], &sub[s]);
        sub[s].h_km = 0;
    }
    double m[3] = {(r[3][0] + r[4][0]) / 2, (r[3][1] + r[4][1]) / 2,
                   (r[3][2] + r[4][2]) / 2};
    ln_ecef_to_geodetic(m, &gmid);
    gmid.h_km = 0;
}

/* One 15 s step with link.isl; terminals: n1 under satellite s1 (account
 * a), n2 under s2 (account b). */
static json_t *run_mesh(int antennas, int s1, int n1, int s2, int n2,
                        const char *dir)
{
    char text[4096];
    snprintf(text, sizeof text,
             "{\"name\":\"mesh-ant\",\"start\":\"2022-10-09T00:00:00Z\","
             "\"duration_s\":15,\"step_s\":15,"
             "\"constellation\":{\"shells\":[{\"alt_km\":550,"
             "\"incl_deg\":60,\"planes\":1,\"per_plane\":24,\"phasing\":0,"
             "\"raan0_deg\":0}]},\"link\":{\"isl\":true},"
             "\"gateways\":[{\"name\":\"G\",\"lat\":%.12f,\"lon\":%.12f,"
             "\"antennas\":%d}],"
             "\"plans\":[{\"id\":\"p\",\"hardware_usd\":1,\"monthly_usd\":1,"
             "\"peak_mbps\":1}],\"accounts\":[{\"id\":\"a\",\"plan\":\"p\"},"
             "{\"id\":\"b\",\"plan\":\"p\"}],\"terminals\":["
             "{\"kind\":\"mobile\",\"count\":%d,\"account\":\"a\","
             "\"spread_km\":0,\"tracks\":[{\"waypoints\":["
             "{\"lat\":%.12f,\"lon\":%.12f,\"t_s\":0}]}]},"
             "{\"kind\":\"mobile\",\"count\":%d,\"account\":\"b\","
             "\"spread_km\":0,\"tracks\":[{\"waypoints\":["
             "{\"lat\":%.12f,\"lon\":%.12f,\"t_s\":0}]}]}]}",
             gmid.lat_rad * LN_RAD2DEG, gmid.lon_rad * LN_RAD2DEG, antennas,
             n1, sub[s1].lat_rad * LN_RAD2DEG, sub[s1].lon_rad * LN_RAD2DEG,
             n2, sub[s2].lat_rad * LN_RAD2DEG, sub[s2].lon_rad * LN_RAD2DEG);
    return sim_run_text(text, 2, dir);
}

static void test_mesh_antennas(void **state)
{
    (void)state;
    positions();
    /* the geometry of the header */
    assert_true(sim_elev_deg(&gmid, r[3]) > 27 &&
                sim_elev_deg(&gmid, r[4]) > 27);
    for (int s = 0; s < 24; s++) {
        if (s != 3 && s != 4)
            assert_true(sim_elev_deg(&gmid, r[s]) < 25);
        int n = (s + 1) % 24, p = (s + 23) % 24;
        assert_true(sim_elev_deg(&sub[s], r[n]) < 25);
        assert_true(sim_elev_deg(&sub[s], r[p]) < 25);
    }
    json_t *acc, *j = run_mesh(1, 0, 1, 7, 2, "sched-mesh1");
    acc = json_object_get(j, "accounts");
    assert_true(sim_num(acc, "b", "availability", NULL) == 1.0);
    assert_true(sim_num(acc, "b", "via_isl", "hops_mean") == 3.0);
    assert_true(sim_num(acc, "a", "availability", NULL) == 0.0);
    assert_true(sim_num(acc, "a", "coverage", NULL) == 1.0);
    assert_true(sim_num(acc, "a", "outage_minutes", "no-gateway") == 0.25);
    json_decref(j);
    j = run_mesh(2, 0, 1, 7, 2, "sched-mesh2");
    assert_true(sim_num(j, "total", "availability", NULL) == 1.0);
    assert_true(sim_num(j, "total", "via_isl", "served_share") == 1.0);
    json_decref(j);
    /* one exit (satellite 3) for both: the antenna is shared */
    j = run_mesh(1, 0, 1, 1, 1, "sched-mesh-shared");
    acc = json_object_get(j, "accounts");
    assert_true(sim_num(j, "total", "availability", NULL) == 1.0);
    assert_true(sim_num(acc, "a", "via_isl", "hops_mean") == 3.0);
    assert_true(sim_num(acc, "b", "via_isl", "hops_mean") == 2.0);
    json_decref(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_members),
        cmocka_unit_test(test_capacity_one_beam),
        cmocka_unit_test(test_mesh_antennas),
        cmocka_unit_test(test_determinism_slot),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
