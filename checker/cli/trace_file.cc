#include "checker/cli/trace_file.h"

#include <fmt/format.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>

namespace lockcheck::cli {

namespace {

using nlohmann::json;

constexpr int kSchema = 1;

std::optional<trace::StepKind> step_kind(const std::string& name) {
  for (trace::StepKind k :
       {trace::StepKind::statement, trace::StepKind::tick, trace::StepKind::fault,
        trace::StepKind::abort, trace::StepKind::orphan}) {
    if (name == trace::step_kind_name(k)) return k;
  }
  return std::nullopt;
}

std::string string_field(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool same_file(const std::string& a, const std::string& b) {
  if (a == b) return true;
  std::error_code ec;
  bool same = std::filesystem::equivalent(a, b, ec);
  return !ec && same;
}

std::string file_list(const std::vector<const json*>& specs) {
  std::string out;
  for (const json* s : specs) out += (out.empty() ? "" : ", ") + string_field(*s, "file");
  return out;
}

// The spec object for `spec_path`, or null with `error` set.
const json* pick_spec(const json& specs, const std::string& json_path, const std::string& spec_path,
                      bool& other_file, std::string& error) {
  std::vector<const json*> all;
  for (const json& s : specs)
    if (s.is_object()) all.push_back(&s);
  if (all.empty()) {
    error = fmt::format("{}: the report holds no spec", json_path);
    return nullptr;
  }
  for (const json* s : all)
    if (same_file(string_field(*s, "file"), spec_path)) return s;
  other_file = true;
  // A copy of the spec, edited elsewhere, still replays the trace of the report's only spec.
  if (all.size() == 1) return all.front();
  std::string name = std::filesystem::path(spec_path).filename().string();
  std::vector<const json*> named;
  for (const json* s : all)
    if (std::filesystem::path(string_field(*s, "file")).filename().string() == name)
      named.push_back(s);
  if (named.size() == 1) return named.front();
  error = fmt::format("{}: the report has no spec checked from {} (it has {})", json_path,
                      spec_path, file_list(named.empty() ? all : named));
  return nullptr;
}

bool read_steps(const json& trace, const std::string& where, RecordedTrace& out,
                std::string& error) {
  for (size_t i = 0; i < trace.size(); ++i) {
    const json& s = trace[i];
    compile::RecordedStep step;
    step.step = static_cast<int>(i + 1);
    if (!s.is_object()) {
      error = fmt::format("{}: step {} is not an object", where, step.step);
      return false;
    }
    if (auto it = s.find("step"); it != s.end() && it->is_number_integer()) {
      step.step = it->get<int>();
    }
    for (const char* key : {"actor", "kind"}) {
      if (!s.contains(key) || !s[key].is_string()) {
        error = fmt::format("{}: step {} has no '{}'", where, step.step, key);
        return false;
      }
    }
    step.actor = s["actor"].get<std::string>();
    std::string kind = s["kind"].get<std::string>();
    std::optional<trace::StepKind> k = step_kind(kind);
    if (!k) {
      error =
          fmt::format("{}: step {}: unknown kind '{}' (expected statement, tick, fault or abort)",
                      where, step.step, kind);
      return false;
    }
    step.kind = *k;
    if (auto it = s.find("line"); it != s.end() && it->is_number_integer()) {
      step.line = it->get<int>();
    } else if (step.kind == trace::StepKind::statement) {
      error = fmt::format("{}: step {} has no 'line'", where, step.step);
      return false;
    }
    step.text = string_field(s, "text");
    step.result = string_field(s, "result");
    out.steps.push_back(std::move(step));
  }
  return true;
}

}  // namespace

bool read_recorded_trace(const std::string& text, const std::string& json_path,
                         const std::string& spec_path, const std::string& property,
                         RecordedTrace& out, std::string& error) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("specs") ||
      !doc["specs"].is_array()) {
    error = fmt::format("{}: not a JSON report of 'lockcheck check --json'", json_path);
    return false;
  }
  if (auto it = doc.find("schema");
      it != doc.end() && it->is_number_integer() && it->get<int64_t>() != kSchema) {
    error = fmt::format("{}: the report has schema {}; this lockcheck reads schema {}", json_path,
                        it->get<int64_t>(), kSchema);
    return false;
  }
  const json* spec = pick_spec(doc["specs"], json_path, spec_path, out.other_file, error);
  if (spec == nullptr) return false;
  out.file = string_field(*spec, "file");

  std::vector<const json*> traced;
  std::vector<std::string> names;
  const json* chosen = nullptr;
  if (auto it = spec->find("properties"); it != spec->end() && it->is_array()) {
    for (const json& p : *it) {
      if (!p.is_object()) continue;
      names.push_back(string_field(p, "name"));
      bool has_trace = p.contains("trace") && p["trace"].is_array();
      if (has_trace) traced.push_back(&p);
      if (!property.empty() && names.back() == property) chosen = &p;
    }
  }
  if (!property.empty()) {
    if (chosen == nullptr) {
      std::string list;
      for (const std::string& n : names) list += (list.empty() ? "" : ", ") + n;
      error = fmt::format("{}: {} has no property named '{}' (it has {})", json_path, out.file,
                          property, list.empty() ? "none" : list);
      return false;
    }
    if (!chosen->contains("trace") || !(*chosen)["trace"].is_array()) {
      std::string status = string_field(*chosen, "status");
      error = fmt::format("{}: {} of {} has no trace (its status is {})", json_path, property,
                          out.file, status.empty() ? "not recorded" : status);
      return false;
    }
  } else {
    if (traced.empty()) {
      error = fmt::format("{}: no property of {} has a trace (nothing was violated)", json_path,
                          out.file);
      return false;
    }
    chosen = traced.front();
    for (size_t i = 1; i < traced.size(); ++i)
      out.others.push_back(string_field(*traced[i], "name"));
  }
  out.property = string_field(*chosen, "name");
  out.status = string_field(*chosen, "status");
  out.explanation = string_field(*chosen, "explanation");
  if (string_field(*chosen, "trace_kind") == "lasso") {
    if (auto it = chosen->find("loop_to"); it != chosen->end() && it->is_number_integer())
      out.loop_to = it->get<int>();
  }
  out.member = string_field(*chosen, "member");
  return read_steps((*chosen)["trace"], json_path, out, error);
}

}  // namespace lockcheck::cli
