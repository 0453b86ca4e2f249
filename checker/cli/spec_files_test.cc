#include "checker/cli/spec_files.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "checker/cli/test_files.h"

namespace lockcheck::cli {
namespace {

using testing::TempDir;
using Files = std::vector<std::string>;

TEST(SpecFiles, FolderMeansEveryLcsFileBelowItSortedByPath) {
  TempDir dir;
  dir.write("specs/b.lcs", "");
  dir.write("specs/a/z.lcs", "");
  dir.write("specs/a/y.lcs", "");
  dir.write("specs/a/notes.txt", "");
  dir.write("specs/a.lcs.bak", "");
  std::filesystem::create_directories(dir.path("specs/dir.lcs"));  // a folder, not a spec
  SpecFiles found = find_spec_files({dir.path("specs")});
  EXPECT_EQ(found.errors, Files{});
  EXPECT_EQ(found.files,
            (Files{dir.path("specs/a/y.lcs"), dir.path("specs/a/z.lcs"), dir.path("specs/b.lcs")}));
}

TEST(SpecFiles, FilesStandForThemselvesInArgumentOrderAndOnce) {
  TempDir dir;
  std::string b = dir.write("specs/b.lcs", "");
  std::string a = dir.write("specs/a.lcs", "");
  std::string other = dir.write("other.spec", "");
  SpecFiles found = find_spec_files({b, other, dir.path("specs"), a});
  EXPECT_EQ(found.errors, Files{});
  EXPECT_EQ(found.files, (Files{b, other, a}));
}

TEST(SpecFiles, SamePathSpelledDifferentlyIsCheckedOnce) {
  TempDir dir;
  std::string a = dir.write("specs/a.lcs", "");
  SpecFiles found = find_spec_files({a, dir.path("specs/../specs/a.lcs")});
  EXPECT_EQ(found.files, (Files{a}));
}

TEST(SpecFiles, MissingPathsAndEmptyFoldersAreErrors) {
  TempDir dir;
  std::filesystem::create_directories(dir.path("empty/sub"));
  dir.write("empty/sub/readme.txt", "");
  std::string ok = dir.write("ok.lcs", "");
  SpecFiles found = find_spec_files({dir.path("missing.lcs"), ok, dir.path("empty")});
  EXPECT_EQ(found.files, (Files{ok}));
  EXPECT_EQ(found.errors,
            (Files{"cannot read '" + dir.path("missing.lcs") + "': No such file or directory",
                   "no .lcs files under '" + dir.path("empty") + "'"}));
}

}  // namespace
}  // namespace lockcheck::cli
