#include "checker/cli/state_text.h"

#include <gtest/gtest.h>

namespace lockcheck::cli {
namespace {

TEST(StateText, EveryPartOfAState) {
  trace::StateSnapshot s;
  s.has_clock = true;
  s.clock = 2;
  s.shared = {{"stock", "1"}};
  s.ghosts = {{"sold", "1"}, {"note", "'é'"}};
  trace::TableSnapshot seats{"seats", {"id", "status"}, {}};
  seats.rows.push_back(
      {{"1", "'free'"}, "FOR UPDATE by client[1]", "client[1]: status = 'sold' (uncommitted)"});
  seats.rows.push_back({{"12", "'é'"}, "", ""});
  s.tables.push_back(seats);
  s.tables.push_back({"log", {"id"}, {}});
  s.redis.push_back({"cache", {{"lock:1", "client[1]", "4"}, {"n", "3", ""}}});
  s.redis.push_back({"node[2]", {}});
  s.processes.push_back({"client[1]", "running", 9, "COMMIT", {{"a", "1"}}, "open"});
  s.processes.push_back({"client[2]",
                         "blocked",
                         7,
                         "SELECT status INTO a FROM seats\n    WHERE id = 1 FOR UPDATE",
                         {{"a", "null"}},
                         "open"});
  s.processes.push_back({"expirer", "crashed", 0, "crashed", {}, ""});
  EXPECT_EQ(state_text(s, "  "),
            "  clock    2\n"
            "  shared   stock = 1\n"
            "  ghosts   sold = 1, note = 'é'\n"
            "  table seats\n"
            "    id  status\n"
            "    1   'free'   FOR UPDATE by client[1]; client[1]: status = 'sold' (uncommitted)\n"
            "    12  'é'\n"
            "  table log\n"
            "    id\n"
            "    (no rows)\n"
            "  redis cache\n"
            "    'lock:1' = client[1]   expires at 4\n"
            "    'n' = 3\n"
            "  redis node[2]  (no keys)\n"
            "  client[1]  running, at line 9: COMMIT   (transaction open)\n"
            "             a = 1\n"
            "  client[2]  blocked, at line 7: SELECT status INTO a FROM seats WHERE id = 1 FOR "
            "UPDATE   (transaction open)\n"
            "             a = null\n"
            "  expirer    crashed\n");
}

TEST(StateText, AnEmptyStateIsEmpty) { EXPECT_EQ(state_text({}, "  "), ""); }

TEST(ChangesText, NoneForWhatDidNotExist) {
  EXPECT_EQ(changes_text({{"a", "0", "1"}, {"cache['k']", "", "x"}, {"t[id=1]", "(1)", ""}}),
            "a: 0 → 1, cache['k']: (none) → x, t[id=1]: (1) → (none)");
  EXPECT_EQ(changes_text({}), "");
}

}  // namespace
}  // namespace lockcheck::cli
