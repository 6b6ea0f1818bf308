#!/usr/bin/env bash
# Chart render+encode time: paxstats (1× and 2×) against matplotlib drawing the same stacked bar
# at the same pixel size (100 and 200 dpi), in the same run. Goal: ≥ 50× faster than matplotlib
# at each size, PNG no larger.
#   bench/render_bench.sh [BUILD_DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
"$root/scripts/bootstrap" --bench
cmake --build "$build" --target benches >/dev/null
spec=$root/render/examples/stacked_bar.json
ours=$("$build/bench/render_bench" "$spec" 500)
theirs1=$(/usr/bin/python3 "$root/bench/matplotlib_stacked.py" "$spec" 40 100)
theirs2=$(/usr/bin/python3 "$root/bench/matplotlib_stacked.py" "$spec" 20 200)
echo "$ours"
echo "$theirs1"
echo "$theirs2"
# Each scale against matplotlib at the same pixel size (2x is the default since issue 14).
for scale in 1 2; do
  line=$(echo "$ours" | grep "scale=$scale ")
  theirs=$([[ $scale == 1 ]] && echo "$theirs1" || echo "$theirs2")
  awk -v a="$(echo "$line" | awk '{print $4}')" -v s="$(echo "$line" | awk '{print $7}')" \
      -v b="$(echo "$theirs" | awk '{print $3}')" -v t="$(echo "$theirs" | awk '{print $6}')" \
      -v px="$(echo "$line" | awk '{print $3}' | tr -d :)" 'BEGIN {
    printf "speed-up at %s: %.0fx (goal >= 50x); PNG %d vs %d bytes (%s)\n", px, b / a, s, t, (s <= t ? "not larger" : "LARGER") }'
done
