#include "checker/front/resolver.h"

#include <gtest/gtest.h>

#include <string>

#include "checker/front/ast_print.h"
#include "checker/front/front_end.h"

namespace lockcheck::front {
namespace {

std::string errors(const std::string& src) {
  Diagnostics diags;
  read_spec(src, "t.lcs", diags);
  return render_all(diags, "t.lcs", src);
}

std::unique_ptr<ast::Spec> read_ok(const std::string& src) {
  Diagnostics diags;
  auto spec = read_spec(src, "t.lcs", diags);
  EXPECT_EQ(render_all(diags, "t.lcs", src), "");
  return spec;
}

// Every phase-1 form of the language, used the way a spec would: no error, no false alarm.
constexpr const char* kEverything = R"lcs(spec everything;
const SEATS = 2;
const CLIENTS = SEATS + 1;
var stock = SEATS;
var owner = null;
var first = client[1];
ghost sold = 0;
database db {
  table seats (id int primary key, available int, version int);
  table bookings (seat int, who pid, status text, paid bool, primary key (seat, who)) max 3 rows;
  insert into seats values (1, SEATS, 0), (2, 1, 0);
  insert into bookings (seat, who, status, paid) values (1, client[1], 'held', false);
  detect deadlocks;
}
redis cache;
redis node[3];
clock max 10;
process client[1..CLIENTS] {
  var tries = 0;
  var a = null;
  var v = 0;
  var ok = false;
  var me = self;
  var n = tries + 1;
  while tries < 3 {
    tries = tries + 1;
    BEGIN;
    SELECT available, version INTO a, v FROM seats WHERE id = 1 FOR UPDATE;
    if not found or a == null { ROLLBACK; continue; }
    if a > 0 {
      UPDATE seats SET available = available - 1, version = $v + 1 WHERE id = 1 AND version = $v;
      if row_count == 0 { ROLLBACK; continue; }
      INSERT INTO bookings (seat, who, status, paid) VALUES (1, $self, 'held', FALSE) ON CONFLICT DO NOTHING;
      if sql_error == 'unique_violation' { db: ROLLBACK; break; }
      COMMIT;
      sold = sold + 1;
      stock = stock - 1;
      done;
    } else if a == 0 {
      ROLLBACK;
      break;
    } else {
      db: COMMIT;
    }
  }
  SELECT COUNT(*) INTO n FROM bookings WHERE who = $self AND status <> 'gone' AND paid IS NOT NULL;
  SELECT * INTO a, v, n, ok FROM bookings WHERE seat = ${tries - 1} ORDER BY seat DESC LIMIT 1 FOR SHARE SKIP LOCKED;
  DELETE FROM bookings WHERE who = $me AND seat <= now() RETURNING seat INTO a;
}
process expirer {
  var k = 0;
  var ok = false;
  var t = 0;
  ok = cache: SET lock:${k} $self NX EX 2;
  ok = cache: set "x y" 1 XX px ${k + 1};
  k = cache: GET lock:$k;
  k = cache: DEL a b c;
  k = cache: INCRBY counter 5;
  cache: EXPIRE lock 3;
  t = cache: TTL lock;
  ok = node[k + 1]: SET lock $self NX PX 5;
  atomic { k = cache: GET lock; if k == self { cache: DEL lock; } }
  atomic { await stock > 0; stock = stock - 1; }
  sleep k;
  assert k >= 0, "negative";
  await now() >= 3 or owner == self;
  if first == client[2] or first == expirer { done; }
}
fault crash client at most 1;
fault crash expirer at most 1 restart;
fault restart cache at most 1;
faults at most 2;
invariant no_oversell: sold <= SEATS and (SELECT COUNT(*) FROM bookings WHERE seat = 1) <= 1;
invariant sane: (SELECT SUM(available) FROM seats) >= 0 implies stock >= 0;
invariant lease: cache['lock:1'] == null or cache['lock:1'] == client[1] or node[2]['lock'] != null;
invariant states: all c in client: c.done or c.crashed or c.tries <= 3 and c.ok == c.ok;
reachable some_sale: some c in client: c.done and (count d in client: d.tries > 0) == 2;
reachable counted: (count c in client: c.done) == 2 and client[1].tries == 1 and expirer.k >= 0;
reachable min_max: (SELECT MIN(status) FROM bookings) == 'held' and (SELECT MAX(seat) FROM bookings WHERE who = ${client[1]}) == 1 and now() <= 10;
expect violated no_oversell;
expect deadlock;
)lcs";

TEST(Resolver, EveryPhaseOneFormResolvesCleanly) {
  auto spec = read_ok(kEverything);
  ASSERT_NE(spec, nullptr);
  EXPECT_EQ(spec->name, "everything");
}

TEST(Resolver, FillsInReferences) {
  auto spec = read_ok(kEverything);
  ASSERT_NE(spec, nullptr);
  const ast::Process& client = spec->processes[0];
  // `var n = tries + 1;` reads the local declared before it.
  EXPECT_EQ(to_string(*client.locals[5].init, true), "(+ tries@local0 1)");
  EXPECT_EQ(to_string(*client.locals[4].init, true), "self");
  EXPECT_EQ(to_string(*spec->vars[0].init, true), "SEATS@const0");
  EXPECT_EQ(to_string(*spec->vars[2].init, true), "(index client@process0 1)");
  EXPECT_EQ(to_string(*spec->consts[1].value, true), "(+ SEATS@const0 1)");

  const ast::Stmt& loop = *client.body[0];
  EXPECT_EQ(to_string(*loop.expr, true), "(< tries@local0 3)");
  const ast::Stmt& select = *loop.body[2];
  EXPECT_EQ(to_string(*select.sql, true),
            "SELECT available, version INTO a@local1, v@local2 FROM seats WHERE (= #id 1) FOR "
            "UPDATE");
  const ast::Stmt& check = *loop.body[3];
  EXPECT_EQ(to_string(*check.expr, true), "(or (not found@builtin0) (== a@local1 null))");
  const ast::Stmt& branch = *loop.body[4];
  EXPECT_EQ(to_string(*branch.body[0]->sql, true),
            "UPDATE seats SET available = (- #available 1), version = (+ $v@local2 1) WHERE (and "
            "(= #id 1) (= #version $v@local2))");
  EXPECT_EQ(to_string(*branch.body[1]->expr, true), "(== row_count@builtin1 0)");
  EXPECT_EQ(to_string(*branch.body[3]->expr, true), "(== sql_error@builtin2 'unique_violation')");
  const ast::Stmt& sold = *branch.body[5];
  EXPECT_EQ(sold.target_ref.kind, ast::RefKind::ghost);
  EXPECT_EQ(to_string(*sold.expr, true), "(+ sold@ghost0 1)");
  EXPECT_EQ(branch.body[6]->target_ref.kind, ast::RefKind::shared);
  EXPECT_EQ(branch.body[6]->target_ref.index, 0);

  const ast::Process& expirer = spec->processes[1];
  const ast::RedisCmd& set = *expirer.body[0]->redis;
  EXPECT_EQ(set.node_ref.kind, ast::RefKind::redis_node);
  EXPECT_EQ(set.node_ref.index, 0);
  EXPECT_EQ(to_string(*set.keys[0].parts[1].expr, true), "k@local0");
  EXPECT_EQ(expirer.body[0]->target_ref.kind, ast::RefKind::local);
  EXPECT_EQ(expirer.body[0]->target_ref.index, 1);
  const ast::RedisCmd& redlock = *expirer.body[7]->redis;
  EXPECT_EQ(redlock.node_ref.index, 1);
  EXPECT_EQ(to_string(*redlock.node_index, true), "(+ k@local0 1)");
  EXPECT_EQ(
      to_string(*expirer.body.back()->expr, true),
      "(or (== first@shared2 (index client@process0 2)) (== first@shared2 expirer@process1))");

  EXPECT_EQ(spec->faults[0].target_ref.kind, ast::RefKind::process_group);
  EXPECT_EQ(spec->faults[1].target_ref.index, 1);
  EXPECT_EQ(spec->faults[2].target_ref.kind, ast::RefKind::redis_node);

  EXPECT_EQ(to_string(*spec->properties[2].expr, true),
            "(or (or (== (index cache@redis0 'lock:1') null) (== (index cache@redis0 'lock:1') "
            "(index client@process0 1))) (!= (index (index node@redis1 2) 'lock') null))");
  EXPECT_EQ(to_string(*spec->properties[3].expr, true),
            "(all c client@process0 (or (or (. c@quant0 done) (. c@quant0 crashed)) (and (<= (. "
            "c@quant0 tries@local0) 3) (== (. c@quant0 ok@local3) (. c@quant0 ok@local3)))))");
  EXPECT_EQ(to_string(*spec->properties[4].expr, true),
            "(some c client@process0 (and (. c@quant0 done) (== (count d client@process0 (> (. "
            "d@quant1 tries@local0) 0)) 2)))");
  EXPECT_EQ(to_string(*spec->properties[5].expr, true),
            "(and (and (== (count c client@process0 (. c@quant0 done)) 2) (== (. (index "
            "client@process0 1) tries@local0) 1)) (>= (. expirer@process1 k@local0) 0))");
}

TEST(Resolver, NamesWithDidYouMean) {
  constexpr const char* kSrc = R"lcs(var stock = 1;
database db { table seats (id int primary key, available int); }
redis cache;
process client[1..2] {
  var tries = 0;
  tires = tries + stok;
  SELECT availabel INTO tries FROM seat WHERE id = 1;
  SELECT available INTO tries FROM seats WHERE idd = 1 ORDER BY availble;
  dbb: COMMIT;
  cahce: GET k;
}
invariant i: clinet[1].trie == 0 and client[1].trie == 0 and all c in clients: c.done;
expect violated ii;
expect violated j;
)lcs";
  EXPECT_EQ(errors(kSrc), R"lcs(t.lcs:6:3: error: unknown variable 'tires'; did you mean 'tries'?
    tires = tries + stok;
    ^
t.lcs:6:19: error: unknown variable 'stok'; did you mean 'stock'?
    tires = tries + stok;
                    ^
t.lcs:7:36: error: unknown table 'seat'; did you mean 'seats'?
    SELECT availabel INTO tries FROM seat WHERE id = 1;
                                     ^
t.lcs:8:48: error: unknown column 'idd' in table 'seats'; did you mean 'id'?
    SELECT available INTO tries FROM seats WHERE idd = 1 ORDER BY availble;
                                                 ^
t.lcs:8:65: error: unknown column 'availble' in table 'seats'; did you mean 'available'?
    SELECT available INTO tries FROM seats WHERE idd = 1 ORDER BY availble;
                                                                  ^
t.lcs:9:3: error: unknown database 'dbb'; did you mean 'db'?
    dbb: COMMIT;
    ^
t.lcs:10:3: error: unknown Redis node 'cahce'; did you mean 'cache'?
    cahce: GET k;
    ^
t.lcs:12:14: error: unknown variable 'clinet'; did you mean 'client'?
  invariant i: clinet[1].trie == 0 and client[1].trie == 0 and all c in clients: c.done;
               ^
t.lcs:12:48: error: unknown local 'trie' in process 'client'; did you mean 'tries'?
  invariant i: clinet[1].trie == 0 and client[1].trie == 0 and all c in clients: c.done;
                                                 ^
t.lcs:12:62: error: unknown process 'clients'; did you mean 'client'?
  invariant i: clinet[1].trie == 0 and client[1].trie == 0 and all c in clients: c.done;
                                                               ^
t.lcs:13:17: error: unknown property 'ii'
  expect violated ii;
                  ^
t.lcs:14:17: error: unknown property 'j'
  expect violated j;
                  ^
)lcs");
}

