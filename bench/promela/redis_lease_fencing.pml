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
                :: else -> pc[_pid] = DONE
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
       pc[_pid] = DONE }                /* break */
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
       do :: i < N -> assert(pc[i] == DONE); i++ :: else -> break od;   /* no deadlock */
       i = 0 }
  od
}
