// Klambauer, Unterthiner, Mayr, Hochreiter 2017, "Self-normalizing neural networks", section 3
// and Figure 1's premise: with SELU and weights of variance 1/n (LeCun normal), the map from one
// layer's activation (mean, variance) to the next has the attracting fixed point (0, 1), so the
// signal keeps mean 0 and variance 1 through many layers; ReLU with the same init halves the
// variance at every layer, and SELU with another variance (He's 2/n) drifts away from (0, 1).
#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "experiments/reproductions/catalog.hpp"
#include "experiments/reproductions/parts.hpp"

namespace initlab::lab {
namespace {

void run(const ReproOptions& o, int seeds, ReproResult& r) {
  using namespace repro;
  const bool quick = o.mode == ReproMode::quick;
  const int width = quick ? 500 : 1000, depth = quick ? 32 : 64;
  const std::string model = fmt::format("mlp:{0}-{0}x{1}-10", width, depth);
  // The claim's case and its two contrasts: the activation, the init. The negative control
  // exchanges the activations of the claim and of the first contrast.
  struct Case {
    std::string role, activation, init;
  };
  std::vector<Case> cases = {{"SELU + LeCun normal", "selu", "lecun_normal"}, {"ReLU + LeCun normal", "relu", "lecun_normal"},
                             {"SELU + He normal", "selu", "kaiming_normal"}};
  if (o.swap) std::swap(cases[0].activation, cases[1].activation);

  std::vector<InitPropagation> studies;
  for (const auto& c : cases) {
    PropagateConfig p;
    p.model = model;
    p.activation = c.activation;
    p.inits = {c.init};
    p.batch = 500;
    studies.push_back(propagate_study(p, seeds, o, fmt::format("propagation: {} + {}", c.activation, c.init)).front());
  }
  r.setup = {{"model", fmt::format("{}: {} layers of {} with the activation, a linear output layer of 10", model, depth, width)},
             {"cases", join([&] {
                std::vector<std::string> t;
                for (const auto& c : cases) t.push_back(fmt::format("{}: --activation {} --init {}", c.role, c.activation, c.init));
                return t;
              }(), "; ")},
             {"input", "gaussian N(0, 1), batch 500; biases zero"},
             {"seeds", std::to_string(seeds)},
             {"scale", "the paper: trained SNNs on 121 UCI tasks and Tox21; here the fixed point itself, at initialization"}};

  auto mean_at = [&](const std::vector<LayerStats>& l) { return repro::layer(l, depth).act_mean; };
  auto var_at = [&](const std::vector<LayerStats>& l) { return repro::layer(l, depth).act_std * repro::layer(l, depth).act_std; };
  std::vector<Measured> means, vars;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const std::string name = fmt::format("{} ({} + {})", cases[i].role, cases[i].activation, cases[i].init);
    means.push_back(measure(fmt::format("{}: activation mean at layer {}", name, depth), per_seed(studies[i], mean_at)));
    vars.push_back(measure(fmt::format("{}: activation variance at layer {}", name, depth), per_seed(studies[i], var_at)));
    r.measured.push_back(means.back());
    r.measured.push_back(vars.back());
  }
  bool fixed = true;
  for (std::size_t s = 0; s < means[0].values.size(); ++s)
    fixed = fixed && std::abs(means[0].values[s]) < 0.1 && std::abs(vars[0].values[s] - 1) < 0.15;
  r.criteria.push_back(criterion(fmt::format("SELU with LeCun normal stays at the fixed point: at layer {}, |mean| < 0.1 and |variance - 1| < 0.15 "
                                             "for every seed",
                                             depth),
                                 fixed, fmt::format("mean {}; variance {}", ci_text(means[0]), ci_text(vars[0]))));
  const double relu_high = repro::highest(vars[1].values);
  r.criteria.push_back(criterion(fmt::format("ReLU with LeCun normal does not: at layer {} its variance is below 1e-3 for every seed (it halves at "
                                             "every layer)",
                                             depth),
                                 relu_high < 1e-3, fmt::format("highest over seeds {}; {}", format_g(relu_high), ci_text(vars[1]))));
  bool drifted = true;
  for (const double v : vars[2].values) drifted = drifted && (v < 0.5 || v > 2);
  r.criteria.push_back(criterion(fmt::format("SELU with He normal (variance 2/n) leaves the fixed point: at layer {} its variance is outside "
                                             "[0.5, 2] for every seed",
                                             depth),
                                 drifted, ci_text(vars[2])));

  for (const bool variance : {true, false}) {
    Figure f;
    f.title = variance ? "Activation variance through depth (Klambauer et al. 2017)" : "Activation mean through depth";
    f.caption = fmt::format("Hidden layers 1-{}, mean over {} seeds (95% CI). SELU with LeCun normal keeps (0, 1).", depth, seeds);
    f.x_label = "layer";
    f.y_label = variance ? "activation variance" : "activation mean";
    f.log_y = variance;
    for (std::size_t i = 0; i < cases.size(); ++i)
      f.series.push_back(layer_series(fmt::format("{} ({} + {})", cases[i].role, cases[i].activation, cases[i].init), studies[i], 1, depth,
                                      variance ? std::function<double(const LayerStats&)>([](const LayerStats& l) { return l.act_std * l.act_std; })
                                               : std::function<double(const LayerStats&)>([](const LayerStats& l) { return l.act_mean; })));
    r.figures.push_back(f);
  }
}

}  // namespace

Reproduction klambauer2017() {
  Reproduction r;
  r.name = "klambauer2017";
  r.paper = "Klambauer, Unterthiner, Mayr, Hochreiter 2017, Self-normalizing neural networks (section 3)";
  r.claim = "SELU with LeCun normal weights keeps the activations' mean near 0 and variance near 1 through many layers (an attracting fixed "
            "point); ReLU with the same init, or SELU with another weight variance, does not.";
  r.quick = {3, "about 10 seconds", "width 500, 32 layers"};
  r.full = {10, "about 4 minutes", "width 1000, 64 layers"};
  r.min_seeds = 2;
  r.run = run;
  return r;
}

}  // namespace initlab::lab