TEST(Resolver, LocalsAtTheTopAndDeclaredOnce) {
  constexpr const char* kSrc = R"lcs(var stock = 1;
process p {
  var a = 0;
  var a = 1;
  var stock = 2;
  var found = 3;
  var crashed = false;
  var b = c;
  var c = stock;
  a = 1;
  var late = 2;
  if a > 0 { var nested = 1; }
}
var p = 1;
ghost found = 0;
)lcs";
  EXPECT_EQ(errors(kSrc), R"lcs(t.lcs:4:7: error: 'a' is already declared at line 3
    var a = 1;
        ^
t.lcs:5:7: error: 'stock' is already declared at line 1
    var stock = 2;
        ^
t.lcs:6:7: error: 'found' is a built-in variable and cannot be declared
    var found = 3;
        ^
t.lcs:7:7: error: 'crashed' cannot name a local: it is a field of every process
    var crashed = false;
        ^
t.lcs:8:11: error: unknown variable 'c'
    var b = c;
            ^
t.lcs:9:11: error: the initial value of a local cannot read the variable 'stock'
    var c = stock;
            ^
t.lcs:11:3: error: local variables must be declared at the top of the process
    var late = 2;
    ^
t.lcs:12:14: error: local variables must be declared at the top of the process
    if a > 0 { var nested = 1; }
               ^
t.lcs:14:5: error: 'p' is already declared at line 2
  var p = 1;
      ^
t.lcs:15:7: error: 'found' is a built-in variable and cannot be declared
  ghost found = 0;
        ^
)lcs");
}

