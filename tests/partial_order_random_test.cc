// Partial-order reduction against the plain search on random specs: rows, Redis keys, shared and
// ghost variables, transactions, clocks, sleeps, awaits, crash and restart faults, the deadlock
// detector, and properties that read a random part of it all. The library specs mostly keep
// every step visible (their invariants read the contended data); these make the reduction fire
// often, in every corner the footprints have to get right. Fixed seeds: the same specs on every
// run.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "checker/compile/check.h"

namespace lockcheck {
namespace {

class SpecGenerator {
 public:
  explicit SpecGenerator(uint32_t seed) : rng_(seed) {}

  // A narrow kind: two or three processes of one or two writes each to their own or shared data,
  // and an invariant that orders two data items, false only in some interleavings. A reduction
  // that explored too few orders would miss exactly these.
  std::string narrow_spec() {
    redis_ = true;
    std::string out =
        "database db {\n  table t (id int primary key, v int);\n"
        "  insert into t values (1, 0), (2, 0), (3, 0);\n}\nredis cache;\nvar s = 0;\n"
        "ghost g = 0;\n";
    const int procs = 2 + pick(2);
    for (int p = 1; p <= procs; ++p) {
      out += "process p" + std::to_string(p) + " {\n  var x = 0;\n";
      const int n = 1 + pick(2);
      for (int i = 0; i < n; ++i) {
        std::string row = std::to_string(1 + pick(3));
        switch (pick(6)) {
          case 0:
            out += "  UPDATE t SET v = v + 1 WHERE id = " + row + ";\n";
            break;
          case 5:
            out += "  SELECT v INTO x FROM t WHERE id = " + row + ";\n  if x == 0 { g = g + 1; }\n";
            break;
          case 1:
            out += "  s = s + 1;\n";
            break;
          case 2:
            out += "  g = g + 1;\n";
            break;
          case 3:
            out += "  cache: SET k" + row + " 1;\n";
            break;
          default:
            out += "  x = cache: GET k" + row + ";\n  if x == 1 { g = g + 1; }\n";
            break;
        }
      }
      out += "}\n";
    }
    auto item = [&]() -> std::string {
      std::string row = std::to_string(1 + pick(3));
      switch (pick(4)) {
        case 0:
          return "(SELECT v FROM t WHERE id = " + row + ")";
        case 1:
          return "s";
        case 2:
          return "g";
        default:
          return "(count c in p1: c.x == 1)";
      }
    };
    out += "invariant inv: " + item() + " >= " + item() + " or cache['k" +
           std::to_string(1 + pick(3)) + "'] == 1;\n";
    return out;
  }

  std::string spec() {
    small_ = chance(2);
    clock_ = chance(3);
    redis_ = chance(2);
    detect_ = chance(4);
    std::string out;
    out += "database db {\n  table t (id int primary key, v int) max 5 rows;\n";
    // Rows keyed by process ids: symmetry renames them (the group w is interchangeable).
    out += "  table r (who pid primary key, n int) max 6 rows;\n";
    out += "  insert into t values (1, 0), (2, 0), (3, 0);\n";
    if (detect_) out += "  detect deadlocks;\n";
    out += "}\n";
    if (redis_) out += "redis cache;\n";
    if (clock_) out += "clock max 2;\n";
    out += "var s = 0;\nghost g = 0;\n";
    const int singles = 1 + pick(2);
    for (int i = 1; i <= singles; ++i) out += process("p" + std::to_string(i), false);
    bool group = chance(2);
    if (group) out += process("w", true);
    if (chance(4))
      out += "fault crash p1 at most 1" + std::string(chance(2) ? " restart" : "") + ";\n";
    if (group && chance(4)) out += "fault crash w at most 1;\n";
    if (redis_ && chance(4)) out += "fault restart cache at most 1;\n";
    out += "invariant inv: " + property() + ";\n";
    if (chance(2)) out += "reachable reach: " + property() + ";\n";
    return out;
  }

 private:
  int pick(int n) { return static_cast<int>(rng_() % static_cast<uint32_t>(n)); }
  bool chance(int one_in) { return pick(one_in) == 0; }

  std::string key() {
    switch (pick(5)) {
      case 0:
        return "1";
      case 1:
        return "2";
      case 2:
        return "3";
      case 3:
        return "$k";  // a local never assigned: known before the search
      default:
        return "$x";  // assigned: not known
    }
  }

