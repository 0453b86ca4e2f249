// Expectations written inside spec files, read by the golden-test runner (golden_test.cc):
//
//   // @trace PROPERTY LENGTH     PROPERTY is violated with a shortest trace of exactly LENGTH
//   steps
//   // @faults PROPERTY N         ... and exactly N fault steps in that trace
//   // @lasso PROPERTY P+C        a liveness PROPERTY is violated with a lasso of a P-step prefix
//                                and a C-step cycle (P+0: a terminal trace of P steps)
//   // @status PROPERTY holds|violated|unknown|inconclusive
//   // @const NAME=VALUE          run with this override (repeatable)
//   // @max-states N              run with this limit
//   // @as-expected false         the run is expected NOT to match its expect lines (default true)
//   // @error LINE:COL: MESSAGE   the file must be rejected with exactly these errors, in order
//
// An annotation is a `//` comment whose text starts with `@`. Unknown or malformed annotations are
// problems that fail the test, so that a typo never passes silently. Deadlocks are the property
// named `deadlock`, assertion failures `assert`, model errors `model_error`. `@error 0:0: MESSAGE`
// stands for an error without a location.
//
// Header-only: CMake compiles only the *_test.cc files of tests/.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "checker/cli/option_values.h"
#include "checker/trace/check_result.h"
#include "reports/text_report.h"

