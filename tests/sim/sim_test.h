/*
 * sim_test.h - shared by the engine tests: run a scenario given as JSON
 * text into a directory and return its summary.json.
 */
#ifndef LN_SIM_TEST_H
#define LN_SIM_TEST_H

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "leonet/sim.h"

/* Parses text, runs it on `threads` threads into dir (outputs written),
 * returns the parsed summary.json (json_decref it); fails the test on
 * any error, printing the diagnostic. */
static inline json_t *sim_run_text(const char *text, int threads,
                                   const char *dir)
{
    ln_scenario *sc;
    ln_diag d;
    int rc = ln_scenario_parse(text, strlen(text), NULL, &sc, &d);
    if (rc)
        print_error("%s: %s\n", d.path, d.msg);
    assert_int_equal(rc, 0);
    ln_sim_options o = {0};
    o.nthreads = threads;
    o.out_dir = dir;
    o.quiet = 1;
    o.write_outputs = 1;
    rc = ln_sim_run(sc, &o, NULL, &d);
    if (rc)
        print_error("%s\n", d.msg);
    assert_int_equal(rc, 0);
    ln_scenario_free(sc);
    char p[512];
    snprintf(p, sizeof p, "%s/summary.json", dir);
    json_error_t je;
    json_t *j = json_load_file(p, 0, &je);
    if (!j)
        print_error("%s: %s\n", p, je.text);
    assert_non_null(j);
    return j;
}

#endif
