#!/usr/bin/env bash
# The dashboard over HTTP: a generated region of 1,000 PAX and 3 years (paxstats generate)
# imported into a private PostgreSQL cluster and served by paxstats serve (dashboard=public);
# 16 concurrent clients (bench/dashboard_load.py, one keep-alive connection each) ask for region,
# AO and PAX pages. With pages rendered on demand only (serve --no-warm), three passes:
#   cold     every page asked for the first time (nothing rendered yet; the posts cache was built
#            by one request before, timed on its own)
#   warm     the same pages again (rendered pages kept until the region's posts change)
#   304      the same pages with If-None-Match (what a browser's reload asks)
# then, served as by default (pages rendered ahead of visitors, web::Dashboard::warm):
#   ready    first visits once the service has rendered its pages ahead (and how long that took)
#   changed  first visits just after the region's posts moved (an AO renamed): the pages are
#            rendered again on demand while the posts settle, then ahead
#   ready    first visits once they are rendered again
# and the page sizes. Issue 16's goal: p99 ≤ 50 ms for region, AO and PAX pages, 16 clients.
#   bench/dashboard_bench.sh [BUILD_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-build}" && pwd)
work=$(mktemp -d /tmp/paxstats-dashboard-bench-XXXXXX)
chmod 755 "$work"
P=$build/app/paxstats
export PAXSTATS_HOME=$work/home PAXSTATS_NOW=2026-11-02T12:00:00Z SLACK_SIGNING_SECRET=bench
unset DATABASE_URL
trap 'kill $serve_pid 2>/dev/null || true; "$P" db stop >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
serve_pid=
cmake --build "$build" --target paxstats >/dev/null

echo "== generate and import (1,000 PAX, 3 years)"
/usr/bin/time -f "generate: %e s" "$P" generate --out "$work/export" --pax 1000 --years 3 --seed 5 >/dev/null
"$P" db start >/dev/null
"$P" region add bench --name "F3 Bench" --tz America/Chicago >/dev/null
/usr/bin/time -f "import: %e s" "$P" import "$work/export" --region bench | head -1
"$P" region set bench dashboard=public >/dev/null
url=$("$P" db url)
psql "$url" -qAtc "SELECT count(*) || ' posts, ' || count(DISTINCT person) || ' people, ' || count(DISTINCT ao_id) || ' AOs' FROM bench.posts"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
start_serve() {
  "$P" serve --listen 127.0.0.1:$port --no-scheduler --workers 1 "$@" >>"$work/serve.log" 2>&1 &
  serve_pid=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
}
warmed() { curl -sf "http://127.0.0.1:$port/metrics" | awk '/^paxstats_dashboard_pages_warmed_total/ {print $2}'; }
# Waits until the service has rendered `$1` more pages ahead than `$2`, and says how long it took.
wait_warm() {
  local t0=$(date +%s.%N) want=$(($2 + $1))
  for _ in $(seq 1200); do [[ $(warmed) -ge $want ]] && break; sleep 0.1; done
  echo "  $(($(warmed) - $2)) pages rendered ahead in $(python3 -c "print(f'{$(date +%s.%N) - $t0:.1f}')") s" \
    "(from the service's start or the change; the posts stand still 5 s first)"
}
start_serve --no-warm

# The pages: the region (this year, all time), every AO, 1,000 PAX.
{
  echo "/r/bench"
  echo "/r/bench?period=all"
  psql "$url" -qAtc "SELECT DISTINCT '/r/bench/ao/' || ao_channel_id FROM bench.counted_beatdowns WHERE ao_channel_id IS NOT NULL"
  psql "$url" -qAtc "SELECT '/r/bench/pax/' || user_id FROM bench.posts WHERE user_id IS NOT NULL GROUP BY user_id ORDER BY user_id LIMIT 1000"
} >"$work/urls"
echo "$(wc -l <"$work/urls") pages"
python3 "$here/dashboard_load.py" "http://127.0.0.1:$port" "$work/urls" 16 cold,warm,304
kill $serve_pid
wait $serve_pid 2>/dev/null || true

echo "== served as by default: pages rendered ahead of visitors"
# Every page the warmer renders: the region's (and its 5 periods), every AO's, every poster's.
ahead=$((6 + $(psql "$url" -qAtc "SELECT count(DISTINCT ao_channel_id) FROM bench.beatdowns") + \
  $(psql "$url" -qAtc "SELECT count(DISTINCT user_id) FROM bench.posts")))
start_serve
wait_warm "$ahead" 0
python3 "$here/dashboard_load.py" "http://127.0.0.1:$port" "$work/urls" 16 ready
before=$(warmed)
psql "$url" -qc "UPDATE bench.channels SET name = name || ' (renamed)' WHERE channel_id = (SELECT min(ao_channel_id) FROM bench.beatdowns)"
python3 "$here/dashboard_load.py" "http://127.0.0.1:$port" "$work/urls" 16 changed
wait_warm 1 "$before"
sleep 2
before=$(warmed)
psql "$url" -qc "UPDATE bench.channels SET name = replace(name, ' (renamed)', '')"
wait_warm "$ahead" "$before"
python3 "$here/dashboard_load.py" "http://127.0.0.1:$port" "$work/urls" 16 ready
