/*
 * cmd_witness.c - "leonet witness (--url URL [--token T] [--post] | --log
 * FILE) --state DIR --key W.key --log-key LOG.pub [--now T]": a
 * customer's or auditor's witness (C2SP tlog-witness's role), of a
 * leonetd over HTTP or offline over a log bundle.
 *
 * --url: GET /v1/audit/checkpoint, the log's signature checked under
 * LOG.pub, then GET /v1/audit/proof/consistency from the checkpoint
 * cosigned last (DIR/checkpoint) verified between the two roots (RFC 9162
 * 2.1.4.2); a fork, a rollback, another origin or a bad proof is refused
 * (exit 1, the reason on stderr). Otherwise cosigns, keeps the new
 * checkpoint in DIR/checkpoint, prints the cosigned note (the log's line
 * and this witness's) and with --post sends it to POST
 * /v1/audit/cosignatures. Network errors: exit 3.
 *
 * Takes the log's latest checkpoint (the last one in the bundle), checks
 * the log's signature on it, and a consistency proof from the checkpoint
 * it cosigned last (DIR/checkpoint) to this one; the proof is generated
 * from the bundle's leaves and verified against the two roots (RFC 9162
 * 2.1.4.2), so a log that shows this witness another history fails it.
 * Refuses: a fork (same size, another root), a smaller tree than the one
 * cosigned, another origin, a proof that does not verify. Otherwise
 * prints the checkpoint with its cosignature (cosignature/v1, time T)
 * and records it in DIR/checkpoint (written whole, then renamed).
 * Exit status: 0 cosigned, 1 refused, 2 bad usage or input, 3 I/O or
 * network.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/audit_http.h"
#include "cli/cli.h"
#include "cli/trust_cli.h"

static const ln_opt_spec specs[] = {
    {"log", 1}, {"state", 1}, {"key", 1},  {"log-key", 1}, {"now", 1},
    {"url", 1}, {"token", 1}, {"post", 0}, {"origin", 1}, {NULL, 0},
};

/* --origin: the log this witness follows (C2SP tlog-witness keeps an
 * origin per log); without it the first checkpoint's origin is followed
 * from then on (DIR/checkpoint), and said. */
static const char *pin_origin;

static void usage(FILE *f)
{
    fprintf(f,
        "usage: leonet witness --url URL [--token T] [--post] --state DIR "
        "--key W.key\n                      --log-key LOG.pub [--now "
        "ISO8601]\n"
        "       leonet witness --log FILE --state DIR --key W.key "
        "--log-key LOG.pub\n                      [--now ISO8601]\n\n"
        "Checks the latest checkpoint of a leonetd (--url) or of a log "
        "bundle\n(--log, leonet audit) against the one this witness "
        "cosigned last (kept\nin DIR/checkpoint): the log's signature, "
        "then a consistency proof\nbetween the two (the daemon's, or made "
        "from the bundle). Cosigns it\n(C2SP cosignature/v1) and prints the "
        "cosigned checkpoint, or refuses\na fork, a rollback or a proof "
        "that does not verify. --post sends the\ncosigned checkpoint to "
        "the daemon (POST /v1/audit/cosignatures).\n--origin ORIGIN: "
        "refuse a checkpoint of any other log (without it,\nthe first "
        "checkpoint's origin is followed from then on).\n"
        "Exit status: 0 cosigned, 1 refused, 2 bad usage or input, 3 I/O or"
        "\nnetwork.\n");
}

