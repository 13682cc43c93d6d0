/*
 * sqlite_read.c - the SQLite driver's reads of telemetry: usage rows,
 * reports after a position (the stream), each terminal's latest report;
 * the stream's cursors and retention (writes, on the writer).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_int.h"

static double col_real(sqlite3_stmt *q, int i)
{
    return sqlite3_column_type(q, i) == SQLITE_NULL
               ? NAN : sqlite3_column_double(q, i);
}

static int use_cmp(const void *a, const void *b)
{
    const ln_st_usage *x = a, *y = b;
    int c = strcmp(x->account, y->account);
    if (!c)
        c = strcmp(x->terminal, y->terminal);
    if (!c)
        c = (x->day > y->day) - (x->day < y->day);
    return c;
}

/* Usage: the usage table's rows (a read snapshot) plus the unfolded part
 * in memory as of that snapshot (both taken with smu held, so a fold
 * cannot come between them), merged in (account, terminal, day) order. */
int ln__sq_usage(void *impl, const char *account, long from_day,
                 long to_day, ln_st_usage_cb cb, void *user)
{
    sq *s = impl;
    int rc0 = ln__sq_ready(s);
    if (rc0)
        return rc0;
    sq_conn *c = ln__sq_reader(s);
    if (!c)
        return LN_ESTORE;
    ln_st_usage *mem = NULL;
    size_t nmem = 0, k = 0;
    int rc = LN_ESTORE, r = SQLITE_DONE;
    sqlite3_stmt *snap = ln__sq_stmt(c, SQ_GET_FOLDED);
    sqlite3_stmt *q = ln__sq_stmt(c, SQ_USAGE);
    pthread_mutex_lock(&s->smu);
    if (snap && q && sqlite3_exec(c->db, "BEGIN", NULL, NULL, NULL) == 0 &&
        sqlite3_step(snap) == SQLITE_ROW) /* the snapshot starts here */
        rc = ln__sq_use_copy(s, account, from_day, to_day, &mem, &nmem);
    pthread_mutex_unlock(&s->smu);
    if (rc == LN_OK) {
        if (nmem)
            qsort(mem, nmem, sizeof *mem, use_cmp);
        ln__sq_bind_text(q, 1, account);
        sqlite3_bind_int64(q, 2, from_day);
        sqlite3_bind_int64(q, 3, to_day);
        int stop = 0;
        while (!stop && (r = sqlite3_step(q)) == SQLITE_ROW) {
            ln_st_usage u;
            memset(&u, 0, sizeof u);
            ln__sq_text(q, 0, u.account, sizeof u.account);
            ln__sq_text(q, 1, u.terminal, sizeof u.terminal);
            u.day = (long)sqlite3_column_int64(q, 2);
            u.bytes = (uint64_t)sqlite3_column_int64(q, 3);
            u.reports = (uint64_t)sqlite3_column_int64(q, 4);
            u.denied = (uint64_t)sqlite3_column_int64(q, 5);
            while (!stop && k < nmem && use_cmp(&mem[k], &u) < 0)
                stop = cb(user, &mem[k++]);
            if (!stop && k < nmem && use_cmp(&mem[k], &u) == 0) {
                u.bytes += mem[k].bytes;
                u.reports += mem[k].reports;
                u.denied += mem[k++].denied;
            }
            if (!stop)
                stop = cb(user, &u);
        }
        while (!stop && k < nmem)
            stop = cb(user, &mem[k++]);
        if (r != SQLITE_ROW && r != SQLITE_DONE)
            rc = ln__sq_fail(c, r, "usage");
    } else if (rc == LN_ESTORE) {
        rc = ln__sq_fail(c, sqlite3_errcode(c->db), "usage");
    }
    if (q)
        sqlite3_reset(q);
    if (snap)
        sqlite3_reset(snap);
    sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL);
    ln__sq_put_reader(s, c);
    ln_free(mem);
    return rc;
}

/* Columns from first on: SQ_REPORT_COLS into r. */
static void row_report(sqlite3_stmt *q, int first, ln_st_report *r)
{
    memset(r, 0, sizeof *r);
    int i = first;
    ln__sq_text(q, i++, r->terminal, sizeof r->terminal);
    r->seq = sqlite3_column_int64(q, i++);
    r->t_unix_s = col_real(q, i++);
    r->lat_deg = col_real(q, i++);
    r->lon_deg = col_real(q, i++);
    r->alt_m = col_real(q, i++);
    r->bytes_down = (uint64_t)sqlite3_column_int64(q, i++);
    r->bytes_up = (uint64_t)sqlite3_column_int64(q, i++);
    r->latency_ms = col_real(q, i++);
    r->link = sqlite3_column_int(q, i++);
    r->reason = sqlite3_column_int(q, i++);
    r->alert = sqlite3_column_int(q, i++);
    r->billed_bytes = (uint64_t)sqlite3_column_int64(q, i++);
    ln__sq_text(q, i, r->account, sizeof r->account);
}

