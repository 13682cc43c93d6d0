/*
 * arena.h - a per-thread bump arena for jansson's allocations while one
 * request's body is parsed (arena.c).
 */
#ifndef LN_SERVER_ARENA_H
#define LN_SERVER_ARENA_H

/* Installs the arena's allocation functions as jansson's (process-wide:
 * json_set_alloc_funcs), once per process: srv_new calls it before the
 * server's threads start; later calls do nothing. Outside an arena
 * window they are malloc and free. */
void srv_arena_install(void);

/* Opens the calling thread's arena window: jansson's allocations of this
 * thread come from the arena until srv_arena_end, and freeing them costs
 * nothing. Every json_t made inside the window must be released
 * (json_decref) before srv_arena_end, in the same thread, and nothing
 * jansson allocates inside the window (json_dumps...) may outlive it. */
void srv_arena_begin(void);

/* Closes the window: the arena's memory is reused by the next window
 * (kept up to a cap, beyond which it goes back to the system). */
void srv_arena_end(void);

#endif