TEST(Resolver, GhostsAreReadOnlyByPropertiesAndGhostAssignments) {
  constexpr const char* kSrc = R"lcs(ghost sold = 0;
var stock = 0;
database db { table t (id int primary key); }
redis cache;
process p {
  var a = 0;
  sold = sold + 1;
  a = sold;
  if sold > 0 { stock = sold; }
  SELECT id INTO a FROM t WHERE id = $sold;
  cache: SET k $sold;
  SELECT id INTO sold FROM t;
  sold = cache: GET k;
}
invariant ok: sold >= 0;
)lcs";
  EXPECT_EQ(errors(kSrc),
            R"lcs(t.lcs:8:7: error: ghost variable 'sold' can only be read by properties
    a = sold;
        ^
t.lcs:9:6: error: ghost variable 'sold' can only be read by properties
    if sold > 0 { stock = sold; }
       ^
t.lcs:9:25: error: ghost variable 'sold' can only be read by properties
    if sold > 0 { stock = sold; }
                          ^
t.lcs:10:39: error: ghost variable 'sold' can only be read by properties
    SELECT id INTO a FROM t WHERE id = $sold;
                                        ^
t.lcs:11:17: error: ghost variable 'sold' can only be read by properties
    cache: SET k $sold;
                  ^
t.lcs:12:18: error: INTO can only assign local or shared variables, not the ghost 'sold'
    SELECT id INTO sold FROM t;
                   ^
)lcs");
}

