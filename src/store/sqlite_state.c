/*
 * sqlite_state.c - the SQLite driver's ingest state: what makes a durable
 * report cost one appended row instead of three random page writes.
 *
 * Why. A report is new when its (terminal, seq) was never stored; for a
 * new one the usage of (account, terminal, UTC day) and the terminal's
 * latest report change. Kept as B-tree rows updated per report (a UNIQUE
 * (terminal, seq) index, a usage row, a terminal row), each report dirties
 * about three random pages that the commit writes to the WAL: measured
 * here (bench/store, docs/BENCHMARKS.md) raw SQLite with only the UNIQUE
 * index takes ~50,000 rows/s with 100,000 terminals, against ~500,000
 * without it. So:
 *
 *  - reports is append-only (position = rowid, increasing);
 *  - which seqs of a terminal are stored is kept in memory as sorted
 *    ranges (a terminal counting up has one range: 32 bytes), loaded from
 *    seqranges on the terminal's first report after open;
 *  - usage increments and the terminals' latest reports are kept in
 *    memory (sq.use, sq_term) and folded into usage, terminals and
 *    seqranges in one transaction every SQ_FOLD_ROWS reports, before
 *    retention and at close; meta 'folded_pos' says which reports are
 *    folded. At open the reports after folded_pos are replayed into
 *    memory. Readers add the unfolded part to what the tables say.
 *
 * Durability is the reports' (their group's commit); the tables behind
 * the memory are a checkpoint of them. One process ingests at a time (a
 * second one's positions collide: LN_ECONFLICT); a process that did not
 * ingest never folds (the fold is a compare-and-set on folded_pos, and a
 * process whose fold finds it moved reloads from the file).
 *
 * Memory: ~150 bytes per terminal that reported since open, ~170 per
 * unfolded usage row (at most one per terminal and day).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "leonet/policy.h"
#include "store/sqlite_int.h"

/* Fold every max(this, 8 x terminals in memory) reports, or when the
 * unfolded usage rows reach max(this, 2 x terminals): a fold writes every
 * terminal touched since the last (~6 us of CPU each, measured), so with
 * many terminals it waits for several reports of each; tests lower
 * them. */
size_t ln__sq_fold_rows = 1u << 22;
size_t ln__sq_fold_use = 1u << 18;
size_t ln__sq_fold_per_term = 8;

static uint64_t hash_str(uint64_t h, const char *s)
{
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
    return h;
}

static uint64_t hash_id(const char *id)
{
    uint64_t h = hash_str(0xcbf29ce484222325ull, id);
    return h ? h : 1;
}

uint64_t ln__sq_hash(const char *id)
{
    return hash_id(id);
}

sq_term *ln__sq_term_find(sq *s, const char *id)
{
    return ln__sq_term_find_h(s, id, hash_id(id));
}

sq_term *ln__sq_term_find_h(sq *s, const char *id, uint64_t h)
{
    if (!s->capterms)
        return NULL;
    for (size_t i = h & (s->capterms - 1);; i = (i + 1) & (s->capterms - 1)) {
        sq_term *t = s->terms[i];
        if (!t)
            return NULL;
        if (t->h == h && !strcmp(t->id, id))
            return t;
    }
}

static int terms_grow(sq *s)
{
    size_t nc = s->capterms ? 2 * s->capterms : 1024;
    sq_term **nt = ln_calloc(nc, sizeof *nt);
    if (!nt)
        return LN_ENOMEM;
    for (size_t i = 0; i < s->capterms; i++) {
        sq_term *t = s->terms[i];
        if (!t)
            continue;
        size_t j = t->h & (nc - 1);
        while (nt[j])
            j = (j + 1) & (nc - 1);
        nt[j] = t;
    }
    ln_free(s->terms);
    s->terms = nt;
    s->capterms = nc;
    return LN_OK;
}

static int ranges_grow(sq_term *t)
{
    if (t->nr < t->cap)
        return LN_OK;
    if (!t->cap) { /* the first range: inline */
        t->r = &t->r0;
        t->cap = 1;
        return LN_OK;
    }
    int nc = 2 * t->cap;
    sq_range *g = ln_malloc((size_t)nc * sizeof *g);
    if (!g)
        return LN_ENOMEM;
    memcpy(g, t->r, (size_t)t->nr * sizeof *g);
    if (t->r != &t->r0)
        ln_free(t->r);
    t->r = g;
    t->cap = nc;
    return LN_OK;
}

