#include "reports/text_report.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "reports/sample_results.h"

namespace lockcheck::reports {
namespace {

TextOptions no_time() {
  TextOptions o;
  o.show_time = false;
  return o;
}

TEST(TextReport, Thousands) {
  EXPECT_EQ(with_thousands(0), "0");
  EXPECT_EQ(with_thousands(999), "999");
  EXPECT_EQ(with_thousands(1000), "1,000");
  EXPECT_EQ(with_thousands(1204), "1,204");
  EXPECT_EQ(with_thousands(1234567), "1,234,567");
  EXPECT_EQ(with_thousands(UINT64_MAX), "18,446,744,073,709,551,615");
}

TEST(TextReport, ExpectedViolationWithTrace) {
  EXPECT_EQ(text_report(samples::naive_booking(), no_time()),
            "specs/booking/naive.lcs: VIOLATED no_oversell (expected)   1,204 states, depth 7\n"
            "  1  user[1]  SELECT available INTO a FROM seats WHERE id = 123   a = 1  a: 0 → 1\n"
            "  2  user[2]  SELECT available INTO a FROM seats WHERE id = 123   a = 1  a: 0 → 1\n"
            "  3  user[1]  UPDATE seats SET available = $a - 1 WHERE id = 123  1 row  "
            "seats[id=123].available: 1 → 0, sold: 0 → 1\n"
            "  4  user[2]  UPDATE seats SET available = $a - 1 WHERE id = 123  1 row  sold: 1 → 2\n"
            "  no_oversell: sold <= 1   is false: sold = 2\n");
}

TEST(TextReport, TimeIsShownByDefault) {
  std::string report = text_report(samples::naive_booking(), TextOptions{});
  EXPECT_EQ(report.substr(0, report.find('\n')),
            "specs/booking/naive.lcs: VIOLATED no_oversell (expected)   1,204 states, depth 7, "
            "0.25 s");
}

TEST(TextReport, LongTraceAlignsStepNumbersAndSkipsEmptyCells) {
  EXPECT_EQ(
      text_report(samples::redis_lease(), no_time()),
      "specs/locks/lease.lcs: VIOLATED one_holder (NOT EXPECTED)   1,234,567 states, depth 12\n"
      "  note: symmetry off for worker: worker[2] is named\n"
      "   1  worker[1]  ok = cache: SET lock:123 $self NX EX 2  OK  "
      "cache['lock:123']: (none) → 'worker[1]', ok: false → true\n"
      "   2  clock      tick                                        clock: 0 → 1\n"
      "   3  clock      tick                                        clock: 1 → 2\n"
      "   4  cache      restart cache\n"
      "   5  clock      tick                                        clock: 2 → 3\n"
      "   6  clock      tick                                        clock: 3 → 4\n"
      "   7  clock      tick                                        clock: 4 → 5\n"
      "   8  clock      tick                                        clock: 5 → 6\n"
      "   9  clock      tick                                        clock: 6 → 7\n"
      "  10  worker[2]  ok = cache: SET lock:123 $self NX EX 2  OK  "
      "cache['lock:123']: (none) → 'worker[2]', ok: false → true\n"
      "  11  worker[1]  cache: DEL lock:123                     1   "
      "cache['lock:123']: 'worker[2]' → (none)\n"
      "  one_holder: count w in worker: w.holding <= 1   is false: count = 2\n");
}

TEST(TextReport, DeadlockWithMultiLineStatementAndCycle) {
  EXPECT_EQ(text_report(samples::transfer_deadlock(), no_time()),
            "specs/payments/transfer.lcs: VIOLATED deadlock (NOT EXPECTED)   42 states, depth 5\n"
            "  1  client[1]  UPDATE accounts SET balance = balance - 10 WHERE id = 1  1 row    "
            "accounts[id=1].balance: 100 → 90\n"
            "  2  client[2]  UPDATE accounts SET balance = balance - 10 WHERE id = 2  1 row    "
            "accounts[id=2].balance: 100 → 90\n"
            "  3  client[1]  UPDATE accounts SET balance = balance + 10 WHERE id = 2  blocked\n"
            "  4  client[2]  UPDATE accounts SET balance = balance + 10 WHERE id = 1  blocked\n"
            "  deadlock: client[1] waits for client[2] (row accounts[id=2])\n"
            "    client[2] waits for client[1] (row accounts[id=1])\n");
}

TEST(TextReport, IncompleteSaysWhatWasNotFound) {
  EXPECT_EQ(text_report(samples::limited(), no_time()),
            "specs/inventory/big.lcs: INCOMPLETE (state limit (1000 states))   1,000 states, "
            "depth 9\n"
            "  no_oversell: sold <= STOCK   expected violation not found before the search "
            "stopped\n");
}

TEST(TextReport, MissingExpectedViolationsAndUnreachedProperty) {
  EXPECT_EQ(text_report(samples::fixed_but_expected_bad(), no_time()),
            "specs/booking/locked.lcs: VIOLATED some_sale (NOT EXPECTED); expected violation not "
            "found: no_oversell, deadlock (NOT EXPECTED)   999 states, depth 6\n"
            "  no_oversell: sold <= 1   holds, but was expected to be violated\n"
            "  some_sale: sold >= 1   was never reached\n"
            "  deadlock: no deadlock was found, but one was expected\n");
}

TEST(TextReport, SpecErrorsAreOneLineUnlessAskedFor) {
  EXPECT_EQ(text_report(samples::broken(), no_time()), "specs/errors/typo.lcs: ERROR\n");
  TextOptions with_errors = no_time();
  with_errors.show_error_text = true;
  EXPECT_EQ(text_report(samples::broken(), with_errors),
            "specs/errors/typo.lcs: ERROR\n"
            "  specs/errors/typo.lcs:3:10: error: unknown variable 'sodl' (did you mean 'sold'?)\n"
            "    invariant x: sodl <= 1 & \"y\";\n"
            "                 ^\n");
}

TEST(TextReport, HoldsWhenEverythingHolds) {
  trace::SpecResult r = samples::naive_booking();
  r.properties.erase(r.properties.begin());  // drop the violated one
  EXPECT_EQ(verdict(r), "HOLDS");
  EXPECT_EQ(outcome(r), Outcome::as_expected);
  EXPECT_EQ(text_report(r, no_time()), "specs/booking/naive.lcs: HOLDS   1,204 states, depth 7\n");
}

TEST(TextReport, CheckerVerdictWinsWhenNoPropertyExplainsIt) {
  trace::SpecResult r = samples::naive_booking();
  r.properties.erase(r.properties.begin());
  r.as_expected = false;
  EXPECT_EQ(verdict(r), "HOLDS (NOT EXPECTED)");
  EXPECT_EQ(outcome(r), Outcome::not_as_expected);
}

TEST(TextReport, UnexpectedViolationInAnIncompleteSearch) {
  trace::SpecResult r = samples::redis_lease();
  r.complete = false;
  r.incomplete_reason = "time limit (2 s)";
  EXPECT_EQ(verdict(r), "VIOLATED one_holder (NOT EXPECTED); INCOMPLETE (time limit (2 s))");
  EXPECT_EQ(outcome(r), Outcome::not_as_expected);
}

TEST(TextReport, ExpectedViolationInAnIncompleteSearch) {
  trace::SpecResult r = samples::naive_booking();
  r.complete = false;
  r.incomplete_reason = "interrupted";
  EXPECT_EQ(verdict(r), "VIOLATED no_oversell (expected); INCOMPLETE (interrupted)");
  EXPECT_EQ(outcome(r), Outcome::incomplete);
}

TEST(TextReport, MixedExpectations) {
  trace::SpecResult r = samples::naive_booking();
  r.properties[1].status = trace::Status::violated;  // the deadlock, unexpected
  EXPECT_EQ(verdict(r), "VIOLATED no_oversell (expected), deadlock (NOT EXPECTED)");
}

TEST(TextReport, Outcomes) {
  EXPECT_EQ(outcome(samples::naive_booking()), Outcome::as_expected);
  EXPECT_EQ(outcome(samples::redis_lease()), Outcome::not_as_expected);
  EXPECT_EQ(outcome(samples::transfer_deadlock()), Outcome::not_as_expected);
  EXPECT_EQ(outcome(samples::limited()), Outcome::incomplete);
  EXPECT_EQ(outcome(samples::fixed_but_expected_bad()), Outcome::not_as_expected);
  EXPECT_EQ(outcome(samples::broken()), Outcome::error);
  EXPECT_STREQ(outcome_name(Outcome::as_expected), "as_expected");
  EXPECT_STREQ(outcome_name(Outcome::not_as_expected), "not_as_expected");
  EXPECT_STREQ(outcome_name(Outcome::incomplete), "incomplete");
  EXPECT_STREQ(outcome_name(Outcome::error), "error");
}

TEST(TextReport, BareInvariantExplanationGetsItsWords) {
  trace::PropertyResult p = samples::naive_booking().properties[0];
  p.has_trace = false;
  p.explanation = "sold = 2";
  EXPECT_EQ(property_details(p, true), "  no_oversell: sold <= 1   is false: sold = 2\n");
  p.explanation = "";
  EXPECT_EQ(property_details(p, true), "  no_oversell: sold <= 1   is false\n");
}

TEST(TextReport, PropertiesAsExpectedHaveNoDetails) {
  trace::SpecResult r = samples::naive_booking();
  EXPECT_EQ(property_details(r.properties[1], true), "");
  EXPECT_EQ(property_details(r.properties[2], true), "");
}

TEST(TextReport, Summary) {
  EXPECT_EQ(text_summary({samples::naive_booking()}), "1 spec: 1 as expected\n");
  EXPECT_EQ(text_summary({samples::naive_booking(), samples::redis_lease(), samples::limited(),
                          samples::broken()}),
            "4 specs: 1 as expected, 1 NOT as expected, 1 incomplete, 1 with errors\n");
}

}  // namespace
}  // namespace lockcheck::reports
