/*
 * audit_routes.c - the "audit" part (trust_srv.h; docs/api-trust.md, "The
 * audit routes"): the store's Merkle log over HTTP, so that a party can
 * check it without trusting the daemon.
 *
 *   GET  /v1/audit/checkpoint[?size=N]   the signed checkpoint (text/plain:
 *                                        C2SP signed note, the log's line
 *                                        then stored cosignatures)
 *   GET  /v1/audit/key                   the log's public key text (open)
 *   GET  /v1/audit/entries?start=S&end=E leaves [S, E), <= 1000, base64
 *   GET  /v1/audit/proof/inclusion?index=I[&size=N]
 *   GET  /v1/audit/proof/consistency?from=M[&to=N]
 *   POST /v1/audit/cosignatures          a cosigned checkpoint note
 *
 * Every number is a plain decimal (no sign, no space, below 2^63); a bad
 * one or a range outside the log is 400 naming the parameter. A size
 * that is left out is the log's current one.
 *
 * Cosignatures. The note's text must be byte for byte a checkpoint the
 * daemon signed (409 otherwise: a witness cosigning a head this log never
 * produced is evidence, not something to store); each signature line is
 * the log's own (skipped) or a cosignature/v1 by a witness key of the
 * config's witness-keys that verifies (else 400 naming the line); the
 * cosignatures are then stored with the checkpoint.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "leonet/trust.h"
#include "trust_srv.h"

#define AUDIT_ENTRIES_MAX 1000
#define AUDIT_WITNESSES_MAX 32
#define AUDIT_PERM "Audit log, View"
#define AUDIT_PERM_COSIGN "Audit log, Cosign"

typedef struct audit_state {
    ln_trust_key log;                       /* public part; name "" none */
    ln_trust_key wit[AUDIT_WITNESSES_MAX];  /* config's witness-keys */
    size_t nwit;
} audit_state;

static audit_state *state_of(srv *s)
{
    return *srv_slot(s, "audit");
}

/* ---- query numbers ------------------------------------------------------ */

/* A query parameter as a whole number below 2^63: 1 found, 0 absent,
 * -1 bad (400 answered). */
static int qnum(const srv_req *rq, srv_resp *rs, const char *name,
                uint64_t *out)
{
    const char *v = srv_query(rq, name);
    if (!v)
        return 0;
    uint64_t x = 0;
    size_t n = strlen(v);
    int ok = n > 0 && n <= 19 && (n == 1 || v[0] != '0');
    for (size_t i = 0; ok && i < n; i++) {
        if (v[i] < '0' || v[i] > '9')
            ok = 0;
        else
            x = x * 10 + (uint64_t)(v[i] - '0');
    }
    if (!ok || x > (uint64_t)INT64_MAX) {
        srv_error(rs, 400, name, "%s: expected a whole number 0..2^63-1 "
                  "without sign or leading zero, got '%.40s'", name, v);
        return -1;
    }
    *out = x;
    return 1;
}

/* The log's size now; 0, or -1 (503 answered). */
static int head_size(srv *s, srv_resp *rs, uint64_t *size)
{
    unsigned char root[32];
    int rc = ln_store_audit_head(srv_store(s), size, root);
    if (rc) {
        srv_error(rs, 503, NULL, "the audit log cannot be read: %s",
                  ln_strerror(rc));
        return -1;
    }
    return 0;
}

static int store_fail(srv_resp *rs, int rc, const char *what)
{
    return srv_error(rs, rc == LN_ERANGE ? 400 : 503, NULL, "%s: %s", what,
                     ln_strerror(rc));
}

static json_t *b64_json(const unsigned char *p, size_t n)
{
    size_t cap = (n + 2) / 3 * 4 + 1;
    char small[64];
    char *b = cap <= sizeof small ? small : ln_malloc(cap);
    if (!b)
        return NULL;
    ln_trust_b64_encode(p, n, b, cap);
    json_t *j = json_string(b);
    if (b != small)
        ln_free(b);
    return j;
}

static json_t *path_json(const unsigned char (*path)[32], size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        json_array_append_new(a, b64_json(path[i], 32));
    return a;
}

/* ---- GET /v1/audit/checkpoint, /v1/audit/key ---------------------------- */

