#!/usr/bin/env bash
# Runs a libFuzzer binary of tests/fuzz/ for a while over every *.lcs of the repository.
#
#   tests/fuzz/run_fuzz.sh [--fresh] BINARY SECONDS [LIBFUZZER OPTIONS...]
#
# Beside BINARY it keeps NAME.corpus/ (what the fuzzer found, kept between runs; with --fresh,
# as ctest runs it, an empty NAME.fresh-corpus/ instead, so that a short run does not spend its
# minute re-reading thousands of inputs from earlier long runs), NAME.seeds/
# (a fresh copy of every *.lcs of the repository) and NAME.artifacts/ (crashing, leaking or
# slow inputs: crash-*, leak-*, timeout-*, oom-*). Exits non-zero when the fuzzer found a
# problem; the input that shows it is named on the last lines of the output. Reproduce one with
# `BINARY ARTIFACT`. See docs/hardening.md.
set -euo pipefail

fresh=false
if [[ "${1:-}" == "--fresh" ]]; then
  fresh=true
  shift
fi
if (($# < 2)); then
  echo "usage: $0 [--fresh] BINARY SECONDS [LIBFUZZER OPTIONS...]" >&2
  exit 2
fi
binary=$(realpath "$1")
seconds=$2
shift 2
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
name=$(basename "$binary")
work=$(dirname "$binary")
corpus="$work/$name.corpus"
if $fresh; then
  corpus="$work/$name.fresh-corpus"
  rm -rf "$corpus"
fi

rm -rf "$work/$name.seeds"
mkdir -p "$corpus" "$work/$name.seeds" "$work/$name.artifacts"
# Every spec of the repository, under a name that keeps its path (two folders have a naive.lcs).
while IFS= read -r -d '' spec; do
  relative=${spec#"$source_dir"/}
  cp "$spec" "$work/$name.seeds/${relative//\//_}"
done < <(find "$source_dir" \( -path "$source_dir/build" -o -name node_modules -o -name .git \) \
              -prune -o -name '*.lcs' -type f -print0)

dict=()
[[ -f "$source_dir/tests/fuzz/lcs.dict" ]] && dict=(-dict="$source_dir/tests/fuzz/lcs.dict")

# -timeout: one input may take this long (a search is capped at 2 s inside the target; ASan is
# slow). -rss_limit_mb: an input that needs more memory than this is a finding (oom-*).
# -max_len: specs of the corpus are up to ~3 KB; 8 KB leaves room to grow them.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
exec "$binary" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 -max_len=8192 \
  -print_final_stats=1 -print_funcs=0 "${dict[@]}" -artifact_prefix="$work/$name.artifacts/" "$@" \
  "$corpus" "$work/$name.seeds"
