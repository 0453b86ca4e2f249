#include "checker/compile/interpreter.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/container/small_vector.hpp>
#include <charconv>
#include <limits>

#include "checker/compile/expr_text.h"
#include "models/sql/sql_errors.h"

namespace lockcheck::compile {

namespace {

// A statement's host values ($x, ${e}), evaluated at every SQL step and property: inline.
using Params = boost::container::small_vector<Value, 8>;

// A step that runs this many local statements without reaching an interaction is stuck in a
// local loop: that is a bug of the spec, reported as a model error instead of hanging.
constexpr int kMaxLocalInstructions = 100000;

[[noreturn]] void fail(std::string message) {
  throw ModelErrorException{{false, std::move(message)}};
}

Value checked_int(int64_t v, const ast::Expr& e) {
  if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max())
    fail(fmt::format("integer overflow in '{}' (line {})", expr_text(e), e.loc.line));
  return Value::integer(v);
}

redis::Command redis_command(ast::RedisOp op) {
  switch (op) {
    case ast::RedisOp::get:
      return redis::Command::get;
    case ast::RedisOp::set:
      return redis::Command::set;
    case ast::RedisOp::del:
      return redis::Command::del;
    case ast::RedisOp::exists:
      return redis::Command::exists;
    case ast::RedisOp::incr:
      return redis::Command::incr;
    case ast::RedisOp::decr:
      return redis::Command::decr;
    case ast::RedisOp::incrby:
      return redis::Command::incrby;
    case ast::RedisOp::decrby:
      return redis::Command::decrby;
    case ast::RedisOp::expire:
      return redis::Command::expire;
    case ast::RedisOp::ttl:
      return redis::Command::ttl;
  }
  return redis::Command::get;
}

}  // namespace

struct Interpreter::Frame {
  explicit Frame(State& state, int process = -1) : s(state), proc(process) {}
  State& s;
  int proc = -1;             // the acting process; -1 while evaluating a property
  std::vector<Value> bound;  // quantifier variables, outermost first
  int budget = kMaxLocalInstructions;
  int txn = -1;         // the transaction slot, when not the process's own (an orphan)
  bool orphan = false;  // an orphaned statement of a crashed process runs
  bool in_atomic = false;
  bool victim = false;    // the first SQL interaction fails with deadlock_detected
  bool describe = false;  // build result texts (traces only: the search does not need them)
  std::vector<std::string>* results = nullptr;  // interaction results of an atomic block
};

// ---------------------------------------------------------------------------------------------
// Processes and steps

bool Interpreter::initial(State& out, ModelError& error) const {
  out = State{};
  try {
    for (const auto& v : spec_.ast.vars) {
      Frame f{out};
      out.shared.push_back(v.init ? eval(*v.init, f) : Value::null());
    }
    for (const auto& v : spec_.ast.ghosts) {
      Frame f{out};
      out.ghosts.push_back(v.init ? eval(*v.init, f) : Value::null());
    }
    out.has_db = spec_.has_db;
    if (spec_.has_db) {
      std::string message = sql::initial_state(spec_.schema, spec_.initial_rows, spec_.txn_slots(),
                                               spec_.pool, out.db);
      if (!message.empty()) fail(message);
    }
    out.nodes.resize(spec_.node_names.size());
    out.faults_used.assign(spec_.faults.size(), 0);
    out.procs.resize(spec_.procs.size());
    for (size_t p = 0; p < spec_.procs.size(); ++p) start_process(out, static_cast<int>(p));
  } catch (const ModelErrorException& e) {
    error = e.error;
    return false;
  }
  return true;
}

void Interpreter::start_process(State& s, int p) const {
  const Group& g = spec_.groups[spec_.procs[p].group];
  ProcState& ps = s.procs[p];
  ps = ProcState{};
  ps.locals.assign(g.local_names.size(), Value::null());
  size_t n = g.decl->locals.size();
  ps.locals[n] = Value::boolean(false);
  ps.locals[n + 1] = Value::integer(0);
  ps.locals[n + 2] = spec_.empty_text();
  Frame f{s, p};
  for (size_t i = 0; i < n; ++i) {
    const auto& decl = g.decl->locals[i];
    ps.locals[i] = decl.init ? eval(*decl.init, f) : Value::null();
  }
  run_locals(f);
  arrive(f);
}

void Interpreter::finish(State& s, int p) const {
  ProcState& ps = s.procs[p];
  ps.status = ProcStatus::done;
  ps.pc = static_cast<int32_t>(spec_.groups[spec_.procs[p].group].program.code.size());
  ps.wake = -1;
  // The program ended, so its connection closes: PostgreSQL rolls back what it left open.
  if (s.has_db && s.db.txns[p] != sql::TxnStatus::none) sql::abort(s.db, p, sql::TxnStatus::none);
  reset_dead_locals(ps, p);
}

void Interpreter::reset_dead_locals(ProcState& ps, int p) const {
  // Nothing runs this process again and no property reads these locals: a fixed value lets
  // states that differ only in them merge (SPIN resets dead variables the same way).
  const Group& g = spec_.groups[spec_.procs[p].group];
  for (size_t i = 0; i < ps.locals.size() && i < g.dead_when_finished.size(); ++i)
    if (g.dead_when_finished[i]) ps.locals[i] = g.finished_value[i];
}

namespace {

// The end of the `atomic` block that holds instruction `pc`, or -1 outside one.
int atomic_end_of(const Program& prog, int pc) {
  for (int b = pc - 1; b >= 0; --b) {
    const Instr& in = prog.code[static_cast<size_t>(b)];
    if (in.kind == InstrKind::atomic_begin && in.target > pc) return in.target;
  }
  return -1;
}

std::string join_results(const std::vector<std::string>& results) {
  std::string joined;
  for (const auto& r : results) {
    if (r.empty()) continue;
    if (!joined.empty()) joined += "; ";
    joined += r;
  }
  return joined;
}

}  // namespace