static void term_free(sq_term *t)
{
    if (t && t->r != &t->r0)
        ln_free(t->r);
    ln_free(t);
}

/* Reads the terminal's folded state through the writer. */
static int term_load(sq *s, sq_term *t)
{
    sqlite3_stmt *q = ln__sq_stmt(s->w, SQ_TERM_LOAD);
    if (!q)
        return LN_ESTORE;
    sqlite3_bind_text(q, 1, t->id, -1, SQLITE_STATIC);
    int r = sqlite3_step(q);
    t->seq = -1;
    if (r == SQLITE_ROW) {
        t->seq = sqlite3_column_int64(q, 0);
        t->last_pos = sqlite3_column_int64(q, 1);
        t->lat_deg = sqlite3_column_double(q, 2);
        t->lon_deg = sqlite3_column_double(q, 3);
        t->t_unix_s = sqlite3_column_double(q, 4);
    }
    sqlite3_reset(q);
    if (r != SQLITE_ROW && r != SQLITE_DONE)
        return ln__sq_fail(s->w, r, "load terminal");
    if (!(q = ln__sq_stmt(s->w, SQ_RANGES_LOAD)))
        return LN_ESTORE;
    sqlite3_bind_text(q, 1, t->id, -1, SQLITE_STATIC);
    while ((r = sqlite3_step(q)) == SQLITE_ROW) {
        if (ranges_grow(t)) {
            sqlite3_reset(q);
            return LN_ENOMEM;
        }
        t->r[t->nr].lo = sqlite3_column_int64(q, 0);
        t->r[t->nr++].hi = sqlite3_column_int64(q, 1);
    }
    sqlite3_reset(q);
    t->file_ranges = t->nr == 0 ? 1 : t->nr == 1 ? 2 : 0;
    t->file_lo = t->nr == 1 ? t->r[0].lo : 0;
    return r == SQLITE_DONE ? LN_OK : ln__sq_fail(s->w, r, "load ranges");
}

sq_term *ln__sq_term(sq *s, const char *id)
{
    return ln__sq_term_h(s, id, hash_id(id));
}

/* A new state for id: read from the file unless everything was
 * preloaded (then a terminal not in memory has nothing in the file). */
static sq_term *term_new(sq *s, const char *id, int load)
{
    sq_term *t = ln_calloc(1, sizeof *t);
    if (!t)
        return NULL;
    snprintf(t->id, sizeof t->id, "%s", id);
    t->h = hash_id(t->id);
    t->seq = -1;
    t->file_ranges = 1;
    if (load && term_load(s, t)) {
        term_free(t);
        return NULL;
    }
    pthread_mutex_lock(&s->smu);
    int rc = 2 * (s->nterms + 1) > s->capterms ? terms_grow(s) : LN_OK;
    if (!rc) {
        size_t i = t->h & (s->capterms - 1);
        while (s->terms[i])
            i = (i + 1) & (s->capterms - 1);
        s->terms[i] = t;
        s->nterms++;
    }
    pthread_mutex_unlock(&s->smu);
    if (rc) {
        term_free(t);
        return NULL;
    }
    return t;
}

sq_term *ln__sq_term_h(sq *s, const char *id, uint64_t h)
{
    sq_term *t = ln__sq_term_find_h(s, id, h);
    return t ? t : term_new(s, id, !s->preloaded);
}

/* Every terminal's state in two scans (terminals, seqranges): ~0.5 us a
 * terminal, against ~4 us for two point queries on its first report. */
