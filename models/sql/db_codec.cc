#include <fmt/format.h>

#include <algorithm>
#include <boost/container/small_vector.hpp>
#include <stdexcept>

#include "models/sql/database.h"
#include "models/sql/row_access.h"
#include "models/sql/ssi.h"

// The canonical form of a database state and its bit encoding.
namespace lockcheck::sql {

namespace {

int compare_records(const RowRecord& a, const RowRecord& b, const StringPool* pool) {
  if (int c = compare_optional_rows(a.committed, b.committed, pool); c != 0) return c;
  if (int c = compare_ints(a.writer, b.writer); c != 0) return c;
  if (int c = compare_optional_rows(a.pending, b.pending, pool); c != 0) return c;
  if (int c = compare_ints(a.exclusive, b.exclusive); c != 0) return c;
  if (a.shared != b.shared) return a.shared < b.shared ? -1 : 1;
  if (a.marks != b.marks) return a.marks < b.marks ? -1 : 1;
  if (a.queue != b.queue) return a.queue < b.queue ? -1 : 1;
  if (a.dead.size() != b.dead.size()) return a.dead.size() < b.dead.size() ? -1 : 1;
  for (size_t k = 0; k < a.dead.size(); ++k)
    if (int c = compare_rows(a.dead[k], b.dead[k], pool); c != 0) return c;
  if (a.old.size() != b.old.size()) return a.old.size() < b.old.size() ? -1 : 1;
  for (size_t k = 0; k < a.old.size(); ++k) {
    if (a.old[k].seen_by != b.old[k].seen_by) return a.old[k].seen_by < b.old[k].seen_by ? -1 : 1;
    if (int c = compare_optional_rows(a.old[k].row, b.old[k].row, pool); c != 0) return c;
  }
  return 0;
}

// A column holds null or its declared type (check_store refuses anything else): a presence bit,
// then the payload without a type tag.
void encode_row(BitWriter& w, const Row& row, const TableSchema& ts, int pid_bits) {
  if (row.size() != ts.types.size()) throw SlotOverflow("a row differs from its table's columns");
  for (size_t c = 0; c < row.size(); ++c) {
    const Value& v = row[c];
    w.bit(!v.is_null());
    if (v.is_null()) continue;
    if (v.type != column_value_type(ts.types[c]))
      throw SlotOverflow("a column holds a value of another type");
    w.payload(v, pid_bits);
  }
}

Row decode_row(BitReader& r, const TableSchema& ts, int pid_bits) {
  Row row(ts.types.size());
  for (size_t c = 0; c < row.size(); ++c)
    if (r.bit()) row[c] = r.payload(column_value_type(ts.types[c]), pid_bits);
  return row;
}

// A transaction slot or -1: stored plus one, in bits for 0..slots.
void encode_txn(BitWriter& w, int txn, int txn_bits) {
  w.bounded(static_cast<uint64_t>(static_cast<int64_t>(txn) + 1), txn_bits);
}

void encode_values(BitWriter& w, const std::vector<Value>& values, int pid_bits) {
  w.var(values.size());
  for (const Value& v : values) w.value(v, pid_bits);
}

std::vector<Value> decode_values(BitReader& r, int pid_bits) {
  const uint64_t n = r.var();
  if (n > 4096) throw std::runtime_error("bad value count in state");
  std::vector<Value> out(n);
  for (Value& v : out) v = r.value(pid_bits);
  return out;
}

void check_slot(int txn, int slots) {
  if (txn < -1 || txn >= slots) throw SlotOverflow("a transaction slot out of range");
}

void encode_optional_row(BitWriter& w, const std::optional<Row>& row, const TableSchema& ts,
                         int pid_bits) {
  w.bit(row.has_value());
  if (row) encode_row(w, *row, ts, pid_bits);
}

std::optional<Row> decode_optional_row(BitReader& r, const TableSchema& ts, int pid_bits) {
  if (!r.bit()) return std::nullopt;
  return decode_row(r, ts, pid_bits);
}

const TableSchema& table_of(const Schema& schema, int table) {
  if (table < 0 || static_cast<size_t>(table) >= schema.tables.size())
    throw SlotOverflow("an SSI record names a table out of range");
  return schema.tables[static_cast<size_t>(table)];
}

void encode_ssi(BitWriter& w, const std::vector<SsiTxn>& ssi, const Schema& schema, int slots,
                int pid_bits) {
  w.var(ssi.size());
  for (const SsiTxn& t : ssi) {
    check_slot(t.slot, slots);
    w.var(static_cast<uint64_t>(t.slot + 1));
    w.var(static_cast<uint64_t>(t.commit + 1));
    w.var(static_cast<uint64_t>(t.snap));
    w.bit(t.read_only);
    w.bit(t.wrote);
    w.bit(t.doomed);
    w.var(t.reads.size());
    for (const SsiRead& rd : t.reads) {
      w.var(static_cast<uint64_t>(rd.table));
      w.var(static_cast<uint64_t>(rd.stmt + 2));
      encode_values(w, rd.params, pid_bits);
    }
    w.var(t.seen.size());
    for (const SsiSeen& sn : t.seen) {
      w.var(static_cast<uint64_t>(sn.table));
      encode_row(w, sn.row, table_of(schema, sn.table), pid_bits);
    }
    w.var(t.writes.size());
    for (const SsiWrite& wr : t.writes) {
      const TableSchema& ts = table_of(schema, wr.table);
      w.var(static_cast<uint64_t>(wr.table));
      encode_optional_row(w, wr.before, ts, pid_bits);
      encode_optional_row(w, wr.after, ts, pid_bits);
    }
    w.var(t.out.size());
    for (int e : t.out) w.var(static_cast<uint64_t>(e));
  }
}

std::vector<SsiTxn> decode_ssi(BitReader& r, const Schema& schema, int pid_bits) {
  auto count = [&](uint64_t most) {
    const uint64_t n = r.var();
    if (n > most) throw std::runtime_error("bad SSI count in state");
    return n;
  };
  std::vector<SsiTxn> ssi(count(4096));
  for (SsiTxn& t : ssi) {
    t.slot = static_cast<int>(r.var()) - 1;
    t.commit = static_cast<int>(r.var()) - 1;
    t.snap = static_cast<int>(r.var());
    t.read_only = r.bit();
    t.wrote = r.bit();
    t.doomed = r.bit();
    t.reads.resize(count(1 << 16));
    for (SsiRead& rd : t.reads) {
      rd.table = static_cast<int>(r.var());
      rd.stmt = static_cast<int>(r.var()) - 2;
      rd.params = decode_values(r, pid_bits);
    }
    t.seen.resize(count(1 << 16));
    for (SsiSeen& sn : t.seen) {
      sn.table = static_cast<int>(r.var());
      sn.row = decode_row(r, table_of(schema, sn.table), pid_bits);
    }
    t.writes.resize(count(1 << 16));
    for (SsiWrite& wr : t.writes) {
      wr.table = static_cast<int>(r.var());
      const TableSchema& ts = table_of(schema, wr.table);
      wr.before = decode_optional_row(r, ts, pid_bits);
      wr.after = decode_optional_row(r, ts, pid_bits);
    }
    t.out.resize(count(ssi.size()));
    for (int& e : t.out) e = static_cast<int>(r.var());
  }
  return ssi;
}

}  // namespace

void DbState::canonicalize(const StringPool& pool) {
  // Ranks only order one statement's targets: renumber them 0, 1, ... per transaction (a
  // statement's marks are all in its one table, so this is per table).
  for (TableState& table : tables) {
    drop_empty_slots(table);
    boost::container::small_vector<Mark*, 16> marks;
    for (RowRecord& r : table.rows) {
      std::sort(r.shared.begin(), r.shared.end());
      for (Mark& m : r.marks) marks.push_back(&m);
      if (r.old.size() > 1) sort_old_versions(r.old);
      if (r.dead.size() > 1)
        std::sort(r.dead.begin(), r.dead.end(),
                  [&](const Row& x, const Row& y) { return compare_rows(x, y, &pool) < 0; });
    }
    if (marks.empty()) continue;
    std::sort(marks.begin(), marks.end(), [](const Mark* x, const Mark* y) {
      return x->txn != y->txn ? x->txn < y->txn : x->rank < y->rank;
    });
    for (size_t k = 0, next = 0; k < marks.size(); ++k) {
      if (k > 0 && marks[k]->txn != marks[k - 1]->txn) next = 0;
      marks[k]->rank = static_cast<int>(next++);
    }
    for (RowRecord& r : table.rows)
      if (r.marks.size() > 1) std::sort(r.marks.begin(), r.marks.end());
  }
  for (TableState& table : tables) {
    auto less = [&](const RowRecord& a, const RowRecord& b) {
      return compare_records(a, b, &pool) < 0;
    };
    // Most steps leave the order alone, and stable_sort allocates a buffer even then.
    if (!std::is_sorted(table.rows.begin(), table.rows.end(), less)) {
      std::stable_sort(table.rows.begin(), table.rows.end(), less);
    }
  }
  if (!ssi.empty()) ssi_canonicalize(*this, pool);
}

void DbState::encode(BitWriter& w, const Schema& schema, int slots, int processes) const {
  const int pid_bits = bits_for(static_cast<uint64_t>(std::max(processes - 1, 0)));
  const int txn_bits = bits_for(static_cast<uint64_t>(std::max(slots, 0)));
  const int slot_bits = bits_for(static_cast<uint64_t>(std::max(slots - 1, 0)));
  if (tables.size() != schema.tables.size())
    throw SlotOverflow("a database differs from its schema's tables");
  for (size_t t = 0; t < tables.size(); ++t) {
    const TableSchema& ts = schema.tables[t];
    w.var(tables[t].rows.size());
    for (const RowRecord& r : tables[t].rows) {
      w.bit(r.committed.has_value());
      w.bit(r.pending.has_value());
      if (r.committed) encode_row(w, *r.committed, ts, pid_bits);
      check_slot(r.writer, slots);
      encode_txn(w, r.writer, txn_bits);
      if (r.pending) encode_row(w, *r.pending, ts, pid_bits);
      w.var(r.dead.size());
      for (const Row& d : r.dead) encode_row(w, d, ts, pid_bits);
      check_slot(r.exclusive, slots);
      encode_txn(w, r.exclusive, txn_bits);
      w.var(r.shared.size());
      for (int s : r.shared) {
        check_slot(s, slots);
        w.bounded(static_cast<uint64_t>(static_cast<int64_t>(s)), slot_bits);
      }
      w.var(r.marks.size());
      for (const Mark& m : r.marks) {
        check_slot(m.txn, slots);
        w.bounded(static_cast<uint64_t>(static_cast<int64_t>(m.txn)), slot_bits);
        w.var(static_cast<uint64_t>(m.rank));
        w.bit(m.written);
      }
      if (schema.queue_waiters) {
        w.var(r.queue.size());
        for (const Waiter& q : r.queue) {
          check_slot(q.txn, slots);
          w.bounded(static_cast<uint64_t>(static_cast<int64_t>(q.txn)), slot_bits);
          w.bit(q.exclusive);
        }
      } else if (!r.queue.empty()) {
        throw SlotOverflow("a queue of waiters without detect deadlocks");
      }
      if (!schema.snapshots) {
        if (!r.old.empty()) throw SlotOverflow("old row versions without snapshots");
        continue;
      }
      w.var(r.old.size());
      for (const OldVersion& o : r.old) {
        w.bit(o.row.has_value());
        if (o.row) encode_row(w, *o.row, ts, pid_bits);
        w.var(o.seen_by.size());
        for (int s : o.seen_by) {
          check_slot(s, slots);
          w.bounded(static_cast<uint64_t>(static_cast<int64_t>(s)), slot_bits);
        }
      }
    }
  }
  if (txns.size() != static_cast<size_t>(std::max(slots, 0)) || cursors.size() != txns.size())
    throw SlotOverflow("a database has another number of transactions than slots");
  for (TxnStatus s : txns) w.bits(static_cast<uint64_t>(s), 2);
  for (const Cursor& c : cursors) {
    w.bit(c.active);
    if (!c.active) continue;
    w.var(static_cast<uint64_t>(static_cast<uint32_t>(c.pc)));
    encode_values(w, c.params, pid_bits);
    w.var(static_cast<uint64_t>(c.done));
    w.bit(c.first.has_value());
    if (c.first) encode_values(w, *c.first, pid_bits);
    encode_values(w, c.locals, pid_bits);
    check_slot(c.key_wait, slots);
    encode_txn(w, c.key_wait, txn_bits);
  }
  if (schema.uses_now) {
    if (starts.size() != txns.size()) throw SlotOverflow("a database lacks transaction starts");
    for (int64_t s : starts) w.svar(s);
  }
  if (schema.snapshots) {
    if (modes.size() != txns.size()) throw SlotOverflow("a database lacks transaction modes");
    for (const TxnMode& m : modes) {
      w.bits(static_cast<uint64_t>(m.level), 2);
      w.bit(m.read_only);
      w.bit(m.snapshot);
    }
  }
  if (schema.serializable)
    encode_ssi(w, ssi, schema, slots, pid_bits);
  else if (!ssi.empty())
    throw SlotOverflow("SSI records without SERIALIZABLE");
}

DbState DbState::decode(BitReader& r, const Schema& schema, int slots, int processes) {
  const int pid_bits = bits_for(static_cast<uint64_t>(std::max(processes - 1, 0)));
  const int txn_bits = bits_for(static_cast<uint64_t>(std::max(slots, 0)));
  const int slot_bits = bits_for(static_cast<uint64_t>(std::max(slots - 1, 0)));
  DbState db;
  db.tables.resize(schema.tables.size());
  for (size_t t = 0; t < schema.tables.size(); ++t) {
    const TableSchema& ts = schema.tables[t];
    const uint64_t n = r.var();
    // A real table never holds more row slots than bits are left: bad bytes must not make this
    // reserve gigabytes.
    if (n > (uint64_t{1} << 24)) throw std::runtime_error("bad row count in state");
    db.tables[t].rows.reserve(n);
    for (uint64_t k = 0; k < n; ++k) {
      RowRecord rec;
      const bool committed = r.bit();
      const bool pending = r.bit();
      if (committed) rec.committed = decode_row(r, ts, pid_bits);
      rec.writer = static_cast<int>(r.bits(txn_bits)) - 1;
      if (pending) rec.pending = decode_row(r, ts, pid_bits);
      const uint64_t dead = r.var();
      if (dead > (uint64_t{1} << 16)) throw std::runtime_error("bad dead version count in state");
      for (uint64_t d = 0; d < dead; ++d) rec.dead.push_back(decode_row(r, ts, pid_bits));
      rec.exclusive = static_cast<int>(r.bits(txn_bits)) - 1;
      const uint64_t shared = r.var();
      if (shared > static_cast<uint64_t>(std::max(slots, 0)))
        throw std::runtime_error("bad lock holder count in state");
      for (uint64_t s = 0; s < shared; ++s)
        rec.shared.push_back(static_cast<int>(r.bits(slot_bits)));
      const uint64_t marks = r.var();
      if (marks > static_cast<uint64_t>(std::max(slots, 0)))
        throw std::runtime_error("bad mark count in state");
      for (uint64_t m = 0; m < marks; ++m) {
        Mark mark;
        mark.txn = static_cast<int>(r.bits(slot_bits));
        mark.rank = static_cast<int>(r.var());
        mark.written = r.bit();
        rec.marks.push_back(mark);
      }
      if (schema.queue_waiters) {
        const uint64_t waiters = r.var();
        if (waiters > static_cast<uint64_t>(std::max(slots, 0)))
          throw std::runtime_error("bad waiter count in state");
        for (uint64_t q = 0; q < waiters; ++q) {
          Waiter wt;
          wt.txn = static_cast<int>(r.bits(slot_bits));
          wt.exclusive = r.bit();
          rec.queue.push_back(wt);
        }
      }
      if (schema.snapshots) {
        const uint64_t olds = r.var();
        if (olds > static_cast<uint64_t>(std::max(slots, 0)))
          throw std::runtime_error("bad old version count in state");
        for (uint64_t o = 0; o < olds; ++o) {
          OldVersion old;
          if (r.bit()) old.row = decode_row(r, ts, pid_bits);
          const uint64_t seen = r.var();
          if (seen > static_cast<uint64_t>(std::max(slots, 0)))
            throw std::runtime_error("bad snapshot count in state");
          for (uint64_t k = 0; k < seen; ++k)
            old.seen_by.push_back(static_cast<int>(r.bits(slot_bits)));
          rec.old.push_back(std::move(old));
        }
      }
      db.tables[t].rows.push_back(std::move(rec));
    }
  }
  db.txns.resize(static_cast<size_t>(std::max(slots, 0)));
  for (TxnStatus& s : db.txns) s = static_cast<TxnStatus>(r.bits(2));
  db.cursors.resize(db.txns.size());
  for (Cursor& c : db.cursors) {
    c.active = r.bit();
    if (!c.active) continue;
    c.pc = static_cast<int32_t>(r.var());
    c.params = decode_values(r, pid_bits);
    c.done = static_cast<int64_t>(r.var());
    if (r.bit()) c.first = decode_values(r, pid_bits);
    c.locals = decode_values(r, pid_bits);
    c.key_wait = static_cast<int>(r.bits(txn_bits)) - 1;
  }
  if (schema.uses_now) {
    db.starts.resize(db.txns.size());
    for (int64_t& s : db.starts) s = r.svar();
  }
  db.queues = schema.queue_waiters;
  if (schema.snapshots) {
    db.modes.resize(db.txns.size());
    for (TxnMode& m : db.modes) {
      m.level = static_cast<Isolation>(r.bits(2));
      m.read_only = r.bit();
      m.snapshot = r.bit();
    }
  }
  if (schema.serializable) db.ssi = decode_ssi(r, schema, pid_bits);
  return db;
}

std::string initial_state(const Schema& schema, const std::vector<std::vector<Row>>& rows,
                          int slots, const StringPool& pool, DbState& out) {
  out = DbState{};
  out.tables.resize(schema.tables.size());
  out.txns.assign(static_cast<size_t>(std::max(slots, 0)), TxnStatus::none);
  out.cursors.assign(static_cast<size_t>(std::max(slots, 0)), Cursor{});
  if (schema.uses_now) out.starts.assign(static_cast<size_t>(std::max(slots, 0)), -1);
  if (schema.snapshots) out.modes.assign(static_cast<size_t>(std::max(slots, 0)), TxnMode{});
  out.queues = schema.queue_waiters;
  for (size_t t = 0; t < schema.tables.size(); ++t) {
    const TableSchema& ts = schema.tables[t];
    if (t >= rows.size()) continue;
    const std::vector<Row>& initial = rows[t];
    if (initial.size() > static_cast<size_t>(std::max(ts.max_rows, 0))) {
      return fmt::format("table '{}' has {} initial rows, more than its max of {} rows", ts.name,
                         initial.size(), ts.max_rows);
    }
    for (const Row& row : initial) {
      if (row.size() != ts.columns.size()) {
        return fmt::format("a row of table '{}' has {} values for {} columns", ts.name, row.size(),
                           ts.columns.size());
      }
      for (size_t c = 0; c < row.size(); ++c) {
        if (std::string e = check_store(ts, static_cast<int>(c), row[c]); !e.empty()) return e;
      }
      if (!ts.primary_key.empty()) {
        for (const RowRecord& other : out.tables[t].rows) {
          if (!same_key(ts, *other.committed, row, &pool)) continue;
          std::string key;
          for (int c : ts.primary_key) {
            if (!key.empty()) key += ", ";
            key += format_value(row[static_cast<size_t>(c)], &pool);
          }
          return fmt::format("duplicate primary key ({}) in table '{}'", key, ts.name);
        }
      }
      RowRecord rec;
      rec.committed = row;
      out.tables[t].rows.push_back(std::move(rec));
    }
  }
  out.canonicalize(pool);
  return "";
}

}  // namespace lockcheck::sql
