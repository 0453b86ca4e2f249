#include "checker/trace/check_result.h"

namespace lockcheck::trace {

// These names are part of the JSON schema (docs/json-schema.md): never change them.

const char* step_kind_name(StepKind k) {
  switch (k) {
    case StepKind::statement:
      return "statement";
    case StepKind::tick:
      return "tick";
    case StepKind::fault:
      return "fault";
    case StepKind::abort:
      return "abort";
    case StepKind::orphan:
      return "orphan";
  }
  return "unknown";
}

const char* property_kind_name(PropertyKind k) {
  switch (k) {
    case PropertyKind::invariant:
      return "invariant";
    case PropertyKind::reachable:
      return "reachable";
    case PropertyKind::deadlock:
      return "deadlock";
    case PropertyKind::assertion:
      return "assert";
    case PropertyKind::model_error:
      return "model_error";
    case PropertyKind::eventually:
      return "eventually";
    case PropertyKind::leads:
      return "leads";
  }
  return "unknown";
}

const char* status_name(Status s) {
  switch (s) {
    case Status::holds:
      return "holds";
    case Status::violated:
      return "violated";
    case Status::unknown:
      return "unknown";
    case Status::inconclusive:
      return "inconclusive";
  }
  return "unknown";
}

}  // namespace lockcheck::trace
