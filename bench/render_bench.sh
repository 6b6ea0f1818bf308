#!/usr/bin/env bash
# Chart render+encode time: paxstats (1× and 2×) against matplotlib drawing the same stacked bar,
# in the same run. Goal: ≤ 2 ms per 640×480 chart, ≥ 50× faster than matplotlib, PNG no larger.
#   bench/render_bench.sh [BUILD_DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
"$root/scripts/bootstrap" --bench
cmake --build "$build" --target benches >/dev/null
spec=$root/render/examples/stacked_bar.json
ours=$("$build/bench/render_bench" "$spec" 500)
theirs=$(/usr/bin/python3 "$root/bench/matplotlib_stacked.py" "$spec" 40)
echo "$ours"
echo "$theirs"
ms1=$(echo "$ours" | awk '/scale=1/ {print $4}')
size1=$(echo "$ours" | awk '/scale=1/ {print $7}')
mms=$(echo "$theirs" | awk '{print $3}')
msize=$(echo "$theirs" | awk '{print $6}')
awk -v a="$ms1" -v b="$mms" -v s="$size1" -v t="$msize" 'BEGIN {
  printf "speed-up at 640x480: %.0fx (goal >= 50x); PNG %d vs %d bytes (%s)\n", b / a, s, t, (s <= t ? "not larger" : "LARGER") }'
