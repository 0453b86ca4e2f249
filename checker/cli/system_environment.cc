// The real world behind cli::run: the checker, the HTML writer, the terminal and the signals.
// Kept apart from cli.cc so that cli_tests link without the checker.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

#include "checker/cli/cli.h"
#include "checker/cli/option_values.h"
#include "checker/cli/terminal_width.h"
#include "checker/compile/check.h"
#include "checker/front/lint.h"
#include "reports/html_report.h"

namespace lockcheck::cli {
namespace {

// Lock-free, so setting it is safe inside a signal handler.
std::atomic<bool> g_stop{false};
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void on_stop_signal(int) { g_stop.store(true); }

void install_stop_handlers() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  // The first signal asks the search to stop and the reports to be written; SA_RESETHAND lets
  // a second one end the process at once, for a user who does not want to wait.
  action.sa_flags = SA_RESETHAND;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

// MemAvailable from /proc/meminfo, else the physical memory; 0 when neither is known.
uint64_t memory_available() {
  std::ifstream in("/proc/meminfo");
  std::stringstream text;
  text << in.rdbuf();
  if (std::optional<uint64_t> bytes = parse_mem_available(text.str())) return *bytes;
  long pages = sysconf(_SC_PHYS_PAGES);
  long page_size = sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page_size <= 0) return 0;
  return static_cast<uint64_t>(pages) * static_cast<uint64_t>(page_size);
}

}  // namespace

int run(int argc, const char* const argv[], std::ostream& out, std::ostream& err) {
  install_stop_handlers();
  Environment env;
  env.check = compile::check_spec;
  env.write_html = reports::write_html;
  env.lint = [](const std::string& path, const std::string& source) {
    return front::lint_text(source, path);
  };
  env.err_is_terminal = isatty(fileno(stderr)) != 0;
  env.out_columns = report_width(std::getenv("COLUMNS"), isatty(fileno(stdout)) != 0,
                                 terminal_columns(fileno(stdout)));
  env.stop = &g_stop;
  env.hardware_threads = static_cast<int>(std::thread::hardware_concurrency());
  env.memory_available_bytes = memory_available();
  return run(argc, argv, out, err, env);
}

}  // namespace lockcheck::cli
