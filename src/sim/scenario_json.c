/*
 * scenario_json.c - the scenario reader's member readers: each reads one
 * member of a JSON object by name, checks its type and range, and refuses
 * with the member's path ("terminals[2].count") and, through
 * ln_json_locate, its line and column (scenario_int.h). Also the data
 * file lookup (ln_data_path).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "leonet/sim.h"
#include "sim/scenario_int.h"

int ln__sim_err(const ln__sim_doc *c, const char *path, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    long line = 0, col = 0;
    if (c->text)
        ln_json_locate(c->text, c->len, path, &line, &col);
    ln_diag_set(c->diag, LN_ESCENARIO, c->file, line, col, path, "%s", msg);
    return LN_ESCENARIO;
}

void ln__sim_join(char *out, size_t n, const char *base, const char *key)
{
    if (!base || !*base)
        snprintf(out, n, "%s", key);
    else
        snprintf(out, n, "%s.%s", base, key);
}

void ln__sim_join_idx(char *out, size_t n, const char *base, size_t i)
{
    snprintf(out, n, "%s[%zu]", base, i);
}

/* Refuses members not in the NULL-terminated list. */
int ln__sim_keys(const ln__sim_doc *c, json_t *o, const char *path,
                 const char *const *allowed)
{
    const char *k;
    json_t *v;
    json_object_foreach(o, k, v) {
        int ok = 0;
        for (const char *const *a = allowed; *a; a++)
            if (strcmp(*a, k) == 0)
                ok = 1;
        if (!ok) {
            char p[512];
            ln__sim_join(p, sizeof p, path, k);
            char list[400] = "";
            size_t used = 0;
            for (const char *const *a = allowed; *a; a++) {
                int w = snprintf(list + used, sizeof list - used, "%s%s",
                                 used ? ", " : "", *a);
                if (w < 0 || (size_t)w >= sizeof list - used)
                    break;
                used += (size_t)w;
            }
            return ln__sim_err(c, p, "unknown member '%s' (allowed: %s)", k,
                               list);
        }
    }
    (void)v;
    return 0;
}

/* Member `key` of o into *v, NULL when absent or null (an error, the
 * "missing member" one, if required); its path (path.key) into p. */
static int member(const ln__sim_doc *c, json_t *o, const char *key,
                  const char *path, int required, char p[512], json_t **v)
{
    ln__sim_join(p, 512, path, key);
    *v = json_object_get(o, key);
    if (*v && json_is_null(*v))
        *v = NULL;
    if (!*v && required)
        return ln__sim_err(c, path && *path ? path : "$",
                           "missing member '%s'", key);
    return 0;
}

/* Member `key` of o that must be a container of type `type` (JSON_OBJECT
 * or JSON_ARRAY); absent or null gives *out = NULL (an error if
 * required). */
static int get_container(const ln__sim_doc *c, json_t *o, const char *key,
                         const char *path, int required, json_type type,
                         json_t **out)
{
    char p[512];
    json_t *v;
    *out = NULL;
    int rc = member(c, o, key, path, required, p, &v);
    if (rc || !v)
        return rc;
    if (json_typeof(v) != type)
        return ln__sim_err(c, p, "expected %s",
                           type == JSON_OBJECT ? "an object" : "an array");
    *out = v;
    return 0;
}

int ln__sim_obj(const ln__sim_doc *c, json_t *o, const char *key,
                const char *path, int required, json_t **out)
{
    return get_container(c, o, key, path, required, JSON_OBJECT, out);
}

int ln__sim_arr(const ln__sim_doc *c, json_t *o, const char *key,
                const char *path, int required, json_t **out)
{
    return get_container(c, o, key, path, required, JSON_ARRAY, out);
}

int ln__sim_num(const ln__sim_doc *c, json_t *o, const char *key,
                const char *path, int required, double def, double lo,
                double hi, double *out)
{
    char p[512];
    json_t *v;
    int rc = member(c, o, key, path, required, p, &v);
    if (rc || !v) {
        if (!rc)
            *out = def;
        return rc;
    }
    if (!json_is_number(v))
        return ln__sim_err(c, p, "expected a number");
    double x = json_number_value(v);
    if (!(x >= lo && x <= hi))
        return ln__sim_err(c, p, "%g is out of range [%g, %g]", x, lo, hi);
    *out = x;
    return 0;
}

