/*
 * test_outputs.c - the outputs of a run as files (docs/outputs.md):
 *   - names from the inputs with quotes, commas, newlines, control
 *     characters, "</script>" and non-ASCII text (scenario name, account
 *     and plan ids, zone ids) read back equal from every JSON file
 *     (jansson), CSV file (the core reader) and the page's inline data;
 *   - 300 zones: denied_by_zone counts the terminals of zone 299 (the
 *     engine kept zone + 1 in a byte, 255 at most);
 *   - the output set: a run replaces the earlier run's files (frames of an
 *     earlier --frames run go), keeps files leonet did not write, writes
 *     through no symlink planted at a final name; a locked folder fails at
 *     once; a cancelled run, a run killed with SIGTERM (a child leonet
 *     process) and a run that hits the file-size limit (a full disk) leave
 *     the earlier run as it was; an output path that is a file fails with
 *     a message and exit status 3, and so does a read-only folder (not
 *     as root);
 *   - activity-windows.geojson: its rows expanded to windows equal
 *     activity.geojson's per-window values, each window once;
 *   - summary.json's completed, leonet_version and scenario_sha256 (the
 *     hash checked against Python's hashlib of json.dumps(sort_keys)).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "leonet/sim.h"
#include "sim_test.h"

static void put_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static int exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

/* A scenario of an hour with mobile units standing still: group k of
 * counts[k] units at (lat[k], lon[k]); account/plan ids and name given. */
static char *scenario(const char *name, const char *acct, const char *plan,
                      const char *zones_json, int ngroups, const int *counts,
                      const double *lat, const double *lon, double dur_s)
{
    char *s = malloc(1 << 16);
    int n = sprintf(
        s,
        "{\"name\":%s,\"start\":\"2022-10-09T00:00:00Z\","
        "\"duration_s\":%g,\"step_s\":60,"
        "\"constellation\":{\"tle\":\"tle/starlink_2022-10-09.tle\","
        "\"name_prefix\":\"STARLINK\"},"
        "\"gateways\":[{\"name\":\"Wola\",\"lat\":51.86,\"lon\":20.92,"
        "\"antennas\":100}],"
        "\"zones\":%s,"
        "\"plans\":[{\"id\":%s,\"hardware_usd\":1,\"monthly_usd\":1,"
        "\"peak_mbps\":1}],\"accounts\":[{\"id\":%s,\"plan\":%s}],"
        "\"terminals\":[",
        name, dur_s, zones_json, plan, acct, plan);
    for (int g = 0; g < ngroups; g++)
        n += sprintf(s + n,
                     "%s{\"kind\":\"mobile\",\"count\":%d,\"account\":%s,"
                     "\"spread_km\":0,\"tracks\":[{\"waypoints\":["
                     "{\"lat\":%.4f,\"lon\":%.4f,\"t_s\":0},"
                     "{\"lat\":%.4f,\"lon\":%.4f,\"t_s\":%g}]}]}",
                     g ? "," : "", counts[g], acct, lat[g], lon[g], lat[g],
                     lon[g], dur_s);
    sprintf(s + n, "]}");
    return s;
}

static int run_text(const char *text, const char *dir, ln_diag *d)
{
    ln_scenario *sc;
    int rc = ln_scenario_parse(text, strlen(text), NULL, &sc, d);
    if (rc) {
        print_error("%s: %s\n", d->path, d->msg);
        return rc;
    }
    ln_sim_options o = {0};
    o.nthreads = 2;
    o.out_dir = dir;
    o.quiet = 1;
    o.write_outputs = 1;
    rc = ln_sim_run(sc, &o, NULL, d);
    ln_scenario_free(sc);
    return rc;
}

/* ---- hostile names ------------------------------------------------------ */

/* The C strings the JSON literals below stand for. */
static const char NAME[] = "q\"uote, </script><!-- \xc3\xa9t\xc3\xa9\n\\end";
static const char ACCT[] = "a,b\"c\nd </script> \xd0\x96\x01";
static const char PLAN[] = " plan, \"x\" ";
static const char ZONE[] = "z\"1,</script>\r\n\xe2\x80\xa8";

