#!/usr/bin/env bash
# paxstats serve under load: 200 concurrent signed slash commands (goal p99 ack ≤ 300 ms) and
# 1,000 message events/s sustained (every beatdown derived and checked). Arguments go to
# serve_bench (--commands, --rate, --seconds, --senders, --workers).
#   bench/serve_bench.sh [--commands 200] [--rate 1000] [--seconds 5]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${PAXSTATS_BUILD_DIR:-$root/build}
exec "$root/bench/with_cluster.sh" bash -c '"$0" --work "$BENCH_WORK/export" "$@"' "$build/bench/serve_bench" "$@"
