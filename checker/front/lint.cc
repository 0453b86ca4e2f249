#include "checker/front/lint.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "checker/front/front_end.h"

namespace lockcheck::front {
namespace {

using ast::Expr;
using ast::ExprKind;
using ast::RefKind;
using ast::SqlKind;
using ast::Stmt;
using ast::StmtKind;

// Warnings keyed so that a statement visited again (a loop's body, until its facts settle) is
// reported once.
using Warnings = std::map<std::pair<SourceLoc, std::string>, std::string>;

void warn(Warnings& w, SourceLoc loc, std::string key, std::string message) {
  w.emplace(std::make_pair(loc, std::move(key)), std::move(message));
}

// ---- Rows that always exist ----------------------------------------------------------------

// Tables whose set of rows changes: INSERT, DELETE, or an UPDATE of a primary-key column.
void collect_changing_tables(const std::vector<ast::StmtPtr>& body, const ast::Spec& spec,
                             std::set<std::string>& out) {
  for (const ast::StmtPtr& s : body) {
    if (s->sql) {
      const ast::SqlStmt& q = *s->sql;
      if (q.kind == SqlKind::insert || q.kind == SqlKind::delete_) out.insert(q.table);
      if (q.kind == SqlKind::update && spec.database) {
        for (const ast::Table& t : spec.database->tables) {
          if (t.name != q.table) continue;
          for (int c : t.primary_key) {
            for (const ast::SetClause& set : q.sets) {
              if (set.column == t.columns[c].name) out.insert(q.table);
            }
          }
        }
      }
    }
    collect_changing_tables(s->body, spec, out);
    collect_changing_tables(s->else_body, spec, out);
  }
}

bool is_literal(const Expr& e) {
  return e.kind == ExprKind::int_lit || e.kind == ExprKind::text_lit;
}

bool same_literal(const Expr& a, const Expr& b) {
  if (a.kind != b.kind) return false;
  return a.kind == ExprKind::int_lit ? a.int_value == b.int_value : a.text == b.text;
}

// The literal a WHERE clause's conjuncts give `column` (`id = 123` or `123 = id`), or null.
const Expr* literal_for(const Expr* where, const std::string& column) {
  if (where == nullptr) return nullptr;
  if (where->kind == ExprKind::binary && where->op == ast::Op::and_) {
    const Expr* left = literal_for(where->args[0].get(), column);
    return left != nullptr ? left : literal_for(where->args[1].get(), column);
  }
  if (where->kind != ExprKind::binary || where->op != ast::Op::eq) return nullptr;
  for (int i = 0; i < 2; ++i) {
    const Expr& col = *where->args[i];
    const Expr& value = *where->args[1 - i];
    if (col.kind == ExprKind::column && col.text == column && is_literal(value)) return &value;
  }
  return nullptr;
}

// A SELECT that returns a row whatever the interleaving: an aggregate, or a primary key given
// as literals that name an initial row of a table whose rows never come or go.
bool always_returns_a_row(const ast::Spec& spec, const ast::SqlStmt& q,
                          const std::set<std::string>& changing_tables) {
  if (!q.items.empty() && q.items[0].agg != ast::Aggregate::none) return true;
  if (!spec.database || changing_tables.count(q.table) != 0) return false;
  const ast::Table* table = nullptr;
  for (const ast::Table& t : spec.database->tables) {
    if (t.name == q.table) table = &t;
  }
  if (table == nullptr || table->primary_key.empty()) return false;
  std::vector<std::pair<int, const Expr*>> key;
  for (int c : table->primary_key) {
    const Expr* value = literal_for(q.where.get(), table->columns[c].name);
    if (value == nullptr) return false;
    key.emplace_back(c, value);
  }
  for (const ast::InitialInsert& insert : spec.database->inserts) {
    if (insert.table != q.table) continue;
    for (const std::vector<ast::ExprPtr>& row : insert.rows) {
      bool match = true;
      for (const auto& [c, value] : key) {
        // The row's cell of column c: by position, or where the insert names the column.
        size_t at = static_cast<size_t>(c);
        if (!insert.columns.empty()) {
          auto it = std::find(insert.columns.begin(), insert.columns.end(), table->columns[c].name);
          at = static_cast<size_t>(it - insert.columns.begin());
        }
        if (at >= row.size() || !row[at] || !same_literal(*row[at], *value)) match = false;
      }
      if (match) return true;
    }
  }
  return false;
}

// ---- The flow through one process ---------------------------------------------------------

enum class Txn { closed, open, unknown };

// A SELECT ... INTO whose `found` has not been read yet, for one of its targets.
struct Pending {
  SourceLoc select;
  int local = -1;
  bool found_current = true;  // `found` still says whether this SELECT returned a row
  friend auto operator<=>(const Pending&, const Pending&) = default;
};

struct Flow {
  bool live = false;  // some path reaches this point
  Txn txn = Txn::closed;
  std::set<Pending> pending;
  friend auto operator<=>(const Flow&, const Flow&) = default;
  friend bool operator==(const Flow&, const Flow&) = default;
};

Flow join(const Flow& a, const Flow& b) {
  if (!a.live) return b;
  if (!b.live) return a;
  Flow out = a;
  if (a.txn != b.txn) out.txn = Txn::unknown;
  out.pending.insert(b.pending.begin(), b.pending.end());
  return out;
}

class ProcessLint {
 public:
  ProcessLint(const ast::Spec& spec, const ast::Process& process,
              const std::set<std::string>& changing_tables, Warnings& warnings)
      : spec_(spec), process_(process), changing_(changing_tables), warnings_(warnings) {}

