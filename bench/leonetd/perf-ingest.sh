#!/usr/bin/env bash
# perf-ingest.sh - leonetd's durable telemetry ingest, two or more daemon
# binaries alternated in the same run (A B A B ...) so that a shared,
# noisy machine's load falls on all of them alike. Each run: a fresh copy
# of one seeded database (100,000 terminals), the daemon started, wrk
# posting telemetry.lua's batches for SECS s, then the new rows counted
# in the SQLite file (durable), the reports acknowledged per second (wrk's
# requests/s x BATCH: a 2xx only once durable) and the daemon's CPU time
# (user + system, /proc) per stored report: the CPU figure is the steadier
# one when other work shares the cores. On demand, never in the tests.
#
# usage: bench/leonetd/perf-ingest.sh LEONETD_A [LEONETD_B ...]
# env:   ROUNDS (3)  SECS (8)  CONNS (16)  BATCH (1000)  WRK_THREADS (2)
#        LUA, SCENARIO: telemetry.lua, scenario-100k.json of this folder
#        PERF=1: perf record (PERFOPT, default -g) the daemon in each run (perf-I-R.data
#        kept in OUT, default a mktemp -d folder that is printed)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
rounds=${ROUNDS:-3} secs=${SECS:-8} conns=${CONNS:-16} batch=${BATCH:-1000}
wt=${WRK_THREADS:-2}
lua=${LUA:-$here/telemetry.lua} scen=${SCENARIO:-$here/scenario-100k.json}
export LEONET_DATA=$root/data LN_NTERM=100000 LN_BATCH=$batch
out=${OUT:-$(mktemp -d /tmp/lnperf.XXXXXX)}
mkdir -p "$out"
say() { echo "[$(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)] $*"; }
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rows() {
    python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute('select count(*) from reports').fetchone()[0])" "$1"
}
lnd0=$1
"$lnd0" seed --db "$out/seed.db" --scenario "$scen" \
    >/dev/null
LN_TOKEN=$("$lnd0" token create --db "$out/seed.db" --role operator)
export LN_TOKEN
hz=$(getconf CLK_TCK)
say "perf-ingest: ROUNDS=$rounds SECS=$secs CONNS=$conns BATCH=$batch, out $out"
for r in $(seq 1 "$rounds"); do
    i=0
    for lnd in "$@"; do
        i=$((i + 1))
        d=$out/run-$i-$r
        mkdir -p "$d"
        cp "$out/seed.db" "$d/db"
        mkfifo "$d/fifo"
        "$lnd" serve --db "$d/db" --listen 127.0.0.1:0 >"$d/fifo" \
            2>"$d/log" &
        pid=$!
        exec 9<"$d/fifo"
        read -r line <&9
        cat <&9 >/dev/null &
        port=${line##*:}
        if [ "${PERF:-0}" = 1 ]; then
            perf record ${PERFOPT:--g} -o "$out/perf-$i-$r.data" -p "$pid" \
                >/dev/null 2>&1 &
            ppid=$!
        fi
        c0=$(cpu "$pid")
        wrk -t "$wt" -c "$conns" -d "${secs}s" -s "$lua" \
            "http://127.0.0.1:$port" >"$d/wrk" 2>&1
        c1=$(cpu "$pid")
        [ "${PERF:-0}" = 1 ] && kill -INT "$ppid" && wait "$ppid" || true
        kill -TERM "$pid"
        wait "$pid" || true
        exec 9<&-
        n=$(rows "$d/db")
        non2xx=$(sed -n 's/.*Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' \
            "$d/wrk")
        rps=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$d/wrk")
        say "result bin=$i round=$r rows=$n reports_per_s=$(echo "$rps * $batch / 1" | bc) cpu_us_per_report=$(echo "scale=2; ($c1 - $c0) * 1000000 / $hz / $n" | bc) non2xx=${non2xx:-0} ($lnd)"
        rm -f "$d/db" "$d/db-wal" "$d/db-shm" "$d/fifo"
    done
done
