/* placeholder replaced below */
#include "cli/cli.h"
int ln_cmd_propagate(int argc, char **argv) { (void)argc; (void)argv; return 2; }
int ln_bench_propagate(int argc, char **argv) { (void)argc; (void)argv; return 2; }
