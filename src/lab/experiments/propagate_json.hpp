// Propagation results as JSON: `initlab propagate --json`, the results store, the HTML report.
#pragma once
#include <nlohmann/json.hpp>

#include "experiments/propagate.hpp"

namespace initlab::lab {

// {"thresholds": {...}, "results": [{init, sweep_value, forward_ratio, ..., verdict, nonfinite, seeds: [[layer, ...]]}]}.
// verdict: vanishing | stable | exploding | nan; nonfinite: null, or where the first inf (an
// overflow: verdict exploding) or NaN (verdict nan) appeared: {seed_index, layer, name, value:
// "inf"|"nan", pass: "forward"|"backward"}. Statistics that are not finite are written as null.
nlohmann::json propagation_json(const std::vector<InitPropagation>& results);
// The study's configuration (stored with its results).
nlohmann::json propagate_config_json(const PropagateConfig& c);

}  // namespace initlab::lab
