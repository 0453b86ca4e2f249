/* Promela twin of bench/specs/pessimistic_for_update.lcs: SELECT ... FOR UPDATE, scaled by N.
 *   spin -a -DN=10 pessimistic_for_update.pml
 * Written as bench/promela/optimistic_retry.pml explains (one d_step per lockcheck step, guarded
 * by pc[_pid]; global arrays; invariants asserted where written; a timeout monitor).
 *
 * The row seats[123] as lockcheck's database keeps it: the committed `available`, the exclusive
 * lock's holder, and the uncommitted version of its writer (`writer`, `pending`). A SQL statement
 * that meets another transaction's lock starts and waits (a step: `waiting`, the target marked
 * on the row in lockcheck), and goes on in a later step once the lock is free, reading the row's
 * latest committed version (docs/language.md). Per buyer: pc, a, waiting, and whether its
 * transaction is open (BEGIN is local, so it runs at process start). The built-ins
 * found/row_count are omitted: here they follow from pc and a.
 */
#ifndef N
#define N 8
#endif
#define SEATS 4

#define AT_SELECT 0
#define AT_UPDATE 1
#define AT_COMMIT 2
#define AT_ROLLBACK 3
#define DONE 4
#define ME (_pid + 1)  /* 0 = nobody */

short available = SEATS;  /* committed version */
byte lock = 0;            /* exclusive lock holder */
byte writer = 0;          /* transaction with an uncommitted version */
short pending = 0;        /* its version (0 without a writer) */
byte sold = 0;
byte pc[N];               /* AT_SELECT */
short a[N];
bool txn_open[N] = 1;     /* BEGIN; ran at process start */
bool waiting[N];          /* the SELECT started and waits for the lock */

active [N] proctype buyer() {
end:
  do
  :: d_step { pc[_pid] == AT_SELECT && !waiting[_pid] && lock != 0 && lock != ME ->
       /* SELECT ... FOR UPDATE starts and waits for the lock's holder */
       waiting[_pid] = 1 }
  :: d_step { pc[_pid] == AT_SELECT && (lock == 0 || lock == ME) ->
       /* SELECT available INTO a FROM seats WHERE id = 123 FOR UPDATE; (or goes on) */
       waiting[_pid] = 0;
       lock = ME;
       if :: writer == ME -> a[_pid] = pending :: else -> a[_pid] = available fi;
       if :: a[_pid] > 0 -> pc[_pid] = AT_UPDATE
          :: else -> pc[_pid] = AT_ROLLBACK
       fi }
  :: d_step { pc[_pid] == AT_UPDATE && (lock == 0 || lock == ME) ->
       /* UPDATE seats SET available = $a - 1 WHERE id = 123; */
       lock = ME; writer = ME; pending = a[_pid] - 1;
       pc[_pid] = AT_COMMIT }
  :: d_step { pc[_pid] == AT_COMMIT ->
       /* COMMIT; sold = sold + 1; */
       if :: writer == ME -> available = pending; writer = 0; pending = 0 :: else -> skip fi;
       if :: lock == ME -> lock = 0 :: else -> skip fi;
       txn_open[_pid] = 0;
       sold++;
       pc[_pid] = DONE; a[_pid] = 0;   /* a dead local: reset, as lockcheck does */
       assert(sold <= SEATS);        /* invariant no_oversell */
       assert(available >= 0) }      /* invariant never_negative */
  :: d_step { pc[_pid] == AT_ROLLBACK ->
       /* ROLLBACK; */
       if :: writer == ME -> writer = 0; pending = 0 :: else -> skip fi;
       if :: lock == ME -> lock = 0 :: else -> skip fi;
       txn_open[_pid] = 0;
       pc[_pid] = DONE; a[_pid] = 0 }
  od
}

active proctype monitor() {
  byte i;
end:
  do
  :: d_step { timeout ->
       i = 0;
       do :: i < N -> assert(pc[i] == DONE); i++ :: else -> break od;   /* no deadlock */
       i = 0 }
  od
}
