// html_fixture OUT_DIR: writes the HTML reports of the hand-made results of html_fixture.h into
// OUT_DIR (index.html plus one page per spec), for the browser test and for screenshots.
#include <fmt/format.h>

#include <string>
#include <vector>

#include "reports/html_fixture.h"
#include "reports/html_report.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    fmt::print(stderr, "usage: {} OUT_DIR\n", argc > 0 ? argv[0] : "html_fixture");
    return 2;
  }
  namespace fixture = lockcheck::reports::fixture;
  std::vector<lockcheck::trace::SpecResult> results = {
      fixture::lost_update(), fixture::holds(), fixture::hostile(), fixture::deadlock_abort(),
      fixture::without_lanes()};
  std::string error;
  if (!lockcheck::reports::write_html(results, argv[1], error)) {
    fmt::print(stderr, "html_fixture: {}\n", error);
    return 1;
  }
  for (const auto& name : lockcheck::reports::html_page_names(results)) {
    fmt::print("{}/{}\n", argv[1], name);
  }
  fmt::print("{}/index.html\n", argv[1]);
  return 0;
}
