#include "checker/front/parser.h"

#include <gtest/gtest.h>

#include <string>

#include "checker/front/ast_print.h"

namespace lockcheck::front {
namespace {

std::unique_ptr<ast::Spec> parse_ok(const std::string& src) {
  Diagnostics diags;
  auto spec = parse(src, diags);
  EXPECT_EQ(render_all(diags, "t.lcs", src), "") << src;
  return spec;
}

// The parse of a property's expression.
std::string expr(const std::string& text) {
  auto spec = parse_ok("invariant p: " + text + ";");
  if (spec->properties.size() != 1 || !spec->properties[0].expr) return "<nothing>";
  return to_string(*spec->properties[0].expr);
}

// The statements of a process body (after its locals).
std::unique_ptr<ast::Spec> body(const std::string& stmts) {
  return parse_ok("process p {\n" + stmts + "\n}");
}

std::string sql(const std::string& stmt) {
  auto spec = body(stmt);
  const auto& b = spec->processes.at(0).body;
  if (b.size() != 1 || !b[0]->sql) return "<not sql>";
  return to_string(*b[0]->sql);
}

std::string redis(const std::string& stmt) {
  auto spec = body(stmt);
  const auto& b = spec->processes.at(0).body;
  if (b.size() != 1 || !b[0]->redis) return "<not redis>";
  return to_string(*b[0]->redis);
}

std::string errors(const std::string& src) {
  Diagnostics diags;
  parse(src, diags);
  return render_all(diags, "t.lcs", src);
}

TEST(ParserExpr, Precedence) {
  EXPECT_EQ(expr("a or b and c"), "(or a (and b c))");
  EXPECT_EQ(expr("a and b or c"), "(or (and a b) c)");
  EXPECT_EQ(expr("not a == b"), "(not (== a b))");
  EXPECT_EQ(expr("not not a"), "(not (not a))");
  EXPECT_EQ(expr("a implies b implies c"), "(implies a (implies b c))");
  EXPECT_EQ(expr("a or b implies c"), "(implies (or a b) c)");
  EXPECT_EQ(expr("a + b * c - d"), "(- (+ a (* b c)) d)");
  EXPECT_EQ(expr("a / b % c"), "(% (/ a b) c)");
  EXPECT_EQ(expr("a < b + 1 and c >= 2"), "(and (< a (+ b 1)) (>= c 2))");
  EXPECT_EQ(expr("a != b"), "(!= a b)");
  EXPECT_EQ(expr("a <= b"), "(<= a b)");
  EXPECT_EQ(expr("a > b"), "(> a b)");
  EXPECT_EQ(expr("(a + b) * c"), "(* (+ a b) c)");
  EXPECT_EQ(expr("a-1"), "(- a 1)");
}

TEST(ParserExpr, UnaryMinusAndLiterals) {
  EXPECT_EQ(expr("-x * 3"), "(* (- x) 3)");
  EXPECT_EQ(expr("-3"), "-3");
  EXPECT_EQ(expr("- -3"), "(- -3)");
  EXPECT_EQ(expr("-2147483648"), "-2147483648");
  EXPECT_EQ(expr("2147483647"), "2147483647");
  EXPECT_EQ(expr("'held'"), "'held'");
  EXPECT_EQ(expr("\"held\""), "'held'");
  EXPECT_EQ(expr("'it''s'"), "'it's'");
  EXPECT_EQ(expr(R"("a\"b\\c")"), R"('a"b\c')");
  EXPECT_EQ(expr("true == false"), "(== true false)");
  EXPECT_EQ(expr("x == null"), "(== x null)");
  EXPECT_EQ(expr("now() >= 3"), "(>= now() 3)");
  EXPECT_EQ(expr("self"), "self");
}

TEST(ParserExpr, PostfixForms) {
  EXPECT_EQ(expr("client[2].done"), "(. (index client 2) done)");
  EXPECT_EQ(expr("client[2].tries > 1"), "(> (. (index client 2) tries) 1)");
  EXPECT_EQ(expr("cache['lock:123'] == null"), "(== (index cache 'lock:123') null)");
  EXPECT_EQ(expr("node[i + 1]['k']"), "(index (index node (+ i 1)) 'k')");
  EXPECT_EQ(expr("expirer.done"), "(. expirer done)");
}

TEST(ParserExpr, QuantifiersReachAsFarRightAsTheyCan) {
  EXPECT_EQ(expr("all c in client: c.done or c.crashed"),
            "(all c client (or (. c done) (. c crashed)))");
  EXPECT_EQ(expr("some c in client: c.tries > 2"), "(some c client (> (. c tries) 2))");
  EXPECT_EQ(expr("(count c in client: c.done) == 2"), "(== (count c client (. c done)) 2)");
  EXPECT_EQ(expr("a and all c in w: c.done"), "(and a (all c w (. c done)))");
  // `count` alone is an ordinary name.
  EXPECT_EQ(expr("count + 1"), "(+ count 1)");
}

TEST(ParserExpr, Subqueries) {
  EXPECT_EQ(expr("(SELECT COUNT(*) FROM bookings WHERE seat = 123) <= 1"),
            "(<= (subquery SELECT COUNT(*) FROM bookings WHERE (= #seat 123)) 1)");
  EXPECT_EQ(expr("(select sum(n) from t where a <> 'x' and b is not null) == 3"),
            "(== (subquery SELECT SUM(n) FROM t WHERE (and (<> #a 'x') (is-not-null #b))) 3)");
  auto spec = parse_ok("invariant p: (SELECT MAX(v) FROM t) == 1;");
  const ast::Expr& e = *spec->properties[0].expr->args[0];
  EXPECT_EQ(e.kind, ast::ExprKind::subquery);
  EXPECT_FALSE(e.sql);
  EXPECT_TRUE(e.select->items[0].agg == ast::Aggregate::max);
}

TEST(ParserTop, EveryDeclaration) {
  auto spec = parse_ok(R"(
spec booking_optimistic;
const SEATS = 1;
const CLIENTS = SEATS + 1;
var stock = 2;
ghost sold = 0;
database db {
  table seats (id int primary key, available int, version int);
  table bookings (seat int, who pid, status text) max 3 rows;
  table slots (room int, slot int, who pid, open bool, primary key (room, slot));
  insert into seats values (123, 1, 0), (124, 0, 0);
  insert into slots (room, slot) values (1, 2);
  detect deadlocks;
}
redis cache;
redis node[5];
clock max 12;
process client[1..CLIENTS] { var tries = 0; done; }
process expirer { done; }
fault crash client at most 1;
fault crash worker at most 2 restart;
fault restart cache at most 1;
faults at most 2;
invariant no_oversell: sold <= SEATS;
reachable some_sale: sold >= 1;
expect violated no_oversell;
expect deadlock;
)");
  EXPECT_EQ(spec->name, "booking_optimistic");
  ASSERT_EQ(spec->consts.size(), 2u);
  EXPECT_EQ(spec->consts[1].name, "CLIENTS");
  EXPECT_EQ(to_string(*spec->consts[1].value), "(+ SEATS 1)");
  ASSERT_EQ(spec->vars.size(), 1u);
  EXPECT_EQ(spec->vars[0].init->int_value, 2);
  ASSERT_EQ(spec->ghosts.size(), 1u);

  const ast::Database& db = *spec->database;
  ASSERT_EQ(db.tables.size(), 3u);
  EXPECT_EQ(db.tables[0].primary_key, std::vector<int>{0});
  EXPECT_EQ(db.tables[1].max_rows->int_value, 3);
  EXPECT_EQ(db.tables[1].columns[1].type, ast::ColumnType::pid);
  EXPECT_EQ(db.tables[1].columns[2].type, ast::ColumnType::text);
  EXPECT_TRUE(db.tables[1].primary_key.empty());
  EXPECT_EQ(db.tables[2].primary_key, (std::vector<int>{0, 1}));
  EXPECT_EQ(db.tables[2].columns[3].type, ast::ColumnType::bool_);
  ASSERT_EQ(db.inserts.size(), 2u);
  EXPECT_EQ(db.inserts[0].rows.size(), 2u);
  EXPECT_EQ(db.inserts[1].columns, (std::vector<std::string>{"room", "slot"}));
  EXPECT_TRUE(db.detect_deadlocks);

  ASSERT_EQ(spec->redis.size(), 2u);
  EXPECT_EQ(spec->redis[0].count, nullptr);
  EXPECT_EQ(spec->redis[1].count->int_value, 5);
  EXPECT_EQ(spec->clock->max->int_value, 12);
  EXPECT_EQ(spec->clock->drift, nullptr);

  ASSERT_EQ(spec->processes.size(), 2u);
  EXPECT_EQ(to_string(*spec->processes[0].hi), "CLIENTS");
  EXPECT_EQ(spec->processes[1].lo, nullptr);
  EXPECT_EQ(spec->processes[1].body[0]->kind, ast::StmtKind::done);

  ASSERT_EQ(spec->faults.size(), 3u);
  EXPECT_EQ(spec->faults[0].kind, ast::FaultKind::crash);
  EXPECT_FALSE(spec->faults[0].restart);
  EXPECT_TRUE(spec->faults[1].restart);
  EXPECT_EQ(spec->faults[1].target, "worker");
  EXPECT_EQ(spec->faults[2].kind, ast::FaultKind::restart_node);
  EXPECT_EQ(spec->faults[2].at_most->int_value, 1);
  EXPECT_EQ(spec->total_fault_budget->int_value, 2);

  ASSERT_EQ(spec->properties.size(), 2u);
  EXPECT_EQ(spec->properties[0].kind, ast::PropertyKind::invariant);
  EXPECT_EQ(spec->properties[0].text, "sold <= SEATS");
  EXPECT_EQ(spec->properties[1].kind, ast::PropertyKind::reachable);
  ASSERT_EQ(spec->expects.size(), 2u);
  EXPECT_EQ(spec->expects[0].kind, ast::ExpectKind::violated);
  EXPECT_EQ(spec->expects[1].kind, ast::ExpectKind::deadlock);
}

TEST(ParserTop, DatabaseKeywordsAndTypesInAnyCase) {
  auto spec = parse_ok(
      "database db { TABLE t (a INT PRIMARY KEY, b Text); INSERT INTO t VALUES (1, 'x'); "
      "DETECT DEADLOCKS; }");
  EXPECT_EQ(spec->database->tables[0].columns[1].type, ast::ColumnType::text);
  EXPECT_EQ(spec->database->inserts.size(), 1u);
  EXPECT_TRUE(spec->database->detect_deadlocks);
}

TEST(ParserTop, PropertyTextIsTheExpressionOnOneLine) {
  auto spec = parse_ok("invariant p:   all c in client:\n   c.done   // finished\n or c.crashed ;");
  EXPECT_EQ(spec->properties[0].text, "all c in client: c.done or c.crashed");
}

TEST(ParserStmt, EveryStatement) {
  auto spec = body(R"(
  var tries = 0;
  var ok;
  while tries < 3 {
    tries = tries + 1;
    if tries == 2 { continue; } else if tries > 5 { break; } else { await ok; }
  }
  assert tries <= 3, "too many tries";
  assert ok;
  sleep 2;
  atomic { stock = stock - 1; }
  done;
)");
  const ast::Process& p = spec->processes[0];
  ASSERT_EQ(p.locals.size(), 2u);
  EXPECT_EQ(p.locals[0].name, "tries");
  EXPECT_EQ(to_string(*p.locals[1].init), "null");
  ASSERT_EQ(p.body.size(), 6u);
  const ast::Stmt& loop = *p.body[0];
  EXPECT_EQ(loop.kind, ast::StmtKind::while_);
  EXPECT_EQ(loop.text, "while tries < 3");
  ASSERT_EQ(loop.body.size(), 2u);
  EXPECT_EQ(loop.body[0]->text, "tries = tries + 1");
  const ast::Stmt& branch = *loop.body[1];
  EXPECT_EQ(branch.text, "if tries == 2");
  EXPECT_EQ(branch.body[0]->kind, ast::StmtKind::continue_);
  ASSERT_EQ(branch.else_body.size(), 1u);
  const ast::Stmt& elif = *branch.else_body[0];
  EXPECT_EQ(elif.kind, ast::StmtKind::if_);
  EXPECT_EQ(elif.text, "if tries > 5");
  EXPECT_EQ(elif.body[0]->kind, ast::StmtKind::break_);
  ASSERT_EQ(elif.else_body.size(), 1u);
  EXPECT_EQ(elif.else_body[0]->kind, ast::StmtKind::await_);
  EXPECT_EQ(elif.else_body[0]->text, "await ok");

  EXPECT_EQ(p.body[1]->kind, ast::StmtKind::assert_);
  EXPECT_EQ(p.body[1]->message, "too many tries");
  EXPECT_EQ(p.body[1]->text, "assert tries <= 3, \"too many tries\"");
  EXPECT_EQ(p.body[2]->message, "");
  EXPECT_EQ(p.body[3]->kind, ast::StmtKind::sleep);
  EXPECT_EQ(p.body[3]->expr->int_value, 2);
  EXPECT_EQ(p.body[4]->kind, ast::StmtKind::atomic);
  EXPECT_EQ(p.body[4]->text, "atomic");
  EXPECT_EQ(p.body[4]->body[0]->text, "stock = stock - 1");
  EXPECT_EQ(p.body[5]->kind, ast::StmtKind::done);
  EXPECT_EQ(p.body[5]->text, "done");
}

TEST(ParserStmt, TextFoldsBlanksAndDropsComments) {
  auto spec =
      body("SELECT  available\n    INTO a /* the count */ FROM seats\n\tWHERE id = 'a  b';");
  EXPECT_EQ(spec->processes[0].body[0]->text,
            "SELECT available INTO a FROM seats WHERE id = 'a  b'");
}

TEST(ParserStmt, VarAfterAStatementStaysInTheBody) {
  auto spec = body("var a = 1; a = 2; var b = 3;");
  const ast::Process& p = spec->processes[0];
  ASSERT_EQ(p.locals.size(), 1u);
  ASSERT_EQ(p.body.size(), 2u);
  EXPECT_EQ(p.body[1]->kind, ast::StmtKind::var_decl);
  EXPECT_EQ(p.body[1]->target, "b");
}

TEST(ParserStmt, StatementLocations) {
  auto spec = body("  x = 1;\n  cache: GET k;");
  EXPECT_EQ(spec->processes[0].body[0]->loc, (SourceLoc{2, 3}));
  EXPECT_EQ(spec->processes[0].body[0]->target_loc, (SourceLoc{2, 3}));
  EXPECT_EQ(spec->processes[0].body[1]->loc, (SourceLoc{3, 3}));
  EXPECT_EQ(spec->processes[0].body[1]->redis->loc, (SourceLoc{3, 10}));
}

TEST(ParserSql, Transactions) {
  EXPECT_EQ(sql("BEGIN;"), "BEGIN");
  EXPECT_EQ(sql("begin;"), "BEGIN");
  EXPECT_EQ(sql("COMMIT;"), "COMMIT");
  EXPECT_EQ(sql("Rollback;"), "ROLLBACK");
  EXPECT_EQ(sql("db: COMMIT;"), "db: COMMIT");
  EXPECT_EQ(sql("BEGIN ISOLATION LEVEL READ COMMITTED;"), "BEGIN");
}

TEST(ParserSql, Select) {
  EXPECT_EQ(sql("SELECT available INTO a FROM seats WHERE id = 123;"),
            "SELECT available INTO a FROM seats WHERE (= #id 123)");
  EXPECT_EQ(sql("select * into a, b from seats where id = $seat for update;"),
            "SELECT * INTO a, b FROM seats WHERE (= #id $seat) FOR UPDATE");
  EXPECT_EQ(sql("SELECT COUNT(*), SUM(n), MIN(n), MAX(n), COUNT(n) INTO a, b, c, d, e FROM t;"),
            "SELECT COUNT(*), SUM(n), MIN(n), MAX(n), COUNT(n) INTO a, b, c, d, e FROM t");
  EXPECT_EQ(
      sql("SELECT id, v FROM t WHERE v IS NULL OR NOT v <> 3 ORDER BY id DESC LIMIT 1 "
          "FOR SHARE NOWAIT INTO a, b;"),
      "SELECT id, v INTO a, b FROM t WHERE (or (is-null #v) (not (<> #v 3))) ORDER BY id DESC "
      "LIMIT 1 FOR SHARE NOWAIT");
  EXPECT_EQ(sql("SELECT id INTO a FROM t ORDER BY id ASC LIMIT $n FOR UPDATE SKIP LOCKED;"),
            "SELECT id INTO a FROM t ORDER BY id LIMIT $n FOR UPDATE SKIP LOCKED");
  EXPECT_EQ(sql("SELECT id INTO a FROM t WHERE due <= now() AND who = $self AND n != ${k + 1};"),
            "SELECT id INTO a FROM t WHERE (and (and (<= #due now()) (= #who $self)) "
            "(<> #n $(+ k 1)))");
  EXPECT_EQ(sql("SELECT a FROM t WHERE x = -1 - -y * 2 % 3;"),
            "SELECT a FROM t WHERE (= #x (- -1 (% (* (- #y) 2) 3)))");
  EXPECT_EQ(sql("db: SELECT a FROM t WHERE ok = TRUE AND b = null;"),
            "db: SELECT a FROM t WHERE (and (= #ok true) (= #b null))");
}

TEST(ParserSql, EveryNodeIsMarkedSqlButHostExpressionsInside) {
  auto spec = body("SELECT a FROM t WHERE x = ${k + 1} AND y = 2;");
  const ast::SqlStmt& s = *spec->processes[0].body[0]->sql;
  const ast::Expr& conj = *s.where;
  EXPECT_TRUE(conj.sql);
  const ast::Expr& eq = *conj.args[0];
  EXPECT_TRUE(eq.sql);
  EXPECT_TRUE(eq.args[0]->sql);  // the column
  const ast::Expr& host = *eq.args[1];
  EXPECT_EQ(host.kind, ast::ExprKind::host);
  EXPECT_TRUE(host.sql);
  EXPECT_FALSE(host.args[0]->sql);  // `k + 1` follows host rules
  EXPECT_TRUE(conj.args[1]->args[1]->sql);
}

TEST(ParserSql, UpdateInsertDelete) {
  EXPECT_EQ(
      sql("UPDATE seats SET available = available - 1, version = $v + 1 WHERE id = 1 AND "
          "version = $v;"),
      "UPDATE seats SET available = (- #available 1), version = (+ $v 1) WHERE (and (= #id 1) "
      "(= #version $v))");
  EXPECT_EQ(sql("UPDATE t SET n = 0 RETURNING id, n INTO a, b;"),
            "UPDATE t SET n = 0 RETURNING id, n INTO a, b");
  EXPECT_EQ(sql("INSERT INTO bookings VALUES (123, $self, 'held');"),
            "INSERT INTO bookings VALUES (123, $self, 'held')");
  EXPECT_EQ(sql("insert into bookings (seat, who) values ($s, $self) on conflict do nothing;"),
            "INSERT INTO bookings (seat, who) VALUES ($s, $self) ON CONFLICT DO NOTHING");
  EXPECT_EQ(sql("DELETE FROM t WHERE id = 1 RETURNING * INTO a, b;"),
            "DELETE FROM t WHERE (= #id 1) RETURNING * INTO a, b");
  EXPECT_EQ(sql("delete from t;"), "DELETE FROM t");
}

TEST(ParserSql, NamesThatLookLikeSqlKeywordsStayNames) {
  auto spec = body("update = 1; select = update + 1; x = begin;");
  const auto& b = spec->processes[0].body;
  ASSERT_EQ(b.size(), 3u);
  EXPECT_EQ(b[0]->kind, ast::StmtKind::assign);
  EXPECT_EQ(b[1]->text, "select = update + 1");
  EXPECT_EQ(b[2]->kind, ast::StmtKind::assign);
}

TEST(ParserRedis, Commands) {
  EXPECT_EQ(redis("cache: GET lock:123;"), "cache: GET 'lock:123'");
  EXPECT_EQ(redis("cache: set lock:${seat} $self nx ex 10;"),
            "cache: SET 'lock:'${seat} ${self} NX EX 10");
  EXPECT_EQ(redis("cache: SET k 'two words' XX PX $t;"), "cache: SET 'k' 'two words' XX PX ${t}");
  EXPECT_EQ(redis("cache: SET k v EX 3 NX;"), "cache: SET 'k' 'v' NX EX 3");
  EXPECT_EQ(redis("cache: DEL a b:$x c;"), "cache: DEL 'a' 'b:'${x} 'c'");
  EXPECT_EQ(redis("cache: EXISTS k;"), "cache: EXISTS 'k'");
  EXPECT_EQ(redis("cache: INCR n;"), "cache: INCR 'n'");
  EXPECT_EQ(redis("cache: DECR n;"), "cache: DECR 'n'");
  EXPECT_EQ(redis("cache: INCRBY n -5;"), "cache: INCRBY 'n' -5");
  EXPECT_EQ(redis("cache: DECRBY n ${a * 2};"), "cache: DECRBY 'n' ${(* a 2)}");
  EXPECT_EQ(redis("cache: EXPIRE k 4;"), "cache: EXPIRE 'k' 4");
  EXPECT_EQ(redis("cache: TTL k;"), "cache: TTL 'k'");
  EXPECT_EQ(redis("node[i]: SET lock $self NX PX 5;"), "node[i]: SET 'lock' ${self} NX PX 5");
  EXPECT_EQ(redis("node[i + 1]: GET lock;"), "node[(+ i 1)]: GET 'lock'");
  EXPECT_EQ(redis("cache: SET ${'a' } x$y${z}w;"), "cache: SET ${'a'} 'x'${y}${z}'w'");
}

TEST(ParserRedis, AssignedRepliesAndText) {
  auto spec = body("ok = node[i]: SET lock $self NX PX 5;   v = cache: GET  k ; // c\n");
  const auto& b = spec->processes[0].body;
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b[0]->target, "ok");
  EXPECT_EQ(b[0]->text, "ok = node[i]: SET lock $self NX PX 5");
  EXPECT_EQ(b[1]->target, "v");
  EXPECT_EQ(b[1]->target_loc, (SourceLoc{2, 41}));
  EXPECT_EQ(b[1]->text, "v = cache: GET k");
}

TEST(ParserRedis, WordKinds) {
  auto spec = body("cache: SET '10' 10;");
  const ast::RedisCmd& c = *spec->processes[0].body[0]->redis;
  // A quoted number is text; a bare one an int.
  ASSERT_EQ(c.keys[0].parts.size(), 1u);
  EXPECT_FALSE(c.keys[0].parts[0].is_expr);
  EXPECT_EQ(c.keys[0].parts[0].text, "10");
  ASSERT_EQ(c.value->parts.size(), 1u);
  EXPECT_TRUE(c.value->parts[0].is_expr);
  EXPECT_EQ(c.value->parts[0].expr->kind, ast::ExprKind::int_lit);
  EXPECT_EQ(c.value->parts[0].expr->int_value, 10);
  EXPECT_EQ(c.keys[0].loc, (SourceLoc{2, 12}));
  EXPECT_EQ(c.value->loc, (SourceLoc{2, 17}));
}

TEST(ParserRedis, ACommandEndsWithItsLine) {
  EXPECT_EQ(errors("process p {\n  cache: DEL lock:123\n  x = 1;\n}"),
            "t.lcs:2:22: error: expected ';' after statement, found 'x'\n"
            "    cache: DEL lock:123\n"
            "                       ^\n");
  auto spec = parse_ok("process p { cache: DEL a /* one\ntwo */ ; }");
  EXPECT_EQ(spec->processes[0].body[0]->redis->keys.size(), 1u);
}

TEST(ParserRedis, AtomicCompareAndDelete) {
  auto spec = body("atomic { v = cache: GET lock; if v == self { cache: DEL lock; } }");
  const ast::Stmt& a = *spec->processes[0].body[0];
  ASSERT_EQ(a.body.size(), 2u);
  EXPECT_EQ(a.body[0]->text, "v = cache: GET lock");
  EXPECT_EQ(a.body[1]->body[0]->text, "cache: DEL lock");
}

TEST(ParserLiveness, EventuallyLeadsFairnessUnfair) {
  std::string src = R"(fairness weak;
clock relative;
process poller[1..2] unfair { x = 1; }
process admin unfair { x = 1; }
eventually served: all c in poller: c.done;
leads answered: pending > 0 ~> pending == 0;
leads each for c in poller: c.waiting ~> c.done;
)";
  Diagnostics diags;
  auto spec = parse(src, diags);
  EXPECT_EQ(render_all(diags, "t.lcs", src), "");
  EXPECT_TRUE(spec->fairness_weak);
  EXPECT_TRUE(spec->clock->relative);
  EXPECT_EQ(spec->clock->max, nullptr);
  EXPECT_TRUE(spec->processes[0].unfair);
  EXPECT_TRUE(spec->processes[1].unfair);
  ASSERT_EQ(spec->properties.size(), 3u);
  EXPECT_EQ(spec->properties[0].kind, ast::PropertyKind::eventually);
  EXPECT_EQ(spec->properties[0].text, "all c in poller: c.done");
  const ast::PropertyDecl& leads = spec->properties[1];
  EXPECT_EQ(leads.kind, ast::PropertyKind::leads);
  EXPECT_EQ(leads.text, "pending > 0 ~> pending == 0");
  EXPECT_EQ(leads.expr->op, ast::Op::leads_to);
  const ast::PropertyDecl& each = spec->properties[2];
  EXPECT_EQ(each.expr->kind, ast::ExprKind::quantifier);
  EXPECT_EQ(each.expr->text, "c");
  EXPECT_EQ(each.expr->group, "poller");
  EXPECT_EQ(each.expr->args[0]->op, ast::Op::leads_to);
}

TEST(ParserLiveness, Mistakes) {
  std::string src = R"(fairness strong;
fairness weak;
fairness weak;
leads a: x > 0;
leads b for c poller: true ~> c.done;
)";
  Diagnostics diags;
  parse(src, diags);
  EXPECT_EQ(render_all(diags, "t.lcs", src),
            "t.lcs:1:10: error: expected 'weak' after 'fairness' (the only option: 'fairness "
            "weak;'), found 'strong'\n"
            "  fairness strong;\n"
            "           ^\n"
            "t.lcs:3:1: error: 'fairness weak' is already given at line 2\n"
            "  fairness weak;\n"
            "  ^\n"
            "t.lcs:4:15: error: expected '~>' in a leads property, as in 'leads NAME: P ~> Q;', "
            "found ';'\n"
            "  leads a: x > 0;\n"
            "                ^\n"
            "t.lcs:5:15: error: expected 'in' after the variable, found 'poller'\n"
            "  leads b for c poller: true ~> c.done;\n"
            "                ^\n");
}

