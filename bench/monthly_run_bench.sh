#!/usr/bin/env bash
# The monthly run of a generated 1,000-PAX region: render phase (goal ≤ 3 s, ≤ 200 MB peak RSS)
# and delivery to the fake Slack with Slack's tier budgets (time against the rate-limit floor).
# Runs in a throwaway private cluster; arguments go to monthly_run_bench (--pax, --window-ms).
#   bench/monthly_run_bench.sh [--pax 1000] [--window-ms 3000]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${PAXSTATS_BUILD_DIR:-$root/build}
home=$(mktemp -d /tmp/paxstats-bench.XXXXXX)
export PAXSTATS_HOME=$home
cleanup() {
  "$build/app/paxstats" db stop >/dev/null 2>&1 || true
  # As root the cluster may live under /var/lib/paxstats with a link here: remove both.
  [ -L "$home/postgres" ] && rm -rf "$(readlink -f "$home/postgres")"
  rm -rf "$home"
}
trap cleanup EXIT
"$build/app/paxstats" db start >/dev/null
DATABASE_URL=$("$build/app/paxstats" db url) "$build/bench/monthly_run_bench" --work "$home/export" "$@"