typedef struct csv_seen {
    int acct_col, plan_col, reason_col;
    long rows, acct_ok, plan_ok, zone_reason_ok;
} csv_seen;

static int csv_row(void *user, char **f, size_t n, long line)
{
    (void)line;
    csv_seen *s = user;
    if (s->acct_col < 0) { /* the header */
        s->acct_col = ln_csv_col(f, n, "account");
        s->plan_col = ln_csv_col(f, n, "plan");
        s->reason_col = ln_csv_col(f, n, "reason");
        assert_true(s->acct_col >= 0);
        return 0;
    }
    s->rows++;
    assert_true((size_t)s->acct_col < n);
    s->acct_ok += strcmp(f[s->acct_col], ACCT) == 0;
    if (s->plan_col >= 0)
        s->plan_ok += strcmp(f[s->plan_col], PLAN) == 0;
    if (s->reason_col >= 0 && !strncmp(f[s->reason_col], "zone:", 5))
        s->zone_reason_ok += strcmp(f[s->reason_col] + 5, ZONE) == 0;
    return 0;
}

static void test_hostile_names(void **state)
{
    (void)state;
    const char *dir = "out-hostile";
    char zfile[512], cwd[400];
    assert_non_null(getcwd(cwd, sizeof cwd));
    snprintf(zfile, sizeof zfile, "%s/hostile-zone.geojson", cwd);
    /* a deny square around the first group (50.0 N, 30.0 E) */
    put_file(zfile,
             "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":"
             "\"Feature\",\"id\":\"z\\\"1,</script>\\r\\n\\u2028\","
             "\"properties\":{},\"geometry\":{\"type\":\"Polygon\","
             "\"coordinates\":[[[29.9,49.9],[30.1,49.9],[30.1,50.1],"
             "[29.9,50.1],[29.9,49.9]]]}}]}");
    char zones[700];
    snprintf(zones, sizeof zones,
             "[{\"file\":\"%s\",\"action\":\"deny\",\"priority\":1}]", zfile);
    int counts[] = {2, 3};
    double lat[] = {50.0, 49.0}, lon[] = {30.0, 31.0};
    char *text = scenario(
        "\"q\\\"uote, </script><!-- \\u00e9t\\u00e9\\n\\\\end\"",
        "\"a,b\\\"c\\nd </script> \\u0416\\u0001\"", "\" plan, \\\"x\\\" \"",
        zones, 2, counts, lat, lon, 3600);
    ln_diag d;
    int rc = run_text(text, dir, &d);
    if (rc)
        print_error("%s\n", d.msg);
    assert_int_equal(rc, 0);
    free(text);
    char p[600];
    json_error_t je;
    /* summary.json */
    snprintf(p, sizeof p, "%s/summary.json", dir);
    json_t *j = json_load_file(p, 0, &je);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(j, "run"), "scenario")),
                        NAME);
    json_t *acc = json_object_get(json_object_get(j, "accounts"), ACCT);
    assert_non_null(acc);
    assert_string_equal(json_string_value(json_object_get(acc, "plan")),
                        PLAN);
    json_t *dz = json_object_get(j, "denied_by_zone");
    assert_int_equal(json_integer_value(json_object_get(dz, ZONE)), 2);
    assert_true(json_is_true(
        json_object_get(json_object_get(j, "run"), "completed")));
    json_decref(j);
    /* the GeoJSON files */
    const char *gj[] = {"activity.geojson", "activity-windows.geojson",
                        "zones.geojson", "activity-sats.json"};
    for (int k = 0; k < 4; k++) {
        snprintf(p, sizeof p, "%s/%s", dir, gj[k]);
        j = json_load_file(p, 0, &je);
        if (!j)
            print_error("%s:%d: %s\n", p, je.line, je.text);
        assert_non_null(j);
        if (k < 2) {
            char want[256];
            snprintf(want, sizeof want, "%s activity%s", NAME,
                     k ? " windows" : "");
            assert_string_equal(
                json_string_value(json_object_get(j, "name")), want);
        }
        json_decref(j);
    }
    /* the CSV files, through the core reader */
    csv_seen s = {-1, -1, -1, 0, 0, 0, 0};
    snprintf(p, sizeof p, "%s/events.csv", dir);
    assert_int_equal(ln_csv_read(p, 1 << 26, csv_row, &s, &d), 0);
    assert_true(s.rows >= 2);
    assert_int_equal(s.acct_ok, s.rows);
    assert_int_equal(s.zone_reason_ok, 2); /* the 2 units in the zone */
    csv_seen u = {-1, -1, -1, 0, 0, 0, 0};
    snprintf(p, sizeof p, "%s/usage.csv", dir);
    assert_int_equal(ln_csv_read(p, 1 << 26, csv_row, &u, &d), 0);
    assert_int_equal(u.rows, 1);
    assert_int_equal(u.acct_ok, 1);
    assert_int_equal(u.plan_ok, 1);
    /* the page: the data cannot close the script element, and reads back */
    snprintf(p, sizeof p, "%s/activity.html", dir);
    char *html = slurp(p);
    assert_non_null(html);
    char *data = strstr(html, "window.LN_DATA");
    if (!data)
        data = strstr(html, "LN_DATA");
    assert_non_null(data);
    char *obj = strstr(html, "{\"title\":");
    assert_non_null(obj);
    char *end = strstr(obj, "</script>");
    assert_non_null(end);
    json_t *pd = json_loadb(obj, (size_t)(end - obj), JSON_DISABLE_EOF_CHECK,
                            &je);
    if (!pd)
        print_error("page data: %s\n", je.text);
    assert_non_null(pd);
    assert_string_equal(json_string_value(json_object_get(pd, "scenario")),
                        NAME);
    /* no "<" at all inside the data (so no </script> nor <!--) */
    assert_null(memchr(obj, '<', (size_t)(end - obj)));
    json_decref(pd);
    ln_free(html);
}

