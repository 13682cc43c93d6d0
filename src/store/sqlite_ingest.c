/*
 * sqlite_ingest.c - ln_store_ingest on SQLite: group commit (sqlite_int.h
 * says how the callers take turns leading) over the ingest state
 * (sqlite_state.c says why reports are append-only).
 *
 * A group is one transaction on the writer: each report whose (terminal,
 * seq) is not among the terminal's stored seqs (nor earlier in the group)
 * is appended to reports at the next position; the others are
 * duplicates. COMMIT is the group's one fsync (synchronous=FULL, WAL).
 * Then, with smu held, the new reports go into the state that readers
 * add to the tables (usage per account, terminal and UTC day; the
 * terminal's latest report), and every caller of the group returns.
 * Any failure rolls the whole group back: every caller gets the status
 * (LN_ESTORE_FULL, LN_EIO, ...), nothing of it is stored, the seqs it
 * marked are unmarked and the positions it took are given back (one
 * writer: positions increase in commit order, without holes).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "store/sqlite_int.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int insert_report(sq *s, const ln_st_report *r)
{
    sqlite3_stmt *q = ln__sq_stmt(s->w, SQ_INS_REPORT);
    if (!q)
        return LN_ESTORE;
    sqlite3_bind_int64(q, 1, s->next_pos);
    sqlite3_bind_text(q, 2, r->terminal, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 3, r->seq);
    sqlite3_bind_double(q, 4, r->t_unix_s);
    sqlite3_bind_double(q, 5, r->lat_deg);
    sqlite3_bind_double(q, 6, r->lon_deg);
    sqlite3_bind_double(q, 7, r->alt_m);
    sqlite3_bind_int64(q, 8, (sqlite3_int64)r->bytes_down);
    sqlite3_bind_int64(q, 9, (sqlite3_int64)r->bytes_up);
    sqlite3_bind_double(q, 10, r->latency_ms);
    sqlite3_bind_int(q, 11, r->link);
    sqlite3_bind_int(q, 12, r->reason);
    sqlite3_bind_int(q, 13, r->alert);
    sqlite3_bind_int64(q, 14, (sqlite3_int64)r->billed_bytes);
    sqlite3_bind_text(q, 15, r->account, -1, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    if (rc != SQLITE_DONE)
        return ln__sq_fail(s->w, rc, "insert report");
    s->next_pos++;
    return LN_OK;
}

/* Marks (t, seq) stored for this group, remembering it for a rollback
 * and for the state update after the commit. */
static int mark(sq *s, sq_term *t, const ln_st_report *r)
{
    if (s->nundo == s->capundo) {
        size_t nc = s->capundo ? 2 * s->capundo : 4096;
        sq_undo *g = ln_realloc(s->undo, nc * sizeof *g);
        if (!g)
            return LN_ENOMEM;
        s->undo = g;
        s->capundo = nc;
    }
    int rc = ln__sq_ranges_add(t, r->seq);
    if (!rc)
        s->undo[s->nundo++] = (sq_undo){t, r, -1};
    return rc;
}

/* The group's rows, inside its transaction. */
static int write_group(sq *s, sq_job *jobs, size_t *rows)
{
    int rc = LN_OK;
    uint64_t hr[32]; /* the ids' hashes, 16 reports ahead */
    for (sq_job *j = jobs; !rc && j; j = j->next) {
        for (size_t i = 0; i < 16 && i < j->n; i++)
            hr[i] = ln__sq_hash(j->r[i].terminal);
        for (size_t i = 0; !rc && i < j->n; i++) {
            /* the states are scattered over memory: ask for them ahead
             * (measured: their cache misses were ~20% of the time) */
            if (i + 16 < j->n) {
                hr[(i + 16) & 31] = ln__sq_hash(j->r[i + 16].terminal);
                ln__sq_term_prefetch(s, hr[(i + 16) & 31], 0);
            }
            if (i + 8 < j->n)
                ln__sq_term_prefetch(s, hr[(i + 8) & 31], 1);
            const ln_st_report *r = &j->r[i];
            sq_term *t = ln__sq_term_h(s, r->terminal, hr[i & 31]);
            j->is_new[i] = 0;
            if (!t)
                rc = LN_ESTORE;
            else if (!ln__sq_ranges_has(t, r->seq) &&
                     !(rc = mark(s, t, r)) &&
                     !(rc = insert_report(s, r))) {
                j->is_new[i] = 1;
                (*rows)++;
            }
        }
    }
    return rc;
}

