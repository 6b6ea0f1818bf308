#!/usr/bin/env bash
# Community analytics at scale: a generated community workspace of about 1M messages (2,200
# members, 18 months; `paxstats generate --community`) imported into a private PostgreSQL
# cluster, then `paxstats export` to CSV and to NDJSON (messages/s and peak memory, and each
# table's time), and the counting functions for one quarter.
#   bench/community_bench.sh [BUILD_DIR] [EXPORT_DIR]
# Issue 15's goals: the export ≥ 200k messages/s to CSV; a quarter's community reports ≤ 5 s.
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
export_dir=${2:-}
work=$(mktemp -d /tmp/paxstats-community-bench-XXXXXX)
chmod 755 "$work"
trap 'PAXSTATS_HOME=$work/home "$build/app/paxstats" db stop >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
export PAXSTATS_HOME=$work/home
unset DATABASE_URL
P=$build/app/paxstats
cmake --build "$build" --target paxstats >/dev/null

if [[ -z "$export_dir" ]]; then
  echo "== generate"
  /usr/bin/time -f "generate: %e s, %M KB peak" "$P" generate --community --out "$work/export" --members 2200 \
    --months 18 --seed 1
  export_dir=$work/export
fi
"$P" db start >/dev/null
url=$("$P" db url)
"$P" region add bench --name Bench --tz America/New_York >/dev/null
echo "== import"
"$P" import "$export_dir" --region bench | head -1
psql "$url" -qc "ANALYZE bench.messages, bench.users, bench.reactions, bench.files"

# Each run writes a folder of its own: on ext4, files renamed over an earlier export's are written
# to disk at once (auto_da_alloc), which costs this machine 0.3-1 s more (README).
echo "== export to CSV (three times: the first after the import, then two more)"
for run in 1 2 3; do
  sync  # the last run's files on disk first, so that their write-back is not timed
  /usr/bin/time -f "export csv: %e s, %M KB peak" "$P" export --region bench --out "$work/csv$run" |
    { if [[ $run == 1 ]]; then cat; else head -1; fi; }
done
echo "== export to CSV over the last run's files"
sync
"$P" export --region bench --out "$work/csv3" | head -1
echo "== export to NDJSON"
sync
/usr/bin/time -f "export ndjson: %e s, %M KB peak" "$P" export --region bench --out "$work/ndjson" --format ndjson | head -1

sync
echo "== the counting functions for one quarter (2026-07-01 to 2026-10-01, America/New_York)"
psql "$url" -q <<'SQL' | grep -E "Time"
SET search_path = bench;
SET TimeZone = 'America/New_York';
\timing on
SELECT sum(messages + replies + threads_started + reactions_received + reactions_given + files + mentions_given
           + mentions_received + active_days + active_weeks + length(first_ts))
FROM member_activity('America/New_York', '2026-07-01', '2026-10-01');
SELECT sum(messages + active_members + threads + answered_threads + reactions + coalesce(median_first_reply_s, 0)
           + coalesce(p90_first_reply_s, 0))
FROM channel_activity('2026-07-01', '2026-10-01');
SELECT sum(weight), count(DISTINCT kind) FROM interaction_edges('2026-07-01', '2026-10-01');
SELECT sum(replies_to_others + help_answers) FROM engagement_parts('America/New_York', '2026-07-01', '2026-10-01', '{}');
SQL

echo "== the community reports of a quarter (plan, queries and render; written to a folder)"
"$P" region set bench community_channel=C0COMMUNITY >/dev/null
for only in "" activity awards engagement; do
  /usr/bin/time -o "$work/time" -f "community report 2026-Q3 ${only:-(all)}: %e s, %M KB peak" "$P" community report \
    --region bench --period 2026-Q3 ${only:+--only $only} --outbox "$work/q3-${only:-all}" >/dev/null 2>&1
  cat "$work/time"
done
