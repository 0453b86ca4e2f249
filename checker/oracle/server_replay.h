// Replays a trace of the model on a real PostgreSQL (and Redis) and compares, step by step, what
// the model says with what the servers do (cli-and-reports.md, "Real servers";
// docs/conformance.md).
//
// The trace's steps are re-run through the model (as `lockcheck replay` does), and each step's
// store interactions (compile::Interaction) are performed on the servers: a SQL statement is sent
// on its process's connection, a statement that waited is awaited, the deadlock detector's victim
// must fail with 40P01, a crash closes the process's connection (a statement in flight is
// orphaned and goes on in the server), a Redis node restart empties that node's keys, and ticks
// become real time. After the last step the committed rows of every table and every Redis key are
// compared too.
#pragma once

#include <string>
#include <vector>

#include "checker/compile/replay_trace.h"
#include "checker/compile/spec_model.h"
#include "checker/trace/check_result.h"

namespace lockcheck::oracle {

struct ServerOptions {
  std::string postgres;  // a libpq conninfo; "" when not given
  std::string redis;     // redis://HOST:PORT[/DB] or unix://PATH; "" when not given
  int tick_ms = 100;     // the first tick length tried; doubled (up to kMaxTickMs) when a step
                         // could not be run inside its tick on a loaded machine
  bool deadlock_guard = true;  // see PgWorldOptions
};
inline constexpr int kMaxTickMs = 3200;

enum class ServerStatus {
  reproduced,  // every step did on the servers what the model says
  diverged,    // a step did something else (or the final contents differ)
  error,       // a server could not be reached or set up, or the trace does not apply
};

struct ServerReplay {
  ServerStatus status = ServerStatus::error;
  std::string servers;  // "PostgreSQL 15.18", "PostgreSQL 15.18 and Redis 7.0.15"
  // diverged: the step (1-based; trace length + 1 for the comparison after the last step), who
  // moved, what was sent, and the two outcomes side by side.
  int step = 0;
  std::string actor;
  std::string what;
  std::string model;
  std::string server;
  std::string note;          // why this may happen (a known difference, the server's choice, ...)
  std::string error;         // status error: why
  bool unreachable = false;  // status error because a server could not be reached or set up
  std::vector<std::string> log;  // one line per step: what was sent and what came back
  int tick_ms = 0;               // the tick length the replay kept (timed replays)
};

// Replays `steps` from `initial` through `model` (built without symmetry reduction). `property`
// is the trace's property (its kind and status say whether the end is a deadlock to reproduce).
ServerReplay replay_on_servers(const compile::SpecModel& model, const compile::State& initial,
                               const std::vector<compile::RecordedStep>& steps,
                               const trace::PropertyResult& property, const ServerOptions& options);

// The same from the spec's text: builds it (with `consts`) and replays `steps`.
ServerReplay replay_steps_on_servers(const std::string& path, const std::string& source,
                                     const std::vector<std::pair<std::string, int64_t>>& consts,
                                     const std::vector<compile::RecordedStep>& steps,
                                     const trace::PropertyResult& property,
                                     const ServerOptions& options);

// The same for a checked property's trace (`check --postgres`).
ServerReplay replay_result_on_servers(const std::string& path, const std::string& source,
                                      const std::vector<std::pair<std::string, int64_t>>& consts,
                                      const trace::PropertyResult& property,
                                      const ServerOptions& options);

// "reproduced on PostgreSQL 15.18" / "diverged at step 3" / "not replayed: ..." (for reports).
std::string server_mark(const ServerReplay& r);
// The mark as stored in a PropertyResult (trace::ServerCheck).
trace::ServerCheck server_check(const ServerReplay& r);

}  // namespace lockcheck::oracle
