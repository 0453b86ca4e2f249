#include "checker/cli/replay_command.h"

#include <gtest/gtest.h>

#include <fstream>
#include <initializer_list>
#include <sstream>
#include <string>
#include <vector>

#include "checker/cli/cli.h"
#include "checker/cli/test_files.h"

namespace lockcheck::cli {
namespace {

using testing::TempDir;

constexpr const char* kLease = "specs/locks/redis_lease_lost_update.lcs";

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// Runs the whole command line with the real checker, from the repository's root.
class ReplayTest : public ::testing::Test {
 protected:
  ReplayTest() {
    env_.check = compile::check_spec;
    env_.write_html = [](const std::vector<trace::SpecResult>&, const std::string&, std::string&) {
      return true;
    };
  }

  int run_cli(std::initializer_list<std::string> args) {
    std::vector<std::string> words = {"lockcheck"};
    words.insert(words.end(), args.begin(), args.end());
    std::vector<const char*> argv;
    for (const std::string& w : words) argv.push_back(w.c_str());
    out_.str("");
    err_.str("");
    return run(static_cast<int>(argv.size()), argv.data(), out_, err_, env_);
  }

  // `lockcheck check --json` of `specs`, written to the temporary folder.
  std::string report(std::initializer_list<std::string> specs, const std::string& name) {
    std::string json = dir_.path(name);
    std::vector<std::string> words = {"lockcheck", "check", "--quiet", "--json", json};
    words.insert(words.end(), specs.begin(), specs.end());
    std::vector<const char*> argv;
    for (const std::string& w : words) argv.push_back(w.c_str());
    std::ostringstream out, err;
    EXPECT_EQ(run(static_cast<int>(argv.size()), argv.data(), out, err, env_), 0) << err.str();
    return json;
  }

  std::string out() const { return out_.str(); }
  std::string err() const { return err_.str(); }

