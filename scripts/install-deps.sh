#!/usr/bin/env bash
# Installs the Debian packages leonet needs to build, run and test.
# Idempotent and quiet when everything is already there; run as root
# (or with sudo available). Usage: scripts/install-deps.sh [--test]
#   without --test: what building and running needs
#   with --test:    also the oracles used by the test suite (python3-sgp4,
#                   shapely, networkx, ERFA, GEOS, cmocka, clang runtimes)
set -eu
build_pkgs="build-essential cmake pkg-config libjansson-dev libcairo2-dev
  libpng-dev libgif-dev libmicrohttpd-dev libsodium-dev libsqlite3-dev libpq-dev
  libcmocka-dev liberfa-dev libcsv-dev"
test_pkgs="clang libclang-rt-14-dev libgeos-dev python3 python3-sgp4
  python3-shapely python3-networkx python3-numpy python3-ephem nodejs
  chromium"
want="$build_pkgs"
[ "${1:-}" = "--test" ] && want="$build_pkgs $test_pkgs"
missing=""
for p in $want; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
        missing="$missing $p"
done
# node is needed only by the reference oracles (h3-js, satellite.js);
# nodesource's nodejs ships npm itself, Debian's needs the npm package.
if [ "${1:-}" = "--test" ] && ! command -v npm >/dev/null 2>&1; then
    missing="$missing npm"
fi
[ -z "$missing" ] && exit 0
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
echo "install-deps: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
