/*
 * outset.c - an output set: the files one command writes into a folder,
 * made visible all at once or not at all (docs/outputs.md, "How outputs
 * are written").
 *
 * Exports ln_outset_open / _fopen / _fclose / _add / _commit / _abort,
 * the one-file case ln_outfile_open / _stream / _commit / _abort (a
 * verb's --output FILE), and the cancel flag (ln_cancel_*).
 *
 * How: ln_outset_open takes an exclusive flock(2) on DIR/.leonet.lock
 * (never waiting: a second writer fails at once) and makes a private
 * staging folder DIR/.leonet-tmp.XXXXXX (mkdtemp, mode 0700). Files are
 * written there under their final names (created O_CREAT|O_EXCL|
 * O_NOFOLLOW, or by a library given the staged path: the folder is new
 * and ours, so nothing in it can be a planted symlink). ln_outset_commit
 * fsyncs every staged file, renames each into DIR, the first one staged
 * last (a run stages summary.json first) (rename(2) replaces a
 * symlink at the final name, it never writes through it), removes the
 * files of the earlier set that the new set replaces (read from the
 * manifest DIR/.leonet-manifest, which lists the files leonet wrote
 * there; a file not in it is never deleted), writes the new manifest,
 * fsyncs DIR and removes the staging folder. ln_outset_abort (an error,
 * a full disk, SIGINT/SIGTERM) removes the staging folder: the earlier
 * files stay as they were. A staging folder left by a killed process
 * (SIGKILL, power loss) is removed by the next writer that holds the lock.
 *
 * One file (ln_outfile): FILE.tmp-PID beside FILE, created the same way
 * (O_EXCL, O_NOFOLLOW), closed with the same checks, synced and renamed
 * the same way; no lock and no manifest (the folder is the user's). A
 * device, FIFO or the like (/dev/stdout, /dev/full) is written in place.
 *
 * Limits: each rename is atomic, the set is made visible by a short run
 * of renames after everything was written and synced; a crash inside that
 * run leaves new and old files mixed, but every file whole, and a
 * manifest that lists all of them. Names are plain file names (no '/',
 * no leading '.'), at most 255 bytes; at most 100 000 files per set.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "leonet/core.h"

#define MANIFEST ".leonet-manifest"
#define MANIFEST_HEAD "# leonet output manifest 1"
#define LOCKFILE ".leonet.lock"
#define STAGE_PREFIX ".leonet-tmp."
#define MAX_FILES 100000
#define MAX_MANIFEST_BYTES ((size_t)16 << 20)

struct ln_outset {
    char dir[4096];
    char stage[4352];
    int lock_fd;      /* flock'd DIR/.leonet.lock */
    char **names;     /* files staged, in order */
    size_t n, cap;
};

/* ---- cancel flag ---------------------------------------------------- */

static volatile sig_atomic_t cancel_sig;

/* The first SIGINT/SIGTERM sets the flag; a second one while the flag is
 * set ends the process the default way (a stuck write can still be
 * interrupted; its staging folder goes with the next writer). */
static void on_signal(int sig)
{
    if (cancel_sig) {
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    cancel_sig = sig;
}

void ln_cancel_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

int ln_cancel_requested(void)
{
    return (int)cancel_sig;
}

void ln_cancel_request(int sig)
{
    cancel_sig = sig ? sig : SIGTERM;
}

void ln_cancel_reset(void)
{
    cancel_sig = 0;
}

/* ---- helpers --------------------------------------------------------- */

static int mkdir_p(const char *dir)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s", dir) >= (int)sizeof tmp) {
        errno = ENAMETOOLONG;
        return -1;
    }
    for (char *p = tmp + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            if (mkdir(tmp, 0777) && errno != EEXIST)
                return -1;
            *p = '/';
        }
    }
    if (mkdir(tmp, 0777) && errno != EEXIST)
        return -1;
    struct stat st;
    if (stat(tmp, &st))
        return -1;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

/* Creates p for writing: O_EXCL (never an existing file), O_NOFOLLOW
 * (never through a symlink). NULL with errno set on failure. */
static FILE *create_new(const char *p)
{
    int fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                  0666);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f && fd >= 0) {
        int e = errno;
        close(fd);
        errno = e;
    }
    return f;
}

/* Closes f, checking every write (fflush, ferror, fclose). Returns 1
 * when one failed, with *err the errno it left (as found: 0 when errno
 * was 0 and only ferror told), else 0. */
static int close_checked(FILE *f, int *err)
{
    int bad = fflush(f) != 0 || ferror(f);
    int e = errno;
    if (fclose(f) && !bad) {
        bad = 1;
        e = errno;
    }
    *err = e;
    return bad;
}