/* ---- 300 zones -------------------------------------------------------- */

static void test_many_zones(void **state)
{
    (void)state;
    const char *dir = "out-zones300";
    char zfile[512], cwd[400];
    assert_non_null(getcwd(cwd, sizeof cwd));
    snprintf(zfile, sizeof zfile, "%s/zones300.geojson", cwd);
    /* 300 disjoint 0.1-degree squares along 45..48 N x 25..35 E, ids
     * z0..z299; zone k's square has its south-west corner at
     * (45 + 0.3 (k / 30), 25 + 0.3 (k % 30)) */
    FILE *f = fopen(zfile, "w");
    assert_non_null(f);
    fprintf(f, "{\"type\":\"FeatureCollection\",\"features\":[");
    for (int k = 0; k < 300; k++) {
        double la = 45 + 0.3 * (k / 30), lo = 25 + 0.3 * (k % 30);
        fprintf(f, "%s{\"type\":\"Feature\",\"id\":\"z%d\",\"properties\":{},"
                "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[%.2f,"
                "%.2f],[%.2f,%.2f],[%.2f,%.2f],[%.2f,%.2f],[%.2f,%.2f]]]}}",
                k ? "," : "", k, lo, la, lo + 0.1, la, lo + 0.1, la + 0.1, lo,
                la + 0.1, lo, la);
    }
    fprintf(f, "]}");
    assert_int_equal(fclose(f), 0);
    char zones[700];
    snprintf(zones, sizeof zones,
             "[{\"file\":\"%s\",\"action\":\"deny\",\"priority\":1}]", zfile);
    /* 3 units in zone 299 (47.7 N, 33.7 E + 0.05), 2 in zone 3 (45.0 N,
     * 25.9 E + 0.05), 1 in zone 256 (47.4 N, 29.8 E + 0.05), 4 outside
     * every zone */
    int counts[] = {3, 2, 1, 4};
    double lat[] = {47.75, 45.05, 47.45, 44.0};
    double lon[] = {33.75, 25.95, 29.85, 30.0};
    char *text = scenario("\"zones300\"", "\"a\"", "\"p\"", zones, 4, counts,
                          lat, lon, 1800);
    ln_diag d;
    int rc = run_text(text, dir, &d);
    if (rc)
        print_error("%s\n", d.msg);
    assert_int_equal(rc, 0);
    free(text);
    char p[600];
    snprintf(p, sizeof p, "%s/summary.json", dir);
    json_error_t je;
    json_t *j = json_load_file(p, 0, &je);
    assert_non_null(j);
    json_t *dz = json_object_get(j, "denied_by_zone");
    assert_int_equal(json_object_size(dz), 3);
    assert_int_equal(json_integer_value(json_object_get(dz, "z299")), 3);
    assert_int_equal(json_integer_value(json_object_get(dz, "z3")), 2);
    assert_int_equal(json_integer_value(json_object_get(dz, "z256")), 1);
    /* per-zone slices: the zone holding the units */
    json_t *zs = json_object_get(j, "zones");
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(zs, "z299"), "terminal_steps")),
                     3 * 30);
    json_decref(j);
    /* events name zone 299 */
    snprintf(p, sizeof p, "%s/events.csv", dir);
    char *ev = slurp(p);
    assert_non_null(ev);
    assert_non_null(strstr(ev, ",lost,zone:z299,"));
    ln_free(ev);
}

