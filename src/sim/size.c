/*
 * size.c - what a run will need, before it starts (ln_sim_estimate).
 *
 * Counts derived from the scenario (and the run's options) are checked
 * against the types that hold them: the step count (a long, and the
 * progress bar), the number of map windows (the activity map reads at
 * most LN_SIM_MAX_WINDOWS), terminals (int indices), terminal-steps (the
 * 32-bit counters of the RTT histogram and of the map). The memory the
 * engine will allocate is then estimated from the terminals, satellites,
 * windows, days, accounts and map cells with the sizes of the engine's
 * own arrays (sim_int.h), and compared with the machine's physical memory,
 * so that a scenario that cannot fit is refused in microseconds with the
 * figure, not after minutes of swapping or an out-of-memory kill.
 *
 * The estimate is an upper bound where a count is unknown before the run:
 * satellites of a TLE file = its size / 140 bytes (two 69-character lines
 * and their line ends), of an OMM file = its size / 300; map cells = the
 * fewer of the terminals, the H3 cells at map_res and
 * LN_SIM_MAX_MAP_CELLS (checked once the terminals are placed).
 */
#include <math.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/sim_int.h"

static double file_bytes(const char *path)
{
    struct stat st;
    return path[0] && stat(path, &st) == 0 ? (double)st.st_size : 0.0;
}

/* The memory a run may use: opt->mem_bytes when set, else the machine's
 * physical memory, bytes (INFINITY when unknown). */
static double phys_bytes(const ln_sim_options *opt)
{
    if (opt && isfinite(opt->mem_bytes) && opt->mem_bytes > 0)
        return opt->mem_bytes;
    long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGE_SIZE);
    if (pages <= 0 || psz <= 0)
        return INFINITY; /* unknown: no refusal */
    return (double)pages * (double)psz;
}

/* Bytes per terminal: the arrays of setup_terminals (engine.c), link's
 * (ln_link_terminal_bytes), and the sort key of the fixed terminals'
 * ordering. */
static double terminal_bytes(int slot)
{
    const ln__engine *e = NULL;
    size_t b = sizeof *e->lon + sizeof *e->lat + sizeof *e->site +
               sizeof *e->acct + sizeof *e->group + sizeof *e->track +
               sizeof *e->shift_s + sizeof *e->east_km +
               sizeof *e->north_km + sizeof *e->cell + sizeof *e->cell_row +
               sizeof *e->beam + sizeof *e->zone_at + sizeof *e->allowed +
               sizeof *e->status + sizeof *e->prev_status +
               sizeof *e->deny_zone + sizeof *e->dec +
               sizeof *e->demand_mbps + sizeof *e->dkey +
               sizeof *e->mobile + sizeof *e->tw_active +
               sizeof *e->tw_denied + sizeof *e->tw_outage +
               sizeof *e->ever_denied_zone + ln_link_terminal_bytes(slot);
    return (double)b + 48.0; /* + engine.c's pos_key during the setup */
}

static int too_many(ln_diag *diag, const char *path, const char *what,
                    double n, double max, const char *hint)
{
    return ln_diag_set(diag, LN_ESCENARIO, NULL, 0, 0, path,
                       "%.*g %s, more than the %.0f a run can hold%s%s",
                       n < 1e15 ? 15 : 3, n, what, max, hint[0] ? "; " : "",
                       hint);
}

