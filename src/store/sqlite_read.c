/*
 * sqlite_read.c - the SQLite driver's reads of telemetry: usage rows,
 * reports after a position (the stream), each terminal's latest report;
 * the stream's cursors and retention (writes, on the writer).
 */
#include <math.h>
#include <string.h>

#include "store/sqlite_int.h"

static double col_real(sqlite3_stmt *q, int i)
{
    return sqlite3_column_type(q, i) == SQLITE_NULL
               ? NAN : sqlite3_column_double(q, i);
}

int ln__sq_usage(void *impl, const char *account, long from_day,
                 long to_day, ln_st_usage_cb cb, void *user)
{
    sq *s = impl;
    sq_conn *c = ln__sq_reader(s);
    if (!c)
        return LN_ESTORE;
    sqlite3_stmt *q = ln__sq_stmt(c, SQ_USAGE);
    int rc = q ? LN_OK : LN_ESTORE, r = SQLITE_DONE;
    if (q) {
        ln__sq_bind_text(q, 1, account);
        sqlite3_bind_int64(q, 2, from_day);
        sqlite3_bind_int64(q, 3, to_day);
        while ((r = sqlite3_step(q)) == SQLITE_ROW) {
            ln_st_usage u;
            memset(&u, 0, sizeof u);
            ln__sq_text(q, 0, u.account, sizeof u.account);
            ln__sq_text(q, 1, u.terminal, sizeof u.terminal);
            u.day = (long)sqlite3_column_int64(q, 2);
            u.bytes = (uint64_t)sqlite3_column_int64(q, 3);
            u.reports = (uint64_t)sqlite3_column_int64(q, 4);
            u.denied = (uint64_t)sqlite3_column_int64(q, 5);
            if (cb(user, &u))
                break;
        }
        if (r != SQLITE_ROW && r != SQLITE_DONE)
            rc = ln__sq_fail(c, r, "usage");
        sqlite3_reset(q);
    }
    ln__sq_put_reader(s, c);
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
                        void *user, int64_t *last, const char *what)
{
    int r;
    while ((r = sqlite3_step(q)) == SQLITE_ROW) {
        ln_st_report rep;
        int64_t pos = sqlite3_column_int64(q, 0);
        row_report(q, 1, &rep);
        if (last)
            *last = pos;
        if (cb(user, pos, &rep))
            break;
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
        rc = give_reports(c, q, cb, user, last, "reports");
    }
    ln__sq_put_reader(s, c);
    return rc;
}

int ln__sq_latest_reports(void *impl, const char *account,
                          ln_st_report_cb cb, void *user)
{
    sq *s = impl;
    sq_conn *c = ln__sq_reader(s);
    if (!c)
        return LN_ESTORE;
    sqlite3_stmt *q = ln__sq_stmt(c, SQ_LATEST);
    int rc = LN_ESTORE;
    if (q) {
        ln__sq_bind_text(q, 1, account);
        rc = give_reports(c, q, cb, user, NULL, "latest reports");
    }
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

/* Retention: one transaction that first records the highest position
 * ever given (meta 'report_pos'), so that positions never go back even
 * when the newest reports go, then deletes. */
int ln__sq_expire_reports(void *impl, double before_unix_s, long *deleted)
{
    sq *s = impl;
    pthread_mutex_lock(&s->wmu);
    int rc = ln__sq_begin(s);
    sqlite3_stmt *q = rc ? NULL : ln__sq_stmt(s->w, SQ_SET_POS_MARK);
    if (q) {
        sqlite3_bind_int64(q, 1, s->next_pos - 1);
        int r = sqlite3_step(q);
        sqlite3_reset(q);
        if (r != SQLITE_DONE)
            rc = ln__sq_fail(s->w, r, "position mark");
    } else if (!rc) {
        rc = LN_ESTORE;
    }
    if (!rc && !(q = ln__sq_stmt(s->w, SQ_EXPIRE)))
        rc = LN_ESTORE;
    if (!rc) {
        sqlite3_bind_double(q, 1, before_unix_s);
        int r = sqlite3_step(q);
        sqlite3_reset(q);
        if (r != SQLITE_DONE)
            rc = ln__sq_fail(s->w, r, "expire reports");
        *deleted = (long)sqlite3_changes(s->w->db);
    }
    if (!rc)
        rc = ln__sq_commit(s);
    if (rc) {
        ln__sq_rollback(s);
        *deleted = 0;
    }
    pthread_mutex_unlock(&s->wmu);
    return rc;
}