void Interpreter::run_atomic(Frame& f, int end, bool first_interaction, StepOutcome& out) const {
  const Program& prog = spec_.groups[spec_.procs[f.proc].group].program;
  ProcState& ps = f.s.procs[f.proc];
  const int start = ps.pc;
  f.in_atomic = true;
  while (ps.status == ProcStatus::running && ps.pc >= start && ps.pc < end) {
    if (--f.budget < 0)
      fail(fmt::format("the atomic block at line {} loops without end", out.line));
    const Instr& in = prog.code[ps.pc];
    exec(f, in, first_interaction && in.interaction, out);
    if (out.status == StepStatus::blocked || out.waiting) {
      if (first_interaction) return;
      fail(
          fmt::format("'{}' blocks inside an atomic block (line {}); an atomic block may "
                      "block only at its first interaction",
                      in.stmt->text, in.stmt->loc.line));
    }
    if (in.interaction) first_interaction = false;
  }
  f.in_atomic = false;
}

StepOutcome Interpreter::step(State& s, int p, bool deadlock_victim, bool describe) const {
  StepOutcome out;
  const Program& prog = spec_.groups[spec_.procs[p].group].program;
  ProcState& ps = s.procs[p];
  if (ps.status != ProcStatus::running || ps.pc < 0 ||
      ps.pc >= static_cast<int>(prog.code.size())) {
    out.status = StepStatus::blocked;
    return out;
  }
  const bool resuming = s.has_db && s.db.cursors[static_cast<size_t>(p)].active;
  if (deadlock_victim && !resuming) {
    out.status = StepStatus::blocked;
    return out;
  }
  int start = ps.pc;
  const Instr& first = prog.code[start];
  out.line = static_cast<int>(first.stmt->loc.line);
  if (describe) out.text = first.stmt->text;  // a copy per step otherwise: traces only
  Frame f{s, p};
  f.victim = deadlock_victim;
  f.describe = describe;
  try {
    std::vector<std::string> results;
    if (resuming) {
      // The waiting statement goes on (or fails as the detector's victim); an atomic block it
      // started runs on to its end in the same step (§4.3).
      int end = atomic_end_of(prog, start);
      if (end >= 0) f.results = &results;
      exec_sql(f, *first.stmt, deadlock_victim, out, /*resume=*/true);
      if (out.status == StepStatus::blocked || out.waiting) return out;
      if (end >= 0) {
        run_atomic(f, end, false, out);
        out.result = join_results(results);
        f.results = nullptr;
      }
    } else if (first.kind == InstrKind::atomic_begin) {
      int end = first.target;
      f.results = &results;
      ps.pc = start + 1;
      run_atomic(f, end, true, out);
      if (out.status == StepStatus::blocked) return out;
      out.result = join_results(results);
      f.results = nullptr;
      if (out.waiting) return out;
    } else {
      exec(f, first, true, out);
      if (out.status == StepStatus::blocked || out.waiting) return out;
    }
    if (ps.status == ProcStatus::running) {
      run_locals(f);
      arrive(f);
    }
  } catch (const ModelErrorException& e) {
    out.status = StepStatus::failed;
    out.error = e.error;
  }
  return out;
}

StepOutcome Interpreter::orphan_step(State& s, int p, bool deadlock_victim, bool describe) const {
  StepOutcome out;
  const int slot = static_cast<int>(s.procs.size()) + p;
  if (!s.has_db || static_cast<size_t>(slot) >= s.db.cursors.size() ||
      !s.db.cursors[static_cast<size_t>(slot)].active) {
    out.status = StepStatus::blocked;
    return out;
  }
  const Program& prog = spec_.groups[spec_.procs[p].group].program;
  const sql::Cursor& cur = s.db.cursors[static_cast<size_t>(slot)];
  const int pc = cur.pc;
  const Instr& in = prog.code[static_cast<size_t>(pc)];
  out.line = static_cast<int>(in.stmt->loc.line);
  if (describe) out.text = in.stmt->text;
  // The orphan runs as the process did when its connection dropped: its position and, for an
  // atomic block that goes on, its locals, in place of the process's own while it steps.
  ProcState saved = std::move(s.procs[static_cast<size_t>(p)]);
  ProcState& ps = s.procs[static_cast<size_t>(p)];
  ps = ProcState{};
  ps.pc = pc;
  ps.locals = cur.locals;
  const int end = atomic_end_of(prog, pc);
  const Group& g = spec_.groups[spec_.procs[p].group];
  if (ps.locals.size() != g.local_names.size()) {
    ps.locals.assign(g.local_names.size(), Value::null());
    size_t n = g.decl->locals.size();
    ps.locals[n] = Value::boolean(false);
    ps.locals[n + 1] = Value::integer(0);
    ps.locals[n + 2] = spec_.empty_text();
  }
  Frame f{s, p};
  f.txn = slot;
  f.orphan = true;
  f.victim = deadlock_victim;
  f.describe = describe;
  try {
    std::vector<std::string> results;
    if (end >= 0) f.results = &results;
    exec_sql(f, *in.stmt, deadlock_victim, out, /*resume=*/true);
    if (out.status != StepStatus::blocked && !out.waiting && end >= 0 &&
        ps.status == ProcStatus::running) {
      run_atomic(f, end, false, out);
      out.result = join_results(results);
    }
    f.results = nullptr;
    // The block (or statement) is over: nobody reads the reply, so a transaction block the
    // orphan left open rolls back and the slot is free again.
    if (out.status != StepStatus::blocked && !out.waiting &&
        s.db.txns[static_cast<size_t>(slot)] != sql::TxnStatus::none)
      sql::abort(s.db, slot, sql::TxnStatus::none);
  } catch (const ModelErrorException& e) {
    out.status = StepStatus::failed;
    out.error = e.error;
  }
  s.procs[static_cast<size_t>(p)] = std::move(saved);
  return out;
}

std::vector<int> Interpreter::statement_waits_for(const State& s, int txn, const Instr& in) const {
  const sql::Cursor& cur = s.db.cursors[static_cast<size_t>(txn)];
  const LoweredSql& l = spec_.lowered(in.stmt->sql.get());
  sql::Context ctx;
  ctx.txn = txn;
  ctx.now = Value::integer(s.clock);
  ctx.params = {cur.params.data(), cur.params.size()};
  ctx.pool = &spec_.pool;
  const size_t n = spec_.procs.size();
  const size_t p = static_cast<size_t>(txn) % std::max<size_t>(n, 1);
  ctx.keep_start = spec_.groups[spec_.procs[p].group].sql_reads_now;
  return sql::waits_for(s.db, spec_.schema, l.stmt, ctx);
}

