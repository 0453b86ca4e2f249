#include "tests/conformance/conformance_support.h"

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "checker/base/diagnostics.h"
#include "checker/front/front_end.h"

namespace lockcheck::conformance {

namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : "";
}

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  size_t e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

}  // namespace

std::string postgres_conninfo() { return env("LOCKCHECK_PG"); }
std::string redis_url() { return env("LOCKCHECK_REDIS"); }

std::string servers_missing_message() {
  return "LOCKCHECK_PG and LOCKCHECK_REDIS are not set: run the conformance tests through ctest "
         "(its fixture starts a private PostgreSQL and Redis), or as "
         "scripts/private-servers.sh run DIR -- build/release/conformance_tests";
}

uint64_t count_from_env(uint64_t fallback) {
  std::string v = env("LOCKCHECK_CONFORMANCE_COUNT");
  return v.empty() ? fallback : std::strtoull(v.c_str(), nullptr, 10);
}

std::vector<uint64_t> case_seeds(uint64_t seed, uint64_t stride, uint64_t count) {
  std::vector<uint64_t> out;
  const std::string v = env("LOCKCHECK_CONFORMANCE_CASES");
  if (!v.empty()) {
    for (size_t at = 0; at < v.size();) {
      size_t end = v.find(',', at);
      if (end == std::string::npos) end = v.size();
      out.push_back(std::strtoull(v.substr(at, end - at).c_str(), nullptr, 10));
      at = end + 1;
    }
    return out;
  }
  for (uint64_t i = 0; i < count; ++i) out.push_back(seed * stride + i);
  return out;
}

uint64_t seed_from_env() {
  std::string v = env("LOCKCHECK_CONFORMANCE_SEED");
  return v.empty() ? 1 : std::strtoull(v.c_str(), nullptr, 10);
}

std::string source_dir() {
#ifdef LOCKCHECK_SOURCE_DIR
  return LOCKCHECK_SOURCE_DIR;
#else
  return ".";
#endif
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

LoadedSpec load_spec(const std::string& path, const std::string& source) {
  LoadedSpec out;
  Diagnostics diags;
  out.ast = front::read_spec(source, path, diags);
  if (out.ast && !diags.has_errors()) out.spec = compile::CompiledSpec::build(*out.ast, {}, diags);
  if (!out.spec) out.error = render_all(diags, path, source);
  return out;
}

std::optional<std::vector<oracle::ScheduleAction>> schedule_of(const std::string& source,
                                                               const compile::CompiledSpec& spec,
                                                               std::string& error) {
  const std::string tag = "// schedule:";
  size_t at = source.find(tag);
  if (at == std::string::npos) {
    error = "no '// schedule:' line";
    return std::nullopt;
  }
  size_t end = source.find('\n', at);
  std::istringstream words(source.substr(at + tag.size(), end - at - tag.size()));
  std::vector<oracle::ScheduleAction> out;
  std::string w;
  while (words >> w) {
    oracle::ScheduleAction a;
    if (w.starts_with("crash:")) {
      a.kind = oracle::ScheduleAction::Kind::crash;
      w = w.substr(6);
    }
    a.proc = -1;
    for (size_t p = 0; p < spec.procs.size(); ++p)
      if (spec.procs[p].name == w) a.proc = static_cast<int>(p);
    if (a.proc < 0) {
      error = fmt::format("the schedule names '{}', which is no process of the spec", w);
      return std::nullopt;
    }
    out.push_back(a);
  }
  return out;
}

std::map<std::string, std::string> known_divergences() {
  std::map<std::string, std::string> out;
  std::istringstream in(read_text(source_dir() + "/tests/conformance/known_divergences.txt"));
  std::string line;
  while (std::getline(in, line)) {
    line = trim(line);
    if (line.empty() || line[0] == '#') continue;
    size_t sp = line.find_first_of(" \t");
    out[line.substr(0, sp)] = sp == std::string::npos ? "" : trim(line.substr(sp));
  }
  return out;
}

std::string describe(const oracle::ScheduleOutcome& r) {
  std::string out;
  for (const std::string& line : r.transcript) out += "    " + line + "\n";
  if (r.diverged)
    out += fmt::format("  diverged at action {}:\n    model:  {}\n    server: {}\n", r.at + 1,
                       r.model, r.server);
  if (!r.error.empty()) out += "  error: " + r.error + "\n";
  return out;
}

}  // namespace lockcheck::conformance
