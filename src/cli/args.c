/*
 * args.c - option parsing shared by all verbs: "--name value",
 * "--name=value", flags, positionals, "--", the global --threads N, and
 * the conventions every verb shares: -h/--help, -V/--version, strict
 * numbers with explicit ranges, ISO 8601 times, and write errors on the
 * output reported with a non-zero exit.
 *
 * Exports (cli.h): ln_args_parse(_nopos), ln_args_get, ln_args_long(_in),
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

/* The outputs open now, written through core's ln_outfile (a regular
 * file under a temporary name renamed into place once closed without
 * error; a device or FIFO in place). A verb has at most two open. */
static struct open_out {
    FILE *f;
    ln_outfile *of;
} outs[4];

FILE *ln_cli_open_out(const char *verb, const char *path)
{
    if (!path)
        return stdout;
    struct open_out *o = NULL;
    for (size_t i = 0; i < sizeof outs / sizeof outs[0] && !o; i++)
        if (!outs[i].f)
            o = &outs[i];
    ln_outfile *of = NULL;
    errno = EMFILE;
    if (!o || ln_outfile_open(path, &of)) {
        fprintf(stderr, "leonet %s: cannot write %s: %s\n", verb, path,
                strerror(errno));
        return NULL;
    }
    o->of = of;
    o->f = ln_outfile_stream(of);
    return o->f;
}

/* the ln_outfile of f (NULL: none), forgotten */
static ln_outfile *take_out(FILE *f)
{
    for (size_t i = 0; i < sizeof outs / sizeof outs[0]; i++)
        if (outs[i].f == f) {
            ln_outfile *of = outs[i].of;
            outs[i].f = NULL;
            outs[i].of = NULL;
            return of;
        }
    return NULL;
}

int ln_cli_close_out(const char *verb, FILE *f, const char *path)
{
    if (f == stdout)
        return ln_cli_finish_stdout(verb, 0);
    ln_outfile *of = take_out(f);
    int err = 0;
    if (!of) { /* not ours: cannot happen, closed all the same */
        errno = 0;
        if (!fclose(f))
            return 0;
        err = errno;
    } else if (!ln_outfile_commit(of, &err)) {
        return 0;
    }
    fprintf(stderr, "leonet %s: error writing %s%s%s\n", verb,
            path ? path : "standard output", err ? ": " : "",
            err ? strerror(err) : "");
    return 2;
}

void ln_cli_discard_out(FILE *f)
{
    if (!f || f == stdout)
        return;
    ln_outfile *of = take_out(f);
    if (of)
        ln_outfile_abort(of);
    else
        fclose(f);
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

int ln_args_parse_nopos(int argc, char **argv, const ln_opt_spec *specs,
                        ln_args *a, const char *verb, void (*help)(FILE *))
{
    int rc = ln_args_parse(argc, argv, specs, a, verb, help);
    if (rc == 0 && a->npos) {
        fprintf(stderr, "leonet %s: unexpected argument '%s' (see leonet "
                "%s --help)\n", verb, a->pos[0], verb);
        return 2;
    }
    return rc;
}

const char *ln_args_get(const ln_args *a, const ln_opt_spec *specs,
                        const char *name)
{
    int k = find_spec(specs, name, strlen(name));
    return k < 0 || k >= (int)(sizeof a->values / sizeof a->values[0])
               ? NULL
               : a->values[k];
}
