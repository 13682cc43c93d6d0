#!/usr/bin/env bash
# decide.sh - the contract check's cost on decisions (bench_decide.c):
# ln_policy_decide vs ln_policy_decide_terminal with the protected flag
# vs ln_trust_contract_protects per decision, on the built-in day.
# usage: bench/trust/decide.sh [BUILD [ROUNDS]]  (default build 20)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(realpath "${1:-build}")
shift || true
bin=$build/bench_decide
cc=cc
command -v mpicc >/dev/null && nm "$build/libleonet_sim.a" 2>/dev/null |
    grep -q ' U MPI_' && cc=mpicc
$cc -O2 -std=c17 -D_GNU_SOURCE -Wall -Wextra -I"$root/include" \
   -I"$root/src" "$here/bench_decide.c" -o "$bin" \
   "$build"/libleonet_sim.a "$build"/libleonet_activity.a \
   "$build"/libleonet_meter.a "$build"/libleonet_net.a \
   "$build"/libleonet_link.a "$build"/libleonet_orbit.a \
   "$build"/libleonet_trust.a "$build"/libleonet_policy.a \
   "$build"/libleonet_geo.a "$build"/libleonet_core.a \
   $(pkg-config --cflags --libs libsodium jansson cairo libpng) -lgif \
   -lcsv -fopenmp -lpthread -lm
echo "=== bench decide ($(date -u +%FT%TZ); $(uptime | sed 's/.*load/load/'))"
"$bin" "$@"
