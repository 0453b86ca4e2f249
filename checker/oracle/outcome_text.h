// The two sides of a SQL interaction as text, and whether they agree: the model's outcome
// (compile::Interaction) and the server's reply (PgResult), in the terms a report shows side by
// side ("1 row: (1, 20)", "waits for T1", "error: deadlock_detected").
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "checker/compile/compiled_spec.h"
#include "checker/compile/interpreter.h"
#include "checker/compile/state.h"
#include "checker/oracle/pg_session.h"

namespace lockcheck::oracle {

// The model's sql_error name of a SQLSTATE ("40P01" -> "deadlock_detected"), or "" when the model
// has none for it.
std::string sql_error_name(const std::string& sqlstate);

std::string model_outcome(const compile::Interaction& in, const compile::CompiledSpec& spec);
// `was_in_transaction`: the connection was inside a transaction block when the statement was sent
// (a COMMIT outside one commits nothing, whatever its tag says).
std::string server_outcome(const PgResult& r, bool was_in_transaction);
// "" when the reply is what the model says; else what differs ("row_count: 1 vs 0").
std::string outcome_mismatch(const compile::Interaction& in, const PgResult& r,
                             bool was_in_transaction, const compile::CompiledSpec& spec);

// The committed rows of table `t` in state `s`, as "(1, 20), (2, 30)" sorted (or "no rows").
std::string committed_rows_text(const compile::State& s, size_t t,
                                const compile::CompiledSpec& spec);
// The same for rows read from the server.
std::string server_rows_text(const std::vector<std::vector<std::optional<std::string>>>& rows);

}  // namespace lockcheck::oracle
