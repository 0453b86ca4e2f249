// Both directions on random programs (docs/conformance.md):
//   server -> model: random schedules of random specs run on PostgreSQL must be paths of the model
//     with the server's outcomes (the direction that catches a false HOLDS);
//   model -> server: random paths of the model replayed on PostgreSQL must reproduce step by step.
// LOCKCHECK_CONFORMANCE_COUNT schedules each way (ctest: a few hundred), from
// LOCKCHECK_CONFORMANCE_SEED. A divergence is classified (spec_generator.h); every class found
// must be listed in known_divergences.txt as `random:CLASS` (else it is a new gap: the test fails
// and prints it shrunk, as SQL sessions), and every listed class must still be found.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <map>
#include <set>

#include "checker/compile/replay_trace.h"
#include "tests/conformance/conformance_support.h"
#include "tests/conformance/spec_generator.h"

namespace lockcheck::conformance {
namespace {

// The listed classes of a direction. A class written `random:NAME?` may be absent from a run (it
// depends on the server's timing, such as which waiter's deadlock check runs first); the others
// must be found by a run of 200 schedules or more.
std::set<std::string> listed(const std::string& prefix, std::set<std::string>* optional = nullptr) {
  std::set<std::string> out;
  for (const auto& [name, reason] : known_divergences()) {
    if (!name.starts_with(prefix)) continue;
    std::string cls = name.substr(prefix.size());
    if (cls.ends_with("?")) {
      cls.pop_back();
      if (optional != nullptr) optional->insert(cls);
    }
    out.insert(cls);
  }
  return out;
}

std::string seeds_text(const std::vector<uint64_t>& seeds) {
  std::string out;
  for (size_t i = 0; i < seeds.size() && i < 8; ++i)
    out += (i ? ", " : "") + std::to_string(seeds[i]);
  if (seeds.size() > 8) out += ", ...";
  return out;
}

TEST(RandomServerToModel, SchedulesArePathsOfTheModelOrKnownGaps) {
  const std::string pg = postgres_conninfo();
  ASSERT_FALSE(pg.empty()) << servers_missing_message();
  const uint64_t count = count_from_env(100), seed = seed_from_env();
  std::map<std::string, std::vector<uint64_t>> found;
  const auto start = std::chrono::steady_clock::now();
  uint64_t diverged = 0;
  const std::vector<uint64_t> cases = case_seeds(seed, 1000003, count);
  for (const uint64_t case_seed : cases) {
    std::mt19937 rng(static_cast<uint32_t>(case_seed));
    GenSpec g = random_spec(rng);
    std::string text = g.render();
    LoadedSpec loaded = load_spec("random.lcs", text);
    ASSERT_TRUE(loaded.spec) << loaded.error << text;
    oracle::ScheduleOptions options;
    options.server.conninfo = pg;
    options.server.deadlock_guard = false;  // whichever victim the server picks, the model may
    options.random = &rng;
    oracle::ScheduleOutcome r = oracle::run_schedule(*loaded.spec, {}, options);
    ASSERT_TRUE(r.error.empty()) << "case seed " << case_seed << ": " << r.error << "\n" << text;
    if (!r.diverged) continue;
    ++diverged;
    std::string cls = classify(r, g);
    // The server's SSI failures, per connection ("t2: error: serialization_failure (40001 ...
    // read/write dependencies ...)"), against what the model did with that connection.
    auto segments = [](const std::string& text) {
      std::vector<std::string> out;
      for (size_t at = 0; at <= text.size();) {
        size_t end = text.find("; ", at);
        if (end == std::string::npos) end = text.size();
        std::string seg = text.substr(at, end - at);
        if (seg.starts_with("then ")) seg = seg.substr(5);
        out.push_back(seg);
        at = end + 2;
      }
      return out;
    };
    bool server_ssi = false, model_goes_on = false;
    for (const std::string& seg : segments(r.server)) {
      if (seg.find("read/write dependencies") == std::string::npos) continue;
      server_ssi = true;
      const std::string who = seg.substr(0, seg.find(':') + 1);
      bool fails = false;
      for (const std::string& m : segments(r.model))
        fails = fails || (m.starts_with(who) && m.find("error:") != std::string::npos);
      model_goes_on = model_goes_on || !fails;
    }
    if (server_ssi) {
      // PostgreSQL's SSI locks index pages and tables, the exact model rows and predicates
      // (spec-language.md §4.7). When the model fails that statement too, only the reason
      // differs (a duplicate key the server reports as the SSI conflict its page lock found
      // first). Else the schedule is run again with `ssi granularity table`: a path of the model
      // there, or the server's failure came at another moment than the coarse model's.
      cls = "ssi_granularity";
      if (model_goes_on) {
        GenSpec coarse = g;
        coarse.ssi_table = true;
        LoadedSpec l = load_spec("coarse.lcs", coarse.render());
        ASSERT_TRUE(l.spec) << l.error;
        oracle::ScheduleOptions fixed;
        fixed.server.conninfo = pg;
        fixed.server.deadlock_guard = false;
        oracle::ScheduleOutcome again = oracle::run_schedule(*l.spec, r.performed, fixed);
        if (!again.error.empty() || again.diverged) cls = "ssi_coarser";
      }
    }
    auto& seeds = found[cls];
    seeds.push_back(case_seed);
    if (seeds.size() > 1) continue;
    // The first of its class: shrink it and print it as SQL sessions.
    oracle::ScheduleOptions fixed;
    fixed.server.conninfo = pg;
    fixed.server.deadlock_guard = false;
    auto run = [&](const Case& c, oracle::ScheduleOutcome& out) {
      LoadedSpec l = load_spec("shrunk.lcs", c.spec.render());
      if (!l.spec) return false;
      out = oracle::run_schedule(*l.spec, c.schedule, fixed);
      return out.error.empty() && out.diverged && classify(out, c.spec) == cls;
    };
    Case small = shrink(Case{g, r.performed}, [&](const Case& c) {
      oracle::ScheduleOutcome out;
      return run(c, out);
    });
    oracle::ScheduleOutcome shown;
    if (!run(small, shown)) shown = r, small = Case{g, r.performed};
    std::cout << fmt::format("server -> model: divergence '{}' (case seed {}), shrunk:\n{}\n", cls,
                             case_seed, sessions_text(small, shown));
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << fmt::format("server -> model: {} schedules from seed {}, {} diverged, {:.1f} s\n",
                           cases.size(), seed, diverged, seconds);
  for (const auto& [cls, seeds] : found)
    std::cout << fmt::format("  {}: {} (case seeds {})\n", cls, seeds.size(), seeds_text(seeds));
  std::set<std::string> optional;
  const std::set<std::string> known = listed("random:", &optional);
  for (const auto& [cls, seeds] : found)
    EXPECT_TRUE(known.contains(cls)) << "a divergence of a kind not listed in "
                                        "known_divergences.txt: '"
                                     << cls << "', first at case seed " << seeds.front();
  if (count >= 200) {
    for (const std::string& cls : known)
      EXPECT_TRUE(found.contains(cls) || optional.contains(cls))
          << "random:" << cls << " is listed as a known divergence but " << count
          << " random schedules did not find it: if the model was fixed, take it off the list";
  }
}

TEST(RandomModelToServer, PathsOfTheModelReproduce) {
  const std::string pg = postgres_conninfo();
  ASSERT_FALSE(pg.empty()) << servers_missing_message();
  const uint64_t count = count_from_env(100), seed = seed_from_env();
  std::map<std::string, std::vector<uint64_t>> found;
  const std::set<std::string> known_m2s = listed("model-to-server:");
  uint64_t steps_total = 0, diverged = 0;
  const auto start = std::chrono::steady_clock::now();
  const std::vector<uint64_t> cases = case_seeds(seed, 1000033, count);
  for (const uint64_t case_seed : cases) {
    std::mt19937 rng(static_cast<uint32_t>(case_seed));
    GenSpec g = random_spec(rng);
    std::string text = g.render();
    LoadedSpec loaded = load_spec("random.lcs", text);
    ASSERT_TRUE(loaded.spec) << loaded.error << text;
    compile::Interpreter interp(*loaded.spec);
    compile::State s;
    compile::ModelError init_error;
    ASSERT_TRUE(interp.initial(s, init_error)) << init_error.message;
    std::vector<std::string> notes;
    compile::SpecModel model(*loaded.spec, s, /*symmetry=*/false, notes);
    const compile::State initial = s;
    // A random path of the model.
    std::vector<compile::RecordedStep> steps;
    for (int k = 0; k < 40; ++k) {
      std::vector<compile::EnabledTransition> all = compile::enabled_transitions(model, s);
      std::erase_if(all, [](const compile::EnabledTransition& t) { return t.event.failed; });
      if (all.empty()) break;
      compile::EnabledTransition& t =
          all[std::uniform_int_distribution<size_t>(0, all.size() - 1)(rng)];
      compile::RecordedStep r;
      r.step = k + 1;
      r.actor = t.event.actor;
      r.kind = t.event.kind;
      r.line = t.event.line;
      r.text = t.event.text;
      steps.push_back(r);
      s = t.event.after;
    }
    steps_total += steps.size();
    trace::PropertyResult property;
    property.kind = trace::PropertyKind::invariant;
    property.status = trace::Status::holds;
    oracle::ServerOptions options;
    options.postgres = pg;
    oracle::ServerReplay r = oracle::replay_on_servers(model, initial, steps, property, options);
    ASSERT_NE(r.status, oracle::ServerStatus::error)
        << "case seed " << case_seed << ": " << r.error << "\n"
        << text;
    if (r.status != oracle::ServerStatus::diverged) continue;
    ++diverged;
    // Classes (known_divergences.txt, model-to-server:CLASS): a newcomer took a freed row before
    // the waiter queued on it (the replay notes it as the path's waiter order, server_replay.cc);
    // the model aborts a deadlock victim PostgreSQL does not choose; else other (never listed).
    std::string cls = r.note.starts_with("waiter order")                                ? "barging"
                      : r.note.find("whose wait closed the cycle") != std::string::npos ? "victim"
                                                                                        : "other";
    // The server's SSI, whose locks are pages and tables, failed where the exact model goes on.
    if (cls == "other" && r.server.find("read/write dependencies") != std::string::npos &&
        r.model.find("serialization_failure") == std::string::npos)
      cls = "ssi_granularity";
    auto& seeds = found[cls];
    seeds.push_back(case_seed);
    // The first of each class, and the first few of a class that is not listed (each may be a
    // different gap).
    if (seeds.size() == 1 || (!known_m2s.contains(cls) && seeds.size() <= 5)) {
      std::string log;
      for (const std::string& l : r.log) log += "    " + l + "\n";
      std::cout << fmt::format(
          "model -> server: divergence '{}' (case seed {}) at step {}:\n{}{}    model:  {}\n    "
          "server: {}\n",
          cls, case_seed, r.step, text, log, r.model, r.server);
      if (!r.note.empty()) std::cout << "    note:   " << r.note << "\n";
    }
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << fmt::format(
      "model -> server: {} paths ({} steps) from seed {}, {} diverged, {:.1f} s\n", cases.size(),
      steps_total, seed, diverged, seconds);
  for (const auto& [cls, seeds] : found)
    std::cout << fmt::format("  {}: {} (case seeds {})\n", cls, seeds.size(), seeds_text(seeds));
  const std::set<std::string> known = listed("model-to-server:");
  for (const auto& [cls, seeds] : found)
    EXPECT_TRUE(known.contains(cls)) << "a path of the model that PostgreSQL does not reproduce, "
                                        "of a kind not listed: '"
                                     << cls << "', first at case seed " << seeds.front();
}

}  // namespace
}  // namespace lockcheck::conformance
