#include "checker/front/front_end.h"

#include <gtest/gtest.h>

#include <string>

namespace lockcheck::front {
namespace {

constexpr const char* kNaive = R"(// The seed's double booking: read, then write, as two steps.
database db { table seats (id int primary key, available int); insert into seats values (123, 1); }
ghost sold = 0;
process user[1..2] {
  var a = 0;
  SELECT available INTO a FROM seats WHERE id = 123;
  if a > 0 { UPDATE seats SET available = $a - 1 WHERE id = 123; sold = sold + 1; }
}
invariant no_oversell: sold <= 1;
expect violated no_oversell;
)";

constexpr const char* kLease =
    R"(// Redis lease without fencing: the lease expires while its holder is slow, and a second
// holder reads the same seat.
database db { table seats (id int primary key, available int); insert into seats values (123, 1); }
redis cache;  clock max 6;  ghost sold = 0;
process worker[1..2] {
  var ok = false;  var a = 0;
  ok = cache: SET lock:123 $self NX EX 2;
  if ok {
    SELECT available INTO a FROM seats WHERE id = 123;
    if a > 0 { UPDATE seats SET available = $a - 1 WHERE id = 123; sold = sold + 1; }
    cache: DEL lock:123;
  }
}
invariant no_oversell: sold <= 1;
expect violated no_oversell;
)";

TEST(FrontEnd, NaiveBookingExampleReadsCleanly) {
  Diagnostics diags;
  auto spec = read_spec(kNaive, "specs/booking/naive.lcs", diags);
  ASSERT_NE(spec, nullptr) << render_all(diags, "naive.lcs", kNaive);
  EXPECT_EQ(render_all(diags, "naive.lcs", kNaive), "");
  EXPECT_EQ(spec->name, "naive");

  ASSERT_TRUE(spec->database);
  const ast::Database& db = *spec->database;
  EXPECT_EQ(db.name, "db");
  ASSERT_EQ(db.tables.size(), 1u);
  EXPECT_EQ(db.tables[0].name, "seats");
  ASSERT_EQ(db.tables[0].columns.size(), 2u);
  EXPECT_EQ(db.tables[0].columns[1].name, "available");
  EXPECT_EQ(db.tables[0].primary_key, std::vector<int>{0});
  ASSERT_EQ(db.inserts.size(), 1u);
  ASSERT_EQ(db.inserts[0].rows.size(), 1u);
  EXPECT_EQ(db.inserts[0].rows[0][0]->int_value, 123);

  ASSERT_EQ(spec->ghosts.size(), 1u);
  EXPECT_EQ(spec->ghosts[0].name, "sold");

  ASSERT_EQ(spec->processes.size(), 1u);
  const ast::Process& p = spec->processes[0];
  EXPECT_EQ(p.name, "user");
  EXPECT_EQ(p.lo->int_value, 1);
  EXPECT_EQ(p.hi->int_value, 2);
  ASSERT_EQ(p.locals.size(), 1u);
  EXPECT_EQ(p.locals[0].name, "a");
  ASSERT_EQ(p.body.size(), 2u);

  const ast::Stmt& select = *p.body[0];
  EXPECT_EQ(select.kind, ast::StmtKind::sql);
  EXPECT_EQ(select.text, "SELECT available INTO a FROM seats WHERE id = 123");
  EXPECT_EQ(select.loc, (SourceLoc{6, 3}));
  EXPECT_EQ(select.sql->kind, ast::SqlKind::select);
  ASSERT_EQ(select.sql->into.size(), 1u);
  EXPECT_EQ(select.sql->into[0].ref.kind, ast::RefKind::local);
  EXPECT_EQ(select.sql->into[0].ref.index, 0);

  const ast::Stmt& branch = *p.body[1];
  EXPECT_EQ(branch.kind, ast::StmtKind::if_);
  EXPECT_EQ(branch.text, "if a > 0");
  ASSERT_EQ(branch.body.size(), 2u);
  EXPECT_EQ(branch.body[0]->text, "UPDATE seats SET available = $a - 1 WHERE id = 123");
  const ast::Stmt& sold = *branch.body[1];
  EXPECT_EQ(sold.kind, ast::StmtKind::assign);
  EXPECT_EQ(sold.text, "sold = sold + 1");
  EXPECT_EQ(sold.target_ref.kind, ast::RefKind::ghost);

  ASSERT_EQ(spec->properties.size(), 1u);
  EXPECT_EQ(spec->properties[0].text, "sold <= 1");
  ASSERT_EQ(spec->expects.size(), 1u);
  EXPECT_EQ(spec->expects[0].name, "no_oversell");
}