static int preload(sq *s)
{
    sqlite3_stmt *q = ln__sq_stmt(s->w, SQ_PRELOAD_TERMS);
    int r, rc = q ? LN_OK : LN_ESTORE;
    while (!rc && (r = sqlite3_step(q)) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(q, 0);
        sq_term *t = id ? term_new(s, id, 0) : NULL;
        if (!t) {
            rc = LN_ENOMEM;
            break;
        }
        t->seq = sqlite3_column_int64(q, 1);
        t->last_pos = sqlite3_column_int64(q, 2);
        t->lat_deg = sqlite3_column_double(q, 3);
        t->lon_deg = sqlite3_column_double(q, 4);
        t->t_unix_s = sqlite3_column_double(q, 5);
    }
    if (q)
        sqlite3_reset(q);
    if (!rc && r != SQLITE_DONE)
        rc = ln__sq_fail(s->w, r, "preload terminals");
    q = rc ? NULL : ln__sq_stmt(s->w, SQ_PRELOAD_RANGES);
    if (!rc && !q)
        rc = LN_ESTORE;
    while (!rc && (r = sqlite3_step(q)) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(q, 0);
        sq_term *t = id ? ln__sq_term_find(s, id) : NULL;
        if (!t && id)
            t = term_new(s, id, 0); /* reported, not registered */
        if (!t || ranges_grow(t)) {
            rc = LN_ENOMEM;
            break;
        }
        t->r[t->nr].lo = sqlite3_column_int64(q, 1);
        t->r[t->nr].hi = sqlite3_column_int64(q, 2);
        t->file_ranges = ++t->nr == 1 ? 2 : 0;
        t->file_lo = t->r[0].lo;
    }
    if (q)
        sqlite3_reset(q);
    if (!rc && r != SQLITE_DONE)
        rc = ln__sq_fail(s->w, r, "preload ranges");
    if (!rc)
        s->preloaded = 1;
    return rc;
}

/* Index of the first range with hi >= seq (nr when none). */
static int range_at(const sq_term *t, int64_t seq)
{
    int lo = 0, hi = t->nr;
    while (lo < hi) {
        int m = (lo + hi) / 2;
        if (t->r[m].hi < seq)
            lo = m + 1;
        else
            hi = m;
    }
    return lo;
}

int ln__sq_ranges_has(const sq_term *t, int64_t seq)
{
    /* the common case first: past the end */
    if (!t->nr || seq > t->r[t->nr - 1].hi)
        return 0;
    int i = range_at(t, seq);
    return i < t->nr && t->r[i].lo <= seq;
}

int ln__sq_ranges_add(sq_term *t, int64_t seq)
{
    t->dirty_ranges = 1;
    if (t->nr && seq == t->r[t->nr - 1].hi + 1) { /* counting up */
        t->r[t->nr - 1].hi = seq;
        return LN_OK;
    }
    int i = range_at(t, seq); /* every range before i ends below seq */
    if (i < t->nr && t->r[i].lo <= seq)
        return LN_OK;         /* already in */
    int left = i > 0 && t->r[i - 1].hi + 1 == seq;
    int right = i < t->nr && t->r[i].lo == seq + 1;
    if (left && right) {
        t->r[i - 1].hi = t->r[i].hi;
        memmove(&t->r[i], &t->r[i + 1],
                (size_t)(t->nr - i - 1) * sizeof *t->r);
        t->nr--;
    } else if (left) {
        t->r[i - 1].hi = seq;
    } else if (right) {
        t->r[i].lo = seq;
    } else {
        if (ranges_grow(t))
            return LN_ENOMEM;
        memmove(&t->r[i + 1], &t->r[i], (size_t)(t->nr - i) * sizeof *t->r);
        t->r[i].lo = t->r[i].hi = seq;
        t->nr++;
    }
    return LN_OK;
}

void ln__sq_ranges_del(sq_term *t, int64_t seq)
{
    int i = range_at(t, seq);
    if (i >= t->nr || t->r[i].lo > seq)
        return;
    t->dirty_ranges = 1;
    sq_range *r = &t->r[i];
    if (r->lo == r->hi) {
        memmove(r, r + 1, (size_t)(t->nr - i - 1) * sizeof *r);
        t->nr--;
    } else if (seq == r->lo) {
        r->lo++;
    } else if (seq == r->hi) {
        r->hi--;
    } else if (ranges_grow(t) == LN_OK) { /* split around seq */
        r = &t->r[i];
        memmove(r + 1, r, (size_t)(t->nr - i) * sizeof *r);
        t->r[i].hi = seq - 1;
        t->r[i + 1].lo = seq + 1;
        t->nr++;
    }
}

