#!/usr/bin/env bash
# The soak (issue "Load and faults", item 5; not in CI): SOAK_MINUTES (30) of mixed load on
# one release server from 20 tablets (roll and homework marks, their pages, the dashboard) and
# 50 families (portal, booking form, booking and cancelling). Prints requests, error statuses,
# p50/p99 and the server's memory each minute; exit status 1 on any error status, or when the
# memory grew by more than 20 % after the first SOAK_BASELINE_MINUTES (5). See scripts/soak.py.
#
#   bash scripts/soak.sh
#   SOAK_MINUTES=3 SOAK_BASELINE_MINUTES=1 BENCH_BUILD=0 bash scripts/soak.sh
#                                             (a short run of the release server already built)
#   SERVER=path/to/server SITE=path/to/site bash scripts/soak.sh
#                                             (another build, not rebuilt; hash.txt beside it)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=scripts/bench-server.sh
source "$root/scripts/bench-server.sh"
build_release
exec python3 scripts/soak.py
