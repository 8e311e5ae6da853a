#!/usr/bin/env bash
# The load script (issue "Load and faults"): the release server on a fresh demo database,
# measured with wrk in one run: a static file, the sign-in page, the director's dashboard,
# the residents list and a roll call page, then the dashboard while the roll is marked once a
# second. Prints rate, server CPU per request and p50/p99 for each, and checks the budgets
# (exit 1 when one does not hold). See scripts/load.py.
#
#   bash scripts/load.sh                      (SECONDS_EACH=10 CONNECTIONS=64 by default)
#   BENCH_BUILD=0 bash scripts/load.sh        (the release server already built)
#   SERVER=path/to/server SITE=path/to/site BENCH_BUILD=0 bash scripts/load.sh
#                                             (another build, e.g. an older commit's)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if ! command -v wrk >/dev/null; then
  echo "installing wrk (Debian package)"
  if [ "$(id -u)" = 0 ]; then apt-get install -y -q wrk >/dev/null; else sudo apt-get install -y -q wrk >/dev/null; fi
fi
# shellcheck source=scripts/bench-server.sh
source "$root/scripts/bench-server.sh"
build_release
exec python3 scripts/load.py
