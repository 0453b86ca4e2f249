// Every reduction is checked against the plain search on the whole spec library: symmetry
// reduction, partial-order reduction, both together, and a parallel search must give the same
// verdicts, trace lengths and fault counts (and, for threads, the very same traces) as one
// thread without reductions.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "checker/compile/check.h"

namespace lockcheck {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> library_specs() {
  std::vector<std::string> out;
  const fs::path root = LOCKCHECK_SOURCE_DIR;
  for (const char* folder : {"specs", "tests/golden"}) {
    std::error_code ec;
    for (fs::recursive_directory_iterator it(root / folder, ec), end; !ec && it != end;
         it.increment(ec))
      if (it->path().extension() == ".lcs")
        out.push_back(fs::relative(it->path(), root).generic_string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string read(const std::string& path) {
  std::ifstream in(fs::path(LOCKCHECK_SOURCE_DIR) / path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// What must not change under a reduction: per property, its status, trace length and faults.
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

// ... and the traces themselves; for liveness, the lasso's shape too (the liveness pass runs on
// one thread, so a parallel safety search must leave its lassos as they are).
std::string traces(const trace::SpecResult& r) {
  std::string out = verdicts(r);
  for (const auto& p : r.properties) {
    if (!p.trace_kind.empty())
      out += p.trace_kind + " loop_to " + std::to_string(p.loop_to) + " " + p.fairness + "\n";
    for (const auto& s : p.trace)
      out += s.actor + " " + s.text + " -> " + s.result + (s.cycle ? " (cycle)" : "") + "\n";
  }
  return out;
}

compile::CheckOptions options(bool symmetry, int threads, bool por = false) {
  compile::CheckOptions o;
  o.symmetry = symmetry;
  o.por = por;
  o.search.threads = threads;
  o.search.max_states = 2'000'000;
  return o;
}

class ReductionTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ReductionTest, SymmetryKeepsVerdictsAndTraceLengths) {
  std::string source = read(GetParam());
  trace::SpecResult plain = compile::check_spec(GetParam(), source, options(false, 1));
  trace::SpecResult reduced = compile::check_spec(GetParam(), source, options(true, 1));
  EXPECT_EQ(verdicts(reduced), verdicts(plain));
  EXPECT_LE(reduced.stats.states, plain.stats.states);
}

TEST_P(ReductionTest, PartialOrderKeepsVerdictsAndTraceLengths) {
  std::string source = read(GetParam());
  trace::SpecResult plain = compile::check_spec(GetParam(), source, options(false, 1));
  trace::SpecResult reduced = compile::check_spec(GetParam(), source, options(false, 1, true));
  EXPECT_EQ(verdicts(reduced), verdicts(plain));
  EXPECT_LE(reduced.stats.states, plain.stats.states);
}

TEST_P(ReductionTest, BothReductionsKeepVerdictsAndTraceLengths) {
  std::string source = read(GetParam());
  trace::SpecResult plain = compile::check_spec(GetParam(), source, options(false, 1));
  trace::SpecResult reduced = compile::check_spec(GetParam(), source, options(true, 1, true));
  EXPECT_EQ(verdicts(reduced), verdicts(plain));
  EXPECT_LE(reduced.stats.states, plain.stats.states);
}

TEST_P(ReductionTest, ThreadsKeepTheSameTraces) {
  std::string source = read(GetParam());
  trace::SpecResult one = compile::check_spec(GetParam(), source, options(true, 1, true));
  trace::SpecResult two = compile::check_spec(GetParam(), source, options(true, 2, true));
  EXPECT_EQ(traces(two), traces(one));
  EXPECT_EQ(two.stats.states, one.stats.states);
  EXPECT_EQ(two.stats.transitions, one.stats.transitions);
}

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string name;
  for (char c : info.param) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(Library, ReductionTest, ::testing::ValuesIn(library_specs()), test_name);

TEST(SymmetryTest, InterchangeableClientsShrinkTheStateSpaceByAboutNFactorial) {
  std::string source = read("bench/specs/optimistic_retry.lcs");
  compile::CheckOptions plain = options(false, 1), reduced = options(true, 1);
  plain.consts = reduced.consts = {{"BUYERS", 4}};
  auto a = compile::check_spec("bench/specs/optimistic_retry.lcs", source, plain);
  auto b = compile::check_spec("bench/specs/optimistic_retry.lcs", source, reduced);
  ASSERT_TRUE(a.complete && b.complete);
  // 5220 and 246 before dead locals were reset: a done buyer's a, v and tries are reset, so
  // fewer states are left for symmetry to merge. 4! = 24 for states with no two buyers alike.
  EXPECT_EQ(a.stats.states, 1165u);
  EXPECT_EQ(b.stats.states, 108u);  // 10.8x fewer
}

TEST(PartialOrderTest, StatementsOnTheirOwnRowsAndKeysAreNotInterleaved) {
  // Measured: the reduced graph keeps one order of the independent steps.
  struct Case {
    const char* path;
    uint64_t plain, reduced;
  };
  for (Case c : {Case{"tests/golden/por/own_rows.lcs", 16, 8},
                 Case{"tests/golden/por/own_keys.lcs", 64, 14}}) {
    std::string source = read(c.path);
    auto a = compile::check_spec(c.path, source, options(false, 1));
    auto b = compile::check_spec(c.path, source, options(false, 1, true));
    ASSERT_TRUE(a.complete && b.complete) << c.path;
    EXPECT_TRUE(a.as_expected && b.as_expected) << c.path;
    EXPECT_EQ(a.stats.states, c.plain) << c.path;
    EXPECT_EQ(b.stats.states, c.reduced) << c.path;
  }
}

TEST(PartialOrderTest, AViolationIsReportedWithTheShortestTrace) {
  // The reduced search finds the lost update; the trace comes from the search without it.
  const char* path = "tests/golden/por/own_rows_race.lcs";
  auto a = compile::check_spec(path, read(path), options(false, 1));
  auto b = compile::check_spec(path, read(path), options(false, 1, true));
  ASSERT_EQ(b.properties.size(), a.properties.size());
  EXPECT_EQ(b.properties[0].status, trace::Status::violated);
  EXPECT_EQ(b.properties[0].trace.size(), 8u);
  EXPECT_EQ(traces(b), traces(a));
}

TEST(SymmetryTest, ATableOfProcessIdsKeepsItWhenNoStatementDependsOnRowOrder) {
  // reservations (who pid primary key): every statement pins the row with `who = $self` or
  // counts; renaming the clients only renames their rows.
  std::string source = read("bench/specs/reservation.lcs");
  compile::CheckOptions plain = options(false, 1), reduced = options(true, 1);
  plain.consts = reduced.consts = {{"CLIENTS", 3}};
  auto a = compile::check_spec("bench/specs/reservation.lcs", source, plain);
  auto b = compile::check_spec("bench/specs/reservation.lcs", source, reduced);
  ASSERT_TRUE(a.complete && b.complete);
  EXPECT_TRUE(b.notes.empty());
  EXPECT_EQ(a.stats.states, 102215u);
  EXPECT_EQ(b.stats.states, 18529u);  // 5.5x; 3! = 6
}

TEST(SymmetryTest, ATableOfProcessIdsReadInRowOrderTurnsItOffWithANote) {
  auto notes = [](const char* path) {
    return compile::check_spec(path, read(path), options(true, 1)).notes;
  };
  EXPECT_EQ(notes("tests/golden/semantics/skip_locked_queue.lcs"),
            std::vector<std::string>{"symmetry off for 'worker': table 'jobs' stores process ids "
                                     "and line 9 uses ORDER BY"});
  EXPECT_EQ(notes("specs/booking/empty_for_update.lcs"),
            std::vector<std::string>{
                "symmetry off for 'user': table 'bookings' stores process ids and line 11 uses a "
                "statement that may read several rows into variables"});
}

TEST(SymmetryTest, NamingAMemberTurnsItOffWithANote) {
  std::string source = read("specs/payments/transfer_deadlock_retry.lcs");
  auto r = compile::check_spec("x.lcs", source, options(true, 1));
  ASSERT_FALSE(r.notes.empty());
  EXPECT_EQ(r.notes[0], "symmetry off for 'transfer': the spec names one of its members");
}

TEST(SymmetryTest, ProcessIdsInTextTurnItOff) {
  std::string source = R"(
    redis cache;
    process w[1..3] {
      var ok = false;
      ok = cache: SET owner:$self 1 NX;
    }
    invariant fine: true;
  )";
  auto r = compile::check_spec("x.lcs", source, options(true, 1));
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_EQ(r.notes[0], "symmetry off: a process id is turned into text (as in 'lock:$self')");
  EXPECT_EQ(r.stats.states, 8u);
}

}  // namespace
}  // namespace lockcheck
