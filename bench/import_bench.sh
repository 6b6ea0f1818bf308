#!/usr/bin/env bash
# End-to-end import of a generated export of about 1M messages into a private PostgreSQL
# cluster, then the same import again (idempotent). Prints messages/s. Goal: ≥ 50k messages/s.
#   bench/import_bench.sh [BUILD_DIR] [CHATTER]     (needs ~3 GB in /tmp; takes a few minutes)
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
chatter=${2:-0.85}
work=$(mktemp -d /tmp/paxstats-import-bench-XXXXXX)
chmod 755 "$work"
trap 'PAXSTATS_HOME=$work/home "$build/app/paxstats" db stop >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
export PAXSTATS_HOME=$work/home
unset DATABASE_URL
P=$build/app/paxstats
cmake --build "$build" --target benches >/dev/null

echo "== generate"
/usr/bin/time -f "generate: %e s, %M KB peak" "$P" generate --out "$work/export" --pax 1000 --years 3 --chatter "$chatter" --seed 1
du -sh "$work/export" | sed 's/^/export size: /'
"$P" db start >/dev/null
"$P" region add bench --name Bench --tz America/Chicago >/dev/null
echo "== import"
/usr/bin/time -f "import: %e s wall, %U s user, %M KB peak (paxstats process)" "$P" import "$work/export" --region bench 2>&1 | grep -v '^import: [0-9]*/'
echo "== import again (nothing new)"
/usr/bin/time -f "re-import: %e s wall" "$P" import "$work/export" --region bench 2>&1 | grep -v '^import: [0-9]*/'
echo "== reparse"
/usr/bin/time -f "reparse: %e s wall" "$P" reparse --region bench