static uint64_t use_hash(const sq_term *t, int32_t acc, int32_t day)
{
    uint64_t h = t->h ^ ((uint64_t)(uint32_t)acc << 32 | (uint32_t)day);
    h *= 0x9e3779b97f4a7c15ull;
    h ^= h >> 29;
    return h ? h : 1;
}

static int use_grow(sq *s)
{
    size_t nc = s->capuse ? 2 * s->capuse : 1024;
    sq_use *nu = ln_calloc(nc, sizeof *nu);
    if (!nu)
        return LN_ENOMEM;
    for (size_t i = 0; i < s->capuse; i++) {
        if (!s->use[i].h)
            continue;
        size_t j = s->use[i].h & (nc - 1);
        while (nu[j].h)
            j = (j + 1) & (nc - 1);
        nu[j] = s->use[i];
    }
    ln_free(s->use);
    s->use = nu;
    s->capuse = nc;
    return LN_OK;
}

/* The interned index of an account id (smu held); -1: out of memory. */
static int32_t acc_index(sq *s, const char *id)
{
    uint64_t h = hash_id(id);
    size_t mask = s->capacc_tab - 1, i = h & mask;
    for (; s->capacc_tab && s->acc_tab[i]; i = (i + 1) & mask)
        if (!strcmp(s->accs[s->acc_tab[i] - 1], id))
            return s->acc_tab[i] - 1;
    if (s->naccs == s->capaccs) {
        size_t nc = s->capaccs ? 2 * s->capaccs : 64;
        char(*g)[LN_ST_ID] = ln_realloc(s->accs, nc * sizeof *g);
        if (!g)
            return -1;
        s->accs = g;
        s->capaccs = nc;
    }
    if (2 * (s->naccs + 1) > s->capacc_tab) {
        size_t nc = s->capacc_tab ? 2 * s->capacc_tab : 128;
        int32_t *g = ln_calloc(nc, sizeof *g);
        if (!g)
            return -1;
        for (size_t k = 0; k < s->naccs; k++) {
            size_t j = hash_id(s->accs[k]) & (nc - 1);
            while (g[j])
                j = (j + 1) & (nc - 1);
            g[j] = (int32_t)k + 1;
        }
        ln_free(s->acc_tab);
        s->acc_tab = g;
        s->capacc_tab = nc;
        for (i = h & (nc - 1); g[i]; i = (i + 1) & (nc - 1))
            ;
    }
    snprintf(s->accs[s->naccs], LN_ST_ID, "%s", id);
    s->acc_tab[i] = (int32_t)s->naccs + 1;
    return (int32_t)s->naccs++;
}

void ln__sq_term_prefetch(const sq *s, uint64_t h, int stage)
{
    if (!s->capterms)
        return;
    size_t i = h & (s->capterms - 1);
    if (stage == 0)
        __builtin_prefetch(&s->terms[i]);
    else if (s->terms[i])
        __builtin_prefetch(s->terms[i]);
}

/* The interned index of an account id, -1 when not interned (smu or
 * wmu held: only the writer adds). */
static int32_t acc_find(const sq *s, const char *id)
{
    if (!s->capacc_tab)
        return -1;
    size_t mask = s->capacc_tab - 1;
    for (size_t i = hash_id(id) & mask; s->acc_tab[i]; i = (i + 1) & mask)
        if (!strcmp(s->accs[s->acc_tab[i] - 1], id))
            return s->acc_tab[i] - 1;
    return -1;
}

int32_t ln__sq_use_prefetch(const sq *s, const sq_term *t,
                            const ln_st_report *r)
{
    int32_t acc = acc_find(s, r->account);
    if (acc >= 0 && s->capuse) {
        int32_t day = (int32_t)ln__store_day(r->t_unix_s);
        uint64_t u = use_hash(t, acc, day);
        __builtin_prefetch(&s->use[u & (s->capuse - 1)]);
    }
    return acc;
}

static int denied(int reason)
{
    return reason == LN_REASON_ZONE || reason == LN_REASON_SUSPENDED ||
           reason == LN_REASON_KILL;
}

