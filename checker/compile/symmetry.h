// Symmetry reduction. The members of a process group run the same program and differ only in
// their ids, so a state and the same state with two members' ids swapped have the same future up
// to the swap. The search stores one representative per such orbit: members of each symmetric
// group are sorted by a signature of their own state, and every process id in the state (locals,
// variables, row locks, Redis values, transactions) is renamed to match.
//
// A group is symmetric unless the spec names one of its members (`client[2]`), or a table stores
// process ids (row order, and so `LIMIT` and `ORDER BY`, would depend on the ids). Turning a
// process id into text (`lock:$self`) is detected while searching: the check is then re-run
// without symmetry (see check.cc).
#pragma once

#include <string>
#include <vector>

#include "checker/compile/compiled_spec.h"
#include "checker/compile/state.h"

namespace lockcheck::compile {

class Symmetry {
 public:
  // `notes` receives one line per group that stays asymmetric, saying why.
  Symmetry(const CompiledSpec& spec, bool enabled, std::vector<std::string>& notes);

  bool active() const { return !groups_.empty(); }

  // Rewrites s into its representative. `from`, when given, receives the permutation applied:
  // the process now at position i was at position from[i].
  void canonicalize(State& s, std::vector<int>* from = nullptr) const;

  // Renames processes: the process now at position i was at position from[i].
  static void permute(State& s, const std::vector<int>& from);

 private:
  std::string signature(const State& s, int member, int first, int count) const;

  const CompiledSpec& spec_;
  std::vector<int> groups_;  // the symmetric groups
};

}  // namespace lockcheck::compile