bool Interpreter::still_waits(const State& s, int txn) const {
  if (!s.has_db || static_cast<size_t>(txn) >= s.db.cursors.size()) return false;
  const sql::Cursor& cur = s.db.cursors[static_cast<size_t>(txn)];
  if (!cur.active) return false;
  const size_t n = spec_.procs.size();
  const size_t p = static_cast<size_t>(txn) % std::max<size_t>(n, 1);
  const Program& prog = spec_.groups[spec_.procs[p].group].program;
  const Instr& in = prog.code[static_cast<size_t>(cur.pc)];
  return sql::still_waits(s.db, spec_.lowered(in.stmt->sql.get()).stmt, txn);
}

std::vector<int> Interpreter::orphan_waits_for(const State& s, int p) const {
  const size_t slot = s.procs.size() + static_cast<size_t>(p);
  if (!s.has_db || slot >= s.db.cursors.size() || !s.db.cursors[slot].active) return {};
  const Program& prog = spec_.groups[spec_.procs[p].group].program;
  return statement_waits_for(s, static_cast<int>(slot),
                             prog.code[static_cast<size_t>(s.db.cursors[slot].pc)]);
}

StepOutcome Interpreter::probe(const State& s, int p) const {
  StepOutcome out;
  const Program& prog = spec_.groups[spec_.procs[p].group].program;
  const ProcState& ps = s.procs[p];
  if (ps.status != ProcStatus::running || ps.pc < 0 ||
      ps.pc >= static_cast<int>(prog.code.size())) {
    out.status = StepStatus::blocked;
    return out;
  }
  const Instr& in = prog.code[ps.pc];
  if (s.has_db && s.db.cursors[static_cast<size_t>(p)].active) {
    out.waits_for = statement_waits_for(s, p, in);
    if (!out.waits_for.empty()) {
      out.status = StepStatus::blocked;
      out.blocked_on = BlockReason::sql;
    }
    return out;
  }
  Frame f{const_cast<State&>(s), p};  // only read below
  try {
    switch (in.kind) {
      case InstrKind::await_: {
        Value c = eval(*in.stmt->expr, f);
        if (c.type == Type::bool_ && !c.truthy()) {
          out.status = StepStatus::blocked;
          out.blocked_on = BlockReason::await_;
        }
        return out;
      }
      case InstrKind::sleep:
        if (s.clock < ps.wake) {
          out.status = StepStatus::blocked;
          out.blocked_on = BlockReason::sleep;
        }
        return out;
      case InstrKind::sql:
        return out;  // a statement that starts is a step, even one that then waits (§4.3)
      case InstrKind::atomic_begin: {
        State copy = s;  // what blocks depends on the block's first statements: run it
        StepOutcome o = step(copy, p);
        out.status = o.status == StepStatus::blocked ? StepStatus::blocked : StepStatus::ran;
        out.blocked_on = o.blocked_on;
        out.waits_for = std::move(o.waits_for);
        return out;
      }
      default:
        return out;
    }
  } catch (const ModelErrorException&) {
    return out;  // the step would fail: it is enabled (as a failing transition)
  }
}

void Interpreter::run_locals(Frame& f) const {
  const Program& prog = spec_.groups[spec_.procs[f.proc].group].program;
  ProcState& ps = f.s.procs[f.proc];
  StepOutcome ignored;
  while (ps.status == ProcStatus::running) {
    if (ps.pc >= static_cast<int>(prog.code.size())) {
      finish(f.s, f.proc);
      return;
    }
    const Instr& in = prog.code[ps.pc];
    if (in.interaction) return;
    if (--f.budget < 0)
      fail(
          fmt::format("{} ran {} local statements without an interaction (an endless local loop "
                      "near line {}?)",
                      spec_.procs[f.proc].name, kMaxLocalInstructions, in.stmt->loc.line));
    exec(f, in, false, ignored);
  }
}

void Interpreter::arrive(Frame& f) const {
  const Program& prog = spec_.groups[spec_.procs[f.proc].group].program;
  ProcState& ps = f.s.procs[f.proc];
  if (ps.status != ProcStatus::running || ps.pc >= static_cast<int>(prog.code.size())) return;
  const Instr& in = prog.code[ps.pc];
  if (in.kind != InstrKind::sleep) return;
  Value d = eval(*in.stmt->expr, f);
  if (d.type != Type::int_ || d.i < 0)
    fail(fmt::format("sleep needs a number of ticks >= 0, got {} (line {})", render_value(d),
                     in.stmt->loc.line));
  ps.wake = f.s.clock + d.i;
}

void Interpreter::exec(Frame& f, const Instr& in, bool first, StepOutcome& out) const {
  ProcState& ps = f.s.procs[f.proc];
  const ast::Stmt& st = *in.stmt;
  auto note = [&](auto make) {
    if (!f.describe) return;
    if (f.results)
      f.results->push_back(make());
    else if (in.interaction)
      out.result = make();
  };
  auto condition = [&](const char* what) {
    Value c = eval(*st.expr, f);
    if (c.type != Type::bool_)
      fail(fmt::format("the condition of '{}' is {} ({}), not bool (line {})", st.text,
                       type_name(c.type), render_value(c), st.loc.line));
    (void)what;
    return c.truthy();
  };
  switch (in.kind) {
    case InstrKind::assign: {
      Value v = eval(*st.expr, f);
      assign(f, st.target_ref, v);
      ++ps.pc;
      if (in.interaction) note([&] { return fmt::format("{} = {}", st.target, render_value(v)); });
      return;
    }
    case InstrKind::branch: {
      bool c = condition("branch");
      ps.pc = c ? ps.pc + 1 : in.target;
      if (in.interaction) note([&] { return std::string(c ? "true" : "false"); });
      return;
    }
    case InstrKind::jump:
      ps.pc = in.target;
      return;
    case InstrKind::done:
      finish(f.s, f.proc);
      return;
    case InstrKind::assert_: {
      if (!condition("assert")) {
        std::string msg = st.message.empty() ? expr_text(*st.expr) : st.message;
        throw ModelErrorException{
            {true, fmt::format("assertion failed at line {}: {}", st.loc.line, msg)}};
      }
      ++ps.pc;
      return;
    }
    case InstrKind::await_: {
      if (!condition("await")) {
        out.status = StepStatus::blocked;
        out.blocked_on = BlockReason::await_;
        return;
      }
      ++ps.pc;
      return;
    }
    case InstrKind::sleep: {
      if (f.in_atomic) fail(fmt::format("sleep inside an atomic block (line {})", st.loc.line));
      if (f.s.clock < ps.wake) {
        out.status = StepStatus::blocked;
        out.blocked_on = BlockReason::sleep;
        return;
      }
      ps.wake = -1;
      ++ps.pc;
      note([&] { return fmt::format("woke at {}", f.s.clock); });
      return;
    }
    case InstrKind::sql:
      exec_sql(f, st, first && f.victim, out, false);
      return;
    case InstrKind::redis:
      exec_redis(f, st, out);
      return;
    case InstrKind::atomic_begin:
    case InstrKind::atomic_end:
      ++ps.pc;
      return;
  }
}

