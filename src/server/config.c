/*
 * config.c - the daemon's configuration: defaults and the JSON file
 * (server.h). Every member has the name of its command-line flag.
 */
#include <math.h>
#include <string.h>

#include <jansson.h>

#include "leonet/server.h"
#include "leonet/trust.h"

void ln_server_config_init(ln_server_config *c)
{
    memset(c, 0, sizeof *c);
    c->listen = "127.0.0.1:8080";
    c->threads = 0;
    c->body_max = (size_t)8 << 20;
    c->url_max = 8192;
    c->conn_max = 20000;
    c->conn_timeout_s = 30;
    c->retention_s = 8 * 3600.0;
    c->window_s = 900.0;
    c->map_res = 5; /* the built-in scenario's map (outputs.map_res) */
    c->data_dir = NULL;
    c->log_json = 1;
    c->access_log = 1;
    c->batch_max = 10000;
}

enum { T_STR, T_UINT, T_NUM, T_BOOL, T_KEYS };

typedef struct member {
    const char *name;
    int type;
    double lo, hi;
} member;

static const member members[] = {
    {"listen", T_STR, 0, 0},          {"threads", T_UINT, 0, 1024},
    {"body-max", T_UINT, 1, 1e9},     {"url-max", T_UINT, 64, 1e6},
    {"conn-max", T_UINT, 1, 1e6},     {"conn-timeout", T_UINT, 1, 86400},
    {"retention", T_NUM, 0, 1e9},     {"window", T_NUM, 1, 86400},
    {"map-res", T_UINT, 0, 15},       {"data-dir", T_STR, 0, 0},
    {"log-json", T_BOOL, 0, 1},       {"access-log", T_BOOL, 0, 1},
    {"batch-max", T_UINT, 1, 1e7},    {"workers", T_UINT, 0, 1024},
    {"log-origin", T_STR, 0, 0},      {"witness-keys", T_KEYS, 0, 0},
    /* docs/api-trust.md's spellings of the last two */
    {"log_origin", T_STR, 0, 0},      {"witness_keys", T_KEYS, 0, 0},
    {NULL, 0, 0, 0}};

static int where(ln_diag *diag, int rc, const char *path, const char *text,
                 size_t len, const char *key, const char *msg)
{
    long line = 0, col = 0;
    ln_json_locate(text, len, key, &line, &col);
    return ln_diag_set(diag, rc, path, line, col, key, "%s", msg);
}

static int set_str(ln_server_config *c, const char *key, const char *v,
                   size_t *used)
{
    size_t n = strlen(v) + 1;
    if (*used + n > sizeof c->strings_)
        return LN_ETOOBIG;
    char *d = c->strings_ + *used;
    memcpy(d, v, n);
    *used += n;
    if (!strcmp(key, "listen"))
        c->listen = d;
    else if (!strcmp(key, "data-dir"))
        c->data_dir = d;
    else
        c->log_origin = d;
    return 0;
}

static void set_num(ln_server_config *c, const char *key, double v)
{
    if (!strcmp(key, "threads"))
        c->threads = (int)v;
    else if (!strcmp(key, "body-max"))
        c->body_max = (size_t)v;
    else if (!strcmp(key, "url-max"))
        c->url_max = (size_t)v;
    else if (!strcmp(key, "conn-max"))
        c->conn_max = (unsigned)v;
    else if (!strcmp(key, "conn-timeout"))
        c->conn_timeout_s = (unsigned)v;
    else if (!strcmp(key, "retention"))
        c->retention_s = v;
    else if (!strcmp(key, "window"))
        c->window_s = v;
    else if (!strcmp(key, "map-res"))
        c->map_res = (int)v;
    else if (!strcmp(key, "log-json"))
        c->log_json = (int)v;
    else if (!strcmp(key, "access-log"))
        c->access_log = (int)v;
    else if (!strcmp(key, "batch-max"))
        c->batch_max = (size_t)v;
    else if (!strcmp(key, "workers"))
        c->workers = (int)v;
}

/* "witness-keys": an array of public key texts (docs/trust.md "Keys"),
 * each checked here so that a bad one stops the start, naming it. */