  TempDir dir_;
  Environment env_;
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(ReplayTest, ReplaysTheLostUpdateInSevenSteps) {
  std::string json = report({kLease}, "lease.json");
  EXPECT_EQ(run_cli({"replay", kLease, json}), 0) << err();
  EXPECT_EQ(err(), "");
  EXPECT_TRUE(out().starts_with(std::string(kLease) + ": replaying the trace of counted from " +
                                json + " (7 steps)\n\ninitial state\n"))
      << out();
  EXPECT_EQ(count(out(), "\nstep "), 7u) << out();
  EXPECT_NE(out().find("\nstep 3  clock  tick   → now = 1\n"
                       "  changed  cache['lock:1']: worker[1] → (none), "
                       "cache['lock:1'].expires: 1 → (none),\n"
                       "           clock: 0 → 1\n"
                       "  clock    1\n"
                       "  ghosts   increments = 0\n"
                       "  table counters\n"
                       "    id  n\n"
                       "    1   0\n"
                       "  redis cache  (no keys)\n"
                       "  worker[1]  running, at line 19: UPDATE counters SET n = $a + 1 WHERE "
                       "id = 1\n"
                       "             ok = true, a = 0, found = true, row_count = 1, "
                       "sql_error = ''\n"),
            std::string::npos)
      << out();
  EXPECT_TRUE(out().ends_with(
      "\nend  counted: (SELECT n FROM counters WHERE id = 1) == increments   is false: (SELECT n "
      "FROM counters WHERE id = 1) = 1, increments = 2\n"
      "counted is violated at the end of the trace, as recorded.\n"))
      << out();
}

TEST_F(ReplayTest, AWaitingStatementShowsTheRowItWaitsForAndItsHolder) {
  const std::string spec = "specs/read_committed/website_hits_delete.lcs";
  std::string json = report({spec}, "hits.json");
  EXPECT_EQ(run_cli({"replay", spec, json}), 0) << err();
  EXPECT_NE(out().find("  purge    blocked, at line 19: DELETE FROM website WHERE hits = 10 "
                       "(waits for website[id=2] held by counter)   (transaction autocommit)\n"),
            std::string::npos)
      << out();
}

TEST_F(ReplayTest, AMovedStatementIsAnErrorNamingTheStep) {
  std::string json = report({kLease}, "lease.json");
  std::string source = read(kLease);
  source.replace(source.find("  if ok {\n"), 0, "  // one line down\n");
  std::string moved = dir_.write("moved.lcs", source);
  EXPECT_EQ(run_cli({"replay", moved, json}), 2);
  EXPECT_EQ(err(), json +
                       ": step 2: worker[1] cannot run line 18 here: it is at line 19 (SELECT n "
                       "INTO a FROM counters WHERE id = 1)\n");
  // The steps that did replay are shown, up to the one that did not.
  EXPECT_EQ(count(out(), "\nstep "), 1u) << out();
  EXPECT_NE(out().find("  (the report recorded it for " + std::string(kLease) + ")\n"),
            std::string::npos);
}

TEST_F(ReplayTest, PicksTheSpecAndThePropertyInAReportOfSeveral) {
  std::string json = report(
      {"specs/payments/transfer_deadlock.lcs", kLease, "specs/booking/select_for_update_2.lcs"},
      "all.json");
  EXPECT_EQ(run_cli({"replay", "specs/payments/transfer_deadlock.lcs", json}), 0) << err();
  EXPECT_EQ(count(out(), "\nstep "), 4u);  // both first UPDATEs, then both waiting ones
  EXPECT_TRUE(out().ends_with("deadlock is violated at the end of the trace, as recorded.\n"));

  EXPECT_EQ(run_cli({"replay", "specs/booking/select_for_update_2.lcs", json}), 2);
  EXPECT_EQ(err(), json +
                       ": no property of specs/booking/select_for_update_2.lcs has a trace "
                       "(nothing was violated)\n");
  EXPECT_EQ(run_cli({"replay", kLease, json, "--property", "both_incremented"}), 2);
  EXPECT_EQ(err(),
            json + ": both_incremented of " + kLease + " has no trace (its status is holds)\n");
  EXPECT_EQ(run_cli({"replay", kLease, json, "--property", "count"}), 2);
  EXPECT_EQ(err(), json + ": " + kLease +
                       " has no property named 'count' (it has counted, both_incremented, "
                       "deadlock, model_error)\n");
  EXPECT_EQ(run_cli({"replay", "specs/booking/naive_autocommit.lcs", json}), 2);
  EXPECT_EQ(err(), json +
                       ": the report has no spec checked from specs/booking/naive_autocommit.lcs "
                       "(it has specs/payments/transfer_deadlock.lcs, " +
                       kLease + ", specs/booking/select_for_update_2.lcs)\n");
}

TEST_F(ReplayTest, ConstantsAreGivenAsToCheck) {
  std::string spec = dir_.write("c.lcs",
                                "const N = 1;\n"
                                "ghost x = 0;\n"
                                "var v = 0;\n"
                                "process p[1..2] {\n"
                                "  v = v + 1;\n"
                                "  x = x + 1;\n"
                                "}\n"
                                "invariant small: x <= N;\n"
                                "expect violated small;\n");
  std::string json = dir_.path("c.json");
  std::ostringstream o, e;
  const char* argv[] = {"lockcheck", "check",  "--quiet",    "--const",
                        "N=1",       "--json", json.c_str(), spec.c_str()};
  ASSERT_EQ(run(8, argv, o, e, env_), 0) << e.str();
  EXPECT_EQ(run_cli({"replay", spec, json}), 0) << err();
  EXPECT_TRUE(out().ends_with("small is violated at the end of the trace, as recorded.\n"));
  EXPECT_EQ(run_cli({"replay", spec, json, "--const", "N=2"}), 0) << err();
  EXPECT_TRUE(out().ends_with("small is not violated at the end of the trace; " + json +
                              " recorded it violated.\n"))
      << out();
  EXPECT_EQ(run_cli({"replay", spec, json, "--const", "N"}), 2);
  EXPECT_EQ(err(), "lockcheck: --const expects NAME=VALUE with an integer VALUE, not 'N'\n");
}

TEST_F(ReplayTest, FilesThatCannotBeRead) {
  std::string json = report({kLease}, "lease.json");
  EXPECT_EQ(run_cli({"replay", dir_.path("none.lcs"), json}), 2);
  EXPECT_EQ(err(),
            "lockcheck: cannot read '" + dir_.path("none.lcs") + "': No such file or directory\n");
  std::string bad = dir_.write("bad.json", "{\"specs\": 3}");
  EXPECT_EQ(run_cli({"replay", kLease, bad}), 2);
  EXPECT_EQ(err(), bad + ": not a JSON report of 'lockcheck check --json'\n");
  std::string broken = dir_.write("broken.lcs", "process p { x = ; }\n");
  EXPECT_EQ(run_cli({"replay", broken, json}), 2);
  EXPECT_TRUE(err().starts_with(broken + ":1:")) << err();
  EXPECT_EQ(run_cli({"replay", kLease}), 2);
  EXPECT_EQ(err(), "lockcheck: TRACE is required\nRun 'lockcheck --help' for more information.\n");
}

}  // namespace
}  // namespace lockcheck::cli

namespace lockcheck::cli {
namespace {

// Replays on real servers are tested against a private PostgreSQL and Redis in
// tests/conformance/; here only what needs no server: the usage errors and exit status 3.
TEST_F(ReplayTest, OnServersAnUnreachableServerIsExitThreeAndAMissingOneIsUsage) {
  std::string json = report({kLease}, "servers.json");
  EXPECT_EQ(run_cli({"replay", kLease, json, "--postgres", "host=/nonexistent-lockcheck dbname=x",
                     "--redis", "unix:///nonexistent-lockcheck/redis.sock"}),
            3);
  EXPECT_NE(err_.str().find("cannot connect to PostgreSQL"), std::string::npos) << err_.str();
  // The spec has a database and Redis: both servers are needed.
  EXPECT_EQ(run_cli({"replay", kLease, json, "--redis", "unix:///nonexistent/redis.sock"}), 2);
  EXPECT_NE(err_.str().find("the spec has a database: give --postgres CONNINFO"), std::string::npos)
      << err_.str();
}

}  // namespace
}  // namespace lockcheck::cli