// ---------------------------------------------------------------------------------------------
// SQL and Redis interactions

void Interpreter::exec_sql(Frame& f, const ast::Stmt& st, bool victim, StepOutcome& out,
                           bool resume) const {
  ProcState& ps = f.s.procs[f.proc];
  const ast::SqlStmt& q = *st.sql;
  const Group& g = spec_.groups[spec_.procs[f.proc].group];
  size_t n = g.decl->locals.size();
  const int txn = f.txn >= 0 ? f.txn : f.proc;
  auto note = [&](auto make) {
    if (!f.describe) return;
    if (f.results)
      f.results->push_back(make());
    else
      out.result = make();
  };
  auto record = [&](Interaction::Kind kind) -> Interaction* {
    if (!f.describe) return nullptr;
    Interaction rec;
    rec.kind = kind;
    rec.connection = txn;
    out.interactions.push_back(std::move(rec));
    return &out.interactions.back();
  };
  if (q.kind == ast::SqlKind::begin) {
    const sql::Isolation level =
        q.isolation_given ? lower_isolation(q.isolation) : spec_.schema.default_isolation;
    sql::begin(f.s.db, txn, level, q.read_only);
    ++ps.pc;
    if (Interaction* rec = record(Interaction::Kind::sql_begin)) {
      rec->isolation = level;
      rec->read_only = q.read_only;
    }
    return;
  }
  if (victim) {
    // The deadlock detector chose this transaction: its waiting statement fails and the
    // transaction is left aborted, as PostgreSQL does (an autocommit statement's ends).
    f.victim = false;
    const bool block = f.s.db.txns[static_cast<size_t>(txn)] == sql::TxnStatus::open;
    sql::abort(f.s.db, txn, block ? sql::TxnStatus::failed : sql::TxnStatus::none);
    ps.locals[n] = Value::boolean(false);
    ps.locals[n + 1] = Value::integer(0);
    ps.locals[n + 2] = Value::text(spec_.pool.intern("deadlock_detected"));
    ++ps.pc;
    note([] { return std::string("error: deadlock_detected (40P01: deadlock detected)"); });
    if (Interaction* rec = record(Interaction::Kind::sql_victim))
      rec->sql_error = "deadlock_detected";
    return;
  }
  const LoweredSql& l = spec_.lowered(&q);
  Params params;
  sql::Context ctx;
  ctx.txn = txn;
  ctx.now = Value::integer(f.s.clock);
  ctx.pool = &spec_.pool;
  ctx.keep_start = g.sql_reads_now;
  sql::Result r;
  if (resume) {
    // Host values were bound when the statement started.
    const sql::Cursor& cur = f.s.db.cursors[static_cast<size_t>(txn)];
    params.assign(cur.params.begin(), cur.params.end());
    ctx.params = {params.data(), params.size()};
    r = sql::resume(f.s.db, spec_.schema, l.stmt, ctx);
  } else {
    for (const ast::Expr* e : l.params) params.push_back(eval(*e, f));
    ctx.params = {params.data(), params.size()};
    r = sql::execute(f.s.db, spec_.schema, l.stmt, ctx, ps.pc);
  }
  if (r.outcome == sql::Outcome::blocked) {
    out.status = StepStatus::blocked;
    out.blocked_on = BlockReason::sql;
    out.waits_for = r.waits_for;
    return;
  }
  if (f.describe && r.outcome != sql::Outcome::model_error) {
    Interaction* rec =
        record(resume ? Interaction::Kind::sql_resume : Interaction::Kind::sql_start);
    rec->stmt = &l.stmt;
    rec->params.assign(params.begin(), params.end());
    rec->now = ctx.now;
    rec->waiting = r.outcome == sql::Outcome::waiting;
    rec->waits_for = r.waits_for;
    rec->rows = r.rows;
    rec->row_count = r.row_count;
    rec->found = l.stmt.kind == sql::StatementKind::commit ? r.committed : r.row_count > 0;
    rec->sql_error = r.sql_error;
    rec->committed = r.committed;
  }
  switch (r.outcome) {
    case sql::Outcome::blocked:
      return;
    case sql::Outcome::waiting:
      // The statement started (or went on) and now waits: the step ends here, the process
      // stays at the statement until the lock is freed (§4.3).
      out.waiting = true;
      out.waits_for = r.waits_for;
      note([&] { return waiting_text(r); });
      return;
    case sql::Outcome::model_error:
      fail(fmt::format("{} (line {})", r.message, st.loc.line));
    case sql::Outcome::error:
      ps.locals[n] = Value::boolean(false);
      ps.locals[n + 1] = Value::integer(0);
      ps.locals[n + 2] = Value::text(spec_.pool.intern(r.sql_error));  // rare: errors only
      ++ps.pc;
      note([&] {
        const std::string table =
            l.stmt.table >= 0 && static_cast<size_t>(l.stmt.table) < spec_.schema.tables.size()
                ? spec_.schema.tables[static_cast<size_t>(l.stmt.table)].name
                : std::string();
        const std::string detail =
            r.detail.empty() ? sql::error_detail(r.sql_error, l.stmt, table) : r.detail;
        return "error: " + r.sql_error + (detail.empty() ? "" : " (" + detail + ")");
      });
      return;
    case sql::Outcome::ok:
      break;
  }
  bool found = l.stmt.kind == sql::StatementKind::commit ? r.committed : r.row_count > 0;
  ps.locals[n] = Value::boolean(found);
  ps.locals[n + 1] = Value::integer(r.row_count);
  ps.locals[n + 2] = spec_.empty_text();
  for (size_t i = 0; i < q.into.size(); ++i)
    assign(f, q.into[i].ref,
           !r.rows.empty() && i < r.rows[0].size() ? r.rows[0][i] : Value::null());
  ++ps.pc;
  if (f.describe) note([&] { return sql_result(q, l, r); });
}

