/*
 * fuzz_scenario.c - libFuzzer harness for the scenario reader and the
 * run's size estimate: any input either parses into a scenario or is
 * refused with a diagnostic that has a message; a parsed scenario then
 * goes through ln_sim_estimate (never the engine), which must refuse with
 * a message or give counts within the documented limits (steps, windows,
 * terminals, terminal-steps) and a finite memory figure.
 *
 * Two kinds of input: JSON text (the built-in scenario is a seed), or
 * "#N" followed by up to 12 numbers (strtod syntax: nan, inf, 1e999 and
 * 1e308 welcome), substituted into a scenario template's duration_s,
 * step_s, window_s, map_res, two groups' counts, peak_mbps, a Walker
 * shell's planes and per_plane, beam_res and the run's --duration and
 * --terminals, so that extreme numbers reach the checks behind the JSON
 * syntax.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leonet/sim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_estimate(const ln_scenario *sc, const double *opt)
{
    ln_sim_options o = {0};
    o.nthreads = 1;
    o.quiet = 1;
    o.mem_bytes = 1e11; /* the same on any machine */
    if (opt) {
        o.duration_s = opt[0];
        o.max_terminals = isfinite(opt[1]) && opt[1] >= 0 && opt[1] < 1e15
                              ? (long)opt[1]
                              : 0;
    }
    ln_sim_size z;
    ln_diag d;
    ln_diag_clear(&d);
    int rc = ln_sim_estimate(sc, &o, &z, &d);
    if (rc) {
        if ((rc != LN_ESCENARIO && rc != LN_ETOOBIG) || !d.msg[0])
            abort();
        return;
    }
    if (z.steps < 1 || z.steps > LN_SIM_MAX_STEPS || z.windows < 1 ||
        z.windows > LN_SIM_MAX_WINDOWS || !(z.terminals >= 0) ||
        z.terminals > LN_SIM_MAX_TERMINALS ||
        z.terminals * fmin((double)z.steps,
                           ceil(sc->window_s / sc->step_s)) >
            LN_SIM_MAX_TERMINAL_STEPS || /* a map window's count */
        !isfinite(z.bytes) || z.bytes > z.mem_bytes)
        abort();
}

static int template(const uint8_t *data, size_t size, char *out, size_t n,
                    double opt[2])
{
    static const double def[12] = {3600, 60, 900, 5, 10, 10, 10, 2, 3, 0,
                                   0, 5};
    double v[12];
    memcpy(v, def, sizeof v);
    char buf[1024];
    size_t k = size - 2 < sizeof buf - 1 ? size - 2 : sizeof buf - 1;
    memcpy(buf, data + 2, k);
    buf[k] = '\0';
    char *p = buf, *end;
    for (int i = 0; i < 12; i++) {
        double x = strtod(p, &end);
        if (end == p)
            break;
        v[i] = x;
        p = end;
    }
    opt[0] = v[9];
    opt[1] = v[10];
    return snprintf(out, n,
        "{\"name\":\"f\",\"start\":\"2022-10-09T00:00:00Z\","
        "\"duration_s\":%.17g,\"step_s\":%.17g,"
        "\"constellation\":{\"shells\":[{\"alt_km\":550,\"incl_deg\":53,"
        "\"planes\":%.17g,\"per_plane\":%.17g}]},"
        "\"link\":{\"beam_res\":%.17g},"
        "\"gateways\":[{\"name\":\"g\",\"lat\":50,\"lon\":20}],"
        "\"plans\":[{\"id\":\"p\",\"hardware_usd\":1,\"monthly_usd\":1,"
        "\"peak_mbps\":%.17g}],\"accounts\":[{\"id\":\"a\",\"plan\":\"p\"}],"
        "\"terminals\":[{\"kind\":\"mobile\",\"count\":%.17g,\"account\":"
        "\"a\",\"tracks\":[{\"waypoints\":[{\"lat\":1,\"lon\":2,\"t_s\":0}]}]},"
        "{\"kind\":\"mobile\",\"count\":%.17g,\"account\":\"a\",\"tracks\":"
        "[{\"waypoints\":[{\"lat\":1,\"lon\":2,\"t_s\":0}]}]}],"
        "\"outputs\":{\"window_s\":%.17g,\"map_res\":%.17g}}",
        v[0], v[1], v[7], v[8], v[11], v[6], v[4], v[5], v[2], v[3]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char text[4096];
    const char *t = (const char *)data;
    size_t len = size;
    double opt[2], *po = NULL;
    if (size >= 2 && data[0] == '#' && data[1] == 'N') {
        int w = template(data, size, text, sizeof text, opt);
        if (w < 0 || (size_t)w >= sizeof text)
            return 0;
        t = text;
        len = (size_t)w;
        po = opt;
    }
    ln_scenario *sc = NULL;
    ln_diag d;
    ln_diag_clear(&d);
    int rc = ln_scenario_parse(t, len, "fuzz.json", &sc, &d);
    if (rc == 0) {
        if (!sc)
            abort();
        check_estimate(sc, po);
        ln_scenario_free(sc);
    } else if (rc != LN_ENOMEM && d.msg[0] == '\0') {
        abort(); /* an error must say what is wrong */
    }
    return 0;
}
