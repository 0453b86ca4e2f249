#include "checker/cli/cli.h"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "checker/cli/test_files.h"
#include "checker/cli/version.h"

namespace lockcheck::cli {
namespace {

using testing::TempDir;

// A checker that reads its verdict from the spec's text: "holds", "violated", "limit", "error",
// "throw", "progress". It records how it was called.
struct FakeChecker {
  struct Call {
    std::string path;
    std::string source;
    compile::CheckOptions options;
  };
  std::vector<Call> calls;

  trace::SpecResult operator()(const std::string& path, const std::string& source,
                               const compile::CheckOptions& options) {
    calls.push_back({path, source, options});
    trace::SpecResult r;
    for (const auto& [name, value] : options.consts) {
      if (source.find("const " + name) != std::string::npos) {
        r.consts_applied.push_back(name);
      } else if (!options.skip_undeclared_consts) {
        r.error_text = path + ":0:0: error: --const " + name + ": the spec declares no constant\n";
        return r;
      }
    }
    r.file = path;
    r.spec = "fake";
    r.complete = true;
    r.as_expected = true;
    r.stats.states = 1234;
    r.stats.depth = 3;
    trace::PropertyResult p;
    p.name = "inv";
    p.text = "x <= 1";
    p.status = trace::Status::holds;
    if (source.find("violated") != std::string::npos) {
      p.status = trace::Status::violated;
      p.as_expected = false;
      p.explanation = "is false: x = 2";
      r.as_expected = false;
    }
    if (source.find("expected-violation") != std::string::npos) {
      p.status = trace::Status::violated;
      p.expected = trace::Status::violated;
      p.explanation = "is false: x = 2";
      p.has_trace = true;
      trace::TraceStep step;
      step.step = 1;
      step.actor = "user[1]";
      step.text = "x = 2";
      if (source.find("terminal-trace") != std::string::npos) {
        step.text = "SELECT x INTO a FROM t WHERE id = 1";
        step.result = "a = 1";
        step.changes = {
            {"user[1].a", "0", "1"}, {"user[1].found", "false", "true"}, {"x", "1", "2"}};
      }
      p.trace.push_back(step);
    }
    if (source.find("limit") != std::string::npos) {
      p.status = trace::Status::unknown;
      r.complete = false;
      r.as_expected = false;
      r.incomplete_reason = "state limit (10 states)";
    }
    if (source.find("error") != std::string::npos) {
      r.as_expected = false;
      r.complete = false;
      r.error_text = path + ":1:1: error: boom\n  error\n  ^\n";
      return r;
    }
    if (source.find("throw") != std::string::npos) throw std::runtime_error("kaboom");
    if (source.find("progress") != std::string::npos && options.search.progress) {
      engine::Progress progress;
      progress.states = 5;
      progress.seconds = 1;
      options.search.progress(progress);
      progress.states = 6;
      progress.seconds = 1.01;  // too soon to redraw
      options.search.progress(progress);
      progress.states = 10;
      progress.seconds = 2;
      options.search.progress(progress);
    }
    r.properties.push_back(p);
    return r;
  }
};

class CliTest : public ::testing::Test {
 protected:
  CliTest() {
    env_.check = [this](const std::string& path, const std::string& source,
                        const compile::CheckOptions& options) {
      return checker_(path, source, options);
    };
    env_.write_html = [this](const std::vector<trace::SpecResult>& results, const std::string& path,
                             std::string& error) {
      html_calls_.push_back({path, results.size()});
      if (path.find("unwritable") != std::string::npos) {
        error = "cannot write '" + path + "': Permission denied";
        return false;
      }
      return true;
    };
    env_.hardware_threads = 6;
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

  std::string out() const { return out_.str(); }
  std::string err() const { return err_.str(); }

  TempDir dir_;
  FakeChecker checker_;
  std::vector<std::pair<std::string, size_t>> html_calls_;
  Environment env_;
  std::ostringstream out_;
  std::ostringstream err_;
};

// ---- Commands and usage errors ----

TEST_F(CliTest, Version) {
  EXPECT_EQ(run_cli({"--version"}), 0);
  EXPECT_EQ(out(), std::string("lockcheck ") + kVersion + "\n");
  EXPECT_EQ(err(), "");
}

TEST_F(CliTest, VersionMatchesTheBuild) {
  std::ifstream cmake(std::string(LOCKCHECK_SOURCE_DIR) + "/CMakeLists.txt");
  std::string text((std::istreambuf_iterator<char>(cmake)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find(std::string("project(lockcheck VERSION ") + kVersion + " "),
            std::string::npos);
}

TEST_F(CliTest, HelpGoesToStdoutAndSucceeds) {
  EXPECT_EQ(run_cli({"--help"}), 0);
  EXPECT_NE(out().find("check"), std::string::npos);
  EXPECT_EQ(run_cli({"check", "--help"}), 0);
  EXPECT_NE(out().find("--max-memory SIZE"), std::string::npos) << out();
  EXPECT_NE(out().find("--const NAME=VALUE"), std::string::npos) << out();
  EXPECT_TRUE(checker_.calls.empty());
}

TEST_F(CliTest, NoCommand) {
  EXPECT_EQ(run_cli({}), 2);
  EXPECT_EQ(err(),
            "lockcheck: A subcommand is required\n"
            "Run 'lockcheck --help' for more information.\n");
}

TEST_F(CliTest, UnknownCommand) {
  EXPECT_EQ(run_cli({"frobnicate", "x"}), 2);
  EXPECT_EQ(err(),
            "lockcheck: unknown command 'frobnicate' (the commands are check, simulate, replay, "
            "new)\nRun 'lockcheck --help' for more information.\n");
}

TEST_F(CliTest, SimulateChecksItsNumbers) {
  EXPECT_EQ(run_cli({"simulate", "a.lcs", "--runs", "0"}), 2);
  EXPECT_EQ(err(),
            "lockcheck: --runs and --depth expect whole numbers above 0 (--depth at most "
            "1000000), --seed a whole number\n");
  EXPECT_EQ(out(), "");
}

TEST_F(CliTest, CheckNeedsAPath) {
  EXPECT_EQ(run_cli({"check"}), 2);
  EXPECT_EQ(err(), "lockcheck: PATH is required\nRun 'lockcheck --help' for more information.\n");
}

TEST_F(CliTest, UnknownOption) {
  std::string spec = dir_.write("a.lcs", "holds");
  EXPECT_EQ(run_cli({"check", "--frob", spec}), 2);
  EXPECT_TRUE(err().starts_with("lockcheck: ")) << err();
  EXPECT_NE(err().find("--frob"), std::string::npos) << err();
  EXPECT_TRUE(checker_.calls.empty());
}

TEST_F(CliTest, BadConsts) {
  std::string spec = dir_.write("a.lcs", "holds");
  for (const char* bad : {"N", "N=", "=3", "N=x", "N=1.5", "1N=2", "N=99999999999999999999"}) {
    EXPECT_EQ(run_cli({"check", "--const", bad, spec}), 2) << bad;
    EXPECT_EQ(err(), std::string("lockcheck: --const expects NAME=VALUE with an integer VALUE, "
                                 "not '") +
                         bad + "'\n");
  }
  EXPECT_EQ(run_cli({"check", "--const", "N=1", "--const", "N=2", spec}), 2);
  EXPECT_EQ(err(), "lockcheck: --const N is given twice\n");
  EXPECT_TRUE(checker_.calls.empty());
}

TEST_F(CliTest, BadLimitsAreAllReported) {
  std::string spec = dir_.write("a.lcs", "holds");
  EXPECT_EQ(run_cli({"check", "--threads", "0", "--max-states", "1e6", "--max-memory", "8X",
                     "--max-seconds", "soon", spec}),
            2);
  EXPECT_EQ(err(),
            "lockcheck: --threads expects a whole number from 1 to 4096, not '0'\n"
            "lockcheck: --max-states expects a whole number above 0, not '1e6'\n"
            "lockcheck: --max-memory expects a size such as 512M, 8G or 1000000, not '8X'\n"
            "lockcheck: --max-seconds expects a number of seconds above 0, not 'soon'\n");
  EXPECT_EQ(run_cli({"check", "--threads", "5000", "--max-states", "0", spec}), 2);
  EXPECT_EQ(err(),
            "lockcheck: --threads expects a whole number from 1 to 4096, not '5000'\n"
            "lockcheck: --max-states expects a whole number above 0, not '0'\n");
  EXPECT_TRUE(checker_.calls.empty());
}

TEST_F(CliTest, DashIsOnlyForJson) {
  std::string spec = dir_.write("a.lcs", "holds");
  EXPECT_EQ(run_cli({"check", "--junit", "-", "--html", "-", spec}), 2);
  EXPECT_EQ(err(),
            "lockcheck: --junit needs a file ('-' is only for --json)\n"
            "lockcheck: --html needs a file or a folder ('-' is only for --json)\n");
}

TEST_F(CliTest, MissingFileAndEmptyFolder) {
  std::string missing = dir_.path("nope.lcs");
  EXPECT_EQ(run_cli({"check", missing}), 2);
  EXPECT_EQ(err(), "lockcheck: cannot read '" + missing + "': No such file or directory\n");
  std::filesystem::create_directories(dir_.path("empty"));
  EXPECT_EQ(run_cli({"check", dir_.path("empty")}), 2);
  EXPECT_EQ(err(), "lockcheck: no .lcs files under '" + dir_.path("empty") + "'\n");
  EXPECT_TRUE(checker_.calls.empty());
}

// ---- Checking ----

TEST_F(CliTest, AsExpected) {
  std::string spec = dir_.write("a.lcs", "holds");
  EXPECT_EQ(run_cli({"check", spec}), 0);
  EXPECT_EQ(out(), spec + ": HOLDS   1,234 states, depth 3, 0.00 s\n");
  EXPECT_EQ(err(), "");
  ASSERT_EQ(checker_.calls.size(), 1u);
  EXPECT_EQ(checker_.calls[0].path, spec);
  EXPECT_EQ(checker_.calls[0].source, "holds");
}

TEST_F(CliTest, DefaultsReachTheChecker) {
  std::string spec = dir_.write("a.lcs", "holds");
  std::atomic<bool> stop{false};
  env_.stop = &stop;
  EXPECT_EQ(run_cli({"check", spec}), 0);
  ASSERT_EQ(checker_.calls.size(), 1u);
  const compile::CheckOptions& o = checker_.calls[0].options;
  EXPECT_TRUE(o.consts.empty());
  EXPECT_EQ(o.search.threads, 6);
  EXPECT_EQ(o.search.max_states, 0u);
  EXPECT_EQ(o.search.max_memory_bytes, 0u);
  EXPECT_EQ(o.search.max_seconds, 0.0);
  EXPECT_EQ(o.search.stop, &stop);
  EXPECT_FALSE(o.search.progress);
  EXPECT_FALSE(o.search.compress_states);
  EXPECT_TRUE(o.symmetry);
  EXPECT_TRUE(o.por);
}

TEST_F(CliTest, OptionsReachTheChecker) {
  std::string specs = dir_.path("specs");
  dir_.write("specs/a.lcs", "const SEATS const D holds");
  EXPECT_EQ(run_cli({"check", "--const", "SEATS=2", "--const", "D=-1", specs, "--threads", "3",
                     "--max-states", "1000", "--max-memory", "512M", "--max-seconds", "1.5",
                     "--no-symmetry", "--no-por", "--compress", "--quiet"}),
            0);
  ASSERT_EQ(checker_.calls.size(), 1u);
  const compile::CheckOptions& o = checker_.calls[0].options;
  using Const = std::pair<std::string, int64_t>;
  EXPECT_EQ(o.consts, (std::vector<Const>{{"SEATS", 2}, {"D", -1}}));
  EXPECT_EQ(o.search.threads, 3);
  EXPECT_EQ(o.search.max_states, 1000u);
  EXPECT_EQ(o.search.max_memory_bytes, 512u << 20);
  EXPECT_EQ(o.search.max_seconds, 1.5);
  EXPECT_TRUE(o.search.compress_states);
  EXPECT_FALSE(o.symmetry);
  EXPECT_FALSE(o.por);
}

TEST_F(CliTest, DefaultMemoryLimitIsAShareOfTheAvailableMemory) {
  std::string spec = dir_.write("p.lcs", "progress");
  env_.memory_available_bytes = uint64_t{10} << 30;
  env_.err_is_terminal = true;
  EXPECT_EQ(run_cli({"check", spec}), 0);
  EXPECT_EQ(checker_.calls.back().options.search.max_memory_bytes, uint64_t{8} << 30);
  EXPECT_EQ(err(), "\r" + spec + ": 5 states (5/s), depth 0, queue 0, 0 B of 8.0 GiB, 1 s\033[K" +
                       "\r" + spec +
                       ": 10 states (5/s), depth 0, queue 0, 0 B of 8.0 GiB, 2 s\033[K" +
                       "\r\033[K");
  EXPECT_EQ(run_cli({"check", "--quiet", "--max-memory", "1G", spec}), 0);
  EXPECT_EQ(checker_.calls.back().options.search.max_memory_bytes, uint64_t{1} << 30);
}

TEST_F(CliTest, FoldersAreCheckedInPathOrderWithASummary) {
  dir_.write("specs/b.lcs", "violated");
  dir_.write("specs/a.lcs", "holds");
  dir_.write("specs/sub/c.lcs", "holds");
  EXPECT_EQ(run_cli({"check", dir_.path("specs")}), 1);
  std::string a = dir_.path("specs/a.lcs"), b = dir_.path("specs/b.lcs"),
              c = dir_.path("specs/sub/c.lcs");
  EXPECT_EQ(out(), a + ": HOLDS   1,234 states, depth 3, 0.00 s\n" + b +
                       ": VIOLATED inv (NOT EXPECTED)   1,234 states, depth 3, 0.00 s\n"
                       "  inv: x <= 1   is false: x = 2\n" +
                       c + ": HOLDS   1,234 states, depth 3, 0.00 s\n" +
                       "3 specs: 2 as expected, 1 NOT as expected\n");
}

TEST_F(CliTest, FolderRunsPrintOnlyTheTracesOfSpecsNotAsExpected) {
  std::string a = dir_.write("specs/a.lcs", "expected-violation");
  std::string b = dir_.write("specs/b.lcs", "violated");
  std::string c = dir_.write("specs/c.lcs", "holds");
  std::string a_line = a + ": VIOLATED inv (expected)   1,234 states, depth 3, 0.00 s\n";
  std::string a_trace = "  1  user[1]  x = 2\n  inv: x <= 1   is false: x = 2\n";
  std::string rest = b +
                     ": VIOLATED inv (NOT EXPECTED)   1,234 states, depth 3, 0.00 s\n"
                     "  inv: x <= 1   is false: x = 2\n" +
                     c + ": HOLDS   1,234 states, depth 3, 0.00 s\n" +
                     "3 specs: 2 as expected, 1 NOT as expected\n";
  EXPECT_EQ(run_cli({"check", dir_.path("specs")}), 1);
  EXPECT_EQ(out(), a_line + rest);
  EXPECT_EQ(run_cli({"check", "--verbose", dir_.path("specs")}), 1);
  EXPECT_EQ(out(), a_line + a_trace + rest);
  // One spec: its trace is what the user asked for.
  EXPECT_EQ(run_cli({"check", a}), 0);
  EXPECT_EQ(out(), a_line + a_trace);
  // The summary closes every run over several specs, also when all are as expected.
  EXPECT_EQ(run_cli({"check", a, c}), 0);
  EXPECT_EQ(out(),
            a_line + c + ": HOLDS   1,234 states, depth 3, 0.00 s\n" + "2 specs: 2 as expected\n");
}

TEST_F(CliTest, TracesFitTheTerminalWithoutBuiltInsUnlessVerbose) {
  std::string a = dir_.write("a.lcs", "expected-violation terminal-trace");
  std::string verdict = a + ": VIOLATED inv (expected)   1,234 states, depth 3, 0.00 s\n";
  // A pipe: one line per step, every change, stores first.
  EXPECT_EQ(run_cli({"check", a}), 0);
  EXPECT_EQ(out(), verdict +
                       "  1  user[1]  SELECT x INTO a FROM t WHERE id = 1  a = 1  "
                       "x: 1 → 2, a: 0 → 1, found: false → true\n"
                       "  inv: x <= 1   is false: x = 2\n");
  // A terminal (the verdict line's width depends on the temporary folder's name).
  env_.out_columns = 70;
  EXPECT_EQ(run_cli({"check", a}), 0);
  EXPECT_TRUE(out().starts_with(a + ": VIOLATED inv (expected)\n  1,234 states")) << out();
  EXPECT_TRUE(
      out().ends_with("  1  user[1]  SELECT x INTO a FROM t WHERE id = 1  a = 1\n"
                      "                x: 1 → 2, a: 0 → 1\n"
                      "  inv: x <= 1   is false: x = 2\n"))
      << out();
  EXPECT_EQ(run_cli({"check", "--verbose", a}), 0);
  EXPECT_TRUE(
      out().ends_with("  1  user[1]  SELECT x INTO a FROM t WHERE id = 1  a = 1\n"
                      "                x: 1 → 2, a: 0 → 1, found: false → true\n"
                      "  inv: x <= 1   is false: x = 2\n"))
      << out();
}

TEST_F(CliTest, LintWarningsGoToStderrAndNeverChangeTheVerdict) {
  env_.lint = [](const std::string& path, const std::string& source) {
    return source.find("lint") != std::string::npos
               ? path + ":2:3: warning: FOR UPDATE outside a transaction\n  x\n  ^\n"
               : std::string();
  };
  std::string a = dir_.write("a.lcs", "holds lint");
  std::string b = dir_.write("b.lcs", "violated lint");
  std::string c = dir_.write("c.lcs", "holds");
  EXPECT_EQ(run_cli({"check", a}), 0);
  EXPECT_EQ(err(), a + ":2:3: warning: FOR UPDATE outside a transaction\n  x\n  ^\n");
  EXPECT_EQ(out(), a + ": HOLDS   1,234 states, depth 3, 0.00 s\n");
  EXPECT_EQ(run_cli({"check", "--no-lint", a}), 0);
  EXPECT_EQ(err(), "");
  EXPECT_EQ(out(), a + ": HOLDS   1,234 states, depth 3, 0.00 s\n");
  EXPECT_EQ(run_cli({"check", b, c}), 1);
  EXPECT_EQ(err(), b + ":2:3: warning: FOR UPDATE outside a transaction\n  x\n  ^\n");
  EXPECT_EQ(run_cli({"check", "--no-lint", b, c}), 1);
  EXPECT_EQ(err(), "");
  // simulate takes it too (and then stops at its own bad --runs).
  EXPECT_EQ(run_cli({"simulate", "--no-lint", "--runs", "0", a}), 2);
  EXPECT_TRUE(err().starts_with("lockcheck: --runs and --depth")) << err();
}

TEST_F(CliTest, ConstOnAFolderAppliesToTheSpecsThatDeclareIt) {
  std::string a = dir_.write("specs/a.lcs", "const BUYERS holds");
  std::string b = dir_.write("specs/b.lcs", "holds");
  EXPECT_EQ(run_cli({"check", "--const", "BUYERS=3", dir_.path("specs")}), 0);
  EXPECT_EQ(err(), "");
  ASSERT_EQ(checker_.calls.size(), 2u);
  EXPECT_TRUE(checker_.calls[0].options.skip_undeclared_consts);
  EXPECT_EQ(out(), a + ": HOLDS   1,234 states, depth 3, 0.00 s\n" + b +
                       ": HOLDS   1,234 states, depth 3, 0.00 s\n2 specs: 2 as expected\n");
  // A constant that no spec declares is a mistake (a typo, or the wrong folder).
  EXPECT_EQ(run_cli({"check", "--const", "BUYRES=3", dir_.path("specs")}), 2);
  EXPECT_EQ(err(),
            "lockcheck: --const BUYRES=3: none of the 2 specs declares a constant 'BUYRES'\n");
  // One spec: the spec's own error, which can suggest the name meant.
  checker_.calls.clear();
  EXPECT_EQ(run_cli({"check", "--const", "BUYERS=3", b}), 2);
  EXPECT_FALSE(checker_.calls[0].options.skip_undeclared_consts);
}

TEST_F(CliTest, ExitStatusPrecedence) {
  std::string holds = dir_.write("holds.lcs", "holds");
  std::string limit = dir_.write("limit.lcs", "limit");
  std::string violated = dir_.write("violated.lcs", "violated");
  std::string error = dir_.write("error.lcs", "error");
  EXPECT_EQ(run_cli({"check", holds}), 0);
  EXPECT_EQ(run_cli({"check", holds, limit}), 3);
  EXPECT_EQ(run_cli({"check", limit, violated}), 1);
  EXPECT_EQ(run_cli({"check", limit, violated, error, holds}), 2);
}

TEST_F(CliTest, IncompleteSearch) {
  std::string limit = dir_.write("limit.lcs", "limit");
  EXPECT_EQ(run_cli({"check", limit}), 3);
  EXPECT_EQ(out(), limit +
                       ": INCOMPLETE (state limit (10 states))   1,234 states, depth 3, "
                       "0.00 s\n");
}

TEST_F(CliTest, SpecErrorsGoToStderrEveryOneAndTheRestIsStillChecked) {
  std::string e1 = dir_.write("e1.lcs", "error");
  std::string ok = dir_.write("ok.lcs", "holds");
  std::string e2 = dir_.write("e2.lcs", "error");
  EXPECT_EQ(run_cli({"check", e1, ok, e2}), 2);
  EXPECT_EQ(err(),
            e1 + ":1:1: error: boom\n  error\n  ^\n" + e2 + ":1:1: error: boom\n  error\n  ^\n");
  EXPECT_EQ(out(), e1 + ": ERROR\n" + ok + ": HOLDS   1,234 states, depth 3, 0.00 s\n" + e2 +
                       ": ERROR\n3 specs: 1 as expected, 2 with errors\n");
}

TEST_F(CliTest, AnEscapedExceptionBecomesASpecError) {
  std::string bad = dir_.write("bad.lcs", "throw");
  std::string ok = dir_.write("ok.lcs", "holds");
  EXPECT_EQ(run_cli({"check", bad, ok}), 2);
  EXPECT_EQ(err(), bad + ": error: internal error: kaboom\n");
  EXPECT_EQ(checker_.calls.size(), 2u);
}

TEST_F(CliTest, UnreadableFile) {
  std::string folder_named_lcs = dir_.path("x.lcs");
  std::filesystem::create_directories(folder_named_lcs + "/inner");
  std::string spec = dir_.write("x.lcs/inner/real.lcs", "holds");
  // A folder is searched, so this is fine; a file without read permission is not (unless root).
  EXPECT_EQ(run_cli({"check", folder_named_lcs}), 0);
  std::string locked = dir_.write("locked.lcs", "holds");
  std::filesystem::permissions(locked, std::filesystem::perms::none);
  if (std::ifstream(locked).good()) GTEST_SKIP() << "running as root: permissions do not apply";
  EXPECT_EQ(run_cli({"check", locked}), 2);
  EXPECT_EQ(err(), "lockcheck: cannot read '" + locked + "': Permission denied\n");
}

// ---- Reports ----

TEST_F(CliTest, JsonToStdoutReplacesTheText) {
  std::string a = dir_.write("a.lcs", "holds");
  std::string b = dir_.write("b.lcs", "violated");
  EXPECT_EQ(run_cli({"check", "--json", "-", a, b}), 1);
  nlohmann::json j = nlohmann::json::parse(out());
  EXPECT_EQ(j["lockcheck"], kVersion);
  EXPECT_EQ(j["schema"], 1);
  ASSERT_EQ(j["specs"].size(), 2u);
  EXPECT_EQ(j["specs"][0]["file"], a);
  EXPECT_EQ(j["specs"][0]["outcome"], "as_expected");
  EXPECT_EQ(j["specs"][1]["file"], b);
  EXPECT_EQ(j["specs"][1]["outcome"], "not_as_expected");
  EXPECT_EQ(err(), "");
}

TEST_F(CliTest, ReportFiles) {
  std::string a = dir_.write("a.lcs", "holds");
  EXPECT_EQ(run_cli({"check", a, "--json", dir_.path("r.json"), "--junit", dir_.path("r.xml"),
                     "--html", dir_.path("r.html")}),
            0);
  EXPECT_EQ(out(), a + ": HOLDS   1,234 states, depth 3, 0.00 s\n");
  nlohmann::json j = nlohmann::json::parse(dir_.read("r.json"));
  EXPECT_EQ(j["specs"][0]["file"], a);
  std::string xml = dir_.read("r.xml");
  EXPECT_TRUE(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")) << xml;
  EXPECT_NE(xml.find("<testcase classname=\""), std::string::npos) << xml;
  ASSERT_EQ(html_calls_.size(), 1u);
  EXPECT_EQ(html_calls_[0], std::make_pair(dir_.path("r.html"), size_t{1}));
}

TEST_F(CliTest, HtmlFileWithSeveralSpecsIsAUsageError) {
  dir_.write("specs/a.lcs", "holds");
  dir_.write("specs/b.lcs", "holds");
  EXPECT_EQ(run_cli({"check", dir_.path("specs"), "--html", "out/Report.HTML"}), 2);
  EXPECT_EQ(err(),
            "lockcheck: --html out/Report.HTML: 2 specs are checked, which makes one page per spec "
            "and an index page; give a folder (e.g. --html report/)\n");
  EXPECT_TRUE(checker_.calls.empty());
  EXPECT_TRUE(html_calls_.empty());
  EXPECT_EQ(run_cli({"check", dir_.path("specs"), "--html", dir_.path("report")}), 0);
  ASSERT_EQ(html_calls_.size(), 1u);
  EXPECT_EQ(html_calls_[0], std::make_pair(dir_.path("report"), size_t{2}));
}

TEST_F(CliTest, UnwritableReportsAreErrorsButTheOthersAreWritten) {
  std::string a = dir_.write("a.lcs", "holds");
  std::string json = dir_.path("no/such/folder/r.json");
  EXPECT_EQ(run_cli({"check", a, "--json", json, "--junit", dir_.path("r.xml"), "--html",
                     dir_.path("unwritable")}),
            2);
  EXPECT_EQ(err(), "lockcheck: cannot write '" + json +
                       "': No such file or directory\n"
                       "lockcheck: cannot write '" +
                       dir_.path("unwritable") + "': Permission denied\n");
  EXPECT_FALSE(dir_.read("r.xml").empty());
}

// ---- The terminal and signals ----

TEST_F(CliTest, ProgressLineOnATerminalOnly) {
  std::string spec = dir_.write("p.lcs", "progress");
  EXPECT_EQ(run_cli({"check", spec}), 0);
  EXPECT_EQ(err(), "");
  env_.err_is_terminal = true;
  EXPECT_EQ(run_cli({"check", spec}), 0);
  EXPECT_EQ(err(), "\r" + spec + ": 5 states (5/s), depth 0, queue 0, 0 B, 1 s\033[K" + "\r" +
                       spec + ": 10 states (5/s), depth 0, queue 0, 0 B, 2 s\033[K" + "\r\033[K");
  EXPECT_EQ(run_cli({"check", "--quiet", spec}), 0);
  EXPECT_EQ(err(), "");
}

TEST_F(CliTest, InterruptedRunsStillWriteReports) {
  std::string spec = dir_.write("limit.lcs", "limit");
  std::atomic<bool> stop{true};
  env_.stop = &stop;
  EXPECT_EQ(run_cli({"check", spec, "--junit", dir_.path("r.xml")}), 3);
  EXPECT_EQ(err(), "lockcheck: interrupted; the reports show what was checked before\n");
  EXPECT_NE(dir_.read("r.xml").find("<skipped"), std::string::npos);
}

}  // namespace
}  // namespace lockcheck::cli
