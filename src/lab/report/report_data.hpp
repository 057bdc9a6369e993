// What an HTML report shows, gathered from a results database only (so a report can be re-made
// without retraining): per sweep its slices (the heatmap of the mean validation metric over
// init x tuned value, each init's curves at its chosen value, the ranked summary there); per
// experiment its configuration, runs, ranked summary with headline, per-epoch curves (mean and
// min-max band over seeds), the monitor's histograms, per-layer statistics and warnings; per
// propagation study its per-layer statistics, sweep values and verdicts. Tables are in long form
// (one row per point), as Vega-Lite takes them.
#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>
#include <string>

#include "store/store.hpp"

namespace initlab::lab {

// At most one is set; none: every sweep, experiment and propagation study.
struct ReportSelection {
  std::optional<std::int64_t> experiment;   // only this experiment (no sweeps, no propagations)
  std::optional<std::int64_t> propagation;  // only this propagation study
  std::optional<std::int64_t> sweep;        // only this sweep and its grid points' experiments
  std::vector<std::int64_t> studies;        // only these studies (reproductions) and the experiments they ran
};

// Throws Error naming the database when a selected id does not exist or it holds nothing, and
// when more than one of the selection's fields is set.
nlohmann::json report_data(ResultStore& store, const ReportSelection& selection);

}  // namespace initlab::lab
