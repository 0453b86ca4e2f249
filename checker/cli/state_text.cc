#include "checker/cli/state_text.h"

#include <fmt/format.h>

#include <algorithm>

namespace lockcheck::cli {

namespace {

// Statements may span lines in the spec; a state shows each on one.
std::string one_line(const std::string& text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::string joined(const std::vector<trace::NamedValue>& values) {
  std::string out;
  for (const auto& v : values)
    out += fmt::format("{}{} = {}", out.empty() ? "" : ", ", v.name, v.value);
  return out;
}

// Display width: values may hold UTF-8 (text literals), and a column lines up by characters.
size_t width(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

void pad(std::string& line, const std::string& cell, size_t w) {
  line += cell;
  line.append(w - std::min(w, width(cell)), ' ');
}

void trim_right(std::string& line) {
  while (!line.empty() && line.back() == ' ') line.pop_back();
}

void table_text(const trace::TableSnapshot& t, const std::string& indent, std::string& out) {
  out += fmt::format("{}table {}\n", indent, t.name);
  std::vector<size_t> w(t.columns.size());
  for (size_t c = 0; c < t.columns.size(); ++c) w[c] = width(t.columns[c]);
  for (const auto& row : t.rows)
    for (size_t c = 0; c < row.cells.size() && c < w.size(); ++c)
      w[c] = std::max(w[c], width(row.cells[c]));
  auto grid_line = [&](const std::vector<std::string>& cells, const std::string& note) {
    std::string line = indent + "  ";
    for (size_t c = 0; c < cells.size() && c < w.size(); ++c) pad(line, cells[c], w[c] + 2);
    if (!note.empty()) line += " " + note;
    trim_right(line);
    out += line + '\n';
  };
  grid_line(t.columns, "");
  if (t.rows.empty()) out += indent + "  (no rows)\n";
  for (const auto& row : t.rows) {
    std::string note = row.lock;
    if (!row.pending.empty()) note += (note.empty() ? "" : "; ") + row.pending;
    grid_line(row.cells, note);
  }
}

void redis_text(const trace::RedisSnapshot& node, const std::string& indent, std::string& out) {
  out += fmt::format("{}redis {}{}\n", indent, node.node, node.keys.empty() ? "  (no keys)" : "");
  size_t w = 0;
  for (const auto& k : node.keys) w = std::max(w, width(k.key) + 2 + 3 + width(k.value));
  for (const auto& k : node.keys) {
    std::string line = indent + "  ";
    pad(line, fmt::format("'{}' = {}", k.key, k.value), w);
    if (!k.expires_at.empty()) line += "   expires at " + k.expires_at;
    trim_right(line);
    out += line + '\n';
  }
}

void process_text(const trace::ProcessSnapshot& p, size_t name_width, const std::string& indent,
                  std::string& out) {
  std::string line = indent;
  pad(line, p.name, name_width + 2);
  line += p.status;
  if (p.line > 0) line += fmt::format(", at line {}: {}", p.line, one_line(p.position));
  if (!p.transaction.empty()) line += fmt::format("   (transaction {})", p.transaction);
  out += line + '\n';
  if (!p.locals.empty()) {
    out += indent + std::string(name_width + 2, ' ') + joined(p.locals) + '\n';
  }
}

}  // namespace

std::string state_text(const trace::StateSnapshot& s, const std::string& indent) {
  std::string out;
  if (s.has_clock) out += fmt::format("{}clock    {}\n", indent, s.clock);
  if (!s.shared.empty()) out += fmt::format("{}shared   {}\n", indent, joined(s.shared));
  if (!s.ghosts.empty()) out += fmt::format("{}ghosts   {}\n", indent, joined(s.ghosts));
  for (const auto& t : s.tables) table_text(t, indent, out);
  for (const auto& node : s.redis) redis_text(node, indent, out);
  size_t name_width = 0;
  for (const auto& p : s.processes) name_width = std::max(name_width, width(p.name));
  for (const auto& p : s.processes) process_text(p, name_width, indent, out);
  return out;
}

std::string changes_text(const std::vector<trace::Change>& changes) {
  std::string out;
  for (const auto& c : changes) {
    out += fmt::format("{}{}: {} → {}", out.empty() ? "" : ", ", c.path,
                       c.from.empty() ? "(none)" : c.from, c.to.empty() ? "(none)" : c.to);
  }
  return out;
}

}  // namespace lockcheck::cli
