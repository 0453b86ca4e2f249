// Turns the PATH arguments of `lockcheck check` into the list of spec files to check.
#pragma once

#include <string>
#include <vector>

namespace lockcheck::cli {

struct SpecFiles {
  std::vector<std::string> files;   // in the order to check them, each once
  std::vector<std::string> errors;  // one message per bad argument, without the "lockcheck: "
};

// A file stands for itself, whatever its name. A folder stands for every *.lcs file below it,
// sorted by path so that output is the same on every machine. Arguments keep their order; a file
// named twice (directly or through a folder) is checked once, where it first appears.
SpecFiles find_spec_files(const std::vector<std::string>& paths);

}  // namespace lockcheck::cli
