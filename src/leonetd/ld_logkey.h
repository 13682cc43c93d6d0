/*
 * ld_logkey.h - the audit log's signing key for leonetd's verbs that
 * write (seed, seed-min, token create, serve; logkey.c): --log-key FILE
 * or DB.logkey beside the database, created on first use, handed to the
 * store (ln_store_set_log_key) before any write; and serve's start check.
 * docs/audit-ops.md.
 */
#ifndef LN_LEONETD_LD_LOGKEY_H
#define LN_LEONETD_LD_LOGKEY_H

#include "leonet/store.h"
#include "leonet/trust.h"

#define LD_LOG_ORIGIN "leonetd/log" /* the default checkpoint origin */

/* ld_log_key
 * Given:    verb    for messages ("seed", "token create", "serve")
 *           st      the open store
 *           db      its path (the default key is DB.logkey)
 *           path    --log-key FILE, or NULL for DB.logkey
 *           origin  the checkpoint origin (NULL: LD_LOG_ORIGIN)
 * Returned: key     the key (secret part set) when out is not NULL
 * Status:   0; 2 a key file that is not a private key text, an explicit
 *           --log-key that does not exist, a bad origin (printed, naming
 *           the file); 3 the key could not be written or set (printed).
 * Notes:    DB.logkey absent: a new key named after the origin is made,
 *           written with O_EXCL and mode 0600, its public text in
 *           DB.logkey.pub (0644). A store without an audit log
 *           (LN_EUNSUPPORTED) is warned about and accepted. */
int ld_log_key(const char *verb, ln_store *st, const char *db,
               const char *path, const char *origin,
               ln_trust_key *key /* OUT */);

/* serve's start check (ln_store_audit_verify under key's public part),
 * then a signed checkpoint for leaves written before any key (said on
 * stderr). Status: 0 go on; 1 the log does not match (printed: "leonetd:
 * the audit log does not match the database: ..."); 3 the check could
 * not run. */
int ld_log_check(ln_store *st, const ln_trust_key *key);

#endif