TEST(ParserPhase2, ParsedAndReported) {
  std::string src = R"(clock max 5 drift 1;
timing bounded 2;
fault pause worker at most 1;
fault lose_reply worker at most 1;
eventually all_done: x;
process p { BEGIN ISOLATION LEVEL REPEATABLE READ; begin isolation level serializable deferrable; }
database a { }
database b { }
)";
  Diagnostics diags;
  auto spec = parse(src, diags);
  EXPECT_EQ(
      render_all(diags, "t.lcs", src),
      "t.lcs:1:13: error: clock drift is not supported yet\n"
      "  clock max 5 drift 1;\n"
      "              ^\n"
      "t.lcs:2:1: error: timing bounded is not supported yet\n"
      "  timing bounded 2;\n"
      "  ^\n"
      "t.lcs:3:7: error: fault pause is not supported yet\n"
      "  fault pause worker at most 1;\n"
      "        ^\n"
      "t.lcs:4:7: error: fault lose_reply is not supported yet\n"
      "  fault lose_reply worker at most 1;\n"
      "        ^\n"
      "t.lcs:6:87: error: DEFERRABLE transactions are not supported yet\n"
      "  process p { BEGIN ISOLATION LEVEL REPEATABLE READ; begin isolation level "
      "serializable deferrable; }\n"
      "                                                                                        ^\n"
      "t.lcs:8:1: error: a second database is not supported yet\n"
      "  database b { }\n"
      "  ^\n");
  // The forms are still in the tree.
  EXPECT_EQ(spec->clock->drift->int_value, 1);
  EXPECT_EQ(spec->timing->bound->int_value, 2);
  EXPECT_EQ(spec->faults[0].kind, ast::FaultKind::pause);
  EXPECT_EQ(spec->faults[1].kind, ast::FaultKind::lose_reply);
  EXPECT_EQ(spec->properties[0].kind, ast::PropertyKind::eventually);
  EXPECT_EQ(spec->processes[0].body[0]->sql->isolation, ast::Isolation::repeatable_read);
  EXPECT_EQ(spec->processes[0].body[1]->sql->isolation, ast::Isolation::serializable);
  EXPECT_EQ(spec->database->name, "a");
}

