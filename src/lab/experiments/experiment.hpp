// Experiments of one configuration (train, compare): every init x seed, planned, executed by the
// scheduler, recorded, and summarized from the database (summary.hpp).
#pragma once
#include <atomic>
#include <string>
#include <vector>

#include "data/data_cache.hpp"
#include "experiments/events.hpp"
#include "experiments/plan.hpp"
#include "experiments/scheduler.hpp"
#include "experiments/summary.hpp"
#include "initlab/generator.hpp"
#include "models/models.hpp"
#include "train/trainer.hpp"

namespace initlab::lab {

struct ExperimentConfig {
  std::string kind = "compare";  // train | compare
  std::string model;
  ModelOptions model_options;
  std::string data = "fashion-mnist";
  DataOptions data_options;
  TrainConfig train;
  std::vector<std::string> inits;
  std::string bias;  // empty: the weight init's own bias rule, else zeros
  std::vector<std::string> overrides;
  GeneratorKind generator = GeneratorKind::philox;
  int seeds = 1;
  std::uint64_t first_seed = 0;
  std::string db = "initlab-results.db";
  std::string command;
  int monitor_every = 0;  // > 0: the training monitor every K steps, stored with each run (not part of the experiment's identity)
  double max_memory_bytes = 0;  // refuse a run estimated to need more (0: the memory available now); not part of the identity
};

// The run spec every run of `config` starts from (init and seed still to set).
RunSpec base_spec(const ExperimentConfig& config);

// Checks every spec of the experiment against its data and model (loaded through `data`) and
// lists its runs, seeds outer, inits inner. Throws Error before anything trains.
Plan plan_experiment(const ExperimentConfig& config, DataCache& data);

// Checks a run spec's model, data and init against each other: estimates the model's training
// memory (models/footprint.hpp; above `max_memory_bytes`, 0: the memory available now, an error
// naming --max-memory), builds the model on the data once and parses the init (a network scheme
// is checked against the model). Throws Error.
void check_run_spec(const RunSpec& spec, DataCache& data, double max_memory_bytes);

// Seeds first_seed .. first_seed + seeds - 1 must not run past 2^64 - 1: throws Error naming --seed.
void check_seed_range(std::uint64_t first_seed, int seeds);

// Plans, runs what the database does not have yet (see scheduler.hpp), and returns the summary
// of everything stored for the experiment.
ExperimentSummary run_experiment(const ExperimentConfig& config, const std::atomic<bool>* stop, RunEvents* events = nullptr,
                                 const ScheduleOptions& schedule = {});

}  // namespace initlab::lab