/* ---- the output set --------------------------------------------------- */

static char *small_text(void)
{
    int counts[] = {2};
    double lat[] = {50.45}, lon[] = {30.52};
    return scenario("\"small\"", "\"a\"", "\"p\"", "[]", 1, counts, lat,
                    lon, 1800);
}

static int count_stages(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *de;
    while (d && (de = readdir(d)))
        n += strncmp(de->d_name, ".leonet-tmp.", 12) == 0;
    if (d)
        closedir(d);
    return n;
}

/* Runs small_text() into dir; returns its summary.json (ln_free it). */
static char *first_run(const char *dir)
{
    char *text = small_text();
    ln_diag d;
    assert_int_equal(run_text(text, dir, &d), 0);
    free(text);
    char p[256];
    snprintf(p, sizeof p, "%s/summary.json", dir);
    char *s = slurp(p);
    assert_non_null(s);
    return s;
}

/* The failed run left dir as it was: summary.json still reads before and
 * no stage folder is left behind. */
static void assert_kept(const char *dir, const char *before)
{
    char p[256];
    snprintf(p, sizeof p, "%s/summary.json", dir);
    char *after = slurp(p);
    assert_non_null(after);
    assert_string_equal(before, after);
    assert_int_equal(count_stages(dir), 0);
    ln_free(after);
}

static void test_replace_and_symlink(void **state)
{
    (void)state;
    const char *dir = "out-set";
    char *text = small_text();
    ln_diag d;
    /* an earlier run with frames (as leonet run --frames) */
    ln_scenario *sc;
    assert_int_equal(ln_scenario_parse(text, strlen(text), NULL, &sc, &d), 0);
    ln_sim_options o = {0};
    o.nthreads = 1;
    o.out_dir = dir;
    o.quiet = 1;
    o.write_outputs = 1;
    o.frames = 1;
    assert_int_equal(ln_sim_run(sc, &o, NULL, &d), 0);
    assert_true(exists("out-set/activity-0000.png"));
    assert_true(exists("out-set/activity-0015.png"));
    /* a file of the user's, and a symlink planted at a final name */
    put_file("out-set/notes.txt", "mine");
    put_file("victim.txt", "victim");
    unlink("out-set/events.csv");
    assert_int_equal(symlink("../victim.txt", "out-set/events.csv"), 0);
    /* the new run, without frames */
    o.frames = 0;
    assert_int_equal(ln_sim_run(sc, &o, NULL, &d), 0);
    ln_scenario_free(sc);
    assert_false(exists("out-set/activity-0000.png"));
    assert_false(exists("out-set/activity-0015.png"));
    assert_true(exists("out-set/activity.png"));
    char *s = slurp("out-set/notes.txt");
    assert_string_equal(s, "mine");
    ln_free(s);
    s = slurp("victim.txt");
    assert_string_equal(s, "victim");
    ln_free(s);
    struct stat st;
    assert_int_equal(lstat("out-set/events.csv", &st), 0);
    assert_true(S_ISREG(st.st_mode));
    assert_int_equal(count_stages(dir), 0);
    free(text);
}