TEST(ParserErrors, MissingSemicolonBeforeANewLine) {
  EXPECT_EQ(errors("process p {\n  x = 1\n  SELECT a INTO x FROM t;\n}"),
            "t.lcs:2:8: error: expected ';' after statement, found 'SELECT'\n"
            "    x = 1\n"
            "         ^\n");
}

TEST(ParserErrors, RecoversAtSemicolonsAndReportsEveryError) {
  EXPECT_EQ(errors("const A = ;\nvar b 3;\nprocess p {\n  x = = 2;\n  if { }\n  y = 1;\n}\n"
                   "invariant i: a <;\n"),
            "t.lcs:1:11: error: expected an expression, found ';'\n"
            "  const A = ;\n"
            "            ^\n"
            "t.lcs:2:6: error: expected ';' after declaration, found '3'\n"
            "  var b 3;\n"
            "       ^\n"
            "t.lcs:4:7: error: expected an expression, found '='\n"
            "    x = = 2;\n"
            "        ^\n"
            "t.lcs:5:6: error: expected an expression, found '{'\n"
            "    if { }\n"
            "       ^\n"
            "t.lcs:8:17: error: expected an expression, found ';'\n"
            "  invariant i: a <;\n"
            "                  ^\n");
}

TEST(ParserErrors, TopLevelMistakes) {
  EXPECT_EQ(errors("proces p { }\ninvariant: x;\nx = 1;\n"),
            "t.lcs:1:1: error: expected a declaration, found 'proces'; did you mean 'process'?\n"
            "  proces p { }\n"
            "  ^\n"
            "t.lcs:2:10: error: expected a property name, found ':'\n"
            "  invariant: x;\n"
            "           ^\n"
            "t.lcs:3:1: error: expected a declaration, found 'x'\n"
            "  x = 1;\n"
            "  ^\n");
}

