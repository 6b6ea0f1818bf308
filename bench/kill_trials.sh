#!/usr/bin/env bash
# Exactly once under kill -9 and lost answers: 50 trials by default; prints
# "N trials, X lost, Y duplicated". Arguments go to kill_trials (--trials, --pax, --seed).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${PAXSTATS_BUILD_DIR:-$root/build}
exec "$root/bench/with_cluster.sh" bash -c '"$0" --work "$BENCH_WORK/export" "$@"' "$build/bench/kill_trials" "$@"
