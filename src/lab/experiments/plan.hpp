// A plan: every run an experiment or a sweep needs, each a self-contained run spec with its
// seed, computed (and checked) before anything trains, so --dry-run, resume and distribution
// all read the same list.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "experiments/run_spec.hpp"
#include "store/records.hpp"

namespace initlab::lab {

struct PlannedExperiment {
  ExperimentRecord record;      // key, kind, config, command; id once the recorder has it
  std::string settings = "{}";  // JSON object: a sweep point's grid values
};

struct PlannedRun {
  std::size_t experiment = 0;   // index into Plan::experiments
  RunSpec spec;
  std::string spec_json;        // as stored in runs.spec
};

struct Plan {
  std::vector<PlannedExperiment> experiments;
  std::vector<PlannedRun> runs;  // seeds outer, inits inner, per experiment in order
};

}  // namespace initlab::lab