std::string Interpreter::waiting_text(const sql::Result& r) const {
  std::string who;
  for (int t : r.waits_for) {
    if (!who.empty()) who += ", ";
    who += connection_name(t);
  }
  return fmt::format("waits for {}{}", who,
                     r.row_count > 0
                         ? fmt::format(" ({} row{} done)", r.row_count, r.row_count == 1 ? "" : "s")
                         : "");
}

std::string Interpreter::connection_name(int txn) const {
  const int n = static_cast<int>(spec_.procs.size());
  if (txn >= 0 && txn < n) return spec_.procs[static_cast<size_t>(txn)].name;
  if (txn >= n && txn < 2 * n)
    return fmt::format("{} (orphaned statement)", spec_.procs[static_cast<size_t>(txn - n)].name);
  return fmt::format("transaction {}", txn);
}

std::string Interpreter::sql_result(const ast::SqlStmt& q, const LoweredSql& l,
                                    const sql::Result& r) const {
  std::string result;
  if (!q.into.empty()) {
    for (size_t i = 0; i < q.into.size(); ++i) {
      Value v = !r.rows.empty() && i < r.rows[0].size() ? r.rows[0][i] : Value::null();
      if (!result.empty()) result += ", ";
      result += fmt::format("{} = {}", q.into[i].name, render_value(v));
    }
    if (r.rows.empty()) result = "no row: " + result;
  } else {
    switch (l.stmt.kind) {
      case sql::StatementKind::commit:
        result = r.committed ? "committed" : "rolled back (the transaction had failed)";
        break;
      case sql::StatementKind::rollback:
        result = "rolled back";
        break;
      case sql::StatementKind::select:
        if (r.rows.size() == 1 && r.rows[0].size() == 1) {
          result = fmt::format("{} = {}", l.item_names.empty() ? "value" : l.item_names[0],
                               render_value(r.rows[0][0]));
          break;
        }
        [[fallthrough]];
      default:
        result = fmt::format("{} row{}", r.row_count, r.row_count == 1 ? "" : "s");
        break;
    }
  }
  return result;
}

void Interpreter::exec_redis(Frame& f, const ast::Stmt& st, StepOutcome& out) const {
  ProcState& ps = f.s.procs[f.proc];
  const ast::RedisCmd& c = *st.redis;
  int node = node_of(c, f);
  redis::Request req;
  req.command = redis_command(c.op);
  for (const auto& k : c.keys) req.keys.push_back(redis_key(k, f));
  if (c.value) req.value = eval_word(*c.value, f);
  switch (c.condition) {
    case ast::SetCondition::always:
      req.condition = redis::SetCondition::always;
      break;
    case ast::SetCondition::nx:
      req.condition = redis::SetCondition::nx;
      break;
    case ast::SetCondition::xx:
      req.condition = redis::SetCondition::xx;
      break;
  }
  if (c.ttl) {
    Value t = eval_word(*c.ttl, f);
    if (t.type != Type::int_)
      fail(fmt::format("the expiry of '{}' is {}, not an int (line {})", st.text, render_value(t),
                       st.loc.line));
    req.has_ttl = true;
    req.ttl = t.i;
  }
  if ((c.op == ast::RedisOp::expire || c.op == ast::RedisOp::incrby ||
       c.op == ast::RedisOp::decrby) &&
      req.value.type != Type::int_)
    fail(fmt::format("'{}' needs an integer argument, got {} (line {})", st.text,
                     render_value(req.value), st.loc.line));
  redis::Reply r = redis::execute(f.s.nodes[node], req, f.s.clock);
  if (r.error) fail(fmt::format("{} (line {})", r.message, st.loc.line));
  if (f.describe) {
    Interaction rec;
    rec.kind = Interaction::Kind::redis;
    rec.connection = f.proc;
    rec.node = node;
    rec.request = req;
    rec.reply = r.value;
    out.interactions.push_back(std::move(rec));
  }
  if (!st.target.empty()) assign(f, st.target_ref, r.value);
  ++ps.pc;
  if (!f.describe) return;
  std::string result;
  if (!st.target.empty()) {
    result = fmt::format("{} = {}", st.target, render_value(r.value));
  } else if (c.op == ast::RedisOp::set) {
    result = r.value.truthy() ? "OK" : "nil";
  } else {
    result = render_value(r.value);
  }
  // For an array of nodes, say which one the command went to (`node[i]:` in the text).
  if (c.node_index) result = spec_.node_names[node] + ": " + result;
  if (f.results)
    f.results->push_back(result);
  else
    out.result = result;
}

int Interpreter::node_of(const ast::RedisCmd& c, Frame& f) const {
  int gi = c.node_ref.index;
  if (gi < 0 || gi >= static_cast<int>(spec_.node_groups.size()))
    fail(fmt::format("unknown Redis node '{}'", c.node));
  const NodeGroup& g = spec_.node_groups[gi];
  if (!g.array) return g.first;
  if (!c.node_index) fail(fmt::format("'{}' is an array of nodes: name one", c.node));
  Value i = eval(*c.node_index, f);
  if (i.type != Type::int_ || i.i < 1 || i.i > g.count)
    fail(fmt::format("{}[{}] does not exist ({} is {}[1..{}]) (line {})", c.node, render_value(i),
                     c.node, c.node, g.count, c.loc.line));
  return g.first + static_cast<int>(i.i) - 1;
}

std::string Interpreter::word_text(const Value& v) const {
  if (v.type == Type::pid) pid_text_.store(true, std::memory_order_relaxed);
  switch (v.type) {
    case Type::text:
      return spec_.pool.text(v.i);
    case Type::null:
      return "";
    default:
      return spec_.value_text(v);
  }
}

