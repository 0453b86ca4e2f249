#include "checker/base/diagnostics.h"

#include <fmt/format.h>

#include <algorithm>

namespace lockcheck {

void Diagnostics::error(SourceLoc loc, std::string message) {
  items_.push_back({Severity::error, loc, std::move(message)});
}

void Diagnostics::warning(SourceLoc loc, std::string message) {
  items_.push_back({Severity::warning, loc, std::move(message)});
}

void Diagnostics::note(SourceLoc loc, std::string message) {
  items_.push_back({Severity::note, loc, std::move(message)});
}

bool Diagnostics::has_errors() const {
  return std::any_of(items_.begin(), items_.end(),
                     [](const Diagnostic& d) { return d.severity == Severity::error; });
}

std::vector<Diagnostic> Diagnostics::sorted() const {
  std::vector<Diagnostic> out = items_;
  std::stable_sort(out.begin(), out.end(),
                   [](const Diagnostic& a, const Diagnostic& b) { return a.loc < b.loc; });
  out.erase(std::unique(out.begin(), out.end(),
                        [](const Diagnostic& a, const Diagnostic& b) {
                          return a.loc == b.loc && a.message == b.message;
                        }),
            out.end());
  return out;
}

void Diagnostics::append(const Diagnostics& other) {
  items_.insert(items_.end(), other.items_.begin(), other.items_.end());
}

namespace {

std::string_view line_of(std::string_view source, uint32_t line) {
  uint32_t current = 1;
  size_t start = 0;
  while (current < line) {
    size_t nl = source.find('\n', start);
    if (nl == std::string_view::npos) return {};
    start = nl + 1;
    ++current;
  }
  size_t end = source.find('\n', start);
  std::string_view text = source.substr(start, end == std::string_view::npos ? end : end - start);
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  return text;
}

}  // namespace

std::string render(const Diagnostic& d, std::string_view path, std::string_view source) {
  const char* kind = d.severity == Severity::error     ? "error"
                     : d.severity == Severity::warning ? "warning"
                                                       : "note";
  if (!d.loc.valid()) return fmt::format("{}: {}: {}\n", path, kind, d.message);
  std::string out =
      fmt::format("{}:{}:{}: {}: {}\n", path, d.loc.line, d.loc.column, kind, d.message);
  std::string_view text = line_of(source, d.loc.line);
  // Very long lines are cut around the spot so that the caret stays readable.
  constexpr size_t kMaxShown = 200;
  size_t col = d.loc.column == 0 ? 0 : d.loc.column - 1;
  size_t begin = 0;
  if (text.size() > kMaxShown && col > kMaxShown / 2) begin = col - kMaxShown / 2;
  std::string_view shown = text.substr(std::min(begin, text.size()), kMaxShown);
  out += "  ";
  out += shown;
  out += "\n  ";
  for (size_t i = begin; i < col && i - begin < shown.size(); ++i)
    out += text[i] == '\t' ? '\t' : ' ';
  out += "^\n";
  return out;
}

std::string render_all(const Diagnostics& ds, std::string_view path, std::string_view source) {
  std::string out;
  for (const Diagnostic& d : ds.sorted()) out += render(d, path, source);
  return out;
}

std::string closest_match(std::string_view word, const std::vector<std::string>& candidates) {
  auto distance = [](std::string_view a, std::string_view b) {
    std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
      cur[0] = i;
      for (size_t j = 1; j <= b.size(); ++j) {
        size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
        cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
      }
      std::swap(prev, cur);
    }
    return prev[b.size()];
  };
  // The distance costs the product of the lengths: past this length nobody mistyped a name, and
  // a hostile spec with huge names must not take hours to reject.
  constexpr size_t kMaxLength = 64;
  std::string best;
  size_t best_distance = 0;
  size_t limit = std::max<size_t>(1, word.size() / 3);
  if (word.size() > kMaxLength) return best;
  for (const std::string& c : candidates) {
    if (c == word || c.size() > word.size() + limit || word.size() > c.size() + limit) continue;
    size_t d = distance(word, c);
    if (d <= limit && (best.empty() || d < best_distance)) {
      best = c;
      best_distance = d;
    }
  }
  return best;
}

}  // namespace lockcheck
