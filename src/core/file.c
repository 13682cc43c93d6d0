/*
 * file.c - read a whole input file, with a size cap, for the parsers.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "leonet/core.h"

int ln_read_file(const char *path, size_t max_bytes, char **buf, size_t *len,
                 ln_diag *diag)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    *buf = NULL;
    *len = 0;
    if (!f)
        return ln_diag_set(diag, LN_EIO, path, 0, 0, NULL, "cannot open: %s",
                           strerror(errno));
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(f);
        return ln_diag_set(diag, LN_EIO, path, 0, 0, NULL,
                           "is a directory");
    }
    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) &&
        (uint64_t)st.st_size > max_bytes) {
        fclose(f);
        return ln_diag_set(diag, LN_ETOOBIG, path, 0, 0, NULL,
                           "file is %lld bytes, over the limit of %zu",
                           (long long)st.st_size, max_bytes);
    }
    size_t cap = 1 << 16, n = 0;
    char *b = ln_malloc(cap);
    if (!b) {
        fclose(f);
        return ln_diag_set(diag, LN_ENOMEM, path, 0, 0, NULL,
                           "out of memory");
    }
    for (;;) {
        if (n + 1 >= cap) {
            if (cap > max_bytes + 1) {
                ln_free(b);
                fclose(f);
                return ln_diag_set(diag, LN_ETOOBIG, path, 0, 0, NULL,
                                   "input over the limit of %zu bytes",
                                   max_bytes);
            }
            size_t ncap = cap * 2;
            char *nb = ln_realloc(b, ncap);
            if (!nb) {
                ln_free(b);
                fclose(f);
                return ln_diag_set(diag, LN_ENOMEM, path, 0, 0, NULL,
                                   "out of memory");
            }
            b = nb;
            cap = ncap;
        }
        size_t r = fread(b + n, 1, cap - 1 - n, f);
        n += r;
        if (r == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        ln_free(b);
        return ln_diag_set(diag, LN_EIO, path, 0, 0, NULL, "read error");
    }
    if (n > max_bytes) {
        ln_free(b);
        return ln_diag_set(diag, LN_ETOOBIG, path, 0, 0, NULL,
                           "input over the limit of %zu bytes", max_bytes);
    }
    b[n] = '\0';
    *buf = b;
    *len = n;
    return LN_OK;
}
