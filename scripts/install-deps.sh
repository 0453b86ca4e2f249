#!/usr/bin/env bash
# Installs, from Debian 12 packages only, what lockcheck needs to build (and, with --test, to
# run every test, the browser test included). Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(g++ cmake ninja-build libboost-graph-dev libcli11-dev libfmt-dev nlohmann-json3-dev
          libjemalloc-dev libpq-dev libhiredis-dev pkg-config
          libgtest-dev libbenchmark-dev)
if [[ "${1:-}" == "--test" ]]; then
  packages+=(chromium clang libclang-rt-14-dev)
  # The conformance tests start a private PostgreSQL 15 and Redis 7 (scripts/private-servers.sh).
  packages+=(postgresql-15 redis-server)
  # Node.js may come from elsewhere (its own npm inside); install Debian's only when missing.
  command -v node >/dev/null || packages+=(nodejs)
  command -v npm >/dev/null || packages+=(npm)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [[ "${1:-}" == "--test" && -f tests/browser/package.json ]]; then
  # The browser test drives Debian's chromium with playwright-core (no browser download).
  (cd tests/browser && { [[ -d node_modules ]] || npm ci --no-audit --no-fund --loglevel=error; })
  # The editor grammar's test tokenises with VS Code's engine (editors/README.md).
  (cd editors/test && { [[ -d node_modules ]] || npm ci --no-audit --no-fund --loglevel=error; })
fi