/* After the commit: the new reports (in undo, in position order) into
 * the readers' state, their usage rows asked for ahead. */
static int apply_group(sq *s, int64_t pos0)
{
    int rc = LN_OK;
    pthread_mutex_lock(&s->smu);
    for (size_t k = 0; !rc && k < s->nundo; k++) {
        if (k + 16 < s->nundo)
            __builtin_prefetch(s->undo[k + 16].t);
        if (k + 8 < s->nundo)
            s->undo[k + 8].acc =
                ln__sq_use_prefetch(s, s->undo[k + 8].t, s->undo[k + 8].r);
        rc = ln__sq_apply(s, s->undo[k].t, s->undo[k].r, pos0 + (int64_t)k,
                          s->undo[k].acc);
    }
    pthread_mutex_unlock(&s->smu);
    return rc;
}

/* Writes the jobs of one group in one transaction; the group's status. */
static int commit_group(sq *s, sq_job *jobs, size_t *rows)
{
    pthread_mutex_lock(&s->wmu);
    int64_t pos0 = s->next_pos;
    s->nundo = 0;
    *rows = 0;
    int rc = s->broken && ln__sq_reload(s) ? LN_ESTORE : ln__sq_replay(s);
    if (!rc)
        s->broken = 0;
    if (!rc)
        rc = ln__sq_begin(s);
    if (!rc)
        rc = write_group(s, jobs, rows);
    if (!rc)
        rc = ln__sq_commit(s);
    if (rc) {
        ln__sq_rollback(s);
        s->next_pos = pos0;
        while (s->nundo) {
            s->nundo--;
            ln__sq_ranges_del(s->undo[s->nundo].t, s->undo[s->nundo].r->seq);
        }
        for (sq_job *j = jobs; j; j = j->next)
            memset(j->is_new, 0, j->n);
        *rows = 0;
    } else {
        s->ingested = 1;
        s->replayed_upto = s->next_pos - 1;
        /* stored and durable; a failure here leaves the memory behind the
         * file: reload it from the file */
        if (apply_group(s, pos0) && ln__sq_reload(s))
            s->broken = 1;
    }
    pthread_mutex_unlock(&s->wmu);
    return rc;
}

int ln__sq_ingest(void *impl, const ln_st_report *r, size_t n,
                  uint8_t *is_new)
{
    sq *s = impl;
    sq_job me = {.r = r, .n = n, .is_new = is_new};
    pthread_mutex_lock(&s->qmu);
    if (s->tail)
        s->tail->next = &me;
    else
        s->head = &me;
    s->tail = &me;
    while (!me.done) {
        if (s->leading) {
            pthread_cond_wait(&s->qcv, &s->qmu);
            continue;
        }
        /* lead: take everything queued (me among it) */
        sq_job *jobs = s->head;
        s->head = s->tail = NULL;
        s->leading = 1;
        pthread_mutex_unlock(&s->qmu);
        double t0 = now_s();
        size_t rows;
        int rc = commit_group(s, jobs, &rows);
        double dt = now_s() - t0;
        pthread_mutex_lock(&s->qmu);
        for (sq_job *j = jobs, *nx; j; j = nx) {
            nx = j->next; /* j may return (and go) once done is set */
            j->status = rc;
            j->done = 1;
        }
        if (rc)
            snprintf(s->gmsg, sizeof s->gmsg, "%s", ln_store_errmsg(NULL));
        s->leading = 0;
        s->stats.commits++;
        s->stats.rows += rows;
        s->stats.failed += rc != 0;
        s->stats.commit_s_sum += dt;
        if (dt > s->stats.commit_s_max)
            s->stats.commit_s_max = dt;
        pthread_cond_broadcast(&s->qcv);
        if (ln__sq_fold_due(s)) {
            /* after the group's callers are released: only later groups
             * wait for the fold; on failure it is tried again later */
            pthread_mutex_unlock(&s->qmu);
            pthread_mutex_lock(&s->wmu);
            if (ln__sq_fold_due(s))
                ln__sq_fold_some(s);
            pthread_mutex_unlock(&s->wmu);
            pthread_mutex_lock(&s->qmu);
        }
    }
    int rc = me.status;
    if (rc) /* the leader's message, on this thread too */
        ln__store_err(rc, "%s", s->gmsg);
    pthread_mutex_unlock(&s->qmu);
    return rc;
}

