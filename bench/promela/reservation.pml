/* Promela twin of bench/specs/reservation.lcs: the reservation pattern, scaled by N clients.
 *   spin -a -DN=4 reservation.pml
 * Written as bench/promela/optimistic_retry.pml explains (one d_step per lockcheck step, guarded
 * by pc[_pid]; global arrays; invariants asserted where written; a timeout monitor).
 *
 * The database as lockcheck keeps it. Each row slot: the committed version, the writer and its
 * uncommitted version, and the exclusive lock's holder (0 = nobody, else pid + 1). The inventory
 * row: available, inv_lock, inv_writer, inv_pending. The reservations table has `who` as its
 * primary key, so its rows are one slot per client, indexed by pid: committed (status,
 * expires_at), status 0 = no row; uncommitted (status, expires_at) of the writer.
 *
 * Waiting (docs/language.md, "The database"). A statement whose target (a row that matches its
 * WHERE in its snapshot: the committed rows) is locked by another transaction starts and waits:
 * that is a step of its own (`waiting`, `xwaiting`; the target still to visit follows from pc).
 * It goes on in a later step once the lock is free, re-checking WHERE on the row's latest
 * committed version (a client's take that finds the stock gone, or a confirm that finds its
 * reservation expired, affects nothing, but keeps the lock it took on that latest version before
 * the re-check, as PostgreSQL does: the take's until its ROLLBACK, the confirm's only within its
 * step); any process may take a freed row first. The statements
 * that can wait: a client's `UPDATE inventory` (for another client or the expirer), its
 * autocommit confirm `UPDATE reservations` (for the expirer, which locks the rows it expires;
 * while it waits its implicit transaction is open, which `waiting` at AT_CONFIRM stands for), and
 * the expirer's `UPDATE inventory` (for a client). The expirer's `UPDATE reservations` never
 * waits: a client locks its reservation row only while it is uncommitted (its INSERT, up to its
 * COMMIT: not in the expirer's snapshot) and in its confirm, which holds the lock only inside one
 * step. Its INSERT never waits either: nobody else writes the row of its key.
 *
 * Time and `sleep`: the clock process is lockcheck's tick; the expirer stores its wake-up tick (-1
 * when not sleeping). `now()` in SQL is the transaction's start time (the clock when its first
 * statement started): the expirer's transaction keeps it (xstart) from its `UPDATE reservations`
 * to its COMMIT, since that statement reads now(); 0 when it has none. The clients' `now()` is a
 * host expression (evaluated at the step), so their transactions keep no start time.
 * Per process: pc, waiting; the expirer's k, n. Transaction status and the built-ins (found,
 * row_count) follow from pc, waiting and the rows here, so they are not stored twice.
 *
 * Dead locals, as lockcheck resets them: a process that is done forgets the locals no property
 * reads. The expirer's k and n go back to their constant initial values (0, 0; k is 1 while it
 * runs, as above), and a done process's found, row_count and sql_error go back to false, 0 and
 * '', which here are implied by pc == DONE / xpc == XDONE. A client has no declared locals.
 */
#ifndef N
#define N 4
#endif
#define STOCK 2
#define MAX 3

#define HELD 1
#define CONFIRMED 2
#define EXPIRED 3

/* clients */
#define AT_TAKE 0
#define AT_INSERT 1
#define AT_COMMIT 2
#define AT_CONFIRM 3
#define AT_ROLLBACK 4
#define DONE 5
/* the expirer */
#define AT_SLEEP 0
#define AT_EXPIRE 1
#define AT_RESTOCK 2
#define AT_XCOMMIT 3
#define XDONE 4

#define ME (_pid + 1)
#define EXP (N + 1)   /* the expirer's pid + 1 */

byte now = 0;
byte available = STOCK;
byte inv_lock = 0;
byte inv_writer = 0;
byte inv_pending = 0;
byte r_status[N];      /* committed */
byte r_expires[N];
byte r_lock[N];
byte r_writer[N];
byte r_pstatus[N];     /* the writer's version */
byte r_pexpires[N];
byte confirmed = 0;    /* ghosts */
byte released = 0;
byte pc[N];            /* clients: AT_TAKE */
bool waiting[N];       /* its UPDATE (take or confirm, by pc) started and waits for a lock */
byte xpc = AT_SLEEP;
bool xwaiting = 0;     /* the expirer's UPDATE inventory started and waits for a lock */
byte xstart = 0;       /* the expirer's transaction's start time (now() in its SQL) */
byte k = 1;            /* `k = k + 1` runs at process start */
byte n = 0;
short wake = 1;        /* the expirer reaches `sleep 1` at time 0 */

/* invariants seats_accounted and settled_once; i is a scratch variable, left at 0 */
inline check_invariants(i) {
  short in_use = 0; short settled = 0;
  i = 0;
  do
  :: i < N ->
     if :: r_status[i] == HELD || r_status[i] == CONFIRMED -> in_use++ :: else -> skip fi;
     if :: r_status[i] == CONFIRMED || r_status[i] == EXPIRED -> settled++ :: else -> skip fi;
     i++
  :: else -> break
  od;
  assert(available + in_use == STOCK);
  assert(confirmed + released == settled);
  i = 0; in_use = 0; settled = 0
}

