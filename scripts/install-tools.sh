#!/usr/bin/env bash
# Installs, once per machine, every tool the build and the tests need, and skips
# whatever is already present at the right version. Nothing here downloads a binary
# from outside the package registries (crates.io, npm, Debian): see ../shared/BUILD.md.
#
# Usage: scripts/install-tools.sh [build|test|all] (default: all)
#   build: Rust wasm target, cargo-leptos, wasm-bindgen-cli, wasm-opt (npm binaryen)
#   test:  build + sqlx-cli, cargo-nextest, Debian chromium and fonts, Playwright (npm)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
what="${1:-all}"
cargo_bin="${CARGO_HOME:-$HOME/.cargo}/bin"
export PATH="$root/tests/node_modules/.bin:$cargo_bin:$PATH"

say() { printf '==> %s\n' "$*"; }

install_wasm_target() {
  if rustup target list --installed | grep -qx wasm32-unknown-unknown; then return; fi
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
}

install_cargo_leptos() {
  if cargo leptos --version 2>/dev/null | grep -q '0\.3\.11'; then return; fi
  say "installing cargo-leptos 0.3.11 (about 13 minutes, once per machine)"
  # Its lockfile pins cargo-util-schemas 0.14.2, which needs a newer rustc than ours:
  # let cargo unpack the source, then build it with 0.14.1 pinned instead.
  cargo install cargo-leptos --version 0.3.11 --locked >/dev/null 2>&1 || true
  local src
  src="$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/cargo-leptos-0.3.11 | head -n 1)"
  local tmp
  tmp="$(mktemp -d)"
  cp -r "$src" "$tmp/"
  (cd "$tmp/cargo-leptos-0.3.11" &&
    cargo update -p cargo-util-schemas --precise 0.14.1 &&
    cargo install --path . --locked --features no_downloads)
  rm -rf "$tmp"
}

install_wasm_bindgen() {
  # Must be exactly the wasm-bindgen version in Cargo.lock, or hydration breaks silently.
  local want
  want="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$root/Cargo.lock")"
  if wasm-bindgen --version 2>/dev/null | grep -q " $want\$"; then return; fi
  say "installing wasm-bindgen-cli $want"
  cargo install wasm-bindgen-cli --version "$want" --force
}

install_sqlx_cli() {
  if cargo sqlx --version 2>/dev/null | grep -q '0\.8\.6'; then return; fi
  say "installing sqlx-cli 0.8.6"
  cargo install sqlx-cli --version 0.8.6 --no-default-features --features sqlite,rustls --locked
}

install_nextest() {
  # The machines here come with it; install it where one does not.
  if cargo nextest --version >/dev/null 2>&1; then return; fi
  say "installing cargo-nextest"
  cargo install cargo-nextest --locked
}

install_npm_packages() {
  # Playwright (driving Debian's Chromium, never a downloaded browser) and binaryen's wasm-opt.
  if [ -x "$root/tests/node_modules/.bin/playwright" ] && [ -x "$root/tests/node_modules/.bin/wasm-opt" ] &&
    [ "$root/tests/node_modules/.package-lock.json" -nt "$root/tests/package-lock.json" ]; then return; fi
  say "installing the npm packages of tests/"
  (cd "$root/tests" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
}

install_chromium() {
  local packages=(chromium fonts-noto-core)
  local installed
  installed="$(dpkg-query -W -f='${Status}\n' "${packages[@]}" 2>/dev/null | grep -c 'install ok installed' || true)"
  if [ "$installed" -eq "${#packages[@]}" ]; then return; fi
  say "installing Debian's chromium and fonts"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${packages[@]}" >/dev/null
}

case "$what" in
  cargo-leptos) install_cargo_leptos ;;
  build)
    install_wasm_target
    install_cargo_leptos
    install_wasm_bindgen
    install_npm_packages
    ;;
  test | all)
    install_wasm_target
    install_cargo_leptos
    install_wasm_bindgen
    install_npm_packages
    install_sqlx_cli
    install_nextest
    install_chromium
    ;;
  *) echo "usage: $0 [build|test|all]" >&2; exit 2 ;;
esac