Value Interpreter::eval_word(const ast::Word& w, Frame& f) const {
  if (w.parts.size() == 1) {
    const ast::WordPart& p = w.parts[0];
    if (p.is_expr) return eval(*p.expr, f);
    int64_t n = 0;
    const char* b = p.text.data();
    const char* e = b + p.text.size();
    auto [ptr, ec] = std::from_chars(b, e, n);
    if (ec == std::errc() && ptr == e && !p.text.empty()) {
      if (n < std::numeric_limits<int32_t>::min() || n > std::numeric_limits<int32_t>::max())
        fail(fmt::format("integer out of range: {}", p.text));
      return Value::integer(n);
    }
    return Value::text(spec_.pool.intern(p.text));
  }
  std::string text;
  for (const auto& p : w.parts) text += p.is_expr ? word_text(eval(*p.expr, f)) : p.text;
  return Value::text(spec_.pool.intern(text));
}

Value Interpreter::redis_key(const ast::Word& w, Frame& f) const {
  Value v = eval_word(w, f);
  if (v.type == Type::text) return v;
  return Value::text(spec_.pool.intern(word_text(v)));
}

void Interpreter::assign(Frame& f, const ast::Ref& ref, const Value& v) const {
  switch (ref.kind) {
    case ast::RefKind::local:
      f.s.procs[f.proc].locals[ref.index] = v;
      return;
    case ast::RefKind::builtin: {
      size_t n = spec_.groups[spec_.procs[f.proc].group].decl->locals.size();
      f.s.procs[f.proc].locals[n + ref.index] = v;
      return;
    }
    case ast::RefKind::shared:
      f.s.shared[ref.index] = v;
      return;
    case ast::RefKind::ghost:
      f.s.ghosts[ref.index] = v;
      return;
    default:
      fail("assignment to something that is not a variable");
  }
}

// ---------------------------------------------------------------------------------------------
// Environment events

void Interpreter::tick(State& s) const {
  if (spec_.clock_relative) {
    // The clock stays 0: every deadline and wake-up comes one tick closer (§8.2).
    for (auto& n : s.nodes) {
      for (auto& e : n.entries)
        if (e.deadline > 0) --e.deadline;
      redis::expire(n, s.clock);
    }
    for (auto& p : s.procs)
      if (p.wake > 0) --p.wake;
    return;
  }
  ++s.clock;
  for (auto& n : s.nodes) redis::expire(n, s.clock);
}

bool Interpreter::tick_enabled(const State& s) const {
  if (!spec_.has_clock) return false;
  if (!spec_.clock_relative) return s.clock < spec_.clock_max;
  // Only where it changes something: a pending expiry or a sleep.
  for (const auto& n : s.nodes)
    for (const auto& e : n.entries)
      if (e.deadline >= 0) return true;
  for (const auto& p : s.procs)
    if (p.status == ProcStatus::running && p.wake > 0) return true;
  return false;
}

void Interpreter::crash(State& s, int p, bool restart, ModelError& error, bool& failed) const {
  failed = false;
  ProcState& ps = s.procs[p];
  if (s.has_db && s.db.cursors[static_cast<size_t>(p)].active) {
    // Its statement waits: the server goes on running it on the dropped connection's behalf,
    // holding what it has (§4.3). It becomes an orphan in the slot of p's old connection.
    const size_t slot = s.procs.size() + static_cast<size_t>(p);
    if (slot >= s.db.txns.size() || s.db.txns[slot] != sql::TxnStatus::none ||
        s.db.cursors[slot].active) {
      error.message = fmt::format(
          "{} crashed while a statement of its earlier connection still runs on the server; two "
          "orphaned statements of one process are not modelled",
          spec_.procs[p].name);
      failed = true;
      return;
    }
    const Program& prog = spec_.groups[spec_.procs[p].group].program;
    // An atomic block goes on after the statement: it keeps the locals it runs with.
    if (atomic_end_of(prog, ps.pc) >= 0) s.db.cursors[static_cast<size_t>(p)].locals = ps.locals;
    sql::move_slot(s.db, p, static_cast<int>(slot));
  } else if (s.has_db && s.db.txns[p] != sql::TxnStatus::none) {
    sql::abort(s.db, p, sql::TxnStatus::none);
  }
  if (restart) {
    try {
      start_process(s, p);
    } catch (const ModelErrorException& e) {
      error = e.error;
      failed = true;
    }
    return;
  }
  ps.status = ProcStatus::crashed;
  ps.wake = -1;
  reset_dead_locals(ps, p);
}

void Interpreter::restart_node(State& s, int node) const { s.nodes[node] = redis::NodeState{}; }

// ---------------------------------------------------------------------------------------------
// Expressions

Value Interpreter::eval(const ast::Expr& e, Frame& f) const {
  using K = ast::ExprKind;
  switch (e.kind) {
    case K::int_lit:
      return checked_int(e.int_value, e);
    case K::text_lit:
      return spec_.text_literal(e);
    case K::bool_lit:
      return Value::boolean(e.int_value != 0);
    case K::null_lit:
      return Value::null();
    case K::name: {
      const ast::Ref& r = e.ref;
      switch (r.kind) {
        case ast::RefKind::constant:
          return Value::integer(spec_.consts.at(r.index));
        case ast::RefKind::shared:
          return f.s.shared.at(r.index);
        case ast::RefKind::ghost:
          return f.s.ghosts.at(r.index);
        case ast::RefKind::local:
          if (f.proc < 0) break;
          return f.s.procs[f.proc].locals.at(r.index);
        case ast::RefKind::builtin: {
          if (f.proc < 0) break;
          size_t n = spec_.groups[spec_.procs[f.proc].group].decl->locals.size();
          return f.s.procs[f.proc].locals.at(n + r.index);
        }
        case ast::RefKind::quantified:
          if (r.index < 0 || r.index >= static_cast<int>(f.bound.size())) break;
          return f.bound[r.index];
        case ast::RefKind::process_group: {
          // A single process's name is its id.
          const Group& g = spec_.groups.at(r.index);
          if (!g.array) return Value::pid(g.first);
          fail(fmt::format("'{}' is a group of processes: name one, as {}[1]", e.text, e.text));
        }
        default:
          break;
      }
      fail(fmt::format("'{}' cannot be read here (line {})", e.text, e.loc.line));
    }
    case K::self:
      if (f.proc < 0) fail("'self' is only defined inside a process");
      return Value::pid(f.proc);
    case K::now:
      return Value::integer(f.s.clock);
    case K::unary: {
      Value a = eval(*e.args[0], f);
      if (e.op == ast::Op::neg) {
        if (a.type != Type::int_)
          fail(fmt::format("cannot negate {} in '{}' (line {})", type_name(a.type), expr_text(e),
                           e.loc.line));
        return checked_int(-checked_int(a.i, *e.args[0]).i, e);
      }
      if (a.type != Type::bool_)
        fail(fmt::format("'not' needs a bool, got {} in '{}' (line {})", type_name(a.type),
                         expr_text(e), e.loc.line));
      return Value::boolean(!a.truthy());
    }
    case K::binary:
      return eval_binary(e, f);
    case K::index:
      return eval_index(e, f);
    case K::field:
      return eval_field(e, f);
    case K::quantifier:
      return eval_quantifier(e, f);
    case K::subquery:
      return eval_subquery(e, f);
    case K::host:
      return eval(*e.args[0], f);
    case K::column:
    case K::is_null:
    case K::is_not_null:
      break;
  }
  fail(fmt::format("'{}' cannot be evaluated here (line {})", expr_text(e), e.loc.line));
}

