// Fixed schedules run on PostgreSQL and checked against the model: the four schedules,
// the hermitage suite's PostgreSQL schedules at READ COMMITTED, and the divergences the random
// tests found (shrunk), each a spec in tests/conformance/schedules/ with a `// schedule:` line.
// A schedule listed in known_divergences.txt must still diverge; every other must be a path of
// the model with the server's outcomes.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/conformance/conformance_support.h"

namespace lockcheck::conformance {
namespace {

TEST(Schedules, EachIsAPathOfTheModelOrAKnownDivergence) {
  const std::string pg = postgres_conninfo();
  ASSERT_FALSE(pg.empty()) << servers_missing_message();
  const auto known = known_divergences();
  std::vector<std::string> files;
  for (const auto& e :
       std::filesystem::directory_iterator(source_dir() + "/tests/conformance/schedules"))
    if (e.path().extension() == ".lcs") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 4u);
  for (const std::string& file : files) {
    const std::string name = "schedules/" + std::filesystem::path(file).filename().string();
    SCOPED_TRACE(name);
    std::string source = read_text(file);
    LoadedSpec loaded = load_spec(file, source);
    ASSERT_TRUE(loaded.spec) << loaded.error;
    std::string error;
    auto actions = schedule_of(source, *loaded.spec, error);
    ASSERT_TRUE(actions) << error;
    oracle::ScheduleOptions options;
    options.server.conninfo = pg;
    oracle::ScheduleOutcome r = oracle::run_schedule(*loaded.spec, *actions, options);
    ASSERT_TRUE(r.error.empty()) << describe(r);
    // Every action of the schedule ran (none was skipped as impossible).
    EXPECT_EQ(r.performed.size(), r.diverged ? r.performed.size() : actions->size()) << describe(r);
    auto k = known.find(name);
    if (k != known.end()) {
      EXPECT_TRUE(r.diverged) << name << " is listed as a known divergence (" << k->second
                              << ") but now is a path of the model: take it off the list\n"
                              << describe(r);
    } else {
      EXPECT_FALSE(r.diverged) << describe(r);
    }
    std::cout << name << (r.diverged ? ": diverges (known)\n" : ": a path of the model\n")
              << describe(r);
  }
}

}  // namespace
}  // namespace lockcheck::conformance