  void run() {
    Flow start;
    start.live = true;
    walk_block(process_.body, start, nullptr);
    // A locking read is outside a transaction only if it is on every visit, and the visits
    // include the settled facts of every loop around it.
    for (const auto& [loc, txn] : locking_reads_) {
      if (txn.first != Txn::closed) continue;
      const char* mode = txn.second == ast::LockMode::for_share ? "FOR SHARE" : "FOR UPDATE";
      warn(warnings_, loc, "lock",
           fmt::format("{} outside a transaction: the row lock is released as soon as the "
                       "statement ends; put it between BEGIN and COMMIT",
                       mode));
    }
  }

 private:
  struct Loop {
    Flow breaks;
    Flow continues;
  };

  Flow walk_block(const std::vector<ast::StmtPtr>& body, Flow f, Loop* loop) {
    for (const ast::StmtPtr& s : body) f = walk(*s, std::move(f), loop);
    return f;
  }

  Flow walk(const Stmt& s, Flow f, Loop* loop) {
    if (!f.live) return f;
    switch (s.kind) {
      case StmtKind::var_decl:
      case StmtKind::assign:
        read(s.expr.get(), f);
        assigned(s.target_ref, f);
        return f;
      case StmtKind::if_: {
        read(s.expr.get(), f);
        Flow then = walk_block(s.body, f, loop);
        return join(then, walk_block(s.else_body, f, loop));
      }
      case StmtKind::while_:
        return walk_while(s, f);
      case StmtKind::break_:
        if (loop != nullptr) loop->breaks = join(loop->breaks, f);
        return Flow{};
      case StmtKind::continue_:
        if (loop != nullptr) loop->continues = join(loop->continues, f);
        return Flow{};
      case StmtKind::done:
        return Flow{};
      case StmtKind::assert_:
      case StmtKind::await_:
      case StmtKind::sleep:
        read(s.expr.get(), f);
        return f;
      case StmtKind::atomic:
        return walk_block(s.body, f, loop);
      case StmtKind::sql:
        if (s.sql) sql(*s.sql, f);
        return f;
      case StmtKind::redis:
        if (s.redis) redis(*s.redis, f);
        assigned(s.target_ref, f);
        return f;
    }
    return f;
  }

  // The facts at the loop's head grow with each pass until they settle (the sets are finite).
  // An outer loop's passes walk an inner loop again, mostly with facts it has seen: those are
  // remembered, so that nested loops cost the number of their facts, not passes to the depth.
  Flow walk_while(const Stmt& s, const Flow& entry) {
    auto key = std::make_pair(&s, entry);
    if (auto it = loops_.find(key); it != loops_.end()) return it->second;
    Flow head = entry;
    while (true) {
      Flow cond = head;
      read(s.expr.get(), cond);
      Loop loop;
      Flow end = walk_block(s.body, cond, &loop);
      Flow next = join(entry, join(end, loop.continues));
      if (next == head) return loops_[key] = join(cond, loop.breaks);
      head = std::move(next);
    }
  }

  void read(const Expr* e, Flow& f) {
    if (e == nullptr) return;
    if (e->kind == ExprKind::name) read_name(*e, f);
    for (const ast::ExprPtr& a : e->args) read(a.get(), f);
  }

  void read(const std::optional<ast::Word>& w, Flow& f) {
    if (w) read(*w, f);
  }

  void read(const ast::Word& w, Flow& f) {
    for (const ast::WordPart& p : w.parts) read(p.expr.get(), f);
  }