Value Interpreter::eval_binary(const ast::Expr& e, Frame& f) const {
  using ast::Op;
  auto need_bool = [&](const Value& v, const char* op) {
    if (v.type != Type::bool_)
      fail(fmt::format("'{}' needs bool operands, got {} {} in '{}' (line {})", op,
                       type_name(v.type), render_value(v), expr_text(e), e.loc.line));
    return v.truthy();
  };
  switch (e.op) {
    case Op::and_: {
      if (!need_bool(eval(*e.args[0], f), "and")) return Value::boolean(false);
      return Value::boolean(need_bool(eval(*e.args[1], f), "and"));
    }
    case Op::or_: {
      if (need_bool(eval(*e.args[0], f), "or")) return Value::boolean(true);
      return Value::boolean(need_bool(eval(*e.args[1], f), "or"));
    }
    case Op::implies: {
      if (!need_bool(eval(*e.args[0], f), "implies")) return Value::boolean(true);
      return Value::boolean(need_bool(eval(*e.args[1], f), "implies"));
    }
    default:
      break;
  }
  Value a = eval(*e.args[0], f);
  Value b = eval(*e.args[1], f);
  switch (e.op) {
    case Op::eq:
      return Value::boolean(a == b);
    case Op::ne:
      return Value::boolean(!(a == b));
    case Op::lt:
    case Op::le:
    case Op::gt:
    case Op::ge: {
      int cmp = 0;
      if (a.type == Type::int_ && b.type == Type::int_) {
        cmp = a.i < b.i ? -1 : a.i > b.i ? 1 : 0;
      } else if (a.type == Type::text && b.type == Type::text) {
        int c = spec_.pool.text(a.i).compare(spec_.pool.text(b.i));
        cmp = c < 0 ? -1 : c > 0 ? 1 : 0;
      } else {
        fail(fmt::format("cannot order {} {} and {} {} in '{}' (line {})", type_name(a.type),
                         render_value(a), type_name(b.type), render_value(b), expr_text(e),
                         e.loc.line));
      }
      bool r = e.op == Op::lt   ? cmp < 0
               : e.op == Op::le ? cmp <= 0
               : e.op == Op::gt ? cmp > 0
                                : cmp >= 0;
      return Value::boolean(r);
    }
    default:
      break;
  }
  if (a.type != Type::int_ || b.type != Type::int_)
    fail(fmt::format("arithmetic on {} {} and {} {} in '{}' (line {})", type_name(a.type),
                     render_value(a), type_name(b.type), render_value(b), expr_text(e),
                     e.loc.line));
  // Operands come in as ints, but a SUM (a bigint, as in PostgreSQL) may lie outside the int
  // range: check them, so that the 64-bit arithmetic below can never overflow.
  checked_int(a.i, *e.args[0]);
  checked_int(b.i, *e.args[1]);
  switch (e.op) {
    case Op::add:
      return checked_int(a.i + b.i, e);
    case Op::sub:
      return checked_int(a.i - b.i, e);
    case Op::mul:
      return checked_int(a.i * b.i, e);
    case Op::div:
      if (b.i == 0)
        fail(fmt::format("division by zero in '{}' (line {})", expr_text(e), e.loc.line));
      return checked_int(a.i / b.i, e);
    case Op::mod:
      if (b.i == 0)
        fail(fmt::format("division by zero in '{}' (line {})", expr_text(e), e.loc.line));
      return checked_int(a.i % b.i, e);
    default:
      break;
  }
  fail(fmt::format("unknown operator in '{}'", expr_text(e)));
}

Value Interpreter::eval_index(const ast::Expr& e, Frame& f) const {
  const ast::Expr& base = *e.args[0];
  auto key_of = [&](const Value& v) {
    if (v.type == Type::text) return v;
    return Value::text(spec_.pool.intern(word_text(v)));
  };
  if (base.kind == ast::ExprKind::name && base.ref.kind == ast::RefKind::process_group) {
    Value m = eval(*e.args[1], f);
    int gi = base.ref.index;
    const Group& g = spec_.groups.at(gi);
    int p = m.type == Type::int_ ? spec_.instance(gi, m.i) : -1;
    if (p < 0)
      fail(fmt::format("{}[{}] does not exist ({} is {}[{}..{}]) (line {})", base.text,
                       render_value(m), base.text, base.text, g.lo, g.lo + g.count - 1,
                       e.loc.line));
    return Value::pid(p);
  }
  if (base.kind == ast::ExprKind::name && base.ref.kind == ast::RefKind::redis_node) {
    const NodeGroup& g = spec_.node_groups.at(base.ref.index);
    if (g.array)
      fail(fmt::format("'{}' is an array of nodes: name one, as {}[1]", base.text, base.text));
    Value key = key_of(eval(*e.args[1], f));
    return redis::lookup(f.s.nodes[g.first], key, f.s.clock);
  }
  if (base.kind == ast::ExprKind::index && base.args[0]->kind == ast::ExprKind::name &&
      base.args[0]->ref.kind == ast::RefKind::redis_node) {
    const NodeGroup& g = spec_.node_groups.at(base.args[0]->ref.index);
    Value i = eval(*base.args[1], f);
    if (i.type != Type::int_ || i.i < 1 || i.i > g.count)
      fail(fmt::format("{}[{}] does not exist (line {})", base.args[0]->text, render_value(i),
                       e.loc.line));
    Value key = key_of(eval(*e.args[1], f));
    return redis::lookup(f.s.nodes[g.first + i.i - 1], key, f.s.clock);
  }
  fail(fmt::format("'{}' cannot be indexed (line {})", expr_text(base), e.loc.line));
}

