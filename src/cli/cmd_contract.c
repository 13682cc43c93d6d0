/*
 * cmd_contract.c - "leonet contract show FILE" and "leonet contract verify
 * FILE [--request R --sig S[,S...]] [--head SIZE:ROOT] [--now T]
 * [--used-nonces F]": read a contract, and decide offline whether a
 * change request with these signatures takes effect under it, with the
 * reason (ln_trust_evaluate).
 *
 * Signature files hold one or more lines "— NAME BASE64" (what `leonet
 * sign` prints). Without --head the request's own head is taken as the
 * current one (said on stderr: the daemon checks it against its log).
 * --used-nonces: a file of base64 nonces, one a line, already used.
 * Exit status: 0 well-formed (and the request takes effect), 1 the
 * request is refused, 2 bad usage or input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/trust_cli.h"

static const ln_opt_spec specs[] = {
    {"request", 1}, {"sig", 1}, {"head", 1}, {"now", 1}, {"used-nonces", 1},
    {NULL, 0},
};

static void usage(FILE *f)
{
    fprintf(f,
        "usage: leonet contract show FILE\n"
        "       leonet contract register FILE --url URL [--token T] "
        "--sig S[,S...]\n"
        "       leonet contract verify FILE [--request R.json --sig S[,S...]]"
        "\n                              [--head SIZE:ROOT] [--now ISO8601]"
        " [--used-nonces F]\n\n"
        "show: a readable summary of a contract (parties, keys, scope, "
        "term,\nthresholds). verify: is it well-formed; with --request, does"
        " the\nrequest with the signatures in the --sig files (lines of "
        "leonet sign)\ntake effect now, and if not, why. --head: the log's "
        "current head\n(tree size and base64 root; default: the request's "
        "own); --now:\nthe time (default: now); --used-nonces: base64 "
        "nonces already used.\n"
        "Exit status: 0 well-formed / takes effect, 1 refused, 2 bad usage "
        "or input.\n");
}

typedef struct nonces {
    char *buf;
} nonces;

static int nonce_used(void *ctx, const unsigned char *n, size_t len)
{
    nonces *u = ctx;
    char *save = NULL, *copy = strdup(u->buf);
    int hit = 0;
    for (char *t = copy ? strtok_r(copy, "\r\n", &save) : NULL; t && !hit;
         t = strtok_r(NULL, "\r\n", &save)) {
        unsigned char b[64];
        size_t got;
        hit = !ln_trust_b64_decode(t, strlen(t), b, sizeof b, &got) &&
              got == len && memcmp(b, n, len) == 0;
    }
    free(copy);
    return hit;
}

/* Signature lines from a comma-separated list of files. */
static int read_sigs(const char *files, ln_trust_sigline *s, size_t max,
                     size_t *ns)
{
    char *dup = strdup(files), *save = NULL;
    *ns = 0;
    for (char *f = strtok_r(dup, ",", &save); f;
         f = strtok_r(NULL, ",", &save)) {
        char *b;
        size_t n;
        if (ln_cli_trust_read("contract verify", f, 1 << 20, &b, &n)) {
            free(dup);
            return 2;
        }
        long ln = 0;
        for (char *p = b, *e; p < b + n; p = e + 1) {
            e = memchr(p, '\n', (size_t)(b + n - p));
            if (!e)
                e = b + n;
            ln++;
            if (e == p)
                continue;
            ln_diag d;
            ln_diag_clear(&d);
            if (*ns == max ||
                ln_trust_sigline_parse(p, (size_t)(e - p), &s[*ns], &d)) {
                d.line = ln;
                if (*ns == max)
                    snprintf(d.msg, sizeof d.msg, "more than %zu signatures",
                             max);
                ln_cli_trust_diag("contract verify", f, &d);
                ln_free(b);
                free(dup);
                return 2;
            }
            (*ns)++;
        }
        ln_free(b);
    }
    free(dup);
    return 0;
}

static int parse_head(const char *s, ln_trust_env *e)
{
    const char *c = strchr(s, ':');
    char *end;
    size_t got;
    unsigned char b[64];
    if (!c)
        return -1;
    unsigned long long v = strtoull(s, &end, 10);
    if (end != c || s[0] < '0' || s[0] > '9' ||
        ln_trust_b64_decode(c + 1, strlen(c + 1), b, sizeof b, &got) ||
        got != 32)
        return -1;
    e->head_size = v;
    memcpy(e->head_root, b, 32);
    return 0;
}

