/*
 * err.h - error codes of leonet, one X-macro list for the enum and the
 * messages (ln_strerror).
 *
 * A function that can fail returns int: 0 (LN_OK), a negative LN_E* code,
 * or a positive warning with a usable result. Codes are appended only,
 * never renumbered or removed: callers and files may store them.
 */
#ifndef LEONET_ERR_H
#define LEONET_ERR_H

#ifdef __cplusplus
extern "C" {
#endif

/* X(name, value, message) */
#define LN_ERRNO_MAP(X)                                                    \
    X(LN_ENOMEM, -1, "out of memory")                                      \
    X(LN_EINVAL, -2, "invalid argument")                                   \
    X(LN_EIO, -3, "input/output error")                                    \
    X(LN_EPARSE, -4, "malformed input")                                    \
    X(LN_ERANGE, -5, "value out of range")                                 \
    X(LN_ENOTFOUND, -6, "not found")                                       \
    X(LN_ETOOBIG, -7, "input too large")                                   \
    X(LN_EUNSUPPORTED, -8, "unsupported")                                  \
    /* SGP4/SDP4 failures: Vallado's codes 1..6, in that order */          \
    X(LN_EORBIT_ECC, -101, "sgp4: mean eccentricity out of range or "      \
                           "semi-major axis below 0.95 earth radii")       \
    X(LN_EORBIT_MM, -102, "sgp4: mean motion below zero")                  \
    X(LN_EORBIT_PECC, -103, "sgp4: perturbed eccentricity out of range")   \
    X(LN_EORBIT_SLR, -104, "sgp4: semi-latus rectum below zero")           \
    X(LN_EORBIT_SUBORB, -105, "sgp4: sub-orbital epoch elements")          \
    X(LN_EORBIT_DECAY, -106, "sgp4: satellite has decayed")                \
    /* element-set input */                                                \
    X(LN_ETLE_CHECKSUM, -120, "tle: checksum mismatch")                    \
    X(LN_ETLE_FORMAT, -121, "tle: malformed line")                         \
    X(LN_ETLE_MISSING, -122, "tle: missing line")                          \
    X(LN_EOMM_FORMAT, -123, "omm: malformed record")                       \
    /* geometry and zones */                                               \
    X(LN_EGEOJSON, -140, "geojson: invalid document")                      \
    X(LN_EGEOM, -141, "geometry: invalid polygon")                         \
    X(LN_ECELL, -142, "cell: invalid cell id")                             \
    X(LN_EZONE, -143, "zone: invalid zone")                                \
    /* scenario, network, policy */                                        \
    X(LN_ESCENARIO, -160, "scenario: invalid scenario")                    \
    X(LN_ENET, -170, "network: invalid network state")                     \
    X(LN_ENOROUTE, -171, "network: no route")                              \
    X(LN_EPOLICY, -180, "policy: invalid policy")                          \
    X(LN_EDENIED, -181, "policy: denied")                                  \
    /* store and daemon */                                                 \
    X(LN_ESTORE, -200, "store: damaged or newer schema")                   \
    X(LN_ESTORE_FULL, -201, "store: disk full")                            \
    X(LN_ECONFLICT, -202, "store: conflicting record")                     \
    X(LN_EAUTH, -210, "auth: no valid token")                              \
    X(LN_EFORBIDDEN, -211, "auth: outside the token's scope")             \
    /* trust (contracts, audit log) */                                     \
    X(LN_ETRUST, -220, "trust: signature or proof does not verify")

typedef enum ln_err {
    LN_OK = 0,
#define LN_ERR_ENUM(name, val, msg) name = (val),
    LN_ERRNO_MAP(LN_ERR_ENUM)
#undef LN_ERR_ENUM
    LN_ERR_LAST_ /* not a code */
} ln_err;

/* Message for a code (never NULL; unknown codes give "unknown error"). */
const char *ln_strerror(int code);

/* Name of a code, e.g. "LN_EPARSE" (never NULL). */
const char *ln_errname(int code);

#ifdef __cplusplus
}
#endif
#endif
