#include "reports/text_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <string_view>

namespace lockcheck::reports {
namespace {

using trace::PropertyKind;
using trace::PropertyResult;
using trace::SpecResult;
using trace::Status;

// Columns are padded by what a terminal shows, not by bytes: values and statement text may hold
// UTF-8 ("→" in the changes column, user strings).
size_t display_width(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

// A statement may span several source lines; a trace step must stay on one.
std::string one_line(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

void pad_to(std::string& line, std::string_view cell, size_t width) {
  line += cell;
  for (size_t w = display_width(cell); w < width; ++w) line += ' ';
}

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

std::string render_change(const trace::Change& c, std::string_view actor) {
  // A process's own locals read better without its name: "a: 0 → 1" on user[1]'s line.
  std::string_view path = c.path;
  if (!actor.empty() && path.size() > actor.size() + 1 && path.substr(0, actor.size()) == actor &&
      path[actor.size()] == '.') {
    path.remove_prefix(actor.size() + 1);
  }
  return fmt::format("{}: {} → {}", path, c.from.empty() ? "(none)" : c.from,
                     c.to.empty() ? "(none)" : c.to);
}

std::string render_trace(const std::vector<trace::TraceStep>& steps) {
  constexpr size_t kColumns = 5;  // step, actor, text, result, changes
  std::vector<std::array<std::string, kColumns>> rows;
  rows.reserve(steps.size());
  for (const trace::TraceStep& s : steps) {
    std::string changes;
    for (const trace::Change& c : s.changes) {
      if (!changes.empty()) changes += ", ";
      changes += render_change(c, s.actor);
    }
    rows.push_back({std::to_string(s.step), one_line(s.actor), one_line(s.text), one_line(s.result),
                    std::move(changes)});
  }
  std::array<size_t, kColumns> width{};
  for (const auto& row : rows) {
    for (size_t i = 0; i < kColumns; ++i) width[i] = std::max(width[i], display_width(row[i]));
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line = "  ";
    // The step number is right-aligned so that steps 9 and 10 line up.
    for (size_t w = display_width(row[0]); w < width[0]; ++w) line += ' ';
    line += row[0];
    for (size_t i = 1; i < kColumns; ++i) {
      if (width[i] == 0) continue;  // a column empty on every step takes no room
      line += "  ";
      pad_to(line, row[i], width[i]);
    }
    trim_right(line);
    out += line;
    out += '\n';
  }
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
  }
  return p.explanation;
}

std::string_view annotation(const PropertyResult& p) {
  return p.expected == Status::violated ? " (expected)" : " (NOT EXPECTED)";
}

}  // namespace

bool contradicts(const PropertyResult& p, bool complete) {
  if (p.status == Status::violated && p.expected != Status::violated) return true;
  if (p.status == Status::holds && p.expected == Status::violated && complete) return true;
  return p.status != Status::unknown && !p.as_expected;
}

Outcome outcome(const SpecResult& result) {
  if (!result.error_text.empty()) return Outcome::error;
  bool contradicted =
      std::any_of(result.properties.begin(), result.properties.end(),
                  [&](const PropertyResult& p) { return contradicts(p, result.complete); });
  if (result.complete) {
    return result.as_expected && !contradicted ? Outcome::as_expected : Outcome::not_as_expected;
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
  for (const PropertyResult& p : result.properties) {
    if (p.status == Status::violated) {
      violated += fmt::format("{}{}{}", violated.empty() ? "" : ", ", p.name, annotation(p));
    } else if (p.status == Status::holds && p.expected == Status::violated) {
      missing += fmt::format("{}{}", missing.empty() ? "" : ", ", p.name);
    }
  }
  if (!violated.empty()) {
    parts.push_back("VIOLATED " + violated);
  } else if (result.complete) {
    parts.push_back("HOLDS");
  }
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

std::string property_details(const PropertyResult& p, bool complete) {
  if (p.status == Status::violated) {
    std::string out = p.has_trace ? render_trace(p.trace) : std::string();
    return out + property_line(p, violation_message(p)) + server_lines(p.server);
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
  out += fmt::format("   {}\n", totals(result, options));
  if (!options.details) return out;
  for (const std::string& note : result.notes) out += fmt::format("  note: {}\n", note);
  for (const PropertyResult& p : result.properties) out += property_details(p, result.complete);
  return out;
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
