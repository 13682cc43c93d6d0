/*
 * core.h - allocator hook, diagnostics, constants, time, progress.
 *
 * Units inside leonet: km, km/s, rad, s. Degrees and metres appear only at
 * the edges and are converted on entry with the constants below. The sim
 * clock is a double: seconds since the Unix epoch (UTC, POSIX, no leap
 * seconds). Astronomy code uses two-part Julian dates (jd = jd1 + jd2).
 */
#ifndef LEONET_CORE_H
#define LEONET_CORE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "leonet/err.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- constants ------------------------------------------------------- */
#define LN_PI 3.14159265358979323846
#define LN_TWOPI 6.28318530717958647692
#define LN_DEG2RAD (LN_PI / 180.0)
#define LN_RAD2DEG (180.0 / LN_PI)
#define LN_C_KM_S 299792.458          /* speed of light in vacuum, km/s */
#define LN_WGS84_A_KM 6378.137        /* WGS-84 equatorial radius, km */
#define LN_WGS84_F (1.0 / 298.257223563) /* WGS-84 flattening */
/* WGS-72, the Earth of SGP4 (Vallado's getgravconst("wgs72")) and of
 * Hypatia's satgenpy: element sets, Walker shells and their altitudes use
 * it, geodesy uses WGS-84. */
#define LN_WGS72_RE_KM 6378.135       /* WGS-72 equatorial radius, km */
#define LN_WGS72_MU_KM3_S2 398600.8   /* WGS-72 GM, km^3/s^2 */
#define LN_WGS72_F (1.0 / 298.26)     /* WGS-72 flattening */
#define LN_JD_UNIX 2440587.5          /* Julian date of 1970-01-01 00:00 UTC */
#define LN_SEC_PER_DAY 86400.0

/* ---- allocator hook -------------------------------------------------- */
/* All heap memory goes through these, so tests can fail the Nth call. */
void *ln_malloc(size_t n);
void *ln_calloc(size_t count, size_t n);
void *ln_realloc(void *p, size_t n);
/* Makes room for need elements of size bytes in the array *p of capacity
 * *cap (doubling, from 16; *p may start NULL with *cap 0): 0, or LN_ENOMEM
 * with *p and *cap unchanged. p is the address of the array pointer. */
int ln_grow(void **p, size_t *cap, size_t need, size_t size);
void ln_free(void *p);
char *ln_strdup(const char *s);

/* Test hook: make the Nth allocation from now fail (0 = never). Returns
 * the number of allocations made since the last call. Not thread-safe:
 * tests only. */
long ln_alloc_fail_after(long n);

/* ---- diagnostics ----------------------------------------------------- */
/* Where a parser found bad input: file, 1-based line and column (0 when
 * unknown), a field path ("features[3].geometry.coordinates[0]") and a
 * message. Parsers fill it; callers print it with ln_diag_format. */
typedef struct ln_diag {
    char file[256];
    long line;     /* 1-based, 0 = unknown */
    long col;      /* 1-based, 0 = unknown */
    char path[256]; /* field path, "" when not applicable */
    char msg[512];
} ln_diag;

