// libFuzzer target: any bytes as a spec, through the whole pipeline a user's spec goes through.
//
//   front::read_spec            the lexer, parser and resolver (every input)
//   compile::check_spec         constants, the compiled model, the search and the traces (only
//                               for inputs that read cleanly), with a small state limit
//   text, JSON, JUnit and HTML  the reports of that result
//
// `// @const NAME=VALUE` lines in the input are passed as --const overrides, as the golden runner
// does, so that the fuzzer reaches the overrides' corner cases too (huge and negative values).
//
// The invariants checked besides "no crash, no sanitizer report, no hang": read_spec returns null
// exactly when it reports errors, every error has a location, and a check never says a property
// holds after an incomplete search. Built by the block "hardening" of CMakeLists.txt (preset
// `fuzz`); see docs/hardening.md.
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "checker/compile/check.h"
#include "checker/front/front_end.h"
#include "reports/html_report.h"
#include "reports/json_report.h"
#include "reports/junit_report.h"
#include "reports/text_report.h"

namespace {

using namespace lockcheck;

// Small enough that an input costs milliseconds, large enough to reach traces of a few steps.
constexpr uint64_t kMaxStates = 2000;
constexpr double kMaxSeconds = 2;

[[noreturn]] void broken(const char* what) {
  std::fprintf(stderr, "front_end_fuzz: invariant broken: %s\n", what);
  std::abort();
}

// `// @const NAME=VALUE` lines, as in golden specs (malformed ones are ignored).
std::vector<std::pair<std::string, int64_t>> const_overrides(std::string_view source) {
  std::vector<std::pair<std::string, int64_t>> out;
  constexpr std::string_view kMarker = "// @const ";
  for (size_t at = source.find(kMarker); at != std::string_view::npos && out.size() < 8;
       at = source.find(kMarker, at + 1)) {
    std::string_view rest = source.substr(at + kMarker.size());
    rest = rest.substr(0, rest.find('\n'));
    size_t eq = rest.find('=');
    if (eq == std::string_view::npos || eq == 0) continue;
    std::string_view value = rest.substr(eq + 1);
    int64_t v = 0;
    auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
    if (ec != std::errc()) continue;
    out.emplace_back(std::string(rest.substr(0, eq)), v);
  }
  return out;
}

// Returns whether the spec read cleanly.
bool check_front_end(const std::string& source) {
  Diagnostics diags;
  std::unique_ptr<ast::Spec> spec = front::read_spec(source, "fuzz.lcs", diags);
  if ((spec == nullptr) != diags.has_errors()) broken("read_spec: null exactly when errors");
  for (const Diagnostic& d : diags.all()) {
    if (!d.loc.valid()) broken("an error without a location");
    if (d.message.empty()) broken("an error without a message");
  }
  return spec != nullptr;
}

void check_whole(const std::string& source) {
  compile::CheckOptions options;
  options.consts = const_overrides(source);
  options.search.max_states = kMaxStates;
  options.search.max_seconds = kMaxSeconds;
  options.search.threads = 1;
  trace::SpecResult result = compile::check_spec("fuzz.lcs", source, options);
  if (!result.error_text.empty()) {
    if (!result.properties.empty()) broken("a spec with errors has checked properties");
    return;
  }
  for (const trace::PropertyResult& p : result.properties) {
    if (!result.complete && p.status == trace::Status::holds &&
        p.kind != trace::PropertyKind::reachable) {
      broken("a property holds after an incomplete search");
    }
    if (p.status == trace::Status::violated && p.has_trace) {
      for (size_t i = 0; i < p.trace.size(); ++i) {
        if (p.trace[i].step != static_cast<int>(i + 1)) broken("trace steps are numbered 1..N");
      }
    }
  }
  std::vector<trace::SpecResult> results{result};
  reports::TextOptions text;
  text.show_error_text = true;
  (void)reports::text_report(result, text);
  (void)reports::json_report(results, reports::JsonOptions{.version = "fuzz"});
  (void)reports::junit_report(results, reports::JunitOptions{});
  (void)reports::render_html(result);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Specs are hand-written; 64 KiB is far more than any real one and keeps inputs fast.
  if (size > (64 << 10)) return -1;
  std::string source(reinterpret_cast<const char*>(data), size);
  if (check_front_end(source)) check_whole(source);
  return 0;
}
