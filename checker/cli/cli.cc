#include "checker/cli/cli.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <cctype>
#include <exception>
#include <optional>
#include <set>
#include <string_view>

#include "checker/cli/file_io.h"
#include "checker/cli/new_command.h"
#include "checker/cli/option_values.h"
#include "checker/cli/progress.h"
#include "checker/cli/replay_command.h"
#include "checker/cli/spec_files.h"
#include "checker/cli/starter_specs.h"
#include "checker/cli/version.h"
#include "reports/json_report.h"
#include "reports/junit_report.h"
#include "reports/text_report.h"

namespace lockcheck::cli {
namespace {

constexpr int kMaxThreads = 4096;
constexpr std::array<std::string_view, 4> kCommands = {"check", "simulate", "replay", "new"};

// The raw text of the options of `check`; values are validated by hand so that every mistake
// gets a message that says what form is expected.
struct CheckArgs {
  std::vector<std::string> paths;
  std::vector<std::string> consts;
  std::string threads;
  std::string max_states;
  std::string max_memory;
  std::string max_seconds;
  std::string json;
  std::string junit;
  std::string html;
  bool no_symmetry = false;
  bool no_por = false;
  bool witness = false;  // print a shortest trace to each reachable property that holds
  bool compress = false;
  bool quiet = false;
  bool no_lint = false;
  bool verbose = false;  // with several specs, print the traces of those as expected too; on a
                         // terminal, list the changes of found, row_count and sql_error
  std::string postgres;  // replay each counterexample on this PostgreSQL
  std::string redis;     // and this Redis
};

// `simulate` takes the options of `check` that apply to it, and the walks' own.
struct SimulateArgs {
  CheckArgs check;
  std::string runs = "100";
  std::string depth = "100";
  std::string seed = "1";
};

// "report.html", "R.HTML": the name of one page, not of a folder.
bool ends_with_html(std::string_view path) {
  constexpr std::string_view kExt = ".html";
  if (path.size() < kExt.size()) return false;
  std::string_view tail = path.substr(path.size() - kExt.size());
  return std::equal(tail.begin(), tail.end(), kExt.begin(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == b;
  });
}

compile::CheckOptions check_options(const CheckArgs& args, const Environment& env,
                                    std::vector<std::string>& errors) {
  compile::CheckOptions options;
  std::set<std::string> names;
  for (const std::string& text : args.consts) {
    std::optional<std::pair<std::string, int64_t>> c = parse_const(text);
    if (!c) {
      errors.push_back(
          fmt::format("--const expects NAME=VALUE with an integer VALUE, not '{}'", text));
    } else if (!names.insert(c->first).second) {
      errors.push_back(fmt::format("--const {} is given twice", c->first));
    } else {
      options.consts.push_back(*c);
    }
  }
  options.search.threads = std::max(1, env.hardware_threads);
  if (!args.threads.empty()) {
    std::optional<uint64_t> n = parse_count(args.threads);
    if (!n || *n < 1 || *n > kMaxThreads) {
      errors.push_back(fmt::format("--threads expects a whole number from 1 to {}, not '{}'",
                                   kMaxThreads, args.threads));
    } else {
      options.search.threads = static_cast<int>(*n);
    }
  }
  if (!args.max_states.empty()) {
    std::optional<uint64_t> n = parse_count(args.max_states);
    if (!n || *n == 0) {
      errors.push_back(
          fmt::format("--max-states expects a whole number above 0, not '{}'", args.max_states));
    } else {
      options.search.max_states = *n;
    }
  }
  // Without --max-memory, a share of the machine's memory: a search that outgrows it stops
  // incomplete (exit 3) with its reports, where the kernel would have killed the process.
  options.search.max_memory_bytes = default_memory_limit(env.memory_available_bytes);
  if (!args.max_memory.empty()) {
    std::optional<uint64_t> n = parse_size(args.max_memory);
    if (!n || *n == 0) {
      errors.push_back(fmt::format(
          "--max-memory expects a size such as 512M, 8G or 1000000, not '{}'", args.max_memory));
    } else {
      options.search.max_memory_bytes = *n;
    }
  }
  if (!args.max_seconds.empty()) {
    std::optional<double> s = parse_seconds(args.max_seconds);
    if (!s || *s <= 0) {
      errors.push_back(fmt::format("--max-seconds expects a number of seconds above 0, not '{}'",
                                   args.max_seconds));
    } else {
      options.search.max_seconds = *s;
    }
  }
  if (args.junit == "-") errors.push_back("--junit needs a file ('-' is only for --json)");
  if (args.html == "-")
    errors.push_back("--html needs a file or a folder ('-' is only for --json)");
  options.search.stop = env.stop;
  options.symmetry = !args.no_symmetry;
  options.por = !args.no_por;
  // The HTML report always shows witnesses (spec-language.md §8).
  options.witness = args.witness || !args.html.empty();
  options.search.compress_states = args.compress;
  return options;
}

// Draws the progress line of one spec on a terminal, redrawing in place, and wipes it when the
// spec is done so that the report lines never mix with it.
class ProgressLine {
 public:
  ProgressLine(std::ostream& err, std::string file, uint64_t memory_limit)
      : err_(err), file_(std::move(file)), memory_limit_(memory_limit) {}
  ~ProgressLine() {
    if (drawn_) err_ << "\r\033[K" << std::flush;
  }
  void draw(const engine::Progress& p) {
    // The engine may report often; a terminal needs no more than ten frames a second.
    if (drawn_ && p.seconds - last_ < 0.1) return;
    last_ = p.seconds;
    drawn_ = true;
    err_ << "\r" << progress_line(file_, p, memory_limit_) << "\033[K" << std::flush;
  }

