// The level-synchronous BFS. Per level: expand the states of the level in the order of their best
// paths (their "rank"), store new states once, and give each state of the next level the best
// of the paths that reach it, by (faults, rank of the parent, choice). Once the level is
// complete: sort it by (rank of the parent, choice), which is the order of the states' best paths,
// evaluate its states, and fix the counterexample of every property first violated at this length.
//
// With threads > 1, the successors of consecutive runs of parents ("batches") are computed in
// parallel into per-batch buffers, with a look-up of the states already stored, and merged on
// the search thread in parent order: the same transitions in the same order as with one thread,
// so the same state numbers, counts, traces and even the same stopping point under a state
// limit. With the plain store the merge overlaps the filling of later batches (the store allows
// look-ups during adds); with the tree store a window of batches is filled, then merged.

#include "checker/engine/search.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <memory>
#include <new>
#include <thread>
#include <tuple>

#include "checker/engine/choice_array.h"
#include "checker/engine/chunked_array.h"
#include "checker/engine/limit_text.h"
#include "checker/engine/memory_meter.h"
#include "checker/engine/state_hash.h"
#include "checker/engine/state_store.h"
#include "checker/engine/visited_states.h"
#include "checker/engine/worker_pool.h"

namespace lockcheck::engine {
namespace {

using Clock = std::chrono::steady_clock;

constexpr uint32_t kNone = StateStore::kNone;
constexpr uint32_t kMaxFaults = UINT16_MAX;
constexpr auto kProgressInterval = std::chrono::milliseconds(250);
constexpr uint64_t kMergeCheckEvery = 1024;  // records merged between two clock checks
constexpr uint64_t kEvaluateCheckEvery = 64;
constexpr uint64_t kParallelEvaluateMin = 512;  // smaller levels are not worth waking the workers

// Orders the paths of one length: fewest faults, then lexicographically. Two paths of length d+1
// compare lexicographically as the ranks of their prefixes in level d, then their last choices.
struct PathKey {
  uint32_t faults = 0;
  uint32_t rank = 0;
  Choice choice = 0;
  friend auto operator<=>(const PathKey&, const PathKey&) = default;
};

struct Candidate {
  PathKey key;
  uint32_t state = kNone;  // the violating state, or the state a failing transition leaves
  bool failure = false;
  Choice failing_choice = 0;
};

enum class StopReason { none, states, memory, time, interrupted, error };

// Waiting for another thread: a few yields, then short sleeps, so that a waiting thread does not
// take a core from the others (or from other processes on a shared machine).
class Backoff {
 public:
  void wait() {
    if (++spins_ < 32) {
      std::this_thread::yield();
    } else {
      std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
  }
  void reset() { spins_ = 0; }

 private:
  int spins_ = 0;
};

// One transition computed by a worker, merged later in order.
struct Record {
  uint32_t rank;  // the parent's position in the level
  Choice choice;
  uint32_t target;  // states: the number when already stored, else kNone; failures: the property
  bool failure;
  bool fault;
  uint32_t length;  // failures: unused; new states: their bytes in the batch buffer
  uint64_t offset;
  uint64_t hash;
};

struct Batch {
  explicit Batch(MemoryMeter* meter)
      : records(MeteredAllocator<Record>(meter)), bytes(MeteredAllocator<char>(meter)) {}
  MeteredVector<Record> records;
  MeteredVector<char> bytes;
};

class Search {
 public:
  Search(const Model& model, const SearchOptions& options);
  SearchResult run();

 private:
  class DirectSink;
  class BatchSink;
  class AmpleSink;

  // Emits the successors of `state` into `sink`: the model's ample set when it offers one that
  // closes no cycle (no successor stored at this depth or before), else all of them.
  void expand(std::string_view state, SuccessorSink& sink, AmpleSink& scratch);

