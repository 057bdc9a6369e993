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
    const auto rec = store.recurrent_stats(run->id);
    if (!rec.empty()) {  // weight_hh's blocks at the first and the last snapshot, and the gradient through time
      fmt::print("{:<16} {:>6} {:>13} {:>13} {:>13} {:>13}\n", "recurrent", "gate", "radius init", "radius end", "max s init", "max s end");
      const std::int64_t step0 = rec.front().step, step1 = rec.back().step;
      for (const auto& a : rec) {
        if (a.step != step0) break;
        for (const auto& b : rec)
          if (b.step == step1 && b.gate == a.gate)
            fmt::print("{:<16} {:>6} {:>13.4g} {:>13.4g} {:>13.4g} {:>13.4g}\n", a.layer, a.gate, a.spectral_radius, b.spectral_radius,
                       a.max_singular, b.max_singular);
      }
      fmt::print("gradient reaching step 1 / at the last step: {:.3g} at step {}, {:.3g} at step {}\n", rec.front().grad_ratio, step0,
                 rec.back().grad_ratio, step1);
    }
    for (const auto& w : store.warnings(run->id)) fmt::print("warning: {}\n", w.message);
  }
}

}  // namespace initlab::cli
