// The packed state encoding: the slot widths a spec gives, and random states of every shape
// round-tripping (decode(encode(s)) == s, encode(decode(x)) == x).
#include "checker/compile/state_layout.h"

#include <gtest/gtest.h>

#include <random>

#include "checker/base/bit_codec.h"
#include "checker/compile/interpreter.h"
#include "checker/compile/state.h"
#include "checker/front/front_end.h"

namespace lockcheck::compile {
namespace {

constexpr const char* kSpec = R"(
  const N = 5;
  database db {
    table t (id int primary key, name text, ok bool, owner pid) max 4 rows;
    table u (k int, v int);
    insert into t values (1, 'a', true, null);
  }
  redis cache;
  redis node[2];
  clock max 6;
  var x = 0;
  var who = null;
  ghost g = false;
  fault crash worker at most 2;
  fault restart cache at most 3;
  faults at most 4;

  process worker[1..N] {
    var a = 0;
    var b = 'x';
    BEGIN;
    UPDATE t SET name = 'b' WHERE id = 1;
    COMMIT;
    sleep 2;
    a = a + 1;
  }
  process solo {
    cache: SET lock $self NX EX 2;
  }
)";

struct Fixture {
  std::unique_ptr<ast::Spec> ast;
  std::unique_ptr<CompiledSpec> spec;
  State initial;

