#include "experiments/reproductions/parts.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "experiments/statistics.hpp"
#include "initlab/error.hpp"

namespace initlab::lab::repro {

void check_stop(const ReproOptions& o) {
  if (o.stop && o.stop->load()) throw Error("interrupted");
}

std::vector<InitPropagation> propagate_study(PropagateConfig config, int seeds, const ReproOptions& o, const std::string& what) {
  check_stop(o);
  config.seeds = seeds;
  if (o.progress)
    config.progress = [&](const PropagateProgress& p) {
      o.progress(fmt::format("{}: {}, seed {} of {}", what, p.init, p.seed_index + 1, seeds));
    };
  return propagate(config);
}

std::vector<JacobianSpectrum> jacobian_per_seed(PropagateConfig config, int seeds, const ReproOptions& o, const std::string& what) {
  std::vector<JacobianSpectrum> out;
  const std::uint64_t first = config.seed;
  for (int s = 0; s < seeds; ++s) {
    check_stop(o);
    if (o.progress) o.progress(fmt::format("{}: seed {} of {}", what, s + 1, seeds));
    config.seeds = 1;
    config.seed = first + static_cast<std::uint64_t>(s);
    const auto result = propagate(config);
    if (result.size() != 1 || !result.front().jacobian) throw Error("reproduction: the study '" + what + "' has no Jacobian");
    out.push_back(*result.front().jacobian);
  }
  return out;
}

ExperimentSummary train_comparison(ExperimentConfig config, int seeds, const ReproOptions& o, ReproResult& result) {
  check_stop(o);
  config.kind = "compare";
  config.seeds = seeds;
  config.db = o.db;
  config.command = o.command;
  ExperimentSummary s = run_experiment(config, o.stop, o.events, o.schedule);
  result.experiments.push_back(s.experiment_id);
  if (s.interrupted) throw Error("interrupted");
  for (const auto& i : s.ranked)
    if (i.diverged > 0 || i.failed > 0 || i.finished < i.runs)
      result.notes.push_back(fmt::format("{}: {} of {} runs finished ({} diverged, {} failed); the paired numbers use the seeds every init finished",
                                         i.init, i.finished, i.runs, i.diverged, i.failed));
  return s;
}

std::vector<double> per_seed(const InitPropagation& p, const std::function<double(const std::vector<LayerStats>&)>& f) {
  std::vector<double> out;
  for (const auto& layers : p.seeds) out.push_back(f(layers));
  return out;
}

const LayerStats& layer(const std::vector<LayerStats>& layers, int number) {
  if (number < 1 || number > static_cast<int>(layers.size()))
    throw Error(fmt::format("reproduction: layer {} asked of a network of {} layers", number, layers.size()));
  return layers[static_cast<std::size_t>(number - 1)];
}

Series layer_series(const std::string& name, const InitPropagation& p, int first, int last, const std::function<double(const LayerStats&)>& f) {
  Series s;
  s.name = name;
  for (int l = first; l <= last; ++l) {
    std::vector<double> values;
    for (const auto& layers : p.seeds) values.push_back(f(layer(layers, l)));
    const MeanCi ci = mean_ci(values);
    s.x.push_back(l);
    s.y.push_back(ci.mean);
    s.half.push_back(ci.half);
  }
  return s;
}

Series ci_series(std::string name, const std::vector<double>& x, const std::vector<std::vector<double>>& values) {
  Series s;
  s.name = std::move(name);
  for (std::size_t i = 0; i < x.size() && i < values.size(); ++i) {
    if (values[i].empty()) continue;
    const MeanCi ci = mean_ci(values[i]);
    s.x.push_back(x[i]);
    s.y.push_back(ci.mean);
    s.half.push_back(ci.half);
  }
  return s;
}

Figure accuracy_per_seed(std::string title, std::string caption, const std::vector<const Measured*>& finals, std::string y_label) {
  Figure f;
  f.title = std::move(title);
  f.caption = std::move(caption);
  f.x_label = "seed";
  f.y_label = std::move(y_label);
  for (const Measured* m : finals) {
    Series series;
    series.name = m->name.substr(0, m->name.find(':'));
    for (std::size_t i = 0; i < m->values.size(); ++i) {
      series.x.push_back(static_cast<double>(i + 1));
      series.y.push_back(m->values[i]);
    }
    f.series.push_back(series);
  }
  return f;
}

Criterion criterion(std::string text, bool met, std::string measured) {
  Criterion c;
  c.text = std::move(text);
  c.measured = std::move(measured);
  c.outcome = met ? Outcome::met : Outcome::not_met;
  return c;
}

namespace {

// A criterion decided on the 95% CI [lo, hi] of the paired mean difference a - b (accuracy points;
// `margin` says the bound in words); undecided with fewer than two pairs.
Criterion on_paired_ci(std::string text, const std::vector<double>& a, const std::vector<double>& b, const std::string& margin,
                       const std::function<Outcome(double lo, double hi)>& decide) {
  Criterion c;
  c.text = std::move(text);
  const auto t = paired_t_test(a, b);
  if (!t) {
    c.measured = fmt::format("{} paired seeds: too few for a confidence interval", a.size());
    return c;
  }
  c.measured = fmt::format("difference {:+.2f} points, 95% CI [{:+.2f}, {:+.2f}] ({} pairs; margin {})", 100 * t->mean_difference, 100 * t->ci95_lo,
                           100 * t->ci95_hi, t->n, margin);
  c.outcome = decide(t->ci95_lo, t->ci95_hi);
  return c;
}

}  // namespace

Criterion non_inferior(std::string text, const std::vector<double>& a, const std::vector<double>& b, double margin) {
  return on_paired_ci(std::move(text), a, b, fmt::format("-{:.0f}", 100 * margin), [&](double lo, double hi) {
    return lo > -margin ? Outcome::met : hi < -margin ? Outcome::not_met : Outcome::undecided;
  });
}

Criterion equivalent(std::string text, const std::vector<double>& a, const std::vector<double>& b, double margin) {
  return on_paired_ci(std::move(text), a, b, fmt::format("+-{:.2g}", 100 * margin), [&](double lo, double hi) {
    return lo > -margin && hi < margin ? Outcome::met : lo > margin || hi < -margin ? Outcome::not_met : Outcome::undecided;
  });
}

Criterion paired_gap(std::string text, const std::vector<double>& a, const std::vector<double>& b, double gap) {
  Criterion c;
  c.text = std::move(text);
  const auto t = paired_t_test(a, b);
  if (!t) {
    c.measured = fmt::format("{} paired seeds: too few for the test", a.size());
    return c;
  }
  c.measured = fmt::format("difference {:+.1f} points, 95% CI [{:+.1f}, {:+.1f}], paired p = {:.2g} ({} pairs)", 100 * t->mean_difference,
                           100 * t->ci95_lo, 100 * t->ci95_hi, t->p, t->n);
  c.outcome = t->mean_difference > gap && t->p < 0.01 ? Outcome::met : Outcome::not_met;
  return c;
}

std::vector<double> finals_by_seed(const ExperimentSummary& s, const std::string& init, const std::vector<std::string>& all) {
  std::set<std::uint64_t> common;
  bool first = true;
  for (const auto& name : all) {
    std::set<std::uint64_t> seeds;
    for (const auto& i : s.ranked)
      if (i.init == name)
        for (const auto& [seed, value] : i.final_by_seed) seeds.insert(seed);
    if (first) common = seeds;
    else {
      std::set<std::uint64_t> both;
      std::set_intersection(common.begin(), common.end(), seeds.begin(), seeds.end(), std::inserter(both, both.begin()));
      common = both;
    }
    first = false;
  }
  std::vector<double> out;
  for (const auto& i : s.ranked)
    if (i.init == init)
      for (const std::uint64_t seed : common) out.push_back(i.final_by_seed.at(seed));
  return out;
}

double lowest(const std::vector<double>& values) { return values.empty() ? std::nan("") : *std::min_element(values.begin(), values.end()); }
double highest(const std::vector<double>& values) { return values.empty() ? std::nan("") : *std::max_element(values.begin(), values.end()); }

std::string join(const std::vector<std::string>& items, const std::string& separator) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : separator) + i;
  return out;
}

std::string format_g(double v, int digits) { return fmt::format("{:.{}g}", v, digits); }

}  // namespace initlab::lab::repro
