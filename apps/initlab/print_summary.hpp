// Printing experiment summaries: a ranked table with CIs and pairwise significance.
#pragma once
#include "experiments/summary.hpp"
#include "experiments/summary_json.hpp"

namespace initlab::cli {

void print_summary(const lab::ExperimentSummary& s);
using lab::summary_json;

}  // namespace initlab::cli