 private:
  std::ostream& err_;
  std::string file_;
  uint64_t memory_limit_ = 0;
  bool drawn_ = false;
  double last_ = 0;
};

trace::SpecResult check_one(const std::string& file, const std::string& source,
                            compile::CheckOptions options, const CheckArgs& args, std::ostream& err,
                            const Environment& env) {
  std::optional<ProgressLine> progress;
  if (env.err_is_terminal && !args.quiet) {
    progress.emplace(err, file, options.search.max_memory_bytes);
    options.search.progress = [&progress](const engine::Progress& p) { progress->draw(p); };
  }
  try {
    return env.check(file, source, options);
  } catch (const std::exception& e) {
    // The checker reports errors as values; should one escape anyway, the other specs and the
    // reports must not be lost with it.
    trace::SpecResult r;
    r.file = file;
    r.error_text = fmt::format("{}: error: internal error: {}\n", file, e.what());
    r.errors.push_back({file, 0, 0, fmt::format("internal error: {}", e.what())});
    return r;
  }
}

int run_check(const CheckArgs& args, std::ostream& out, std::ostream& err, const Environment& env) {
  std::vector<std::string> errors;
  compile::CheckOptions options = check_options(args, env, errors);
  SpecFiles specs = find_spec_files(args.paths);
  errors.insert(errors.end(), specs.errors.begin(), specs.errors.end());
  if (specs.files.size() > 1 && ends_with_html(args.html)) {
    errors.push_back(fmt::format(
        "--html {}: {} specs are checked, which makes one page per spec and an index page; give "
        "a folder (e.g. --html report/)",
        args.html, specs.files.size()));
  }
  if (!errors.empty()) {
    for (const std::string& e : errors) err << "lockcheck: " << e << '\n';
    return kExitError;
  }

  const bool text_to_out = args.json != "-";
  // With several specs, only those that are not as expected show their traces (--verbose: all).
  const bool several = specs.files.size() > 1;
  // ... and a --const applies to the specs that declare it; none declaring it is a usage error.
  options.skip_undeclared_consts = several;
  bool failed = false;  // something that makes the run exit 2 besides a spec's own errors
  std::vector<trace::SpecResult> results;
  for (const std::string& file : specs.files) {
    std::string source;
    std::string error;
    if (!read_file(file, source, error)) {
      err << "lockcheck: " << error << '\n';
      failed = true;
      continue;
    }
    // Warnings first, as a compiler's: they may explain the verdict that follows. They go to
    // stderr, so they never change the report, the verdict or the exit status.
    if (!args.no_lint && env.lint) err << env.lint(file, source) << std::flush;
    trace::SpecResult result = check_one(file, source, options, args, err, env);
    if (result.file.empty()) result.file = file;
    if ((!args.postgres.empty() || !args.redis.empty()) && result.error_text.empty() &&
        !mark_on_servers(result, source, options.consts, args.postgres, args.redis, err))
      failed = true;
    if (!result.error_text.empty()) {
      err << result.error_text;
      if (!result.error_text.ends_with('\n')) err << '\n';
    }
    if (text_to_out) {
      reports::TextOptions text;
      text.width = env.out_columns;
      // The result column says what found and row_count would: a terminal leaves them out.
      text.builtins = env.out_columns == 0 || args.verbose;
      text.witnesses = args.witness;
      text.details =
          !several || args.verbose || reports::outcome(result) != reports::Outcome::as_expected;
      out << reports::text_report(result, text) << std::flush;
    }
    results.push_back(std::move(result));
  }
  if (text_to_out && several) out << reports::text_summary(results);
  if (several) {
    for (const auto& [name, value] : options.consts) {
      bool applied = std::any_of(results.begin(), results.end(), [&](const trace::SpecResult& r) {
        return std::find(r.consts_applied.begin(), r.consts_applied.end(), name) !=
               r.consts_applied.end();
      });
      if (!applied) {
        err << fmt::format(
            "lockcheck: --const {}={}: none of the {} specs declares a constant '{}'\n", name,
            value, specs.files.size(), name);
        failed = true;
      }
    }
  }

  if (!args.json.empty()) {
    std::string json = reports::json_report(results, reports::JsonOptions{.version = kVersion});
    std::string error;
    if (args.json == "-") {
      out << json << std::flush;
    } else if (!write_file(args.json, json, error)) {
      err << "lockcheck: " << error << '\n';
      failed = true;
    }
  }
  if (!args.junit.empty()) {
    std::string error;
    if (!write_file(args.junit, reports::junit_report(results, reports::JunitOptions{}), error)) {
      err << "lockcheck: " << error << '\n';
      failed = true;
    }
  }
  if (!args.html.empty()) {
    std::string error;
    if (!env.write_html(results, args.html, error)) {
      err << "lockcheck: " << (error.empty() ? "cannot write the HTML report" : error) << '\n';
      failed = true;
    }
  }
  if (env.stop != nullptr && env.stop->load()) {
    err << "lockcheck: interrupted; the reports show what was checked before\n";
  }

  bool any_error = failed, any_unexpected = false, any_incomplete = false;
  for (const trace::SpecResult& r : results) {
    switch (reports::outcome(r)) {
      case reports::Outcome::error:
        any_error = true;
        break;
      case reports::Outcome::not_as_expected:
        any_unexpected = true;
        break;
      case reports::Outcome::incomplete:
        any_incomplete = true;
        break;
      case reports::Outcome::as_expected:
        break;
    }
  }
  if (any_error) return kExitError;
  if (any_unexpected) return kExitNotAsExpected;
  if (any_incomplete) return kExitIncomplete;
  return kExitAsExpected;
}

void add_check_command(CLI::App& app, CheckArgs& args) {
  CLI::App* check =
      app.add_subcommand("check", "Check spec files; a folder means every *.lcs file below it");
  check->add_option("PATH", args.paths, "Spec files and folders")->required();
  // One value per --const, so that `--const N=2 specs/` does not take the folder as a value.
  check->add_option("--const", args.consts, "Override a constant (repeatable)")
      ->type_name("NAME=VALUE")
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  check->add_option("--threads", args.threads, "Search threads (default: all cores)")
      ->type_name("N");
  check->add_option("--max-states", args.max_states, "Stop after N states")->type_name("N");
  check->add_option("--max-memory", args.max_memory, "Stop at this much memory (512M, 8G)")
      ->type_name("SIZE");
  check->add_option("--max-seconds", args.max_seconds, "Stop after N seconds")->type_name("N");
  check->add_option("--json", args.json, "Write the JSON report here ('-': stdout, no text)")
      ->type_name("PATH");
  check->add_option("--junit", args.junit, "Write a JUnit XML report here")->type_name("PATH");
  check->add_option("--html", args.html, "Write the HTML report here (a folder for several specs)")
      ->type_name("PATH");
  check->add_flag("--no-symmetry", args.no_symmetry, "Turn symmetry reduction off");
  check->add_flag("--no-por", args.no_por, "Turn partial-order reduction off");
  check->add_flag("--witness", args.witness,
                  "Print a shortest trace to a state where each reachable property holds");
  check->add_flag("--compress", args.compress,
                  "Store states tree-compressed: a fraction of the memory, same results");
  check->add_flag("--quiet", args.quiet, "Draw no progress line");
  check->add_flag("--no-lint", args.no_lint, "Print no warnings about the specs");
  check->add_flag("--verbose", args.verbose,
                  "With several specs, print every trace (default: only those not as expected); "
                  "on a terminal, show the changes of found, row_count and sql_error too");
  check->add_option("--postgres", args.postgres, "Replay each counterexample on this PostgreSQL")
      ->type_name("CONNINFO");
  check->add_option("--redis", args.redis, "Replay each counterexample on this Redis")
      ->type_name("URL");
  check->footer(
      "Exit status: 0 every spec as expected; 1 some spec not as expected; 2 usage or spec\n"
      "errors; 3 a limit stopped a search and nothing contradicted the expectations.");
}

void add_simulate_command(CLI::App& app, SimulateArgs& args) {
  CLI::App* sim =
      app.add_subcommand("simulate", "Random walks through specs too large to check exhaustively");
  sim->add_option("PATH", args.check.paths, "Spec files and folders")->required();
  sim->add_option("--const", args.check.consts, "Override a constant (repeatable)")
      ->type_name("NAME=VALUE")
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  sim->add_option("--runs", args.runs, "Number of walks (default 100)")->type_name("N");
  sim->add_option("--depth", args.depth, "Steps per walk at most (default 100)")->type_name("N");
  sim->add_option("--seed", args.seed, "Seed of the walks (default 1)")->type_name("N");
  sim->add_option("--json", args.check.json, "Write the JSON report here ('-': stdout, no text)")
      ->type_name("PATH");
  sim->add_option("--junit", args.check.junit, "Write a JUnit XML report here")->type_name("PATH");
  sim->add_option("--html", args.check.html, "Write the HTML report here")->type_name("PATH");
  sim->add_flag("--quiet", args.check.quiet, "Draw no progress line");
  sim->add_flag("--no-lint", args.check.no_lint, "Print no warnings about the specs");
  sim->add_flag("--verbose", args.check.verbose,
                "With several specs, print every trace (default: only those not as expected); "
                "on a terminal, show the changes of found, row_count and sql_error too");
  sim->footer(
      "A simulation never proves that a property holds. Exit status: 1 a walk found a violation\n"
      "that was not expected; 3 otherwise (nothing contradicted the expectations); 2 errors.");
}

void add_replay_command(CLI::App& app, ReplayArgs& args) {
  CLI::App* replay = app.add_subcommand(
      "replay", "Re-run a trace from a JSON report on a spec, showing each step and state");
  replay->add_option("SPEC", args.spec, "The spec file")->required();
  replay->add_option("TRACE", args.trace, "A report written by 'lockcheck check --json'")
      ->required();
  replay
      ->add_option("--property", args.property,
                   "Replay this property's trace (default: the first one with a trace)")
      ->type_name("NAME");
  replay->add_option("--const", args.consts, "Override a constant, as given to check")
      ->type_name("NAME=VALUE")
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  replay->add_option("--postgres", args.postgres, "Replay on this PostgreSQL (a libpq conninfo)")
      ->type_name("CONNINFO");
  replay
      ->add_option("--redis", args.redis, "Replay on this Redis (redis://HOST:PORT or unix://PATH)")
      ->type_name("URL");
  replay->footer(
      "Exit status: 0 the whole trace replayed (the end says whether the property is violated\n"
      "as recorded); 2 usage errors, spec errors, or a trace that no longer applies.\n"
      "With --postgres/--redis: 0 reproduced on the servers, 1 diverged, 2 usage or spec errors,\n"
      "3 a server could not be reached or set up.");
}

void add_new_command(CLI::App& app, NewArgs& args) {
  CLI::App* command = app.add_subcommand("new", "Write NAME.lcs, a starter spec that checks clean");
  command->add_option("NAME", args.name, "The spec to write (NAME.lcs)")->required();
  std::string strategies;
  for (const StarterSpec& s : starter_specs()) {
    strategies += fmt::format("{}{}", strategies.empty() ? "" : "|", s.strategy);
  }
  command->add_option("--strategy", args.strategy, "The locking strategy to start from")
      ->type_name(strategies)
      ->required();
  std::string footer = "Strategies:\n";
  for (const StarterSpec& s : starter_specs())
    footer += fmt::format("  {:<13}{}\n", s.strategy, s.summary);
  footer += "An existing file is never overwritten (exit status 2).";
  command->footer(footer);
}

}  // namespace

int run(int argc, const char* const argv[], std::ostream& out, std::ostream& err,
        const Environment& env) {
  CLI::App app{"lockcheck: an explicit-state model checker for locking protocols", "lockcheck"};
  app.set_version_flag("--version", fmt::format("lockcheck {}", kVersion));
  app.require_subcommand(1);
  app.failure_message([](const CLI::App*, const CLI::Error& e) {
    return fmt::format("lockcheck: {}\nRun 'lockcheck --help' for more information.\n", e.what());
  });

  CheckArgs check_args;
  add_check_command(app, check_args);
  ReplayArgs replay_args;
  add_replay_command(app, replay_args);
  NewArgs new_args;
  add_new_command(app, new_args);
  SimulateArgs simulate_args;
  add_simulate_command(app, simulate_args);

  // CLI11 would only say that a command is required; name the word it did not know instead.
  if (argc > 1 && argv[1][0] != '-') {
    std::string word = argv[1];
    if (std::find(kCommands.begin(), kCommands.end(), word) == kCommands.end()) {
      err << fmt::format(
          "lockcheck: unknown command '{}' (the commands are check, simulate, replay, new)\n"
          "Run 'lockcheck --help' for more information.\n",
          word);
      return kExitError;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version end parsing with a "success" that prints to `out`.
    return app.exit(e, out, err) == 0 ? kExitAsExpected : kExitError;
  }

  const std::string name = app.get_subcommands().front()->get_name();
  if (name == "check") return run_check(check_args, out, err, env);
  if (name == "replay") return run_replay(replay_args, out, err);
  if (name == "new") return run_new(new_args, out, err);
  if (name == "simulate") {
    engine::WalkOptions walks;
    std::optional<uint64_t> runs = parse_count(simulate_args.runs);
    std::optional<uint64_t> depth = parse_count(simulate_args.depth);
    std::optional<uint64_t> seed = parse_count(simulate_args.seed);
    if (!runs || *runs == 0 || !depth || *depth == 0 || *depth > 1'000'000 || !seed) {
      err << "lockcheck: --runs and --depth expect whole numbers above 0 (--depth at most "
             "1000000), --seed a whole number\n";
      return kExitError;
    }
    walks.runs = *runs;
    walks.depth = static_cast<uint32_t>(*depth);
    walks.seed = *seed;
    Environment walking = env;
    walking.check = [walks](const std::string& path, const std::string& source,
                            const compile::CheckOptions& options) {
      return compile::simulate_spec(path, source, options, walks);
    };
    return run_check(simulate_args.check, out, err, walking);
  }
  err << fmt::format("lockcheck: '{}' is not supported yet\n", name);
  return kExitError;
}

}  // namespace lockcheck::cli
