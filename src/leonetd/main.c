/*
 * main.c - leonetd, the live control plane's daemon: the verb table,
 * -h / -V, option parsing for the verbs (ld_args.h). Exit status as
 * leonet's: 0 ok, 2 bad usage or input, 3 the work failed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leonet/server.h"
#include "leonetd/ld_args.h"
#include "leonetd/leonetd.h"

/* seed.c (the part "drive") may not be built yet: a weak reference */
#pragma weak ld_seed_main

static void usage(FILE *f)
{
    fprintf(f,
            "leonetd - leonet's live control plane: terminals report, the "
            "daemon decides,\nmeters and shows the map live (docs/api.md)\n\n"
            "usage: leonetd VERB [options]\n"
            "       leonetd (-h | --help | -V | --version)\n\n"
            "verbs:\n"
            "  seed          load a scenario's accounts, terminals, plans "
            "and zones\n"
            "                (--db PATH [--scenario NAME|FILE])\n"
            "  token create  make a bearer token, printed once on stdout\n"
            "                (--db PATH --role ROLE [--account ID] "
            "[--terminal ID])\n"
            "  serve         serve the HTTP API (--db PATH --listen "
            "ADDR:PORT [--config FILE])\n"
            "  routes        every operation as JSON lines (method, "
            "pattern, permission,\n                roles, starlink)\n\n"
            "seed, token create and serve sign every change into the audit "
            "log with\n--log-key FILE (default DB.logkey, made when absent); "
            "serve checks the log\nagainst the database before it listens "
            "(docs/audit-ops.md).\n\n"
            "'leonetd VERB --help' for a verb's options.\n"
            "Exit status: 0 ok, 1 the audit log does not match the database "
            "(serve), 2 bad\nusage or input, 3 the work failed.\n");
}

int ld_args_long(const char *verb, const char *opt, const char *v, long lo,
                 long hi, long *out)
{
    char *end;
    errno = 0;
    long x = v ? strtol(v, &end, 10) : 0;
    if (!v || end == v || *end || errno || x < lo || x > hi) {
        fprintf(stderr, "leonetd %s: --%s: expected a whole number in "
                "%ld..%ld, got '%s'\n", verb, opt, lo, hi, v ? v : "");
        return 2;
    }
    *out = x;
    return 0;
}

static int one_opt(int argc, char **argv, int *i, const char *verb,
                   const ld_opt *opts, const char **val)
{
    const char *a = argv[*i] + 2;
    const char *eq = strchr(a, '=');
    size_t n = eq ? (size_t)(eq - a) : strlen(a);
    for (int k = 0; opts[k].name; k++) {
        if (strlen(opts[k].name) != n || strncmp(opts[k].name, a, n))
            continue;
        if (val[k]) {
            fprintf(stderr, "leonetd %s: --%s given twice\n", verb,
                    opts[k].name);
            return 2;
        }
        if (!opts[k].has_value) {
            if (eq) {
                fprintf(stderr, "leonetd %s: --%s takes no value\n", verb,
                        opts[k].name);
                return 2;
            }
            val[k] = "1";
        } else if (eq) {
            val[k] = eq + 1;
        } else if (*i + 1 < argc) {
            val[k] = argv[++*i];
        } else {
            fprintf(stderr, "leonetd %s: --%s needs a value\n", verb,
                    opts[k].name);
            return 2;
        }
        return 0;
    }
    fprintf(stderr, "leonetd %s: unknown option '%s' (see leonetd %s "
            "--help)\n", verb, argv[*i], verb);
    return 2;
}

int ld_args_parse(int argc, char **argv, const char *verb, const ld_opt *opts,
                  const char **val, void (*help)(FILE *))
{
    int nopt = 0;
    while (opts[nopt].name)
        nopt++;
    for (int k = 0; k < nopt; k++)
        val[k] = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            if (help)
                help(stdout);
            return -1;
        }
        if (strncmp(a, "--", 2) || !a[2]) {
            fprintf(stderr, "leonetd %s: unexpected argument '%s' (see "
                    "leonetd %s --help)\n", verb, a, verb);
            return 2;
        }
        int rc = one_opt(argc, argv, &i, verb, opts, val);
        if (rc)
            return rc;
    }
    return 0;
}

static void routes_help(FILE *f)
{
    fprintf(f, "usage: leonetd routes\n\nPrints every operation of the "
            "API, one JSON object a line:\nmethod, pattern, permission "
            "(null: open), roles, starlink, name, part.\n");
}

int ld_routes_main(int argc, char **argv)
{
    static const ld_opt opts[] = {{NULL, 0}};
    const char *val[1];
    int rc = ld_args_parse(argc, argv, "routes", opts, val, routes_help);
    if (rc)
        return rc < 0 ? 0 : rc;
    return ln_server_routes(stdout) ? 3 : 0;
}

static int seed(int argc, char **argv)
{
    if (!ld_seed_main) {
        fprintf(stderr, "leonetd seed: not in this build (seed.c)\n");
        return 3;
    }
    return ld_seed_main(argc, argv);
}

static int finish(int rc)
{
    if (fflush(stdout) || ferror(stdout)) {
        fprintf(stderr, "leonetd: cannot write to stdout\n");
        return rc ? rc : 2;
    }
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "leonetd: no verb given\n\n");
        usage(stderr);
        return 2;
    }
    const char *v = argv[1];
    if (!strcmp(v, "-h") || !strcmp(v, "--help") || !strcmp(v, "help")) {
        usage(stdout);
        return finish(0);
    }
    if (!strcmp(v, "-V") || !strcmp(v, "--version")) {
        printf("leonetd %s\n", LN_VERSION);
        return finish(0);
    }
    if (!strcmp(v, "seed"))
        return finish(seed(argc - 1, argv + 1));
    if (!strcmp(v, "seed-min")) /* hidden: the core's tests */
        return finish(ld_seed_min_main(argc - 1, argv + 1));
    if (!strcmp(v, "token"))
        return finish(ld_token_main(argc - 1, argv + 1));
    if (!strcmp(v, "serve"))
        return finish(ld_serve_main(argc - 1, argv + 1));
    if (!strcmp(v, "routes"))
        return finish(ld_routes_main(argc - 1, argv + 1));
    fprintf(stderr, "leonetd: unknown verb '%s' (see leonetd --help)\n", v);
    return 2;
}
