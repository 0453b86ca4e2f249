#include "checker/compile/state.h"

#include "checker/base/bit_codec.h"
#include "checker/compile/state_layout.h"

namespace lockcheck::compile {

namespace {

void check_size(size_t size, size_t expected) {
  if (size != expected) throw SlotOverflow("a state's vector differs from its layout's size");
}

void write_values(BitWriter& w, const std::vector<Value>& values, size_t expected, int pid_bits) {
  check_size(values.size(), expected);
  for (const Value& v : values) w.value(v, pid_bits);
}

void read_values(BitReader& r, std::vector<Value>& out, size_t n, int pid_bits) {
  out.resize(n);
  for (Value& v : out) v = r.value(pid_bits);
}

// The built-in locals: payloads alone. A spec cannot assign them (the resolver refuses), and the
// interpreter only ever stores found: bool, row_count: int, sql_error: text.
void write_builtins(BitWriter& w, const Value* b, int64_t empty_text) {
  if (b[0].type != Type::bool_ || b[1].type != Type::int_ || b[2].type != Type::text)
    throw SlotOverflow("a built-in local holds a value of another type");
  w.bounded(static_cast<uint64_t>(b[0].i), 1);  // found
  w.svar(b[1].i);                               // row_count
  // sql_error: '' but after an error.
  w.bit(b[2].i == empty_text);
  if (b[2].i != empty_text) w.var(static_cast<uint64_t>(b[2].i));
}

void write_wake(BitWriter& w, int64_t wake, const StateLayout& l, bool sleeps) {
  if (!sleeps) return w.bounded(static_cast<uint64_t>(wake + 1), 0);
  if (wake >= -1 && wake <= l.clock_max)
    return w.bits(static_cast<uint64_t>(wake + 1), l.wake_bits);
  w.bits(l.wake_escape, l.wake_bits);
  w.svar(wake);
}

int64_t read_wake(BitReader& r, const StateLayout& l, bool sleeps) {
  if (!sleeps) return -1;
  const uint64_t code = r.bits(l.wake_bits);
  if (code < l.wake_escape) return static_cast<int64_t>(code) - 1;
  if (code > l.wake_escape) throw std::runtime_error("bad wake-up tick in state");
  return r.svar();
}

}  // namespace

std::string State::encode(const StringPool& pool, const StateLayout& l) {
  BitWriter w;
  w.bounded(static_cast<uint64_t>(clock), l.clock_bits);
  write_values(w, shared, l.shared, l.pid_bits);
  write_values(w, ghosts, l.ghosts, l.pid_bits);
  if (l.has_db) {
    db.canonicalize(pool);
    db.encode(w, *l.schema, l.txn_slots, static_cast<int>(l.procs.size()));
  }
  check_size(nodes.size(), l.nodes);
  for (const auto& n : nodes) n.encode(w, l.pid_bits);
  check_size(procs.size(), l.procs.size());
  for (size_t i = 0; i < procs.size(); ++i) {
    const ProcState& p = procs[i];
    const StateLayout::Proc& lp = l.procs[i];
    w.bounded(static_cast<uint64_t>(p.status), 2);
    w.bounded(static_cast<uint64_t>(static_cast<uint32_t>(p.pc)), lp.pc_bits);
    write_wake(w, p.wake, l, lp.sleeps);
    check_size(p.locals.size(), lp.declared + kBuiltinCount);
    for (uint32_t k = 0; k < lp.declared; ++k) w.value(p.locals[k], l.pid_bits);
    write_builtins(w, &p.locals[lp.declared], l.empty_text);
  }
  check_size(faults_used.size(), l.fault_bits.size());
  for (size_t f = 0; f < faults_used.size(); ++f)
    w.bounded(static_cast<uint64_t>(static_cast<uint32_t>(faults_used[f])), l.fault_bits[f]);
  w.bounded(static_cast<uint64_t>(static_cast<uint32_t>(faults_total)), l.faults_total_bits);
  return w.take();
}

State State::decode(std::string_view bytes, const StateLayout& l) {
  BitReader r(bytes);
  State s;
  s.clock = static_cast<int64_t>(r.bits(l.clock_bits));
  read_values(r, s.shared, l.shared, l.pid_bits);
  read_values(r, s.ghosts, l.ghosts, l.pid_bits);
  s.has_db = l.has_db;
  if (l.has_db)
    s.db = sql::DbState::decode(r, *l.schema, l.txn_slots, static_cast<int>(l.procs.size()));
  s.nodes.resize(l.nodes);
  for (auto& n : s.nodes) n = redis::NodeState::decode(r, l.pid_bits);
  s.procs.resize(l.procs.size());
  for (size_t i = 0; i < s.procs.size(); ++i) {
    ProcState& p = s.procs[i];
    const StateLayout::Proc& lp = l.procs[i];
    const uint64_t status = r.bits(2);
    if (status > static_cast<uint64_t>(ProcStatus::crashed))
      throw std::runtime_error("bad process status in state");
    p.status = static_cast<ProcStatus>(status);
    p.pc = static_cast<int32_t>(r.bits(lp.pc_bits));
    p.wake = read_wake(r, l, lp.sleeps);
    p.locals.resize(lp.declared + kBuiltinCount);
    for (uint32_t k = 0; k < lp.declared; ++k) p.locals[k] = r.value(l.pid_bits);
    p.locals[lp.declared] = Value::boolean(r.bit());
    p.locals[lp.declared + 1] = Value::integer(r.svar());
    p.locals[lp.declared + 2] = Value::text(r.bit() ? l.empty_text : static_cast<int64_t>(r.var()));
  }
  s.faults_used.resize(l.fault_bits.size());
  for (size_t f = 0; f < s.faults_used.size(); ++f)
    s.faults_used[f] = static_cast<int32_t>(r.bits(l.fault_bits[f]));
  s.faults_total = static_cast<int32_t>(r.bits(l.faults_total_bits));
  if (!r.at_end()) throw std::runtime_error("trailing bytes after a state");
  return s;
}

}  // namespace lockcheck::compile