void ln__sq_fold_limits(const sq *s, size_t *rows, size_t *use)
{
    *rows = ln__sq_fold_rows;
    *use = ln__sq_fold_use;
    if (*rows < ln__sq_fold_per_term * s->nterms)
        *rows = ln__sq_fold_per_term * s->nterms;
    if (*use < ln__sq_fold_per_term / 4 * s->nterms)
        *use = ln__sq_fold_per_term / 4 * s->nterms;
}

int ln__sq_apply(sq *s, sq_term *t, const ln_st_report *r, int64_t pos,
                 int32_t acc)
{
    if (r->seq > t->seq) {
        t->seq = r->seq;
        t->last_pos = pos;
        t->lat_deg = r->lat_deg;
        t->lon_deg = r->lon_deg;
        t->t_unix_s = r->t_unix_s;
        t->dirty_last = 1;
    }
    if (2 * (s->nuse + 1) > s->capuse && use_grow(s))
        return LN_ENOMEM;
    if (acc < 0 && (acc = acc_index(s, r->account)) < 0)
        return LN_ENOMEM;
    int32_t day = (int32_t)ln__store_day(r->t_unix_s);
    uint64_t h = use_hash(t, acc, day);
    size_t i = h & (s->capuse - 1);
    for (;; i = (i + 1) & (s->capuse - 1)) {
        sq_use *u = &s->use[i];
        if (!u->h) {
            *u = (sq_use){.h = h, .t = t, .acc = acc, .day = day};
            s->nuse++;
            break;
        }
        if (u->h == h && u->t == t && u->acc == acc && u->day == day)
            break;
    }
    s->use[i].bytes += (int64_t)r->billed_bytes;
    s->use[i].reports++;
    s->use[i].denied += denied(r->reason);
    s->unfolded++;
    s->unfolded_k[sq_shard(t->h)]++;
    size_t rows, use;
    ln__sq_fold_limits(s, &rows, &use);
    if (s->unfolded >= rows || s->nuse >= use)
        atomic_store(&s->fold_wanted, 1);
    return LN_OK;
}

int ln__sq_use_copy(sq *s, const char *account, long from_day, long to_day,
                    ln_st_usage **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    size_t cap = 0;
    for (size_t i = 0; i < s->capuse; i++) {
        const sq_use *u = &s->use[i];
        if (!u->h || u->day < from_day || u->day > to_day ||
            (account && strcmp(account, s->accs[u->acc])))
            continue;
        if (*n == cap) {
            cap = cap ? 2 * cap : 64;
            ln_st_usage *g = ln_realloc(*out, cap * sizeof *g);
            if (!g) {
                ln_free(*out);
                *out = NULL;
                *n = 0;
                return LN_ENOMEM;
            }
            *out = g;
        }
        ln_st_usage *o = &(*out)[(*n)++];
        memset(o, 0, sizeof *o);
        memcpy(o->account, s->accs[u->acc], sizeof o->account);
        memcpy(o->terminal, u->t->id, sizeof o->terminal);
        o->day = u->day;
        o->bytes = (uint64_t)u->bytes;
        o->reports = (uint64_t)u->reports;
        o->denied = (uint64_t)u->denied;
    }
    return LN_OK;
}

static void state_clear(sq *s)
{
    for (size_t i = 0; i < s->capterms; i++)
        term_free(s->terms[i]);
    ln_free(s->terms);
    ln_free(s->use);
    ln_free(s->accs);
    ln_free(s->acc_tab);
    s->accs = NULL;
    s->acc_tab = NULL;
    s->naccs = s->capaccs = s->capacc_tab = 0;
    s->preloaded = 0;
    s->terms = NULL;
    s->use = NULL;
    s->nterms = s->capterms = s->nuse = s->capuse = 0;
    s->unfolded = 0;
    memset(s->unfolded_k, 0, sizeof s->unfolded_k);
}

void ln__sq_state_free(sq *s)
{
    state_clear(s);
    ln_free(s->undo);
    s->undo = NULL;
    s->nundo = s->capundo = 0;
}

static int replay(sq *s, int full);

