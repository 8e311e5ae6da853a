#!/usr/bin/env bash
# The README's test command: installs what is missing (once per machine), then runs every
# check and test suite: formatting, the .sqlx query data, clippy for the server and the
# WASM, Rust unit/database/HTTP tests, and the Playwright suite in Debian's Chromium.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export PATH="$root/tests/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
started=$SECONDS
step() { printf '\n==> %s (%ss)\n' "$*" "$((SECONDS - started))"; }

step "tools"
scripts/install-tools.sh test

step "disk"
# CI builds once from a clean clone: incremental compilation data would only take disk
# (a linker that runs out of space dies with a bus error, not a clear message).
if [ -n "${CI:-}" ]; then export CARGO_INCREMENTAL=0; fi
mkdir -p target
free_kb="$(df -Pk target | awk 'NR == 2 { print $4 }')"
echo "free beside target/: $((free_kb / 1024)) MB"
if [ "$free_kb" -lt $((6 * 1024 * 1024)) ]; then
  # Our own crates' old builds are what a warm target/ accumulates; dependencies stay.
  echo "under 6 GB free: removing this workspace's old build output from target/"
  cargo clean -p app -p server -p frontend
  # The WASM builds' incremental data, which `cargo clean -p` (host target only) leaves.
  rm -rf target/front/*/*/incremental target/wasm32-unknown-unknown/*/incremental
  df -Pk target | awk 'NR == 2 { printf "now free: %d MB\n", $4 / 1024 }'
fi

step "formatting"
cargo fmt --all --check

step "layers: app/src imports only downward, as ARCHITECTURE.md says (no cycle)"
python3 scripts/layers.py

step "the committed .sqlx query data matches the queries"
scripts/sqlx-prepare.sh --check

step "clippy: server side (ssr, with the demo data and its tests)"
cargo clippy -p app -p server --features server/demo --all-targets -- -D warnings

step "clippy: the production server, without the demo data"
cargo clippy -p server -- -D warnings

step "clippy: browser side (wasm32, hydrate)"
cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

step "Rust tests: unit, database (sqlx::test), HTTP and CLI"
# nextest runs each test in its own process and kills one that hangs after two minutes
# (.config/nextest.toml), naming it, instead of letting it run out CI's clock.
cargo nextest run --profile ci -p app -p server --features server/demo

step "build the site: the server with the demo data, and the WASM as it ships (release)"
# The browser suite holds each page to its byte budget, so it runs the release WASM (the debug
# one is five times larger); the server stays a debug build, sharing the tests' dependencies.
cargo leptos build --bin-features demo --server-only
cargo leptos build --release --precompress --frontend-only
# The server names the site's files from the hash.txt beside it.
cp target/release/hash.txt target/debug/hash.txt

step "kill -9 under load: 10 trials (scripts/faults.sh runs 100 on the release server)"
SERVER="$root/target/debug/server" TRIALS=10 python3 scripts/faults.py

step "browser suite (Playwright, Debian Chromium)"
(cd tests && npx playwright test)

step "all passed"
