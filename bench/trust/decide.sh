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

# leonetd's srv_decide with and without the defence contract (in process:
# bench_srv_decide.c over two seeded stores; the contract registered over
# HTTP with the scenario's published test keys)
sbin=$build/bench_srv_decide
$cc -O2 -std=c17 -D_GNU_SOURCE -Wall -Wextra -I"$root/include" \
   -I"$root/src" "$here/bench_srv_decide.c" -o "$sbin" \
   "$build"/libleonet_server.a "$build"/libleonet_store.a \
   "$build"/libleonet_sim.a "$build"/libleonet_activity.a \
   "$build"/libleonet_meter.a "$build"/libleonet_net.a \
   "$build"/libleonet_link.a "$build"/libleonet_orbit.a \
   "$build"/libleonet_trust.a "$build"/libleonet_policy.a \
   "$build"/libleonet_geo.a "$build"/libleonet_core.a \
   $(pkg-config --cflags --libs libsodium jansson cairo libpng sqlite3 \
     libmicrohttpd) -lgif -lcsv -fopenmp -lpthread -lm
tmp=$(mktemp -d)
trap 'kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT
"$build/bin/leonetd" seed --db "$tmp/plain.db" >/dev/null 2>&1
cp "$tmp/plain.db" "$tmp/contract.db"
cp "$tmp/plain.db.logkey" "$tmp/contract.db.logkey"
cp "$tmp/plain.db.logkey.pub" "$tmp/contract.db.logkey.pub"
tok=$("$build/bin/leonetd" token create --db "$tmp/contract.db" \
      --role operator 2>/dev/null)
"$build/bin/leonetd" serve --db "$tmp/contract.db" --listen 127.0.0.1:0 \
    >"$tmp/out" 2>/dev/null &
pid=$!
for _ in $(seq 50); do grep -q listening "$tmp/out" && break; sleep 0.1; done
url=$(head -1 "$tmp/out" | awk '{print $4}')
doc=$root/data/scenarios/ukraine-2022/contract-defence.json
for p in operator customer; do
  "$build/bin/leonet" sign "$doc" --contract \
      --key "$root/data/scenarios/keys/$p.key" > "$tmp/$p.sig"
done
"$build/bin/leonet" contract register "$doc" --url "$url" --token "$tok" \
    --sig "$tmp/operator.sig,$tmp/customer.sig"
kill $pid; wait $pid 2>/dev/null || true
"$sbin" "$tmp/plain.db" "$tmp/contract.db" "${1:-20}"