  void explore();
  void expand_direct();
  void expand_parallel();
  void expand_pipelined();
  // Pipelined expansion: claims the next batch (when the ring of buffers has room) and fills it.
  enum class Claim { filled, full, none_left };
  Claim claim_and_fill(bool search_thread);
  void fill_loop();
  void merge_loop();
  // Waits until no worker is filling a batch and keeps them from starting one, for an add that
  // moves the store's memory; resume() lets them go on.
  void quiesce();
  void resume();
  // Computes the successors of level_[first, last) into `batch`. False when stopped midway.
  bool fill_batch(Batch& batch, uint64_t first, uint64_t last, bool search_thread);
  void merge(const Batch& batch);
  void on_state(uint32_t rank, Choice c, bool fault, std::string_view bytes, uint64_t hash,
                uint32_t known);
  void on_failure(uint32_t rank, Choice c, bool fault, PropertyId p);
  void order_next_level();
  void evaluate_next_level(bool ordered);
  void evaluate(uint32_t state, PathKey key);
  void evaluate_into(uint32_t state, PathKey key, StateReport& report,
                     std::vector<std::optional<Candidate>>& candidates,
                     std::vector<bool>& reached) const;
  // Evaluates the next level on every worker; false when a stop cut it short.
  bool evaluate_parallel();
  void resolve();
  Counterexample counterexample(const Candidate& c) const;

  bool check_clock();
  void stop(StopReason reason);
  bool stopped() const { return reason_ != StopReason::none; }
  uint64_t per_state_bytes_to_push() const {
    return parent_.bytes_to_push() + choice_.bytes_to_push() +
           (faulty_ ? faults_.bytes_to_push() : 0) + next_rank_.bytes_to_push();
  }

  const Model& model_;
  const SearchOptions& options_;
  const uint32_t properties_;
  int threads_ = 1;
  uint64_t state_cap_ = StateStore::kMaxStates;

  MemoryMeter meter_;
  VisitedStates store_;
  ChunkedArray<uint32_t> parent_;  // kNone for the initial state
  ChoiceArray choice_;  // one byte per state while the spec has at most 256 distinct choices
  // Per state: the faults on its best path. Kept only once some path has a fault (most specs
  // declare none): until then every count is 0 and the array costs nothing.
  ChunkedArray<uint16_t> faults_;
  bool faulty_ = false;
  uint32_t faults_of(uint32_t id) const { return faulty_ ? faults_[id] : 0; }
  // Makes faults_ hold a count for each of the first `states` states (all 0 so far).
  bool start_counting_faults(uint64_t states);

  // The level being expanded, in rank order, and the next one.
  MeteredVector<uint32_t> level_;
  MeteredVector<uint32_t> next_order_;
  uint64_t level_pos_ = 0;            // how far the expansion of level_ has gone (for progress)
  uint32_t depth_ = 0;                // of level_
  uint64_t next_start_ = 0;           // the first state number of the next level
  ChunkedArray<uint32_t> next_rank_;  // per state of the next level: its parent's rank
  MeteredVector<uint32_t> improved_;  // next-level states whose first path was improved
  bool in_order_ = true;              // first paths arrived in (rank, choice) order
  PathKey last_first_;

  std::vector<std::optional<Candidate>> candidates_;  // for the length being completed
  StateReport report_;
  uint64_t transitions_ = 0;

  std::atomic<uint64_t> reduced_{0};  // states expanded through an ample set

  std::unique_ptr<WorkerPool> pool_;
  std::vector<std::unique_ptr<Batch>> batches_;
  std::atomic<bool> abort_{false};

  // The pipelined expansion of one level: batch k covers level_[k * per_batch_, ...) and is
  // filled into batches_[k % ring]; ready_[k % ring] becomes k + 1 once it is filled (with
  // kFailedBit when a stop cut it short). Batch k may be claimed once batch k - ring is merged.
  static constexpr uint64_t kFailedBit = uint64_t{1} << 63;
  std::unique_ptr<std::atomic<uint64_t>[]> ready_;
  uint64_t per_batch_ = 1;
  uint64_t batch_count_ = 0;
  std::atomic<uint64_t> claimed_{0};
  std::atomic<uint64_t> merged_{0};
  std::atomic<int> filling_{0};  // workers (not the search thread) inside claim_and_fill
  std::atomic<bool> paused_{false};
  bool pipelined_ = false;

