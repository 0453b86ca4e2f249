#!/usr/bin/env bash
# One command from a fresh Debian 12 machine: install what is missing (test tools included),
# build, and run every test: the optimised build, then the ASan+UBSan build.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --test
jobs=$(nproc)
# The conformance tests' private servers are stopped by ctest's fixture; should ctest itself be
# killed, stop them here too (only those of this checkout's build folders).
stop_servers() {
  for dir in /tmp/lockcheck-servers-*; do
    [[ -f $dir/env ]] && bash scripts/private-servers.sh stop "$dir" >/dev/null 2>&1 || true
  done
}
trap stop_servers EXIT

cmake --preset release -DLOCKCHECK_TESTS=ON >/dev/null
cmake --build --preset release -j "$jobs"
ctest --preset release -j "$jobs"

cmake --preset asan >/dev/null
cmake --build --preset asan -j "$jobs"
ctest --preset asan -j "$jobs"

# A 30-second libFuzzer run of the front end and the model (clang; docs/hardening.md).
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$jobs"
ctest --preset fuzz
