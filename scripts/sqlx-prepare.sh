#!/usr/bin/env bash
# Refreshes the committed `.sqlx/` query data after a change to a query or a migration:
# builds a scratch database from migrations/, then lets sqlx-cli record every query.
# With --check, only verifies that `.sqlx/` is up to date (CI does this).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
export DATABASE_URL="sqlite://$scratch/prepare.db"
cargo sqlx database create
cargo sqlx migrate run --source migrations >/dev/null
# `--all-targets` records the queries of tests too; `ssr` is where the SQL lives, `demo`
# holds the demo seed (and the tests that use it).
SQLX_OFFLINE=false cargo sqlx prepare --workspace "$@" -- --all-targets --features app/ssr,server/demo