static int h_checkpoint(srv *s, const srv_req *rq, srv_resp *rs)
{
    uint64_t size = 0;
    int q = qnum(rq, rs, "size", &size);
    if (q < 0)
        return 0;
    if (q && size == 0)
        return srv_error(rs, 400, "size", "size: 1 or more (the empty log "
                         "has no checkpoint)");
    char *note = NULL;
    size_t n = 0;
    int rc = ln_store_audit_checkpoint(srv_store(s), size, &note, &n);
    if (rc == LN_ENOTFOUND)
        return q ? srv_error(rs, 404, "size", "size: no checkpoint of %"
                             PRIu64 " leaves was signed", size)
                 : srv_error(rs, 404, NULL, "no checkpoint signed yet");
    if (rc)
        return store_fail(rs, rc, "the checkpoint");
    char *body = ln_malloc(n + 1);
    if (body) {
        memcpy(body, note, n);
        body[n] = 0;
    }
    free(note); /* the store's malloc (store.h) */
    if (!body)
        return srv_error(rs, 503, NULL, "out of memory");
    return srv_raw(rs, 200, "text/plain; charset=utf-8", body, n);
}

static int h_key(srv *s, const srv_req *rq, srv_resp *rs)
{
    (void)rq;
    const char *k = srv_config(s)->log_pub;
    if (!k[0])
        return srv_error(rs, 404, NULL, "this daemon has no log key");
    size_t n = strlen(k);
    char *body = ln_malloc(n + 2);
    if (!body)
        return srv_error(rs, 503, NULL, "out of memory");
    memcpy(body, k, n);
    body[n] = '\n';
    body[n + 1] = 0;
    return srv_raw(rs, 200, "text/plain; charset=utf-8", body, n + 1);
}

/* ---- GET /v1/audit/entries ---------------------------------------------- */

static int entry_cb(void *user, uint64_t index, const unsigned char *e,
                    size_t n)
{
    (void)index;
    json_t *j = b64_json(e, n);
    if (!j)
        return LN_ENOMEM;
    return json_array_append_new(user, j) ? LN_ENOMEM : 0;
}

static int h_entries(srv *s, const srv_req *rq, srv_resp *rs)
{
    uint64_t start = 0, end = 0, size;
    int a = qnum(rq, rs, "start", &start);
    if (a < 0)
        return 0;
    int b = qnum(rq, rs, "end", &end);
    if (b < 0 || head_size(s, rs, &size))
        return 0;
    if (!a)
        return srv_error(rs, 400, "start", "start: required (the first "
                         "leaf's index)");
    if (!b)
        end = size < start + AUDIT_ENTRIES_MAX ? size
                                               : start + AUDIT_ENTRIES_MAX;
    if (end > size)
        return srv_error(rs, 400, "end", "end: %" PRIu64 " is past the "
                         "log's size (%" PRIu64 " leaves)", end, size);
    if (start > end)
        return srv_error(rs, 400, "start", "start: %" PRIu64 " is after "
                         "end (%" PRIu64 ")", start, end);
    if (end - start > AUDIT_ENTRIES_MAX)
        return srv_error(rs, 400, "end", "end: at most %d entries at once "
                         "(end - start = %" PRIu64 ")", AUDIT_ENTRIES_MAX,
                         end - start);
    json_t *arr = json_array();
    int rc = arr ? ln_store_audit_entries(srv_store(s), start, end,
                                          entry_cb, arr)
                 : LN_ENOMEM;
    if (rc) {
        json_decref(arr);
        return store_fail(rs, rc, "the entries");
    }
    json_t *o = json_pack("{sIsIso}", "start", (json_int_t)start, "end",
                          (json_int_t)end, "entries", arr);
    if (!o)
        return srv_error(rs, 503, NULL, "out of memory");
    return srv_ok(rs, 200, o);
}

/* ---- GET /v1/audit/proof/inclusion, consistency -------------------------- */

static int leaf_cb(void *user, uint64_t index, const unsigned char *e,
                   size_t n)
{
    (void)index;
    ln_trust_leaf_hash(e, n, user);
    return 0;
}

static int h_inclusion(srv *s, const srv_req *rq, srv_resp *rs)
{
    uint64_t index = 0, size = 0, head;
    int a = qnum(rq, rs, "index", &index);
    if (a < 0)
        return 0;
    int b = qnum(rq, rs, "size", &size);
    if (b < 0 || head_size(s, rs, &head))
        return 0;
    if (!a)
        return srv_error(rs, 400, "index", "index: required");
    if (!b)
        size = head;
    if (size > head)
        return srv_error(rs, 400, "size", "size: the log has %" PRIu64
                         " leaves, not %" PRIu64, head, size);
    if (index >= size)
        return srv_error(rs, 400, "index", "index: %" PRIu64 " is not "
                         "below size %" PRIu64, index, size);
    unsigned char path[LN_TRUST_MAX_PATH][32], leaf[32];
    size_t np = 0;
    int rc = ln_store_audit_inclusion(srv_store(s), index, size, path, &np);
    if (!rc)
        rc = ln_store_audit_entries(srv_store(s), index, index + 1, leaf_cb,
                                    leaf);
    if (rc)
        return store_fail(rs, rc, "the inclusion proof");
    json_t *o = json_pack("{sIsIsoso}", "index", (json_int_t)index, "size",
                          (json_int_t)size, "leafHash", b64_json(leaf, 32),
                          "path",
                          path_json((const unsigned char(*)[32])path, np));
    if (!o)
        return srv_error(rs, 503, NULL, "out of memory");
    return srv_ok(rs, 200, o);
}