/* Steps q (bound) giving each row (pos, report) to cb; *last = last pos. */
static int give_reports(sq_conn *c, sqlite3_stmt *q, ln_st_report_cb cb,
                        void *user, int64_t *last, const char *what,
                        int *stop)
{
    int r;
    while ((r = sqlite3_step(q)) == SQLITE_ROW) {
        ln_st_report rep;
        int64_t pos = sqlite3_column_int64(q, 0);
        row_report(q, 1, &rep);
        if (last)
            *last = pos;
        if (cb(user, pos, &rep)) {
            if (stop)
                *stop = 1;
            break;
        }
    }
    int rc = r == SQLITE_ROW || r == SQLITE_DONE ? LN_OK
                                                : ln__sq_fail(c, r, what);
    sqlite3_reset(q);
    return rc;
}

int ln__sq_reports(void *impl, const char *account, int64_t after, long max,
                   ln_st_report_cb cb, void *user, int64_t *last)
{
    sq *s = impl;
    sq_conn *c = ln__sq_reader(s);
    if (!c)
        return LN_ESTORE;
    sqlite3_stmt *q = ln__sq_stmt(c, account ? SQ_REPORTS_ACC : SQ_REPORTS);
    int rc = LN_ESTORE;
    if (q) {
        sqlite3_bind_int64(q, 1, after);
        sqlite3_bind_int64(q, 2, max > 0 ? max : -1);
        if (account)
            sqlite3_bind_text(q, 3, account, -1, SQLITE_STATIC);
        rc = give_reports(c, q, cb, user, last, "reports", NULL);
    }
    ln__sq_put_reader(s, c);
    return rc;
}

typedef struct latest {
    char id[LN_ST_ID];
    int64_t seq, pos;
} latest;

/* The terminals of account with the position of their latest report:
 * the terminals table's, or the memory's when it knows a higher seq. */
static int latest_list(sq *s, sq_conn *c, const char *account,
                       latest **out, size_t *n)
{
    sqlite3_stmt *q = ln__sq_stmt(c, SQ_LATEST_TERMS);
    if (!q)
        return LN_ESTORE;
    ln__sq_bind_text(q, 1, account);
    size_t cap = 0;
    int r, rc = LN_OK;
    while (!rc && (r = sqlite3_step(q)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? 2 * cap : 256;
            latest *g = ln_realloc(*out, cap * sizeof *g);
            if (!g) {
                rc = LN_ENOMEM;
                break;
            }
            *out = g;
        }
        latest *l = &(*out)[(*n)++];
        ln__sq_text(q, 0, l->id, sizeof l->id);
        l->seq = sqlite3_column_int64(q, 1);
        l->pos = sqlite3_column_int64(q, 2);
    }
    if (!rc && r != SQLITE_DONE)
        rc = ln__sq_fail(c, r, "latest reports");
    sqlite3_reset(q);
    pthread_mutex_lock(&s->smu);
    for (size_t i = 0; !rc && i < *n; i++) {
        const sq_term *t = ln__sq_term_find(s, (*out)[i].id);
        if (t && t->seq > (*out)[i].seq)
            (*out)[i].pos = t->last_pos;
    }
    pthread_mutex_unlock(&s->smu);
    return rc;
}

int ln__sq_latest_reports(void *impl, const char *account,
                          ln_st_report_cb cb, void *user)
{
    sq *s = impl;
    int rc0 = ln__sq_ready(s);
    if (rc0)
        return rc0;
    sq_conn *c = ln__sq_reader(s);
    if (!c)
        return LN_ESTORE;
    latest *l = NULL;
    size_t n = 0;
    int rc = latest_list(s, c, account, &l, &n);
    for (size_t i = 0; !rc && i < n; i++) {
        if (l[i].pos <= 0)
            continue; /* no report, or its report expired */
        sqlite3_stmt *q = ln__sq_stmt(c, SQ_REPORT_AT);
        if (!q) {
            rc = LN_ESTORE;
            break;
        }
        sqlite3_bind_int64(q, 1, l[i].pos);
        int stop = 0;
        rc = give_reports(c, q, cb, user, NULL, "latest report", &stop);
        if (stop)
            break;
    }
    ln_free(l);
    ln__sq_put_reader(s, c);
    return rc;
}

