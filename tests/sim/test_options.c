/*
 * test_options.c - how the library takes what the command line reads
 * from the environment: ln_scenario_options.data_dir (LEONET_DATA) and
 * ln_data_path's order of folders.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "leonet/sim.h"

/* A folder of its own with one empty file, name; its path into dir. */
static void make_dir(char *dir, size_t n, const char *name)
{
    snprintf(dir, n, "/tmp/ln-options-XXXXXX");
    assert_non_null(mkdtemp(dir));
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fclose(f);
}

static void remove_dir(const char *dir, const char *name)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    unlink(p);
    rmdir(dir);
}

/* ln_data_path: absolute names as they are; then data_dir; a name found
 * nowhere comes back unchanged. */
static void test_data_path(void **state)
{
    (void)state;
    char dir[64], out[1024], want[600];
    make_dir(dir, sizeof dir, "only-here.csv");
    ln_data_path("/abs/x.csv", NULL, dir, out, sizeof out);
    assert_string_equal(out, "/abs/x.csv");
    ln_data_path("only-here.csv", NULL, dir, out, sizeof out);
    snprintf(want, sizeof want, "%s/only-here.csv", dir);
    assert_string_equal(out, want);
    ln_data_path("only-here.csv", "built-in", NULL, out, sizeof out);
    assert_string_equal(out, "only-here.csv");
    ln_data_path("only-here.csv", NULL, "", out, sizeof out);
    assert_string_equal(out, "only-here.csv");
    /* next to the scenario comes before data_dir */
    char sc[600];
    snprintf(sc, sizeof sc, "%s/s.json", dir);
    ln_data_path("only-here.csv", sc, "/nonexistent", out, sizeof out);
    assert_string_equal(out, want);
    remove_dir(dir, "only-here.csv");
}

/* The built-in scenario with its TLE file renamed: found only through
 * ln_scenario_options.data_dir. */
static void test_scenario_data_dir(void **state)
{
    (void)state;
    const char *text = ln_scenario_builtin("ukraine-2022");
    assert_non_null(text);
    const char *old = "tle/starlink_2022-10-09.tle";
    const char *at = strstr(text, old);
    assert_non_null(at);
    size_t len = strlen(text);
    char *t = malloc(len + 64);
    assert_non_null(t);
    snprintf(t, len + 64, "%.*sln-options.tle%s", (int)(at - text), text,
             at + strlen(old));
    char dir[64];
    make_dir(dir, sizeof dir, "ln-options.tle");
    ln_scenario *sc = NULL;
    ln_diag d;
    ln_diag_clear(&d);
    assert_int_equal(ln_scenario_parse(t, strlen(t), NULL, &sc, &d),
                     LN_ESCENARIO);
    assert_string_equal(d.path, "constellation.tle");
    assert_null(sc);
    ln_scenario_options o = {dir};
    assert_int_equal(ln_scenario_parse_opt(t, strlen(t), NULL, &o, &sc, &d),
                     0);
    char want[600];
    snprintf(want, sizeof want, "%s/ln-options.tle", dir);
    assert_string_equal(sc->tle, want);
    ln_scenario_free(sc);
    remove_dir(dir, "ln-options.tle");
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_data_path),
        cmocka_unit_test(test_scenario_data_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
