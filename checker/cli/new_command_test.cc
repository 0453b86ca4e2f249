#include "checker/cli/new_command.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "checker/cli/starter_specs.h"
#include "checker/cli/test_files.h"
#include "checker/compile/check.h"

namespace lockcheck::cli {
namespace {

using testing::TempDir;

// Every starter spec checks clean: each property holds, the `reachable` ones included, so that
// none of them passes only because nothing can happen.
TEST(StarterSpecs, EveryOneHolds) {
  ASSERT_EQ(starter_specs().size(), 5u);
  for (const StarterSpec& s : starter_specs()) {
    SCOPED_TRACE(std::string(s.strategy));
    std::string path = std::string(s.strategy) + ".lcs";
    trace::SpecResult r = compile::check_spec(path, std::string(s.text), compile::CheckOptions{});
    EXPECT_EQ(r.error_text, "");
    EXPECT_TRUE(r.complete);
    EXPECT_TRUE(r.as_expected);
    bool reachable = false;
    for (const trace::PropertyResult& p : r.properties) {
      EXPECT_EQ(p.status, trace::Status::holds) << p.name << ": " << p.explanation;
      reachable = reachable || p.kind == trace::PropertyKind::reachable;
    }
    EXPECT_TRUE(reachable);
  }
}

// They say what to adapt, and keep to the repository's 100 columns.
TEST(StarterSpecs, CommentsSayWhatToAdapt) {
  for (const StarterSpec& s : starter_specs()) {
    SCOPED_TRACE(std::string(s.strategy));
    std::string text(s.text);
    for (const char* topic : {"// - Tables", "// - The critical section", "// - Clients",
                              "// - Faults", "// - The property"}) {
      EXPECT_NE(text.find(topic), std::string::npos) << topic;
    }
    EXPECT_TRUE(text.starts_with("// ")) << text.substr(0, 20);
    EXPECT_TRUE(text.ends_with(";\n"));
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) EXPECT_LE(line.size(), 100u) << line;
  }
  EXPECT_EQ(find_starter_spec("redlock")->strategy, "redlock");
  EXPECT_EQ(find_starter_spec("mutex"), nullptr);
}

TEST(NewCommand, WritesTheTemplateAsIs) {
  TempDir dir;
  for (const StarterSpec& s : starter_specs()) {
    std::ostringstream out, err;
    std::string name = dir.path(std::string("my_") + std::string(s.strategy));
    EXPECT_EQ(run_new({name, std::string(s.strategy)}, out, err), 0) << err.str();
    EXPECT_EQ(err.str(), "");
    EXPECT_EQ(dir.read(std::string("my_") + std::string(s.strategy) + ".lcs"), s.text);
    EXPECT_EQ(out.str(), "wrote " + name + ".lcs, the " + std::string(s.strategy) +
                             " starter spec: " + std::string(s.summary) +
                             "\nIt checks clean as written. Adapt it as its comments say, then "
                             "run: lockcheck check " +
                             name + ".lcs\n");
  }
}

TEST(NewCommand, NeverOverwrites) {
  TempDir dir;
  std::string path = dir.write("seat.lcs", "mine\n");
  std::ostringstream out, err;
  EXPECT_EQ(run_new({dir.path("seat"), "pessimistic"}, out, err), 2);
  EXPECT_EQ(err.str(), "lockcheck: " + path + " already exists; not overwriting it\n");
  EXPECT_EQ(out.str(), "");
  EXPECT_EQ(dir.read("seat.lcs"), "mine\n");
  // NAME may carry the extension already.
  std::ostringstream out2, err2;
  EXPECT_EQ(run_new({path, "pessimistic"}, out2, err2), 2);
  EXPECT_EQ(dir.read("seat.lcs"), "mine\n");
}

TEST(NewCommand, Errors) {
  TempDir dir;
  std::ostringstream out, err;
  EXPECT_EQ(run_new({dir.path("x"), "mutex"}, out, err), 2);
  EXPECT_EQ(err.str(),
            "lockcheck: --strategy expects optimistic, pessimistic, redis-lock, redlock or "
            "reservation, not 'mutex'\n");
  err.str("");
  EXPECT_EQ(run_new({dir.path("no/such/folder/x"), "redlock"}, out, err), 2);
  EXPECT_EQ(err.str(), "lockcheck: cannot write '" + dir.path("no/such/folder/x.lcs") +
                           "': No such file or directory\n");
  err.str("");
  EXPECT_EQ(run_new({"", "redlock"}, out, err), 2);
  EXPECT_EQ(err.str(), "lockcheck: new needs a file name for the spec, not ''\n");
  EXPECT_EQ(out.str(), "");
  EXPECT_EQ(new_spec_path("a/b"), "a/b.lcs");
  EXPECT_EQ(new_spec_path("a/b.lcs"), "a/b.lcs");
}

}  // namespace
}  // namespace lockcheck::cli
