/*
 * store_ingest.c - the store alone, for bench/leonetd (b): THREADS
 * threads each call ln_store_ingest with BATCH-report batches (distinct
 * terminals of NTERM, every (terminal, seq) new) on a fresh SQLite store
 * in DIR, for SECS seconds: durable reports per second with no HTTP and
 * no JSON (what leonetd's telemetry path costs beyond its store).
 *
 * usage: store_ingest DIR [THREADS [SECS [NTERM [BATCH]]]]
 *        (defaults 2, 10, 100000, 1000)
 * prints "store_ingest threads=T batch=B reports=N secs=S reports_per_s=R"
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "leonet/store.h"

static ln_store *st;
static long nterm = 100000, batch = 1000;
static double secs = 10, t_end;
static volatile int failed;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

typedef struct job {
    int id;
    long reports;
} job;

static void *run(void *arg)
{
    job *j = arg;
    ln_st_report *r = calloc((size_t)batch, sizeof *r);
    uint8_t *is_new = malloc((size_t)batch);
    if (!r || !is_new)
        abort();
    unsigned seed = (unsigned)j->id * 7919u + 1;
    long nblocks = nterm / batch;
    for (long c = 0; now() < t_end && !failed; c++) {
        long b = c % nblocks, round = c / nblocks;
        for (long k = 0; k < batch; k++) {
            ln_st_report *x = &r[k];
            snprintf(x->terminal, sizeof x->terminal, "UT%08ld",
                     b * batch + k);
            snprintf(x->account, sizeof x->account, "civil");
            x->seq = round * 64 + j->id;
            x->t_unix_s = 1665273600 + (double)round * 15;
            x->lat_deg = 44 + 8.5 * rand_r(&seed) / (double)RAND_MAX;
            x->lon_deg = 22 + 18.5 * rand_r(&seed) / (double)RAND_MAX;
            x->bytes_down = (uint64_t)rand_r(&seed) % 50000000u;
            x->bytes_up = (uint64_t)rand_r(&seed) % 5000000u;
            x->billed_bytes = x->bytes_down + x->bytes_up;
            x->latency_ms = 31.5;
        }
        if (ln_store_ingest(st, r, (size_t)batch, is_new)) {
            failed = 1;
            break;
        }
        j->reports += batch;
    }
    free(r);
    free(is_new);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: store_ingest DIR [THREADS [SECS [NTERM "
                        "[BATCH]]]]\n");
        return 2;
    }
    int nth = argc > 2 ? atoi(argv[2]) : 2;
    if (argc > 3)
        secs = atof(argv[3]);
    if (argc > 4)
        nterm = atol(argv[4]);
    if (argc > 5)
        batch = atol(argv[5]);
    if (nth < 1 || nth > 64 || batch < 1 || nterm < batch)
        return 2;
    char path[4096];
    snprintf(path, sizeof path, "%s/store.db", argv[1]);
    ln_diag d;
    ln_diag_clear(&d);
    if (ln_store_open(path, &st, &d)) {
        fprintf(stderr, "store_ingest: %s\n", d.msg);
        return 3;
    }
    pthread_t th[64];
    job jobs[64];
    double t0 = now();
    t_end = t0 + secs;
    for (int i = 0; i < nth; i++) {
        jobs[i] = (job){i, 0};
        pthread_create(&th[i], NULL, run, &jobs[i]);
    }
    long total = 0;
    for (int i = 0; i < nth; i++) {
        pthread_join(th[i], NULL);
        total += jobs[i].reports;
    }
    double dt = now() - t0;
    ln_store_close(st);
    if (failed) {
        fprintf(stderr, "store_ingest: ln_store_ingest failed\n");
        return 3;
    }
    printf("store_ingest threads=%d batch=%ld reports=%ld secs=%.2f "
           "reports_per_s=%.0f\n", nth, batch, total, dt, total / dt);
    return 0;
}
