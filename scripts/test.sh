#!/usr/bin/env bash
# One command from a fresh Debian 12 machine: install what is missing (test tools included),
# build, and run every test: the optimised build, then the ASan+UBSan build.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --test
jobs=$(nproc)

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
