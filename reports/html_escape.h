// Escaping for the HTML report: text into HTML, and JSON into an inline <script> element.
#pragma once

#include <string>
#include <string_view>

namespace lockcheck::reports {

// Text for an HTML element or a quoted attribute value: & < > " ' become entities.
std::string escape_html(std::string_view text);

// JSON text made safe to place inside <script type="application/json">: '<', '>' and '&' become
// \u escapes (valid JSON only inside strings, which is the only place JSON has them), so
// "</script>" or "<!--" in a spec's text cannot end or confuse the element. U+2028 and U+2029 are
// escaped too, for older JavaScript parsers.
std::string escape_json_for_script(std::string_view json);

// A spec name turned into a safe file name: letters, digits, '-', '_' and '.' are kept, anything
// else becomes '_'; never empty and never starting with '.'.
std::string safe_file_stem(std::string_view name);

}  // namespace lockcheck::reports
