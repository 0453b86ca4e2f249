// The lockcheck binary under limits and signals, and with paths that are not specs: each run must
// end promptly with the documented exit status and a clear message, never "holds" for a search
// that did not finish. Part of golden_tests (the hardening block of CMakeLists.txt); see
// docs/hardening.md.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <tuple>
#include <vector>

#include "tests/hardening/run_binary.h"

namespace lockcheck::hardening {
namespace {

namespace fs = std::filesystem;

// A search that takes far longer than any test (optimistic retries, 9 buyers without symmetry
// reduction: 7 buyers are 8 million states in 2 minutes of an optimised build, still growing),
// so that every limit and signal below lands while it runs, on any machine and in any build.
const std::string kBigSpec =
    std::string(LOCKCHECK_SOURCE_DIR) + "/bench/specs/optimistic_retry.lcs";
const std::vector<std::string> kBig = {kBigSpec,        "--const",   "BUYERS=9",
                                       "--no-symmetry", "--threads", "1"};

std::vector<std::string> check(std::vector<std::string> extra) {
  std::vector<std::string> args = {"check"};
  args.insert(args.end(), kBig.begin(), kBig.end());
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

// What every stopped run must show: exit 3, INCOMPLETE with the reason, and no HOLDS anywhere.
void expect_incomplete(const ChildRun& run, const std::string& reason) {
  EXPECT_EQ(run.exit_code, 3) << run.describe();
  EXPECT_NE(run.out.find("INCOMPLETE (" + reason), std::string::npos) << run.describe();
  EXPECT_EQ(run.out.find("HOLDS"), std::string::npos) << run.describe();
  EXPECT_EQ(run.out.find("holds"), std::string::npos) << run.describe();
}

TEST(Limits, MaxStatesStopsWithExit3) {
  ChildRun run = run_binary(check({"--max-states", "5000"}));
  expect_incomplete(run, "state limit");
  EXPECT_NE(run.out.find("5,000 states"), std::string::npos) << run.describe();
  EXPECT_LT(run.seconds, 120) << run.describe();
}

TEST(Limits, MaxSecondsStopsPromptly) {
  ChildRun run = run_binary(check({"--max-seconds", "1"}));
  expect_incomplete(run, "time limit");
  // One second of search, plus start-up and the report; generous for sanitizer builds on a
  // loaded machine, yet far below the minutes the whole search takes.
  EXPECT_LT(run.seconds, 15) << run.describe();
}

TEST(Limits, MaxMemoryStopsWithExit3) {
  ChildRun run = run_binary(check({"--max-memory", "8M"}));
  expect_incomplete(run, "memory limit (8.0 MiB) reached");
  EXPECT_LT(run.seconds, 120) << run.describe();
#if !LOCKCHECK_SANITIZED
  // The limit counts the engine's own structures; the process also holds the program, the
  // interpreter's scratch states and the allocator's slack. Measured: 10.7 MiB at 8M, 20 MiB at
  // 16M, 1.0x-1.3x the limit at 256M and more (docs/hardening.md); since the binary links libpq
  // and hiredis (replays on real servers), their shared libraries add about 7 MiB of resident
  // pages at start-up (18.2 MiB at 8M).
  EXPECT_LT(run.max_rss_bytes, 24ull << 20) << run.describe();
#endif
}

TEST(Limits, JsonOfAStoppedSearchSaysIncomplete) {
  ChildRun run = run_binary(check({"--max-states", "2000", "--json", "-"}));
  EXPECT_EQ(run.exit_code, 3) << run.describe();
  nlohmann::json j = nlohmann::json::parse(run.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << run.describe();
  const auto& spec = j["specs"][0];
  EXPECT_EQ(spec["complete"], false);
  EXPECT_EQ(spec["as_expected"], false);
  // A reachable property that was reached holds whatever the search did next; nothing else
  // may hold after a search that did not finish.
  for (const auto& p : spec["properties"]) {
    if (p["kind"] != "reachable") {
      EXPECT_NE(p["status"], "holds") << p.dump();
    }
  }
}

// (signal, threads)
class Signals : public ::testing::TestWithParam<std::tuple<int, int>> {};

TEST_P(Signals, StopCleanlyWithPartialResults) {
  const auto [signal, threads] = GetParam();
  RunOptions options;
  options.signal = signal;
  options.signal_after_seconds = 1.5;
  std::string json_path = (fs::temp_directory_path() /
                           ("lockcheck_hardening_" + std::to_string(getpid()) + "_" +
                            std::to_string(signal) + "_" + std::to_string(threads) + ".json"))
                              .string();
  fs::remove(json_path);
  std::vector<std::string> args = {"check",
                                   kBigSpec,
                                   "--const",
                                   "BUYERS=9",
                                   "--no-symmetry",
                                   "--threads",
                                   std::to_string(threads),
                                   "--json",
                                   json_path};
  ChildRun run = run_binary(args, options);
  expect_incomplete(run, "interrupted");
  EXPECT_NE(run.err.find("lockcheck: interrupted; the reports show what was checked before"),
            std::string::npos)
      << run.describe();
  // Stop latency: from the signal to the exit, report written. Measured: well under 0.1 s.
  EXPECT_LT(run.seconds_after_signal, 5) << run.describe();
  // The partial results: states counted, and the JSON report written with complete = false.
  EXPECT_EQ(run.out.find(" 0 states"), std::string::npos) << run.describe();
  std::ifstream in(json_path);
  nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << "no JSON report at " << json_path;
  EXPECT_EQ(j["specs"][0]["complete"], false);
  EXPECT_GT(j["specs"][0]["stats"]["states"].get<uint64_t>(), 0u);
  fs::remove(json_path);
}

INSTANTIATE_TEST_SUITE_P(IntAndTerm, Signals,
                         ::testing::Combine(::testing::Values(SIGINT, SIGTERM),
                                            ::testing::Values(1, 2)),
                         [](const ::testing::TestParamInfo<std::tuple<int, int>>& info) {
                           return std::string(std::get<0>(info.param) == SIGINT ? "SIGINT"
                                                                                : "SIGTERM") +
                                  "_" + std::to_string(std::get<1>(info.param)) + "threads";
                         });

// ---- paths that are not specs -------------------------------------------------------------------

class TempFolder {
 public:
  TempFolder() {
    static int counter = 0;
    path_ = fs::temp_directory_path() /
            ("lockcheck_hardening_" + std::to_string(getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempFolder() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string path(const std::string& relative = "") const {
    return relative.empty() ? path_.string() : (path_ / relative).string();
  }
  std::string write(const std::string& relative, const std::string& text) const {
    fs::path p = path_ / relative;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }

 private:
  fs::path path_;
};

TEST(Paths, FolderWithoutSpecsIsExit2) {
  TempFolder dir;
  dir.write("notes.txt", "not a spec");
  dir.write("sub/readme.md", "nor this");
  ChildRun run = run_binary({"check", dir.path()});
  EXPECT_EQ(run.exit_code, 2) << run.describe();
  EXPECT_EQ(run.err, "lockcheck: no .lcs files under '" + dir.path() + "'\n") << run.describe();
  EXPECT_EQ(run.out, "");
}

TEST(Paths, MissingFileIsExit2) {
  TempFolder dir;
  ChildRun run = run_binary({"check", dir.path("missing.lcs")});
  EXPECT_EQ(run.exit_code, 2) << run.describe();
  EXPECT_EQ(run.err,
            "lockcheck: cannot read '" + dir.path("missing.lcs") + "': No such file or directory\n")
      << run.describe();
}

TEST(Paths, EmptyFileIsNothingToCheck) {
  // No processes: no step can run, so an empty file is a spec error, never a spec that "holds".
  TempFolder dir;
  ChildRun run = run_binary({"check", dir.write("empty.lcs", "")});
  EXPECT_EQ(run.exit_code, 2) << run.describe();
  EXPECT_EQ(run.out, dir.path("empty.lcs") + ": ERROR\n") << run.describe();
  EXPECT_NE(run.err.find("empty.lcs:1:1: error: nothing to check"), std::string::npos)
      << run.describe();
}

TEST(Paths, JsonSpecErrorsCarryTheirPlace) {
  TempFolder dir;
  std::string bad = dir.write("bad.lcs", "ghost sold = 0;\nprocess p {\n  sodl = 1;\n}\n");
  ChildRun run = run_binary({"check", "--json", "-", bad});
  EXPECT_EQ(run.exit_code, 2) << run.describe();
  nlohmann::json j = nlohmann::json::parse(run.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << run.describe();
  const nlohmann::json& spec = j["specs"][0];
  EXPECT_EQ(spec["outcome"], "error");
  ASSERT_EQ(spec["errors"].size(), 1u) << spec.dump(2);
  EXPECT_EQ(spec["errors"][0]["file"], bad);
  EXPECT_EQ(spec["errors"][0]["line"], 3);
  EXPECT_EQ(spec["errors"][0]["column"], 3);
  EXPECT_NE(spec["errors"][0]["message"].get<std::string>().find("sodl"), std::string::npos)
      << spec.dump(2);
  EXPECT_NE(spec["error"].get<std::string>().find(bad + ":3:3: error: "), std::string::npos);
}

TEST(Paths, BinaryFileIsAShortErrorList) {
  TempFolder dir;
  std::string bytes;
  for (int i = 0; i < 200000; ++i) bytes += static_cast<char>((i * 7919) & 0xff);
  ChildRun run = run_binary({"check", dir.write("binary.lcs", bytes)});
  EXPECT_EQ(run.exit_code, 2) << run.describe();
  EXPECT_NE(run.err.find("binary.lcs:1:"), std::string::npos) << run.describe();
  EXPECT_NE(run.err.find("too many errors; stopping here"), std::string::npos) << run.describe();
  EXPECT_LT(run.err.size(), 64u << 10) << "the error list is " << run.err.size() << " bytes";
}

TEST(Paths, DeepNestingIsAnErrorThroughTheBinary) {
  TempFolder dir;
  std::string src = "process p {\n";
  for (int i = 0; i < 10000; ++i) src += "if true { ";
  for (int i = 0; i < 10000; ++i) src += "}";
  src += "\n}\n";
  ChildRun run = run_binary({"check", dir.write("deep.lcs", src)});
  EXPECT_EQ(run.exit_code, 2) << run.describe();
  EXPECT_NE(run.err.find("deep.lcs:2:"), std::string::npos) << run.describe();
  EXPECT_NE(run.err.find("error: nesting is too deep (more than 200 levels)"), std::string::npos)
      << run.describe();
  // The source line under the error is cut, not 200,000 characters long.
  EXPECT_LT(run.err.size(), 4u << 10) << "the error text is " << run.err.size() << " bytes";
}

TEST(Paths, HugeConstantOverrideIsExit2) {
  TempFolder dir;
  std::string spec = dir.write("c.lcs", "const N = 1;\nvar x = N;\nprocess p { x = x * N; }\n");
  for (const char* value : {"N=9223372036854775807", "N=-9223372036854775808", "N=2147483648"}) {
    ChildRun run = run_binary({"check", spec, "--const", value});
    EXPECT_EQ(run.exit_code, 2) << value << "\n" << run.describe();
    EXPECT_NE(run.err.find(std::string("error: --const ") + value +
                           ": out of range (an int is -2147483648 to 2147483647)"),
              std::string::npos)
        << run.describe();
  }
  ChildRun too_long = run_binary({"check", spec, "--const", "N=99999999999999999999999"});
  EXPECT_EQ(too_long.exit_code, 2) << too_long.describe();
  EXPECT_NE(too_long.err.find("--const expects NAME=VALUE with an integer VALUE"),
            std::string::npos)
      << too_long.describe();
}

}  // namespace
}  // namespace lockcheck::hardening