Value Interpreter::eval_field(const ast::Expr& e, Frame& f) const {
  Value p = eval(*e.args[0], f);
  if (p.type != Type::pid || p.i < 0 || p.i >= static_cast<int64_t>(spec_.procs.size()))
    fail(fmt::format("'{}' is {}, not a process (line {})", expr_text(*e.args[0]), render_value(p),
                     e.loc.line));
  const ProcState& ps = f.s.procs[p.i];
  if (e.text == "done") return Value::boolean(ps.status == ProcStatus::done);
  if (e.text == "crashed") return Value::boolean(ps.status == ProcStatus::crashed);
  if (e.text == "waiting") {
    // Its SQL statement (or the orphaned one of its dropped connection) has started and waits.
    if (!f.s.has_db) return Value::boolean(false);
    const size_t n = f.s.procs.size(), q = static_cast<size_t>(p.i);
    bool w =
        f.s.db.cursors[q].active || (n + q < f.s.db.cursors.size() && f.s.db.cursors[n + q].active);
    return Value::boolean(w);
  }
  const Group& g = spec_.groups[spec_.procs[p.i].group];
  for (size_t i = 0; i < g.local_names.size(); ++i)
    if (g.local_names[i] == e.text) return ps.locals[i];
  fail(fmt::format("{} has no local '{}' (line {})", spec_.procs[p.i].name, e.text, e.loc.line));
}

Value Interpreter::eval_quantifier(const ast::Expr& e, Frame& f) const {
  int gi = e.ref.index;
  if (gi < 0 || gi >= static_cast<int>(spec_.groups.size()))
    fail(fmt::format("unknown process group '{}'", e.group));
  const Group& g = spec_.groups[gi];
  int64_t count = 0;
  for (int m = 0; m < g.count; ++m) {
    f.bound.push_back(Value::pid(g.first + m));
    Value v = eval(*e.args[0], f);
    f.bound.pop_back();
    if (v.type != Type::bool_)
      fail(fmt::format("the body of '{}' is {}, not bool (line {})", expr_text(e),
                       type_name(v.type), e.loc.line));
    if (v.truthy()) ++count;
    if (e.quant == ast::Quant::all && !v.truthy()) return Value::boolean(false);
    if (e.quant == ast::Quant::some && v.truthy()) return Value::boolean(true);
  }
  if (e.quant == ast::Quant::all) return Value::boolean(true);
  if (e.quant == ast::Quant::some) return Value::boolean(false);
  return Value::integer(count);
}

Value Interpreter::eval_subquery(const ast::Expr& e, Frame& f) const {
  if (!e.select || !f.s.has_db) fail("a subquery needs a database");
  const LoweredSql& l = spec_.lowered(e.select.get());
  Params params;
  for (const ast::Expr* p : l.params) params.push_back(eval(*p, f));
  sql::Context ctx;
  ctx.txn = -1;
  ctx.now = Value::integer(f.s.clock);
  ctx.params = {params.data(), params.size()};
  ctx.pool = &spec_.pool;
  std::string error;
  Value v = sql::scalar_query(f.s.db, spec_.schema, l.stmt, ctx, error);
  if (!error.empty()) fail(fmt::format("{} in '{}' (line {})", error, expr_text(e), e.loc.line));
  return v;
}

// ---------------------------------------------------------------------------------------------
// Properties

bool Interpreter::holds(const ast::Expr& e, const State& s, ModelError& error,
                        const Value* bound) const {
  Frame f{const_cast<State&>(s)};  // properties only read
  if (bound != nullptr) f.bound.push_back(*bound);
  try {
    Value v = eval(e, f);
    if (v.type != Type::bool_)
      fail(fmt::format("the property '{}' is {}, not bool", expr_text(e), type_name(v.type)));
    return v.truthy();
  } catch (const ModelErrorException& x) {
    error = x.error;
    return false;
  }
}

void Interpreter::collect_leaves(const ast::Expr& e, Frame& f,
                                 std::vector<std::string>& out) const {
  using K = ast::ExprKind;
  auto add = [&](const ast::Expr& leaf) {
    std::string text;
    try {
      text = fmt::format("{} = {}", expr_text(leaf), render_value(eval(leaf, f)));
    } catch (const ModelErrorException& x) {
      text = fmt::format("{}: {}", expr_text(leaf), x.error.message);
    }
    if (std::find(out.begin(), out.end(), text) == out.end()) out.push_back(text);
  };
  switch (e.kind) {
    case K::name:
      if (e.ref.kind == ast::RefKind::shared || e.ref.kind == ast::RefKind::ghost) add(e);
      return;
    case K::now:
    case K::subquery:
    case K::field:
    case K::index:
      add(e);
      return;
    case K::quantifier:
      add(e);
      return;
    default:
      for (const auto& a : e.args) collect_leaves(*a, f, out);
  }
}

std::string Interpreter::explain(const ast::Expr& e, const State& s, const Value* bound) const {
  Frame f{const_cast<State&>(s)};
  if (bound != nullptr) f.bound.push_back(*bound);
  std::vector<std::string> leaves;
  collect_leaves(e, f, leaves);
  std::string out;
  for (const auto& l : leaves) {
    if (!out.empty()) out += ", ";
    out += l;
  }
  return out;
}

const ast::Stmt* Interpreter::next_statement(const State& s, int p) const {
  const Program& prog = spec_.groups[spec_.procs[p].group].program;
  const ProcState& ps = s.procs[p];
  if (ps.status != ProcStatus::running || ps.pc < 0 || ps.pc >= static_cast<int>(prog.code.size()))
    return nullptr;
  return prog.code[ps.pc].stmt;
}

}  // namespace lockcheck::compile
