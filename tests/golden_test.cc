// The golden-test runner: every *.lcs file under specs/, tests/errors/ and tests/golden/ is one
// test, checked with compile::check_spec and compared with the annotations written inside it
// (tests/golden_annotations.h). A spec without annotations must simply be as expected.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "checker/compile/check.h"
#include "reports/text_report.h"
#include "tests/golden_annotations.h"

namespace lockcheck::golden {
namespace {

namespace fs = std::filesystem;

constexpr const char* kFolders[] = {"specs", "tests/errors", "tests/golden"};

// A runaway spec must fail with a readable verdict, not hang the test run.
constexpr double kMaxSeconds = 300;

// Paths relative to the source folder, sorted, so that test names and error paths are stable.
std::vector<std::string> golden_specs() {
  std::vector<std::string> out;
  const fs::path root = LOCKCHECK_SOURCE_DIR;
  for (const char* folder : kFolders) {
    std::error_code ec;
    if (!fs::is_directory(root / folder, ec)) continue;
    for (fs::recursive_directory_iterator it(root / folder, ec), end; !ec && it != end;
         it.increment(ec)) {
      if (it->path().extension() == ".lcs" && it->is_regular_file()) {
        out.push_back(fs::relative(it->path(), root).generic_string());
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string name;
  for (char c : info.param) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return name;
}

int threads() {
  // LOCKCHECK_GOLDEN_THREADS=4 runs the same expectations on a parallel search: traces and
  // verdicts must not depend on the number of threads.
  const char* text = std::getenv("LOCKCHECK_GOLDEN_THREADS");
  std::optional<uint64_t> n = text != nullptr ? cli::parse_count(text) : std::nullopt;
  return n && *n >= 1 && *n <= 256 ? static_cast<int>(*n) : 1;
}

class GoldenTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenTest, MatchesItsAnnotations) {
  const std::string& path = GetParam();
  std::ifstream in(fs::path(LOCKCHECK_SOURCE_DIR) / path, std::ios::binary);
  ASSERT_TRUE(in.good()) << "cannot read " << path;
  std::string source((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());

  Annotations annotations = parse_annotations(source);
  compile::CheckOptions options;
  options.consts = annotations.consts;
  options.search.max_states = annotations.max_states.value_or(0);
  options.search.max_seconds = kMaxSeconds;
  options.search.threads = threads();
  trace::SpecResult result = compile::check_spec(path, source, options);

  std::vector<std::string> diffs = compare(annotations, result, path);
  if (!diffs.empty()) {
    std::string message = path + " does not match its annotations:\n";
    for (const std::string& d : diffs) message += "  " + d + "\n";
    reports::TextOptions text;
    text.show_time = false;
    text.show_error_text = true;
    message += "the report:\n" + reports::text_report(result, text);
    ADD_FAILURE() << message;
  }
}

INSTANTIATE_TEST_SUITE_P(Specs, GoldenTest, ::testing::ValuesIn(golden_specs()), test_name);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(GoldenTest);

}  // namespace
}  // namespace lockcheck::golden
