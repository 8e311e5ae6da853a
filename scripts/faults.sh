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
if [ -z "${SERVER:-}" ] && [ "${BENCH_BUILD:-1}" != 0 ]; then
  # cargo-leptos finds wasm-opt (npm's binaryen) where the test command installed it.
  export PATH="$root/tests/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
  SQLX_OFFLINE=true cargo leptos build --release --bin-features demo >/dev/null
fi
exec python3 scripts/faults.py