TEST(Resolver, AssignmentTargets) {
  constexpr const char* kSrc = R"lcs(const N = 2;
redis cache;
process p {
  N = 3;
  found = true;
  p = 1;
  cache = 2;
  x = 1;
  y = cache: GET k;
}
)lcs";
  EXPECT_EQ(errors(kSrc), R"lcs(t.lcs:4:3: error: cannot assign to the constant 'N'
    N = 3;
    ^
t.lcs:5:3: error: cannot assign to the built-in 'found'
    found = true;
    ^
t.lcs:6:3: error: cannot assign to 'p': it is a process
    p = 1;
    ^
t.lcs:7:3: error: cannot assign to 'cache': it is a Redis node
    cache = 2;
    ^
t.lcs:8:3: error: unknown variable 'x'
    x = 1;
    ^
t.lcs:9:3: error: unknown variable 'y'
    y = cache: GET k;
    ^
)lcs");
}

TEST(Resolver, SqlArityAndKeys) {
  constexpr const char* kSrc = R"lcs(database db {
  table seats (id int primary key, available int, name text);
  table slots (room int, slot int, who pid, primary key (room, slot));
  insert into seats values (1, 2), (3, 4, 'x');
  insert into slots (room) values (1);
  insert into seats (id, id) values (1, 2);
}
process p {
  var a = 0;
  var b = 0;
  SELECT id, available INTO a FROM seats;
  SELECT * INTO a, b FROM seats;
  SELECT COUNT(*), MAX(available) INTO a FROM seats;
  UPDATE seats SET available = 0 RETURNING id, name INTO a;
  DELETE FROM seats RETURNING * INTO a;
  INSERT INTO seats VALUES (1, 2);
  INSERT INTO seats (id, available) VALUES (1, 2, 3);
  INSERT INTO slots (room, who) VALUES (1, $self);
  SELECT id, COUNT(*) INTO a, b FROM seats;
  SELECT SUM(name) INTO a FROM seats;
  SELECT COUNT(*) INTO a FROM seats FOR UPDATE;
  UPDATE seats SET available = 1 RETURNING COUNT(*) INTO a;
  INSERT INTO seats (id, available) VALUES (available, 1);
  SELECT id INTO a FROM seats LIMIT id;
}
)lcs";
  EXPECT_EQ(errors(kSrc),
            R"lcs(t.lcs:4:29: error: the row has 2 values but the table takes 3 columns
    insert into seats values (1, 2), (3, 4, 'x');
                              ^
t.lcs:5:15: error: the rows must give the primary key column 'slot'
    insert into slots (room) values (1);
                ^
t.lcs:6:26: error: column 'id' is given twice
    insert into seats (id, id) values (1, 2);
                           ^
t.lcs:11:29: error: INTO has 1 variable but the SELECT returns 2 columns
    SELECT id, available INTO a FROM seats;
                              ^
t.lcs:12:17: error: INTO has 2 variables but the SELECT returns 3 columns
    SELECT * INTO a, b FROM seats;
                  ^
t.lcs:13:40: error: INTO has 1 variable but the SELECT returns 2 columns
    SELECT COUNT(*), MAX(available) INTO a FROM seats;
                                         ^
t.lcs:14:58: error: INTO has 1 variable but RETURNING returns 2 columns
    UPDATE seats SET available = 0 RETURNING id, name INTO a;
                                                           ^
t.lcs:15:38: error: INTO has 1 variable but RETURNING returns 3 columns
    DELETE FROM seats RETURNING * INTO a;
                                       ^
t.lcs:16:3: error: INSERT has 3 columns but 2 values
    INSERT INTO seats VALUES (1, 2);
    ^
t.lcs:17:3: error: INSERT has 2 columns but 3 values
    INSERT INTO seats (id, available) VALUES (1, 2, 3);
    ^
t.lcs:18:15: error: INSERT must give the primary key column 'slot'
    INSERT INTO slots (room, who) VALUES (1, $self);
                ^
t.lcs:19:10: error: cannot mix aggregates and plain columns without GROUP BY
    SELECT id, COUNT(*) INTO a, b FROM seats;
           ^
t.lcs:20:10: error: SUM needs an int column; 'name' is text
    SELECT SUM(name) INTO a FROM seats;
           ^
t.lcs:21:3: error: FOR UPDATE is not allowed with aggregates
    SELECT COUNT(*) INTO a FROM seats FOR UPDATE;
    ^
t.lcs:22:44: error: RETURNING cannot use aggregates
    UPDATE seats SET available = 1 RETURNING COUNT(*) INTO a;
                                             ^
t.lcs:23:45: error: VALUES cannot refer to column 'available'
    INSERT INTO seats (id, available) VALUES (available, 1);
                                              ^
t.lcs:24:37: error: LIMIT cannot refer to column 'id'
    SELECT id INTO a FROM seats LIMIT id;
                                      ^
)lcs");
}

