#include "tests/golden_annotations.h"

#include <gtest/gtest.h>

#include "reports/sample_results.h"

namespace lockcheck::golden {
namespace {

using Lines = std::vector<std::string>;
namespace samples = reports::samples;

TEST(GoldenAnnotations, AllKinds) {
  Annotations a = parse_annotations(
      "// A spec.\n"
      "// @trace no_oversell 4\n"
      "//@faults no_oversell 1\n"
      "  // @status some_sale holds\n"
      "// @const SEATS=2\n"
      "// @const D=-1\n"
      "// @max-states 1000\n"
      "var x = 1;  // @as-expected false\n"
      "// @error 3:10: unknown variable 'sodl'; did you mean 'sold'?\n"
      "// @error 0:0: no processes\n"
      "// a mention of @trace in prose is not an annotation\n");
  EXPECT_EQ(a.problems, Lines{});
  EXPECT_EQ(a.trace_length, (std::map<std::string, uint64_t>{{"no_oversell", 4}}));
  EXPECT_EQ(a.faults, (std::map<std::string, uint64_t>{{"no_oversell", 1}}));
  EXPECT_EQ(a.status, (std::map<std::string, trace::Status>{{"some_sale", trace::Status::holds}}));
  EXPECT_EQ(a.consts, (std::vector<std::pair<std::string, int64_t>>{{"SEATS", 2}, {"D", -1}}));
  EXPECT_EQ(a.max_states, 1000u);
  EXPECT_FALSE(a.as_expected);
  EXPECT_EQ(a.errors,
            (Lines{"3:10: unknown variable 'sodl'; did you mean 'sold'?", "0:0: no processes"}));
}

TEST(GoldenAnnotations, DefaultsWithoutAnnotations) {
  Annotations a = parse_annotations("ghost sold = 0;\n/* @trace x 1 */\n");
  EXPECT_EQ(a.problems, Lines{});
  EXPECT_TRUE(a.trace_length.empty());
  EXPECT_TRUE(a.as_expected);
  EXPECT_FALSE(a.max_states);
}

TEST(GoldenAnnotations, TyposAndMalformedAnnotationsAreProblems) {
  Annotations a = parse_annotations(
      "// @trcae x 4\n"
      "// @trace x\n"
      "// @trace x four\n"
      "// @faults x -1\n"
      "// @status x broken\n"
      "// @const X\n"
      "// @max-states 0\n"
      "// @as-expected no\n"
      "// @error unknown variable\n"
      "// @error 3:10:missing space\n"
      "// @trace y 1\n"
      "// @trace y 2\n"
      "// @\n");
  EXPECT_EQ(a.problems,
            (Lines{
                "line 1: unknown annotation @trcae",
                "line 2: malformed annotation '@trace x': expected @trace PROPERTY NUMBER",
                "line 3: malformed annotation '@trace x four': expected @trace PROPERTY NUMBER",
                "line 4: malformed annotation '@faults x -1': expected @faults PROPERTY NUMBER",
                "line 5: malformed annotation '@status x broken': expected @status PROPERTY "
                "holds|violated|unknown|inconclusive",
                "line 6: malformed annotation '@const X': expected @const NAME=VALUE",
                "line 7: malformed annotation '@max-states 0': expected @max-states NUMBER",
                "line 8: malformed annotation '@as-expected no': expected @as-expected "
                "true|false",
                "line 9: malformed annotation '@error unknown variable': expected @error "
                "LINE:COL: MESSAGE",
                "line 10: malformed annotation '@error 3:10:missing space': expected @error "
                "LINE:COL: MESSAGE",
                "line 12: @trace y given twice",
                "line 13: unknown annotation @",
            }));
}

TEST(GoldenAnnotations, RenderedErrors) {
  EXPECT_EQ(rendered_errors("specs/x.lcs:3:10: error: unknown variable 'sodl'\n"
                            "    sold = sodl + 1;\n"
                            "           ^\n"
                            "specs/x.lcs:1:1: note: declared here\n"
                            "specs/x.lcs: error: no processes\n"
                            "specs/x.lcs:6:1: error: expected a declaration, found 'foo'\n"
                            "  foo: error: bar\n",
                            "specs/x.lcs"),
            (Lines{"3:10: unknown variable 'sodl'", "0:0: no processes",
                   "6:1: expected a declaration, found 'foo'"}));
}

TEST(GoldenCompare, PassingSpecs) {
  EXPECT_EQ(compare(parse_annotations("// @trace no_oversell 4\n// @faults no_oversell 0\n"
                                      "// @status some_sale holds\n// @status deadlock holds\n"),
                    samples::naive_booking(), "specs/booking/naive.lcs"),
            Lines{});
  EXPECT_EQ(compare(parse_annotations("// @as-expected false\n// @trace one_holder 11\n"
                                      "// @faults one_holder 1\n"),
                    samples::redis_lease(), "specs/locks/lease.lcs"),
            Lines{});
  EXPECT_EQ(compare(parse_annotations("// @error 3:10: unknown variable 'sodl' (did you mean "
                                      "'sold'?)\n"),
                    samples::broken(), "specs/errors/typo.lcs"),
            Lines{});
}

TEST(GoldenCompare, NoAnnotationsMeansAsExpected) {
  EXPECT_EQ(compare(Annotations{}, samples::naive_booking(), "x"), Lines{});
  EXPECT_EQ(compare(Annotations{}, samples::redis_lease(), "x"),
            (Lines{"the run is not as expected (not_as_expected): VIOLATED one_holder (NOT "
                   "EXPECTED)"}));
  EXPECT_EQ(compare(Annotations{}, samples::limited(), "x"),
            (Lines{"the run is not as expected (incomplete): INCOMPLETE (state limit (1000 "
                   "states))"}));
  EXPECT_EQ(compare(Annotations{}, samples::broken(), "specs/errors/typo.lcs"),
            (Lines{"the spec was rejected, but it has no @error annotations"}));
}

TEST(GoldenCompare, Mismatches) {
  Annotations a = parse_annotations(
      "// @as-expected false\n"
      "// @trace no_oversell 3\n"
      "// @trace some_sale 2\n"
      "// @trace nothing 1\n"
      "// @faults no_oversell 1\n"
      "// @status deadlock violated\n"
      "// @bogus\n");
  EXPECT_EQ(compare(a, samples::naive_booking(), "x"),
            (Lines{
                "line 7: unknown annotation @bogus",
                "@as-expected false, but the run is as expected: VIOLATED no_oversell "
                "(expected)",
                "@status deadlock violated: it is holds",
                "@trace no_oversell 3: the shortest trace has 4 steps",
                "@trace nothing: no property named 'nothing' (the properties: no_oversell, "
                "deadlock, some_sale)",
                "@trace some_sale 2: it is holds, with no trace",
                "@faults no_oversell 1: the trace has 0 fault steps (counted as 0)",
            }));
}

TEST(GoldenCompare, FaultsAreCountedInTheTraceAndByTheChecker) {
  trace::SpecResult r = samples::redis_lease();
  r.properties[0].faults = 2;  // disagrees with the one fault step of the trace
  EXPECT_EQ(compare(parse_annotations("// @as-expected false\n// @faults one_holder 1\n"), r, "x"),
            (Lines{"@faults one_holder 1: the trace has 1 fault steps (counted as 2)"}));
}

TEST(GoldenCompare, ErrorMismatches) {
  EXPECT_EQ(compare(parse_annotations("// @error 3:10: unknown variable 'x'\n"), samples::broken(),
                    "specs/errors/typo.lcs"),
            (Lines{"the errors differ; expected:", "  3:10: unknown variable 'x'",
                   "actual:", "  3:10: unknown variable 'sodl' (did you mean 'sold'?)"}));
  EXPECT_EQ(
      compare(parse_annotations("// @error 1:1: boom\n// @trace x 1\n"), samples::naive_booking(),
              "x"),
      (Lines{"@error cannot be combined with @trace, @lasso, @faults, @status or @as-expected",
             "expected the spec to be rejected, but it was accepted; expected errors:",
             "  1:1: boom"}));
}

}  // namespace
}  // namespace lockcheck::golden
