#include "checker/cli/starter_specs.h"

namespace lockcheck::cli {

namespace {

// Each text is a spec file as written, after the newline that opens the literal (it keeps the
// spec's own lines within 100 columns here). starter_specs_test.cc checks that each HOLDS.

constexpr std::string_view kOptimistic = R"lcs(
// Optimistic locking: every client reads the row with its version and writes back only if the
// version is still the one it read (a compare-and-set in the WHERE clause). A client that loses
// the race reads again and retries, a bounded number of times. No lock is held between the read
// and the write, so nobody waits, and nothing is sold twice.
//
// To adapt it to your service (then run `lockcheck check` on this file):
// - Tables: put your rows, their columns and initial values in the `database` block. Keep the
//   `version` column (or compare every column you read instead).
// - The critical section: the SELECT that reads and the UPDATE ... AND version = $v that writes.
//   Replace them with the statements your code sends, in the same order.
// - Clients: CLIENTS concurrent clients, each trying at most TRIES times. Two clients find most
//   races; three find some that two miss. `lockcheck check --const CLIENTS=3` tries it.
// - Faults: add `fault crash client at most 1;` to crash a client anywhere, or drop the `AND
//   version = $v` to see the lost update lockcheck finds.
// - The property: `invariant` says what must never break; `reachable` shows that the good case
//   can happen at all, so that a spec in which nothing runs cannot pass.
const CLIENTS = 2;
const STOCK = 1;
const TRIES = 2;

database db {
  table items (id int primary key, stock int, version int);
  insert into items values (1, STOCK, 0);
}
ghost sold = 0;  // an observer: only the properties read it

process client[1..CLIENTS] {
  var s = 0;
  var v = 0;
  var tries = 0;
  while tries < TRIES {
    tries = tries + 1;
    SELECT stock, version INTO s, v FROM items WHERE id = 1;
    if s <= 0 {
      break;
    }
    UPDATE items SET stock = $s - 1, version = $v + 1 WHERE id = 1 AND version = $v;
    if found {
      sold = sold + 1;
      break;
    }
  }
}

invariant no_oversell: sold <= STOCK;
invariant stock_matches_sales: (SELECT stock FROM items WHERE id = 1) == STOCK - sold;
reachable sold_out: sold == STOCK;
)lcs";

constexpr std::string_view kPessimistic = R"lcs(
// Pessimistic locking: every client opens a transaction and locks the row with
// SELECT ... FOR UPDATE before it decides anything. A second client's SELECT waits for the first
// one's COMMIT and then reads what it committed, so nothing is sold twice.
//
// To adapt it to your service (then run `lockcheck check` on this file):
// - Tables: put your rows, their columns and initial values in the `database` block.
// - The critical section: everything between BEGIN and COMMIT. Replace the SELECT ... FOR UPDATE
//   and the UPDATE with the statements your code sends. Locking two rows? Lock them in the same
//   order in every client, or lockcheck reports the deadlock with its wait-for cycle; add
//   `detect deadlocks;` to the database block to model PostgreSQL aborting one of them.
// - Clients: CLIENTS concurrent clients. `lockcheck check --const CLIENTS=3` tries three.
// - Faults: add `fault crash client at most 1;` to crash a client anywhere, even while it holds
//   the row lock (its transaction rolls back and the lock goes). Drop the FOR UPDATE to see the
//   double sale lockcheck finds.
// - The property: `invariant` says what must never break; `reachable` shows that the good case
//   can happen at all, so that a spec in which nothing runs cannot pass.
const CLIENTS = 2;
const STOCK = 1;

database db {
  table items (id int primary key, stock int);
  insert into items values (1, STOCK);
}
ghost sold = 0;  // an observer: only the properties read it

process client[1..CLIENTS] {
  var s = 0;
  BEGIN;
  SELECT stock INTO s FROM items WHERE id = 1 FOR UPDATE;
  if s > 0 {
    UPDATE items SET stock = $s - 1 WHERE id = 1;
    COMMIT;
    if found {
      sold = sold + 1;
    }
  } else {
    ROLLBACK;
  }
}

invariant no_oversell: sold <= STOCK;
invariant stock_matches_sales: (SELECT stock FROM items WHERE id = 1) == STOCK - sold;
reachable sold_out: sold == STOCK;
)lcs";

