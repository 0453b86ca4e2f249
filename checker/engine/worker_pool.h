// A fixed set of threads that run one job at a time, all together: run(job) calls job(w) for
// every worker w in [0, size()), worker 0 being the calling thread, and returns when all are done.
// An exception thrown by a job is rethrown by run() on the calling thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace lockcheck::engine {

class WorkerPool {
 public:
  explicit WorkerPool(int size);
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;
  ~WorkerPool();

  int size() const { return static_cast<int>(helpers_.size()) + 1; }
  void run(const std::function<void(int)>& job);

 private:
  void helper_loop(int worker);

  std::vector<std::thread> helpers_;
  std::mutex mutex_;
  std::condition_variable start_;
  std::condition_variable done_;
  const std::function<void(int)>* job_ = nullptr;
  uint64_t generation_ = 0;
  int running_ = 0;
  bool shutdown_ = false;
  std::exception_ptr error_;
};

}  // namespace lockcheck::engine