static int verify_request(const ln_trust_contract *c, const ln_args *a)
{
    const char *rp = ln_args_get(a, specs, "request"),
               *sp = ln_args_get(a, specs, "sig"),
               *hp = ln_args_get(a, specs, "head"),
               *np = ln_args_get(a, specs, "now"),
               *up = ln_args_get(a, specs, "used-nonces");
    ln_trust_env env = {0};
    nonces u = {NULL};
    env.now_unix_s = (double)time(NULL);
    if (np && ln_args_time("contract verify", "now", np, &env.now_unix_s))
        return 2;
    char *b;
    size_t n;
    ln_diag d;
    ln_diag_clear(&d);
    if (ln_cli_trust_read("contract verify", rp, 1 << 24, &b, &n))
        return 2;
    ln_trust_request *r;
    int rc = ln_trust_request_parse(b, n, &r, &d);
    ln_free(b);
    if (rc)
        return ln_cli_trust_diag("contract verify", rp, &d);
    double exp_s;
    ln_trust_request_head(r, &env.head_size, env.head_root, &exp_s);
    if (hp && parse_head(hp, &env)) {
        fprintf(stderr, "leonet contract verify: --head: expected SIZE:ROOT "
                "(decimal tree size, base64 of the 32-byte root), got "
                "'%s'\n", hp);
        ln_trust_request_free(r);
        return 2;
    }
    if (!hp)
        fprintf(stderr, "leonet contract verify: no --head: taking the "
                "request's own head as the log's\n");
    if (up && ln_cli_trust_read("contract verify", up, 1 << 24, &u.buf,
                                &n)) {
        ln_trust_request_free(r);
        return 2;
    }
    if (u.buf) {
        env.nonce_used = nonce_used;
        env.ctx = &u;
    }
    static ln_trust_sigline sigs[256];
    size_t ns = 0;
    rc = sp ? read_sigs(sp, sigs, 256, &ns) : 0;
    ln_trust_verdict v;
    if (!rc)
        rc = ln_trust_evaluate(c, r, sigs, ns, &env, &v) ? 2 : 0;
    if (!rc && v.effect)
        printf("request: takes effect: %s (%zu signer(s))\n", v.detail,
               v.nsigners);
    else if (!rc)
        printf("request: refused: %s: %s\n", ln_trust_reason_name(v.reason),
               v.detail);
    if (!rc && !v.effect)
        rc = 1;
    ln_free(u.buf);
    ln_trust_request_free(r);
    return rc;
}

int ln_cmd_contract(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "register"))
        return ln_cmd_contract_register(argc - 1, argv + 1);
    if (argc < 2 || (strcmp(argv[1], "show") && strcmp(argv[1], "verify"))) {
        if (argc >= 2 && (!strcmp(argv[1], "-h") ||
                          !strcmp(argv[1], "--help"))) {
            usage(stdout);
            return 0;
        }
        fprintf(stderr, "leonet contract: expected 'show', 'verify' or 'register' (see "
                "leonet contract --help)\n");
        return 2;
    }
    int show = !strcmp(argv[1], "show");
    ln_args a;
    int rc = ln_args_parse(argc - 1, argv + 1, specs, &a,
                           show ? "contract show" : "contract verify",
                           usage);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (a.npos != 1) {
        fprintf(stderr, "leonet contract %s: one contract FILE expected\n",
                argv[1]);
        return 2;
    }
    for (int i = 0; show && specs[i].name; i++)
        if (a.values[i]) {
            fprintf(stderr, "leonet contract show: takes no options (got "
                    "--%s)\n", specs[i].name);
            return 2;
        }
    if (!show && !ln_args_get(&a, specs, "request") &&
        ln_args_get(&a, specs, "sig")) {
        fprintf(stderr, "leonet contract verify: --sig needs --request\n");
        return 2;
    }
    char *b;
    size_t n;
    ln_diag d;
    ln_diag_clear(&d);
    if (ln_cli_trust_read(argv[1], a.pos[0], 1 << 24, &b, &n))
        return 2;
    ln_trust_contract *c;
    rc = ln_trust_contract_parse(b, n, &c, &d);
    ln_free(b);
    if (rc)
        return ln_cli_trust_diag(show ? "contract show" : "contract verify",
                                 a.pos[0], &d);
    if (show) {
        char *sum = malloc(1 << 16);
        rc = sum && !ln_trust_contract_describe(c, sum, 1 << 16) ? 0 : 2;
        if (!rc)
            fputs(sum, stdout);
        free(sum);
    } else {
        printf("contract %s: well-formed\n", ln_trust_contract_id(c));
        if (ln_args_get(&a, specs, "request"))
            rc = verify_request(c, &a);
    }
    ln_trust_contract_free(c);
    return rc;
}
