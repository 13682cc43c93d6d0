/*
 * sqlite_ckpt.c - the SQLite driver's WAL checkpoints, off the commit
 * path.
 *
 * SQLite's default runs a checkpoint inside the COMMIT that takes the
 * WAL past 1,000 pages: the committing group then also copies 4 MB into
 * the database file and fsyncs it: the group's callers wait for that
 * too (the largest commit times in bench/store, ~100-200 ms). So
 * the writer's automatic checkpoints are off, and a thread of the store
 * with a connection of its own checkpoints instead: woken by the writer's
 * WAL hook every SQ_CKPT_FRAMES new frames, it runs a PASSIVE checkpoint
 * (which never blocks the writer or the readers); when the WAL has grown
 * past SQ_CKPT_RESTART frames anyway (the writer never paused at a fully
 * copied WAL, so SQLite could not start it over), a RESTART one, which
 * makes the writer wait while it copies what is left (little: the PASSIVE
 * ones copied the rest) and lets the next commit write the WAL from its
 * beginning again. Bounded: the WAL stays under ~SQ_CKPT_RESTART pages
 * (256 MB) plus what arrives during one checkpoint.
 */
#include <stdio.h>
#include <string.h>

#include "store/sqlite_int.h"

#define SQ_CKPT_FRAMES 4096     /* 16 MB of 4 KiB pages */
#define SQ_CKPT_RESTART 65536   /* 256 MB */

/* After each commit of the writer: nframe frames are in the WAL. */
static int wal_hook(void *arg, sqlite3 *db, const char *name, int nframe)
{
    (void)db;
    (void)name;
    sq *s = arg;
    if (nframe - s->ck_last >= SQ_CKPT_FRAMES || nframe < s->ck_last) {
        s->ck_last = nframe;
        pthread_mutex_lock(&s->ckmu);
        s->ck_want = 1;
        s->ck_frames = nframe;
        pthread_cond_signal(&s->ckcv);
        pthread_mutex_unlock(&s->ckmu);
    }
    return SQLITE_OK;
}

static void *ckpt_main(void *arg)
{
    sq *s = arg;
    pthread_mutex_lock(&s->ckmu);
    for (;;) {
        while (!s->ck_stop && !s->ck_want)
            pthread_cond_wait(&s->ckcv, &s->ckmu);
        if (s->ck_stop)
            break;
        s->ck_want = 0;
        int frames = s->ck_frames;
        pthread_mutex_unlock(&s->ckmu);
        int nlog = 0, nck = 0;
        int mode = frames >= SQ_CKPT_RESTART ? SQLITE_CHECKPOINT_RESTART
                                             : SQLITE_CHECKPOINT_PASSIVE;
        int rc = sqlite3_wal_checkpoint_v2(s->ck->db, NULL, mode, &nlog,
                                           &nck);
        pthread_mutex_lock(&s->ckmu);
        s->ck_runs++;
        s->ck_failed += rc != SQLITE_OK && rc != SQLITE_BUSY;
    }
    pthread_mutex_unlock(&s->ckmu);
    return NULL;
}

int ln__sq_ckpt_start(sq *s, sq_conn *ck)
{
    pthread_mutex_init(&s->ckmu, NULL);
    pthread_cond_init(&s->ckcv, NULL);
    s->ck = ck;
    s->ck_inited = 1;
    if (sqlite3_exec(s->w->db, "PRAGMA wal_autocheckpoint=0", NULL, NULL,
                     NULL) != SQLITE_OK)
        return ln__sq_fail(s->w, sqlite3_errcode(s->w->db), "checkpoints");
    if (pthread_create(&s->ck_thread, NULL, ckpt_main, s))
        return ln__store_err(LN_ENOMEM, "store: no checkpoint thread");
    s->ck_running = 1;
    sqlite3_wal_hook(s->w->db, wal_hook, s);
    return LN_OK;
}

void ln__sq_ckpt_stop(sq *s)
{
    if (!s->ck_inited)
        return;
    if (s->w)
        sqlite3_wal_hook(s->w->db, NULL, NULL);
    if (s->ck_running) {
        pthread_mutex_lock(&s->ckmu);
        s->ck_stop = 1;
        pthread_cond_signal(&s->ckcv);
        pthread_mutex_unlock(&s->ckmu);
        pthread_join(s->ck_thread, NULL);
        s->ck_running = 0;
    }
    pthread_mutex_destroy(&s->ckmu);
    pthread_cond_destroy(&s->ckcv);
    s->ck_inited = 0;
}
