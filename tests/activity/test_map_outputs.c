/*
 * test_map_outputs.c - which files `leonet map` and `leonet run` write for
 * every combination of --frames, --animate, --every, --no-png, --no-html
 * (the set of files in the folder, exactly), new frames replacing older
 * ones, a symlink at a final name replaced and not written through, a
 * locked folder and a write failure (file-size limit) refused with exit
 * status 3 and the earlier files left as they were.
 */
#define _GNU_SOURCE
#include <dirent.h>
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

#include "leonet/core.h"
#include "test_util.h"

/* the files a run of the built-in scenario writes (audit.log: its
 * contract's log, issue 15) */
#define RUN_FILES                                                          \
    "activity-sats.json activity-windows.geojson activity.geojson "       \
    "activity.html activity.pgw activity.png activity.png.aux.xml "       \
    "activity.prj audit.log events.csv summary.json usage.csv "           \
    "zones.geojson"

static int sh(const char *fmt, ...)
{
    char cmd[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 255;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in dir (no dot files), sorted, space-separated. */
static void listing(const char *dir, char *out, size_t n)
{
    char *names[512];
    int k = 0;
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *de;
    while ((de = readdir(d)) && k < 512)
        if (de->d_name[0] != '.')
            names[k++] = strdup(de->d_name);
    closedir(d);
    qsort(names, (size_t)k, sizeof *names, cmp_str);
    out[0] = '\0';
    for (int i = 0; i < k; i++) {
        strncat(out, i ? " " : "", n - strlen(out) - 1);
        strncat(out, names[i], n - strlen(out) - 1);
        free(names[i]);
    }
}

static long fsize(const char *path)
{
    struct stat st;
    return stat(path, &st) ? -1 : (long)st.st_size;
}

/* A run of an hour of the built-in scenario (4 windows of 15 min). */
static void base_run(const char *dir, const char *extra)
{
    assert_int_equal(sh("rm -rf %s && %s run --duration 3600 --terminals 300 "
                        "--quiet --output %s %s >/dev/null",
                        dir, LN_CLI, dir, extra),
                     0);
}

static void expect(const char *dir, const char *want)
{
    char got[8192];
    listing(dir, got, sizeof got);
    if (strcmp(got, want))
        print_error("%s:\n got  %s\n want %s\n", dir, got, want);
    assert_string_equal(got, want);
}

static void test_run_flags(void **state)
{
    (void)state;
    static const struct {
        const char *flags, *extra;
    } cases[] = {
        {"", ""},
        {"--frames", " activity-0000.png activity-0015.png activity-0030.png"
                     " activity-0045.png"},
        {"--every 2", " activity-0000.png activity-0030.png"},
        {"--animate", " activity.gif"},
        {"--animate --every 2", " activity.gif"},
        {"--frames --animate --every 2",
         " activity-0000.png activity-0030.png activity.gif"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        base_run("mo-run", cases[k].flags);
        /* sorted by name: the frames ("activity-0...") come first, the
         * GIF between activity.geojson and activity.html */
        char want[4096], frames[512] = "";
        const char *e = cases[k].extra;
        const char *gif = strstr(e, " activity.gif");
        snprintf(frames, sizeof frames, "%.*s",
                 (int)(gif ? (size_t)(gif - e) : strlen(e)), e);
        const char *rf = RUN_FILES, *at = strstr(rf, "activity.html");
        snprintf(want, sizeof want, "%s%s%.*s%s%s", frames + (frames[0] == ' '),
                 frames[0] ? " " : "", (int)(at - rf), rf,
                 gif ? "activity.gif " : "", at);
        print_message("leonet run %s\n", cases[k].flags);
        expect("mo-run", want);
    }
}

static void test_map_flags(void **state)
{
    (void)state;
    base_run("mo-map", "");
    char *png0 = slurp("mo-map/activity.png");
    long n0 = fsize("mo-map/activity.png");
    char *html0 = slurp("mo-map/activity.html");
    assert_non_null(png0);
    /* --animate --no-png --no-html: the animation only */
    assert_int_equal(sh("%s map mo-map --animate --no-png --no-html "
                        "2>mo-err.txt", LN_CLI), 0);
    char *gif = slurp("mo-map/activity.gif");
    assert_non_null(gif);
    assert_memory_equal(gif, "GIF89a", 6);
    ln_free(gif);
    char *msg = slurp("mo-err.txt");
    assert_non_null(strstr(msg, "wrote activity.gif into mo-map"));
    assert_null(strstr(msg, "activity.png"));
    ln_free(msg);
    char *png1 = slurp("mo-map/activity.png");
    char *html1 = slurp("mo-map/activity.html");
    assert_int_equal(fsize("mo-map/activity.png"), n0);
    assert_memory_equal(png0, png1, (size_t)n0);
    assert_string_equal(html0, html1);
    ln_free(png1);
    ln_free(html1);
    /* --frames: every window; then --every 2 replaces them */
    assert_int_equal(sh("%s map mo-map --frames 2>/dev/null", LN_CLI), 0);
    assert_true(fsize("mo-map/activity-0015.png") > 0);
    assert_true(fsize("mo-map/activity-0045.png") > 0);
    assert_int_equal(sh("%s map mo-map --every 2 --no-png 2>mo-err.txt",
                        LN_CLI), 0);
    expect("mo-map", "activity-0000.png activity-0030.png "
                     "activity-sats.json activity-windows.geojson "
                     "activity.geojson activity.gif activity.html "
                     "activity.pgw activity.png activity.png.aux.xml "
                     "activity.prj audit.log events.csv summary.json "
                     "usage.csv zones.geojson");
    msg = slurp("mo-err.txt");
    assert_non_null(strstr(msg, "frames every 2 windows, activity.html"));
    ln_free(msg);
    /* --animate --frames --no-html */
    assert_int_equal(sh("%s map mo-map --animate --frames --every 4 --no-html "
                        "2>/dev/null", LN_CLI), 0);
    assert_true(fsize("mo-map/activity-0000.png") > 0);
    assert_true(fsize("mo-map/activity-0030.png") < 0);
    /* nothing to write: usage error */
    assert_int_equal(sh("%s map mo-map --no-png --no-html 2>mo-err.txt",
                        LN_CLI), 2);
    msg = slurp("mo-err.txt");
    assert_non_null(strstr(msg, "nothing to write"));
    ln_free(msg);
    ln_free(png0);
    ln_free(html0);
}

static void test_map_safety(void **state)
{
    (void)state;
    base_run("mo-safe", "");
    /* a symlink planted at activity.html: replaced, target untouched */
    assert_int_equal(sh("echo victim > mo-victim.txt && rm mo-safe/activity.html "
                        "&& ln -s ../mo-victim.txt mo-safe/activity.html"), 0);
    assert_int_equal(sh("%s map mo-safe 2>/dev/null", LN_CLI), 0);
    char *v = slurp("mo-victim.txt");
    assert_string_equal(v, "victim\n");
    ln_free(v);
    struct stat st;
    assert_int_equal(lstat("mo-safe/activity.html", &st), 0);
    assert_true(S_ISREG(st.st_mode));
    /* a folder another process writes into: exit 3 at once */
    ln_outset *os;
    ln_diag d;
    assert_int_equal(ln_outset_open("mo-safe", &os, &d), 0);
    assert_int_equal(sh("%s map mo-safe 2>mo-err.txt", LN_CLI), 3);
    char *msg = slurp("mo-err.txt");
    assert_non_null(strstr(msg, "another leonet process"));
    ln_free(msg);
    ln_outset_abort(os);
    /* a write that fails (50 kB file-size limit, as a full disk): exit 3,
     * the earlier PNG as it was */
    char *png0 = slurp("mo-safe/activity.png");
    long n0 = fsize("mo-safe/activity.png");
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct rlimit rl = {50000, 50000};
        signal(SIGXFSZ, SIG_IGN);
        setrlimit(RLIMIT_FSIZE, &rl);
        int err = open("mo-err.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(err, 2);
        execl(LN_CLI, "leonet", "map", "mo-safe", "--width", "2000",
              (char *)NULL);
        _exit(127);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 3);
    msg = slurp("mo-err.txt");
    assert_non_null(strstr(msg, "mo-safe/activity.png: cannot write"));
    ln_free(msg);
    assert_int_equal(fsize("mo-safe/activity.png"), n0);
    char *png1 = slurp("mo-safe/activity.png");
    assert_memory_equal(png0, png1, (size_t)n0);
    ln_free(png0);
    ln_free(png1);
    assert_int_equal(sh("ls -a mo-safe | grep -c leonet-tmp >/dev/null"), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_run_flags),
        cmocka_unit_test(test_map_flags),
        cmocka_unit_test(test_map_safety),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
