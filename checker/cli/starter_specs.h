// The starter specs of `lockcheck new NAME --strategy S`: one per classic answer to a race on
// shared data, each a small spec that checks clean (HOLDS) with comments saying what to adapt
// (tables, the critical section, the number of clients, the faults to add, the property).
#pragma once

#include <string_view>
#include <vector>

namespace lockcheck::cli {

struct StarterSpec {
  std::string_view strategy;  // "optimistic", as `--strategy` names it
  std::string_view summary;   // one line for `lockcheck new`'s messages
  std::string_view text;      // the spec, written as is
};

// Every starter spec, in the order `--help` lists them.
const std::vector<StarterSpec>& starter_specs();

// The starter spec of `strategy`, or null.
const StarterSpec* find_starter_spec(std::string_view strategy);

}  // namespace lockcheck::cli