/* fsync(2) of the file at p (not followed if a symlink): 0, or -1 with
 * errno set. */
static int sync_file(const char *p)
{
    int fd = open(p, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    int rc = fd < 0 || fsync(fd) ? -1 : 0;
    int e = errno;
    if (fd >= 0)
        close(fd);
    errno = e;
    return rc;
}

int ln_outset_name_ok(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    return n > 0 && n <= 255 && name[0] != '.' && !strchr(name, '/');
}

/* Removes a staging folder and the files in it (only plain entries: the
 * folder never holds anything else). */
static void remove_stage(const char *stage)
{
    DIR *d = opendir(stage);
    if (d) {
        struct dirent *de;
        while ((de = readdir(d))) {
            if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
                continue;
            unlinkat(dirfd(d), de->d_name, 0);
        }
        closedir(d);
    }
    rmdir(stage);
}

/* Staging folders of writers that were killed (we hold the lock, so no
 * live writer owns one). */
static void remove_stale_stages(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *de;
    char p[4352];
    while ((de = readdir(d))) {
        if (strncmp(de->d_name, STAGE_PREFIX, strlen(STAGE_PREFIX)))
            continue;
        struct stat st;
        if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) ||
            !S_ISDIR(st.st_mode))
            continue;
        snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
        remove_stage(p);
    }
    closedir(d);
}

static int record(ln_outset *os, const char *name)
{
    for (size_t k = 0; k < os->n; k++)
        if (!strcmp(os->names[k], name))
            return 0;
    if (os->n >= MAX_FILES)
        return LN_ETOOBIG;
    if (ln_grow((void **)&os->names, &os->cap, os->n + 1, sizeof *os->names))
        return LN_ENOMEM;
    if (!(os->names[os->n] = ln_strdup(name)))
        return LN_ENOMEM;
    os->n++;
    return 0;
}

/* ---- the set ----------------------------------------------------------- */

