#include "reports/json_report.h"

#include <charconv>
#include <cstdint>
#include <nlohmann/json.hpp>

#include "reports/text_report.h"

namespace lockcheck::reports {
namespace {

// Keys stay in the documented order, which makes the report readable and diffs small.
using Json = nlohmann::ordered_json;

// Values in a trace arrive rendered ("1", "true", "null", "'held'", "client[2]"). Numbers,
// booleans and null become JSON's own; everything else stays the rendered text, quotes included,
// so that the string 'null' and the value null never look alike.
Json value(const std::string& rendered) {
  if (rendered == "null") return nullptr;
  if (rendered == "true") return true;
  if (rendered == "false") return false;
  int64_t n = 0;
  const char* end = rendered.data() + rendered.size();
  auto [ptr, ec] = std::from_chars(rendered.data(), end, n);
  if (ec == std::errc() && ptr == end && !rendered.empty() && rendered != "-0" &&
      !(rendered.size() > 1 && rendered[0] == '0')) {
    return n;
  }
  return rendered;
}

Json step_json(const trace::TraceStep& s) {
  Json changes = Json::array();
  for (const trace::Change& c : s.changes) {
    Json change = {{"path", c.path}};
    // An absent side means the thing did not exist (a new row or key, an expired key).
    if (!c.from.empty()) change["from"] = value(c.from);
    if (!c.to.empty()) change["to"] = value(c.to);
    changes.push_back(std::move(change));
  }
  return {{"step", s.step},    {"actor", s.actor}, {"kind", trace::step_kind_name(s.kind)},
          {"line", s.line},    {"text", s.text},   {"result", s.result},
          {"changes", changes}};
}

Json property_json(const trace::PropertyResult& p) {
  Json out = {{"name", p.name},
              {"kind", trace::property_kind_name(p.kind)},
              {"status", trace::status_name(p.status)},
              {"expected", trace::status_name(p.expected)},
              {"as_expected", p.as_expected},
              {"text", p.text},
              {"explanation", p.explanation}};
  if (!p.witness.empty()) {
    Json steps = Json::array();
    for (const trace::TraceStep& s : p.witness) steps.push_back(step_json(s));
    out["witness"] = std::move(steps);
  }
  const bool liveness = !p.trace_kind.empty();
  if ((p.status == trace::Status::violated || liveness) && p.has_trace) {
    out["faults"] = p.faults;
    Json steps = Json::array();
    for (const trace::TraceStep& s : p.trace) {
      steps.push_back(step_json(s));
      if (liveness) steps.back()["cycle"] = s.cycle;
    }
    out["trace"] = std::move(steps);
  }
  if (liveness) {
    // A lasso's cycle is trace[loop_to..]: after its last step the state is the state after
    // step loop_to (0: the initial state) again. A terminal trace ends where nothing fair runs.
    out["trace_kind"] = p.trace_kind;
    if (p.trace_kind == "lasso") out["loop_to"] = p.loop_to;
    out["fairness"] = p.fairness;
    if (!p.member.empty()) {
      out["member"] = p.member;
      out["failing_members"] = p.failing_members;
    }
  }
  if (!p.wait_for.empty()) {
    Json edges = Json::array();
    for (const trace::WaitEdge& e : p.wait_for)
      edges.push_back({{"from", e.from}, {"to", e.to}, {"row", e.row}});
    out["wait_for"] = std::move(edges);
  }
  if (!p.server.status.empty()) {
    const trace::ServerCheck& c = p.server;
    out["server"] = {{"status", c.status}, {"servers", c.servers}};
    if (c.status == "diverged") {
      out["server"]["step"] = c.step;
      out["server"]["actor"] = c.actor;
      out["server"]["what"] = c.what;
      out["server"]["model"] = c.model;
      out["server"]["server"] = c.server;
      if (!c.note.empty()) out["server"]["note"] = c.note;
    }
    if (c.status == "error") out["server"]["error"] = c.error;
  }
  return out;
}

Json spec_json(const trace::SpecResult& r) {
  Json out = {{"file", r.file},
              {"spec", r.spec},
              {"outcome", outcome_name(outcome(r))},
              // The same answer as the exit status, which also looks at each property.
              {"as_expected", outcome(r) == Outcome::as_expected},
              {"complete", r.complete}};
  if (!r.complete && r.error_text.empty()) out["incomplete_reason"] = r.incomplete_reason;
  if (!r.error_text.empty()) {
    out["error"] = r.error_text;
    Json errors = Json::array();
    for (const trace::SpecError& e : r.errors) {
      errors.push_back(
          {{"file", e.file}, {"line", e.line}, {"column", e.column}, {"message", e.message}});
    }
    out["errors"] = std::move(errors);
  }
  out["stats"] = {{"states", r.stats.states},
                  {"transitions", r.stats.transitions},
                  {"depth", r.stats.depth},
                  {"seconds", r.stats.seconds},
                  {"peak_memory_bytes", r.stats.peak_memory_bytes},
                  {"bytes_per_state", r.stats.bytes_per_state}};
  out["notes"] = r.notes;
  Json properties = Json::array();
  for (const trace::PropertyResult& p : r.properties) properties.push_back(property_json(p));
  out["properties"] = std::move(properties);
  return out;
}

}  // namespace

std::string json_report(const std::vector<trace::SpecResult>& results, const JsonOptions& options) {
  Json specs = Json::array();
  for (const trace::SpecResult& r : results) specs.push_back(spec_json(r));
  Json report = {{"lockcheck", options.version}, {"schema", kJsonSchema}, {"specs", specs}};
  // Replace, not throw, on invalid UTF-8 in user text: a report must always be written.
  return report.dump(2, ' ', false, Json::error_handler_t::replace) + '\n';
}

}  // namespace lockcheck::reports
