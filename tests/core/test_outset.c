/*
 * test_outset.c - the core writers of outputs:
 *   - ln_json_put: hostile strings (quotes, backslashes, every control
 *     character, "</script>", non-ASCII UTF-8, U+2028) read back equal
 *     through jansson; invalid UTF-8 becomes U+FFFD; LN_JSON_SCRIPT
 *     leaves no '<', '>', '&' nor a raw U+2028 in the text;
 *   - ln_outset: files appear only at commit; abort leaves the folder as
 *     it was; replace patterns remove only the earlier set's files (by
 *     its manifest) that match and were not written again, never a file
 *     leonet did not write, nor anything when the manifest is not ours;
 *     a second writer fails at once; names with '/' or a leading '.' are
 *     refused; a folder at a final name fails the commit before any
 *     rename; a staging folder left by a killed writer is removed;
 *   - ln_outfile: the file appears at commit, whole, no temporary left;
 *     abort leaves an earlier file as it was; a device (/dev/full) is
 *     written in place and its write error reported (ENOSPC); a folder
 *     that does not exist fails at open with ENOENT.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "leonet/core.h"
#include "test_util.h"

static char *put(const char *s, int flags)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    assert_non_null(m);
    ln_json_put(m, s, flags);
    fclose(m);
    return buf;
}

static void test_json_put(void **state)
{
    (void)state;
    char ctl[40];
    for (int c = 1; c < 32; c++)
        ctl[c - 1] = (char)c;
    ctl[31] = '\0';
    const char *cases[] = {
        "", "plain", "q\"uote", "back\\slash", "</script><!--", ctl,
        "\xc3\xa9t\xc3\xa9 \xd0\x96 \xe2\x82\xac \xf0\x9f\x9b\xb0",
        "ls\xe2\x80\xa8ps\xe2\x80\xa9", "a,b\nc\r\n\"d\"", "&amp; <b>"};
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
        for (int fl = 0; fl <= LN_JSON_SCRIPT; fl++) {
            char *t = put(cases[k], fl);
            json_error_t je;
            json_t *j = json_loads(t, JSON_DECODE_ANY, &je);
            if (!j)
                print_error("%s: %s\n", t, je.text);
            assert_non_null(j);
            assert_string_equal(json_string_value(j), cases[k]);
            json_decref(j);
            if (fl) {
                assert_null(strpbrk(t, "<>&"));
                assert_null(strstr(t, "\xe2\x80\xa8"));
            }
            free(t);
        }
    /* hand-worked bytes */
    char *t = put("a\"b\\c\x01</", LN_JSON_SCRIPT);
    assert_string_equal(t, "\"a\\\"b\\\\c\\u0001\\u003c/\"");
    free(t);
    /* invalid UTF-8: a lone continuation byte, a truncated sequence, an
     * overlong '/', a surrogate: each bad byte is U+FFFD */
    t = put("x\x80y\xc3z\xc0\xafw\xed\xa0\x80", 0);
    json_t *j = json_loads(t, JSON_DECODE_ANY, NULL);
    assert_non_null(j);
    assert_string_equal(json_string_value(j),
                        "x\xef\xbf\xbdy\xef\xbf\xbdz\xef\xbf\xbd\xef\xbf\xbd"
                        "w\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
    json_decref(j);
    free(t);
    t = put(NULL, 0);
    assert_string_equal(t, "\"\"");
    free(t);
}

static int exists(const char *p)
{
    struct stat st;
    return lstat(p, &st) == 0;
}

static void write_set(const char *dir, const char *const *names,
                      const char *text, const char *const *replace)
{
    ln_outset *os;
    ln_diag d;
    assert_int_equal(ln_outset_open(dir, &os, &d), 0);
    for (const char *const *n = names; *n; n++) {
        FILE *f = ln_outset_fopen(os, *n, &d);
        assert_non_null(f);
        fputs(text, f);
        assert_int_equal(ln_outset_fclose(os, f, *n, &d), 0);
        char p[512];
        snprintf(p, sizeof p, "%s/%s", dir, *n);
        /* not visible before the commit (unless an earlier set had it) */
        if (strcmp(text, "one") == 0)
            assert_false(exists(p));
    }
    assert_int_equal(ln_outset_commit(os, replace, &d), 0);
}

