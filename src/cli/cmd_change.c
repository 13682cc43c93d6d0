/*
 * cmd_change.c - "leonet change new|submit|sign|show|list": a party's
 * change requests against leonetd (docs/api-trust.md), so that nobody
 * writes a head's root or a nonce by hand.
 *
 *   new     a request bound to the daemon's current head (GET /v1/head,
 *           or --head SIZE:ROOT offline) with a fresh 32-byte nonce
 *           (libsodium's randombytes) and an expiry, printed as JSON: the
 *           bytes each party then signs with `leonet sign FILE --key K`
 *   submit  POST /v1/changes with the request, then each --sig line
 *           (POST /v1/changes/{id}/signatures); prints the verdict
 *   sign    adds signature lines to a submitted change
 *   show, list   a change, or the changes in a state, as the daemon says
 *
 * Exit status: 0 the change (or the last answer) is granted or the verb
 * did what it was asked; 1 the change is refused (final); 4 pending (the
 * threshold not met yet); 2 bad usage or input; 3 I/O or network.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "cli/audit_http.h"
#include "cli/cli.h"
#include "cli/trust_cli.h"

#define V "change"

static const ln_opt_spec specs[] = {
    {"url", 1},      {"token", 1},   {"head", 1},    {"contract", 1},
    {"kind", 1},     {"account", 1}, {"terminal", 1}, {"zone", 1},
    {"zone-file", 1}, {"expires", 1}, {"note", 1},   {"sig", 1},
    {"state", 1},    {NULL, 0}};

static void usage(FILE *f)
{
    fprintf(f,
        "usage: leonet change new --contract ID --kind KIND\n"
        "                         (--url URL [--token T] | --head SIZE:ROOT)\n"
        "                         [--account A,...] [--terminal T,...]\n"
        "                         [--zone Z,...] [--zone-file FEATURE.json]\n"
        "                         [--expires 1h|30m|ISO] [--note TEXT]\n"
        "       leonet change submit FILE --url URL [--token T] [--sig F,...]\n"
        "       leonet change sign ID --url URL [--token T] --sig F,...\n"
        "       leonet change show ID --url URL [--token T]\n"
        "       leonet change list --url URL [--token T] [--state S]\n\n"
        "Change requests for leonetd's contracts (docs/api-trust.md).\n"
        "'new' prints a request bound to the daemon's current log head,\n"
        "with a fresh nonce and an expiry (default 1h): each party signs\n"
        "it with 'leonet sign FILE --key NAME.key' (one line each, into a\n"
        "file); 'submit' sends it and the signature files' lines; 'sign'\n"
        "adds lines to a submitted change. KIND: kill, suspend, zone-edit,\n"
        "coverage (both with --zone-file: the zone's GeoJSON Feature),\n"
        "amend (use the JSON directly: the amendment is a string).\n"
        "Exit status: 0 granted (or done), 1 refused, 4 pending, 2 bad\n"
        "usage or input, 3 I/O or network.\n");
}

/* "a,b,c" -> a JSON array of strings (NULL -> []) */
static json_t *csv_array(const char *s)
{
    json_t *a = json_array();
    while (s && *s) {
        const char *c = strchr(s, ',');
        size_t n = c ? (size_t)(c - s) : strlen(s);
        if (n)
            json_array_append_new(a, json_stringn(s, n));
        s = c ? c + 1 : NULL;
    }
    return a;
}

/* "90s", "30m", "2h", "1d" from now, or an ISO time; -1 when bad. */
static double parse_expiry(const char *s, double now)
{
    char *end;
    double v = strtod(s, &end);
    if (end != s && isfinite(v) && v > 0 && end[0] && !end[1]) {
        static const char unit[] = "smhd";
        static const double mult[] = {1, 60, 3600, 86400};
        const char *u = strchr(unit, end[0]);
        if (u)
            return now + v * mult[u - unit];
    }
    double t;
    return ln_time_parse_iso(s, &t) ? -1 : t;
}

