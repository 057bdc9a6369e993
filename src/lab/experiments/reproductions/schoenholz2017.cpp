// Schoenholz, Gilmer, Ganguli, Sohl-Dickstein 2017, "Deep information propagation", Figure 5: the
// trainability of deep tanh nets over sigma_w^2 x depth (weights N(0, sigma_w^2 / fan_in), biases
// N(0, sigma_b^2 = 0.05)). Mean-field theory gives the depth scale xi_c over which two inputs'
// correlation reaches its fixed point; a net trains when its depth is below about 6 xi_c, which
// diverges at the order-to-chaos transition (sigma_w^2 ~= 1.76), so trainable depth peaks there.
// Here at small scale: MLPs of width 64 on a Fashion-MNIST subset, a short SGD budget.
#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "experiments/reproductions/catalog.hpp"
#include "experiments/reproductions/parts.hpp"
#include "initlab/error.hpp"
#include "initlab/mean_field.hpp"

namespace initlab::lab {
namespace {

constexpr double kSigmaB2 = 0.05;
constexpr int kWidth = 64;
constexpr double kChance = 0.10;
constexpr double kTrained = 0.40;  // test accuracy a net must reach to count as trained (chance: 10%)

struct Grid {
  std::vector<double> sigma_w2;  // ascending, the critical point among them
  std::vector<int> depths;       // ascending
};

// sigma_w^2 on the order-to-chaos line for sigma_b^2 = 0.05, rounded to 3 digits as the init spec has it.
double critical_sigma_w2() {
  const auto s = critical_sigma_w(Nonlinearity::tanh, 0.0, std::sqrt(kSigmaB2));
  if (!s) throw Error("reproduction schoenholz2017: mean-field theory found no critical sigma_w");
  return std::round(*s * *s * 1000) / 1000;
}

Grid grid(bool quick) {
  const double c = critical_sigma_w2();
  if (quick) return {{1.0, 1.4, c, 2.5, 4.0}, {10, 30, 90}};
  return {{1.0, 1.2, 1.4, 1.6, c, 2.0, 2.5, 3.0, 4.0}, {10, 20, 40, 70, 100}};
}

// 6 xi_c of tanh at this sigma_w^2 (+inf at criticality).
double six_xi_c(double sigma_w2) {
  MeanField m;
  m.nonlinearity = Nonlinearity::tanh;
  m.sigma_w = std::sqrt(sigma_w2);
  m.sigma_b = std::sqrt(kSigmaB2);
  const auto xi = analyze(m).depth_scale_c;
  return xi ? 6 * *xi : std::numeric_limits<double>::infinity();
}

std::string init_spec(double sigma_w2) { return fmt::format("variance_scaling:scale={},distribution=normal", sigma_w2); }

// A cell of the diagram: one sigma_w^2 at one depth, its accuracy per seed (a run that diverged or
// failed counts as chance: it did not train).
struct Cell {
  double sigma_w2 = 0;
  int depth = 0;
  std::vector<double> accuracy;
  bool trained() const {
    const auto n = std::count_if(accuracy.begin(), accuracy.end(), [](double a) { return a >= kTrained; });
    return 2 * n > static_cast<std::ptrdiff_t>(accuracy.size());  // most seeds
  }
};

std::vector<double> accuracy_per_seed(const InitSummary& s, int seeds, std::uint64_t first_seed) {
  std::vector<double> out;
  for (int k = 0; k < seeds; ++k) {
    const auto it = s.final_by_seed.find(first_seed + static_cast<std::uint64_t>(k));
    out.push_back(it == s.final_by_seed.end() ? kChance : it->second);
  }
  return out;
}

void run(const ReproOptions& o, int seeds, ReproResult& r) {
  using namespace repro;
  const bool quick = o.mode == ReproMode::quick;
  const Grid g = grid(quick);
  const double critical = critical_sigma_w2();
  // The init each sigma_w^2's role gets; the negative control exchanges the critical point's with
  // the most chaotic one's.
  std::vector<double> used = g.sigma_w2;
  const auto at_critical = static_cast<std::size_t>(std::find(used.begin(), used.end(), critical) - used.begin());
  if (o.swap) std::swap(used[at_critical], used.back());

  ExperimentConfig t;
  t.data = "fashion-mnist";
  t.data_options.limit = quick ? 6000 : 12000;
  t.model_options.activation = "tanh";
  t.bias = fmt::format("normal:std={}", std::sqrt(kSigmaB2));
  t.train.optimizer = Optimizer::sgd;
  t.train.lr = 0.0005;
  t.train.momentum = 0.9;
  t.train.batch = 64;
  t.train.epochs = quick ? 5 : 8;
  for (double s : used) t.inits.push_back(init_spec(s));

  std::vector<Cell> cells;
  for (int depth : g.depths) {
    t.model = fmt::format("mlp:784-{}x{}-10", kWidth, depth);
    if (o.progress) o.progress(fmt::format("training depth {}", depth));
    const ExperimentSummary s = train_comparison(t, seeds, o, r);
    for (std::size_t i = 0; i < used.size(); ++i) {
      const auto it = std::find_if(s.ranked.begin(), s.ranked.end(), [&](const InitSummary& x) { return x.init == t.inits[i]; });
      if (it == s.ranked.end()) throw Error("reproduction schoenholz2017: the comparison has no runs of " + t.inits[i]);
      cells.push_back({g.sigma_w2[i], depth, accuracy_per_seed(*it, seeds, t.first_seed)});
    }
  }
  r.setup = {{"model", fmt::format("mlp:784-{}xL-10, tanh, L in {{{}}}", kWidth, join([&] {
                                     std::vector<std::string> v;
                                     for (int d : g.depths) v.push_back(std::to_string(d));
                                     return v;
                                   }()))},
             {"inits", fmt::format("weights N(0, sigma_w^2 / fan_in) (variance_scaling:scale=SIGMA_W2,distribution=normal), sigma_w^2 in "
                                   "{{{}}} (critical {}); biases N(0, {})",
                                   join([&] {
                                     std::vector<std::string> v;
                                     for (double s : g.sigma_w2) v.push_back(format_g(s));
                                     return v;
                                   }()),
                                   format_g(critical), kSigmaB2)},
             {"data", fmt::format("fashion-mnist: the first {} training images (10% held out), {} test images, standardized", t.data_options.limit,
                                  t.data_options.limit / 5)},
             {"training", fmt::format("SGD lr {} momentum {}, batch {}, {} epochs, cross-entropy", t.train.lr, t.train.momentum, t.train.batch,
                                      t.train.epochs)},
             {"trained", fmt::format("test accuracy >= {:.0f}% for most seeds (chance 10%; a run that diverged counts as untrained)", 100 * kTrained)},
             {"seeds", std::to_string(seeds)},
             {"scale", "the paper: width 300 on MNIST and CIFAR-10, depths to 300, long training; here width 64, depths to " +
                           std::to_string(g.depths.back()) + ", a few epochs on a subset, so trainable depths sit below the paper's"}};
  if (o.swap)
    r.setup.push_back({"negative control", fmt::format("the critical role gets sigma_w^2 = {}, the most chaotic role {}", format_g(used[at_critical]),
                                                       format_g(used.back()))});

  // Trainable depth per sigma_w^2: the deepest tested depth that trained (0: none).
  auto cell = [&](double s, int depth) -> const Cell& {
    return *std::find_if(cells.begin(), cells.end(), [&](const Cell& c) { return c.sigma_w2 == s && c.depth == depth; });
  };
  std::vector<int> trainable;
  for (double s : g.sigma_w2) {
    int deepest = 0;
    for (int d : g.depths)
      if (cell(s, d).trained()) deepest = d;
    trainable.push_back(deepest);
  }
  // Per seed: the deepest tested depth that trained at that seed (the criteria use the cells' majority).
  for (std::size_t i = 0; i < g.sigma_w2.size(); ++i) {
    std::vector<double> deepest(static_cast<std::size_t>(seeds), 0.0);
    for (int d : g.depths) {
      const auto& acc = cell(g.sigma_w2[i], d).accuracy;
      for (std::size_t k = 0; k < acc.size(); ++k)
        if (acc[k] >= kTrained) deepest[k] = d;
    }
    const double bound = six_xi_c(g.sigma_w2[i]);
    r.measured.push_back(measure(fmt::format("sigma_w^2 = {}: trainable depth (deepest tested that trained; theory: 6 xi_c)", format_g(g.sigma_w2[i])),
                                 deepest, std::isfinite(bound) ? std::optional<double>(bound) : std::nullopt));
  }
  for (const Cell& c : cells)
    r.measured.push_back(measure(fmt::format("sigma_w^2 = {}, depth {}: final test accuracy", format_g(c.sigma_w2), c.depth), c.accuracy));

  const std::size_t ic = at_critical;
  const int deepest = g.depths.back();
  r.criteria.push_back(criterion(fmt::format("At the critical sigma_w^2 = {} (chi_1 = 1, xi_c infinite) every tested depth trains, {} included",
                                             format_g(critical), deepest),
                                 trainable[ic] == deepest && std::all_of(g.depths.begin(), g.depths.end(), [&](int d) { return cell(critical, d).trained(); }),
                                 fmt::format("trainable depth {}", trainable[ic])));
  const bool peak = std::all_of(trainable.begin(), trainable.end(), [&](int d) { return d <= trainable[ic]; }) &&
                    trainable.front() < trainable[ic] && trainable.back() < trainable[ic];
  std::vector<std::string> listing;
  for (std::size_t i = 0; i < g.sigma_w2.size(); ++i) listing.push_back(fmt::format("{}: {}", format_g(g.sigma_w2[i]), trainable[i]));
  r.criteria.push_back(criterion(fmt::format("Trainable depth peaks at the critical point: no sigma_w^2 trains deeper than {}, and both ends of the "
                                             "grid ({} and {}) train strictly shallower",
                                             format_g(critical), format_g(g.sigma_w2.front()), format_g(g.sigma_w2.back())),
                                 peak, "trainable depth by sigma_w^2: " + join(listing)));
  int beyond = 0, beyond_failed = 0;
  std::vector<std::string> trained_beyond;
  for (const Cell& c : cells)
    if (c.depth > 1.5 * six_xi_c(c.sigma_w2)) {
      ++beyond;
      if (c.trained()) trained_beyond.push_back(fmt::format("sigma_w^2 {} depth {}", format_g(c.sigma_w2), c.depth));
      else ++beyond_failed;
    }
  r.criteria.push_back(criterion("Depth beyond 1.5 x 6 xi_c does not train: every such cell fails (6 xi_c from mean-field theory; the margin "
                                 "allows for the boundary's width)",
                                 beyond > 0 && trained_beyond.empty(),
                                 beyond == 0 ? "no cell lies beyond 1.5 x 6 xi_c"
                                             : fmt::format("{} of {} cells beyond it failed{}", beyond_failed, beyond,
                                                           trained_beyond.empty() ? "" : "; trained: " + join(trained_beyond))));
  const int shallow = g.depths.front();
  std::vector<std::string> shallow_failed;
  for (double s : g.sigma_w2)
    if (!cell(s, shallow).trained()) shallow_failed.push_back(format_g(s));
  r.criteria.push_back(criterion(fmt::format("Depth, not sigma_w^2 alone, decides: at depth {} (below 6 xi_c everywhere on the grid) every sigma_w^2 trains", shallow),
                                 shallow_failed.empty(), shallow_failed.empty() ? "all trained" : "failed at sigma_w^2 " + join(shallow_failed)));

  Figure f;
  f.title = "Trainable depth against sigma_w^2 (Schoenholz et al. 2017, Figure 5)";
  f.caption = fmt::format("Points: the deepest tested net that trained (test accuracy >= {:.0f}% for most of {} seeds). Dashed: 6 xi_c from "
                          "mean-field theory, infinite at the critical sigma_w^2 = {} (drawn up to 1000).",
                          100 * kTrained, seeds, format_g(critical));
  f.x_label = "sigma_w^2";
  f.y_label = "depth";
  f.log_y = true;
  Series measured{"trainable depth (measured)", false, {}, {}, {}};
  for (std::size_t i = 0; i < g.sigma_w2.size(); ++i)
    if (trainable[i] > 0) {
      measured.x.push_back(g.sigma_w2[i]);
      measured.y.push_back(trainable[i]);
    }
  Series theory{"6 xi_c (mean-field theory)", true, {}, {}, {}};
  for (double s = g.sigma_w2.front(); s <= g.sigma_w2.back() + 1e-9; s += 0.02) {
    theory.x.push_back(s);
    theory.y.push_back(std::min(six_xi_c(s), 1000.0));
  }
  f.series = {measured, theory};
  r.figures.push_back(f);

  Figure a;
  a.title = "Test accuracy against sigma_w^2, one line per depth";
  a.caption = fmt::format("Mean over {} seeds with 95% CI (a diverged run counts as chance, 10%); the trained threshold is {:.0f}%.", seeds, 100 * kTrained);
  a.x_label = "sigma_w^2";
  a.y_label = "test accuracy";
  for (int d : g.depths) {
    std::vector<std::vector<double>> values;
    for (double s : g.sigma_w2) values.push_back(cell(s, d).accuracy);
    a.series.push_back(ci_series(fmt::format("depth {}", d), g.sigma_w2, values));
  }
  r.figures.push_back(a);
}

}  // namespace

Reproduction schoenholz2017() {
  Reproduction r;
  r.name = "schoenholz2017";
  r.paper = "Schoenholz, Gilmer, Ganguli, Sohl-Dickstein 2017, Deep information propagation (Figure 5)";
  r.claim = "Deep tanh nets train only when their depth is below about 6 xi_c, the mean-field depth scale of correlations, which diverges "
            "at the order-to-chaos transition: trainable depth peaks at the critical sigma_w^2 and falls off on both sides as xi_c does.";
  r.quick = {2, "about 1 minute", "5 values of sigma_w^2 x depths 10, 30, 90; 5 epochs on 6000 images"};
  r.full = {3, "about 7 minutes", "9 values of sigma_w^2 x depths 10 to 100; 8 epochs on 12000 images"};
  r.min_seeds = 2;
  r.run = run;
  return r;
}

}  // namespace initlab::lab
