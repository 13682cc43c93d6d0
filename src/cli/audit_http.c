/*
 * audit_http.c - a daemon's audit log over HTTP for `leonet audit verify
 * URL` and `leonet witness --url` (audit_http.h): one libcurl easy handle,
 * blocking transfers, answers capped at AH_MAX bytes, the daemon's JSON
 * envelope read with jansson; and the witness state shared by both verbs.
 *
 * Nothing the daemon says is taken on trust: the checkpoint's signature is
 * checked under the log key the caller holds (not the one /v1/audit/key
 * serves), a consistency proof is verified against the two roots the
 * caller has (RFC 9162 2.1.4.2), and the caller recomputes what it can.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "cli/audit_http.h"
#include "cli/trust_cli.h"

#define AH_MAX ((size_t)256 << 20) /* one answer at most, bytes */

struct ln_ah {
    CURL *h;
    struct curl_slist *hdrs;
    char base[1024];
    char verb[32];
    char err[CURL_ERROR_SIZE];
    char *buf;                 /* the answer being received */
    size_t len, cap;
    int over;                  /* 1 when the answer passed AH_MAX */
};

int ln_ah_is_url(const char *s)
{
    return !strncmp(s, "http://", 7) || !strncmp(s, "https://", 8);
}

static size_t on_data(char *p, size_t size, size_t nmemb, void *user)
{
    ln_ah *a = user;
    size_t n = size * nmemb;
    if (a->len + n + 1 > AH_MAX) {
        a->over = 1;
        return 0;
    }
    if (a->len + n + 1 > a->cap) {
        size_t nc = (a->len + n + 1) * 2;
        char *r = ln_realloc(a->buf, nc);
        if (!r)
            return 0;
        a->buf = r;
        a->cap = nc;
    }
    memcpy(a->buf + a->len, p, n);
    a->len += n;
    a->buf[a->len] = 0;
    return n;
}

