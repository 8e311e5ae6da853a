#!/usr/bin/env bash
# Load test of the dashboard's server-side rendering on the demo data, with wrk: the release
# server on a fresh demo database, signed in as the director (every section, every chart).
# Prints requests per second and latency percentiles for the page (`GET /`) and for the
# server function a live dashboard calls on each change (`POST /api/dashboard`).
#
#   bash scripts/bench-dashboard.sh [seconds] [connections]
#   BENCH_BUILD=0 bash scripts/bench-dashboard.sh   (without rebuilding)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
seconds="${1:-20}"
connections="${2:-8}"
port="${BENCH_PORT:-3301}"
base="http://127.0.0.1:$port"

if ! command -v wrk >/dev/null; then
  echo "installing wrk (Debian package)"
  if [ "$(id -u)" = 0 ]; then apt-get install -y -q wrk >/dev/null; else sudo apt-get install -y -q wrk >/dev/null; fi
fi
# The site and the release server (hash.txt beside the binary names the site's files);
# BENCH_BUILD=0 measures the release server already built.
# shellcheck source=scripts/bench-server.sh
source "$root/scripts/bench-server.sh"
start_bench_server "$port" warn

director="$(python3 -c 'import json; print(next(s["password"] for s in json.load(open("demo/accounts.json"))["staff"] if s["login"] == "director"))')"
cookie="$(curl -sS -o /dev/null -D - "$base/api/log_in" \
  -H "Origin: $base" -H 'Content-Type: application/x-www-form-urlencoded' \
  --data-urlencode login=director --data-urlencode "password=$director" --data-urlencode back=/ |
  sed -n 's/^[Ss]et-[Cc]ookie: \(sid=[^;]*\).*/\1/p')"
[ -n "$cookie" ] || { echo "could not sign in as the director" >&2; exit 1; }

# One look at what is measured: a full page with every section.
page="$(curl -fsS -H "Cookie: $cookie; lang=km" "$base/")"
for id in dash-roll dash-meals dash-homework dash-visits chart-occupancy chart-meals chart-homework; do
  grep -q "id=\"$id\"" <<<"$page" || { echo "the page lacks #$id" >&2; exit 1; }
done
echo "page: $(wc -c <<<"$page") bytes, every section present"

echo
echo "== GET / (server-side rendering), $connections connections, ${seconds}s"
wrk -t2 -c"$connections" -d"${seconds}s" --latency -H "Cookie: $cookie; lang=km" "$base/"
echo
echo "== POST /api/dashboard (a live dashboard's refetch), $connections connections, ${seconds}s"
script="$data/post.lua"
printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\nwrk.headers["Origin"] = "%s"\n' "$base" >"$script"
wrk -t2 -c"$connections" -d"${seconds}s" --latency -s "$script" -H "Cookie: $cookie; lang=km" "$base/api/dashboard"