static void test_lock_and_cancel(void **state)
{
    (void)state;
    const char *dir = "out-lock";
    char *before = first_run(dir);
    char *text = small_text();
    ln_diag d;
    /* another writer holds the folder: fails at once, with a message */
    ln_outset *os;
    assert_int_equal(ln_outset_open(dir, &os, &d), 0);
    assert_int_equal(run_text(text, dir, &d), LN_EIO);
    assert_non_null(strstr(d.msg, "another leonet process"));
    ln_outset_abort(os);
    /* cancelled (SIGINT/SIGTERM flag): nothing changes */
    ln_cancel_request(SIGTERM);
    assert_int_equal(run_text(text, dir, &d), LN_EIO);
    assert_non_null(strstr(d.msg, "interrupted"));
    ln_cancel_reset();
    assert_kept(dir, before);
    /* a full disk: a 50 kB file-size limit makes a write fail (EFBIG); a
     * child leonet process (OpenMP does not survive fork) */
    int counts[] = {40, 40, 40};
    double lat[] = {50.45, 49.84, 46.48}, lon[] = {30.52, 24.03, 30.72};
    char *big = scenario("\"big\"", "\"a\"", "\"p\"", "[]", 3, counts, lat,
                         lon, 3600);
    put_file("big.json", big);
    free(big);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct rlimit rl = {50000, 50000}; /* the PNG and page are more */
        signal(SIGXFSZ, SIG_IGN); /* write() fails with EFBIG instead */
        setrlimit(RLIMIT_FSIZE, &rl);
        int err = open("fsize-err.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(err, 2);
        execl(LN_CLI, "leonet", "run", "big.json", "--output", dir,
              "--quiet", (char *)NULL);
        _exit(127);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 3);
    char *msg = slurp("fsize-err.txt");
    assert_non_null(msg);
    assert_non_null(strstr(msg, "cannot write"));
    ln_free(msg);
    assert_kept(dir, before);
    ln_free(before);
    free(text);
}

/* SIGTERM to a child `leonet run` of the built-in day while it runs. */
static void test_sigterm_child(void **state)
{
    (void)state;
    const char *dir = "out-term";
    char *before = first_run(dir);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int nul = open("/dev/null", O_WRONLY);
        dup2(nul, 1);
        execl(LN_CLI, "leonet", "run", "--output", dir, "--quiet",
              (char *)NULL);
        _exit(127);
    }
    /* wait until it has staged its output set (it is then past start-up
     * and inside the run), then SIGTERM */
    for (int k = 0; k < 6000 && !count_stages(dir); k++)
        usleep(10000);
    assert_int_equal(count_stages(dir), 1);
    kill(pid, SIGTERM);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    char *after = slurp("out-term/summary.json");
    if (WEXITSTATUS(status) == 0) {
        /* it had already finished the day: then the new run is whole */
        assert_non_null(strstr(after, "\"completed\": true"));
    } else {
        assert_int_equal(WEXITSTATUS(status), 3);
        assert_string_equal(before, after);
    }
    assert_int_equal(count_stages(dir), 0);
    ln_free(after);
    ln_free(before);
}

/* A read-only folder holding an earlier run: refused with a message, the
 * earlier run as it was. Root writes anyway: skipped as root (checked by
 * hand on a read-only tmpfs mount, and this test run as nobody). */
static void test_readonly_folder(void **state)
{
    (void)state;
    if (geteuid() == 0) {
        skip();
        return;
    }
    const char *dir = "out-ro";
    char *before = first_run(dir);
    char *text = small_text();
    ln_diag d;
    assert_int_equal(chmod(dir, 0555), 0);
    assert_int_equal(run_text(text, dir, &d), LN_EIO);
    assert_non_null(strstr(d.msg, "cannot write into the output folder"));
    assert_int_equal(chmod(dir, 0755), 0);
    assert_kept(dir, before);
    ln_free(before);
    free(text);
}

