// What a statement runs with: the acting transaction, the clock, its host values.
#pragma once

#include <cstdint>
#include <span>

#include "checker/base/string_pool.h"
#include "checker/base/value.h"

namespace lockcheck::sql {

struct Context {
  int txn = 0;                       // the acting connection's transaction slot
  Value now = Value::integer(0);     // the clock when the step runs; `now()` in SQL is the
                                     // transaction's start (the database keeps it)
  std::span<const Value> params;     // host values ($x, ${e}) referenced by ExprKind::param
  const StringPool* pool = nullptr;  // text ordering compares contents
  bool keep_start = true;  // the transaction keeps its start time for later statements' now()
                           // (off where none of its program's statements reads it)
};

}  // namespace lockcheck::sql
