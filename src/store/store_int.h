/*
 * store_int.h - private to src/store: the driver's table of functions.
 *
 * store.c owns the public functions of store.h: it checks arguments,
 * picks a driver by the address ("sqlite:PATH" or a plain PATH; a later
 * "postgresql://..." is one more entry in store.c's table) and calls the
 * driver through this table. A second driver is a second file that
 * fills an ln__store_driver; nothing else changes.
 *
 * Every driver function gets the handle's driver state (`impl`, what
 * its open returned) and the checked arguments of the public function of
 * the same name (store.h says what each means); it returns 0 or an LN_E*
 * code and, on failure, says why with ln__store_err (the message
 * ln_store_errmsg gives back on that thread).
 */
#ifndef LN_STORE_INT_H
#define LN_STORE_INT_H

#include "leonet/store.h"

typedef struct ln__store_driver {
    const char *name; /* "sqlite" */
    int (*open)(const char *path, void **impl /* OUT */, ln_diag *diag);
    void (*close)(void *impl);
    int (*schema_version)(const void *impl);
    int (*put_plan)(void *impl, const ln_plan *p);
    int (*get_plan)(void *impl, const char *id, ln_plan *out);
    int (*put_account)(void *impl, const ln_st_account *a);
    int (*get_account)(void *impl, const char *id, ln_st_account *out);
    int (*put_line)(void *impl, const ln_st_line *l);
    int (*get_line)(void *impl, const char *number, ln_st_line *out);
    int (*put_terminals)(void *impl, const ln_st_terminal *t, size_t n);
    int (*get_terminal)(void *impl, const char *id, ln_st_terminal *out);
    int (*list_accounts)(void *impl, long offset, long limit,
                         ln_st_account_cb cb, void *user, long *total);
    int (*list_lines)(void *impl, const char *account, long offset,
                      long limit, ln_st_line_cb cb, void *user, long *total);
    int (*list_terminals)(void *impl, const char *account, long offset,
                          long limit, ln_st_terminal_cb cb, void *user,
                          long *total);
    int (*list_plans)(void *impl, ln_st_plan_cb cb, void *user);
    int (*put_zones)(void *impl, const ln_st_zone *z, size_t n,
                     int64_t *version);
    int (*get_zones)(void *impl, int64_t as_of, ln_st_zone **out, size_t *n,
                     int64_t *version);
    int (*put_token)(void *impl, const ln_st_token *t, int64_t *rid);
    int (*find_token)(void *impl, const unsigned char hash[32],
                      ln_st_token *out);
    int (*revoke_token)(void *impl, int64_t rid);
    int (*ingest)(void *impl, const ln_st_report *r, size_t n,
                  uint8_t *is_new);
    int (*usage)(void *impl, const char *account, long from_day,
                 long to_day, ln_st_usage_cb cb, void *user);
    int (*reports)(void *impl, const char *account, int64_t after, long max,
                   ln_st_report_cb cb, void *user, int64_t *last);
    int (*latest_reports)(void *impl, const char *account,
                          ln_st_report_cb cb, void *user);
    int (*get_cursor)(void *impl, int64_t cred, int64_t *pos);
    int (*set_cursor)(void *impl, int64_t cred, int64_t pos);
    int (*expire_reports)(void *impl, double before_unix_s, long *deleted);
    void (*get_stats)(void *impl, ln_store_stats *out);
    int (*checkpoint)(void *impl);
    /* issue 15 (store.h "the audit log", "contracts ..."); NULL slots
     * answer LN_EUNSUPPORTED (store_audit.c) */
    void (*set_actor)(void *impl, const char *who);
    int (*set_log_key)(void *impl, const struct ln_trust_key *key,
                       const char *origin);
    int (*audit_head)(void *impl, uint64_t *size, unsigned char root[32]);
    int (*audit_entries)(void *impl, uint64_t from, uint64_t to,
                         ln_st_audit_cb cb, void *user);
    int (*audit_inclusion)(void *impl, uint64_t index, uint64_t size,
                           unsigned char path[][32], size_t *npath);
    int (*audit_consistency)(void *impl, uint64_t m, uint64_t n,
                             unsigned char path[][32], size_t *npath);
    int (*audit_checkpoint)(void *impl, uint64_t size, char **note,
                            size_t *n);
    int (*audit_add_cosignatures)(void *impl, const char *text,
                                  size_t ntext, const char *lines,
                                  size_t nlines);
    int (*audit_append)(void *impl, const char *record, size_t n,
                        uint64_t *index);
    int (*audit_verify)(void *impl, const unsigned char pub[32],
                        uint64_t *size, ln_diag *diag);
    int (*put_contract)(void *impl, const ln_st_contract *c,
                        int64_t *version);
    int (*get_contract)(void *impl, const char *id, int64_t version,
                        ln_st_contract *out);
    int (*list_contracts)(void *impl, ln_st_contract_cb cb, void *user);
    int (*put_change)(void *impl, const ln_st_change *c);
    int (*add_change_signature)(void *impl, const char *id,
                                const char *line);
    int (*get_change)(void *impl, const char *id, ln_st_change *out);
    int (*list_changes)(void *impl, int state, ln_st_change_cb cb,
                        void *user);
    int (*decide_change)(void *impl, const char *id, int state, int reason,
                         const char *detail, const unsigned char *nonce,
                         size_t nnonce, const ln_st_effect *effect);
    int (*nonce_used)(void *impl, const unsigned char *nonce, size_t n);
    int (*set_kill)(void *impl, const ln_st_kill *k, int on);
    int (*list_kills)(void *impl, ln_st_kill_cb cb, void *user);
    /* Tests only: runs SQL (or the driver's own command language) on the
     * writer's connection, e.g. "PRAGMA max_page_count=..." to force a
     * full disk. LN_EUNSUPPORTED when the driver has no such thing. */
    int (*exec_writer)(void *impl, const char *sql);
} ln__store_driver;

extern const ln__store_driver ln__store_sqlite;

/* Sets the calling thread's last store message (ln_store_errmsg);
 * returns code, for chaining. */
int ln__store_err(int code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* UTC day (days since 1970-01-01) of a Unix time: floor(t / 86400). */
long ln__store_day(double t_unix_s);

/* Tests only: ln__store_driver.exec_writer on an open store. */
int ln__store_exec_writer(ln_store *st, const char *sql);

#endif
