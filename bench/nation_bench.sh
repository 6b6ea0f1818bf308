#!/usr/bin/env bash
# Issue 34: a nation's month on one service (bench/nation_bench.cpp): 400 generated regions
# imported into a private cluster, every region's monthly run through one `paxstats serve`,
# against a fake Slack of 400 workspaces with Slack's budgets over a scaled window.
# The exports and the cluster are kept in $NATION_WORK (default /tmp/paxstats-nation-bench), so a
# second run skips the half hour of generating and importing; `rm -rf` it when done.
#   bench/nation_bench.sh [--regions 400] [--window-ms 30000] [--senders 96] [--workers 2]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${PAXSTATS_BUILD_DIR:-$root/build}
work=${NATION_WORK:-/tmp/paxstats-nation-bench}
mkdir -p "$work"
chmod 755 "$work"
cmake --build "$build" --target benches >/dev/null
export PAXSTATS_HOME=$work/home
unset DATABASE_URL
trap '"$build/app/paxstats" db stop >/dev/null 2>&1 || true' EXIT
"$build/app/paxstats" db start >/dev/null
DATABASE_URL=$("$build/app/paxstats" db url) "$build/bench/nation_bench" --paxstats "$build/app/paxstats" --work "$work" "$@"