/* --output naming a file, and a folder under a file: exit 3, a message. */
static void test_output_is_file(void **state)
{
    (void)state;
    put_file("a-file", "x");
    const char *outs[] = {"a-file", "a-file/sub"};
    for (int k = 0; k < 2; k++) {
        char cmd[1200];
        snprintf(cmd, sizeof cmd,
                 "%s run --duration 60 --terminals 10 --quiet --output %s "
                 "2>run-err.txt",
                 LN_CLI, outs[k]);
        int st = system(cmd);
        assert_true(WIFEXITED(st));
        assert_int_equal(WEXITSTATUS(st), 3);
        char *e = slurp("run-err.txt");
        assert_non_null(e);
        assert_non_null(strstr(e, "a-file"));
        assert_non_null(strstr(e, "cannot create the output folder"));
        ln_free(e);
    }
    char *s = slurp("a-file");
    assert_string_equal(s, "x");
    ln_free(s);
}

/* summary.json's run.scenario_sha256 is the SHA-256 of the canonical text
 * (compact, keys sorted), checked against Python's hashlib. */
static void test_scenario_hash(void **state)
{
    (void)state;
    const char *t1 = "{\"b\": [1, 2.5, \"\\u00e9\"], \"a\": {\"y\": null, "
                     "\"x\": true}}";
    const char *t2 = "{\"a\":{\"x\":true,\"y\":null},\"b\":[1,2.5,\"\xc3\xa9\"]}";
    char h1[65], h2[65];
    assert_int_equal(ln_scenario_sha256(t1, strlen(t1), h1), 0);
    assert_int_equal(ln_scenario_sha256(t2, strlen(t2), h2), 0);
    assert_string_equal(h1, h2);
    put_file("hash-in.json", t1);
    int st = system("/usr/bin/python3 -c \"import json,hashlib;"
                    "d=json.load(open('hash-in.json'));"
                    "s=json.dumps(d,sort_keys=True,separators=(',',':'),"
                    "ensure_ascii=False);"
                    "print(hashlib.sha256(s.encode()).hexdigest(),end='')\" "
                    "> hash-out.txt");
    assert_int_equal(st, 0);
    char *py = slurp("hash-out.txt");
    assert_non_null(py);
    assert_string_equal(h1, py);
    ln_free(py);
    assert_int_equal(ln_scenario_sha256("{", 1, h1), LN_EPARSE);
}


/* ---- activity-windows.geojson against activity.geojson ------------------ */

/* Every row expanded to its windows gives activity.geojson's per-window
 * values of its cell; every (cell, window) with a terminal is covered
 * exactly once; time_end - time = windows x window_s; consecutive rows of
 * a cell differ (else they would be one). */