static int h_consistency(srv *s, const srv_req *rq, srv_resp *rs)
{
    uint64_t m = 0, n = 0, head;
    int a = qnum(rq, rs, "from", &m);
    if (a < 0)
        return 0;
    int b = qnum(rq, rs, "to", &n);
    if (b < 0 || head_size(s, rs, &head))
        return 0;
    if (!a)
        return srv_error(rs, 400, "from", "from: required");
    if (!b)
        n = head;
    if (n > head)
        return srv_error(rs, 400, "to", "to: the log has %" PRIu64
                         " leaves, not %" PRIu64, head, n);
    if (m > n)
        return srv_error(rs, 400, "from", "from: %" PRIu64 " is past to (%"
                         PRIu64 ")", m, n);
    unsigned char path[LN_TRUST_MAX_PATH][32];
    size_t np = 0;
    int rc = ln_store_audit_consistency(srv_store(s), m, n, path, &np);
    if (rc)
        return store_fail(rs, rc, "the consistency proof");
    json_t *o = json_pack("{sIsIso}", "from", (json_int_t)m, "to",
                          (json_int_t)n, "path",
                          path_json((const unsigned char(*)[32])path, np));
    if (!o)
        return srv_error(rs, 503, NULL, "out of memory");
    return srv_ok(rs, 200, o);
}

/* ---- POST /v1/audit/cosignatures ---------------------------------------- */

/* Line numbers of the note's signature lines: the text's lines, the
 * blank line, then one a signature. */
static long first_sig_line(const ln_trust_note *nt)
{
    long k = 0;
    for (size_t i = 0; i < nt->ntext; i++)
        k += nt->text[i] == '\n';
    return k + 2;
}

/* 1 when line i is the log's own signature. */
static int is_log_line(const audit_state *as, const ln_trust_sigline *sl)
{
    return as->log.name[0] && !strcmp(sl->name, as->log.name) &&
           sl->id == ln_trust_key_id(as->log.name, LN_TRUST_SIG_ED25519,
                                     as->log.pub);
}

/* Checks line i against the witness keys: 0, or 400 answered (-1). */
static int check_cosig(const audit_state *as, const ln_trust_note *nt,
                       size_t i, long line, srv_resp *rs)
{
    const ln_trust_sigline *sl = &nt->sigs[i];
    for (size_t k = 0; k < as->nwit; k++) {
        const ln_trust_key *w = &as->wit[k];
        if (strcmp(sl->name, w->name) ||
            sl->id != ln_trust_key_id(w->name, LN_TRUST_SIG_COSIGNATURE,
                                      w->pub))
            continue;
        ln_trust_note one = {nt->text, nt->ntext,
                             (ln_trust_sigline *)sl, 1};
        size_t nok = 0;
        ln_diag d;
        ln_diag_clear(&d);
        if (ln_trust_note_verify(&one, w, 1, &nok, NULL, &d) || !nok)
            return srv_error(rs, 400, "body", "line %ld: the cosignature "
                             "of %s does not verify: %s", line, sl->name,
                             d.msg),
                   -1;
        return 0;
    }
    return srv_error(rs, 400, "body", "line %ld: '%s' (key id %08" PRIx32
                     ") is no witness key of this daemon (witness-keys) "
                     "nor the log's", line, sl->name, sl->id),
           -1;
}

/* The stored checkpoint of the note's size must have the note's text:
 * 0, or an answer (-1). */
static int signed_by_us(srv *s, const ln_trust_note *nt, srv_resp *rs)
{
    ln_trust_checkpoint cp;
    ln_diag d;
    ln_diag_clear(&d);
    if (ln_trust_checkpoint_parse(nt->text, nt->ntext, &cp, &d))
        return srv_error(rs, 400, "body", "line %ld: not a checkpoint: %s",
                         d.line, d.msg),
               -1;
    char *note = NULL;
    size_t n = 0;
    int rc = cp.size ? ln_store_audit_checkpoint(srv_store(s), cp.size,
                                                 &note, &n)
                     : LN_ENOTFOUND;
    if (rc == LN_ENOTFOUND)
        return srv_error(rs, 409, "body", "this log signed no checkpoint "
                         "of %" PRIu64 " leaves", cp.size),
               -1;
    if (rc)
        return store_fail(rs, rc, "the checkpoint"), -1;
    int same = n >= nt->ntext && !memcmp(note, nt->text, nt->ntext) &&
               (n == nt->ntext || note[nt->ntext] == '\n');
    free(note);
    if (!same)
        return srv_error(rs, 409, "body", "line 1: the checkpoint of %"
                         PRIu64 " leaves this log signed has another text "
                         "(origin or root): not this log's head", cp.size),
               -1;
    return 0;
}

