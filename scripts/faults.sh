#!/usr/bin/env bash
# Kill -9 under load (issue "Load and faults", item 3): the release server on a demo database
# made ready for 10 tablets and 50 families, which write through the HTTP API while the server
# gets SIGKILL at a random moment, TRIALS times. After each restart (ready within 2 s) every
# acknowledged write must be in the database, none half there, and PRAGMA integrity_check ok.
# Exit status 1 otherwise. See scripts/faults.py.
#
#   bash scripts/faults.sh                    (TRIALS=100; CI runs TRIALS=10)
#   TRIALS=10 BENCH_BUILD=0 bash scripts/faults.sh
#                                             (the release server already built)
#   SERVER=path/to/server SITE=path/to/site bash scripts/faults.sh
#                                             (another build, not rebuilt; hash.txt beside it)
#   FAULT_SEED=123 ...                        (the same kill times and choices again)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=scripts/bench-server.sh
source "$root/scripts/bench-server.sh"
build_release
exec python3 scripts/faults.py
