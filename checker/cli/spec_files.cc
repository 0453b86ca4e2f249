#include "checker/cli/spec_files.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <system_error>

namespace lockcheck::cli {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> lcs_files_under(const fs::path& dir, std::vector<std::string>& errors) {
  std::vector<std::string> found;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code type_ec;
    if (it->path().extension() == ".lcs" && it->is_regular_file(type_ec)) {
      found.push_back(it->path().string());
    }
  }
  if (ec) errors.push_back(fmt::format("cannot read '{}': {}", dir.string(), ec.message()));
  std::sort(found.begin(), found.end());
  return found;
}

}  // namespace

SpecFiles find_spec_files(const std::vector<std::string>& paths) {
  SpecFiles out;
  std::set<std::string> seen;
  auto add = [&](const std::string& file) {
    std::error_code ec;
    fs::path key = fs::weakly_canonical(file, ec);
    if (seen.insert(ec ? file : key.string()).second) out.files.push_back(file);
  };
  for (const std::string& path : paths) {
    std::error_code ec;
    fs::file_status status = fs::status(path, ec);
    if (ec || !fs::exists(status)) {
      std::string reason = ec ? ec.message() : "No such file or directory";
      out.errors.push_back(fmt::format("cannot read '{}': {}", path, reason));
    } else if (fs::is_directory(status)) {
      std::vector<std::string> found = lcs_files_under(path, out.errors);
      if (found.empty()) out.errors.push_back(fmt::format("no .lcs files under '{}'", path));
      for (const std::string& file : found) add(file);
    } else {
      add(path);
    }
  }
  return out;
}

}  // namespace lockcheck::cli
