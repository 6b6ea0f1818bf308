#!/usr/bin/env bash
# The monthly run of a generated 1,000-PAX region: render phase (goal ≤ 3 s, ≤ 200 MB peak RSS)
# and delivery to the fake Slack with Slack's tier budgets (time against the rate-limit floor).
# Arguments go to monthly_run_bench (--pax, --window-ms).
#   bench/monthly_run_bench.sh [--pax 1000] [--window-ms 3000]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${PAXSTATS_BUILD_DIR:-$root/build}
exec "$root/bench/with_cluster.sh" bash -c '"$0" --work "$BENCH_WORK/export" "$@"' "$build/bench/monthly_run_bench" "$@"