/* The head: --head SIZE:ROOT, or the daemon's GET /v1/head. */
static int get_head(const ln_args *a, json_t **size, json_t **root)
{
    const char *h = ln_args_get(a, specs, "head");
    if (h) {
        char *end;
        unsigned long long n = strtoull(h, &end, 10);
        unsigned char r[32];
        size_t len = 0;
        if (end == h || *end != ':' ||
            ln_trust_b64_decode(end + 1, strlen(end + 1), r, 32, &len) ||
            len != 32) {
            fprintf(stderr, "leonet " V ": --head: expected SIZE:ROOT (the "
                    "root in base64 of 32 bytes), got '%s'\n", h);
            return 2;
        }
        *size = json_integer((json_int_t)n);
        *root = json_string(end + 1);
        return 0;
    }
    const char *url = ln_args_get(a, specs, "url");
    if (!url) {
        fprintf(stderr, "leonet " V " new: --url or --head is required\n");
        return 2;
    }
    ln_ah *c;
    int rc = ln_ah_open(&c, V, url, ln_args_get(a, specs, "token"));
    if (rc)
        return rc;
    char *body;
    size_t n;
    rc = ln_ah_get(c, "/v1/head", &body, &n);
    ln_ah_close(c);
    if (rc)
        return rc;
    json_t *j = json_loadb(body, n, 0, NULL);
    free(body);
    json_t *ct = json_object_get(j, "content");
    json_t *s = json_object_get(ct, "size"), *r = json_object_get(ct, "root");
    if (!json_is_integer(s) || !json_is_string(r)) {
        json_decref(j);
        fprintf(stderr, "leonet " V ": %s/v1/head: no size and root in the "
                "answer\n", url);
        return 3;
    }
    *size = json_incref(s);
    *root = json_incref(r);
    json_decref(j);
    return 0;
}

static int cmd_new(const ln_args *a)
{
    const char *contract = ln_args_get(a, specs, "contract"),
               *kind = ln_args_get(a, specs, "kind");
    if (!contract || !kind) {
        fprintf(stderr, "leonet " V " new: --contract and --kind are "
                "required (see leonet " V " --help)\n");
        return 2;
    }
    int k;
    for (k = 0; k < LN_TRUST_KIND_COUNT_; k++)
        if (!strcmp(kind, ln_trust_kind_name(k)))
            break;
    if (k == LN_TRUST_KIND_COUNT_ || k == LN_TRUST_AMEND) {
        fprintf(stderr, "leonet " V " new: --kind: expected kill, suspend, "
                "zone-edit or coverage, got '%s'\n", kind);
        return 2;
    }
    const char *zf = ln_args_get(a, specs, "zone-file");
    if ((k == LN_TRUST_ZONE || k == LN_TRUST_COVERAGE) != (zf != NULL)) {
        fprintf(stderr, "leonet " V " new: --zone-file is %s for kind "
                "'%s'\n", zf ? "not taken" : "required", kind);
        return 2;
    }
    double now = (double)time(NULL);
    const char *ex = ln_args_get(a, specs, "expires");
    double until = parse_expiry(ex ? ex : "1h", now);
    if (until <= now) {
        fprintf(stderr, "leonet " V " new: --expires: expected a duration "
                "(90s, 30m, 2h, 1d) or a future ISO time, got '%s'\n", ex);
        return 2;
    }
    char *zone = NULL;
    size_t nzone = 0;
    if (zf && ln_cli_trust_read(V, zf, 1 << 24, &zone, &nzone))
        return 2;
    json_t *size = NULL, *root = NULL;
    int rc = get_head(a, &size, &root);
    if (rc) {
        free(zone);
        return rc;
    }
    unsigned char nonce[32];
    char nb[64], tb[40];
    randombytes_buf(nonce, sizeof nonce);
    ln_trust_b64_encode(nonce, sizeof nonce, nb, sizeof nb);
    json_t *target = json_object();
    json_object_set_new(target, "accounts",
                        csv_array(ln_args_get(a, specs, "account")));
    json_object_set_new(target, "terminals",
                        csv_array(ln_args_get(a, specs, "terminal")));
    json_object_set_new(target, "zones",
                        csv_array(ln_args_get(a, specs, "zone")));
    json_t *head = json_object();
    json_object_set_new(head, "size", size);
    json_object_set_new(head, "root", root);
    json_t *r = json_object();
    json_object_set_new(r, "contract", json_string(contract));
    json_object_set_new(r, "kind", json_string(kind));
    json_object_set_new(r, "target", target);
    json_object_set_new(r, "head", head);
    json_object_set_new(r, "expires",
                        json_string(ln_time_format_iso(until, 0, tb,
                                                       sizeof tb)));
    json_object_set_new(r, "nonce", json_string(nb));
    if (zone)
        json_object_set_new(r, "zone", json_stringn(zone, nzone));
    const char *note = ln_args_get(a, specs, "note");
    if (note)
        json_object_set_new(r, "note", json_string(note));
    free(zone);
    char *text = json_dumps(r, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(r);
    /* our own output must parse as a request (catches a bad id) */
    ln_trust_request *req;
    ln_diag d;
    ln_diag_clear(&d);
    rc = text ? ln_trust_request_parse(text, strlen(text), &req, &d)
              : LN_ENOMEM;
    if (rc) {
        free(text);
        return ln_cli_trust_diag(V " new", "(request)", &d);
    }
    ln_trust_request_free(req);
    printf("%s\n", text);
    free(text);
    return 0;
}

/* Prints the daemon's change; returns the exit status of its state. */
static int print_change(const char *body, size_t n)
{
    json_t *j = json_loadb(body, n, 0, NULL);
    json_t *c = json_object_get(j, "content");
    const char *id = json_string_value(json_object_get(c, "id")),
               *st = json_string_value(json_object_get(c, "state")),
               *why = json_string_value(json_object_get(c, "reason")),
               *det = json_string_value(json_object_get(c, "detail"));
    if (!id || !st) {
        json_decref(j);
        fprintf(stderr, "leonet " V ": the daemon's answer has no change\n");
        return 3;
    }
    printf("%s %s%s%s\n", id, st, why && why[0] ? ": " : "",
           why ? why : "");
    if (det && det[0])
        printf("  %s\n", det);
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(c, "signers"), i, s)
        printf("  signed: %s (%s)\n",
               json_string_value(json_object_get(s, "party")),
               json_string_value(json_object_get(s, "key")));
    int rc = !strcmp(st, "granted") ? 0 : !strcmp(st, "refused") ? 1 : 4;
    json_decref(j);
    return rc;
}

