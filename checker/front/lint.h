// Lints: warnings about a spec that checks, but probably does not say what its author meant.
// They never change a verdict or the exit status; `lockcheck check --no-lint` leaves them out.
//
//   - SELECT ... FOR UPDATE / FOR SHARE outside a transaction: the row lock ends with the
//     statement, so it protects nothing that follows.
//   - SELECT ... INTO whose target is used before `found` (or `row_count`) is read: when no row
//     matches, the target is null. Not for aggregates (they always return a row), nor for a row
//     that always exists (a primary key given as literals, of an initial row of a table no
//     process inserts into or deletes from).
//   - Invariants, but no `reachable` property: a spec in which nothing can happen passes them.
//     Not when the spec expects a violation or a deadlock: finding it shows that something
//     happens.
//   - Redis SET ... NX without EX or PX: a lock that never expires stays with a holder that
//     crashes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "checker/base/diagnostics.h"
#include "checker/front/ast.h"

namespace lockcheck::front {

// The warnings of a resolved spec (front::read_spec), sorted by location.
std::vector<Diagnostic> lint(const ast::Spec& spec);

// The warnings of a spec's text, rendered like errors ("path:line:col: warning: ...", the line
// and a caret). "" for a spec without warnings, and for one with errors: those are reported
// when it is checked.
std::string lint_text(std::string_view source, std::string_view path);

}  // namespace lockcheck::front
