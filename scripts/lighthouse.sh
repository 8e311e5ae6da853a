#!/usr/bin/env bash
# Lighthouse scores of the pages field staff and families open on weak links: the roll call,
# the director's dashboard and the family portal, on the release build and a fresh demo
# database. npm's lighthouse (12.8.2: 13 needs Node 22) drives Debian's Chromium with its
# mobile preset; it is installed under target/lighthouse on first use. Not part of CI: the
# performance score is computed from a trace, so run it on a quiet machine.
#
#   bash scripts/lighthouse.sh
#   BENCH_BUILD=0 bash scripts/lighthouse.sh                        (without rebuilding)
#   BENCH_BUILD=0 BENCH_SERVER=old/server BENCH_SITE=old/site bash scripts/lighthouse.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
port="${LIGHTHOUSE_PORT:-3302}"
base="http://127.0.0.1:$port"
tools="$root/target/lighthouse"

if [ ! -x "$tools/node_modules/.bin/lighthouse" ]; then
  echo "installing lighthouse 12.8.2 (npm) under target/lighthouse"
  mkdir -p "$tools"
  npm install --prefix "$tools" --no-audit --no-fund --silent lighthouse@12.8.2 >/dev/null
fi
# shellcheck source=scripts/bench-server.sh
source "$root/scripts/bench-server.sh"
start_bench_server "$port" warn

# The session cookie of `login` signing in with `secret`.
session() {
  curl -sS -o /dev/null -D - "$base/api/log_in" \
    -H "Origin: $base" -H 'Content-Type: application/x-www-form-urlencoded' \
    --data-urlencode "login=$1" --data-urlencode "password=$2" --data-urlencode back=/ |
    sed -n 's/^[Ss]et-[Cc]ookie: \(sid=[^;]*\).*/\1/p'
}
account() {
  python3 -c "import json, sys; d = json.load(open('demo/accounts.json')); $1"
}
director="$(session director "$(account 'print(next(s["password"] for s in d["staff"] if s["login"] == "director"))')")"
house="$(session house "$(account 'print(next(s["password"] for s in d["staff"] if s["login"] == "house"))')")"
family="$(session "$(account 'print(d["families"][0]["phone"])')" "$(account 'print(d["families"][0]["pin"])')")"
for cookie in "$director" "$house" "$family"; do
  [ -n "$cookie" ] || { echo "a demo sign-in failed" >&2; exit 1; }
done
roll="$(curl -fsS -H "Cookie: $house" "$base/roll" | grep -o 'href="/roll/[0-9]*?night=[0-9-]*"' | head -1 | sed 's/href="\(.*\)"/\1/')"

printf '%-14s %12s %14s %15s\n' page performance accessibility best-practices
session="$(curl -fsS -H "Cookie: $house" "$base/homework" | grep -o 'href="/homework/session/[0-9]*?day=[0-9-]*"' | head -1 | sed 's/href="\(.*\)"/\1/')"
pages=("roll call|$roll|$house" "dashboard|/|$director" "family portal|/family|$family")
# LIGHTHOUSE_ALL=1 adds homework attendance and the residents list.
if [ -n "${LIGHTHOUSE_ALL:-}" ]; then
  pages+=("homework|$session|$house" "residents|/residents|$house")
fi
for entry in "${pages[@]}"; do
  IFS='|' read -r name path cookie <<<"$entry"
  report="$(mktemp)"
  CHROME_PATH="${CHROMIUM:-/usr/bin/chromium}" "$tools/node_modules/.bin/lighthouse" "$base$path" \
    --quiet --chrome-flags="--headless --no-sandbox" \
    --only-categories=performance,accessibility,best-practices \
    --extra-headers "{\"Cookie\": \"$cookie; lang=km\"}" \
    --output=json --output-path="$report" >/dev/null 2>&1
  python3 - "$name" "$report" <<'PY'
import json, sys
name, path = sys.argv[1], sys.argv[2]
categories = json.load(open(path))["categories"]
score = lambda key: round(100 * (categories[key]["score"] or 0))
print(f"{name:<14} {score('performance'):>12} {score('accessibility'):>14} {score('best-practices'):>15}")
PY
  python3 - "$report" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
for key in ("accessibility", "best-practices"):
    for ref in report["categories"][key]["auditRefs"]:
        audit = report["audits"][ref["id"]]
        if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
            print(f"    {key}: {audit['title']}")
            for item in (audit.get("details") or {}).get("items", [])[:5]:
                node = item.get("node") or {}
                print(f"      {node.get('selector', '')} {node.get('explanation', '')[:160]}")
PY
  rm -f "$report"
done
