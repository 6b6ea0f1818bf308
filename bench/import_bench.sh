#!/usr/bin/env bash
# End-to-end import of a generated export into a private PostgreSQL cluster, side by side with
# a bare `psql \copy` of the same messages into a jsonb table with a primary key (the floor no
# import can beat), then the same import again (idempotent), reparses that find nothing to
# change and full reparses (every beatdown written again). Prints messages/s and
# the import's ratio to bare COPY.
#   bench/import_bench.sh [BUILD_DIR] [CHATTER] [EXPORT_DIR]
# Without EXPORT_DIR it generates one (1,000 PAX, 3 years, --chatter CHATTER, default 0.85:
# about 1M messages, ~3 GB in /tmp, a few minutes); `paxstats generate --pax 1000 --years 3
# --chatter 0 --seed 7` makes the 106k-message export issue 13 measured. Needs python3 (to turn
# the export into COPY input for the bare run).
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
chatter=${2:-0.85}
export_dir=${3:-}
work=$(mktemp -d /tmp/paxstats-import-bench-XXXXXX)
chmod 755 "$work"
trap 'PAXSTATS_HOME=$work/home "$build/app/paxstats" db stop >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
export PAXSTATS_HOME=$work/home
unset DATABASE_URL
P=$build/app/paxstats
cmake --build "$build" --target benches >/dev/null

if [[ -z "$export_dir" ]]; then
  echo "== generate"
  /usr/bin/time -f "generate: %e s, %M KB peak" "$P" generate --out "$work/export" --pax 1000 --years 3 --chatter "$chatter" --seed 1
  export_dir=$work/export
fi
export_dir=$(cd "$export_dir" && pwd)
du -sh "$export_dir" | sed 's/^/export size: /'
"$P" db start >/dev/null
url=$("$P" db url)
"$P" region add bench --name Bench --tz America/Chicago >/dev/null

echo "== bare COPY of the same messages (psql \\copy into a jsonb table with a primary key)"
python3 - "$export_dir" "$work/messages.tsv" <<'PY'
import json, os, sys
src, out = sys.argv[1], sys.argv[2]
def esc(s): return s.replace('\\', '\\\\').replace('\t', '\\t').replace('\n', '\\n').replace('\r', '\\r')
n = 0
with open(out, 'w') as f:
    for channel in sorted(os.listdir(src)):
        d = os.path.join(src, channel)
        if not os.path.isdir(d): continue
        for day in sorted(os.listdir(d)):
            for m in json.load(open(os.path.join(d, day))):
                if 'ts' not in m: continue
                f.write(esc(channel) + '\t' + esc(m['ts']) + '\t' + esc(json.dumps(m, ensure_ascii=False)) + '\n')
                n += 1
print(n, file=open(out + '.count', 'w'))
PY
messages=$(cat "$work/messages.tsv.count")
psql -q "$url" -c "CREATE TABLE bare (channel text, ts text, raw jsonb, PRIMARY KEY (channel, ts))"
bare_start=$(date +%s.%N)
psql -q "$url" -c "\\copy bare FROM '$work/messages.tsv'"
bare_end=$(date +%s.%N)
calc() { python3 -c "print($1)"; }
bare=$(calc "$bare_end - $bare_start")
printf "bare COPY: %d messages in %.2f s = %.0f messages/s\n" "$messages" "$bare" "$(calc "$messages / $bare")"

echo "== import"
import_start=$(date +%s.%N)
/usr/bin/time -f "import: %e s wall, %U s user, %M KB peak (paxstats process)" "$P" import "$export_dir" --region bench 2>&1 | grep -v '^import: [0-9]*/'
import_end=$(date +%s.%N)
imp=$(calc "$import_end - $import_start")
printf "import: %d messages in %.2f s = %.0f messages/s, %.2fx bare COPY (goal: >= 0.5x)\n" "$messages" "$imp" \
  "$(calc "$messages / $imp")" "$(calc "$bare / $imp")"
echo "== the store's own floor: the same messages COPYed into a table shaped as the messages table"
# (its typed columns, jsonb and every index, no derivation): what an import pays on the server
# before any parsing, staging or deriving.
psql -q "$url" -c "\\copy bench.messages TO '$work/stored.tsv'"
psql -q "$url" -c "CREATE TABLE floor (LIKE bench.messages INCLUDING ALL)"
floor_start=$(date +%s.%N)
psql -q "$url" -c "\\copy floor FROM '$work/stored.tsv'"
floor_end=$(date +%s.%N)
floor=$(calc "$floor_end - $floor_start")
printf "messages-table COPY: %.2f s (%.2fx bare COPY); the import is %.2fx of it\n" "$floor" "$(calc "$bare / $floor")" \
  "$(calc "$floor / $imp")"
psql -q "$url" -c "DROP TABLE floor"
echo "== import again (nothing new)"
/usr/bin/time -f "re-import: %e s wall" "$P" import "$export_dir" --region bench 2>&1 | grep -v '^import: [0-9]*/'
echo "== reparse (the parser finds what is stored: nothing is written)"
for i in 1 2 3; do /usr/bin/time -f "reparse: %e s wall" "$P" reparse --region bench 2>&1 | grep -E '^reparse( --full)?:'; done
echo "== reparse --full (every beatdown written again, as after a parser that reads them all differently: the bulk path)"
for i in 1 2 3; do
  /usr/bin/time -f "reparse --full: %e s wall" "$P" reparse --region bench --full 2>&1 | grep -E '^reparse( --full)?:'
done
