// Yang, Hu, Babuschkin, Sidor, Liu, Farhi, Ryder, Pachocki, Chen, Gao 2021, "Tensor Programs V:
// tuning large neural networks via zero-shot hyperparameter transfer", Figures 1 and 3: under the
// standard parametrization the learning rate with the lowest training loss moves as an MLP widens
// (down, for Adam); under μP (the maximal-update parametrization) it stays put, so it can be tuned
// on a narrow model and reused on a wide one. Here: 784-W-W-10 MLPs on Fashion-MNIST, Adam, a grid
// of learning rates a factor of 2 apart (docs/transformers.md has the larger sweep).
#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>

#include "experiments/reproductions/catalog.hpp"
#include "experiments/reproductions/parts.hpp"
#include "initlab/error.hpp"
#include "models/parametrization.hpp"
#include "store/store.hpp"

namespace initlab::lab {
namespace {

constexpr int kBaseWidth = 128;

struct Grid {
  std::vector<int> widths;     // ascending, the base width first
  std::vector<int> log2_lrs;   // ascending
};

Grid grid(bool quick) {
  if (quick) return {{kBaseWidth, 1024}, {-12, -11, -10, -9, -8, -7}};
  return {{kBaseWidth, 512, 2048}, {-14, -13, -12, -11, -10, -9, -8, -7, -6, -5}};
}

// The last epoch's training loss per seed of the comparison's one init (NaN where the run did not finish).
std::vector<double> train_loss_per_seed(const std::string& db, std::int64_t experiment, int seeds) {
  ResultStore store(db, StoreMode::read);
  std::vector<double> out(static_cast<std::size_t>(seeds), std::nan(""));
  for (const RunRecord& run : store.runs(experiment))
    if (run.status == RunStatus::done && !run.epochs.empty() && run.seed < static_cast<std::uint64_t>(seeds))
      out[run.seed] = run.epochs.back().train_loss;
  return out;
}

// The grid index of the lowest value (NaN: a run that diverged or failed, never the lowest).
int argmin(const std::vector<double>& values) {
  int best = -1;
  for (std::size_t i = 0; i < values.size(); ++i)
    if (std::isfinite(values[i]) && (best < 0 || values[i] < values[static_cast<std::size_t>(best)])) best = static_cast<int>(i);
  return best;
}

double mean_of_finite(const std::vector<double>& v) {
  double sum = 0;
  int n = 0;
  for (double x : v)
    if (std::isfinite(x)) sum += x, ++n;
  return n ? sum / n : std::nan("");
}

void run(const ReproOptions& o, int seeds, ReproResult& r) {
  using namespace repro;
  const bool quick = o.mode == ReproMode::quick;
  const Grid g = grid(quick);
  const std::string mup = fmt::format("mup:base_width={}", kBaseWidth);
  // The negative control exchanges the roles: μP is measured where the standard parametrization
  // should be and the other way round.
  std::string standard_param = "standard", mup_param = mup;
  if (o.swap) std::swap(standard_param, mup_param);

  ExperimentConfig t;
  t.data = "fashion-mnist";
  t.data_options.limit = 10000;
  t.train.optimizer = Optimizer::adam;
  t.train.batch = 64;
  t.train.epochs = 2;
  t.inits = {"torch_default"};
  // loss[param role][width] = per lr, per seed
  std::map<std::string, std::map<int, std::vector<std::vector<double>>>> loss;
  for (const auto& [role, param] : std::vector<std::pair<std::string, std::string>>{{"standard", standard_param}, {"mup", mup_param}})
    for (int w : g.widths) {
      // At the base width μP is the standard parametrization by construction: one set of runs serves both.
      const std::string used = w == kBaseWidth ? "standard" : param;
      if (w == kBaseWidth && role == "mup") {
        loss[role][w] = loss["standard"][w];
        continue;
      }
      t.model = fmt::format("mlp:784-{}x2-10", w);
      t.model_options.param = parse_parametrization(used);
      for (int e : g.log2_lrs) {
        t.train.lr = std::ldexp(1.0, e);
        if (o.progress) o.progress(fmt::format("training {} width {} lr 2^{}", used, w, e));
        const ExperimentSummary s = train_comparison(t, seeds, o, r);
        loss[role][w].push_back(train_loss_per_seed(o.db, s.experiment_id, seeds));
      }
    }

  r.setup = {{"model", fmt::format("mlp:784-Wx2-10 (two ReLU hidden layers of width W), W in {{{}}}", join([&] {
                                     std::vector<std::string> v;
                                     for (int w : g.widths) v.push_back(std::to_string(w));
                                     return v;
                                   }()))},
             {"parametrizations", fmt::format("standard: {}; μP: {} (equal to the standard one at W = {}, so those runs serve both)",
                                              standard_param, mup_param, kBaseWidth)},
             {"inits", "torch_default (PyTorch's Linear init), scaled per layer by the parametrization"},
             {"data", "fashion-mnist: the first 10000 training images (10% held out), standardized"},
             {"training", fmt::format("Adam, batch 64, 2 epochs; learning rates 2^{} .. 2^{}, a factor of 2 apart; judged by the final training loss",
                                      g.log2_lrs.front(), g.log2_lrs.back())},
             {"seeds", std::to_string(seeds) + " per point (the best lr is taken on the mean over seeds)"},
             {"scale", "the paper: transformers and MLPs to width 8192, many epochs; here MLPs to width " + std::to_string(g.widths.back()) +
                           ", 2 epochs"}};
  if (o.swap) r.setup.push_back({"negative control", "the two parametrizations exchanged"});

  // Best log2 lr per role and width: on the mean over seeds (the criteria) and per seed (measured).
  std::map<std::string, std::map<int, int>> best;
  for (const std::string role : {"standard", "mup"})
    for (const auto& [w, per_lr] : loss[role]) {
      std::vector<double> means;
      for (const auto& seeds_loss : per_lr) means.push_back(mean_of_finite(seeds_loss));
      const int i = argmin(means);
      best[role][w] = i < 0 ? 0 : g.log2_lrs[static_cast<std::size_t>(i)];
      if (i < 0) r.notes.push_back(fmt::format("{} at width {}: no learning rate finished", role, w));
      std::vector<double> per_seed_best;
      for (int k = 0; k < seeds; ++k) {
        std::vector<double> column;
        for (const auto& seeds_loss : per_lr) column.push_back(seeds_loss[static_cast<std::size_t>(k)]);
        const int j = argmin(column);
        if (j >= 0) per_seed_best.push_back(g.log2_lrs[static_cast<std::size_t>(j)]);
      }
      r.measured.push_back(measure(fmt::format("{} at width {}: log2 of the best learning rate", role == "mup" ? "μP" : "standard", w), per_seed_best));
    }
  const int w0 = g.widths.front(), w1 = g.widths.back();
  const int standard_shift = best["standard"][w1] - best["standard"][w0];
  int mup_spread = 0;
  for (int w : g.widths) mup_spread = std::max(mup_spread, std::abs(best["mup"][w] - best["mup"][w0]));
  auto listing = [&](const std::string& role) {
    std::vector<std::string> v;
    for (int w : g.widths) v.push_back(fmt::format("{}: 2^{}", w, best[role][w]));
    return join(v);
  };
  // The quick grid widens 8-fold (the docs' sweep moved the standard optimum 2 steps there, with neighbours within the
  // seeds' noise): one step is required; the full grid widens 16-fold: two.
  const int steps = quick ? 1 : 2;
  r.criteria.push_back(criterion(fmt::format("Standard parametrization: the best learning rate moves down by at least a factor of {} from width {} to {}",
                                             1 << steps, w0, w1),
                                 standard_shift <= -steps, "best lr by width: " + listing("standard")));
  r.criteria.push_back(criterion(fmt::format("μP: the best learning rate stays within a factor of 2 of width {}'s at every width", w0), mup_spread <= 1,
                                 "best lr by width: " + listing("mup")));
  const int mup_shift = best["mup"][w1] - best["mup"][w0];
  r.criteria.push_back(criterion(fmt::format("The standard optimum moves further than μP's from width {} to {} (by at least one factor of 2)", w0, w1),
                                 mup_shift - standard_shift >= 1, fmt::format("standard {:+d}, μP {:+d} factors of 2", standard_shift, mup_shift)));

  for (const auto& role : {std::string("standard"), std::string("mup")}) {
    Figure f;
    f.title = role == "mup" ? "μP: final training loss against the learning rate (Yang et al. 2021, Figure 1, right)"
                            : "Standard parametrization: final training loss against the learning rate (Figure 1, left)";
    f.caption = fmt::format("One line per width, mean over {} seeds with 95% CI; the best lr is the lowest point of each line.", seeds);
    f.x_label = "log2 learning rate";
    f.y_label = "final training loss";
    f.log_y = true;
    const std::vector<double> x(g.log2_lrs.begin(), g.log2_lrs.end());
    for (int w : g.widths) {
      std::vector<std::vector<double>> finite;  // per lr, the seeds whose run finished
      for (const auto& per_seed : loss[role][w]) {
        finite.emplace_back();
        std::copy_if(per_seed.begin(), per_seed.end(), std::back_inserter(finite.back()), [](double v) { return std::isfinite(v); });
      }
      f.series.push_back(ci_series(fmt::format("width {}", w), x, finite));
    }
    r.figures.push_back(f);
  }
}

}  // namespace

Reproduction yang2021() {
  Reproduction r;
  r.name = "yang2021";
  r.paper = "Yang et al. 2021, Tensor Programs V: tuning large neural networks via zero-shot hyperparameter transfer (Figures 1 and 3)";
  r.claim = "Under the standard parametrization the best learning rate of an MLP trained by Adam moves (down) as the width grows; under "
            "μP it stays put, so it transfers from a narrow model to a wide one.";
  r.quick = {2, "about 1 minute", "widths 128 and 1024, 6 learning rates"};
  r.full = {2, "about 12 minutes", "widths 128, 512, 2048, 10 learning rates"};
  r.min_seeds = 2;
  r.run = run;
  return r;
}

}  // namespace initlab::lab