int ln__sq_get_cursor(void *impl, int64_t cred, int64_t *pos)
{
    sq *s = impl;
    sq_conn *c = ln__sq_reader(s);
    if (!c)
        return LN_ESTORE;
    sqlite3_stmt *q = ln__sq_stmt(c, SQ_GET_CURSOR);
    int rc = LN_ESTORE;
    if (q) {
        sqlite3_bind_int64(q, 1, cred);
        int r = sqlite3_step(q);
        rc = LN_OK;
        if (r == SQLITE_ROW)
            *pos = sqlite3_column_int64(q, 0);
        else if (r == SQLITE_DONE)
            *pos = 0;
        else
            rc = ln__sq_fail(c, r, "get cursor");
        sqlite3_reset(q);
    }
    ln__sq_put_reader(s, c);
    return rc;
}

int ln__sq_set_cursor(void *impl, int64_t cred, int64_t pos)
{
    sq *s = impl;
    pthread_mutex_lock(&s->wmu);
    sqlite3_stmt *q = ln__sq_stmt(s->w, SQ_SET_CURSOR);
    int rc = LN_ESTORE;
    if (q) {
        sqlite3_bind_int64(q, 1, cred);
        sqlite3_bind_int64(q, 2, pos);
        int r = sqlite3_step(q);
        sqlite3_reset(q);
        rc = r == SQLITE_DONE ? LN_OK : ln__sq_fail(s->w, r, "set cursor");
    }
    pthread_mutex_unlock(&s->wmu);
    return rc;
}

/* Positions per retention transaction: the writer is released between
 * them, so ingest goes on during a long retention. */
int64_t ln__sq_expire_chunk = 65536;

/* Retention, step 1 (wmu held): fold (the reports to go must be counted
 * in the tables: the replay at open reads only those after folded_pos),
 * then record the highest position ever given (meta 'report_pos': never
 * reused even when the newest reports go). [*lo, *hi]: the positions to
 * look at; later reports are not folded and not touched. */
static int expire_begin(sq *s, int64_t *lo, int64_t *hi)
{
    int rc = ln__sq_replay(s);
    s->ingested |= s->unfolded > 0;
    if (!rc)
        rc = ln__sq_fold(s);
    *hi = s->next_pos - 1;
    sqlite3_stmt *q = rc ? NULL : ln__sq_stmt(s->w, SQ_SET_POS_MARK);
    if (!rc && !q)
        rc = LN_ESTORE;
    if (!rc) {
        sqlite3_bind_int64(q, 1, *hi);
        int r = sqlite3_step(q);
        sqlite3_reset(q);
        if (r != SQLITE_DONE)
            rc = ln__sq_fail(s->w, r, "position mark");
    }
    if (!rc && !(q = ln__sq_stmt(s->w, SQ_MIN_POS)))
        rc = LN_ESTORE;
    if (!rc) {
        int r = sqlite3_step(q);
        *lo = r == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
        sqlite3_reset(q);
        if (r != SQLITE_ROW)
            rc = ln__sq_fail(s->w, r, "first position");
    }
    return rc;
}

/* Step 2, one chunk (wmu held): its own transaction. */
static int expire_chunk(sq *s, double before, int64_t from, int64_t to,
                        long *deleted)
{
    int rc = ln__sq_begin(s);
    sqlite3_stmt *q = rc ? NULL : ln__sq_stmt(s->w, SQ_EXPIRE);
    if (!rc && !q)
        rc = LN_ESTORE;
    if (!rc) {
        sqlite3_bind_double(q, 1, before);
        sqlite3_bind_int64(q, 2, from);
        sqlite3_bind_int64(q, 3, to);
        int r = sqlite3_step(q);
        sqlite3_reset(q);
        if (r != SQLITE_DONE)
            rc = ln__sq_fail(s->w, r, "expire reports");
    }
    long n = rc ? 0 : (long)sqlite3_changes(s->w->db);
    if (!rc)
        rc = ln__sq_commit(s);
    if (rc)
        ln__sq_rollback(s);
    else
        *deleted += n;
    return rc;
}

int ln__sq_expire_reports(void *impl, double before_unix_s, long *deleted)
{
    sq *s = impl;
    int64_t lo = 0, hi = 0;
    *deleted = 0;
    pthread_mutex_lock(&s->wmu);
    int rc = expire_begin(s, &lo, &hi);
    pthread_mutex_unlock(&s->wmu);
    for (int64_t p = lo - 1; !rc && lo > 0 && p < hi; p += ln__sq_expire_chunk) {
        int64_t to = hi - p < ln__sq_expire_chunk ? hi : p + ln__sq_expire_chunk;
        pthread_mutex_lock(&s->wmu);
        rc = expire_chunk(s, before_unix_s, p, to, deleted);
        pthread_mutex_unlock(&s->wmu);
    }
    return rc;
}
