#!/usr/bin/env bash
# The long conformance run (docs/conformance.md): COUNT random schedules in each direction (server
# -> model and model -> server) from SEED, on a private PostgreSQL 15 and Redis 7 started for the
# run and stopped at its end.
#
#   scripts/conformance-long-run.sh [COUNT] [SEED]     # default: 20000 schedules, seed 1
#
# Needs a build with tests (cmake --preset release -DLOCKCHECK_TESTS=ON; cmake --build ...).
# Prints each kind of divergence found (shrunk, as SQL sessions) and the counts with their seeds.
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-20000}
seed=${2:-1}
binary=${LOCKCHECK_CONFORMANCE_BINARY:-build/release/conformance_tests}
[[ -x $binary ]] || {
  echo "conformance-long-run: $binary not found; build it first (cmake --build --preset release)" >&2
  exit 2
}
dir=$(mktemp -d /tmp/lockcheck-long-XXXXXX)
export LOCKCHECK_CONFORMANCE_COUNT=$count LOCKCHECK_CONFORMANCE_SEED=$seed
# The known kinds must still be found; a new kind fails the run.
exec bash scripts/private-servers.sh run "$dir" -- \
  "$binary" --gtest_filter='RandomServerToModel.*:RandomModelToServer.*'