  Clock::time_point start_;
  Clock::time_point last_progress_;
  StopReason reason_ = StopReason::none;
  SearchResult result_;
};

class Search::DirectSink final : public SuccessorSink {
 public:
  explicit DirectSink(Search& search) : search_(search) {}
  void state(Choice c, bool fault, std::string_view next) override {
    if (!search_.stopped()) search_.on_state(rank, c, fault, next, hash_state(next), kNone);
  }
  void failure(Choice c, bool fault, PropertyId p) override {
    if (!search_.stopped()) search_.on_failure(rank, c, fault, p);
  }
  uint32_t rank = 0;

 private:
  Search& search_;
};

class Search::BatchSink final : public SuccessorSink {
 public:
  BatchSink(const VisitedStates& store, Batch& batch) : store_(store), batch_(batch) {}
  void state(Choice c, bool fault, std::string_view next) override {
    uint64_t hash = hash_state(next);
    uint32_t known = store_.lookup(next, hash).id;
    Record r{rank, c, known, false, fault, 0, 0, hash};
    if (known == kNone) {
      r.offset = batch_.bytes.size();
      r.length = static_cast<uint32_t>(next.size());
      batch_.bytes.insert(batch_.bytes.end(), next.begin(), next.end());
    }
    batch_.records.push_back(r);
  }
  void failure(Choice c, bool fault, PropertyId p) override {
    batch_.records.push_back(Record{rank, c, p, true, fault, 0, 0, 0});
  }
  uint32_t rank = 0;

 private:
  const VisitedStates& store_;
  Batch& batch_;
};

// Holds an ample set until the cycle condition is checked. Look-ups only: the states stored before
// the level being built (numbers below next_start) do not change while it is built.
class Search::AmpleSink final : public SuccessorSink {
 public:
  AmpleSink(const VisitedStates& store, const uint64_t& next_start)
      : store_(store), next_start_(next_start) {}
  void clear() {
    entries_.clear();
    bytes_.clear();
    closes_cycle_ = false;
  }
  void state(Choice c, bool fault, std::string_view next) override {
    uint32_t known = store_.lookup(next, hash_state(next)).id;
    if (known != kNone && known < next_start_) closes_cycle_ = true;
    entries_.push_back({c, fault, bytes_.size(), next.size()});
    bytes_.append(next);
  }
  void failure(Choice, bool, PropertyId) override { closes_cycle_ = true; }
  bool closes_cycle() const { return closes_cycle_; }
  void replay(SuccessorSink& sink) const {
    for (const Entry& e : entries_)
      sink.state(e.choice, e.fault, std::string_view(bytes_).substr(e.offset, e.length));
  }

