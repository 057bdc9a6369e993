// Zhao, Schäfer, Anandkumar 2022, "ZerO initialization: initializing neural networks with only
// zeros and ones", section 5 at small scale: a residual net initialized deterministically (the
// identity / Hadamard matrices, the last layer of every residual branch zero) trains to the same
// accuracy as the same net with a random init (He's).
#include <fmt/core.h>

#include "experiments/reproductions/catalog.hpp"
#include "experiments/reproductions/parts.hpp"

namespace initlab::lab {
namespace {

constexpr const char* kModel = "resmlp:784-128x8-10";

void run(const ReproOptions& o, int seeds, ReproResult& r) {
  using namespace repro;
  const bool quick = o.mode == ReproMode::quick;
  // The negative control puts all-zero weights (no symmetry breaking at all) in ZerO's place.
  const std::string zero = o.swap ? "zeros" : "zero_init";
  ExperimentConfig t;
  t.model = kModel;
  t.data = "fashion-mnist";
  t.train.optimizer = Optimizer::sgd;
  t.train.lr = 0.01;
  t.train.batch = 64;
  t.train.epochs = quick ? 2 : 4;
  t.inits = {zero, "kaiming_normal"};
  const ExperimentSummary s = train_comparison(t, seeds, o, r);
  r.setup = {{"model", std::string(kModel) + " (8 residual blocks of width 128 with ReLU, a linear output layer)"},
             {"data", "fashion-mnist: 60000 training images (10% held out for validation), 10000 test images, standardized"},
             {"training", fmt::format("SGD lr 0.01, no momentum, batch 64, {} epochs, cross-entropy", t.train.epochs)},
             {"inits", fmt::format("ZerO: {}; random: kaiming_normal", zero)},
             {"seeds", std::to_string(seeds) + " (ZerO's weights are the same for every seed; the data order is not)"},
             {"scale", "the paper: ResNets on CIFAR-10 and ImageNet, and transformers; here an 8-block residual MLP on Fashion-MNIST"}};
  const std::vector<std::string> all = t.inits;
  const Measured z = measure(fmt::format("ZerO ({}): final test accuracy", zero), finals_by_seed(s, zero, all));
  const Measured he = measure("He (kaiming_normal): final test accuracy", finals_by_seed(s, "kaiming_normal", all));
  r.measured = {z, he};
  r.criteria.push_back(non_inferior("ZerO matches a random init: the paired difference in test accuracy (ZerO - He) has its 95% CI above -2 points",
                                    z.values, he.values, 0.02));
  r.figures.push_back(accuracy_per_seed("Final test accuracy per seed (Zhao et al. 2022, at small scale)",
                                        fmt::format("After {} epochs of SGD; one point per seed.", t.train.epochs), {&z, &he}));
}

}  // namespace

Reproduction zhao2022() {
  Reproduction r;
  r.name = "zhao2022";
  r.paper = "Zhao, Schäfer, Anandkumar 2022, ZerO initialization: initializing neural networks with only zeros and ones (section 5)";
  r.claim = "A residual net initialized deterministically with only zeros and ones (identity / Hadamard, residual branches ending in zero) "
            "trains to the accuracy of the same net with a random init.";
  r.quick = {6, "about 1 minute", "2 epochs"};  // He diverges in about 1 seed of 6: 4 seeds left 3 pairs, too few
  r.full = {6, "about 2 minutes", "4 epochs"};
  r.min_seeds = 3;
  r.run = run;
  return r;
}

}  // namespace initlab::lab
