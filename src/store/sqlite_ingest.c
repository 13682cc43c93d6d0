/*
 * sqlite_ingest.c - ln_store_ingest on SQLite: group commit (sqlite_int.h
 * says how the callers take turns leading).
 *
 * A group is one transaction on the writer: for each report, INSERT OR
 * IGNORE into reports (unique on (terminal, seq): sqlite3_changes says
 * whether it is new); for each new one, its usage row (account,
 * terminal, UTC day) gets billed_bytes, one report and one denial if
 * denied, and the terminal's last position moves forward when seq is
 * higher. COMMIT is the group's one fsync (synchronous=FULL, WAL). Any
 * failure rolls the whole group back: every caller of the group gets the
 * status (LN_ESTORE_FULL, LN_EIO, ...), nothing of it is stored, and the
 * report positions it took are given back.
 *
 * Positions: the writer numbers new reports from sq.next_pos (one writer,
 * so positions increase in commit order; a rolled-back group's numbers
 * are used again by the next).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "leonet/policy.h"
#include "store/sqlite_int.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int denied(int reason)
{
    return reason == LN_REASON_ZONE || reason == LN_REASON_SUSPENDED ||
           reason == LN_REASON_KILL;
}

/* The follow-up writes of one new report: usage, then the terminal. */
static int new_report(sq *s, const ln_st_report *r)
{
    sqlite3_stmt *q = ln__sq_stmt(s->w, SQ_ADD_USAGE);
    if (!q)
        return LN_ESTORE;
    sqlite3_bind_text(q, 1, r->account, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, r->terminal, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 3, ln__store_day(r->t_unix_s));
    sqlite3_bind_int64(q, 4, (sqlite3_int64)r->billed_bytes);
    sqlite3_bind_int(q, 5, 1);
    sqlite3_bind_int(q, 6, denied(r->reason));
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    if (rc != SQLITE_DONE)
        return ln__sq_fail(s->w, rc, "usage");
    if (!(q = ln__sq_stmt(s->w, SQ_MOVE_TERMINAL)))
        return LN_ESTORE;
    sqlite3_bind_double(q, 1, r->lat_deg);
    sqlite3_bind_double(q, 2, r->lon_deg);
    sqlite3_bind_double(q, 3, r->t_unix_s);
    sqlite3_bind_int64(q, 4, r->seq);
    sqlite3_bind_text(q, 5, r->terminal, -1, SQLITE_STATIC);
    rc = sqlite3_step(q);
    sqlite3_reset(q);
    return rc == SQLITE_DONE ? LN_OK : ln__sq_fail(s->w, rc, "terminal");
}

static int insert_report(sq *s, const ln_st_report *r, uint8_t *is_new)
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
    *is_new = sqlite3_changes(s->w->db) == 1;
    if (!*is_new)
        return LN_OK;
    s->next_pos++;
    return new_report(s, r);
}

/* Writes the jobs of one group in one transaction; the group's status. */
static int commit_group(sq *s, sq_job *jobs, size_t *rows)
{
    pthread_mutex_lock(&s->wmu);
    int64_t pos0 = s->next_pos;
    int rc = ln__sq_begin(s);
    *rows = 0;
    for (sq_job *j = jobs; !rc && j; j = j->next)
        for (size_t i = 0; !rc && i < j->n; i++) {
            rc = insert_report(s, &j->r[i], &j->is_new[i]);
            *rows += j->is_new[i];
        }
    if (!rc)
        rc = ln__sq_commit(s);
    if (rc) {
        ln__sq_rollback(s);
        s->next_pos = pos0;
        for (sq_job *j = jobs; j; j = j->next)
            memset(j->is_new, 0, j->n);
        *rows = 0;
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
    }
    int rc = me.status;
    if (rc) /* the leader's message, on this thread too */
        ln__store_err(rc, "%s", s->gmsg);
    pthread_mutex_unlock(&s->qmu);
    return rc;
}

void ln__sq_ingest_free(sq *s)
{
    ln_free(s->agg);
    s->agg = NULL;
    s->nagg = s->capagg = 0;
}