TEST(Resolver, StaticTypes) {
  constexpr const char* kSrc = R"lcs(const N = 'x';
var v = 1 + true;
database db { table seats (id int primary key, n int, who pid, name text, ok bool); }
process p {
  var a = 0;
  a = 'a' + 1;
  a = a + "b";
  a = -'x';
  a = not 3;
  a = 1 and true;
  if 1 { }
  while 'x' { }
  await null;
  assert 3, "m";
  a = 1 < 'x';
  a = null >= 1;
  a = 1 == 'x';
  sleep 'x';
  SELECT id INTO a FROM seats WHERE id = 'abc' AND who = 1 AND name = $self AND ok = 1;
  SELECT id INTO a FROM seats WHERE n;
  SELECT id INTO a FROM seats WHERE name = 'x' LIMIT 'y';
  UPDATE seats SET n = 'x', who = $self, name = 3, ok = TRUE WHERE id = 1;
  INSERT INTO seats VALUES (1, 'x', $self, 'n', NULL);
  INSERT INTO seats VALUES (NULL, 1, $self, 'n', NULL);
}
invariant i: 1 + 1;
invariant j: (SELECT name FROM seats WHERE id = 1) + 1 > 0;
)lcs";
  EXPECT_EQ(errors(kSrc), R"lcs(t.lcs:1:11: error: a constant must be an int, found text
  const N = 'x';
            ^
t.lcs:2:13: error: operator '+' needs int operands, found bool
  var v = 1 + true;
              ^
t.lcs:6:7: error: operator '+' needs int operands, found text
    a = 'a' + 1;
        ^
t.lcs:7:11: error: operator '+' needs int operands, found text
    a = a + "b";
            ^
t.lcs:8:8: error: operator '-' needs an int operand, found text
    a = -'x';
         ^
t.lcs:9:11: error: operator 'not' needs a bool operand, found int
    a = not 3;
            ^
t.lcs:10:7: error: operator 'and' needs bool operands, found int
    a = 1 and true;
        ^
t.lcs:11:6: error: a condition must be a bool, found int
    if 1 { }
       ^
t.lcs:12:9: error: a condition must be a bool, found text
    while 'x' { }
          ^
t.lcs:13:9: error: an await condition must be a bool, found null
    await null;
          ^
t.lcs:14:10: error: an assertion must be a bool, found int
    assert 3, "m";
           ^
t.lcs:15:9: error: cannot compare int with text
    a = 1 < 'x';
          ^
t.lcs:16:7: error: operator '>=' cannot order null
    a = null >= 1;
        ^
t.lcs:18:3: error: sleep needs a 'clock' declaration
    sleep 'x';
    ^
t.lcs:18:9: error: sleep needs an int number of ticks, found text
    sleep 'x';
          ^
t.lcs:19:42: error: cannot compare column 'id' of type int with text
    SELECT id INTO a FROM seats WHERE id = 'abc' AND who = 1 AND name = $self AND ok = 1;
                                           ^
t.lcs:19:58: error: cannot compare column 'who' of type pid with int
    SELECT id INTO a FROM seats WHERE id = 'abc' AND who = 1 AND name = $self AND ok = 1;
                                                           ^
t.lcs:19:71: error: cannot compare column 'name' of type text with pid
    SELECT id INTO a FROM seats WHERE id = 'abc' AND who = 1 AND name = $self AND ok = 1;
                                                                        ^
t.lcs:19:86: error: cannot compare column 'ok' of type bool with int
    SELECT id INTO a FROM seats WHERE id = 'abc' AND who = 1 AND name = $self AND ok = 1;
                                                                                       ^
t.lcs:20:37: error: WHERE must be a bool, found int
    SELECT id INTO a FROM seats WHERE n;
                                      ^
t.lcs:21:54: error: LIMIT must be an int, found text
    SELECT id INTO a FROM seats WHERE name = 'x' LIMIT 'y';
                                                       ^
t.lcs:22:24: error: column 'n' has type int but is set to text
    UPDATE seats SET n = 'x', who = $self, name = 3, ok = TRUE WHERE id = 1;
                         ^
t.lcs:22:49: error: column 'name' has type text but is set to int
    UPDATE seats SET n = 'x', who = $self, name = 3, ok = TRUE WHERE id = 1;
                                                  ^
t.lcs:23:32: error: column 'n' has type int but the value is text
    INSERT INTO seats VALUES (1, 'x', $self, 'n', NULL);
                                 ^
t.lcs:24:29: error: primary key column 'id' cannot be null
    INSERT INTO seats VALUES (NULL, 1, $self, 'n', NULL);
                              ^
t.lcs:26:16: error: a property must be a bool, found int
  invariant i: 1 + 1;
                 ^
t.lcs:27:15: error: operator '+' needs int operands, found text
  invariant j: (SELECT name FROM seats WHERE id = 1) + 1 > 0;
                ^
)lcs");
}

