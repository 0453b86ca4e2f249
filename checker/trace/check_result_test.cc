#include "checker/trace/check_result.h"

#include <gtest/gtest.h>

#include <string>

namespace lockcheck::trace {
namespace {

TEST(CheckResultNames, StepKinds) {
  EXPECT_EQ(std::string(step_kind_name(StepKind::statement)), "statement");
  EXPECT_EQ(std::string(step_kind_name(StepKind::tick)), "tick");
  EXPECT_EQ(std::string(step_kind_name(StepKind::fault)), "fault");
  EXPECT_EQ(std::string(step_kind_name(StepKind::abort)), "abort");
}

TEST(CheckResultNames, PropertyKinds) {
  EXPECT_EQ(std::string(property_kind_name(PropertyKind::invariant)), "invariant");
  EXPECT_EQ(std::string(property_kind_name(PropertyKind::reachable)), "reachable");
  EXPECT_EQ(std::string(property_kind_name(PropertyKind::deadlock)), "deadlock");
  EXPECT_EQ(std::string(property_kind_name(PropertyKind::assertion)), "assert");
  EXPECT_EQ(std::string(property_kind_name(PropertyKind::model_error)), "model_error");
}

TEST(CheckResultNames, Statuses) {
  EXPECT_EQ(std::string(status_name(Status::holds)), "holds");
  EXPECT_EQ(std::string(status_name(Status::violated)), "violated");
  EXPECT_EQ(std::string(status_name(Status::unknown)), "unknown");
}

}  // namespace
}  // namespace lockcheck::trace
