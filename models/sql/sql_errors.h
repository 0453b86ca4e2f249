// PostgreSQL's SQLSTATE and message for each error the model raises, so that traces print what a
// user sees in their logs (spec-language.md §4.7: "the trace prints PostgreSQL's message").
#pragma once

#include <string>

#include "models/sql/statement.h"

namespace lockcheck::sql {

// "40001: could not serialize access due to concurrent update" for "serialization_failure"
// raised by `st` on table `table_name`; "" for a name the model never raises.
std::string error_detail(const std::string& sql_error, const Statement& st,
                         const std::string& table_name);

}  // namespace lockcheck::sql