int ln_ah_open(ln_ah **out, const char *verb, const char *url,
               const char *token)
{
    *out = NULL;
    size_t n = strlen(url);
    while (n && url[n - 1] == '/')
        n--;
    if (!ln_ah_is_url(url) || n >= sizeof((ln_ah *)0)->base) {
        fprintf(stderr, "leonet %s: '%s': expected http://HOST:PORT or "
                "https://...\n", verb, url);
        return 2;
    }
    if (token && (strchr(token, '\n') || strchr(token, '\r') ||
                  strlen(token) > 1000)) {
        fprintf(stderr, "leonet %s: --token: not a bearer token\n", verb);
        return 2;
    }
    ln_ah *a = ln_calloc(1, sizeof *a);
    if (!a || curl_global_init(CURL_GLOBAL_DEFAULT) ||
        !(a->h = curl_easy_init())) {
        ln_free(a);
        fprintf(stderr, "leonet %s: libcurl failed to start\n", verb);
        return 3;
    }
    memcpy(a->base, url, n);
    snprintf(a->verb, sizeof a->verb, "%s", verb);
    a->hdrs = curl_slist_append(NULL, "Expect:");
    if (token) {
        char h[1100];
        snprintf(h, sizeof h, "Authorization: Bearer %s", token);
        a->hdrs = curl_slist_append(a->hdrs, h);
    }
    curl_easy_setopt(a->h, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(a->h, CURLOPT_WRITEDATA, a);
    curl_easy_setopt(a->h, CURLOPT_ERRORBUFFER, a->err);
    curl_easy_setopt(a->h, CURLOPT_HTTPHEADER, a->hdrs);
    curl_easy_setopt(a->h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(a->h, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
    curl_easy_setopt(a->h, CURLOPT_TIMEOUT_MS, 120000L);
    *out = a;
    return 0;
}

void ln_ah_close(ln_ah *a)
{
    if (!a)
        return;
    curl_easy_cleanup(a->h);
    curl_slist_free_all(a->hdrs);
    ln_free(a->buf);
    ln_free(a);
}

/* The daemon's error message from an envelope, or the body's start. */
static void say_error(ln_ah *a, const char *path, long status)
{
    json_t *o = json_loadb(a->buf ? a->buf : "", a->len, 0, NULL);
    const char *m = json_string_value(json_object_get(
        json_array_get(json_object_get(o, "errors"), 0), "errorMessage"));
    fprintf(stderr, "leonet %s: %s%s: HTTP %ld: %.300s\n", a->verb, a->base,
            path, status, m ? m : a->buf ? a->buf : "");
    json_decref(o);
}

static int transfer(ln_ah *a, const char *path, const char *data,
                    size_t len, char **body, size_t *n)
{
    char url[2200];
    *body = NULL;
    *n = 0;
    snprintf(url, sizeof url, "%s%s", a->base, path);
    a->len = 0;
    a->over = 0;
    a->err[0] = 0;
    curl_easy_setopt(a->h, CURLOPT_URL, url);
    if (data) {
        curl_easy_setopt(a->h, CURLOPT_POST, 1L);
        curl_easy_setopt(a->h, CURLOPT_POSTFIELDS, data);
        curl_easy_setopt(a->h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    } else {
        curl_easy_setopt(a->h, CURLOPT_HTTPGET, 1L);
    }
    CURLcode cr = curl_easy_perform(a->h);
    long status = 0;
    if (cr != CURLE_OK) {
        fprintf(stderr, "leonet %s: %s: %s\n", a->verb, url,
                a->over ? "the answer is too large"
                : a->err[0] ? a->err : curl_easy_strerror(cr));
        return 3;
    }
    curl_easy_getinfo(a->h, CURLINFO_RESPONSE_CODE, &status);
    if (status < 200 || status > 299) {
        say_error(a, path, status);
        /* 409: the daemon refused (a protected target, not pending,
         * a head it never signed); other 4xx: what we sent is wrong */
        return status == 409 ? 1 : status >= 400 && status < 500 ? 2 : 3;
    }
    *body = ln_malloc(a->len + 1);
    if (!*body) {
        fprintf(stderr, "leonet %s: out of memory\n", a->verb);
        return 3;
    }
    if (a->len)
        memcpy(*body, a->buf, a->len);
    (*body)[a->len] = 0;
    *n = a->len;
    return 0;
}

int ln_ah_get(ln_ah *a, const char *path, char **body, size_t *n)
{
    return transfer(a, path, NULL, 0, body, n);
}

int ln_ah_post(ln_ah *a, const char *path, const char *data, size_t len,
               char **body, size_t *n)
{
    return transfer(a, path, data, len, body, n);
}

int ln_ah_checkpoint(ln_ah *a, const ln_trust_key *lk, char **note,
                     size_t *n, ln_trust_note *nt, ln_trust_checkpoint *cp)
{
    ln_diag d;
    ln_diag_clear(&d);
    memset(nt, 0, sizeof *nt);
    int rc = ln_ah_get(a, "/v1/audit/checkpoint", note, n);
    if (rc)
        return rc;
    if (ln_trust_note_parse(*note, *n, nt, &d) ||
        ln_trust_checkpoint_parse(nt->text, nt->ntext, cp, &d)) {
        fprintf(stderr, "leonet %s: %s/v1/audit/checkpoint: line %ld: %s\n",
                a->verb, a->base, d.line, d.msg);
        return 1;
    }
    size_t nok = 0;
    if (ln_trust_note_verify(nt, lk, 1, &nok, NULL, &d)) {
        fprintf(stderr, "leonet %s: refused: the checkpoint's signature "
                "under the log key %s: %s\n", a->verb, lk->name, d.msg);
        return 1;
    }
    return 0;
}

int ln_ah_state_load(const char *verb, const char *dir,
                     ln_trust_checkpoint *old, int *found)
{
    char path[4096], *b;
    size_t n;
    ln_diag d;
    ln_diag_clear(&d);
    *found = 0;
    snprintf(path, sizeof path, "%s/checkpoint", dir);
    if (access(path, F_OK) != 0)
        return 0;
    if (ln_cli_trust_read(verb, path, 1 << 16, &b, &n))
        return 2;
    int rc = ln_trust_checkpoint_parse(b, n, old, &d);
    ln_free(b);
    if (rc)
        return ln_cli_trust_diag(verb, path, &d);
    *found = 1;
    return 0;
}

int ln_ah_state_save(const char *verb, const char *dir, const char *text,
                     size_t n)
{
    char path[4096], tmp[4200];
    if (mkdir(dir, 0700) && errno != EEXIST) {
        fprintf(stderr, "leonet %s: %s: %s\n", verb, dir, strerror(errno));
        return 3;
    }
    snprintf(path, sizeof path, "%s/checkpoint", dir);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f || fwrite(text, 1, n, f) != n || fflush(f) ||
        fsync(fileno(f)) || fclose(f) || rename(tmp, path)) {
        fprintf(stderr, "leonet %s: %s: cannot write\n", verb, path);
        return 3;
    }
    return 0;
}

static int refuse(const ln_ah *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int refuse(const ln_ah *a, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "leonet %s: refused: ", a->verb);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return 1;
}

/* The daemon's consistency proof m..n into path: 0, or 1/2/3. */
static int fetch_proof(ln_ah *a, uint64_t m, uint64_t n,
                       unsigned char path[][32], size_t *np)
{
    char q[128], *body;
    size_t len;
    snprintf(q, sizeof q, "/v1/audit/proof/consistency?from=%" PRIu64
             "&to=%" PRIu64, m, n);
    int rc = ln_ah_get(a, q, &body, &len);
    if (rc)
        return rc;
    json_t *o = json_loadb(body, len, 0, NULL);
    ln_free(body);
    json_t *p = json_object_get(json_object_get(o, "content"), "path");
    size_t i, got;
    json_t *e;
    *np = 0;
    rc = json_is_array(p) && json_array_size(p) <= LN_TRUST_MAX_PATH ? 0 : 1;
    json_array_foreach(p, i, e) {
        const char *s = json_string_value(e);
        if (rc || !s || ln_trust_b64_decode(s, strlen(s), path[i], 32, &got) ||
            got != 32)
            rc = 1;
        else
            (*np)++;
    }
    json_decref(o);
    if (rc)
        fprintf(stderr, "leonet %s: %s%s: not a consistency proof\n",
                a->verb, a->base, q);
    return rc;
}

int ln_ah_extends(ln_ah *a, const ln_trust_checkpoint *old,
                  const ln_trust_checkpoint *cp)
{
    if (strcmp(old->origin, cp->origin))
        return refuse(a, "origin '%s' is not the log seen before ('%s')",
                      cp->origin, old->origin);
    if (cp->size == old->size && memcmp(cp->root, old->root, 32))
        return refuse(a, "fork: %s shows a tree of %" PRIu64 " leaves with "
                      "another root than the one seen before", cp->origin,
                      cp->size);
    if (cp->size < old->size)
        return refuse(a, "rollback: %s shows %" PRIu64 " leaves, %" PRIu64
                      " were seen before", cp->origin, cp->size, old->size);
    if (cp->size == old->size)
        return 0;
    unsigned char p[LN_TRUST_MAX_PATH][32];
    size_t np = 0;
    int rc = fetch_proof(a, old->size, cp->size, p, &np);
    if (rc == 1)
        return refuse(a, "fork: %s gives no valid consistency proof from "
                      "%" PRIu64 " to %" PRIu64 " leaves", cp->origin,
                      old->size, cp->size);
    if (rc)
        return rc;
    if (ln_trust_verify_consistency(old->size, cp->size, old->root, cp->root,
                                    (const unsigned char(*)[32])p, np))
        return refuse(a, "fork: the consistency proof from %" PRIu64 " to %"
                      PRIu64 " leaves does not verify: %s rewrote or forked "
                      "the history seen before", old->size, cp->size,
                      cp->origin);
    return 0;
}