void ln_diag_clear(ln_diag *d);
/* Sets every field; file/path may be NULL. Returns code, for chaining. */
int ln_diag_set(ln_diag *d, int code, const char *file, long line, long col,
                const char *path, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
/* "file:line:col: path: msg" (parts that are empty are left out). */
const char *ln_diag_format(const ln_diag *d, char *buf, size_t n);

/* Reads a whole file into an ln_malloc'd, NUL-terminated buffer; refuses
 * files over max_bytes with LN_ETOOBIG. */
int ln_read_file(const char *path, size_t max_bytes, char **buf /* OUT */,
                 size_t *len /* OUT */, ln_diag *diag);

/* Line and column (1-based) of the member at path ("a.b[2].c", a leading
 * "$" allowed) in a JSON text, for messages about well-formed documents.
 * Returns 0, or -1 (line = col = 0) when the path is not found. */
int ln_json_locate(const char *text, size_t len, const char *path,
                   long *line, long *col);

/* ---- time ------------------------------------------------------------ */
/* Given y, mo, d, h, mi (UTC, Gregorian) and s (seconds, may be fractional)
 * returns seconds since the Unix epoch. */
double ln_time_from_utc(int y, int mo, int d, int h, int mi, double s);
/* Parses ISO 8601 "YYYY-MM-DD[THH:MM[:SS[.fff]]][Z]". 0 or LN_EPARSE. */
int ln_time_parse_iso(const char *s, double *t_unix_s /* OUT */);
/* Writes "YYYY-MM-DDTHH:MM:SS[.ffffff]Z"; decimals 0..9. Returns buf. */
char *ln_time_format_iso(double t_unix_s, int decimals, char *buf, size_t n);
/* Splits t into UTC calendar fields. */
void ln_time_to_utc(double t_unix_s, int *y, int *mo, int *d, int *h,
                    int *mi, double *s);
/* Unix seconds <-> two-part Julian date (jd1 holds the .5 day part). */
void ln_time_unix_to_jd(double t_unix_s, double *jd1, double *jd2);
double ln_time_jd_to_unix(double jd1, double jd2);
/* Seconds on the monotonic clock (for durations) and CPU seconds used by
 * the process so far. */
double ln_time_mono_s(void);
double ln_time_cpu_s(void);

/* ---- progress -------------------------------------------------------- */
/* A progress bar on stderr, shown only when stderr is a terminal and bars
 * are enabled; otherwise silent. */
typedef struct ln_progress ln_progress;
/* on = 0: no bar from the bars made from now on (the command line calls
 * it when the CI variable is set); 1 (the default): bars on a terminal.
 * Process-wide, not thread-safe. */
void ln_progress_enable(int on);
ln_progress *ln_progress_new(const char *label, uint64_t total);
void ln_progress_update(ln_progress *p, uint64_t done);
void ln_progress_free(ln_progress *p); /* finishes the line; NULL ok */

/* ---- threads --------------------------------------------------------- */
/* Number of online CPUs (>= 1). */
int ln_ncpu(void);

/* ---- CSV (RFC 4180, via libcsv) ---------------------------------------- */

/* One record: its fields (unquoted, NUL-terminated, valid during the call),
 * their count, and the line the record starts on (1-based). A non-zero
 * return stops the reading and is returned by ln_csv_parse. */
typedef int (*ln_csv_row_fn)(void *user, char **fields, size_t n,
                             long line);

/* ln_csv_parse
 * Given:    text, len  the CSV text; file  its name for messages
 *           fn, user   called for every record, the header included
 * Returned: diag       on LN_EPARSE: file, line and what is wrong
 * Status:   0, LN_EPARSE (malformed quoting, or a NUL byte anywhere: it
 *           would end a field early), LN_ENOMEM, or fn's value.
 * Notes:    quoted fields may hold commas, quotes ("") and line breaks;
 *           LF or CRLF line ends; blank lines are skipped; spaces and
 *           tabs around unquoted fields are removed (libcsv's rule). */
int ln_csv_parse(const char *text, size_t len, const char *file,
                 ln_csv_row_fn fn, void *user, ln_diag *diag);
/* ln_csv_parse on a whole file (refused over max_bytes: LN_ETOOBIG). */
int ln_csv_read(const char *path, size_t max_bytes, ln_csv_row_fn fn,
                void *user, ln_diag *diag);
/* Index of the column named name in a header record, or -1. */
int ln_csv_col(char *const *hdr, size_t n, const char *name);
/* The first non-empty column name that a header record holds twice, or
 * NULL: a reader refuses such a header (which "lat" would it mean?). */
const char *ln_csv_col_dup(char *const *hdr, size_t n);
/* ln_text_nul
 * Given:    text, len  a text file's bytes
 * Returned: line, col  1-based position of its first NUL byte
 * Status:   1 when the text holds a NUL byte (binary data, or a field
 *           that every C string function would cut short: the readers of
 *           text formats refuse it with this position), else 0. */
int ln_text_nul(const char *text, size_t len, long *line, long *col);
/* ln_text_bom
 * Given:    text, len  a text file's bytes
 * Returned: 3 when they start with a UTF-8 byte order mark (editors on
 *           Windows and spreadsheets' "CSV UTF-8" write one), else 0:
 *           the readers of text formats skip that many bytes. */
size_t ln_text_bom(const char *text, size_t len);
/* ln_parse_decimal
 * Given:    s    text, e.g. "48.5", "-1e-3"
 * Returned: out  its value (untouched on failure)
 * Status:   0, or -1: empty, a leading space, hexadecimal (strtod would
 *           read "0x10" as 16), not wholly a number, or not finite (nan,
 *           inf, 1e999). Underflow to 0 is accepted. The one number rule
 *           of the command line: options, LAT,LON arguments, --span and
 *           the points CSV. */
int ln_parse_decimal(const char *s, double *out);
/* ln_csv_number
 * Given:    s       a field, e.g. "48.5"
 *           lo, hi  the accepted range
 * Returned: out     the value (untouched on failure)
 *           why     on failure, what is wrong, e.g. "'nan' is not a
 *                   finite number" (at most n bytes)
 * Status:   0, or LN_EPARSE: empty, not wholly a number (strtod syntax,
 *           so hexadecimal is read, unlike ln_parse_decimal), not finite
 *           (nan, inf, or out of double range as 1e999), or outside
 *           [lo, hi]. */
int ln_csv_number(const char *s, double lo, double hi, double *out,
                  char *why, size_t n);
/* Writes s as one CSV field: as is, or quoted (quotes doubled) when it
 * holds a comma, quote or line break or starts/ends with a space, so that
 * ln_csv_parse reads back exactly s. */
void ln_csv_put(FILE *f, const char *s);

/* ---- JSON string literals --------------------------------------------- */
#define LN_JSON_SCRIPT 1 /* also escape < > & U+2028 U+2029 (<script>) */
/* Writes s (NULL = "") as a JSON string literal: quotes, backslashes and
 * control characters escaped, bytes that are not valid UTF-8 written as
 * U+FFFD; with LN_JSON_SCRIPT safe inside an HTML <script> element. */
void ln_json_put(FILE *f, const char *s, int flags);

/* ---- output sets (atomic, locked; src/core/outset.c) ----------------- */
/* The files one command writes into a folder, made visible together at
 * ln_outset_commit, or not at all (ln_outset_abort, or any failure). A
 * second writer into the same folder fails at once (flock). */
typedef struct ln_outset ln_outset;

/* ln_outset_open
 * Given:    dir   the output folder (created with its parents if missing)
 * Returned: os    the set; files go into its staging folder
 *           diag  on error: the folder and why (locked by another
 *                 process, not writable, not a folder)
 * Status:   0, LN_EIO, LN_EINVAL, LN_ENOMEM */
int ln_outset_open(const char *dir, ln_outset **os /* OUT */, ln_diag *diag);
const char *ln_outset_dir(const ln_outset *os);   /* the final folder */
const char *ln_outset_stage(const ln_outset *os); /* where files are staged */
/* 1 when name is a plain file name an output may have (no '/', no
 * leading '.', 1..255 bytes). */
int ln_outset_name_ok(const char *name);
/* Records name as part of the set and writes the path to stage it at
 * into path (NULL: record only), for writers that open files by path. */
int ln_outset_add(ln_outset *os, const char *name, char *path, size_t n,
                  ln_diag *diag);
/* Creates the staged file name (O_EXCL, O_NOFOLLOW) and records it; NULL
 * with diag set on failure. Close it with ln_outset_fclose, which checks
 * every write (fflush, ferror, fclose): LN_EIO naming the file. */
FILE *ln_outset_fopen(ln_outset *os, const char *name, ln_diag *diag);
int ln_outset_fclose(ln_outset *os, FILE *f, const char *name,
                     ln_diag *diag);
/* ln_outset_commit
 * Given:    os       the set (freed by the call, whatever it returns)
 *           replace  fnmatch patterns, NULL-terminated (NULL: none): the
 *                    files of the earlier set (by the folder's manifest)
 *                    that match one and are not in this set are removed;
 *                    {"*", NULL}: the new set replaces the old one
 * Returned: diag     on error
 * Status:   0, LN_EIO (nothing renamed when a file cannot be synced)
 * Notes:    fsyncs the files, renames them into place (the first one
 *           staged last: it marks a set that is whole), updates the
 *           manifest (.leonet-manifest), fsyncs the folder, unlocks. */
int ln_outset_commit(ln_outset *os, const char *const *replace,
                     ln_diag *diag);
/* Removes the staged files and unlocks; the folder keeps what it had.
 * NULL ok. */
void ln_outset_abort(ln_outset *os);

/* ---- one output file, atomic (src/core/outset.c) ---------------------- */
/* The one-file case of an output set, for a command's --output FILE: a
 * regular file (or a name not there yet) is written as FILE.tmp-PID
 * (O_EXCL, O_NOFOLLOW) and renamed to FILE when every write succeeded
 * (closed with ln_outset_fclose's checks, synced), so a failure leaves no
 * half-written file under the name; a device, FIFO or the like
 * (/dev/stdout, /dev/full) is written in place. No lock and no manifest:
 * the folder is the user's, not leonet's. */
typedef struct ln_outfile ln_outfile;

/* ln_outfile_open
 * Given:    path  the file to write
 * Returned: of    the file; write into ln_outfile_stream(of)
 * Status:   0; LN_EIO or LN_ENOMEM with errno set (why path cannot be
 *           written, as fopen sets it) */
int ln_outfile_open(const char *path, ln_outfile **of /* OUT */);
FILE *ln_outfile_stream(const ln_outfile *of);
/* ln_outfile_commit
 * Given:    of    the file (freed by the call, whatever it returns)
 * Returned: err   on failure the errno of the write, sync or rename that
 *                 failed (0: an earlier write had failed, ferror told)
 * Status:   0 (the file is in place); LN_EIO (nothing left under path's
 *           temporary name; an earlier file at path stays as it was) */
int ln_outfile_commit(ln_outfile *of, int *err /* OUT */);
/* Closes and removes the temporary: nothing is written to path. NULL ok. */
void ln_outfile_abort(ln_outfile *of);

/* ---- hashing (src/core/hash.c) ----------------------------------------- */
/* ln_hash64
 * Given:    x  any 64-bit value
 * Returned: a 64-bit mix of x (splitmix64's finalizer, Steele, Lea and
 *           Flood 2014): a bijection, every input bit flips about half
 *           the output bits.
 * Notes:    the library's deterministic randomness (placement, demand
 *           draws, hash tables): a counter-based stream, the same on
 *           every machine. */
uint64_t ln_hash64(uint64_t x);

/* ln_hash_unit: a uniform double in [0, 1) from ln_hash64(x) (its top 53
 * bits). */
double ln_hash_unit(uint64_t x);

/* ---- cancel (SIGINT / SIGTERM) ----------------------------------------- */
/* Installs handlers for SIGINT and SIGTERM that only set a flag; long
 * loops poll ln_cancel_requested() (the signal number, or 0) and stop,
 * and their output sets are aborted; a second signal while the flag is
 * set ends the process as the signal would. ln_cancel_request sets the
 * flag by hand (tests), ln_cancel_reset clears it. */
void ln_cancel_install(void);
int ln_cancel_requested(void);
void ln_cancel_request(int sig);
void ln_cancel_reset(void);

#ifdef __cplusplus
}
#endif
#endif