namespace lockcheck::golden {

struct Annotations {
  std::map<std::string, uint64_t> trace_length;                // @trace
  std::map<std::string, uint64_t> faults;                      // @faults
  std::map<std::string, std::pair<uint64_t, uint64_t>> lasso;  // @lasso: prefix, cycle
  std::map<std::string, trace::Status> status;                 // @status
  std::vector<std::pair<std::string, int64_t>> consts;
  std::optional<uint64_t> max_states;
  bool as_expected = true;
  std::vector<std::string> errors;    // @error, as "LINE:COL: MESSAGE"
  std::vector<std::string> problems;  // "line 3: unknown annotation @trcae"
};

namespace detail {

inline std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

inline std::vector<std::string> words(std::string_view s) {
  std::vector<std::string> out;
  std::istringstream in{std::string(s)};
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

inline std::optional<trace::Status> parse_status(std::string_view s) {
  if (s == "holds") return trace::Status::holds;
  if (s == "violated") return trace::Status::violated;
  if (s == "unknown") return trace::Status::unknown;
  if (s == "inconclusive") return trace::Status::inconclusive;
  return std::nullopt;
}

// "12:5: unknown variable 'x'" with positive numbers (or 0:0 for no location).
inline bool well_formed_error(std::string_view s) {
  size_t colon1 = s.find(':');
  if (colon1 == std::string_view::npos) return false;
  size_t colon2 = s.find(':', colon1 + 1);
  if (colon2 == std::string_view::npos) return false;
  if (!cli::parse_count(s.substr(0, colon1)) ||
      !cli::parse_count(s.substr(colon1 + 1, colon2 - colon1 - 1))) {
    return false;
  }
  return s.size() > colon2 + 2 && s[colon2 + 1] == ' ';
}

}  // namespace detail

inline Annotations parse_annotations(std::string_view source) {
  Annotations a;
  int line_number = 0;
  bool seen_as_expected = false;
  while (!source.empty()) {
    size_t end = source.find('\n');
    std::string_view line = source.substr(0, end);
    source.remove_prefix(end == std::string_view::npos ? source.size() : end + 1);
    ++line_number;
    size_t comment = line.find("//");
    if (comment == std::string_view::npos) continue;
    std::string_view text = detail::trim(line.substr(comment + 2));
    if (!text.starts_with('@')) continue;
    size_t space = text.find_first_of(" \t");
    std::string name(text.substr(1, space == std::string_view::npos ? text.size() : space - 1));
    std::string_view rest =
        space == std::string_view::npos ? std::string_view() : detail::trim(text.substr(space));
    std::vector<std::string> args = detail::words(rest);
    auto problem = [&](const std::string& what) {
      a.problems.push_back(fmt::format("line {}: {}", line_number, what));
    };
    auto usage = [&](std::string_view form) {
      problem(fmt::format("malformed annotation '{}': expected {}", text, form));
    };
    if (name == "trace" || name == "faults") {
      std::optional<uint64_t> n = args.size() == 2 ? cli::parse_count(args[1]) : std::nullopt;
      if (!n) {
        usage(fmt::format("@{} PROPERTY NUMBER", name));
        continue;
      }
      auto& map = name == "trace" ? a.trace_length : a.faults;
      if (!map.emplace(args[0], *n).second)
        problem(fmt::format("@{} {} given twice", name, args[0]));
    } else if (name == "lasso") {
      size_t plus = args.size() == 2 ? args[1].find('+') : std::string::npos;
      std::optional<uint64_t> prefix, cycle;
      if (plus != std::string::npos) {
        prefix = cli::parse_count(args[1].substr(0, plus));
        cycle = cli::parse_count(args[1].substr(plus + 1));
      }
      if (!prefix || !cycle) {
        usage("@lasso PROPERTY PREFIX+CYCLE");
        continue;
      }
      if (!a.lasso.emplace(args[0], std::make_pair(*prefix, *cycle)).second)
        problem(fmt::format("@lasso {} given twice", args[0]));
    } else if (name == "status") {
      std::optional<trace::Status> s =
          args.size() == 2 ? detail::parse_status(args[1]) : std::nullopt;
      if (!s) {
        usage("@status PROPERTY holds|violated|unknown|inconclusive");
        continue;
      }
      if (!a.status.emplace(args[0], *s).second)
        problem(fmt::format("@status {} given twice", args[0]));
    } else if (name == "const") {
      auto c = args.size() == 1 ? cli::parse_const(args[0]) : std::nullopt;
      if (!c) {
        usage("@const NAME=VALUE");
        continue;
      }
      a.consts.push_back(*c);
    } else if (name == "max-states") {
      std::optional<uint64_t> n = args.size() == 1 ? cli::parse_count(args[0]) : std::nullopt;
      if (!n || *n == 0) {
        usage("@max-states NUMBER");
        continue;
      }
      if (a.max_states) problem("@max-states given twice");
      a.max_states = n;
    } else if (name == "as-expected") {
      if (args.size() != 1 || (args[0] != "true" && args[0] != "false")) {
        usage("@as-expected true|false");
        continue;
      }
      if (seen_as_expected) problem("@as-expected given twice");
      seen_as_expected = true;
      a.as_expected = args[0] == "true";
    } else if (name == "error") {
      if (!detail::well_formed_error(rest)) {
        usage("@error LINE:COL: MESSAGE");
        continue;
      }
      a.errors.emplace_back(rest);
    } else {
      problem(fmt::format("unknown annotation @{}", name));
    }
  }
  return a;
}

// The errors of a rendered error_text, as "LINE:COL: MESSAGE" (notes and the source lines and
// carets under each error are left out). `path` is the path the spec was checked under.
inline std::vector<std::string> rendered_errors(std::string_view error_text,
                                                std::string_view path) {
  std::vector<std::string> out;
  const std::string with_location = fmt::format("{}:", path);
  const std::string without_location = fmt::format("{}: error: ", path);
  while (!error_text.empty()) {
    size_t end = error_text.find('\n');
    std::string_view line = error_text.substr(0, end);
    error_text.remove_prefix(end == std::string_view::npos ? error_text.size() : end + 1);
    if (line.starts_with(without_location)) {
      out.push_back(fmt::format("0:0: {}", line.substr(without_location.size())));
    } else if (line.starts_with(with_location)) {
      std::string_view rest = line.substr(with_location.size());  // "3:10: error: message"
      size_t marker = rest.find(": error: ");
      if (marker == std::string_view::npos) continue;  // a note, or not a diagnostic line
      std::string_view location = rest.substr(0, marker);
      if (location.find(' ') != std::string_view::npos) continue;
      out.push_back(fmt::format("{}: {}", location, rest.substr(marker + 9)));
    }
  }
  return out;
}

inline const trace::PropertyResult* find_property(const trace::SpecResult& r,
                                                  const std::string& name) {
  for (const trace::PropertyResult& p : r.properties) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

inline std::string property_names(const trace::SpecResult& r) {
  std::string out;
  for (const trace::PropertyResult& p : r.properties) out += (out.empty() ? "" : ", ") + p.name;
  return out.empty() ? "none" : out;
}

// Every way `result` differs from `a`, one readable line each; empty when the spec passes.
inline std::vector<std::string> compare(const Annotations& a, const trace::SpecResult& result,
                                        std::string_view path) {
  std::vector<std::string> diffs = a.problems;
  if (!a.errors.empty()) {
    if (!a.trace_length.empty() || !a.faults.empty() || !a.status.empty() || !a.as_expected ||
        !a.lasso.empty()) {
      diffs.push_back(
          "@error cannot be combined with @trace, @lasso, @faults, @status or @as-expected");
    }
    if (result.error_text.empty()) {
      diffs.push_back("expected the spec to be rejected, but it was accepted; expected errors:");
      for (const std::string& e : a.errors) diffs.push_back("  " + e);
      return diffs;
    }
    std::vector<std::string> actual = rendered_errors(result.error_text, path);
    if (actual != a.errors) {
      diffs.push_back("the errors differ; expected:");
      for (const std::string& e : a.errors) diffs.push_back("  " + e);
      diffs.push_back("actual:");
      for (const std::string& e : actual) diffs.push_back("  " + e);
    }
    return diffs;
  }
  if (!result.error_text.empty()) {
    diffs.push_back("the spec was rejected, but it has no @error annotations");
    return diffs;
  }

  reports::Outcome outcome = reports::outcome(result);
  if (a.as_expected && outcome != reports::Outcome::as_expected) {
    diffs.push_back(fmt::format("the run is not as expected ({}): {}",
                                reports::outcome_name(outcome), reports::verdict(result)));
  } else if (!a.as_expected && outcome == reports::Outcome::as_expected) {
    diffs.push_back(fmt::format("@as-expected false, but the run is as expected: {}",
                                reports::verdict(result)));
  }

  auto lookup = [&](std::string_view annotation,
                    const std::string& name) -> const trace::PropertyResult* {
    const trace::PropertyResult* p = find_property(result, name);
    if (p == nullptr) {
      diffs.push_back(fmt::format("@{} {}: no property named '{}' (the properties: {})", annotation,
                                  name, name, property_names(result)));
    }
    return p;
  };
  for (const auto& [name, status] : a.status) {
    const trace::PropertyResult* p = lookup("status", name);
    if (p != nullptr && p->status != status) {
      diffs.push_back(fmt::format("@status {} {}: it is {}", name, trace::status_name(status),
                                  trace::status_name(p->status)));
    }
  }
  for (const auto& [name, length] : a.trace_length) {
    const trace::PropertyResult* p = lookup("trace", name);
    if (p == nullptr) continue;
    if (p->status != trace::Status::violated || !p->has_trace) {
      diffs.push_back(fmt::format("@trace {} {}: it is {}, with no trace", name, length,
                                  trace::status_name(p->status)));
    } else if (p->trace.size() != length) {
      diffs.push_back(fmt::format("@trace {} {}: the shortest trace has {} steps", name, length,
                                  p->trace.size()));
    }
  }
  for (const auto& [name, shape] : a.lasso) {
    const trace::PropertyResult* p = lookup("lasso", name);
    if (p == nullptr) continue;
    const auto [prefix, cycle] = shape;
    std::string want = fmt::format("@lasso {} {}+{}", name, prefix, cycle);
    if (!p->has_trace || p->trace_kind.empty()) {
      diffs.push_back(
          fmt::format("{}: it is {}, with no lasso", want, trace::status_name(p->status)));
      continue;
    }
    const bool terminal = p->trace_kind == "terminal";
    const uint64_t has_prefix = terminal ? p->trace.size() : static_cast<uint64_t>(p->loop_to);
    const uint64_t has_cycle = terminal ? 0 : p->trace.size() - has_prefix;
    if (has_prefix != prefix || has_cycle != cycle || terminal != (cycle == 0)) {
      diffs.push_back(fmt::format("{}: the counterexample is a {} of {}+{} steps", want,
                                  p->trace_kind, has_prefix, has_cycle));
    }
  }
  for (const auto& [name, faults] : a.faults) {
    const trace::PropertyResult* p = lookup("faults", name);
    if (p == nullptr) continue;
    if (p->status == trace::Status::holds || !p->has_trace) {
      diffs.push_back(fmt::format("@faults {} {}: it is {}, with no trace", name, faults,
                                  trace::status_name(p->status)));
      continue;
    }
    uint64_t steps = 0;
    for (const trace::TraceStep& s : p->trace) steps += s.kind == trace::StepKind::fault;
    if (steps != faults || p->faults != faults) {
      diffs.push_back(fmt::format("@faults {} {}: the trace has {} fault steps (counted as {})",
                                  name, faults, steps, p->faults));
    }
  }
  return diffs;
}

}  // namespace lockcheck::golden
