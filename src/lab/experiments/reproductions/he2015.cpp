// He, Zhang, Ren, Sun 2015, "Delving deep into rectifiers", section 2.2 and Figure 3: a 30-layer
// ReLU net initialized by Xavier's rule (variance 1/n) halves its signal's variance at every layer
// and does not learn, while the rectifier-aware rule (2/n) keeps it and trains. Here at small
// scale: a 30-hidden-layer MLP of width 100 on Fashion-MNIST, plain SGD, one learning rate for both.
#include <fmt/core.h>

#include <cmath>

#include "experiments/reproductions/catalog.hpp"
#include "experiments/reproductions/parts.hpp"

namespace initlab::lab {
namespace {

constexpr int kHidden = 30;
constexpr const char* kModel = "mlp:784-100x30-10";

void run(const ReproOptions& o, int seeds, ReproResult& r) {
  using namespace repro;
  const bool quick = o.mode == ReproMode::quick;
  // The two roles and the init each gets (exchanged in the negative control).
  std::string he = "kaiming_normal", xavier = "xavier_normal";
  if (o.swap) std::swap(he, xavier);
  const std::string he_name = fmt::format("He ({})", he), xavier_name = fmt::format("Xavier ({})", xavier);

  PropagateConfig p;
  p.model = kModel;
  p.activation = "relu";
  p.inits = {he, xavier};
  p.batch = 500;
  p.input = "gaussian";
  const auto study = propagate_study(p, seeds, o, "propagation");

  ExperimentConfig t;
  t.model = kModel;
  t.data = "fashion-mnist";
  t.data_options.limit = 0;
  t.train.optimizer = Optimizer::sgd;
  t.train.lr = 0.01;
  t.train.batch = 64;
  t.train.epochs = quick ? 1 : 3;
  t.inits = {he, xavier};
  const ExperimentSummary s = train_comparison(t, seeds, o, r);

  r.setup = {{"model", std::string(kModel) + " (30 ReLU layers of 100, a linear output layer)"},
             {"propagation", "gaussian input N(0, 1), batch 500, biases zero"},
             {"data", "fashion-mnist: 60000 training images (10% held out for validation), 10000 test images, standardized"},
             {"training", fmt::format("SGD lr 0.01, no momentum, batch 64, {} epoch{}, cross-entropy", t.train.epochs, t.train.epochs == 1 ? "" : "s")},
             {"inits", fmt::format("He: {}, Xavier: {}", he, xavier)},
             {"seeds", std::to_string(seeds)},
             {"scale", "the paper: 30 conv layers on ImageNet; here a 30-layer MLP on Fashion-MNIST"}};

  // Signal: log2 of the pre-activation variance at the last hidden layer over the first.
  auto log2_ratio = [](const std::vector<LayerStats>& l) { return std::log2(repro::layer(l, kHidden).pre_var / repro::layer(l, 1).pre_var); };
  auto theory_ratio = [&](const InitPropagation& ip) -> std::optional<double> {
    const auto& l = ip.seeds.front();
    const auto& a = repro::layer(l, 1).theory_var;
    const auto& b = repro::layer(l, kHidden).theory_var;
    if (!a || !b) return std::nullopt;
    return std::log2(*b / *a);
  };
  const Measured he_signal = measure(he_name + ": log2(pre-activation variance, layer 30 / layer 1)", per_seed(study[0], log2_ratio), theory_ratio(study[0]));
  const Measured xavier_signal =
      measure(xavier_name + ": log2(pre-activation variance, layer 30 / layer 1)", per_seed(study[1], log2_ratio), theory_ratio(study[1]));
  r.measured = {he_signal, xavier_signal};
  r.criteria.push_back(criterion("Xavier's signal falls as mean-field theory says (each ReLU layer halves the variance): the mean over seeds of "
                                 "log2(variance at layer 30 / layer 1) lies within 4 of -29",
                                 std::abs(xavier_signal.mean + 29) <= 4, ci_text(xavier_signal)));
  r.criteria.push_back(criterion("He's signal holds: the mean over seeds of log2(variance at layer 30 / layer 1) lies within 4 of 0",
                                 std::abs(he_signal.mean) <= 4, ci_text(he_signal)));

  const std::vector<std::string> both = {he, xavier};
  const Measured he_acc = measure(he_name + ": final test accuracy", finals_by_seed(s, he, both));
  const Measured xavier_acc = measure(xavier_name + ": final test accuracy", finals_by_seed(s, xavier, both));
  r.measured.push_back(he_acc);
  r.measured.push_back(xavier_acc);
  const std::string stall = "Xavier stalls: its final test accuracy is below 30% (chance is 10%) for every seed";
  if (xavier_acc.values.empty()) r.criteria.push_back({stall, "no finished run", Outcome::undecided});
  else {
    const double worst = highest(xavier_acc.values);
    r.criteria.push_back(criterion(stall, worst < 0.30, fmt::format("highest over seeds {:.4f}; {}", worst, ci_text(xavier_acc))));
  }
  r.criteria.push_back(paired_gap("He trains: its test accuracy exceeds Xavier's by more than 20 points, paired t-test over seeds p < 0.01",
                                  he_acc.values, xavier_acc.values, 0.20));

  Figure f;
  f.title = "Pre-activation variance through depth (He et al. 2015, section 2.2)";
  f.caption = fmt::format("Mean over {} seeds (95% CI), gaussian input; dashed: mean-field theory. Xavier's variance halves at every ReLU layer.", seeds);
  f.x_label = "layer";
  f.y_label = "pre-activation variance";
  f.log_y = true;
  const int layers = static_cast<int>(study[0].seeds.front().size());
  for (std::size_t i = 0; i < 2; ++i) {
    const std::string& name = i == 0 ? he_name : xavier_name;
    f.series.push_back(layer_series(name, study[i], 1, layers, [](const LayerStats& l) { return l.pre_var; }));
    Series theory;
    theory.name = name + ", theory";
    theory.theory = true;
    for (const auto& l : study[i].seeds.front())
      if (l.theory_var) {
        theory.x.push_back(l.layer);
        theory.y.push_back(*l.theory_var);
      }
    f.series.push_back(theory);
  }
  r.figures.push_back(f);

  r.figures.push_back(accuracy_per_seed("Final test accuracy per seed (He et al. 2015, Figure 3 at small scale)",
                                        fmt::format("After {} epoch{} of SGD; one point per seed.", t.train.epochs, t.train.epochs == 1 ? "" : "s"),
                                        {&he_acc, &xavier_acc}));
}

}  // namespace

Reproduction he2015() {
  Reproduction r;
  r.name = "he2015";
  r.paper = "He, Zhang, Ren, Sun 2015, Delving deep into rectifiers (section 2.2, Figure 3)";
  r.claim = "A 30-layer ReLU net with Xavier's init (variance 1/n) halves its signal's variance at every layer (2^-29 through 30 layers) "
            "and does not learn; with He's init (2/n) the variance holds and the same net trains.";
  r.quick = {3, "about 20 seconds", "1 epoch"};
  r.full = {5, "about 30 seconds", "3 epochs"};
  r.min_seeds = 3;
  r.run = run;
  return r;
}

}  // namespace initlab::lab
