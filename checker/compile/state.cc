#include "checker/compile/state.h"

#include "checker/base/byte_codec.h"

namespace lockcheck::compile {

namespace {

void write_values(ByteWriter& w, const std::vector<Value>& values) {
  w.u(values.size());
  for (const Value& v : values) w.value(v);
}

std::vector<Value> read_values(ByteReader& r) {
  std::vector<Value> out(r.u());
  for (Value& v : out) v = r.value();
  return out;
}

}  // namespace

std::string State::encode(const StringPool& pool) {
  ByteWriter w;
  w.bytes().reserve(256);  // most states fit: one allocation instead of a growth sequence
  w.i(clock);
  write_values(w, shared);
  write_values(w, ghosts);
  if (has_db) {
    db.canonicalize(pool);
    db.encode(w);
  }
  w.u(nodes.size());
  for (const auto& n : nodes) n.encode(w);
  w.u(procs.size());
  for (const auto& p : procs) {
    w.u(static_cast<uint64_t>(p.status));
    w.i(p.pc);
    w.i(p.wake);
    write_values(w, p.locals);
  }
  w.u(faults_used.size());
  for (int32_t f : faults_used) w.i(f);
  w.i(faults_total);
  return w.take();
}

State State::decode(std::string_view bytes, const sql::Schema& schema, bool has_db) {
  ByteReader r(bytes);
  State s;
  s.clock = r.i();
  s.shared = read_values(r);
  s.ghosts = read_values(r);
  s.has_db = has_db;
  if (has_db) s.db = sql::DbState::decode(r, schema);
  s.nodes.resize(r.u());
  for (auto& n : s.nodes) n = redis::NodeState::decode(r);
  s.procs.resize(r.u());
  for (auto& p : s.procs) {
    p.status = static_cast<ProcStatus>(r.u());
    p.pc = static_cast<int32_t>(r.i());
    p.wake = r.i();
    p.locals = read_values(r);
  }
  s.faults_used.resize(r.u());
  for (auto& f : s.faults_used) f = static_cast<int32_t>(r.i());
  s.faults_total = static_cast<int32_t>(r.i());
  return s;
}

}  // namespace lockcheck::compile
