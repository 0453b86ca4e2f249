#!/usr/bin/env bash
# One command from a fresh Debian 12 machine: install what is missing, build lockcheck, and
# check every spec of the library, writing the HTML report to build/report/index.html.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset release -DLOCKCHECK_TESTS=OFF >/dev/null
cmake --build --preset release --target lockcheck
mkdir -p build/report
./build/release/lockcheck check specs/ --html build/report "$@"
