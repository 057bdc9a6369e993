// What an HTML report shows, gathered from a results database only (so a report can be re-made
// without retraining): per experiment its configuration, runs, ranked summary, per-epoch curves
// (mean and min-max band over seeds), the monitor's histograms, per-layer statistics and
// warnings; per propagation study its per-layer statistics, sweep values and verdicts. Tables
// are in long form (one row per point), as Vega-Lite takes them.
#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "store/store.hpp"

namespace initlab::lab {

struct ReportSelection {
  std::optional<std::int64_t> experiment;   // only this experiment (and no propagations)
  std::optional<std::int64_t> propagation;  // only this propagation study (and no experiments)
};

// Throws Error naming the database when a selected id does not exist or it holds nothing.
nlohmann::json report_data(ResultStore& store, const ReportSelection& selection);

}  // namespace initlab::lab