/* The non-empty lines of each file of "F1,F2,..." (signature files from
 * `leonet sign`), in order, into *lines (a JSON array). 0, or 2 (a file
 * could not be read: said). */
static int sig_lines(const char *verb, const char *files, json_t **lines)
{
    json_t *list = csv_array(files), *f;
    *lines = json_array();
    size_t i;
    int rc = 0;
    json_array_foreach(list, i, f) {
        char *b;
        size_t n;
        if ((rc = ln_cli_trust_read(verb, json_string_value(f), 1 << 16, &b,
                                    &n)))
            break;
        for (char *l = strtok(b, "\n"); l; l = strtok(NULL, "\n"))
            if (l[0])
                json_array_append_new(*lines, json_string(l));
        free(b);
    }
    json_decref(list);
    return rc;
}

/* POST each line of each --sig file to /v1/changes/ID/signatures. */
static int add_sigs(ln_ah *c, const char *id, const char *files,
                    char **last, size_t *nlast)
{
    char path[256];
    snprintf(path, sizeof path, "/v1/changes/%s/signatures", id);
    json_t *lines, *l;
    int rc = sig_lines(V, files, &lines);
    size_t i;
    json_array_foreach(lines, i, l) {
        if (rc)
            break;
        free(*last);
        *last = NULL;
        rc = ln_ah_post(c, path, json_string_value(l),
                        json_string_length(l), last, nlast);
    }
    json_decref(lines);
    return rc;
}

static int cmd_submit(const ln_args *a, ln_ah *c)
{
    char *req, *body = NULL;
    size_t nreq, n = 0;
    int rc = ln_cli_trust_read(V, a->pos[1], 1 << 24, &req, &nreq);
    if (rc)
        return rc;
    rc = ln_ah_post(c, "/v1/changes", req, nreq, &body, &n);
    free(req);
    if (rc)
        return rc;
    json_t *j = json_loadb(body, n, 0, NULL);
    const char *id = json_string_value(
        json_object_get(json_object_get(j, "content"), "id"));
    char idb[128];
    snprintf(idb, sizeof idb, "%s", id ? id : "");
    json_decref(j);
    const char *sig = ln_args_get(a, specs, "sig");
    if (sig && idb[0] && (rc = add_sigs(c, idb, sig, &body, &n))) {
        free(body);
        return rc;
    }
    rc = print_change(body, n);
    free(body);
    return rc;
}

