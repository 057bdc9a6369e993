// An experiment's summary as JSON (the CLI's --json, `initlab results --json`, the HTML report).
#pragma once
#include <nlohmann/json.hpp>

#include "experiments/summary.hpp"

namespace initlab::lab {

nlohmann::json summary_json(const ExperimentSummary& s);

}  // namespace initlab::lab
