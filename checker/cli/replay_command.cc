#include "checker/cli/replay_command.h"

#include <fmt/format.h>

#include <optional>
#include <set>

#include "checker/cli/file_io.h"
#include "checker/cli/option_values.h"
#include "checker/cli/state_text.h"
#include "checker/cli/trace_file.h"
#include "checker/compile/replay_trace.h"
#include "checker/oracle/server_replay.h"

namespace lockcheck::cli {

namespace {

constexpr int kExitReplayed = 0;
constexpr int kExitDiverged = 1;
constexpr int kExitError = 2;
constexpr int kExitUnreachable = 3;
constexpr size_t kWidth = 100;

std::string one_line(const std::string& text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

// "step 1  worker[1]  line 16: ok = cache: SET lock:1 $self NX EX 1   → ok = true"
std::string step_header(const trace::TraceStep& s) {
  std::string what;
  switch (s.kind) {
    case trace::StepKind::statement:
      what = fmt::format("line {}: {}", s.line, one_line(s.text));
      break;
    case trace::StepKind::tick:
      what = "tick";
      break;
    case trace::StepKind::fault:
      what = fmt::format("fault (line {}): {}", s.line, one_line(s.text));
      break;
    case trace::StepKind::abort:
      what = fmt::format("abort at line {}: {}", s.line, one_line(s.text));
      break;
    case trace::StepKind::orphan:
      what = fmt::format("orphaned statement, line {}: {}", s.line, one_line(s.text));
      break;
  }
  std::string line = fmt::format("step {}  {}  {}", s.step, s.actor, what);
  if (!s.result.empty()) line += "   → " + one_line(s.result);
  return line + '\n';
}

// The changes as "  changed  a: 0 → 1, b: ..." wrapped at kWidth columns (a change is never cut).
std::string changed_lines(const std::vector<trace::Change>& changes) {
  if (changes.empty()) return "  changed  nothing\n";
  const std::string head = "  changed  ";
  const std::string more(head.size(), ' ');
  std::string out, line = head;
  for (size_t i = 0; i < changes.size(); ++i) {
    std::string item = changes_text({changes[i]}) + (i + 1 < changes.size() ? "," : "");
    if (line.size() > head.size() && line.size() + 1 + item.size() > kWidth) {
      out += line + '\n';
      line = more;
    } else if (line.size() > head.size()) {
      line += ' ';
    }
    line += item;
  }
  return out + line + '\n';
}

// How `check` words a verdict: "is false: sold = 2", the deadlock cycle, the assert's message.
std::string verdict_message(const trace::PropertyResult& p) {
  if (p.status == trace::Status::holds) {
    return p.kind == trace::PropertyKind::reachable ? "is reached" : "holds";
  }
  if (p.status == trace::Status::unknown) return p.explanation;
  switch (p.kind) {
    case trace::PropertyKind::invariant:
      if (p.explanation.empty()) return "is false";
      return p.explanation.starts_with("is false") ? p.explanation : "is false: " + p.explanation;
    case trace::PropertyKind::reachable:
      return "is not reached";
    default:
      return p.explanation;
  }
}

std::string ending(const compile::ReplayResult& r, const RecordedTrace& recorded,
                   const std::string& trace_path) {
  const std::string recorded_status =
      recorded.status.empty() ? std::string("violated") : recorded.status;
  if (!r.found) {
    return fmt::format("The spec has no property named {} any more; {} recorded it {}.\n",
                       recorded.property, trace_path, recorded_status);
  }
  const trace::PropertyResult& p = r.property;
  std::string out;
  if (r.cycle_closes) {
    out += fmt::format("the cycle closes: the state after step {} is the state after step {}{}",
                       r.steps.size(), recorded.loop_to,
                       recorded.loop_to == 0 ? " (the initial state)" : "");
    out += ", as recorded.\n";
  }
  out += fmt::format("end  {}:", p.name);
  if (!p.text.empty()) out += " " + one_line(p.text) + "  ";
  out += " " + verdict_message(p) + "\n";
  const char* now = trace::status_name(p.status);
  if (p.status == trace::Status::unknown) {
    out += fmt::format("{} cannot be evaluated at the end of the trace; {} recorded it {}.\n",
                       p.name, trace_path, recorded_status);
  } else if (recorded_status == now) {
    out += fmt::format("{} is {} at the end of the trace, as recorded.\n", p.name,
                       p.status == trace::Status::violated ? "violated" : "not violated");
  } else {
    out += fmt::format("{} is {} at the end of the trace; {} recorded it {}.\n", p.name,
                       p.status == trace::Status::violated ? "violated" : "not violated",
                       trace_path, recorded_status);
  }
  return out;
}

bool parse_consts(const std::vector<std::string>& texts,
                  std::vector<std::pair<std::string, int64_t>>& out, std::ostream& err) {
  std::set<std::string> names;
  bool ok = true;
  for (const std::string& text : texts) {
    std::optional<std::pair<std::string, int64_t>> c = parse_const(text);
    if (!c) {
      err << fmt::format("lockcheck: --const expects NAME=VALUE with an integer VALUE, not '{}'\n",
                         text);
      ok = false;
    } else if (!names.insert(c->first).second) {
      err << fmt::format("lockcheck: --const {} is given twice\n", c->first);
      ok = false;
    } else {
      out.push_back(*c);
    }
  }
  return ok;
}

// `replay --postgres/--redis`: the trace on the real servers, step by step, and the verdict.
int replay_on_servers(const ReplayArgs& args, const compile::ReplayOptions& options,
                      const std::string& source, const RecordedTrace& recorded,
                      const compile::ReplayResult& model_replay, std::ostream& out,
                      std::ostream& err) {
  oracle::ServerOptions server;
  server.postgres = args.postgres;
  server.redis = args.redis;
  trace::PropertyResult property = model_replay.property;
  oracle::ServerReplay r = oracle::replay_steps_on_servers(args.spec, source, options.consts,
                                                           recorded.steps, property, server);
  size_t n = recorded.steps.size();
  out << fmt::format("{}: replaying the trace of {} from {} ({} step{}) on {}\n", args.spec,
                     recorded.property, args.trace, n, n == 1 ? "" : "s",
                     r.servers.empty() ? std::string("the servers") : r.servers);
  for (const std::string& line : r.log) out << "  " << line << '\n';
  switch (r.status) {
    case oracle::ServerStatus::reproduced:
      out << oracle::server_mark(r) << '\n' << std::flush;
      return kExitReplayed;
    case oracle::ServerStatus::diverged:
      out << oracle::server_mark(r) << ": "
          << (r.actor.empty() ? r.what : fmt::format("{}: {}", r.actor, one_line(r.what))) << '\n'
          << "  model:  " << r.model << '\n'
          << "  server: " << r.server << '\n';
      if (!r.note.empty()) out << "  (" << r.note << ")\n";
      out << std::flush;
      return kExitDiverged;
    case oracle::ServerStatus::error:
      break;
  }
  out << std::flush;
  err << fmt::format("lockcheck: {}\n", r.error);
  return r.unreachable ? kExitUnreachable : kExitError;
}

}  // namespace

int run_replay(const ReplayArgs& args, std::ostream& out, std::ostream& err) {
  compile::ReplayOptions options;
  if (!parse_consts(args.consts, options.consts, err)) return kExitError;
  std::string source, json, error;
  if (!read_file(args.spec, source, error) || !read_file(args.trace, json, error)) {
    err << "lockcheck: " << error << '\n';
    return kExitError;
  }
  RecordedTrace recorded;
  if (!read_recorded_trace(json, args.trace, args.spec, args.property, recorded, error)) {
    err << error << '\n';
    return kExitError;
  }
  options.loop_to = recorded.loop_to;
  options.member = recorded.member;
  compile::ReplayResult r =
      compile::replay_trace(args.spec, source, recorded.steps, recorded.property, options);
  if (!r.spec_error.empty()) {
    err << r.spec_error;
    if (!r.spec_error.ends_with('\n')) err << '\n';
    return kExitError;
  }

  if (!args.postgres.empty() || !args.redis.empty()) {
    if (!r.error.empty()) {
      err << fmt::format("{}: {}\n", args.trace, r.error);
      return kExitError;
    }
    return replay_on_servers(args, options, source, recorded, r, out, err);
  }

  size_t n = recorded.steps.size();
  out << fmt::format("{}: replaying the trace of {} from {} ({} step{})\n", args.spec,
                     recorded.property, args.trace, n, n == 1 ? "" : "s");
  if (recorded.other_file) {
    // The report's only spec stands in for this file: say which one the trace came from.
    out << fmt::format("  (the report recorded it for {})\n", recorded.file);
  }
  if (!recorded.others.empty()) {
    std::string others;
    for (const std::string& o : recorded.others) others += (others.empty() ? "" : ", ") + o;
    out << fmt::format("  ({} also has traces of {}; choose one with --property NAME)\n",
                       args.trace, others);
  }
  out << "\ninitial state\n" << state_text(r.initial, "  ");
  for (size_t i = 0; i < r.steps.size(); ++i) {
    const trace::TraceStep& s = r.steps[i];
    const compile::RecordedStep& was = recorded.steps[i];
    out << '\n' << step_header(s);
    // The spec may have changed under the trace: say where the step now does something else.
    if (one_line(was.text) != one_line(s.text) || one_line(was.result) != one_line(s.result)) {
      out << fmt::format("  recorded {}{}\n", one_line(was.text),
                         was.result.empty() ? "" : "   → " + one_line(was.result));
    }
    if (r.last_step_failed && i + 1 == r.steps.size()) {
      out << "  failed   no state follows it; the state it failed in:\n";
    } else {
      out << changed_lines(s.changes);
    }
    out << state_text(s.after, "  ");
  }
  out << std::flush;
  if (!r.error.empty()) {
    err << fmt::format("{}: {}\n", args.trace, r.error);
    return kExitError;
  }
  out << '\n' << ending(r, recorded, args.trace) << std::flush;
  return kExitReplayed;
}

}  // namespace lockcheck::cli

namespace lockcheck::cli {

bool mark_on_servers(trace::SpecResult& result, const std::string& source,
                     const std::vector<std::pair<std::string, int64_t>>& consts,
                     const std::string& postgres, const std::string& redis, std::ostream& err) {
  oracle::ServerOptions server;
  server.postgres = postgres;
  server.redis = redis;
  bool ok = true;
  for (trace::PropertyResult& p : result.properties) {
    if (p.status != trace::Status::violated || !p.has_trace) continue;
    oracle::ServerReplay r =
        oracle::replay_result_on_servers(result.file, source, consts, p, server);
    p.server = oracle::server_check(r);
    if (r.status == oracle::ServerStatus::error) {
      err << fmt::format("lockcheck: {}: {} was not replayed on the servers: {}\n", result.file,
                         p.name, r.error);
      ok = ok && !r.unreachable;
    }
  }
  return ok;
}

}  // namespace lockcheck::cli