TEST(ParserErrors, OperatorsFromOtherLanguages) {
  EXPECT_EQ(errors("invariant i: a && !b || c = 1 <> 2;"),
            "t.lcs:1:16: error: '&&' is not an operator; use 'and'\n"
            "  invariant i: a && !b || c = 1 <> 2;\n"
            "                 ^\n"
            "t.lcs:1:19: error: '!' is not an operator; use 'not'\n"
            "  invariant i: a && !b || c = 1 <> 2;\n"
            "                    ^\n"
            "t.lcs:1:22: error: '||' is not an operator; use 'or'\n"
            "  invariant i: a && !b || c = 1 <> 2;\n"
            "                       ^\n"
            "t.lcs:1:27: error: '=' assigns; use '==' to compare\n"
            "  invariant i: a && !b || c = 1 <> 2;\n"
            "                            ^\n"
            "t.lcs:1:31: error: comparisons cannot be chained; use 'and'\n"
            "  invariant i: a && !b || c = 1 <> 2;\n"
            "                                ^\n");
}

TEST(ParserErrors, SqlMistakes) {
  EXPECT_EQ(errors("process p {\n"
                   "  SELECT a INTO x seats;\n"
                   "  UPDATE t available = 1;\n"
                   "  SELECT a FROM t WHERE a == 1;\n"
                   "  INSERT INTO t VALUES (1), (2);\n"
                   "  SELECT SUM(*) FROM t;\n"
                   "  x = SELECT a FROM t;\n"
                   "}\n"),
            "t.lcs:2:19: error: expected 'FROM', found 'seats'\n"
            "    SELECT a INTO x seats;\n"
            "                    ^\n"
            "t.lcs:3:12: error: expected 'SET' after the table name, found 'available'\n"
            "    UPDATE t available = 1;\n"
            "             ^\n"
            "t.lcs:4:27: error: '==' is not SQL; use '='\n"
            "    SELECT a FROM t WHERE a == 1;\n"
            "                            ^\n"
            "t.lcs:5:27: error: an INSERT in a process takes one row of values\n"
            "    INSERT INTO t VALUES (1), (2);\n"
            "                            ^\n"
            "t.lcs:6:14: error: only COUNT takes '*', not SUM\n"
            "    SELECT SUM(*) FROM t;\n"
            "               ^\n"
            "t.lcs:7:7: error: a SQL statement cannot be assigned; read its results with INTO\n"
            "    x = SELECT a FROM t;\n"
            "        ^\n");
}