TEST(Resolver, TimeNeedsAClock) {
  constexpr const char* kSrc = R"lcs(redis cache;
process p {
  var t = now();
  sleep 2;
  cache: SET k 1 EX 3;
  cache: SET k 1 PX 3;
  cache: EXPIRE k 3;
  cache: TTL k;
}
invariant i: now() >= 0;
)lcs";
  EXPECT_EQ(errors(kSrc), R"lcs(t.lcs:3:11: error: now() needs a 'clock' declaration
    var t = now();
            ^
t.lcs:4:3: error: sleep needs a 'clock' declaration
    sleep 2;
    ^
t.lcs:5:21: error: EX needs a 'clock' declaration
    cache: SET k 1 EX 3;
                      ^
t.lcs:6:21: error: PX needs a 'clock' declaration
    cache: SET k 1 PX 3;
                      ^
t.lcs:7:10: error: EXPIRE needs a 'clock' declaration
    cache: EXPIRE k 3;
           ^
t.lcs:10:14: error: now() needs a 'clock' declaration
  invariant i: now() >= 0;
               ^
)lcs");
}

TEST(Resolver, RedisNodesAndArrays) {
  constexpr const char* kSrc = R"lcs(redis cache;
redis node[3];
var v = 0;
process p {
  var i = 1;
  node: GET k;
  cache[i]: GET k;
  node['x']: GET k;
  v: GET k;
  atomic { cache: GET a; node[1]: GET b; cache: DEL a; }
}
invariant a: node['k'] == null;
invariant b: cache[1]['k'] == null;
invariant c: node[1] == null;
invariant d: cache == null;
)lcs";
  EXPECT_EQ(errors(kSrc),
            R"lcs(t.lcs:6:3: error: 'node' is an array of Redis nodes; pick one, as in 'node[1]:'
    node: GET k;
    ^
t.lcs:7:3: error: 'cache' is a single Redis node; write 'cache:' without an index
    cache[i]: GET k;
    ^
t.lcs:8:8: error: a Redis node index must be an int, found text
    node['x']: GET k;
         ^
t.lcs:9:3: error: 'v' is a shared variable, not a Redis node
    v: GET k;
    ^
t.lcs:10:26: error: an atomic block sends all its Redis commands to one node, but this one goes to 'node' and an earlier one to 'cache'
    atomic { cache: GET a; node[1]: GET b; cache: DEL a; }
                           ^
t.lcs:12:14: error: 'node' is an array of Redis nodes; read a key as node[1]['key']
  invariant a: node['k'] == null;
               ^
t.lcs:13:14: error: 'cache' is a single Redis node; read a key as cache['key']
  invariant b: cache[1]['k'] == null;
               ^
t.lcs:14:14: error: 'node' is an array of Redis nodes; read a key as node[1]['key']
  invariant c: node[1] == null;
               ^
t.lcs:15:14: error: 'cache' is a Redis node, not a value; read a key as cache['key']
  invariant d: cache == null;
               ^
)lcs");
}

