/*
 * env.c - the environment variables leonet reads, in one place.
 *
 * The library reads no environment: options reach it through structs and
 * process-wide setters, and the command line fills them from here
 * (docs/cli.md, Environment):
 *   LN_SIMD=scalar|avx2|avx512   highest SGP4 batch kernel
 *                                (ln_orbit_set_kernel)
 *   LN_GEOFENCE_CPE=K            fine grid cells per polygon edge
 *                                (ln_geo_set_cells_per_edge)
 *   LN_CELL_DEBUG=1              cell table derivation failures on stderr
 *                                (ln_cell_set_debug)
 *   CI=...                       no progress bar (ln_progress_enable)
 *   LEONET_DATA=DIR              data folder of scenarios
 *                                (ln_scenario_options.data_dir)
 *   LEONET_MEM_BYTES=N           memory a run is checked against
 *                                (ln_sim_options.mem_bytes)
 *   LEONET_SIM_PHASES=1          phase times of the step loop
 *                                (ln_sim_options.phases)
 * (LEONET_NO_RESPAWN and the OpenMP variables are main.c's.)
 */
#include <math.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "leonet/cell.h"
#include "leonet/geofence.h"
#include "leonet/orbit.h"
#include "leonet/sim.h"

void ln_cli_env_init(void)
{
    ln_orbit_set_kernel(getenv("LN_SIMD"));
    const char *cpe = getenv("LN_GEOFENCE_CPE");
    if (cpe)
        ln_geo_set_cells_per_edge(atof(cpe));
    const char *dbg = getenv("LN_CELL_DEBUG");
    if (dbg && *dbg && *dbg != '0')
        ln_cell_set_debug(stderr);
    const char *ci = getenv("CI");
    if (ci && *ci)
        ln_progress_enable(0);
}

void ln_cli_env_sim(ln_sim_options *o)
{
    const char *mem = getenv("LEONET_MEM_BYTES");
    if (mem && *mem) {
        char *end;
        double v = strtod(mem, &end);
        if (!*end && isfinite(v) && v > 0)
            o->mem_bytes = v;
    }
    const char *ph = getenv("LEONET_SIM_PHASES");
    o->phases = ph && ph[0] == '1';
}

const ln_scenario_options *ln_cli_scenario_options(void)
{
    static ln_scenario_options so;
    so.data_dir = getenv("LEONET_DATA");
    return &so;
}
