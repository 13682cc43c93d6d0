#!/usr/bin/env bash
# postgis.sh - the PostGIS side of bench/leonetd: the same authorization
# decision (terminal -> account suspended?, then the highest-priority zone
# covering the position, default allow) made by PostgreSQL 15 + PostGIS 3
# with a prepared statement, driven by pgbench.
#
# A temporary cluster: initdb/pg_ctl as the postgres user in a mktemp -d
# folder, Unix socket only (in that folder, port PGPORT, default 55432,
# never 5432), removed on exit. The zones come from the scenario's own
# GeoJSON files (zones_sql.py: ST_GeomFromGeoJSON), NTERM terminals named
# as leonetd's seed names them (UT + 8 digits) over the scenario's
# accounts.
#
# usage: postgis.sh SCENARIO DATA_DIR [CLIENTS] [SECONDS] [NTERM]
# prints one line per variant:
#   postgis <variant> clients=C tps=X p50_ms=Y p99_ms=Z
# variants: "zones" (the zone polygons as loaded, GiST index) and
# "subdivided" (the same polygons cut by ST_Subdivide(geom, 128), GiST);
# ROUNDS (default 1) rounds, the variants alternating.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
sc=$1 data=$2 clients=${3:-32} secs=${4:-10} nterm=${5:-100000}
port=${PGPORT:-55432}
pgbin=/usr/lib/postgresql/15/bin
dir=$(mktemp -d /tmp/lnbench-pg.XXXXXX)
chown postgres "$dir"
chmod 700 "$dir"
as_pg() { runuser -u postgres -- "$@"; }
cleanup() {
    as_pg "$pgbin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"
}
trap cleanup EXIT
as_pg "$pgbin/initdb" -D "$dir/data" -A trust -U postgres --no-sync \
    >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log"; exit 1; }
# durability does not matter to a read-only benchmark; the connections
# must fit the clients
as_pg "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/pg.log" -w -o \
    "-p $port -k $dir -c listen_addresses='' -c max_connections=$((clients + 20)) -c shared_buffers=128MB -c fsync=off -c synchronous_commit=off" \
    start >/dev/null
psql() { as_pg /usr/bin/psql -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U postgres "$@"; }
psql -c "CREATE EXTENSION postgis;"
python3 "$here/zones_sql.py" "$sc" "$data" >"$dir/zones.sql"
chmod 644 "$dir/zones.sql"
psql -f "$dir/zones.sql"
accounts=$(python3 -c "import json,sys; print(','.join(a['id'] for a in json.load(open(sys.argv[1]))['accounts']))" "$sc")
psql <<SQL
CREATE TABLE accounts (id text PRIMARY KEY, suspended boolean NOT NULL);
INSERT INTO accounts SELECT a, false FROM unnest(string_to_array('$accounts', ',')) a;
CREATE TABLE terminals (id text PRIMARY KEY, account text NOT NULL REFERENCES accounts);
INSERT INTO terminals SELECT 'UT' || lpad(i::text, 8, '0'),
  (string_to_array('$accounts', ','))[1 + i % array_length(string_to_array('$accounts', ','), 1)]
  FROM generate_series(0, $nterm - 1) i;
ANALYZE accounts; ANALYZE terminals;
SQL
for round in $(seq "${ROUNDS:-1}"); do
for v in zones subdivided; do
    tbl=zones
    [ "$v" = subdivided ] && tbl=zones_sub
    # the positions: uniform in the box the wrk script draws from
    # (lat 44..52.5, lon 22..40.5: Ukraine and around)
    cat >"$dir/decide_$v.sql" <<SQL
\set i random(0, $nterm - 1)
\set lat 44.0 + random(0, 8500000) / 1000000.0
\set lon 22.0 + random(0, 18500000) / 1000000.0
SELECT t.id, a.suspended, coalesce((SELECT z.action FROM $tbl z WHERE ST_Covers(z.geom, ST_SetSRID(ST_MakePoint(:lon::float8, :lat::float8), 4326)) ORDER BY z.priority DESC LIMIT 1), 'allow') FROM terminals t JOIN accounts a ON a.id = t.account WHERE t.id = 'UT' || lpad(:i::text, 8, '0');
SQL
    chmod 644 "$dir/decide_$v.sql"
    rm -rf "$dir/log_$v"
    mkdir -p "$dir/log_$v" && chown postgres "$dir/log_$v"
    (cd "$dir/log_$v" && as_pg /usr/bin/pgbench -n -M prepared -c "$clients" \
        -j 2 -T "$secs" -l -f "$dir/decide_$v.sql" -h "$dir" -p "$port" \
        -U postgres postgres >"$dir/pgbench_$v.out" 2>&1) || {
        cat "$dir/pgbench_$v.out"; exit 1; }
    tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$dir/pgbench_$v.out" | head -1)
    # per-transaction log: client, tx, latency_us, script, epoch, us
    cat "$dir/log_$v"/pgbench_log.* | awk '{print $3}' | sort -n >"$dir/lat_$v"
    n=$(wc -l <"$dir/lat_$v")
    p50=$(sed -n "$(( (n * 50 + 99) / 100 ))p" "$dir/lat_$v")
    p99=$(sed -n "$(( (n * 99 + 99) / 100 ))p" "$dir/lat_$v")
    printf 'postgis %s clients=%s tps=%s p50_ms=%.3f p99_ms=%.3f\n' "$v" \
        "$clients" "$tps" "$(echo "$p50 / 1000" | bc -l)" \
        "$(echo "$p99 / 1000" | bc -l)"
done
done
# the decisions themselves, for the cross-check in run.sh: POINTS file
# of "terminal lat lon" lines -> "terminal lat lon action" on stdout 3
if [ -n "${POINTS:-}" ]; then
    cp "$POINTS" "$dir/points" && chmod 644 "$dir/points"
    psql -A -t -F ' ' <<SQL >"${POINTS}.postgis"
CREATE TEMP TABLE pts (n serial, terminal text, lat float8, lon float8);
\copy pts (terminal, lat, lon) FROM '$dir/points' WITH (FORMAT text, DELIMITER ' ')
SELECT p.terminal, p.lat, p.lon, coalesce((SELECT z.action FROM zones z WHERE ST_Covers(z.geom, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326)) ORDER BY z.priority DESC LIMIT 1), 'allow') FROM pts p ORDER BY p.n;
SQL
fi