  std::string statement(int depth) {
    switch (pick(redis_ ? 14 : 11)) {
      case 0:
        return "UPDATE t SET v = v + 1 WHERE id = " + key() + ";";
      case 1:
        return "SELECT v INTO x FROM t WHERE id = " + key() + ";";
      case 2:
        return "SELECT v INTO x FROM t WHERE id = " + key() + " FOR UPDATE;";
      case 3:
        return "UPDATE t SET v = v + 1 WHERE v < 2;";
      case 4:
        return "s = s + 1;";
      case 5:
        return "x = s;";
      case 6:
        return "g = g + 1;";
      case 7:
        if (depth > 0) return "x = x + 1;";
        return "if x > 0 { " + statement(depth + 1) + " } else { " + statement(depth + 1) + " }";
      case 8:
        if (depth > 0) return "g = g + 1;";
        return "BEGIN; " + statement(depth + 1) + " " + statement(depth + 1) +
               (chance(3) ? " ROLLBACK;" : " COMMIT;");
      case 9:
        if (clock_ && chance(2)) return "sleep 1;";
        return chance(3) ? "await s > 0;" : "x = x + 1;";
      case 10:
        switch (pick(8)) {
          case 0:
            return "INSERT INTO t VALUES (${x + 4}, 0) ON CONFLICT DO NOTHING;";
          case 1:
            return "DELETE FROM t WHERE id = " + key() + ";";
          case 2:
            return "INSERT INTO r VALUES ($self, 0) ON CONFLICT DO NOTHING;";
          case 3:
            return "UPDATE r SET n = n + 1 WHERE who = $self;";
          case 4:
            return "UPDATE r SET n = n + 1 WHERE n < 2;";
          case 5:
            return "SELECT COUNT(*) INTO x FROM r WHERE n > 0;";
          case 6:
            return "SELECT n INTO x FROM r WHERE who = $self FOR UPDATE;";
          default:
            return "DELETE FROM r WHERE who = $self;";
        }
      case 11:
        return "x = cache: GET k" + key() + ";";
      case 12:
        return std::string("cache: SET k") + key() + " 1" + (clock_ ? " EX 1" : "") +
               (chance(2) ? " NX" : "") + ";";
      default:
        return "cache: DEL k" + key() + ";";
    }
  }

  std::string process(const std::string& name, bool group) {
    std::string out = "process " + name + (group ? "[1..2]" : "") + " {\n";
    out += "  var x = 0;\n  var k = " + std::to_string(1 + pick(3)) + ";\n";
    // Small programs make narrow violations, the ones a wrong reduction would miss.
    const int n = small_ ? 1 + pick(2) : 2 + pick(3);
    for (int i = 0; i < n; ++i) out += "  " + statement(0) + "\n";
    out += "}\n";
    return out;
  }

  std::string property() {
    switch (pick(13)) {
      case 12:
        return "(SELECT COUNT(*) FROM r WHERE n > 0) <= " + std::to_string(pick(3));
      case 8:  // orders between data that different processes may write independently
        return "(SELECT v FROM t WHERE id = 1) >= (SELECT v FROM t WHERE id = 2)";
      case 9:
        return "s <= g + 1";
      case 10:
        return "(SELECT v FROM t WHERE id = 3) <= s + g";
      case 11:
        return redis_ ? "cache['k1'] == null or cache['k2'] != null" : "p1.x >= s - 1";
      case 0:
        return "g <= " + std::to_string(1 + pick(3));
      case 1:
        return "s + g < " + std::to_string(2 + pick(3));
      case 2:
        return "(SELECT v FROM t WHERE id = " + std::to_string(1 + pick(3)) + ") <= 1";
      case 3:
        return "(SELECT COUNT(*) FROM t WHERE v > 0) <= " + std::to_string(pick(3));
      case 4:
        return "p1.x <= " + std::to_string(pick(2));
      case 5:
        return "not p1.done or s <= 1";
      case 6:
        return redis_ ? "cache['k1'] == null or g == 0" : "s <= 2";
      default:
        return "count c in p1: c.done == 0 or s >= 0";  // never false, reads `.done`
    }
  }

  std::mt19937 rng_;
  bool small_ = false, clock_ = false, redis_ = false, detect_ = false;
};

std::string verdicts(const trace::SpecResult& r) {
  std::string out = r.error_text;
  out += r.complete ? "complete\n" : "incomplete\n";
  for (const auto& p : r.properties) {
    out += p.name + " " + trace::status_name(p.status);
    if (p.has_trace)
      out += " trace " + std::to_string(p.trace.size()) + " faults " + std::to_string(p.faults);
    out += "\n";
  }
  return out;
}

#ifndef LOCKCHECK_RANDOM_SPECS
#define LOCKCHECK_RANDOM_SPECS 1000
#endif

TEST(PartialOrderRandomTest, SameVerdictsAsThePlainSearchOnRandomSpecs) {
  // Three fifths general specs, then narrow ones (processes that own their rows and keys).
  constexpr uint32_t kSpecs = LOCKCHECK_RANDOM_SPECS;
  int reduced_somewhere = 0, checked = 0;
  for (uint32_t seed = 1; seed <= kSpecs; ++seed) {
    std::string source =
        seed <= kSpecs * 3 / 5 ? SpecGenerator(seed).spec() : SpecGenerator(seed).narrow_spec();
    compile::CheckOptions plain;
    plain.symmetry = false;
    plain.por = false;
    plain.search.max_states = 200'000;
    compile::CheckOptions por = plain;
    por.por = true;
    compile::CheckOptions both = por;
    both.symmetry = true;
    trace::SpecResult a = compile::check_spec("random.lcs", source, plain);
    if (!a.error_text.empty() || !a.complete) continue;  // a generated spec the language refuses
    ++checked;
    trace::SpecResult b = compile::check_spec("random.lcs", source, por);
    trace::SpecResult c = compile::check_spec("random.lcs", source, both);
    EXPECT_EQ(verdicts(b), verdicts(a)) << "seed " << seed << "\n" << source;
    EXPECT_EQ(verdicts(c), verdicts(a)) << "seed " << seed << " (with symmetry)\n" << source;
    EXPECT_LE(b.stats.states, a.stats.states) << "seed " << seed;
    if (b.stats.states < a.stats.states) ++reduced_somewhere;
  }
  // The generator must keep producing specs the language accepts, and the reduction must fire.
  EXPECT_GE(checked, static_cast<int>(kSpecs * 9 / 10));
  EXPECT_GE(reduced_somewhere, static_cast<int>(kSpecs / 5));
}

}  // namespace
}  // namespace lockcheck