  Fixture() {
    Diagnostics diags;
    ast = front::read_spec(kSpec, "test.lcs", diags);
    EXPECT_FALSE(diags.has_errors()) << render_all(diags, "test.lcs", kSpec);
    spec = CompiledSpec::build(*ast, {}, diags);
    EXPECT_TRUE(spec) << render_all(diags, "test.lcs", kSpec);
    Interpreter interp(*spec);
    ModelError error;
    EXPECT_TRUE(interp.initial(initial, error)) << error.message;
    // Rows are sorted by text contents: random text ids must name pool entries.
    for (int k = 0; k < kTexts; ++k) spec->pool.intern("s" + std::to_string(k));
  }
  static constexpr int kTexts = 60;
};

TEST(StateLayoutTest, FixedSlotsTakeTheBitsTheirDomainsNeed) {
  Fixture f;
  ASSERT_TRUE(f.spec);
  StateLayout l(*f.spec);
  EXPECT_EQ(l.clock_bits, 3);  // 0..6
  EXPECT_EQ(l.wake_bits, 4);   // none, 0..6, escape: 9 codes
  EXPECT_EQ(l.pid_bits, 3);    // 6 processes
  ASSERT_EQ(l.procs.size(), 6u);
  EXPECT_EQ(l.procs[0].declared, 2u);
  EXPECT_TRUE(l.procs[0].sleeps);
  EXPECT_FALSE(l.procs[5].sleeps);
  ASSERT_EQ(l.fault_bits.size(), 2u);
  EXPECT_EQ(l.fault_bits[0], 2);      // 0..2
  EXPECT_EQ(l.fault_bits[1], 2);      // 0..3
  EXPECT_EQ(l.faults_total_bits, 3);  // 0..4
  EXPECT_EQ(l.shared, 2u);
  EXPECT_EQ(l.ghosts, 1u);
  EXPECT_EQ(l.nodes, 3u);
}

TEST(StateLayoutTest, InitialStateIsSmallAndRoundTrips) {
  Fixture f;
  ASSERT_TRUE(f.spec);
  StateLayout l(*f.spec);
  State s = f.initial;
  std::string bytes = s.encode(f.spec->pool, l);
  EXPECT_LT(bytes.size(), 40u);
  EXPECT_EQ(State::decode(bytes, l), s);
}

Value random_value(std::mt19937_64& rng, int procs) {
  switch (rng() % 5) {
    case 0:
      return Value::null();
    case 1:
      return Value::integer(static_cast<int64_t>(rng()) >> (rng() % 64));
    case 2:
      return Value::text(static_cast<int64_t>(rng() % Fixture::kTexts));
    case 3:
      return Value::boolean(rng() % 2 == 1);
    default:
      return Value::pid(static_cast<int64_t>(rng() % static_cast<uint64_t>(procs)));
  }
}

Value random_column(std::mt19937_64& rng, sql::ColumnType type, int procs) {
  if (rng() % 4 == 0) return Value::null();
  switch (type) {
    case sql::ColumnType::int_:
      return Value::integer(static_cast<int32_t>(rng()) >> (rng() % 32));
    case sql::ColumnType::text:
      return Value::text(static_cast<int64_t>(rng() % Fixture::kTexts));
    case sql::ColumnType::bool_:
      return Value::boolean(rng() % 2 == 1);
    case sql::ColumnType::pid:
      return Value::pid(static_cast<int64_t>(rng() % static_cast<uint64_t>(procs)));
  }
  return Value::null();
}

State random_state(std::mt19937_64& rng, const CompiledSpec& spec, const StateLayout& l,
                   const State& shape) {
  const int procs = static_cast<int>(spec.procs.size());
  State s = shape;
  s.clock = static_cast<int64_t>(rng() % 7);
  for (Value& v : s.shared) v = random_value(rng, procs);
  for (Value& v : s.ghosts) v = random_value(rng, procs);
  for (size_t t = 0; t < s.db.tables.size(); ++t) {
    const sql::TableSchema& ts = spec.schema.tables[t];
    auto row = [&] {
      sql::Row r;
      for (sql::ColumnType c : ts.types) r.push_back(random_column(rng, c, procs));
      return r;
    };
    s.db.tables[t].rows.clear();
    const int n = static_cast<int>(rng() % 4);
    for (int k = 0; k < n; ++k) {
      sql::RowRecord rec;
      if (rng() % 4 != 0) rec.committed = row();
      if (!rec.committed || rng() % 3 == 0) {
        rec.writer = static_cast<int>(rng() % static_cast<uint64_t>(procs));
        if (rng() % 2 == 0) rec.pending = row();
      }
      if (rng() % 2 == 0) rec.exclusive = static_cast<int>(rng() % static_cast<uint64_t>(procs));
      for (int h = 0; h < procs; ++h)
        if (rng() % 4 == 0) rec.shared.push_back(h);
      s.db.tables[t].rows.push_back(std::move(rec));
    }
  }
  for (auto& txn : s.db.txns) txn = static_cast<sql::TxnStatus>(rng() % 3);
  for (auto& node : s.nodes) {
    node.entries.clear();
    for (int64_t key = 0; key < 40; key += 1 + static_cast<int64_t>(rng() % 15)) {
      const int64_t deadline = rng() % 3 == 0 ? -1 : static_cast<int64_t>(rng() % 100);
      node.entries.push_back({Value::text(key), random_value(rng, procs), deadline});
    }
  }
  for (size_t p = 0; p < s.procs.size(); ++p) {
    ProcState& ps = s.procs[p];
    const Group& g = spec.groups[spec.procs[p].group];
    ps.status = static_cast<ProcStatus>(rng() % 3);
    ps.pc = static_cast<int32_t>(rng() % (g.program.code.size() + 1));
    const uint64_t w = l.procs[p].sleeps ? rng() % 4 : 0;
    ps.wake = w == 0   ? -1
              : w == 1 ? static_cast<int64_t>(rng() % 7)
                       : static_cast<int64_t>(rng() % 1000);
    const size_t n = g.decl->locals.size();
    for (size_t k = 0; k < n; ++k) ps.locals[k] = random_value(rng, procs);
    ps.locals[n] = Value::boolean(rng() % 2 == 1);
    ps.locals[n + 1] = Value::integer(static_cast<int64_t>(rng() % 5));
    ps.locals[n + 2] =
        rng() % 2 == 0 ? spec.empty_text() : Value::text(static_cast<int64_t>(rng() % 9));
  }
  s.faults_used = {static_cast<int32_t>(rng() % 3), static_cast<int32_t>(rng() % 4)};
  s.faults_total = static_cast<int32_t>(rng() % 5);
  return s;
}

TEST(StateLayoutTest, RandomStatesRoundTrip) {
  Fixture f;
  ASSERT_TRUE(f.spec);
  StateLayout l(*f.spec);
  std::mt19937_64 rng(11);
  for (int round = 0; round < 2000; ++round) {
    State s = random_state(rng, *f.spec, l, f.initial);
    std::string bytes = s.encode(f.spec->pool, l);  // canonicalises s's database
    State back = State::decode(bytes, l);
    ASSERT_EQ(back, s) << "round " << round;
    ASSERT_EQ(back.encode(f.spec->pool, l), bytes) << "round " << round;
  }
}

TEST(StateLayoutTest, ValuesPastTheirSlotsThrowInsteadOfMerging) {
  Fixture f;
  ASSERT_TRUE(f.spec);
  StateLayout l(*f.spec);
  State clock = f.initial;
  clock.clock = 8;  // the slot is checked to its bits: 3 bits hold up to 7
  EXPECT_THROW(clock.encode(f.spec->pool, l), SlotOverflow);
  State found = f.initial;
  found.procs[0].locals[2] = Value::integer(1);  // `found` must be a bool
  EXPECT_THROW(found.encode(f.spec->pool, l), SlotOverflow);
  State wake = f.initial;
  wake.procs[5].wake = 3;  // solo has no sleep: no slot for a wake-up tick
  EXPECT_THROW(wake.encode(f.spec->pool, l), SlotOverflow);
  State fault = f.initial;
  fault.faults_used[0] = 4;
  EXPECT_THROW(fault.encode(f.spec->pool, l), SlotOverflow);
}

TEST(StateLayoutTest, BadBytesThrow) {
  Fixture f;
  ASSERT_TRUE(f.spec);
  StateLayout l(*f.spec);
  State s = f.initial;
  std::string bytes = s.encode(f.spec->pool, l);
  EXPECT_THROW(State::decode(bytes.substr(0, bytes.size() / 2), l), std::runtime_error);
  EXPECT_THROW(State::decode(bytes + std::string(3, '\x5a'), l), std::runtime_error);
  EXPECT_THROW(State::decode("", l), std::runtime_error);
}

}  // namespace
}  // namespace lockcheck::compile
