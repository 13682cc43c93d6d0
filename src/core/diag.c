/*
 * diag.c - diagnostics for bad input: file, line, column, field path.
 */
#include <stdarg.h>
#include <string.h>

#include "leonet/core.h"

void ln_diag_clear(ln_diag *d)
{
    if (d)
        memset(d, 0, sizeof *d);
}

int ln_diag_set(ln_diag *d, int code, const char *file, long line, long col,
                const char *path, const char *fmt, ...)
{
    va_list ap;
    if (!d)
        return code;
    snprintf(d->file, sizeof d->file, "%s", file ? file : "");
    d->line = line;
    d->col = col;
    snprintf(d->path, sizeof d->path, "%s", path ? path : "");
    va_start(ap, fmt);
    vsnprintf(d->msg, sizeof d->msg, fmt, ap);
    va_end(ap);
    return code;
}

const char *ln_diag_format(const ln_diag *d, char *buf, size_t n)
{
    size_t k = 0;
    if (!n)
        return buf;
    buf[0] = '\0';
#define APPEND(...)                                                  \
    do {                                                             \
        if (k < n) {                                                 \
            int w_ = snprintf(buf + k, n - k, __VA_ARGS__);          \
            k += w_ > 0 ? (size_t)w_ : 0;                            \
        }                                                            \
    } while (0)
    if (d->file[0])
        APPEND("%s:", d->file);
    if (d->line > 0)
        APPEND("%ld:", d->line);
    if (d->line > 0 && d->col > 0)
        APPEND("%ld:", d->col);
    if (k)
        APPEND(" ");
    if (d->path[0])
        APPEND("%s: ", d->path);
    APPEND("%s", d->msg[0] ? d->msg : "error");
#undef APPEND
    return buf;
}
