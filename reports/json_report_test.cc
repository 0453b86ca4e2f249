#include "reports/json_report.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "reports/sample_results.h"

namespace lockcheck::reports {
namespace {

using nlohmann::json;

JsonOptions version() { return JsonOptions{.version = "9.8.7"}; }

TEST(JsonReport, ExactShapeOfAnExpectedViolation) {
  trace::SpecResult r = samples::naive_booking();
  r.properties[0].trace.resize(1);  // one step is enough to pin the layout of a step
  EXPECT_EQ(json_report({r}, version()), R"({
  "lockcheck": "9.8.7",
  "schema": 1,
  "specs": [
    {
      "file": "specs/booking/naive.lcs",
      "spec": "naive",
      "outcome": "as_expected",
      "as_expected": true,
      "complete": true,
      "stats": {
        "states": 1204,
        "transitions": 3012,
        "depth": 7,
        "seconds": 0.25,
        "peak_memory_bytes": 65536,
        "bytes_per_state": 12
      },
      "notes": [],
      "properties": [
        {
          "name": "no_oversell",
          "kind": "invariant",
          "status": "violated",
          "expected": "violated",
          "as_expected": true,
          "text": "sold <= 1",
          "explanation": "is false: sold = 2",
          "faults": 0,
          "trace": [
            {
              "step": 1,
              "actor": "user[1]",
              "kind": "statement",
              "line": 6,
              "text": "SELECT available INTO a FROM seats WHERE id = 123",
              "result": "a = 1",
              "changes": [
                {
                  "path": "user[1].a",
                  "from": 0,
                  "to": 1
                }
              ]
            }
          ]
        },
        {
          "name": "deadlock",
          "kind": "deadlock",
          "status": "holds",
          "expected": "holds",
          "as_expected": true,
          "text": "",
          "explanation": ""
        },
        {
          "name": "some_sale",
          "kind": "reachable",
          "status": "holds",
          "expected": "holds",
          "as_expected": true,
          "text": "sold >= 1",
          "explanation": ""
        }
      ]
    }
  ]
}
)");
}

TEST(JsonReport, TraceLengthIsTheCounterexampleLength) {
  json j = json::parse(json_report({samples::naive_booking()}, version()));
  EXPECT_EQ(j["specs"][0]["properties"][0]["trace"].size(), 4u);
  EXPECT_EQ(j["specs"][0]["properties"][0]["trace"][3]["step"], 4);
}

TEST(JsonReport, ValuesBecomeJsonValuesAndAbsentSidesAreLeftOut) {
  json j = json::parse(json_report({samples::redis_lease()}, version()));
  const json& p = j["specs"][0]["properties"][0];
  EXPECT_EQ(p["faults"], 1);
  const json& first = p["trace"][0]["changes"];
  EXPECT_EQ(first[0], json({{"path", "cache['lock:123']"}, {"to", "'worker[1]'"}}));
  EXPECT_EQ(first[1], json({{"path", "worker[1].ok"}, {"from", false}, {"to", true}}));
  EXPECT_EQ(p["trace"][1]["kind"], "tick");
  EXPECT_EQ(p["trace"][3]["kind"], "fault");
  EXPECT_EQ(p["trace"][3]["changes"], json::array());
  EXPECT_EQ(p["trace"][10]["changes"][0],
            json({{"path", "cache['lock:123']"}, {"from", "'worker[2]'"}}));
  EXPECT_EQ(j["specs"][0]["outcome"], "not_as_expected");
  EXPECT_EQ(j["specs"][0]["as_expected"], false);
  EXPECT_EQ(j["specs"][0]["notes"], json({"symmetry off for worker: worker[2] is named"}));
}

TEST(JsonReport, NullsAndNumbersThatAreNotPlainIntegers) {
  trace::SpecResult r = samples::naive_booking();
  r.properties[0].trace[0].changes = {{"a", "null", "-3"},
                                      {"b", "'null'", "007"},
                                      {"c", "1.5", "-0"},
                                      {"d", "99999999999999999999", "x"}};
  json j = json::parse(json_report({r}, version()));
  const json& c = j["specs"][0]["properties"][0]["trace"][0]["changes"];
  EXPECT_EQ(c[0], json({{"path", "a"}, {"from", nullptr}, {"to", -3}}));
  EXPECT_EQ(c[1], json({{"path", "b"}, {"from", "'null'"}, {"to", "007"}}));
  EXPECT_EQ(c[2], json({{"path", "c"}, {"from", "1.5"}, {"to", "-0"}}));
  EXPECT_EQ(c[3], json({{"path", "d"}, {"from", "99999999999999999999"}, {"to", "x"}}));
}

TEST(JsonReport, ReachableNeverReachedHasNoTrace) {
  json j = json::parse(json_report({samples::fixed_but_expected_bad()}, version()));
  const json& p = j["specs"][0]["properties"][1];
  EXPECT_EQ(p["name"], "some_sale");
  EXPECT_EQ(p["status"], "violated");
  EXPECT_FALSE(p.contains("trace"));
  EXPECT_FALSE(p.contains("faults"));
}

TEST(JsonReport, SpecErrorsAndIncompleteSearches) {
  json j = json::parse(json_report({samples::broken(), samples::limited()}, version()));
  const json& broken = j["specs"][0];
  EXPECT_EQ(broken["outcome"], "error");
  EXPECT_EQ(broken["error"], samples::broken().error_text);
  json errors = json::array();
  errors.push_back({{"file", "specs/errors/typo.lcs"},
                    {"line", 3},
                    {"column", 10},
                    {"message", "unknown variable 'sodl' (did you mean 'sold'?)"}});
  EXPECT_EQ(broken["errors"], errors);
  EXPECT_FALSE(broken.contains("incomplete_reason"));
  EXPECT_EQ(broken["properties"], json::array());
  const json& limited = j["specs"][1];
  EXPECT_EQ(limited["outcome"], "incomplete");
  EXPECT_EQ(limited["complete"], false);
  EXPECT_EQ(limited["incomplete_reason"], "state limit (1000 states)");
  EXPECT_FALSE(limited.contains("error"));
  EXPECT_FALSE(limited.contains("errors"));
  EXPECT_EQ(limited["properties"][0]["status"], "unknown");
  EXPECT_EQ(limited["properties"][0]["expected"], "violated");
}

TEST(JsonReport, NoSpecs) {
  EXPECT_EQ(json_report({}, version()),
            "{\n  \"lockcheck\": \"9.8.7\",\n  \"schema\": 1,\n  \"specs\": []\n}\n");
}

TEST(JsonReport, InvalidUtf8IsReplacedNotThrown) {
  trace::SpecResult r = samples::broken();
  r.error_text = "bad \xff byte";
  json j = json::parse(json_report({r}, version()));
  EXPECT_EQ(j["specs"][0]["error"], "bad \xEF\xBF\xBD byte");
}

TEST(JsonReport, ADeadlockListsItsWaitForCycle) {
  trace::SpecResult r = samples::naive_booking();
  trace::PropertyResult& p = r.properties[0];
  p.wait_for = {{"alice", "bob", "accounts[id=2]"}, {"bob", "alice", "accounts[id=1]"}};
  json j = json::parse(json_report({r}, version()));
  EXPECT_EQ(j["specs"][0]["properties"][0]["wait_for"],
            json::parse(R"([{"from":"alice","to":"bob","row":"accounts[id=2]"},
                            {"from":"bob","to":"alice","row":"accounts[id=1]"}])"));
  // Other properties have no such field.
  EXPECT_FALSE(j["specs"][0]["properties"][1].contains("wait_for"));
}

}  // namespace
}  // namespace lockcheck::reports
