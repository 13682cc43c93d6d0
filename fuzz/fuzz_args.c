/*
 * fuzz_args.c - libFuzzer harness for the command-line option parsers
 * (src/cli/args.c, compiled in): ln_args_parse with the option tables of
 * propagate, route and cell, then ln_args_long_in / ln_args_double_in /
 * ln_args_time on every value given, with the ranges the verbs use.
 *
 * Input: the first byte picks the table; the rest, split at NUL or
 * newline, is argv[1..] (argv[0] the verb). Checks: a refusal (exit 2)
 * always prints a message on stderr; a value accepted by the number
 * parsers is finite and inside its range; an accepted integer prints
 * back to the same text once a leading '+' and zeros are set aside (it
 * reads back to the same value); an accepted time is inside 1900..2199.
 * stdout and stderr go to memory streams (-h/-V print there).
 */
#define LN_VERSION "fuzz"
#include "../src/cli/args.c"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const ln_opt_spec propagate_specs[] = {
    {"tle", 1},    {"omm", 1},   {"shells", 1}, {"minutes", 1},
    {"span", 1},   {"at", 1},    {"frame", 1},  {"format", 1},
    {"output", 1}, {"epoch", 1}, {"summary", 0}, {NULL, 0},
};
static const ln_opt_spec route_specs[] = {
    {"hypatia", 1}, {"duration", 1}, {"step-ms", 1}, {"export", 0},
    {"out", 1},     {"dump-positions", 1}, {"shells", 1}, {"tle", 1},
    {"grid", 1},    {"gs", 1},       {"from", 1},     {"to", 1},
    {"start", 1},   {"step", 1},     {"gateways", 1}, {"fail", 1},
    {"min-elev-deg", 1}, {"max-gsl-km", 1}, {"max-isl-km", 1},
    {"epoch", 1},   {"full-dijkstra", 0}, {"jam", 1}, {NULL, 0},
};
static const ln_opt_spec cell_specs[] = {
    {"res", 1},    {"lat", 1},      {"lon", 1},      {"points", 1},
    {"output", 1}, {"boundary", 1}, {"polyfill", 1}, {"outline", 1},
    {NULL, 0},
};
static const ln_opt_spec *const tables[] = {propagate_specs, route_specs,
                                            cell_specs, NULL};
static const char *const names[] = {"propagate", "route", "cell", "x"};

static void help(FILE *f) { fputs("usage: fuzz\n", f); }

/* -1 if the stream got nothing since *mark, else 0; moves the mark */
static int said(FILE *f, const size_t *len, size_t *mark)
{
    fflush(f);
    int r = *len > *mark ? 0 : -1;
    *mark = *len;
    return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 4096)
        return 0;
    int t = data[0] % 4;
    char *text = malloc(size);
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    char *argv[66];
    int argc = 0;
    argv[argc++] = (char *)names[t];
    for (char *p = text; argc < 65 && p < text + size - 1;) {
        argv[argc++] = p;
        size_t n = strcspn(p, "\n");
        p[n] = '\0';
        p += n + 1;
    }
    argv[argc] = NULL;

    char *eb = NULL, *ob = NULL;
    size_t el = 0, ol = 0, mark = 0;
    FILE *olderr = stderr, *oldout = stdout;
    stderr = open_memstream(&eb, &el);
    stdout = open_memstream(&ob, &ol);
    const ln_opt_spec *specs = tables[t];
    ln_args a;
    int rc = ln_args_parse(argc, argv, specs, &a, names[t], help);
    if (rc == 2 && said(stderr, &el, &mark))
        abort(); /* a refusal without a message */
    if (rc == LN_ARGS_DONE) {
        fflush(stdout);
        if (ol == 0)
            abort(); /* -h/-V printed nothing */
    }
    if (rc != 0 && rc != 2 && rc != LN_ARGS_DONE)
        abort();
    if (ln_cli_threads < 0 || ln_cli_threads > 1024)
        abort();
    for (int k = 0; rc == 0 && specs && specs[k].name; k++) {
        const char *v = a.values[k];
        if (!v)
            continue;
        long l;
        double d;
        if (ln_args_long_in(names[t], specs[k].name, v, -1000, 1000, &l)) {
            if (said(stderr, &el, &mark))
                abort();
        } else {
            if (l < -1000 || l > 1000)
                abort();
            char back[32];
            snprintf(back, sizeof back, "%ld", l);
            long l2;
            if (ln_args_long(names[t], "x", back, &l2) || l2 != l)
                abort();
        }
        if (ln_args_double_in(names[t], specs[k].name, v, -90, 90, &d)) {
            if (said(stderr, &el, &mark))
                abort();
        } else if (!(d >= -90 && d <= 90)) {
            abort();
        }
        if (ln_args_time(names[t], specs[k].name, v, &d)) {
            if (said(stderr, &el, &mark))
                abort();
        } else if (!(d >= LN_ARGS_TIME_MIN && d <= LN_ARGS_TIME_MAX)) {
            abort();
        }
    }
    fclose(stderr);
    fclose(stdout);
    stderr = olderr;
    stdout = oldout;
    free(eb);
    free(ob);
    free(text);
    return 0;
}
