/*
 * args.c - option parsing shared by all verbs: "--name value",
 * "--name=value", flags, positionals, "--", the global --threads N, and
 * the conventions every verb shares: -h/--help, -V/--version, strict
 * numbers with explicit ranges, ISO 8601 times, and write errors on the
 * output reported with a non-zero exit.
 *
 * Exports (cli.h): ln_args_parse, ln_args_get, ln_args_long(_in),
 * ln_args_double(_in), ln_args_time, ln_cli_open_out, ln_cli_close_out,
 * ln_cli_version, ln_cli_finish_stdout.
 *
 * Pure but for the messages it prints on stderr (and -h/-V on stdout), so
 * fuzz/fuzz_args.c compiles it in.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "leonet/core.h"

#ifndef LN_VERSION
#error "LN_VERSION (CMake's project version) must be defined"
#endif

int ln_cli_threads = 0;

const char *ln_cli_version(void) { return "leonet " LN_VERSION; }

static int find_spec(const ln_opt_spec *specs, const char *name, size_t len)
{
    for (int i = 0; specs && specs[i].name; i++)
        if (strlen(specs[i].name) == len &&
            strncmp(specs[i].name, name, len) == 0)
            return i;
    return -1;
}

/* The outputs open now: a regular file is written as PATH.tmp-PID and
 * renamed to PATH once closed without error, so a failed run leaves no
 * half-written file under the final name; a device, FIFO or the like
 * (/dev/stdout, /dev/full) is written in place. */
static struct open_out {
    FILE *f;
    char *tmp; /* NULL: written in place */
} outs[4];

FILE *ln_cli_open_out(const char *verb, const char *path)
{
    if (!path)
        return stdout;
    struct stat st;
    struct open_out *o = NULL;
    for (size_t i = 0; i < sizeof outs / sizeof outs[0] && !o; i++)
        if (!outs[i].f)
            o = &outs[i];
    char *tmp = NULL;
    if (o && (stat(path, &st) != 0 ? errno == ENOENT : S_ISREG(st.st_mode))) {
        size_t n = strlen(path) + 32;
        tmp = ln_malloc(n);
        if (tmp)
            snprintf(tmp, n, "%s.tmp-%ld", path, (long)getpid());
    }
    FILE *f = fopen(tmp ? tmp : path, "w");
    if (!f) {
        fprintf(stderr, "leonet %s: cannot write %s: %s\n", verb, path,
                strerror(errno));
        ln_free(tmp);
        return NULL;
    }
    if (o) {
        o->f = f;
        o->tmp = tmp;
    }
    return f;
}

/* the temporary name of f (NULL: none), forgotten */
static char *take_tmp(FILE *f)
{
    for (size_t i = 0; i < sizeof outs / sizeof outs[0]; i++)
        if (outs[i].f == f) {
            char *t = outs[i].tmp;
            outs[i].f = NULL;
            outs[i].tmp = NULL;
            return t;
        }
    return NULL;
}

int ln_cli_close_out(const char *verb, FILE *f, const char *path)
{
    int bad = ferror(f);
    errno = 0;
    if (f == stdout ? fflush(f) != 0 : fclose(f) != 0)
        bad = 1;
    int err = errno;
    char *tmp = f == stdout ? NULL : take_tmp(f);
    if (!bad && tmp && rename(tmp, path) != 0) {
        bad = 1;
        err = errno;
    }
    if (bad && tmp)
        remove(tmp);
    ln_free(tmp);
    if (bad) {
        fprintf(stderr, "leonet %s: error writing %s%s%s\n", verb,
                path ? path : "standard output", err ? ": " : "",
                err ? strerror(err) : "");
        if (f == stdout)
            clearerr(stdout); /* said once: ln_cli_finish_stdout is quiet */
        return 2;
    }
    return 0;
}

void ln_cli_discard_out(FILE *f)
{
    if (!f || f == stdout)
        return;
    fclose(f);
    char *tmp = take_tmp(f);
    if (tmp)
        remove(tmp);
    ln_free(tmp);
}