TEST(FrontEnd, RedisLeaseExampleReadsCleanly) {
  Diagnostics diags;
  auto spec = read_spec(kLease, "specs/locks/lease.lcs", diags);
  ASSERT_NE(spec, nullptr) << render_all(diags, "lease.lcs", kLease);
  EXPECT_EQ(spec->name, "lease");
  ASSERT_EQ(spec->redis.size(), 1u);
  EXPECT_EQ(spec->redis[0].count, nullptr);
  ASSERT_TRUE(spec->clock);
  EXPECT_EQ(spec->clock->max->int_value, 6);

  const ast::Process& p = spec->processes[0];
  ASSERT_EQ(p.locals.size(), 2u);
  const ast::Stmt& set = *p.body[0];
  EXPECT_EQ(set.kind, ast::StmtKind::redis);
  EXPECT_EQ(set.text, "ok = cache: SET lock:123 $self NX EX 2");
  EXPECT_EQ(set.target, "ok");
  EXPECT_EQ(set.target_ref.kind, ast::RefKind::local);
  const ast::RedisCmd& cmd = *set.redis;
  EXPECT_EQ(cmd.op, ast::RedisOp::set);
  EXPECT_EQ(cmd.node_ref.kind, ast::RefKind::redis_node);
  EXPECT_EQ(cmd.condition, ast::SetCondition::nx);
  EXPECT_EQ(cmd.ttl_unit, ast::TtlUnit::ex);
  ASSERT_EQ(cmd.keys.size(), 1u);
  ASSERT_EQ(cmd.keys[0].parts.size(), 1u);
  EXPECT_EQ(cmd.keys[0].parts[0].text, "lock:123");
  ASSERT_TRUE(cmd.value);
  EXPECT_EQ(cmd.value->parts[0].expr->kind, ast::ExprKind::self);
  ASSERT_TRUE(cmd.ttl);
  EXPECT_EQ(cmd.ttl->parts[0].expr->int_value, 2);

  const ast::Stmt& branch = *p.body[1];
  ASSERT_EQ(branch.body.size(), 3u);
  EXPECT_EQ(branch.body[2]->text, "cache: DEL lock:123");
  EXPECT_EQ(branch.body[2]->redis->op, ast::RedisOp::del);
}

TEST(FrontEnd, SpecNameComesFromTheDeclarationOrTheStem) {
  Diagnostics diags;
  auto spec = read_spec("spec booking_optimistic;", "x/y/z.lcs", diags);
  ASSERT_NE(spec, nullptr);
  EXPECT_EQ(spec->name, "booking_optimistic");
  EXPECT_EQ(spec_stem("specs/booking/naive.lcs"), "naive");
  EXPECT_EQ(spec_stem("naive"), "naive");
  EXPECT_EQ(spec_stem("a.b/c.d.lcs"), "c.d");
}

TEST(FrontEnd, ErrorsGiveNoSpec) {
  Diagnostics diags;
  std::string src = "ghost sold = 0;\ninvariant x: sold <= ;\n";
  auto spec = read_spec(src, "e.lcs", diags);
  EXPECT_EQ(spec, nullptr);
  EXPECT_EQ(render_all(diags, "e.lcs", src),
            "e.lcs:2:22: error: expected an expression, found ';'\n"
            "  invariant x: sold <= ;\n"
            "                       ^\n");
}

}  // namespace
}  // namespace lockcheck::front
