#include "checker/compile/state_layout.h"

#include <algorithm>

#include "checker/base/bit_codec.h"

namespace lockcheck::compile {

StateLayout::StateLayout(const CompiledSpec& spec) {
  // Ticks run only while the clock is below its max; without a clock it stays 0.
  clock_max = spec.has_clock ? std::max<int64_t>(spec.clock_max, 0) : 0;
  clock_bits = bits_for(static_cast<uint64_t>(clock_max));
  wake_escape = static_cast<uint64_t>(clock_max) + 2;
  wake_bits = bits_for(wake_escape);
  pid_bits = bits_for(spec.procs.empty() ? 0 : spec.procs.size() - 1);
  empty_text = spec.empty_text().i;
  shared = static_cast<uint32_t>(spec.ast.vars.size());
  ghosts = static_cast<uint32_t>(spec.ast.ghosts.size());
  has_db = spec.has_db;
  schema = &spec.schema;
  txn_slots = spec.txn_slots();
  nodes = static_cast<uint32_t>(spec.node_names.size());
  for (const ProcessInstance& p : spec.procs) {
    const Group& g = spec.groups[p.group];
    // pc runs to the program's length: a finished process stands past its last instruction.
    const bool sleeps = std::any_of(g.program.code.begin(), g.program.code.end(),
                                    [](const Instr& in) { return in.kind == InstrKind::sleep; });
    procs.push_back(
        {bits_for(g.program.code.size()), static_cast<uint32_t>(g.decl->locals.size()), sleeps});
  }
  // A fault fires only while its own budget and the total budget have some left.
  uint64_t sum = 0;
  for (const Fault& f : spec.faults) {
    const auto budget = static_cast<uint64_t>(std::max<int64_t>(f.budget, 0));
    fault_bits.push_back(bits_for(budget));
    sum = std::min<uint64_t>(sum + budget, uint64_t{1} << 62);
  }
  if (spec.total_fault_budget >= 0)
    sum = std::min(sum, static_cast<uint64_t>(spec.total_fault_budget));
  faults_total_bits = bits_for(sum);
}

}  // namespace lockcheck::compile
