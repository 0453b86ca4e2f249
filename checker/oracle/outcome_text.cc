#include "checker/oracle/outcome_text.h"

#include <fmt/format.h>

#include <algorithm>

#include "models/sql/sql_text.h"

namespace lockcheck::oracle {

namespace {

struct Code {
  const char* sqlstate;
  const char* name;
};
constexpr Code kCodes[] = {
    {"23505", "unique_violation"},      {"40P01", "deadlock_detected"},
    {"55P03", "lock_not_available"},    {"25P02", "in_failed_transaction"},
    {"40001", "serialization_failure"}, {"25006", "read_only_sql_transaction"},
};

std::string cell(const std::optional<std::string>& v) { return v ? *v : "NULL"; }

std::string row_text(const std::vector<std::optional<std::string>>& row) {
  std::string out = "(";
  for (size_t i = 0; i < row.size(); ++i) out += (i ? ", " : "") + cell(row[i]);
  return out + ")";
}

std::vector<std::optional<std::string>> model_row(const sql::Row& row, const StringPool& pool) {
  std::vector<std::optional<std::string>> out;
  for (const Value& v : row) out.push_back(sql::text_output(v, pool));
  return out;
}

std::string rows_text(const std::vector<std::vector<std::optional<std::string>>>& rows,
                      size_t limit = 6) {
  std::string out;
  for (size_t i = 0; i < rows.size() && i < limit; ++i) out += (i ? ", " : "") + row_text(rows[i]);
  if (rows.size() > limit) out += ", ...";
  return out;
}

std::string joined_sorted(std::vector<std::string> rows) {
  if (rows.empty()) return "no rows";
  std::sort(rows.begin(), rows.end());
  std::string out;
  for (size_t i = 0; i < rows.size(); ++i) out += (i ? ", " : "") + rows[i];
  return out;
}

}  // namespace

std::string sql_error_name(const std::string& sqlstate) {
  for (const Code& c : kCodes)
    if (sqlstate == c.sqlstate) return c.name;
  return "";
}

std::string model_outcome(const compile::Interaction& in, const compile::CompiledSpec& spec) {
  if (in.kind == compile::Interaction::Kind::sql_victim) return "error: deadlock_detected";
  if (in.waiting) {
    std::string who;
    for (size_t i = 0; i < in.waits_for.size(); ++i) {
      int c = in.waits_for[i];
      int n = static_cast<int>(spec.procs.size());
      std::string name = c >= 0 && c < n       ? spec.procs[static_cast<size_t>(c)].name
                         : c >= n && c < 2 * n ? "the orphaned statement of " +
                                                     spec.procs[static_cast<size_t>(c - n)].name
                                               : fmt::format("connection {}", c);
      who += (i ? " and " : "") + name;
    }
    return "waits for " + (who.empty() ? std::string("a lock") : who);
  }
  if (!in.sql_error.empty()) return "error: " + in.sql_error;
  if (in.stmt != nullptr && in.stmt->kind == sql::StatementKind::commit)
    return in.committed ? "committed" : "nothing committed";
  if (in.stmt != nullptr && in.stmt->kind == sql::StatementKind::rollback) return "rolled back";
  std::vector<std::vector<std::optional<std::string>>> rows;
  for (const sql::Row& r : in.rows) rows.push_back(model_row(r, spec.pool));
  std::string out = fmt::format("{} row{}", in.row_count, in.row_count == 1 ? "" : "s");
  if (!rows.empty()) out += ": " + rows_text(rows);
  return out;
}

std::string server_outcome(const PgResult& r, bool was_in_transaction) {
  if (!r.ok) {
    std::string name = sql_error_name(r.sqlstate);
    return fmt::format("error: {} ({} {})", name.empty() ? "SQLSTATE " + r.sqlstate : name,
                       r.sqlstate, r.message);
  }
  if (r.command_tag == "COMMIT")
    return was_in_transaction ? "committed" : "nothing committed (no transaction in progress)";
  if (r.command_tag == "ROLLBACK") return "rolled back";
  std::string out = r.command_tag;
  if (!r.rows.empty()) out += ": " + rows_text(r.rows);
  return out;
}

std::string outcome_mismatch(const compile::Interaction& in, const PgResult& r,
                             bool was_in_transaction, const compile::CompiledSpec& spec) {
  if (!r.ok) {
    std::string name = sql_error_name(r.sqlstate);
    if (name.empty())
      return fmt::format("the server failed with SQLSTATE {} ({}), which the model has no name for",
                         r.sqlstate, r.message);
    if (name != in.sql_error) return fmt::format("sql_error: '{}' vs '{}'", in.sql_error, name);
    return "";
  }
  if (!in.sql_error.empty()) return fmt::format("sql_error: '{}' vs ''", in.sql_error);
  if (in.stmt == nullptr) return "";
  switch (in.stmt->kind) {
    case sql::StatementKind::commit: {
      bool committed = was_in_transaction && r.command_tag == "COMMIT";
      if (committed != in.committed)
        return fmt::format("committed: {} vs {}", in.committed, committed);
      return "";
    }
    case sql::StatementKind::rollback:
      return "";
    default:
      break;
  }
  int64_t server_count = in.stmt->kind == sql::StatementKind::select
                             ? static_cast<int64_t>(r.rows.size())
                             : r.affected;
  if (server_count != in.row_count)
    return fmt::format("row_count: {} vs {}", in.row_count, server_count);
  // After a wait the model keeps the first row returned in earlier steps and the rows of the
  // step that finished (its state keeps no more): the first and the last ones are compared.
  if (in.rows.size() > r.rows.size())
    return fmt::format("{} rows returned vs {}", in.rows.size(), r.rows.size());
  for (size_t i = 0; i < in.rows.size(); ++i) {
    const size_t k = i == 0 ? 0 : r.rows.size() - (in.rows.size() - i);
    std::vector<std::optional<std::string>> m = model_row(in.rows[i], spec.pool);
    if (m != r.rows[k])
      return fmt::format("row {}: {} vs {}", k + 1, row_text(m), row_text(r.rows[k]));
  }
  return "";
}

std::string committed_rows_text(const compile::State& s, size_t t,
                                const compile::CompiledSpec& spec) {
  std::vector<std::string> rows;
  if (t < s.db.tables.size())
    for (const sql::RowRecord& r : s.db.tables[t].rows)
      if (r.committed) rows.push_back(row_text(model_row(*r.committed, spec.pool)));
  return joined_sorted(std::move(rows));
}

std::string server_rows_text(const std::vector<std::vector<std::optional<std::string>>>& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows) out.push_back(row_text(r));
  return joined_sorted(std::move(out));
}

}  // namespace lockcheck::oracle
