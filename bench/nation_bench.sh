#!/usr/bin/env bash
# Issue 34: a nation's month on one service (bench/nation_bench.cpp): 400 generated regions
# imported into a throwaway private cluster, every region's monthly run through one `paxstats
# serve`, against a fake Slack of 400 workspaces with Slack's budgets over a scaled window.
# The exports are kept in $NATION_WORK (default /tmp/paxstats-nation-bench) for the next run.
#   bench/nation_bench.sh [--regions 400] [--window-ms 20000] [--senders 96] [--workers 2]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${PAXSTATS_BUILD_DIR:-$root/build}
work=${NATION_WORK:-/tmp/paxstats-nation-bench}
mkdir -p "$work"
exec "$root/bench/with_cluster.sh" "$build/bench/nation_bench" --paxstats "$build/app/paxstats" --work "$work" "$@"
