/* Promela twin of bench/specs/redis_lease_fencing.lcs: a Redis lease with fencing tokens
 * guarding a read-modify-write, scaled by N clients.
 *   spin -a -DN=4 redis_lease_fencing.pml
 * Written as bench/promela/optimistic_retry.pml explains (one d_step per lockcheck step, guarded
 * by pc[_pid]; global arrays; invariants asserted where written; a timeout monitor).
 *
 * Time: the clock process's d_step is lockcheck's `tick` (enabled while now < MAX); it drops the
 * lock key at the tick that reaches its deadline, as lockcheck does, so an expired key and a key
 * never set are one state. Redis: key `lock` as (owner, deadline), owner 0 = absent; key `fence`
 * as its integer, 0 = absent (INCR starts from 0, and it only grows). The row counters[1]
 * (n, max_tok). Per client: pc, ok, tok, a (-1 = null: RETURNING ... INTO with no row), v (the
 * GET's value: 0 = null, else the owner's pid + 1), tries, and the built-in found (row_count
 * equals found; sql_error stays '').
 *
 * Dead locals, as lockcheck resets them: a client that is done (after its release, or after its
 * last failed try) forgets its locals, since no property reads them: ok, tok, a and tries go back
 * to their constant initial values (false, 0, 0, 0), v (initialised to null) to null (0 here),
 * and found to false (FINISH). The monitor reads found, which keeps it in SPIN's state vector
 * (SPIN leaves out variables that are never read; with the reset, found is no longer determined
 * by the rest of the state, and leaving it out merged 27 states at 3 clients).
 */
#ifndef N
#define N 3
#endif
#define TRIES 2
#define MAX 4
#define TTL 2

#define AT_ACQUIRE 0
#define AT_REGISTER 1
#define AT_WRITE 2
#define AT_RELEASE 3
#define DONE 4
#define ME (_pid + 1)
/* A client is done: its dead locals are reset, as lockcheck does (see above). */
#define FINISH pc[_pid] = DONE; ok[_pid] = false; tok[_pid] = 0; a[_pid] = 0; v[_pid] = 0; \
               tries[_pid] = 0; found[_pid] = false

byte now = 0;
byte lock_owner = 0;   /* cache['lock']: 0 = absent */
byte lock_dl = 0;      /* its deadline (0 when absent) */
byte fence = 0;        /* cache['fence']: 0 = absent */
byte n = 0;            /* counters[1].n */
byte max_tok = 0;      /* counters[1].max_tok */
byte increments = 0;   /* ghost */
byte pc[N];
bool ok[N];
byte tok[N];
short a[N];
byte v[N];             /* `var v = null;` */
byte tries[N] = 1;     /* `tries = tries + 1` runs at process start */
bool found[N];

active [N] proctype client() {
end:
  do
  :: d_step { pc[_pid] == AT_ACQUIRE ->
       /* atomic { ok = cache: SET lock $self NX EX 2; if ok { tok = cache: INCR fence; } } */
       if :: lock_owner == 0 -> lock_owner = ME; lock_dl = now + TTL; ok[_pid] = true;
             fence++; tok[_pid] = fence
          :: else -> ok[_pid] = false
       fi;
       if :: ok[_pid] -> pc[_pid] = AT_REGISTER
          :: else ->
             if :: tries[_pid] < TRIES -> tries[_pid]++; pc[_pid] = AT_ACQUIRE
                :: else -> FINISH
             fi
       fi }
  :: d_step { pc[_pid] == AT_REGISTER ->
       /* UPDATE counters SET max_tok = $tok WHERE id = 1 AND max_tok <= $tok RETURNING n INTO a; */
       if :: max_tok <= tok[_pid] -> max_tok = tok[_pid]; a[_pid] = n; found[_pid] = true;
             pc[_pid] = AT_WRITE
          :: else -> a[_pid] = -1; found[_pid] = false; pc[_pid] = AT_RELEASE
       fi }
  :: d_step { pc[_pid] == AT_WRITE ->
       /* UPDATE counters SET n = $a + 1, max_tok = $tok WHERE id = 1 AND max_tok <= $tok; */
       if :: max_tok <= tok[_pid] -> n = a[_pid] + 1; max_tok = tok[_pid]; found[_pid] = true;
             increments++
          :: else -> found[_pid] = false
       fi;
       pc[_pid] = AT_RELEASE;
       assert(n == increments) }       /* invariant counted */
  :: d_step { pc[_pid] == AT_RELEASE ->
       /* atomic { v = cache: GET lock; if v == self { cache: DEL lock; } } */
       v[_pid] = lock_owner;
       if :: v[_pid] == ME -> lock_owner = 0; lock_dl = 0 :: else -> skip fi;
       FINISH }                         /* break */
  od
}

active proctype clock() {
end:
  do
  :: d_step { now < MAX ->
       now++;
       if :: lock_owner != 0 && lock_dl <= now -> lock_owner = 0; lock_dl = 0 :: else -> skip fi }
  od
}

active proctype monitor() {
  byte i;
end:
  do
  :: d_step { timeout ->
       i = 0;
       /* no deadlock; and a done client's found was reset. This read also keeps found in SPIN's
        * state vector: SPIN leaves out a variable that is never read, and found is not
        * determined by the rest of the state once done clients forget their locals. */
       do :: i < N -> assert(pc[i] == DONE && !found[i]); i++ :: else -> break od;
       i = 0 }
  od
}
