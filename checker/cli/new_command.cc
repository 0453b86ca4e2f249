#include "checker/cli/new_command.h"

#include <fmt/format.h>

#include "checker/cli/file_io.h"
#include "checker/cli/starter_specs.h"

namespace lockcheck::cli {

namespace {

constexpr int kExitWritten = 0;
constexpr int kExitError = 2;

std::string strategy_list() {
  std::string out;
  const auto& specs = starter_specs();
  for (size_t i = 0; i < specs.size(); ++i) {
    if (i) out += i + 1 == specs.size() ? " or " : ", ";
    out += specs[i].strategy;
  }
  return out;
}

}  // namespace

std::string new_spec_path(const std::string& name) {
  return name.ends_with(".lcs") ? name : name + ".lcs";
}

int run_new(const NewArgs& args, std::ostream& out, std::ostream& err) {
  const StarterSpec* starter = find_starter_spec(args.strategy);
  if (starter == nullptr) {
    err << fmt::format("lockcheck: --strategy expects {}, not '{}'\n", strategy_list(),
                       args.strategy);
    return kExitError;
  }
  if (args.name.empty() || args.name == ".lcs" || args.name.ends_with('/')) {
    err << fmt::format("lockcheck: new needs a file name for the spec, not '{}'\n", args.name);
    return kExitError;
  }
  const std::string path = new_spec_path(args.name);
  bool exists = false;
  std::string error;
  if (!write_new_file(path, std::string(starter->text), exists, error)) {
    if (exists) {
      err << fmt::format("lockcheck: {} already exists; not overwriting it\n", path);
    } else {
      err << "lockcheck: " << error << '\n';
    }
    return kExitError;
  }
  out << fmt::format(
      "wrote {}, the {} starter spec: {}\n"
      "It checks clean as written. Adapt it as its comments say, then run: lockcheck check {}\n",
      path, starter->strategy, starter->summary, path);
  return kExitWritten;
}

}  // namespace lockcheck::cli
