/*
 * bench_decide.c - what the contract check adds to an authorization
 * decision (issue 15; docs/BENCHMARKS.md "contract check on decisions").
 *
 *   bench_decide [ROUNDS]        (default 20)
 *
 * Input: the built-in day ukraine-2022 - its zone set (the scenario's
 * zone files, as the engine loads them) and its 20,300 terminals where
 * the engine places them at the start (ln_sim_fleet_new), with the
 * defence account protected by the scenario's contract. Three ways to
 * decide every terminal, in one run, interleaved round by round (so load
 * changes hit all three alike):
 *   plain     ln_policy_decide (no contract)
 *   flag      ln_policy_decide_terminal with the terminal's
 *             LN_POLICY_PROTECTED bit, resolved once at setup (what
 *             leonet run does)
 *   protects  ln_trust_contract_protects per decision, then
 *             ln_policy_decide_terminal (for reference: the check done
 *             per decision instead of once)
 * Prints ns per decision of each one's fastest round (the least
 * disturbed by other load) and the overheads; the goal is < 5 %
 * for "flag". Built by bench/trust/decide.sh; never part of the tests.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "leonet/policy.h"
#include "leonet/sim.h"
#include "leonet/trust.h"
#include "leonet/zone.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static volatile long sink;

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 20;
    ln_diag d;
    ln_diag_clear(&d);
    ln_scenario *sc;
    ln_sim_fleet *fl;
    ln_zoneset *zs;
    char b[1200];
    if (ln_scenario_open("ukraine-2022", NULL, &sc, &d) ||
        ln_sim_fleet_new(sc, NULL, &fl, &d) ||
        ln_zoneset_new(sc->default_action, &zs)) {
        fprintf(stderr, "%s\n", ln_diag_format(&d, b, sizeof b));
        return 2;
    }
    for (size_t z = 0; z < sc->nzones; z++)
        if (ln_zoneset_load_geojson(zs, sc->zones[z].file, 0, &d)) {
            fprintf(stderr, "%s\n", ln_diag_format(&d, b, sizeof b));
            return 2;
        }
    /* the scenario's contract, read as the simulator reads it */
    char path[LN_PATH_MAX], *text;
    size_t n;
    ln_trust_contract *c;
    ln_data_path("scenarios/ukraine-2022/contract-defence.json", NULL, NULL,
                 path, sizeof path);
    if (ln_read_file(path, 1 << 20, &text, &n, &d) ||
        ln_trust_contract_parse(text, n, &c, &d)) {
        fprintf(stderr, "%s\n", ln_diag_format(&d, b, sizeof b));
        return 2;
    }
    ln_policy *p;
    ln_policy_new(zs, sc->naccounts, &p);
    /* an ungranted kill of every account: the protected terminals must
     * still be decided through the zones, as the others */
    size_t nt = fl->n;
    unsigned char *fla = calloc(nt, 1);
    char (*tid)[24] = calloc(nt, sizeof *tid);
    for (size_t i = 0; i < nt; i++) {
        snprintf(tid[i], sizeof tid[i], "UT%08zu", i);
        fla[i] = ln_trust_contract_protects(
                     c, sc->accounts[fl->account[i]].id, tid[i], NULL)
                     ? LN_POLICY_PROTECTED : 0;
    }
    double t0 = sc->start_unix_s + 43200, tp = 1e30, tf = 1e30, tc = 1e30, u;
    long np = 0;
    for (size_t i = 0; i < nt; i++)
        np += fla[i];
    for (int r = 0; r < rounds; r++) {
        long a = 0;
        double s = now();
        for (size_t i = 0; i < nt; i++)
            a += ln_policy_decide(p, fl->account[i], fl->lat_rad[i],
                                  fl->lon_rad[i], t0).allowed;
        u = now() - s;
        tp = u < tp ? u : tp;
        s = now();
        for (size_t i = 0; i < nt; i++)
            a += ln_policy_decide_terminal(p, fl->account[i], fla[i],
                                           fl->lat_rad[i], fl->lon_rad[i],
                                           t0).allowed;
        u = now() - s;
        tf = u < tf ? u : tf;
        s = now();
        for (size_t i = 0; i < nt; i++) {
            unsigned f = ln_trust_contract_protects(
                             c, sc->accounts[fl->account[i]].id, tid[i],
                             NULL) ? LN_POLICY_PROTECTED : 0;
            a += ln_policy_decide_terminal(p, fl->account[i], f,
                                           fl->lat_rad[i], fl->lon_rad[i],
                                           t0).allowed;
        }
        u = now() - s;
        tc = u < tc ? u : tc;
        sink += a;
    }
    double k = 1e9 / (double)nt; /* the fastest round of each */
    printf("decide: %zu terminals (%ld protected), %d rounds, built-in day "
           "zones\n", nt, np, rounds);
    printf("plain     %zu %.1f ns/op\n", nt * rounds, tp * k);
    printf("flag      %zu %.1f ns/op  (+%.1f %%)\n", nt * rounds, tf * k,
           100 * (tf / tp - 1));
    printf("protects  %zu %.1f ns/op  (+%.1f %%)\n", nt * rounds, tc * k,
           100 * (tc / tp - 1));
    ln_policy_free(p);
    ln_trust_contract_free(c);
    free(text);
    free(fla);
    free(tid);
    ln_zoneset_free(zs);
    ln_sim_fleet_free(fl);
    ln_scenario_free(sc);
    return 0;
}