/* get_num for a member that is a whole number (a count, an H3
 * resolution, a seed): 1.5 is refused, not truncated. */
int ln__sim_int(const ln__sim_doc *c, json_t *o, const char *key,
                const char *path, int required, double def, double lo,
                double hi, double *out)
{
    int rc = ln__sim_num(c, o, key, path, required, def, lo, hi, out);
    if (!rc && *out != floor(*out)) {
        char p[512];
        ln__sim_join(p, sizeof p, path, key);
        return ln__sim_err(c, p, "%g is not a whole number", *out);
    }
    return rc;
}

int ln__sim_str(const ln__sim_doc *c, json_t *o, const char *key,
                const char *path, int required, const char *def, char *out,
                size_t n)
{
    char p[512];
    json_t *v;
    int rc = member(c, o, key, path, required, p, &v);
    if (rc || !v) {
        if (!rc)
            snprintf(out, n, "%s", def ? def : "");
        return rc;
    }
    if (!json_is_string(v))
        return ln__sim_err(c, p, "expected a string");
    if (required && json_string_length(v) == 0)
        return ln__sim_err(c, p, "is empty (a required name or id)");
    if (json_string_length(v) >= n)
        return ln__sim_err(c, p, "longer than %zu characters", n - 1);
    snprintf(out, n, "%s", json_string_value(v));
    return 0;
}

int ln__sim_time(const ln__sim_doc *c, json_t *o, const char *key,
                 const char *path, int required, double def, double *out)
{
    char buf[64], p[512];
    ln__sim_join(p, sizeof p, path, key);
    int rc = ln__sim_str(c, o, key, path, required, NULL, buf, sizeof buf);
    if (rc)
        return rc;
    if (!buf[0]) {
        *out = def;
        return 0;
    }
    if (ln_time_parse_iso(buf, out))
        return ln__sim_err(c, p,
                           "'%s' is not an ISO 8601 UTC time "
                           "(e.g. 2022-10-09T00:00:00Z)",
                           buf);
    return 0;
}

int ln__sim_bool(const ln__sim_doc *c, json_t *o, const char *key,
                 const char *path, int def, int *out)
{
    char p[512];
    json_t *v;
    member(c, o, key, path, 0, p, &v); /* not required: cannot fail */
    if (!v) {
        *out = def;
        return 0;
    }
    if (!json_is_boolean(v))
        return ln__sim_err(c, p, "expected true or false");
    *out = json_is_true(v);
    return 0;
}

static int file_exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

void ln_data_path(const char *name, const char *base, const char *data_dir,
                  char *out, size_t n)
{
    char cand[LN_PATH_MAX * 2];
    if (name[0] == '/') {
        snprintf(out, n, "%s", name);
        return;
    }
    if (base && *base && strcmp(base, "built-in") != 0) {
        const char *slash = strrchr(base, '/');
        int dl = slash ? (int)(slash - base) : 1;
        snprintf(cand, sizeof cand, "%.*s/%s", dl, slash ? base : ".", name);
        if (file_exists(cand)) {
            snprintf(out, n, "%s", cand);
            return;
        }
    }
    if (data_dir && *data_dir) {
        snprintf(cand, sizeof cand, "%s/%s", data_dir, name);
        if (file_exists(cand)) {
            snprintf(out, n, "%s", cand);
            return;
        }
    }
    snprintf(cand, sizeof cand, "%s/%s", LN_DATA_DIR, name);
    if (file_exists(cand)) {
        snprintf(out, n, "%s", cand);
        return;
    }
    snprintf(out, n, "%s", name);
}

int ln__sim_file(const ln__sim_doc *c, json_t *o, const char *key,
                 const char *path, int required, char *out, size_t n)
{
    char name[LN_PATH_MAX], p[512];
    ln__sim_join(p, sizeof p, path, key);
    int rc = ln__sim_str(c, o, key, path, required, "", name, sizeof name);
    if (rc)
        return rc;
    if (!name[0]) {
        out[0] = '\0';
        return 0;
    }
    ln_data_path(name, c->file, c->data_dir, out, n);
    if (!file_exists(out))
        return ln__sim_err(c, p,
                           "file '%s' not found (looked next to the scenario, "
                           "in $LEONET_DATA and in %s)",
                           name, LN_DATA_DIR);
    return 0;
}
