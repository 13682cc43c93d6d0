/*
 * progress.c - a one-line progress bar on stderr (done/total, rate, ETA).
 * Shown only when stderr is a terminal and bars are enabled
 * (ln_progress_enable: the command line turns them off when the CI
 * variable is set), so pipes, logs and CI stay quiet. Redraws at most 10
 * times a second.
 */
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "leonet/core.h"

struct ln_progress {
    const char *label;
    uint64_t total;
    double t0, last;
    int on;
};


/* 0 after ln_progress_enable(0): no bar in this process. */
static int enabled = 1;

void ln_progress_enable(int on)
{
    enabled = on != 0;
}

ln_progress *ln_progress_new(const char *label, uint64_t total)
{
    ln_progress *p = ln_calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->label = label;
    p->total = total;
    p->t0 = ln_time_mono_s();
    p->last = 0;
    p->on = enabled && isatty(STDERR_FILENO);
    return p;
}

static void draw(ln_progress *p, uint64_t done)
{
    double el = ln_time_mono_s() - p->t0;
    double frac = p->total ? (double)done / (double)p->total : 1.0;
    int w = 30, fill = (int)(frac * w);
    char bar[32];
    for (int i = 0; i < w; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[w] = '\0';
    double rate = el > 0 ? done / el : 0;
    double eta = rate > 0 ? (p->total - done) / rate : 0;
    fprintf(stderr, "\r%s [%s] %llu/%llu  %.0f/s  ETA %.0fs   ", p->label,
            bar, (unsigned long long)done, (unsigned long long)p->total,
            rate, eta);
    fflush(stderr);
}

void ln_progress_update(ln_progress *p, uint64_t done)
{
    if (!p || !p->on)
        return;
    double t = ln_time_mono_s();
    if (t - p->last < 0.1 && done < p->total)
        return;
    p->last = t;
    draw(p, done);
}

void ln_progress_free(ln_progress *p)
{
    if (!p)
        return;
    if (p->on) {
        draw(p, p->total);
        fputc('\n', stderr);
    }
    ln_free(p);
}

int ln_ncpu(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}
