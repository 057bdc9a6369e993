#include "experiments/summary.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "experiments/statistics.hpp"
#include "initlab/error.hpp"
#include "store/store.hpp"

namespace initlab::lab {
namespace {

std::string fmt_num(double v, int digits = 4) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*g", digits, v);
  return buf;
}

PairComparison compare_pair(const InitSummary& a, const InitSummary& b) {
  PairComparison c;
  c.a = a.init;
  c.b = b.init;
  std::vector<double> pa, pb;  // the seeds both finished
  for (const auto& [seed, v] : a.final_by_seed)
    if (const auto it = b.final_by_seed.find(seed); it != b.final_by_seed.end()) {
      pa.push_back(v);
      pb.push_back(it->second);
    }
  if (pa.size() >= 2) {
    const PairedTest t = *paired_t_test(pa, pb);
    c.test = "paired";
    c.n = t.n;
    c.difference = t.mean_difference;
    c.ci_lo = t.ci95_lo;
    c.ci_hi = t.ci95_hi;
    c.t = t.t;
    c.dof = t.dof;
    c.p = t.p;
    c.effect = t.effect_dz;
    c.seeds_for_80 = seeds_needed(t.mean_difference, t.stddev_difference, 0.8, 0.05, /*paired=*/true);
  } else if (const auto w = welch_t_test(a.final_metric, b.final_metric)) {
    c.test = "welch";
    c.n = static_cast<int>(std::min(a.final_metric.size(), b.final_metric.size()));
    c.difference = w->difference;
    c.ci_lo = w->ci95_lo;
    c.ci_hi = w->ci95_hi;
    c.t = w->t;
    c.dof = w->dof;
    c.p = w->p;
    c.effect = w->cohens_d;
    const MeanCi ma = mean_ci(a.final_metric), mb = mean_ci(b.final_metric);
    const double pooled = std::sqrt((ma.stddev * ma.stddev + mb.stddev * mb.stddev) / 2);
    c.seeds_for_80 = seeds_needed(w->difference, pooled, 0.8, 0.05, /*paired=*/false);
  }
  return c;
}

// The headline: the leader, which inits are worse after Holm's correction, which are within
// noise of it, and how many seeds would separate the closest of those.
std::string headline_of(const ExperimentSummary& s) {
  if (s.ranked.empty() || s.ranked.front().finished == 0) return "no run has finished yet";
  const InitSummary& best = s.ranked.front();
  std::string text = best.init + " ranks first (" + s.metric + " " + fmt_num(best.mean) + " over " +
                     std::to_string(best.finished) + (best.finished == 1 ? " seed" : " seeds") + ")";
  std::vector<std::string> worse, tied, untested;
  const PairComparison* closest = nullptr;
  for (const auto& p : s.pairs) {
    if (p.a != best.init) continue;
    if (p.test.empty()) untested.push_back(p.b);
    else if (p.significant) worse.push_back(p.b);
    else {
      tied.push_back(p.b);
      if (!closest || std::fabs(p.difference) < std::fabs(closest->difference)) closest = &p;
    }
  }
  const auto list = [](const std::vector<std::string>& v) {
    std::string out;
    for (std::size_t i = 0; i < v.size(); ++i) out += (i == 0 ? "" : i + 1 == v.size() ? " and " : ", ") + v[i];
    return out;
  };
  if (!worse.empty()) text += "; " + list(worse) + (worse.size() == 1 ? " is" : " are") + " worse (Holm-corrected p < 0.05)";
  if (!tied.empty()) {
    text += "; " + list(tied) + (tied.size() == 1 ? " is" : " are") + " within noise of it";
    if (closest && closest->seeds_for_80)
      text += ": about " + std::to_string(*closest->seeds_for_80) + " seeds would be needed to separate " + best.init + " from " +
              closest->b + " at this spread (80% power)";
    else if (closest)
      text += " (no difference at all was measured between " + best.init + " and " + closest->b + ")";
  }
  if (!untested.empty()) text += "; too few seeds to test " + list(untested) + " (run with --seeds 2 or more)";
  return text;
}

}  // namespace

std::optional<double> metric_of(const EpochMetrics& m, bool classification, MetricSplit split) {
  switch (split) {
    case MetricSplit::validation: return classification ? m.val_acc : m.val_loss;
    case MetricSplit::test: return classification ? m.test_acc : m.test_loss;
    case MetricSplit::automatic: break;
  }
  if (classification) return m.test_acc ? m.test_acc : m.val_acc ? m.val_acc : std::optional<double>(m.train_acc);
  return m.test_loss ? m.test_loss : m.val_loss ? m.val_loss : std::optional<double>(m.train_loss);
}

