// Diagnostics are values: collected while reading a spec, sorted by location, and rendered like a
// compiler's ("file:line:column: error: message", the source line, a caret under the spot).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "checker/base/source_location.h"

namespace lockcheck {

enum class Severity { error, warning, note };  // warnings: lints, which never fail a check

struct Diagnostic {
  Severity severity = Severity::error;
  SourceLoc loc;
  std::string message;
};

class Diagnostics {
 public:
  void error(SourceLoc loc, std::string message);
  void warning(SourceLoc loc, std::string message);
  void note(SourceLoc loc, std::string message);
  bool has_errors() const;
  const std::vector<Diagnostic>& all() const { return items_; }
  // Sorted by location (stable for equal locations), duplicates at the same spot removed.
  std::vector<Diagnostic> sorted() const;
  void append(const Diagnostics& other);

 private:
  std::vector<Diagnostic> items_;
};

// Renders one diagnostic: "path:line:col: error: message\n  source line\n  ^\n".
// `source` is the whole file text; a diagnostic without a location renders as "path: error: ...".
std::string render(const Diagnostic& d, std::string_view path, std::string_view source);
// Renders every diagnostic, sorted.
std::string render_all(const Diagnostics& ds, std::string_view path, std::string_view source);

// "did you mean" support: the closest candidate within a small edit distance, or "".
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace lockcheck