int ln_cli_finish_stdout(const char *verb, int rc)
{
    int bad = ferror(stdout);
    errno = 0;
    if (fflush(stdout) != 0)
        bad = 1;
    if (bad) {
        fprintf(stderr, "leonet %s: error writing standard output%s%s\n",
                verb, errno ? ": " : "", errno ? strerror(errno) : "");
        clearerr(stdout);
        return 2;
    }
    return rc;
}

int ln_args_time(const char *verb, const char *name, const char *s,
                 double *out)
{
    double t;
    if (!s || ln_time_parse_iso(s, &t) || t < LN_ARGS_TIME_MIN ||
        t > LN_ARGS_TIME_MAX) {
        fprintf(stderr,
                "leonet %s: --%s: expected an ISO 8601 UTC time "
                "1900-01-01 .. 2199-12-31T23:59:59Z (e.g. "
                "2022-10-09T12:00:00Z), got '%s'\n",
                verb, name, s ? s : "");
        return 2;
    }
    *out = t;
    return 0;
}

int ln_args_shells_epoch(const char *verb, const char *what,
                         double epoch_unix_s)
{
    int y, mo, d, h, mi;
    double sec;
    ln_time_to_utc(epoch_unix_s, &y, &mo, &d, &h, &mi, &sec);
    if (y >= 1957 && y <= 2056)
        return 0;
    fprintf(stderr,
            "leonet %s: %s: the shells' epoch is in %d; a TLE epoch's year "
            "is 1957..2056\n", verb, what, y);
    return 2;
}

/* strtol on the whole of s, no leading space; 0 or -1 */
static int strict_long(const char *s, long *out)
{
    char *end;
    if (!s || !*s || isspace((unsigned char)*s))
        return -1;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (*end || errno)
        return -1;
    *out = v;
    return 0;
}


int ln_args_long(const char *verb, const char *name, const char *s,
                 long *out)
{
    if (strict_long(s, out)) {
        fprintf(stderr, "leonet %s: --%s: expected an integer, got '%s'\n",
                verb, name, s ? s : "");
        return 2;
    }
    return 0;
}

int ln_args_double(const char *verb, const char *name, const char *s,
                   double *out)
{
    if (ln_parse_decimal(s, out)) {
        fprintf(stderr, "leonet %s: --%s: expected a number, got '%s'\n",
                verb, name, s ? s : "");
        return 2;
    }
    return 0;
}

int ln_args_long_in(const char *verb, const char *name, const char *s,
                    long lo, long hi, long *out)
{
    long v;
    if (strict_long(s, &v) || v < lo || v > hi) {
        fprintf(stderr, "leonet%s%s: --%s: expected an integer %ld..%ld, "
                "got '%s'\n", *verb ? " " : "", verb, name, lo, hi,
                s ? s : "");
        return 2;
    }
    *out = v;
    return 0;
}

int ln_args_double_in(const char *verb, const char *name, const char *s,
                      double lo, double hi, double *out)
{
    double v;
    if (ln_parse_decimal(s, &v) || v < lo || v > hi) {
        fprintf(stderr, "leonet %s: --%s: expected a number %.10g..%.10g, "
                "got '%s'\n", verb, name, lo, hi, s ? s : "");
        return 2;
    }
    *out = v;
    return 0;
}

/* -h/--help and -V/--version: printed on stdout; LN_ARGS_DONE, or 2 when
 * stdout cannot be written. */
static int answer(const char *verb, void (*help)(FILE *), int version)
{
    if (version) {
        printf("%s\n", ln_cli_version());
    } else {
        if (help)
            help(stdout);
        printf("\ncommon options (any verb, before or after it):\n"
               "  -h, --help     this text\n"
               "  -V, --version  print '%s' and exit\n"
               "  --threads N    worker threads, 0..1024 (0, the default: "
               "all cores)\n"
               "  --             the arguments after it are not options\n"
               "Numbers outside an option's range, NaN and infinities are "
               "refused (exit 2).\n",
               ln_cli_version());
    }
    return ln_cli_finish_stdout(verb, LN_ARGS_DONE);
}

