#!/usr/bin/env bash
# lockcheck against SPIN: each benchmark spec (bench/specs/NAME.lcs) and its Promela twin
# (bench/promela/NAME.pml), at each size, one after the other in one go:
#   SPIN:      spin -a -DN=n NAME.pml; gcc -O2 -DBFS -DSAFETY -DNOFAIR -DMEMLIM=.. pan.c; ./pan
#   lockcheck: lockcheck check NAME.lcs --const CLIENTS=n --no-symmetry --no-por --threads 1,
#              then 2 (the same state graph as SPIN's: partial-order reduction is on by default),
#              then as a user runs it (symmetry and partial-order reduction on) --threads 1
# Each whole process is timed (wall and CPU, /usr/bin/time) REPEATS times, the runs of one
# repetition back to back so that they see the same load; the tables give the medians. A
# benchmark, not a test: nothing here is in ctest, and a slow run fails nothing.
#
#   bench/run.sh                      # every benchmark at its default sizes (about 20 min)
#   bench/run.sh --quick              # small sizes only (about 1 min): does everything still work?
#   bench/run.sh reservation          # some benchmarks only
#   REPEATS=5 SIZES_reservation="4 5" bench/run.sh reservation
#
# Environment: REPEATS (3); LOCKCHECK (build/bench/lockcheck, built when missing); WORK
# (build/bench-run: pan builds, logs, raw.tsv, results.md); MEMLIM (pan's memory bound in MB,
# 16384); PAN_ARGS (extra ./pan options, e.g. -w26 for a bigger hash table); SIZES_<name>.
# Exit status: 0 when every run finished with the expected verdict and both tools counted the same
# states; 1 otherwise (the tables are printed either way). See docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

REPEATS=${REPEATS:-3}
LOCKCHECK=${LOCKCHECK:-$root/build/bench/lockcheck}
WORK=${WORK:-$root/build/bench-run}
MEMLIM=${MEMLIM:-16384}
PAN_ARGS=${PAN_ARGS:-}

all_benches=(optimistic_retry pessimistic_for_update redis_lease_fencing reservation)
declare -A constant=([optimistic_retry]=BUYERS [pessimistic_for_update]=BUYERS
                     [redis_lease_fencing]=CLIENTS [reservation]=CLIENTS)
# The largest size of each takes 5-25 s in lockcheck (one thread, no symmetry) on the 2-core
# machine of docs/performance.md.
declare -A sizes=([optimistic_retry]="5 6 7" [pessimistic_for_update]="14 16 18"
                  [redis_lease_fencing]="3 4 5" [reservation]="3 4 5")
declare -A quick=([optimistic_retry]="3 4" [pessimistic_for_update]="6 8"
                  [redis_lease_fencing]="2 3" [reservation]="2 3")

benches=()
use_quick=0
for arg in "$@"; do
  case $arg in
    --quick) use_quick=1 ;;
    -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *)
      if [[ -z ${constant[$arg]:-} ]]; then
        echo "unknown benchmark '$arg' (${all_benches[*]})" >&2
        exit 2
      fi
      benches+=("$arg") ;;
  esac
