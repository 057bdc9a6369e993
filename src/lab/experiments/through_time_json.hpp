// A study through time as JSON: what `propagate --json` prints on rnn: models and what the
// results database stores (and the report reads back).
#pragma once
#include <nlohmann/json.hpp>

#include "experiments/through_time.hpp"

namespace initlab::lab {

// {"kind": "through_time", "thresholds": {...}, "results": [{init, sweep_value, grad_ratio,
// hidden_ratio, verdict, weight_hh: [{gate, spectral_radius, max_singular, min_singular}],
// seeds: [[{step, hidden_rms, grad_rms}]]}]}. Values that are not finite are written as null.
nlohmann::json through_time_json(const std::vector<ThroughTime>& results);

}  // namespace initlab::lab
