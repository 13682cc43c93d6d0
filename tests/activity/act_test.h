/*
 * act_test.h - shared by the activity tests: a scratch directory and a
 * helper that writes a text file into it.
 */
#ifndef LN_ACT_TEST_H
#define LN_ACT_TEST_H

#include <stdio.h>

static char dir[64]; /* the test's scratch directory */

/* Writes text to dir/name; fails the test on error. */
static inline void write_file(const char *name, const char *text)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

#endif
