/*
 * args.c - option parsing shared by all verbs: "--name value",
 * "--name=value", flags, positionals, and the global --threads N.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "leonet/core.h"

int ln_cli_threads = 0;

static int find_spec(const ln_opt_spec *specs, const char *name, size_t len)
{
    for (int i = 0; specs && specs[i].name; i++)
        if (strlen(specs[i].name) == len &&
            strncmp(specs[i].name, name, len) == 0)
            return i;
    return -1;
}

FILE *ln_cli_open_out(const char *verb, const char *path)
{
    if (!path)
        return stdout;
    FILE *f = fopen(path, "w");
    if (!f)
        fprintf(stderr, "leonet %s: cannot write %s: %s\n", verb, path,
                strerror(errno));
    return f;
}

int ln_cli_close_out(const char *verb, FILE *f, const char *path)
{
    if (f == stdout ? fflush(f) != 0 : fclose(f) != 0) {
        fprintf(stderr, "leonet %s: error writing %s\n", verb,
                path ? path : "stdout");
        return 2;
    }
    return 0;
}

int ln_args_time(const char *verb, const char *name, const char *s,
                 double *out)
{
    if (!s || ln_time_parse_iso(s, out)) {
        fprintf(stderr,
                "leonet %s: --%s: expected an ISO 8601 UTC time (e.g. "
                "2022-10-09T12:00:00Z), got '%s'\n",
                verb, name, s ? s : "");
        return 2;
    }
    return 0;
}

int ln_args_long(const char *verb, const char *name, const char *s,
                 long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s ? s : "", &end, 10);
    if (!s || !*s || *end || errno) {
        fprintf(stderr, "leonet %s: --%s: expected an integer, got '%s'\n",
                verb, name, s ? s : "");
        return 2;
    }
    *out = v;
    return 0;
}

int ln_args_double(const char *verb, const char *name, const char *s,
                   double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s ? s : "", &end);
    if (!s || !*s || *end || errno || !isfinite(v)) {
        fprintf(stderr, "leonet %s: --%s: expected a number, got '%s'\n",
                verb, name, s ? s : "");
        return 2;
    }
    *out = v;
    return 0;
}

int ln_args_parse(int argc, char **argv, const ln_opt_spec *specs,
                  ln_args *a, const char *verb)
{
    memset(a, 0, sizeof *a);
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strncmp(arg, "--", 2) != 0 || arg[2] == '\0') {
            if (a->npos >= (int)(sizeof a->pos / sizeof a->pos[0])) {
                fprintf(stderr, "leonet %s: too many arguments\n", verb);
                return 2;
            }
            a->pos[a->npos++] = arg;
            continue;
        }
        const char *name = arg + 2;
        const char *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        const char *val = eq ? eq + 1 : NULL;
        if (len == 7 && strncmp(name, "threads", 7) == 0) {
            long n;
            if (!val) {
                if (i + 1 >= argc) {
                    fprintf(stderr, "leonet %s: --threads needs a value\n",
                            verb);
                    return 2;
                }
                val = argv[++i];
            }
            if (ln_args_long(verb, "threads", val, &n) || n < 0 ||
                n > 1024) {
                fprintf(stderr, "leonet %s: --threads: 0..1024\n", verb);
                return 2;
            }
            ln_cli_threads = (int)n;
            continue;
        }
        int k = find_spec(specs, name, len);
        if (k < 0) {
            fprintf(stderr, "leonet %s: unknown option '--%.*s' "
                    "(see leonet %s --help)\n", verb, (int)len, name, verb);
            return 2;
        }
        if (specs[k].has_value) {
            if (!val) {
                if (i + 1 >= argc) {
                    fprintf(stderr, "leonet %s: --%s needs a value\n", verb,
                            specs[k].name);
                    return 2;
                }
                val = argv[++i];
            }
            a->values[k] = val;
        } else {
            if (val) {
                fprintf(stderr, "leonet %s: --%s takes no value\n", verb,
                        specs[k].name);
                return 2;
            }
            a->values[k] = "1";
        }
    }
    return 0;
}

const char *ln_args_get(const ln_args *a, const ln_opt_spec *specs,
                        const char *name)
{
    int k = find_spec(specs, name, strlen(name));
    return k < 0 ? NULL : a->values[k];
}