TEST(Resolver, WhatEachPlaceMayRead) {
  constexpr const char* kSrc = R"lcs(const N = 1;
var v = self;
database db { table t (id int primary key); }
redis cache;
process client[1..2] {
  var a = 0;
  a = client[1].done;
  a = all c in client: c.done;
  a = (SELECT COUNT(*) FROM t);
  a = cache['k'];
  a = client;
  a = client[1];
  a = expirer[1];
  a = N[1];
  break;
  while true { atomic { break; } continue; }
  atomic { atomic { a = 1; } }
}
process expirer { done; }
invariant i: self == client[1] and found;
invariant j: (SELECT COUNT(*) INTO v FROM t FOR UPDATE) == 0;
invariant k: (SELECT * FROM t) == 0 and client[1].a.b == 0 and v.done and client[2].found;
invariant l: db == 1 and i;
)lcs";
  EXPECT_EQ(errors(kSrc), R"lcs(t.lcs:2:9: error: 'self' can only be used inside a process
  var v = self;
          ^
t.lcs:7:17: error: process state like '.done' can only be read by properties
    a = client[1].done;
                  ^
t.lcs:8:7: error: quantifiers can only be used in properties
    a = all c in client: c.done;
        ^
t.lcs:8:26: error: process state like '.done' can only be read by properties
    a = all c in client: c.done;
                           ^
t.lcs:9:8: error: a subquery can only be used in properties; use SELECT ... INTO in a process
    a = (SELECT COUNT(*) FROM t);
         ^
t.lcs:10:7: error: Redis values can only be read by properties; use GET in a process
    a = cache['k'];
        ^
t.lcs:11:7: error: 'client' is a group of processes; name one, as in client[1]
    a = client;
        ^
t.lcs:13:7: error: 'expirer' is a single process; write 'expirer' without an index
    a = expirer[1];
        ^
t.lcs:14:7: error: only process groups and Redis nodes can be indexed
    a = N[1];
        ^
t.lcs:15:3: error: 'break' outside a loop
    break;
    ^
t.lcs:16:25: error: 'break' cannot leave an atomic block
    while true { atomic { break; } continue; }
                          ^
t.lcs:17:12: error: atomic blocks cannot be nested
    atomic { atomic { a = 1; } }
             ^
t.lcs:20:14: error: 'self' can only be used inside a process
  invariant i: self == client[1] and found;
               ^
t.lcs:20:36: error: unknown variable 'found'; 'found' is a built-in variable of each process
  invariant i: self == client[1] and found;
                                     ^
t.lcs:21:15: error: a subquery cannot lock rows
  invariant j: (SELECT COUNT(*) INTO v FROM t FOR UPDATE) == 0;
                ^
t.lcs:21:15: error: FOR UPDATE is not allowed with aggregates
  invariant j: (SELECT COUNT(*) INTO v FROM t FOR UPDATE) == 0;
                ^
t.lcs:21:36: error: a subquery cannot use INTO
  invariant j: (SELECT COUNT(*) INTO v FROM t FOR UPDATE) == 0;
                                     ^
t.lcs:22:53: error: only a process has fields, as in client[1].b
  invariant k: (SELECT * FROM t) == 0 and client[1].a.b == 0 and v.done and client[2].found;
                                                      ^
t.lcs:22:66: error: only a process has fields, as in client[1].done
  invariant k: (SELECT * FROM t) == 0 and client[1].a.b == 0 and v.done and client[2].found;
                                                                   ^
t.lcs:22:85: error: unknown local 'found' in process 'client'
  invariant k: (SELECT * FROM t) == 0 and client[1].a.b == 0 and v.done and client[2].found;
                                                                                      ^
t.lcs:23:14: error: 'db' is a database, not a value
  invariant l: db == 1 and i;
               ^
t.lcs:23:26: error: 'i' is a property, not a value
  invariant l: db == 1 and i;
                           ^
)lcs");
}

