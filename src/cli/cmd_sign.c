/*
 * cmd_sign.c - "leonet sign FILE --key KEY [--note]": a party's detached
 * signature line.
 *
 * Without --note FILE is a change request (JSON): the line signs
 * "leonet-change-request/v1\n" || its canonical JSON (docs/trust.md), so
 * any spelling of the same request gets the same signature. With --note
 * FILE is a note text (e.g. a checkpoint body) and the line is a C2SP
 * signed-note signature. Either way the output is one line
 * "— NAME base64(key id || signature)" for the request's or note's
 * signature list.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/trust_cli.h"

static const ln_opt_spec specs[] = {
    {"key", 1}, {"note", 0}, {"contract", 0}, {NULL, 0}};

static void usage(FILE *f)
{
    fprintf(f,
        "usage: leonet sign FILE --key NAME.key [--note | --contract]\n\n"
        "Prints the detached signature line of FILE, a change request\n"
        "(JSON; signed over its canonical form), with --contract a new\n"
        "contract (every party signs \"leonet-contract/v1\\n\" and its\n"
        "canonical JSON before leonetd takes it), or with --note a note\n"
        "text such as a checkpoint body (C2SP signed-note).\n"
        "Exit status: 0 ok, 2 bad usage or input.\n");
}

/* LN_TRUST_CONTRACT_PREFIX || canonical JSON of a contract that parses */
static int sign_contract(const ln_trust_key *k, const char *path,
                         const char *b, size_t n, char *line, size_t cap)
{
    ln_diag d;
    ln_diag_clear(&d);
    ln_trust_contract *c;
    char *canon;
    size_t nc;
    int rc = ln_trust_contract_parse(b, n, &c, &d);
    if (rc)
        return ln_cli_trust_diag("sign", path, &d);
    ln_trust_contract_free(c);
    if ((rc = ln_trust_canonical(b, n, &canon, &nc, &d)))
        return ln_cli_trust_diag("sign", path, &d);
    size_t np = strlen(LN_TRUST_CONTRACT_PREFIX);
    char *msg = malloc(np + nc);
    rc = LN_ENOMEM;
    if (msg) {
        memcpy(msg, LN_TRUST_CONTRACT_PREFIX, np);
        memcpy(msg + np, canon, nc);
        rc = ln_trust_sign_line(k, msg, np + nc, line, cap);
    }
    free(msg);
    free(canon);
    return rc;
}

int ln_cmd_sign(int argc, char **argv)
{
    ln_args a;
    int rc = ln_args_parse(argc, argv, specs, &a, "sign", usage);
    if (rc)
        return rc < 0 ? 0 : rc;
    const char *kp = ln_args_get(&a, specs, "key");
    if (a.npos != 1 || !kp) {
        fprintf(stderr, "leonet sign: one FILE and --key are required (see "
                "leonet sign --help)\n");
        return 2;
    }
    ln_trust_key k;
    if (ln_cli_trust_key("sign", kp, 1, &k))
        return 2;
    char *b, line[512];
    size_t n;
    ln_diag d;
    ln_diag_clear(&d);
    if (ln_cli_trust_read("sign", a.pos[0], 1 << 24, &b, &n))
        return 2;
    if (ln_args_get(&a, specs, "contract")) {
        rc = sign_contract(&k, a.pos[0], b, n, line, sizeof line);
    } else if (ln_args_get(&a, specs, "note")) {
        rc = ln_trust_note_sign(&k, b, n, line, sizeof line);
        if (rc)
            fprintf(stderr, "leonet sign: %s: not a note text (UTF-8 "
                    "lines, each ending with a newline, no blank line)\n",
                    a.pos[0]);
    } else {
        ln_trust_request *r;
        rc = ln_trust_request_parse(b, n, &r, &d);
        if (rc) {
            ln_cli_trust_diag("sign", a.pos[0], &d);
        } else {
            rc = ln_trust_request_sign(&k, r, line, sizeof line);
            ln_trust_request_free(r);
        }
    }
    memset(&k, 0, sizeof k);
    ln_free(b);
    if (rc)
        return 2;
    fputs(line, stdout);
    return 0;
}
