/*
 * sqlite_fold.c - folding the SQLite driver's ingest state into its
 * tables (sqlite_state.c says what the state is and why), a shard at a
 * time.
 *
 * The terminals are cut into SQ_SHARDS shards by their id's hash (the top
 * four bits of FNV-1a: stable across builds). A fold step writes one
 * shard: the usage increments of its terminals, their latest reports and
 * their seq ranges, and its mark (meta 'folded_pos.K': that shard's
 * reports up to there are in the tables), all in one transaction; so a
 * step holds the writer ~1/16 as long as a whole fold would (100,000
 * terminals: 0.1 s instead of 1.6 s). When the unfolded reports pass the
 * threshold, the writer folds one shard after each group, round robin,
 * until they are halved. ln_store_checkpoint, retention and close fold
 * every shard. Replay at open reads from the lowest mark and skips each
 * report its shard has folded. meta 'folded_pos' is the lowest mark, and
 * 'fold_gen' counts steps: a step is a compare-and-set on it, so a second
 * process that folds is noticed (one ingesting process at a time).
 */
#include <stdio.h>
#include <string.h>

#include "store/sqlite_int.h"

/* The step's writes for shard k, inside its transaction. */
static int fold_usage(sq *s, int k)
{
    int rc = LN_OK, r;
    for (size_t i = 0; !rc && i < s->capuse; i++) {
        const sq_use *u = &s->use[i];
        if (!u->h || sq_shard(u->t->h) != k)
            continue;
        sqlite3_stmt *q = ln__sq_stmt(s->w, SQ_ADD_USAGE);
        if (!q)
            return LN_ESTORE;
        sqlite3_bind_text(q, 1, s->accs[u->acc], -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 2, u->t->id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(q, 3, u->day);
        sqlite3_bind_int64(q, 4, u->bytes);
        sqlite3_bind_int64(q, 5, u->reports);
        sqlite3_bind_int64(q, 6, u->denied);
        if ((r = sqlite3_step(q)) != SQLITE_DONE)
            rc = ln__sq_fail(s->w, r, "fold usage");
        sqlite3_reset(q);
    }
    return rc;
}

static int step_one(sq *s, sqlite3_stmt *q, const char *what)
{
    int r = sqlite3_step(q);
    sqlite3_reset(q);
    return r == SQLITE_DONE ? LN_OK : ln__sq_fail(s->w, r, what);
}

static int fold_term(sq *s, sq_term *t)
{
    sqlite3_stmt *q;
    int rc = LN_OK;
    if (t->dirty_last) {
        if (!(q = ln__sq_stmt(s->w, SQ_FOLD_TERMINAL)))
            return LN_ESTORE;
        sqlite3_bind_double(q, 1, t->lat_deg);
        sqlite3_bind_double(q, 2, t->lon_deg);
        sqlite3_bind_double(q, 3, t->t_unix_s);
        sqlite3_bind_int64(q, 4, t->seq);
        sqlite3_bind_text(q, 5, t->id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(q, 6, t->last_pos);
        rc = step_one(s, q, "fold terminal");
    }
    if (rc || !t->dirty_ranges)
        return rc;
    /* the common case, one range that only grew up: one upsert */
    int one = t->nr == 1 && (t->file_ranges == 1 ||
                             (t->file_ranges == 2 &&
                              t->file_lo == t->r[0].lo));
    if (!one) {
        if (!(q = ln__sq_stmt(s->w, SQ_RANGES_DEL)))
            return LN_ESTORE;
        sqlite3_bind_text(q, 1, t->id, -1, SQLITE_STATIC);
        rc = step_one(s, q, "fold ranges");
    }
    for (int k = 0; !rc && k < t->nr; k++) {
        if (!(q = ln__sq_stmt(s->w, SQ_RANGES_PUT)))
            return LN_ESTORE;
        sqlite3_bind_text(q, 1, t->id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(q, 2, t->r[k].lo);
        sqlite3_bind_int64(q, 3, t->r[k].hi);
        rc = step_one(s, q, "fold ranges");
    }
    return rc;
}

static int set_meta(sq *s, const char *key, int64_t v)
{
    sqlite3_stmt *q = ln__sq_stmt(s->w, SQ_SET_META);
    if (!q)
        return LN_ESTORE;
    sqlite3_bind_text(q, 1, key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(q, 2, v);
    return step_one(s, q, "fold mark");
}

/* Shard k's mark to upto, the lowest mark, and fold_gen + 1 if still
 * s->fold_gen. */
static int fold_marks(sq *s, int k, int64_t upto, int64_t *low)
{
    sqlite3_stmt *q = ln__sq_stmt(s->w, SQ_CAS_GEN);
    if (!q)
        return LN_ESTORE;
    sqlite3_bind_int64(q, 1, s->fold_gen);
    sqlite3_bind_int64(q, 2, s->fold_gen + 1);
    int rc = step_one(s, q, "fold generation");
    if (!rc && sqlite3_changes(s->w->db) != 1)
        return ln__store_err(LN_ECONFLICT, "store: another process folded "
                             "the reports (one ingesting process at a time)");
    char key[32];
    snprintf(key, sizeof key, "folded_pos.%d", k);
    if (!rc)
        rc = set_meta(s, key, upto);
    *low = upto;
    for (int i = 0; i < SQ_SHARDS; i++)
        if (i != k && s->shard_pos[i] < *low)
            *low = s->shard_pos[i];
    if (!rc)
        rc = set_meta(s, "folded_pos", *low);
    return rc;
}

/* After a step's commit (smu held): shard k's usage rows out (the rest
 * moved into `fresh`, an empty table of the same size allocated before
 * the commit), its terminals clean. */
static void fold_done(sq *s, int k, sq_use *fresh)
{
    size_t n = 0;
    for (size_t i = 0; fresh && i < s->capuse; i++) {
        const sq_use *u = &s->use[i];
        if (!u->h || sq_shard(u->t->h) == k)
            continue;
        size_t j = u->h & (s->capuse - 1);
        while (fresh[j].h)
            j = (j + 1) & (s->capuse - 1);
        fresh[j] = *u;
        n++;
    }
    ln_free(s->use);
    s->use = fresh;
    s->nuse = n;
    for (size_t i = 0; i < s->capterms; i++) {
        sq_term *t = s->terms[i];
        if (!t || sq_shard(t->h) != k)
            continue;
        if (t->dirty_ranges) {
            t->file_ranges = t->nr == 0 ? 1 : t->nr == 1 ? 2 : 0;
            t->file_lo = t->nr == 1 ? t->r[0].lo : 0;
        }
        t->dirty_last = t->dirty_ranges = 0;
    }
    s->unfolded -= s->unfolded_k[k];
    s->unfolded_k[k] = 0;
}

/* One step: shard k, in one transaction (wmu held, state replayed). */
static int fold_step(sq *s, int k)
{
    int64_t upto = s->next_pos - 1, low = 0;
    int rc = ln__sq_begin(s);
    if (!rc)
        rc = fold_usage(s, k);
    for (size_t i = 0; !rc && i < s->capterms; i++)
        if (s->terms[i] && sq_shard(s->terms[i]->h) == k)
            rc = fold_term(s, s->terms[i]);
    if (!rc)
        rc = fold_marks(s, k, upto, &low);
    sq_use *fresh = NULL;
    if (!rc && s->capuse && !(fresh = ln_calloc(s->capuse, sizeof *fresh)))
        rc = LN_ENOMEM;
    pthread_mutex_lock(&s->smu);
    if (!rc)
        rc = ln__sq_commit(s);
    if (rc) {
        ln_free(fresh);
    } else {
        fold_done(s, k, fresh);
        s->shard_pos[k] = upto;
        s->folded_pos = low;
        s->fold_gen++;
    }
    pthread_mutex_unlock(&s->smu);
    if (rc) {
        ln__sq_rollback(s);
        if (rc == LN_ECONFLICT && ln__sq_reload(s)) /* the file's truth */
            s->broken = 1;
    }
    return rc;
}

int ln__sq_fold(sq *s)
{
    int rc = ln__sq_replay(s); /* the tail must be in memory to fold */
    if (rc || !s->ingested)
        return rc;
    for (int k = 0; !rc && k < SQ_SHARDS; k++)
        if (s->unfolded_k[k] || s->shard_pos[k] != s->next_pos - 1)
            rc = fold_step(s, k);
    if (!rc)
        atomic_store(&s->fold_wanted, 0);
    return rc;
}

int ln__sq_fold_some(sq *s)
{
    int k = s->fold_next;
    s->fold_next = (k + 1) % SQ_SHARDS;
    int rc = ln__sq_replay(s);
    if (!rc)
        rc = fold_step(s, k);
    size_t rows, use;
    ln__sq_fold_limits(s, &rows, &use);
    if (!rc && s->unfolded <= rows / 2 && s->nuse <= use / 2)
        atomic_store(&s->fold_wanted, 0);
    return rc;
}

int ln__sq_fold_due(sq *s)
{
    return atomic_load(&s->fold_wanted);
}

int ln__sq_read_gen(sq *s, int64_t *gen)
{
    sqlite3_stmt *q = ln__sq_stmt(s->w, SQ_GET_GEN);
    if (!q)
        return LN_ESTORE;
    int r = sqlite3_step(q);
    *gen = r == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
    sqlite3_reset(q);
    return r == SQLITE_ROW ? LN_OK : ln__sq_fail(s->w, r, "fold_gen");
}

int ln__sq_read_marks(sq *s)
{
    int64_t base = 0, mark[SQ_SHARDS];
    int have[SQ_SHARDS] = {0};
    sqlite3_stmt *q = ln__sq_stmt(s->w, SQ_GET_META);
    if (!q)
        return LN_ESTORE;
    int r, k;
    s->fold_gen = 0;
    while ((r = sqlite3_step(q)) == SQLITE_ROW) {
        const char *key = (const char *)sqlite3_column_text(q, 0);
        int64_t v = sqlite3_column_int64(q, 1);
        if (!key)
            continue;
        if (!strcmp(key, "folded_pos"))
            base = v;
        else if (!strcmp(key, "fold_gen"))
            s->fold_gen = v;
        else if (sscanf(key, "folded_pos.%d", &k) == 1 && k >= 0 &&
                 k < SQ_SHARDS) {
            mark[k] = v;
            have[k] = 1;
        }
    }
    sqlite3_reset(q);
    if (r != SQLITE_DONE)
        return ln__sq_fail(s->w, r, "fold marks");
    s->folded_pos = INT64_MAX;
    for (k = 0; k < SQ_SHARDS; k++) {
        s->shard_pos[k] = have[k] ? mark[k] : base;
        if (s->shard_pos[k] < s->folded_pos)
            s->folded_pos = s->shard_pos[k];
    }
    return LN_OK;
}
