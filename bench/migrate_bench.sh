#!/usr/bin/env bash
# Issue 34: a new region migration at nation size. Makes REGIONS regions (default 400) in a
# throwaway private cluster, each with some rows, then puts the newest region migration back to
# pending in every schema (its effect undone, its ledger row gone) and times `paxstats db
# migrate` with 1 and with 4 connections; then the same command with nothing pending (what every
# command pays at start), and a run where one region's migration fails (named, left as it was,
# the others migrated).
#   bench/migrate_bench.sh [REGIONS]
set -euo pipefail
regions=${1:-400}
root=$(cd "$(dirname "$0")/.." && pwd)
exec "$root/bench/with_cluster.sh" bash -c '
set -euo pipefail
P=$0; n=$1
now() { date +%s.%N; }
t0=$(now)
for i in $(seq 1 "$n"); do echo "region add n$i --name \"Region $i\" --tz America/Chicago"; done |
  while read -r line; do eval "\"$P\" $line" >/dev/null; done
t1=$(now)
printf "%d regions added in %.1f s (%.0f ms each, every command checking every region on start)\n" "$n" \
  "$(echo "$t1 - $t0" | bc)" "$(echo "($t1 - $t0) * 1000 / $n" | bc)"
# The newest region migration (0017: the posts cache logged) made pending again everywhere.
undo() {
  psql -q "$DATABASE_URL" -At -c "SELECT slug FROM paxstats.regions" | while read -r s; do
    echo "ALTER TABLE $s.posts_cache SET UNLOGGED; ALTER TABLE $s.counted_beatdowns_cache SET UNLOGGED;"
    echo "DELETE FROM $s.schema_migrations WHERE version = 17;"
  done | psql -q "$DATABASE_URL" >/dev/null
  # A new file changes the fingerprint of the region set, which each region records.
  psql -q "$DATABASE_URL" -c "UPDATE paxstats.regions SET migrated = NULL" >/dev/null
}
for c in 1 4; do
  undo
  t0=$(now)
  "$P" db migrate --connections "$c" 2>/tmp/migrate-bench.err | tail -2
  t1=$(now)
  printf "db migrate, %d regions pending, --connections %d: %.2f s\n" "$n" "$c" "$(echo "$t1 - $t0" | bc)"
  grep -c "pending done" /tmp/migrate-bench.err | sed "s/^/  progress lines: /"
done
t0=$(now); "$P" db migrate >/dev/null; t1=$(now)
printf "db migrate, nothing pending: %.3f s\n" "$(echo "$t1 - $t0" | bc)"
t0=$(now); "$P" region list >/dev/null; t1=$(now)
printf "region list (a command that checks migrations first): %.3f s\n" "$(echo "$t1 - $t0" | bc)"
undo
# n7 cannot take it: its cache references an unlogged table, which a logged table may not.
psql -q "$DATABASE_URL" -c "CREATE UNLOGGED TABLE n7.blocker (id int PRIMARY KEY); ALTER TABLE n7.posts_cache ADD COLUMN blocker int REFERENCES n7.blocker (id)" >/dev/null
set +e
"$P" db migrate --connections 4 >/dev/null 2>/tmp/migrate-bench.err; rc=$?
set -e
echo "with one region broken: exit $rc"; grep -v "pending done" /tmp/migrate-bench.err | cut -c1-200
' "$root/build/app/paxstats" "$regions"
