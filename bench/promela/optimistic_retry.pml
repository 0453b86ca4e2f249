/* Promela twin of bench/specs/optimistic_retry.lcs: optimistic locking with bounded retries.
 *   spin -a -DN=5 optimistic_retry.pml
 *
 * How the twins are written (all of bench/promela/ follows this):
 * - One lockcheck step = one d_step, guarded by the process's own program counter pc[_pid]
 *   (the position of its next interaction, as in lockcheck). Each process is one guarded-command
 *   loop, so SPIN's own program counters never change and the state vector holds the same
 *   information as lockcheck's: rows, ghosts, and per process pc, locals and built-ins.
 * - Everything lives in global arrays indexed by _pid, so SPIN's partial-order reduction has
 *   no process-local transitions to exploit (the counts match with and without -DNOREDUCE).
 * - Invariants are asserted at the end of every step that writes what they read; the monitor's
 *   `timeout` asserts that a state where nothing can move is a proper end (lockcheck's deadlock).
 *   (spin warns "'timeout' in d_step sequence": intended, the check is one transition.)
 * - The spec's other constants are #defines with the same values; change both together.
 * - The state counts equal lockcheck's --no-symmetry counts exactly; bench/run.sh checks it.
 *
 * This spec: the row seats[123] (available, version), the ghost `sold`, and per buyer pc, a, v,
 * tries and the built-in `found` (row_count always equals found here; sql_error stays '').
 */
#ifndef N
#define N 5
#endif
#define SEATS 3
#define TRIES 3

#define AT_SELECT 0
#define AT_UPDATE 1
#define DONE 2
/* lockcheck resets a done process's locals that no property reads (dead locals): to their
 * constant initial values, found to false. */
#define FINISH pc[_pid] = DONE; a[_pid] = 0; v[_pid] = 0; tries[_pid] = 0; found[_pid] = false

byte available = SEATS;
byte version = 0;
byte sold = 0;
byte pc[N];          /* AT_SELECT */
byte a[N];
byte v[N];
byte tries[N] = 1;   /* `tries = tries + 1` runs at process start, before the first SELECT */
bool found[N];

active [N] proctype buyer() {
end:
  do
  :: d_step { pc[_pid] == AT_SELECT ->
       /* SELECT available, version INTO a, v FROM seats WHERE id = 123; */
       a[_pid] = available; v[_pid] = version; found[_pid] = true;
       if :: a[_pid] <= 0 -> FINISH                    /* break */
          :: else -> pc[_pid] = AT_UPDATE
       fi }
  :: d_step { pc[_pid] == AT_UPDATE ->
       /* UPDATE seats SET available = $a - 1, version = $v + 1 WHERE id = 123 AND version = $v; */
       if :: version == v[_pid] ->
             available = a[_pid] - 1; version = v[_pid] + 1; found[_pid] = true
          :: else -> found[_pid] = false
       fi;
       if :: found[_pid] -> sold++; FINISH             /* break */
          :: else ->
             if :: tries[_pid] < TRIES -> tries[_pid]++; pc[_pid] = AT_SELECT
                :: else -> FINISH
             fi
       fi;
       assert(sold <= SEATS) }                        /* invariant no_oversell */
  od
}

active proctype monitor() {
  byte i;
end:
  do
  :: d_step { timeout ->
       i = 0;
       do :: i < N -> assert(pc[i] == DONE); i++ :: else -> break od;
       i = 0 }
  od
}
