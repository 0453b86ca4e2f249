#include "reports/text_width.h"

#include <algorithm>

namespace lockcheck::reports {
namespace {

bool continuation_byte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

std::string_view skip_spaces(std::string_view s) {
  size_t start = s.find_first_not_of(' ');
  return start == std::string_view::npos ? std::string_view() : s.substr(start);
}

// Where to break `s` so that the piece before takes at most `room` columns: the last space that
// allows it, or npos when the first word alone is too wide.
size_t break_at(std::string_view s, size_t room) {
  size_t cut = std::string_view::npos;
  size_t columns = 0;
  for (size_t i = 0; i < s.size() && columns <= room; ++i) {
    if (s[i] == ' ' && i > 0) cut = i;
    if (!continuation_byte(s[i])) ++columns;
  }
  return cut;
}

std::string fit_line(std::string_view line, size_t width) {
  if (display_width(line) <= width) return std::string(line);
  size_t indent = line.find_first_not_of(' ');
  if (indent == std::string_view::npos) return std::string();
  // A hanging indent shows that the pieces belong together; on a very narrow terminal it would
  // leave no room, so there the pieces start where the line did.
  const size_t next_indent = indent + 2 <= width / 2 ? indent + 2 : indent;
  std::string out;
  std::string_view rest = line.substr(indent);
  size_t pad = indent;
  while (true) {
    size_t room = width > pad ? width - pad : 1;
    out.append(pad, ' ');
    if (display_width(rest) <= room) {
      out += rest;
      break;
    }
    size_t cut = break_at(rest, room);
    if (cut == std::string_view::npos) {  // one word wider than the room: cut it
      cut = std::min(rest.find(' '), rest.size());
      out += truncate_to(rest.substr(0, cut), room);
    } else {
      std::string_view piece = rest.substr(0, cut);
      while (!piece.empty() && piece.back() == ' ') piece.remove_suffix(1);
      out += piece;
    }
    rest = skip_spaces(rest.substr(cut));
    if (rest.empty()) break;
    out += '\n';
    pad = next_indent;
  }
  return out;
}

}  // namespace

size_t display_width(std::string_view s) {
  size_t n = 0;
  for (char c : s) {
    if (!continuation_byte(c)) ++n;
  }
  return n;
}

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

std::string truncate_to(std::string_view s, size_t width) {
  if (display_width(s) <= width) return std::string(s);
  if (width == 0) return std::string();
  std::string out;
  size_t columns = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (!continuation_byte(s[i])) {
      if (columns + 1 == width) break;  // the last column is the ellipsis
      ++columns;
    }
    out += s[i];
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out + "…";
}

std::vector<std::string> wrap_words(std::string_view text, size_t width) {
  std::vector<std::string> lines;
  std::string line;
  size_t line_width = 0;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == ' ') {
      ++i;
      continue;
    }
    size_t end = text.find(' ', i);
    if (end == std::string_view::npos) end = text.size();
    std::string_view word = text.substr(i, end - i);
    size_t w = display_width(word);
    if (!line.empty() && line_width + 1 + w > width) {
      lines.push_back(std::move(line));
      line.clear();
      line_width = 0;
    }
    if (!line.empty()) {
      line += ' ';
      ++line_width;
    }
    line += word;
    line_width += w;
    i = end;
  }
  if (!line.empty()) lines.push_back(std::move(line));
  return lines;
}

std::string fit_lines(std::string_view text, size_t width) {
  if (width == 0) return std::string(text);
  std::string out;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    out += fit_line(line, width);
    if (end == std::string_view::npos) break;
    out += '\n';
    text.remove_prefix(end + 1);
  }
  return out;
}

}  // namespace lockcheck::reports
