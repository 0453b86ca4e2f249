// Cycles in the wait-for graph of transactions (an edge t -> u: t waits for a lock u holds), for
// deadlock reports and the deadlock detector. Nodes are 0..nodes-1; edges naming other nodes are
// ignored. Results depend only on the arguments, so traces are reproducible.
#pragma once

#include <utility>
#include <vector>

namespace lockcheck::sql {

// One cycle, or empty when there is none: the cycle through the smallest node that lies on any
// cycle, listed from that node and found by following edges in the order given. A self-loop is a
// cycle of one node.
std::vector<int> find_cycle(int nodes, const std::vector<std::pair<int, int>>& edges);

// Every node that lies on some cycle, sorted.
std::vector<int> nodes_on_cycles(int nodes, const std::vector<std::pair<int, int>>& edges);

}  // namespace lockcheck::sql