  void read_name(const Expr& e, Flow& f) {
    if (e.ref.kind == RefKind::builtin && (e.ref.index == 0 || e.ref.index == 1)) {
      std::erase_if(f.pending, [](const Pending& p) { return p.found_current; });
    }
    if (e.ref.kind != RefKind::local) return;
    for (auto it = f.pending.begin(); it != f.pending.end();) {
      if (it->local != e.ref.index) {
        ++it;
        continue;
      }
      const std::string& name = process_.locals[static_cast<size_t>(it->local)].name;
      warn(warnings_, it->select, fmt::format("found {}", it->local),
           fmt::format("'found' is not checked before '{}' is used (line {}): when no row "
                       "matches, '{}' is null",
                       name, e.loc.line, name));
      it = f.pending.erase(it);
    }
  }

  void assigned(const ast::Ref& target, Flow& f) {
    if (target.kind != RefKind::local) return;
    std::erase_if(f.pending, [&](const Pending& p) { return p.local == target.index; });
  }

  void sql(const ast::SqlStmt& q, Flow& f) {
    read(q.where.get(), f);
    read(q.limit.get(), f);
    for (const ast::SetClause& set : q.sets) read(set.value.get(), f);
    for (const ast::ExprPtr& v : q.values) read(v.get(), f);
    if (q.kind == SqlKind::select && q.lock != ast::LockMode::none) {
      auto [it, first] = locking_reads_.try_emplace(q.loc, f.txn, q.lock);
      if (!first && it->second.first != f.txn) it->second.first = Txn::unknown;
    }
    if (q.kind == SqlKind::begin) f.txn = Txn::open;
    if (q.kind == SqlKind::commit || q.kind == SqlKind::rollback) f.txn = Txn::closed;
    // Every statement sets `found` anew.
    std::set<Pending> stale;
    for (Pending p : f.pending) {
      p.found_current = false;
      stale.insert(p);
    }
    f.pending = std::move(stale);
    for (const ast::IntoTarget& target : q.into) assigned(target.ref, f);
    if (q.kind != SqlKind::select || always_returns_a_row(spec_, q, changing_)) return;
    for (const ast::IntoTarget& target : q.into) {
      if (target.ref.kind == RefKind::local) f.pending.insert({q.loc, target.ref.index, true});
    }
  }

  void redis(const ast::RedisCmd& r, Flow& f) {
    read(r.node_index.get(), f);
    for (const ast::Word& k : r.keys) read(k, f);
    read(r.value, f);
    read(r.ttl, f);
    if (r.op == ast::RedisOp::set && r.condition == ast::SetCondition::nx &&
        r.ttl_unit == ast::TtlUnit::none) {
      warn(warnings_, r.loc, "nx",
           "SET ... NX without EX or PX: the key never expires, so a lock whose holder crashes "
           "is never released");
    }
  }

  const ast::Spec& spec_;
  const ast::Process& process_;
  const std::set<std::string>& changing_;
  Warnings& warnings_;
  std::map<SourceLoc, std::pair<Txn, ast::LockMode>> locking_reads_;
  std::map<std::pair<const Stmt*, Flow>, Flow> loops_;
};

void lint_properties(const ast::Spec& spec, Warnings& warnings) {
  // An expected violation or deadlock shows, when it is found, that something happens.
  if (!spec.expects.empty()) return;
  const ast::PropertyDecl* invariant = nullptr;
  for (const ast::PropertyDecl& p : spec.properties) {
    if (p.kind == ast::PropertyKind::reachable) return;
    if (p.kind == ast::PropertyKind::invariant && invariant == nullptr) invariant = &p;
  }
  if (invariant == nullptr) return;
  warn(warnings, invariant->loc, "reachable",
       "invariants but no 'reachable' property: a spec in which nothing can happen passes "
       "them; add one that says what must be possible (e.g. reachable some_sale: sold >= 1;)");
}

}  // namespace

std::vector<Diagnostic> lint(const ast::Spec& spec) {
  std::set<std::string> changing_tables;
  for (const ast::Process& p : spec.processes)
    collect_changing_tables(p.body, spec, changing_tables);
  Warnings warnings;
  for (const ast::Process& p : spec.processes) {
    ProcessLint(spec, p, changing_tables, warnings).run();
  }
  lint_properties(spec, warnings);
  std::vector<Diagnostic> out;
  for (auto& [key, message] : warnings) out.push_back({Severity::warning, key.first, message});
  return out;
}

std::string lint_text(std::string_view source, std::string_view path) {
  Diagnostics diags;
  std::unique_ptr<ast::Spec> spec = read_spec(source, path, diags);
  if (!spec || diags.has_errors()) return "";
  std::string out;
  for (const Diagnostic& d : lint(*spec)) out += render(d, path, source);
  return out;
}

}  // namespace lockcheck::front
