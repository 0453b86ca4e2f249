// `lockcheck new NAME --strategy S`: writes NAME.lcs, a starter spec for one of the classic
// strategies (starter_specs.h), which checks clean as written. It never overwrites a file.
#pragma once

#include <ostream>
#include <string>

namespace lockcheck::cli {

struct NewArgs {
  std::string name;      // "seat" or "specs/seat.lcs"
  std::string strategy;  // --strategy
};

// The file a NAME stands for: NAME.lcs, or NAME itself when it already ends with ".lcs".
std::string new_spec_path(const std::string& name);

// Writes the file and says so on `out`; errors go to `err`. Returns 0, or 2 for an unknown
// strategy, an existing file or one that cannot be written.
int run_new(const NewArgs& args, std::ostream& out, std::ostream& err);

}  // namespace lockcheck::cli