constexpr std::string_view kRedisLock = R"lcs(
// A Redis lock guarding a read-modify-write in the database. The lock is a lease: SET NX with a
// time-to-live, so a crashed holder cannot block the others for ever. But a slow holder can
// outlive its lease while a second client takes the lock, so the lock alone does not protect
// the data. Two things make it safe:
// - a fencing token: the acquire script also takes a fresh number from INCR, and the database
//   refuses a write whose token is older than the newest it has seen;
// - a compare-and-delete release: a client deletes the lock only if it still holds its own id,
//   so a stale holder cannot free the next holder's lock.
//
// To adapt it to your service (then run `lockcheck check` on this file):
// - Tables: put your rows in the `database` block, with a column for the highest token seen
//   (`max_tok`), and your key in the Redis commands (`lock:1`, `fence:1`).
// - The critical section: the two UPDATEs, each conditional on the token. Replace them with what
//   your code does while it holds the lock, keeping the token check in every write.
// - Clients: CLIENTS concurrent clients. The lease is TTL ticks long on a clock that runs to
//   `clock max`; raise both to let slower holders run.
// - Faults: add `fault crash client at most 1;` to crash a holder. `fault restart cache at most
//   1;` loses the lock and the token counter with a Redis restart: lockcheck shows two holders
//   with the same token (keep the counter somewhere durable). Drop the `AND max_tok <= $tok`
//   conditions to see the lost update lockcheck finds when a lease runs out.
// - The property: `invariant` says what must never break; `reachable` shows that the good case
//   can happen at all, so that a spec in which nothing runs cannot pass.
const CLIENTS = 2;
const TTL = 1;

database db {
  table counters (id int primary key, n int, max_tok int);
  insert into counters values (1, 0, 0);
}
redis cache;
clock max 3;
ghost increments = 0;  // an observer: only the properties read it

process client[1..CLIENTS] {
  var ok = false;
  var tok = 0;
  var a = 0;
  var v = null;
  // Acquire: the lock and a fresh token in one script (one step).
  atomic {
    ok = cache: SET lock:1 $self NX EX $TTL;
    if ok {
      tok = cache: INCR fence:1;
    }
  }
  if ok {
    // The critical section: a read-modify-write, fenced by the token on the read and the write.
    UPDATE counters SET max_tok = $tok WHERE id = 1 AND max_tok <= $tok RETURNING n INTO a;
    if found {
      UPDATE counters SET n = $a + 1, max_tok = $tok WHERE id = 1 AND max_tok <= $tok;
      if found {
        increments = increments + 1;
      }
    }
    // Release: delete the lock only if it is still ours (a script, so one step).
    atomic {
      v = cache: GET lock:1;
      if v == self {
        cache: DEL lock:1;
      }
    }
  }
}

invariant counted: (SELECT n FROM counters WHERE id = 1) == increments;
reachable both_incremented: increments == CLIENTS;
)lcs";

constexpr std::string_view kRedlock = R"lcs(
// Redlock: the lock lives on NODES independent Redis nodes, and a client holds it only when a
// majority of them said yes, for the lease it asked for minus the time it took to ask. Without
// faults no two clients ever hold valid majorities at the same time.
//
// To adapt it to your service (then run `lockcheck check` on this file):
// - Tables: none yet. The lock lives on NODES Redis nodes (`--const NODES=5`), a majority is
//   NODES / 2 + 1; add a `database` block for the data the lock guards.
// - The critical section: model what your client does while `held` is true, after it computed
//   its validity (`until`). This starter only records that it holds the lock.
// - Clients: CLIENTS concurrent clients. The lease is TTL ticks long (PX) on a clock that runs to
//   `clock max`; a longer clock lets leases run out and be taken again.
// - Faults: add `fault restart node at most 1;` to let a node forget its keys (Redis without
//   fsync): lockcheck finds two holders at once, the flaw in Redlock without delayed restarts.
//   `fault crash client at most 1;` crashes a client halfway through its round of SETs.
// - The property: `invariant` says what must never break; `reachable` shows that the good case
//   can happen at all, so that a spec in which nothing runs cannot pass.
const CLIENTS = 2;
const NODES = 3;
const TTL = 2;

redis node[NODES];
clock max 3;

