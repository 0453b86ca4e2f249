// Random specs for the conformance tests: 2-3 processes with straight-line programs over one or
// two small tables (primary keys, up to 4 rows), drawn from what spec-language §4 supports:
// SELECT ... INTO with aggregates, ORDER BY/LIMIT, FOR UPDATE/FOR SHARE, NOWAIT, SKIP LOCKED;
// UPDATE/DELETE with RETURNING; INSERT with ON CONFLICT DO NOTHING; BEGIN/COMMIT/ROLLBACK, some
// at REPEATABLE READ (or that level as the default); a crash fault. Written as real .lcs text and
// compiled through the normal front end. Also the shrinker that makes a diverging spec and schedule
// small, and the classes of divergence the tests know.
#pragma once

#include <random>
#include <string>
#include <vector>

#include "checker/oracle/schedule_runner.h"

namespace lockcheck::conformance {

struct GenSpec {
  int rows = 2;                                 // rows of `test`: ids 1..rows, value 10 * id
  bool second_table = false;                    // `acct (id, v)` with rows 1, 2
  std::vector<std::vector<std::string>> procs;  // statements per process (BEGIN included)
  int crash = -1;                               // a process that may crash (at most once), or -1
  bool default_repeatable_read = false;         // `isolation repeatable read;` (issue 13)
  bool default_serializable = false;            // `isolation serializable;`
  bool ssi_table = false;                       // `ssi granularity table;`
  std::string render() const;
};

GenSpec random_spec(std::mt19937& rng);

// The send actions of a schedule line up with the statements that are not BEGIN.
struct Case {
  GenSpec spec;
  std::vector<oracle::ScheduleAction> schedule;
};

// Makes a diverging case small: drops processes, statements, a crash and rows while it still
// diverges (`diverges` runs it). Returns the smallest case found.
Case shrink(Case c, const std::function<bool(const Case&)>& diverges);

// The kind of gap a divergence shows (docs/conformance.md): "partial_locks" (a waiting statement
// holds the rows it locked before: issue 11 schedule 1), "recheck" (a statement that waited
// re-evaluates rows outside its snapshot's targets: schedule 2), "snapshot" (it sees a row
// inserted after its snapshot: schedule 3), "orphan" (a dead client's statement runs on:
// schedule 4), else "other".
std::string classify(const oracle::ScheduleOutcome& r, const GenSpec& spec);

// The case as SQL sessions, as the issue writes them.
std::string sessions_text(const Case& c, const oracle::ScheduleOutcome& r);

}  // namespace lockcheck::conformance
