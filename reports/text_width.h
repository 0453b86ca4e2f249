// Fitting plain text to a terminal's width. Widths are counted in code points, since values and
// statements may hold UTF-8 ("→" in every change) and a terminal shows each as one column.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace lockcheck::reports {

// The columns `s` takes on a terminal: its code points.
size_t display_width(std::string_view s);

// `s` on one line: every run of spaces, tabs and line breaks one space (a statement may span
// several source lines; a trace step starts on one).
std::string one_line(std::string_view s);

// `s` cut to `width` columns, its last column an ellipsis ("…") when anything was cut.
std::string truncate_to(std::string_view s, size_t width);

// `text` broken at spaces into lines of at most `width` columns; a word longer than `width`
// gets a line of its own (longer than `width`). Runs of spaces at a break are dropped.
std::vector<std::string> wrap_words(std::string_view text, size_t width);

// Every line of `text` (lines end with '\n') that is wider than `width` broken at spaces, its
// continuation lines indented two columns deeper than it, and any piece still too wide
// truncated. `width` 0 leaves the text as it is.
std::string fit_lines(std::string_view text, size_t width);

}  // namespace lockcheck::reports
