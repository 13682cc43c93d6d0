/*
 * bench_srv_decide.c - what a contract adds to leonetd's authorization
 * decision (srv_decide: the terminal's record, its protection and kill
 * bits, ln_policy_decide_terminal, the alert code), in process, without
 * HTTP (issue 15; docs/BENCHMARKS.md "contract check on decisions").
 *
 *   bench_srv_decide PLAIN.db CONTRACT.db [ROUNDS]   (default 20)
 *
 * PLAIN.db: `leonetd seed` of the built-in day (20,300 terminals, its
 * zones); CONTRACT.db: the same with the defence contract stored (5,300
 * protected terminals), made by bench/trust/decide.sh. Each round decides
 * every terminal at its seeded position on both daemons, alternating (so
 * load hits both alike); prints ns per decision of each one's fastest
 * round and the overhead (goal < 5 %). Never part of the tests.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server/srv_int.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

typedef struct ids {
    char (*id)[LN_ST_ID];
    size_t n, cap;
} ids;

static int on_term(void *u, const ln_st_terminal *t)
{
    ids *x = u;
    if (x->n == x->cap) {
        x->cap = x->cap ? 2 * x->cap : 1024;
        x->id = realloc(x->id, x->cap * sizeof *x->id);
    }
    memcpy(x->id[x->n++], t->id, LN_ST_ID);
    return 0;
}

static int open_one(const char *path, ln_store **st, srv **s)
{
    ln_diag d;
    ln_diag_clear(&d);
    char b[1200];
    ln_server_config c;
    ln_server_config_init(&c);
    c.access_log = 0;
    if (ln_store_open(path, st, &d) || srv_new(*st, &c, s, &d)) {
        fprintf(stderr, "bench_srv_decide: %s: %s\n", path,
                ln_diag_format(&d, b, sizeof b));
        return 2;
    }
    return 0;
}

static volatile long sink;

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_srv_decide PLAIN.db CONTRACT.db "
                "[ROUNDS]\n");
        return 2;
    }
    int rounds = argc > 3 ? atoi(argv[3]) : 20;
    ln_store *st[2];
    srv *s[2];
    for (int k = 0; k < 2; k++)
        if (open_one(argv[1 + k], &st[k], &s[k]))
            return 2;
    ids x = {0};
    if (ln_store_list_terminals(st[0], NULL, 0, 0, on_term, &x, NULL) ||
        !x.n)
        return 2;
    double best[2] = {INFINITY, INFINITY};
    long prot = 0;
    for (int r = 0; r < rounds; r++)
        for (int k = 0; k < 2; k++) {
            long allowed = 0;
            srv_decision dd;
            double t0 = now();
            for (size_t i = 0; i < x.n; i++) {
                if (srv_decide(s[k], x.id[i], NAN, NAN, 1.7e9, &dd))
                    return 3;
                allowed += dd.d.allowed;
            }
            double dt = (now() - t0) / (double)x.n * 1e9;
            sink += allowed;
            if (dt < best[k])
                best[k] = dt;
            if (k == 1)
                prot = allowed;
        }
    printf("terminals %zu, rounds %d, allowed (contract db) %ld\n", x.n,
           rounds, prot);
    printf("srv_decide plain     %.1f ns\n", best[0]);
    printf("srv_decide contract  %.1f ns  (%+.1f %%)\n", best[1],
           100.0 * (best[1] / best[0] - 1));
    for (int k = 0; k < 2; k++) {
        srv_free(s[k]);
        ln_store_close(st[k]);
    }
    free(x.id);
    return 0;
}