TEST(ParserErrors, RedisMistakes) {
  EXPECT_EQ(errors("process p {\n"
                   "  cache: GETX k;\n"
                   "  cache: GET a b;\n"
                   "  cache: SET k;\n"
                   "  cache: SET k v NX XX EX;\n"
                   "  cache: SET k v FOO;\n"
                   "  cache: INCRBY k;\n"
                   "  cache: DEL;\n"
                   "  SET k v;\n"
                   "  cache: GET k\n"
                   "}\n"),
            "t.lcs:2:10: error: unknown Redis command 'GETX'; did you mean 'GET'?\n"
            "    cache: GETX k;\n"
            "           ^\n"
            "t.lcs:3:16: error: too many arguments for GET\n"
            "    cache: GET a b;\n"
            "                 ^\n"
            "t.lcs:4:10: error: SET needs a key and a value\n"
            "    cache: SET k;\n"
            "           ^\n"
            "t.lcs:5:21: error: SET takes only one of NX and XX\n"
            "    cache: SET k v NX XX EX;\n"
            "                      ^\n"
            "t.lcs:5:24: error: EX needs a time\n"
            "    cache: SET k v NX XX EX;\n"
            "                         ^\n"
            "t.lcs:6:18: error: unknown option 'FOO' for SET; expected NX, XX, EX or PX\n"
            "    cache: SET k v FOO;\n"
            "                   ^\n"
            "t.lcs:7:10: error: INCRBY needs a key and an amount\n"
            "    cache: INCRBY k;\n"
            "           ^\n"
            "t.lcs:8:10: error: DEL needs at least one key\n"
            "    cache: DEL;\n"
            "           ^\n"
            "t.lcs:9:3: error: a Redis command needs a node, as in 'cache: SET ...'\n"
            "    SET k v;\n"
            "    ^\n"
            "t.lcs:10:15: error: expected ';' after statement, found '}'\n"
            "    cache: GET k\n"
            "                ^\n");
}

