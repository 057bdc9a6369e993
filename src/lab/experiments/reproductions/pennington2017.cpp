// Saxe, McClelland, Ganguli 2014 and Pennington, Schoenholz, Ganguli 2017 ("Resurrecting the
// sigmoid in deep learning through dynamical isometry", Table 1 / Figure 2): the spectrum of the
// input-output Jacobian J of a deep net at initialization. With squared singular values
// normalized to mean 1, their variance (sigma^2 of JJ^T) is, for large width: 0 for orthogonal
// linear nets at every depth; L for Gaussian linear nets; L_relu (1 - p) / p = L - 1 for
// orthogonal ReLU nets (p = 1/2 of units active) and about twice that for Gaussian ReLU nets
// (2L - 1); orthogonal tanh near q* = 0 stays close to isometry while Gaussian tanh grows like L.
#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "experiments/reproductions/catalog.hpp"
#include "experiments/reproductions/parts.hpp"
#include "experiments/statistics.hpp"

namespace initlab::lab {
namespace {

struct Case {
  std::string activation, label;
  double gain;  // sigma_w: 1 (linear, tanh at its critical point with zero biases) or sqrt(2) (ReLU)
};

// The normalized variance of the squared singular values: (stddev / mean)^2.
double spectrum_variance(const JacobianSpectrum& j) { return j.spread * j.spread; }

// Large-width theory for a net of `depth` weight layers (the last one linear).
std::optional<double> theory(const std::string& activation, bool orthogonal, int depth) {
  if (activation == "linear") return orthogonal ? 0.0 : static_cast<double>(depth);
  if (activation == "relu") return orthogonal ? depth - 1.0 : 2.0 * depth - 1.0;
  return std::nullopt;
}

void run(const ReproOptions& o, int seeds, ReproResult& r) {
  using namespace repro;
  const bool quick = o.mode == ReproMode::quick;
  const int width = quick ? 200 : 400;
  const std::vector<int> depths = quick ? std::vector<int>{2, 4, 8, 16} : std::vector<int>{2, 4, 8, 16, 32, 64};
  const int samples = quick ? 2 : 4;
  const std::vector<Case> cases = {{"linear", "linear", 1.0}, {"relu", "ReLU", std::sqrt(2.0)}, {"tanh", "tanh", 1.0}};
  r.setup = {{"model", fmt::format("mlp:{0}-{0}xL: L weight layers of width {0}, the activation after every one but the last", width)},
             {"depths L", join([&] {
                std::vector<std::string> d;
                for (const int x : depths) d.push_back(std::to_string(x));
                return d;
              }())},
             {"inits", "orthogonal:gain=g against normal:std=g/sqrt(width); g = 1 (linear, tanh) or sqrt(2) (ReLU); biases zero"},
             {"Jacobian", fmt::format("d output / d input at {} gaussian inputs N(0, 1) per seed; the variance of the squared singular values "
                                      "divided by their squared mean",
                                      samples)},
             {"seeds", std::to_string(seeds)},
             {"scale", fmt::format("the paper: width 1000 and depths to 400 (and free-probability theory at infinite width); here width {}", width)}};

  // [case][orthogonal?][depth] -> per-seed values
  std::vector<std::array<std::vector<Measured>, 2>> m(cases.size());
  for (std::size_t c = 0; c < cases.size(); ++c) {
    Figure fig;
    fig.title = fmt::format("{} nets: spread of the Jacobian's spectrum with depth (Pennington et al. 2017)", cases[c].label);
    fig.caption = fmt::format("Variance of the squared singular values over their squared mean, mean over {} seeds (95% CI); dashed: "
                              "large-width theory where it has a closed form.",
                              seeds);
    fig.x_label = "depth L";
    fig.y_label = "variance of s^2 / mean(s^2)^2";
    fig.log_x = true;
    for (const bool orthogonal : {true, false}) {
      const bool as_orthogonal = orthogonal != o.swap;  // the negative control exchanges the two
      const std::string init = as_orthogonal ? fmt::format("orthogonal:gain={:.17g}", cases[c].gain)
                                             : fmt::format("normal:std={:.17g}", cases[c].gain / std::sqrt(static_cast<double>(width)));
      const std::string role = orthogonal ? "orthogonal" : "Gaussian";
      Series measured_series, theory_series;
      measured_series.name = fmt::format("{} ({})", role, init);
      theory_series.name = role + ", theory";
      theory_series.theory = true;
      for (const int depth : depths) {
        PropagateConfig p;
        p.model = fmt::format("mlp:{0}-{0}x{1}", width, depth);
        p.activation = cases[c].activation;
        p.inits = {init};
        p.batch = 16;
        p.jacobian_samples = samples;
        const auto spectra = jacobian_per_seed(p, seeds, o, fmt::format("Jacobian: {} {}, depth {}", cases[c].label, role, depth));
        std::vector<double> values;
        for (const auto& j : spectra) values.push_back(spectrum_variance(j));
        m[c][orthogonal ? 0 : 1].push_back(measure(fmt::format("{} {} ({}), depth {}: variance of s^2 / mean^2", cases[c].label, role, init, depth),
                                                   values, theory(cases[c].activation, orthogonal, depth)));
        const Measured& last = m[c][orthogonal ? 0 : 1].back();
        measured_series.x.push_back(depth);
        measured_series.y.push_back(last.mean);
        measured_series.half.push_back(last.half);
        if (last.theory) {
          theory_series.x.push_back(depth);
          theory_series.y.push_back(*last.theory);
        }
      }
      fig.series.push_back(measured_series);
      if (!theory_series.x.empty()) fig.series.push_back(theory_series);
    }
    r.figures.push_back(fig);
  }
  for (const auto& c : m)
    for (const auto& side : c) r.measured.insert(r.measured.end(), side.begin(), side.end());

  auto list = [](const std::vector<Measured>& xs, auto f) {
    std::vector<std::string> out;
    for (const auto& x : xs) out.push_back(f(x));
    return join(out, "; ");
  };
  auto depth_of = [&](std::size_t i) { return depths[i]; };
  // 1. Orthogonal linear: isometry at every depth.
  {
    bool ok = true;
    for (const auto& x : m[0][0]) ok = ok && x.mean < 1e-6;
    r.criteria.push_back(criterion("Orthogonal linear nets are isometries: the normalized variance of s^2 stays below 1e-6 at every depth", ok,
                                   list(m[0][0], [](const Measured& x) { return format_g(x.mean); })));
  }
  // 2. Gaussian linear: grows like L.
  {
    bool ok = true;
    std::vector<std::string> text;
    for (std::size_t i = 0; i < depths.size(); ++i) {
      const double ratio = m[0][1][i].mean / depth_of(i);
      ok = ok && ratio > 1 / 1.6 && ratio < 1.6;
      text.push_back(fmt::format("L={}: {}", depth_of(i), format_g(m[0][1][i].mean)));
    }
    r.criteria.push_back(criterion("Gaussian linear nets: the normalized variance grows like the depth, within a factor 1.6 of L at every depth",
                                   ok, join(text, "; ")));
  }
  // 3. ReLU: orthogonal like L - 1, Gaussian 1.5 to 3.5 times that.
  {
    bool ok = true;
    std::vector<std::string> text;
    for (std::size_t i = 0; i < depths.size(); ++i) {
      const double orth = m[1][0][i].mean, gauss = m[1][1][i].mean, l = depth_of(i);
      ok = ok && orth / (l - 1) > 1 / 1.6 && orth / (l - 1) < 1.6 && gauss / orth >= 1.5 && gauss / orth <= 3.5;
      text.push_back(fmt::format("L={}: orthogonal {}, Gaussian {} ({:.2f}x)", depth_of(i), format_g(orth), format_g(gauss), gauss / orth));
    }
    r.criteria.push_back(criterion("ReLU nets: orthogonal's normalized variance grows like L - 1 (within a factor 1.6) and Gaussian's is 1.5 to "
                                   "3.5 times orthogonal's at every depth (theory (2L - 1) / (L - 1), about 2)",
                                   ok, join(text, "; ")));
  }
  // 4. tanh at criticality: orthogonal stays near isometry.
  {
    const double orth = m[2][0].back().mean, gauss = m[2][1].back().mean;
    r.criteria.push_back(criterion(fmt::format("tanh at the critical point (sigma_w = 1, zero biases): at depth {} orthogonal's normalized variance "
                                               "is below 1/4 of Gaussian's (dynamical isometry)",
                                               depths.back()),
                                   orth < gauss / 4, fmt::format("orthogonal {}, Gaussian {}", ci_text(m[2][0].back()), ci_text(m[2][1].back()))));
  }
}

}  // namespace

Reproduction pennington2017() {
  Reproduction r;
  r.name = "pennington2017";
  r.paper = "Pennington, Schoenholz, Ganguli 2017, Resurrecting the sigmoid (Table 1, Figure 2); Saxe, McClelland, Ganguli 2014";
  r.claim = "The spread of a deep net's input-output Jacobian spectrum grows with depth as free probability says: not at all for orthogonal "
            "linear nets, like L for Gaussian linear nets, like L - 1 for orthogonal ReLU nets and about twice that for Gaussian ReLU; "
            "orthogonal tanh at its critical point stays near isometry.";
  r.quick = {3, "about 30 seconds", "width 200, depths 2-16"};
  r.full = {5, "about 8 minutes", "width 400, depths 2-64"};
  r.min_seeds = 2;
  r.run = run;
  return r;
}

}  // namespace initlab::lab
