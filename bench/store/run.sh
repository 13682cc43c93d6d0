#!/usr/bin/env bash
# run.sh - the store's benchmark (bench_store.c): ln_store_ingest rows/s,
# 1 and 2 caller threads, beside raw SQLite inserting the same rows.
# usage: bench/store/run.sh [BUILD [NTERM [ROUNDS [BATCH]]]]
#        (default build 100000 20 1000); BUILD holds libleonet_*.a
# The files go in a mkdtemp folder under BUILD (a real disk: fsync counts;
# never tmpfs), removed at the end.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(realpath "${1:-build}")
shift || true
bin=$build/bench_store
cc -O2 -std=c17 -D_GNU_SOURCE -Wall -Wextra -I"$root/include" -I"$root/src" "$here/bench_store.c" \
   -o "$bin" "$build/libleonet_store.a" "$build/libleonet_core.a" \
   $(pkg-config --cflags --libs sqlite3) -lpthread -lm
dir=$(mktemp -d "$build/bench_store.XXXXXX")
trap 'rm -rf "$dir"' EXIT
echo "=== bench store ($(date -u +%FT%TZ); $(uptime | sed 's/.*load/load/'))"
"$bin" "$dir" "$@"