static void test_outset(void **state)
{
    (void)state;
    system("rm -rf os-a");
    static const char *const all[] = {"*", NULL};
    static const char *const frames[] = {"f-*.png", NULL};
    const char *first[] = {"a.json", "f-1.png", "f-2.png", NULL};
    write_set("os-a/sub", first, "one", all);
    char *s = slurp("os-a/sub/f-2.png");
    assert_string_equal(s, "one");
    ln_free(s);
    FILE *u = fopen("os-a/sub/user.txt", "w");
    fputs("mine", u);
    fclose(u);
    /* a map-like set: new frames replace the old frames, a.json stays */
    const char *second[] = {"f-1.png", "b.png", NULL};
    write_set("os-a/sub", second, "two", frames);
    assert_true(exists("os-a/sub/a.json"));
    assert_false(exists("os-a/sub/f-2.png"));
    assert_true(exists("os-a/sub/b.png"));
    assert_true(exists("os-a/sub/user.txt"));
    s = slurp("os-a/sub/f-1.png");
    assert_string_equal(s, "two");
    ln_free(s);
    /* a run-like set replaces everything leonet wrote, not user.txt */
    const char *third[] = {"c.csv", NULL};
    write_set("os-a/sub", third, "three", all);
    assert_false(exists("os-a/sub/a.json"));
    assert_false(exists("os-a/sub/f-1.png"));
    assert_false(exists("os-a/sub/b.png"));
    assert_true(exists("os-a/sub/c.csv"));
    assert_true(exists("os-a/sub/user.txt"));
    s = slurp("os-a/sub/.leonet-manifest");
    assert_string_equal(s, "# leonet output manifest 1\nc.csv\n");
    ln_free(s);
    /* a manifest that is not ours: nothing deleted */
    u = fopen("os-a/sub/.leonet-manifest", "w");
    fputs("user.txt\nc.csv\n", u);
    fclose(u);
    const char *fourth[] = {"d.csv", NULL};
    write_set("os-a/sub", fourth, "four", all);
    assert_true(exists("os-a/sub/user.txt"));
    assert_true(exists("os-a/sub/c.csv"));

    ln_outset *os, *os2;
    ln_diag d;
    assert_int_equal(ln_outset_open("os-a/sub", &os, &d), 0);
    /* a second writer: at once, with a message */
    assert_int_equal(ln_outset_open("os-a/sub", &os2, &d), LN_EIO);
    assert_non_null(strstr(d.msg, "another leonet process"));
    /* names */
    assert_null(ln_outset_fopen(os, "../x", &d));
    assert_null(ln_outset_fopen(os, ".hidden", &d));
    assert_null(ln_outset_fopen(os, "a/b", &d));
    assert_null(ln_outset_fopen(os, "", &d));
    /* abort: nothing appears, the stage goes */
    FILE *f = ln_outset_fopen(os, "e.csv", &d);
    assert_non_null(f);
    assert_int_equal(ln_outset_fclose(os, f, "e.csv", &d), 0);
    char stage[4400];
    snprintf(stage, sizeof stage, "%s", ln_outset_stage(os));
    ln_outset_abort(os);
    assert_false(exists("os-a/sub/e.csv"));
    assert_false(exists(stage));
    /* a folder at a final name: commit fails before renaming anything */
    assert_int_equal(mkdir("os-a/sub/g.csv", 0777), 0);
    assert_int_equal(ln_outset_open("os-a/sub", &os, &d), 0);
    const char *nm[] = {"aa.csv", "g.csv"};
    for (int k = 0; k < 2; k++) {
        f = ln_outset_fopen(os, nm[k], &d);
        assert_non_null(f);
        assert_int_equal(ln_outset_fclose(os, f, nm[k], &d), 0);
    }
    assert_int_equal(ln_outset_commit(os, all, &d), LN_EIO);
    assert_string_equal(d.path, "g.csv");
    assert_false(exists("os-a/sub/aa.csv"));
    /* a stale stage (a killed writer) goes with the next open */
    assert_int_equal(mkdir("os-a/sub/.leonet-tmp.dead00", 0700), 0);
    f = fopen("os-a/sub/.leonet-tmp.dead00/x.png", "w");
    fclose(f);
    assert_int_equal(ln_outset_open("os-a/sub", &os, &d), 0);
    assert_false(exists("os-a/sub/.leonet-tmp.dead00"));
    ln_outset_abort(os);
    /* a file where the folder should be */
    assert_int_equal(ln_outset_open("os-a/sub/c.csv", &os, &d), LN_EIO);
    assert_non_null(strstr(d.msg, "cannot create the output folder"));
}

static void test_outfile(void **state)
{
    (void)state;
    system("rm -rf of-a && mkdir of-a");
    ln_outfile *of;
    int err = -1;
    assert_int_equal(ln_outfile_open("of-a/x.csv", &of), 0);
    fputs("one", ln_outfile_stream(of));
    assert_false(exists("of-a/x.csv"));
    assert_int_equal(ln_outfile_commit(of, &err), 0);
    char *s = slurp("of-a/x.csv");
    assert_string_equal(s, "one");
    ln_free(s);
    /* abort: the earlier file stays, no temporary is left */
    assert_int_equal(ln_outfile_open("of-a/x.csv", &of), 0);
    fputs("two", ln_outfile_stream(of));
    ln_outfile_abort(of);
    s = slurp("of-a/x.csv");
    assert_string_equal(s, "one");
    ln_free(s);
    assert_int_not_equal(system("ls of-a | grep -q tmp-"), 0);
    /* a device is written in place; the full disk is told at commit */
    assert_int_equal(ln_outfile_open("/dev/full", &of), 0);
    fputs("three", ln_outfile_stream(of));
    assert_int_equal(ln_outfile_commit(of, &err), LN_EIO);
    assert_int_equal(err, ENOSPC);
    /* a missing folder: nothing to open */
    assert_int_equal(ln_outfile_open("of-a/no/x.csv", &of), LN_EIO);
    assert_int_equal(errno, ENOENT);
    assert_null(of);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_put),
        cmocka_unit_test(test_outset),
        cmocka_unit_test(test_outfile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