int ln_sim_estimate(const ln_scenario *sc, const ln_sim_options *opt,
                    ln_sim_size *out, ln_diag *diag)
{
    ln_sim_size z = {0};
    double dur = sc->duration_s;
    const char *dpath = "duration_s";
    if (opt && opt->duration_s != 0) {
        if (!(isfinite(opt->duration_s) && opt->duration_s > 0))
            return ln_diag_set(diag, LN_ESCENARIO, NULL, 0, 0, "--duration",
                               "not a positive finite number of seconds");
        dur = opt->duration_s;
        dpath = "--duration";
    }
    /* steps, as the engine counts them (engine.c setup) */
    double steps = floor(dur / sc->step_s + 1e-9);
    if (!(steps <= (double)LN_SIM_MAX_STEPS))
        return too_many(diag, dpath, "steps", steps,
                        (double)LN_SIM_MAX_STEPS, "raise step_s");
    if (steps < 1)
        return ln_diag_set(diag, LN_ESCENARIO, NULL, 0, 0, dpath,
                           "%g s is shorter than step_s (%g s): not one "
                           "step", dur, sc->step_s);
    z.steps = (long)steps;
    double span = (double)z.steps * sc->step_s;
    double win = ceil(span / sc->window_s - 1e-9);
    if (!(win <= (double)LN_SIM_MAX_WINDOWS))
        return too_many(diag, "outputs.window_s", "map windows", win,
                        (double)LN_SIM_MAX_WINDOWS, "raise window_s");
    z.windows = win < 1 ? 1 : (long)win;
    double days = ceil(span / 86400.0 - 1e-9);
    z.days = days < 1 ? 1 : (long)days;
    /* terminals, as setup_terminals scales them */
    double total = 0;
    for (size_t g = 0; g < sc->ngroups; g++)
        total += (double)sc->groups[g].count;
    double scale = 1.0;
    if (opt && opt->max_terminals > 0 && total > 0)
        scale = (double)opt->max_terminals / total;
    for (size_t g = 0; g < sc->ngroups; g++)
        z.terminals += (double)llround((double)sc->groups[g].count * scale);
    if (!(z.terminals <= LN_SIM_MAX_TERMINALS))
        return too_many(diag, opt && opt->max_terminals > 0 ? "--terminals"
                                                            : "terminals",
                        "terminals", z.terminals, LN_SIM_MAX_TERMINALS, "");
    /* satellites */
    if (sc->nshells || sc->preset[0]) {
        const ln_shell *sh = sc->shells;
        size_t ns = sc->nshells;
        if (sc->preset[0])
            ns = ln_shells_gen1(&sh);
        for (size_t i = 0; i < ns; i++)
            z.satellites += (double)sh[i].planes * (double)sh[i].per_plane;
        if (!(z.satellites <= LN_SIM_MAX_SATELLITES))
            return too_many(diag, "constellation.shells", "satellites",
                            z.satellites, LN_SIM_MAX_SATELLITES, "");
    } else {
        z.satellites = sc->tle[0] ? floor(file_bytes(sc->tle) / 140.0)
                                  : floor(file_bytes(sc->omm) / 300.0);
    }
    /* map cells: H3 has 2 + 120 * 7^r cells at resolution r */
    z.map_cells = fmin(z.terminals, 2.0 + 120.0 * pow(7.0, sc->map_res));
    z.map_cells = fmin(z.map_cells, (double)LN_SIM_MAX_MAP_CELLS);
    /* memory */
    int nth = opt && opt->nthreads > 0 ? opt->nthreads : ln_ncpu();
    double slices = (double)sc->naccounts + (double)sc->nzones + 2.0;
    double b = z.terminals * terminal_bytes(sc->scheduler == LN_SCHED_SLOT);
    b += z.satellites * (sc->isl ? 1536.0 : 512.0);
    b += (double)z.windows * z.satellites * 2.0 * sizeof(float);
    b += z.map_cells * (double)z.windows * LN_ACTIVITY_CELLWIN_BYTES;
    /* writing the outputs (activity GeoJSON and page): 1.2 million
     * terminals in 1,085,471 cells at res 9 peaked at 5.3 GB, ~4.5 KiB a
     * cell beyond the engine's 0.5 GB */
    b += z.map_cells * 4608.0;
    b += slices * (double)(nth + 1) * sizeof(ln__counters);
    b += (double)z.days * (double)sc->naccounts * (double)(nth + 1) *
         sizeof(uint64_t); /* meter's usage per account and day */
    b += (double)sc->ngateways * 256.0;
    /* the program, its libraries, the zone and TLE files being read. The
     * built-in scenario peaks at 63 MB of RSS; this estimate says 163 MB,
     * as its 20,300 terminals could be in as many map cells */
    b += 32.0 * 1024 * 1024;
    z.bytes = b;
    z.mem_bytes = phys_bytes(opt);
    if (out)
        *out = z;
    if (z.bytes > z.mem_bytes) {
        const double gib = 1024.0 * 1024.0 * 1024.0;
        return ln_diag_set(diag, LN_ETOOBIG, NULL, 0, 0, NULL,
                           "this run needs ~%.1f GiB, this machine has "
                           "%.1f GiB (%.0f terminals, ~%.0f satellites, "
                           "%ld steps, %ld windows, up to %.0f map cells)",
                           z.bytes / gib, z.mem_bytes / gib, z.terminals,
                           z.satellites, z.steps, z.windows, z.map_cells);
    }
    /* products kept in fixed-width counters */
    double tsteps = z.terminals * (double)z.steps;
    /* a map cell's count in a window (uint32) is at most terminals x the
     * steps of a window; the other counters are 64-bit */
    double wsteps = ceil(sc->window_s / sc->step_s);
    double mapsteps = z.terminals * fmin((double)z.steps, wsteps);
    if (!(mapsteps <= LN_SIM_MAX_TERMINAL_STEPS))
        return too_many(diag, dpath,
                        "terminal-steps of a map window (terminals x "
                        "steps per window)",
                        mapsteps, LN_SIM_MAX_TERMINAL_STEPS,
                        "shorten outputs.window_s, raise step_s or use "
                        "fewer terminals");
    double peak = 0;
    for (size_t i = 0; i < sc->nplans; i++)
        peak = fmax(peak, sc->plans[i].peak_mbps);
    double bytes = peak * 1e6 / 8.0 * sc->step_s * tsteps;
    if (!(bytes < 18446744073709551615.0))
        return ln_diag_set(diag, LN_ESCENARIO, NULL, 0, 0,
                           "plans[].peak_mbps",
                           "up to %.3g bytes delivered, more than a 64-bit "
                           "counter holds", bytes);
    return 0;
}
