// The JUnit XML report (`--junit`): one <testsuite> per spec, one <testcase> per property. A
// property that is not as expected is a <failure> whose text is its trace as the text report
// prints it, so CI servers show the counterexample without any plug-in.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "checker/trace/check_result.h"

namespace lockcheck::reports {

struct JunitOptions {
  bool show_time = true;  // tests turn it off: times differ from run to run
};

std::string junit_report(const std::vector<trace::SpecResult>& results,
                         const JunitOptions& options);

// Escapes text for XML content and attribute values: the five special characters, and control
// characters and invalid UTF-8 (which XML 1.0 cannot carry at all) as U+FFFD. With
// `attribute`, tabs and line breaks become character references so they survive parsing.
std::string xml_escape(std::string_view text, bool attribute);

}  // namespace lockcheck::reports
