#include "reports/text_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <string_view>

#include "reports/text_trace.h"
#include "reports/text_width.h"

namespace lockcheck::reports {
namespace {

using trace::PropertyKind;
using trace::PropertyResult;
using trace::SpecResult;
using trace::Status;

void trim_right(std::string& s) {
  while (!s.empty() && s.back() == ' ') s.pop_back();
}

// Indents every line after the first of a multi-line message (a deadlock cycle) under its name.
std::string indent_continuations(std::string_view text, std::string_view indent) {
  std::string out;
  for (char c : text) {
    out += c;
    if (c == '\n') out += indent;
  }
  while (!out.empty() && (out.back() == ' ' || out.back() == '\n')) out.pop_back();
  return out;
}

// "  name: text   message" or, for built-ins without text, "  name: message".
std::string property_line(const PropertyResult& p, std::string_view message) {
  std::string line = fmt::format("  {}:", p.name);
  if (!p.text.empty()) line += fmt::format(" {}  ", one_line(p.text));
  if (!message.empty()) line += fmt::format(" {}", indent_continuations(message, "    "));
  trim_right(line);
  return line + '\n';
}

std::string violation_message(const PropertyResult& p) {
  switch (p.kind) {
    case PropertyKind::reachable:
      return "was never reached";
    case PropertyKind::invariant:
      // The explanation is meant to read "is false: sold = 2"; keep the words if it is bare.
      if (p.explanation.empty()) return "is false";
      if (p.explanation.starts_with("is false")) return p.explanation;
      return "is false: " + p.explanation;
    case PropertyKind::deadlock:
      return p.explanation.empty() ? "a deadlock was found" : p.explanation;
    case PropertyKind::assertion:
      return p.explanation.empty() ? "an assertion failed" : p.explanation;
    case PropertyKind::model_error:
      return p.explanation.empty() ? "a model error was found" : p.explanation;
    case PropertyKind::eventually:
    case PropertyKind::leads:
      return p.explanation;
  }
  return p.explanation;
}

// A liveness counterexample's shape and why it counts, under its trace:
//   lasso: 2 + 6 steps
//   fair: buyer[1] steps at 3, 4 and 5; buyer[2] steps at 6, 7 and 8; no clock; no faults
std::string liveness_lines(const PropertyResult& p) {
  if (p.trace_kind.empty()) return "";
  const int steps = static_cast<int>(p.trace.size());
  std::string out = p.trace_kind == "lasso"
                        ? fmt::format("  lasso: {} + {} steps\n", p.loop_to, steps - p.loop_to)
                        : fmt::format("  terminal: {} step{}\n", steps, steps == 1 ? "" : "s");
  if (!p.fairness.empty()) out += fmt::format("  {}\n", p.fairness);
  if (p.failing_members.size() > 1) {
    std::vector<std::string> others;
    for (const std::string& m : p.failing_members)
      if (m != p.member) others.push_back(m);
    out += fmt::format("  also violated for: {}\n", fmt::join(others, ", "));
  }
  return out;
}

// The property as the trace breaks it: "each_served[worker[1]]" for a member's obligation.
PropertyResult with_member(const PropertyResult& p) {
  PropertyResult named;
  named.name = p.member.empty() ? p.name : fmt::format("{}[{}]", p.name, p.member);
  named.text = p.text;
  return named;
}

std::string_view annotation(const PropertyResult& p) {
  return p.expected == Status::violated ? " (expected)" : " (NOT EXPECTED)";
}

}  // namespace

bool contradicts(const PropertyResult& p, bool complete) {
  if (p.status == Status::violated && p.expected != Status::violated) return true;
  if (p.status == Status::holds && p.expected == Status::violated && complete) return true;
  return p.status != Status::unknown && p.status != Status::inconclusive && !p.as_expected;
}

Outcome outcome(const SpecResult& result) {
  if (!result.error_text.empty()) return Outcome::error;
  bool contradicted =
      std::any_of(result.properties.begin(), result.properties.end(),
                  [&](const PropertyResult& p) { return contradicts(p, result.complete); });
  // An inconclusive liveness property is like a limit: exit 3 unless something fails.
  bool inconclusive =
      std::any_of(result.properties.begin(), result.properties.end(),
                  [&](const PropertyResult& p) { return p.status == Status::inconclusive; });
  if (result.complete) {
    if (!result.as_expected || contradicted) return Outcome::not_as_expected;
    return inconclusive ? Outcome::incomplete : Outcome::as_expected;
  }
  return contradicted ? Outcome::not_as_expected : Outcome::incomplete;
}

const char* outcome_name(Outcome o) {
  switch (o) {
    case Outcome::as_expected:
      return "as_expected";
    case Outcome::not_as_expected:
      return "not_as_expected";
    case Outcome::incomplete:
      return "incomplete";
    case Outcome::error:
      return "error";
  }
  return "error";
}

std::string with_thousands(uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string verdict(const SpecResult& result) {
  if (!result.error_text.empty()) return "ERROR";
  std::vector<std::string> parts;
  std::string violated;
  std::string missing;
  std::string inconclusive;
  for (const PropertyResult& p : result.properties) {
    if (p.status == Status::inconclusive) {
      inconclusive += fmt::format("{}{}", inconclusive.empty() ? "" : ", ", p.name);
    } else if (p.status == Status::violated) {
      violated += fmt::format("{}{}{}", violated.empty() ? "" : ", ", p.name, annotation(p));
    } else if (p.status == Status::holds && p.expected == Status::violated) {
      missing += fmt::format("{}{}", missing.empty() ? "" : ", ", p.name);
    }
  }
  if (!violated.empty()) {
    parts.push_back("VIOLATED " + violated);
  } else if (result.complete && inconclusive.empty()) {
    parts.push_back("HOLDS");
  }
  if (!inconclusive.empty()) parts.push_back("INCONCLUSIVE " + inconclusive);
  if (!missing.empty()) {
    parts.push_back(fmt::format("expected violation not found: {} (NOT EXPECTED)", missing));
  }
  if (!result.complete) {
    parts.push_back(result.incomplete_reason.empty()
                        ? std::string("INCOMPLETE")
                        : fmt::format("INCOMPLETE ({})", result.incomplete_reason));
  }
  std::string out = fmt::format("{}", fmt::join(parts, "; "));
  // Says so even when no property explains why (the checker's own verdict is authoritative).
  if (outcome(result) == Outcome::not_as_expected &&
      out.find("NOT EXPECTED") == std::string::npos) {
    out += " (NOT EXPECTED)";
  }
  return out;
}

std::string totals(const SpecResult& result, const TextOptions& options) {
  std::string out = fmt::format("{} states, depth {}", with_thousands(result.stats.states),
                                with_thousands(result.stats.depth));
  if (options.show_time) out += fmt::format(", {:.2f} s", result.stats.seconds);
  return out;
}

std::string server_lines(const trace::ServerCheck& s) {
  if (s.status == "reproduced") return fmt::format("  reproduced on {}\n", s.servers);
  if (s.status == "error") return fmt::format("  not replayed on the servers: {}\n", s.error);
  if (s.status != "diverged") return "";
  std::string out = fmt::format("  diverged at step {} on {}: {}{}\n", s.step, s.servers,
                                s.actor.empty() ? "" : s.actor + ": ", s.what);
  out += fmt::format("    model:  {}\n    server: {}\n", s.model, s.server);
  if (!s.note.empty()) out += fmt::format("    ({})\n", s.note);
  return out;
}

std::string property_details(const PropertyResult& p, bool complete, const TextOptions& options) {
  if (p.status == Status::violated || p.status == Status::inconclusive) {
    std::string out =
        p.has_trace ? render_trace(p.trace, {.width = options.width, .builtins = options.builtins})
                    : std::string();
    out += liveness_lines(p);
    return out + property_line(with_member(p), violation_message(p)) + server_lines(p.server);
  }
  if (p.status == Status::holds && options.witnesses && !p.witness.empty()) {
    return fmt::format("  witness of {} ({} step{}):\n", p.name, p.witness.size(),
                       p.witness.size() == 1 ? "" : "s") +
           render_trace(p.witness, {.width = options.width, .builtins = options.builtins});
  }
  if (p.expected != Status::violated) return "";
  if (p.status == Status::holds) {
    return property_line(p, p.kind == PropertyKind::deadlock
                                ? "no deadlock was found, but one was expected"
                                : "holds, but was expected to be violated");
  }
  if (!complete) return property_line(p, "expected violation not found before the search stopped");
  return "";
}

std::string text_report(const SpecResult& result, const TextOptions& options) {
  std::string out = fmt::format("{}: {}", result.file, verdict(result));
  if (!result.error_text.empty()) {
    out += '\n';
    if (options.show_error_text) {
      out += "  " + indent_continuations(result.error_text, "  ") + '\n';
    }
    return out;
  }
  // Too wide for the terminal, the totals go below rather than break in the middle.
  std::string numbers = totals(result, options);
  const bool below =
      options.width > 0 && display_width(out) + 3 + display_width(numbers) > options.width;
  out += fmt::format("{}{}\n", below ? "\n  " : "   ", numbers);
  if (!options.details) return fit_lines(out, options.width);
  for (const std::string& note : result.notes) out += fmt::format("  note: {}\n", note);
  for (const PropertyResult& p : result.properties) {
    out += property_details(p, result.complete, options);
  }
  return fit_lines(out, options.width);
}

std::string text_summary(const std::vector<SpecResult>& results) {
  size_t counts[4] = {0, 0, 0, 0};
  for (const SpecResult& r : results) ++counts[static_cast<int>(outcome(r))];
  std::string out = fmt::format("{} spec{}: {} as expected", results.size(),
                                results.size() == 1 ? "" : "s", counts[0]);
  if (counts[1] > 0) out += fmt::format(", {} NOT as expected", counts[1]);
  if (counts[2] > 0) out += fmt::format(", {} incomplete", counts[2]);
  if (counts[3] > 0) out += fmt::format(", {} with errors", counts[3]);
  return out + '\n';
}

}  // namespace lockcheck::reports