 private:
  struct Entry {
    Choice choice;
    bool fault;
    size_t offset;
    size_t length;
  };
  const VisitedStates& store_;
  const uint64_t& next_start_;
  std::vector<Entry> entries_;
  std::string bytes_;
  bool closes_cycle_ = false;
};

void Search::expand(std::string_view state, SuccessorSink& sink, AmpleSink& scratch) {
  scratch.clear();
  if (model_.ample(state, scratch) && !scratch.closes_cycle()) {
    reduced_.fetch_add(1, std::memory_order_relaxed);
    scratch.replay(sink);
    return;
  }
  model_.successors(state, sink);
}

Search::Search(const Model& model, const SearchOptions& options)
    : model_(model),
      options_(options),
      properties_(static_cast<uint32_t>(model.properties().size())),
      meter_(options.max_memory_bytes),
      store_(&meter_, options.compress_states),
      parent_(&meter_),
      choice_(&meter_),
      faults_(&meter_),
      level_(MeteredAllocator<uint32_t>(&meter_)),
      next_order_(MeteredAllocator<uint32_t>(&meter_)),
      next_rank_(&meter_),
      improved_(MeteredAllocator<uint32_t>(&meter_)) {
  threads_ =
      options.threads > 0 ? options.threads : static_cast<int>(std::thread::hardware_concurrency());
  threads_ = std::clamp(threads_, 1, 256);
  if (options.max_states > 0) state_cap_ = std::min(options.max_states, StateStore::kMaxStates);
}

SearchResult Search::run() {
  start_ = Clock::now();
  last_progress_ = start_;
  result_.violations.assign(properties_, std::nullopt);
  result_.reached.assign(properties_, false);
  candidates_.assign(properties_, std::nullopt);
  try {
    explore();
  } catch (const std::bad_alloc&) {
    reason_ = StopReason::memory;
    result_.incomplete_reason = "out of memory";
  } catch (const std::exception& e) {
    reason_ = StopReason::error;
    result_.incomplete_reason = fmt::format("internal error: {}", e.what());
  } catch (...) {
    reason_ = StopReason::error;
    result_.incomplete_reason = "internal error";
  }
  pool_.reset();
  batches_.clear();
  result_.complete = !stopped();
  result_.states = store_.size();
  result_.transitions = transitions_;
  result_.reduced_states = reduced_.load();
  result_.seconds = std::chrono::duration<double>(Clock::now() - start_).count();
  result_.peak_memory_bytes = meter_.peak();
  if (store_.size() > 0) {
    uint64_t bytes = store_.allocated_bytes() + parent_.allocated_bytes() +
                     choice_.allocated_bytes() + faults_.allocated_bytes();
    result_.bytes_per_state = (bytes + store_.size() / 2) / store_.size();
  }
  return std::move(result_);
}

bool Search::start_counting_faults(uint64_t states) {
  if (!meter_.fits(states * sizeof(uint16_t) + faults_.bytes_to_push())) {
    stop(StopReason::memory);
    return false;
  }
  for (uint64_t i = 0; i < states; ++i) faults_.push_back(0);
  faulty_ = true;
  return true;
}

void Search::explore() {
  if (threads_ > 1) {
    pool_ = std::make_unique<WorkerPool>(threads_);
    for (int i = 0; i < threads_ * 8; ++i) batches_.push_back(std::make_unique<Batch>(&meter_));
    ready_ = std::make_unique<std::atomic<uint64_t>[]>(batches_.size());
  }
  std::string initial = model_.initial();
  if (!meter_.fits(store_.bytes_to_add(initial.size()) + per_state_bytes_to_push())) {
    stop(StopReason::memory);
    return;
  }
  uint32_t root = store_.insert(initial).first;
  parent_.push_back(kNone);
  choice_.push_back(0);
  level_.push_back(root);
  evaluate(root, PathKey{});
  resolve();

  while (!level_.empty() && check_clock()) {
    next_start_ = store_.size();
    next_rank_.clear();
    improved_.clear();
    in_order_ = true;
    last_first_ = PathKey{};
    level_pos_ = 0;
    if (pool_ && store_.reads_during_adds()) {
      expand_pipelined();
    } else if (pool_) {
      expand_parallel();
    } else {
      expand_direct();
    }
    bool grew = store_.size() > next_start_;
    if (grew) result_.depth = depth_ + 1;
    if (!stopped()) order_next_level();  // may stop on the memory limit
    if (!stopped()) {
      evaluate_next_level(true);
    } else if (reason_ == StopReason::states || reason_ == StopReason::memory) {
      // What was stored is evaluated: bounded work, and a violation found this way is still a
      // shortest one (only its tie-break is uncertain).
      evaluate_next_level(false);
    }
    resolve();
    if (stopped()) return;
    level_.swap(next_order_);
    next_order_.clear();
    ++depth_;
  }
}

void Search::expand_direct() {
  DirectSink sink(*this);
  AmpleSink scratch(store_, next_start_);
  for (uint64_t i = 0; i < level_.size(); ++i) {
    level_pos_ = i;
    if (!check_clock()) return;
    sink.rank = static_cast<uint32_t>(i);
    expand(store_.get(level_[i]), sink, scratch);
    if (stopped()) return;
  }
  level_pos_ = level_.size();
}

bool Search::fill_batch(Batch& batch, uint64_t first, uint64_t last, bool search_thread) {
  batch.records.clear();
  batch.bytes.clear();
  BatchSink sink(store_, batch);
  AmpleSink scratch(store_, next_start_);
  for (uint64_t i = first; i < last; ++i) {
    // Checked per parent so that a stop is prompt even when successors() is slow.
    if (search_thread) {
      level_pos_ = i;
      if (!check_clock()) return false;
    } else if (abort_.load(std::memory_order_relaxed) ||
               (options_.stop && options_.stop->load(std::memory_order_relaxed))) {
      return false;
    }
    sink.rank = static_cast<uint32_t>(i);
    expand(store_.get(level_[i]), sink, scratch);
  }
  return true;
}

void Search::expand_parallel() {
  const uint64_t n = level_.size();
  const auto threads = static_cast<uint64_t>(threads_);
  const uint64_t per_batch = std::clamp<uint64_t>(n / (threads * 16), 1, 256);
  const uint64_t batches = (n + per_batch - 1) / per_batch;
  const uint64_t window = batches_.size();
  for (uint64_t w0 = 0; w0 < batches; w0 += window) {
    const uint64_t count = std::min(window, batches - w0);
    std::atomic<uint64_t> next{0};
    std::atomic<uint64_t> filled{0};
    pool_->run([&](int worker) {
      for (;;) {
        if (abort_.load(std::memory_order_relaxed)) return;
        if (options_.stop && options_.stop->load(std::memory_order_relaxed)) return;
        uint64_t k = next.fetch_add(1, std::memory_order_relaxed);
        if (k >= count) return;
        uint64_t first = (w0 + k) * per_batch;
        if (!fill_batch(*batches_[k], first, std::min(n, first + per_batch), worker == 0)) return;
        filled.fetch_add(1, std::memory_order_relaxed);
      }
    });
    // A window cut short by a stop is dropped: the transitions counted are those merged.
    if (filled.load() != count && !stopped()) {
      if (check_clock()) stop(StopReason::interrupted);
    }
    if (stopped()) return;
    for (uint64_t k = 0; k < count && !stopped(); ++k) merge(*batches_[k]);
    if (stopped()) return;
  }
  level_pos_ = n;
}

void Search::expand_pipelined() {
  const uint64_t n = level_.size();
  const auto threads = static_cast<uint64_t>(threads_);
  per_batch_ = std::clamp<uint64_t>(n / (threads * 16), 1, 256);
  batch_count_ = (n + per_batch_ - 1) / per_batch_;
  for (uint64_t i = 0; i < batches_.size(); ++i) ready_[i].store(0, std::memory_order_relaxed);
  claimed_.store(0);
  merged_.store(0);
  pipelined_ = true;
  pool_->run([&](int worker) {
    try {
      if (worker == 0) {
        merge_loop();
      } else {
        fill_loop();
      }
    } catch (...) {
      abort_.store(true);  // nobody waits for a batch that will not come
      throw;
    }
  });
  pipelined_ = false;
  if (!stopped() && merged_.load() == batch_count_) level_pos_ = n;
}

Search::Claim Search::claim_and_fill(bool search_thread) {
  const uint64_t ring = batches_.size();
  uint64_t k = claimed_.load(std::memory_order_relaxed);
  for (;;) {
    if (k >= batch_count_) return Claim::none_left;
    if (k >= merged_.load(std::memory_order_acquire) + ring) return Claim::full;
    if (claimed_.compare_exchange_weak(k, k + 1, std::memory_order_relaxed)) break;
  }
  const uint64_t first = k * per_batch_;
  const bool ok = fill_batch(*batches_[k % ring], first,
                             std::min(level_.size(), first + per_batch_), search_thread);
  ready_[k % ring].store((k + 1) | (ok ? 0 : kFailedBit), std::memory_order_release);
  return Claim::filled;
}

void Search::fill_loop() {
  Backoff backoff;
  for (;;) {
    if (abort_.load(std::memory_order_relaxed)) return;
    if (options_.stop && options_.stop->load(std::memory_order_relaxed)) return;
    // Announce the fill before looking at the pause (both sequentially consistent): either
    // quiesce() sees this worker filling, or this worker sees the pause.
    filling_.fetch_add(1);
    if (paused_.load()) {
      filling_.fetch_sub(1);
      std::this_thread::yield();  // a pause lasts one add
      continue;
    }
    Claim claim = claim_and_fill(false);
    filling_.fetch_sub(1);
    if (claim == Claim::none_left) return;
    if (claim == Claim::full) {
      backoff.wait();
    } else {
      backoff.reset();
    }
  }
}

void Search::merge_loop() {
  const uint64_t ring = batches_.size();
  uint64_t k = 0;
  Backoff backoff;
  while (k < batch_count_) {
    if (abort_.load(std::memory_order_relaxed)) return;
    const uint64_t r = ready_[k % ring].load(std::memory_order_acquire);
    if (r == k + 1) {
      backoff.reset();
      merge(*batches_[k % ring]);
      if (stopped()) return;
      merged_.store(++k, std::memory_order_release);
      continue;
    }
    if (r == ((k + 1) | kFailedBit)) {
      // A worker saw a stop: the signal, or abort_ raised by this thread's stop().
      if (check_clock()) stop(StopReason::interrupted);
      return;
    }
    // Batch k is still being filled: fill a later one meanwhile, or wait.
    if (claim_and_fill(true) == Claim::filled) {
      backoff.reset();
    } else {
      if (!check_clock()) return;
      backoff.wait();
    }
  }
}

void Search::quiesce() {
  paused_.store(true);
  while (filling_.load() != 0) std::this_thread::yield();
}

void Search::resume() { paused_.store(false); }

void Search::merge(const Batch& batch) {
  const char* bytes = batch.bytes.data();
  uint64_t done = 0;
  for (const Record& r : batch.records) {
    if (++done % kMergeCheckEvery == 0 && !check_clock()) return;
    if (r.failure) {
      on_failure(r.rank, r.choice, r.fault, r.target);
    } else {
      on_state(r.rank, r.choice, r.fault, std::string_view(bytes + r.offset, r.length), r.hash,
               r.target);
    }
    if (stopped()) return;
  }
}

void Search::on_state(uint32_t rank, Choice c, bool fault, std::string_view bytes, uint64_t hash,
                      uint32_t known) {
  const uint32_t parent = level_[rank];
  const uint32_t faults = std::min<uint32_t>(faults_of(parent) + (fault ? 1 : 0), kMaxFaults);
  uint32_t id = known;
  if (id == kNone) {
    StateStore::Lookup where = store_.lookup(bytes, hash);
    id = where.id;
    if (id == kNone) {
      if (store_.size() >= state_cap_) return stop(StopReason::states);
      if (faults > 0 && !faulty_ && !start_counting_faults(store_.size())) return;
      if (!meter_.fits(store_.bytes_to_add(bytes.size()) + per_state_bytes_to_push())) {
        return stop(StopReason::memory);
      }
      if (pipelined_ && store_.add_moves(bytes.size())) {
        quiesce();
        id = store_.add(bytes, hash, where);
        resume();
      } else {
        id = store_.add(bytes, hash, where);
      }
      parent_.push_back(parent);
      choice_.push_back(c);
      if (faulty_) faults_.push_back(static_cast<uint16_t>(faults));
      next_rank_.push_back(rank);
      PathKey first{0, rank, c};
      if (first < last_first_) in_order_ = false;
      last_first_ = first;
      ++transitions_;
      return;
    }
  }
  ++transitions_;
  if (id < next_start_) return;  // an earlier level, or the level being expanded
  const uint64_t k = id - next_start_;
  PathKey best{faults_of(id), next_rank_[k], choice_[id]};
  PathKey candidate{faults, rank, c};
  if (candidate < best) {
    parent_[id] = parent;
    choice_.set(id, c);
    if (faulty_) faults_[id] = static_cast<uint16_t>(faults);  // else both are 0
    next_rank_[k] = rank;
    improved_.push_back(id);
  }
}

void Search::on_failure(uint32_t rank, Choice c, bool fault, PropertyId p) {
  ++transitions_;
  if (p >= properties_ || result_.violations[p]) return;
  const uint32_t state = level_[rank];
  Candidate candidate{{std::min<uint32_t>(faults_of(state) + (fault ? 1 : 0), kMaxFaults), rank, c},
                      state,
                      true,
                      c};
  if (!candidates_[p] || candidate.key < candidates_[p]->key) candidates_[p] = candidate;
}

void Search::order_next_level() {
  const uint64_t start = next_start_;
  const uint64_t end = store_.size();
  auto less = [&](uint32_t a, uint32_t b) {
    return std::tuple(next_rank_[a - start], choice_[a], a) <
           std::tuple(next_rank_[b - start], choice_[b], b);
  };
  next_order_.clear();
  if (!meter_.fits((end - start) * sizeof(uint32_t) + improved_.size() * sizeof(uint32_t))) {
    return stop(StopReason::memory);
  }
  next_order_.reserve(end - start);
  if (!in_order_) {  // a model that emits choices out of order: sort everything
    for (uint64_t id = start; id < end; ++id) next_order_.push_back(static_cast<uint32_t>(id));
    std::sort(next_order_.begin(), next_order_.end(), less);
    return;
  }
  // States in discovery order are sorted by their first path; only the improved ones moved.
  std::sort(improved_.begin(), improved_.end());
  improved_.erase(std::unique(improved_.begin(), improved_.end()), improved_.end());
  MeteredVector<uint32_t> moved(improved_);
  std::sort(moved.begin(), moved.end(), less);
  uint64_t skip = 0;
  uint64_t m = 0;
  for (uint64_t i = start; i < end; ++i) {
    auto id = static_cast<uint32_t>(i);
    if (skip < improved_.size() && improved_[skip] == id) {
      ++skip;
      continue;
    }
    while (m < moved.size() && less(moved[m], id)) next_order_.push_back(moved[m++]);
    next_order_.push_back(id);
  }
  while (m < moved.size()) next_order_.push_back(moved[m++]);
}

void Search::evaluate_next_level(bool ordered) {
  const uint64_t count = store_.size() - next_start_;
  if (pool_ && ordered && !stopped() && count >= kParallelEvaluateMin) {
    if (!evaluate_parallel() && !stopped()) {
      if (check_clock()) stop(StopReason::interrupted);
    }
    return;
  }
  for (uint64_t i = 0; i < count; ++i) {
    if (i % kEvaluateCheckEvery == kEvaluateCheckEvery - 1 && !check_clock() &&
        reason_ != StopReason::states && reason_ != StopReason::memory) {
      return;
    }
    auto id = ordered ? next_order_[i] : static_cast<uint32_t>(next_start_ + i);
    evaluate(id, PathKey{faults_of(id), next_rank_[id - next_start_], choice_[id]});
  }
}

void Search::evaluate(uint32_t state, PathKey key) {
  evaluate_into(state, key, report_, candidates_, result_.reached);
}

void Search::evaluate_into(uint32_t state, PathKey key, StateReport& report,
                           std::vector<std::optional<Candidate>>& candidates,
                           std::vector<bool>& reached) const {
  report.clear();
  model_.evaluate(store_.get(state), report);
  for (PropertyId p : report.satisfied) {
    if (p < properties_) reached[p] = true;
  }
  for (PropertyId p : report.violated) {
    if (p >= properties_ || result_.violations[p]) continue;
    Candidate candidate{key, state, false, 0};
    if (!candidates[p] || candidate.key < candidates[p]->key) candidates[p] = candidate;
  }
}

bool Search::evaluate_parallel() {
  // Each worker keeps its own best candidates and reached flags; the best candidate of a
  // property is the minimum of its key over all states, whoever evaluated them, so merging the
  // workers' results gives what one thread would.
  const uint64_t count = store_.size() - next_start_;
  struct Part {
    StateReport report;
    std::vector<std::optional<Candidate>> candidates;
    std::vector<bool> reached;
  };
  std::vector<Part> parts(static_cast<size_t>(threads_));
  for (Part& part : parts) {
    part.candidates.assign(properties_, std::nullopt);
    part.reached.assign(properties_, false);
  }
  constexpr uint64_t kChunk = 64;
  std::atomic<uint64_t> next{0};
  std::atomic<uint64_t> done{0};
  pool_->run([&](int worker) {
    Part& part = parts[static_cast<size_t>(worker)];
    for (;;) {
      if (abort_.load(std::memory_order_relaxed)) return;
      if (worker == 0) {
        level_pos_ = level_.size();
        if (!check_clock()) return;
      } else if (options_.stop && options_.stop->load(std::memory_order_relaxed)) {
        return;
      }
      uint64_t first = next.fetch_add(kChunk, std::memory_order_relaxed);
      if (first >= count) return;
      uint64_t last = std::min(count, first + kChunk);
      for (uint64_t i = first; i < last; ++i) {
        uint32_t id = next_order_[i];
        evaluate_into(id, PathKey{faults_of(id), next_rank_[id - next_start_], choice_[id]},
                      part.report, part.candidates, part.reached);
      }
      done.fetch_add(last - first, std::memory_order_relaxed);
    }
  });
  for (const Part& part : parts) {
    for (PropertyId p = 0; p < properties_; ++p) {
      if (part.reached[p]) result_.reached[p] = true;
      const auto& c = part.candidates[p];
      if (c && (!candidates_[p] || c->key < candidates_[p]->key)) candidates_[p] = c;
    }
  }
  return done.load() == count;
}

void Search::resolve() {
  for (uint32_t p = 0; p < properties_; ++p) {
    if (candidates_[p] && !result_.violations[p])
      result_.violations[p] = counterexample(*candidates_[p]);
    candidates_[p].reset();
  }
}

Counterexample Search::counterexample(const Candidate& c) const {
  Counterexample out;
  out.faults = c.key.faults;
  for (uint32_t s = c.state; parent_[s] != kNone; s = parent_[s]) out.choices.push_back(choice_[s]);
  std::reverse(out.choices.begin(), out.choices.end());
  if (c.failure) out.choices.push_back(c.failing_choice);
  return out;
}

bool Search::check_clock() {
  if (stopped()) return false;
  if (options_.stop && options_.stop->load(std::memory_order_relaxed)) {
    stop(StopReason::interrupted);
    return false;
  }
  if (meter_.over_limit()) {
    stop(StopReason::memory);
    return false;
  }
  Clock::time_point now = Clock::now();
  double seconds = std::chrono::duration<double>(now - start_).count();
  if (options_.max_seconds > 0 && seconds >= options_.max_seconds) {
    stop(StopReason::time);
    return false;
  }
  if (options_.progress && now - last_progress_ >= kProgressInterval) {
    last_progress_ = now;
    Progress p;
    p.states = store_.size();
    p.transitions = transitions_;
    p.depth = depth_;
    p.queue = (level_.size() - std::min<uint64_t>(level_pos_, level_.size())) +
              (store_.size() - std::min<uint64_t>(next_start_, store_.size()));
    p.memory_bytes = meter_.current();
    p.seconds = seconds;
    options_.progress(p);
  }
  return true;
}

void Search::stop(StopReason reason) {
  if (stopped()) return;
  reason_ = reason;
  abort_.store(true, std::memory_order_relaxed);
  switch (reason) {
    case StopReason::states:
      result_.incomplete_reason = state_limit_reason(state_cap_);
      break;
    case StopReason::memory:
      result_.incomplete_reason = memory_limit_reason(options_.max_memory_bytes);
      break;
    case StopReason::time:
      result_.incomplete_reason = time_limit_reason(options_.max_seconds);
      break;
    case StopReason::interrupted:
      result_.incomplete_reason = kInterruptedReason;
      break;
    case StopReason::none:
    case StopReason::error:
      break;
  }
}

}  // namespace

SearchResult search(const Model& model, const SearchOptions& options) {
  return Search(model, options).run();
}

}  // namespace lockcheck::engine
