# Sourced by the load scripts (bench-*.sh): builds the release server unless BENCH_BUILD=0,
# serves it on a fresh demo database on port $1 with RUST_LOG at $2, removes both on exit,
# and returns once /healthz answers. BENCH_SERVER names another build (an older commit's,
# say) and BENCH_SITE its site; `root` must be set.

# Builds the release server and its site with the demo data, unless BENCH_BUILD=0 or SERVER
# names another build.
build_release() {
  if [ -z "${SERVER:-}" ] && [ "${BENCH_BUILD:-1}" != 0 ]; then
    # cargo-leptos finds wasm-opt (npm's binaryen) where the test command installed it.
    export PATH="$root/tests/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
    SQLX_OFFLINE=true cargo leptos build --release --bin-features demo >/dev/null
  fi
}

start_bench_server() {
  local port="$1"
  build_release
  data="$(mktemp -d)"
  export DATABASE_URL="sqlite://$data/bench.db"
  export LEPTOS_SITE_ADDR="127.0.0.1:$port"
  export LEPTOS_SITE_ROOT="${BENCH_SITE:-$root/target/site}"
  export DEMO_ACCOUNTS="$root/demo/accounts.json"
  export RUST_LOG="$2"
  "${BENCH_SERVER:-$root/target/release/server}" serve --demo &
  server=$!
  trap 'kill -TERM "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$data"' EXIT
  for _ in $(seq 1 300); do
    curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && return
    sleep 0.2
  done
  echo "the server did not answer on port $port" >&2
  return 1
}