TEST(ParserErrors, TableMistakes) {
  EXPECT_EQ(errors("database db {\n"
                   "  table t (a integer, b int primary key, c int primary key);\n"
                   "  table u (a int, order int, primary key (a, z));\n"
                   "  create table v (a int);\n"
                   "}\n"),
            "t.lcs:2:14: error: unknown column type 'integer'; expected int, text, bool or pid\n"
            "    table t (a integer, b int primary key, c int primary key);\n"
            "               ^\n"
            "t.lcs:2:48: error: table 't' has more than one primary key\n"
            "    table t (a integer, b int primary key, c int primary key);\n"
            "                                                 ^\n"
            "t.lcs:3:19: error: 'order' is a SQL keyword and cannot name a column\n"
            "    table u (a int, order int, primary key (a, z));\n"
            "                    ^\n"
            "t.lcs:3:46: error: unknown column 'z' in table 'u'\n"
            "    table u (a int, order int, primary key (a, z));\n"
            "                                               ^\n"
            "t.lcs:4:3: error: expected 'table', 'insert', 'detect deadlocks', 'isolation' or "
            "'ssi granularity' in a database, found 'create'\n"
            "    create table v (a int);\n"
            "    ^\n");
}

TEST(ParserErrors, UnclosedBlocks) {
  EXPECT_EQ(errors("process p {\n  if x {\n    y = 1;\n"),
            "t.lcs:4:1: error: expected '}' to close the block opened at line 2, found end of "
            "file\n"
            "  \n"
            "  ^\n");
}

