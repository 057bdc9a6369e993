#include "experiments/summary_json.hpp"

namespace initlab::lab {

nlohmann::json summary_json(const ExperimentSummary& s) {
  nlohmann::json j;
  j["experiment"] = s.experiment_id;
  j["metric"] = s.metric;
  j["higher_is_better"] = s.higher_is_better;
  j["target"] = s.target;
  j["interrupted"] = s.interrupted;
  j["ranked"] = nlohmann::json::array();
  for (const auto& i : s.ranked) {
    nlohmann::json r = {{"init", i.init}, {"runs", i.runs}, {"finished", i.finished}, {"diverged", i.diverged},
                        {"failed", i.failed}, {"final", i.final_metric}, {"mean", i.mean}, {"best_epoch", i.best_epoch},
                        {"reached_target", i.reached_target}};
    r["ci95_half"] = i.ci_half ? nlohmann::json(*i.ci_half) : nlohmann::json(nullptr);
    r["epochs_to_target"] = i.epochs_to_target ? nlohmann::json(*i.epochs_to_target) : nlohmann::json(nullptr);
    j["ranked"].push_back(r);
  }
  j["pairs"] = nlohmann::json::array();
  for (const auto& p : s.pairs) {
    nlohmann::json r = {{"a", p.a}, {"b", p.b}};
    if (p.test) r.update({{"difference", p.test->difference}, {"t", p.test->t}, {"dof", p.test->dof}, {"p", p.test->p},
                          {"significant", p.test->p < 0.05}});
    else r["note"] = "too few seeds";
    j["pairs"].push_back(r);
  }
  return j;
}

}  // namespace initlab::lab
