#include "report/report_data.hpp"

#include <algorithm>
#include <filesystem>
#include <map>

#include "experiments/summary_json.hpp"
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

json experiment_json(ResultStore& store, const ExperimentRecord& e) {
  const auto runs = store.runs(e.id);
  json j = {{"id", e.id}, {"kind", e.kind}, {"command", e.command}, {"created", e.created}, {"config", parse_or_null(e.config)}};
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
                                  {"update_ratio", finite_or_null(s.update_ratio)}});
    }
    for (const auto& h : store.histograms(r.id)) {
      const double width = (h.hi - h.lo) / static_cast<double>(h.counts.size());
      for (std::size_t b = 0; b < h.counts.size(); ++b)
        j["histograms"].push_back({{"init", r.init}, {"layer", h.layer}, {"stage", h.stage}, {"x0", h.lo + width * b},
                                   {"x1", h.lo + width * (b + 1)}, {"count", h.counts[b]}});
    }
    for (const auto& w : store.warnings(r.id))
      j["warnings"].push_back({{"init", r.init}, {"layer", w.layer}, {"kind", w.kind}, {"step", w.step}, {"message", w.message}});
  }
  return j;
}

json propagation_report(const PropagationRecord& p) {
  json j = {{"id", p.id}, {"command", p.command}, {"created", p.created}, {"versions", p.versions}, {"config", parse_or_null(p.config)}};
  const json results = parse_or_null(p.results);
  j["thresholds"] = results.is_object() ? results.value("thresholds", json()) : json();
  j["per_init"] = json::array();
  j["layers"] = json::array();
  if (!results.is_object() || !results.contains("results")) return j;
  for (const auto& r : results["results"]) {
    const auto& seeds = r["seeds"];
    if (seeds.empty() || seeds[0].empty()) continue;
    const auto& first = seeds[0];
    j["per_init"].push_back({{"init", r["init"]}, {"sweep_value", r.value("sweep_value", json())},
                             {"final_act_std", first.back()["act_std"]}, {"spread", r["final_act_std_spread"]},
                             {"forward_ratio", r["forward_ratio"]}, {"backward_ratio", r["backward_ratio"]}, {"verdict", r["verdict"]},
                             {"seeds", seeds.size()}});
    for (const auto& l : first) {
      const json theory = l["theory_var"].is_number() ? json(std::sqrt(l["theory_var"].get<double>())) : json();
      j["layers"].push_back({{"init", r["init"]}, {"sweep_value", r.value("sweep_value", json())}, {"layer", l["layer"]},
                             {"name", l.value("name", std::string())}, {"pre_std", std::sqrt(l["pre_var"].get<double>())},
                             {"theory_std", theory}, {"act_std", l["act_std"]}, {"grad_pre_std", l["grad_pre_std"]},
                             {"dead", l["dead"]}, {"saturated", l["saturated"]}});
    }
  }
  return j;
}

}  // namespace

json report_data(ResultStore& store, const ReportSelection& selection) {
  json out = {{"source", std::filesystem::path(store.path()).filename().string()}, {"experiments", json::array()},
              {"propagations", json::array()}};
  if (!selection.propagation) {
    for (const auto& e : store.experiments())
      if (!selection.experiment || e.id == *selection.experiment) out["experiments"].push_back(experiment_json(store, e));
    if (selection.experiment && out["experiments"].empty())
      throw Error("results database '" + store.path() + "' has no experiment " + std::to_string(*selection.experiment));
  }
  if (!selection.experiment) {
    for (const auto& p : store.propagations())
      if (!selection.propagation || p.id == *selection.propagation) out["propagations"].push_back(propagation_report(p));
    if (selection.propagation && out["propagations"].empty())
      throw Error("results database '" + store.path() + "' has no propagation study " + std::to_string(*selection.propagation));
  }
  if (out["experiments"].empty() && out["propagations"].empty())
    throw Error("results database '" + store.path() + "' holds no experiments or propagation studies to report");
  return out;
}

}  // namespace initlab::lab