TEST(Resolver, ConstantsAndFaults) {
  constexpr const char* kSrc = R"lcs(const A = B + 1;
const B = 2;
var v = 1;
const C = v;
var w = now();
redis node[v];
clock max 'x';
process p[1..v] { var a = found; }
fault crash p at most v;
fault crash cache at most 1;
fault restart p at most 1;
fault crash q at most 1;
faults at most true;
redis cache;
)lcs";
  EXPECT_EQ(errors(kSrc), R"lcs(t.lcs:1:11: error: constant 'B' is used before its declaration
  const A = B + 1;
            ^
t.lcs:4:11: error: expected a constant, found the variable 'v'
  const C = v;
            ^
t.lcs:5:9: error: now() is not a constant
  var w = now();
          ^
t.lcs:6:12: error: expected a constant, found the variable 'v'
  redis node[v];
             ^
t.lcs:7:11: error: the clock bound must be an int, found text
  clock max 'x';
            ^
t.lcs:8:14: error: expected a constant, found the variable 'v'
  process p[1..v] { var a = found; }
               ^
t.lcs:8:27: error: the initial value of a local cannot read 'found'
  process p[1..v] { var a = found; }
                            ^
t.lcs:9:23: error: expected a constant, found the variable 'v'
  fault crash p at most v;
                        ^
t.lcs:10:13: error: 'cache' is a Redis node; to restart it, write 'fault restart cache at most K;'
  fault crash cache at most 1;
              ^
t.lcs:11:15: error: 'p' is a process; to crash and restart it, write 'fault crash p at most K restart;'
  fault restart p at most 1;
                ^
t.lcs:12:13: error: unknown process 'q'
  fault crash q at most 1;
              ^
t.lcs:13:16: error: a fault budget must be an int, found bool
  faults at most true;
                 ^
)lcs");
}

TEST(Resolver, SyntaxAndNameErrorsTogether) {
  constexpr const char* kSrc = R"lcs(ghost sold = 0;
database db { table seats (id int primary key, available int); insert into seats values (123, 1); }
process user[1..2] {
  var a = 0;
  SELECT available INTO a FROM seats WHERE id = 123
  if a > 0 { UPDATE seat SET available = $a - 1 WHERE id = 123; sold = sold + 1 }
  if sold > 1 { a = 'x' * 2; }
}
invariant no_oversell: sold <= ;
expect violated no_oversel;
)lcs";
  EXPECT_EQ(errors(kSrc), R"lcs(t.lcs:5:52: error: expected ';' after statement, found 'if'
    SELECT available INTO a FROM seats WHERE id = 123
                                                     ^
t.lcs:6:21: error: unknown table 'seat'; did you mean 'seats'?
    if a > 0 { UPDATE seat SET available = $a - 1 WHERE id = 123; sold = sold + 1 }
                      ^
t.lcs:6:80: error: expected ';' after statement, found '}'
    if a > 0 { UPDATE seat SET available = $a - 1 WHERE id = 123; sold = sold + 1 }
                                                                                 ^
t.lcs:7:6: error: ghost variable 'sold' can only be read by properties
    if sold > 1 { a = 'x' * 2; }
       ^
t.lcs:7:21: error: operator '*' needs int operands, found text
    if sold > 1 { a = 'x' * 2; }
                      ^
t.lcs:9:32: error: expected an expression, found ';'
  invariant no_oversell: sold <= ;
                                 ^
t.lcs:10:17: error: unknown property 'no_oversel'; did you mean 'no_oversell'?
  expect violated no_oversel;
                  ^
)lcs");
}

}  // namespace
}  // namespace lockcheck::front
