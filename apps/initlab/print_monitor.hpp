// The training monitor's compact per-layer table for the runs of an experiment.
#pragma once
#include "experiments/experiment.hpp"

namespace initlab::cli {

// For each init of the summary, its first seed's run: per layer the weight std at init and at
// the end, and the last snapshot's activation std, dead / saturated fractions, gradient norm and
// update-to-weight ratio; then the run's warnings.
void print_monitor_tables(lab::ResultStore& store, const lab::ExperimentSummary& s, std::uint64_t seed);

}  // namespace initlab::cli