TEST(ParserErrors, IntegerRange) {
  EXPECT_EQ(errors("const A = 2147483648;\nconst B = 99999999999999999999999;\n"
                   "process p { cache: INCRBY k 2147483648; }"),
            "t.lcs:1:11: error: integer literal out of range\n"
            "  const A = 2147483648;\n"
            "            ^\n"
            "t.lcs:2:11: error: integer literal out of range\n"
            "  const B = 99999999999999999999999;\n"
            "            ^\n"
            "t.lcs:3:29: error: integer literal out of range\n"
            "  process p { cache: INCRBY k 2147483648; }\n"
            "                              ^\n");
}

TEST(ParserErrors, HostKeywordsAreLowercase) {
  EXPECT_EQ(errors("process p { IF x { } y = 1; }"),
            "t.lcs:1:13: error: expected a statement, found 'IF'; keywords are lowercase: 'if'\n"
            "  process p { IF x { } y = 1; }\n"
            "              ^\n");
}

TEST(ParserErrors, ElseWithoutIf) {
  EXPECT_EQ(errors("process p { else { x = 1; } y = 2; }"),
            "t.lcs:1:13: error: 'else' without 'if'\n"
            "  process p { else { x = 1; } y = 2; }\n"
            "              ^\n");
}

}  // namespace
}  // namespace lockcheck::front
