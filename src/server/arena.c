/*
 * arena.c - a per-thread bump arena for jansson's allocations while one
 * request's body is parsed (arena.h).
 *
 * Why: a telemetry batch of 1,000 reports is ~25,000 jansson allocations
 * (an object, its hash table, a pair and a value per member, each string)
 * and as many frees, all released together at json_decref: glibc's
 * malloc and free were ~12 % of the daemon's CPU during ingest (perf).
 * Here they are a pointer bump and a no-op (json_loadb alone on a 1,000-
 * report batch: 3.3-3.5 -> 2.7-2.8 us CPU per report).
 *
 * Why ours and not a library: jansson takes its allocator process-wide
 * (json_set_alloc_funcs), and the daemon's other threads (reads, the
 * answers' json_dumps, the parts) must keep plain malloc/free; what is
 * needed is "an arena for this thread, for this window only, with free()
 * deciding by address whether a block is the arena's" in ~100 lines, which
 * no Debian package offers in that shape (talloc and apr pools need every
 * allocation to name its pool, which jansson's callbacks cannot).
 *
 * How: each thread has a chain of chunks (newest first). Inside a window
 * (srv_arena_begin .. srv_arena_end) an allocation is cut from the newest
 * chunk (16-byte aligned), a new chunk (1 MB, or twice the request, or
 * twice the last chunk) is chained when it does not fit; an allocation
 * over ARENA_BIG goes to malloc. Outside a window the functions are
 * malloc and free. free() of an address inside one of this thread's
 * chunks does nothing; any other address goes to free(). At the window's
 * end a single chunk is rewound; a chain is freed and the next window
 * starts with one chunk of the total it used (at most ARENA_KEEP bytes
 * kept per thread between windows). A thread's chunks are freed when it
 * exits (a pthread key's destructor).
 *
 * Memory: ~1.7 KB of arena per report parsed (a 1,000-report batch of
 * 168 kB: 1.7 MB), kept per write worker between requests up to
 * ARENA_KEEP (16 workers: ~35 MB with such batches).
 */
#include <jansson.h>
#include <pthread.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "arena.h"

#define ARENA_CHUNK ((size_t)1 << 20)
#define ARENA_KEEP ((size_t)8 << 20)
#define ARENA_BIG ((size_t)4 << 20)

typedef struct chunk {
    struct chunk *next;
    size_t cap, used;
    alignas(16) unsigned char data[];
} chunk;

typedef struct arena {
    chunk *head;  /* newest first */
    size_t want;  /* the next first chunk's size */
    int on;       /* inside a window */
    int keyed;    /* the exit destructor is set for this thread */
} arena;

static _Thread_local arena A;
static pthread_key_t key;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void free_chain(arena *a)
{
    chunk *c = a->head;
    while (c) {
        chunk *n = c->next;
        free(c);
        c = n;
    }
    a->head = NULL;
}

static void on_exit_thread(void *p) { free_chain(p); }

static void *chain_new(size_t n)
{
    size_t cap = A.want > ARENA_CHUNK ? A.want : ARENA_CHUNK;
    while (cap < 2 * n)
        cap *= 2;
    if (A.head && cap < 2 * A.head->cap)
        cap = 2 * A.head->cap;
    chunk *c = malloc(sizeof *c + cap);
    if (!c)
        return NULL;
    if (!A.keyed) {
        pthread_setspecific(key, &A);
        A.keyed = 1;
    }
    c->next = A.head;
    c->cap = cap;
    c->used = 0;
    A.head = c;
    return c;
}

static void *a_malloc(size_t n)
{
    if (!A.on || n > ARENA_BIG)
        return malloc(n);
    n = (n + 15) & ~(size_t)15;
    chunk *c = A.head;
    if (!c || c->cap - c->used < n) {
        c = chain_new(n);
        if (!c)
            return malloc(n);
    }
    void *p = c->data + c->used;
    c->used += n;
    return p;
}

static void a_free(void *p)
{
    uintptr_t u = (uintptr_t)p;
    for (const chunk *c = A.head; c; c = c->next)
        if (u >= (uintptr_t)c->data && u < (uintptr_t)(c->data + c->cap))
            return;
    free(p);
}

static void install_once(void)
{
    pthread_key_create(&key, on_exit_thread);
    json_set_alloc_funcs(a_malloc, a_free);
}

void srv_arena_install(void) { pthread_once(&once, install_once); }

void srv_arena_begin(void) { A.on = 1; }

void srv_arena_end(void)
{
    A.on = 0;
    if (!A.head)
        return;
    if (!A.head->next && A.head->cap <= ARENA_KEEP) {
        A.head->used = 0;
        return;
    }
    size_t used = 0;
    for (const chunk *c = A.head; c; c = c->next)
        used += c->used;
    free_chain(&A);
    A.want = used + used / 4 < ARENA_KEEP ? used + used / 4 : ARENA_KEEP;
}
