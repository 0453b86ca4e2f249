// Shared pieces of the conformance tests (docs/conformance.md): the servers' addresses from the
// environment (scripts/private-servers.sh sets them; ctest's fixture starts the servers), specs
// read from text, schedules written in a spec's comments, and the list of known divergences.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "checker/compile/compiled_spec.h"
#include "checker/front/ast.h"
#include "checker/oracle/schedule_runner.h"
#include "checker/oracle/server_replay.h"

namespace lockcheck::conformance {

// LOCKCHECK_PG and LOCKCHECK_REDIS; "" when unset (the tests then fail, saying how to start them).
std::string postgres_conninfo();
std::string redis_url();
std::string servers_missing_message();
// LOCKCHECK_CONFORMANCE_COUNT (default `fallback`) and LOCKCHECK_CONFORMANCE_SEED (default 1).
uint64_t count_from_env(uint64_t fallback);
uint64_t seed_from_env();
// The case seeds to run: seed * stride + 0 .. count - 1, or those listed in
// LOCKCHECK_CONFORMANCE_CASES (comma-separated, to run again what a long run printed).
std::vector<uint64_t> case_seeds(uint64_t seed, uint64_t stride, uint64_t count);

struct LoadedSpec {
  std::unique_ptr<ast::Spec> ast;
  std::unique_ptr<compile::CompiledSpec> spec;
  std::string error;  // rendered diagnostics
};
LoadedSpec load_spec(const std::string& path, const std::string& source);

std::string read_text(const std::string& path);
std::string source_dir();  // the repository

// `// schedule: t1 t2 crash:t2 t3` in a spec's comments: the actions, or nullopt with `error`.
std::optional<std::vector<oracle::ScheduleAction>> schedule_of(const std::string& source,
                                                               const compile::CompiledSpec& spec,
                                                               std::string& error);

// tests/conformance/known_divergences.txt: case -> reason.
std::map<std::string, std::string> known_divergences();

// The schedule's transcript and verdict as SQL sessions, for a failure message.
std::string describe(const oracle::ScheduleOutcome& r);

}  // namespace lockcheck::conformance
