#include "reports/html_report.h"

#include <fmt/format.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <string_view>
#include <utility>

#include "reports/html/html_assets.h"
#include "reports/html_data.h"
#include "reports/html_escape.h"

namespace lockcheck::reports {
namespace {

using trace::SpecResult;
using trace::Status;

// Replaces the {{NAME}} markers of the template. Only the template is scanned: text put in is
// never scanned again, so a spec containing "{{LC_JS}}" stays as it is.
std::string fill_template(std::string_view tpl,
                          const std::vector<std::pair<std::string_view, std::string>>& values) {
  std::string out;
  out.reserve(tpl.size() + 4096);
  size_t pos = 0;
  while (pos < tpl.size()) {
    size_t open = tpl.find("{{", pos);
    if (open == std::string_view::npos) break;
    size_t close = tpl.find("}}", open + 2);
    if (close == std::string_view::npos) break;
    std::string_view name = tpl.substr(open + 2, close - open - 2);
    const std::string* value = nullptr;
    for (const auto& [key, text] : values) {
      if (key == name) value = &text;
    }
    out.append(tpl.substr(pos, open - pos));
    if (value) {
      out += *value;
    } else {
      out.append(tpl.substr(open, close + 2 - open));
    }
    pos = close + 2;
  }
  out.append(tpl.substr(pos));
  return out;
}

std::string with_commas(uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// As the page shows it: "4.0 ms", "0.25 s", "12.5 s".
std::string format_seconds(double s) {
  if (s < 0.001) return "< 1 ms";
  if (s < 0.1) return fmt::format("{:.{}f} ms", s * 1000, s < 0.01 ? 1 : 0);
  if (s < 10) return fmt::format("{:.2f} s", s);
  return fmt::format("{:.1f} s", s);
}

std::string join_names(const SpecResult& result, bool (*pick)(const trace::PropertyResult&)) {
  std::string out;
  for (const auto& p : result.properties) {
    if (!pick(p)) continue;
    if (!out.empty()) out += ", ";
    out += p.name;
  }
  return out;
}

// "violated: no_oversell", "holds", "error", or "unknown (stopped: ...)".
std::string verdict_text(const SpecResult& result) {
  if (!result.error_text.empty()) return "spec error";
  std::string violated = join_names(
      result, [](const trace::PropertyResult& p) { return p.status == Status::violated; });
  if (!violated.empty()) return "violated: " + violated;
  if (!result.complete) {
    return result.incomplete_reason.empty() ? "unknown (search stopped)"
                                            : "unknown (" + result.incomplete_reason + ")";
  }
  return "holds";
}

std::string expected_text(const SpecResult& result) {
  std::string violated = join_names(
      result, [](const trace::PropertyResult& p) { return p.expected == Status::violated; });
  return violated.empty() ? "holds" : "violated: " + violated;
}

std::string title_of(const SpecResult& result) {
  std::string spec = result.spec.empty() ? "(unnamed spec)" : result.spec;
  std::string verdict = verdict_text(result);
  std::string expectation = !result.error_text.empty() ? ""
                            : result.as_expected       ? " (as expected)"
                                                       : " (NOT as expected)";
  return fmt::format("{}: {}{} · lockcheck", spec, verdict, expectation);
}

// What a reader without JavaScript still learns: the verdict of each property.
std::string noscript_summary(const SpecResult& result) {
  std::string out =
      "<p>This report draws its diagrams with JavaScript, which is off. Verdicts:</p><ul>";
  if (!result.error_text.empty()) {
    out += "<li>spec errors:<pre>" + escape_html(result.error_text) + "</pre></li>";
  }
  for (const auto& p : result.properties) {
    out += fmt::format("<li>{}: {} (expected {})</li>", escape_html(p.name),
                       trace::status_name(p.status), trace::status_name(p.expected));
  }
  return out + "</ul>";
}

// A relative link: bytes outside a small safe set are percent-encoded, which also keeps a file
// name from being read as a scheme ("javascript:").
std::string encode_href(std::string_view path) {
  std::string out;
  for (unsigned char c : path) {
    bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '_' || c == '.' || c == '~' || c == '/';
    if (safe) {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

bool write_file(const std::filesystem::path& path, const std::string& content, std::string& error) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) {
    error = fmt::format("cannot write {}: {}", path.string(), std::strerror(errno));
    return false;
  }
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  out.close();
  if (!out) {
    error = fmt::format("cannot write {}: {}", path.string(), std::strerror(errno));
    return false;
  }
  return true;
}

bool ends_with_html(const std::string& path) {
  constexpr std::string_view kExt = ".html";
  if (path.size() < kExt.size()) return false;
  std::string tail = path.substr(path.size() - kExt.size());
  for (char& c : tail) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return tail == kExt;
}

}  // namespace

std::string render_html(const SpecResult& result) {
  std::string data =
      spec_result_to_json(result).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return fill_template(html_assets::kTemplate, {{"LC_TITLE", escape_html(title_of(result))},
                                                {"LC_CSS", std::string(html_assets::kStyle)},
                                                {"LC_NOSCRIPT", noscript_summary(result)},
                                                {"LC_DATA", escape_json_for_script(data)},
                                                {"LC_JS", std::string(html_assets::kScript)}});
}

std::string render_html_index(const std::vector<SpecResult>& results,
                              const std::vector<std::string>& report_files) {
  // A spec with errors was not checked at all: it is counted apart from the specs whose check
  // contradicted their expectations.
  size_t good = 0, errors = 0;
  for (const auto& r : results) {
    if (!r.error_text.empty()) {
      ++errors;
    } else if (r.as_expected) {
      ++good;
    }
  }
  size_t bad = results.size() - good - errors;
  std::string rows;
  for (size_t i = 0; i < results.size(); ++i) {
    const SpecResult& r = results[i];
    const bool spec_error = !r.error_text.empty();
    std::string name = escape_html(r.spec.empty() ? r.file : r.spec);
    std::string link =
        i < report_files.size() && !report_files[i].empty()
            ? fmt::format("<a href=\"{}\">{}</a>", escape_html(encode_href(report_files[i])), name)
            : name;
    rows += fmt::format(
        "<tr class=\"{}\"><td>{}<div class=\"file meta\">{}</div></td><td>{}</td><td>{}</td>"
        "<td class=\"as-expected {}\">{}</td><td class=\"num\">{}</td>"
        "<td class=\"num\">{}</td></tr>\n",
        spec_error      ? "spec-error"
        : r.as_expected ? "expected"
                        : "not-expected",
        link, escape_html(r.file), escape_html(verdict_text(r)), escape_html(expected_text(r)),
        r.as_expected ? "yes" : "no",
        spec_error      ? "✗ spec error"
        : r.as_expected ? "✓ as expected"
                        : "✗ not as expected",
        with_commas(r.stats.states), format_seconds(r.stats.seconds));
  }
  std::string verdict_class = bad == 0 && errors == 0 ? "ok" : "bad";
  std::string verdict = bad > 0 ? "NOT AS EXPECTED" : errors > 0 ? "SPEC ERRORS" : "AS EXPECTED";
  std::string errors_text =
      errors == 0 ? "" : fmt::format(", {} spec error{}", errors, errors == 1 ? "" : "s");
  return fmt::format(
      R"(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="generator" content="lockcheck">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>lockcheck: {} specs, {} not as expected{}</title>
<style>
{}
</style>
</head>
<body>
<header class="page-head">
<div class="title-row"><div><p class="brand">lockcheck report</p><h1>{} specs checked</h1></div>
<div class="verdict {}" id="verdict">{}</div></div>
<p class="summary">{} as expected, {} not as expected{}.</p>
</header>
<section class="properties">
<table class="grid index">
<thead><tr><th>spec</th><th>verdict</th><th>expected</th><th></th>
<th>states</th><th>time</th></tr></thead>
<tbody>
{}</tbody>
</table>
</section>
</body>
</html>
)",
      results.size(), bad, errors_text, html_assets::kStyle, results.size(), verdict_class, verdict,
      good, bad, errors_text, rows);
}

std::vector<std::string> html_page_names(const std::vector<SpecResult>& results) {
  std::set<std::string> used = {"index"};
  std::vector<std::string> names;
  for (const auto& r : results) {
    std::string base = r.spec;
    if (base.empty()) base = std::filesystem::path(r.file).stem().string();
    base = safe_file_stem(base.empty() ? "spec" : base);
    std::string stem = base;
    for (int n = 2; used.count(stem) > 0; ++n) stem = fmt::format("{}-{}", base, n);
    used.insert(stem);
    names.push_back(stem + ".html");
  }
  return names;
}

bool write_html(const std::vector<SpecResult>& results, const std::string& path,
                std::string& error) {
  namespace fs = std::filesystem;
  if (results.size() == 1 && ends_with_html(path)) {
    fs::path file(path);
    if (file.has_parent_path()) {
      std::error_code ec;
      fs::create_directories(file.parent_path(), ec);
      if (ec) {
        error = fmt::format("cannot create {}: {}", file.parent_path().string(), ec.message());
        return false;
      }
    }
    return write_file(file, render_html(results[0]), error);
  }
  if (results.size() > 1 && ends_with_html(path)) {
    error = fmt::format("cannot write {} specs to {}: several specs need a folder", results.size(),
                        path);
    return false;
  }
  fs::path dir(path);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir)) {
    error = fmt::format("cannot create folder {}: {}", path,
                        ec ? ec.message() : "a file of that name exists");
    return false;
  }
  std::vector<std::string> names = html_page_names(results);
  for (size_t i = 0; i < results.size(); ++i) {
    if (!write_file(dir / names[i], render_html(results[i]), error)) return false;
  }
  return write_file(dir / "index.html", render_html_index(results, names), error);
}

}  // namespace lockcheck::reports
