#!/usr/bin/env bash
# Lighthouse (accessibility and best practices; its accessibility audits are axe-core's) on the
# dashboard's region, AO, PAX, community, Kotter and admin pages of the demo region, in Debian's
# Chromium. Run by hand (it installs lighthouse@12.2.3 from the npm registry into build/a11y/):
#
#   scripts/demo && bench/a11y.sh
#
# Prints one line a page: the two scores and every audit that did not pass (the axe violations).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${PAXSTATS_BUILD_DIR:-$root/build}/app
work=${PAXSTATS_BUILD_DIR:-$root/build}/a11y
export PAXSTATS_HOME=${PAXSTATS_HOME:-$HOME/.local/share/paxstats}
[[ -d "$PAXSTATS_HOME/demo/export" ]] || { echo "bench/a11y.sh: run scripts/demo first (no demo region)" >&2; exit 2; }
command -v chromium >/dev/null || { echo "bench/a11y.sh: needs Debian's chromium (scripts/bootstrap)" >&2; exit 2; }
mkdir -p "$work"
if [[ ! -x "$work/node_modules/.bin/lighthouse" ]]; then
  (cd "$work" && npm install --no-audit --no-fund --silent lighthouse@12.2.3 >/dev/null)
fi

port=${PAXSTATS_A11Y_PORT:-8097}
"$bin/paxstats" db start >/dev/null
"$bin/paxstats-fake-slack" --export "$PAXSTATS_HOME/demo/export" --no-rate-limits >"$work/fake.out" 2>"$work/fake.err" &
fake=$!
trap 'kill $fake ${serve:-} 2>/dev/null || true' EXIT
sleep 1
set -a
eval "$(cat "$work/fake.out")"
SLACK_SIGNING_SECRET=a11y-local
set +a
team=$(sed -n 's/^workspace \([A-Z0-9]*\).*/\1/p' "$work/fake.err")
admin=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['beatdowns'][0]['q']['user_id'])" \
  "$PAXSTATS_HOME/demo/export/truth.json")
"$bin/paxstats" region set demo team_id="$team" token_env=SLACK_BOT_TOKEN admins="$admin" dashboard=members >/dev/null
"$bin/paxstats" serve --listen 127.0.0.1:$port --no-scheduler >"$work/serve.log" 2>&1 &
serve=$!
site=http://127.0.0.1:$port
for _ in $(seq 50); do curl -sf "$site/healthz" >/dev/null && break; sleep 0.2; done

# Signed in as an admin through the fake's authorize page: the session cookie for every page.
jar="$work/cookies"
rm -f "$jar"
authorize=$(curl -s -c "$jar" -b "$jar" -o /dev/null -w '%{redirect_url}' "$site/login?next=/r/demo")
callback=$(curl -s -o /dev/null -w '%{redirect_url}' "$authorize&as=$admin")
curl -s -c "$jar" -b "$jar" -o /dev/null "$callback"
cookie=$(awk '$6 == "pxs_session" { print "pxs_session=" $7 }' "$jar")
[[ -n "$cookie" ]] || { echo "bench/a11y.sh: could not sign in through the fake" >&2; exit 1; }

ao=$(curl -s -b "$jar" "$site/r/demo?period=all" | grep -o '/r/demo/ao/[A-Z0-9]*' | head -1)
pax=/r/demo/pax/$admin
for page in /r/demo "$ao" "$pax" /r/demo/community /r/demo/kotter /r/demo/admin; do
  out="$work/$(echo "$page" | tr '/' '_').json"
  CHROME_PATH=$(command -v chromium) "$work/node_modules/.bin/lighthouse" "$site$page" --quiet \
    --only-categories=accessibility,best-practices --output=json --output-path="$out" \
    --extra-headers="{\"Cookie\":\"$cookie\"}" \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --disable-background-networking --disable-component-update --disable-sync --no-first-run" \
    >/dev/null 2>&1 || { echo "$page: lighthouse failed (see $out)"; continue; }
  python3 - "$out" "$page" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
cats = r["categories"]
failed = [a["id"] for a in r["audits"].values()
          if a.get("score") is not None and a["score"] < 1 and a.get("scoreDisplayMode") in ("binary", "numeric")]
print(f"{sys.argv[2]}: accessibility {round(cats['accessibility']['score'] * 100)}, "
      f"best practices {round(cats['best-practices']['score'] * 100)}; not passed: {', '.join(failed) or 'none'}")
PY
done
