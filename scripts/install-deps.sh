#!/usr/bin/env bash
# Installs the Debian packages leonet needs to build, run and test.
# Idempotent and quiet when everything is already there; run as root
# (or with sudo available). Usage: scripts/install-deps.sh [--test]
#   without --test: what building and running leonet needs (make run)
#   with --test:    also what the test suite and the benchmarks need
#                   (make test): cmocka, the oracles (ERFA, GEOS,
#                   python3-sgp4, shapely, networkx, PyEphem, jsonschema
#                   and yaml (leonetd's OpenAPI check), cryptography (an
#                   outside Ed25519 for the trust tests), h3-js and
#                   playwright-core under node), chromium for the page
#                   test, GDAL's tools as an outside reader of the map's
#                   GeoJSON, clang with its sanitizer/libFuzzer runtimes,
#                   its OpenMP (the ASan and fuzz builds use clang) and
#                   llvm-symbolizer (llvm-14: sanitizer reports name
#                   functions and lines); the benchmarks' peers wrk and
#                   PostGIS; OpenMPI (the multi-rank tests).
# Every name is a Debian 12 (bookworm) package; nodejs is Debian's 18
# unless a newer one is already installed (the npm pins in tests/ and
# bench/ work with node 18 and later).
set -eu
build_pkgs="build-essential cmake pkg-config libjansson-dev libcairo2-dev
  libpng-dev libgif-dev libcsv-dev libmicrohttpd-dev libsodium-dev
  libsqlite3-dev libpq-dev libcurl4-openssl-dev"
test_pkgs="libcmocka-dev liberfa-dev libgeos-dev clang libclang-rt-14-dev
  libomp-14-dev llvm-14 python3 python3-sgp4 python3-shapely python3-networkx
  python3-numpy python3-ephem python3-jsonschema python3-yaml
  python3-cryptography nodejs chromium
  gdal-bin wrk postgresql-15-postgis-3 libopenmpi-dev openmpi-bin"
case "${1:-}" in
"") want="$build_pkgs" ;;
--test) want="$build_pkgs $test_pkgs" ;;
*) echo "usage: scripts/install-deps.sh [--test]" >&2; exit 2 ;;
esac
missing=""
for p in $want; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
        missing="$missing $p"
done
# npm installs the node oracles (npm ci from the committed lockfiles).
# A nodejs from elsewhere (nodesource) ships npm itself and conflicts with
# Debian's npm package; Debian's nodejs needs it.
if [ "${1:-}" = "--test" ] && ! command -v npm >/dev/null 2>&1; then
    missing="$missing npm"
fi
[ -z "$missing" ] && exit 0
SUDO=""
if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || {
        echo "install-deps: missing packages:$missing;" \
             "run this script as root to install them" >&2
        exit 1
    }
    SUDO="sudo"
fi
echo "install-deps: installing:$missing" >&2
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
# shellcheck disable=SC2086
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
