// Propagation results as JSON: `initlab propagate --json`, the results store, the HTML report.
#pragma once
#include <nlohmann/json.hpp>

#include "experiments/propagate.hpp"

namespace initlab::lab {

// {"thresholds": {...}, "results": [{init, sweep_value, forward_ratio, ..., seeds: [[layer, ...]]}]}
nlohmann::json propagation_json(const std::vector<InitPropagation>& results);
// The study's configuration (stored with its results).
nlohmann::json propagate_config_json(const PropagateConfig& c);

}  // namespace initlab::lab
