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

const char *ln_scenario_builtin_arg(const char *arg)
{
    if (!arg || strchr(arg, '/') || strstr(arg, ".json"))
        return NULL;
    return ln_scenario_builtin(arg);
}

int ln_scenario_open(const char *arg, const ln_scenario_options *opt,
                     ln_scenario **out, ln_diag *diag)
{
    const char *text = ln_scenario_builtin_arg(arg);
    if (text)
        return ln_scenario_parse_opt(text, strlen(text), "built-in", opt,
                                     out, diag);
    return ln_scenario_load_opt(arg, opt, out, diag);
}
