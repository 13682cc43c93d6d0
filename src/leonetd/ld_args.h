/*
 * ld_args.h - leonetd's option parsing (main.c), shared by its verbs
 * main.c, serve.c and token.c: "--name value", "--name=value" and flags.
 */
#ifndef LN_LEONETD_LD_ARGS_H
#define LN_LEONETD_LD_ARGS_H

#include <stdio.h>

typedef struct ld_opt {
    const char *name;          /* without "--" */
    int has_value;             /* 0: a flag */
} ld_opt;

/* ld_args_parse
 * Given:    argv[1..argc) of a verb (argv[0] its words, for messages),
 *           opts (ended by a NULL name), help (prints the verb's usage)
 * Returned: val   per option its value (flags "1"), NULL when absent
 * Status:   0 go on; 2 bad usage (printed); -1 help was printed (exit
 *           0). Positionals are refused. */
int ld_args_parse(int argc, char **argv, const char *verb, const ld_opt *opts,
                  const char **val, void (*help)(FILE *));
/* A whole number in [lo, hi] from an option's value; 2 (printed) if not. */
int ld_args_long(const char *verb, const char *opt, const char *v, long lo,
                 long hi, long *out);

int ld_routes_main(int argc, char **argv);
int ld_seed_min_main(int argc, char **argv);

#endif
