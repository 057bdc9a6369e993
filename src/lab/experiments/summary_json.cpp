#include "experiments/summary_json.hpp"

#include <cmath>

namespace initlab::lab {
namespace {

// JSON has no infinity: a t of +-inf (no spread at all) is written as null.
nlohmann::json finite(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); }

}  // namespace

nlohmann::json summary_json(const ExperimentSummary& s) {
  nlohmann::json j;
  j["experiment"] = s.experiment_id;
  j["metric"] = s.metric;
  j["higher_is_better"] = s.higher_is_better;
  j["target"] = s.target;
  j["interrupted"] = s.interrupted;
  j["headline"] = s.headline;
  j["ranked"] = nlohmann::json::array();
  for (const auto& i : s.ranked) {
    nlohmann::json r = {{"init", i.init}, {"runs", i.runs}, {"finished", i.finished}, {"diverged", i.diverged},
                        {"failed", i.failed}, {"final", i.final_metric}, {"mean", i.mean}, {"best_epoch", i.best_epoch},
                        {"reached_target", i.reached_target}};
    r["ci95_half"] = i.ci_half ? nlohmann::json(*i.ci_half) : nlohmann::json(nullptr);
    r["epochs_to_target"] = i.epochs_to_target ? nlohmann::json(*i.epochs_to_target) : nlohmann::json(nullptr);
    nlohmann::json seeds = nlohmann::json::object();
    for (const auto& [seed, v] : i.final_by_seed) seeds[std::to_string(seed)] = v;
    r["final_by_seed"] = seeds;
    j["ranked"].push_back(r);
  }
  j["pairs"] = nlohmann::json::array();
  for (const auto& p : s.pairs) {
    nlohmann::json r = {{"a", p.a}, {"b", p.b}};
    if (!p.test.empty())
      r.update({{"test", p.test}, {"n", p.n}, {"difference", p.difference}, {"ci95_lo", p.ci_lo}, {"ci95_hi", p.ci_hi},
                {"t", finite(p.t)}, {"dof", p.dof}, {"p", p.p}, {"p_holm", p.p_holm}, {"effect_size", finite(p.effect)},
                {"seeds_for_80_power", p.seeds_for_80 ? nlohmann::json(*p.seeds_for_80) : nlohmann::json()},
                {"significant", p.significant}});
    else r["note"] = "too few seeds";
    j["pairs"].push_back(r);
  }
  return j;
}

}  // namespace initlab::lab