int ln__sq_ready(sq *s)
{
    if (atomic_load_explicit(&s->replayed, memory_order_acquire) &&
        atomic_load(&s->ingested))
        return LN_OK;
    pthread_mutex_lock(&s->wmu);
    int rc = ln__sq_replay(s);
    if (!rc && !atomic_load(&s->ingested)) {
        /* a process that does not ingest follows the one that does: the
         * reports since, or everything again after a fold of theirs */
        rc = replay(s, 0);
        if (rc == LN_ECONFLICT)
            rc = ln__sq_reload(s);
    }
    pthread_mutex_unlock(&s->wmu);
    return rc;
}

int ln__sq_replay(sq *s)
{
    if (atomic_load_explicit(&s->replayed, memory_order_acquire))
        return LN_OK;
    int rc = replay(s, 1);
    if (rc) { /* start again next time */
        pthread_mutex_lock(&s->smu);
        state_clear(s);
        pthread_mutex_unlock(&s->smu);
    } else {
        atomic_store_explicit(&s->replayed, 1, memory_order_release);
    }
    return rc;
}

static int replay_rows(sq *s, int64_t from);

/* In one read snapshot: full, the reports after folded_pos; else those
 * after replayed_upto, or LN_ECONFLICT when folded_pos moved. */
static int replay(sq *s, int full)
{
    if (sqlite3_exec(s->w->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        return ln__sq_fail(s->w, sqlite3_errcode(s->w->db), "replay");
    int64_t gen = s->fold_gen;
    int rc = full ? ln__sq_read_marks(s) : ln__sq_read_gen(s, &gen);
    if (!rc && !full && gen != s->fold_gen)
        rc = LN_ECONFLICT;
    if (!rc && full)
        s->replayed_upto = s->folded_pos;
    if (!rc && full)
        rc = preload(s);
    if (!rc)
        rc = replay_rows(s, s->replayed_upto);
    sqlite3_exec(s->w->db, "COMMIT", NULL, NULL, NULL);
    return rc;
}

static int replay_rows(sq *s, int64_t from)
{
    int rc = LN_OK;
    sqlite3_stmt *q = ln__sq_stmt(s->w, SQ_REPLAY);
    if (!q)
        return LN_ESTORE;
    sqlite3_bind_int64(q, 1, from);
    int r;
    while (!rc && (r = sqlite3_step(q)) == SQLITE_ROW) {
        ln_st_report x;
        memset(&x, 0, sizeof x);
        int64_t pos = sqlite3_column_int64(q, 0);
        ln__sq_text(q, 1, x.terminal, sizeof x.terminal);
        x.seq = sqlite3_column_int64(q, 2);
        x.t_unix_s = sqlite3_column_double(q, 3);
        x.lat_deg = sqlite3_column_double(q, 4);
        x.lon_deg = sqlite3_column_double(q, 5);
        x.billed_bytes = (uint64_t)sqlite3_column_int64(q, 6);
        x.reason = sqlite3_column_int(q, 7);
        ln__sq_text(q, 8, x.account, sizeof x.account);
        sq_term *t = ln__sq_term(s, x.terminal);
        if (!t)
            rc = LN_ESTORE;
        else if (pos > s->shard_pos[sq_shard(t->h)]) /* not folded yet */
            rc = ln__sq_ranges_add(t, x.seq);
        else
            t = NULL; /* its shard folded it: in the tables */
        if (!rc && t) {
            pthread_mutex_lock(&s->smu);
            rc = ln__sq_apply(s, t, &x, pos, -1);
            pthread_mutex_unlock(&s->smu);
        }
        s->replayed_upto = pos;
        if (pos >= s->next_pos)
            s->next_pos = pos + 1;
    }
    if (!rc && r != SQLITE_DONE)
        rc = ln__sq_fail(s->w, r, "replay");
    sqlite3_reset(q);
    return rc;
}

int ln__sq_reload(sq *s)
{
    pthread_mutex_lock(&s->smu);
    state_clear(s);
    pthread_mutex_unlock(&s->smu);
    atomic_store(&s->replayed, 0);
    atomic_store(&s->fold_wanted, 0);
    return ln__sq_replay(s);
}