int ln_outset_open(const char *dir, ln_outset **out, ln_diag *diag)
{
    *out = NULL;
    if (!dir || !dir[0] || strlen(dir) >= 4000)
        return ln_diag_set(diag, LN_EINVAL, dir, 0, 0, NULL,
                           "output folder name empty or too long");
    if (mkdir_p(dir))
        return ln_diag_set(diag, LN_EIO, dir, 0, 0, NULL,
                           "cannot create the output folder: %s",
                           strerror(errno));
    ln_outset *os = ln_calloc(1, sizeof *os);
    if (!os)
        return ln_diag_set(diag, LN_ENOMEM, dir, 0, 0, NULL, "out of memory");
    snprintf(os->dir, sizeof os->dir, "%s", dir);
    char p[4352];
    snprintf(p, sizeof p, "%s/" LOCKFILE, dir);
    os->lock_fd = open(p, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (os->lock_fd < 0) {
        int e = errno;
        ln_free(os);
        return ln_diag_set(diag, LN_EIO, dir, 0, 0, NULL,
                           "cannot write into the output folder "
                           "(lock file " LOCKFILE "): %s", strerror(e));
    }
    if (flock(os->lock_fd, LOCK_EX | LOCK_NB)) {
        int e = errno;
        close(os->lock_fd);
        ln_free(os);
        if (e == EWOULDBLOCK)
            return ln_diag_set(diag, LN_EIO, dir, 0, 0, NULL,
                               "another leonet process is writing into "
                               "this folder (it holds " LOCKFILE "); wait "
                               "for it to finish or write elsewhere");
        return ln_diag_set(diag, LN_EIO, dir, 0, 0, NULL,
                           "cannot lock the output folder: %s", strerror(e));
    }
    remove_stale_stages(dir);
    snprintf(os->stage, sizeof os->stage, "%s/" STAGE_PREFIX "XXXXXX", dir);
    if (!mkdtemp(os->stage)) {
        int e = errno;
        close(os->lock_fd);
        ln_free(os);
        return ln_diag_set(diag, LN_EIO, dir, 0, 0, NULL,
                           "cannot write into the output folder: %s",
                           strerror(e));
    }
    *out = os;
    return 0;
}

const char *ln_outset_dir(const ln_outset *os)
{
    return os->dir;
}

const char *ln_outset_stage(const ln_outset *os)
{
    return os->stage;
}

int ln_outset_add(ln_outset *os, const char *name, char *path, size_t n,
                  ln_diag *diag)
{
    if (!ln_outset_name_ok(name))
        return ln_diag_set(diag, LN_EINVAL, name, 0, 0, NULL,
                           "not a plain file name for an output");
    int rc = record(os, name);
    if (rc)
        return ln_diag_set(diag, rc, name, 0, 0, NULL, "%s", ln_strerror(rc));
    if (path && snprintf(path, n, "%s/%s", os->stage, name) >= (int)n)
        return ln_diag_set(diag, LN_EINVAL, name, 0, 0, NULL,
                           "path too long");
    return 0;
}

FILE *ln_outset_fopen(ln_outset *os, const char *name, ln_diag *diag)
{
    char p[4352 + 260];
    if (ln_outset_add(os, name, p, sizeof p, diag))
        return NULL;
    FILE *f = create_new(p);
    if (!f)
        ln_diag_set(diag, LN_EIO, os->dir, 0, 0, name, "cannot create: %s",
                    strerror(errno));
    return f;
}

int ln_outset_fclose(ln_outset *os, FILE *f, const char *name, ln_diag *diag)
{
    if (!f)
        return 0;
    int e;
    if (close_checked(f, &e))
        return ln_diag_set(diag, LN_EIO, os->dir, 0, 0, name,
                           "cannot write: %s", strerror(e ? e : EIO));
    return 0;
}

/* The names listed in DIR's manifest (none when there is no manifest). */
static int read_manifest(const ln_outset *os, char ***names, size_t *n)
{
    *names = NULL;
    *n = 0;
    char p[4352];
    snprintf(p, sizeof p, "%s/" MANIFEST, os->dir);
    int fd = open(p, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return 0;
    close(fd);
    char *buf;
    size_t len, cap = 0;
    ln_diag d;
    if (ln_read_file(p, MAX_MANIFEST_BYTES, &buf, &len, &d))
        return 0;
    if (strncmp(buf, MANIFEST_HEAD "\n", strlen(MANIFEST_HEAD) + 1)) {
        ln_free(buf);
        return 0; /* not ours: trust nothing in it */
    }
    int rc = 0;
    for (char *s = buf, *e; *s && !rc; s = e + 1) {
        e = strchr(s, '\n');
        if (!e)
            break;
        *e = '\0';
        if (!ln_outset_name_ok(s) || *n >= MAX_FILES)
            continue;
        if (ln_grow((void **)names, &cap, *n + 1, sizeof **names) ||
            !((*names)[*n] = ln_strdup(s)))
            rc = LN_ENOMEM;
        else
            (*n)++;
    }
    ln_free(buf);
    return rc;
}

static int listed(char *const *names, size_t n, const char *s)
{
    for (size_t k = 0; k < n; k++)
        if (names[k] && !strcmp(names[k], s))
            return 1;
    return 0;
}

static int matches(const char *const *pat, const char *s)
{
    for (; pat && *pat; pat++)
        if (!fnmatch(*pat, s, 0))
            return 1;
    return 0;
}

/* Writes a manifest of a and b (b's NULLs skipped) into the staging
 * folder, syncs it and renames it into DIR. */
static int put_manifest(ln_outset *os, char *const *a, size_t na,
                        char *const *b, size_t nb)
{
    char p[4352 + 32], q[4352];
    snprintf(p, sizeof p, "%s/" MANIFEST, os->stage);
    snprintf(q, sizeof q, "%s/" MANIFEST, os->dir);
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
                  0666);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    fputs(MANIFEST_HEAD "\n", f);
    for (size_t k = 0; k < na; k++)
        fprintf(f, "%s\n", a[k]);
    for (size_t k = 0; k < nb; k++)
        if (b[k])
            fprintf(f, "%s\n", b[k]);
    int bad = fflush(f) || ferror(f) || fsync(fileno(f));
    bad |= fclose(f) != 0;
    if (bad || rename(p, q)) {
        unlink(p);
        return -1;
    }
    return 0;
}

int ln_outset_commit(ln_outset *os, const char *const *replace,
                     ln_diag *diag)
{
    char p[4352 + 260], q[4352 + 260];
    int rc = 0;
    /* 1. everything staged reaches the disk before any rename */
    for (size_t k = 0; k < os->n && !rc; k++) {
        snprintf(p, sizeof p, "%s/%s", os->stage, os->names[k]);
        if (sync_file(p))
            rc = ln_diag_set(diag, LN_EIO, os->dir, 0, 0, os->names[k],
                             "cannot write: %s", strerror(errno));
        /* a final name that is a folder would stop the renames halfway */
        struct stat st;
        snprintf(q, sizeof q, "%s/%s", os->dir, os->names[k]);
        if (!rc && !lstat(q, &st) && S_ISDIR(st.st_mode))
            rc = ln_diag_set(diag, LN_EIO, os->dir, 0, 0, os->names[k],
                             "cannot replace: a folder has this name");
    }
    if (rc) {
        ln_outset_abort(os);
        return rc;
    }
    /* 2. the earlier set: files it replaces (old) and keeps */
    char **old;
    size_t nold;
    if ((rc = read_manifest(os, &old, &nold))) {
        ln_outset_abort(os);
        return ln_diag_set(diag, rc, os->dir, 0, 0, NULL, "out of memory");
    }
    /* 3. a manifest naming every leonet file that may be there during
     * the renames, then the renames */
    if (put_manifest(os, os->names, os->n, old, nold)) {
        rc = ln_diag_set(diag, LN_EIO, os->dir, 0, 0, MANIFEST,
                         "cannot write: %s", strerror(errno));
    }
    /* the first file staged goes last: it marks a set that is in place
     * (summary.json for a run) */
    for (size_t i = 1; i <= os->n && !rc; i++) {
        size_t k = i % os->n;
        snprintf(p, sizeof p, "%s/%s", os->stage, os->names[k]);
        snprintf(q, sizeof q, "%s/%s", os->dir, os->names[k]);
        if (rename(p, q))
            rc = ln_diag_set(diag, LN_EIO, os->dir, 0, 0, os->names[k],
                             "cannot rename into place: %s",
                             strerror(errno));
    }
    /* 4. files of the earlier set this one replaces and did not write */
    for (size_t k = 0; k < nold && !rc; k++) {
        if (listed(os->names, os->n, old[k]) || !matches(replace, old[k]))
            continue;
        struct stat st;
        snprintf(q, sizeof q, "%s/%s", os->dir, old[k]);
        if (!lstat(q, &st) && (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)))
            unlink(q);
        ln_free(old[k]);
        old[k] = NULL;
    }
    /* 5. the manifest of what is there now */
    for (size_t k = 0; k < nold && !rc; k++)
        if (old[k] && listed(os->names, os->n, old[k])) {
            ln_free(old[k]);
            old[k] = NULL;
        }
    if (!rc && put_manifest(os, os->names, os->n, old, nold))
        rc = ln_diag_set(diag, LN_EIO, os->dir, 0, 0, MANIFEST,
                         "cannot write: %s", strerror(errno));
    for (size_t k = 0; k < nold; k++)
        ln_free(old[k]);
    ln_free(old);
    if (!rc) {
        int dfd = open(os->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) {
            fsync(dfd);
            close(dfd);
        }
    }
    ln_outset_abort(os); /* removes the (now empty) stage, unlocks */
    return rc;
}

