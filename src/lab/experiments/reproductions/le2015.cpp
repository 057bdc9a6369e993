// Le, Jaitly, Hinton 2015, "A simple way to initialize recurrent networks of rectified linear
// units", section 4.1 (the adding problem): a ReLU RNN whose recurrent matrix starts at the
// identity (IRNN: identity, zero biases, small Gaussian input weights) learns to add the two
// marked numbers of a long sequence, while the same RNN with small random recurrent weights stays
// at the baseline of always predicting their mean sum (MSE 1/6).
#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "experiments/reproductions/catalog.hpp"
#include "experiments/reproductions/parts.hpp"
#include "experiments/statistics.hpp"

namespace initlab::lab {
namespace {

constexpr double kBaseline = 1.0 / 6.0;  // the MSE of predicting 1 (the sum's mean) for every sequence

void run(const ReproOptions& o, int seeds, ReproResult& r) {
  using namespace repro;
  const bool quick = o.mode == ReproMode::quick;
  const int steps = quick ? 50 : 100;
  // The two roles and the init each gets (exchanged in the negative control).
  std::string irnn = "irnn", small = "normal:std=0.001";
  if (o.swap) std::swap(irnn, small);
  ExperimentConfig t;
  t.model = "rnn:relu-100";
  t.data = fmt::format("synthetic:adding,T={},n=10000", steps);
  t.data_options.normalize = "none";
  t.train.optimizer = Optimizer::adam;
  t.train.lr = 0.001;
  t.train.clip_norm = 1;
  t.train.batch = 50;
  t.train.epochs = quick ? 25 : 40;
  t.inits = {irnn, small};
  const ExperimentSummary s = train_comparison(t, seeds, o, r);
  r.setup = {{"model", "rnn:relu-100 (one ReLU recurrent layer of 100 units, a linear read-out of the last step)"},
             {"data", fmt::format("{}: sequences of {} steps of (value ~ U(0, 1), marker); the target is the sum of the two marked values; "
                                  "8100 training, 900 validation, 1000 test sequences",
                                  t.data, steps)},
             {"training", fmt::format("Adam lr 0.001, gradient norm clipped at 1, batch 50, {} epochs, MSE", t.train.epochs)},
             {"inits", fmt::format("IRNN: {}; small random: {} (recurrent weights; the paper's RNN with small Gaussian weights)", irnn, small)},
             {"baseline", "predicting 1 for every sequence: MSE 1/6 = 0.1667"},
             {"seeds", std::to_string(seeds)},
             {"scale", fmt::format("the paper: T = 150 to 750, SGD with a tuned rate, up to 10^6 steps; here T = {}, Adam, {} epochs of "
                                   "162 steps",
                                   steps, t.train.epochs)}};
  const std::vector<std::string> both = t.inits;
  const Measured irnn_mse = measure(fmt::format("IRNN ({}): final test MSE", irnn), finals_by_seed(s, irnn, both));
  const Measured small_mse = measure(fmt::format("small random ({}): final test MSE", small), finals_by_seed(s, small, both));
  r.measured = {irnn_mse, small_mse};
  r.criteria.push_back(criterion("IRNN solves the task: its test MSE is below 0.05 (under a third of the baseline 1/6) for every seed",
                                 !irnn_mse.values.empty() && highest(irnn_mse.values) < 0.05,
                                 fmt::format("highest over seeds {:.4f}; {}", highest(irnn_mse.values), ci_text(irnn_mse))));
  r.criteria.push_back(criterion("The RNN with small random recurrent weights stays at the baseline: its test MSE is above 0.8 x 1/6 for every seed",
                                 !small_mse.values.empty() && lowest(small_mse.values) > 0.8 * kBaseline,
                                 fmt::format("lowest over seeds {:.4f}; {}", lowest(small_mse.values), ci_text(small_mse))));
  // Lower is better: the small init's MSE exceeds IRNN's (in MSE units, not accuracy points).
  const std::string gap_text = "IRNN beats it: the small init's test MSE exceeds IRNN's by more than 0.08, paired t-test p < 0.01";
  if (const auto t_test = small_mse.values.size() >= 2 ? paired_t_test(small_mse.values, irnn_mse.values) : std::nullopt)
    r.criteria.push_back(criterion(gap_text, t_test->mean_difference > 0.08 && t_test->p < 0.01,
                                   fmt::format("difference {:+.4f}, 95% CI [{:+.4f}, {:+.4f}], paired p = {:.2g} ({} pairs)", t_test->mean_difference,
                                               t_test->ci95_lo, t_test->ci95_hi, t_test->p, t_test->n)));
  else
    r.criteria.push_back({gap_text, "fewer than two pairs", Outcome::undecided});
  Figure f;
  f.title = "Final test MSE per seed on the adding problem (Le et al. 2015, Figure 2 at small scale)";
  f.caption = fmt::format("T = {}, after {} epochs; one point per seed. The baseline (predict 1) is 1/6.", steps, t.train.epochs);
  f.x_label = "seed";
  f.y_label = "test MSE";
  f.log_y = true;
  f.series = accuracy_per_seed("", "", {&irnn_mse, &small_mse}).series;
  Series baseline{"baseline 1/6", true, {}, {}, {}};
  for (const double x : f.series.front().x) {
    baseline.x.push_back(x);
    baseline.y.push_back(kBaseline);
  }
  f.series.push_back(baseline);
  r.figures.push_back(f);
}

}  // namespace

Reproduction le2015() {
  Reproduction r;
  r.name = "le2015";
  r.paper = "Le, Jaitly, Hinton 2015, A simple way to initialize recurrent networks of rectified linear units (section 4.1, the adding problem)";
  r.claim = "A ReLU RNN whose recurrent matrix starts at the identity (IRNN) solves the adding problem, while the same RNN with small random "
            "recurrent weights stays at the baseline of predicting the mean.";
  r.quick = {3, "about 50 seconds", "T = 50, 25 epochs"};
  r.full = {5, "about 9 minutes", "T = 100, 40 epochs"};
  r.min_seeds = 3;
  r.run = run;
  return r;
}

}  // namespace initlab::lab
