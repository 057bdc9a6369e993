// Glorot & Bengio 2010, "Understanding the difficulty of training deep feedforward neural
// networks", section 4.2 and Figures 6-7: a 5-hidden-layer tanh net of width 1000. Under the
// standard init U(-1/sqrt(n), 1/sqrt(n)) (n Var(W) = 1/3) the activations' variance shrinks going
// up and the back-propagated gradients' shrinks going down, while the weight gradients' variance is
// the same in every layer; the normalized init (Var(W) = 2 / (n_in + n_out)) keeps both.
#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "experiments/reproductions/catalog.hpp"
#include "experiments/reproductions/parts.hpp"
#include "initlab/mean_field.hpp"
#include "store/store.hpp"

namespace initlab::lab {
namespace {

constexpr int kHidden = 5;
constexpr const char* kModel = "mlp:784-1000x5-10";
// U(-1/sqrt(fan_in), 1/sqrt(fan_in)): kaiming_uniform with a = sqrt(5) (gain sqrt(1/3), bound gain sqrt(3 / fan_in)).
constexpr const char* kStandard = "kaiming_uniform:a=2.2360679774997896";

// Mean-field ratio of the back-propagated gradient's variance, layer 1 over layer kHidden: every
// layer below multiplies it by n Var(W) E[tanh'(h)^2] = chi_1 at that layer's variance q.
std::optional<double> theory_gradient_ratio(const std::vector<LayerStats>& layers, double n_var_w) {
  MeanField m;
  m.nonlinearity = Nonlinearity::tanh;
  m.sigma_w = std::sqrt(n_var_w);
  double ratio = 1;
  for (int l = 1; l < kHidden; ++l) {
    const auto& q = repro::layer(layers, l).theory_var;
    if (!q) return std::nullopt;
    ratio *= chi_1(m, *q);
  }
  return ratio;
}

// Mean-field ratio of the activation variance, layer kHidden over layer 1: E[tanh(sqrt(q) z)^2].
std::optional<double> theory_activation_ratio(const std::vector<LayerStats>& layers) {
  MeanField m;
  m.nonlinearity = Nonlinearity::tanh;
  const auto& a = repro::layer(layers, 1).theory_var;
  const auto& b = repro::layer(layers, kHidden).theory_var;
  if (!a || !b) return std::nullopt;
  return variance_map(m, *b) / variance_map(m, *a);
}

// One hidden layer at the last step the training monitor observed.
struct Monitored {
  double activation = 0, weight_gradient = 0, gradient = 0;  // variances; gradient: the back-propagated d loss / d output
};

// Per seed, the hidden layers at the last step the training monitor observed in `init`'s runs.
std::vector<std::vector<Monitored>> last_monitored(const std::string& db, std::int64_t experiment, const std::string& init) {
  ResultStore store(db, StoreMode::read);
  std::vector<std::vector<Monitored>> out;
  for (const RunRecord& run : store.runs(experiment)) {
    if (run.init != init || run.status != RunStatus::done) continue;
    const auto snapshots = store.layer_stats(run.id);
    if (snapshots.empty()) continue;
    const std::int64_t last = snapshots.back().step;
    std::vector<Monitored> layers;
    for (const LayerSnapshot& l : snapshots)
      if (l.step == last && static_cast<int>(layers.size()) < kHidden)
        layers.push_back({l.act_std * l.act_std, l.grad_std * l.grad_std, l.grad_pre_std * l.grad_pre_std});
    if (static_cast<int>(layers.size()) == kHidden) out.push_back(layers);
  }
  return out;
}

// After some training: the same net trained briefly by SGD on Fashion-MNIST with the training
// monitor on; its per-layer activation, weight-gradient and back-propagated gradient variance at
// the last step.
void after_training(const ReproOptions& o, int seeds, const std::string& standard, const std::string& normalized, ReproResult& r) {
  using namespace repro;
  const bool quick = o.mode == ReproMode::quick;
  ExperimentConfig t;
  t.model = kModel;
  t.model_options.activation = "tanh";
  t.data = "fashion-mnist";
  t.data_options.limit = 10000;
  t.train.optimizer = Optimizer::sgd;
  t.train.lr = 0.01;
  t.train.batch = 64;
  t.train.epochs = quick ? 1 : 3;
  t.inits = {standard, normalized};
  t.monitor_every = 20;
  const ExperimentSummary s = train_comparison(t, seeds, o, r);
  r.setup.push_back({"training", fmt::format("SGD lr 0.01, batch 64, {} epoch{} on the first 10000 Fashion-MNIST images (standardized); the monitor "
                                             "every 20 steps, its last step read",
                                             t.train.epochs, t.train.epochs == 1 ? "" : "s")});
  const std::string names[2] = {fmt::format("standard ({})", standard), fmt::format("normalized ({})", normalized)};
  std::vector<Measured> ratio;
  Figure fig;
  fig.title = fmt::format("Activation variance per layer after {} epoch{} of training", t.train.epochs, t.train.epochs == 1 ? "" : "s");
  fig.caption = "Hidden layers 1-5 at the last monitored step, mean over seeds with 95% CI.";
  fig.x_label = "layer";
  fig.y_label = "activation variance";
  fig.log_y = true;
  Figure backward;
  backward.title = fmt::format("Back-propagated gradient variance per layer after {} epoch{} of training", t.train.epochs,
                               t.train.epochs == 1 ? "" : "s");
  backward.caption = "d loss / d (layer output) at the last monitored step, hidden layers 1-5, mean over seeds with 95% CI.";
  backward.x_label = "layer";
  backward.y_label = "back-propagated gradient variance";
  backward.log_y = true;
  std::vector<Measured> backward_ratio;
  for (int i = 0; i < 2; ++i) {
    const auto per_seed = last_monitored(o.db, s.experiment_id, t.inits[static_cast<std::size_t>(i)]);
    std::vector<double> act_ratio, grad_spread, back_ratio;
    std::vector<std::vector<double>> by_layer(kHidden), back_by_layer(kHidden);
    for (const auto& layers : per_seed) {
      act_ratio.push_back(layers[kHidden - 1].activation / layers[0].activation);
      back_ratio.push_back(layers[0].gradient / layers[kHidden - 1].gradient);
      double lo = layers[0].weight_gradient, hi = lo;
      for (const Monitored& m : layers) lo = std::min(lo, m.weight_gradient), hi = std::max(hi, m.weight_gradient);
      grad_spread.push_back(hi / lo);
      for (int l = 0; l < kHidden; ++l) {
        by_layer[static_cast<std::size_t>(l)].push_back(layers[static_cast<std::size_t>(l)].activation);
        back_by_layer[static_cast<std::size_t>(l)].push_back(layers[static_cast<std::size_t>(l)].gradient);
      }
    }
    ratio.push_back(measure(names[i] + ": after training, activation variance, layer 5 / layer 1", act_ratio));
    r.measured.push_back(ratio.back());
    r.measured.push_back(measure(names[i] + ": after training, weight-gradient variance, largest / smallest over layers 1-5", grad_spread));
    backward_ratio.push_back(measure(names[i] + ": after training, back-propagated gradient variance, layer 1 / layer 5", back_ratio));
    fig.series.push_back(ci_series(names[i], {1, 2, 3, 4, 5}, by_layer));
    backward.series.push_back(ci_series(names[i], {1, 2, 3, 4, 5}, back_by_layer));
  }
  r.criteria.push_back(criterion("After training the difference persists: the standard init's activation variance ratio (layer 5 / layer 1) is "
                                 "below half the normalized init's",
                                 !ratio[0].values.empty() && !ratio[1].values.empty() && ratio[0].mean < 0.5 * ratio[1].mean,
                                 fmt::format("standard {}; normalized {}", ci_text(ratio[0]), ci_text(ratio[1]))));
  r.figures.push_back(fig);
  r.figures.push_back(backward);
  const Measured& standard_spread = r.measured[r.measured.size() - 3];
  const Measured& normalized_spread = r.measured.back();
  for (const Measured& m : backward_ratio) r.measured.push_back(m);
  r.notes.push_back(fmt::format("Not judged: the back-propagated gradient after training (the paper's Figure 7 is at initialization, judged "
                                "above). Its variance at layer 1 over layer 5 after this short training is {} for the standard init and {} "
                                "for the normalized one",
                                ci_text(backward_ratio[0]), ci_text(backward_ratio[1])));
  r.notes.push_back(fmt::format("Not judged: the paper's Figure 9 (during training the normalized init keeps the weight gradients' variance equal "
                                "across layers, the standard init does not). After this short training the largest / smallest ratio over layers "
                                "1-5 is {} for the normalized init and {} for the standard one",
                                ci_text(normalized_spread), ci_text(standard_spread)));
}

void run(const ReproOptions& o, int seeds, ReproResult& r) {
  using namespace repro;
  const bool quick = o.mode == ReproMode::quick;
  std::string standard = kStandard, normalized = "xavier_uniform";
  if (o.swap) std::swap(standard, normalized);
  const std::string standard_name = fmt::format("standard ({})", standard), normalized_name = fmt::format("normalized ({})", normalized);

  PropagateConfig p;
  p.model = kModel;
  p.activation = "tanh";
  p.inits = {standard, normalized};
  p.batch = quick ? 500 : 1000;
  p.input = "gaussian";
  const auto study = propagate_study(p, seeds, o, "propagation");
  r.setup = {{"model", std::string(kModel) + " (5 tanh layers of 1000, a linear output layer of 10)"},
             {"inits", fmt::format("standard U(-1/sqrt(n), 1/sqrt(n)): {}; normalized: {}", standard, normalized)},
             {"input", fmt::format("gaussian N(0, 1), batch {}; biases zero; a random N(0, 1) cotangent at the output", p.batch)},
             {"seeds", std::to_string(seeds)},
             {"scale", "the paper: Shapeset-3x2 inputs and histograms during training; here gaussian inputs at initialization, "
                       "and the training monitor's per-layer statistics at the end of a short run on Fashion-MNIST"}};

  auto grad_var = [](const LayerStats& l) { return l.grad_pre_std * l.grad_pre_std; };
  auto act_var = [](const LayerStats& l) { return l.act_std * l.act_std; };
  auto weight_grad_var = [](const LayerStats& l) { return l.grad_weight_std * l.grad_weight_std; };
  auto gradient_ratio = [&](const std::vector<LayerStats>& l) { return grad_var(repro::layer(l, 1)) / grad_var(repro::layer(l, kHidden)); };
  auto activation_ratio = [&](const std::vector<LayerStats>& l) { return act_var(repro::layer(l, kHidden)) / act_var(repro::layer(l, 1)); };
  auto weight_spread = [&](const std::vector<LayerStats>& l) {
    double lo = weight_grad_var(repro::layer(l, 1)), hi = lo;
    for (int k = 2; k <= kHidden; ++k) {
      lo = std::min(lo, weight_grad_var(repro::layer(l, k)));
      hi = std::max(hi, weight_grad_var(repro::layer(l, k)));
    }
    return hi / lo;
  };
  // n Var(W) of the square hidden layers: 1/3 (standard) or 1 (normalized), as the init in each role has it.
  auto n_var_w = [](const std::string& init) { return init == kStandard ? 1.0 / 3.0 : 1.0; };
  const auto& s0 = study[0].seeds.front();
  const auto& n0 = study[1].seeds.front();
  const Measured sg = measure(standard_name + ": back-propagated gradient variance, layer 1 / layer 5", per_seed(study[0], gradient_ratio),
                              theory_gradient_ratio(s0, n_var_w(standard)));
  const Measured ng = measure(normalized_name + ": back-propagated gradient variance, layer 1 / layer 5", per_seed(study[1], gradient_ratio),
                              theory_gradient_ratio(n0, n_var_w(normalized)));
  const Measured sa = measure(standard_name + ": activation variance, layer 5 / layer 1", per_seed(study[0], activation_ratio), theory_activation_ratio(s0));
  const Measured na = measure(normalized_name + ": activation variance, layer 5 / layer 1", per_seed(study[1], activation_ratio), theory_activation_ratio(n0));
  const Measured sw = measure(standard_name + ": weight-gradient variance, largest / smallest over layers 1-5", per_seed(study[0], weight_spread));
  const Measured nw = measure(normalized_name + ": weight-gradient variance, largest / smallest over layers 1-5", per_seed(study[1], weight_spread));
  r.measured = {sg, ng, sa, na, sw, nw};

  r.criteria.push_back(criterion("Standard init: the back-propagated gradient's variance falls toward the input: at layer 1 it is below 1/20 of "
                                 "layer 5's (mean over seeds; linear theory 3^-4 = 1/81)",
                                 sg.mean < 1.0 / 20, ci_text(sg)));
  r.criteria.push_back(criterion("Normalized init keeps it: its layer-1 / layer-5 gradient variance ratio is at least 10 times the standard "
                                 "init's (what is left is tanh's slope below 1)",
                                 ng.mean >= 10 * sg.mean, fmt::format("{} against {}", ci_text(ng), ci_text(sg))));
  r.criteria.push_back(criterion("Standard init: the activations' variance falls going up: at layer 5 below 1/20 of layer 1's; normalized: "
                                 "above 1/5",
                                 sa.mean < 1.0 / 20 && na.mean > 1.0 / 5, fmt::format("standard {}; normalized {}", ci_text(sa), ci_text(na))));
  r.criteria.push_back(criterion("Standard init: the weight gradients' variance is the same in every layer (largest / smallest over layers 1-5 "
                                 "below 1.5 for every seed), the two falls cancelling",
                                 highest(sw.values) < 1.5,
                                 fmt::format("highest over seeds {:.3g}; {}", highest(sw.values), ci_text(sw))));

  const std::vector<std::tuple<std::string, std::string, std::function<double(const LayerStats&)>>> panels = {
      {"Activation variance per layer (Glorot & Bengio 2010, Figure 6)", "activation variance", act_var},
      {"Back-propagated gradient variance per layer (Figure 7)", "variance of d loss / d pre-activation", grad_var},
      {"Weight-gradient variance per layer (section 4.2.2)", "variance of d loss / d W", weight_grad_var}};
  // Mean-field curves: the activation variance E[tanh(sqrt(q_l) z)^2] at each layer's predicted
  // pre-activation variance q_l; the back-propagated gradient's, anchored at the measured layer 5 and
  // multiplied going down by chi_1 at each layer (n Var(W) E[tanh'^2]). None for the weight gradients.
  auto activation_theory = [](const std::string& name, const InitPropagation& p) {
    Series s{name + ", theory", true, {}, {}, {}};
    MeanField m;
    m.nonlinearity = Nonlinearity::tanh;
    for (int l = 1; l <= kHidden; ++l)
      if (const auto& q = repro::layer(p.seeds.front(), l).theory_var) {
        s.x.push_back(l);
        s.y.push_back(variance_map(m, *q));
      }
    return s;
  };
  auto gradient_theory = [&](const std::string& name, const InitPropagation& p, double n_var, const Series& measured) {
    Series s{name + ", theory", true, {}, {}, {}};
    MeanField m;
    m.nonlinearity = Nonlinearity::tanh;
    m.sigma_w = std::sqrt(n_var);
    double g = measured.y.back();
    for (int l = kHidden; l >= 1; --l) {
      s.x.insert(s.x.begin(), l);
      s.y.insert(s.y.begin(), g);
      const auto& q = repro::layer(p.seeds.front(), std::max(l - 1, 1)).theory_var;
      if (!q) return Series{name + ", theory", true, {}, {}, {}};
      g *= chi_1(m, *q);
    }
    return s;
  };
  for (std::size_t k = 0; k < panels.size(); ++k) {
    const auto& [title, label, f] = panels[k];
    Figure fig;
    fig.title = title;
    fig.caption = fmt::format("Hidden layers 1-5, mean over {} seeds with 95% CI.{}", seeds,
                              k == 0   ? " Dashed: mean-field theory."
                              : k == 1 ? " Dashed: mean-field theory (chi_1 per layer), anchored at the measured layer 5."
                                       : "");
    fig.x_label = "layer";
    fig.y_label = label;
    fig.log_y = true;
    const Series sm = layer_series(standard_name, study[0], 1, kHidden, f);
    const Series nm = layer_series(normalized_name, study[1], 1, kHidden, f);
    fig.series = {sm, nm};
    if (k == 0) {
      fig.series.push_back(activation_theory(standard_name, study[0]));
      fig.series.push_back(activation_theory(normalized_name, study[1]));
    } else if (k == 1) {
      fig.series.push_back(gradient_theory(standard_name, study[0], n_var_w(standard), sm));
      fig.series.push_back(gradient_theory(normalized_name, study[1], n_var_w(normalized), nm));
    }
    r.figures.push_back(fig);
  }
  after_training(o, seeds, standard, normalized, r);
}

}  // namespace

Reproduction glorot2010() {
  Reproduction r;
  r.name = "glorot2010";
  r.paper = "Glorot & Bengio 2010, Understanding the difficulty of training deep feedforward neural networks (section 4.2, Figures 6-7)";
  r.claim = "In a 5-layer tanh net, the standard init U(+-1/sqrt(n)) shrinks the activations' variance going up and the back-propagated "
            "gradients' going down (by about 3x per layer), while the weight gradients' variance is the same in every layer; the normalized "
            "init keeps both; after some training the activations' fall persists.";
  r.quick = {3, "about 25 seconds", "gaussian inputs at initialization; 1 epoch of training on 9000 images"};
  r.full = {10, "about 2 minutes", "gaussian inputs at initialization; 3 epochs of training on 9000 images"};
  r.min_seeds = 2;
  r.run = run;
  return r;
}

}  // namespace initlab::lab
