/*
 * log.c - one line per event on stderr: a JSON object (log_json = 1:
 * time, level, then the event's members) or plain text (time level
 * words). Each line goes out in one write(2), so lines from several
 * threads never interleave (stderr is unbuffered; a line is < 4 KiB,
 * PIPE_BUF).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core.h"

static size_t stamp(char *buf, size_t n)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return strlen(ln_time_format_iso((double)ts.tv_sec +
                                         1e-9 * (double)ts.tv_nsec,
                                     3, buf, n));
}

static void emit(char *line, size_t len, size_t cap)
{
    if (len >= cap - 1)
        len = cap - 2;
    line[len++] = '\n';
    ssize_t w = write(STDERR_FILENO, line, len);
    (void)w; /* nowhere to report a failed log write */
}

void srv__log_request(srv *s, const char *method, const char *path,
                      const char *route, int status, double secs,
                      size_t bytes)
{
    if (!s->cfg.access_log && status < 500)
        return;
    char line[2048], ts[40];
    stamp(ts, sizeof ts);
    const char *level = status >= 500 ? "error" : "info";
    size_t p = 0;
    if (!s->cfg.log_json) {
        p = (size_t)snprintf(line, sizeof line, "%s %s %s %.200s %s %d %.3f "
                             "%zu", ts, level, method, path, route, status,
                             secs * 1e3, bytes);
        emit(line, p < sizeof line ? p : sizeof line, sizeof line);
        return;
    }
    p = (size_t)snprintf(line, sizeof line,
                         "{\"time\":\"%s\",\"level\":\"%s\",\"method\":",
                         ts, level);
    char cut[512];
    snprintf(cut, sizeof cut, "%s", path);
    if (srv__json_str(line, sizeof line, &p, method) ||
        (p += (size_t)snprintf(line + p, sizeof line - p, ",\"path\":"),
         srv__json_str(line, sizeof line, &p, cut)))
        return;
    p += (size_t)snprintf(line + p, sizeof line - p,
                          ",\"route\":\"%s\",\"status\":%d,\"ms\":%.3f,"
                          "\"bytes\":%zu}",
                          route, status, secs * 1e3, bytes);
    emit(line, p < sizeof line ? p : sizeof line, sizeof line);
}

void srv__log(srv *s, const char *level, const char *fmt, ...)
{
    char msg[1024], line[2048], ts[40];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    stamp(ts, sizeof ts);
    size_t p;
    if (!s || s->cfg.log_json) {
        p = (size_t)snprintf(line, sizeof line,
                             "{\"time\":\"%s\",\"level\":\"%s\",\"msg\":",
                             ts, level);
        if (srv__json_str(line, sizeof line, &p, msg))
            return;
        line[p++] = '}';
    } else {
        p = (size_t)snprintf(line, sizeof line, "%s %s %s", ts, level, msg);
    }
    emit(line, p < sizeof line ? p : sizeof line, sizeof line);
}
