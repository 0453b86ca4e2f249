#include "reports/text_trace.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string_view>

#include "reports/text_width.h"

namespace lockcheck::reports {
namespace {

constexpr std::array<std::string_view, 3> kBuiltins = {"found", "row_count", "sql_error"};
// Narrower than this, a changes column would hold a word or two a line: they go below instead.
constexpr size_t kMinChangesRoom = 30;
// The statement keeps this much room even when the result column is wide.
constexpr size_t kMinTextRoom = 24;

enum class Group { stores = 0, process = 1, builtin = 2 };

// Changes to a process's fields have paths "<process>.<field>"; the processes are those of the
// state after the step, and the actor for traces without states.
Group group_of(const trace::Change& c, const trace::TraceStep& step) {
  auto field_of = [&](std::string_view process) -> std::string_view {
    std::string_view path = c.path;
    if (process.empty() || path.size() <= process.size() + 1 || !path.starts_with(process) ||
        path[process.size()] != '.') {
      return {};
    }
    return path.substr(process.size() + 1);
  };
  std::string_view field = field_of(step.actor);
  for (size_t i = 0; field.empty() && i < step.after.processes.size(); ++i) {
    field = field_of(step.after.processes[i].name);
  }
  if (field.empty()) return Group::stores;
  bool builtin = std::find(kBuiltins.begin(), kBuiltins.end(), field) != kBuiltins.end();
  return builtin ? Group::builtin : Group::process;
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

void pad_to(std::string& line, std::string_view cell, size_t width) {
  line += cell;
  for (size_t w = display_width(cell); w < width; ++w) line += ' ';
}

void trim_right(std::string& s) {
  while (!s.empty() && s.back() == ' ') s.pop_back();
}

// "'worker[1]'" -> "worker[1]": a key's value as a reader names it.
std::string_view unquoted(std::string_view v) {
  if (v.size() >= 2 && v.front() == '\'' && v.back() == '\'') return v.substr(1, v.size() - 2);
  return v;
}

// A tick's result, and what it did to Redis: "now = 2; lock:1 of worker[1] expired" for each
// key it removed (with the node when there are several), so that a lease that runs out under
// its holder reads as such.
std::string tick_result(const trace::TraceStep& s) {
  std::string out = one_line(s.result);
  if (s.kind != trace::StepKind::tick) return out;
  for (const trace::Change& c : s.changes) {
    if (!c.to.empty() || c.from.empty() || !c.path.ends_with("']")) continue;
    for (const trace::RedisSnapshot& node : s.after.redis) {
      const std::string open = node.node + "['";
      if (!c.path.starts_with(open)) continue;
      std::string_view key(c.path);
      key = key.substr(open.size(), key.size() - open.size() - 2);
      out += fmt::format("{}{} of {} expired{}", out.empty() ? "" : "; ", key, unquoted(c.from),
                         s.after.redis.size() > 1 ? " on " + node.node : "");
    }
  }
  return out;
}

struct Row {
  std::string step, actor, text, result;
  std::vector<std::string> changes;
};

// Changes joined by ", " into lines of at most `room` columns; a line that more changes follow
// ends with the comma. A change wider than `room` gets a line of its own.
std::vector<std::string> pack(const std::vector<std::string>& changes, size_t room) {
  std::vector<std::string> lines;
  std::string line;
  for (size_t i = 0; i < changes.size(); ++i) {
    const bool last = i + 1 == changes.size();
    size_t wanted =
        display_width(line) + (line.empty() ? 0 : 2) + display_width(changes[i]) + (last ? 0 : 1);
    if (!line.empty() && wanted > room) {
      lines.push_back(line + ",");
      line.clear();
    }
    if (!line.empty()) line += ", ";
    line += changes[i];
  }
  if (!line.empty()) lines.push_back(std::move(line));
  return lines;
}

// "  3  user[1]  " with the step number right-aligned, so that steps 9 and 10 line up.
// Marks the lines written since `from` as lines of the cycle: "│" in the first column (the
// opening line of the box, when it is among them, keeps its corner).
void mark_cycle_lines(std::string& out, size_t from, bool in_cycle, bool skip_first) {
  if (!in_cycle) return;
  std::string marked = out.substr(0, from);
  bool first = true;
  for (size_t at = from; at < out.size();) {
    size_t end = out.find('\n', at);
    if (end == std::string::npos) end = out.size() - 1;
    std::string_view line(out.data() + at, end - at + 1);
    if ((first && skip_first) || !line.starts_with("  ")) {
      marked += line;
    } else {
      marked += "│ ";
      marked += line.substr(2);
    }
    first = false;
    at = end + 1;
  }
  out = std::move(marked);
}

// The box's closing line: where the cycle returns to.
std::string close_cycle(int first_step) {
  return first_step <= 1 ? std::string("  └ back to the initial state\n")
                         : fmt::format("  └ back to the state after step {}\n", first_step - 1);
}

std::string row_start(const Row& row, size_t step_width, size_t actor_width) {
  std::string line = "  ";
  for (size_t w = display_width(row.step); w < step_width; ++w) line += ' ';
  line += row.step;
  line += "  ";
  pad_to(line, row.actor, actor_width);
  line += "  ";
  return line;
}

}  // namespace

std::vector<trace::Change> ordered_changes(const trace::TraceStep& step, bool builtins) {
  std::vector<trace::Change> out;
  for (Group g : {Group::stores, Group::process, Group::builtin}) {
    if (g == Group::builtin && !builtins) continue;
    for (const trace::Change& c : step.changes) {
      if (group_of(c, step) == g) out.push_back(c);
    }
  }
  return out;
}

std::string render_trace(const std::vector<trace::TraceStep>& steps,
                         const TraceTextOptions& options) {
  std::vector<Row> rows;
  rows.reserve(steps.size());
  size_t w_step = 0, w_actor = 0, w_text = 0, w_result = 0, w_change = 0, w_changes = 0;
  for (const trace::TraceStep& s : steps) {
    Row row{std::to_string(s.step), one_line(s.actor), one_line(s.text), tick_result(s), {}};
    size_t all = 0;
    for (const trace::Change& c : ordered_changes(s, options.builtins)) {
      row.changes.push_back(render_change(c, s.actor));
      w_change = std::max(w_change, display_width(row.changes.back()));
      all += (all == 0 ? 0 : 2) + display_width(row.changes.back());
    }
    w_step = std::max(w_step, display_width(row.step));
    w_actor = std::max(w_actor, display_width(row.actor));
    w_text = std::max(w_text, display_width(row.text));
    w_result = std::max(w_result, display_width(row.result));
    w_changes = std::max(w_changes, all);
    rows.push_back(std::move(row));
  }
  const size_t text_col = 2 + w_step + 2 + w_actor + 2;
  // Where the changes column starts; a column empty on every step takes no room.
  const size_t changes_col = text_col + w_text + (w_result > 0 ? 2 + w_result : 0) + 2;
  const size_t width = options.width;
  const bool side_by_side =
      width == 0 ||
      changes_col + std::min(w_changes, std::max(kMinChangesRoom, w_change + 1)) <= width;

  std::string out;
  // A lasso's cycle (liveness): a box from its first step to its last, every line of it marked.
  size_t first_cycle = steps.size(), last_cycle = steps.size();
  for (size_t i = 0; i < steps.size(); ++i) {
    if (!steps[i].cycle) continue;
    if (first_cycle == steps.size()) first_cycle = i;
    last_cycle = i;
  }
  size_t row_index = 0;
  for (const Row& row : rows) {
    const size_t i = row_index++;
    const size_t out_before = out.size();
    if (i == first_cycle) {
      out += first_cycle == last_cycle
                 ? fmt::format("  ┌ cycle, step {}, repeats for ever\n", steps[first_cycle].step)
                 : fmt::format("  ┌ cycle, steps {}-{}, repeats for ever\n",
                               steps[first_cycle].step, steps[last_cycle].step);
    }
    std::string line = row_start(row, w_step, w_actor);
    if (side_by_side) {
      pad_to(line, row.text, w_text);
      if (w_result > 0) {
        line += "  ";
        pad_to(line, row.result, w_result);
      }
      line += "  ";
      std::vector<std::string> changes =
          width == 0 ? std::vector<std::string>{fmt::format("{}", fmt::join(row.changes, ", "))}
                     : pack(row.changes, width - changes_col);
      for (size_t i = 0; i < changes.size(); ++i) {
        if (i > 0) line = std::string(changes_col, ' ');
        line += changes[i];
        if (i + 1 < changes.size()) out += line + '\n';
      }
      trim_right(line);
      out += line + '\n';
      mark_cycle_lines(out, out_before, i >= first_cycle && i <= last_cycle, i == first_cycle);
      if (i == last_cycle) out += close_cycle(steps[first_cycle].step);
      continue;
    }
    // Too narrow for a changes column: the statement wraps beside its result, and the changes
    // go below it, two columns in.
    size_t room = width > text_col + (w_result > 0 ? 2 + w_result : 0)
                      ? width - text_col - (w_result > 0 ? 2 + w_result : 0)
                      : 0;
    room = std::min(w_text, std::max(room, kMinTextRoom));
    std::vector<std::string> text = wrap_words(row.text, room);
    if (text.empty()) text.emplace_back();
    pad_to(line, text[0], w_result > 0 ? room : 0);
    if (w_result > 0) line += "  " + row.result;
    trim_right(line);
    out += line + '\n';
    for (size_t i = 1; i < text.size(); ++i) out += std::string(text_col, ' ') + text[i] + '\n';
    const size_t indent = text_col + 2;
    for (const std::string& l : pack(row.changes, width > indent ? width - indent : 1)) {
      out += std::string(indent, ' ') + l + '\n';
    }
    mark_cycle_lines(out, out_before, i >= first_cycle && i <= last_cycle, i == first_cycle);
    if (i == last_cycle) out += close_cycle(steps[first_cycle].step);
  }
  // Whatever is still too wide (a value longer than the terminal) wraps at its spaces.
  return fit_lines(out, width);
}

}  // namespace lockcheck::reports
