#include "reports/junit_report.h"

#include <fmt/format.h>

#include <cstdint>

#include "reports/text_report.h"

namespace lockcheck::reports {
namespace {

using trace::PropertyResult;
using trace::SpecResult;
using trace::Status;

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// The length of the valid UTF-8 sequence at the start of `s`, or 0 when it is not valid.
size_t utf8_sequence(std::string_view s) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char c = byte(0);
  size_t n = 0;
  uint32_t min = 0;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    min = 0x80;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    min = 0x800;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    min = 0x10000;
  } else {
    return 0;
  }
  if (s.size() < n) return 0;
  uint32_t cp = c & (0x7F >> n);
  for (size_t i = 1; i < n; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  if (cp == 0xFFFE || cp == 0xFFFF) return 0;  // not XML characters either
  return n;
}

// JUnit consumers split classname on dots into packages: specs/booking/naive.lcs becomes the
// class naive in the package specs.booking.
std::string class_name(std::string_view file) {
  if (file.ends_with(".lcs")) file.remove_suffix(4);
  while (file.starts_with("./")) file.remove_prefix(2);
  std::string out;
  for (char c : file) out += (c == '/' || c == '\\' || c == '.') ? '.' : c;
  return out;
}

std::string failure_message(const PropertyResult& p) {
  using trace::PropertyKind;
  if (p.status == Status::violated) {
    switch (p.kind) {
      case PropertyKind::reachable:
        return fmt::format("{} was never reached", p.name);
      case PropertyKind::deadlock:
        return "a deadlock was found";
      case PropertyKind::assertion:
        return "an assertion failed";
      case PropertyKind::model_error:
        return "a model error was found";
      case PropertyKind::eventually:
      case PropertyKind::leads:
        return fmt::format("{} is violated ({} of {} steps)", p.name,
                           p.trace_kind == "lasso" ? "a lasso" : "a terminal trace",
                           p.trace.size());
      case PropertyKind::invariant:
        break;
    }
    return fmt::format("{} is violated", p.name);
  }
  if (p.status == Status::holds && p.expected == Status::violated) {
    return p.kind == PropertyKind::deadlock
               ? std::string("no deadlock was found, but one was expected")
               : fmt::format("{} holds, but was expected to be violated", p.name);
  }
  return fmt::format("{} is not as expected", p.name);
}

struct Counts {
  size_t tests = 0;
  size_t failures = 0;
  size_t skipped = 0;
};

std::string testcase(std::string_view classname, std::string_view name, std::string_view body) {
  std::string out = fmt::format(R"(    <testcase classname="{}" name="{}")",
                                xml_escape(classname, true), xml_escape(name, true));
  if (body.empty()) return out + "/>\n";
  return fmt::format("{}>\n{}    </testcase>\n", out, body);
}

std::string failure(std::string_view message, std::string_view type, std::string_view text) {
  return fmt::format("      <failure message=\"{}\" type=\"{}\">{}</failure>\n",
                     xml_escape(message, true), xml_escape(type, true), xml_escape(text, false));
}

std::string suite_body(const SpecResult& r, Counts& counts) {
  std::string classname = class_name(r.file);
  std::string out;
  if (!r.error_text.empty()) {
    counts.tests = counts.failures = 1;
    return testcase(classname, "spec", failure("spec errors", "error", r.error_text));
  }
  bool any_failure = false;
  for (const PropertyResult& p : r.properties) {
    ++counts.tests;
    std::string body;
    if (contradicts(p, r.complete)) {
      ++counts.failures;
      any_failure = true;
      body = failure(failure_message(p), "not_as_expected", property_details(p, r.complete));
    } else if (p.status == Status::unknown) {
      ++counts.skipped;
      body = fmt::format("      <skipped message=\"{}\"/>\n",
                         xml_escape(fmt::format("INCOMPLETE ({})", r.incomplete_reason), true));
    } else if (p.status == Status::inconclusive) {
      // Liveness that more time (or a larger limit) could still decide: neither pass nor fail.
      ++counts.skipped;
      body = fmt::format("      <skipped message=\"{}\">{}</skipped>\n",
                         xml_escape(fmt::format("INCONCLUSIVE: {}", p.explanation), true),
                         xml_escape(property_details(p, r.complete), false));
    }
    // A counterexample replayed on real servers says how it went, failing or not.
    if (!p.server.status.empty())
      body += fmt::format("      <system-out>{}</system-out>\n",
                          xml_escape(server_lines(p.server), false));
    out += testcase(classname, p.name, body);
  }
  // The checker may judge a spec not as expected for a reason no property carries; CI must
  // still see a red test when the exit status says so.
  if (!any_failure && outcome(r) == Outcome::not_as_expected) {
    ++counts.tests;
    ++counts.failures;
    out += testcase(classname, "spec", failure(verdict(r), "not_as_expected", verdict(r) + '\n'));
  }
  return out;
}

std::string time_attribute(bool show, double seconds) {
  return show ? fmt::format(" time=\"{:.3f}\"", seconds) : std::string();
}

}  // namespace

std::string xml_escape(std::string_view text, bool attribute) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    size_t n = utf8_sequence(text);
    if (n == 0) {
      out += kReplacement;
      text.remove_prefix(1);
      continue;
    }
    if (n > 1) {
      out += text.substr(0, n);
      text.remove_prefix(n);
      continue;
    }
    char c = text[0];
    text.remove_prefix(1);
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += attribute ? "&quot;" : "\"";
        break;
      case '\'':
        out += attribute ? "&apos;" : "'";
        break;
      case '\n':
        out += attribute ? "&#10;" : "\n";
        break;
      case '\r':
        out += attribute ? "&#13;" : "\r";
        break;
      case '\t':
        out += attribute ? "&#9;" : "\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
          out += kReplacement;
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string junit_report(const std::vector<SpecResult>& results, const JunitOptions& options) {
  Counts total;
  double seconds = 0;
  std::string suites;
  for (const SpecResult& r : results) {
    Counts counts;
    std::string body = suite_body(r, counts);
    total.tests += counts.tests;
    total.failures += counts.failures;
    total.skipped += counts.skipped;
    seconds += r.stats.seconds;
    suites += fmt::format(
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\"{}>\n",
        xml_escape(r.file, true), counts.tests, counts.failures, counts.skipped,
        time_attribute(options.show_time, r.stats.seconds));
    suites += body;
    suites += "  </testsuite>\n";
  }
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<testsuites name=\"lockcheck\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\"{}>\n"
      "{}</testsuites>\n",
      total.tests, total.failures, total.skipped, time_attribute(options.show_time, seconds),
      suites);
}

}  // namespace lockcheck::reports
