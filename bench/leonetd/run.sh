#!/usr/bin/env bash
# run.sh - bench/leonetd: leonetd's authorization decisions and durable
# telemetry ingest under wrk (keep-alive, loopback), side by side in the
# same run with libmicrohttpd answering a fixed body (mhd_fixed.c, the
# HTTP layer alone) and with PostGIS making the same decision
# (postgis.sh, pgbench, same number of clients); the telemetry figure
# beside the store alone (store_ingest.c: ln_store_ingest from 2 and 8
# threads, no HTTP, no JSON). On demand, never in the test suite
# (docs/BENCHMARKS.md, "leonetd").
#
# usage: bench/leonetd/run.sh [BUILD_DIR]     (default build)
# env:   CONNS  wrk/pgbench connections (32)     SECS  seconds per run (10)
#        NTERM  registered terminals (100000: scenario-100k.json; other
#               values seed the built-in scenario's 20,300)
#        TCONNS connections for the telemetry run (CONNS)
#        BATCH  reports per telemetry request (1000)
#        WRK_THREADS (2)   ONLY "authz mhd telemetry store postgis" subset
#        ROUNDS (3): the authorization runs, leonetd and mhd_fixed
#               alternating, and PostGIS's, each ROUNDS times; on a shared
#               machine the best round of each side counts (as bench/cell)
# Everything goes to a mktemp -d folder, removed on exit. Prints one
# "result ..." line per measurement and the ratios at the end.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
conns=${CONNS:-32} secs=${SECS:-10} nterm=${NTERM:-100000} rounds=${ROUNDS:-3}
tconns=${TCONNS:-$conns} batch=${BATCH:-1000} wt=${WRK_THREADS:-2}
only=${ONLY:-authz mhd telemetry store postgis}
lnd=$build/bin/leonetd
sc=$here/scenario-100k.json
[ "$nterm" = 100000 ] || sc=$root/data/scenarios/ukraine-2022.json
export LEONET_DATA=$root/data
tmp=$(mktemp -d /tmp/lnbench.XXXXXX)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT
say() { echo "[$(date -u +%T) $(cut -d' ' -f1-3 /proc/loadavg)] $*"; }
has() { case " $only " in *" $1 "*) return 0 ;; esac; return 1; }

