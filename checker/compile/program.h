// A process body lowered to a flat list of instructions with jumps, so that a process's position
// is one integer in the state. Each instruction knows whether it is an *interaction* (§3: it
// starts a step) or a local statement (it runs with the interaction before it).
#pragma once

#include <vector>

#include "checker/front/ast.h"

namespace lockcheck::compile {

enum class InstrKind {
  assign,        // stmt: target = expr
  branch,        // if expr is false, jump to `target`; stmt is the if/while
  jump,          // jump to `target` (loops, else, break, continue)
  done,          // the process finishes
  assert_,       // stmt
  await_,        // stmt
  sleep,         // stmt; the wake-up time is set when the process arrives here
  sql,           // stmt (BEGIN is a local sql instruction)
  redis,         // stmt
  atomic_begin,  // the step runs through to the matching atomic_end (`target`)
  atomic_end,
};

struct Instr {
  InstrKind kind = InstrKind::done;
  const ast::Stmt* stmt = nullptr;
  int target = -1;
  bool interaction = false;
};

struct Program {
  std::vector<Instr> code;  // running off the end means done
};

// Whether an expression reads shared `var`s (which makes the statement an interaction).
bool reads_shared(const ast::Expr* e);

// Lowers a process body.
Program lower_process(const ast::Process& process);

}  // namespace lockcheck::compile
