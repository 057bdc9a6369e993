#include "report/report_data.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include "experiments/summary_json.hpp"
#include "experiments/sweep.hpp"
#include "initlab/error.hpp"

namespace initlab::lab {
namespace {

using nlohmann::json;

json parse_or_null(const std::string& text) {
  try {
    return json::parse(text);
  } catch (const std::exception&) {
    return nullptr;
  }
}

json finite_or_null(double v) { return std::isfinite(v) ? json(v) : json(); }

// Per init, per epoch, per metric: mean over the runs that reached that epoch, and their min and max.
json curves(const std::vector<RunRecord>& runs) {
  struct Acc {
    double sum = 0, lo = 0, hi = 0;
    int n = 0;
  };
  std::map<std::tuple<std::string, std::string, int>, Acc> acc;
  std::vector<std::string> order;  // inits in the order runs were made
  auto add = [&](const std::string& init, const char* metric, int epoch, const std::optional<double>& v) {
    if (!v || !std::isfinite(*v)) return;
    Acc& a = acc[{init, metric, epoch}];
    a.lo = a.n ? std::min(a.lo, *v) : *v;
    a.hi = a.n ? std::max(a.hi, *v) : *v;
    a.sum += *v;
    ++a.n;
  };
  for (const auto& r : runs) {
    if (!is_final(r.status)) continue;
    if (std::find(order.begin(), order.end(), r.init) == order.end()) order.push_back(r.init);
    for (const auto& m : r.epochs) {
      add(r.init, "train_loss", m.epoch, m.train_loss);
      add(r.init, "train_acc", m.epoch, m.train_acc);
      add(r.init, "val_loss", m.epoch, m.val_loss);
      add(r.init, "val_acc", m.epoch, m.val_acc);
      add(r.init, "test_loss", m.epoch, m.test_loss);
      add(r.init, "test_acc", m.epoch, m.test_acc);
    }
  }
  json rows = json::array();
  for (const auto& init : order)
    for (const auto& [key, a] : acc)
      if (std::get<0>(key) == init)
        rows.push_back({{"init", init}, {"metric", std::get<1>(key)}, {"epoch", std::get<2>(key)}, {"mean", a.sum / a.n},
                        {"lo", a.lo}, {"hi", a.hi}, {"n", a.n}});
  return rows;
}

// Where an experiment sits in the database's sweeps: per experiment id, the (sweep, point) rows.
using SweepMembership = std::map<std::int64_t, json>;

json experiment_json(ResultStore& store, const ExperimentRecord& e, const SweepMembership& in_sweeps) {
  const auto runs = store.runs(e.id);
  json j = {{"id", e.id}, {"kind", e.kind}, {"command", e.command}, {"created", e.created}, {"config", parse_or_null(e.config)}};
  const auto member = in_sweeps.find(e.id);
  j["in_sweeps"] = member == in_sweeps.end() ? json::array() : member->second;
  j["summary"] = summary_json(summarize_experiment(store, e.id));
  j["runs"] = json::array();
  for (const auto& r : runs)
    j["runs"].push_back({{"init", r.init}, {"seed", r.seed}, {"status", to_string(r.status)}, {"diverged_epoch", r.diverged_epoch},
                         {"epochs", r.epochs.size()}, {"versions", r.versions}});
  j["curves"] = curves(runs);
  // The monitor's data: per init, the first seed's run that has it.
  j["histograms"] = json::array();
  j["layer_stats"] = json::array();
  j["warnings"] = json::array();
  j["recurrent"] = json::array();  // the monitor on a recurrent layer: weight_hh's spectrum and the gradient through time
  std::vector<std::string> seen;
  for (const auto& r : runs) {
    if (std::find(seen.begin(), seen.end(), r.init) != seen.end()) continue;
    const auto stats = store.layer_stats(r.id);
    if (stats.empty()) continue;
    seen.push_back(r.init);
    std::map<std::string, int> index;
    for (const auto& s : stats) {
      const int k = index.emplace(s.layer, static_cast<int>(index.size())).first->second;
      j["layer_stats"].push_back({{"init", r.init}, {"seed", r.seed}, {"step", s.step}, {"epoch", s.epoch}, {"layer", s.layer},
                                  {"layer_index", k}, {"weight_std", finite_or_null(s.weight_std)}, {"act_mean", finite_or_null(s.act_mean)},
                                  {"act_std", finite_or_null(s.act_std)}, {"dead", finite_or_null(s.dead)},
                                  {"saturated", finite_or_null(s.saturated)}, {"grad_norm", finite_or_null(s.grad_norm)},
                                  {"update_ratio", finite_or_null(s.update_ratio)}, {"grad_pre_std", finite_or_null(s.grad_pre_std)}});
    }
    for (const auto& h : store.histograms(r.id)) {
      const double width = (h.hi - h.lo) / static_cast<double>(h.counts.size());
      for (std::size_t b = 0; b < h.counts.size(); ++b)
        j["histograms"].push_back({{"init", r.init}, {"layer", h.layer}, {"stage", h.stage}, {"x0", h.lo + width * b},
                                   {"x1", h.lo + width * (b + 1)}, {"count", h.counts[b]}});
    }
    for (const auto& w : store.warnings(r.id))
      j["warnings"].push_back({{"init", r.init}, {"layer", w.layer}, {"kind", w.kind}, {"step", w.step}, {"message", w.message}});
    for (const auto& s : store.recurrent_stats(r.id))
      j["recurrent"].push_back({{"init", r.init}, {"seed", r.seed}, {"step", s.step}, {"epoch", s.epoch}, {"layer", s.layer}, {"gate", s.gate},
                                {"spectral_radius", finite_or_null(s.spectral_radius)}, {"max_singular", finite_or_null(s.max_singular)},
                                {"min_singular", finite_or_null(s.min_singular)}, {"grad_ratio", finite_or_null(s.grad_ratio)},
                                {"hidden_ratio", finite_or_null(s.hidden_ratio)}});
  }
  return j;
}

// A member of JSON read back from the file, or null when `j` is not an object or lacks `key`
// (element: not an array or too short): the file may be corrupt, and nlohmann's const
// operator[] on a missing key is undefined behaviour (an assertion in a debug build).
const json& member(const json& j, const char* key) {
  static const json null;
  if (!j.is_object()) return null;
  const auto it = j.find(key);
  return it == j.end() ? null : *it;
}
const json& element(const json& j, std::size_t i) {
  static const json null;
  return j.is_array() && i < j.size() ? j[i] : null;
}
json sqrt_or_null(const json& v) { return v.is_number() ? json(std::sqrt(v.get<double>())) : json(); }

// A study through time (rnn: models): per init its ratios, verdict and weight_hh's blocks, and per
// step the hidden and gradient rms, the mean over seeds with the seeds' lowest and highest.
json through_time_report(json j, const json& results) {
  j["kind"] = "through_time";
  j["per_init"] = json::array();
  j["steps"] = json::array();
  j["blocks"] = json::array();
  const json& list = member(results, "results");
  if (!list.is_array()) return j;
  for (const auto& r : list) {
    const json& seeds = member(r, "seeds");
    if (!seeds.is_array() || seeds.empty()) continue;
    const json& init = member(r, "init");
    j["per_init"].push_back({{"init", init}, {"sweep_value", member(r, "sweep_value")}, {"grad_ratio", member(r, "grad_ratio")},
                             {"hidden_ratio", member(r, "hidden_ratio")}, {"verdict", member(r, "verdict")}, {"seeds", seeds.size()}});
    const json& blocks = member(r, "weight_hh");
    if (blocks.is_array())
      for (const auto& b : blocks)
        j["blocks"].push_back({{"init", init}, {"gate", member(b, "gate")}, {"spectral_radius", member(b, "spectral_radius")},
                               {"max_singular", member(b, "max_singular")}, {"min_singular", member(b, "min_singular")}});
    const json& first = element(seeds, 0);
    if (!first.is_array()) continue;
    for (std::size_t k = 0; k < first.size(); ++k) {
      for (const char* what : {"hidden_rms", "grad_rms"}) {
        double sum = 0, lo = 0, hi = 0;
        int n = 0;
        for (const auto& s : seeds) {
          const json& v = member(element(s, k), what);
          if (!v.is_number()) continue;
          const double x = v.get<double>();
          lo = n ? std::min(lo, x) : x;
          hi = n ? std::max(hi, x) : x;
          sum += x;
          ++n;
        }
        j["steps"].push_back({{"init", init}, {"step", member(element(first, k), "step")}, {"what", what},
                              {"mean", n ? json(sum / n) : json()}, {"lo", n ? json(lo) : json()}, {"hi", n ? json(hi) : json()}, {"n", n}});
      }
    }
  }
  return j;
}

// A coordinate check (experiments/coordcheck.hpp): one row per layer, width and step, and the
// slopes per layer.
json coordcheck_report(json j, const json& results) {
  j["kind"] = "coordcheck";
  j["points"] = json::array();
  j["slopes"] = json::array();
  j["verdict"] = member(results, "verdict");
  j["diverged"] = member(results, "diverged");
  const json& widths = member(results, "widths");
  const json& layers = member(results, "layers");
  if (!widths.is_array() || !layers.is_array()) return j;
  for (const auto& l : layers) {
    const json& size = member(l, "size");
    const json& update = member(l, "update");
    for (std::size_t w = 0; w < widths.size(); ++w) {
      const json& sizes = element(size, w);
      if (!sizes.is_array()) continue;
      for (std::size_t t = 0; t < sizes.size(); ++t)
        j["points"].push_back({{"layer", member(l, "name")}, {"role", member(l, "role")}, {"width", widths[w]}, {"step", t},
                               {"size", sizes[t]}, {"update", element(element(update, w), t)}});
    }
    const json& slope = member(l, "slope");
    const json& update_slope = member(l, "update_slope");
    json row = {{"layer", member(l, "name")}, {"role", member(l, "role")}};
    if (slope.is_array() && !slope.empty()) {
      row["slope_first"] = slope.front();
      row["slope_last"] = slope.back();
    }
    if (update_slope.is_array() && !update_slope.empty()) row["update_slope_last"] = update_slope.back();
    j["slopes"].push_back(row);
  }
  return j;
}

// A reproduction (experiments/reproduce.hpp): its claim, criteria, numbers and figures as stored.
json reproduction_report(json j, const json& results) {
  j["kind"] = "reproduction";
  for (const char* key : {"name", "paper", "claim", "mode", "seeds", "swapped", "verdict", "reason", "seconds", "experiments", "notes", "setup",
                          "criteria", "measured", "figures"})
    j[key] = member(results, key);
  return j;
}

json propagation_report(const PropagationRecord& p) {
  json j = {{"id", p.id}, {"command", p.command}, {"created", p.created}, {"versions", p.versions}, {"config", parse_or_null(p.config)}};
  const json results = parse_or_null(p.results);
  j["thresholds"] = member(results, "thresholds");
  if (member(results, "kind") == "through_time") return through_time_report(std::move(j), results);
  if (member(results, "kind") == "coordcheck") return coordcheck_report(std::move(j), results);
  if (member(results, "kind") == "reproduction") return reproduction_report(std::move(j), results);
  j["kind"] = "layers";
  j["per_init"] = json::array();
  j["layers"] = json::array();
  j["attention"] = json::array();
  const json& list = member(results, "results");
  if (!list.is_array()) return j;
  for (const auto& r : list) {
    const json& seeds = member(r, "seeds");
    const json& first = element(seeds, 0);
    if (!first.is_array() || first.empty()) continue;
    j["per_init"].push_back({{"init", member(r, "init")}, {"sweep_value", member(r, "sweep_value")},
                             {"final_act_std", member(first.back(), "act_std")}, {"spread", member(r, "final_act_std_spread")},
                             {"forward_ratio", member(r, "forward_ratio")}, {"backward_ratio", member(r, "backward_ratio")},
                             {"verdict", member(r, "verdict")}, {"seeds", seeds.size()}});
    for (const auto& l : first) {
      const json& name = member(l, "name");
      j["layers"].push_back({{"init", member(r, "init")}, {"sweep_value", member(r, "sweep_value")}, {"layer", member(l, "layer")},
                             {"name", name.is_string() ? name : json(std::string())}, {"pre_std", sqrt_or_null(member(l, "pre_var"))},  // null: overflowed
                             {"theory_std", sqrt_or_null(member(l, "theory_var"))}, {"act_std", member(l, "act_std")},
                             {"grad_pre_std", member(l, "grad_pre_std")}, {"dead", member(l, "dead")}, {"saturated", member(l, "saturated")}});
      if (l.contains("attn_logit_std"))  // a transformer block (vit:)
        j["attention"].push_back({{"init", member(r, "init")}, {"name", j["layers"].back()["name"]}, {"logit_std", member(l, "attn_logit_std")},
                                  {"entropy", member(l, "attn_entropy")}});
    }
  }
  return j;
}

// A tuned value as the heatmap labels it: the value alone when one key is tuned, else k=v, ...
std::string tuned_label(const std::map<std::string, std::string>& tuned) {
  if (tuned.size() == 1) return tuned.begin()->second;
  std::string out;
  for (const auto& [k, v] : tuned) out += (out.empty() ? "" : ", ") + k + "=" + v;
  return out;
}

// A sweep's page: per slice of the untuned keys, the heatmap's cells (the mean validation metric
// of each init at each tuned value, the chosen one marked), the curves of each init at its chosen
// value, and the summary (ranked test metric, pairs, headline) at the chosen values. Without
// `tune`, each slice is one grid point: its experiment's id and summary.
json sweep_json(ResultStore& store, const SweepRecord& sw) {
  const SweepSummary summary = summarize_sweep(store, sw.id);
  json j = {{"id", sw.id}, {"name", sw.name}, {"command", sw.command}, {"created", sw.created}, {"config", parse_or_null(sw.config)},
            {"tuned", summary.tuned}, {"validation_metric", summary.validation_metric}};
  std::map<int, std::int64_t> experiment_of;
  j["points"] = json::array();
  for (const auto& p : store.sweep_points(sw.id)) {
    experiment_of[p.point] = p.experiment_id;
    j["points"].push_back({{"point", p.point}, {"experiment", p.experiment_id}, {"settings", parse_or_null(p.settings)}});
  }
  j["slices"] = json::array();
  for (const auto& slice : summary.slices) {
    json sj = {{"fixed", slice.fixed}, {"summary", summary_json(slice.summary)}, {"headline", slice.summary.headline}};
    sj["experiments"] = json::array();
    sj["choices"] = json::array();
    sj["cells"] = json::array();
    std::vector<RunRecord> chosen_runs;
    std::map<std::int64_t, std::vector<RunRecord>> runs_of;  // by experiment, read once
    for (const auto& c : slice.choices) {
      sj["choices"].push_back({{"init", c.init}, {"chosen", c.chosen}, {"chosen_point", c.chosen_point},
                               {"chosen_label", c.chosen_point < 0 ? json() : json(tuned_label(c.chosen))}});
      for (std::size_t k = 0; k < c.candidates.size(); ++k) {
        const auto& cand = c.candidates[k];
        sj["cells"].push_back({{"init", c.init}, {"tuned", cand.tuned}, {"label", tuned_label(cand.tuned)}, {"order", k},
                               {"point", cand.point}, {"validation_mean", cand.finished ? json(cand.validation_mean) : json()},
                               {"finished", cand.finished}, {"runs", cand.runs}, {"chosen", cand.point == c.chosen_point},
                               {"train_loss", std::isfinite(cand.train_loss_mean) ? json(cand.train_loss_mean) : json()},
                               {"diverged", cand.diverged}});
        const std::int64_t experiment = experiment_of.at(cand.point);
        if (std::find(sj["experiments"].begin(), sj["experiments"].end(), json(experiment)) == sj["experiments"].end())
          sj["experiments"].push_back(experiment);
      }
      if (c.chosen_point < 0) continue;
      const std::int64_t experiment = experiment_of.at(c.chosen_point);
      if (!runs_of.count(experiment)) runs_of[experiment] = store.runs(experiment);
      for (const auto& r : runs_of[experiment])
        if (r.init == c.init) chosen_runs.push_back(r);
    }
    if (slice.choices.empty()) {  // untuned: the slice is the points with these values (one point)
      for (const auto& p : store.sweep_points(sw.id)) {
        const json settings = parse_or_null(p.settings);
        bool match = settings.is_object();
        for (const auto& [k, v] : slice.fixed) {
          const json& value = member(settings, k.c_str());  // value(k, "") throws on a non-string
          match = match && (value.is_string() ? value.get<std::string>() : std::string()) == v;
        }
        if (match) sj["experiments"].push_back(p.experiment_id);
      }
    }
    sj["curves"] = curves(chosen_runs);
    j["slices"].push_back(sj);
  }
  return j;
}

}  // namespace

json report_data(ResultStore& store, const ReportSelection& selection) {
  json out = {{"source", std::filesystem::path(store.path()).filename().string()}, {"sweeps", json::array()},
               {"experiments", json::array()}, {"propagations", json::array()}};
  const bool several = !selection.studies.empty();
  const bool only_one = selection.experiment || selection.propagation || selection.sweep || several;
  if (static_cast<int>(selection.experiment.has_value()) + selection.propagation.has_value() + selection.sweep.has_value() + several > 1)
    throw Error("report_data: select one experiment, propagation study, sweep or list of studies, not several");
  SweepMembership in_sweeps;
  std::vector<std::int64_t> sweep_experiments;  // the selected sweep's points
  for (const auto& sw : store.sweeps()) {
    for (const auto& p : store.sweep_points(sw.id)) {
      in_sweeps[p.experiment_id].push_back({{"sweep", sw.id}, {"name", sw.name}, {"point", p.point}, {"settings", parse_or_null(p.settings)}});
      if (selection.sweep && sw.id == *selection.sweep) sweep_experiments.push_back(p.experiment_id);
    }
    if (!only_one || (selection.sweep && sw.id == *selection.sweep)) out["sweeps"].push_back(sweep_json(store, sw));
  }
  if (selection.sweep && out["sweeps"].empty())
    throw Error("results database '" + store.path() + "' has no sweep " + std::to_string(*selection.sweep));
  // Studies first: a reproduction names the experiments it trained, which come with it.
  std::vector<std::int64_t> study_experiments;
  if (!selection.experiment && !selection.sweep) {
    for (const auto& p : store.propagations()) {
      const bool wanted = selection.propagation ? p.id == *selection.propagation
                          : several ? std::find(selection.studies.begin(), selection.studies.end(), p.id) != selection.studies.end()
                                    : true;
      if (!wanted) continue;
      out["propagations"].push_back(propagation_report(p));
      const json& ids = member(out["propagations"].back(), "experiments");
      if (ids.is_array())
        for (const auto& id : ids)
          if (id.is_number_integer()) study_experiments.push_back(id.get<std::int64_t>());
    }
    if (selection.propagation && out["propagations"].empty())
      throw Error("results database '" + store.path() + "' has no propagation study " + std::to_string(*selection.propagation));
    if (several && out["propagations"].size() != selection.studies.size())
      throw Error("results database '" + store.path() + "' lacks some of the studies asked for");
  }
  if (!selection.propagation) {
    for (const auto& e : store.experiments()) {
      const bool wanted = selection.experiment ? e.id == *selection.experiment
                          : selection.sweep ? std::find(sweep_experiments.begin(), sweep_experiments.end(), e.id) != sweep_experiments.end()
                          : several       ? std::find(study_experiments.begin(), study_experiments.end(), e.id) != study_experiments.end()
                                          : true;
      if (wanted) out["experiments"].push_back(experiment_json(store, e, in_sweeps));
    }
    if (selection.experiment && out["experiments"].empty())
      throw Error("results database '" + store.path() + "' has no experiment " + std::to_string(*selection.experiment));
  }
  if (out["experiments"].empty() && out["propagations"].empty() && out["sweeps"].empty())
    throw Error("results database '" + store.path() + "' holds no experiments, sweeps or propagation studies to report");
  return out;
}

}  // namespace initlab::lab