# start CMD... : runs it in the background, waits for its first stdout
# line "... listening on http://127.0.0.1:PORT", sets $port and $pid
start() {
    local out=$tmp/start.$$.$RANDOM
    mkfifo "$out"
    "$@" >"$out" 2>>"$tmp/daemon.log" &
    pid=$!
    pids+=("$pid")
    exec 9<"$out"
    read -r line <&9
    port=${line##*:}
    # keep draining its stdout so it never blocks on a full pipe
    cat <&9 >/dev/null &
    pids+=("$!")
    exec 9<&-
    rm -f "$out"
}

# wrkrun NAME SCRIPT PORT CONNS: one wrk run, prints the result line
wrkrun() {
    local name=$1 script=$2 p=$3 c=$4
    nice -n 10 wrk -t "$wt" -c "$c" -d "${secs}s" --latency -s "$script" \
        "http://127.0.0.1:$p" >"$tmp/wrk_$name.out" 2>&1
    local rps p99 non2xx
    rps=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$tmp/wrk_$name.out")
    p99=$(awk '$1 == "99%" {print $2}' "$tmp/wrk_$name.out")
    non2xx=$(sed -n 's/.*Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' \
        "$tmp/wrk_$name.out")
    say "result $name conns=$c requests_per_s=$rps p99=$p99 non2xx=${non2xx:-0}"
    sed 's/^/    /' "$tmp/wrk_$name.out"
    eval "rps_$name=$rps"
}

say "bench leonetd: NTERM=$nterm CONNS=$conns SECS=$secs wrk threads=$wt"
db=$tmp/leonet.db
t0=$(date +%s.%N)
"$lnd" seed --db "$db" --scenario "$sc" >/dev/null
say "seeded $nterm terminals in $(echo "$(date +%s.%N) - $t0" | bc) s"
tok=$("$lnd" token create --db "$db" --role operator)
export LN_TOKEN=$tok LN_NTERM=$nterm LN_BATCH=$batch

start nice -n 10 "$lnd" serve --db "$db" --listen 127.0.0.1:0
lport=$port lpid=$pid
say "leonetd on port $lport (pid $lpid): $(curl -s "http://127.0.0.1:$lport/healthz")"
# one request by hand: the answer wrk will be hammering
curl -s -H "Authorization: Bearer $tok" \
    "http://127.0.0.1:$lport/v1/terminals/UT00000042/authorization?lat=48.5&lon=37.9"
echo

if has mhd; then
    cc -O2 -std=c17 -D_DEFAULT_SOURCE "$here/mhd_fixed.c" \
        $(pkg-config --cflags --libs libmicrohttpd) -o "$tmp/mhd_fixed"
    start nice -n 10 "$tmp/mhd_fixed"
    mport=$port mpid=$pid
fi
best() { tr ' ' '\n' | grep . | sort -g | tail -1; }
all_authz="" all_mhd=""
for round in $(seq "$rounds"); do
    if has authz; then
        wrkrun authz "$here/authz.lua" "$lport" "$conns"
        all_authz="$all_authz $rps_authz"
    fi
    if has mhd; then
        wrkrun mhd "$here/authz.lua" "$mport" "$conns"
        all_mhd="$all_mhd $rps_mhd"
    fi
done
has mhd && kill "$mpid"
rps_authz=$(echo "$all_authz" | best) rps_mhd=$(echo "$all_mhd" | best)
say "result authz_rounds requests_per_s:$all_authz (best $rps_authz)"
say "result mhd_rounds requests_per_s:$all_mhd (best $rps_mhd)"
if has telemetry; then
    rows() { python3 -c "import sqlite3,sys; c=sqlite3.connect('file:'+sys.argv[1]+'?mode=ro',uri=True); print(c.execute('select count(*) from reports').fetchone()[0])" "$db"; }
    before=$(rows)
    t0=$(date +%s.%N)
    wrkrun telemetry "$here/telemetry.lua" "$lport" "$tconns"
    t1=$(date +%s.%N)
    after=$(rows)
    say "result telemetry_rows new_rows=$((after - before)) reports_per_s=$(echo "($after - $before) / ($t1 - $t0)" | bc) (rows counted in the SQLite file; wrk's requests x $batch = $(echo "$rps_telemetry * $batch" | bc))"
fi
if has store; then
    b=$build
    cc -O2 -std=c17 -D_DEFAULT_SOURCE -I"$root/include" "$here/store_ingest.c" \
        "$b/libleonet_store.a" "$b/libleonet_meter.a" "$b/libleonet_policy.a" \
        "$b/libleonet_geo.a" "$b/libleonet_core.a" \
        $(pkg-config --libs sqlite3 jansson) -fopenmp -lpthread -lm \
        -o "$tmp/store_ingest"
    for th in 2 8; do
        mkdir -p "$tmp/store$th"
        say "result $(nice -n 10 "$tmp/store_ingest" "$tmp/store$th" "$th" \
            "$secs" "$nterm" "$batch")"
        rm -rf "$tmp/store$th"
    done
fi
if has postgis; then
    # the cross-check: the same 2,000 (terminal, position) questions to
    # leonetd and to PostGIS, answers compared
    python3 - "$lport" "$tok" "$nterm" >"$tmp/points.lnd" <<'PY'
import json, random, sys, urllib.request
port, tok, nterm = sys.argv[1], sys.argv[2], int(sys.argv[3])
rnd = random.Random(7)
for _ in range(2000):
    t = "UT%08d" % rnd.randrange(nterm)
    lat, lon = 44 + rnd.random() * 8.5, 22 + rnd.random() * 18.5
    r = urllib.request.Request("http://127.0.0.1:%s/v1/terminals/%s/authorization?lat=%.6f&lon=%.6f" % (port, t, lat, lon), headers={"Authorization": "Bearer " + tok})
    try:
        body = json.load(urllib.request.urlopen(r))
    except urllib.error.HTTPError as e:
        body = json.load(e)
    c = body.get("content") or {}
    print(t, "%.6f" % lat, "%.6f" % lon, json.dumps(c, sort_keys=True))
PY
    cut -d' ' -f1-3 "$tmp/points.lnd" >"$tmp/points"
    POINTS=$tmp/points ROUNDS=$rounds nice -n 10 bash "$here/postgis.sh" "$sc" "$root/data" \
        "$conns" "$secs" "$nterm" | tee "$tmp/postgis.out"
    python3 - "$tmp/points.lnd" "$tmp/points.postgis" <<'PY'
import json, sys
a = [l.split(" ", 3) for l in open(sys.argv[1])]
b = [l.split() for l in open(sys.argv[2]) if l.strip()]
same = zone_denied = 0
for (t, lat, lon, c), (t2, lat2, lon2, act) in zip(a, b):
    c = json.loads(c)
    # leonetd: denied for a zone = Starlink alert 89
    lnd_zone = c.get("alert") == 89 or c.get("reason") == "zone"
    zone_denied += act == "deny"
    same += lnd_zone == (act == "deny")
print("result crosscheck points=%d same_zone_decision=%d postgis_denied=%d"
      % (min(len(a), len(b)), same, zone_denied))
PY
    rps_postgis=$(awk '/^postgis subdivided/ {sub("tps=", "", $4); print $4}' "$tmp/postgis.out" | best)
    rps_postgis_raw=$(awk '/^postgis zones/ {sub("tps=", "", $4); print $4}' "$tmp/postgis.out" | best)
    say "result postgis best: subdivided $rps_postgis, as loaded $rps_postgis_raw"
fi
kill "$lpid" 2>/dev/null || true
ratio() { [ -n "${1:-}" ] && [ -n "${2:-}" ] && echo "scale=3; $1 / $2" | bc || echo "n/a"; }
say "ratio (best rounds) leonetd/mhd_fixed = $(ratio "${rps_authz:-}" "${rps_mhd:-}")"
say "ratio (best rounds) leonetd/postgis (subdivided) = $(ratio "${rps_authz:-}" "${rps_postgis:-}"), (polygons as loaded) = $(ratio "${rps_authz:-}" "${rps_postgis_raw:-}")"
