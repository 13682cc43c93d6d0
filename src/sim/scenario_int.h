/*
 * scenario_int.h - shared by the files of the scenario reader, private to
 * sim: scenario.c (the document, its sections), scenario_json.c (member
 * readers, data file lookup), scenario_groups.c (terminal groups, policy
 * events).
 *
 * Every reader takes the document being read (for the error's line and
 * column), an object o, a member name key and the object's path ("" for
 * the root); it returns 0, or LN_ESCENARIO with diag set (path, line,
 * column, why). "required": an absent or null member is an error, else it
 * takes the default def.
 */
#ifndef LN_SIM_SCENARIO_INT_H
#define LN_SIM_SCENARIO_INT_H

#include <stddef.h>

#include <jansson.h>

#include "leonet/core.h"
#include "leonet/sim.h"

#ifndef LN_DATA_DIR
#define LN_DATA_DIR "data"
#endif

/* The document being read. */
typedef struct ln__sim_doc {
    const char *text;
    size_t len;
    const char *file;
    ln_diag *diag;
    const char *data_dir; /* ln_scenario_options.data_dir, or NULL */
} ln__sim_doc;

/* Sets diag (LN_ESCENARIO at path, with its line and column) and returns
 * LN_ESCENARIO. */
int ln__sim_err(const ln__sim_doc *c, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* "base.key" (or "key" at the root) and "base[i]" into out. */
void ln__sim_join(char *out, size_t n, const char *base, const char *key);
void ln__sim_join_idx(char *out, size_t n, const char *base, size_t i);
/* Refuses members of o not in the NULL-terminated list allowed. */
int ln__sim_keys(const ln__sim_doc *c, json_t *o, const char *path,
                 const char *const *allowed);
/* An object / array member (*out NULL when absent and not required). */
int ln__sim_obj(const ln__sim_doc *c, json_t *o, const char *key,
                const char *path, int required, json_t **out);
int ln__sim_arr(const ln__sim_doc *c, json_t *o, const char *key,
                const char *path, int required, json_t **out);
/* A number in [lo, hi]; ln__sim_int: also a whole number. */
int ln__sim_num(const ln__sim_doc *c, json_t *o, const char *key,
                const char *path, int required, double def, double lo,
                double hi, double *out);
int ln__sim_int(const ln__sim_doc *c, json_t *o, const char *key,
                const char *path, int required, double def, double lo,
                double hi, double *out);
/* A string of at most n - 1 bytes (def NULL and absent: ""). */
int ln__sim_str(const ln__sim_doc *c, json_t *o, const char *key,
                const char *path, int required, const char *def, char *out,
                size_t n);
/* An ISO 8601 UTC time, Unix seconds. */
int ln__sim_time(const ln__sim_doc *c, json_t *o, const char *key,
                 const char *path, int required, double def, double *out);
/* true / false as 1 / 0. */
int ln__sim_bool(const ln__sim_doc *c, json_t *o, const char *key,
                 const char *path, int def, int *out);
/* A data file name, resolved with ln_data_path; refused when no such
 * file exists ("" when absent and not required). */
int ln__sim_file(const ln__sim_doc *c, json_t *o, const char *key,
                 const char *path, int required, char *out, size_t n);

/* The "terminals" and "policy_events" sections (scenario_groups.c); the
 * accounts must be read first. */
int ln__sim_parse_groups(const ln__sim_doc *c, json_t *root, ln_scenario *s);
int ln__sim_parse_events(const ln__sim_doc *c, json_t *root, ln_scenario *s);

#endif
