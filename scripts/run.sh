#!/usr/bin/env bash
# The README's run command: installs what is missing (once per machine), builds the release
# site, creates the SQLite database with the demo data if needed, and serves it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export PATH="$root/tests/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export DATABASE_URL="${DATABASE_URL:-sqlite://data/centre.db}"
export LEPTOS_SITE_ADDR="${LEPTOS_SITE_ADDR:-127.0.0.1:3000}"
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-target/site}"

scripts/install-tools.sh build
cargo leptos build --release --precompress --bin-features demo
target/release/server seed-demo
cat <<MSG

  The centre's app is at http://$LEPTOS_SITE_ADDR (demo mode: the sign-ins above work).
  Database: $DATABASE_URL (demo data loaded). Stop with Ctrl-C.

MSG
exec target/release/server serve --demo
