/*
 * builtin.c - the built-in scenarios: data/scenarios/<name>.json, compiled
 * into the program by cmake/embed.cmake so that `leonet run` needs no
 * scenario file. The data files they name (TLEs, zones, places) are found
 * through ln_data_path.
 */
#include <string.h>

#include "leonet/sim.h"

extern const char *const ln__builtin_names[];
extern const char *const ln__builtin_texts[];

const char *ln_scenario_builtin(const char *name)
{
    for (size_t i = 0; ln__builtin_names[i]; i++)
        if (strcmp(ln__builtin_names[i], name) == 0)
            return ln__builtin_texts[i];
    return NULL;
}

const char *const *ln_scenario_builtin_names(void)
{
    return ln__builtin_names;
}