static void test_windows_file(void **state)
{
    (void)state;
    ln_scenario *sc;
    ln_diag d;
    const char *base = ln_scenario_builtin("ukraine-2022");
    assert_int_equal(ln_scenario_parse(base, strlen(base), NULL, &sc, &d), 0);
    sim_run_scenario(sc, 2, "out-windows", 2000, 7200, NULL);
    json_error_t je;
    json_t *ag = json_load_file("out-windows/activity.geojson", 0, &je);
    json_t *wg = json_load_file("out-windows/activity-windows.geojson", 0, &je);
    assert_non_null(ag);
    assert_non_null(wg);
    double start, wsec = json_real_value(json_object_get(ag, "window_s"));
    if (wsec == 0)
        wsec = (double)json_integer_value(json_object_get(ag, "window_s"));
    assert_true(wsec == 900);
    assert_int_equal(ln_time_parse_iso(json_string_value(json_object_get(
                                           ag, "start")), &start), 0);
    long nwin = (long)json_integer_value(json_object_get(ag, "windows"));
    assert_int_equal(nwin, 8);
    json_t *cover = json_object(); /* cell -> [covered count per window] */
    size_t i;
    json_t *ft;
    static const char *const k3[] = {"active", "denied", "outage"};
    const char *prev_cell = "";
    double prev_v[3] = {-1, -1, -1}, prev_end = 0;
    json_array_foreach(json_object_get(wg, "features"), i, ft) {
        json_t *pr = json_object_get(ft, "properties");
        const char *cell = json_string_value(json_object_get(pr, "cell"));
        double t0, t1;
        assert_int_equal(ln_time_parse_iso(json_string_value(
                             json_object_get(pr, "time")), &t0), 0);
        assert_int_equal(ln_time_parse_iso(json_string_value(
                             json_object_get(pr, "time_end")), &t1), 0);
        long nw = (long)json_integer_value(json_object_get(pr, "windows"));
        assert_true(nw >= 1);
        assert_true(t1 - t0 == nw * wsec);
        long w0 = (long)((t0 - start) / wsec);
        assert_true(t0 == start + w0 * wsec);
        assert_true(w0 >= 0 && w0 + nw <= nwin);
        /* the feature of that cell in activity.geojson */
        json_t *af = NULL, *x;
        size_t j;
        json_array_foreach(json_object_get(ag, "features"), j, x)
            if (!strcmp(json_string_value(json_object_get(x, "id")), cell)) {
                af = x;
                break;
            }
        assert_non_null(af);
        json_t *ap = json_object_get(af, "properties");
        double v[3];
        for (int k = 0; k < 3; k++) {
            v[k] = json_number_value(json_object_get(pr, k3[k]));
            for (long w = w0; w < w0 + nw; w++)
                assert_true(fabs(json_number_value(json_array_get(
                                     json_object_get(ap, k3[k]),
                                     (size_t)w)) - v[k]) < 1e-9);
        }
        assert_true(v[0] + v[1] + v[2] > 0);
        if (!strcmp(prev_cell, cell) && prev_end == t0)
            assert_true(v[0] != prev_v[0] || v[1] != prev_v[1] ||
                        v[2] != prev_v[2]);
        prev_cell = cell;
        memcpy(prev_v, v, sizeof v);
        prev_end = t1;
        json_t *cv = json_object_get(cover, cell);
        if (!cv) {
            cv = json_array();
            for (long w = 0; w < nwin; w++)
                json_array_append_new(cv, json_integer(0));
            json_object_set_new(cover, cell, cv);
        }
        for (long w = w0; w < w0 + nw; w++)
            json_array_set_new(cv, (size_t)w,
                               json_integer(json_integer_value(json_array_get(
                                                cv, (size_t)w)) + 1));
    }
    /* every window with a terminal in activity.geojson: covered once */
    json_t *x;
    size_t j;
    long cells = 0;
    json_array_foreach(json_object_get(ag, "features"), j, x) {
        json_t *ap = json_object_get(x, "properties");
        json_t *cv = json_object_get(cover, json_string_value(
                                                json_object_get(x, "id")));
        cells++;
        for (long w = 0; w < nwin; w++) {
            double sum = 0;
            for (int k = 0; k < 3; k++)
                sum += json_number_value(
                    json_array_get(json_object_get(ap, k3[k]), (size_t)w));
            long c = cv ? (long)json_integer_value(
                              json_array_get(cv, (size_t)w))
                        : 0;
            assert_int_equal(c, sum > 0 ? 1 : 0);
        }
    }
    assert_true(cells > 100);
    json_decref(cover);
    json_decref(ag);
    json_decref(wg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hostile_names),
        cmocka_unit_test(test_many_zones),
        cmocka_unit_test(test_replace_and_symlink),
        cmocka_unit_test(test_lock_and_cancel),
        cmocka_unit_test(test_sigterm_child),
        cmocka_unit_test(test_output_is_file),
        cmocka_unit_test(test_readonly_folder),
        cmocka_unit_test(test_scenario_hash),
        cmocka_unit_test(test_windows_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