/* "--output --quiet": the next word is taken as a value only when it is
 * not one of the verb's own options (or a common one), so a forgotten
 * value is said instead of a folder named "--quiet" being written. */
static int names_option(const ln_opt_spec *specs, const char *s)
{
    if (!strcmp(s, "-h") || !strcmp(s, "-V"))
        return 1;
    if (strncmp(s, "--", 2) != 0 || s[2] == '\0')
        return 0;
    const char *name = s + 2;
    const char *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    static const char *const common[] = {"help", "version", "threads", NULL};
    for (int c = 0; common[c]; c++)
        if (strlen(common[c]) == len && !strncmp(common[c], name, len))
            return 1;
    return find_spec(specs, name, len) >= 0;
}

int ln_args_parse(int argc, char **argv, const ln_opt_spec *specs,
                  ln_args *a, const char *verb, void (*help)(FILE *))
{
    enum { NVAL = (int)(sizeof a->values / sizeof a->values[0]) };
    memset(a, 0, sizeof *a);
    int opts = 1;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (opts && strcmp(arg, "--") == 0) {
            opts = 0;
            continue;
        }
        /* the first of them answers; an error before it wins */
        if (opts && (!strcmp(arg, "-h") || !strcmp(arg, "--help")))
            return answer(verb, help, 0);
        if (opts && (!strcmp(arg, "-V") || !strcmp(arg, "--version")))
            return answer(verb, help, 1);
        if (!opts || arg[0] != '-' || arg[1] == '\0') {
            if (a->npos >= (int)(sizeof a->pos / sizeof a->pos[0])) {
                fprintf(stderr, "leonet %s: too many arguments (at '%s')\n",
                        verb, arg);
                return 2;
            }
            a->pos[a->npos++] = arg;
            continue;
        }
        if (arg[1] != '-') {
            fprintf(stderr, "leonet %s: unknown option '%s' (options are "
                    "--name; see leonet %s --help)\n", verb, arg, verb);
            return 2;
        }
        const char *name = arg + 2;
        const char *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        const char *val = eq ? eq + 1 : NULL;
        if ((len == 4 && !strncmp(name, "help", 4)) ||
            (len == 7 && !strncmp(name, "version", 7))) {
            fprintf(stderr, "leonet %s: --%.*s takes no value\n", verb,
                    (int)len, name);
            return 2;
        }
        if (len == 7 && strncmp(name, "threads", 7) == 0) {
            long n;
            if (!val) {
                if (i + 1 >= argc) {
                    fprintf(stderr, "leonet %s: --threads needs a value "
                            "(0..1024)\n", verb);
                    return 2;
                }
                val = argv[++i];
            }
            if (ln_args_long_in(verb, "threads", val, 0, 1024, &n))
                return 2;
            ln_cli_threads = (int)n;
            continue;
        }
        int k = find_spec(specs, name, len);
        if (k < 0 || k >= NVAL) {
            fprintf(stderr, "leonet %s: unknown option '--%.*s' "
                    "(see leonet %s --help)\n", verb, (int)len, name, verb);
            return 2;
        }
        if (a->values[k]) {
            fprintf(stderr, "leonet %s: --%s given twice\n", verb,
                    specs[k].name);
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
                if (names_option(specs, val)) {
                    fprintf(stderr, "leonet %s: --%s needs a value, and "
                            "'%s' is an option (write --%s=%s if that is "
                            "the value you mean)\n", verb, specs[k].name,
                            val, specs[k].name, val);
                    return 2;
                }
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
    return k < 0 || k >= (int)(sizeof a->values / sizeof a->values[0])
               ? NULL
               : a->values[k];
}
