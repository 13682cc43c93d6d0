#!/usr/bin/env bash
# audit.sh - the audit log in the store (bench_audit.c): appends/s with a
# signed checkpoint per transaction, inclusion and consistency proofs/s
# from the store, at N leaves.
# usage: bench/store/audit.sh [BUILD [N [APPENDS [PROOFS]]]]
#        bench/store/audit.sh BUILD --verify DB   (the start check's time)
#        (default build 10000000 2000 20000); BUILD holds libleonet_*.a
# The file goes in a mkdtemp folder under BUILD (a real disk: fsync
# counts), removed at the end; 10 million leaves take about 1.3 GB.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(realpath "${1:-build}")
shift || true
bin=$build/bench_audit
cc -O2 -std=c17 -D_GNU_SOURCE -Wall -Wextra -I"$root/include" -I"$root/src" \
   "$here/bench_audit.c" -o "$bin" "$build/libleonet_store.a" \
   "$build/libleonet_trust.a" "$build/libleonet_meter.a" \
   "$build/libleonet_policy.a" "$build/libleonet_geo.a" \
   "$build/libleonet_core.a" \
   $(pkg-config --cflags --libs sqlite3 libsodium jansson) -lcsv -fopenmp \
   -lpthread -lm
if [ "${1:-}" = --verify ]; then exec "$bin" "$@"; fi
dir=$(mktemp -d "$build/bench_audit.XXXXXX")
trap 'rm -rf "$dir"' EXIT
echo "=== bench audit ($(date -u +%FT%TZ); $(uptime | sed 's/.*load/load/'))"
"$bin" "$dir" "$@"
