#include "experiments/reproduce.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "experiments/reproductions/catalog.hpp"
#include "experiments/statistics.hpp"
#include "initlab/error.hpp"

namespace initlab::lab {

const char* to_string(ReproMode m) { return m == ReproMode::quick ? "quick" : "full"; }

const char* to_string(Outcome o) {
  switch (o) {
    case Outcome::met: return "met";
    case Outcome::not_met: return "not met";
    case Outcome::undecided: return "undecided";
  }
  return "undecided";
}

Measured measure(std::string name, std::vector<double> values, std::optional<double> theory) {
  Measured m;
  m.name = std::move(name);
  m.theory = theory;
  if (!values.empty()) {
    const MeanCi ci = mean_ci(values);
    m.mean = ci.mean;
    m.half = ci.half;
  } else {
    m.mean = std::nan("");
  }
  m.values = std::move(values);
  return m;
}

std::string ci_text(const Measured& m, int digits) {
  const std::string n = fmt::format(" (n = {})", m.values.size());
  if (!m.half) return fmt::format("{:.{}g}{}", m.mean, digits, n);
  return fmt::format("{:.{}g} +- {:.2g}{}", m.mean, digits, *m.half, n);
}

const std::vector<Reproduction>& reproductions() {
  static const std::vector<Reproduction> all = {he2015(), glorot2010(), pennington2017(), klambauer2017(), mishkin2016(), zhao2022(), schoenholz2017(), le2015(), yang2021(), seed000(), seed002(), seed003()};
  return all;
}

const Reproduction& find_reproduction(const std::string& name) {
  for (const auto& r : reproductions())
    if (r.name == name) return r;
  std::string names;
  for (const auto& r : reproductions()) names += (names.empty() ? "" : ", ") + r.name;
  throw Error("unknown reproduction '" + name.substr(0, 40) + "'; expected one of: " + names + " (or all)");
}

std::pair<std::string, std::string> decide(const std::vector<Criterion>& criteria, int seeds, int min_seeds) {
  int not_met = 0, undecided = 0;
  for (const auto& c : criteria) {
    if (c.outcome == Outcome::not_met) ++not_met;
    if (c.outcome == Outcome::undecided) ++undecided;
  }
  if (seeds < min_seeds)
    return {"inconclusive", fmt::format("{} seed{} is fewer than the {} this reproduction's statistics need", seeds, seeds == 1 ? "" : "s", min_seeds)};
  if (criteria.empty()) return {"inconclusive", "no criterion was evaluated"};
  if (not_met > 0)
    return {"not reproduced", fmt::format("{} of {} criteria not met", not_met, criteria.size())};
  if (undecided > 0)
    return {"inconclusive", fmt::format("{} of {} criteria could not be decided (too few finished runs or seeds)", undecided, criteria.size())};
  return {"reproduced", fmt::format("all {} criteria met", criteria.size())};
}

ReproResult reproduce(const Reproduction& r, const ReproOptions& options) {
  const int seeds = options.seeds > 0 ? options.seeds : (options.mode == ReproMode::quick ? r.quick.seeds : r.full.seeds);
  if (seeds < 1 || seeds > 1000) throw Error(fmt::format("--seeds {}: expected 1 to 1000", seeds));
  ReproResult result;
  result.name = r.name;
  result.paper = r.paper;
  result.claim = r.claim;
  result.mode = options.mode;
  result.seeds = seeds;
  result.swapped = options.swap;
  const auto start = std::chrono::steady_clock::now();
  r.run(options, seeds, result);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::tie(result.verdict, result.reason) = decide(result.criteria, seeds, r.min_seeds);
  return result;
}

namespace {

nlohmann::json number_or_null(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); }

nlohmann::json optional_json(const std::optional<double>& v) { return v ? number_or_null(*v) : nlohmann::json(); }

}  // namespace

nlohmann::json reproduction_config_json(const ReproResult& r) {
  return {{"kind", "reproduction"}, {"name", r.name}, {"mode", to_string(r.mode)}, {"seeds", r.seeds}, {"swapped", r.swapped}};
}

nlohmann::json reproduction_json(const ReproResult& r) {
  nlohmann::json j = {{"kind", "reproduction"}, {"name", r.name},       {"paper", r.paper},           {"claim", r.claim},
                      {"mode", to_string(r.mode)}, {"seeds", r.seeds}, {"swapped", r.swapped},      {"verdict", r.verdict},
                      {"reason", r.reason},         {"seconds", r.seconds}, {"experiments", r.experiments}, {"notes", r.notes}};
  j["setup"] = nlohmann::json::array();
  for (const auto& [k, v] : r.setup) j["setup"].push_back({{"key", k}, {"value", v}});
  j["criteria"] = nlohmann::json::array();
  for (const auto& c : r.criteria) j["criteria"].push_back({{"text", c.text}, {"measured", c.measured}, {"outcome", to_string(c.outcome)}});
  j["measured"] = nlohmann::json::array();
  for (const auto& m : r.measured) {
    nlohmann::json values = nlohmann::json::array();
    for (const double v : m.values) values.push_back(number_or_null(v));
    j["measured"].push_back({{"name", m.name}, {"mean", number_or_null(m.mean)}, {"ci95_half", optional_json(m.half)},
                             {"n", m.values.size()}, {"values", values}, {"theory", optional_json(m.theory)}});
  }
  j["figures"] = nlohmann::json::array();
  for (const auto& f : r.figures) {
    nlohmann::json fig = {{"title", f.title}, {"caption", f.caption}, {"x_label", f.x_label}, {"y_label", f.y_label},
                          {"log_x", f.log_x}, {"log_y", f.log_y}, {"series", nlohmann::json::array()}};
    for (const auto& s : f.series) {
      nlohmann::json points = nlohmann::json::array();
      for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
        nlohmann::json p = {{"x", number_or_null(s.x[i])}, {"y", number_or_null(s.y[i])}};
        if (i < s.half.size()) p["half"] = optional_json(s.half[i]);
        points.push_back(p);
      }
      fig["series"].push_back({{"name", s.name}, {"theory", s.theory}, {"points", points}});
    }
    j["figures"].push_back(fig);
  }
  return j;
}

}  // namespace initlab::lab