ExperimentSummary summarize_experiment(ResultStore& store, std::int64_t experiment_id, MetricSplit split) {
  bool classification = true;
  for (const auto& e : store.experiments())
    if (e.id == experiment_id) {
      const std::string what = "the config of experiment " + std::to_string(e.id);
      const nlohmann::json config = store.parse_json(e.config, what);
      // (value() throws a JSON type error on a config that is not an object or a task that is not text)
      if (!config.is_object() || (config.contains("task") && !config.at("task").is_string()))
        throw Error("results database '" + store.path() + "': " + what + " is corrupt (not an object with a text task)");
      classification = config.value("task", "classification") == "classification";
    }
  ExperimentSummary s = summarize_runs(store.runs(experiment_id), classification, split);
  s.experiment_id = experiment_id;
  return s;
}

ExperimentSummary summarize_runs(const std::vector<RunRecord>& runs, bool classification, MetricSplit split) {
  ExperimentSummary s;
  s.higher_is_better = classification;
  if (split == MetricSplit::automatic) {
    bool any_test = false, any_val = false;
    for (const auto& r : runs)
      for (const auto& m : r.epochs) {
        any_test = any_test || m.test_acc.has_value() || m.test_loss.has_value();
        any_val = any_val || m.val_acc.has_value() || m.val_loss.has_value();
      }
    s.metric = std::string(any_test ? "test " : any_val ? "validation " : "training ") + (classification ? "accuracy" : "loss");
  } else {
    s.metric = std::string(split == MetricSplit::test ? "test " : "validation ") + (classification ? "accuracy" : "loss");
  }
  const auto value = [&](const EpochMetrics& m) { return metric_of(m, classification, split); };
  const auto better = [&](double x, double y) { return classification ? x > y : x < y; };
  // The best value reached by any run, for "epochs to 95% of the best".
  std::optional<double> best;
  for (const auto& r : runs)
    for (const auto& m : r.epochs)
      if (const auto v = value(m)) best = !best || better(*v, *best) ? *v : *best;
  s.target = best ? (classification ? 0.95 * *best : 1.05 * *best) : 0.0;
  std::vector<InitSummary> inits;
  for (const auto& r : runs) {
    auto it = std::find_if(inits.begin(), inits.end(), [&](const InitSummary& i) { return i.init == r.init; });
    if (it == inits.end()) {
      inits.push_back({});
      inits.back().init = r.init;
      it = inits.end() - 1;
    }
    it->runs += 1;
    if (r.status == RunStatus::diverged) it->diverged += 1;
    if (r.status == RunStatus::failed) it->failed += 1;
    if (r.status != RunStatus::done || r.epochs.empty() || !value(r.epochs.back())) continue;
    it->finished += 1;
    const double final_value = *value(r.epochs.back());
    it->final_metric.push_back(final_value);
    it->final_by_seed[r.seed] = final_value;
    std::size_t best_k = 0;
    for (std::size_t k = 0; k < r.epochs.size(); ++k)
      if (better(value(r.epochs[k]).value_or(NAN), value(r.epochs[best_k]).value_or(NAN))) best_k = k;
    it->best_epoch += r.epochs[best_k].epoch;
    for (const auto& m : r.epochs) {
      const auto v = value(m);
      if (v && (classification ? *v >= s.target : *v <= s.target)) {
        it->epochs_to_target = it->epochs_to_target.value_or(0.0) + m.epoch;
        it->reached_target += 1;
        break;
      }
    }
  }
  for (auto& i : inits) {
    const MeanCi m = mean_ci(i.final_metric);
    i.mean = m.mean;
    i.ci_half = m.half;
    if (i.finished > 0) i.best_epoch /= i.finished;
    if (i.reached_target > 0) *i.epochs_to_target /= i.reached_target;
    s.failed_runs += i.failed;
  }
  std::stable_sort(inits.begin(), inits.end(), [&](const InitSummary& a, const InitSummary& b) {
    if ((a.finished > 0) != (b.finished > 0)) return a.finished > 0;
    return better(a.mean, b.mean);
  });
  s.ranked = inits;
  for (std::size_t i = 0; i < inits.size(); ++i)
    for (std::size_t j = i + 1; j < inits.size(); ++j) s.pairs.push_back(compare_pair(inits[i], inits[j]));
  std::vector<double> p;
  for (const auto& c : s.pairs)
    if (!c.test.empty()) p.push_back(c.p);
  const std::vector<double> adjusted = holm_adjust(p);
  std::size_t k = 0;
  for (auto& c : s.pairs)
    if (!c.test.empty()) {
      c.p_holm = adjusted[k++];
      c.significant = c.p_holm < 0.05;
    }
  s.headline = headline_of(s);
  return s;
}

}  // namespace initlab::lab