static int h_cosignatures(srv *s, const srv_req *rq, srv_resp *rs)
{
    const audit_state *as = state_of(s);
    ln_trust_note nt;
    ln_diag d;
    ln_diag_clear(&d);
    if (!rq->body_len)
        return srv_error(rs, 400, "body", "a cosigned checkpoint (signed "
                         "note text) is required");
    if (ln_trust_note_parse(rq->body, rq->body_len, &nt, &d))
        return srv_error(rs, 400, "body", "line %ld: %s", d.line, d.msg);
    int rc = signed_by_us(s, &nt, rs);
    long line0 = first_sig_line(&nt);
    char *lines = rc ? NULL : ln_malloc(rq->body_len + 1);
    size_t nl = 0, ncos = 0;
    if (!rc && !lines) {
        srv_error(rs, 503, NULL, "out of memory");
        rc = -1;
    }
    /* the signature lines, in order, after the text and the blank line */
    const char *p = rq->body + nt.ntext + 1;
    const char *end = rq->body + rq->body_len;
    for (size_t i = 0; !rc && i < nt.nsigs; i++) {
        const char *e = memchr(p, '\n', (size_t)(end - p));
        if (!e) /* the parser wants every line ended: not reached */
            break;
        size_t len = (size_t)(e - p) + 1;
        if (!is_log_line(as, &nt.sigs[i])) {
            rc = check_cosig(as, &nt, i, line0 + (long)i, rs);
            if (!rc) {
                memcpy(lines + nl, p, len);
                nl += len;
                ncos++;
            }
        }
        p = e + 1;
    }
    if (!rc && !ncos) {
        srv_error(rs, 400, "body", "line %ld: no cosignature line (only "
                  "the log's own signature)", line0);
        rc = -1;
    }
    if (!rc) {
        int src = ln_store_audit_add_cosignatures(srv_store(s), nt.text,
                                                  nt.ntext, lines, nl);
        if (src == LN_ENOTFOUND)
            srv_error(rs, 409, "body", "this log signed no checkpoint with "
                      "this text");
        else if (src)
            store_fail(rs, src, "storing the cosignatures");
        else {
            ln_trust_checkpoint cp;
            ln_trust_checkpoint_parse(nt.text, nt.ntext, &cp, &d);
            srv_ok(rs, 201, json_pack("{sIsI}", "size", (json_int_t)cp.size,
                                      "cosignatures", (json_int_t)ncos));
        }
    }
    ln_free(lines);
    ln_trust_note_clear(&nt);
    return 0;
}

/* ---- the table, init ---------------------------------------------------- */

const srv_route srv_routes_audit[] = {
    {"GET", "/v1/audit/checkpoint", h_checkpoint, AUDIT_PERM, SRV_READERS,
     0, "audit_checkpoint"},
    {"GET", "/v1/audit/key", h_key, NULL, 0, 0, "audit_key"},
    {"GET", "/v1/audit/entries", h_entries, AUDIT_PERM, SRV_READERS, 0,
     "audit_entries"},
    {"GET", "/v1/audit/proof/inclusion", h_inclusion, AUDIT_PERM,
     SRV_READERS, 0, "audit_inclusion"},
    {"GET", "/v1/audit/proof/consistency", h_consistency, AUDIT_PERM,
     SRV_READERS, 0, "audit_consistency"},
    {"POST", "/v1/audit/cosignatures", h_cosignatures, AUDIT_PERM_COSIGN,
     SRV_READERS, 0, "audit_cosignatures"},
    {NULL, NULL, NULL, NULL, 0, 0, NULL}};

int srv_audit_init(srv *s)
{
    const ln_server_config *c = srv_config(s);
    audit_state *as = ln_calloc(1, sizeof *as);
    if (!as)
        return LN_ENOMEM;
    ln_diag d;
    if (c->log_pub[0] &&
        ln_trust_key_parse(c->log_pub, strlen(c->log_pub), &as->log, &d))
        memset(&as->log, 0, sizeof as->log);
    const char *p = c->witness_keys;
    while (*p && as->nwit < AUDIT_WITNESSES_MAX) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n && !ln_trust_key_parse(p, n, &as->wit[as->nwit], &d))
            as->wit[as->nwit++].has_secret = 0;
        p += n + (e != NULL);
    }
    *srv_slot(s, "audit") = as;
    return 0;
}

void srv_audit_fini(srv *s)
{
    void **slot = srv_slot(s, "audit");
    if (slot) {
        ln_free(*slot);
        *slot = NULL;
    }
}
