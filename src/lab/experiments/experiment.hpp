// Experiments: every init x seed of one configuration, trained, stored, and summarized fairly
// (mean +- 95% CI over seeds, convergence speed, divergence, pairwise Welch t-tests).
#pragma once
#include <atomic>
#include <string>
#include <vector>

#include "data/dataset.hpp"
#include "experiments/statistics.hpp"
#include "initlab/generator.hpp"
#include "models/models.hpp"
#include "store/store.hpp"
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
  bool quiet = false;  // no per-epoch lines
  int monitor_every = 0;  // > 0: the training monitor every K steps, stored with each run (not part of the experiment's identity)
};

// The seed notebooks' experiments: seed-mlp, seed-keras-mlp, seed-cnn, seed-toy-regression.
// Applies the preset to `config` (fields the user set explicitly are kept by the caller).
void apply_preset(const std::string& name, ExperimentConfig& config);
const std::vector<std::string>& preset_names();

// "zeros,normal:mean=0,std=0.01,he_normal" -> {"zeros", "normal:mean=0,std=0.01", "he_normal"}:
// a comma starts a new spec unless what follows is key=value. ';' always separates.
std::vector<std::string> split_init_list(const std::string& text);

struct InitSummary {
  std::string init;
  int runs = 0, finished = 0, diverged = 0, failed = 0;
  std::vector<double> final_metric;   // per finished run
  double mean = 0;
  std::optional<double> ci_half;
  double best_epoch = 0;              // mean over finished runs of the epoch with the best metric
  std::optional<double> epochs_to_target;  // mean over runs that reached 95% of the experiment's best
  int reached_target = 0;
};

struct PairComparison {
  std::string a, b;
  std::optional<WelchTest> test;  // absent: too few seeds
};

struct ExperimentSummary {
  std::int64_t experiment_id = 0;
  std::string metric;        // "test accuracy" | "test loss" | "validation accuracy" | ...
  bool higher_is_better = true;
  double target = 0;         // 95% of the best (accuracy) or 105% of the best (loss)
  std::vector<InitSummary> ranked;
  std::vector<PairComparison> pairs;
  int failed_runs = 0;
  bool interrupted = false;
};

// Runs what the store does not have yet; returns the summary of everything stored for it.
ExperimentSummary run_experiment(const ExperimentConfig& config, const std::atomic<bool>* stop);
// The summary of a stored experiment.
ExperimentSummary summarize_experiment(ResultStore& store, std::int64_t experiment_id);

// Library versions and the machine (system, CPU model, hardware threads), stored with every run.
std::string versions_text();

}  // namespace initlab::lab
