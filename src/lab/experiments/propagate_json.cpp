#include "experiments/propagate_json.hpp"

namespace initlab::lab {
namespace {

nlohmann::json optional_json(const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); }

nlohmann::json layer_json(const LayerStats& s) {
  nlohmann::json j = {{"layer", s.layer}, {"name", s.name}, {"pre_mean", s.pre_mean}, {"pre_var", s.pre_var}, {"theory_var", optional_json(s.theory_var)},
          {"act_mean", s.act_mean}, {"act_std", s.act_std}, {"dead", s.dead}, {"saturated", s.saturated},
          {"grad_pre_std", s.grad_pre_std}, {"grad_weight_std", s.grad_weight_std}};
  if (s.attn_logit_std) j["attn_logit_std"] = *s.attn_logit_std;
  if (s.attn_entropy) j["attn_entropy"] = *s.attn_entropy;
  return j;
}

}  // namespace

nlohmann::json propagation_json(const std::vector<InitPropagation>& results) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : results) {
    nlohmann::json seeds = nlohmann::json::array();
    for (const auto& layers : r.seeds) {
      nlohmann::json l = nlohmann::json::array();
      for (const auto& s : layers) l.push_back(layer_json(s));
      seeds.push_back(l);
    }
    out.push_back({{"init", r.init}, {"sweep_value", optional_json(r.sweep_value)}, {"forward_ratio", r.forward_ratio},
                   {"backward_ratio", r.backward_ratio}, {"final_act_std_spread", r.final_act_std_spread}, {"verdict", r.verdict},
                   {"seeds", seeds}});
    out.back()["nonfinite"] = r.nonfinite ? nlohmann::json{{"seed_index", r.nonfinite->seed_index}, {"layer", r.nonfinite->layer},
                                                             {"name", r.nonfinite->name}, {"value", r.nonfinite->value},
                                                             {"pass", r.nonfinite->pass}}
                                          : nlohmann::json();
    if (!r.modules.empty()) {
      nlohmann::json modules = nlohmann::json::array();
      for (const auto& m : r.modules)
        modules.push_back({{"name", m.name}, {"type", m.type}, {"depth", m.depth}, {"leaf", m.leaf}, {"shape", m.shape},
                           {"mean", m.finite ? nlohmann::json(m.mean) : nlohmann::json()},
                           {"std", m.finite ? nlohmann::json(m.std) : nlohmann::json()}, {"finite", m.finite}});
      out.back()["modules"] = modules;
    }
    if (r.jacobian)
      out.back()["jacobian"] = {{"mean_squared_singular_value", r.jacobian->mean_squared}, {"max", r.jacobian->max},
                                {"min", r.jacobian->min}, {"condition", r.jacobian->condition}, {"spread", r.jacobian->spread}};
  }
  return {{"thresholds", {{"vanishing_below", kVanishingRatio}, {"exploding_above", kExplodingRatio}}}, {"results", out}};
}

nlohmann::json propagate_config_json(const PropagateConfig& c) {
  return {{"model", c.model}, {"activation", c.activation}, {"inits", c.inits}, {"bias_std", c.bias_std}, {"batch", c.batch},
          {"input", c.input}, {"seeds", c.seeds}, {"seed", c.seed}, {"jacobian_samples", c.jacobian_samples}};
}

}  // namespace initlab::lab
