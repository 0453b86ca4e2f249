// Runs the lockcheck binary (LOCKCHECK_BINARY, defined for golden_tests) as a child process:
// its output, exit status, wall time, peak memory, and optionally a signal sent while it runs.
// Header-only: CMake compiles only the *_test.cc files of tests/hardening/.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

// Sanitizer builds use several times the memory; memory bounds are only checked without them.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define LOCKCHECK_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define LOCKCHECK_SANITIZED 1
#endif
#endif
#ifndef LOCKCHECK_SANITIZED
#define LOCKCHECK_SANITIZED 0
#endif

namespace lockcheck::hardening {

struct RunOptions {
  int signal = 0;  // sent once, signal_after_seconds after the start
  double signal_after_seconds = 0;
  double kill_after_seconds = 600;  // a run that hangs is killed (and fails its test)
};

struct ChildRun {
  int exit_code = -1;  // -1 when ended by a signal (term_signal says which)
  int term_signal = 0;
  std::string out;
  std::string err;
  double seconds = 0;               // from the start to the exit
  double seconds_after_signal = 0;  // from the signal to the exit
  uint64_t max_rss_bytes = 0;       // the child's peak resident memory
  bool killed = false;              // it hung and was killed

  std::string describe() const {
    std::string text = "exit " + std::to_string(exit_code);
    if (term_signal != 0) text += ", ended by signal " + std::to_string(term_signal);
    if (killed) text += ", killed after hanging";
    text += ", " + std::to_string(seconds) + " s, peak RSS " + std::to_string(max_rss_bytes >> 20) +
            " MiB";
    auto cut = [](const std::string& s) {
      return s.size() <= 4000 ? s
                              : s.substr(0, 4000) + "... (" + std::to_string(s.size()) + " bytes)";
    };
    return text + "\nstdout:\n" + cut(out) + "\nstderr:\n" + cut(err);
  }
};

inline ChildRun run_binary(const std::vector<std::string>& args, const RunOptions& options = {}) {
  using Clock = std::chrono::steady_clock;
  ChildRun run;
  int out_pipe[2], err_pipe[2];
  if (pipe(out_pipe) != 0 || pipe(err_pipe) != 0) return run;
  std::vector<std::string> argv_text = {LOCKCHECK_BINARY};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_text) argv.push_back(a.data());
  argv.push_back(nullptr);

  const Clock::time_point start = Clock::now();
  pid_t child = fork();
  if (child == 0) {  // only async-signal-safe calls from here to exec
    dup2(out_pipe[1], STDOUT_FILENO);
    dup2(err_pipe[1], STDERR_FILENO);
    close(out_pipe[0]);
    close(err_pipe[0]);
    close(out_pipe[1]);
    close(err_pipe[1]);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (child < 0) {
    close(out_pipe[0]);
    close(err_pipe[0]);
    return run;
  }

  auto since = [](Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
  };
  Clock::time_point signalled;
  bool signal_sent = options.signal == 0;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&run.out, &run.err};
  int open_pipes = 2;
  while (open_pipes > 0) {
    int wait_ms = 100;
    poll(fds, 2, wait_ms);
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buffer[1 << 14];
      ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        sinks[i]->append(buffer, static_cast<size_t>(n));
      } else {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_pipes;
      }
    }
    if (!signal_sent && since(start) >= options.signal_after_seconds) {
      kill(child, options.signal);
      signalled = Clock::now();
      signal_sent = true;
    }
    if (!run.killed && since(start) >= options.kill_after_seconds) {
      kill(child, SIGKILL);
      run.killed = true;
    }
  }
  int status = 0;
  rusage usage{};
  wait4(child, &status, 0, &usage);
  run.seconds = since(start);
  if (options.signal != 0 && signal_sent) run.seconds_after_signal = since(signalled);
  run.max_rss_bytes = static_cast<uint64_t>(usage.ru_maxrss) * 1024;  // Linux: kilobytes
  if (WIFEXITED(status)) run.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) run.term_signal = WTERMSIG(status);
  return run;
}

}  // namespace lockcheck::hardening