active [N] proctype client() {
  byte i = 0;
end:
  do
  :: d_step { pc[_pid] == AT_TAKE && !waiting[_pid] && available >= 1 && inv_lock != 0 ->
       /* UPDATE inventory ... starts (the row is its target) and waits for the lock's holder */
       waiting[_pid] = 1 }
  :: d_step { pc[_pid] == AT_TAKE && (inv_lock == 0 || (!waiting[_pid] && available < 1)) ->
       /* UPDATE inventory SET available = available - 1 WHERE item = 1 AND available >= 1;
          (or goes on, re-checking WHERE on the latest committed version) */
       if :: available >= 1 ->
             inv_lock = ME; inv_writer = ME; inv_pending = available - 1; pc[_pid] = AT_INSERT
          :: else ->
             /* a waiter's re-check failed: the latest version stays locked */
             if :: waiting[_pid] -> inv_lock = ME :: else -> skip fi;
             pc[_pid] = AT_ROLLBACK
       fi;
       waiting[_pid] = 0 }
  :: d_step { pc[_pid] == AT_INSERT ->
       /* INSERT INTO reservations VALUES ($self, 'held', ${now() + 1}); */
       r_lock[_pid] = ME; r_writer[_pid] = ME; r_pstatus[_pid] = HELD; r_pexpires[_pid] = now + 1;
       pc[_pid] = AT_COMMIT }
  :: d_step { pc[_pid] == AT_COMMIT ->
       /* COMMIT; */
       available = inv_pending; inv_pending = 0; inv_writer = 0; inv_lock = 0;
       r_status[_pid] = r_pstatus[_pid]; r_expires[_pid] = r_pexpires[_pid];
       r_pstatus[_pid] = 0; r_pexpires[_pid] = 0; r_writer[_pid] = 0; r_lock[_pid] = 0;
       pc[_pid] = AT_CONFIRM;
       check_invariants(i) }
  :: d_step { pc[_pid] == AT_CONFIRM && !waiting[_pid] &&
              r_status[_pid] == HELD && r_lock[_pid] != 0 ->
       /* the confirm starts (its own implicit transaction) and waits for the expirer's lock */
       waiting[_pid] = 1 }
  :: d_step { pc[_pid] == AT_CONFIRM &&
              (r_lock[_pid] == 0 || (!waiting[_pid] && r_status[_pid] != HELD)) ->
       /* UPDATE reservations SET status = 'confirmed' WHERE who = $self AND status = 'held';
          (or goes on: the expirer committed, so the re-check finds 'expired') */
       waiting[_pid] = 0;
       if :: r_status[_pid] == HELD -> r_status[_pid] = CONFIRMED; confirmed++
          :: else -> skip
       fi;
       pc[_pid] = DONE;
       check_invariants(i) }
  :: d_step { pc[_pid] == AT_ROLLBACK ->
       /* ROLLBACK; (its UPDATE changed nothing, but may hold the row's lock) */
       if :: inv_lock == ME -> inv_lock = 0 :: else -> skip fi;
       pc[_pid] = DONE }
  od
}

active proctype expirer() {
  byte i = 0;
end:
  do
  :: d_step { xpc == AT_SLEEP && now >= wake ->
       /* sleep 1; BEGIN; */
       wake = -1; xpc = AT_EXPIRE }
  :: d_step { xpc == AT_EXPIRE ->
       /* UPDATE reservations SET status = 'expired'
            WHERE status = 'held' AND expires_at <= now(); */
       xstart = now;   /* the transaction's start time, kept until it ends */
       n = 0; i = 0;
       do
       :: i < N ->
          if :: r_status[i] == HELD && r_expires[i] <= xstart ->
                /* No client keeps a lock on a committed row across steps: this never waits. */
                assert(r_lock[i] == 0);
                r_lock[i] = EXP; r_writer[i] = EXP; r_pstatus[i] = EXPIRED;
                r_pexpires[i] = r_expires[i]; n++
             :: else -> skip
          fi;
          i++
       :: else -> break
       od;
       i = 0;
       if :: n > 0 -> xpc = AT_RESTOCK :: else -> xpc = AT_XCOMMIT fi }
  :: d_step { xpc == AT_RESTOCK && !xwaiting && inv_lock != 0 ->
       /* UPDATE inventory ... starts and waits for a client's lock */
       xwaiting = 1 }
  :: d_step { xpc == AT_RESTOCK && inv_lock == 0 ->
       /* UPDATE inventory SET available = available + $n WHERE item = 1; (or goes on, with
          the latest committed available) */
       xwaiting = 0;
       inv_lock = EXP; inv_writer = EXP; inv_pending = available + n;
       xpc = AT_XCOMMIT }
  :: d_step { xpc == AT_XCOMMIT ->
       /* COMMIT; released = released + n; */
       if :: inv_writer == EXP ->
             available = inv_pending; inv_pending = 0; inv_writer = 0; inv_lock = 0
          :: else -> skip
       fi;
       i = 0;
       do
       :: i < N ->
          if :: r_writer[i] == EXP ->
                r_status[i] = r_pstatus[i]; r_expires[i] = r_pexpires[i];
                r_pstatus[i] = 0; r_pexpires[i] = 0; r_writer[i] = 0; r_lock[i] = 0
             :: else -> skip
          fi;
          i++
       :: else -> break
       od;
       released = released + n;
       xstart = 0;     /* the transaction ended */
       if :: k < 2 -> k++; wake = now + 1; xpc = AT_SLEEP   /* the loop: sleep 1 again */
          :: else -> xpc = XDONE; k = 0; n = 0   /* done: its dead locals are reset */
       fi;
       check_invariants(i) }
  od
}

active proctype clock() {
end:
  do
  :: d_step { now < MAX -> now++ }
  od
}

active proctype monitor() {
  byte i;
end:
  do
  :: d_step { timeout ->
       /* no deadlock: everyone is done, or the expirer sleeps at the time horizon */
       i = 0;
       do :: i < N -> assert(pc[i] == DONE); i++ :: else -> break od;
       assert(xpc == XDONE || (xpc == AT_SLEEP && now == MAX));
       i = 0 }
  od
}
