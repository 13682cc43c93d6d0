#!/usr/bin/env bash
# run.sh - the audit log's benchmark (bench_trust.c): appends/s, inclusion
# and consistency proofs per second at N leaves, a contract check's cost.
# usage: bench/trust/run.sh [BUILD [N [SHIFT...]]]
#        (default build 10000000 8 4); BUILD holds libleonet_*.a
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(realpath "${1:-build}")
shift || true
bin=$build/bench_trust
cc -O2 -std=c17 -D_GNU_SOURCE -Wall -Wextra -I"$root/include" -I"$root/src" \
   "$here/bench_trust.c" -o "$bin" "$build/libleonet_trust.a" \
   "$build/libleonet_policy.a" "$build/libleonet_geo.a" \
   "$build/libleonet_core.a" \
   $(pkg-config --cflags --libs libsodium jansson libcsv 2>/dev/null ||
     pkg-config --cflags --libs libsodium jansson) -lcsv -fopenmp -lpthread -lm
echo "=== bench trust ($(date -u +%FT%TZ); $(uptime | sed 's/.*load/load/'))"
"$bin" "$@"