static int refuse(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int refuse(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "leonet witness: refused: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return 1;
}

/* Checks the new checkpoint against the old one and the leaves. */
static int check(const ln_trust_bundle *b, const ln_trust_checkpoint *cp,
                 const ln_trust_checkpoint *old, int have_old)
{
    ln_trust_log *lg;
    if (ln_trust_log_new(0, NULL, NULL, &lg))
        return 2;
    for (size_t i = 0; i < b->nleaf; i++)
        ln_trust_log_append(lg, b->leaf[i]);
    int rc = 0;
    unsigned char root[32], p[LN_TRUST_MAX_PATH][32];
    size_t np = 0;
    uint64_t m = have_old ? old->size : 0;
    if (!have_old && !(pin_origin && strcmp(pin_origin, cp->origin)))
        fprintf(stderr, "leonet witness: first checkpoint: following the "
                "log '%s' from now on\n", cp->origin);
    if (pin_origin && strcmp(pin_origin, cp->origin) != 0)
        rc = refuse("origin '%s' is not the log given by --origin ('%s')",
                    cp->origin, pin_origin);
    else if (have_old && strcmp(old->origin, cp->origin) != 0)
        rc = refuse("origin '%s' is not the log this witness follows "
                    "('%s')", cp->origin, old->origin);
    else if (have_old && cp->size == old->size &&
             memcmp(cp->root, old->root, 32) != 0)
        rc = refuse("fork: %s shows a tree of %" PRIu64 " leaves with "
                    "another root than the one cosigned", cp->origin,
                    cp->size);
    else if (have_old && cp->size < old->size)
        rc = refuse("rollback: %s shows %" PRIu64 " leaves, %" PRIu64
                    " were cosigned already", cp->origin, cp->size,
                    old->size);
    else if (cp->size > b->nleaf)
        rc = refuse("%s: the checkpoint has %" PRIu64 " leaves, the bundle "
                    "%zu", cp->origin, cp->size, b->nleaf);
    if (!rc) {
        ln_trust_log_root(lg, cp->size, root);
        ln_trust_log_consistency(lg, m, cp->size, p, &np);
        if (memcmp(root, cp->root, 32) != 0 ||
            (have_old &&
             ln_trust_verify_consistency(m, cp->size, old->root, cp->root,
                                         (const unsigned char(*)[32])p,
                                         np)))
            rc = refuse("%s: no consistency proof from %" PRIu64 " to %"
                        PRIu64 " leaves: the log forked or was rewritten",
                        cp->origin, m, cp->size);
    }
    ln_trust_log_free(lg);
    return rc;
}

static int witness(const ln_args *a, const ln_trust_key *wk,
                   const ln_trust_key *lk, double now)
{
    const char *lp = ln_args_get(a, specs, "log"),
               *dir = ln_args_get(a, specs, "state");
    char *buf;
    size_t n;
    ln_diag d;
    ln_diag_clear(&d);
    if (ln_cli_trust_read("witness", lp, (size_t)1 << 32, &buf, &n))
        return 2;
    ln_trust_bundle b;
    int rc = ln_trust_bundle_parse(buf, n, &b, &d);
    ln_free(buf);
    if (rc)
        return ln_cli_trust_diag("witness", lp, &d);
    ln_trust_note nt = {0};
    ln_trust_checkpoint cp, old;
    size_t nok;
    int have_old;
    if (b.nnote_ == 0) {
        fprintf(stderr, "leonet witness: %s: no checkpoint to cosign\n", lp);
        rc = 2;
    } else if (ln_trust_note_parse(b.note[b.nnote_ - 1],
                                   b.nnote[b.nnote_ - 1], &nt, &d) ||
               ln_trust_checkpoint_parse(nt.text, nt.ntext, &cp, &d)) {
        d.line = b.line[b.nnote_ - 1];
        rc = ln_cli_trust_diag("witness", lp, &d);
    } else if (ln_trust_note_verify(&nt, lk, 1, &nok, NULL, &d)) {
        fprintf(stderr, "leonet witness: refused: the log's signature: %s\n",
                d.msg);
        rc = 1;
    } else {
        rc = ln_ah_state_load("witness", dir, &old, &have_old);
        if (!rc)
            rc = check(&b, &cp, &old, have_old);
    }
    char line[256];
    if (!rc && ln_trust_cosign(wk, nt.text, nt.ntext, (uint64_t)now, line,
                               sizeof line))
        rc = 2;
    if (!rc)
        rc = ln_ah_state_save("witness", dir, nt.text, nt.ntext);
    if (!rc) {
        fputs(b.note[b.nnote_ - 1], stdout);
        fputs(line, stdout);
    }
    ln_trust_note_clear(&nt);
    ln_trust_bundle_clear(&b);
    return rc;
}

/* The note's signature lines by the log's key (the cosigned note sent
 * back holds those and this witness's line), appended to out. */
static size_t log_lines(const char *note, size_t n, const ln_trust_note *nt,
                        const ln_trust_key *lk, char *out)
{
    const char *p = note + nt->ntext + 1, *end = note + n;
    size_t o = 0;
    uint32_t id = ln_trust_key_id(lk->name, LN_TRUST_SIG_ED25519, lk->pub);
    for (size_t i = 0; i < nt->nsigs && p < end; i++) {
        const char *e = memchr(p, '\n', (size_t)(end - p));
        size_t len = e ? (size_t)(e - p) + 1 : (size_t)(end - p);
        if (!strcmp(nt->sigs[i].name, lk->name) && nt->sigs[i].id == id) {
            memcpy(out + o, p, len);
            o += len;
        }
        p += len;
    }
    return o;
}

static int witness_url(const ln_args *a, const ln_trust_key *wk,
                       const ln_trust_key *lk, double now)
{
    const char *dir = ln_args_get(a, specs, "state");
    ln_ah *h = NULL;
    int rc = ln_ah_open(&h, "witness", ln_args_get(a, specs, "url"),
                        ln_args_get(a, specs, "token"));
    char *note = NULL, *out = NULL, line[256];
    size_t n = 0, no = 0;
    ln_trust_note nt = {0};
    ln_trust_checkpoint cp, old;
    int have_old = 0;
    if (!rc)
        rc = ln_ah_checkpoint(h, lk, &note, &n, &nt, &cp);
    if (!rc)
        rc = ln_ah_state_load("witness", dir, &old, &have_old);
    if (!rc && pin_origin && strcmp(pin_origin, cp.origin) != 0) {
        fprintf(stderr, "leonet witness: refused: origin '%s' is not the log "
                "given by --origin ('%s')\n", cp.origin, pin_origin);
        rc = 1;
    } else if (!rc && !have_old) {
        fprintf(stderr, "leonet witness: first checkpoint: following the "
                "log '%s' from now on\n", cp.origin);
    }
    if (!rc && have_old)
        rc = ln_ah_extends(h, &old, &cp);
    if (!rc && ln_trust_cosign(wk, nt.text, nt.ntext, (uint64_t)now, line,
                               sizeof line))
        rc = 2;
    if (!rc)
        rc = ln_ah_state_save("witness", dir, nt.text, nt.ntext);
    if (!rc && !(out = ln_malloc(n + sizeof line + 2)))
        rc = 3;
    if (!rc) {
        memcpy(out, nt.text, nt.ntext);
        no = nt.ntext;
        out[no++] = '\n';
        no += log_lines(note, n, &nt, lk, out + no);
        memcpy(out + no, line, strlen(line));
        no += strlen(line);
        fwrite(out, 1, no, stdout);
        fflush(stdout);
    }
    if (!rc && ln_args_get(a, specs, "post")) {
        char *ans = NULL;
        size_t na = 0;
        rc = ln_ah_post(h, "/v1/audit/cosignatures", out, no, &ans, &na);
        ln_free(ans);
        if (!rc)
            fprintf(stderr, "leonet witness: cosignature of %" PRIu64
                    " leaves sent to the daemon\n", cp.size);
    }
    ln_free(out);
    ln_free(note);
    ln_trust_note_clear(&nt);
    ln_ah_close(h);
    return rc;
}

int ln_cmd_witness(int argc, char **argv)
{
    ln_args a;
    int rc = ln_args_parse_nopos(argc, argv, specs, &a, "witness", usage);
    if (rc)
        return rc < 0 ? 0 : rc;
    const char *kp = ln_args_get(&a, specs, "key"),
               *lkp = ln_args_get(&a, specs, "log-key"),
               *np = ln_args_get(&a, specs, "now");
    const char *lp = ln_args_get(&a, specs, "log"),
               *up = ln_args_get(&a, specs, "url");
    if (!ln_args_get(&a, specs, "state") || !kp || !lkp || !lp == !up) {
        fprintf(stderr, "leonet witness: --url or --log (one of them), "
                "--state, --key and --log-key are required (see leonet "
                "witness --help)\n");
        return 2;
    }
    if (lp && (ln_args_get(&a, specs, "token") ||
               ln_args_get(&a, specs, "post"))) {
        fprintf(stderr, "leonet witness: --token and --post are for "
                "--url\n");
        return 2;
    }
    double now = (double)time(NULL);
    if (np && ln_args_time("witness", "now", np, &now))
        return 2;
    if (now < 0) {
        fprintf(stderr, "leonet witness: --now: before 1970\n");
        return 2;
    }
    ln_trust_key wk, lk;
    if (ln_cli_trust_key("witness", kp, 1, &wk) ||
        ln_cli_trust_key("witness", lkp, 0, &lk))
        return 2;
    lk.has_secret = 0;
    pin_origin = ln_args_get(&a, specs, "origin");
    rc = up ? witness_url(&a, &wk, &lk, now) : witness(&a, &wk, &lk, now);
    memset(&wk, 0, sizeof wk);
    return rc;
}
