#!/usr/bin/env bash
# Starts the built server for the browser suite: a fresh SQLite database with the demo data,
# on E2E_PORT (default 3100). Playwright runs this and waits for /healthz.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
profile="${E2E_PROFILE:-debug}"
# The browser suite may read the database to check what reached the server (E2E_DATA, set by
# tests/playwright.config.ts); run by hand, a fresh folder.
data="${E2E_DATA:-$(mktemp -d)}"
rm -rf "$data" && mkdir -p "$data"
trap 'rm -rf "$data"' EXIT
export DATABASE_URL="sqlite://$data/e2e.db"
export LEPTOS_SITE_ADDR="127.0.0.1:${E2E_PORT:-3100}"
export LEPTOS_SITE_ROOT="$root/target/site"
# Dashboards reconnect every few seconds: the reconnection path runs in every live test.
export LIVE_STREAM_SECONDS="${LIVE_STREAM_SECONDS:-5}"
export RUST_LOG="${RUST_LOG:-warn}"
export DEMO_ACCOUNTS="$root/demo/accounts.json"
"$root/target/$profile/server" seed-demo >/dev/null
# The browser suite's own administrator (tests/e2e/auth.spec.ts signs in with it).
ADMIN_PASSWORD="e2e admin passphrase" "$root/target/$profile/server" create-admin \
  --login e2e-admin --name "Sophea E2E" --language km >/dev/null
# Two family accounts one wrong PIN away from the lock (19 failures in a row), one for the
# tablet and one for the phone (tests/e2e/lock.spec.ts), with the Sok family's demo PIN.
python3 - "$data/e2e.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for name, phone in [("Lock test tablet", "016000001"), ("Lock test phone", "016000002")]:
    db.execute(
        "INSERT INTO family (display_name, phone, pin_hash, demo, failed_sign_ins) "
        "SELECT ?, ?, pin_hash, 1, 19 FROM family WHERE phone = '012345678'",
        (name, phone),
    )
db.commit()
PY
# Not exec: the trap must remove the database when Playwright stops the server.
"$root/target/$profile/server" serve --demo &
server=$!
trap 'kill -TERM "$server" 2>/dev/null; wait "$server"; rm -rf "$data"' EXIT TERM INT
wait "$server"