process client[1..CLIENTS] {
  var i = 1;
  var votes = 0;
  var ok = false;
  var start = 0;
  var held = false;
  var until = 0;
  // Ask every node in turn; each SET is one step, so other clients interleave.
  while i <= NODES {
    ok = node[i]: SET lock $self NX PX $TTL;
    if i == 1 {
      start = now();
    }
    if ok {
      votes = votes + 1;
    }
    i = i + 1;
  }
  if votes >= NODES / 2 + 1 {
    held = true;
    until = start + TTL;  // valid from the first SET's time on, not from now
  }
}

invariant mutual_exclusion: (count c in client: c.held and now() < c.until) <= 1;
reachable someone_locked: some c in client: c.held;
)lcs";

constexpr std::string_view kReservation = R"lcs(
// Reservations with expiry: a reservation holds one unit of an item; either the client confirms
// in time, or an expiry job gives the unit back to the stock. The two race, and exactly one of
// them must win. Both change the reservation with an UPDATE conditional on its status
// (`... AND status = 'held'`), so the database decides the race and the loser finds no row; the
// expiry job returns the unit in the same transaction, so no state shows it both reserved and
// back in stock.
//
// To adapt it to your service (then run `lockcheck check` on this file):
// - Tables: put your reservation and stock rows in the `database` block. The reservation here
//   expires at tick EXPIRES.
// - The critical sections: the confirmation's UPDATE and the expiry job's transaction. Replace
//   them with the statements your code sends; keep each status change conditional on the status
//   it expects.
// - Clients: one `confirm` for the one reservation; for several, make it `process
//   confirm[1..N]` with a reservation row each. The clock runs to `clock max`; keep it past
//   EXPIRES so that both sides can run.
// - Faults: add `fault crash expirer at most 1;` (its transaction rolls back: is the unit lost?).
//   Drop the expiry job's BEGIN and COMMIT, or check the status in the application (a SELECT,
//   then an unconditional UPDATE), to see what lockcheck finds.
// - The property: `invariant` says what must never break; `reachable` shows that each outcome can
//   happen at all, so that a spec in which nothing runs cannot pass.
const EXPIRES = 1;

database db {
  table reservations (id int primary key, status text, expires_at int);
  table items (id int primary key, available int);
  insert into reservations values (1, 'held', EXPIRES);
  insert into items values (1, 0);  // the reserved unit is out of the stock while held
}
clock max 2;
ghost confirmed = 0;  // observers: only the properties read them
ghost released = 0;

process confirm {
  UPDATE reservations SET status = 'confirmed' WHERE id = 1 AND status = 'held';
  if found {
    confirmed = confirmed + 1;
  }
}

process expirer {
  var expired = false;
  sleep EXPIRES;
  BEGIN;
  UPDATE reservations SET status = 'expired'
    WHERE id = 1 AND status = 'held' AND expires_at <= now();
  expired = found;
  if expired {
    UPDATE items SET available = available + 1 WHERE id = 1;
  }
  COMMIT;
  if expired and found {
    released = released + 1;
  }
}

invariant one_outcome: not (confirmed == 1 and released == 1);
// The unit is either in the stock or in a live reservation, never both, never neither.
invariant unit_accounted:
  (SELECT available FROM items WHERE id = 1) +
  (SELECT COUNT(*) FROM reservations WHERE status != 'expired') == 1;
reachable confirmed_once: confirmed == 1;
reachable released_once: released == 1;
)lcs";

}  // namespace

const std::vector<StarterSpec>& starter_specs() {
  static const std::vector<StarterSpec> specs = {
      {"optimistic", "version check and retry (a compare-and-set in the UPDATE)",
       kOptimistic.substr(1)},
      {"pessimistic", "SELECT ... FOR UPDATE inside a transaction", kPessimistic.substr(1)},
      {"redis-lock", "a Redis lease with fencing tokens and a compare-and-delete release",
       kRedisLock.substr(1)},
      {"redlock", "a lock on a majority of Redis nodes (Redlock)", kRedlock.substr(1)},
      {"reservation", "a reservation confirmed or expired by conditional UPDATEs",
       kReservation.substr(1)},
  };
  return specs;
}

const StarterSpec* find_starter_spec(std::string_view strategy) {
  for (const StarterSpec& s : starter_specs())
    if (s.strategy == strategy) return &s;
  return nullptr;
}

}  // namespace lockcheck::cli
