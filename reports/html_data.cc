#include "reports/html_data.h"

namespace lockcheck::reports {
namespace {

using nlohmann::json;

json named_values(const std::vector<trace::NamedValue>& values) {
  json out = json::array();
  for (const auto& v : values) out.push_back({{"name", v.name}, {"value", v.value}});
  return out;
}

json table_to_json(const trace::TableSnapshot& table) {
  json rows = json::array();
  for (const auto& row : table.rows) {
    rows.push_back({{"cells", row.cells}, {"lock", row.lock}, {"pending", row.pending}});
  }
  return {{"name", table.name}, {"columns", table.columns}, {"rows", std::move(rows)}};
}

json redis_to_json(const trace::RedisSnapshot& node) {
  json keys = json::array();
  for (const auto& k : node.keys) {
    keys.push_back({{"key", k.key}, {"value", k.value}, {"expires_at", k.expires_at}});
  }
  return {{"node", node.node}, {"keys", std::move(keys)}};
}

json process_to_json(const trace::ProcessSnapshot& p) {
  return {{"name", p.name},
          {"status", p.status},
          {"line", p.line},
          {"position", p.position},
          {"locals", named_values(p.locals)},
          {"transaction", p.transaction}};
}

json step_to_json(const trace::TraceStep& step) {
  json changes = json::array();
  for (const auto& c : step.changes) {
    changes.push_back({{"path", c.path}, {"from", c.from}, {"to", c.to}});
  }
  return {{"step", step.step},
          {"actor", step.actor},
          {"kind", trace::step_kind_name(step.kind)},
          {"line", step.line},
          {"text", step.text},
          {"result", step.result},
          {"changes", std::move(changes)},
          {"cycle", step.cycle},
          {"after", state_to_json(step.after)}};
}

// The replay on real servers: null when there was none.
json server_to_json(const trace::ServerCheck& c) {
  if (c.status.empty()) return nullptr;
  return {{"status", c.status}, {"servers", c.servers}, {"step", c.step},
          {"actor", c.actor},   {"what", c.what},       {"model", c.model},
          {"server", c.server}, {"note", c.note},       {"error", c.error}};
}

json property_to_json(const trace::PropertyResult& p) {
  json trace = json::array();
  for (const auto& step : p.trace) trace.push_back(step_to_json(step));
  json wait_for = json::array();
  for (const auto& e : p.wait_for)
    wait_for.push_back({{"from", e.from}, {"to", e.to}, {"row", e.row}});
  return {{"name", p.name},
          {"kind", trace::property_kind_name(p.kind)},
          {"status", trace::status_name(p.status)},
          {"expected", trace::status_name(p.expected)},
          {"as_expected", p.as_expected},
          {"text", p.text},
          {"explanation", p.explanation},
          {"has_trace", p.has_trace},
          {"faults", p.faults},
          {"wait_for", std::move(wait_for)},
          {"server", server_to_json(p.server)},
          {"witness",
           [&] {
             json w = json::array();
             for (const auto& step : p.witness) w.push_back(step_to_json(step));
             return w;
           }()},
          {"trace_kind", p.trace_kind},
          {"loop_to", p.loop_to},
          {"fairness", p.fairness},
          {"member", p.member},
          {"failing_members", p.failing_members},
          {"trace", std::move(trace)}};
}

}  // namespace

json state_to_json(const trace::StateSnapshot& state) {
  json tables = json::array();
  for (const auto& t : state.tables) tables.push_back(table_to_json(t));
  json redis = json::array();
  for (const auto& r : state.redis) redis.push_back(redis_to_json(r));
  json processes = json::array();
  for (const auto& p : state.processes) processes.push_back(process_to_json(p));
  return {{"has_clock", state.has_clock},         {"clock", state.clock},
          {"shared", named_values(state.shared)}, {"ghosts", named_values(state.ghosts)},
          {"tables", std::move(tables)},          {"redis", std::move(redis)},
          {"processes", std::move(processes)}};
}

json spec_result_to_json(const trace::SpecResult& result) {
  json lanes = json::array();
  for (const auto& lane : result.lanes) lanes.push_back({{"name", lane.name}, {"kind", lane.kind}});
  json properties = json::array();
  for (const auto& p : result.properties) properties.push_back(property_to_json(p));
  const auto& s = result.stats;
  return {{"file", result.file},
          {"spec", result.spec},
          {"as_expected", result.as_expected},
          {"complete", result.complete},
          {"incomplete_reason", result.incomplete_reason},
          {"error_text", result.error_text},
          {"stats",
           {{"states", s.states},
            {"transitions", s.transitions},
            {"depth", s.depth},
            {"seconds", s.seconds},
            {"peak_memory_bytes", s.peak_memory_bytes},
            {"bytes_per_state", s.bytes_per_state}}},
          {"notes", result.notes},
          {"lanes", std::move(lanes)},
          {"initial", state_to_json(result.initial)},
          {"properties", std::move(properties)}};
}

}  // namespace lockcheck::reports
