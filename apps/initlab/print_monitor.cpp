#include "print_monitor.hpp"

#include <fmt/core.h>

#include <cmath>
#include <map>

namespace initlab::cli {

void print_monitor_tables(lab::ResultStore& store, const lab::ExperimentSummary& s, std::uint64_t seed) {
  for (const auto& init : s.ranked) {
    const auto run = store.find_run(s.experiment_id, init.init, seed);
    if (!run) continue;
    const auto stats = store.layer_stats(run->id);
    if (stats.empty()) {
      fmt::print("\nmonitor: {} (seed {}) has no monitor data (it finished in an earlier run without --monitor)\n", init.init, seed);
      continue;
    }
    std::vector<std::string> order;
    std::map<std::string, const lab::LayerSnapshot*> first, last;
    for (const auto& x : stats) {
      if (!first.count(x.layer)) {
        first[x.layer] = &x;
        order.push_back(x.layer);
      }
      last[x.layer] = &x;
    }
    fmt::print("\nmonitor: {} (seed {}), {} snapshots, last at step {} (epoch {})\n", init.init, seed, stats.size() / order.size(),
               stats.back().step, stats.back().epoch);
    fmt::print("{:<16} {:>11} {:>11} {:>10} {:>7} {:>7} {:>11} {:>11}\n", "layer", "w std init", "w std end", "act std", "dead",
               "satur", "grad norm", "update/w");
    for (const auto& name : order) {
      const auto& a = *first[name];
      const auto& b = *last[name];
      fmt::print("{:<16} {:>11.4g} {:>11.4g} {:>10.4g} {:>7.3f} {:>7.3f} {:>11.4g} {:>11.3g}\n", name, a.weight_std, b.weight_std,
                 b.act_std, b.dead, b.saturated, b.grad_norm, b.update_ratio);
    }
    for (const auto& w : store.warnings(run->id)) fmt::print("warning: {}\n", w.message);
  }
}

}  // namespace initlab::cli