int ln_cmd_change(int argc, char **argv)
{
    ln_args a;
    int rc = ln_args_parse(argc, argv, specs, &a, V, usage);
    if (rc)
        return rc < 0 ? 0 : rc;
    const char *sub = a.npos ? a.pos[0] : "";
    int want = !strcmp(sub, "new") || !strcmp(sub, "list") ? 1
               : !strcmp(sub, "submit") || !strcmp(sub, "sign") ||
                       !strcmp(sub, "show")
                   ? 2
                   : 0;
    if (!want || a.npos != want) {
        fprintf(stderr, "leonet " V ": expected new, submit FILE, sign ID, "
                "show ID or list (see leonet " V " --help)\n");
        return 2;
    }
    if (!strcmp(sub, "new"))
        return cmd_new(&a);
    const char *url = ln_args_get(&a, specs, "url");
    if (!url) {
        fprintf(stderr, "leonet " V " %s: --url is required\n", sub);
        return 2;
    }
    ln_ah *c;
    if ((rc = ln_ah_open(&c, V, url, ln_args_get(&a, specs, "token"))))
        return rc;
    char *body = NULL, path[256];
    size_t n = 0;
    if (!strcmp(sub, "submit")) {
        rc = cmd_submit(&a, c);
    } else if (!strcmp(sub, "sign")) {
        const char *sig = ln_args_get(&a, specs, "sig");
        rc = sig ? add_sigs(c, a.pos[1], sig, &body, &n) : 2;
        if (!sig)
            fprintf(stderr, "leonet " V " sign: --sig is required\n");
        else if (!rc)
            rc = print_change(body, n);
    } else if (!strcmp(sub, "show")) {
        snprintf(path, sizeof path, "/v1/changes/%s", a.pos[1]);
        if (!(rc = ln_ah_get(c, path, &body, &n)))
            rc = print_change(body, n);
    } else { /* list */
        const char *st = ln_args_get(&a, specs, "state");
        snprintf(path, sizeof path, "/v1/changes%s%s", st ? "?state=" : "",
                 st ? st : "");
        if (!(rc = ln_ah_get(c, path, &body, &n))) {
            json_t *j = json_loadb(body, n, 0, NULL), *ch;
            json_t *ct = json_object_get(j, "content");
            json_t *arr = json_is_array(ct) ? ct
                                            : json_object_get(ct, "changes");
            size_t i;
            json_array_foreach(arr, i, ch) {
                json_t *env = json_pack("{s:O}", "content", ch);
                char *e = json_dumps(env, JSON_COMPACT);
                if (e)
                    print_change(e, strlen(e));
                free(e);
                json_decref(env);
            }
            json_decref(j);
        }
    }
    free(body);
    ln_ah_close(c);
    return rc;
}

/* "leonet contract register FILE --url URL [--token T] --sig F,...":
 * POST /v1/contracts {"contract": DOCUMENT, "signatures": [lines]} (each
 * party's line from `leonet sign FILE --contract --key K`). */
int ln_cmd_contract_register(int argc, char **argv)
{
    static const ln_opt_spec rs[] = {
        {"url", 1}, {"token", 1}, {"sig", 1}, {NULL, 0}};
    ln_args a;
    int rc = ln_args_parse(argc, argv, rs, &a, "contract register", NULL);
    if (rc)
        return rc < 0 ? 0 : rc;
    const char *url = ln_args_get(&a, rs, "url"),
               *sig = ln_args_get(&a, rs, "sig");
    if (a.npos != 1 || !url || !sig) {
        fprintf(stderr, "leonet contract register: FILE, --url and --sig are "
                "required (see leonet contract --help)\n");
        return 2;
    }
    char *doc;
    size_t ndoc;
    if ((rc = ln_cli_trust_read("contract register", a.pos[0], 1 << 24, &doc,
                                &ndoc)))
        return rc;
    json_error_t je;
    json_t *d = json_loadb(doc, ndoc, JSON_REJECT_DUPLICATES, &je);
    free(doc);
    if (!d) {
        fprintf(stderr, "leonet contract register: %s:%d:%d: %s\n",
                a.pos[0], je.line, je.column, je.text);
        return 2;
    }
    json_t *lines;
    rc = sig_lines("contract register", sig, &lines);
    json_t *body = json_pack("{s:o, s:o}", "contract", d, "signatures",
                             lines);
    char *text = rc ? NULL : json_dumps(body, JSON_COMPACT);
    json_decref(body);
    if (rc || !text) {
        free(text);
        return rc ? rc : 3;
    }
    ln_ah *c;
    char *ans = NULL;
    size_t nans = 0;
    if (!(rc = ln_ah_open(&c, "contract register", url,
                          ln_args_get(&a, rs, "token")))) {
        rc = ln_ah_post(c, "/v1/contracts", text, strlen(text), &ans, &nans);
        ln_ah_close(c);
    }
    free(text);
    if (!rc) {
        json_t *j = json_loadb(ans, nans, 0, NULL);
        json_t *ct = json_object_get(j, "content");
        printf("contract %s version %lld registered\n",
               json_string_value(json_object_get(ct, "contract")),
               (long long)json_integer_value(json_object_get(ct, "version")));
        json_decref(j);
    }
    free(ans);
    return rc;
}
