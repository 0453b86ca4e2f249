#include "reports/html_report.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "reports/html_escape.h"
#include "reports/html_fixture.h"

namespace lockcheck::reports {
namespace {

namespace fixture = lockcheck::reports::fixture;
using nlohmann::json;

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

// The JSON the page's script reads, parsed back.
json embedded_data(const std::string& page) {
  const std::string open = "<script type=\"application/json\" id=\"lc-data\">";
  size_t begin = page.find(open);
  EXPECT_NE(begin, std::string::npos);
  begin += open.size();
  size_t end = page.find("</script>", begin);
  EXPECT_NE(end, std::string::npos);
  return json::parse(page.substr(begin, end - begin));
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

TEST(HtmlEscape, EscapesTheFiveSpecialCharacters) {
  EXPECT_EQ(escape_html("a < b && c > \"d\" 'e'"),
            "a &lt; b &amp;&amp; c &gt; &quot;d&quot; &#39;e&#39;");
  EXPECT_EQ(escape_html("plain text [1]"), "plain text [1]");
}

TEST(HtmlEscape, JsonForScriptCannotCloseTheElementAndStillParses) {
  json original = {{"spec", "</script><script>alert(1)</script><!-- & \u2028"}};
  std::string escaped = escape_json_for_script(original.dump());
  EXPECT_EQ(escaped.find('<'), std::string::npos);
  EXPECT_EQ(escaped.find('>'), std::string::npos);
  EXPECT_EQ(escaped.find('&'), std::string::npos);
  EXPECT_EQ(escaped.find("\u2028"), std::string::npos);
  EXPECT_EQ(json::parse(escaped), original);
}

TEST(HtmlEscape, SafeFileStems) {
  EXPECT_EQ(safe_file_stem("booking_naive-2.v1"), "booking_naive-2.v1");
  EXPECT_EQ(safe_file_stem("../etc/passwd"), "_.._etc_passwd");
  EXPECT_EQ(safe_file_stem(""), "_");
  EXPECT_EQ(safe_file_stem("a b/c"), "a_b_c");
}

TEST(HtmlReport, PageIsSelfContained) {
  std::string page = render_html(fixture::lost_update());
  EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(count(page, "{{LC_"), 0u) << "a template marker was left unfilled";
  EXPECT_EQ(count(page, "<link"), 0u);
  EXPECT_EQ(count(page, "src="), 0u);
  EXPECT_EQ(count(page, "@import"), 0u);
  EXPECT_EQ(count(page, "url(http"), 0u);
  // Two scripts: the data and the code that draws it; one inline stylesheet.
  EXPECT_EQ(count(page, "<script"), 2u);
  EXPECT_EQ(count(page, "</script>"), 2u);
  EXPECT_EQ(count(page, "<style>"), 1u);
  EXPECT_NE(page.find("<title>lease_cache_crash: violated: no_lost_update (as expected)"),
            std::string::npos);
}

TEST(HtmlReport, DataHoldsTheLanesStepsAndStates) {
  json data = embedded_data(render_html(fixture::lost_update()));
  EXPECT_EQ(data["spec"], "lease_cache_crash");
  ASSERT_EQ(data["lanes"].size(), 5u);
  EXPECT_EQ(data["lanes"][2]["name"], "db");
  EXPECT_EQ(data["lanes"][2]["kind"], "database");
  EXPECT_EQ(data["lanes"][4]["kind"], "clock");
  ASSERT_EQ(data["properties"].size(), 3u);
  const json& lost = data["properties"][0];
  EXPECT_EQ(lost["status"], "violated");
  EXPECT_EQ(lost["expected"], "violated");
  ASSERT_EQ(lost["trace"].size(), 7u);  // one arrow per step
  EXPECT_EQ(lost["trace"][2]["kind"], "fault");
  EXPECT_EQ(lost["trace"][3]["kind"], "tick");
  EXPECT_EQ(lost["trace"][1]["changes"][0]["path"], "items[id=7].stock");
  const json& after = lost["trace"][4]["after"];
  EXPECT_EQ(after["clock"], 2);
  EXPECT_EQ(after["redis"][0]["keys"].size(), 1u) << "lock:7 expired at the second tick";
  EXPECT_EQ(after["processes"][0]["status"], "crashed");
  EXPECT_EQ(after["tables"][0]["rows"][0]["cells"][1], "1");
  EXPECT_EQ(data["initial"]["redis"][0]["keys"][0]["key"], "stock:7");
  EXPECT_EQ(data["properties"][1]["trace"].size(), 0u);
  EXPECT_EQ(data["stats"]["states"], 318);
}

TEST(HtmlReport, HostileStringsStayData) {
  std::string page = render_html(fixture::hostile());
  EXPECT_EQ(page.find(fixture::kHostile), std::string::npos);
  EXPECT_EQ(count(page, "<script"), 2u);
  EXPECT_EQ(count(page, "</script>"), 2u);
  EXPECT_EQ(page.find("<img src=x"), std::string::npos);
  EXPECT_EQ(page.find("<svg onload"), std::string::npos);
  EXPECT_NE(page.find("<title>&lt;/script&gt;&lt;script&gt;window.__pwned = 1&lt;/script&gt;"),
            std::string::npos);
  // "{{LC_JS}}" in the file name is data, not a marker: the script is in the page once.
  EXPECT_EQ(count(page, "lockcheck HTML report: draws the page"), 1u);
  json data = embedded_data(page);
  EXPECT_EQ(data["spec"], fixture::kHostile);
  EXPECT_EQ(data["file"], "specs/\"quoted\" & <b>bold</b> {{LC_JS}}.lcs");
  EXPECT_EQ(data["notes"][1], "\u2028 line separator \u2029");
}

TEST(HtmlReport, InvalidUtf8DoesNotThrow) {
  trace::SpecResult r = fixture::holds();
  r.spec = "bad \xff\xfe bytes";
  std::string page;
  EXPECT_NO_THROW(page = render_html(r));
  EXPECT_NE(embedded_data(page)["spec"].get<std::string>().find("bad "), std::string::npos);
}

TEST(HtmlReport, SpecErrorsAreShown) {
  trace::SpecResult r;
  r.file = "specs/errors/bad.lcs";
  r.spec = "bad";
  r.error_text = "bad.lcs:3:5: error: unknown table 'seat'\n  SELECT * FROM seat;\n    ^";
  std::string page = render_html(r);
  EXPECT_EQ(embedded_data(page)["error_text"], r.error_text);
  EXPECT_NE(page.find("<title>bad: spec error · lockcheck</title>"), std::string::npos);
  EXPECT_NE(page.find("unknown table &#39;seat&#39;"), std::string::npos) << "noscript summary";
}

TEST(HtmlIndex, LinksEverySpecWithItsVerdict) {
  std::vector<trace::SpecResult> results = {fixture::lost_update(), fixture::holds(),
                                            fixture::hostile()};
  std::vector<std::string> names = html_page_names(results);
  std::string page = render_html_index(results, names);
  EXPECT_EQ(count(page, "<a href="), 3u);
  EXPECT_NE(page.find("<a href=\"lease_cache_crash.html\">lease_cache_crash</a>"),
            std::string::npos);
  EXPECT_NE(page.find("<a href=\"booking_pessimistic.html\">booking_pessimistic</a>"),
            std::string::npos);
  EXPECT_NE(page.find("&lt;/script&gt;&lt;script&gt;window.__pwned"), std::string::npos);
  EXPECT_EQ(page.find(fixture::kHostile), std::string::npos);
  EXPECT_EQ(count(page, "<script"), 0u);
  EXPECT_NE(page.find("<td>violated: no_lost_update</td><td>violated: no_lost_update</td>"),
            std::string::npos);
  EXPECT_NE(page.find("<td>holds</td><td>holds</td>"), std::string::npos);
  EXPECT_NE(page.find("1,204"), std::string::npos);
  EXPECT_EQ(count(page, "class=\"not-expected\""), 1u);
  EXPECT_NE(page.find("NOT AS EXPECTED"), std::string::npos);
}

TEST(HtmlIndex, CountsSpecErrorsApart) {
  trace::SpecResult bad;
  bad.file = "specs/errors/bad.lcs";
  bad.spec = "bad";
  bad.error_text = "bad.lcs:3:5: error: unknown table 'seat'\n";
  std::vector<trace::SpecResult> results = {fixture::lost_update(), fixture::holds(), bad};
  std::string page = render_html_index(results, html_page_names(results));
  EXPECT_NE(page.find("<title>lockcheck: 3 specs, 0 not as expected, 1 spec error</title>"),
            std::string::npos);
  EXPECT_NE(page.find("<p class=\"summary\">2 as expected, 0 not as expected, 1 spec error.</p>"),
            std::string::npos);
  EXPECT_EQ(count(page, "class=\"not-expected\""), 0u);
  EXPECT_EQ(count(page, "class=\"spec-error\""), 1u);
  EXPECT_NE(page.find("✗ spec error"), std::string::npos);
  EXPECT_NE(page.find(">SPEC ERRORS<"), std::string::npos);
  results = {fixture::lost_update(), fixture::holds()};
  page = render_html_index(results, html_page_names(results));
  EXPECT_NE(page.find("<p class=\"summary\">2 as expected, 0 not as expected.</p>"),
            std::string::npos);
  EXPECT_NE(page.find(">AS EXPECTED<"), std::string::npos);
}

TEST(HtmlIndex, HrefsArePercentEncoded) {
  std::vector<trace::SpecResult> results = {fixture::holds()};
  std::string page = render_html_index(results, {"javascript:alert(1) \"x\".html"});
  EXPECT_NE(page.find("href=\"javascript%3Aalert%281%29%20%22x%22.html\""), std::string::npos);
}

TEST(HtmlIndex, PageNamesAreSafeUniqueAndNeverIndex) {
  std::vector<trace::SpecResult> results(4, fixture::holds());
  results[1].spec = "booking_pessimistic";
  results[2].spec = "index";
  results[3].spec = "";
  results[3].file = "specs/locks/redlock.lcs";
  EXPECT_EQ(html_page_names(results),
            (std::vector<std::string>{"booking_pessimistic.html", "booking_pessimistic-2.html",
                                      "index-2.html", "redlock.html"}));
}

class HtmlWrite : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("lc_html_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(HtmlWrite, OneSpecToAFile) {
  std::string error;
  std::string path = (dir_ / "sub" / "report.html").string();
  ASSERT_TRUE(write_html({fixture::lost_update()}, path, error)) << error;
  EXPECT_EQ(read_file(path), render_html(fixture::lost_update()));
  EXPECT_FALSE(std::filesystem::exists(dir_ / "sub" / "index.html"));
}

TEST_F(HtmlWrite, SeveralSpecsToAFolderWithAnIndex) {
  std::string error;
  std::vector<trace::SpecResult> results = {fixture::lost_update(), fixture::holds()};
  ASSERT_TRUE(write_html(results, dir_.string(), error)) << error;
  EXPECT_TRUE(std::filesystem::exists(dir_ / "lease_cache_crash.html"));
  EXPECT_TRUE(std::filesystem::exists(dir_ / "booking_pessimistic.html"));
  std::string index = read_file(dir_ / "index.html");
  EXPECT_NE(index.find("href=\"lease_cache_crash.html\""), std::string::npos);
}

TEST_F(HtmlWrite, OneSpecToAFolderWhenThePathIsNotHtml) {
  std::string error;
  ASSERT_TRUE(write_html({fixture::holds()}, dir_.string(), error)) << error;
  EXPECT_TRUE(std::filesystem::exists(dir_ / "index.html"));
  EXPECT_TRUE(std::filesystem::exists(dir_ / "booking_pessimistic.html"));
}

TEST_F(HtmlWrite, ReportsIoErrorsAsValues) {
  std::filesystem::create_directories(dir_);
  std::ofstream(dir_ / "plain_file") << "x";
  std::string error;
  EXPECT_FALSE(
      write_html({fixture::holds(), fixture::holds()}, (dir_ / "plain_file").string(), error));
  EXPECT_NE(error.find("plain_file"), std::string::npos) << error;
  error.clear();
  EXPECT_FALSE(write_html({fixture::holds()}, (dir_ / "plain_file" / "x.html").string(), error));
  EXPECT_NE(error.find("plain_file"), std::string::npos) << error;
}

TEST_F(HtmlWrite, SeveralSpecsNeverMakeAFolderNamedLikeAPage) {
  std::string error;
  std::string page = (dir_ / "report.html").string();
  EXPECT_FALSE(write_html({fixture::holds(), fixture::holds()}, page, error));
  EXPECT_EQ(error, "cannot write 2 specs to " + page + ": several specs need a folder");
  EXPECT_FALSE(std::filesystem::exists(page));
}

}  // namespace
}  // namespace lockcheck::reports