void ln_outset_abort(ln_outset *os)
{
    if (!os)
        return;
    remove_stage(os->stage);
    if (os->lock_fd >= 0)
        close(os->lock_fd); /* releases the flock */
    for (size_t k = 0; k < os->n; k++)
        ln_free(os->names[k]);
    ln_free(os->names);
    ln_free(os);
}

/* ---- one file ---------------------------------------------------------- */

struct ln_outfile {
    FILE *f;
    char *path;
    char *tmp; /* NULL: written in place */
};

int ln_outfile_open(const char *path, ln_outfile **out)
{
    *out = NULL;
    struct stat st;
    int atomic = stat(path, &st) != 0 ? errno == ENOENT : S_ISREG(st.st_mode);
    size_t n = strlen(path) + 32;
    ln_outfile *of = ln_calloc(1, sizeof *of + 2 * n);
    if (!of) {
        errno = ENOMEM;
        return LN_ENOMEM;
    }
    of->path = (char *)(of + 1);
    snprintf(of->path, n, "%s", path);
    if (atomic) {
        of->tmp = of->path + n;
        snprintf(of->tmp, n, "%s.tmp-%ld", path, (long)getpid());
        unlink(of->tmp); /* one a killed process of this pid left */
        of->f = create_new(of->tmp);
    } else {
        of->f = fopen(path, "w");
    }
    if (!of->f) {
        int e = errno;
        ln_free(of);
        errno = e;
        return LN_EIO;
    }
    *out = of;
    return 0;
}

FILE *ln_outfile_stream(const ln_outfile *of)
{
    return of->f;
}

int ln_outfile_commit(ln_outfile *of, int *err)
{
    errno = 0;
    int bad = close_checked(of->f, err);
    if (!bad && of->tmp && (sync_file(of->tmp) || rename(of->tmp, of->path))) {
        bad = 1;
        *err = errno;
    }
    if (bad && of->tmp)
        unlink(of->tmp);
    ln_free(of);
    return bad ? LN_EIO : 0;
}

void ln_outfile_abort(ln_outfile *of)
{
    if (!of)
        return;
    fclose(of->f);
    if (of->tmp)
        unlink(of->tmp);
    ln_free(of);
}