done
((${#benches[@]})) || benches=("${all_benches[@]}")

# ---- tools ---------------------------------------------------------------------------------------
missing=()
command -v spin >/dev/null || missing+=(spin)
command -v gcc >/dev/null || missing+=(gcc)
[[ -x /usr/bin/time ]] || missing+=(time)
command -v jq >/dev/null || missing+=(jq)
if ((${#missing[@]})); then
  if [[ $(id -u) == 0 ]]; then
    echo "installing: ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "missing Debian packages: ${missing[*]} (apt-get install -y ${missing[*]})" >&2
    exit 2
  fi
fi
if [[ ! -x $LOCKCHECK ]]; then
  echo "building $LOCKCHECK" >&2
  cmake -S . -B build/bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DLOCKCHECK_TESTS=OFF >/dev/null
  cmake --build build/bench --target lockcheck -j2 >/dev/null
fi
mkdir -p "$WORK"

# ---- helpers -------------------------------------------------------------------------------------
# timed LOG CMD...: runs CMD with its output in LOG; prints "wall cpu maxrss_kb exit_status".
timed() {
  local log=$1 tf status
  shift
  tf=$(mktemp)
  status=0
  /usr/bin/time -f '%e %U %S %M' -o "$tf" "$@" >"$log" 2>&1 || status=$?
  awk -v s="$status" 'END { printf "%s %.2f %s %s\n", $1, $2 + $3, $4, s }' "$tf"
  rm -f "$tf"
}
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3g", a / b; else print "-" }'; }
rate() {  # states per second, in thousands
  awk -v s="$1" -v t="$2" 'BEGIN { if (t > 0) printf "%.0fk", s / t / 1e3; else print "-" }'
}
factorial() { awk -v n="$1" 'BEGIN { f = 1; for (i = 2; i <= n; i++) f *= i; print f }'; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
row() {  # a Markdown table row from its cells
  local out="|" cell
  for cell in "$@"; do out+=" $cell |"; done
  echo "$out"
}
rule() {  # the header rule: the first two columns left-aligned, the others right-aligned
  local out="| --- | ---: |" i
  for ((i = 2; i < $1; i++)); do out+=" ---: |"; done
  echo "$out"
}
tsv() { local IFS=$'\t'; echo "$*"; }

raw=$WORK/raw.tsv
tsv bench size repeat tool states wall_s cpu_s maxrss_kb detail >"$raw"
ok=1
rows=() cpu_rows=() sym_rows=()

{
  echo "lockcheck: $LOCKCHECK (built $(date -r "$LOCKCHECK" '+%F %T'); repository at" \
       "$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')); $(spin -V | head -1);" \
       "$(gcc --version | head -1)"
  echo "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')," \
       "$(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo);" \
       "load at start: $(load); repeats: $REPEATS"
} | tee "$WORK/machine.txt"

# ---- the runs ------------------------------------------------------------------------------------
for bench in "${benches[@]}"; do
  spec=$root/bench/specs/$bench.lcs
  twin=$root/bench/promela/$bench.pml
  var=SIZES_$bench
  if [[ -n ${!var:-} ]]; then list=${!var}
  elif ((use_quick)); then list=${quick[$bench]}
  else list=${sizes[$bench]}
  fi
  for n in $list; do
    dir=$WORK/$bench-$n
    rm -rf "$dir"
    mkdir -p "$dir"
    cp "$twin" "$dir/"
    spin_total=() pan_wall=() pan_cpu=() lc1=() lc1_cpu=() lc2=() lc2_cpu=() lcs=()
    spin_states=- lc_states=- bps=- pan_rss=0 lc_rss=0 sym_states=- sym_note=
    for ((r = 1; r <= REPEATS; r++)); do
      echo "[$(date +%T)] $bench $n: repeat $r/$REPEATS (load $(load))" >&2
      # SPIN, from the model to the verdict.
      read -r w1 _ _ s1 < <(cd "$dir" && timed spin.log spin -a -DN="$n" "$bench.pml")
      read -r w2 _ _ s2 < <(cd "$dir" && timed gcc.log gcc -O2 -DBFS -DSAFETY -DNOFAIR \
                              -DMEMLIM="$MEMLIM" -w -o pan pan.c)
      # shellcheck disable=SC2086  # PAN_ARGS is a list of options
      read -r w3 c3 m3 s3 < <(cd "$dir" && timed pan.log ./pan $PAN_ARGS)
      spin_states=$(awk '/states, stored/ { print $1; exit }' "$dir/pan.log")
      errors=$(sed -n 's/.*errors: \([0-9]*\).*/\1/p' "$dir/pan.log" | head -1)
      if [[ $s1 != 0 || $s2 != 0 || $s3 != 0 || $errors != 0 ]] ||
         grep -q 'reached -DMEMLIM' "$dir/pan.log"; then
        echo "  SPIN failed or found an error: see $dir/{spin,gcc,pan}.log" >&2
        ok=0
      fi
      spin_total+=("$(awk -v a="$w1" -v b="$w2" -v c="$w3" 'BEGIN { print a + b + c }')")
      pan_wall+=("$w3") pan_cpu+=("$c3")
      pan_rss=$m3
      {
        tsv "$bench" "$n" "$r" "spin -a" "" "$w1" "" "" ""
        tsv "$bench" "$n" "$r" gcc "" "$w2" "" "" ""
        tsv "$bench" "$n" "$r" pan "$spin_states" "$w3" "$c3" "$m3" "errors=$errors"
      } >>"$raw"
      # lockcheck: without symmetry and partial-order reduction (SPIN's graph) on one thread and
      # two, then as a user runs it (both reductions on).
      for t in 1 2 sym; do
        json=$dir/lockcheck-$t.json
        opts=(--threads "$t" --no-symmetry --no-por)
        [[ $t == sym ]] && opts=(--threads 1)
        read -r w c m s < <(timed "$dir/lockcheck-$t.log" "$LOCKCHECK" check "$spec" \
                              --const "${constant[$bench]}=$n" "${opts[@]}" --quiet --json "$json")
        states=$(jq -r '.specs[0].stats.states' "$json" 2>/dev/null || echo -)
        outcome=$(jq -r '.specs[0] | .outcome + (if .complete then "" else " (incomplete)" end)' \
                    "$json" 2>/dev/null || echo "no report")
        if [[ $s != 0 || $outcome != as_expected ]]; then
          echo "  lockcheck ${opts[*]}: exit $s, $outcome: see $dir/lockcheck-$t.log" >&2
          ok=0
        fi
        case $t in
          1)
            lc1+=("$w") lc1_cpu+=("$c")
            lc_states=$states
            bps=$(jq -r '.specs[0].stats.bytes_per_state' "$json" 2>/dev/null || echo -)
            lc_rss=$m ;;
          2) lc2+=("$w") lc2_cpu+=("$c") ;;
          sym)
            lcs+=("$w")
            sym_states=$states
            sym_note=$(jq -r '.specs[0].notes | join("; ")' "$json" 2>/dev/null || true) ;;
        esac
        tsv "$bench" "$n" "$r" "lockcheck-$t" "$states" "$w" "$c" "$m" "$outcome" >>"$raw"
      done
    done
    if [[ $spin_states != "$lc_states" ]]; then
      echo "  state counts differ: SPIN $spin_states, lockcheck $lc_states" >&2
      ok=0
    fi
    st=$(median "${spin_total[@]}") pw=$(median "${pan_wall[@]}") pc=$(median "${pan_cpu[@]}")
    l1=$(median "${lc1[@]}") l1c=$(median "${lc1_cpu[@]}")
    l2=$(median "${lc2[@]}") l2c=$(median "${lc2_cpu[@]}")
    ls=$(median "${lcs[@]}")
    rows+=("$(row "$bench" "$n" "$spin_states" "$lc_states" "$st" "$pw" "$l1" "$l2" \
                  "$(rate "$spin_states" "$pw")" "$(rate "$lc_states" "$l1")" \
                  "$(rate "$lc_states" "$l2")" "$bps" "$(ratio "$l1" "$st")" \
                  "$(ratio "$l1" "$pw")" "$(ratio "$l1" "$l2")")")
    cpu_rows+=("$(row "$bench" "$n" "$pc" "$l1c" "$l2c" "$(rate "$spin_states" "$pc")" \
                      "$(rate "$lc_states" "$l1c")" "$(ratio "$l1c" "$pc")" \
                      "$((pan_rss / 1024))" "$((lc_rss / 1024))")")
    sym_rows+=("$(row "$bench" "$n" "$sym_states" "$ls" "$st" "$(ratio "$ls" "$st")" \
                      "$(ratio "$lc_states" "$sym_states")" "$(factorial "$n")" "$sym_note")")
  done
done

# ---- the tables ----------------------------------------------------------------------------------
{
  echo
  echo "Wall-clock seconds, medians of $REPEATS (load at end: $(load))."
  echo "SPIN s = spin -a + gcc + ./pan; lc = lockcheck check --no-symmetry --no-por (the same states as"
  echo "SPIN); st/s = states per wall second; ratios > 1: lockcheck slower."
  echo
  row benchmark N "SPIN states" "lc states" "SPIN s" "pan s" "lc 1T s" "lc 2T s" "pan st/s" \
      "lc 1T st/s" "lc 2T st/s" "lc B/state" "lc 1T / SPIN" "lc 1T / pan" "2T speedup"
  rule 15
  printf '%s\n' "${rows[@]}"
  echo
  echo "CPU seconds (user + sys) of the searches alone, medians; peak resident memory (last run)."
  echo
  row benchmark N "pan CPU s" "lc 1T CPU s" "lc 2T CPU s" "pan st/CPU s" "lc 1T st/CPU s" \
      "lc 1T / pan (CPU)" "pan MB" "lc 1T MB"
  rule 10
  printf '%s\n' "${cpu_rows[@]}"
  echo
  echo "lockcheck as a user runs it (symmetry and partial-order reduction on, 1 thread), wall seconds, medians."
  echo
  row benchmark N "lc states" "lc s" "SPIN s" "lc / SPIN" "states without / with symmetry" \
      "N!" note
  echo "$(rule 8) --- |"
  printf '%s\n' "${sym_rows[@]}"
} | tee "$WORK/results.md"
echo "raw runs: $raw" >&2
((ok)) || { echo "some runs failed or disagreed (see above)" >&2; exit 1; }
