#include "reports/junit_report.h"

#include <gtest/gtest.h>

#include <string>

#include "reports/sample_results.h"

namespace lockcheck::reports {
namespace {

JunitOptions no_time() { return JunitOptions{.show_time = false}; }

TEST(JunitReport, OneSuitePerSpecOneCasePerProperty) {
  EXPECT_EQ(junit_report({samples::naive_booking(), samples::transfer_deadlock()}, no_time()),
            R"xml(<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="lockcheck" tests="5" failures="1" errors="0" skipped="0">
  <testsuite name="specs/booking/naive.lcs" tests="3" failures="0" errors="0" skipped="0">
    <testcase classname="specs.booking.naive" name="no_oversell"/>
    <testcase classname="specs.booking.naive" name="deadlock"/>
    <testcase classname="specs.booking.naive" name="some_sale"/>
  </testsuite>
  <testsuite name="specs/payments/transfer.lcs" tests="2" failures="1" errors="0" skipped="0">
    <testcase classname="specs.payments.transfer" name="conserved"/>
    <testcase classname="specs.payments.transfer" name="deadlock">
      <failure message="a deadlock was found" type="not_as_expected">  1  client[1]  UPDATE accounts SET balance = balance - 10 WHERE id = 1  1 row    accounts[id=1].balance: 100 → 90
  2  client[2]  UPDATE accounts SET balance = balance - 10 WHERE id = 2  1 row    accounts[id=2].balance: 100 → 90
  3  client[1]  UPDATE accounts SET balance = balance + 10 WHERE id = 2  blocked
  4  client[2]  UPDATE accounts SET balance = balance + 10 WHERE id = 1  blocked
  deadlock: client[1] waits for client[2] (row accounts[id=2])
    client[2] waits for client[1] (row accounts[id=1])
</failure>
    </testcase>
  </testsuite>
</testsuites>
)xml");
}

TEST(JunitReport, MissingViolationsUnreachedPropertiesAndIncompleteSearches) {
  EXPECT_EQ(junit_report({samples::limited(), samples::fixed_but_expected_bad()}, no_time()),
            R"xml(<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="lockcheck" tests="5" failures="3" errors="0" skipped="1">
  <testsuite name="specs/inventory/big.lcs" tests="2" failures="0" errors="0" skipped="1">
    <testcase classname="specs.inventory.big" name="no_oversell">
      <skipped message="INCOMPLETE (state limit (1000 states))"/>
    </testcase>
    <testcase classname="specs.inventory.big" name="some_sale"/>
  </testsuite>
  <testsuite name="specs/booking/locked.lcs" tests="3" failures="3" errors="0" skipped="0">
    <testcase classname="specs.booking.locked" name="no_oversell">
      <failure message="no_oversell holds, but was expected to be violated" type="not_as_expected">  no_oversell: sold &lt;= 1   holds, but was expected to be violated
</failure>
    </testcase>
    <testcase classname="specs.booking.locked" name="some_sale">
      <failure message="some_sale was never reached" type="not_as_expected">  some_sale: sold &gt;= 1   was never reached
</failure>
    </testcase>
    <testcase classname="specs.booking.locked" name="deadlock">
      <failure message="no deadlock was found, but one was expected" type="not_as_expected">  deadlock: no deadlock was found, but one was expected
</failure>
    </testcase>
  </testsuite>
</testsuites>
)xml");
}

TEST(JunitReport, SpecErrorsAreOneFailingCase) {
  EXPECT_EQ(junit_report({samples::broken()}, no_time()),
            R"xml(<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="lockcheck" tests="1" failures="1" errors="0" skipped="0">
  <testsuite name="specs/errors/typo.lcs" tests="1" failures="1" errors="0" skipped="0">
    <testcase classname="specs.errors.typo" name="spec">
      <failure message="spec errors" type="error">specs/errors/typo.lcs:3:10: error: unknown variable 'sodl' (did you mean 'sold'?)
  invariant x: sodl &lt;= 1 &amp; "y";
               ^
</failure>
    </testcase>
  </testsuite>
</testsuites>
)xml");
}

TEST(JunitReport, TimesWhenAskedFor) {
  std::string xml = junit_report({samples::naive_booking(), samples::limited()}, JunitOptions{});
  EXPECT_NE(xml.find(R"(<testsuites name="lockcheck" tests="5" failures="0" errors="0" )"
                     R"(skipped="1" time="0.375">)"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find(R"(<testsuite name="specs/booking/naive.lcs" tests="3" failures="0" )"
                     R"(errors="0" skipped="0" time="0.250">)"),
            std::string::npos)
      << xml;
}

TEST(JunitReport, SpecNotAsExpectedWithoutAPropertyToBlameStillFails) {
  trace::SpecResult r = samples::naive_booking();
  r.properties.erase(r.properties.begin());
  r.as_expected = false;
  std::string xml = junit_report({r}, no_time());
  EXPECT_NE(xml.find(R"(<testsuite name="specs/booking/naive.lcs" tests="3" failures="1")"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("    <testcase classname=\"specs.booking.naive\" name=\"spec\">\n"
                     "      <failure message=\"HOLDS (NOT EXPECTED)\" type=\"not_as_expected\">"
                     "HOLDS (NOT EXPECTED)\n</failure>\n"),
            std::string::npos)
      << xml;
}

TEST(JunitReport, NamesAreEscaped) {
  trace::SpecResult r = samples::naive_booking();
  r.file = "odd dir/a&b\".lcs";
  r.properties.resize(1);
  r.properties[0].status = trace::Status::holds;
  r.properties[0].expected = trace::Status::holds;
  r.properties[0].name = "x<y>";
  std::string xml = junit_report({r}, no_time());
  EXPECT_NE(xml.find(R"(<testsuite name="odd dir/a&amp;b&quot;.lcs")"), std::string::npos) << xml;
  EXPECT_NE(xml.find(R"(<testcase classname="odd dir.a&amp;b&quot;" name="x&lt;y&gt;"/>)"),
            std::string::npos)
      << xml;
}

TEST(XmlEscape, Content) {
  EXPECT_EQ(xml_escape("a < b && c > 'd' \"e\"\n\tf", false),
            "a &lt; b &amp;&amp; c &gt; 'd' \"e\"\n\tf");
}

TEST(XmlEscape, Attribute) {
  EXPECT_EQ(xml_escape("a < b & 'd' \"e\"\n\r\t", true),
            "a &lt; b &amp; &apos;d&apos; &quot;e&quot;&#10;&#13;&#9;");
}

TEST(XmlEscape, CharactersXmlCannotCarryBecomeReplacements) {
  EXPECT_EQ(xml_escape(std::string("a\0b\x01\x1b[0m\x7f", 9), false),
            "a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD\xEF\xBF\xBD[0m\xEF\xBF\xBD");
  // Invalid UTF-8: a stray continuation byte, a truncated sequence, an overlong '/', a surrogate.
  EXPECT_EQ(xml_escape("\x80|\xE2\x86|\xC0\xAF|\xED\xA0\x80", false),
            "\xEF\xBF\xBD|\xEF\xBF\xBD\xEF\xBF\xBD|\xEF\xBF\xBD\xEF\xBF\xBD|"
            "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  // Valid multi-byte text passes unchanged.
  EXPECT_EQ(xml_escape("0 → 1 ✓ 😀", false), "0 → 1 ✓ 😀");
}

}  // namespace
}  // namespace lockcheck::reports
