// Every counterexample of the spec library (specs/) and of the golden specs (tests/golden/),
// replayed on PostgreSQL and Redis: each must reproduce, or be listed in known_divergences.txt
// (as FILE:PROPERTY, with the reason), in which case it must still diverge.
#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>

#include "checker/compile/check.h"
#include "tests/conformance/conformance_support.h"

namespace lockcheck::conformance {
namespace {

TEST(Library, EveryCounterexampleReproducesOnTheServers) {
  const std::string pg = postgres_conninfo(), redis = redis_url();
  ASSERT_FALSE(pg.empty() || redis.empty()) << servers_missing_message();
  const auto known = known_divergences();
  std::vector<std::string> files;
  for (const char* dir : {"specs", "tests/golden"})
    for (const auto& e : std::filesystem::recursive_directory_iterator(source_dir() + "/" + dir))
      if (e.path().extension() == ".lcs") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  size_t replayed = 0, reproduced = 0;
  for (const std::string& path : files) {
    const std::string rel = std::filesystem::relative(path, source_dir()).string();
    std::string source = read_text(path);
    compile::CheckOptions options;
    options.search.threads = 1;
    trace::SpecResult result = compile::check_spec(rel, source, options);
    if (!result.error_text.empty()) continue;
    for (const trace::PropertyResult& p : result.properties) {
      if (p.status != trace::Status::violated || !p.has_trace) continue;
      const std::string name = rel + ":" + p.name;
      SCOPED_TRACE(name);
      oracle::ServerOptions server;
      server.postgres = pg;
      server.redis = redis;
      oracle::ServerReplay r = oracle::replay_result_on_servers(rel, source, {}, p, server);
      ++replayed;
      ASSERT_NE(r.status, oracle::ServerStatus::error) << r.error;
      std::string log;
      for (const std::string& l : r.log) log += "    " + l + "\n";
      auto k = known.find(name);
      if (k != known.end()) {
        EXPECT_EQ(r.status, oracle::ServerStatus::diverged)
            << name << " is listed as a known divergence (" << k->second
            << ") but now reproduces: take it off the list\n"
            << log;
      } else {
        EXPECT_EQ(r.status, oracle::ServerStatus::reproduced)
            << oracle::server_mark(r) << "\n"
            << log << "  model:  " << r.model << "\n  server: " << r.server << "\n";
      }
      if (r.status == oracle::ServerStatus::reproduced) ++reproduced;
      std::cout << name << ": " << oracle::server_mark(r) << "\n";
    }
  }
  std::cout << replayed << " counterexamples replayed, " << reproduced << " reproduced\n";
  EXPECT_GE(replayed, 20u);  // the library has that many; fewer means specs were not found
}

}  // namespace
}  // namespace lockcheck::conformance