static int set_keys(ln_server_config *c, const char *path, const char *text,
                    size_t len, const char *key, json_t *v, ln_diag *diag)
{
    char at[64];
    size_t i, used = 0;
    json_t *e;
    if (!json_is_array(v))
        return where(diag, LN_EINVAL, path, text, len, key,
                     "expected a list of public key texts");
    c->witness_keys[0] = 0;
    json_array_foreach(v, i, e) {
        snprintf(at, sizeof at, "%s[%zu]", key, i);
        const char *s = json_string_value(e);
        ln_trust_key k;
        ln_diag kd;
        if (!s || strchr(s, '\n') ||
            ln_trust_key_parse(s, strlen(s), &k, &kd) || k.has_secret)
            return where(diag, LN_EINVAL, path, text, len, at,
                         "expected a witness's public key text "
                         "(NAME+ID+BASE64)");
        size_t n = strlen(s);
        if (used + n + 2 > sizeof c->witness_keys)
            return where(diag, LN_ETOOBIG, path, text, len, at,
                         "too many witness keys");
        memcpy(c->witness_keys + used, s, n);
        used += n;
        c->witness_keys[used++] = '\n';
        c->witness_keys[used] = 0;
    }
    return 0;
}

static int one(ln_server_config *c, const char *path, const char *text,
               size_t len, const char *key, json_t *v, size_t *used,
               ln_diag *diag)
{
    const member *m = members;
    while (m->name && strcmp(m->name, key))
        m++;
    if (!m->name)
        return where(diag, LN_EINVAL, path, text, len, key,
                     "unknown member");
    if (m->type == T_STR) {
        if (!json_is_string(v))
            return where(diag, LN_EINVAL, path, text, len, key,
                         "expected a string");
        if (set_str(c, key, json_string_value(v), used))
            return where(diag, LN_ETOOBIG, path, text, len, key,
                         "the strings are too long");
        return 0;
    }
    if (m->type == T_KEYS)
        return set_keys(c, path, text, len, key, v, diag);
    if (m->type == T_BOOL) {
        if (!json_is_boolean(v))
            return where(diag, LN_EINVAL, path, text, len, key,
                         "expected true or false");
        set_num(c, key, json_is_true(v) ? 1 : 0);
        return 0;
    }
    if (!json_is_number(v) || (m->type == T_UINT && !json_is_integer(v)))
        return where(diag, LN_EINVAL, path, text, len, key,
                     m->type == T_UINT ? "expected an integer"
                                       : "expected a number");
    double x = json_number_value(v);
    if (!(x >= m->lo && x <= m->hi))
        return where(diag, LN_ERANGE, path, text, len, key,
                     "out of range");
    set_num(c, key, x);
    return 0;
}

int ln_server_config_load(ln_server_config *c, const char *path,
                          ln_diag *diag)
{
    char *text = NULL;
    size_t len = 0;
    int rc = ln_read_file(path, (size_t)1 << 20, &text, &len, diag);
    if (rc)
        return rc;
    json_error_t err;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
    if (!root) {
        rc = ln_diag_set(diag, LN_EPARSE, path, err.line, err.column, NULL,
                         "%s", err.text);
    } else if (!json_is_object(root)) {
        rc = ln_diag_set(diag, LN_EPARSE, path, 1, 1, NULL,
                         "expected a JSON object");
    } else {
        ln_server_config t = *c;
        /* strings an earlier load kept stay: the new ones go after them
         * (a second file used to overwrite the first one's) */
        size_t used = 0;
        const char *held[3] = {c->listen, c->data_dir, c->log_origin};
        for (int k = 0; k < 3; k++)
            if (held[k] >= c->strings_ &&
                held[k] < c->strings_ + sizeof c->strings_) {
                size_t end = (size_t)(held[k] - c->strings_) +
                             strlen(held[k]) + 1;
                if (end > used)
                    used = end;
            }
        const char *key;
        json_t *v;
        json_object_foreach(root, key, v) {
            if ((rc = one(&t, path, text, len, key, v, &used, diag)))
                break;
        }
        if (!rc) {
            /* the copy's strings point into t.strings_: move them */
            memcpy(c->strings_, t.strings_, sizeof c->strings_);
            if (t.listen >= t.strings_ && t.listen < t.strings_ + used)
                t.listen = c->strings_ + (t.listen - t.strings_);
            if (t.data_dir >= t.strings_ && t.data_dir < t.strings_ + used)
                t.data_dir = c->strings_ + (t.data_dir - t.strings_);
            if (t.log_origin >= t.strings_ &&
                t.log_origin < t.strings_ + used)
                t.log_origin = c->strings_ + (t.log_origin - t.strings_);
            memcpy(t.strings_, c->strings_, sizeof c->strings_);
            *c = t;
        }
    }
    json_decref(root);
    ln_free(text);
    return rc;
}
