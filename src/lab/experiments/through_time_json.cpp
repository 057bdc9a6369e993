#include "experiments/through_time_json.hpp"

#include <cmath>

namespace initlab::lab {
namespace {

nlohmann::json number(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); }

}  // namespace

nlohmann::json through_time_json(const std::vector<ThroughTime>& results) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : results) {
    nlohmann::json seeds = nlohmann::json::array(), blocks = nlohmann::json::array();
    for (const auto& s : r.seeds) {
      nlohmann::json steps = nlohmann::json::array();
      for (const auto& t : s) steps.push_back({{"step", t.step}, {"hidden_rms", number(t.hidden_rms)}, {"grad_rms", number(t.grad_rms)}});
      seeds.push_back(steps);
    }
    for (const auto& b : r.blocks)
      blocks.push_back({{"gate", b.gate}, {"spectral_radius", number(b.spectral_radius)}, {"max_singular", number(b.max_singular)},
                        {"min_singular", number(b.min_singular)}});
    out.push_back({{"init", r.init}, {"sweep_value", r.sweep_value ? number(*r.sweep_value) : nlohmann::json()},
                   {"grad_ratio", number(r.grad_ratio)}, {"hidden_ratio", number(r.hidden_ratio)}, {"verdict", r.verdict},
                   {"weight_hh", blocks}, {"seeds", seeds}});
  }
  return {{"kind", "through_time"},
          {"thresholds", {{"vanishing_below", kVanishingRatio}, {"exploding_above", kExplodingRatio}}},
          {"results", out}};
}

}  // namespace initlab::lab
