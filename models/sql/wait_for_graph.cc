#include "models/sql/wait_for_graph.h"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/strong_components.hpp>

namespace lockcheck::sql {
namespace {

// vecS out-edge lists keep insertion order, which is what makes "in edge order" hold.
using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;

struct Analysis {
  Graph graph;
  std::vector<bool> on_cycle;
  std::vector<int> component;
};

Analysis analyse(int nodes, const std::vector<std::pair<int, int>>& edges) {
  auto n = static_cast<size_t>(std::max(nodes, 0));
  Analysis a{Graph(n), std::vector<bool>(n, false), std::vector<int>(n, 0)};
  std::vector<bool> self_loop(n, false);
  for (const auto& [from, to] : edges) {
    if (from < 0 || to < 0 || from >= nodes || to >= nodes) continue;
    boost::add_edge(static_cast<size_t>(from), static_cast<size_t>(to), a.graph);
    if (from == to) self_loop[static_cast<size_t>(from)] = true;
  }
  if (n == 0) return a;
  int count = boost::strong_components(
      a.graph, boost::make_iterator_property_map(a.component.begin(),
                                                 boost::get(boost::vertex_index, a.graph)));
  std::vector<int> size(static_cast<size_t>(count), 0);
  for (int c : a.component) ++size[static_cast<size_t>(c)];
  for (size_t v = 0; v < n; ++v) {
    a.on_cycle[v] = self_loop[v] || size[static_cast<size_t>(a.component[v])] > 1;
  }
  return a;
}

}  // namespace

std::vector<int> find_cycle(int nodes, const std::vector<std::pair<int, int>>& edges) {
  Analysis a = analyse(nodes, edges);
  size_t start = a.on_cycle.size();
  for (size_t v = 0; v < a.on_cycle.size(); ++v) {
    if (a.on_cycle[v]) {
      start = v;
      break;
    }
  }
  if (start == a.on_cycle.size()) return {};

  // Depth-first from `start`, edges in order, staying inside its strongly connected component
  // (every node there leads back to `start`, so the search ends at the first edge back to it).
  struct Frame {
    size_t node;
    Graph::out_edge_iterator next, end;
  };
  std::vector<bool> visited(a.on_cycle.size(), false);
  std::vector<Frame> stack;
  auto push = [&](size_t v) {
    visited[v] = true;
    auto [begin, end] = boost::out_edges(v, a.graph);
    stack.push_back({v, begin, end});
  };
  push(start);
  while (!stack.empty()) {
    Frame& top = stack.back();
    if (top.next == top.end) {
      stack.pop_back();
      continue;
    }
    size_t to = boost::target(*top.next, a.graph);
    ++top.next;
    if (to == start) {
      std::vector<int> cycle;
      for (const Frame& f : stack) cycle.push_back(static_cast<int>(f.node));
      return cycle;
    }
    if (!visited[to] && a.component[to] == a.component[start]) push(to);
  }
  return {};  // unreachable: `start` lies on a cycle
}

std::vector<int> nodes_on_cycles(int nodes, const std::vector<std::pair<int, int>>& edges) {
  Analysis a = analyse(nodes, edges);
  std::vector<int> out;
  for (size_t v = 0; v < a.on_cycle.size(); ++v) {
    if (a.on_cycle[v]) out.push_back(static_cast<int>(v));
  }
  return out;
}

}  // namespace lockcheck::sql
