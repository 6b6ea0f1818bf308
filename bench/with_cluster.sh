#!/usr/bin/env bash
# Runs a command with DATABASE_URL pointing at a throwaway private PostgreSQL cluster, removed
# afterwards (with the folder under /var/lib/paxstats it uses when run as root).
#   bench/with_cluster.sh COMMAND [ARGS…]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${PAXSTATS_BUILD_DIR:-$root/build}
cmake --build "$build" --target benches >/dev/null
home=$(mktemp -d /tmp/paxstats-bench.XXXXXX)
export PAXSTATS_HOME=$home
cleanup() {
  "$build/app/paxstats" db stop >/dev/null 2>&1 || true
  [ -L "$home/postgres" ] && rm -rf "$(readlink -f "$home/postgres")"
  rm -rf "$home"
}
trap cleanup EXIT
"$build/app/paxstats" db start >/dev/null
DATABASE_URL=$("$build/app/paxstats" db url) BENCH_WORK=$home "$@"
